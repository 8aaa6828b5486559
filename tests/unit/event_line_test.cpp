// SPDX-License-Identifier: GPL-2.0-or-later
#include "mscb/event_line.hpp"

#include <gtest/gtest.h>

namespace mscb {
namespace {

TEST(AnEventLine, IsTheNameThenItsFieldsInOrder) {
    EXPECT_EQ(EventLine("handed").with("job", "j1-ab").with("delay", 12).format(), "event=handed job=j1-ab delay=12");
}

TEST(AnEventLine, EscapesEveryByteThatCouldForgeAFieldOrALine) {
    const auto line = EventLine("asked").with("user", "eve delay=0\nevent=agreed").format();
    EXPECT_EQ(line, "event=asked user=eve%20delay%3D0%0Aevent%3Dagreed");
    EXPECT_EQ(line.find(' ', 12), std::string::npos);
}

TEST(AnEventLine, KeepsTheCharactersOfNumbersPathsAndNames) {
    EXPECT_EQ(escapeEventValue("+49*31#,W/dev/ttyS0:a_b.c@d-e"), "+49*31#,W/dev/ttyS0:a_b.c@d-e");
}

TEST(AnEventLine, ShowsAnEmptyValueAsADashAndCapsLongOnes) {
    EXPECT_EQ(escapeEventValue(""), "-");
    EXPECT_EQ(escapeEventValue(std::string(100, 'a'), 8), "aaaaaaaa...");
}

}  // namespace
}  // namespace mscb
