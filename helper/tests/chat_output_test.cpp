// SPDX-License-Identifier: GPL-2.0-or-later
#include "chat_output.hpp"

#include <gtest/gtest.h>

namespace mscb::helper {
namespace {

std::vector<std::string> texts(const std::vector<ChatOutputLine>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l.text + (l.complete ? "" : "<cut>"));
    return out;
}

TEST(ChatOutput, SplitsAtNewlinesHoweverTheReadsFall) {
    ChatOutput out;
    EXPECT_EQ(texts(out.feed("send (ATZ^M)\nexpect (O")), (std::vector<std::string>{"send (ATZ^M)"}));
    EXPECT_EQ(out.pending(), std::string("expect (O").size());
    EXPECT_EQ(texts(out.feed("K)\n^M\nOK\n -- got it\n")),
              (std::vector<std::string>{"expect (OK)", "^M", "OK", " -- got it"}));
    EXPECT_EQ(texts(out.feed("\n")), (std::vector<std::string>{""}));
    EXPECT_FALSE(out.finish());
}

TEST(ChatOutput, CutsALineThatNeverEndsAtTheCapAndKeepsNoMore) {
    // A modem that streams without a newline: pieces of exactly kMaxLine, memory bounded.
    ChatOutput out;
    const std::string noise(ChatOutput::kMaxLine * 2 + 10, '\xff');
    const auto lines = out.feed(noise);
    ASSERT_EQ(lines.size(), 2U);
    for (const auto& l : lines) {
        EXPECT_EQ(l.text.size(), ChatOutput::kMaxLine);
        EXPECT_FALSE(l.complete);
    }
    EXPECT_EQ(out.pending(), 10U);
    const auto rest = out.finish();
    ASSERT_TRUE(rest);
    EXPECT_EQ(rest->text.size(), 10U);
    EXPECT_FALSE(out.finish());
}

TEST(ChatOutput, ANewlineRightAtTheCapEndsTheLineWithoutAnEmptyPiece) {
    ChatOutput out;
    const std::string line(ChatOutput::kMaxLine, 'a');
    EXPECT_EQ(texts(out.feed(line + "\nb\n")), (std::vector<std::string>{line, "b"}));
    EXPECT_EQ(out.pending(), 0U);
}

TEST(ChatOutput, KeepsNulAndControlBytesForTheLoggerToEscape) {
    ChatOutput out;
    const std::string raw("C\0NN\x1b[2J\rECT\n", 13);
    const auto lines = out.feed(raw);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].text, std::string("C\0NN\x1b[2J\rECT", 12));
}

}  // namespace
}  // namespace mscb::helper
