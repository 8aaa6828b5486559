// SPDX-License-Identifier: GPL-2.0-or-later
// Dial-string firewall: hostile inputs rejected (never stripped), formatting canonicalised.
#include <gtest/gtest.h>

#include "mscb/dial_number.hpp"

using namespace mscb;

namespace {

struct HostileCase {
    const char* name;
    std::string raw;
};

class DialNumberHostile : public ::testing::TestWithParam<HostileCase> {};

TEST_P(DialNumberHostile, IsRejected) {
    DialRules rules;
    rules.internationalPrefix = "00";  // even with '+' mapping configured
    rules.denyPrefixes.clear();        // rejected by the character rules alone
    auto result = checkDialNumber(GetParam().raw, rules);
    EXPECT_FALSE(result) << GetParam().name << " became " << (result ? result->canonical : "");
    if (!result) {
        EXPECT_FALSE(result.reason().empty());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, DialNumberHostile,
    ::testing::Values(
        // Hayes command separators and dial modifiers.
        HostileCase{"Semicolon", "5551234;"}, HostileCase{"SemicolonAth", "555;ATH"},
        HostileCase{"SemicolonAutoAnswer", "5551234;ATS0=1"}, HostileCase{"AndW", "555&W"},
        HostileCase{"Comma", "555,1234"}, HostileCase{"WaitW", "555W1234"},
        HostileCase{"WaitLowerW", "555w1234"}, HostileCase{"At", "555@1234"},
        HostileCase{"Bang", "555!1234"}, HostileCase{"PulseP", "P5551234"},
        HostileCase{"ToneT", "T5551234"}, HostileCase{"ReverseR", "5551234R"},
        HostileCase{"StoredS", "S=1"}, HostileCase{"Dollar", "555$"},
        HostileCase{"Equals", "555=1"}, HostileCase{"LetterA", "555A"},
        HostileCase{"Letters", "ATDT5551234"}, HostileCase{"PlusPlusPlus", "+++"},
        HostileCase{"EscapeThenAth", "555+++ATH0"}, HostileCase{"PlusInside", "555+1234"},
        HostileCase{"TwoPlus", "++5551234"},
        // Line endings: a new AT command line.
        HostileCase{"CR", "5551234\rATH"}, HostileCase{"LF", "5551234\nATH"},
        HostileCase{"CRLF", "555\r\n"}, HostileCase{"TrailingCR", "5551234\r"},
        // chat(8) escapes that act after \T substitution.
        HostileCase{"ChatBreak", "555\\K"}, HostileCase{"ChatDelay", "555\\d"},
        HostileCase{"ChatPause", "555\\p"}, HostileCase{"ChatNoCr", "555\\c"},
        HostileCase{"ChatOctal", "555\\015"}, HostileCase{"ChatCaret", "555^M"},
        HostileCase{"ChatQuote", "555'ABORT'"}, HostileCase{"ChatDoubleQuote", "555\"x\""},
        HostileCase{"ChatEnv", "$HOME"},
        // Shell metacharacters.
        HostileCase{"Backtick", "`reboot`"}, HostileCase{"Subshell", "$(reboot)"},
        HostileCase{"Pipe", "555|sh"}, HostileCase{"Ampersand", "555&"},
        HostileCase{"Redirect", "555>/etc/passwd"}, HostileCase{"LessThan", "555<x"},
        HostileCase{"Glob", "555*?"}, HostileCase{"Brace", "{555}"}, HostileCase{"Tilde", "~555"},
        // Phone-list separators (FreeBSD ':' and '|').
        HostileCase{"Colon", "5551234:5559999"}, HostileCase{"Slash", "555/1234"},
        // Whitespace other than space, control and non-ASCII bytes.
        HostileCase{"Tab", "555\t1234"}, HostileCase{"Nul", std::string("555\0" "1234", 8)},
        HostileCase{"Bell", "555\a"}, HostileCase{"Escape", "\x1b[2J5551234"},
        HostileCase{"Latin1", "555\xe9"}, HostileCase{"Utf8Digit", "\xd9\xa5\xd9\xa5\xd9\xa5\xd9\xa5"},
        HostileCase{"FullwidthDigits", "\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95"},
        HostileCase{"Del", "555\x7f"},
        // Length and emptiness.
        HostileCase{"Empty", ""}, HostileCase{"OnlySeparators", " - . ( ) "},
        HostileCase{"OnlyPlus", "+"}, HostileCase{"TooShortEmergency", "112"},
        HostileCase{"TwentyOneDigits", "123456789012345678901"},
        HostileCase{"OverlongRaw", std::string(65, '5')},
        HostileCase{"OverlongSeparators", std::string(70, '-') + "5551234"}),
    [](const ::testing::TestParamInfo<HostileCase>& row) { return std::string(row.param.name); });

TEST(DialNumber, VisualSeparatorsAreRemoved) {
    DialRules rules;
    EXPECT_EQ(checkDialNumber("527-9651", rules)->canonical, "5279651");
    EXPECT_EQ(checkDialNumber("(030) 123 456.78", rules)->canonical, "03012345678");
    EXPECT_EQ(checkDialNumber(" 555 1234 ", rules)->canonical, "5551234");
    EXPECT_EQ(checkDialNumber("*70#5551234", rules, NumberSource::Operator)->canonical, "*70#5551234");
}

// Review finding (toll fraud): '*' and '#' anywhere in a caller's number and a deny check on the
// leading characters only let these through to chat.
class CallerFeatureCode : public ::testing::TestWithParam<HostileCase> {};

TEST_P(CallerFeatureCode, IsRefusedFromACallerByDefault) {
    DialRules rules;  // default deny list 00, 011, 112, 911, 999
    auto result = checkDialNumber(GetParam().raw, rules, NumberSource::Peer);
    ASSERT_FALSE(result) << GetParam().name << " became " << result->canonical;
    EXPECT_EQ(result.kind(), "feature-code") << result.reason();
    EXPECT_NE(result.reason().find("digits only"), std::string::npos) << result.reason();
}

INSTANTIATE_TEST_SUITE_P(
    Review, CallerFeatureCode,
    ::testing::Values(HostileCase{"HideIdThenInternational", "*670044201234567"},
                      HostileCase{"GsmHideIdThenInternational", "#31#0044201234567"},
                      HostileCase{"HideIdThenEmergency", "*67911"},
                      HostileCase{"NanpForwardAbroad", "*72011441234567"},
                      HostileCase{"GsmForwardAll", "**21*00441234567#"},
                      HostileCase{"TrailingHash", "5551234#"},
                      HostileCase{"StarInside", "555*1234"}),
    [](const ::testing::TestParamInfo<HostileCase>& row) { return std::string(row.param.name); });

TEST(DialNumber, FeatureCodesFromACallerOnlyWhenTheOperatorOptsIn) {
    DialRules rules;
    rules.peerFeatureCodes = true;
    EXPECT_EQ(checkDialNumber("*70#5551234", rules, NumberSource::Peer)->canonical, "*70#5551234");
}

TEST(DialNumber, DeniedPrefixesAreFoundAfterEveryFeatureCode) {
    DialRules rules;
    rules.peerFeatureCodes = true;  // even where the operator allows feature codes
    for (const char* raw : {"#31#0044201234567", "**21*00441234567#", "*70#911", "#31#1125551"}) {
        for (auto source : {NumberSource::Peer, NumberSource::Operator}) {
            auto result = checkDialNumber(raw, rules, source);
            ASSERT_FALSE(result) << raw << " became " << result->canonical;
            EXPECT_EQ(result.kind(), "deny-prefix") << raw;
            EXPECT_NE(result.reason().find("after a feature code"), std::string::npos) << result.reason();
        }
    }
    // A digit run inside the number is not a new number: 5550012 is not international.
    EXPECT_TRUE(checkDialNumber("5550012", rules, NumberSource::Peer));
    EXPECT_TRUE(checkDialNumber("*705550012", rules, NumberSource::Operator));
}

TEST(DialNumber, PlusNeedsAnInternationalPrefix) {
    DialRules rules;
    rules.denyPrefixes.clear();
    EXPECT_FALSE(checkDialNumber("+49 30 1234567", rules));
    rules.internationalPrefix = "00";
    EXPECT_EQ(checkDialNumber("+49 30 1234567", rules)->canonical, "0049301234567");
}

TEST(DialNumber, InternationalAndEmergencyAreDeniedByDefault) {
    DialRules rules;
    rules.internationalPrefix = "00";
    EXPECT_FALSE(checkDialNumber("+49301234567", rules));
    EXPECT_FALSE(checkDialNumber("0049301234567", rules));
    EXPECT_FALSE(checkDialNumber("01144123456", rules));
    EXPECT_FALSE(checkDialNumber("1120000", rules));
    EXPECT_FALSE(checkDialNumber("9115551234", rules));
    EXPECT_TRUE(checkDialNumber("0301234567", rules));
}

TEST(DialNumber, AllowListRestrictsToPrefixes) {
    DialRules rules;
    rules.allowPrefixes = {"555", "0301"};
    EXPECT_TRUE(checkDialNumber("5551234", rules));
    EXPECT_TRUE(checkDialNumber("0301234567", rules));
    auto refused = checkDialNumber("0401234567", rules);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.reason().find("no allowed prefix"), std::string::npos);
}

TEST(DialNumber, NamesTheKindOfAPrefixRefusalForCounters) {
    DialRules rules;
    rules.allowPrefixes = {"555"};
    EXPECT_EQ(checkDialNumber("0401234567", rules).kind(), "not-allowed");
    EXPECT_EQ(checkDialNumber("0011234567", rules).kind(), "deny-prefix");  // default deny 00
    EXPECT_EQ(checkDialNumber("555;1234", rules).kind(), "");             // any other refusal
}

TEST(DialNumber, DenyWinsOverAllow) {
    DialRules rules;
    rules.allowPrefixes = {"0"};
    rules.denyPrefixes = {"0900"};
    EXPECT_FALSE(checkDialNumber("09001234567", rules));
    EXPECT_TRUE(checkDialNumber("0301234567", rules));
}

TEST(DialNumber, PausesOnlyInOperatorNumbersAndOnlyWhenEnabled) {
    DialRules rules;
    EXPECT_FALSE(checkDialNumber("0,5551234", rules, NumberSource::Operator));
    rules.operatorPauses = true;
    EXPECT_EQ(checkDialNumber("9,5551234", rules, NumberSource::Operator)->canonical, "9,5551234");
    EXPECT_EQ(checkDialNumber("9w5551234", rules, NumberSource::Operator)->canonical, "9W5551234");
    EXPECT_FALSE(checkDialNumber("9,5551234", rules, NumberSource::Peer));
    EXPECT_FALSE(checkDialNumber(",5551234", rules, NumberSource::Operator));
}

TEST(DialNumber, ReasonNamesTheOffendingCharacterEscaped) {
    auto result = checkDialNumber("555\\K", DialRules{});
    ASSERT_FALSE(result);
    EXPECT_NE(result.reason().find("\\x5c"), std::string::npos) << result.reason();
    auto cr = checkDialNumber("555\r", DialRules{});
    EXPECT_NE(cr.reason().find("\\x0d"), std::string::npos) << cr.reason();
}

TEST(DialNumber, LengthLimitsAreConfigurable) {
    DialRules rules;
    rules.maxDigits = 7;
    EXPECT_TRUE(checkDialNumber("5551234", rules));
    EXPECT_FALSE(checkDialNumber("55512345", rules));
}

TEST(PrefixList, ParsesAndRejects) {
    EXPECT_EQ(parsePrefixList("0,555,*7")->size(), 3U);
    EXPECT_TRUE(parsePrefixList("")->empty());
    EXPECT_FALSE(parsePrefixList("0,,5"));
    EXPECT_FALSE(parsePrefixList("0,"));
    EXPECT_FALSE(parsePrefixList("0;5"));
    EXPECT_FALSE(parsePrefixList("+49"));
}

TEST(EscapeForLog, MakesAnyBytesSafe) {
    EXPECT_EQ(escapeForLog("ab\r\n\\\"c"), "ab\\x0d\\x0a\\x5c\\x22c");
    EXPECT_EQ(escapeForLog(std::string(100, 'x'), 4), "xxxx...");
}

}  // namespace
