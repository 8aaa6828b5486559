// SPDX-License-Identifier: GPL-2.0-or-later
// Event hooks for operators: what the helper tells the executables in its hook directory
// (default /etc/mscb/events.d), decided here without any I/O.
//
//   - which events there are and what each carries (HookEvent, built by the JobManager);
//   - the environment a hook gets (hookEnvironment): MSCB_* variables and nothing inherited;
//   - which files in the directory may run, in which order (planHooks): run-parts' rules plus
//     the ownership rule mscb applies to every file that decides what root does;
//   - the bounded queue between events and the one runner (HookQueue): in order, oldest
//     dropped first, drops counted.
//
// The runner (fork/exec, timeout, reaping) is os/hook_runner.cpp. doc/events.md, "Hooks".
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "mscb/helper_message.hpp"
#include "mscb/result.hpp"
#include "time.hpp"

namespace mscb::helper {

/// The events hooks hear of; the list is short on purpose (doc/events.md, "Hooks").
enum class HookEventKind {
    Requested,  ///< a callback job was accepted (the caller's number is agreed and checked)
    Refused,    ///< a callback was refused (MSCB_REASON says why)
    Dialling,   ///< a dial attempt starts (MSCB_ATTEMPT)
    Failed,     ///< a callback job ended without a return call (MSCB_REASON)
    CallUp,     ///< the return call's ppp interface is up
    CallDown,   ///< the return call ended
};
const char* toString(HookEventKind kind);

/// One event; empty strings and zero numbers are left out of the environment.
struct HookEvent {
    HookEventKind kind = HookEventKind::Requested;
    std::string job, session, user, number, line, modem;
    std::string reason;       ///< short kind of refusal/failure ([a-z0-9-] where the source has one)
    std::string detail;       ///< a sentence for humans (printable)
    std::string callbackKind; ///< user, admin, list
    std::string interface, address;
    unsigned attempt = 0, attempts = 0;
    std::optional<std::uint32_t> delaySeconds;
    std::optional<Millis> duration;
    std::optional<std::uint64_t> rxBytes, txBytes;
    std::int64_t unixTime = 0;  ///< wall clock, stamped by the daemon when the event is queued
    std::uint64_t sequence = 0; ///< 1, 2, ... per helper run, stamped when queued (gaps = drops)
};

/// The complete environment of a hook: "NAME=value" strings, MSCB_* and PATH only. A value
/// never holds a control byte (replaced by '?') and is at most 256 bytes.
std::vector<std::string> hookEnvironment(const HookEvent& event);

/// A name run-parts(8) would run: 1 to 255 of [A-Za-z0-9_-] (so no editor or dpkg leftovers).
bool isHookName(std::string_view name);

/// What the runner found about one directory entry (lstat, no symlinks followed).
struct HookFileFacts {
    std::string name;
    bool regular = false;
    uid_t uid = 0;
    mode_t mode = 0;
};

struct HookPlan {
    std::vector<std::string> run;      ///< names to run, in lexical (C locale) order
    std::vector<std::string> refused;  ///< "NAME: why" for files that look like hooks but are unsafe
};

/// run-parts' rules: names outside isHookName and files without an execute bit are skipped
/// silently; a regular executable not owned by `owner` or group/world-writable is refused (and
/// reported), as are symlinks and other non-regular files with a hook name.
HookPlan planHooks(std::vector<HookFileFacts> files, uid_t owner);

/// The directory's own rule: owned by `owner`, not group/world-writable, a real directory.
Result<bool> checkHookDirectory(bool isDirectory, uid_t uid, mode_t mode, uid_t owner);

/// Events waiting for the runner. At most `capacity` are kept: a new event over the limit
/// drops the oldest, counted until takeDropped().
class HookQueue {
public:
    explicit HookQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
    void push(HookEvent event);
    std::optional<HookEvent> pop();
    /// Events dropped since the last call (for one log line).
    std::size_t takeDropped();
    [[nodiscard]] std::size_t size() const { return events_.size(); }
    [[nodiscard]] std::uint64_t droppedTotal() const { return droppedTotal_; }

private:
    std::size_t capacity_;
    std::deque<HookEvent> events_;
    std::size_t dropped_ = 0;
    std::uint64_t droppedTotal_ = 0;
};

/// Hook settings from helper.conf.
struct HookSettings {
    std::string directory = "/etc/mscb/events.d";  ///< empty: hooks off
    Millis timeout{10000};
    std::size_t queue = 64;
};

}  // namespace mscb::helper

// The events as the JobManager builds them (one function each, so the variables an event
// carries are written in one place and tested).

namespace mscb::helper {

/// A job was accepted: the caller's number is agreed, through the firewall and the limits.
HookEvent requestedEvent(const std::string& jobId, const CallbackJob& job, const std::string& modem);
/// A refusal. `number` only where it has passed the firewall (never a refused raw number).
HookEvent refusedEvent(const std::string& session, const std::string& user, const std::string& line,
                       const std::string& number, const std::string& reason, const std::string& detail);
/// Dial attempt `attempt` of `attempts` starts.
HookEvent diallingEvent(const std::string& jobId, const CallbackJob& job, const std::string& modem,
                        unsigned attempt, unsigned attempts);
/// The job ended without a return call (`reason`: the dialer's, or "cancelled").
HookEvent failedEvent(const std::string& jobId, const CallbackJob& job, const std::string& modem,
                      const std::string& reason, unsigned attempts);
/// The return call's interface is up (rtnetlink), or the return call ended.
struct CallFacts {
    std::string jobId, session, user, number, line, interface, address;
    std::optional<std::uint64_t> rxBytes, txBytes;
};
HookEvent callUpEvent(const CallFacts& call);
HookEvent callDownEvent(const CallFacts& call, const std::string& reason, Millis duration);

}  // namespace mscb::helper
