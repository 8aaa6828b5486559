// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests: lines with modem signals: DCD (&C), DTR loss (&D), RI while ringing, signal events.
#include <gtest/gtest.h>

#include "rig.h"

namespace mscb::pstn {
namespace {

using testing::Rig;

constexpr std::size_t A = 0, B = 1;
constexpr const char* kConnect = "\r\nCONNECT 33600\r\n";
constexpr const char* kRing = "\r\nRING\r\n";
constexpr const char* kNoCarrier = "\r\nNO CARRIER\r\n";
constexpr std::uint8_t kIdle = kSigDsr | kSigCts;

LineSpec sigLine(std::string name, std::string number) {
  LineSpec l{std::move(name), std::move(number), {}};
  l.signals = true;
  return l;
}

// Both DTEs open their ports, raise DTR and turn echo off.
Rig signalRig() {
  Rig rig({sigLine("mA", "5550001"), sigLine("mB", "5551234")});
  for (std::size_t l : {A, B}) {
    rig.open(l);
    rig.dte(l, true);
    rig.type(l, "ATE0\r");
    rig.take(l);
  }
  return rig;
}

void connectAB(Rig& rig) {
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  ASSERT_EQ(rig.take(B), kRing);
  rig.type(B, "ATA\r");
  ASSERT_EQ(rig.take(A), kConnect);
  ASSERT_EQ(rig.take(B), kConnect);
}

// The "signal" events of a line, as "NAME=on/off by WHO".
std::vector<std::string> signalLog(const Rig& rig, const std::string& line) {
  std::vector<std::string> out;
  for (const Event& e : rig.named("signal")) {
    if (e.str("line") != line) continue;
    bool on = false;
    for (const auto& [key, value] : e.fields) {
      if (key == "on") on = std::get<bool>(value);
    }
    out.push_back(e.str("signal") + (on ? "=on" : "=off") + " by " + e.str("by"));
  }
  return out;
}

TEST(Signals, OpenRaisesDsrAndCtsButNotDcd) {
  Rig rig({sigLine("mA", "5550001"), sigLine("mB", "5551234")});
  EXPECT_TRUE(rig.signals.empty());  // nothing is told to a port nobody holds
  rig.open(A);
  ASSERT_EQ(rig.signals.size(), 1u);
  EXPECT_EQ(rig.signals[0].first, A);
  EXPECT_EQ(rig.signals[0].second, kIdle);
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle);
  rig.dte(A, true, true);
  EXPECT_EQ(signalLog(rig, "mA"), (std::vector<std::string>{"DSR=on by modem", "CTS=on by modem",
                                                             "RTS=on by dte", "DTR=on by dte"}));
}

TEST(Signals, DcdFollowsTheCarrierWithC1) {
  Rig rig = signalRig();
  connectAB(rig);
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle | kSigDcd);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle | kSigDcd);
  rig.control("hangup mB");
  EXPECT_EQ(rig.take(A), kNoCarrier);
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle);
  rig.advance(1000);
  EXPECT_TRUE(rig.vhangups.empty());  // DCD tells the DTE; no vhangup on a line with signals
  // NO CARRIER is written before DCD falls
  EXPECT_EQ(signalLog(rig, "mA").back(), "DCD=off by modem");
}

TEST(Signals, UnplugOffHookDropsEverySignalAndRemovesTheLine) {
  Rig rig = signalRig();
  rig.type(A, "ATH1\r");  // the callback delay: off hook
  rig.take(A);
  EXPECT_EQ(rig.control("unplug mA"), "ok");
  EXPECT_EQ(rig.ex.modemSignals(A), 0);
  EXPECT_EQ(rig.unplugs, std::vector<std::size_t>{A});
  EXPECT_EQ(signalLog(rig, "mA").back(), "CTS=off by modem");
  EXPECT_EQ(rig.named("unplug").size(), 1u);
  // Gone for good: no more input, and its number rings unanswered.
  rig.type(A, "ATZ\r");
  EXPECT_EQ(rig.take(A), "");
  EXPECT_EQ(rig.control("unplug mA"), "error: line mA is already unplugged");
  rig.type(B, "ATDT5550001\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(A), "");
  EXPECT_NE(rig.control("status").find("mA 5550001 state=idle port=unplugged"), std::string::npos);
}

TEST(Signals, UnplugEndsTheCallForTheFarEnd) {
  Rig rig = signalRig();
  connectAB(rig);
  EXPECT_EQ(rig.control("unplug mA"), "ok");
  EXPECT_EQ(rig.take(B), kNoCarrier);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle);
  auto h = rig.named("hangup");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].str("cause"), "unplug");
  EXPECT_EQ(h[1].str("cause"), "far-end");
}

