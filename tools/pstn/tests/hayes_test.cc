// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests: AT command parsing, result formatting and the modem state transition table.
#include <gtest/gtest.h>

#include "event.h"
#include "hayes.h"
#include "rig.h"

namespace mscb::pstn {
namespace {

using testing::Rig;

struct CommandRow {
  const char* input;
  const char* expected;
};

void PrintTo(const CommandRow& row, std::ostream* os) { *os << escapeBytes(row.input); }

constexpr const char* kOk = "\r\nOK\r\n";
constexpr const char* kError = "\r\nERROR\r\n";

const CommandRow kCommandTable[] = {
    {"AT\r", kOk},
    {"at\r", kOk},
    {"A t \r", kOk},
    {"aT e0 v1\r", kOk},
    {"AT\r\n", kOk},
    {"ATZ\r", kOk},
    {"ATZ0\r", kOk},
    {"AT&F\r", kOk},
    {"ATE0\r", kOk},
    {"ATE2\r", kError},
    {"ATQ0\r", kOk},
    {"ATQ1\r", ""},
    {"ATQ1Q0\r", kOk},
    {"ATV0\r", "0\r"},
    {"ATV1\r", kOk},
    {"ATV0G\r", kError},  // a bad line executes nothing: V0 is not applied
    {"ATS0=2\r", kOk},
    {"ATS0=2S0?\r", "\r\n002\r\n\r\nOK\r\n"},
    {"ATS12?\r", "\r\n050\r\n\r\nOK\r\n"},
    {"ATV0S3?\r", "013\r\n0\r"},
    {"ATS0=256\r", kError},
    {"ATS=1\r", kError},
    {"ATS256?\r", kError},
    {"ATS7\r", kOk},
    {"ATX4M0L0W1I\r", kOk},
    {"ATI3 B0 N1 Y0 P T\r", kOk},
    {"AT&C1&D2&K3&W\r", kOk},
    {"AT&C0&D0&D1&D3\r", kOk},
    {"AT&C2\r", kError},
    {"AT&D4\r", kError},
    {"ATH\r", kOk},
    {"ATH0\r", kOk},
    {"ATH1\r", kOk},
    {"ATH2\r", kError},
    {"ATG\r", kError},
    {"ATU\r", kError},
    {"AT&Z\r", kError},
    {"AT&\r", kError},
    {"AT+CGMI\r", kError},
    {"AT+VCID=1\r", kOk},
    {"at+vcid=0\r", kOk},
    {"AT+VCID=3\r", kError},
    {"AT+VCID\r", kError},
    {"AT\\N3\r", kError},
    {"ATE0V1S0=0\r", kOk},
    {"ATE0V1X9G\r", kError},
    {"ATA\r", "\r\nNO CARRIER\r\n"},
    {"ATO\r", "\r\nNO CARRIER\r\n"},
    {"ATV0A\r", "3\r"},
    {"hello\r", ""},
    {"\r", ""},
    {"\r\n\r\n", ""},
    {"ATX\x08\r", kOk},
    {"ATGG\x08\x08\r", kOk},
    {"ATS99999999999=1\r", kError},
};

class CommandTable : public ::testing::TestWithParam<CommandRow> {};

TEST_P(CommandTable, ProducesExpectedResult) {
  Rig rig({testing::line("mA", "5550001")});
  rig.openQuiet();
  rig.type(0, GetParam().input);
  EXPECT_EQ(rig.take(0), GetParam().expected) << "input: " << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(Rows, CommandTable, ::testing::ValuesIn(kCommandTable));

TEST(CommandTableSize, HasAtLeast25Rows) { EXPECT_GE(std::size(kCommandTable), 25u); }

TEST(Echo, EchoesCharactersPerE1AndStopsAfterE0) {
  Rig rig({testing::line("mA", "5550001")});
  rig.open(0);
  rig.type(0, "AT\r");
  EXPECT_EQ(rig.take(0), "AT\r\r\nOK\r\n");
  rig.type(0, "ATE0\r");
  EXPECT_EQ(rig.take(0), "ATE0\r\r\nOK\r\n");
  rig.type(0, "AT\r");
  EXPECT_EQ(rig.take(0), "\r\nOK\r\n");
  rig.type(0, "ATZ\r");  // reset restores E1
  rig.take(0);
  rig.type(0, "AT\r");
  EXPECT_EQ(rig.take(0), "AT\r\r\nOK\r\n");
}

TEST(Echo, QuietStillEchoesAndVerboseSwitchesFormat) {
  Rig rig({testing::line("mA", "5550001")});
  rig.open(0);
  rig.type(0, "ATQ1\r");
  EXPECT_EQ(rig.take(0), "ATQ1\r");
  rig.type(0, "ATQ0V0\r");
  EXPECT_EQ(rig.take(0), "ATQ0V0\r0\r");
}

TEST(Parser, DialKeepsRawStringAndRoutesOnDigitsOnly) {
  auto p = parseCommandLine("ATE0DT (555) 123-4,W*7#.P");
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.commands.size(), 2u);
  EXPECT_EQ(p.commands[1].kind, AtCommand::Kind::Dial);
  EXPECT_EQ(p.commands[1].text, "T (555) 123-4,W*7#.P");
  EXPECT_EQ(routedDigits(p.commands[1].text), "5551234*7#");
}

TEST(Parser, NonAtLineIsNotACommandLine) {
  EXPECT_FALSE(parseCommandLine("hello").isAt);
  EXPECT_FALSE(parseCommandLine("A").isAt);
  EXPECT_TRUE(parseCommandLine("at").isAt);
}

TEST(Parser, MultipleCommandsOnOneLine) {
  auto p = parseCommandLine("ATE0V1S0=3S12?&D2");
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.commands.size(), 5u);
  EXPECT_EQ(p.commands[2].kind, AtCommand::Kind::SetReg);
  EXPECT_EQ(p.commands[2].reg, 0u);
  EXPECT_EQ(p.commands[2].value, 3u);
  EXPECT_EQ(p.commands[3].kind, AtCommand::Kind::QueryReg);
  EXPECT_EQ(p.commands[3].reg, 12u);
  EXPECT_EQ(p.commands[4].kind, AtCommand::Kind::DtrMode);
  EXPECT_EQ(p.commands[4].value, 2u);
}

TEST(Transition, TableCoversCallLifecycle) {
  using S = ModemState;
  using T = ModemTrigger;
  EXPECT_EQ(transition(S::Idle, T::Dial), S::Dialling);
  EXPECT_EQ(transition(S::Idle, T::OffHook), S::OffHook);
  EXPECT_EQ(transition(S::OffHook, T::Incoming), std::nullopt);
  EXPECT_EQ(transition(S::Idle, T::Incoming), S::Ringing);
  EXPECT_EQ(transition(S::Ringing, T::Connect), S::Online);
  EXPECT_EQ(transition(S::Dialling, T::Connect), S::Online);
  EXPECT_EQ(transition(S::Online, T::Escape), S::Escaped);
  EXPECT_EQ(transition(S::Escaped, T::Resume), S::Online);
  EXPECT_EQ(transition(S::Escaped, T::OnHook), S::Idle);
  EXPECT_EQ(transition(S::Online, T::Dial), std::nullopt);
  EXPECT_EQ(transition(S::Online, T::OnHook), std::nullopt);
  EXPECT_EQ(transition(S::Escaped, T::Dial), std::nullopt);
  for (S s : {S::Idle, S::OffHook, S::Dialling, S::Ringing, S::Online, S::Escaped}) {
    EXPECT_EQ(transition(s, T::DtrDrop), S::Idle) << toString(s);
  }
  EXPECT_STREQ(toString(S::Escaped), "escaped");
  EXPECT_STREQ(toString(T::CallEnded), "call-ended");
}

TEST(Event, JsonLineEscapesNonPrintables) {
  Event e;
  e.name = "command";
  e.add("text", std::string("AT\"\\\r\x01\xff", 7)).add("n", std::int64_t{42}).add("ok", true);
  EXPECT_EQ(formatEventLine(e, 1700000000123456, 5000001),
            "{\"t\":1700000000.123456,\"mono\":5.000001,\"event\":\"command\","
            "\"text\":\"AT\\\"\\\\\\\\\\\\x0d\\\\x01\\\\xff\",\"n\":42,\"ok\":true}\n");
  EXPECT_EQ(escapeBytes("a\\b\n"), "a\\\\b\\x0a");
}

}  // namespace
}  // namespace mscb::pstn
