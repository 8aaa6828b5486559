// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests: call routing, ringing, answering, escapes, hangups and fault knobs (fake clock).
#include <gtest/gtest.h>

#include "rig.h"

namespace mscb::pstn {
namespace {

using testing::line;
using testing::Rig;

constexpr std::size_t A = 0, B = 1, C = 2;
constexpr const char* kConnect = "\r\nCONNECT 33600\r\n";
constexpr const char* kRing = "\r\nRING\r\n";
constexpr const char* kNoCarrier = "\r\nNO CARRIER\r\n";

Rig threeLines(Faults bFaults = {}) {
  return Rig({line("mA", "5550001"), line("mB", "5551234", bFaults), line("mC", "5559999")});
}

// A dials B, B answers with ATA: both online.
void connectAB(Rig& rig) {
  rig.type(A, "ATDT555-1234\r");
  rig.advance(500);
  ASSERT_EQ(rig.take(B), kRing);
  rig.type(B, "ATA\r");
  ASSERT_EQ(rig.take(A), kConnect);
  ASSERT_EQ(rig.take(B), kConnect);
}

TEST(Call, DialRingAnswerConnectsAndRelays) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT555-1234\r");
  EXPECT_EQ(rig.ex.state(A), ModemState::Dialling);
  rig.advance(499);
  EXPECT_EQ(rig.take(B), "");
  rig.advance(1);
  EXPECT_EQ(rig.take(B), kRing);
  EXPECT_EQ(rig.ex.state(B), ModemState::Ringing);
  rig.advance(2000);
  EXPECT_EQ(rig.take(B), kRing);
  EXPECT_EQ(rig.take(A), "");
  rig.type(B, "ATA\r");
  EXPECT_EQ(rig.take(A), kConnect);
  EXPECT_EQ(rig.take(B), kConnect);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  EXPECT_EQ(rig.ex.state(B), ModemState::Online);
  rig.type(A, std::string("hello\0\xff", 7));
  EXPECT_EQ(rig.take(B), std::string("hello\0\xff", 7));
  rig.type(B, "ATH\r+++world");
  EXPECT_EQ(rig.take(A), "ATH\r+++world");

  auto dial = rig.named("dial");
  ASSERT_EQ(dial.size(), 1u);
  EXPECT_EQ(dial[0].str("line"), "mA");
  EXPECT_EQ(dial[0].str("raw"), "T555-1234");
  EXPECT_EQ(dial[0].str("digits"), "5551234");
  EXPECT_EQ(rig.named("ring").size(), 2u);
  ASSERT_EQ(rig.named("answer").size(), 1u);
  EXPECT_EQ(rig.named("answer")[0].str("by"), "ata");
  ASSERT_EQ(rig.named("connect").size(), 1u);
  EXPECT_EQ(rig.named("connect")[0].str("caller"), "mA");
  EXPECT_EQ(rig.named("connect")[0].str("callee"), "mB");
}

TEST(Call, AutoAnswerAfterS0Rings) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(B, "ATS0=3\r");
  rig.take(B);
  rig.type(A, "ATD5551234\r");
  rig.advance(500);
  rig.advance(2000);
  EXPECT_EQ(rig.take(B), std::string(kRing) + kRing);
  EXPECT_EQ(rig.ex.state(B), ModemState::Ringing);
  rig.advance(2000);
  EXPECT_EQ(rig.take(B), std::string(kRing) + kConnect);
  EXPECT_EQ(rig.take(A), kConnect);
  EXPECT_EQ(rig.named("answer")[0].str("by"), "auto");
  EXPECT_EQ(rig.ex.settings(B).regs[1], 3);
}

TEST(Call, CallerIdComesAfterTheFirstRingOnlyWhenAsked) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(B, "AT+VCID=1\r");
  EXPECT_EQ(rig.take(B), "\r\nOK\r\n");
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(B), std::string(kRing) + "\r\nNMBR = " + rig.ex.lineNumber(A) + "\r\n");
  rig.advance(2000);
  EXPECT_EQ(rig.take(B), kRing);  // once per call
  ASSERT_EQ(rig.named("caller-id").size(), 1u);
  EXPECT_EQ(rig.named("caller-id")[0].str("caller-number"), rig.ex.lineNumber(A));
  rig.type(B, "ATZ\r");  // a reset turns caller ID off again
  rig.take(B);
  EXPECT_EQ(rig.ex.settings(B).callerId, 0u);
}

TEST(Call, NoCallerIdUnlessTheModemAskedForIt) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(B), kRing);
  EXPECT_TRUE(rig.named("caller-id").empty());
}

