// SPDX-License-Identifier: GPL-2.0-or-later
// Admission control for callbacks: limits, rate windows, one pending job per user and number.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "mscb/helper_message.hpp"
#include "mscb/result.hpp"
#include "time.hpp"

namespace mscb::helper {

/// What the limits compare: the digits of a number, without '*', '#' and pauses, so feature
/// codes and decorations (`5551234#`, `*675551234`) do not make a new number.
std::string numberKey(const std::string& number);
/// Whether two numbers ring the same phone as far as the limits can tell: equal keys, or one
/// key ends with the other (`*67` + `5551234`, a trunk prefix + `5551234`).
bool sameNumber(const std::string& a, const std::string& b);

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
    /// Would a job for `number` from this admitted session be accepted now? Asked before the
    /// CBCP Ack: a yes reserves the number for this session (no other session can be Acked for
    /// the same phone, or for the last slot of its hourly budget) until its job comes or its
    /// connection closes.
    Result<bool> checkNumber(const std::string& session, const std::string& number, TimePoint now);
    /// Restores a journaled job as pending (no rate checks: it was accepted before).
    void restoreJob(const CallbackJob& job);
    /// The plugin's connection closed before `job`: forget the reservation. No-op otherwise.
    void dropReservation(const std::string& session);
    /// The job of `session` dials from a pool modem: its answering line may take another
    /// caller's callback at once (the user and number rules still hold).
    void lineFreed(const std::string& session);
    /// A job ended (any way): its user and number are free again.
    void jobFinished(const std::string& session);
    /// pppd `pid` is on the return call of `session`: while it lasts, that pppd may not ask
    /// for another callback (no loops). A persistent pppd answers new calls afterwards.
    void beginReturnCall(const std::string& session, std::int32_t pid);
    /// The return call of `session` ended (the plugin closed its connection, or pppd exited).
    void endReturnCall(const std::string& session);
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
    /// The checks a number (no other pending or reserved job, hourly limit) and a user (hourly
    /// limit) must pass, both before the Ack (checkNumber, admit) and when the job comes
    /// (acceptJob). `session`'s own reservation does not count against it.
    Result<bool> numberAllowed(const std::string& number, const std::string& session, TimePoint now);
    Result<bool> userAllowed(const std::string& user, TimePoint now);
    void compact(TimePoint now);

    AdmissionLimits limits_;
    bool draining_ = false;
    std::map<std::string, Entry> reservations_;  // by session
    std::map<std::string, Entry> jobs_;          // by session
    std::map<std::string, std::deque<TimePoint>> userWindow_;
    std::map<std::string, std::deque<TimePoint>> numberWindow_;  // by numberKey()
    std::map<std::string, std::int32_t> returnCalls_;  // session -> pppd pid
};

}  // namespace mscb::helper
