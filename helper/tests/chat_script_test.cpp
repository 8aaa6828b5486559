// SPDX-License-Identifier: GPL-2.0-or-later
// Chat script generator: golden text, no number in any script, exit-code mapping, checks.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "chat_script.hpp"

namespace mscb::helper {
namespace {

std::string golden(const std::string& name) {
    std::ifstream in(std::string(MSCB_HELPER_GOLDEN_DIR) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

ModemScriptSettings modem() {
    ModemScriptSettings s;
    s.init = "AT&F&C1&D2";
    s.dialPrefix = "T0,";
    s.commandTimeout = std::chrono::milliseconds(5000);
    s.connectTimeout = std::chrono::milliseconds(60000);
    return s;
}

TEST(AChatScript, MatchesTheGoldenFiles) {
    for (auto kind : {ScriptKind::Hangup, ScriptKind::OffHook, ScriptKind::Reset, ScriptKind::Dial}) {
        const std::string name = std::string(toString(kind)) + ".chat";
        EXPECT_EQ(generateChatScript(kind, modem()), golden(name)) << name;
    }
}

TEST(AChatScript, ResetWithoutInitStringSendsOnlyAtz) {
    ModemScriptSettings s;
    EXPECT_EQ(generateChatScript(ScriptKind::Reset, s), golden("reset-noinit.chat"));
}

TEST(AChatScript, DialUsesOnlyTheTPlaceholder) {
    const auto text = generateChatScript(ScriptKind::Dial, modem());
    EXPECT_NE(text.find("'ATDT0,\\T'"), std::string::npos);
    // The only backslash escape in any script body line is \T (plus \d/\c in hangup).
    EXPECT_EQ(text.find("\\T"), text.rfind("\\T"));
}

TEST(AChatScript, TheDialNumberIsFilledIntoTheAtdLineOnce) {
    const auto text = generateChatScript(ScriptKind::Dial, modem());
    auto filled = fillDialNumber(text, "5279651");
    ASSERT_TRUE(filled) << filled.reason();
    EXPECT_NE(filled->find("'ATDT0,5279651'\n"), std::string::npos) << *filled;
    EXPECT_EQ(filled->find("\\T"), std::string::npos);
    EXPECT_EQ(filled->find("5279651"), filled->rfind("5279651"));
    EXPECT_TRUE(fillDialNumber(text, "*31#5279651"));
    EXPECT_TRUE(fillDialNumber(text, "0,W5279651")) << "an operator preset's pauses";
}

TEST(AChatScript, OnlyDigitsStarAndHashEverReachTheScript) {
    const auto text = generateChatScript(ScriptKind::Dial, modem());
    for (const char* bad : {"", "555'1234", "555\\c", "555 1234", "+4930123", "555;ATH", "5551234\n",
                            "123456789012345678901234567890123"}) {
        EXPECT_FALSE(fillDialNumber(text, bad)) << bad;
    }
    EXPECT_FALSE(fillDialNumber(generateChatScript(ScriptKind::Reset, modem()), "5279651")) << "no ATD line";
}

TEST(AChatScript, ConnectTimeoutIsRoundedUpToSeconds) {
    auto s = modem();
    s.connectTimeout = std::chrono::milliseconds(31500);
    EXPECT_NE(generateChatScript(ScriptKind::Dial, s).find("TIMEOUT 32\n"), std::string::npos);
}

TEST(AChatScript, TypingTimeCoversAtdPrefixNumberAndCr) {
    EXPECT_EQ(dialTypingTime(modem(), 7), std::chrono::milliseconds(140));  // ATD T0, 5279651 CR
}

TEST(ChatExit, MapsTheDialAbortOrder) {
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 0), ChatOutcome::Success);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 1), ChatOutcome::BadArguments);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 2), ChatOutcome::IoError);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 3), ChatOutcome::Timeout);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 4), ChatOutcome::Busy);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 5), ChatOutcome::NoCarrier);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 6), ChatOutcome::NoDialtone);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 7), ChatOutcome::NoAnswer);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 8), ChatOutcome::ModemError);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, 9), ChatOutcome::Unknown);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Dial, -9), ChatOutcome::Killed);
}

TEST(ChatExit, CommandScriptsAbortOnErrorOnly) {
    EXPECT_EQ(outcomeFromExit(ScriptKind::OffHook, 4), ChatOutcome::ModemError);
    EXPECT_EQ(outcomeFromExit(ScriptKind::Reset, 5), ChatOutcome::Unknown);
}

TEST(ChatExit, AbortListInTheScriptMatchesTheTable) {
    const auto text = generateChatScript(ScriptKind::Dial, modem());
    std::size_t pos = 0;
    for (auto abort : kDialAborts) {
        const auto at = text.find("ABORT '" + std::string(abort) + "'", pos);
        ASSERT_NE(at, std::string::npos) << abort;
        pos = at;
    }
}

TEST(ChatChecks, RefuseChatSyntaxInOperatorStrings) {
    EXPECT_TRUE(checkInitString("AT&F&C1&D2 S7=60"));
    EXPECT_TRUE(checkInitString(""));
    EXPECT_FALSE(checkInitString("AT'x"));
    EXPECT_FALSE(checkInitString("AT\\d"));
    EXPECT_FALSE(checkInitString("AT^M"));
    EXPECT_FALSE(checkInitString("ATZ\nATDT1"));
    EXPECT_FALSE(checkInitString("X&F"));
    EXPECT_TRUE(checkDialPrefix("T0,"));
    EXPECT_TRUE(checkDialPrefix(""));
    EXPECT_FALSE(checkDialPrefix("T;"));
    EXPECT_FALSE(checkDialPrefix("T\\T"));
    EXPECT_FALSE(checkDialPrefix("T 0"));
}

}  // namespace
}  // namespace mscb::helper
