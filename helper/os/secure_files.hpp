// SPDX-License-Identifier: GPL-2.0-or-later
// Safe file creation for the helper: checked directories, O_EXCL|O_NOFOLLOW files, atomic rename.
#pragma once

#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

#include "mscb/result.hpp"

namespace mscb::helper {

/// Creates `dir` with `mode` if missing; refuses a symlink, a non-directory, a directory not
/// owned by `owner` or with more permissions than `mode`.
Result<bool> ensureDirectory(const std::string& dir, mode_t mode, uid_t owner);
/// Creates `dir/name` with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, and writes `text`.
Result<bool> writeNewFile(const std::string& dir, const std::string& name, const std::string& text);
/// Writes `dir/name` atomically against crashes: a generated temp name, then rename (no fsync).
Result<bool> writeFileAtomic(const std::string& dir, const std::string& name, const std::string& text);
/// Regular files in `dir` (name, content), each at most `maxBytes` (larger ones are returned
/// with empty content so the caller can report them). Names starting with '.' are skipped.
std::vector<std::pair<std::string, std::string>> readDirectoryFiles(const std::string& dir, std::size_t maxBytes);

}  // namespace mscb::helper
