// SPDX-License-Identifier: GPL-2.0-or-later
// helper.conf parser: a full example, and line-numbered errors.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "config.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

const char* kExample = R"(# example
socket = /run/mscb/helper.sock
run-dir = /run/mscb
journal-dir = /var/lib/mscb/jobs
max-jobs = 2
attempts = 3
backoff = 10
backoff-max = 40
user-per-hour = 5
number-per-hour = 2
international-prefix = 00
deny-prefixes = 00,900

[modem line1]
device = /dev/ttyS0
init = AT&F&C1&D2
dial-prefix = T0,
hangup = dtr
dtr-hold-ms = 800
connect-timeout = 60

[modem usb]
udev-match = ID_MSCB_MODEM=1
hangup = escape
)";

TEST(AConfig, ParsesTheExample) {
    auto c = parseConfig(kExample, "helper.conf");
    ASSERT_TRUE(c) << c.reason();
    EXPECT_EQ(c->maxJobs, 2u);
    EXPECT_EQ(c->backoffMax, 40000ms);
    EXPECT_EQ(c->rules.internationalPrefix, "00");
    EXPECT_EQ(c->rules.denyPrefixes, (std::vector<std::string>{"00", "900"}));
    ASSERT_EQ(c->modems.size(), 2u);
    EXPECT_EQ(c->modems[0].device, "/dev/ttyS0");
    EXPECT_EQ(c->modems[0].script.dialPrefix, "T0,");
    EXPECT_EQ(c->modems[0].dtrHold, 800ms);
    EXPECT_EQ(c->modems[1].udevMatch->first, "ID_MSCB_MODEM");
    EXPECT_EQ(c->modems[1].hangup, HangupMethod::Escape);
    const auto s = c->dialerSettings(c->modems[0]);
    EXPECT_EQ(s.attempts, 3u);
    EXPECT_EQ(s.modem.connectTimeout, 60000ms);
    EXPECT_TRUE(c->warnings.empty());
}

TEST(AConfig, ParsesTheShippedExample) {
    std::ifstream in(MSCB_HELPER_EXAMPLE_CONF);
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    auto c = parseConfig(text.str(), "helper.conf");
    ASSERT_TRUE(c) << c.reason();
    EXPECT_EQ(c->modems.size(), 2u);
    EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
}

// The helper no longer writes UUCP locks (it never opens a line by name): lock-dir, which older
// configurations and mscb-helper.conf(5) named, is accepted with a warning instead of refused.
TEST(AConfig, AcceptsTheObsoleteLockDirWithAWarning) {
    auto c = parseConfig("max-jobs = 2\nlock-dir = /var/lock\n[modem a]\ndevice = /dev/ttyS0\n", "helper.conf");
    ASSERT_TRUE(c) << c.reason();
    EXPECT_EQ(c->warnings, (std::vector<std::string>{
                               "helper.conf:2: 'lock-dir' is obsolete and ignored (the helper takes no UUCP locks)"}));
    EXPECT_EQ(c->maxJobs, 2u);
}

TEST(AConfig, CallerFeatureCodesAreOffUnlessSaid) {
    auto off = parseConfig("[modem a]\ndevice = /dev/ttyS0\n", "helper.conf");
    ASSERT_TRUE(off) << off.reason();
    EXPECT_FALSE(off->rules.peerFeatureCodes);
    auto on = parseConfig("caller-feature-codes = yes\n[modem a]\ndevice = /dev/ttyS0\n", "helper.conf");
    ASSERT_TRUE(on) << on.reason();
    EXPECT_TRUE(on->rules.peerFeatureCodes);
}

TEST(AConfig, ReadsAReturnCallPool) {
    auto c = parseConfig("return-options = /etc/ppp/options.mscb-return\npppd = /usr/local/sbin/pppd\n"
                         "[modem line1]\ndevice = /dev/ttyS0\n[modem out1]\ndevice = /dev/ttyS1\npool = yes\n",
                         "helper.conf");
    ASSERT_TRUE(c) << c.reason();
    EXPECT_FALSE(c->modems[0].pool);
    EXPECT_TRUE(c->modems[1].pool);
    EXPECT_EQ(c->returnOptions, "/etc/ppp/options.mscb-return");
    EXPECT_EQ(c->pppdPath, "/usr/local/sbin/pppd");
}

TEST(AConfig, ReadsCallerIdNumbersInCanonicalForm) {
    auto c = parseConfig("return-options = /etc/ppp/o\ncaller-id-delay = 20\n[caller-id]\n555-1234 = alice\n"
                         "(555) 9999 = bob\n[modem out1]\ndevice = /dev/ttyS1\npool = yes\n",
                         "helper.conf");
    ASSERT_TRUE(c) << c.reason();
    ASSERT_EQ(c->callerIds.size(), 2u);
    EXPECT_EQ(c->callerIds[0].number, "5551234");
    EXPECT_EQ(c->callerIds[0].user, "alice");
    EXPECT_EQ(c->callerIds[1].number, "5559999");
    EXPECT_EQ(c->callerIdDelay, 20u);
}

