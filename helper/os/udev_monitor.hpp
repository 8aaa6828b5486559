// SPDX-License-Identifier: GPL-2.0-or-later
// libudev adapter: resolve a tty to its udev device and watch tty add/remove events.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "fd.hpp"
#include "modem_match.hpp"

struct udev;
struct udev_monitor;

namespace mscb::helper {

/// Narrow interface so the daemon's tests can fake udev.
class DeviceDirectory {
public:
    virtual ~DeviceDirectory() = default;
    /// The udev view of the character device at `devnode` (by its st_rdev), if udev knows it.
    virtual std::optional<DeviceInfo> lookup(const std::string& devnode) = 0;
};

struct DeviceEvent {
    std::string action;  ///< "add", "remove", "change", ...
    DeviceInfo device;
};

class UdevMonitor : public DeviceDirectory {
public:
    /// Opens libudev; with `monitor`, also a "udev"-source monitor on the tty subsystem
    /// (set up and enabled before any lookup, as ModemManager/libinput do).
    explicit UdevMonitor(bool monitor);
    ~UdevMonitor() override;
    UdevMonitor(const UdevMonitor&) = delete;
    UdevMonitor& operator=(const UdevMonitor&) = delete;

    std::optional<DeviceInfo> lookup(const std::string& devnode) override;
    /// The monitor's fd for the event loop (-1 without a monitor).
    [[nodiscard]] int fd() const;
    /// Reads one pending event (call when fd() is readable).
    std::optional<DeviceEvent> receive();

private:
    ::udev* udev_ = nullptr;
    ::udev_monitor* monitor_ = nullptr;
};

}  // namespace mscb::helper
