// SPDX-License-Identifier: GPL-2.0-or-later
// The CBCP answerer state machine (MS-CBCP §3.2, server side), free of pppd, I/O and clocks.
//
// Events come in (start, packet, timeout, protocol-reject, link down); everything it does goes
// out through ServerHost. States: Idle -> ReqSent -> AckSent -> Closing -> HandedOff, or
// -> NoCallback (network phase), or -> Failed.
#pragma once

#include "mscb/event_line.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mscb/core/callback_policy.hpp"
#include "mscb/core/cbcp_codec.hpp"
#include "mscb/dial_number.hpp"

namespace mscb::core {

enum class ServerState { Idle, ReqSent, AckSent, Closing, NoCallback, HandedOff, Failed };
const char* toString(ServerState state);

enum class LogLevel { Debug, Info, Notice, Warning, Error };

/// Timers and budgets (pppd options mscb-restart, mscb-max-req, mscb-ack-wait, mscb-delay-*).
struct ServerConfig {
    std::chrono::milliseconds restart{2000};  ///< Request retransmit interval (MS: ~2 s)
    unsigned maxRequests = 30;                ///< ~60 s: time for a person to type a number
    std::chrono::milliseconds ackWait{3000};  ///< grace for re-Acks before we end the call
    std::uint8_t delayMin = 5;                ///< floor on the caller's delay, seconds
    std::uint8_t delayMax = 60;               ///< ceiling on the caller's delay, seconds
    DialRules rules;
};

/// The callback both sides agreed on (the Ack went out).
struct Agreement {
    CallbackType type = CallbackType::User;
    std::string number;              ///< canonical, through the firewall
    std::uint8_t peerDelay = 0;      ///< what the caller asked for
    std::uint32_t delaySeconds = 0;  ///< what we will wait, and what the Ack says: clamp(peerDelay, min, max)
    std::uint8_t ackId = 0;
};

/// Everything the machine does to the outside world.
class ServerHost {
public:
    virtual ~ServerHost() = default;
    virtual void sendCbcp(const std::vector<std::uint8_t>& packet) = 0;
    virtual void armTimer(std::chrono::milliseconds after) = 0;
    virtual void cancelTimer() = 0;
    /// "No callback" was agreed: continue into the network phase.
    virtual void startNetworks() = 0;
    /// End the link (LCP close) with a reason for the log and the Terminate-Request.
    virtual void closeLink(const std::string& reason) = 0;
    /// The Ack went out: the first call must end with EXIT_CALLBACK.
    virtual void callbackArmed(const Agreement& agreement) = 0;
    /// The first call is down: hand the job to the helper.
    virtual void handOff(const Agreement& agreement) = 0;
    virtual void log(LogLevel level, const std::string& text) = 0;
    /// A stable event line (doc/events.md) beside the human log: agreed, no-callback,
    /// number-refused, cbcp-failed. The default drops it.
    virtual void event(const EventLine& line) { (void)line; }
    /// Last word on a number that passed the firewall, before the Ack (the helper's hourly and
    /// pending limits): a reason refuses it. The default accepts.
    virtual std::optional<std::string> vetoNumber(const std::string& number, CallbackType type) {
        (void)number;
        (void)type;
        return std::nullopt;
    }
    /// The caller named a number the firewall refused (for the helper's counters); `kind` is
    /// the firewall's (deny-prefix, not-allowed) or empty.
    virtual void numberRefused(const std::string& rawNumber, const std::string& reason, const std::string& kind) {
        (void)rawNumber;
        (void)reason;
        (void)kind;
    }
};

/// What a Response in ReqSent asks for, decided without acting (FreeBSD ppp's cbcp.c has the
/// same split: cbcp_CheckResponse returns an action that its caller carries out).
struct Choice {
    enum class Verdict {
        ReRequest,  ///< not acceptable: send a fresh Request (`why` says what was wrong)
        Accept,     ///< `agreement` can be Acked, once the helper does not veto its number
    };
    Verdict verdict = Verdict::ReRequest;
    std::string why;
    std::string kind;                           ///< ReRequest: the stable name of what was wrong
    Agreement agreement;                        ///< Accept: type, canonical number, clamped delay, id
    std::optional<std::string> refusedNumber;  ///< the caller's raw number, when the firewall refused it
    std::string refusal;                        ///< ...the firewall's reason
    std::string refusalKind;                    ///< ...and its kind (deny-prefix, not-allowed, feature-code)
    bool stopOfferingUser = false;             ///< the caller can still choose another offered type
};

/// Pure: the verdict on a parsed Response for this offer and configuration.
Choice checkChoice(const CbcpPacket& response, const Offer& offer, const ServerConfig& config);

/// The option an Ack carries for the accepted Response option: the caller's bytes, with the
/// delay octet set to the delay that will be waited (`agreement.delaySeconds`).
CbcpOption ackOptionFor(const CbcpOption& accepted, const Agreement& agreement);

class CbcpServer {
public:
    CbcpServer(ServerConfig config, ServerHost& host);

    /// Sends the first Request (id 1) with `offer`. An empty offer fails at once.
    void start(const Offer& offer);
    /// A CBCP packet from the peer (bytes after the protocol field). Never throws.
    void onPacket(std::span<const std::uint8_t> bytes);
    void onTimeout();
    /// The peer Protocol-Rejected CBCP.
    void onProtocolReject();
    /// The link went down (Terminate, carrier loss, our own close).
    void onLinkDown();

    [[nodiscard]] ServerState state() const { return state_; }
    [[nodiscard]] const std::optional<Agreement>& agreement() const { return agreement_; }
    [[nodiscard]] unsigned requestsSent() const { return requestsSent_; }
    [[nodiscard]] unsigned droppedPackets() const { return dropped_; }

private:
    void transition(ServerState next, const std::string& why);
    void sendRequest();
    void handleResponse(const CbcpPacket& packet);
    void reRequest(const std::string& kind, const std::string& why);
    /// Stops offering what `type` was agreed on (number refused), then asks again.
    void withdraw(CallbackType type, const std::string& number, const std::string& why);
    void acknowledge(const CbcpPacket& response, const Agreement& agreement);
    void drop(const std::string& kind, const std::string& why);
    void fail(const std::string& why);
    [[nodiscard]] bool idWasSent(std::uint8_t id) const;

    ServerConfig config_;
    ServerHost& host_;
    ServerState state_ = ServerState::Idle;
    Offer offer_;
    std::uint8_t lastId_ = 0;  ///< ids 1..lastId_ were sent in this exchange
    unsigned requestsSent_ = 0;
    unsigned dropped_ = 0;
    std::optional<Agreement> agreement_;
    std::vector<std::uint8_t> acceptedOption_;  ///< raw option bytes of the accepted Response
    CbcpOption ackOption_;                      ///< what the Ack (and any re-Ack) carries
};

}  // namespace mscb::core
