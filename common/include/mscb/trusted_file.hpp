// SPDX-License-Identifier: GPL-2.0-or-later
// Reading a configuration file that decides who is called back where (the plugin's users file,
// the helper's helper.conf): whoever can write it sets the policy, so it must be root's.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "mscb/result.hpp"

namespace mscb {

/// Opens `path` without following a final symlink and without blocking (a FIFO or device named
/// there cannot stall pppd or the helper), then checks the open file itself (no race between
/// check and read): a regular file, owned by `owner`, not group- or world-writable, at most
/// `maxBytes` as read (a file that grows after fstat is refused, not truncated).
Result<std::string> readTrustedFile(const std::string& path, uid_t owner, std::size_t maxBytes);

}  // namespace mscb
