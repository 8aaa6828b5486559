// SPDX-License-Identifier: GPL-2.0-or-later
// Admission: configured lines, concurrency, hourly limits, one pending job per user/number.
#include <gtest/gtest.h>

#include "admission.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

AdmitRequest admit(std::string user, std::string line, std::string session, std::int32_t pid = 100) {
    return AdmitRequest{std::move(user), std::move(line), std::move(session), pid};
}
CallbackJob job(const AdmitRequest& a, std::string number) {
    return CallbackJob{a.user, a.line, a.session, a.pppdPid, std::move(number), CallbackKind::User, 10};
}

struct AnAdmission : ::testing::Test {
    Admission adm{AdmissionLimits{2, 2, 2}};
    TimePoint now{0};
};

TEST_F(AnAdmission, AdmitsAUserOnAConfiguredLine) {
    EXPECT_TRUE(adm.admit(admit("alice", "/dev/ttyS0", "s1"), true, now));
    EXPECT_EQ(adm.inUse(), 1u);
}

TEST_F(AnAdmission, RefusesAnUnknownLine) {
    auto r = adm.admit(admit("alice", "/dev/ttyS9", "s1"), false, now);
    ASSERT_FALSE(r);
    EXPECT_NE(r.reason().find("not a configured callback modem"), std::string::npos);
}

TEST_F(AnAdmission, RefusesWhileDraining) {
    adm.setDraining(true);
    EXPECT_FALSE(adm.admit(admit("alice", "/dev/ttyS0", "s1"), true, now));
}

TEST_F(AnAdmission, EnforcesTheConcurrentLimit) {
    EXPECT_TRUE(adm.admit(admit("a", "/dev/ttyS0", "s1"), true, now));
    EXPECT_TRUE(adm.admit(admit("b", "/dev/ttyS1", "s2"), true, now));
    auto r = adm.admit(admit("c", "/dev/ttyS2", "s3"), true, now);
    ASSERT_FALSE(r);
    EXPECT_NE(r.reason().find("concurrent"), std::string::npos);
    adm.dropReservation("s1");
    EXPECT_TRUE(adm.admit(admit("c", "/dev/ttyS2", "s3"), true, now));
}

TEST_F(AnAdmission, OnePendingPerUserAndPerLine) {
    EXPECT_TRUE(adm.admit(admit("a", "/dev/ttyS0", "s1"), true, now));
    EXPECT_FALSE(adm.admit(admit("a", "/dev/ttyS1", "s2"), true, now));
    EXPECT_FALSE(adm.admit(admit("b", "/dev/ttyS0", "s3"), true, now));
    EXPECT_FALSE(adm.admit(admit("b", "/dev/ttyS1", "s1"), true, now));  // same session
}

TEST_F(AnAdmission, JobNeedsTheMatchingAdmit) {
    const auto a = admit("a", "/dev/ttyS0", "s1");
    EXPECT_FALSE(adm.acceptJob(job(a, "5279651"), now));
    ASSERT_TRUE(adm.admit(a, true, now));
    auto other = job(a, "5279651");
    other.user = "mallory";
    EXPECT_FALSE(adm.acceptJob(other, now));
    EXPECT_TRUE(adm.acceptJob(job(a, "5279651"), now));
    EXPECT_FALSE(adm.acceptJob(job(a, "5279651"), now));  // reservation consumed
}

TEST_F(AnAdmission, OnePendingJobPerNumber) {
    const auto a = admit("a", "/dev/ttyS0", "s1");
    const auto b = admit("b", "/dev/ttyS1", "s2");
    ASSERT_TRUE(adm.admit(a, true, now));
    ASSERT_TRUE(adm.admit(b, true, now));
    EXPECT_TRUE(adm.acceptJob(job(a, "5279651"), now));
    auto r = adm.acceptJob(job(b, "5279651"), now);
    ASSERT_FALSE(r);
    EXPECT_NE(r.reason().find("number already has a pending callback"), std::string::npos);
}

