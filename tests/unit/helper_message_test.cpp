// SPDX-License-Identifier: GPL-2.0-or-later
// Helper message codec: round trips, format violations, per-verb key sets, re-validation.
#include <gtest/gtest.h>

#include "mscb/helper_message.hpp"

using namespace mscb;

namespace {

CallbackJob sampleJob() {
    return CallbackJob{"callmeback", "/dev/ttyS0", "1f2.0000abcd", 4242, "5279651", CallbackKind::User, 15};
}

TEST(HelperMessage, JobRoundTrip) {
    auto wire = encodeMessage(toMessage(sampleJob()));
    ASSERT_TRUE(wire);
    EXPECT_EQ(*wire,
              "mscb/1 job\nuser=callmeback\nline=/dev/ttyS0\nsession=1f2.0000abcd\npppd-pid=4242\n"
              "number=5279651\nkind=user\ndelay=15\n");
    auto message = decodeMessage(*wire);
    ASSERT_TRUE(message);
    auto job = jobFromMessage(*message, DialRules{});
    ASSERT_TRUE(job) << job.reason();
    EXPECT_EQ(job->number, "5279651");
    EXPECT_EQ(job->delaySeconds, 15U);
    EXPECT_EQ(job->pppdPid, 4242);
}

TEST(HelperMessage, AdmitAndReplyRoundTrip) {
    auto admit = admitFromMessage(*decodeMessage(*encodeMessage(
        toMessage(AdmitRequest{"alice", "/dev/pts/3", "abc", 7}))));
    ASSERT_TRUE(admit) << admit.reason();
    EXPECT_EQ(admit->line, "/dev/pts/3");
    auto ok = replyFromMessage(*decodeMessage(*encodeMessage(toMessage(HelperReply{true, "", "j42", {}}))));
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->accepted);
    EXPECT_EQ(ok->jobId, "j42");
    auto refused = replyFromMessage(*decodeMessage("mscb/1 refused\nreason=too many callbacks\n"));
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused->accepted);
    EXPECT_EQ(refused->reason, "too many callbacks");
}

TEST(HelperMessage, ARingCarriesALineAndAnUntrustedCallerId) {
    auto ring = ringFromMessage(*decodeMessage(*encodeMessage(toMessage(RingNotice{"/dev/ttyS0", "555-1234"}))));
    ASSERT_TRUE(ring) << ring.reason();
    EXPECT_EQ(ring->line, "/dev/ttyS0");
    EXPECT_EQ(ring->number, "555-1234");  // the helper's firewall decides what it is
    EXPECT_FALSE(ringFromMessage(*decodeMessage("mscb/1 ring\nline=/etc/passwd\nnumber=5551234\n")));
    EXPECT_FALSE(ringFromMessage(*decodeMessage("mscb/1 ring\nline=/dev/ttyS0\nnumber=\n")));
    EXPECT_FALSE(ringFromMessage(*decodeMessage("mscb/1 ring\nline=/dev/ttyS0\nnumber=123456789012345678901234567890123\n")));
}

TEST(HelperMessage, AJobReplyNamesThePoolModemItDialsFrom) {
    auto pool = replyFromMessage(
        *decodeMessage(*encodeMessage(toMessage(HelperReply{true, "", "j42", "/dev/ttyS1"}))));
    ASSERT_TRUE(pool) << pool.reason();
    EXPECT_EQ(pool->dialLine, "/dev/ttyS1");
    EXPECT_EQ(replyFromMessage(*decodeMessage(*encodeMessage(toMessage(HelperReply{true, "", "j42", {}}))))->dialLine,
              "");
    auto bad = replyFromMessage(*decodeMessage("mscb/1 ok\njob=j42\ndial-line=/etc/passwd\n"));
    EXPECT_FALSE(bad);
}

struct BadWire {
    const char* name;
    std::string wire;
};

class HelperMessageBadWire : public ::testing::TestWithParam<BadWire> {};

TEST_P(HelperMessageBadWire, IsRejected) {
    EXPECT_FALSE(decodeMessage(GetParam().wire)) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Table, HelperMessageBadWire,
    ::testing::Values(BadWire{"Empty", ""}, BadWire{"NoNewline", "mscb/1 job"},
                      BadWire{"WrongMagic", "mscb/2 job\n"}, BadWire{"NoVerb", "mscb/1\n"},
                      BadWire{"BadVerb", "mscb/1 JOB\n"}, BadWire{"FieldWithoutEquals", "mscb/1 job\nuser\n"},
                      BadWire{"UpperCaseKey", "mscb/1 job\nUser=x\n"}, BadWire{"EmptyKey", "mscb/1 job\n=x\n"},
                      BadWire{"DuplicateKey", "mscb/1 job\na=1\na=2\n"},
                      BadWire{"ControlInValue", "mscb/1 job\na=1\r\n"},
                      BadWire{"NulInValue", std::string("mscb/1 job\na=1\0" "2\n", 15)},
                      BadWire{"HighBitValue", "mscb/1 job\na=\xff\n"},
                      BadWire{"LongValue", "mscb/1 job\na=" + std::string(300, 'x') + "\n"},
                      BadWire{"TooLarge", "mscb/1 job\n" + std::string(5000, 'a') + "=1\n"},
                      BadWire{"EmptyLine", "mscb/1 job\n\n"}),
    [](const ::testing::TestParamInfo<BadWire>& row) { return std::string(row.param.name); });

