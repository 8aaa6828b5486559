// SPDX-License-Identifier: GPL-2.0-or-later
// Hayes AT command-line parser, modem states and result-code formatting (pure, no I/O).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mscb::pstn {

// One parsed command of an AT command line ("ATE0V1S0=2D555" -> E0, V1, S0=2, D555).
struct AtCommand {
  enum class Kind {
    Answer,     // A
    Dial,       // D<string>
    Echo,       // E0/E1
    Hook,       // H0/H1
    Online,     // O
    Quiet,      // Q0/Q1
    Verbose,    // V0/V1
    Reset,      // Z, &F
    SetReg,     // Sn=v
    QueryReg,   // Sn?
    SelectReg,  // Sn (accepted, no effect)
    DcdMode,    // &C0/&C1: DCD always on / DCD follows the carrier
    DtrMode,    // &D0..&D3: DTR loss ignored / command mode / hang up / hang up and reset
    CallerId,   // +VCID=0/1/2: caller ID off / formatted / unformatted (ITU V.253 §9.2.3)
    Ignored,    // X M L W I B P T N Y &K &W ... accepted without effect
  };
  Kind kind = Kind::Ignored;
  unsigned value = 0;    // argument (E/H/Q/V/O) or register value (SetReg)
  unsigned reg = 0;      // register number (SetReg/QueryReg/SelectReg)
  std::string text;      // Dial: raw dial string after D; Ignored: the command as typed
};

// Result of parsing one command line (without its terminating CR). Spaces and case are
// ignored; the "AT" prefix is required. A line without it is not a command line
// (isAt=false: real modems ignore it); a malformed command gives ok=false (ERROR).
struct ParsedLine {
  bool isAt = false;                // line started with "AT"
  bool ok = false;                  // all commands valid
  std::vector<AtCommand> commands;  // valid only when ok
  std::string error;                // why not ok (for tests and the log)
};
ParsedLine parseCommandLine(std::string_view line);

// Keeps only the digits that route a call: 0-9, * and #. Everything else (T, P, W, ",",
// "-", spaces, parentheses, dots, "@", "!", ";") is dialler formatting or a modifier.
std::string routedDigits(std::string_view dialString);

enum class ResultCode { Ok, Connect, Ring, NoCarrier, Error, NoDialtone, Busy, NoAnswer };
const char* toString(ResultCode code);

// The per-modem settings that ATZ / AT&F / DTR drop restore.
struct ModemSettings {
  bool echo = true;
  bool verbose = true;
  bool quiet = false;
  unsigned guardMs = 1000;  // S12 (in 1/50 s on the wire)
  unsigned dcdMode = 1;     // &C: 0 DCD always on, 1 DCD follows the carrier
  unsigned dtrMode = 2;     // &D: what DTR loss does (0 ignore, 1 command mode, 2 hang up, 3 reset)
  unsigned callerId = 0;    // +VCID: 0 off, 1 formatted "NMBR = ..." after the first RING, 2 as 1
  std::uint8_t regs[256] = {};
};
ModemSettings defaultSettings(unsigned guardMs);

// Formats a result code for the DTE: "\r\nOK\r\n" (V1) or "0\r" (V0); empty with Q1.
std::string formatResult(const ModemSettings& settings, ResultCode code, unsigned connectRate);
// Formats an information text (e.g. an S-register query) framed like a verbose result.
std::string formatInfo(const ModemSettings& settings, std::string_view text);

// Modem states. Command-mode states: Idle, OffHook, Ringing, Escaped.
enum class ModemState {
  Idle,      // on hook, command mode, no call
  OffHook,   // ATH1: off hook without a call, busy for callers
  Dialling,  // outgoing call being set up (routing or ringing the far end)
  Ringing,   // incoming call ringing, waiting for ATA / auto-answer
  Online,    // call connected, data mode (transparent relay)
  Escaped,   // call connected and held, command mode after "+++"
};
const char* toString(ModemState state);

enum class ModemTrigger {
  OffHook,   // ATH1
  OnHook,    // ATH0, ATZ, AT&F
  Dial,      // ATD accepted
  Incoming,  // a call arrives
  Connect,   // call answered (either side)
  Escape,    // "+++" with guard times
  Resume,    // ATO
  CallEnded, // busy, no answer, abort, far-end hangup, fault drop, control hangup
  DtrDrop,   // DTE closed its last fd
};
const char* toString(ModemTrigger trigger);

// The one transition function: the next state, or nullopt when the trigger is not
// valid in this state (the caller answers ERROR or ignores it).
std::optional<ModemState> transition(ModemState from, ModemTrigger trigger);

bool isCommandMode(ModemState state);
bool hasCall(ModemState state);

}  // namespace mscb::pstn
