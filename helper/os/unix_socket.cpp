// SPDX-License-Identifier: GPL-2.0-or-later
// AF_UNIX SOCK_SEQPACKET helpers: listen, accept, peer credentials, fd passing.
#include "unix_socket.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace mscb::helper {
namespace {

Result<sockaddr_un> address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.front() != '/' || path.size() >= sizeof addr.sun_path) {
        return Error{"socket path must be absolute and shorter than " + std::to_string(sizeof addr.sun_path)};
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

}  // namespace

UniqueFd listenSeqpacket(const std::string& path) {
    // Bound and listening under a temporary name, then renamed into place: a client never
    // finds a socket file that still refuses connections.
    const std::string temp = path + ".new";
    auto addr = address(temp);
    if (!addr) throw std::system_error(EINVAL, std::generic_category(), addr.reason());
    for (const auto& p : {path, temp}) {
        struct stat st{};
        if (::lstat(p.c_str(), &st) == 0) {
            if (!S_ISSOCK(st.st_mode)) {
                throw std::system_error(EEXIST, std::generic_category(), p + " exists and is not a socket");
            }
            if (p == temp) ::unlink(p.c_str());
        }
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throwErrno("socket(AF_UNIX, SOCK_SEQPACKET)");
    // Bind under a 0177 umask so the socket never exists with looser permissions.
    const mode_t old = ::umask(0177);
    const int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un));
    const int bindErrno = errno;
    ::umask(old);
    if (rc < 0) {
        errno = bindErrno;
        throwErrno("bind " + temp);
    }
    if (::chmod(temp.c_str(), 0600) < 0) throwErrno("chmod 0600 " + temp);
    if (::listen(fd.get(), 16) < 0) throwErrno("listen " + temp);
    if (::rename(temp.c_str(), path.c_str()) < 0) throwErrno("rename " + temp + " to " + path);
    return fd;
}

UniqueFd acceptConnection(int listenFd) {
    return UniqueFd(::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
}

std::optional<PeerCred> peerCredentials(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof cred) {
        return std::nullopt;
    }
    return PeerCred{cred.pid, cred.uid, cred.gid};
}

Result<UniqueFd> connectSeqpacket(const std::string& path) {
    auto addr = address(path);
    if (!addr) return Error{addr.reason()};
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd) return Error{"socket: " + errnoText(errno)};
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) < 0) {
        return Error{"connect " + path + ": " + errnoText(errno)};
    }
    return fd;
}

Result<Received> receiveMessage(int fd, std::size_t maxBytes) {
    std::vector<char> buffer(maxBytes + 1);
    iovec iov{buffer.data(), buffer.size()};
    // Room for a few fds, so that a peer sending too many is detected (and all are closed).
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return Error{"no message waiting", kReceiveAgain};
        return Error{"recvmsg: " + errnoText(errno)};
    }
    std::vector<UniqueFd> fds;
    bool foreign = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            const auto count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int received = -1;
                std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                fds.emplace_back(received);
            }
        } else {
            foreign = true;
        }
    }
    if (n == 0 && fds.empty()) return Error{"connection closed by the peer", kReceiveClosed};
    if (msg.msg_flags & MSG_CTRUNC) return Error{"ancillary data truncated (too many fds)"};
    if (msg.msg_flags & MSG_TRUNC || static_cast<std::size_t>(n) > maxBytes) {
        return Error{"message longer than " + std::to_string(maxBytes) + " bytes"};
    }
    if (foreign) return Error{"unexpected ancillary data"};
    if (fds.size() > 1) return Error{std::to_string(fds.size()) + " fds attached, at most 1 allowed"};
    Received r;
    r.bytes.assign(buffer.data(), static_cast<std::size_t>(n));
    if (!fds.empty()) r.fd = std::move(fds.front());
    return r;
}

Result<bool> sendMessage(int fd, const std::string& bytes, int passFd) {
    iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (passFd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &passFd, sizeof(int));
    }
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) return Error{"sendmsg: " + errnoText(errno)};
    if (static_cast<std::size_t>(n) != bytes.size()) return Error{"short send"};
    return true;
}

}  // namespace mscb::helper
