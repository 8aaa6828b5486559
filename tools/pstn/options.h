// SPDX-License-Identifier: GPL-2.0-or-later
// Command-line and line/fault specification parsing for pstn-sim (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exchange.h"

namespace mscb::pstn {

struct SimOptions {
  std::string dir = "/run/pstn";
  std::vector<LineSpec> lines;
  std::string logPath;      // empty: no event log; "-": standard output
  std::string controlPath;  // empty: no control socket
  ExchangeConfig exchange;
  bool help = false;
};

struct ParsedOptions {
  bool ok = false;
  std::string error;
  SimOptions options;
};

// Parses the simulator's arguments (without argv[0]).
ParsedOptions parseOptions(const std::vector<std::string>& args);

// "NAME=NUMBER[,signals][,busy][,noanswer][,nodialtone][,answer-after=N][,drop-after=SECONDS][,refuse=N]"
std::optional<LineSpec> parseLineSpec(std::string_view spec, std::string& error);

// Applies one fault word ("busy", "answer-after=3", ...) to faults.
bool applyFaultWord(std::string_view word, Faults& faults, std::string& error);

std::string usageText();

}  // namespace mscb::pstn