TEST(Call, BusyWhenCalleeOffHook) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(B, "ATH1\r");
  EXPECT_EQ(rig.take(B), "\r\nOK\r\n");
  EXPECT_EQ(rig.ex.state(B), ModemState::OffHook);
  ASSERT_EQ(rig.named("offhook").size(), 1u);
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(A), "\r\nBUSY\r\n");
  EXPECT_EQ(rig.take(B), "");
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  ASSERT_EQ(rig.named("busy").size(), 1u);
  EXPECT_EQ(rig.named("busy")[0].str("reason"), "offhook");
  rig.type(B, "ATH0\r");
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);
  EXPECT_EQ(rig.named("onhook").size(), 1u);
}

TEST(Call, BusyWhenCalleeInCallAndWhenDiallingSelf) {
  Rig rig = threeLines();
  rig.openQuiet();
  connectAB(rig);
  rig.type(C, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(C), "\r\nBUSY\r\n");
  EXPECT_EQ(rig.named("busy").back().str("reason"), "online");
  rig.type(C, "ATDT5559999\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(C), "\r\nBUSY\r\n");
  EXPECT_EQ(rig.named("busy").back().str("reason"), "self");
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
}

TEST(Call, UnknownNumberGivesNoCarrier) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT4242\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.named("no-carrier").back().str("reason"), "unknown-number");
  rig.type(A, "ATDTW,\r");  // no digits at all
  rig.advance(500);
  EXPECT_EQ(rig.take(A), kNoCarrier);
}

TEST(Call, NoAnswerAfterMaxRings) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500 + 3 * 2000);
  EXPECT_EQ(rig.named("ring").size(), 4u);
  EXPECT_EQ(rig.take(A), "");
  rig.advance(1999);
  EXPECT_EQ(rig.take(A), "");
  rig.advance(1);
  EXPECT_EQ(rig.take(A), "\r\nNO ANSWER\r\n");
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);
  EXPECT_EQ(rig.named("no-answer").size(), 1u);
  EXPECT_EQ(rig.named("no-answer")[0].num("rings"), 4);
  rig.advance(10000);
  EXPECT_EQ(rig.named("ring").size(), 4u);
}

TEST(Call, RingsAreNotDeliveredWhileCalleePortIsClosed) {
  Rig rig = threeLines();
  rig.open(A);
  rig.type(A, "ATE0\r");
  rig.take(A);
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(B), "");
  ASSERT_EQ(rig.named("ring").size(), 1u);
  EXPECT_FALSE(std::get<bool>(rig.named("ring")[0].fields[4].second));
  rig.open(B);  // the DTE opens the port while it rings: the next RING is delivered
  rig.advance(2000);
  EXPECT_EQ(rig.take(B), kRing);
}

TEST(Call, KeypressWhileDiallingAborts) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r\n");  // a LF right after the CR does not abort
  rig.advance(500);
  EXPECT_EQ(rig.take(B), kRing);
  EXPECT_EQ(rig.ex.state(A), ModemState::Dialling);
  rig.type(A, "x");
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);
  EXPECT_EQ(rig.named("abort").size(), 1u);
  rig.advance(10000);
  EXPECT_EQ(rig.take(B), "");
  // abort during the dial delay too, and the rest of the chunk is a new command
  rig.type(A, "ATDT5551234\r");
  rig.type(A, " AT\r");
  EXPECT_EQ(rig.take(A), std::string(kNoCarrier) + "\r\nOK\r\n");
}

TEST(Call, AtaWithNothingRingingAndDialFromRingingRejects) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  rig.take(B);
  rig.type(B, "ATDT5559999\r");  // B dials out instead of answering
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.named("no-carrier").back().str("reason"), "far-end");
  EXPECT_EQ(rig.named("hangup").back().str("cause"), "rejected");
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.ex.state(B), ModemState::Dialling);
  rig.advance(500);
  EXPECT_EQ(rig.take(C), kRing);
}

TEST(Escape, GuardTimesBeforeAndAfter) {
  Rig rig = threeLines();
  rig.openQuiet();
  connectAB(rig);
  // too soon after data: no escape
  rig.advance(500);
  rig.type(A, "+++");
  rig.advance(3000);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  // data after the third '+' cancels
  rig.advance(1000);
  rig.type(A, "+++");
  rig.advance(500);
  rig.type(A, "x");
  rig.advance(3000);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  // four pluses are data
  rig.type(A, "++++");
  rig.advance(3000);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  // proper escape: guard, +++ (split over reads), guard
  rig.type(A, "+");
  rig.advance(200);
  rig.type(A, "++");
  rig.advance(999);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  EXPECT_EQ(rig.take(A), "");
  rig.advance(1);
  EXPECT_EQ(rig.ex.state(A), ModemState::Escaped);
  EXPECT_EQ(rig.take(A), "\r\nOK\r\n");
  EXPECT_EQ(rig.take(B), "++++++x+++++++");  // every '+' was relayed as data
  EXPECT_EQ(rig.named("escape").size(), 1u);
  // the call is held: B's data is discarded, command mode works, ATO resumes
  rig.type(B, "lost");
  rig.type(A, "ATS0?\r");
  EXPECT_EQ(rig.take(A), "\r\n000\r\n\r\nOK\r\n");
  rig.type(A, "ATD5559999\r");
  EXPECT_EQ(rig.take(A), "\r\nERROR\r\n");
  rig.type(A, "ATO\r");
  EXPECT_EQ(rig.take(A), kConnect);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  rig.type(B, "back");
  EXPECT_EQ(rig.take(A), "back");
}

