// SPDX-License-Identifier: GPL-2.0-or-later
// The pure simulator core: Hayes modems on lines plus the exchange that routes calls.
#include "exchange.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace mscb::pstn {
namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::int64_t i64(unsigned v) { return static_cast<std::int64_t>(v); }

std::vector<std::string> splitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::optional<unsigned> parseCount(const std::string& s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

// Seconds with up to three decimals ("10", "0.5") to milliseconds.
std::optional<Millis> parseSecondsMs(const std::string& s) {
  const auto dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (frac.size() > 3) return std::nullopt;
  auto w = whole.empty() ? std::optional<unsigned>(0) : parseCount(whole);
  while (frac.size() < 3) frac.push_back('0');
  auto f = parseCount(frac);
  if (!w || !f) return std::nullopt;
  return static_cast<Millis>(*w) * 1000 + static_cast<Millis>(*f);
}

}  // namespace

std::string describeFaults(const Faults& f) {
  std::string out;
  auto add = [&out](const std::string& s) { out += (out.empty() ? "" : ",") + s; };
  if (f.busy) add("busy");
  if (f.noAnswer) add("noanswer");
  if (f.noDialtone) add("nodialtone");
  if (f.answerAfter) add("answer-after=" + std::to_string(f.answerAfter));
  if (f.dropAfterMs) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(f.dropAfterMs / 1000),
                  static_cast<long long>(f.dropAfterMs % 1000));
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    add("drop-after=" + s);
  }
  if (f.refuse) add("refuse=" + std::to_string(f.refuse));
  return out.empty() ? "none" : out;
}

Exchange::Exchange(ExchangeConfig config, std::vector<LineSpec> lines) : config_(config) {
  for (auto& spec : lines) {
    Modem m;
    m.name = std::move(spec.name);
    m.number = std::move(spec.number);
    m.faults = spec.faults;
    m.signals = spec.signals;
    m.settings = defaultSettings(static_cast<unsigned>(config_.guardMs));
    modems_.push_back(std::move(m));
  }
}

std::optional<std::size_t> Exchange::findLine(std::string_view key) const {
  for (std::size_t i = 0; i < modems_.size(); ++i) {
    if (modems_[i].name == key || modems_[i].number == key) return i;
  }
  return std::nullopt;
}

// ---- small helpers ---------------------------------------------------------------------

void Exchange::setState(std::size_t line, ModemTrigger trigger) {
  Modem& m = modems_[line];
  auto next = transition(m.state, trigger);
  if (!next) {
    throw std::logic_error(std::string("pstn: invalid transition ") + toString(m.state) + " --" +
                           toString(trigger) + "--> ?");
  }
  m.state = *next;
}

void Exchange::write(std::size_t line, std::string data) {
  if (data.empty()) return;
  if (!actions_.empty() && actions_.back().kind == Action::Kind::Write &&
      actions_.back().line == line) {
    actions_.back().data += data;
    return;
  }
  Action a;
  a.kind = Action::Kind::Write;
  a.line = line;
  a.data = std::move(data);
  actions_.push_back(std::move(a));
}

void Exchange::result(std::size_t line, ResultCode code) {
  write(line, formatResult(modems_[line].settings, code, config_.connectRate));
}

void Exchange::log(Event event) {
  Action a;
  a.kind = Action::Kind::Log;
  a.event = std::move(event);
  actions_.push_back(std::move(a));
}

Event Exchange::lineEvent(const char* name, std::size_t line) const {
  Event e;
  e.name = name;
  e.add("line", modems_[line].name).add("number", modems_[line].number);
  return e;
}

std::vector<Action> Exchange::takeActions() {
  // Signals follow from the state every entry point left behind; they go after its writes
  // (NO CARRIER reaches the DTE before DCD falls).
  for (std::size_t i = 0; i < modems_.size(); ++i) refreshSignals(i);
  std::vector<Action> out;
  out.swap(actions_);
  return out;
}

std::optional<std::size_t> Exchange::peerOf(std::size_t line) const {
  const Modem& m = modems_[line];
  if (!m.callId) return std::nullopt;
  const auto it = calls_.find(*m.callId);
  if (it == calls_.end()) return std::nullopt;
  const Call& c = it->second;
  if (c.caller == line) {
    if (c.callee && c.calleeAttached) return c.callee;
    return std::nullopt;
  }
  return c.caller;
}

