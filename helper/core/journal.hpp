// SPDX-License-Identifier: GPL-2.0-or-later
// The job journal codec: one key=value file per job so a restarted helper can resume it.
#pragma once

#include <string>
#include <string_view>

#include "dialer.hpp"
#include "mscb/helper_message.hpp"
#include "mscb/result.hpp"

namespace mscb::helper {

/// Everything a restarted helper needs to resume a job.
struct JournalRecord {
    std::string jobId;
    CallbackJob job;
    std::string bootId;  ///< times are on this boot's CLOCK_BOOTTIME; another boot = expired
    TimePoint created{0};
    DialerSnapshot snapshot;
    std::string dialLine;  ///< the pool modem the job dials from; empty: the answering line
};

/// A job id the helper generates: [a-z0-9-], 1..40 bytes (safe as a file name component).
bool isValidJobId(std::string_view id);

/// Text of the journal file (the message format, verb "journal").
Result<std::string> encodeJournal(const JournalRecord& record);
/// Parses and re-validates a journal file (number through the firewall again).
Result<JournalRecord> decodeJournal(std::string_view text, const DialRules& rules);

/// Whether a journaled job may resume now; the Error says why not (for the log line that
/// fails the job: a job is never dropped silently).
Result<bool> checkResumable(const JournalRecord& record, std::string_view bootId, TimePoint now, Millis expiry);

}  // namespace mscb::helper
