// SPDX-License-Identifier: GPL-2.0-or-later
// A small epoll loop with timerfd, signalfd and pidfd helpers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "fd.hpp"
#include "time.hpp"

namespace mscb::helper {

/// Current CLOCK_BOOTTIME in milliseconds (the helper's one clock; survives suspend).
TimePoint bootTimeNow();

class EventLoop {
public:
    using Callback = std::function<void(std::uint32_t events)>;

    EventLoop();
    /// Watches `fd` (not owned) for `events` (EPOLLIN...). Replaces an existing watch.
    void add(int fd, std::uint32_t events, Callback callback);
    void remove(int fd);
    /// Runs one epoll_wait round (at most `timeoutMs`, -1 = forever); returns false once stop() ran.
    bool runOnce(int timeoutMs = -1);
    void run();
    void stop() { stopped_ = true; }
    [[nodiscard]] bool stopped() const { return stopped_; }

private:
    UniqueFd epoll_;
    // Shared so a callback that removes itself (or another watch) stays valid while it runs.
    std::map<int, std::shared_ptr<Callback>> callbacks_;
    bool stopped_ = false;
};

/// A one-shot CLOCK_BOOTTIME timerfd armed at absolute times.
class Timer {
public:
    Timer();
    void armAt(TimePoint at);
    void disarm();
    /// Reads the expiry count (call from the readable callback).
    void acknowledge();
    [[nodiscard]] int fd() const { return fd_.get(); }

private:
    UniqueFd fd_;
};

/// pidfd_open(2), through syscall(2) where glibc lacks a wrapper.
UniqueFd pidfdOpen(int pid);

}  // namespace mscb::helper