// ---- DTE input -------------------------------------------------------------------------

void Exchange::input(std::size_t line, std::string_view bytes, Millis now) {
  tick(now);
  if (modems_[line].unplugged) return;
  std::size_t i = 0;
  while (i < bytes.size()) {
    Modem& m = modems_[line];
    if (m.state == ModemState::Online) {
      onlineInput(line, bytes.substr(i), now);
      return;
    }
    const char c = bytes[i++];
    if (m.state == ModemState::Dialling) {
      if (m.swallowLf && c == '\n') {
        m.swallowLf = false;
        continue;
      }
      // Any character aborts a call being set up; the character itself is consumed.
      Event e = lineEvent("abort", line);
      e.add("call", i64(*m.callId));
      log(std::move(e));
      endCall(*m.callId, now, "abort", line, std::nullopt);
      setState(line, ModemTrigger::CallEnded);
      Event nc = lineEvent("no-carrier", line);
      nc.add("reason", "abort");
      log(std::move(nc));
      result(line, ResultCode::NoCarrier);
      continue;
    }
    commandInput(line, c, now);
  }
}

void Exchange::commandInput(std::size_t line, char c, Millis now) {
  Modem& m = modems_[line];
  const auto cr = static_cast<char>(m.settings.regs[3]);
  const auto lf = static_cast<char>(m.settings.regs[4]);
  const auto bs = static_cast<char>(m.settings.regs[5]);
  if (m.settings.echo) write(line, std::string(1, c));
  if (c == cr) {
    std::string text;
    text.swap(m.lineBuf);
    if (!text.empty()) executeLine(line, text, now);
    return;
  }
  if (c == lf || c == '\n') return;
  if (c == bs || c == 0x7f) {
    if (!m.lineBuf.empty()) m.lineBuf.pop_back();
    return;
  }
  if (m.lineBuf.size() < 1024) m.lineBuf.push_back(c);
}

void Exchange::executeLine(std::size_t line, const std::string& text, Millis now) {
  {
    Event e = lineEvent("command", line);
    e.add("text", text);
    log(std::move(e));
  }
  const ParsedLine parsed = parseCommandLine(text);
  if (!parsed.isAt) return;  // not a command line: ignored, like real modems
  if (!parsed.ok) {
    result(line, ResultCode::Error);
    return;
  }
  for (const AtCommand& cmd : parsed.commands) {
    Modem& m = modems_[line];
    switch (cmd.kind) {
      case AtCommand::Kind::Echo:
        m.settings.echo = cmd.value != 0;
        break;
      case AtCommand::Kind::Quiet:
        m.settings.quiet = cmd.value != 0;
        break;
      case AtCommand::Kind::Verbose:
        m.settings.verbose = cmd.value != 0;
        break;
      case AtCommand::Kind::SetReg:
        m.settings.regs[cmd.reg] = static_cast<std::uint8_t>(cmd.value);
        if (cmd.reg == 12) m.settings.guardMs = cmd.value * 20;
        break;
      case AtCommand::Kind::QueryReg: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%03u", static_cast<unsigned>(m.settings.regs[cmd.reg]));
        write(line, formatInfo(m.settings, buf));
        break;
      }
      case AtCommand::Kind::SelectReg:
      case AtCommand::Kind::Ignored:
        break;
      case AtCommand::Kind::DcdMode:
        m.settings.dcdMode = cmd.value;  // takes effect through refreshSignals
        break;
      case AtCommand::Kind::DtrMode:
        m.settings.dtrMode = cmd.value;
        break;
      case AtCommand::Kind::CallerId:
        m.settings.callerId = cmd.value;
        break;
      case AtCommand::Kind::Reset:
        if (m.callId) endCall(*m.callId, now, "atz", line, std::nullopt);
        setState(line, ModemTrigger::OnHook);
        resetModem(line, "command");
        break;
      case AtCommand::Kind::Hook:
        if (m.callId) endCall(*m.callId, now, "ath", line, std::nullopt);
        if (cmd.value == 0) {
          setState(line, ModemTrigger::OnHook);
          log(lineEvent("onhook", line));
        } else {
          setState(line, ModemTrigger::OffHook);
          log(lineEvent("offhook", line));
        }
        break;
      case AtCommand::Kind::Answer:
        if (m.state == ModemState::Ringing) {
          answer(calls_.at(*m.callId), now, "ata");
        } else if (m.state == ModemState::Escaped) {
          result(line, ResultCode::Error);
        } else {
          Event e = lineEvent("no-carrier", line);
          e.add("reason", "nothing-to-answer");
          log(std::move(e));
          result(line, ResultCode::NoCarrier);
        }
        return;
      case AtCommand::Kind::Online:
        if (m.state == ModemState::Escaped) {
          setState(line, ModemTrigger::Resume);
          m.lastDataAt = now;
          m.plusCount = 0;
          m.escapeAt.reset();
          Event e = lineEvent("online", line);
          e.add("call", i64(*m.callId));
          log(std::move(e));
          result(line, ResultCode::Connect);
        } else {
          Event e = lineEvent("no-carrier", line);
          e.add("reason", "no-call");
          log(std::move(e));
          result(line, ResultCode::NoCarrier);
        }
        return;
      case AtCommand::Kind::Dial:
        if (m.state == ModemState::Escaped) {
          result(line, ResultCode::Error);
          return;
        }
        dial(line, cmd.text, now);
        return;
    }
  }
  result(line, ResultCode::Ok);
}