TEST(Signals, UnplugNeedsALineWithSignals) {
  Rig rig({LineSpec{"mA", "5550001", {}}});
  EXPECT_EQ(rig.control("unplug mA"),
            "error: line mA has no modem signals (only a `signals` line can be unplugged)");
  EXPECT_EQ(rig.control("unplug"), "error: unplug: missing line name or number");
  EXPECT_TRUE(rig.unplugs.empty());
}

TEST(Signals, C0KeepsDcdOn) {
  Rig rig = signalRig();
  rig.type(A, "AT&C0\r");
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle | kSigDcd);
  rig.type(A, "AT&C1\r");
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle);
}

TEST(Signals, RiDuringRingBursts) {
  Rig rig = signalRig();
  rig.type(A, "ATDT5551234\r");
  rig.advance(500);
  EXPECT_EQ(rig.take(B), kRing);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle | kSigRi);
  rig.advance(999);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle | kSigRi);
  rig.advance(1);  // half the ring interval
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle);
  rig.advance(1000);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle | kSigRi);
  rig.type(B, "ATA\r");
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle | kSigDcd);  // answering ends the burst
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle | kSigDcd);
}

TEST(Signals, D2DtrLossHangsUpAndKeepsSettings) {
  Rig rig = signalRig();
  connectAB(rig);
  rig.dte(A, false);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.take(B), kNoCarrier);
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle);
  EXPECT_EQ(rig.ex.modemSignals(B), kIdle);
  auto drops = rig.named("dtr-drop");
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].str("mode"), "&D2");
  EXPECT_EQ(drops[0].str("state"), "online");
  auto hangups = rig.named("hangup");
  ASSERT_EQ(hangups.size(), 2u);
  EXPECT_EQ(hangups[0].str("cause"), "dtr-drop");
  EXPECT_EQ(hangups[1].str("cause"), "far-end");
  EXPECT_TRUE(rig.named("reset").empty());
  rig.dte(A, true);
  rig.type(A, "AT\r");
  EXPECT_EQ(rig.take(A), "\r\nOK\r\n");  // still E0: &D2 does not reset
}

TEST(Signals, D3DtrLossResets) {
  Rig rig = signalRig();
  rig.type(A, "AT&D3\r");
  rig.take(A);
  connectAB(rig);
  rig.dte(A, false);
  EXPECT_EQ(rig.ex.state(A), ModemState::Idle);
  EXPECT_EQ(rig.named("reset").size(), 1u);
  rig.type(A, "AT\r");
  EXPECT_EQ(rig.take(A), "AT\r\r\nOK\r\n");  // echo is back: defaults restored
}

TEST(Signals, D0IgnoresDtrAndD1GoesToCommandMode) {
  Rig rig = signalRig();
  rig.type(A, "AT&D0\r");
  rig.take(A);
  connectAB(rig);
  rig.dte(A, false);
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  EXPECT_EQ(rig.take(B), "");
  rig.dte(A, true);
  rig.advance(1500);
  rig.type(A, "+++");
  rig.advance(1000);
  EXPECT_EQ(rig.take(A), "\r\nOK\r\n");
  rig.type(A, "AT&D1O\r");
  EXPECT_EQ(rig.take(A), kConnect);
  rig.dte(A, false);
  EXPECT_EQ(rig.ex.state(A), ModemState::Escaped);
  EXPECT_EQ(rig.take(A), "\r\nOK\r\n");
  EXPECT_EQ(rig.ex.modemSignals(A), kIdle | kSigDcd);  // the call is held: carrier stays
}

TEST(Signals, ClosingThePortDoesNotEndTheCall) {
  Rig rig = signalRig();
  connectAB(rig);
  rig.close(A);  // without HUPCL: DTR stays up, the modem keeps the call
  EXPECT_EQ(rig.ex.state(A), ModemState::Online);
  EXPECT_EQ(rig.named("close").size(), 1u);
  EXPECT_TRUE(rig.named("dtr-drop").empty());
  rig.open(A);  // a reopened gsmtty is told the signals again
  EXPECT_EQ(rig.signals.back().first, A);
  EXPECT_EQ(rig.signals.back().second, kIdle | kSigDcd);
}

}  // namespace
}  // namespace mscb::pstn
