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

namespace {
speed_t speedConstant(unsigned speed) {
    switch (speed) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return B0;
    }
}
}  // namespace

Result<int> openModemLine(const std::string& device, unsigned speed) {
    // O_NONBLOCK: the open must not wait for a carrier; cleared below for chat's blocking reads.
    UniqueFd fd(::open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return Error{"open " + device + ": " + errnoText(errno)};
    if (auto same = isSameTty(fd.get(), device); !same) return Error{same.reason()};
    termios t{};
    if (::tcgetattr(fd.get(), &t) < 0) return Error{"tcgetattr " + device + ": " + errnoText(errno)};
    ::cfmakeraw(&t);
    t.c_cflag |= CLOCAL | HUPCL | CREAD;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (speed != 0) {
        const speed_t s = speedConstant(speed);
        if (s == B0) return Error{"speed " + std::to_string(speed) + " is not a standard rate"};
        ::cfsetispeed(&t, s);
        ::cfsetospeed(&t, s);
    }
    if (::tcsetattr(fd.get(), TCSANOW, &t) < 0) return Error{"tcsetattr " + device + ": " + errnoText(errno)};
    makeBlocking(fd.get());
    return fd.release();
}

}  // namespace mscb::helper
