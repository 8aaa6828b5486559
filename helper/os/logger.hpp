// SPDX-License-Identifier: GPL-2.0-or-later
// Log lines to syslog (journald) and stderr, with the job id on every job line.
#pragma once

#include <string>

#include "job_manager.hpp"

namespace mscb::helper {

class Logger {
public:
    /// `ident` for syslog; `toSyslog` false in tests.
    Logger(const char* ident, bool toSyslog, bool toStderr);
    ~Logger();
    void log(LogLevel level, const std::string& jobId, const std::string& text);

    /// Whether stderr is systemd's journal stream (JOURNAL_STREAM names its device:inode):
    /// then each line starts with its syslog priority, "<3>error: ...", which journald turns
    /// into the entry's PRIORITY, so `journalctl -p err -u mscb-helper` works with --no-syslog.
    [[nodiscard]] bool stderrIsJournal() const { return journalStream_; }

private:
    bool syslog_;
    bool stderr_;
    bool journalStream_ = false;
};

/// JOURNAL_STREAM's "DEV:INODE" against fd's fstat (sd_journal_stream_fd(3), systemd.exec(5)).
bool isJournalStream(const char* journalStreamEnv, int fd);

}  // namespace mscb::helper
