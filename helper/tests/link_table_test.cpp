// SPDX-License-Identifier: GPL-2.0-or-later
// The ppp link table: links, addresses, counters, removal; non-ppp links ignored.
#include <gtest/gtest.h>

#include "link_table.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

TEST(ALinkTable, TracksPppLinks) {
    LinkTable t;
    t.apply(link::Update{7, "ppp0", false, std::nullopt, std::nullopt, 42}, 100ms);
    t.apply(link::Update{7, "ppp0", true, 1000, 2000, 0}, 200ms);
    t.apply(link::Address{7, "10.0.0.1/32", true}, 300ms);
    t.apply(link::Update{2, "eth0", true, 1, 1, 0}, 300ms);
    ASSERT_EQ(t.links().size(), 1u);
    const auto* l = t.byPid(42);
    ASSERT_NE(l, nullptr);
    EXPECT_TRUE(l->up);
    EXPECT_EQ(l->rxBytes, 1000u);
    EXPECT_EQ(l->since, 100ms);
    EXPECT_EQ(l->addresses, std::vector<std::string>{"10.0.0.1/32"});
    t.apply(link::Address{7, "10.0.0.1/32", false}, 400ms);
    EXPECT_TRUE(t.byPid(42)->addresses.empty());
    auto gone = t.apply(link::Removed{7}, 500ms);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->name, "ppp0");
    EXPECT_TRUE(t.links().empty());
    EXPECT_FALSE(t.apply(link::Removed{7}, 600ms));
}

TEST(ALinkTable, IgnoresAddressesOfUnknownLinks) {
    LinkTable t;
    t.apply(link::Address{9, "10.0.0.1/32", true}, 0ms);
    EXPECT_TRUE(t.links().empty());
    EXPECT_EQ(t.byPid(0), nullptr);
}

}  // namespace
}  // namespace mscb::helper
