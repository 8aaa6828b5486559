// SPDX-License-Identifier: GPL-2.0-or-later
// The C++ side of the glue: turns pppd events (through mscb_host.h) into core calls, owns the
// per-link state and the helper connection. Every extern "C" entry point is noexcept and
// catches everything: an internal error degrades to "no callback, close the link".
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "helper_client.hpp"
#include "mscb/core/auth_decision.hpp"
#include "mscb/core/callback_policy.hpp"
#include "mscb/core/cbcp_codec.hpp"
#include "mscb/core/cbcp_server.hpp"
#include "mscb/core/lcp_callback_option.hpp"
#include "mscb/core/pppd_hooks.hpp"
#include "mscb/core/radius_policy.hpp"
#include "mscb/dial_number.hpp"
#include "mscb/helper_message.hpp"
#include "mscb/trusted_file.hpp"
#include "mscb_host.h"

namespace mscb::glue {
namespace {

using namespace std::chrono_literals;
constexpr auto kHelperTimeout = 1000ms;
constexpr std::size_t kMaxUsersFileBytes = 1 << 20;
constexpr const char* kRefusedForPeer = "Callback policy refused the call";

void copyError(const std::string& text, char* err, std::size_t errlen) {
    if (err && errlen > 0) {
        std::snprintf(err, errlen, "%s", text.c_str());
    }
}

Result<DialRules> rulesFrom(const mscb_settings& s) {
    DialRules rules;
    if (s.number_max_digits > 0) {
        rules.maxDigits = static_cast<std::size_t>(s.number_max_digits);
    }
    if (s.number_plus) {
        for (const char* c = s.number_plus; *c; ++c) {
            if (*c < '0' || *c > '9') {
                return Error{"mscb-number-plus must be digits"};
            }
        }
        rules.internationalPrefix = s.number_plus;
    }
    rules.peerFeatureCodes = s.number_feature_codes != 0;
    if (s.number_allow) {
        auto allow = parsePrefixList(s.number_allow);
        if (!allow) {
            return Error{"mscb-number-allow: " + allow.reason()};
        }
        rules.allowPrefixes = *allow;
    }
    if (s.number_deny) {
        auto deny = parsePrefixList(s.number_deny);
        if (!deny) {
            return Error{"mscb-number-deny: " + deny.reason()};
        }
        rules.denyPrefixes = *deny;
    }
    return rules;
}

// CLOCK_BOOTTIME, the helper's clock: the first call's end crosses to it as a number.
std::int64_t bootTimeMs() {
    timespec now{};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

std::string newSessionId(int pid) {
    std::random_device random;
    char text[40];
    std::snprintf(text, sizeof text, "%x.%08x", static_cast<unsigned>(pid),
                  static_cast<unsigned>(random()));
    return text;
}

CallbackKind kindOf(core::CallbackType type) {
    switch (type) {
    case core::CallbackType::Admin: return CallbackKind::Admin;
    case core::CallbackType::List: return CallbackKind::List;
    default: return CallbackKind::User;
    }
}

/// The plugin: configuration for the whole pppd process plus the state of the current link.
class Plugin final : public core::ServerHost {
public:
    Plugin(const mscb_host_ops& ops, const mscb_settings& settings, DialRules rules,
           core::UserPolicy optionDefault, core::PolicyTable table, core::UserFold fold)
        : ops_(ops), optionDefault_(std::move(optionDefault)), table_(std::move(table)), fold_(fold) {
        config_.rules = std::move(rules);
        if (settings.restart_ms > 0) config_.restart = std::chrono::milliseconds(settings.restart_ms);
        if (settings.max_requests > 0) config_.maxRequests = static_cast<unsigned>(settings.max_requests);
        if (settings.ack_wait_ms >= 0) config_.ackWait = std::chrono::milliseconds(settings.ack_wait_ms);
        if (settings.delay_min >= 0) config_.delayMin = static_cast<std::uint8_t>(settings.delay_min);
        if (settings.delay_max >= 0) config_.delayMax = static_cast<std::uint8_t>(settings.delay_max);
        helperSocket_ = settings.helper_socket ? settings.helper_socket : kDefaultHelperSocket;
        if (settings.connector) connector_ = settings.connector;
        callbackLegOption_ = settings.callback_leg != 0;
        if (settings.expect_user) expectUser_ = settings.expect_user;
        radiusLoaded_ = settings.radius_loaded != 0;
    }

    /// Whether LCP should Ack the caller's CBCP callback option at all on this link.
    bool acceptsCallbackOption() const {
        if (callbackLegOption_ || isReturnCall_) {
            return false;  // doc/security.md: never offer callback on a return call (no loops)
        }
        if (radiusLoaded_ || optionDefault_.offersCallback() ||
            (table_.defaultEntry && table_.defaultEntry->offersCallback())) {
            return true;
        }
        for (const auto& [user, policy] : table_.users) {
            if (policy.offersCallback()) return true;
        }
        return false;
    }

    void radiusBegin() { radius_.clear(); }
    void radiusAttribute(core::RadiusAttribute attribute) {
        if (radius_.size() < core::kMaxRadiusAttributes) radius_.push_back(std::move(attribute));
    }

    void linkStarted(bool isReturnCall) {
        resetLink();
        endReturnCall();
        isReturnCall_ = isReturnCall;
        if (!pendingReturn_) return;
        if (!isReturnCall) {
            log(core::LogLevel::Warning, "return call for session " + pendingReturn_->session +
                                             " did not start; the job is the helper's now");
            pendingReturn_.reset();
            return;
        }
        returnCall_ = std::move(pendingReturn_);
        pendingReturn_.reset();
        // Before authentication: radius.so's Access-Request and accounting of the return call
        // carry it as Calling-Station-Id (doc/radius-accounting.md).
        if (ops_.set_remote_number) ops_.set_remote_number(returnCall_->number.c_str());
        bindReturnCall(*returnCall_);
    }

    /// pppd's PHASE_DISCONNECT: the call is over (hang-up or LCP terminated), whatever LCP did.
    void linkTerminated() {
        if (pendingReturn_ && !pendingReturn_->firstCallEndedMs) pendingReturn_->firstCallEndedMs = bootTimeMs();
        endReturnCall();
    }

    int authUp(const std::string& peer, const std::string& line, bool peerAsked, int pid) {
        core::AuthFacts facts;
        facts.peer = peer;
        facts.peerAsked = peerAsked;
        facts.noCallbackHere = callbackLegOption_ || isReturnCall_;
        if (isReturnCall_ && returnCall_) facts.expectedUser = returnCall_->user;
        else if (callbackLegOption_ && !expectUser_.empty()) facts.expectedUser = expectUser_;
        facts.link = linkCbcp();
        facts.firstUser = user_;
        facts.table = &table_;
        facts.optionDefault = &optionDefault_;
        facts.fold = fold_;
        facts.radius = &radius_;
        facts.rules = &config_.rules;
        if (returnCall_) returnCall_->lifeline.setInheritable(false);  // the connector has run
        const bool first = !authenticated_;
        authenticated_ = true;
        const auto decision = core::decideAuth(facts);
        for (const auto& [level, text] : decision.notes) log(level, text);
        using Verdict = core::AuthDecision::Verdict;
        if (facts.expectedUser) {
            event(EventLine("return-auth")
                      .with("user", peer)
                      .with("expected", *facts.expectedUser)
                      .with("verdict", decision.verdict == Verdict::Refuse ? "refused" : "ok"));
        }
        if (first && !facts.noCallbackHere) {
            user_ = peer;
            line_ = line;
            pid_ = pid;
        }
        switch (decision.verdict) {
        case Verdict::Refuse: return refuse(peer, decision.kind, decision.reason, "policy");
        case Verdict::Stock: return MSCB_STOCK;
        case Verdict::ContinueCbcp: return MSCB_RUN_CBCP;
        case Verdict::OfferCallback: break;
        }
        session_ = newSessionId(pid);
        std::optional<std::string> helperRefusal;
        std::string unavailable = decision.whyKind;
        if (decision.askHelper) {
            if (auto admitted = admit(); !admitted) {
                helperRefusal = admitted.reason();
                unavailable = admitted.kind();
            }
        }
        const std::string who = "'" + escapeForLog(peer) + "'";
        auto plan = core::planCbcp(decision, helperRefusal, config_);
        if (!plan) return refuse(peer, plan.kind(), "user " + who + " " + plan.reason(), "no-offer");
        offer_ = plan->offer;
        serverConfig_ = plan->config;
        const std::string why = helperRefusal ? *helperRefusal : decision.why;
        log(core::LogLevel::Info, "user " + who + " on " + line + " asked for callback; policy " +
                                      core::describePolicy(decision.policy) + " (" + decision.policy.source + ")" +
                                      (decision.how.empty() ? "" : "; " + decision.how) +
                                      (why.empty() ? "" : "; " + why) + "; session " + session_);
        event(EventLine("asked")
                  .with("user", peer)
                  .with("line", line)
                  .with("policy", core::describePolicy(decision.policy))
                  .with("source", decision.policy.source)
                  .with("session", session_)
                  .with("offer", core::describeOfferTypes(offer_))
                  .with("unavailable", unavailable));  // empty is written "-"
        return MSCB_RUN_CBCP;
    }

    void open() {
        if (refused_) {
            // The peer hears a plain reason; the log line (written by refuse) has the details.
            ops_.close_link(kRefusedForPeer);
            return;
        }
        if (server_) {
            log(core::LogLevel::Debug, "re-authentication during the CBCP exchange: it goes on");
            return;
        }
        server_.emplace(serverConfig_, *this);
        server_->start(offer_);
    }

    void input(std::span<const std::uint8_t> bytes) {
        if (server_) server_->onPacket(bytes);
    }
    void timeout() {
        if (server_) server_->onTimeout();
    }
    void protocolReject() {
        if (server_) server_->onProtocolReject();
    }
    void linkDown() {
        if (server_) server_->onLinkDown();
        server_.reset();
        helper_.close();
        authenticated_ = false;  // LCP renegotiated or the call ended: the next auth is a new one
    }

    // --- core::ServerHost ---
    void sendCbcp(const std::vector<std::uint8_t>& packet) override {
        ops_.send_cbcp(packet.data(), static_cast<int>(packet.size()));
    }
    void armTimer(std::chrono::milliseconds after) override { ops_.arm_timer(static_cast<long>(after.count())); }
    void cancelTimer() override { ops_.cancel_timer(); }
    void startNetworks() override {
        helper_.close();  // forget the admission
        ops_.start_networks();
    }
    void closeLink(const std::string& reason) override {
        log(core::LogLevel::Notice, reason);
        ops_.close_link(reason.c_str());
    }
    void callbackArmed(const core::Agreement&) override { ops_.set_callback_status(); }
    void handOff(const core::Agreement& agreement) override {
        CallbackJob job{user_, line_, session_, pid_, agreement.number, kindOf(agreement.type),
                        agreement.delaySeconds};
        auto reply = helper_.exchange(toMessage(job), kHelperTimeout);
        helper_.close();
        if (!reply || !reply->accepted) {
            const std::string lost = "callback to " + agreement.number + " for '" + escapeForLog(user_) +
                                     "' LOST: helper " + (reply ? "refused: " + reply->reason : reply.reason());
            event(EventLine("lost").with("user", user_).with("number", agreement.number).with("session", session_));
            if (!connector_.empty()) {
                // With a connector this pppd answers the line call after call (persist): a lost
                // callback must not stop that, so it goes on as it was.
                log(core::LogLevel::Error, lost + "; this pppd goes on answering the line");
                return;
            }
            log(core::LogLevel::Error, lost);
            ops_.end_after_this_call();
            return;
        }
        log(core::LogLevel::Notice, "callback job " + reply->jobId + " handed to the helper: user '" +
                                        escapeForLog(user_) + "', number " + agreement.number + ", delay " +
                                        std::to_string(agreement.delaySeconds) + " s, session " + session_);
        event(EventLine("handed")
                  .with("job", reply->jobId)
                  .with("user", user_)
                  .with("number", agreement.number)
                  .with("delay", agreement.delaySeconds)
                  .with("session", session_)
                  .with("dial-line", reply->dialLine.empty() ? line_ : reply->dialLine));
        if (!reply->dialLine.empty() && reply->dialLine != line_) {
            // The helper dials from a pool modem and runs the return call's pppd there: this
            // line does not wait for it. With a connector (persist) pppd answers the next call.
            log(core::LogLevel::Notice, "job " + reply->jobId + " dials from pool modem " + reply->dialLine +
                                            (connector_.empty() ? "" : "; this line answers the next call"));
            if (connector_.empty()) ops_.end_after_this_call();
            return;
        }
        if (connector_.empty()) {
            ops_.end_after_this_call();
            return;
        }
        const std::string command = connector_ + " " + session_;
        if (ops_.prepare_return_call(command.c_str()) != 0) {
            log(core::LogLevel::Error, "cannot prepare the return call in this pppd");
            ops_.end_after_this_call();
            return;
        }
        pendingReturn_ = ReturnCall{user_, session_, agreement.number, 0, {}};
    }
    void log(core::LogLevel level, const std::string& text) override {
        ops_.log(static_cast<int>(level), text.c_str());
    }
    void event(const EventLine& line) override { log(core::LogLevel::Info, line.format()); }
    std::optional<std::string> vetoNumber(const std::string& number, core::CallbackType type) override {
        // The helper's hourly/pending limits for numbers, asked before the Ack so the caller can
        // still be offered something else (doc/security.md).
        auto reply = helper_.exchange(toMessage(NumberCheck{session_, number, kindOf(type)}), kHelperTimeout);
        if (!reply) return "helper: " + reply.reason();
        if (!reply->accepted) return reply->reason;
        return std::nullopt;
    }
    void numberRefused(const std::string& rawNumber, const std::string& reason, const std::string& kind) override {
        const std::string detail =
            "user '" + escapeForLog(user_, 24) + "' number \"" + escapeForLog(rawNumber, 40) + "\": " + reason;
        helper_.post(toMessage(RefusalReport{session_, kind.empty() ? "bad-number" : kind, detail}));
    }

private:
    /// A callback this pppd will answer itself: prepared in the first call, run in the next
    /// link iteration (the return call), which lasts until its link terminates.
    struct ReturnCall {
        std::string user;
        std::string session;
        std::string number;                 ///< the number the helper dials (canonical)
        std::int64_t firstCallEndedMs = 0;  ///< CLOCK_BOOTTIME ms, 0 = not seen
        HelperConnection lifeline;          ///< bound to the session; the connector inherits it
    };

    /// Opens the session's connection to the helper here, where pppd is root (even when a
    /// getty's login started it setuid and the connector runs as the dial-in user), and hands
    /// it to the connector. While it stays open the helper treats this pppd as on a return call.
    void bindReturnCall(ReturnCall& call) {
        auto connection = HelperConnection::open(helperSocket_);
        if (!connection) {
            log(core::LogLevel::Warning, "return call " + call.session + ": cannot reach the helper (" +
                                             connection.reason() + "); the connector tries itself");
            return;
        }
        call.lifeline = std::move(connection).value();
        if (!call.lifeline.post(toMessage(ReturnBinding{call.session, call.firstCallEndedMs})) ||
            !call.lifeline.setInheritable(true)) {
            log(core::LogLevel::Warning, "return call " + call.session + ": cannot bind the helper connection; "
                                                                            "the connector tries itself");
            call.lifeline.close();
            return;
        }
        const std::string command =
            connector_ + " --fd " + std::to_string(call.lifeline.descriptor()) + " " + call.session;
        ops_.set_connector_command(command.c_str());
    }

    void endReturnCall() {
        if (!returnCall_) return;
        if (returnCall_->lifeline.isOpen()) {
            log(core::LogLevel::Info, "return call " + returnCall_->session + " ended");
        }
        returnCall_.reset();  // closes the lifeline: the helper's loop guard ends with it
        if (ops_.set_remote_number) ops_.set_remote_number(nullptr);
    }

    core::LinkCbcp linkCbcp() const {
        if (!authenticated_) return core::LinkCbcp::None;
        if (refused_) return core::LinkCbcp::Refused;
        // The exchange ended with the networks started: pppd's own path from here on.
        if (server_ && server_->state() != core::ServerState::NoCallback) return core::LinkCbcp::Running;
        return core::LinkCbcp::Done;
    }

    /// `user`: the name this authentication gave (a return call's may not be the job's user);
    /// `kind` names the refusal in the `refused` event; `hookKind` for the helper's event hooks.
    int refuse(const std::string& user, const std::string& kind, const std::string& reason, const char* hookKind) {
        refused_ = true;
        refusalReason_ = reason;
        log(core::LogLevel::Error, reason);
        event(EventLine("refused").with("user", user).with("kind", kind));  // empty is written "-"
        notifyHelper(PluginNotice{"refused", isAcceptableUserName(user_) ? user_ : std::string(), line_, hookKind,
                                  escapeForLog(reason, 200)});
        return MSCB_REFUSE;
    }

    /// Fire and forget: a notice for the helper's event hooks. Never waits (non-blocking
    /// connect and send); a helper that is down or busy just does not hear of it.
    void notifyHelper(const PluginNotice& notice) {
        if (!isAcceptableLinePath(notice.line)) return;
        auto connection = HelperConnection::open(helperSocket_, false);
        if (!connection || !connection.value().post(toMessage(notice))) {
            log(core::LogLevel::Debug, "event notice not delivered to the helper");
        }
    }

    Result<bool> admit() {
        auto connection = HelperConnection::open(helperSocket_);
        if (!connection) {
            return Error{connection.reason(), "helper-unreachable"};
        }
        helper_ = std::move(connection).value();
        AdmitRequest request{user_, line_, session_, pid_};
        auto reply = helper_.exchange(toMessage(request), kHelperTimeout);
        if (!reply) {
            helper_.close();
            return Error{reply.reason(), "helper-error"};
        }
        if (!reply->accepted) {
            helper_.close();
            return Error{"helper refused: " + reply->reason, "helper-refused"};
        }
        return true;
    }

    void resetLink() {
        authenticated_ = false;
        server_.reset();
        helper_.close();
        refused_ = false;
        refusalReason_.clear();
        offer_ = {};
        radius_.clear();
        user_.clear();
        line_.clear();
        session_.clear();
    }

    const mscb_host_ops ops_;
    core::ServerConfig config_;
    core::UserPolicy optionDefault_;
    core::PolicyTable table_;
    core::UserFold fold_;
    std::string helperSocket_;
    std::string connector_;
    bool callbackLegOption_ = false;
    std::string expectUser_;
    bool radiusLoaded_ = false;

    // Per link.
    std::vector<core::RadiusAttribute> radius_;  // copied: radius.so frees its list after the hook
    bool isReturnCall_ = false;
    bool refused_ = false;
    std::string refusalReason_;
    core::Offer offer_;
    core::ServerConfig serverConfig_;
    std::optional<core::CbcpServer> server_;
    HelperConnection helper_;
    std::string user_;
    std::string line_;
    std::string session_;
    int pid_ = 0;
    bool authenticated_ = false;  // an authentication already happened on this link
    std::optional<ReturnCall> pendingReturn_;  // prepared in the first call, survives its link
    std::optional<ReturnCall> returnCall_;     // the return call now running
};

std::unique_ptr<Plugin> thePlugin;

// Runs `body`; any exception is logged and turned into `fallback` (never unwinds into pppd).
template <typename Body, typename Fallback>
auto guarded(const char* where, Body body, Fallback fallback) noexcept -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception& e) {
        if (thePlugin) thePlugin->log(core::LogLevel::Error, std::string("internal error in ") + where + ": " + e.what());
    } catch (...) {
        if (thePlugin) thePlugin->log(core::LogLevel::Error, std::string("internal error in ") + where);
    }
    return fallback();
}

Result<core::PolicyTable> loadUsersFile(const char* path, const DialRules& rules) {
    auto text = readTrustedFile(path, 0, kMaxUsersFileBytes);
    if (!text) {
        return Error{text.reason()};
    }
    auto table = core::parsePolicyFile(*text, rules);
    if (!table) {
        return Error{std::string(path) + ": " + table.reason()};
    }
    return table;
}

// At option time a number can only be checked for its form: the number rules (mscb-number-plus,
// -deny, -max, ...) may come on a later line. mscb_core_configure checks again with them.
DialRules syntaxOnlyRules() {
    DialRules rules;
    rules.maxDigits = 32;              // the largest mscb-number-max
    rules.internationalPrefix = "0";   // any: '+' numbers are well-formed
    rules.denyPrefixes.clear();
    return rules;
}

}  // namespace
}  // namespace mscb::glue

