// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's side of the helper socket: connect, send one message, await one reply, with
// bounded waits so pppd never blocks for long on a helper that hangs.
#pragma once

#include <chrono>
#include <string>

#include "mscb/helper_message.hpp"
#include "mscb/result.hpp"

namespace mscb::glue {

class HelperConnection {
public:
    HelperConnection() = default;
    HelperConnection(const HelperConnection&) = delete;
    HelperConnection& operator=(const HelperConnection&) = delete;
    HelperConnection(HelperConnection&& other) noexcept;
    HelperConnection& operator=(HelperConnection&& other) noexcept;
    ~HelperConnection();

    /// Connects to the helper's SOCK_SEQPACKET socket at `path`. With `wait` false the socket is
    /// non-blocking: a full backlog fails at once (for notices, which pppd must not wait on).
    static Result<HelperConnection> open(const std::string& path, bool wait = true);

    /// Sends `request` and waits up to `timeout` for the reply.
    Result<HelperReply> exchange(const Message& request, std::chrono::milliseconds timeout);

    /// Sends `message` without waiting for an answer (reports); false if it could not be sent.
    bool post(const Message& message);

    /// Lets the connection pass to programs pppd runs (the connector), or stops that.
    bool setInheritable(bool inheritable);
    /// The descriptor number, for the connector's command line (-1 when closed).
    [[nodiscard]] int descriptor() const { return fd_; }

    [[nodiscard]] bool isOpen() const { return fd_ >= 0; }
    void close();

private:
    explicit HelperConnection(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace mscb::glue