TEST(HelperMessage, TooManyFieldsAreRejected) {
    std::string wire = "mscb/1 x\n";
    for (int i = 0; i < 33; ++i) wire += "k" + std::to_string(i) + "=v\n";
    EXPECT_FALSE(decodeMessage(wire));
}

TEST(HelperMessage, JobKeySetIsFixed) {
    auto message = toMessage(sampleJob());
    message.set("extra", "1");
    EXPECT_NE(jobFromMessage(message, DialRules{}).reason().find("unknown key 'extra'"), std::string::npos);
    Message missing{"job", {{"user", "a"}}};
    EXPECT_NE(jobFromMessage(missing, DialRules{}).reason().find("lacks"), std::string::npos);
}

TEST(HelperMessage, JobFieldsAreRevalidated) {
    auto job = sampleJob();
    job.number = "555;ATH";
    EXPECT_FALSE(jobFromMessage(toMessage(job), DialRules{}));
    job = sampleJob();
    job.number = "527-9651";  // valid but not canonical: the plugin always sends canonical
    EXPECT_NE(jobFromMessage(toMessage(job), DialRules{}).reason().find("canonical"), std::string::npos);
    job = sampleJob();
    job.line = "/etc/passwd";
    EXPECT_FALSE(jobFromMessage(toMessage(job), DialRules{}));
    job = sampleJob();
    job.line = "/dev/../etc/shadow";
    EXPECT_FALSE(jobFromMessage(toMessage(job), DialRules{}));
    auto message = toMessage(sampleJob());
    message.fields[6].second = "256";  // delay
    EXPECT_FALSE(jobFromMessage(message, DialRules{}));
    message.fields[6].second = "-1";
    EXPECT_FALSE(jobFromMessage(message, DialRules{}));
    message = toMessage(sampleJob());
    message.fields[5].second = "fax";  // kind
    EXPECT_FALSE(jobFromMessage(message, DialRules{}));
    message = toMessage(sampleJob());
    message.fields[2].second = "../x";  // session
    EXPECT_FALSE(jobFromMessage(message, DialRules{}));
}

TEST(HelperMessage, EncodeRefusesWhatDecodeWouldRefuse) {
    Message message{"job", {{"user", "a\nkind=admin"}}};
    EXPECT_FALSE(encodeMessage(message));
    Message dup{"job", {{"a", "1"}, {"a", "2"}}};
    EXPECT_FALSE(encodeMessage(dup));
}

TEST(HelperMessage, LinePathRules) {
    EXPECT_TRUE(isAcceptableLinePath("/dev/ttyS0"));
    EXPECT_TRUE(isAcceptableLinePath("/dev/serial/by-id/usb-US_Robotics-if00"));
    EXPECT_FALSE(isAcceptableLinePath("/dev/"));
    EXPECT_FALSE(isAcceptableLinePath("/dev/tty S0"));
    EXPECT_FALSE(isAcceptableLinePath("dev/ttyS0"));
    EXPECT_FALSE(isAcceptableLinePath("/dev//ttyS0"));
}

}  // namespace

namespace {

TEST(HelperMessage, NumberCheckAndReportRoundTrip) {
    auto check = numberCheckFromMessage(
        *decodeMessage(*encodeMessage(toMessage(NumberCheck{"abc", "5551234", CallbackKind::Admin}))), DialRules{});
    ASSERT_TRUE(check) << check.reason();
    EXPECT_EQ(check->kind, CallbackKind::Admin);
    EXPECT_FALSE(numberCheckFromMessage(toMessage(NumberCheck{"abc", "555;1", CallbackKind::User}), DialRules{}));
    EXPECT_FALSE(numberCheckFromMessage(toMessage(NumberCheck{"abc", "555-1234", CallbackKind::User}), DialRules{}));
    auto report = reportFromMessage(*decodeMessage(*encodeMessage(
        toMessage(RefusalReport{"abc", "deny-prefix", "number \"0049\": denied"}))));
    ASSERT_TRUE(report) << report.reason();
    EXPECT_EQ(report->kind, "deny-prefix");
    EXPECT_FALSE(reportFromMessage(toMessage(RefusalReport{"abc", "Bad Kind", "x"})));
}

}  // namespace