TEST(Escape, GuardTimeFollowsS12) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATS12=5\r");  // 100 ms
  rig.take(A);
  connectAB(rig);
  rig.advance(100);
  rig.type(A, "+++");
  rig.advance(100);
  EXPECT_EQ(rig.ex.state(A), ModemState::Escaped);
}

TEST(Hangup, AthAfterEscapeGivesFarEndCarrierLoss) {
  Rig rig = threeLines();
  rig.openQuiet();
  connectAB(rig);
  rig.advance(1000);
  rig.type(A, "+++");
  rig.advance(1000);
  rig.take(A);
  EXPECT_EQ(rig.take(B), "+++");
  rig.type(A, "ATH0\r");
  EXPECT_EQ(rig.take(A), "\r\nOK\r\n");
  EXPECT_EQ(rig.take(B), kNoCarrier);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);
  EXPECT_TRUE(rig.vhangups.empty());
  rig.advance(199);
  EXPECT_TRUE(rig.vhangups.empty());
  rig.advance(1);
  ASSERT_EQ(rig.vhangups.size(), 1u);
  EXPECT_EQ(rig.vhangups[0], B);
  auto h = rig.named("hangup");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].str("line"), "mA");
  EXPECT_EQ(h[0].str("cause"), "ath");
  EXPECT_EQ(h[1].str("line"), "mB");
  EXPECT_EQ(h[1].str("cause"), "far-end");
}

TEST(Hangup, DtrDropHangsUpAndResets) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATS0=4\r");
  rig.take(A);
  connectAB(rig);
  rig.close(A);
  EXPECT_EQ(rig.take(B), kNoCarrier);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);
  EXPECT_EQ(rig.ex.settings(A).regs[0], 0);
  EXPECT_TRUE(rig.ex.settings(A).verbose);
  EXPECT_TRUE(rig.ex.settings(A).echo);
  EXPECT_EQ(rig.named("dtr-drop").size(), 1u);
  EXPECT_EQ(rig.named("hangup")[0].str("cause"), "dtr-drop");
  EXPECT_EQ(rig.named("hangup")[1].str("cause"), "far-end");
  EXPECT_EQ(rig.named("reset").back().str("reason"), "dtr-drop");
  rig.advance(200);
  EXPECT_EQ(rig.vhangups, std::vector<std::size_t>{B});
  // closing the far side too does not vhangup a closed port
  rig.close(B);
  rig.advance(1000);
  EXPECT_EQ(rig.vhangups.size(), 1u);
}

TEST(Hangup, DtrDropWhileRingingStopsTheCall) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  rig.take(B);
  rig.close(B);
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
}

TEST(Hangup, AtzDuringHeldCallHangsUp) {
  Rig rig = threeLines();
  rig.openQuiet();
  connectAB(rig);
  rig.advance(1000);
  rig.type(B, "+++");
  rig.advance(1000);
  rig.take(B);
  EXPECT_EQ(rig.take(A), "+++");
  rig.type(B, "ATZ\r");
  EXPECT_EQ(rig.take(B), "\r\nOK\r\n");
  EXPECT_EQ(rig.take(A), kNoCarrier);
  auto h = rig.named("hangup");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].str("line"), "mA");
  EXPECT_EQ(h[0].str("cause"), "far-end");
  EXPECT_EQ(h[1].str("line"), "mB");
  EXPECT_EQ(h[1].str("cause"), "atz");
}

TEST(Faults, BusyNoAnswerAndNoDialtone) {
  Faults f;
  f.busy = true;
  Rig rig = threeLines(f);
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(A), "\r\nBUSY\r\n");
  EXPECT_EQ(rig.named("busy")[0].str("reason"), "fault");

  EXPECT_EQ(rig.control("busy mB off"), "ok");
  EXPECT_EQ(rig.control("noanswer 5551234 on"), "ok");
  rig.type(B, "ATS0=1\r");
  rig.take(B);
  rig.type(A, "ATDT5551234\r");
  rig.advance(500 + 4 * 2000);
  EXPECT_EQ(rig.take(A), "\r\nNO ANSWER\r\n");
  EXPECT_EQ(rig.take(B), "");  // the callee never saw the call
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);

  EXPECT_EQ(rig.control("nodialtone mA on"), "ok");
  rig.type(A, "ATDT5559999\r");
  EXPECT_EQ(rig.take(A), "\r\nNO DIALTONE\r\n");
  EXPECT_EQ(rig.named("no-dialtone").size(), 1u);
  EXPECT_EQ(rig.named("dial").back().str("digits"), "5559999");
  rig.advance(5000);
  EXPECT_EQ(rig.take(C), "");
}

