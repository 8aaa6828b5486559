// SPDX-License-Identifier: GPL-2.0-or-later
// The tty line adapter: DTR control, input flush, device identity, UUCP lock files.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "mscb/result.hpp"

namespace mscb::helper {

enum class DtrOutcome { Done, Unsupported, Failed };
/// TIOCMBIC (drop) / TIOCMBIS (raise) of TIOCM_DTR. ENOTTY and EINVAL (ptys, some USB
/// adapters) give Unsupported: the caller falls back to the escape sequence.
DtrOutcome setDtr(int fd, bool on);
/// Discards unread input (a late "NO CARRIER" from the first call).
void flushInput(int fd);
/// Clears O_NONBLOCK: chat reads with alarm(2)-bounded blocking reads.
void makeBlocking(int fd);
/// `fd` is a tty and the same character device as `path` (st_rdev), `path` not a symlink
/// out of /dev.
Result<bool> isSameTty(int fd, const std::string& path);

/// UUCP lock files in the pppd/mgetty format: the pid as 10 characters plus newline.
std::string uucpLockPath(const std::string& lockDir, const std::string& ttyPath);
std::string formatLockPid(pid_t pid);
/// Parses a lock file's text (ASCII, optionally binary 4-byte int is NOT accepted).
std::optional<pid_t> parseLockPid(const std::string& text);
/// Creates the lock for `pid` with O_EXCL|O_NOFOLLOW; a stale lock (kill(pid,0) == ESRCH)
/// is removed and the create retried once. Error says who holds it.
Result<bool> acquireUucpLock(const std::string& lockDir, const std::string& ttyPath, pid_t pid);
/// Removes the lock if it names `pid`.
void releaseUucpLock(const std::string& lockDir, const std::string& ttyPath, pid_t pid);

}  // namespace mscb::helper
