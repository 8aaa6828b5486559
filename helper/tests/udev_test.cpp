// SPDX-License-Identifier: GPL-2.0-or-later
// The libudev adapter against umockdev's mocked sysfs/udev (run under umockdev-wrapper).
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <poll.h>
#include <umockdev.h>

#include "modem_match.hpp"
#include "udev_monitor.hpp"

namespace mscb::helper {
namespace {

class AMockedUdev : public ::testing::Test {
protected:
    void SetUp() override {
        const char* preload = std::getenv("LD_PRELOAD");
        if (!preload || !std::strstr(preload, "umockdev-preload")) GTEST_SKIP() << "run under umockdev-wrapper";
        testbed_ = umockdev_testbed_new();
        syspath_ = umockdev_testbed_add_device(testbed_, "tty", "ttyUSB7", nullptr,
                                               /* attributes */ "dev", "188:7", nullptr,
                                               /* properties */ "DEVNAME", "/dev/ttyUSB7", "ID_MSCB_MODEM", "1",
                                               "MSCB_INIT", "AT&F&C1", "MSCB_DIAL_PREFIX", "T0,", "MSCB_HANGUP",
                                               "escape", "ID_MM_DEVICE_IGNORE", "1", nullptr);
        ASSERT_NE(syspath_, nullptr);
    }
    void TearDown() override {
        if (syspath_) g_free(syspath_);
        if (testbed_) g_object_unref(testbed_);
    }
    UMockdevTestbed* testbed_ = nullptr;
    gchar* syspath_ = nullptr;
};

TEST_F(AMockedUdev, ResolvesATtyToItsPropertiesAndTheModemSection) {
    UdevMonitor udev(false);
    auto info = udev.lookup("/dev/ttyUSB7");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->subsystem, "tty");
    EXPECT_EQ(info->properties["ID_MSCB_MODEM"], "1");
    EXPECT_EQ(info->properties["ID_MM_DEVICE_IGNORE"], "1");
    ModemConfig usb;
    usb.name = "usb";
    usb.udevMatch = std::make_pair(std::string("ID_MSCB_MODEM"), std::string("1"));
    auto modem = matchModem({usb}, "/dev/ttyUSB7", info);
    ASSERT_TRUE(modem);
    EXPECT_EQ(modem->script.init, "AT&F&C1");
    EXPECT_EQ(modem->script.dialPrefix, "T0,");
    EXPECT_EQ(modem->hangup, HangupMethod::Escape);
    EXPECT_FALSE(udev.lookup("/dev/ttyUSB8"));
}

TEST_F(AMockedUdev, ReportsARemovedModem) {
    UdevMonitor udev(true);
    ASSERT_GE(udev.fd(), 0);
    umockdev_testbed_uevent(testbed_, syspath_, "remove");
    pollfd p{udev.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1);
    auto event = udev.receive();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->action, "remove");
    EXPECT_EQ(event->device.devnode, "/dev/ttyUSB7");
}

}  // namespace
}  // namespace mscb::helper
