// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the CBCP answerer state machine, fed arbitrary and near-valid packet sequences,
// timer firings, Protocol-Rejects and link downs.
// Invariants: every packet it sends parses; an Agreement's number passes checkDialNumber with
// the server's rules (Peer source for USER, Operator for ADMIN/LIST) unchanged and is canonical
// text; its type was offered; its delay is clamped; hand-off only after the Ack, with the same
// agreement; no more Requests than maxRequests; nothing sent once Failed or HandedOff.
#include <algorithm>
#include <optional>

#include "fuzz_util.hpp"
#include "mscb/core/callback_policy.hpp"
#include "mscb/core/cbcp_server.hpp"

using namespace mscb;
using namespace mscb::core;

namespace {

struct Host final : ServerHost {
    const ServerConfig* config = nullptr;
    const Offer* offer = nullptr;
    CbcpServer* server = nullptr;
    std::vector<std::uint8_t> lastSent;
    unsigned requests = 0;
    std::uint8_t lastRequestId = 0;
    std::optional<Agreement> armed;
    bool handedOff = false;
    bool timerArmed = false;

    void sendCbcp(const std::vector<std::uint8_t>& packet) override {
        FUZZ_CHECK(server->state() != ServerState::Failed && server->state() != ServerState::HandedOff,
                   "sent a packet in state %s", toString(server->state()));
        auto parsed = parseCbcpPacket(packet);
        FUZZ_CHECK(parsed.ok(), "sent a malformed packet: %s", parsed.ok() ? "" : parsed.reason().c_str());
        FUZZ_CHECK(parsed->code != CbcpCode::Response, "the server sent a Response");
        if (parsed->code == CbcpCode::Request) {
            ++requests;
            FUZZ_CHECK(parsed->id == static_cast<std::uint8_t>(lastRequestId + 1), "Request id %u after %u",
                       parsed->id, lastRequestId);
            lastRequestId = parsed->id;
            FUZZ_CHECK(!parsed->options.empty(), "empty Request");
        } else {
            FUZZ_CHECK(parsed->id >= 1 && parsed->id <= lastRequestId, "Ack id %u never requested", parsed->id);
            FUZZ_CHECK(parsed->options.size() == 1, "Ack with %zu options", parsed->options.size());
        }
        lastSent = packet;
    }
    void armTimer(std::chrono::milliseconds) override { timerArmed = true; }
    void cancelTimer() override { timerArmed = false; }
    void startNetworks() override {}
    void closeLink(const std::string&) override {}
    void callbackArmed(const Agreement& agreement) override {
        FUZZ_CHECK(!armed, "callback armed twice");
        checkAgreement(agreement);
        armed = agreement;
    }
    void handOff(const Agreement& agreement) override {
        FUZZ_CHECK(armed.has_value(), "hand-off without an Ack");
        FUZZ_CHECK(!handedOff, "handed off twice");
        FUZZ_CHECK(agreement.number == armed->number && agreement.type == armed->type &&
                       agreement.delaySeconds == armed->delaySeconds,
                   "hand-off differs from the Ack");
        checkAgreement(agreement);
        handedOff = true;
    }
    void log(LogLevel, const std::string&) override {}

