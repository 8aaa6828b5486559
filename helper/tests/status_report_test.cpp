// SPDX-License-Identifier: GPL-2.0-or-later
// The status report's entries: one place defines their fields and order.
#include <gtest/gtest.h>

#include "status_report.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

constexpr TimePoint kNow{100'000};

LinkTable linksWith(std::uint32_t index, const std::string& name, std::int32_t pid) {
    LinkTable t;
    t.apply(link::Update{index, name, true, 10, 20, pid}, TimePoint{90'000});
    t.apply(link::Address{index, "10.66.0.1/32", true}, TimePoint{90'000});
    return t;
}

TEST(AStatusReport, ListsAPendingJobWithItsCountdowns) {
    const JobRow job{"j1-a", "cli", "5551234", "/dev/ttyS0", "m0", "", DialerState::Delay, 1, 3,
                     TimePoint{95'000}, TimePoint{104'000}, TimePoint{103'000}};
    const auto e = statusEntries({job}, {}, LinkTable{}, {}, kNow);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].get("type"), "job");
    EXPECT_EQ(e[0].get("state"), "Delay");
    EXPECT_EQ(e[0].get("modem"), "m0");
    EXPECT_EQ(e[0].get("dial-line"), "/dev/ttyS0");  // the answering line dials
    EXPECT_EQ(e[0].get("attempt"), "1/3");
    EXPECT_EQ(e[0].get("age-ms"), "5000");
    EXPECT_EQ(e[0].get("deadline-in-ms"), "4000");
    EXPECT_EQ(e[0].get("next-event-in-ms"), "3000");
}

TEST(AStatusReport, LeavesOutCountdownsAJobDoesNotHave) {
    JobRow job{"j1-a", "cli", "5551234", "/dev/ttyS0", "m0", "/dev/ttyS1", DialerState::WaitLine, 0, 3, TimePoint{95'000}, {}, {}};
    const auto e = statusEntries({job}, {}, LinkTable{}, {}, kNow);
    EXPECT_EQ(e[0].get("dial-line"), "/dev/ttyS1");  // a pool modem dials
    EXPECT_FALSE(e[0].get("deadline-in-ms"));
    EXPECT_FALSE(e[0].get("next-event-in-ms"));
}

TEST(AStatusReport, ShowsACallsLinkOnTheCallAndNotAgain) {
    const CallRow call{"j1-a", "cli", "5551234", "/dev/ttyS0", 777, TimePoint{80'000}};
    const auto e = statusEntries({}, {call}, linksWith(5, "ppp0", 777), {}, kNow);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].get("type"), "call");
    EXPECT_EQ(e[0].get("pppd-pid"), "777");
    EXPECT_EQ(e[0].get("up-ms"), "20000");
    EXPECT_EQ(e[0].get("interface"), "ppp0");
    EXPECT_EQ(e[0].get("link-up"), "yes");
    EXPECT_EQ(e[0].get("address"), "10.66.0.1/32");
    EXPECT_EQ(e[0].get("rx-bytes"), "10");
    EXPECT_EQ(e[0].get("tx-bytes"), "20");
    EXPECT_EQ(e[0].get("link-ms"), "10000");
}

TEST(AStatusReport, ShowsALinkOffAnyCallWithTheSameFieldsAsACallsLink) {
    const CallRow call{"j1-a", "cli", "5551234", "/dev/ttyS0", 777, TimePoint{80'000}};
    auto links = linksWith(5, "ppp0", 777);
    links.apply(link::Update{6, "ppp1", false, 1, 2, 888}, TimePoint{99'000});
    const auto e = statusEntries({}, {call}, links, {}, kNow);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[1].get("type"), "link");
    EXPECT_EQ(e[1].get("interface"), "ppp1");
    EXPECT_EQ(e[1].get("link-up"), "no");
    EXPECT_EQ(e[1].get("pppd-pid"), "888");
    EXPECT_FALSE(e[1].get("address"));
    EXPECT_EQ(e[1].get("rx-bytes"), "1");
    EXPECT_EQ(e[1].get("link-ms"), "1000");
    for (const char* key : {"interface", "link-up", "rx-bytes", "tx-bytes", "link-ms"}) {
        EXPECT_TRUE(e[0].get(key)) << key;
    }
}

TEST(AStatusReport, ShowsALinkWithoutAKnownPppdAsALink) {
    // pid 0 (pppd's pid file not read yet) must not match a call whose pid is unknown either.
    const CallRow call{"j1-a", "cli", "5551234", "/dev/ttyS0", 0, TimePoint{80'000}};
    const auto e = statusEntries({}, {call}, linksWith(5, "ppp0", 0), {}, kNow);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_FALSE(e[0].get("interface"));
    EXPECT_EQ(e[1].get("type"), "link");
    EXPECT_FALSE(e[1].get("pppd-pid"));
}

TEST(AStatusReport, CountsRefusalsByKind) {
    const auto e = statusEntries({}, {}, LinkTable{}, {{"user-rate", 2}, {"loop", 1}}, kNow);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0].get("kind"), "loop");
    EXPECT_EQ(e[1].get("kind"), "user-rate");
    EXPECT_EQ(e[1].get("count"), "2");
}

}  // namespace
}  // namespace mscb::helper
