// SPDX-License-Identifier: GPL-2.0-or-later
// epoll loop, timerfd and pidfd helpers.
#include "event_loop.hpp"

#include <cerrno>
#include <ctime>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace mscb::helper {

TimePoint bootTimeNow() {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return Millis{static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000};
}

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) throwErrno("epoll_create1");
}

void EventLoop::add(int fd, std::uint32_t events, Callback callback) {
    epoll_event e{};
    e.events = events;
    e.data.fd = fd;
    const bool known = callbacks_.count(fd) != 0;
    if (::epoll_ctl(epoll_.get(), known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &e) < 0) {
        throwErrno("epoll_ctl add fd " + std::to_string(fd));
    }
    callbacks_[fd] = std::make_shared<Callback>(std::move(callback));
}

void EventLoop::remove(int fd) {
    if (callbacks_.erase(fd)) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

bool EventLoop::runOnce(int timeoutMs) {
    if (stopped_) return false;
    epoll_event events[16];
    const int n = ::epoll_wait(epoll_.get(), events, 16, timeoutMs);
    if (n < 0) {
        if (errno == EINTR) return !stopped_;
        throwErrno("epoll_wait");
    }
    for (int i = 0; i < n && !stopped_; ++i) {
        const auto it = callbacks_.find(events[i].data.fd);
        if (it == callbacks_.end()) continue;  // removed by an earlier callback this round
        auto keep = it->second;
        (*keep)(events[i].events);
    }
    return !stopped_;
}

void EventLoop::run() {
    while (runOnce()) {
    }
}

Timer::Timer() : fd_(::timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC)) {
    if (!fd_) throwErrno("timerfd_create");
}

void Timer::armAt(TimePoint at) {
    itimerspec spec{};
    auto ms = at.count();
    if (ms <= 0) ms = 1;  // 0 would disarm
    spec.it_value.tv_sec = static_cast<time_t>(ms / 1000);
    spec.it_value.tv_nsec = static_cast<long>((ms % 1000) * 1000000);
    if (::timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) < 0) throwErrno("timerfd_settime");
}

void Timer::disarm() {
    itimerspec spec{};
    ::timerfd_settime(fd_.get(), 0, &spec, nullptr);
}

void Timer::acknowledge() {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(fd_.get(), &count, sizeof count);
}

UniqueFd pidfdOpen(int pid) {
#ifdef SYS_pidfd_open
    return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
    (void)pid;
    errno = ENOSYS;
    return UniqueFd();
#endif
}

}  // namespace mscb::helper
