// SPDX-License-Identifier: GPL-2.0-or-later
// Generates the chat(8) scripts the dialer runs; the callback number is never in their text.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "mscb/result.hpp"
#include "time.hpp"

namespace mscb::helper {

/// The four scripts of one callback: hang-up by escape, offhook (busy during the delay),
/// reset (ATZ + init, just before the deadline) and dial (ATD<prefix>\T at the deadline).
enum class ScriptKind { Hangup, OffHook, Reset, Dial };
const char* toString(ScriptKind kind);

/// Per-modem settings that shape the scripts (operator configuration only).
struct ModemScriptSettings {
    std::string init;           ///< extra init command after ATZ, e.g. "AT&F&C1&D2"; may be empty
    std::string dialPrefix = "T";  ///< after "ATD": "T", "P", "T0," ...
    Millis commandTimeout{5000};   ///< per AT command
    Millis connectTimeout{60000};  ///< ATD -> CONNECT (the seed's return call took 31 s)
};

/// The dial script's ABORT strings, in order: chat exits with 4 + index when one matches.
inline constexpr std::array<std::string_view, 5> kDialAborts = {
    "BUSY", "NO CARRIER", "NO DIALTONE", "NO ANSWER", "ERROR"};
/// The other scripts abort on ERROR only: a late "NO CARRIER" from the first call's
/// disconnect may still arrive while they run and must not fail them.
inline constexpr std::array<std::string_view, 1> kCommandAborts = {"ERROR"};

/// What a chat(8) exit status means (see chat(8), EXIT STATUS).
enum class ChatOutcome {
    Success,       ///< 0: the script completed (CONNECT for the dial script)
    BadArguments,  ///< 1: invalid parameters (our bug or a broken chat)
    IoError,       ///< 2: read/write error or signal during the run
    Timeout,       ///< 3: an expect timed out
    Busy,
    NoCarrier,
    NoDialtone,
    NoAnswer,
    ModemError,
    Killed,  ///< terminated by a signal (our watchdog), reported as a negative code
    Unknown,
};
const char* toString(ChatOutcome outcome);
/// Maps chat's exit status (or -signal) for a script of `kind` to an outcome, using the
/// order of that script's ABORT list.
ChatOutcome outcomeFromExit(ScriptKind kind, int exitCode);

/// Checks an operator init string / dial prefix; used by the config parser.
Result<bool> checkInitString(std::string_view init);
Result<bool> checkDialPrefix(std::string_view prefix);

/// The text of one script. Contains no peer data: the dial script's number is a "\T" in
/// its ATD line, filled in by fillDialNumber just before chat runs.
std::string generateChatScript(ScriptKind kind, const ModemScriptSettings& settings);

/// The dial script with `number` in place of the "\T" of its ATD line. The number travels in
/// the script (a 0600 file in a 0700 directory, deleted after use), never in chat's argv, which
/// every local user can read in /proc. Only 1 to 32 of [0-9*#,W] are written (W and ',' are an
/// operator preset's pauses): nothing a chat script or a modem could read as anything else.
Result<std::string> fillDialNumber(std::string_view script, std::string_view number);

/// chat(8) sleeps 10 ms before every character it sends (put_char: usleep(10000), "inter-
/// character typing delay"), so "ATD<prefix><number>\r" takes this long to type. A modem
/// acts on the CR; the dial script is started this much before the deadline so that the CR,
/// not the 'A', arrives at it (usleep never sleeps less, so the CR is never early).
Millis dialTypingTime(const ModemScriptSettings& settings, std::size_t numberLength);

/// The longest a script can legitimately run (for the helper's watchdog).
Millis scriptTimeBound(ScriptKind kind, const ModemScriptSettings& settings);

}  // namespace mscb::helper
