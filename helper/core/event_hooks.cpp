// SPDX-License-Identifier: GPL-2.0-or-later
// Event hooks: environment, file rules and the queue (see event_hooks.hpp).
#include "event_hooks.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace mscb::helper {

const char* toString(HookEventKind kind) {
    switch (kind) {
    case HookEventKind::Requested: return "requested";
    case HookEventKind::Refused: return "refused";
    case HookEventKind::Dialling: return "dialling";
    case HookEventKind::Failed: return "failed";
    case HookEventKind::CallUp: return "call-up";
    case HookEventKind::CallDown: return "call-down";
    }
    return "unknown";
}

namespace {

constexpr std::size_t kMaxEnvValue = 256;

std::string envValue(std::string_view value) {
    // Every value is passed as it is (never through a shell); only bytes that an environment
    // or a line-oriented hook cannot carry are replaced.
    std::string out;
    for (const char c : value.substr(0, kMaxEnvValue)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
    return out;
}

}  // namespace

std::vector<std::string> hookEnvironment(const HookEvent& e) {
    std::vector<std::string> env;
    auto put = [&](const char* name, std::string_view value) {
        if (!value.empty()) env.push_back(std::string(name) + "=" + envValue(value));
    };
    put("MSCB_EVENT", toString(e.kind));
    put("MSCB_SEQ", std::to_string(e.sequence));
    put("MSCB_TIME", std::to_string(e.unixTime));
    put("MSCB_JOB", e.job);
    put("MSCB_SESSION", e.session);
    put("MSCB_USER", e.user);
    put("MSCB_NUMBER", e.number);
    put("MSCB_CALLBACK_KIND", e.callbackKind);
    put("MSCB_LINE", e.line);
    put("MSCB_MODEM", e.modem);
    if (e.delaySeconds) put("MSCB_DELAY", std::to_string(*e.delaySeconds));
    if (e.attempt) put("MSCB_ATTEMPT", std::to_string(e.attempt));
    if (e.attempts) put("MSCB_ATTEMPTS", std::to_string(e.attempts));
    put("MSCB_REASON", e.reason);
    put("MSCB_DETAIL", e.detail);
    put("MSCB_INTERFACE", e.interface);
    put("MSCB_ADDRESS", e.address);
    if (e.duration) put("MSCB_DURATION_MS", std::to_string(e.duration->count()));
    if (e.rxBytes) put("MSCB_RX_BYTES", std::to_string(*e.rxBytes));
    if (e.txBytes) put("MSCB_TX_BYTES", std::to_string(*e.txBytes));
    env.emplace_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    return env;
}

bool isHookName(std::string_view name) {
    return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

HookPlan planHooks(std::vector<HookFileFacts> files, uid_t owner) {
    // Lexical order of the bytes, as run-parts sorts in the C locale.
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    HookPlan plan;
    for (const auto& f : files) {
        if (!isHookName(f.name)) continue;  // run-parts: README, foo.dpkg-old, foo~ are not hooks
        if (!f.regular) {
            plan.refused.push_back(f.name + ": not a regular file (symlinks are not followed)");
            continue;
        }
        if ((f.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) continue;  // run-parts: disabled hook
        if (f.uid != owner) {
            plan.refused.push_back(f.name + ": owned by uid " + std::to_string(f.uid) + ", not " +
                                   std::to_string(owner));
            continue;
        }
        if ((f.mode & (S_IWGRP | S_IWOTH)) != 0) {
            plan.refused.push_back(f.name + ": group- or world-writable");
            continue;
        }
        plan.run.push_back(f.name);
    }
    return plan;
}

Result<bool> checkHookDirectory(bool isDirectory, uid_t uid, mode_t mode, uid_t owner) {
    if (!isDirectory) return Error{"not a directory (symlinks are not followed)", "not-directory"};
    if (uid != owner) return Error{"owned by uid " + std::to_string(uid) + ", not " + std::to_string(owner), "owner"};
    if ((mode & (S_IWGRP | S_IWOTH)) != 0) return Error{"group- or world-writable", "writable"};
    return true;
}

void HookQueue::push(HookEvent event) {
    while (events_.size() >= capacity_) {
        events_.pop_front();
        ++dropped_;
        ++droppedTotal_;
    }
    events_.push_back(std::move(event));
}

std::optional<HookEvent> HookQueue::pop() {
    if (events_.empty()) return std::nullopt;
    auto e = std::move(events_.front());
    events_.pop_front();
    return e;
}

std::size_t HookQueue::takeDropped() {
    const auto n = dropped_;
    dropped_ = 0;
    return n;
}

}  // namespace mscb::helper

namespace mscb::helper {

HookEvent requestedEvent(const std::string& jobId, const CallbackJob& job, const std::string& modem) {
    HookEvent e;
    e.kind = HookEventKind::Requested;
    e.job = jobId;
    e.session = job.session;
    e.user = job.user;
    e.number = job.number;
    e.callbackKind = toString(job.kind);
    e.line = job.line;
    e.modem = modem;
    e.delaySeconds = job.delaySeconds;
    return e;
}

HookEvent refusedEvent(const std::string& session, const std::string& user, const std::string& line,
                       const std::string& number, const std::string& reason, const std::string& detail) {
    HookEvent e;
    e.kind = HookEventKind::Refused;
    e.session = session;
    e.user = user;
    e.line = line;
    e.number = number;
    e.reason = reason.empty() ? "other" : reason;
    e.detail = detail;
    return e;
}

HookEvent diallingEvent(const std::string& jobId, const CallbackJob& job, const std::string& modem,
                        unsigned attempt, unsigned attempts) {
    HookEvent e = requestedEvent(jobId, job, modem);
    e.kind = HookEventKind::Dialling;
    e.delaySeconds.reset();
    e.attempt = attempt;
    e.attempts = attempts;
    return e;
}

HookEvent failedEvent(const std::string& jobId, const CallbackJob& job, const std::string& modem,
                      const std::string& reason, unsigned attempts) {
    HookEvent e = requestedEvent(jobId, job, modem);
    e.kind = HookEventKind::Failed;
    e.delaySeconds.reset();
    e.attempt = attempts;
    e.reason = reason.empty() ? "failed" : reason;
    return e;
}

namespace {
HookEvent callEvent(HookEventKind kind, const CallFacts& c) {
    HookEvent e;
    e.kind = kind;
    e.job = c.jobId;
    e.session = c.session;
    e.user = c.user;
    e.number = c.number;
    e.line = c.line;
    e.interface = c.interface;
    e.address = c.address;
    return e;
}
}  // namespace

HookEvent callUpEvent(const CallFacts& call) {
    return callEvent(HookEventKind::CallUp, call);
}

HookEvent callDownEvent(const CallFacts& call, const std::string& reason, Millis duration) {
    HookEvent e = callEvent(HookEventKind::CallDown, call);
    e.reason = reason;
    e.duration = duration;
    e.rxBytes = call.rxBytes;
    e.txBytes = call.txBytes;
    return e;
}

}  // namespace mscb::helper
