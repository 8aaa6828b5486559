// SPDX-License-Identifier: GPL-2.0-or-later
// DTR, flush and tty identity.
#include "tty_line.hpp"

#include <cerrno>
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

}  // namespace mscb::helper
