// SPDX-License-Identifier: GPL-2.0-or-later
// CBCP codec: golden vectors (MS-CBCP examples, the seed's Windows trace, the stock pppd client)
// both ways, and a malformed-packet table.
#include <gtest/gtest.h>

#include "hex.hpp"
#include "mscb/core/cbcp_codec.hpp"

using namespace mscb::core;
using mscb::test::hex;
using mscb::test::toHex;

namespace {

std::vector<std::uint8_t> request(std::uint8_t id, std::vector<CbcpOption> options) {
    return serializeCbcp(CbcpCode::Request, id, options);
}

}  // namespace

TEST(CbcpCodecGolden, R1RequestNoAdminUserInMscbOrder) {
    EXPECT_EQ(toHex(request(1, {noCallbackOption(), adminOption(), userOption()})),
              "01 01 00 0e 01 02 03 03 00 02 05 00 01 00");
}

TEST(CbcpCodecGolden, R2FirstRetransmissionOnlyChangesTheId) {
    EXPECT_EQ(toHex(request(2, {noCallbackOption(), adminOption(), userOption()})),
              "01 02 00 0e 01 02 03 03 00 02 05 00 01 00");
}

TEST(CbcpCodecGolden, R3R4R5SmallerOffers) {
    EXPECT_EQ(toHex(request(1, {noCallbackOption(), userOption()})), "01 01 00 0b 01 02 02 05 00 01 00");
    EXPECT_EQ(toHex(request(1, {adminOption()})), "01 01 00 07 03 03 00");
    EXPECT_EQ(toHex(request(1, {noCallbackOption()})), "01 01 00 06 01 02");
}

TEST(CbcpCodecGolden, R6ListOfAdminNumbers) {
    EXPECT_EQ(toHex(request(1, {listOption({"5551111", "5552222"})})),
              "01 01 00 19 04 15 00 01 35 35 35 31 31 31 31 00 01 35 35 35 32 32 32 32 00");
}

TEST(CbcpCodecGolden, P1UserResponseParses) {
    auto packet = parseCbcpPacket(hex("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00"));
    ASSERT_TRUE(packet) << packet.reason();
    EXPECT_EQ(packet->code, CbcpCode::Response);
    EXPECT_EQ(packet->id, 1);
    ASSERT_EQ(packet->options.size(), 1U);
    EXPECT_EQ(packet->options[0].type, CallbackType::User);
    EXPECT_EQ(packet->options[0].delay, 12);
    ASSERT_EQ(packet->options[0].addresses.size(), 1U);
    EXPECT_EQ(packet->options[0].addresses[0], "5551234");
}

TEST(CbcpCodecGolden, A1AckEchoesP1ByteForByte) {
    auto response = parseCbcpPacket(hex("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00"));
    ASSERT_TRUE(response);
    EXPECT_EQ(toHex(serializeCbcp(CbcpCode::Ack, response->id, response->options)),
              "03 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
}

TEST(CbcpCodecGolden, P2AdminResponse) {
    auto packet = parseCbcpPacket(hex("02 02 00 07 03 03 0c"));
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->options[0].type, CallbackType::Admin);
    EXPECT_EQ(packet->options[0].delay, 12);
    EXPECT_TRUE(packet->options[0].addresses.empty());
}

TEST(CbcpCodecGolden, P3P4P5PppdClientResponses) {
    auto user = parseCbcpPacket(hex("02 01 00 10 02 0c 05 01 35 35 35 31 32 33 34 00"));
    ASSERT_TRUE(user);
    EXPECT_EQ(user->options[0].delay, 5);
    auto admin = parseCbcpPacket(hex("02 01 00 07 03 03 05"));
    ASSERT_TRUE(admin);
    auto no = parseCbcpPacket(hex("02 01 00 06 01 02"));
    ASSERT_TRUE(no);
    EXPECT_EQ(no->options[0].type, CallbackType::NoCallback);
    EXPECT_FALSE(no->options[0].hasDelay);
    auto empty = parseCbcpPacket(hex("02 01 00 09 02 05 05 01 00"));
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->options[0].addresses.at(0), "");
}