void Exchange::onlineInput(std::size_t line, std::string_view bytes, Millis now) {
  Modem& m = modems_[line];
  const auto esc = static_cast<char>(m.settings.regs[2]);
  const Millis guard = m.settings.guardMs;
  for (char c : bytes) {
    const Millis gap = now - m.lastDataAt;
    if (esc != 0 && c == esc && static_cast<unsigned char>(esc) <= 127) {
      if (m.plusCount == 0 || m.plusCount >= 3) {
        m.plusCount = (m.plusCount == 0 && gap >= guard) ? 1 : 0;
      } else if (gap < guard) {
        ++m.plusCount;
      } else {
        m.plusCount = 1;  // a late '+' after a full guard pause starts a new sequence
      }
    } else {
      m.plusCount = 0;
    }
    m.lastDataAt = now;
  }
  if (m.plusCount == 3) {
    m.escapeAt = now + guard;
  } else {
    m.escapeAt.reset();
  }
  if (auto peer = peerOf(line); peer && modems_[*peer].state == ModemState::Online) {
    write(*peer, std::string(bytes));
  }
  // else: the far end holds the call in command mode; its data is discarded.
}

// ---- calls -------------------------------------------------------------------------------

void Exchange::dial(std::size_t line, const std::string& raw, Millis now) {
  Modem& m = modems_[line];
  const std::string digits = routedDigits(raw);
  if (m.state == ModemState::Ringing) {
    // Dialling out while a call rings here rejects the incoming call.
    endCall(*m.callId, now, "rejected", line, ResultCode::NoCarrier);
    setState(line, ModemTrigger::OnHook);
  }
  Event e = lineEvent("dial", line);
  e.add("raw", raw).add("digits", digits);
  if (m.faults.noDialtone) {
    log(std::move(e));
    log(lineEvent("no-dialtone", line));
    result(line, ResultCode::NoDialtone);
    return;
  }
  Call call;
  call.id = nextCallId_++;
  call.caller = line;
  call.digits = digits;
  call.phase = Call::Phase::Routing;
  call.due = now + config_.dialDelayMs;
  e.add("call", i64(call.id));
  log(std::move(e));
  m.callId = call.id;
  m.swallowLf = true;
  setState(line, ModemTrigger::Dial);
  calls_.emplace(call.id, std::move(call));
}

void Exchange::route(Call& call, Millis now) {
  const std::size_t caller = call.caller;
  std::optional<std::size_t> callee;
  for (std::size_t i = 0; i < modems_.size(); ++i) {
    if (!call.digits.empty() && modems_[i].number == call.digits) callee = i;
  }
  if (!callee) {
    endCall(call.id, now, "unknown-number", std::nullopt, ResultCode::NoCarrier);
    return;
  }
  Modem& target = modems_[*callee];
  const char* busyReason = nullptr;
  if (*callee == caller) {
    busyReason = "self";
  } else if (target.faults.refuse > 0) {
    --target.faults.refuse;
    busyReason = "refused";
  } else if (target.faults.busy) {
    busyReason = "fault";
  } else if (target.state != ModemState::Idle) {
    busyReason = toString(target.state);
  }
  call.callee = callee;
  if (busyReason) {
    Event e = lineEvent("busy", caller);
    e.add("digits", call.digits)
        .add("callee", target.name)
        .add("reason", busyReason)
        .add("call", i64(call.id));
    log(std::move(e));
    endCall(call.id, now, "busy", std::nullopt, ResultCode::Busy);
    return;
  }
  call.phase = Call::Phase::Ringing;
  if (!target.faults.noAnswer) {
    call.calleeAttached = true;
    target.callId = call.id;
    setState(*callee, ModemTrigger::Incoming);
  }
  ring(call, now);
}

