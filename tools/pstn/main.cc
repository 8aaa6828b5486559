// SPDX-License-Identifier: GPL-2.0-or-later
// pstn-sim entry point: simulator mode or `ctl` control-client mode.
#include <cstdio>
#include <string>
#include <vector>

#include "options.h"
#include "sim.h"

int main(int argc, char** argv) {
  using namespace mscb::pstn;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "ctl") {
    if (args.size() < 3) {
      std::fprintf(stderr, "pstn-sim: usage: pstn-sim ctl SOCKET COMMAND [ARGS...]\n");
      return 2;
    }
    std::string command;
    for (std::size_t i = 2; i < args.size(); ++i) command += (i > 2 ? " " : "") + args[i];
    return runControlClient(args[1], command, 5000);
  }
  ParsedOptions parsed = parseOptions(args);
  if (!parsed.ok) {
    std::fprintf(stderr, "pstn-sim: %s\n", parsed.error.c_str());
    return 2;
  }
  if (parsed.options.help) {
    std::fputs(usageText().c_str(), stdout);
    return 0;
  }
  Simulator sim(std::move(parsed.options));
  return sim.run();
}
