// SPDX-License-Identifier: GPL-2.0-or-later
// Chat script text generation and chat(8) exit status decoding.
#include "chat_script.hpp"

#include <algorithm>

namespace mscb::helper {
namespace {

// chat's TIMEOUT is in whole seconds; round up so a configured bound is never shortened.
long seconds(Millis ms) {
    return static_cast<long>((ms.count() + 999) / 1000);
}

void addAborts(std::string& out, ScriptKind kind) {
    if (kind == ScriptKind::Dial) {
        for (auto abort : kDialAborts) {
            out += "ABORT '" + std::string(abort) + "'\n";
        }
    } else {
        for (auto abort : kCommandAborts) {
            out += "ABORT '" + std::string(abort) + "'\n";
        }
    }
}

}  // namespace

const char* toString(ScriptKind kind) {
    switch (kind) {
    case ScriptKind::Hangup: return "hangup";
    case ScriptKind::OffHook: return "offhook";
    case ScriptKind::Reset: return "reset";
    case ScriptKind::Dial: return "dial";
    }
    return "?";
}

const char* toString(ChatOutcome outcome) {
    switch (outcome) {
    case ChatOutcome::Success: return "success";
    case ChatOutcome::BadArguments: return "chat-arguments";
    case ChatOutcome::IoError: return "io-error";
    case ChatOutcome::Timeout: return "timeout";
    case ChatOutcome::Busy: return "busy";
    case ChatOutcome::NoCarrier: return "no-carrier";
    case ChatOutcome::NoDialtone: return "no-dialtone";
    case ChatOutcome::NoAnswer: return "no-answer";
    case ChatOutcome::ModemError: return "modem-error";
    case ChatOutcome::Killed: return "killed";
    case ChatOutcome::Unknown: return "unknown";
    }
    return "?";
}

ChatOutcome outcomeFromExit(ScriptKind kind, int exitCode) {
    if (exitCode < 0) {
        return ChatOutcome::Killed;
    }
    switch (exitCode) {
    case 0: return ChatOutcome::Success;
    case 1: return ChatOutcome::BadArguments;
    case 2: return ChatOutcome::IoError;
    case 3: return ChatOutcome::Timeout;
    default: break;
    }
    const auto index = static_cast<std::size_t>(exitCode - 4);
    std::string_view abort;
    if (kind == ScriptKind::Dial && index < kDialAborts.size()) {
        abort = kDialAborts[index];
    } else if (kind != ScriptKind::Dial && index < kCommandAborts.size()) {
        abort = kCommandAborts[index];
    } else {
        return ChatOutcome::Unknown;
    }
    if (abort == "BUSY") return ChatOutcome::Busy;
    if (abort == "NO CARRIER") return ChatOutcome::NoCarrier;
    if (abort == "NO DIALTONE") return ChatOutcome::NoDialtone;
    if (abort == "NO ANSWER") return ChatOutcome::NoAnswer;
    return ChatOutcome::ModemError;
}

Result<bool> checkInitString(std::string_view init) {
    if (init.size() > 60) {
        return Error{"init string longer than 60 characters"};
    }
    if (!init.empty() && (init.size() < 2 || (init.substr(0, 2) != "AT" && init.substr(0, 2) != "at"))) {
        return Error{"init string must start with AT"};
    }
    // No chat syntax: no quotes, backslashes, '^', '$', control characters.
    for (char c : init) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        std::string_view("&%=,.+*#:?!@ -/").find(c) != std::string_view::npos;
        if (!ok) {
            return Error{std::string("init string has a forbidden character (code ") +
                         std::to_string(static_cast<unsigned char>(c)) + ")"};
        }
    }
    return true;
}

Result<bool> checkDialPrefix(std::string_view prefix) {
    if (prefix.size() > 16) {
        return Error{"dial prefix longer than 16 characters"};
    }
    // Dial modifiers and digits only; ';' (back to command mode) is never allowed.
    for (char c : prefix) {
        if (std::string_view("0123456789*#,TPWtpw!@").find(c) == std::string_view::npos) {
            return Error{std::string("dial prefix has a forbidden character '") +
                         (c >= 0x20 && c < 0x7f ? std::string(1, c) : std::string("?")) + "'"};
        }
    }
    return true;
}

std::string generateChatScript(ScriptKind kind, const ModemScriptSettings& s) {
    std::string out = "# mscb ";
    out += toString(kind);
    out += " script, generated; the number is passed as chat -T and used only as \\T\n";
    addAborts(out, kind);
    switch (kind) {
    case ScriptKind::Hangup:
        // Guard time, escape to command mode, guard time; then hang up. If the modem was
        // already in command mode the +++ is ignored and ATH0 still answers OK.
        out += "TIMEOUT " + std::to_string(seconds(s.commandTimeout)) + "\n";
        out += "'' '\\d\\d+++\\d\\d\\c'\n";
        out += "'' 'ATH0'\n";
        out += "'OK'\n";
        break;
    case ScriptKind::OffHook:
        // Off-hook for the whole delay: the caller's line-side sees this port busy.
        out += "TIMEOUT " + std::to_string(seconds(s.commandTimeout)) + "\n";
        out += "'' 'ATH1'\n";
        out += "'OK'\n";
        break;
    case ScriptKind::Reset:
        out += "TIMEOUT " + std::to_string(seconds(s.commandTimeout)) + "\n";
        out += "'' 'ATZ'\n";
        if (!s.init.empty()) {
            out += "'OK' '" + s.init + "'\n";
        }
        out += "'OK'\n";
        break;
    case ScriptKind::Dial:
        // Started at the deadline: the first send goes out at once.
        out += "TIMEOUT " + std::to_string(seconds(s.connectTimeout)) + "\n";
        out += "'' 'ATD" + s.dialPrefix + "\\T'\n";
        out += "'CONNECT'\n";
        break;
    }
    return out;
}

Millis scriptTimeBound(ScriptKind kind, const ModemScriptSettings& s) {
    const Millis cmd{seconds(s.commandTimeout) * 1000};
    switch (kind) {
    case ScriptKind::Hangup: return Millis{4000} + 2 * cmd;
    case ScriptKind::OffHook: return cmd;
    case ScriptKind::Reset: return 2 * cmd;
    case ScriptKind::Dial: return Millis{seconds(s.connectTimeout) * 1000};
    }
    return cmd;
}

}  // namespace mscb::helper
