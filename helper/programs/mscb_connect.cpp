// SPDX-License-Identifier: GPL-2.0-or-later
// mscb-connect: pppd's callback connector; hands the tty (fd 0) to mscb-helper and waits.
//
// pppd runs it through /bin/sh -c as its callback_script with the tty as stdin/stdout.
// Exit 0 = the return call is connected (pppd goes on with LCP), 1 = it failed, 2 = usage.
//
// mscb.so opens the helper connection itself (pppd is root, or setuid root under a getty's
// login while this program runs as the dial-in user) and passes it as `--fd N`, bound to the
// session; without --fd (or once that connection is lost) it connects to the socket itself,
// which only root may.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <sys/socket.h>
#include <string>
#include <thread>
#include <unistd.h>

#include "config.hpp"
#include "mscb/event_line.hpp"
#include "mscb/helper_message.hpp"
#include "unix_socket.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kReconnectWindow = std::chrono::seconds(60);

void say(const std::string& text) {
    std::fprintf(stderr, "mscb-connect: %s\n", text.c_str());
}

/// The stable form of what happened to the line (doc/events.md), after the sentence.
void event(const std::string& job, const char* result) {
    say(mscb::EventLine("connector").with("job", job).with("result", result).format());
}

enum class Outcome { Connected, Failed, Lost };

// One connection's worth: send the line, wait for the verdict.
Outcome attempt(const std::string& socketPath, mscb::helper::UniqueFd inherited, const std::string& session,
                Clock::time_point deadline, bool& handedOver, std::string& lastJob) {
    auto fd = inherited ? mscb::Result<mscb::helper::UniqueFd>(std::move(inherited))
                        : mscb::helper::connectSeqpacket(socketPath);
    if (!fd) {
        say(fd.reason());
        return Outcome::Lost;
    }
    mscb::Message line{"line", {{"session", session}}};
    auto wire = mscb::encodeMessage(line);
    if (!wire || !mscb::helper::sendMessage(fd->get(), *wire, 0)) {
        say("cannot send the line");
        return Outcome::Lost;
    }
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            say("timed out waiting for the helper");
            return Outcome::Failed;
        }
        pollfd p{fd->get(), POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
        if (n < 0 && errno != EINTR) return Outcome::Failed;
        if (n <= 0) continue;
        auto received = mscb::helper::receiveMessage(fd->get(), mscb::kMaxMessageBytes);
        if (!received) {
            if (received.kind() == mscb::helper::kReceiveAgain) continue;
            say("helper connection lost: " + received.reason());
            event(lastJob, "lost");
            return Outcome::Lost;
        }
        auto message = mscb::decodeMessage(received->bytes);
        if (!message) {
            say("malformed reply: " + message.reason());
            return Outcome::Failed;
        }
        const auto job = std::string(message->get("job").value_or("?"));
        if (message->verb == "ok") {
            handedOver = true;
            lastJob = job;
            say("line handed to the helper, job " + job);
            event(job, "handed");
        } else if (message->verb == "refused") {
            say("helper refused the line: " + std::string(message->get("reason").value_or("?")));
            event(lastJob, "refused");
            return Outcome::Failed;
        } else if (message->verb == "connected") {
            say("return call connected, job " + job);
            event(job, "connected");
            return Outcome::Connected;
        } else if (message->verb == "failed") {
            say("callback failed, job " + job + ": " + std::string(message->get("reason").value_or("?")));
            event(job, "failed");
            return Outcome::Failed;
        } else {
            say("unexpected reply '" + message->verb + "'");
            return Outcome::Failed;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string socketPath = mscb::kDefaultHelperSocket;
    long timeoutSeconds = mscb::helper::kConnectorTimeout.count() / 1000;
    std::string session;
    int inheritedFd = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--socket" && i + 1 < argc) {
            socketPath = argv[++i];
        } else if (arg == "--fd" && i + 1 < argc) {
            char* end = nullptr;
            const long value = std::strtol(argv[++i], &end, 10);
            if (!end || *end != '\0' || value < 3 || value > 1 << 20) {
                say("--fd must name a descriptor number from 3 up");
                return 2;
            }
            inheritedFd = static_cast<int>(value);
        } else if (arg == "--timeout" && i + 1 < argc) {
            timeoutSeconds = std::strtol(argv[++i], nullptr, 10);
        } else if (session.empty() && !arg.empty() && arg.front() != '-') {
            session = arg;
        } else {
            std::fprintf(stderr, "usage: mscb-connect [--socket PATH] [--fd N] [--timeout SECONDS] SESSION\n");
            return 2;
        }
    }
    if (!mscb::isAcceptableSessionId(session)) {
        say("invalid session id (expected [a-z0-9.-]{1,64})");
        return 2;
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
        say("timeout must be 1..3600 seconds");
        return 2;
    }
    if (!::isatty(0)) {
        say("stdin is not a terminal: run me as pppd's callback connector");
        return 1;
    }
    mscb::helper::UniqueFd inherited;
    if (inheritedFd >= 0) {
        int type = 0;
        socklen_t length = sizeof type;
        if (::getsockopt(inheritedFd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_SEQPACKET) {
            say("--fd " + std::to_string(inheritedFd) + " is not the helper connection pppd opened");
            return 1;
        }
        inherited = mscb::helper::UniqueFd(inheritedFd);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(timeoutSeconds);
    auto reconnectUntil = Clock::now() + kReconnectWindow;
    bool handedOver = false;
    std::string lastJob;  ///< the job the helper named for this line, once it did
    for (;;) {
        switch (attempt(socketPath, std::move(inherited), session, deadline, handedOver, lastJob)) {
        case Outcome::Connected: return 0;
        case Outcome::Failed: return 1;
        case Outcome::Lost: break;
        }
        // The helper went away (restart?): it resumes the job from its journal; offer the
        // line again for a bounded time.
        if (Clock::now() >= std::min(reconnectUntil, deadline)) {
            say("helper unreachable: giving up");
            return 1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}
