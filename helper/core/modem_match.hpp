// SPDX-License-Identifier: GPL-2.0-or-later
// Which configured modem a line is, and the per-modem overrides udev properties carry.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"

namespace mscb::helper {

/// What the udev adapter knows about a tty (value type; no libudev here).
struct DeviceInfo {
    std::string devnode;    ///< /dev/ttyS0
    std::string subsystem;  ///< tty
    std::map<std::string, std::string> properties;
};

/// The modem section for `line`: an exact `device` match first, else the first section whose
/// `udev-match` property the device carries. MSCB_INIT, MSCB_DIAL_PREFIX, MSCB_HANGUP and
/// MSCB_SPEED from the shipped udev rule override the section (validated like the config;
/// an invalid value is ignored and reported in `warnings`).
std::optional<ModemConfig> matchModem(const std::vector<ModemConfig>& modems, const std::string& line,
                                      const std::optional<DeviceInfo>& device,
                                      std::vector<std::string>* warnings = nullptr);

/// The pool modem a new job dials from: the first `pool` section, in the file's order, whose
/// device is not in `busy` (held by a job or a return call). None: the answering line dials.
std::optional<ModemConfig> choosePoolModem(const std::vector<ModemConfig>& modems,
                                           const std::vector<std::string>& busy);

}  // namespace mscb::helper