struct Bad {
    const char* text;
    const char* error;
};

class ABadConfig : public ::testing::TestWithParam<Bad> {};

TEST_P(ABadConfig, IsRefusedWithItsLineNumber) {
    auto c = parseConfig(GetParam().text, "helper.conf");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.reason(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ABadConfig,
    ::testing::Values(
        Bad{"max-jobs = 2\nbogus = 1\n", "helper.conf:2: unknown key 'bogus'"},
        Bad{"max-jobs = 0\n", "helper.conf:1: expected a number from 1 to 4096"},
        Bad{"max-jobs = 2x\n", "helper.conf:1: expected a number from 1 to 4096"},
        Bad{"max-jobs\n", "helper.conf:1: expected 'key = value'"},
        Bad{"attempts = 2\nattempts = 3\n", "helper.conf:2: 'attempts' set twice"},
        Bad{"lock-dir = /var/lock\nlock-dir = /run/lock\n", "helper.conf:2: 'lock-dir' set twice"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\nlock-dir = /var/lock\n", "helper.conf:3: unknown modem key 'lock-dir'"},
        Bad{"socket = relative/path\n", "helper.conf:1: expected an absolute path of [A-Za-z0-9/_.-], without '..'"},
        Bad{"socket = /run/../etc/x\n", "helper.conf:1: expected an absolute path of [A-Za-z0-9/_.-], without '..'"},
        Bad{"[modem a]\ndevice = /etc/passwd\n", "helper.conf:2: device must be a path under /dev/"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\ninit = AT\\d\n", "helper.conf:3: init string has a forbidden character (code 92)"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\ndial-prefix = T;\n", "helper.conf:3: dial prefix has a forbidden character ';'"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\nhangup = drop\n", "helper.conf:3: hangup must be 'dtr' or 'escape'"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\nmax-jobs = 2\n", "helper.conf:3: unknown modem key 'max-jobs'"},
        Bad{"[modem a b]\n", "helper.conf:1: modem name must be 1-32 of [A-Za-z0-9_-]"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\n[modem a]\n", "helper.conf:3: modem 'a' defined twice"},
        Bad{"[modem a\n", "helper.conf:1: section header without ']'"},
        Bad{"[dialer]\n", "helper.conf:1: unknown section (expected [modem NAME] or [caller-id])"},
        Bad{"[caller-id]\n555;ATH = alice\n",
            "helper.conf:2: caller-id number 555;ATH: character ';' at offset 3 is not allowed in a dial string"},
        Bad{"[caller-id]\n5551234 = alice\n555-1234 = bob\n", "helper.conf:3: caller-id number 555-1234 given twice"},
        Bad{"[caller-id]\n5551234 = alice\n[modem a]\ndevice = /dev/ttyS0\n",
            "helper.conf: [caller-id] needs a pool modem (pool = yes)"},
        Bad{"deny-prefixes = 00,x\n", "helper.conf:1: prefix x has 'x' (digits, '*' and '#' only)"},
        Bad{"max-jobs = 2\x01\n", "helper.conf:1: non-printable character"},
        Bad{"caller-feature-codes = 1\n", "helper.conf:1: caller-feature-codes must be yes or no"},
        Bad{"max-jobs = 2\n", "helper.conf: no [modem NAME] section"},
        Bad{"[modem a]\nhangup = dtr\n", "helper.conf: modem 'a' has neither device nor udev-match"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\n[modem b]\ndevice = /dev/ttyS0\n",
            "helper.conf: device /dev/ttyS0 is in two modem sections"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\npool = 1\n", "helper.conf:3: pool must be yes or no"},
        Bad{"[modem a]\ndevice = /dev/ttyS0\npool = yes\n",
            "helper.conf: pool modem 'a' needs return-options (the return call's pppd options file)"},
        Bad{"return-options = /etc/ppp/x\n[modem a]\nudev-match = ID_MSCB=1\npool = yes\n",
            "helper.conf: pool modem 'a' needs device (udev-match alone cannot be opened)"},
        Bad{"backoff = 20\nbackoff-max = 10\n[modem a]\ndevice = /dev/ttyS0\n", "helper.conf: backoff-max is below backoff"},
        Bad{"attempts = 10\nbackoff = 600\nbackoff-max = 600\n[modem a]\ndevice = /dev/ttyS0\nconnect-timeout = 180\n",
            "helper.conf: modem 'a': worst-case job time 7674 s exceeds the connector's 900 s (lower attempts, backoff or connect-timeout)"}));

}  // namespace
}  // namespace mscb::helper
