// SPDX-License-Identifier: GPL-2.0-or-later
// Callback policy: spec grammar, users file with line-numbered errors, precedence, offers.
#include <gtest/gtest.h>

#include "mscb/core/callback_policy.hpp"

using namespace mscb::core;
using mscb::DialRules;

namespace {

UserPolicy spec(const std::string& text) {
    auto policy = parsePolicySpec(text, DialRules{});
    EXPECT_TRUE(policy) << text << ": " << (policy ? "" : policy.reason());
    return policy ? *policy : UserPolicy{};
}

std::string specError(const std::string& text) {
    auto policy = parsePolicySpec(text, DialRules{});
    EXPECT_FALSE(policy) << text;
    return policy ? "" : policy.reason();
}

TEST(PolicySpec, Kinds) {
    EXPECT_EQ(spec("none").kind, PolicyKind::None);
    EXPECT_EQ(spec("user").kind, PolicyKind::User);
    EXPECT_FALSE(spec("user").mandatory);
    EXPECT_TRUE(spec("user mandatory").mandatory);
    auto preset = spec("preset 555-1234 secure");
    EXPECT_EQ(preset.kind, PolicyKind::Preset);
    EXPECT_EQ(preset.presetNumber, "5551234");
    EXPECT_TRUE(preset.mandatory);
    auto list = spec("list 5551111,555-2222");
    EXPECT_EQ(list.listNumbers, (std::vector<std::string>{"5551111", "5552222"}));
    auto delays = spec("user delay-min=10 delay-max=30");
    EXPECT_EQ(*delays.delayMin, 10);
    EXPECT_EQ(*delays.delayMax, 30);
}

TEST(PolicySpec, Errors) {
    EXPECT_NE(specError("").find("empty"), std::string::npos);
    EXPECT_NE(specError("sometimes").find("unknown callback policy"), std::string::npos);
    EXPECT_NE(specError("preset").find("needs a number"), std::string::npos);
    EXPECT_NE(specError("preset 555;ATH").find("not allowed"), std::string::npos);
    EXPECT_NE(specError("list 5551111,,5552222").find("empty number"), std::string::npos);
    EXPECT_NE(specError("user secure").find("administrator number"), std::string::npos);
    EXPECT_NE(specError("user optional mandatory").find("exclude"), std::string::npos);
    EXPECT_NE(specError("none optional").find("takes no further"), std::string::npos);
    EXPECT_NE(specError("user delay-min=300").find("0..255"), std::string::npos);
    EXPECT_NE(specError("user delay-min=20 delay-max=10").find("larger"), std::string::npos);
    EXPECT_NE(specError("user colour=blue").find("unknown word"), std::string::npos);
    EXPECT_NE(specError("list 5551111,5552222,5553333,5554444,5555555").find("at most 4"), std::string::npos);
    EXPECT_NE(specError("preset 0049301234567").find("denied prefix"), std::string::npos);
}

TEST(PolicyOffer, FollowsKindAndRequirement) {
    auto user = offerFor(spec("user"), true);
    EXPECT_TRUE(user.noCallback);
    EXPECT_TRUE(user.user);
    auto mandatory = offerFor(spec("user mandatory"), true);
    EXPECT_FALSE(mandatory.noCallback);
    auto secure = offerFor(spec("preset 5551234 secure"), true);
    EXPECT_FALSE(secure.noCallback);
    EXPECT_FALSE(secure.user);
    EXPECT_EQ(*secure.adminNumber, "5551234");
    auto none = offerFor(spec("none"), true);
    EXPECT_TRUE(none.noCallback);
    EXPECT_FALSE(none.offersCallback());
}

TEST(PolicyOffer, DescribesItsTypesInCbcpOrder) {
    EXPECT_EQ(describeOfferTypes(offerFor(spec("user"), true)), "no-callback,user");
    EXPECT_EQ(describeOfferTypes(offerFor(spec("user"), false)), "no-callback");
    EXPECT_EQ(describeOfferTypes(offerFor(spec("preset 5551234 secure"), true)), "admin");
    EXPECT_EQ(describeOfferTypes(offerFor(spec("list 5551111,5552222"), true)), "no-callback,list");
    EXPECT_EQ(describeOfferTypes(offerFor(spec("preset 5551234 secure"), false)), "-");
}

TEST(PolicyOffer, WhenCallbackIsImpossibleOnlyNoOrNothingIsOffered) {
    auto optional = offerFor(spec("user"), false);
    EXPECT_TRUE(optional.noCallback);
    EXPECT_FALSE(optional.offersCallback());
    EXPECT_TRUE(offerFor(spec("preset 5551234 secure"), false).empty());
}

TEST(PolicyFile, ParsesUsersDefaultAndComments) {
    const char* text =
        "# mscb users\n"
        "callmeback  user            # Windows 'Set by caller'\n"
        "alice       preset 555-1234 secure\n"
        "\n"
        "bob\tlist 5551111,5552222 delay-min=8\r\n"
        "*           none\n";
    auto table = parsePolicyFile(text, DialRules{});
    ASSERT_TRUE(table) << table.reason();
    EXPECT_EQ(table->users.size(), 3U);
    EXPECT_EQ(table->users.at("alice").presetNumber, "5551234");
    EXPECT_EQ(*table->users.at("bob").delayMin, 8);
    ASSERT_TRUE(table->defaultEntry);
    EXPECT_EQ(table->defaultEntry->kind, PolicyKind::None);
}

TEST(PolicyFile, FirstBadLineFailsTheFileWithItsNumber) {
    auto table = parsePolicyFile("alice user\n\nbob preset 55;5\ncarol user\n", DialRules{});
    ASSERT_FALSE(table);
    EXPECT_EQ(table.reason().rfind("line 3: ", 0), 0U) << table.reason();
}

TEST(PolicyFile, DuplicatesAndMissingPoliciesAreErrors) {
    EXPECT_NE(parsePolicyFile("a user\na none\n", DialRules{}).reason().find("line 2: user 'a' appears twice"),
              std::string::npos);
    EXPECT_NE(parsePolicyFile("* user\n* none\n", DialRules{}).reason().find("second default"),
              std::string::npos);
    EXPECT_NE(parsePolicyFile("lonely\n", DialRules{}).reason().find("line 1: user 'lonely' has no policy"),
              std::string::npos);
    EXPECT_FALSE(parsePolicyFile(std::string("x\x01y user\n"), DialRules{}));
    EXPECT_FALSE(parsePolicyFile(std::string(2000, 'a') + " user\n", DialRules{}));
}

TEST(PolicyFile, HashInsideANumberIsNotAComment) {
    auto table = parsePolicyFile("alice preset *70#5551234 # after a space it is\n", DialRules{});
    ASSERT_TRUE(table) << table.reason();
    EXPECT_EQ(table->users.at("alice").presetNumber, "*70#5551234");
}

TEST(PolicyFile, EmptyFileIsAnEmptyTable) {
    auto table = parsePolicyFile("# nothing yet\n\n", DialRules{});
    ASSERT_TRUE(table);
    EXPECT_TRUE(table->users.empty());
    EXPECT_FALSE(table->defaultEntry);
}

TEST(PolicyLookup, UserEntryBeatsFileDefaultBeatsOptionDefault) {
    auto table = *parsePolicyFile("alice preset 5551234\n* none\n", DialRules{});
    const auto optionDefault = spec("user");
    EXPECT_EQ(lookupPolicy(table, "alice", optionDefault).kind, PolicyKind::Preset);
    EXPECT_EQ(lookupPolicy(table, "bob", optionDefault).kind, PolicyKind::None);
    PolicyTable noDefault = *parsePolicyFile("alice preset 5551234\n", DialRules{});
    EXPECT_EQ(lookupPolicy(noDefault, "bob", optionDefault).kind, PolicyKind::User);
    EXPECT_EQ(lookupPolicy(noDefault, "Alice", optionDefault).kind, PolicyKind::User);  // exact match
}

TEST(UserFoldSpec, ParsesTheDocumentedValues) {
    EXPECT_FALSE(parseUserFold("none")->ignoreCase);
    EXPECT_TRUE(parseUserFold("case")->ignoreCase);
    EXPECT_TRUE(parseUserFold("realm")->stripRealm);
    const auto both = parseUserFold("realm,case");
    ASSERT_TRUE(both);
    EXPECT_TRUE(both->ignoreCase && both->stripRealm);
    for (const char* bad : {"", "CASE", "case,case", "case,", "none,case", "domain"}) {
        EXPECT_FALSE(parseUserFold(bad)) << bad;
    }
}

TEST(UserFoldSpec, FoldsCaseAndBothRealmForms) {
    const UserFold both{true, true};
    EXPECT_EQ(foldUserName("ALICE@Example.ORG", both), "alice");
    EXPECT_EQ(foldUserName("CORP\\Alice", both), "alice");
    EXPECT_EQ(foldUserName("@realm", both), "@realm");  // never the empty name
    EXPECT_EQ(foldUserName("Alice@x", UserFold{}), "Alice@x");
    EXPECT_TRUE(sameUser("alice", "Alice", UserFold{true, false}));
    EXPECT_FALSE(sameUser("alice", "Alice", UserFold{}));
}

// Review finding: names were matched exactly, so `ALICE` or `alice@realm` (accepted by many
// RADIUS/LDAP back ends) missed `alice ... secure` and fell through to a laxer default.
TEST(PolicyLookup, SecureHoldsHoweverTheNameIsSpelled) {
    auto table = parsePolicyFile("alice preset 5551234 secure\nbob user\n* none\n", DialRules{});
    ASSERT_TRUE(table) << table.reason();
    const UserPolicy optionDefault;
    for (const char* spelling : {"alice", "ALICE", "Alice", "alice@corp.example", "CORP\\alice", "ALICE@x"}) {
        const auto& policy = lookupPolicy(*table, spelling, optionDefault);  // no folding configured
        EXPECT_EQ(policy.kind, PolicyKind::Preset) << spelling;
        EXPECT_TRUE(policy.mandatory) << spelling;
    }
    // A non-mandatory entry is only reached by folding the operator turned on.
    EXPECT_EQ(lookupPolicy(*table, "BOB", optionDefault).kind, PolicyKind::None);
    EXPECT_EQ(lookupPolicy(*table, "BOB", optionDefault, UserFold{true, false}).kind, PolicyKind::User);
    EXPECT_EQ(lookupPolicy(*table, "bob@corp", optionDefault, UserFold{true, false}).kind, PolicyKind::None);
    EXPECT_EQ(lookupPolicy(*table, "bob@corp", optionDefault, UserFold{false, true}).kind, PolicyKind::User);
}

TEST(PolicyLookup, AnExactEntryWinsAndTheMatchSaysWhy) {
    auto table = parsePolicyFile("Alice user\nalice preset 5551234 secure\n", DialRules{});
    ASSERT_TRUE(table) << table.reason();
    const UserPolicy optionDefault;
    EXPECT_EQ(lookupPolicy(*table, "Alice", optionDefault).kind, PolicyKind::User);
    // Two entries fold together: the mandatory one wins, whatever their order.
    const auto folded = matchPolicy(*table, "ALICE", optionDefault, UserFold{true, false});
    EXPECT_EQ(folded.policy->kind, PolicyKind::Preset);
    EXPECT_NE(folded.how.find("entry 'alice'"), std::string::npos) << folded.how;
    EXPECT_TRUE(folded.folded);
    EXPECT_FALSE(matchPolicy(*table, "alice", optionDefault).folded);
    EXPECT_EQ(matchPolicy(*table, "carol", optionDefault).how, "mscb-default");
}

TEST(PolicyDescribe, ReadsLikeTheSpec) {
    EXPECT_EQ(describePolicy(spec("preset 555-1234 secure")), "preset 5551234 mandatory");
    EXPECT_EQ(describePolicy(spec("list 5551111,5552222")), "list 5551111,5552222 optional");
    EXPECT_EQ(describePolicy(spec("none")), "none");
}

}  // namespace

