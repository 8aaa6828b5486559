// SPDX-License-Identifier: GPL-2.0-or-later
// `mscbctl status` as messages: pending jobs, active return calls, other ppp links, refusals.
//
// Pure rendering of what the job manager holds, so the report's fields are defined (and tested)
// in one place and the job manager only gathers rows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dialer.hpp"
#include "link_table.hpp"
#include "mscb/helper_message.hpp"

namespace mscb::helper {

/// A job that has not finished.
struct JobRow {
    std::string job, user, number, line, modem;
    std::string dialLine;  ///< a pool modem's device; empty: the answering line dials
    DialerState state = DialerState::WaitLine;
    unsigned attempt = 0, attempts = 0;
    TimePoint created{0};
    std::optional<TimePoint> deadline, nextEvent;
};

/// A connected return call.
struct CallRow {
    std::string job, user, number, line;
    std::int32_t pppdPid = 0;
    TimePoint since{0};
};

/// The entries of a status report, in order (jobs, calls with their link, links not on a call,
/// refusal counts), without the closing `end`.
std::vector<Message> statusEntries(const std::vector<JobRow>& jobs, const std::vector<CallRow>& calls,
                                   const LinkTable& links, const std::map<std::string, unsigned>& refusals,
                                   TimePoint now);

}  // namespace mscb::helper
