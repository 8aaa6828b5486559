// SPDX-License-Identifier: GPL-2.0-or-later
// Admission control for callbacks (see admission.hpp).
#include "admission.hpp"

namespace mscb::helper {
namespace {
constexpr Millis kHour{3600000};
}

std::string numberKey(const std::string& number) {
    std::string digits;
    for (char c : number) {
        if (c >= '0' && c <= '9') digits.push_back(c);
    }
    return digits;
}

bool sameNumber(const std::string& a, const std::string& b) {
    const auto ka = numberKey(a);
    const auto kb = numberKey(b);
    if (ka.empty() || kb.empty()) return ka == kb;
    const auto& shorter = ka.size() <= kb.size() ? ka : kb;
    const auto& longer = ka.size() <= kb.size() ? kb : ka;
    return longer.compare(longer.size() - shorter.size(), shorter.size(), shorter) == 0;
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
    if (!lineKnown) return Error{"line " + r.line + " is not a configured callback modem", "unknown-line"};
    for (const auto& [session, pid] : returnCalls_) {
        if (pid == r.pppdPid) {
            return Error{"pppd " + std::to_string(r.pppdPid) + " is on the return call of session " + session +
                             " (no callback loops)",
                         "loop"};
        }
    }
    if (reservations_.count(r.session) || jobs_.count(r.session)) {
        return Error{"session " + r.session + " is already admitted"};
    }
    for (const auto* table : {&reservations_, &jobs_}) {
        for (const auto& [session, e] : *table) {
            if (e.user == r.user) return Error{"user already has a pending callback (" + session + ")", "pending"};
            if (e.line == r.line) return Error{"line " + r.line + " already has a pending callback", "pending"};
        }
    }
    if (inUse() >= limits_.maxJobs) {
        return Error{"concurrent callback limit (" + std::to_string(limits_.maxJobs) + ") reached", "concurrency"};
    }
    if (auto user = userAllowed(r.user, now); !user) return user;
    reservations_[r.session] = Entry{r.user, r.line, {}};
    return true;
}

Result<bool> Admission::checkNumber(const std::string& session, const std::string& number, TimePoint now) {
    if (draining_) return Error{"helper is shutting down"};
    const auto it = reservations_.find(session);
    if (it == reservations_.end()) return Error{"number check for session " + session + " without admit"};
    auto allowed = numberAllowed(number, session, now);
    // The vetted number is this session's from now on; a refused one frees what it held.
    it->second.number = allowed ? number : std::string{};
    return allowed;
}

Result<bool> Admission::numberAllowed(const std::string& number, const std::string& session, TimePoint now) {
    for (const auto* table : {&jobs_, &reservations_}) {
        for (const auto& [other, e] : *table) {
            if (other == session || e.number.empty() || !sameNumber(e.number, number)) continue;
            return Error{"number already has a pending callback (" + other + ")", "pending"};
        }
    }
    std::size_t recent = 0;
    for (auto& [key, window] : numberWindow_) {
        if (!sameNumber(key, number)) continue;
        prune(window, now);
        recent += window.size();
    }
    if (recent >= limits_.numberPerHour) {
        return Error{"number reached " + std::to_string(limits_.numberPerHour) + " callbacks per hour", "number-rate"};
    }
    return true;
}

Result<bool> Admission::userAllowed(const std::string& user, TimePoint now) {
    auto& users = userWindow_[user];
    prune(users, now);
    if (users.size() >= limits_.userPerHour) {
        return Error{"user reached " + std::to_string(limits_.userPerHour) + " callbacks per hour", "user-rate"};
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
    if (auto number = numberAllowed(job.number, job.session, now); !number) return number;
    if (auto user = userAllowed(job.user, now); !user) return user;
    numberWindow_[numberKey(job.number)].push_back(now);
    userWindow_[job.user].push_back(now);
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

void Admission::lineFreed(const std::string& session) {
    if (const auto it = jobs_.find(session); it != jobs_.end()) it->second.line.clear();
}

void Admission::jobFinished(const std::string& session) {
    jobs_.erase(session);
    reservations_.erase(session);
}

void Admission::beginReturnCall(const std::string& session, std::int32_t pid) {
    returnCalls_[session] = pid;
}

void Admission::endReturnCall(const std::string& session) {
    returnCalls_.erase(session);
}

}  // namespace mscb::helper