namespace {

TEST(PolicyPlaces, NamedPlacesResolveInPresetsAndLists) {
    auto table = parsePolicyFile("@office 555-1234\n@home 555 9999\nalice preset @office\n"
                                 "bob list @office,@home\n", DialRules{});
    ASSERT_TRUE(table) << table.reason();
    EXPECT_EQ(table->places.at("office"), "5551234");
    EXPECT_EQ(table->users.at("alice").presetNumber, "5551234");
    EXPECT_EQ(table->users.at("bob").listNumbers, (std::vector<std::string>{"5551234", "5559999"}));
}

TEST(PolicyPlaces, Errors) {
    EXPECT_NE(parsePolicyFile("alice preset @nowhere\n", DialRules{}).reason().find("line 1: unknown place '@nowhere'"),
              std::string::npos);
    EXPECT_NE(parsePolicyFile("@x 555;1\n", DialRules{}).reason().find("line 1:"), std::string::npos);
    EXPECT_NE(parsePolicyFile("@x 5551234\n@x 5559999\n", DialRules{}).reason().find("appears twice"),
              std::string::npos);
    EXPECT_NE(parsePolicyFile("@x 5551234 extra\n", DialRules{}).reason().find("not allowed"),
              std::string::npos);
    EXPECT_NE(parsePolicyFile("@x\n", DialRules{}).reason().find("needs a number"), std::string::npos);
    EXPECT_FALSE(parsePolicySpec("preset @office", DialRules{}));  // options know no places
}

TEST(PolicyPrefixes, PerUserAllowNarrowsAndDenyAdds) {
    auto policy = *parsePolicySpec("user allow=0301,0302 deny=03019", DialRules{});
    DialRules global;
    global.allowPrefixes = {"030"};
    auto rules = rulesFor(policy, global);
    EXPECT_TRUE(checkDialNumber("03011234", rules));
    EXPECT_FALSE(checkDialNumber("03019999", rules));  // user's deny
    EXPECT_FALSE(checkDialNumber("04011234", rules));  // outside both
    EXPECT_FALSE(checkDialNumber("00491234", rules));  // global default deny still there
    global.allowPrefixes = {"040"};
    EXPECT_FALSE(checkDialNumber("03011234", rulesFor(policy, global)));  // disjoint: nothing
    EXPECT_FALSE(parsePolicySpec("user allow=", DialRules{}));
    EXPECT_FALSE(parsePolicySpec("user deny=12;3", DialRules{}));
}

}  // namespace
