// SPDX-License-Identifier: GPL-2.0-or-later
// The pure simulator core: Hayes modems on lines plus the exchange that routes calls.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event.h"
#include "hayes.h"

namespace mscb::pstn {

using Millis = std::int64_t;  // monotonic milliseconds, supplied by the caller

// Fault knobs of one number (settable on the command line and through the control channel).
struct Faults {
  bool busy = false;        // calls to the number get BUSY
  bool noAnswer = false;    // calls to the number ring in the network only, then NO ANSWER
  bool noDialtone = false;  // dialling from the line gets NO DIALTONE
  unsigned answerAfter = 0; // the exchange answers after N rings (0: the modem's S0 decides)
  Millis dropAfterMs = 0;   // calls from/to the number are dropped this long after CONNECT
  unsigned refuse = 0;      // the next N calls to the number get BUSY
};
std::string describeFaults(const Faults& faults);  // "busy,answer-after=3" or "none"

struct LineSpec {
  std::string name;    // symlink name, e.g. "mA"
  std::string number;  // phone number, digits 0-9 * # only
  Faults faults;
  bool signals = false;  // the line has modem control lines (an n_gsm channel, not a bare pty)
};

// The modem's V.24 outputs towards the DTE (lines with signals only).
inline constexpr std::uint8_t kSigDcd = 0x01;
inline constexpr std::uint8_t kSigDsr = 0x02;
inline constexpr std::uint8_t kSigCts = 0x04;
inline constexpr std::uint8_t kSigRi = 0x08;

struct ExchangeConfig {
  Millis ringIntervalMs = 2000;  // ring cadence
  unsigned maxRings = 8;         // rings before NO ANSWER
  Millis guardMs = 1000;         // "+++" guard time (S12 default)
  Millis dialDelayMs = 500;      // ATD to routing (first RING / BUSY / NO CARRIER)
  Millis hangupDelayMs = 200;    // NO CARRIER to TIOCVHANGUP on carrier loss
  unsigned connectRate = 33600;  // CONNECT <rate>
};

// What the core asks the OS edge to do, in order.
struct Action {
  enum class Kind {
    Write,    // write data to the line's pty master
    Vhangup,  // carrier loss: TIOCVHANGUP on the line's slave
    Log,      // append the event to the event log
    Signals,  // set the modem's outputs (kSig* in `signals`) on a line with signals
    Unplug,   // the modem is gone: tear the line's mux down, remove its device node and link
  };
  Kind kind = Kind::Write;
  std::size_t line = 0;
  std::string data;
  Event event;
  std::uint8_t signals = 0;
};

class Exchange {
 public:
  Exchange(ExchangeConfig config, std::vector<LineSpec> lines);

  // Bytes the DTE wrote to the line.
  void input(std::size_t line, std::string_view bytes, Millis now);
  // The DTE opened the slave (RINGs are delivered only while it is open).
  void portOpened(std::size_t line, Millis now);
  // The DTE closed its last slave fd: DTR drop, hang up and reset the modem.
  void portClosed(std::size_t line, Millis now);
  // DTR/RTS from the DTE of a line with signals; a DTR drop acts per the modem's &D.
  void dteSignals(std::size_t line, bool dtr, bool rts, Millis now);
  // Runs every timer due at or before now (rings, routing, escapes, drops, hangups).
  void tick(Millis now);
  // Earliest pending timer, if any.
  std::optional<Millis> nextDeadline() const;
  // One control-channel command; returns "ok[...]" or "error: reason".
  std::string control(std::string_view command, Millis now);
  // Takes the actions accumulated since the last call.
  std::vector<Action> takeActions();

  std::size_t lineCount() const { return modems_.size(); }
  const std::string& lineName(std::size_t line) const { return modems_.at(line).name; }
  const std::string& lineNumber(std::size_t line) const { return modems_.at(line).number; }
  ModemState state(std::size_t line) const { return modems_.at(line).state; }
  const ModemSettings& settings(std::size_t line) const { return modems_.at(line).settings; }
  const Faults& faults(std::size_t line) const { return modems_.at(line).faults; }
  bool portOpen(std::size_t line) const { return modems_.at(line).portOpen; }
  bool hasSignals(std::size_t line) const { return modems_.at(line).signals; }
  std::uint8_t modemSignals(std::size_t line) const { return modems_.at(line).sentSignals; }
  std::optional<std::size_t> findLine(std::string_view nameOrNumber) const;

 private:
  struct Modem {
    std::string name;
    std::string number;
    ModemState state = ModemState::Idle;
    ModemSettings settings;
    Faults faults;
    bool portOpen = false;
    std::string lineBuf;
    std::optional<std::uint64_t> callId;
    bool swallowLf = false;  // a LF right after the dial line's CR does not abort
    Millis lastDataAt = 0;   // online: time of the last byte from the DTE
    unsigned plusCount = 0;  // online: escape characters seen after a guard pause
    std::optional<Millis> escapeAt;
    std::optional<Millis> vhangupAt;
    bool signals = false;          // a line with modem control lines
    bool dtr = false;              // last DTR / RTS seen from the DTE
    bool rts = false;
    bool ri = false;               // RI is on (during a ring burst)
    std::optional<Millis> riOffAt;
    std::uint8_t sentSignals = 0;  // outputs the DTE has been told (kSig*)
    bool unplugged = false;        // `unplug`: the modem was removed (for good)
  };
  struct Call {
    enum class Phase { Routing, Ringing, Connected };
    std::uint64_t id = 0;
    std::size_t caller = 0;
    std::optional<std::size_t> callee;  // known once routed
    bool calleeAttached = false;        // callee modem rings (false with the noanswer fault)
    Phase phase = Phase::Routing;
    std::string digits;
    unsigned rings = 0;
    Millis due = 0;  // Routing: when to route; Ringing: next ring
    std::optional<Millis> dropAt;
  };

  void setState(std::size_t line, ModemTrigger trigger);
  void write(std::size_t line, std::string data);
  void result(std::size_t line, ResultCode code);
  void log(Event event);
  Event lineEvent(const char* name, std::size_t line) const;

  void commandInput(std::size_t line, char c, Millis now);
  void executeLine(std::size_t line, const std::string& text, Millis now);
  void onlineInput(std::size_t line, std::string_view bytes, Millis now);
  void dial(std::size_t line, const std::string& raw, Millis now);
  void route(Call& call, Millis now);
  void ring(Call& call, Millis now);
  void answer(Call& call, Millis now, const char* how);
  // Ends a call. initiator: the side that hung up itself (its own state change is up to
  // the caller); the other side gets "far-end". Without initiator both get `cause`.
  void endCall(std::uint64_t id, Millis now, const std::string& cause,
               std::optional<std::size_t> initiator, std::optional<ResultCode> callerResult);
  void carrierLoss(std::size_t line, std::uint64_t callId, Millis now);
  void resetModem(std::size_t line, const char* reason);
  void dtrDrop(std::size_t line, Millis now);
  void refreshSignals(std::size_t line);
  void unplug(std::size_t line, Millis now);
  void signalEvent(std::size_t line, const char* name, bool on, const char* by);
  std::optional<std::size_t> peerOf(std::size_t line) const;

  ExchangeConfig config_;
  std::vector<Modem> modems_;
  std::map<std::uint64_t, Call> calls_;
  std::uint64_t nextCallId_ = 1;
  std::vector<Action> actions_;
};

}  // namespace mscb::pstn
