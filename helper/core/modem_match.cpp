// SPDX-License-Identifier: GPL-2.0-or-later
// Modem lookup by device path or udev property, with udev property overrides.
#include "modem_match.hpp"

#include <algorithm>
#include <charconv>

#include "mscb/dial_number.hpp"

namespace mscb::helper {

std::optional<ModemConfig> matchModem(const std::vector<ModemConfig>& modems, const std::string& line,
                                      const std::optional<DeviceInfo>& device,
                                      std::vector<std::string>* warnings) {
    const ModemConfig* found = nullptr;
    for (const auto& m : modems) {
        if (!m.device.empty() && m.device == line) {
            found = &m;
            break;
        }
    }
    if (!found && device && device->devnode == line) {
        for (const auto& m : modems) {
            if (m.udevMatch && m.device.empty()) {
                const auto it = device->properties.find(m.udevMatch->first);
                if (it != device->properties.end() && it->second == m.udevMatch->second) {
                    found = &m;
                    break;
                }
            }
        }
    }
    if (!found) return std::nullopt;
    ModemConfig result = *found;
    if (!device || device->devnode != line) return result;
    auto warn = [&](const std::string& text) {
        if (warnings) warnings->push_back(text);
    };
    const auto& props = device->properties;
    if (auto it = props.find("MSCB_INIT"); it != props.end()) {
        if (auto ok = checkInitString(it->second)) {
            result.script.init = it->second;
        } else {
            warn("ignoring udev MSCB_INIT '" + escapeForLog(it->second) + "': " + ok.reason());
        }
    }
    if (auto it = props.find("MSCB_DIAL_PREFIX"); it != props.end()) {
        if (auto ok = checkDialPrefix(it->second)) {
            result.script.dialPrefix = it->second;
        } else {
            warn("ignoring udev MSCB_DIAL_PREFIX '" + escapeForLog(it->second) + "': " + ok.reason());
        }
    }
    if (auto it = props.find("MSCB_HANGUP"); it != props.end()) {
        if (it->second == "dtr") {
            result.hangup = HangupMethod::Dtr;
        } else if (it->second == "escape") {
            result.hangup = HangupMethod::Escape;
        } else {
            warn("ignoring udev MSCB_HANGUP '" + escapeForLog(it->second) + "'");
        }
    }
    if (auto it = props.find("MSCB_SPEED"); it != props.end()) {
        unsigned speed = 0;
        const auto& v = it->second;
        const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), speed);
        if (ec == std::errc{} && ptr == v.data() + v.size() && speed >= 300 && speed <= 4000000) {
            result.speed = speed;
        } else {
            warn("ignoring udev MSCB_SPEED '" + escapeForLog(v) + "'");
        }
    }
    return result;
}

std::optional<ModemConfig> choosePoolModem(const std::vector<ModemConfig>& modems,
                                           const std::vector<std::string>& busy) {
    for (const auto& m : modems) {
        if (!m.pool || m.device.empty()) continue;
        if (std::find(busy.begin(), busy.end(), m.device) != busy.end()) continue;
        return m;
    }
    return std::nullopt;
}

}  // namespace mscb::helper