void Exchange::ring(Call& call, Millis now) {
  const std::size_t callee = *call.callee;
  Modem& target = modems_[callee];
  if (call.rings >= config_.maxRings) {
    Event e = lineEvent("no-answer", call.caller);
    e.add("digits", call.digits)
        .add("callee", target.name)
        .add("rings", i64(call.rings))
        .add("call", i64(call.id));
    log(std::move(e));
    endCall(call.id, now, "no-answer", std::nullopt, ResultCode::NoAnswer);
    return;
  }
  ++call.rings;
  const bool delivered = call.calleeAttached && target.portOpen;
  Event e = lineEvent("ring", callee);
  e.add("caller", modems_[call.caller].name)
      .add("count", i64(call.rings))
      .add("delivered", delivered)
      .add("call", i64(call.id));
  log(std::move(e));
  call.due = now + config_.ringIntervalMs;
  if (!call.calleeAttached) return;
  target.settings.regs[1] = static_cast<std::uint8_t>(call.rings > 255 ? 255 : call.rings);
  if (delivered) result(callee, ResultCode::Ring);
  if (delivered && call.rings == 1 && target.settings.callerId > 0) {
    // Caller ID comes between the first and second ring (Bellcore MDMF / V.253 formatted
    // presentation): mgetty and chat scripts read the "NMBR = " line.
    const std::string& number = modems_[call.caller].number;
    write(callee, "\r\nNMBR = " + number + "\r\n");
    Event cid = lineEvent("caller-id", callee);
    cid.add("caller-number", number).add("call", i64(call.id));
    log(std::move(cid));
  }
  if (target.signals) {
    // RI is on for the first half of each ring period, like a ring burst
    target.ri = true;
    target.riOffAt = now + std::max<Millis>(config_.ringIntervalMs / 2, 1);
  }
  if (target.faults.answerAfter > 0) {
    if (call.rings >= target.faults.answerAfter) answer(call, now, "fault");
  } else if (target.settings.regs[0] > 0 && call.rings >= target.settings.regs[0]) {
    answer(call, now, "auto");
  }
}

void Exchange::answer(Call& call, Millis now, const char* how) {
  const std::size_t callee = *call.callee;
  {
    Event e = lineEvent("answer", callee);
    e.add("by", how).add("call", i64(call.id));
    log(std::move(e));
  }
  call.phase = Call::Phase::Connected;
  Millis drop = 0;
  for (std::size_t side : {call.caller, callee}) {
    Modem& m = modems_[side];
    setState(side, ModemTrigger::Connect);
    m.lastDataAt = now;
    m.plusCount = 0;
    m.escapeAt.reset();
    m.swallowLf = false;
    m.ri = false;
    m.riOffAt.reset();
    if (m.faults.dropAfterMs > 0 && (drop == 0 || m.faults.dropAfterMs < drop)) {
      drop = m.faults.dropAfterMs;
    }
  }
  if (drop > 0) call.dropAt = now + drop;
  Event e;
  e.name = "connect";
  e.add("caller", modems_[call.caller].name)
      .add("callee", modems_[callee].name)
      .add("digits", call.digits)
      .add("rate", i64(config_.connectRate))
      .add("call", i64(call.id));
  log(std::move(e));
  result(callee, ResultCode::Connect);
  result(call.caller, ResultCode::Connect);
}

