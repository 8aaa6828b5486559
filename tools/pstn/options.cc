// SPDX-License-Identifier: GPL-2.0-or-later
// Command-line and line/fault specification parsing for pstn-sim (pure).
#include "options.h"

#include <set>

namespace mscb::pstn {
namespace {

std::optional<long long> parseNumber(std::string_view s, long long min, long long max) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::optional<Millis> parseSeconds(std::string_view s) {
  const auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string frac(dot == std::string_view::npos ? "" : s.substr(dot + 1));
  if ((whole.empty() && frac.empty()) || frac.size() > 3) return std::nullopt;
  auto w = whole.empty() ? std::optional<long long>(0) : parseNumber(whole, 0, 1000000);
  while (frac.size() < 3) frac.push_back('0');
  auto f = parseNumber(frac, 0, 999);
  if (!w || !f) return std::nullopt;
  return *w * 1000 + *f;
}

bool validName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  if (name == "ready") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool applyFaultWord(std::string_view word, Faults& f, std::string& error) {
  const auto eq = word.find('=');
  const std::string_view key = word.substr(0, eq);
  const std::string_view value = eq == std::string_view::npos ? "" : word.substr(eq + 1);
  const bool hasValue = eq != std::string_view::npos;
  auto flag = [&](bool& b) {
    if (hasValue) {
      error = "fault '" + std::string(key) + "' takes no value";
      return false;
    }
    b = true;
    return true;
  };
  auto count = [&](unsigned& n) {
    auto v = parseNumber(value, 0, 1000000);
    if (!v) {
      error = "fault '" + std::string(key) + "' needs =N (a number)";
      return false;
    }
    n = static_cast<unsigned>(*v);
    return true;
  };
  if (key == "busy") return flag(f.busy);
  if (key == "noanswer" || key == "no-answer") return flag(f.noAnswer);
  if (key == "nodialtone" || key == "no-dialtone") return flag(f.noDialtone);
  if (key == "answer-after") return count(f.answerAfter);
  if (key == "refuse") return count(f.refuse);
  if (key == "drop-after") {
    auto ms = parseSeconds(value);
    if (!ms) {
      error = "fault 'drop-after' needs =SECONDS (e.g. 10 or 0.5)";
      return false;
    }
    f.dropAfterMs = *ms;
    return true;
  }
  error = "unknown fault '" + std::string(key) + "'";
  return false;
}

std::optional<LineSpec> parseLineSpec(std::string_view spec, std::string& error) {
  const auto eq = spec.find('=');
  if (eq == std::string_view::npos) {
    error = "line spec '" + std::string(spec) + "' is not NAME=NUMBER[,fault...]";
    return std::nullopt;
  }
  LineSpec line;
  line.name = std::string(spec.substr(0, eq));
  if (!validName(line.name)) {
    error = "bad line name '" + line.name + "' (letters, digits, _ - . ; not 'ready')";
    return std::nullopt;
  }
  std::string_view rest = spec.substr(eq + 1);
  const auto comma = rest.find(',');
  line.number = std::string(rest.substr(0, comma));
  if (line.number.empty() || line.number.size() > 32 ||
      line.number.find_first_not_of("0123456789*#") != std::string::npos) {
    error = "bad number '" + line.number + "' for line " + line.name + " (digits 0-9 * # only)";
    return std::nullopt;
  }
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  while (comma != std::string_view::npos) {
    const auto next = rest.find(',');
    const std::string_view word = rest.substr(0, next);
    if (word.empty()) {
      error = "empty fault in line spec '" + std::string(spec) + "'";
      return std::nullopt;
    }
    if (word == "signals") {
      line.signals = true;  // not a fault: how the line is built
    } else if (!applyFaultWord(word, line.faults, error)) {
      error = "line " + line.name + ": " + error;
      return std::nullopt;
    }
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return line;
}

ParsedOptions parseOptions(const std::vector<std::string>& args) {
  ParsedOptions out;
  SimOptions& o = out.options;
  bool dialDelaySet = false;
  auto fail = [&out](std::string why) {
    out.ok = false;
    out.error = std::move(why);
    return out;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string opt = args[i];
    std::optional<std::string> inlineValue;
    if (opt.rfind("--", 0) == 0) {
      if (auto eq = opt.find('='); eq != std::string::npos) {
        inlineValue = opt.substr(eq + 1);
        opt = opt.substr(0, eq);
      }
    }
    if (opt == "--help" || opt == "-h") {
      o.help = true;
      continue;
    }
    static const std::set<std::string> withValue = {
        "--dir",        "--line",       "--log",          "--control", "--ring-interval",
        "--max-rings",  "--guard-time", "--dial-delay",   "--hangup-delay", "--rate"};
    if (!withValue.count(opt)) return fail("unknown option '" + args[i] + "' (see --help)");
    std::string value;
    if (inlineValue) {
      value = *inlineValue;
    } else {
      if (i + 1 >= args.size()) return fail("option " + opt + " needs a value");
      value = args[++i];
    }
    auto ms = [&](Millis& target, long long min) -> bool {
      auto v = parseNumber(value, min, 3600000);
      if (!v) return false;
      target = *v;
      return true;
    };
    if (opt == "--dir") {
      if (value.empty()) return fail("--dir needs a directory");
      o.dir = value;
    } else if (opt == "--line") {
      std::string error;
      auto line = parseLineSpec(value, error);
      if (!line) return fail(error);
      for (const auto& l : o.lines) {
        if (l.name == line->name) return fail("duplicate line name '" + l.name + "'");
        if (l.number == line->number) {
          return fail("duplicate number " + l.number + " (lines " + l.name + " and " + line->name + ")");
        }
      }
      o.lines.push_back(std::move(*line));
    } else if (opt == "--log") {
      if (value.empty()) return fail("--log needs a file name or '-'");
      o.logPath = value;
    } else if (opt == "--control") {
      if (value.empty()) return fail("--control needs a socket path");
      o.controlPath = value;
    } else if (opt == "--ring-interval") {
      if (!ms(o.exchange.ringIntervalMs, 1)) return fail("--ring-interval needs milliseconds >= 1");
    } else if (opt == "--max-rings") {
      auto v = parseNumber(value, 1, 255);
      if (!v) return fail("--max-rings needs a count 1..255");
      o.exchange.maxRings = static_cast<unsigned>(*v);
    } else if (opt == "--guard-time") {
      if (!ms(o.exchange.guardMs, 1)) return fail("--guard-time needs milliseconds >= 1");
    } else if (opt == "--dial-delay") {
      if (!ms(o.exchange.dialDelayMs, 0)) return fail("--dial-delay needs milliseconds");
      dialDelaySet = true;
    } else if (opt == "--hangup-delay") {
      if (!ms(o.exchange.hangupDelayMs, 0)) return fail("--hangup-delay needs milliseconds");
    } else if (opt == "--rate") {
      auto v = parseNumber(value, 1, 100000000);
      if (!v) return fail("--rate needs a positive number");
      o.exchange.connectRate = static_cast<unsigned>(*v);
    }
  }
  if (o.help) {
    out.ok = true;
    return out;
  }
  if (o.lines.empty()) return fail("no lines: give at least one --line NAME=NUMBER");
  if (!dialDelaySet) o.exchange.dialDelayMs = o.exchange.ringIntervalMs / 4;
  out.ok = true;
  return out;
}

std::string usageText() {
  return R"(Usage: pstn-sim [OPTIONS] --line NAME=NUMBER[,FAULT...] [--line ...]
       pstn-sim ctl SOCKET COMMAND [ARGS...]

A PSTN with Hayes modems on pseudo terminals. Each line gets a pty whose slave is
published as the symlink DIR/NAME; DIR/ready is written once all lines exist.

Options:
  --dir DIR            where the line symlinks and the ready file go (default /run/pstn)
  --line SPEC          a line: NAME=NUMBER[,signals][,FAULT...]; NUMBER is digits 0-9 * #
                       (repeatable); `signals` gives the line modem control lines: the DTE
                       opens /dev/gsmttyN (kernel n_gsm) instead of a bare pty
  --log FILE           append JSON event lines to FILE ('-' = standard output)
  --control PATH       listen for control commands on this Unix socket (mode 0600)
  --ring-interval MS   ring cadence in milliseconds (default 2000)
  --max-rings N        rings before NO ANSWER (default 8)
  --guard-time MS      "+++" escape guard time, S12 default (default 1000)
  --dial-delay MS      ATD to first RING/BUSY (default ring-interval/4)
  --hangup-delay MS    NO CARRIER to TIOCVHANGUP on carrier loss (default 200)
  --rate N             rate reported in CONNECT N (default 33600)
  --help               this text

Faults (in SPEC or at run time through the control socket):
  busy  noanswer  nodialtone  answer-after=N  drop-after=SECONDS  refuse=N

Control commands (pstn-sim ctl SOCKET ...; replies "ok" or "error: reason"):
  busy|noanswer|nodialtone LINE on|off    answer-after LINE N    refuse LINE N
  drop-after LINE SECONDS    hangup LINE    clear LINE    status    ping
LINE is a line name or its number.

Example:
  pstn-sim --dir /run/pstn --line mA=5550001 --line mB=5551234,answer-after=2 \
           --log /results/pstn.log --control /run/pstn/control
)";
}

}  // namespace mscb::pstn
