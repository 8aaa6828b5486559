// SPDX-License-Identifier: GPL-2.0-or-later
// The tty line adapter: DTR control, input flush, device identity.
#pragma once

#include <string>

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
/// Opens a pool modem the helper dials from: read/write, not as a controlling tty, raw 8N1,
/// CLOCAL (chat talks to the modem before there is a carrier) and HUPCL (the modem hangs up
/// when the last holder closes it). `speed` 0 leaves the line's speed alone.
Result<int> openModemLine(const std::string& device, unsigned speed);

}  // namespace mscb::helper
