// SPDX-License-Identifier: GPL-2.0-or-later
// Journal codec: round trip, hostile files, the resume and expiry rules.
#include <gtest/gtest.h>

#include "journal.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

JournalRecord record() {
    JournalRecord r;
    r.jobId = "j1-0a1b2c3d";
    r.job = CallbackJob{"alice", "/dev/ttyS0", "s-1.x", 321, "5279651", CallbackKind::User, 15};
    r.bootId = "1234abcd-0000";
    r.created = 500000ms;
    r.snapshot = DialerSnapshot{DialerState::Delay, 515000ms, 1};
    return r;
}

DialRules rules() {
    return DialRules{};
}

TEST(AJournal, RoundTrips) {
    auto text = encodeJournal(record());
    ASSERT_TRUE(text) << text.reason();
    auto back = decodeJournal(*text, rules());
    ASSERT_TRUE(back) << back.reason();
    EXPECT_EQ(back->jobId, "j1-0a1b2c3d");
    EXPECT_EQ(back->job.user, "alice");
    EXPECT_EQ(back->job.number, "5279651");
    EXPECT_EQ(back->job.delaySeconds, 15u);
    EXPECT_EQ(back->bootId, "1234abcd-0000");
    EXPECT_EQ(back->created, 500000ms);
    EXPECT_EQ(back->snapshot.state, DialerState::Delay);
    EXPECT_EQ(back->snapshot.deadline, 515000ms);
    EXPECT_EQ(back->snapshot.attempt, 1u);
}

TEST(AJournal, RoundTripsWithoutADeadline) {
    auto r = record();
    r.snapshot = DialerSnapshot{DialerState::WaitLine, std::nullopt, 0};
    auto back = decodeJournal(*encodeJournal(r), rules());
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->snapshot.deadline);
}

TEST(AJournal, RejectsTamperedFiles) {
    const std::string good = *encodeJournal(record());
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string t = good;
        t.replace(t.find(from), from.size(), to);
        return t;
    };
    EXPECT_FALSE(decodeJournal(replace("number=5279651", "number=5279651;ATH"), rules()));
    EXPECT_FALSE(decodeJournal(replace("id=j1-0a1b2c3d", "id=../etc"), rules()));
    EXPECT_FALSE(decodeJournal(replace("state=Delay", "state=Connected"), rules()));
    EXPECT_FALSE(decodeJournal(replace("created=500000", "created=-5"), rules()));
    EXPECT_FALSE(decodeJournal(replace("attempt=1", "attempt=x"), rules()));
    EXPECT_FALSE(decodeJournal(replace("mscb/1 journal", "mscb/1 job"), rules()));
    EXPECT_FALSE(decodeJournal(good + "extra=1\n", rules()));
    EXPECT_FALSE(decodeJournal("", rules()));
    EXPECT_FALSE(decodeJournal(std::string(5000, 'x'), rules()));
}

TEST(AJournal, ResumesAJobWithinItsExpiry) {
    EXPECT_TRUE(checkResumable(record(), "1234abcd-0000", 600000ms, 120000ms));
}

TEST(AJournal, FailsAJobPastItsExpiry) {
    // created 500 s + delay 15 s + expiry 120 s = 635 s
    auto r = checkResumable(record(), "1234abcd-0000", 635000ms, 120000ms);
    ASSERT_FALSE(r);
    EXPECT_NE(r.reason().find("expired"), std::string::npos);
}

TEST(AJournal, FailsAJobFromAnotherBoot) {
    auto r = checkResumable(record(), "other", 501000ms, 120000ms);
    ASSERT_FALSE(r);
    EXPECT_NE(r.reason().find("earlier boot"), std::string::npos);
}

TEST(AJournal, JobIdsAreFileNameSafe) {
    EXPECT_TRUE(isValidJobId("j12-deadbeef"));
    EXPECT_FALSE(isValidJobId(""));
    EXPECT_FALSE(isValidJobId("../x"));
    EXPECT_FALSE(isValidJobId("J1"));
    EXPECT_FALSE(isValidJobId(std::string(41, 'a')));
}

}  // namespace
}  // namespace mscb::helper
