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

private:
    bool syslog_;
    bool stderr_;
};

}  // namespace mscb::helper
