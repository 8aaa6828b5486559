// SPDX-License-Identifier: GPL-2.0-or-later
// Test rig for the pure core: an Exchange driven by a fake clock, outputs collected per line.
#pragma once

#include <string>
#include <vector>

#include "exchange.h"

namespace mscb::pstn::testing {

inline ExchangeConfig testConfig() {
  ExchangeConfig c;
  c.ringIntervalMs = 2000;
  c.maxRings = 4;
  c.guardMs = 1000;
  c.dialDelayMs = 500;
  c.hangupDelayMs = 200;
  c.connectRate = 33600;
  return c;
}

inline LineSpec line(std::string name, std::string number, Faults faults = {}) {
  return LineSpec{std::move(name), std::move(number), faults};
}

struct Rig {
  explicit Rig(std::vector<LineSpec> lines, ExchangeConfig config = testConfig())
      : ex(config, std::move(lines)), out(ex.lineCount()) {}

  void pump() {
    for (auto& a : ex.takeActions()) {
      if (a.kind == Action::Kind::Write) out[a.line] += a.data;
      if (a.kind == Action::Kind::Vhangup) vhangups.push_back(a.line);
      if (a.kind == Action::Kind::Log) events.push_back(a.event);
      if (a.kind == Action::Kind::Signals) signals.emplace_back(a.line, a.signals);
      if (a.kind == Action::Kind::Unplug) unplugs.push_back(a.line);
    }
  }
  void open(std::size_t l) {
    ex.portOpened(l, now);
    pump();
  }
  void close(std::size_t l) {
    ex.portClosed(l, now);
    pump();
  }
  void dte(std::size_t l, bool dtr, bool rts = true) {
    ex.dteSignals(l, dtr, rts, now);
    pump();
  }
  void type(std::size_t l, std::string_view s) {
    ex.input(l, s, now);
    pump();
  }
  void advance(Millis ms) {
    now += ms;
    ex.tick(now);
    pump();
  }
  std::string control(std::string_view cmd) {
    std::string r = ex.control(cmd, now);
    pump();
    return r;
  }
  std::string take(std::size_t l) {
    std::string s;
    s.swap(out[l]);
    return s;
  }
  std::vector<Event> named(std::string_view name) const {
    std::vector<Event> r;
    for (const auto& e : events) {
      if (e.name == name) r.push_back(e);
    }
    return r;
  }
  // Opens all ports and turns echo off, discarding the output.
  void openQuiet() {
    for (std::size_t l = 0; l < ex.lineCount(); ++l) {
      open(l);
      type(l, "ATE0\r");
      take(l);
    }
  }

  Exchange ex;
  std::vector<std::string> out;
  std::vector<std::pair<std::size_t, std::uint8_t>> signals;  // Signals actions
  std::vector<Event> events;
  std::vector<std::size_t> vhangups;
  std::vector<std::size_t> unplugs;  // Unplug actions
  Millis now = 100000;
};

}  // namespace mscb::pstn::testing
