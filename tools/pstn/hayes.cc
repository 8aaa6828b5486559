// SPDX-License-Identifier: GPL-2.0-or-later
// Hayes AT command-line parser, modem states and result-code formatting (pure, no I/O).
#include "hayes.h"

#include <cctype>

namespace mscb::pstn {
namespace {

char upper(char c) {
  return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void skipSpaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool atEnd() {
    skipSpaces();
    return pos_ >= text_.size();
  }
  char peek() {
    skipSpaces();
    return pos_ < text_.size() ? upper(text_[pos_]) : '\0';
  }
  char next() {
    char c = peek();
    if (pos_ < text_.size()) ++pos_;
    return c;
  }
  // Optional decimal number; nullopt if none, sets overflow when it exceeds limit.
  std::optional<unsigned> number(bool& overflow) {
    overflow = false;
    if (!isDigit(peek())) return std::nullopt;
    unsigned long value = 0;
    while (isDigit(peek())) {
      value = value * 10 + static_cast<unsigned long>(next() - '0');
      if (value > 100000) overflow = true;
      if (overflow) value = 100000;
    }
    return static_cast<unsigned>(value);
  }
  std::string_view rest() {
    std::string_view r = text_.substr(pos_);
    pos_ = text_.size();
    return r;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

ParsedLine fail(ParsedLine line, std::string why) {
  line.ok = false;
  line.commands.clear();
  line.error = std::move(why);
  return line;
}

}  // namespace

ParsedLine parseCommandLine(std::string_view text) {
  ParsedLine line;
  Cursor cur(text);
  if (cur.next() != 'A' || cur.next() != 'T') return line;
  line.isAt = true;
  line.ok = true;
  while (!cur.atEnd()) {
    const char c = cur.next();
    bool overflow = false;
    AtCommand cmd;
    auto flag = [&](AtCommand::Kind kind, unsigned max) -> bool {
      auto v = cur.number(overflow);
      if (overflow || v.value_or(0) > max) return false;
      cmd.kind = kind;
      cmd.value = v.value_or(0);
      return true;
    };
    switch (c) {
      case 'A':
        cmd.kind = AtCommand::Kind::Answer;
        break;
      case 'D':
        cmd.kind = AtCommand::Kind::Dial;
        cmd.text = std::string(cur.rest());
        break;
      case 'E':
        if (!flag(AtCommand::Kind::Echo, 1)) return fail(line, "bad E argument");
        break;
      case 'H':
        if (!flag(AtCommand::Kind::Hook, 1)) return fail(line, "bad H argument");
        break;
      case 'O':
        if (!flag(AtCommand::Kind::Online, 1)) return fail(line, "bad O argument");
        break;
      case 'Q':
        if (!flag(AtCommand::Kind::Quiet, 1)) return fail(line, "bad Q argument");
        break;
      case 'V':
        if (!flag(AtCommand::Kind::Verbose, 1)) return fail(line, "bad V argument");
        break;
      case 'Z':
        if (!flag(AtCommand::Kind::Reset, 1)) return fail(line, "bad Z argument");
        break;
      case 'S': {
        auto reg = cur.number(overflow);
        if (!reg || overflow || *reg > 255) return fail(line, "bad S register");
        cmd.reg = *reg;
        if (cur.peek() == '=') {
          cur.next();
          auto v = cur.number(overflow);
          if (overflow || v.value_or(0) > 255) return fail(line, "bad S register value");
          cmd.kind = AtCommand::Kind::SetReg;
          cmd.value = v.value_or(0);
        } else if (cur.peek() == '?') {
          cur.next();
          cmd.kind = AtCommand::Kind::QueryReg;
        } else {
          cmd.kind = AtCommand::Kind::SelectReg;
        }
        break;
      }
      case 'B': case 'I': case 'L': case 'M': case 'N': case 'P': case 'T': case 'W':
      case 'X': case 'Y': {
        auto v = cur.number(overflow);
        if (overflow) return fail(line, std::string("bad ") + c + " argument");
        cmd.text = std::string(1, c) + (v ? std::to_string(*v) : "");
        break;
      }
      case '&': {
        const char sub = cur.next();
        auto v = cur.number(overflow);
        if (overflow) return fail(line, "bad & argument");
        if (sub == 'F') {
          cmd.kind = AtCommand::Kind::Reset;
        } else if (sub == 'C' || sub == 'D') {
          const unsigned max = sub == 'C' ? 1 : 3;
          if (v.value_or(0) > max) return fail(line, std::string("bad &") + sub + " argument");
          cmd.kind = sub == 'C' ? AtCommand::Kind::DcdMode : AtCommand::Kind::DtrMode;
          cmd.value = v.value_or(0);
        } else if (std::string_view("GKQSVWY").find(sub) != std::string_view::npos &&
                   sub != '\0') {
          cmd.text = std::string("&") + sub + (v ? std::to_string(*v) : "");
        } else {
          return fail(line, std::string("unknown command &") + (sub ? std::string(1, sub) : ""));
        }
        break;
      }
      case '+': {
        // Extended commands: only +VCID (caller ID presentation), which dial-in boxes set.
        std::string name;
        while (std::isalpha(static_cast<unsigned char>(cur.peek()))) name += cur.next();
        if (name != "VCID") return fail(line, "unknown command +" + name);
        if (cur.next() != '=') return fail(line, "+VCID needs =0, =1 or =2");
        auto v = cur.number(overflow);
        if (!v || overflow || *v > 2) return fail(line, "bad +VCID argument");
        cmd.kind = AtCommand::Kind::CallerId;
        cmd.value = *v;
        break;
      }
      default:
        return fail(line, std::string("unknown command ") + c);
    }
    line.commands.push_back(std::move(cmd));
  }
  return line;
}

std::string routedDigits(std::string_view dialString) {
  std::string digits;
  for (char c : dialString) {
    if (isDigit(c) || c == '*' || c == '#') digits.push_back(c);
  }
  return digits;
}

const char* toString(ResultCode code) {
  switch (code) {
    case ResultCode::Ok: return "OK";
    case ResultCode::Connect: return "CONNECT";
    case ResultCode::Ring: return "RING";
    case ResultCode::NoCarrier: return "NO CARRIER";
    case ResultCode::Error: return "ERROR";
    case ResultCode::NoDialtone: return "NO DIALTONE";
    case ResultCode::Busy: return "BUSY";
    case ResultCode::NoAnswer: return "NO ANSWER";
  }
  return "?";
}

namespace {
unsigned numericCode(ResultCode code) {
  switch (code) {
    case ResultCode::Ok: return 0;
    case ResultCode::Connect: return 1;
    case ResultCode::Ring: return 2;
    case ResultCode::NoCarrier: return 3;
    case ResultCode::Error: return 4;
    case ResultCode::NoDialtone: return 6;
    case ResultCode::Busy: return 7;
    case ResultCode::NoAnswer: return 8;
  }
  return 4;
}
}  // namespace

ModemSettings defaultSettings(unsigned guardMs) {
  ModemSettings s;
  s.guardMs = guardMs;
  s.regs[2] = 43;  // escape character '+'
  s.regs[3] = 13;  // CR
  s.regs[4] = 10;  // LF
  s.regs[5] = 8;   // BS
  s.regs[6] = 2;
  s.regs[7] = 50;
  s.regs[8] = 2;
  s.regs[9] = 6;
  s.regs[10] = 14;
  s.regs[11] = 95;
  s.regs[12] = static_cast<std::uint8_t>(guardMs / 20 > 255 ? 255 : guardMs / 20);
  return s;
}

std::string formatResult(const ModemSettings& settings, ResultCode code, unsigned connectRate) {
  if (settings.quiet) return {};
  if (!settings.verbose) return std::to_string(numericCode(code)) + "\r";
  std::string text = toString(code);
  if (code == ResultCode::Connect && connectRate != 0) text += " " + std::to_string(connectRate);
  return "\r\n" + text + "\r\n";
}

std::string formatInfo(const ModemSettings& settings, std::string_view text) {
  if (!settings.verbose) return std::string(text) + "\r\n";
  return "\r\n" + std::string(text) + "\r\n";
}

const char* toString(ModemState state) {
  switch (state) {
    case ModemState::Idle: return "idle";
    case ModemState::OffHook: return "offhook";
    case ModemState::Dialling: return "dialling";
    case ModemState::Ringing: return "ringing";
    case ModemState::Online: return "online";
    case ModemState::Escaped: return "escaped";
  }
  return "?";
}

const char* toString(ModemTrigger trigger) {
  switch (trigger) {
    case ModemTrigger::OffHook: return "offhook";
    case ModemTrigger::OnHook: return "onhook";
    case ModemTrigger::Dial: return "dial";
    case ModemTrigger::Incoming: return "incoming";
    case ModemTrigger::Connect: return "connect";
    case ModemTrigger::Escape: return "escape";
    case ModemTrigger::Resume: return "resume";
    case ModemTrigger::CallEnded: return "call-ended";
    case ModemTrigger::DtrDrop: return "dtr-drop";
  }
  return "?";
}

std::optional<ModemState> transition(ModemState from, ModemTrigger trigger) {
  using S = ModemState;
  using T = ModemTrigger;
  if (trigger == T::DtrDrop) return S::Idle;
  switch (from) {
    case S::Idle:
    case S::OffHook:
      if (trigger == T::OffHook) return S::OffHook;
      if (trigger == T::OnHook) return S::Idle;
      if (trigger == T::Dial) return S::Dialling;
      if (trigger == T::Incoming && from == S::Idle) return S::Ringing;
      return std::nullopt;
    case S::Dialling:
      if (trigger == T::Connect) return S::Online;
      if (trigger == T::CallEnded || trigger == T::OnHook) return S::Idle;
      return std::nullopt;
    case S::Ringing:
      if (trigger == T::Connect) return S::Online;
      if (trigger == T::CallEnded || trigger == T::OnHook) return S::Idle;
      if (trigger == T::OffHook) return S::OffHook;
      if (trigger == T::Dial) return S::Dialling;
      return std::nullopt;
    case S::Online:
      if (trigger == T::Escape) return S::Escaped;
      if (trigger == T::CallEnded) return S::Idle;
      return std::nullopt;
    case S::Escaped:
      if (trigger == T::Resume) return S::Online;
      if (trigger == T::CallEnded || trigger == T::OnHook) return S::Idle;
      if (trigger == T::OffHook) return S::OffHook;
      return std::nullopt;
  }
  return std::nullopt;
}

bool isCommandMode(ModemState state) {
  return state == ModemState::Idle || state == ModemState::OffHook ||
         state == ModemState::Ringing || state == ModemState::Escaped;
}

bool hasCall(ModemState state) {
  return state == ModemState::Dialling || state == ModemState::Ringing ||
         state == ModemState::Online || state == ModemState::Escaped;
}

}  // namespace mscb::pstn
