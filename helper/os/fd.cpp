// SPDX-License-Identifier: GPL-2.0-or-later
// RAII file descriptors and errno helpers.
#include "fd.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace mscb::helper {

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

void throwErrno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::string errnoText(int error) {
    return std::strerror(error);
}

}  // namespace mscb::helper
