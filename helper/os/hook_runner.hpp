// SPDX-License-Identifier: GPL-2.0-or-later
// Runs operators' event hooks (core/event_hooks.hpp decides what runs with what environment):
// one hook at a time on the helper's event loop, never blocking it; a hook past its timeout is
// killed (its whole process group); its stdout and stderr go to the helper's log.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "chat_output.hpp"
#include "event_hooks.hpp"
#include "event_loop.hpp"
#include "job_manager.hpp"
#include "process.hpp"

namespace mscb::helper {

class HookRunner {
public:
    using LogFn = std::function<void(LogLevel, const std::string&)>;

    /// `owner`: the uid hooks and their directory must belong to (root in the daemon).
    HookRunner(EventLoop& loop, Spawner& spawner, LogFn log, HookSettings settings, uid_t owner);
    ~HookRunner();
    HookRunner(const HookRunner&) = delete;
    HookRunner& operator=(const HookRunner&) = delete;

    /// Queues `event` (stamped with the wall clock and a sequence number) and starts the
    /// runner if it is idle.
    void post(HookEvent event);
    /// Nothing running and nothing queued (tests).
    [[nodiscard]] bool idle() const { return !running_ && queue_.size() == 0 && pending_.empty(); }

private:
    struct Running {
        std::string name;
        pid_t pid = -1;
        UniqueFd pidfd;
        UniqueFd output;
        ChatOutput lines;
        bool killed = false;
    };

    void next();
    /// The hooks to run for one event, in order (the directory is read for every event, so a
    /// new hook needs no restart); refusals are logged.
    std::vector<std::string> scan();
    void startHook(const std::string& name);
    void onOutput(bool final);
    void onExit();
    void onTimeout();

    EventLoop& loop_;
    Spawner& spawner_;
    LogFn log_;
    HookSettings settings_;
    uid_t owner_;
    HookQueue queue_;
    std::uint64_t sequence_ = 0;
    std::optional<HookEvent> current_;
    std::vector<std::string> pending_;  ///< hooks of current_ still to run
    std::unique_ptr<Running> running_;
    Timer timer_;
};

}  // namespace mscb::helper