TEST(Faults, AnswerAfterOverridesS0) {
  Faults f;
  f.answerAfter = 2;
  Rig rig = threeLines(f);
  rig.openQuiet();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(A), "");
  rig.advance(2000);
  EXPECT_EQ(rig.take(A), kConnect);
  EXPECT_EQ(rig.take(B), std::string(kRing) + kRing + kConnect);
  EXPECT_EQ(rig.named("answer")[0].str("by"), "fault");
}

TEST(Faults, DropAfterEndsTheCall) {
  Rig rig = threeLines();
  rig.openQuiet();
  EXPECT_EQ(rig.control("drop-after mB 10"), "ok");
  connectAB(rig);
  rig.advance(9999);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  rig.advance(1);
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.take(B), kNoCarrier);
  EXPECT_EQ(rig.named("hangup")[0].str("cause"), "fault-drop");
  EXPECT_EQ(rig.named("hangup")[1].str("cause"), "fault-drop");
  rig.advance(200);
  EXPECT_EQ(rig.vhangups.size(), 2u);
}

TEST(Faults, RefuseNextCalls) {
  Rig rig = threeLines();
  rig.openQuiet();
  EXPECT_EQ(rig.control("refuse 5551234 2"), "ok");
  for (int i = 0; i < 2; ++i) {
    rig.type(A, "ATDT5551234\r");
    rig.advance(500);
    EXPECT_EQ(rig.take(A), "\r\nBUSY\r\n");
    EXPECT_EQ(rig.named("busy").back().str("reason"), "refused");
  }
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(B), kRing);
}

TEST(Faults, ControlHangupDropsBothSides) {
  Rig rig = threeLines();
  rig.openQuiet();
  connectAB(rig);
  EXPECT_EQ(rig.control("hangup mA"), "ok");
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.take(B), kNoCarrier);
  EXPECT_EQ(rig.named("hangup")[0].str("cause"), "control");
  EXPECT_EQ(rig.named("hangup")[1].str("cause"), "control");
  EXPECT_EQ(rig.control("hangup mA"), "error: line mA has no call");
}

TEST(Control, ParsesAndRejects) {
  Rig rig = threeLines();
  EXPECT_EQ(rig.control("ping"), "ok");
  EXPECT_EQ(rig.control(""), "error: empty command");
  EXPECT_EQ(rig.control("frobnicate mA"), "error: unknown command frobnicate");
  EXPECT_EQ(rig.control("busy"), "error: busy: missing line name or number");
  EXPECT_EQ(rig.control("busy mZ on"), "error: unknown line mZ");
  EXPECT_EQ(rig.control("busy mA maybe"), "error: usage: busy LINE on|off");
  EXPECT_EQ(rig.control("refuse mA -1"), "error: usage: refuse LINE N");
  EXPECT_EQ(rig.control("drop-after mA 1.5"), "ok");
  EXPECT_EQ(rig.ex.faults(A).dropAfterMs, 1500);
  EXPECT_EQ(rig.control("answer-after mA 3"), "ok");
  EXPECT_EQ(describeFaults(rig.ex.faults(A)), "answer-after=3,drop-after=1.5");
  EXPECT_EQ(rig.control("clear mA"), "ok");
  EXPECT_EQ(describeFaults(rig.ex.faults(A)), "none");
  const std::string status = rig.control("status");
  EXPECT_EQ(status.rfind("ok\nmA 5550001 state=idle port=closed faults=none\n", 0), 0u) << status;
  EXPECT_EQ(rig.named("control").size(), 11u);
}

TEST(Control, HangupPutsOffHookLineOnHook) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(B, "ATH1\r");
  EXPECT_EQ(rig.control("hangup mB"), "ok");
  EXPECT_EQ(rig.ex.state(B), ModemState::Idle);
}

TEST(Log, CommandLinesAreLoggedRaw) {
  Rig rig = threeLines();
  rig.openQuiet();
  rig.type(A, "AT&F\x01Z\r");
  auto c = rig.named("command");
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().str("text"), "AT&F\x01Z");
  EXPECT_EQ(rig.take(A), "\r\nERROR\r\n");
}

}  // namespace
}  // namespace mscb::pstn
