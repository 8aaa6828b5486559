// SPDX-License-Identifier: GPL-2.0-or-later
// RAII file descriptors and errno-to-exception helpers for the OS adapters.
#pragma once

#include <string>
#include <system_error>
#include <utility>

namespace mscb::helper {

/// Owns one file descriptor; closes it on destruction.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

/// A std::system_error for the current errno, with context ("what failed, on what").
[[noreturn]] void throwErrno(const std::string& what);
/// The current errno as text, for log lines.
std::string errnoText(int error);

}  // namespace mscb::helper
