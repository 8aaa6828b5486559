// SPDX-License-Identifier: GPL-2.0-or-later
// mscbctl: show pending callbacks, return calls and history; cancel a job.
#include <chrono>
#include <cstdio>
#include <poll.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "mscb/helper_message.hpp"
#include "unix_socket.hpp"

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: mscbctl [--socket PATH] [--json] status | history | cancel JOB\n"
                 "  status   pending jobs (state, countdown to the dial), return calls (interface,\n"
                 "           address, user, durations, bytes), other ppp links\n"
                 "  history  finished jobs, newest last\n"
                 "  cancel   cancel a pending job\n");
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string seconds(std::string_view ms) {
    try {
        const long long v = std::stoll(std::string(ms));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld.%llds", v / 1000, (v < 0 ? -v : v) % 1000 / 100);
        return buf;
    } catch (...) {
        return std::string(ms);
    }
}

void printHuman(const mscb::Message& e) {
    auto get = [&](const char* key) { return std::string(e.get(key).value_or("-")); };
    const auto type = get("type");
    if (type == "job") {
        // line: where the caller called in; dial: the modem that calls back (a pool modem or it).
        std::printf("job %s  %s  user=%s number=%s line=%s dial=%s (%s) attempt %s  age %s", get("job").c_str(),
                    get("state").c_str(), get("user").c_str(), get("number").c_str(), get("line").c_str(),
                    get("dial-line").c_str(), get("modem").c_str(), get("attempt").c_str(),
                    seconds(get("age-ms")).c_str());
        if (e.get("deadline-in-ms")) std::printf("  dial in %s", seconds(get("deadline-in-ms")).c_str());
        std::printf("\n");
    } else if (type == "call") {
        std::printf("call %s  user=%s number=%s line=%s pppd=%s up %s  if=%s addr=%s rx=%s tx=%s\n",
                    get("job").c_str(), get("user").c_str(), get("number").c_str(), get("line").c_str(),
                    get("pppd-pid").c_str(), seconds(get("up-ms")).c_str(), get("interface").c_str(),
                    get("address").c_str(), get("rx-bytes").c_str(), get("tx-bytes").c_str());
    } else if (type == "link") {
        std::printf("link %s  up=%s pppd=%s addr=%s rx=%s tx=%s for %s\n", get("interface").c_str(),
                    get("link-up").c_str(), get("pppd-pid").c_str(), get("address").c_str(),
                    get("rx-bytes").c_str(), get("tx-bytes").c_str(), seconds(get("link-ms")).c_str());
    } else if (type == "refusals") {
        std::printf("refused %s: %s since the helper started\n", get("kind").c_str(), get("count").c_str());
    } else if (type == "history") {
        std::printf("%s  %s  user=%s number=%s line=%s attempts=%s  %s ago  job %s", get("job").c_str(),
                    get("result").c_str(), get("user").c_str(), get("number").c_str(), get("line").c_str(),
                    get("attempts").c_str(), seconds(get("ago-ms")).c_str(), seconds(get("job-ms")).c_str());
        if (e.get("call-ms")) std::printf("  call %s", seconds(get("call-ms")).c_str());
        if (e.get("reason")) std::printf("  (%s)", get("reason").c_str());
        std::printf("\n");
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string socketPath = mscb::kDefaultHelperSocket;
    bool json = false;
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--socket" && i + 1 < argc) {
            socketPath = argv[++i];
        } else if (arg == "--json") {
            json = true;
        } else if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        } else {
            words.push_back(arg);
        }
    }
    mscb::Message request;
    if (words.size() == 1 && (words[0] == "status" || words[0] == "history")) {
        request.verb = words[0];
    } else if (words.size() == 2 && words[0] == "cancel") {
        request.verb = "cancel";
        request.set("job", words[1]);
    } else {
        usage();
        return 2;
    }
    if (::geteuid() != 0) {
        std::fprintf(stderr, "mscbctl: root only\n");
        return 2;
    }
    auto fd = mscb::helper::connectSeqpacket(socketPath);
    if (!fd) {
        std::fprintf(stderr, "mscbctl: %s\n", fd.reason().c_str());
        return 1;
    }
    auto wire = mscb::encodeMessage(request);
    if (!wire || !mscb::helper::sendMessage(fd->get(), *wire)) {
        std::fprintf(stderr, "mscbctl: cannot send the request (bad job id?)\n");
        return 2;
    }
    std::vector<mscb::Message> entries;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        pollfd p{fd->get(), POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
            std::fprintf(stderr, "mscbctl: no answer from the helper\n");
            return 1;
        }
        auto received = mscb::helper::receiveMessage(fd->get(), mscb::kMaxMessageBytes);
        if (!received) {
            if (received.kind() == mscb::helper::kReceiveAgain) continue;
            std::fprintf(stderr, "mscbctl: %s\n", received.reason().c_str());
            return 1;
        }
        auto message = mscb::decodeMessage(received->bytes);
        if (!message) {
            std::fprintf(stderr, "mscbctl: malformed reply: %s\n", message.reason().c_str());
            return 1;
        }
        if (message->verb == "entry") {
            entries.push_back(*message);
            continue;
        }
        if (message->verb == "refused") {
            std::fprintf(stderr, "mscbctl: refused: %s\n", std::string(message->get("reason").value_or("?")).c_str());
            return 1;
        }
        if (message->verb == "ok") {
            if (json) {
                std::printf("{\"ok\":true,\"job\":%s}\n", jsonString(std::string(message->get("job").value_or(""))).c_str());
            } else {
                std::printf("cancelled %s\n", std::string(message->get("job").value_or("")).c_str());
            }
            return 0;
        }
        if (message->verb == "end") break;
        std::fprintf(stderr, "mscbctl: unexpected reply '%s'\n", message->verb.c_str());
        return 1;
    }
    if (json) {
        std::printf("[");
        for (std::size_t i = 0; i < entries.size(); ++i) {
            std::printf("%s{", i ? "," : "");
            for (std::size_t f = 0; f < entries[i].fields.size(); ++f) {
                const auto& [k, v] = entries[i].fields[f];
                std::printf("%s%s:%s", f ? "," : "", jsonString(k).c_str(), jsonString(v).c_str());
            }
            std::printf("}");
        }
        std::printf("]\n");
    } else {
        if (entries.empty()) std::printf(request.verb == "status" ? "no pending callbacks or ppp links\n" : "no history\n");
        for (const auto& e : entries) printHuman(e);
    }
    return 0;
}
