// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests: the 27.010 basic-option responder that gives pstn-sim lines modem signals.
#include <gtest/gtest.h>

#include "gsm.h"

namespace mscb::pstn {
namespace {

std::string bytes(std::initializer_list<unsigned> v) {
  std::string s;
  for (unsigned b : v) s += static_cast<char>(b);
  return s;
}

// What the kernel's initiator sends: commands carry C/R=1.
std::string sabm(unsigned dlci) { return gsmFrame(dlci, true, 0x3F, {}); }
std::string disc(unsigned dlci) { return gsmFrame(dlci, true, 0x53, {}); }
std::string msc(unsigned dlci, unsigned bits) {
  return gsmFrame(0, true, 0xEF, bytes({0xE3, 0x05, (dlci << 2) | 3, (bits << 1) | 1}));
}

TEST(Gsm, FramesMatchTheSpecificationsExamples) {
  // SABM and UA on DLCI 0: the well-known opening exchange of every 27.010 mux
  EXPECT_EQ(sabm(0), bytes({0xF9, 0x03, 0x3F, 0x01, 0x1C, 0xF9}));
  EXPECT_EQ(gsmFrame(0, true, 0x73, {}), bytes({0xF9, 0x03, 0x73, 0x01, 0xD7, 0xF9}));
}

TEST(Gsm, LongFramesUseTwoLengthOctets) {
  const std::string data(300, 'x');
  const std::string f = gsmFrame(1, false, 0xEF, data);
  ASSERT_EQ(f.size(), 1 + 4 + 300 + 2u);
  EXPECT_EQ(static_cast<unsigned char>(f[3]), (300 & 127) << 1);  // EA clear: more follows
  EXPECT_EQ(static_cast<unsigned char>(f[4]), 300 >> 7);
  // the responder reads its own encoding back (as the kernel does)
  GsmResponder echo(512);
  echo.feed(sabm(0) + sabm(1));
  auto ev = echo.feed(gsmFrame(1, true, 0xEF, data));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GsmEvent::Kind::Data);
  EXPECT_EQ(ev[0].data, data);
}

TEST(Gsm, OpenModemDataAndClose) {
  GsmResponder r(64);
  auto ev = r.feed(sabm(0));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GsmEvent::Kind::Mux);
  EXPECT_EQ(r.takeOutput(), bytes({0xF9, 0x03, 0x73, 0x01, 0xD7, 0xF9}));

  ev = r.feed(sabm(1));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GsmEvent::Kind::Open);
  EXPECT_EQ(ev[0].dlci, 1u);
  EXPECT_EQ(r.takeOutput(), gsmFrame(1, true, 0x73, {}));
  EXPECT_TRUE(r.isOpen(1));

  // DTR and RTS up: an MSC command, answered with the same value and C/R clear
  ev = r.feed(msc(1, kMdmRtc | kMdmRtr | kMdmDv));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GsmEvent::Kind::Modem);
  EXPECT_EQ(ev[0].dlci, 1u);
  EXPECT_EQ(ev[0].bits, kMdmRtc | kMdmRtr | kMdmDv);
  EXPECT_EQ(r.takeOutput(), gsmFrame(0, false, 0xEF, bytes({0xE1, 0x05, 0x07, 0x8D})));

  // data split across reads and a frame whose closing flag is followed by the next opening one
  const std::string two = gsmFrame(1, true, 0xEF, "AT\r") + gsmFrame(1, true, 0xEF, "Z\r");
  ev = r.feed(two.substr(0, 4));
  EXPECT_TRUE(ev.empty());
  ev = r.feed(two.substr(4));
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].data, "AT\r");
  EXPECT_EQ(ev[1].data, "Z\r");

  ev = r.feed(disc(1));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, GsmEvent::Kind::Close);
  EXPECT_EQ(r.takeOutput(), gsmFrame(1, true, 0x73, {}));
  EXPECT_FALSE(r.isOpen(1));
  EXPECT_EQ(r.badFrames(), 0u);
}

TEST(Gsm, ClosedChannelsGetDmAndBadFcsIsDropped) {
  GsmResponder r(64);
  r.feed(sabm(0));
  r.takeOutput();
  EXPECT_TRUE(r.feed(gsmFrame(2, true, 0xEF, "x")).empty());
  EXPECT_EQ(r.takeOutput(), gsmFrame(2, true, 0x0F, {}));
  EXPECT_TRUE(r.feed(disc(2)).empty());
  EXPECT_EQ(r.takeOutput(), gsmFrame(2, true, 0x1F, {}));

  std::string bad = sabm(1);
  bad[4] = static_cast<char>(bad[4] ^ 1);
  EXPECT_TRUE(r.feed(bad).empty());
  EXPECT_EQ(r.badFrames(), 1u);
  EXPECT_FALSE(r.isOpen(1));
  EXPECT_EQ(r.takeOutput(), "");
}

TEST(Gsm, UnknownControlCommandsGetNsc) {
  GsmResponder r(64);
  r.feed(sabm(0));
  r.takeOutput();
  // RPN (remote port negotiation) is not supported: "not supported command" names it
  EXPECT_TRUE(r.feed(gsmFrame(0, true, 0xEF, bytes({0x93, 0x01}))).empty());
  EXPECT_EQ(r.takeOutput(), gsmFrame(0, false, 0xEF, bytes({0x11, 0x03, 0x93})));
  // TEST is echoed
  r.feed(gsmFrame(0, true, 0xEF, bytes({0x23, 0x03, 0x2A})));
  EXPECT_EQ(r.takeOutput(), gsmFrame(0, false, 0xEF, bytes({0x21, 0x03, 0x2A})));
}

TEST(Gsm, OutgoingDataAndModemStatus) {
  GsmResponder r(4);
  r.sendData(1, "abcdef");
  EXPECT_EQ(r.takeOutput(), gsmFrame(1, false, 0xEF, "abcd") + gsmFrame(1, false, 0xEF, "ef"));
  r.sendModemStatus(1, kMdmRtc | kMdmRtr | kMdmDv);
  EXPECT_EQ(r.takeOutput(), gsmFrame(0, false, 0xEF, bytes({0xE3, 0x05, 0x07, 0x8D})));
}

}  // namespace
}  // namespace mscb::pstn
