// SPDX-License-Identifier: GPL-2.0-or-later
// mscb_core_configure: every option is in, the number rules apply to presets and users files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "glue_settings.hpp"
#include "mscb_host.h"

namespace {

void ignoreLog(int, const char*) {}
void noPacket(const unsigned char*, int) {}
void noTimer(long) {}
void nothing() {}
void noClose(const char*) {}
int noReturnCall(const char*) { return 0; }

const mscb_host_ops kOps{.send_cbcp = noPacket, .arm_timer = noTimer, .cancel_timer = nothing,
                         .start_networks = nothing, .close_link = noClose, .set_callback_status = nothing,
                         .prepare_return_call = noReturnCall, .set_connector_command = noClose,
                         .end_after_this_call = nothing, .log = ignoreLog, .set_remote_number = noClose};

struct Configure : ::testing::Test {
    mscb_settings settings{};
    char err[320] = {};
    std::string dir;

    void SetUp() override {
        settings = pppdOptionDefaults();
        char pattern[] = "/tmp/mscb-glue-XXXXXX";
        dir = ::mkdtemp(pattern);
    }
    void TearDown() override { std::system(("rm -rf '" + dir + "'").c_str()); }

    std::string usersFile(const std::string& text) {
        const auto path = dir + "/users";
        std::ofstream(path) << text;
        ::chmod(path.c_str(), 0644);
        return path;
    }
    int configure() { return mscb_core_configure(&kOps, &settings, err, sizeof err); }
    int checkAtOptionTime(const char* spec) { return mscb_core_check_policy(spec, err, sizeof err); }
};

// Review finding: presets were checked with the default rules while pppd read its options, so a
// number the configured rules allow stopped pppd. The form is checked then, the rules here.
TEST_F(Configure, PresetWithPlusIsFineWhenNumberPlusIsSet) {
    ASSERT_EQ(checkAtOptionTime("preset +4930123456"), 0) << err;
    settings.default_policy = "preset +4930123456";
    settings.number_plus = "00";
    settings.number_deny = "0900";
    EXPECT_EQ(configure(), 0) << err;
    settings.number_plus = nullptr;
    EXPECT_EQ(configure(), -1);
    EXPECT_NE(std::string(err).find("international prefix"), std::string::npos) << err;
}

TEST_F(Configure, LongPresetIsFineWithAHigherNumberMax) {
    ASSERT_EQ(checkAtOptionTime("preset 1234567890123456789012"), 0) << err;
    settings.default_policy = "preset 1234567890123456789012";
    EXPECT_EQ(configure(), -1);
    EXPECT_NE(std::string(err).find("more than 20"), std::string::npos) << err;
    settings.number_max_digits = 24;
    EXPECT_EQ(configure(), 0) << err;
}

TEST_F(Configure, UsersFileFollowsTheConfiguredDenyList) {
    if (::geteuid() != 0) GTEST_SKIP() << "the users file must be root's";
    const auto path = usersFile("alice preset 0044207946000 secure\n");
    ASSERT_EQ(mscb_core_check_users_file(path.c_str(), err, sizeof err), 0) << err;
    settings.users_file = path.c_str();
    EXPECT_EQ(configure(), -1);  // default deny list: 00
    EXPECT_NE(std::string(err).find("line 1"), std::string::npos) << err;
    settings.number_deny = "0900";
    EXPECT_EQ(configure(), 0) << err;
}

TEST_F(Configure, OptionTimeStillRefusesBadForms) {
    EXPECT_EQ(checkAtOptionTime("preset 55;5"), -1);
    EXPECT_NE(std::string(err).find("';'"), std::string::npos) << err;
    EXPECT_EQ(checkAtOptionTime("preset 12"), -1);
}

TEST_F(Configure, UserFoldIsChecked) {
    settings.user_fold = "case,realm";
    EXPECT_EQ(configure(), 0) << err;
    settings.user_fold = "domain";
    EXPECT_EQ(configure(), -1);
    EXPECT_EQ(mscb_core_check_user_fold("case", err, sizeof err), 0);
    EXPECT_EQ(mscb_core_check_user_fold("Case", err, sizeof err), -1);
}

}  // namespace
