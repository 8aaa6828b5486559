// SPDX-License-Identifier: GPL-2.0-or-later
// libudev lookups and the tty add/remove monitor.
#include "udev_monitor.hpp"

#include <cerrno>
#include <libudev.h>
#include <sys/stat.h>

namespace mscb::helper {
namespace {

DeviceInfo toInfo(udev_device* d) {
    DeviceInfo info;
    if (const char* node = udev_device_get_devnode(d)) info.devnode = node;
    if (const char* sub = udev_device_get_subsystem(d)) info.subsystem = sub;
    udev_list_entry* entry = nullptr;
    unsigned count = 0;
    udev_list_entry_foreach(entry, udev_device_get_properties_list_entry(d)) {
        const char* name = udev_list_entry_get_name(entry);
        const char* value = udev_list_entry_get_value(entry);
        if (!name || !value || ++count > 256) continue;
        info.properties.emplace(name, value);
    }
    return info;
}

}  // namespace

UdevMonitor::UdevMonitor(bool monitor) : udev_(udev_new()) {
    if (!udev_) throwErrno("udev_new");
    if (!monitor) return;
    monitor_ = udev_monitor_new_from_netlink(udev_, "udev");
    if (!monitor_) {
        udev_unref(udev_);
        throwErrno("udev_monitor_new_from_netlink");
    }
    udev_monitor_filter_add_match_subsystem_devtype(monitor_, "tty", nullptr);
    if (udev_monitor_enable_receiving(monitor_) < 0) {
        udev_monitor_unref(monitor_);
        udev_unref(udev_);
        throwErrno("udev_monitor_enable_receiving");
    }
}

UdevMonitor::~UdevMonitor() {
    if (monitor_) udev_monitor_unref(monitor_);
    if (udev_) udev_unref(udev_);
}

std::optional<DeviceInfo> UdevMonitor::lookup(const std::string& devnode) {
    struct stat st{};
    if (::stat(devnode.c_str(), &st) == 0) {
        if (!S_ISCHR(st.st_mode)) return std::nullopt;
        if (udev_device* d = udev_device_new_from_devnum(udev_, 'c', st.st_rdev)) {
            auto info = toInfo(d);
            udev_device_unref(d);
            // udev names the kernel node; the config may use a by-id symlink: keep the caller's.
            info.devnode = devnode;
            return info;
        }
        // A node udev does not know (a pty, say): scanning every tty would not find it either,
        // and costs seconds on a large sysfs, inside the plugin's 1 s admission window.
        return std::nullopt;
    }
    // No node we can stat: look the name up among the tty devices, by node or by one of their
    // symlinks.
    udev_enumerate* e = udev_enumerate_new(udev_);
    if (!e) return std::nullopt;
    udev_enumerate_add_match_subsystem(e, "tty");
    udev_enumerate_scan_devices(e);
    std::optional<DeviceInfo> found;
    udev_list_entry* entry = nullptr;
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
        udev_device* d = udev_device_new_from_syspath(udev_, udev_list_entry_get_name(entry));
        if (!d) continue;
        auto info = toInfo(d);
        udev_device_unref(d);
        const auto links = info.properties.find("DEVLINKS");
        const bool linked = links != info.properties.end() &&
                            (" " + links->second + " ").find(" " + devnode + " ") != std::string::npos;
        if (info.devnode == devnode || linked) {
            info.devnode = devnode;
            found = std::move(info);
            break;
        }
    }
    udev_enumerate_unref(e);
    return found;
}

int UdevMonitor::fd() const {
    return monitor_ ? udev_monitor_get_fd(monitor_) : -1;
}

std::optional<DeviceEvent> UdevMonitor::receive() {
    if (!monitor_) return std::nullopt;
    udev_device* d = udev_monitor_receive_device(monitor_);
    if (!d) return std::nullopt;
    DeviceEvent e;
    if (const char* action = udev_device_get_action(d)) e.action = action;
    e.device = toInfo(d);
    udev_device_unref(d);
    return e;
}

}  // namespace mscb::helper
