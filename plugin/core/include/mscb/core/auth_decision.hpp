// SPDX-License-Identifier: GPL-2.0-or-later
// What mscb does when pppd says a peer authenticated: the first and most security-relevant
// decision of a call, pure. The glue gathers the facts (pppd's state, the RADIUS reply), asks
// the helper when told to, and acts on the verdict.
//
//   decideAuth(facts)  -> Stock | Refuse(reason) | ContinueCbcp | OfferCallback(policy, why)
//   planCbcp(decision, admitted, config) -> Refuse(reason) | RunCbcp(offer, server config)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mscb/core/callback_policy.hpp"
#include "mscb/core/cbcp_server.hpp"
#include "mscb/core/radius_policy.hpp"

namespace mscb::core {

/// Where the link's CBCP stands when pppd reports an authentication.
enum class LinkCbcp {
    None,     ///< no authentication yet on this link (or LCP renegotiated since)
    Refused,  ///< an earlier authentication on this link was refused
    Running,  ///< the exchange is under way (Request sent, or Acked and ending)
    Done,     ///< it ended with the networks started, or mscb left the link to pppd
};

/// Everything decideAuth looks at. References: the caller keeps them alive for the call.
struct AuthFacts {
    std::string peer;                  ///< the authenticated name ("" with noauth)
    bool peerAsked = false;            ///< LCP Callback option (op 6) Acked on this link
    bool noCallbackHere = false;       ///< a return call, or a pppd started as one (mscb-callback-leg)
    std::optional<std::string> expectedUser;  ///< who a return call must be
    LinkCbcp link = LinkCbcp::None;
    std::string firstUser;             ///< who authenticated first on this link (link != None)
    const PolicyTable* table = nullptr;
    const UserPolicy* optionDefault = nullptr;
    UserFold fold;
    const std::vector<RadiusAttribute>* radius = nullptr;  ///< radius.so's reply; empty = none
    const DialRules* rules = nullptr;
};

struct AuthDecision {
    enum class Verdict {
        Stock,          ///< not mscb's: pppd goes on as without it
        Refuse,         ///< end the call; `reason` says why (logged as an error)
        ContinueCbcp,   ///< a re-authentication during the exchange: it goes on, nothing new
        OfferCallback,  ///< run CBCP with `policy`, once planCbcp has the helper's answer
    };
    Verdict verdict = Verdict::Stock;
    std::string reason;                 ///< Refuse
    std::string kind;                   ///< Refuse: its stable name (the `refused` event, doc/events.md)
    UserPolicy policy;                  ///< OfferCallback: the policy that applies
    bool askHelper = false;             ///< OfferCallback: callback possible, the helper must admit it
    std::string why;                    ///< OfferCallback: why callback is not possible
    std::string whyKind;                ///< ...its stable name (the `asked` event's `unavailable`)
    std::string how;                    ///< how the policy matched, when a fold found it
    std::vector<std::pair<LogLevel, std::string>> notes;  ///< for the log, in order
};

/// Precedence: the RADIUS reply > the user's entry > the users file's default > pppd's options.
AuthDecision decideAuth(const AuthFacts& facts);

struct CbcpPlan {
    Offer offer;
    ServerConfig config;  ///< `base` with the policy's rules and delays
};

/// After the helper answered (`admitted` is its refusal, if any): the offer and the exchange's
/// configuration, or the refusal of a caller who must be called back and cannot be.
Result<CbcpPlan> planCbcp(const AuthDecision& decision, const std::optional<std::string>& helperRefusal,
                          const ServerConfig& base);

}  // namespace mscb::core
