// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests: pstn-sim command line and line/fault specification parsing.
#include <gtest/gtest.h>

#include "options.h"

namespace mscb::pstn {
namespace {

ParsedOptions parse(std::vector<std::string> args) { return parseOptions(args); }

TEST(Options, FullCommandLine) {
  auto p = parse({"--dir", "/run/pstn", "--line", "mA=5550001", "--line=mB=5551234,busy,answer-after=3",
                  "--log", "/tmp/x.log", "--control", "/run/pstn/control", "--ring-interval", "100",
                  "--max-rings", "3", "--guard-time=200"});
  ASSERT_TRUE(p.ok) << p.error;
  const SimOptions& o = p.options;
  EXPECT_EQ(o.dir, "/run/pstn");
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(o.lines[1].name, "mB");
  EXPECT_EQ(o.lines[1].number, "5551234");
  EXPECT_TRUE(o.lines[1].faults.busy);
  EXPECT_EQ(o.lines[1].faults.answerAfter, 3u);
  EXPECT_EQ(o.logPath, "/tmp/x.log");
  EXPECT_EQ(o.controlPath, "/run/pstn/control");
  EXPECT_EQ(o.exchange.ringIntervalMs, 100);
  EXPECT_EQ(o.exchange.maxRings, 3u);
  EXPECT_EQ(o.exchange.guardMs, 200);
  EXPECT_EQ(o.exchange.dialDelayMs, 25);  // ring-interval / 4 by default
}

TEST(Options, Defaults) {
  auto p = parse({"--line", "mA=1"});
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.options.exchange.ringIntervalMs, 2000);
  EXPECT_EQ(p.options.exchange.maxRings, 8u);
  EXPECT_EQ(p.options.exchange.guardMs, 1000);
  EXPECT_EQ(p.options.exchange.dialDelayMs, 500);
  EXPECT_EQ(p.options.exchange.hangupDelayMs, 200);
}

struct BadArgs {
  std::vector<std::string> args;
  const char* errorPart;
};

class BadOptions : public ::testing::TestWithParam<BadArgs> {};

TEST_P(BadOptions, AreRejectedWithAClearMessage) {
  auto p = parseOptions(GetParam().args);
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.error.find(GetParam().errorPart), std::string::npos) << p.error;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, BadOptions,
    ::testing::Values(BadArgs{{}, "no lines"}, BadArgs{{"--bogus"}, "unknown option '--bogus'"},
                      BadArgs{{"--line"}, "needs a value"},
                      BadArgs{{"--line", "mA"}, "not NAME=NUMBER"},
                      BadArgs{{"--line", "mA=55x"}, "bad number"},
                      BadArgs{{"--line", "m/A=5"}, "bad line name"},
                      BadArgs{{"--line", "ready=5"}, "bad line name"},
                      BadArgs{{"--line", "mA=5,loud"}, "unknown fault 'loud'"},
                      BadArgs{{"--line", "mA=5,answer-after"}, "needs =N"},
                      BadArgs{{"--line", "mA=5,busy=1"}, "takes no value"},
                      BadArgs{{"--line", "mA=5,drop-after=x"}, "drop-after"},
                      BadArgs{{"--line", "mA=5,"}, "empty fault"},
                      BadArgs{{"--line", "mA=5", "--line", "mB=5"}, "duplicate number 5"},
                      BadArgs{{"--line", "mA=5", "--line", "mA=6"}, "duplicate line name"},
                      BadArgs{{"--line", "mA=5", "--ring-interval", "0"}, "--ring-interval"},
                      BadArgs{{"--line", "mA=5", "--max-rings", "x"}, "--max-rings"}));

TEST(Options, LineSpecFaults) {
  std::string error;
  auto l = parseLineSpec("mB=5551234,noanswer,nodialtone,drop-after=0.25,refuse=2", error);
  ASSERT_TRUE(l) << error;
  EXPECT_TRUE(l->faults.noAnswer);
  EXPECT_TRUE(l->faults.noDialtone);
  EXPECT_EQ(l->faults.dropAfterMs, 250);
  EXPECT_EQ(l->faults.refuse, 2u);
  EXPECT_EQ(describeFaults(l->faults), "noanswer,nodialtone,drop-after=0.25,refuse=2");
}

TEST(Options, HelpNeedsNoLines) {
  auto p = parse({"--help"});
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(p.options.help);
  EXPECT_NE(usageText().find("--ring-interval"), std::string::npos);
}

}  // namespace
}  // namespace mscb::pstn

namespace mscb::pstn {
namespace {

TEST(Options, SignalsIsALineWordNotAFault) {
  std::string error;
  auto l = parseLineSpec("mA=5550001,signals,busy", error);
  ASSERT_TRUE(l) << error;
  EXPECT_TRUE(l->signals);
  EXPECT_TRUE(l->faults.busy);
  EXPECT_EQ(describeFaults(l->faults), "busy");
  auto plain = parseLineSpec("mB=5551234", error);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->signals);
  EXPECT_FALSE(parseLineSpec("mA=5550001,signal", error));
  EXPECT_NE(error.find("unknown fault 'signal'"), std::string::npos) << error;
  EXPECT_FALSE(parseLineSpec("mA=5550001,signals=1", error));
}

}  // namespace
}  // namespace mscb::pstn