using mscb::glue::guarded;
using mscb::glue::thePlugin;

extern "C" {

int mscb_core_check_policy(const char* spec, char* err, size_t errlen) {
    return guarded("check_policy", [&] {
        auto policy = mscb::core::parsePolicySpec(spec ? spec : "", mscb::glue::syntaxOnlyRules());
        if (!policy) mscb::glue::copyError(policy.reason(), err, errlen);
        return policy ? 0 : -1;
    }, [] { return -1; });
}

int mscb_core_check_prefixes(const char* list, char* err, size_t errlen) {
    return guarded("check_prefixes", [&] {
        auto prefixes = mscb::parsePrefixList(list ? list : "");
        if (!prefixes) mscb::glue::copyError(prefixes.reason(), err, errlen);
        return prefixes ? 0 : -1;
    }, [] { return -1; });
}

int mscb_core_check_users_file(const char* path, char* err, size_t errlen) {
    return guarded("check_users_file", [&] {
        auto table = mscb::glue::loadUsersFile(path, mscb::glue::syntaxOnlyRules());
        if (!table) mscb::glue::copyError(table.reason(), err, errlen);
        return table ? 0 : -1;
    }, [] { return -1; });
}

int mscb_core_check_user_fold(const char* spec, char* err, size_t errlen) {
    return guarded("check_user_fold", [&] {
        auto fold = mscb::core::parseUserFold(spec ? spec : "");
        if (!fold) mscb::glue::copyError(fold.reason(), err, errlen);
        return fold ? 0 : -1;
    }, [] { return -1; });
}

int mscb_core_configure(const mscb_host_ops* ops, const mscb_settings* settings, char* err, size_t errlen) {
    return guarded("configure", [&] {
        auto rules = mscb::glue::rulesFrom(*settings);
        if (!rules) {
            mscb::glue::copyError(rules.reason(), err, errlen);
            return -1;
        }
        auto optionDefault = mscb::core::parsePolicySpec(
            settings->default_policy ? settings->default_policy : "user", *rules);
        if (!optionDefault) {
            mscb::glue::copyError("mscb-default: " + optionDefault.reason(), err, errlen);
            return -1;
        }
        mscb::core::PolicyTable table;
        if (settings->users_file) {
            auto loaded = mscb::glue::loadUsersFile(settings->users_file, *rules);
            if (!loaded) {
                mscb::glue::copyError("mscb-users: " + loaded.reason(), err, errlen);
                return -1;
            }
            table = std::move(loaded).value();
        }
        if (settings->delay_min >= 0 && settings->delay_max >= 0 && settings->delay_min > settings->delay_max) {
            mscb::glue::copyError("mscb-delay-min is larger than mscb-delay-max", err, errlen);
            return -1;
        }
        auto fold = mscb::core::parseUserFold(settings->user_fold ? settings->user_fold : "none");
        if (!fold) {
            mscb::glue::copyError("mscb-user-fold: " + fold.reason(), err, errlen);
            return -1;
        }
        thePlugin = std::make_unique<mscb::glue::Plugin>(*ops, *settings, *rules, *optionDefault, std::move(table),
                                                         *fold);
        return 0;
    }, [&] {
        mscb::glue::copyError("internal error while configuring", err, errlen);
        return -1;
    });
}

int mscb_core_choose_hooks(const struct mscb_pppd_facts* facts, const char* pppd_version, char* text,
                           size_t textlen) {
    return guarded("choose_hooks", [&] {
        if (!facts) return static_cast<int>(MSCB_HOOKS_NONE);
        mscb::core::PppdFacts f;
        f.cbcpProtent = facts->cbcp_protent != 0;
        f.protocolTable = facts->protocol_table != 0;
        f.spareEcpEntry = facts->spare_ecp_entry != 0;
        f.ncpOpensFit = facts->ncp_opens_fit != 0;
        f.startNetworks = facts->start_networks != 0;
        f.callbackScript = facts->callback_script != 0;
        f.doCallback = facts->do_callback != 0;
        f.doingCallback = facts->doing_callback != 0;
        f.persist = facts->persist != 0;
        const auto choice = mscb::core::choosePppdHooks(f, pppd_version ? pppd_version : "?");
        using mscb::core::HookPath;
        mscb::glue::copyError(choice.path == HookPath::None ? choice.missing : choice.logLine, text, textlen);
        switch (choice.path) {
        case HookPath::CbcpSlot: return static_cast<int>(MSCB_HOOKS_CBCP_SLOT);
        case HookPath::ProtocolTable: return static_cast<int>(MSCB_HOOKS_PROTOCOL_TABLE);
        case HookPath::None: break;
        }
        return static_cast<int>(MSCB_HOOKS_NONE);
    }, [&] {
        mscb::glue::copyError("internal error while looking at this pppd", text, textlen);
        return static_cast<int>(MSCB_HOOKS_NONE);
    });
}

int mscb_core_find_callback_ci(const unsigned char* options, int len, int* offset, int* length) {
    return guarded("find_callback_ci", [&] {
        if (!thePlugin || !options || len <= 0 || !thePlugin->acceptsCallbackOption()) return 0;
        auto found = mscb::core::findCbcpCallbackOption({options, static_cast<std::size_t>(len)});
        if (!found) return 0;
        *offset = static_cast<int>(found->offset);
        *length = static_cast<int>(found->length);
        return 1;
    }, [] { return 0; });
}

void mscb_core_link_started(int is_return_call) {
    guarded("link_started", [&] { if (thePlugin) thePlugin->linkStarted(is_return_call != 0); }, [] {});
}

int mscb_core_auth_up(const char* peer_name, const char* line, int peer_asked_cbcp, int pppd_pid) {
    return guarded("auth_up", [&] {
        if (!thePlugin) return static_cast<int>(MSCB_STOCK);
        return thePlugin->authUp(peer_name ? peer_name : "", line ? line : "", peer_asked_cbcp != 0, pppd_pid);
    }, [] { return static_cast<int>(MSCB_REFUSE); });
}

void mscb_core_open(void) {
    guarded("open", [] { if (thePlugin) thePlugin->open(); }, [] {});
}

void mscb_core_input(const unsigned char* packet, int len) {
    guarded("input", [&] {
        if (thePlugin && packet && len > 0) thePlugin->input({packet, static_cast<std::size_t>(len)});
    }, [] {});
}

void mscb_core_timeout(void) {
    guarded("timeout", [] { if (thePlugin) thePlugin->timeout(); }, [] {});
}

void mscb_core_protocol_reject(void) {
    guarded("protocol_reject", [] { if (thePlugin) thePlugin->protocolReject(); }, [] {});
}

void mscb_core_link_down(void) {
    guarded("link_down", [] { if (thePlugin) thePlugin->linkDown(); }, [] {});
}

void mscb_core_link_terminated(void) {
    guarded("link_terminated", [] { if (thePlugin) thePlugin->linkTerminated(); }, [] {});
}

void mscb_core_radius_begin(void) {
    guarded("radius_begin", [] { if (thePlugin) thePlugin->radiusBegin(); }, [] {});
}

void mscb_core_radius_attribute(int attribute, int vendor, unsigned int integer, const unsigned char* text, int len) {
    guarded("radius_attribute", [&] {
        if (!thePlugin) return;
        mscb::core::RadiusAttribute a;
        a.attribute = attribute;
        a.vendor = vendor;
        a.integer = integer;
        if (text && len > 0) a.text.assign(reinterpret_cast<const char*>(text), static_cast<std::size_t>(len));
        thePlugin->radiusAttribute(std::move(a));
    }, [] {});
}

void mscb_core_describe(const unsigned char* packet, int len, char* out, size_t outlen) {
    guarded("describe", [&] {
        const auto text = mscb::core::describeCbcp(
            {packet, packet && len > 0 ? static_cast<std::size_t>(len) : 0U});
        mscb::glue::copyError(text, out, outlen);
    }, [&] { mscb::glue::copyError("(unprintable CBCP packet)", out, outlen); });
}

}  // extern "C"
