// SPDX-License-Identifier: GPL-2.0-or-later
// Modem lookup by path and udev property; udev property overrides are validated.
#include <gtest/gtest.h>

#include "modem_match.hpp"

namespace mscb::helper {
namespace {

std::vector<ModemConfig> modems() {
    ModemConfig a;
    a.name = "fixed";
    a.device = "/dev/ttyS0";
    ModemConfig b;
    b.name = "usb";
    b.udevMatch = std::make_pair(std::string("ID_MSCB_MODEM"), std::string("1"));
    return {a, b};
}

TEST(AModemMatch, FindsAConfiguredDevicePath) {
    auto m = matchModem(modems(), "/dev/ttyS0", std::nullopt);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->name, "fixed");
    EXPECT_FALSE(matchModem(modems(), "/dev/ttyS1", std::nullopt));
}

TEST(AModemMatch, FindsAModemByUdevProperty) {
    DeviceInfo info{"/dev/ttyUSB0", "tty", {{"ID_MSCB_MODEM", "1"}}};
    auto m = matchModem(modems(), "/dev/ttyUSB0", info);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->name, "usb");
    info.properties["ID_MSCB_MODEM"] = "0";
    EXPECT_FALSE(matchModem(modems(), "/dev/ttyUSB0", info));
}

TEST(AModemMatch, AppliesValidUdevOverrides) {
    DeviceInfo info{"/dev/ttyUSB0", "tty",
                    {{"ID_MSCB_MODEM", "1"}, {"MSCB_INIT", "AT&F"}, {"MSCB_DIAL_PREFIX", "T9,"},
                     {"MSCB_HANGUP", "escape"}, {"MSCB_SPEED", "115200"}}};
    auto m = matchModem(modems(), "/dev/ttyUSB0", info);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->script.init, "AT&F");
    EXPECT_EQ(m->script.dialPrefix, "T9,");
    EXPECT_EQ(m->hangup, HangupMethod::Escape);
    EXPECT_EQ(m->speed, 115200u);
}

TEST(AModemMatch, IgnoresInvalidUdevOverridesWithAWarning) {
    DeviceInfo info{"/dev/ttyUSB0", "tty",
                    {{"ID_MSCB_MODEM", "1"}, {"MSCB_INIT", "AT\\d"}, {"MSCB_DIAL_PREFIX", "T;ATH"},
                     {"MSCB_HANGUP", "x"}, {"MSCB_SPEED", "fast"}}};
    std::vector<std::string> warnings;
    auto m = matchModem(modems(), "/dev/ttyUSB0", info, &warnings);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->script.init, "");
    EXPECT_EQ(m->script.dialPrefix, "T");
    EXPECT_EQ(m->hangup, HangupMethod::Dtr);
    EXPECT_EQ(warnings.size(), 4u);
}

TEST(APoolChoice, TakesTheFirstFreePoolModemInTheFilesOrder) {
    const auto modem = [](const char* name, const char* device, bool pool) {
        ModemConfig m;
        m.name = name;
        m.device = device;
        m.pool = pool;
        return m;
    };
    const auto line1 = modem("line1", "/dev/ttyS0", false);
    const auto out1 = modem("out1", "/dev/ttyS1", true);
    const auto out2 = modem("out2", "/dev/ttyS2", true);
    const std::vector<ModemConfig> all{line1, out1, out2};
    EXPECT_EQ(choosePoolModem(all, {})->name, "out1");
    EXPECT_EQ(choosePoolModem(all, {"/dev/ttyS1"})->name, "out2");
    EXPECT_FALSE(choosePoolModem(all, {"/dev/ttyS1", "/dev/ttyS2"}));  // busy: the answering line dials
    EXPECT_FALSE(choosePoolModem({line1}, {}));                         // no pool at all
}

}  // namespace
}  // namespace mscb::helper
