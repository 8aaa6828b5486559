// SPDX-License-Identifier: GPL-2.0-or-later
// Event hooks on the epoll loop: scan, clone+execve, timeout, reap (see hook_runner.hpp).
#include "hook_runner.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mscb::helper {

HookRunner::HookRunner(EventLoop& loop, Spawner& spawner, LogFn log, HookSettings settings, uid_t owner)
    : loop_(loop), spawner_(spawner), log_(std::move(log)), settings_(std::move(settings)), owner_(owner),
      queue_(settings_.queue) {
    loop_.add(timer_.fd(), EPOLLIN, [this](std::uint32_t) {
        timer_.acknowledge();
        onTimeout();
    });
}

HookRunner::~HookRunner() {
    loop_.remove(timer_.fd());
    if (running_) {
        ::kill(-running_->pid, SIGKILL);
        ::kill(running_->pid, SIGKILL);
        loop_.remove(running_->pidfd.get());
        if (running_->output) loop_.remove(running_->output.get());
        reapProcess(running_->pid);
    }
}

void HookRunner::post(HookEvent event) {
    if (settings_.directory.empty()) return;
    event.sequence = ++sequence_;
    event.unixTime = static_cast<std::int64_t>(::time(nullptr));
    queue_.push(std::move(event));
    if (const auto dropped = queue_.takeDropped()) {
        log_(LogLevel::Warning, "event hooks: queue full (" + std::to_string(settings_.queue) + "), dropped " +
                                    std::to_string(dropped) + " oldest event(s), " +
                                    std::to_string(queue_.droppedTotal()) + " since start");
    }
    if (!running_ && pending_.empty()) next();
}

std::vector<std::string> HookRunner::scan() {
    const auto& dir = settings_.directory;
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        // No directory is no hooks (the package ships it); anything else is worth a line.
        if (errno != ENOENT) log_(LogLevel::Warning, "event hooks: " + dir + ": " + errnoText(errno));
        return {};
    }
    UniqueFd owned(dfd);
    struct stat st{};
    if (::fstat(dfd, &st) < 0) return {};
    if (auto ok = checkHookDirectory(S_ISDIR(st.st_mode), st.st_uid, st.st_mode, owner_); !ok) {
        log_(LogLevel::Warning, "event hooks: directory " + dir + " refused: " + ok.reason());
        return {};
    }
    DIR* d = ::fdopendir(::fcntl(dfd, F_DUPFD_CLOEXEC, 3));
    if (!d) return {};
    std::vector<HookFileFacts> files;
    while (dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (!isHookName(name)) continue;
        struct stat fst{};
        if (::fstatat(dfd, name.c_str(), &fst, AT_SYMLINK_NOFOLLOW) < 0) continue;
        files.push_back(HookFileFacts{name, S_ISREG(fst.st_mode), fst.st_uid, fst.st_mode});
    }
    ::closedir(d);
    auto plan = planHooks(std::move(files), owner_);
    for (const auto& refused : plan.refused) {
        log_(LogLevel::Warning, "event hook " + dir + "/" + refused + ": refused, not run");
    }
    return plan.run;
}

void HookRunner::next() {
    while (!running_) {
        if (pending_.empty()) {
            current_ = queue_.pop();
            if (!current_) return;
            auto names = scan();
            pending_.assign(names.rbegin(), names.rend());  // back() is the next one
            if (pending_.empty()) continue;
        }
        const auto name = pending_.back();
        pending_.pop_back();
        startHook(name);
    }
}

void HookRunner::startHook(const std::string& name) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        log_(LogLevel::Error, "event hook " + name + ": pipe2: " + errnoText(errno));
        return;
    }
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);
    const std::string path = settings_.directory + "/" + name;
    auto spawned = spawner_.spawnDetached({path, toString(current_->kind)}, hookEnvironment(*current_), writeEnd.get());
    if (!spawned) {
        log_(LogLevel::Warning, "event hook " + path + ": " + spawned.reason());
        return;
    }
    auto run = std::make_unique<Running>();
    run->name = name;
    run->pid = spawned->pid;
    run->pidfd = std::move(spawned.value().pidfd);
    run->output = std::move(readEnd);
    loop_.add(run->pidfd.get(), EPOLLIN, [this](std::uint32_t) { onExit(); });
    loop_.add(run->output.get(), EPOLLIN, [this](std::uint32_t) { onOutput(false); });
    log_(LogLevel::Debug, "event hook " + name + " started for " + toString(current_->kind) + " #" +
                              std::to_string(current_->sequence) + " (pid " + std::to_string(run->pid) + ")");
    running_ = std::move(run);
    timer_.armAt(bootTimeNow() + settings_.timeout);
}

void HookRunner::onOutput(bool final) {
    if (!running_ || !running_->output) return;
    char buf[512];
    for (;;) {
        const auto n = ::read(running_->output.get(), buf, sizeof buf);
        if (n <= 0) {
            if (n == 0 && !final) {
                loop_.remove(running_->output.get());
                running_->output.reset();
            }
            break;
        }
        for (const auto& line : running_->lines.feed({buf, static_cast<std::size_t>(n)})) {
            log_(LogLevel::Info, "event hook " + running_->name + ": " + escapeForLog(line.text, 200));
        }
    }
    if (final) {
        if (auto rest = running_->lines.finish()) {
            log_(LogLevel::Info, "event hook " + running_->name + ": " + escapeForLog(rest->text, 200));
        }
    }
}

void HookRunner::onExit() {
    if (!running_) return;
    // Readable pidfd: the hook has exited and is not reaped yet, so its pid (its session's
    // group id) cannot be reused: what it left running in its session goes now.
    ::kill(-running_->pid, SIGKILL);
    const auto code = reapProcess(running_->pid);
    if (!code) return;
    onOutput(true);
    timer_.disarm();
    loop_.remove(running_->pidfd.get());
    if (running_->output) loop_.remove(running_->output.get());
    const std::string what = "event hook " + running_->name + " (" + toString(current_->kind) + " #" +
                             std::to_string(current_->sequence) + ")";
    if (running_->killed) {
        // Logged when it was killed.
    } else if (*code != 0) {
        log_(LogLevel::Warning, what + " exited with " + std::to_string(*code));
    }
    running_.reset();
    next();
}

void HookRunner::onTimeout() {
    if (!running_ || running_->killed) return;
    running_->killed = true;
    log_(LogLevel::Warning, "event hook " + running_->name + " (" + toString(current_->kind) + " #" +
                                std::to_string(current_->sequence) + ") killed after " +
                                std::to_string(settings_.timeout.count() / 1000) + " s (event-hook-timeout)");
    ::kill(-running_->pid, SIGKILL);  // its own session: the group is the hook and its children
    ::kill(running_->pid, SIGKILL);
}

}  // namespace mscb::helper
