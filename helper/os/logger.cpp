// SPDX-License-Identifier: GPL-2.0-or-later
// syslog + stderr logger; every byte of a line is made printable first.
#include "logger.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <syslog.h>

#include "mscb/dial_number.hpp"

namespace mscb::helper {

bool isJournalStream(const char* journalStreamEnv, int fd) {
    if (journalStreamEnv == nullptr) return false;
    unsigned long long dev = 0, ino = 0;
    char tail = 0;
    if (std::sscanf(journalStreamEnv, "%llu:%llu%c", &dev, &ino, &tail) != 2) return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

Logger::Logger(const char* ident, bool toSyslog, bool toStderr)
    : syslog_(toSyslog), stderr_(toStderr), journalStream_(toStderr && isJournalStream(std::getenv("JOURNAL_STREAM"), 2)) {
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
    if (!stderr_) return;
    if (journalStream_) {
        // journald adds the identifier itself; the "<N>" prefix carries the priority.
        std::fprintf(stderr, "<%d>%s: %s\n", priority, tag, line.c_str());
    } else {
        std::fprintf(stderr, "mscb-helper: %s: %s\n", tag, line.c_str());
    }
}

}  // namespace mscb::helper
