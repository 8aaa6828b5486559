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

/// Starts programs for the helper at a cost that does not grow with the helper's open fds.
///
/// Why: a plain fork/vfork copies the whole fd table into the child and execve then closes
/// every O_CLOEXEC entry one by one. At 1,000 jobs the helper holds ~3,000 fds, and that copy
/// and close was the largest part of each dial's cost in the helper's single-threaded loop
/// (doc/performance.md §3). Here the child shares the table (CLONE_FILES), then unshares
/// only its first few entries (close_range(CLOSE_RANGE_UNSHARE), Linux 5.9): the fds it
/// needs are first placed in slots reserved at start-up, when the table was still small.
class Spawner {
public:
    /// Reserves the slots: call it early, before the helper opens its per-job fds.
    static Result<Spawner> create();

    /// Whether a child dies with the helper: chat must (a restarted helper resumes the job on
    /// the same line), a return call's pppd must not (the call goes on without the helper).
    enum class Lifetime { WithHelper, OutlivesHelper };

    /// Runs `argv[0]` (an absolute path) with stdin and stdout = `lineFd`, stderr = `stderrFd`
    /// (-1: /dev/null), a minimal environment, default signal dispositions, an empty signal
    /// mask, its own session, and with Lifetime::WithHelper SIGKILL when the helper dies
    /// (PR_SET_PDEATHSIG). Blocks only until the child has exec'd (or failed to).
    Result<Spawned> spawn(const std::vector<std::string>& argv, int lineFd, int stderrFd,
                          Lifetime lifetime = Lifetime::WithHelper);

    /// Runs `argv[0]` (an absolute path, never through a shell) with exactly `env`, stdin
    /// /dev/null and stdout and stderr = `outputFd`; otherwise as spawn() (its own session, so
    /// kill(-pid) reaches what it started; SIGKILL when the helper dies). For event hooks.
    Result<Spawned> spawnDetached(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                  int outputFd);

    /// The highest fd a child copies from the helper's table (tests).
    [[nodiscard]] int highestSlot() const { return slotErr_.get(); }

private:
    Spawner(UniqueFd null, UniqueFd line, UniqueFd err)
        : null_(std::move(null)), slotLine_(std::move(line)), slotErr_(std::move(err)) {}
    UniqueFd null_;      ///< /dev/null, put back into the slots after each spawn
    UniqueFd slotLine_;  ///< reserved low fd: the line, while a child starts
    UniqueFd slotErr_;   ///< reserved low fd: the stderr pipe, while a child starts

    Result<Spawned> start(const std::vector<std::string>& argv, char* const* env, int inFd, int outFd,
                          int errFd, Lifetime lifetime);
};

/// The argv for one chat run: chat -v -s -S -t SECONDS -f SCRIPT (never the number).
std::vector<std::string> chatArgv(const std::string& chatPath, const std::string& scriptPath, long timeoutSeconds);

/// Reaps `pid` without blocking. Returns the exit status, or -signal; nullopt if still running.
std::optional<int> reapProcess(pid_t pid);

}  // namespace mscb::helper