void Exchange::endCall(std::uint64_t id, Millis now, const std::string& cause,
                       std::optional<std::size_t> initiator,
                       std::optional<ResultCode> callerResult) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  const Call call = it->second;
  calls_.erase(it);
  const bool connected = call.phase == Call::Phase::Connected;
  std::vector<std::size_t> sides{call.caller};
  if (call.callee && call.calleeAttached) sides.push_back(*call.callee);
  for (std::size_t side : sides) {
    Modem& m = modems_[side];
    m.callId.reset();
    m.escapeAt.reset();
    m.swallowLf = false;
    m.ri = false;
    m.riOffAt.reset();
    const bool self = initiator && *initiator == side;
    const std::string sideCause = (initiator && !self) ? std::string("far-end") : cause;
    Event e = lineEvent("hangup", side);
    e.add("cause", sideCause)
        .add("call", i64(call.id))
        .add("connected", connected);
    log(std::move(e));
    if (self) continue;  // the initiator's own state change is up to the caller
    if (side == call.caller && callerResult) {
      if (*callerResult == ResultCode::NoCarrier) {
        Event nc = lineEvent("no-carrier", side);
        nc.add("reason", sideCause).add("call", i64(call.id));
        log(std::move(nc));
      }
      result(side, *callerResult);
    } else if (connected) {
      carrierLoss(side, call.id, now);
    } else if (side == call.caller) {
      Event nc = lineEvent("no-carrier", side);
      nc.add("reason", sideCause).add("call", i64(call.id));
      log(std::move(nc));
      result(side, ResultCode::NoCarrier);
    }
    // (an unconnected callee just stops ringing)
    setState(side, ModemTrigger::CallEnded);
  }
}

void Exchange::carrierLoss(std::size_t line, std::uint64_t callId, Millis now) {
  Modem& m = modems_[line];
  Event e = lineEvent("no-carrier", line);
  e.add("reason", "carrier-loss").add("call", i64(callId));
  log(std::move(e));
  result(line, ResultCode::NoCarrier);
  // A line with signals tells its DTE by dropping DCD (&C1); a bare pty needs a vhangup.
  if (m.portOpen && !m.signals) m.vhangupAt = now + config_.hangupDelayMs;
}

void Exchange::signalEvent(std::size_t line, const char* name, bool on, const char* by) {
  Event e = lineEvent("signal", line);
  e.add("signal", name).add("on", on).add("by", by);
  log(std::move(e));
}

// The modem is pulled out (a USB modem unplugged, a serial modem switched off): its call ends
// (the far end loses carrier), DSR, CTS and DCD fall, then the OS edge removes the device.
// The phone line stays: calls to its number ring with nobody to answer.
void Exchange::unplug(std::size_t line, Millis now) {
  Modem& m = modems_[line];
  m.unplugged = true;
  m.faults.noAnswer = true;
  if (m.callId) endCall(*m.callId, now, "unplug", line, std::nullopt);
  m.state = ModemState::Idle;
  m.ri = false;
  m.riOffAt.reset();
  m.escapeAt.reset();
  m.vhangupAt.reset();
  m.lineBuf.clear();
  refreshSignals(line);
  m.portOpen = false;
  log(lineEvent("unplug", line));
  Action a;
  a.kind = Action::Kind::Unplug;
  a.line = line;
  actions_.push_back(std::move(a));
}

void Exchange::refreshSignals(std::size_t line) {
  Modem& m = modems_[line];
  if (!m.signals || !m.portOpen) return;
  const bool carrier = m.state == ModemState::Online || m.state == ModemState::Escaped;
  std::uint8_t want = kSigDsr | kSigCts;
  if (m.ri) want |= kSigRi;
  if (m.settings.dcdMode == 0 || carrier) want |= kSigDcd;
  if (m.unplugged) want = 0;
  if (want == m.sentSignals) return;
  static constexpr struct {
    std::uint8_t bit;
    const char* name;
  } kNames[] = {{kSigDcd, "DCD"}, {kSigDsr, "DSR"}, {kSigCts, "CTS"}, {kSigRi, "RI"}};
  for (const auto& n : kNames) {
    if ((want ^ m.sentSignals) & n.bit) signalEvent(line, n.name, (want & n.bit) != 0, "modem");
  }
  m.sentSignals = want;
  Action a;
  a.kind = Action::Kind::Signals;
  a.line = line;
  a.signals = want;
  actions_.push_back(std::move(a));
}

void Exchange::dteSignals(std::size_t line, bool dtr, bool rts, Millis now) {
  tick(now);
  Modem& m = modems_[line];
  if (m.unplugged) return;
  if (rts != m.rts) signalEvent(line, "RTS", rts, "dte");
  m.rts = rts;
  if (dtr == m.dtr) return;
  signalEvent(line, "DTR", dtr, "dte");
  m.dtr = dtr;
  if (!dtr) dtrDrop(line, now);
}

