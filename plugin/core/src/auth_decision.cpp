// SPDX-License-Identifier: GPL-2.0-or-later
#include "mscb/core/auth_decision.hpp"

#include "mscb/dial_number.hpp"

namespace mscb::core {
namespace {

using Verdict = AuthDecision::Verdict;

AuthDecision verdict(Verdict v, std::string kind = {}, std::string reason = {}) {
    AuthDecision d;
    d.verdict = v;
    d.kind = std::move(kind);
    d.reason = std::move(reason);
    return d;
}

std::string quoted(std::string_view name) {
    return "'" + escapeForLog(name) + "'";
}

// A return call must authenticate as the user who was called back (doc/security.md), on every
// authentication while it lasts: a peer may renegotiate LCP or be re-challenged.
AuthDecision decideReturnCall(const AuthFacts& f) {
    const bool again = f.link != LinkCbcp::None;
    if (!f.expectedUser) return verdict(Verdict::Stock);
    if (!sameUser(f.peer, *f.expectedUser, f.fold)) {
        return verdict(Verdict::Refuse, "wrong-user",
                       "SECURITY: return call authenticated as " + quoted(f.peer) + ", expected " +
                           quoted(*f.expectedUser) + (again ? " (re-authentication)" : "") + "; disconnecting");
    }
    auto d = verdict(Verdict::Stock);
    d.notes.emplace_back(LogLevel::Notice, "return call: " + quoted(f.peer) + " authenticated " +
                                               (again ? "once more" : "again"));
    return d;
}

// An authentication after this link already had one with no LCP renegotiation between (EAP
// re-challenge, eap-interval): never a second CBCP exchange on one link, never another user.
AuthDecision decideAgain(const AuthFacts& f) {
    if (!sameUser(f.peer, f.firstUser, UserFold{})) {
        return verdict(Verdict::Refuse, "changed-user",
                       "SECURITY: re-authenticated as " + quoted(f.peer) + " after " + quoted(f.firstUser) +
                           " on the same link; disconnecting");
    }
    switch (f.link) {
    case LinkCbcp::Refused:
        return verdict(Verdict::Refuse, "refused-link",
                       "re-authentication of " + quoted(f.peer) + " on a refused link");
    case LinkCbcp::Running: {
        auto d = verdict(Verdict::ContinueCbcp);
        d.notes.emplace_back(LogLevel::Info, "re-authentication of " + quoted(f.peer) + " during the CBCP exchange; it goes on");
        return d;
    }
    default: {
        auto d = verdict(Verdict::Stock);
        d.notes.emplace_back(LogLevel::Info, "re-authentication of " + quoted(f.peer) + "; CBCP is done on this link");
        return d;
    }
    }
}

}  // namespace

AuthDecision decideAuth(const AuthFacts& f) {
    if (f.noCallbackHere) return decideReturnCall(f);
    if (f.link != LinkCbcp::None) return decideAgain(f);
    const std::string who = quoted(f.peer);
    static const PolicyTable kNoTable;
    static const UserPolicy kNoPolicy;
    static const std::vector<RadiusAttribute> kNoRadius;
    static const DialRules kDefaultRules;
    const auto& table = f.table ? *f.table : kNoTable;
    const auto& radius = f.radius ? *f.radius : kNoRadius;

    AuthDecision d;
    const auto match = matchPolicy(table, f.peer, f.optionDefault ? *f.optionDefault : kNoPolicy, f.fold);
    d.policy = *match.policy;
    if (match.folded) d.how = match.how;
    if (!radius.empty()) {
        auto fromRadius = callbackFromRadius(radius, table.places, f.rules ? *f.rules : kDefaultRules);
        for (const auto& note : fromRadius.notes) {
            d.notes.emplace_back(LogLevel::Notice, "RADIUS reply for " + who + ": " + note);
        }
        if (!fromRadius.error.empty()) {
            if (fromRadius.required) {
                d.verdict = Verdict::Refuse;
                d.kind = "radius";
                d.reason = "user " + who + " must be called back (RADIUS) but " + fromRadius.error + "; disconnecting";
                return d;
            }
            d.notes.emplace_back(LogLevel::Warning, fromRadius.error + "; no callback for " + who);
            d.policy = UserPolicy{};
            d.policy.source = "RADIUS (refused)";
        } else if (fromRadius.policy) {
            d.policy = *fromRadius.policy;
        }
    }
    if (!f.peerAsked) {
        if (d.policy.offersCallback() && d.policy.mandatory) {
            d.verdict = Verdict::Refuse;
            d.kind = "not-asked";
            d.reason = "user " + who + " must be called back (" + describePolicy(d.policy) +
                       ") but the caller did not ask for callback; disconnecting";
            return d;
        }
        d.verdict = Verdict::Stock;
        return d;
    }
    d.verdict = Verdict::OfferCallback;
    d.askHelper = d.policy.offersCallback();
    if (d.askHelper && f.peer.empty()) {
        d.askHelper = false;
        d.why = "no authenticated peer name (noauth?)";
        d.whyKind = "no-peer-name";
    }
    return d;
}

Result<CbcpPlan> planCbcp(const AuthDecision& decision, const std::optional<std::string>& helperRefusal,
                          const ServerConfig& base) {
    const bool possible = decision.askHelper && !helperRefusal;
    const std::string why = helperRefusal ? *helperRefusal : decision.why;
    CbcpPlan plan{offerFor(decision.policy, possible), base};
    if (plan.offer.empty()) {
        return Error{"must be called back but callback is not possible: " + why, "not-possible"};
    }
    plan.config.rules = rulesFor(decision.policy, base.rules);
    if (decision.policy.delayMin) plan.config.delayMin = *decision.policy.delayMin;
    if (decision.policy.delayMax) plan.config.delayMax = *decision.policy.delayMax;
    return plan;
}

}  // namespace mscb::core
