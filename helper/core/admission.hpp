// SPDX-License-Identifier: GPL-2.0-or-later
// Admission control for callbacks: limits, rate windows, one pending job per user and number.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "mscb/helper_message.hpp"
#include "mscb/result.hpp"
#include "time.hpp"

namespace mscb::helper {

struct AdmissionLimits {
    unsigned maxJobs = 4;        ///< admitted + running jobs, all lines together
    unsigned userPerHour = 4;    ///< accepted jobs per user in any 60 minutes
    unsigned numberPerHour = 3;  ///< accepted jobs per number in any 60 minutes (anti-harassment)
};

/// Decides `admit` and `job` requests. Pure: the caller says whether the line is a configured
/// modem and passes the time.
class Admission {
public:
    explicit Admission(AdmissionLimits limits) : limits_(limits) {}

    /// An `admit`: reserves a slot for `session` if every rule passes.
    Result<bool> admit(const AdmitRequest& request, bool lineKnown, TimePoint now);
    /// A `job`: needs the reservation of the same session (same user and line), then checks
    /// the number's rules. On success the reservation becomes a pending job.
    Result<bool> acceptJob(const CallbackJob& job, TimePoint now);
    /// Would a job for `number` from this admitted session be accepted now? (Asked before the
    /// CBCP Ack; acceptJob checks again.)
    Result<bool> checkNumber(const std::string& session, const std::string& number, TimePoint now);
    /// Restores a journaled job as pending (no rate checks: it was accepted before).
    void restoreJob(const CallbackJob& job);
    /// The plugin's connection closed before `job`: forget the reservation. No-op otherwise.
    void dropReservation(const std::string& session);
    /// A job ended (any way): its user and number are free again.
    void jobFinished(const std::string& session);
    /// pppd `pid` is now on a return call (or no longer): it may not ask for another callback.
    void setReturnCall(std::int32_t pid, bool active);
    /// Refuse everything (shutting down).
    void setDraining(bool draining) { draining_ = draining; }

    [[nodiscard]] std::size_t inUse() const { return reservations_.size() + jobs_.size(); }

private:
    struct Entry {
        std::string user;
        std::string line;
        std::string number;
    };
    static void prune(std::deque<TimePoint>& window, TimePoint now);
    /// The checks a number (no other pending job, hourly limit) and a user (hourly limit) must
    /// pass, both before the Ack (checkNumber, admit) and when the job comes (acceptJob).
    Result<bool> numberAllowed(const std::string& number, TimePoint now);
    Result<bool> userAllowed(const std::string& user, TimePoint now);
    void compact(TimePoint now);

    AdmissionLimits limits_;
    bool draining_ = false;
    std::map<std::string, Entry> reservations_;  // by session
    std::map<std::string, Entry> jobs_;          // by session
    std::map<std::string, std::deque<TimePoint>> userWindow_;
    std::map<std::string, std::deque<TimePoint>> numberWindow_;
    std::set<std::int32_t> returnCalls_;
};

}  // namespace mscb::helper
