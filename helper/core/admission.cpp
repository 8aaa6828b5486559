// SPDX-License-Identifier: GPL-2.0-or-later
// Admission control for callbacks (see admission.hpp).
#include "admission.hpp"

namespace mscb::helper {
namespace {
constexpr Millis kHour{3600000};
}

void Admission::prune(std::deque<TimePoint>& window, TimePoint now) {
    while (!window.empty() && window.front() + kHour <= now) {
        window.pop_front();
    }
}

void Admission::compact(TimePoint now) {
    // Rate windows of users and numbers quiet for an hour go away: memory stays bounded by
    // the traffic of the last hour, not by everyone ever seen.
    for (auto* windows : {&userWindow_, &numberWindow_}) {
        for (auto it = windows->begin(); it != windows->end();) {
            prune(it->second, now);
            it = it->second.empty() ? windows->erase(it) : std::next(it);
        }
    }
}

Result<bool> Admission::admit(const AdmitRequest& r, bool lineKnown, TimePoint now) {
    compact(now);
    if (draining_) return Error{"helper is shutting down"};
    if (!lineKnown) return Error{"line " + r.line + " is not a configured callback modem"};
    if (returnCalls_.count(r.pppdPid)) {
        return Error{"pppd " + std::to_string(r.pppdPid) + " is on a callback leg (no callback loops)"};
    }
    if (reservations_.count(r.session) || jobs_.count(r.session)) {
        return Error{"session " + r.session + " is already admitted"};
    }
    for (const auto* table : {&reservations_, &jobs_}) {
        for (const auto& [session, e] : *table) {
            if (e.user == r.user) return Error{"user already has a pending callback (" + session + ")"};
            if (e.line == r.line) return Error{"line " + r.line + " already has a pending callback"};
        }
    }
    if (inUse() >= limits_.maxJobs) {
        return Error{"concurrent callback limit (" + std::to_string(limits_.maxJobs) + ") reached"};
    }
    auto& window = userWindow_[r.user];
    prune(window, now);
    if (window.size() >= limits_.userPerHour) {
        return Error{"user reached " + std::to_string(limits_.userPerHour) + " callbacks per hour"};
    }
    reservations_[r.session] = Entry{r.user, r.line, {}};
    return true;
}

Result<bool> Admission::checkNumber(const std::string& session, const std::string& number, TimePoint now) {
    if (draining_) return Error{"helper is shutting down"};
    if (!reservations_.count(session)) return Error{"number check for session " + session + " without admit"};
    for (const auto& [other, e] : jobs_) {
        if (e.number == number) return Error{"number already has a pending callback (" + other + ")"};
    }
    auto& numbers = numberWindow_[number];
    prune(numbers, now);
    if (numbers.size() >= limits_.numberPerHour) {
        return Error{"number reached " + std::to_string(limits_.numberPerHour) + " callbacks per hour"};
    }
    return true;
}

Result<bool> Admission::acceptJob(const CallbackJob& job, TimePoint now) {
    if (draining_) return Error{"helper is shutting down"};
    const auto it = reservations_.find(job.session);
    if (it == reservations_.end()) return Error{"job for session " + job.session + " without admit"};
    if (it->second.user != job.user || it->second.line != job.line) {
        return Error{"job user/line differ from the admit of session " + job.session};
    }
    for (const auto& [session, e] : jobs_) {
        if (e.number == job.number) return Error{"number already has a pending callback (" + session + ")"};
    }
    auto& numbers = numberWindow_[job.number];
    prune(numbers, now);
    if (numbers.size() >= limits_.numberPerHour) {
        return Error{"number reached " + std::to_string(limits_.numberPerHour) + " callbacks per hour"};
    }
    auto& users = userWindow_[job.user];
    prune(users, now);
    if (users.size() >= limits_.userPerHour) {
        return Error{"user reached " + std::to_string(limits_.userPerHour) + " callbacks per hour"};
    }
    numbers.push_back(now);
    users.push_back(now);
    jobs_[job.session] = Entry{job.user, job.line, job.number};
    reservations_.erase(it);
    return true;
}

void Admission::restoreJob(const CallbackJob& job) {
    jobs_[job.session] = Entry{job.user, job.line, job.number};
}

void Admission::dropReservation(const std::string& session) {
    reservations_.erase(session);
}

void Admission::jobFinished(const std::string& session) {
    jobs_.erase(session);
    reservations_.erase(session);
}

void Admission::setReturnCall(std::int32_t pid, bool active) {
    if (active) {
        returnCalls_.insert(pid);
    } else {
        returnCalls_.erase(pid);
    }
}

}  // namespace mscb::helper
