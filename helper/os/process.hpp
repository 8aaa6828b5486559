// SPDX-License-Identifier: GPL-2.0-or-later
// Spawning chat(8) with fork + execve and an argv vector (never a shell), watched by a pidfd.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "fd.hpp"
#include "mscb/result.hpp"

namespace mscb::helper {

struct Spawned {
    pid_t pid = -1;
    UniqueFd pidfd;  ///< readable when the process exits
};

/// Runs `argv[0]` (an absolute path) with stdin and stdout = `lineFd`, stderr = `stderrFd`,
/// a minimal environment, default signal dispositions and an empty signal mask.
Result<Spawned> spawnProcess(const std::vector<std::string>& argv, int lineFd, int stderrFd);

/// The argv for one chat run: chat -v -s -S -t SECONDS [-T NUMBER] -f SCRIPT.
std::vector<std::string> chatArgv(const std::string& chatPath, const std::string& scriptPath,
                                  const std::string& number, long timeoutSeconds);

/// Reaps `pid` without blocking. Returns the exit status, or -signal; nullopt if still running.
std::optional<int> reapProcess(pid_t pid);

}  // namespace mscb::helper