void Exchange::dtrDrop(std::size_t line, Millis now) {
  Modem& m = modems_[line];
  const unsigned mode = m.settings.dtrMode;
  {
    Event e = lineEvent("dtr-drop", line);
    e.add("state", toString(m.state)).add("mode", "&D" + std::to_string(mode));
    log(std::move(e));
  }
  if (mode == 0) return;  // &D0: DTR is ignored
  if (mode == 1) {
    // &D1: like "+++": the call is held, the modem goes to command mode
    if (m.state == ModemState::Online) {
      m.escapeAt.reset();
      m.plusCount = 0;
      setState(line, ModemTrigger::Escape);
      Event e = lineEvent("escape", line);
      e.add("call", i64(m.callId.value_or(0))).add("by", "dtr");
      log(std::move(e));
      result(line, ResultCode::Ok);
    }
    return;
  }
  if (m.callId) endCall(*m.callId, now, "dtr-drop", line, std::nullopt);
  setState(line, ModemTrigger::DtrDrop);
  if (mode == 3) resetModem(line, "dtr-drop");
}

void Exchange::resetModem(std::size_t line, const char* reason) {
  Modem& m = modems_[line];
  m.settings = defaultSettings(static_cast<unsigned>(config_.guardMs));
  m.lineBuf.clear();
  m.plusCount = 0;
  m.escapeAt.reset();
  m.swallowLf = false;
  Event e = lineEvent("reset", line);
  e.add("reason", reason);
  log(std::move(e));
}

// ---- port state --------------------------------------------------------------------------

void Exchange::portOpened(std::size_t line, Millis now) {
  tick(now);
  Modem& m = modems_[line];
  if (m.portOpen || m.unplugged) return;
  m.portOpen = true;
  m.sentSignals = 0;  // a freshly opened gsmtty reads all inputs off until told otherwise
  log(lineEvent("open", line));
}

void Exchange::portClosed(std::size_t line, Millis now) {
  tick(now);
  Modem& m = modems_[line];
  if (!m.portOpen) return;
  m.portOpen = false;
  m.vhangupAt.reset();
  if (m.signals) {
    // A real port closes without touching the modem: DTR fell before (HUPCL) or stays up.
    log(lineEvent("close", line));
    return;
  }
  {
    Event e = lineEvent("dtr-drop", line);
    e.add("state", toString(m.state));
    log(std::move(e));
  }
  if (m.callId) endCall(*m.callId, now, "dtr-drop", line, std::nullopt);
  setState(line, ModemTrigger::DtrDrop);
  resetModem(line, "dtr-drop");
}

// ---- timers ------------------------------------------------------------------------------