TEST_F(AnAdmission, PerNumberHourlyLimitAcrossUsers) {
    Admission wide{AdmissionLimits{10, 10, 2}};
    for (int i = 0; i < 3; ++i) {
        const auto a = admit("u" + std::to_string(i), "/dev/ttyS0", "s" + std::to_string(i));
        ASSERT_TRUE(wide.admit(a, true, now + std::chrono::minutes(i)));
        auto r = wide.acceptJob(job(a, "5279651"), now + std::chrono::minutes(i));
        EXPECT_EQ(r.ok(), i < 2) << i;
        wide.jobFinished(a.session);
    }
    // An hour after the first, one slot is free again.
    const auto late = admit("u9", "/dev/ttyS0", "s9");
    ASSERT_TRUE(wide.admit(late, true, now + 60min));
    EXPECT_TRUE(wide.acceptJob(job(late, "5279651"), now + 60min));
}

TEST_F(AnAdmission, PerUserHourlyLimit) {
    Admission wide{AdmissionLimits{10, 2, 10}};
    for (int i = 0; i < 2; ++i) {
        const auto a = admit("alice", "/dev/ttyS0", "s" + std::to_string(i));
        ASSERT_TRUE(wide.admit(a, true, now));
        ASSERT_TRUE(wide.acceptJob(job(a, "52796" + std::to_string(50 + i)), now));
        wide.jobFinished(a.session);
    }
    auto r = wide.admit(admit("alice", "/dev/ttyS0", "s3"), true, now + 59min);
    ASSERT_FALSE(r);
    EXPECT_NE(r.reason().find("per hour"), std::string::npos);
    EXPECT_TRUE(wide.admit(admit("alice", "/dev/ttyS0", "s3"), true, now + 60min));
}

TEST_F(AnAdmission, NamesTheKindOfEachRefusalForTheCounters) {
    Admission tight{AdmissionLimits{1, 1, 1}};
    EXPECT_EQ(tight.admit(admit("a", "/dev/ttyS9", "s0"), false, now).kind(), "unknown-line");
    const auto a = admit("a", "/dev/ttyS0", "s1");
    ASSERT_TRUE(tight.admit(a, true, now));
    EXPECT_EQ(tight.admit(admit("a", "/dev/ttyS1", "s2"), true, now).kind(), "pending");
    EXPECT_EQ(tight.admit(admit("b", "/dev/ttyS1", "s2"), true, now).kind(), "concurrency");
    ASSERT_TRUE(tight.acceptJob(job(a, "5279651"), now));
    tight.jobFinished(a.session);
    EXPECT_EQ(tight.admit(admit("a", "/dev/ttyS0", "s3"), true, now).kind(), "user-rate");
    const auto b = admit("b", "/dev/ttyS0", "s4");
    ASSERT_TRUE(tight.admit(b, true, now));
    EXPECT_EQ(tight.checkNumber(b.session, "5279651", now).kind(), "number-rate");
    EXPECT_EQ(tight.acceptJob(job(b, "5279651"), now).kind(), "number-rate");
}

TEST_F(AnAdmission, RefusesAPppdOnAReturnCall) {
    adm.beginReturnCall("s0", 4242);
    auto r = adm.admit(admit("a", "/dev/ttyS0", "s1", 4242), true, now);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.kind(), "loop");
    EXPECT_NE(r.reason().find("return call of session s0"), std::string::npos) << r.reason();
    adm.endReturnCall("s0");
    EXPECT_TRUE(adm.admit(admit("a", "/dev/ttyS0", "s1", 4242), true, now));
}

// Review finding: on a persistent pppd the loop guard outlived the return call (it was keyed by
// pppd's pid and cleared at pppd's exit), so the same pppd's next caller got no callback. It is
// keyed by the return call's session now: the end of one return call clears only that one.
TEST_F(AnAdmission, TheLoopGuardEndsWithItsReturnCallNotWithPppd) {
    adm.beginReturnCall("first", 4242);
    adm.beginReturnCall("other-line", 77);
    adm.endReturnCall("first");
    EXPECT_TRUE(adm.admit(admit("a", "/dev/ttyS0", "next", 4242), true, now));
    EXPECT_EQ(adm.admit(admit("b", "/dev/ttyS1", "n2", 77), true, now).kind(), "loop");
}

