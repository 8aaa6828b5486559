// SPDX-License-Identifier: GPL-2.0-or-later
// CBCP answerer state machine.
#include "mscb/core/cbcp_server.hpp"

#include <algorithm>

namespace mscb::core {
namespace {

// Ids run 1..255 within one exchange; the option parser caps mscb-max-req below that.
constexpr unsigned kMaxRequestId = 250;

std::string describeOffer(const Offer& offer) {
    std::string text;
    const auto add = [&](const std::string& part) { text += (text.empty() ? "" : "+") + part; };
    if (offer.noCallback) add("no-callback");
    if (offer.adminNumber) add("admin");
    if (!offer.listNumbers.empty()) add("list");
    if (offer.user) add("user");
    return text.empty() ? "nothing" : text;
}

}  // namespace

const char* toString(ServerState state) {
    switch (state) {
    case ServerState::Idle: return "Idle";
    case ServerState::ReqSent: return "ReqSent";
    case ServerState::AckSent: return "AckSent";
    case ServerState::Closing: return "Closing";
    case ServerState::NoCallback: return "NoCallback";
    case ServerState::HandedOff: return "HandedOff";
    case ServerState::Failed: return "Failed";
    }
    return "?";
}

CbcpServer::CbcpServer(ServerConfig config, ServerHost& host)
    : config_(std::move(config)), host_(host) {
    config_.maxRequests = std::clamp(config_.maxRequests, 1U, kMaxRequestId);
}

void CbcpServer::transition(ServerState next, const std::string& why) {
    host_.log(LogLevel::Debug, std::string("CBCP ") + toString(state_) + " -> " + toString(next) +
                                   " (" + why + ")");
    // Debug like the sentence (with `debug`, pppd shows the exchange step by step).
    host_.log(LogLevel::Debug,
              EventLine("cbcp-state").with("from", toString(state_)).with("to", toString(next)).format());
    state_ = next;
}

void CbcpServer::start(const Offer& offer) {
    if (state_ != ServerState::Idle) {
        return;
    }
    offer_ = offer;
    if (offer_.empty()) {
        fail("nothing to offer");
        return;
    }
    transition(ServerState::ReqSent, "offering " + describeOffer(offer_));
    sendRequest();
}

void CbcpServer::sendRequest() {
    if (requestsSent_ >= config_.maxRequests) {
        fail("no acceptable Response after " + std::to_string(requestsSent_) + " Requests");
        return;
    }
    // MS-CBCP §3.2: the first id SHOULD be 1 and every transmission gets a new one.
    lastId_ = static_cast<std::uint8_t>(lastId_ + 1);
    ++requestsSent_;
    // Order NO, ADMIN/LIST, USER: the stock pppd client (cbcp.c) only parses a USER option
    // carrying an address when it is the last one, and MS-CBCP lists types in this order.
    std::vector<CbcpOption> options;
    if (offer_.noCallback) options.push_back(noCallbackOption());
    if (offer_.adminNumber) options.push_back(adminOption());
    if (!offer_.listNumbers.empty()) options.push_back(listOption(offer_.listNumbers));
    if (offer_.user) options.push_back(userOption());
    host_.sendCbcp(serializeCbcp(CbcpCode::Request, lastId_, options));
    host_.armTimer(config_.restart);
}

bool CbcpServer::idWasSent(std::uint8_t id) const {
    return id >= 1 && id <= lastId_;
}

void CbcpServer::onPacket(std::span<const std::uint8_t> bytes) {
    auto packet = parseCbcpPacket(bytes);
    if (!packet) {
        // A malformed Response in ReqSent gets a fresh Request (MS-CBCP §3.2 "bad Response");
        // anything else that does not parse (other codes, garbage) is only counted, so junk
        // cannot burn the Request budget (doc/security.md §6).
        const bool response = !bytes.empty() && bytes[0] == static_cast<std::uint8_t>(CbcpCode::Response);
        if (state_ == ServerState::ReqSent && response) {
            reRequest(packet.kind(), packet.reason());
        } else {
            drop(packet.kind(), packet.reason());
        }
        return;
    }
    if (packet->code != CbcpCode::Response) {
        drop("unexpected-code", std::string("unexpected ") + toString(packet->code) + " from the peer");
        return;
    }
    if (!idWasSent(packet->id)) {
        drop("unknown-id", "Response id " + std::to_string(packet->id) + " was never sent");
        return;
    }
    handleResponse(*packet);
}

Choice checkChoice(const CbcpPacket& response, const Offer& offer, const ServerConfig& config) {
    const auto reRequest = [](const char* kind, std::string why) {
        Choice choice;
        choice.verdict = Choice::Verdict::ReRequest;
        choice.kind = kind;
        choice.why = std::move(why);
        return choice;
    };
    const auto offered = [&](CallbackType type) {
        switch (type) {
        case CallbackType::NoCallback: return offer.noCallback;
        case CallbackType::User: return offer.user;
        case CallbackType::Admin: return offer.adminNumber.has_value();
        case CallbackType::List: return !offer.listNumbers.empty();
        }
        return false;
    };
    // Deviation from MS-CBCP §3.2 (drop a Response whose id is not the current one): any id of
    // this exchange is accepted, since the Request never changes meaning within it. The seed's
    // Cisco dropped a valid Response to id 20 while its user typed and lost ~1 s.
    if (response.options.size() != 1) {
        return reRequest("not-one-option", "Response carries " + std::to_string(response.options.size()) +
                         " options, exactly one is required");
    }
    const auto& option = response.options[0];
    if (!offered(option.type)) {
        return reRequest("not-offered", std::string("type ") + toString(option.type) + " was not offered");
    }
    Choice choice;
    choice.verdict = Choice::Verdict::Accept;
    choice.agreement.type = option.type;
    choice.agreement.peerDelay = option.delay;  // absent (the pppd client's NO) means 0
    choice.agreement.ackId = response.id;
    choice.agreement.delaySeconds = std::clamp<std::uint32_t>(option.delay, config.delayMin,
                                                             std::max(config.delayMin, config.delayMax));
    switch (option.type) {
    case CallbackType::NoCallback: break;
    case CallbackType::User: {
        if (option.addresses.size() != 1) return reRequest("no-number", "user option without a number");
        auto number = checkDialNumber(option.addresses[0], config.rules, NumberSource::Peer);
        if (!number) {
            auto refused = reRequest("number-refused", "caller's number refused");
            refused.refusedNumber = option.addresses[0];
            refused.refusal = number.reason();
            refused.refusalKind = number.kind();
            // With another type to fall back on, stop offering USER: a caller who keeps naming
            // a refused number then sees only what it may still choose.
            refused.stopOfferingUser = offer.noCallback || offer.adminNumber || !offer.listNumbers.empty();
            return refused;
        }
        choice.agreement.number = number->canonical;
        break;
    }
    case CallbackType::Admin:
        if (!option.addresses.empty()) return reRequest("admin-number", "admin option carries a number");
        choice.agreement.number = *offer.adminNumber;
        break;
    case CallbackType::List: {
        if (option.addresses.size() != 1) return reRequest("list-count", "list Response must name exactly one number");
        auto canonical = checkDialNumber(option.addresses[0], config.rules, NumberSource::Operator);
        if (!canonical || std::find(offer.listNumbers.begin(), offer.listNumbers.end(), canonical->canonical) ==
                              offer.listNumbers.end()) {
            return reRequest("list-not-offered", "list Response names a number that was not offered");
        }
        choice.agreement.number = canonical->canonical;
        break;
    }
    }
    return choice;
}

void CbcpServer::handleResponse(const CbcpPacket& packet) {
    switch (state_) {
    case ServerState::ReqSent: break;
    case ServerState::AckSent:
    case ServerState::Closing:
    case ServerState::NoCallback:
        // A duplicate of the accepted Response means our Ack was lost: Ack again. A different
        // one never changes what was agreed (a caller cannot redirect the callback).
        if (packet.options.size() == 1 && packet.options[0].raw == acceptedOption_) {
            host_.log(LogLevel::Debug, "duplicate Response id " + std::to_string(packet.id) + ", re-Ack");
            host_.log(LogLevel::Debug, EventLine("cbcp-reack").with("id", packet.id).format());
            host_.sendCbcp(serializeCbcp(CbcpCode::Ack, packet.id, {ackOption_}));
        } else {
            drop("changed-after-ack", "Response after Ack differs from the accepted one");
        }
        return;
    default:
        drop("wrong-state", std::string("Response in state ") + toString(state_));
        return;
    }
    const auto choice = checkChoice(packet, offer_, config_);
    if (choice.verdict == Choice::Verdict::ReRequest) {
        if (choice.refusedNumber) {
            host_.log(LogLevel::Warning, "refused caller's number \"" + escapeForLog(*choice.refusedNumber) +
                                             "\": " + choice.refusal);
            host_.numberRefused(*choice.refusedNumber, choice.refusal, choice.refusalKind);
            host_.event(EventLine("number-refused")
                            .with("number", *choice.refusedNumber)
                            .with("kind", choice.refusalKind.empty() ? "bad-number" : choice.refusalKind));
        }
        if (choice.stopOfferingUser) offer_.user = false;
        reRequest(choice.kind, choice.why);
        return;
    }
    const auto& agreement = choice.agreement;
    if (auto veto = agreement.type == CallbackType::NoCallback ? std::nullopt
                                                                : host_.vetoNumber(agreement.number, agreement.type)) {
        host_.event(EventLine("number-refused").with("number", agreement.number).with("kind", "helper"));
        withdraw(agreement.type, agreement.number, "number " + agreement.number + " refused: " + *veto);
        return;
    }
    acknowledge(packet, agreement);
    agreement_ = agreement;
    if (agreement.type == CallbackType::NoCallback) {
        transition(ServerState::NoCallback, "caller chose no callback");
        host_.event(EventLine("no-callback"));
        host_.startNetworks();
        return;
    }
    transition(ServerState::AckSent, std::string("callback agreed: ") + toString(agreement.type) + " " +
                                         agreement.number + ", delay " +
                                         std::to_string(agreement.delaySeconds) + " s");
    host_.event(EventLine("agreed")
                    .with("type", toString(agreement.type))
                    .with("number", agreement.number)
                    .with("delay", agreement.delaySeconds));
    host_.callbackArmed(agreement);
    host_.armTimer(config_.ackWait);
}

void CbcpServer::acknowledge(const CbcpPacket& response, const Agreement& agreement) {
    host_.cancelTimer();
    acceptedOption_ = response.options[0].raw;
    ackOption_ = ackOptionFor(response.options[0], agreement);
    // MS-CBCP §3.2: the Ack carries the Response's id, delay and address. (The seed's Cisco
    // Acked with a fresh id; its Windows client tolerated it, we do not rely on that.)
    host_.sendCbcp(serializeCbcp(CbcpCode::Ack, response.id, {ackOption_}));
}

CbcpOption ackOptionFor(const CbcpOption& accepted, const Agreement& agreement) {
    // Deviation from MS-CBCP §3.2 (the Ack echoes the Response's delay): when mscb-delay-min/-max
    // move the caller's delay, the Ack states the delay mscb will wait, so what the caller is told
    // is what happens. Type, address and layout stay the caller's bytes.
    CbcpOption ack = accepted;
    if (accepted.type == CallbackType::NoCallback || agreement.delaySeconds == accepted.delay) {
        return ack;
    }
    const auto delay = static_cast<std::uint8_t>(agreement.delaySeconds);
    ack.delay = delay;
    if (accepted.hasDelay && ack.raw.size() >= 3) {
        ack.raw[2] = delay;  // Type, Length, Delay
    } else {
        ack.hasDelay = true;
        ack.raw.clear();  // re-encoded with a delay octet
    }
    return ack;
}

void CbcpServer::reRequest(const std::string& kind, const std::string& why) {
    host_.log(LogLevel::Notice, "new Request: " + why);
    host_.event(EventLine("response-refused").with("kind", kind));
    host_.cancelTimer();
    if (offer_.empty()) {
        fail("nothing left to offer");
        return;
    }
    sendRequest();
}

void CbcpServer::withdraw(CallbackType type, const std::string& number, const std::string& why) {
    host_.log(LogLevel::Warning, why);
    switch (type) {
    case CallbackType::User: offer_.user = false; break;
    case CallbackType::Admin: offer_.adminNumber.reset(); break;
    case CallbackType::List:
        std::erase(offer_.listNumbers, number);
        break;
    case CallbackType::NoCallback: break;
    }
    reRequest("helper-veto", why);
}

void CbcpServer::drop(const std::string& kind, const std::string& why) {
    ++dropped_;
    host_.log(LogLevel::Debug, "dropped CBCP packet: " + why);
    // Debug, like the sentence: a peer may send junk at line rate, and drops cost it nothing.
    host_.log(LogLevel::Debug, EventLine("cbcp-dropped").with("kind", kind).format());
}

void CbcpServer::fail(const std::string& why) {
    host_.cancelTimer();
    transition(ServerState::Failed, why);
    host_.event(EventLine("cbcp-failed").with("requests", requestsSent_));
    host_.closeLink("CBCP failed: " + why);
}

void CbcpServer::onTimeout() {
    switch (state_) {
    case ServerState::ReqSent:
        sendRequest();
        break;
    case ServerState::AckSent:
        // Do not wait for the caller's Terminate-Request (FreeBSD and the seed's Cisco do).
        transition(ServerState::Closing, "Ack grace over, ending the first call");
        host_.closeLink("Callback agreed");
        break;
    default:
        break;
    }
}

void CbcpServer::onProtocolReject() {
    if (state_ != ServerState::ReqSent) {
        return;
    }
    host_.cancelTimer();
    host_.event(EventLine("cbcp-rejected").with("next", offer_.noCallback ? "network" : "close"));
    if (offer_.noCallback) {
        transition(ServerState::NoCallback, "peer rejected CBCP, continuing without callback");
        host_.startNetworks();
    } else {
        fail("peer rejected CBCP but callback is required");
    }
}

void CbcpServer::onLinkDown() {
    host_.cancelTimer();
    switch (state_) {
    case ServerState::AckSent:
        // Not our close: the caller hung up (Windows does after the Ack), or it renegotiated
        // LCP (RFC 1661 §4.1 lets a peer do so at any time) and the call is still up. Either
        // way the callback is agreed, so the first call must end: the host closes the link if
        // it is still up and does nothing after a hang-up.
        transition(ServerState::HandedOff, "link went down after the Ack");
        host_.handOff(*agreement_);
        host_.closeLink("Callback agreed: the link went down after the Ack, ending the first call");
        break;
    case ServerState::Closing:
        transition(ServerState::HandedOff, "first call is down");
        host_.handOff(*agreement_);
        break;
    case ServerState::ReqSent:
        transition(ServerState::Failed, "link went down before a Response");
        break;
    default:
        break;
    }
}

}  // namespace mscb::core
