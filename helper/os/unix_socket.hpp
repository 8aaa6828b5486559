// SPDX-License-Identifier: GPL-2.0-or-later
// AF_UNIX SOCK_SEQPACKET: the listening socket, peer credentials, messages with SCM_RIGHTS fds.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "fd.hpp"
#include "mscb/result.hpp"

namespace mscb::helper {

/// Creates, binds (mode 0600) and listens on `path`. A stale socket file is replaced only if
/// it is a socket; anything else at `path` is refused. Throws std::system_error.
UniqueFd listenSeqpacket(const std::string& path);
/// Accepts one connection (non-blocking, close-on-exec); invalid fd if none pending.
UniqueFd acceptConnection(int listenFd);
/// SO_PEERCRED of a connected socket.
struct PeerCred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};
std::optional<PeerCred> peerCredentials(int fd);
/// Connects to a SOCK_SEQPACKET socket (blocking, close-on-exec).
Result<UniqueFd> connectSeqpacket(const std::string& path);

/// One received message.
struct Received {
    std::string bytes;
    UniqueFd fd;  ///< the single SCM_RIGHTS fd, if one came
};
/// Error kinds of receiveMessage that are not faults: nothing waiting, the peer closed.
inline constexpr const char* kReceiveAgain = "again";
inline constexpr const char* kReceiveClosed = "closed";
/// Receives one message. Errors: oversize or truncated messages, more than one fd, or
/// ancillary data of another kind (all received fds are closed). A closed peer gives an
/// Error of kind kReceiveClosed, EAGAIN one of kind kReceiveAgain (callers test the kind).
Result<Received> receiveMessage(int fd, std::size_t maxBytes);
/// Sends one message, optionally with one fd as SCM_RIGHTS. MSG_NOSIGNAL.
Result<bool> sendMessage(int fd, const std::string& bytes, int passFd = -1);

}  // namespace mscb::helper
