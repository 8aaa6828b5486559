// SPDX-License-Identifier: GPL-2.0-or-later
// The helper's configuration file (/etc/mscb/helper.conf): a line-fed, line-numbered parser.
//
//   # comment
//   key = value                 global keys, before the first section
//   [modem NAME]                one section per callback modem
//   device = /dev/ttyS0         ...or  udev-match = ID_MSCB_MODEM=1  (or both)
//   [caller-id]                 caller-ID callback: calls from these numbers are not answered
//   5551234 = alice             ...but called back, and must authenticate as that user
//
// Any bad line refuses the whole file with "FILE:LINE: reason". An obsolete key (lock-dir) is
// accepted and ignored, with a "FILE:LINE: ..." warning for the log.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialer.hpp"
#include "event_hooks.hpp"
#include "mscb/dial_number.hpp"
#include "mscb/helper_message.hpp"
#include "mscb/result.hpp"

namespace mscb::helper {

/// mscb-connect gives up after this; a config whose worst-case job takes longer is refused.
inline constexpr Millis kConnectorTimeout{900000};

struct ModemConfig {
    std::string name;
    std::string device;                                      ///< /dev path, or empty
    std::optional<std::pair<std::string, std::string>> udevMatch;  ///< property=value
    HangupMethod hangup = HangupMethod::Dtr;
    Millis dtrHold{500};
    ModemScriptSettings script;
    unsigned speed = 0;  ///< informational (MSCB_SPEED); 0 = leave the line's speed alone
    /// A modem of the return-call pool: the helper opens it itself, dials from it for any
    /// answering line and starts the return call's pppd on it; nothing else answers on it.
    bool pool = false;
};

/// A caller-ID callback number and the user its return call must authenticate as.
struct CallerIdEntry {
    std::string number;  ///< canonical (the firewall's form)
    std::string user;
};

struct HelperConfig {
    std::string socketPath = "/run/mscb/helper.sock";
    std::string runDir = "/run/mscb";
    std::string journalDir = "/var/lib/mscb/jobs";
    std::string chatPath = "/usr/sbin/chat";
    std::string pppdPath = "/usr/sbin/pppd";  ///< runs the return call on a pool modem
    std::string returnOptions;                ///< `file` for that pppd; required with a pool
    unsigned maxJobs = 4;
    unsigned attempts = 3;
    Millis backoff{10000};
    Millis backoffMax{60000};
    Millis resetLead{3000};
    Millis lineWait{30000};
    Millis jobExpiry{120000};  ///< beyond the deadline: older journaled jobs are failed
    unsigned userPerHour = 4;
    unsigned numberPerHour = 3;
    unsigned historySize = 50;
    HookSettings hooks;  ///< event-hooks, event-hook-timeout, event-hook-queue
    DialRules rules;
    std::vector<ModemConfig> modems;
    std::vector<CallerIdEntry> callerIds;
    unsigned callerIdDelay = 10;  ///< seconds from the ringing call to the callback's dial
    /// "FILE:LINE: text" for lines that were accepted but should be changed (obsolete keys).
    std::vector<std::string> warnings;

    /// Dialer settings for a job on `modem`.
    [[nodiscard]] DialerSettings dialerSettings(const ModemConfig& modem) const;
};

/// Parses the whole file; `name` prefixes error messages.
Result<HelperConfig> parseConfig(std::string_view text, std::string_view name);

}  // namespace mscb::helper
