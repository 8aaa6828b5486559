// SPDX-License-Identifier: GPL-2.0-or-later
// DTR, flush, tty identity and UUCP locks.
#include "tty_line.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "fd.hpp"

namespace mscb::helper {

DtrOutcome setDtr(int fd, bool on) {
    int bits = TIOCM_DTR;
    if (::ioctl(fd, on ? TIOCMBIS : TIOCMBIC, &bits) == 0) return DtrOutcome::Done;
    return errno == ENOTTY || errno == EINVAL ? DtrOutcome::Unsupported : DtrOutcome::Failed;
}

void flushInput(int fd) {
    ::tcflush(fd, TCIFLUSH);
}

void makeBlocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && (flags & O_NONBLOCK)) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

Result<bool> isSameTty(int fd, const std::string& path) {
    if (!::isatty(fd)) return Error{"the passed fd is not a terminal"};
    struct stat byFd{}, byPath{}, link{};
    if (::fstat(fd, &byFd) < 0) return Error{"fstat: " + errnoText(errno)};
    if (::lstat(path.c_str(), &link) < 0) return Error{"lstat " + path + ": " + errnoText(errno)};
    if (S_ISLNK(link.st_mode)) {
        char target[256];
        const auto n = ::readlink(path.c_str(), target, sizeof target - 1);
        if (n <= 0) return Error{path + ": unreadable symlink"};
        target[n] = '\0';
        const std::string t(target);
        if (t.find("..") != std::string::npos || (t.front() == '/' && t.rfind("/dev/", 0) != 0)) {
            return Error{path + " is a symlink out of /dev"};
        }
    }
    if (::stat(path.c_str(), &byPath) < 0) return Error{"stat " + path + ": " + errnoText(errno)};
    if (!S_ISCHR(byFd.st_mode) || !S_ISCHR(byPath.st_mode) || byFd.st_rdev != byPath.st_rdev) {
        return Error{"the passed fd is not " + path};
    }
    return true;
}

std::string uucpLockPath(const std::string& lockDir, const std::string& ttyPath) {
    auto base = ttyPath.substr(ttyPath.rfind('/') + 1);
    // /dev/pts/3 -> LCK..pts_3 is not a convention; pppd uses the last component too.
    return lockDir + "/LCK.." + base;
}

std::string formatLockPid(pid_t pid) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%10d\n", static_cast<int>(pid));
    return buf;
}

std::optional<pid_t> parseLockPid(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = i;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == i || end - i > 10) return std::nullopt;
    if (end != text.size() && text.substr(end) != "\n") return std::nullopt;
    int pid = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + end, pid);
    if (ec != std::errc{} || pid <= 0) return std::nullopt;
    return pid;
}

namespace {
std::optional<std::string> readSmall(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return std::nullopt;
    char buf[64];
    const auto n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
}
}  // namespace

Result<bool> acquireUucpLock(const std::string& lockDir, const std::string& ttyPath, pid_t pid) {
    const auto path = uucpLockPath(lockDir, ttyPath);
    for (int round = 0; round < 2; ++round) {
        UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (fd) {
            const auto text = formatLockPid(pid);
            if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
                ::unlink(path.c_str());
                return Error{"cannot write " + path};
            }
            return true;
        }
        if (errno != EEXIST) return Error{"cannot create " + path + ": " + errnoText(errno)};
        const auto text = readSmall(path);
        const auto holder = text ? parseLockPid(*text) : std::nullopt;
        if (!holder) return Error{path + " exists and is unreadable or not a pid"};
        if (*holder == pid) return true;
        if (::kill(*holder, 0) == 0 || errno != ESRCH) {
            return Error{ttyPath + " is locked by pid " + std::to_string(*holder)};
        }
        ::unlink(path.c_str());  // stale: its owner no longer exists
    }
    return Error{"lost the race for " + path};
}

void releaseUucpLock(const std::string& lockDir, const std::string& ttyPath, pid_t pid) {
    const auto path = uucpLockPath(lockDir, ttyPath);
    const auto text = readSmall(path);
    if (text && parseLockPid(*text) == pid) ::unlink(path.c_str());
}

}  // namespace mscb::helper
