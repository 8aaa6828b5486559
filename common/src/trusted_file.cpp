// SPDX-License-Identifier: GPL-2.0-or-later
// The one reader of root-owned configuration files (see trusted_file.hpp).
#include "mscb/trusted_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mscb {

Result<std::string> readTrustedFile(const std::string& path, uid_t owner, std::size_t maxBytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        return Error{"cannot read " + path + ": " +
                     (error == ELOOP ? std::string("it is a symbolic link") : std::string(std::strerror(error)))};
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0) return Error{"cannot stat " + path + ": " + std::strerror(errno)};
    if (!S_ISREG(info.st_mode)) return Error{path + " is not a regular file"};
    if (info.st_uid != owner || (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return Error{path + " must be owned by " + (owner == 0 ? std::string("root") : "uid " + std::to_string(owner)) +
                     " and not group/world-writable"};
    }
    std::string text;
    char buffer[8192];
    while (true) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error{"cannot read " + path + ": " + std::strerror(errno)};
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > maxBytes) {
            return Error{path + " is larger than " + std::to_string(maxBytes) + " bytes"};
        }
    }
    return text;
}

}  // namespace mscb
