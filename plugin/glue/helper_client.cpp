// SPDX-License-Identifier: GPL-2.0-or-later
// Helper socket client (AF_UNIX, SOCK_SEQPACKET: one message per datagram-like record).
#include "helper_client.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace mscb::glue {

HelperConnection::HelperConnection(HelperConnection&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

HelperConnection& HelperConnection::operator=(HelperConnection&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

HelperConnection::~HelperConnection() {
    close();
}

void HelperConnection::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

Result<HelperConnection> HelperConnection::open(const std::string& path, bool wait) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof address.sun_path) {
        return Error{"helper socket path is empty or too long"};
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | (wait ? 0 : SOCK_NONBLOCK), 0);
    if (fd < 0) {
        return Error{std::string("socket: ") + std::strerror(errno)};
    }
    // A Unix-socket connect either succeeds or fails at once (no listener, no file);
    // it only waits when the helper's backlog is full, which the reply timeout bounds anyway.
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int saved = errno;
        ::close(fd);
        return Error{"helper not reachable at " + path + ": " + std::strerror(saved)};
    }
    return HelperConnection(fd);
}

bool HelperConnection::setInheritable(bool inheritable) {
    if (fd_ < 0) return false;
    const int flags = ::fcntl(fd_, F_GETFD);
    if (flags < 0) return false;
    return ::fcntl(fd_, F_SETFD, inheritable ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC) == 0;
}

bool HelperConnection::post(const Message& message) {
    auto wire = encodeMessage(message);
    return fd_ >= 0 && wire &&
           ::send(fd_, wire->data(), wire->size(), MSG_NOSIGNAL | MSG_DONTWAIT) == static_cast<ssize_t>(wire->size());
}

Result<HelperReply> HelperConnection::exchange(const Message& request,
                                               std::chrono::milliseconds timeout) {
    if (fd_ < 0) {
        return Error{"no helper connection"};
    }
    auto wire = encodeMessage(request);
    if (!wire) {
        return Error{"cannot encode '" + request.verb + "': " + wire.reason()};
    }
    if (::send(fd_, wire->data(), wire->size(), MSG_NOSIGNAL | MSG_DONTWAIT) !=
        static_cast<ssize_t>(wire->size())) {
        return Error{std::string("send to helper failed: ") + std::strerror(errno)};
    }
    pollfd pfd{fd_, POLLIN, 0};
    int ready = 0;
    do {
        ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
        return Error{"helper did not answer within " + std::to_string(timeout.count()) + " ms"};
    }
    if (ready < 0) {
        return Error{std::string("poll: ") + std::strerror(errno)};
    }
    char buffer[kMaxMessageBytes + 1];
    const auto got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got <= 0) {
        return Error{got == 0 ? "helper closed the connection"
                              : std::string("recv from helper: ") + std::strerror(errno)};
    }
    auto message = decodeMessage(std::string_view(buffer, static_cast<std::size_t>(got)));
    if (!message) {
        return Error{"bad reply from helper: " + message.reason()};
    }
    return replyFromMessage(*message);
}

}  // namespace mscb::glue