// Review finding: limits compared numbers as strings, so one phone written three ways got three
// budgets and could be pending three times.
TEST_F(AnAdmission, LimitsKeyOnTheDigitsThatRingThePhone) {
    Admission wide{AdmissionLimits{10, 10, 1}};
    const auto a = admit("a", "/dev/ttyS0", "s1");
    ASSERT_TRUE(wide.admit(a, true, now));
    ASSERT_TRUE(wide.acceptJob(job(a, "5551234"), now));
    for (const char* same : {"5551234#", "*675551234", "*70,5551234", "15551234"}) {
        const auto b = admit("b", "/dev/ttyS1", std::string("p-") + same);
        ASSERT_TRUE(wide.admit(b, true, now));
        EXPECT_EQ(wide.checkNumber(b.session, same, now).kind(), "pending") << same;
        EXPECT_EQ(wide.acceptJob(job(b, same), now).kind(), "pending") << same;
        wide.dropReservation(b.session);
    }
    wide.jobFinished(a.session);
    for (const char* same : {"5551234#", "*675551234"}) {
        const auto b = admit("b", "/dev/ttyS1", std::string("r-") + same);
        ASSERT_TRUE(wide.admit(b, true, now));
        EXPECT_EQ(wide.checkNumber(b.session, same, now).kind(), "number-rate") << same;
        wide.dropReservation(b.session);
    }
    const auto c = admit("c", "/dev/ttyS1", "s3");
    ASSERT_TRUE(wide.admit(c, true, now));
    EXPECT_TRUE(wide.checkNumber(c.session, "5551235", now));  // another phone
}

TEST(NumberKey, KeepsOnlyDigitsAndMatchesBySuffix) {
    EXPECT_EQ(numberKey("*67#555,W1234"), "675551234");
    EXPECT_TRUE(sameNumber("5551234", "*675551234"));
    EXPECT_TRUE(sameNumber("5551234#", "5551234"));
    EXPECT_FALSE(sameNumber("5551234", "5551243"));
    EXPECT_FALSE(sameNumber("5551234", "55512345"));
}

// Review finding: a number vetted before the Ack reserved nothing, so two callers could both be
// Acked for one phone (or the last slot of its hourly budget) and the second job was refused
// after the caller had been told "callback agreed".
TEST_F(AnAdmission, AVettedNumberIsReservedUntilItsJobComes) {
    Admission wide{AdmissionLimits{10, 10, 1}};
    const auto a = admit("a", "/dev/ttyS0", "s1");
    const auto b = admit("b", "/dev/ttyS1", "s2");
    ASSERT_TRUE(wide.admit(a, true, now));
    ASSERT_TRUE(wide.admit(b, true, now));
    ASSERT_TRUE(wide.checkNumber(a.session, "5279651", now));
    EXPECT_TRUE(wide.checkNumber(a.session, "5279651", now));  // asking again is fine
    EXPECT_EQ(wide.checkNumber(b.session, "5279651", now).kind(), "pending");
    EXPECT_TRUE(wide.acceptJob(job(a, "5279651"), now));  // a was told yes: a is called
}

TEST_F(AnAdmission, AReservationEndsWithItsConnectionOrAnotherNumber) {
    const auto a = admit("a", "/dev/ttyS0", "s1");
    const auto b = admit("b", "/dev/ttyS1", "s2");
    ASSERT_TRUE(adm.admit(a, true, now));
    ASSERT_TRUE(adm.admit(b, true, now));
    ASSERT_TRUE(adm.checkNumber(a.session, "5279651", now));
    ASSERT_FALSE(adm.checkNumber(b.session, "5279651", now));
    ASSERT_TRUE(adm.checkNumber(a.session, "5279652", now));  // a's caller named another number
    EXPECT_TRUE(adm.checkNumber(b.session, "5279651", now));
    adm.dropReservation(b.session);  // b's pppd hung up before its job
    ASSERT_TRUE(adm.admit(admit("c", "/dev/ttyS1", "s3"), true, now));
    EXPECT_TRUE(adm.checkNumber("s3", "5279651", now));
}

TEST_F(AnAdmission, RestoredJobsBlockTheirUserAndNumber) {
    const auto a = admit("a", "/dev/ttyS0", "s1");
    adm.restoreJob(job(a, "5279651"));
    EXPECT_FALSE(adm.admit(admit("a", "/dev/ttyS1", "s2"), true, now));
    adm.jobFinished("s1");
    EXPECT_TRUE(adm.admit(admit("a", "/dev/ttyS1", "s2"), true, now));
}

}  // namespace
}  // namespace mscb::helper