std::optional<Millis> Exchange::nextDeadline() const {
  std::optional<Millis> best;
  auto consider = [&best](std::optional<Millis> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  for (const auto& [id, call] : calls_) {
    if (call.phase != Call::Phase::Connected) consider(call.due);
    consider(call.dropAt);
  }
  for (const Modem& m : modems_) {
    consider(m.escapeAt);
    consider(m.vhangupAt);
    consider(m.riOffAt);
  }
  return best;
}

void Exchange::tick(Millis now) {
  // Runs due timers one at a time in time order, each at its own due time, so the
  // cadence does not depend on when the OS edge woke up.
  for (;;) {
    auto due = nextDeadline();
    if (!due || *due > now) return;
    const Millis at = *due;
    bool handled = false;
    for (auto& [id, call] : calls_) {
      if (call.phase != Call::Phase::Connected && call.due == at) {
        if (call.phase == Call::Phase::Routing) {
          route(call, at);
        } else {
          ring(call, at);
        }
        handled = true;
        break;
      }
      if (call.dropAt && *call.dropAt == at) {
        const std::uint64_t callId = id;
        Event e;
        e.name = "fault-drop";
        e.add("call", i64(callId));
        log(std::move(e));
        endCall(callId, at, "fault-drop", std::nullopt, std::nullopt);
        handled = true;
        break;
      }
    }
    if (handled) continue;
    for (std::size_t i = 0; i < modems_.size(); ++i) {
      Modem& m = modems_[i];
      if (m.escapeAt && *m.escapeAt == at) {
        m.escapeAt.reset();
        m.plusCount = 0;
        setState(i, ModemTrigger::Escape);
        Event e = lineEvent("escape", i);
        e.add("call", i64(m.callId.value_or(0)));
        log(std::move(e));
        result(i, ResultCode::Ok);
        break;
      }
      if (m.riOffAt && *m.riOffAt == at) {
        m.riOffAt.reset();
        m.ri = false;
        break;
      }
      if (m.vhangupAt && *m.vhangupAt == at) {
        m.vhangupAt.reset();
        Action a;
        a.kind = Action::Kind::Vhangup;
        a.line = i;
        actions_.push_back(std::move(a));
        break;
      }
    }
  }
}

// ---- control channel ---------------------------------------------------------------------

std::string Exchange::control(std::string_view command, Millis now) {
  tick(now);
  const auto words = splitWords(command);
  std::string reply;
  auto finish = [&](std::string r) {
    Event e;
    e.name = "control";
    e.add("command", std::string(command)).add("reply", r);
    log(std::move(e));
    return r;
  };
  if (words.empty()) return finish("error: empty command");
  const std::string& verb = words[0];
  if (verb == "ping") return finish("ok");
  if (verb == "status") {
    std::ostringstream out;
    out << "ok";
    for (const Modem& m : modems_) {
      out << "\n" << m.name << " " << m.number << " state=" << toString(m.state)
          << " port=" << (m.unplugged ? "unplugged" : m.portOpen ? "open" : "closed")
          << " faults=" << describeFaults(m.faults);
    }
    return finish(out.str());
  }
  if (words.size() < 2) return finish("error: " + verb + ": missing line name or number");
  auto line = findLine(words[1]);
  if (!line) return finish("error: unknown line " + words[1]);
  Faults& f = modems_[*line].faults;
  auto onOff = [&](bool& flag) -> std::string {
    if (words.size() != 3 || (words[2] != "on" && words[2] != "off")) {
      return "error: usage: " + verb + " LINE on|off";
    }
    flag = words[2] == "on";
    return "ok";
  };
  auto count = [&](unsigned& value) -> std::string {
    std::optional<unsigned> v;
    if (words.size() == 3) v = parseCount(words[2]);
    if (!v) return "error: usage: " + verb + " LINE N";
    value = *v;
    return "ok";
  };
  if (verb == "busy") return finish(onOff(f.busy));
  if (verb == "noanswer") return finish(onOff(f.noAnswer));
  if (verb == "nodialtone") return finish(onOff(f.noDialtone));
  if (verb == "answer-after") return finish(count(f.answerAfter));
  if (verb == "refuse") return finish(count(f.refuse));
  if (verb == "drop-after") {
    std::optional<Millis> ms;
    if (words.size() == 3) ms = parseSecondsMs(words[2]);
    if (!ms) return finish("error: usage: drop-after LINE SECONDS");
    f.dropAfterMs = *ms;
    return finish("ok");
  }
  if (verb == "clear") {
    if (words.size() != 2) return finish("error: usage: clear LINE");
    f = Faults{};
    return finish("ok");
  }
  if (verb == "unplug") {
    if (words.size() != 2) return finish("error: usage: unplug LINE");
    Modem& m = modems_[*line];
    if (!m.signals) return finish("error: line " + m.name + " has no modem signals (only a `signals` line can be unplugged)");
    if (m.unplugged) return finish("error: line " + m.name + " is already unplugged");
    std::string r = finish("ok");
    unplug(*line, now);
    return r;
  }
  if (verb == "hangup") {
    if (words.size() != 2) return finish("error: usage: hangup LINE");
    Modem& m = modems_[*line];
    if (m.callId) {
      // log first, then end: the reply's event precedes the hangup events
      const std::uint64_t id = *m.callId;
      std::string r = finish("ok");
      endCall(id, now, "control", std::nullopt, std::nullopt);
      return r;
    }
    if (m.state == ModemState::OffHook) {
      std::string r = finish("ok");
      setState(*line, ModemTrigger::OnHook);
      log(lineEvent("onhook", *line));
      return r;
    }
    return finish("error: line " + m.name + " has no call");
  }
  return finish("error: unknown command " + verb);
}

}  // namespace mscb::pstn
