// SPDX-License-Identifier: GPL-2.0-or-later
// syslog + stderr logger; every byte of a line is made printable first.
#include "logger.hpp"

#include <cstdio>
#include <syslog.h>

#include "mscb/dial_number.hpp"

namespace mscb::helper {

Logger::Logger(const char* ident, bool toSyslog, bool toStderr) : syslog_(toSyslog), stderr_(toStderr) {
    if (syslog_) ::openlog(ident, LOG_PID, LOG_DAEMON);
}

Logger::~Logger() {
    if (syslog_) ::closelog();
}

void Logger::log(LogLevel level, const std::string& jobId, const std::string& text) {
    // Text may carry modem output or peer-influenced values: escape, cap.
    const std::string line = (jobId.empty() ? std::string() : "job " + jobId + ": ") + escapeForLog(text, 400);
    int priority = LOG_INFO;
    const char* tag = "info";
    switch (level) {
    case LogLevel::Debug: priority = LOG_DEBUG; tag = "debug"; break;
    case LogLevel::Info: break;
    case LogLevel::Warning: priority = LOG_WARNING; tag = "warning"; break;
    case LogLevel::Error: priority = LOG_ERR; tag = "error"; break;
    }
    if (syslog_) ::syslog(priority, "%s", line.c_str());
    if (stderr_) std::fprintf(stderr, "mscb-helper: %s: %s\n", tag, line.c_str());
}

}  // namespace mscb::helper