    void checkAgreement(const Agreement& a) const {
        if (a.type == CallbackType::NoCallback) {
            FUZZ_CHECK(offer->noCallback, "no-callback agreed but not offered");
            return;
        }
        const bool peer = a.type == CallbackType::User;
        FUZZ_CHECK(fuzz::isCanonicalText(a.number, !peer && config->rules.operatorPauses),
                   "agreed number '%s' is not canonical", a.number.c_str());
        auto again = checkDialNumber(a.number, config->rules, peer ? NumberSource::Peer : NumberSource::Operator);
        FUZZ_CHECK(again.ok() && again->canonical == a.number, "agreed number '%s' fails the firewall: %s",
                   a.number.c_str(), again.ok() ? "changed" : again.reason().c_str());
        switch (a.type) {
        case CallbackType::User: FUZZ_CHECK(offer->user, "user agreed but not offered"); break;
        case CallbackType::Admin:
            FUZZ_CHECK(offer->adminNumber && *offer->adminNumber == a.number, "admin number differs");
            break;
        case CallbackType::List:
            FUZZ_CHECK(std::find(offer->listNumbers.begin(), offer->listNumbers.end(), a.number) !=
                           offer->listNumbers.end(),
                       "list number not offered");
            break;
        default: break;
        }
        const std::uint32_t hi = std::max(config->delayMin, config->delayMax);
        FUZZ_CHECK(a.delaySeconds >= config->delayMin && a.delaySeconds <= hi, "delay %u outside [%u,%u]",
                   a.delaySeconds, config->delayMin, hi);
        // The Ack (sent just before callbackArmed) states the delay that will be waited; an
        // option without a delay octet states 0.
        auto ack = parseCbcpPacket(lastSent);
        FUZZ_CHECK(ack.ok() && ack->code == CbcpCode::Ack && ack->options.size() == 1 &&
                       (ack->options[0].hasDelay ? ack->options[0].delay : 0U) == a.delaySeconds,
                   "the Ack does not state the delay %u", a.delaySeconds);
    }
};

const char* const kSpecs[] = {
    "user",
    "user mandatory delay-min=10",
    "preset 555-1234",
    "preset 555-1234 secure",
    "list 5551111,5552222",
    "list 5551111,5552222,5553333,5554444 secure delay-max=30",
    "preset +4930123456",
    "none",
};

Offer makeOffer(fuzz::ByteSource& in, const DialRules& rules) {
    const auto mode = in.u8();
    if (mode < 0x80) {
        auto policy = parsePolicySpec(kSpecs[mode % std::size(kSpecs)], rules);
        if (policy) return offerFor(*policy, in.flag());
    } else if (mode < 0xc0) {
        auto policy = parsePolicySpec(in.string(80), rules);
        if (policy) return offerFor(*policy, in.flag());
    }
    // A hand-made offer (numbers through the firewall, like the policy parser does).
    Offer offer;
    const auto bits = in.u8();
    offer.noCallback = bits & 1U;
    offer.user = bits & 2U;
    if (bits & 4U) {
        if (auto n = checkDialNumber(in.string(24), rules, NumberSource::Operator)) offer.adminNumber = n->canonical;
    }
    if (bits & 8U) {
        for (unsigned i = in.range(1, 4); i > 0; --i) {
            if (auto n = checkDialNumber(in.string(24), rules, NumberSource::Operator)) {
                offer.listNumbers.push_back(n->canonical);
            }
        }
    }
    return offer;
}

/// A Response that is close to valid: the parser accepts it, so the machine's own rules decide.
std::vector<std::uint8_t> nearValidResponse(fuzz::ByteSource& in, const Offer& offer, std::uint8_t lastId) {
    CbcpOption option;
    option.type = static_cast<CallbackType>(in.range(1, 4));
    option.hasDelay = in.u8() != 0;
    option.delay = in.u8();
    switch (in.range(0, 3)) {
    case 0: break;
    case 1: option.addresses.push_back(in.string(40)); break;
    case 2:
        if (offer.adminNumber) option.addresses.push_back(*offer.adminNumber);
        else if (!offer.listNumbers.empty()) option.addresses.push_back(offer.listNumbers[in.u8() % offer.listNumbers.size()]);
        break;
    default:
        option.addresses.push_back("555-" + std::to_string(in.u16()));
        break;
    }
    for (auto& a : option.addresses) {
        for (auto& c : a) if (c == 0) c = '0';  // a NUL would end the address early
    }
    const auto id = in.flag() ? lastId : static_cast<std::uint8_t>(in.u8());
    std::vector<CbcpOption> options{option};
    if (in.range(0, 7) == 0) options.push_back(option);
    return serializeCbcp(in.range(0, 15) == 0 ? CbcpCode::Request : CbcpCode::Response, id, options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteSource in(data, size);
    ServerConfig config;
    config.rules = fuzz::dialRules(in, in.flag());
    config.maxRequests = in.range(0, 40);
    config.delayMin = in.u8();
    config.delayMax = in.u8();
    const Offer offer = makeOffer(in, config.rules);

    Host host;
    host.config = &config;
    host.offer = &offer;
    CbcpServer server(config, host);
    host.server = &server;
    server.start(offer);

    const unsigned maxRequests = std::clamp(config.maxRequests, 1U, 250U);
    for (unsigned step = 0; step < 512 && !in.empty(); ++step) {
        switch (in.range(0, 9)) {
        case 0:
        case 1: {
            const auto packet = in.chunk();
            server.onPacket(packet);
            break;
        }
        case 2:
        case 3:
        case 4: server.onPacket(nearValidResponse(in, offer, host.lastRequestId)); break;
        case 5: {
            // Echo what we sent as a Response (a peer that parrots), sometimes with a new option.
            auto echo = host.lastSent;
            if (!echo.empty()) echo[0] = static_cast<std::uint8_t>(CbcpCode::Response);
            server.onPacket(echo);
            break;
        }
        case 6:
        case 7: server.onTimeout(); break;
        case 8: server.onProtocolReject(); break;
        default:
            if (in.range(0, 3) == 0) server.onLinkDown();
            else server.onTimeout();
            break;
        }
        FUZZ_CHECK(host.requests <= maxRequests && server.requestsSent() == host.requests,
                   "%u Requests sent, limit %u", host.requests, maxRequests);
        if (server.agreement()) host.checkAgreement(*server.agreement());
        if (server.state() == ServerState::AckSent || server.state() == ServerState::Closing ||
            server.state() == ServerState::HandedOff) {
            FUZZ_CHECK(host.armed.has_value(), "state %s without an armed callback", toString(server.state()));
        }
    }
    return 0;
}
