// SPDX-License-Identifier: GPL-2.0-or-later
// LCP option scan: finds 0d len>=3 06 in well-formed lists only.
#include <gtest/gtest.h>

#include "hex.hpp"
#include "mscb/core/lcp_callback_option.hpp"

using namespace mscb::core;
using mscb::test::hex;

namespace {

std::optional<OptionSpan> find(const std::string& bytes) {
    const auto data = hex(bytes);
    return findCbcpCallbackOption(data);
}

TEST(LcpCallbackOption, FindsItInTheMsSampleRequest) {
    auto span = find("02 06 ff ff ff ff 05 06 11 33 51 5b 07 02 08 02 0d 03 06");  // L1
    ASSERT_TRUE(span);
    EXPECT_EQ(span->offset, 16U);
    EXPECT_EQ(span->length, 3U);
}

TEST(LcpCallbackOption, FindsItInTheSeedWindowsRequest) {
    auto span = find("02 06 00 0a 00 00 05 06 00 4a 4a 09 07 02 08 02 0d 03 06");  // L2 options
    ASSERT_TRUE(span);
    EXPECT_EQ(span->offset, 16U);
}

TEST(LcpCallbackOption, AcceptsAMessageAfterTheOperation) {
    auto span = find("0d 05 06 41 42 01 04 05 dc");
    ASSERT_TRUE(span);
    EXPECT_EQ(span->length, 5U);
}

TEST(LcpCallbackOption, IgnoresOtherOperations) {
    for (int op = 0; op <= 5; ++op) {
        char text[16];
        std::snprintf(text, sizeof text, "0d 03 %02x", op);
        EXPECT_FALSE(find(text)) << op;
    }
}

TEST(LcpCallbackOption, MalformedListsAreLeftToStockLcp) {
    EXPECT_FALSE(find("0d 03"));                 // runs past
    EXPECT_FALSE(find("01 04 05 dc 0d 03 06 07"));  // trailing byte
    EXPECT_FALSE(find("01 00 0d 03 06"));        // zero length
}

TEST(LcpCallbackOption, SkipsACallbackOptionWithoutOperation) {
    auto span = find("0d 02 0d 03 06");  // stock LCP rejects the first; the second is ours
    ASSERT_TRUE(span);
    EXPECT_EQ(span->offset, 2U);
}

TEST(LcpCallbackOption, ShortCallbackOptionIsNotOurs) {
    EXPECT_FALSE(find("0d 02"));
    EXPECT_FALSE(find(""));
}

}  // namespace