TEST(CbcpCodecGolden, SeedCiscoAndWindowsPackets) {
    auto s1 = parseCbcpPacket(hex("01 14 00 09 02 05 00 01 00"));
    ASSERT_TRUE(s1);
    EXPECT_EQ(s1->id, 0x14);
    auto s3 = parseCbcpPacket(hex("02 19 00 11 02 0d 0f 01 35 32 37 2d 39 36 35 31 00"));
    ASSERT_TRUE(s3);
    EXPECT_EQ(s3->options[0].addresses[0], "527-9651");
    EXPECT_EQ(s3->options[0].delay, 15);
    // mscb Acks with the Response's id (0x19), not Cisco's fresh 0x1a (S4).
    EXPECT_EQ(toHex(serializeCbcp(CbcpCode::Ack, s3->id, s3->options)),
              "03 19 00 11 02 0d 0f 01 35 32 37 2d 39 36 35 31 00");
}

TEST(CbcpCodecGolden, PaddingPastLengthIsIgnored) {
    auto packet = parseCbcpPacket(hex("02 01 00 06 01 02 ff ff ff"));
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->options.size(), 1U);
}

TEST(CbcpCodecGolden, RoundTripKeepsRawOptionBytes) {
    const auto wire = hex("02 07 00 0b 01 02 03 03 09 01 02");  // odd but well-formed
    auto packet = parseCbcpPacket(wire);
    ASSERT_TRUE(packet);
    EXPECT_EQ(serializeCbcp(packet->code, packet->id, packet->options), wire);
}

struct MalformedCase {
    const char* name;
    const char* bytes;
    const char* reasonPart;
    const char* kind;  ///< the stable name events carry (doc/events.md)
};

class CbcpCodecMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(CbcpCodecMalformed, IsRejectedWithItsReason) {
    const auto& param = GetParam();
    auto packet = parseCbcpPacket(hex(param.bytes));
    ASSERT_FALSE(packet) << param.name;
    EXPECT_NE(packet.reason().find(param.reasonPart), std::string::npos)
        << param.name << ": " << packet.reason();
    EXPECT_EQ(packet.kind(), param.kind) << param.name;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CbcpCodecMalformed,
    ::testing::Values(
        MalformedCase{"Empty", "", "header", "header-short"},
        MalformedCase{"OneByte", "02", "header", "header-short"},
        MalformedCase{"ThreeBytes", "02 01 00", "header", "header-short"},
        MalformedCase{"LengthBelowFour", "02 01 00 03", "less than 4", "length-short"},
        MalformedCase{"LengthZero", "02 01 00 00", "less than 4", "length-short"},
        MalformedCase{"LengthPastPayload", "02 01 00 20 01 02", "exceeds", "length-past"},
        MalformedCase{"LengthOnePastPayload", "02 01 00 07 01 02", "exceeds", "length-past"},
        MalformedCase{"LengthHuge", "02 01 ff ff 01 02", "exceeds", "length-past"},
        MalformedCase{"CodeZero", "00 01 00 06 01 02", "unknown code", "unknown-code"},
        MalformedCase{"CodeFour", "04 01 00 06 01 02", "unknown code", "unknown-code"},
        MalformedCase{"CodeFF", "ff 01 00 04", "unknown code", "unknown-code"},
        MalformedCase{"OptionLengthZero", "02 01 00 06 01 00", "less than 2", "option-length"},
        MalformedCase{"OptionLengthOne", "02 01 00 06 01 01", "less than 2", "option-length"},
        MalformedCase{"OptionHeaderTruncated", "02 01 00 05 01", "truncated", "option-truncated"},
        MalformedCase{"OptionOverrunsPacket", "02 01 00 07 02 09 0c", "runs past", "option-overrun"},
        MalformedCase{"OptionOverrunsByOne", "02 01 00 08 03 05 0c 01", "runs past", "option-overrun"},
        MalformedCase{"AddressWithoutNul", "02 01 00 0c 02 08 0c 01 35 35 35 31", "no NUL", "address-unterminated"},
        MalformedCase{"AddressTypeOnlyNoNul", "02 01 00 08 02 04 0c 01", "no NUL", "address-unterminated"},
        MalformedCase{"AddressTypeTwo", "02 01 00 0a 02 06 0c 02 35 00", "address type 2", "address-type"},
        MalformedCase{"AddressTypeZero", "02 01 00 0a 02 06 0c 00 35 00", "address type 0", "address-type"},
        MalformedCase{"AddressTypeFF", "02 01 00 0a 02 06 0c ff 35 00", "address type 255", "address-type"},
        MalformedCase{"NonPrintableCR", "02 01 00 0c 02 08 0c 01 35 0d 35 00", "non-printable", "address-byte"},
        MalformedCase{"NonPrintableLF", "02 01 00 0c 02 08 0c 01 35 0a 41 00", "non-printable", "address-byte"},
        MalformedCase{"NonPrintableHighBit", "02 01 00 0b 02 07 0c 01 35 c3 00", "non-printable", "address-byte"},
        MalformedCase{"NonPrintableEscape", "02 01 00 0b 02 07 0c 01 1b 5b 00", "non-printable", "address-byte"},
        MalformedCase{"UnknownOptionTypeZero", "02 01 00 06 00 02", "unknown option type 0", "option-type"},
        MalformedCase{"UnknownOptionTypeFive", "02 01 00 07 05 03 00", "unknown option type 5", "option-type"},
        MalformedCase{"NoCallbackWithAddress", "02 01 00 0a 01 06 00 01 35 00",
                      "carries an address", "no-callback-address"},
        MalformedCase{"UserWithTwoAddresses", "02 01 00 0d 02 09 0c 01 35 00 01 36 00",
                      "several addresses", "several-addresses"},
        MalformedCase{"AdminWithTwoAddresses", "02 01 00 0d 03 09 0c 01 35 00 01 36 00",
                      "several addresses", "several-addresses"},
        MalformedCase{"NineOptions",
                      "02 01 00 16 01 02 01 02 01 02 01 02 01 02 01 02 01 02 01 02 01 02",
                      "more than 8", "option-count"},
        MalformedCase{"AddressOverlong",
                      "02 01 00 4c 02 48 0c 01 "
                      "31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 "
                      "31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 "
                      "31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 "
                      "31 31 31 31 31 31 31 00",
                      "longer than 64", "address-long"},
        MalformedCase{"SecondOptionTruncated", "02 01 00 07 01 02 03", "truncated", "option-truncated"}),
    [](const ::testing::TestParamInfo<MalformedCase>& row) { return std::string(row.param.name); });

TEST(CbcpCodecDescribe, PrintsDecodedFields) {
    EXPECT_EQ(describeCbcp(hex("01 01 00 0e 01 02 03 03 00 02 05 00 01 00")),
              "Request id=1 [no-callback] [admin delay=0] [user delay=0 number=\"\"]");
    EXPECT_EQ(describeCbcp(hex("02 19 00 11 02 0d 0f 01 35 32 37 2d 39 36 35 31 00")),
              "Response id=25 [user delay=15 number=\"527-9651\"]");
}

TEST(CbcpCodecDescribe, MalformedPacketsAreShownSafely) {
    const auto text = describeCbcp(hex("02 01 00 0c 02 08 0c 01 35 0d 35 00"));
    EXPECT_NE(text.find("non-printable"), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_NE(describeCbcp({}).find("header"), std::string::npos);
}

TEST(CbcpCodecDescribe, LongMalformedInputIsCapped) {
    std::vector<std::uint8_t> junk(1000, 0xee);
    EXPECT_LT(describeCbcp(junk).size(), 200U);
}
