// SPDX-License-Identifier: GPL-2.0-or-later
// mscb-cnd: mgetty's caller-ID hook (`cnd-program /usr/sbin/mscb-cnd` in mgetty.config).
//
// mgetty runs it for every ringing call, before answering, as
//     mscb-cnd TTY 'CALLER-ID' 'CALLER-NAME' DIST-RING 'CALLED-NUMBER'
// (mgetty's cnd.c, through system(3)). It asks mscb-helper whether the caller ID is a caller-ID
// callback number. Exit status 1 tells mgetty not to answer (the helper calls the number back
// from a pool modem); 0 lets mgetty answer as usual. Anything that goes wrong answers: the
// caller then has to log in like anyone else, which is safe.
#include <chrono>
#include <cstdio>
#include <poll.h>
#include <string>

#include "mscb/event_line.hpp"
#include "mscb/helper_message.hpp"
#include "unix_socket.hpp"

namespace {

constexpr int kAnswer = 0;
constexpr int kDoNotAnswer = 1;
constexpr int kReplyWaitMs = 5000;  // mgetty waits on us while the phone rings

void say(const std::string& text) {
    std::fprintf(stderr, "mscb-cnd: %s\n", text.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    std::string socketPath = mscb::kDefaultHelperSocket;
    int first = 1;
    if (argc > 2 && std::string(argv[1]) == "--socket") {
        socketPath = argv[2];
        first = 3;
    }
    if (argc - first < 2) {
        std::fprintf(stderr, "usage: mscb-cnd [--socket PATH] TTY CALLER-ID [NAME DIST-RING CALLED]\n");
        return kAnswer;
    }
    std::string line = argv[first];
    if (line.rfind("/dev/", 0) != 0) line = "/dev/" + line;  // mgetty passes "ttyS0"
    const std::string callerId = argv[first + 1];
    if (callerId.empty() || callerId == "none") {
        return kAnswer;  // no caller ID delivered: nothing to call back
    }
    const mscb::RingNotice ring{line, callerId};
    auto wire = mscb::encodeMessage(mscb::toMessage(ring));
    if (!wire) {
        say("caller ID not usable: " + wire.reason());
        return kAnswer;
    }
    auto fd = mscb::helper::connectSeqpacket(socketPath);
    if (!fd) {
        say(fd.reason() + "; answering");
        return kAnswer;
    }
    if (!mscb::helper::sendMessage(fd->get(), *wire, -1)) {  // no fd: only pppd hands lines over
        say("cannot reach the helper; answering");
        return kAnswer;
    }
    pollfd p{fd->get(), POLLIN, 0};
    if (::poll(&p, 1, kReplyWaitMs) <= 0) {
        say("no answer from the helper; answering");
        return kAnswer;
    }
    auto received = mscb::helper::receiveMessage(fd->get(), mscb::kMaxMessageBytes);
    auto message = received ? mscb::decodeMessage(received->bytes) : mscb::Result<mscb::Message>(mscb::Error{"closed"});
    auto reply = message ? mscb::replyFromMessage(*message) : mscb::Result<mscb::HelperReply>(mscb::Error{"bad reply"});
    if (!reply || !reply->accepted) {
        // Not a caller-ID callback number (or not now): mgetty answers.
        if (reply) say("answering: " + reply->reason);
        return kAnswer;
    }
    say("caller-ID callback, job " + reply->jobId + " (from " + reply->dialLine + "): not answering");
    say(mscb::EventLine("caller-id").with("job", reply->jobId).with("result", "callback").format());
    return kDoNotAnswer;
}
