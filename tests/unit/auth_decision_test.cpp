// SPDX-License-Identifier: GPL-2.0-or-later
// decideAuth / planCbcp: who a return call must be, policy precedence, callers who must be called
// back, re-authentication on one link, and the offer that follows the helper's answer.
#include <gtest/gtest.h>

#include "mscb/core/auth_decision.hpp"

namespace mscb::core {
namespace {

using Verdict = AuthDecision::Verdict;

UserPolicy policy(const std::string& spec, const std::string& source = "option") {
    auto parsed = parsePolicySpec(spec, DialRules{});
    EXPECT_TRUE(parsed) << spec << ": " << parsed.reason();
    UserPolicy p = parsed ? *parsed : UserPolicy{};
    p.source = source;
    return p;
}

RadiusAttribute attribute(int number, std::uint32_t integer, std::string text = {}) {
    return RadiusAttribute{number, 0, integer, std::move(text)};
}

struct AnAuthentication : ::testing::Test {
    PolicyTable table;
    UserPolicy optionDefault = policy("none");
    std::vector<RadiusAttribute> radius;
    DialRules rules;
    AuthFacts facts;

    void SetUp() override {
        table.users["alice"] = policy("user", "users file");
        table.users["boss"] = policy("preset 5552222 secure", "users file");
        facts.peer = "alice";
        facts.peerAsked = true;
        facts.table = &table;
        facts.optionDefault = &optionDefault;
        facts.radius = &radius;
        facts.rules = &rules;
    }
    AuthDecision decide() { return decideAuth(facts); }
};

TEST_F(AnAuthentication, AUserWithCallbackWhoAskedIsOfferedItOnceTheHelperAgrees) {
    const auto d = decide();
    ASSERT_EQ(d.verdict, Verdict::OfferCallback);
    EXPECT_TRUE(d.askHelper);
    EXPECT_EQ(d.policy.source, "users file");
    auto plan = planCbcp(d, std::nullopt, ServerConfig{});
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->offer.user);
    EXPECT_TRUE(plan->offer.noCallback);
}

TEST_F(AnAuthentication, AHelperRefusalLeavesNoCallbackOnlyOrRefusesAMandatoryUser) {
    auto plan = planCbcp(decide(), std::string("helper refused: line busy"), ServerConfig{});
    ASSERT_TRUE(plan);
    EXPECT_FALSE(plan->offer.offersCallback());
    EXPECT_TRUE(plan->offer.noCallback);
    facts.peer = "boss";
    auto mandatory = planCbcp(decide(), std::string("helper refused: line busy"), ServerConfig{});
    ASSERT_FALSE(mandatory);
    EXPECT_EQ(mandatory.reason(), "must be called back but callback is not possible: helper refused: line busy");
    EXPECT_EQ(mandatory.kind(), "not-possible");
}

TEST_F(AnAuthentication, AMandatoryUserWhoDidNotAskIsRefused) {
    facts.peer = "boss";
    facts.peerAsked = false;
    const auto d = decide();
    ASSERT_EQ(d.verdict, Verdict::Refuse);
    EXPECT_NE(d.reason.find("did not ask for callback"), std::string::npos) << d.reason;
    EXPECT_EQ(d.kind, "not-asked");
}

TEST_F(AnAuthentication, AnOptionalUserWhoDidNotAskIsLeftToPppd) {
    facts.peerAsked = false;
    EXPECT_EQ(decide().verdict, Verdict::Stock);
}

TEST_F(AnAuthentication, NoPeerNameMeansNoCallbackAndSaysWhy) {
    table.defaultEntry = policy("user", "default entry");
    facts.peer = "";
    const auto d = decide();
    ASSERT_EQ(d.verdict, Verdict::OfferCallback);
    EXPECT_FALSE(d.askHelper);
    EXPECT_EQ(d.why, "no authenticated peer name (noauth?)");
    EXPECT_EQ(d.whyKind, "no-peer-name");
}

TEST_F(AnAuthentication, PrecedenceIsRadiusThenEntryThenDefaultEntryThenOptions) {
    optionDefault = policy("user");
    facts.peer = "carol";
    EXPECT_EQ(decide().policy.source, "option");
    table.defaultEntry = policy("preset 5553333", "default entry");
    EXPECT_EQ(decide().policy.source, "default entry");
    facts.peer = "alice";
    EXPECT_EQ(decide().policy.source, "users file");
    radius = {attribute(19, 0, "5554444")};  // Callback-Number
    const auto d = decide();
    EXPECT_EQ(d.policy.kind, PolicyKind::Preset);
    EXPECT_EQ(d.policy.presetNumber, "5554444");
}

TEST_F(AnAuthentication, AnUnusableRadiusCallbackRefusesOnlyWhenRadiusRequiredIt) {
    radius = {attribute(19, 0, "00441234567")};  // international: the default deny list
    auto d = decide();
    ASSERT_EQ(d.verdict, Verdict::OfferCallback);
    EXPECT_EQ(d.policy.kind, PolicyKind::None);
    EXPECT_EQ(d.policy.source, "RADIUS (refused)");
    radius.push_back(attribute(6, 4));  // Service-Type Callback-Framed-User
    d = decide();
    ASSERT_EQ(d.verdict, Verdict::Refuse);
    EXPECT_NE(d.reason.find("must be called back (RADIUS)"), std::string::npos) << d.reason;
    EXPECT_EQ(d.kind, "radius");
}

TEST_F(AnAuthentication, AReturnCallMustBeTheUserCalledBackEveryTime) {
    facts.noCallbackHere = true;
    facts.expectedUser = "alice";
    EXPECT_EQ(decide().verdict, Verdict::Stock);
    facts.link = LinkCbcp::Done;  // renegotiated or re-challenged
    facts.peer = "mallory";
    const auto d = decide();
    ASSERT_EQ(d.verdict, Verdict::Refuse);
    EXPECT_EQ(d.reason, "SECURITY: return call authenticated as 'mallory', expected 'alice' (re-authentication); "
                        "disconnecting");
    EXPECT_EQ(d.kind, "wrong-user");
}

TEST_F(AnAuthentication, AReturnCallComparesNamesUnderTheFold) {
    facts.noCallbackHere = true;
    facts.expectedUser = "alice";
    facts.peer = "ALICE@corp";
    EXPECT_EQ(decide().verdict, Verdict::Refuse);
    facts.fold = UserFold{true, true};
    EXPECT_EQ(decide().verdict, Verdict::Stock);
}

TEST_F(AnAuthentication, AReturnCallNeverOffersCallbackEvenToASecureUser) {
    facts.noCallbackHere = true;
    facts.peer = "boss";
    EXPECT_EQ(decide().verdict, Verdict::Stock);
}

TEST_F(AnAuthentication, AReAuthenticationOnOneLinkNeverStartsASecondExchange) {
    facts.firstUser = "alice";
    facts.link = LinkCbcp::Running;
    EXPECT_EQ(decide().verdict, Verdict::ContinueCbcp);
    facts.link = LinkCbcp::Done;
    EXPECT_EQ(decide().verdict, Verdict::Stock);
    facts.link = LinkCbcp::Refused;
    EXPECT_EQ(decide().verdict, Verdict::Refuse);
    EXPECT_EQ(decide().kind, "refused-link");
    facts.link = LinkCbcp::Done;
    facts.peer = "bob";
    const auto d = decide();
    ASSERT_EQ(d.verdict, Verdict::Refuse);
    EXPECT_NE(d.reason.find("re-authenticated as 'bob' after 'alice'"), std::string::npos) << d.reason;
    EXPECT_EQ(d.kind, "changed-user");
}

TEST_F(AnAuthentication, ThePlanCarriesThePolicysDelaysAndPrefixes) {
    table.users["alice"] = policy("user delay-min=20 delay-max=40 allow=555", "users file");
    ServerConfig base;
    base.delayMin = 5;
    base.delayMax = 60;
    auto plan = planCbcp(decide(), std::nullopt, base);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->config.delayMin, 20);
    EXPECT_EQ(plan->config.delayMax, 40);
    EXPECT_EQ(plan->config.rules.allowPrefixes, std::vector<std::string>{"555"});
}

}  // namespace
}  // namespace mscb::core
