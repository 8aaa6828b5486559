// SPDX-License-Identifier: GPL-2.0-or-later
// CBCP answerer state machine, driven with a recording host and explicit timer firings.
#include <gtest/gtest.h>

#include <map>

#include "hex.hpp"
#include "mscb/core/cbcp_server.hpp"

using namespace mscb::core;
using mscb::test::hex;
using mscb::test::toHex;

namespace {

class RecordingHost : public ServerHost {
public:
    std::vector<std::string> sent;  // hex of every packet, in order
    std::vector<std::string> events;
    std::chrono::milliseconds timer{0};
    bool timerArmed = false;
    std::optional<Agreement> armed;
    std::optional<Agreement> handedOff;
    std::vector<std::string> logs;
    std::map<std::string, std::string> vetoes;  // number -> reason
    std::vector<std::string> refusedNumbers;

    void sendCbcp(const std::vector<std::uint8_t>& packet) override { sent.push_back(toHex(packet)); }
    void armTimer(std::chrono::milliseconds after) override {
        timer = after;
        timerArmed = true;
    }
    void cancelTimer() override { timerArmed = false; }
    void startNetworks() override { events.push_back("start-networks"); }
    void closeLink(const std::string& reason) override { events.push_back("close: " + reason); }
    void callbackArmed(const Agreement& a) override { armed = a; }
    void handOff(const Agreement& a) override { handedOff = a; }
    void log(LogLevel, const std::string& text) override { logs.push_back(text); }
    std::vector<std::string> eventLines;
    void event(const mscb::EventLine& line) override { eventLines.push_back(line.format()); }
    std::optional<std::string> vetoNumber(const std::string& number, CallbackType) override {
        if (auto it = vetoes.find(number); it != vetoes.end()) return it->second;
        return std::nullopt;
    }
    void numberRefused(const std::string& raw, const std::string&, const std::string&) override {
        refusedNumbers.push_back(raw);
    }

    bool logged(const std::string& part) const {
        for (const auto& line : logs) {
            if (line.find(part) != std::string::npos) return true;
        }
        return false;
    }
};

Offer userOffer(bool withNo = true) {
    Offer offer;
    offer.noCallback = withNo;
    offer.user = true;
    return offer;
}

class ACbcpServer : public ::testing::Test {
protected:
    RecordingHost host;
    ServerConfig config;
    std::optional<CbcpServer> server;

    void start(const Offer& offer) {
        server.emplace(config, host);
        server->start(offer);
    }
    void receive(const std::string& bytes) { server->onPacket(hex(bytes)); }
    void fireTimer() {
        ASSERT_TRUE(host.timerArmed);
        host.timerArmed = false;
        server->onTimeout();
    }
};

TEST_F(ACbcpServer, FirstRequestHasIdOneAndOffersInOrder) {
    Offer offer = userOffer();
    offer.adminNumber = "5559999";
    start(offer);
    EXPECT_EQ(server->state(), ServerState::ReqSent);
    ASSERT_EQ(host.sent.size(), 1U);
    EXPECT_EQ(host.sent[0], "01 01 00 0e 01 02 03 03 00 02 05 00 01 00");
    EXPECT_TRUE(host.timerArmed);
    EXPECT_EQ(host.timer, std::chrono::milliseconds(2000));
}

TEST_F(ACbcpServer, RetransmitsWithANewIdEachTime) {
    start(userOffer());
    fireTimer();
    fireTimer();
    ASSERT_EQ(host.sent.size(), 3U);
    EXPECT_EQ(host.sent[1], "01 02 00 0b 01 02 02 05 00 01 00");
    EXPECT_EQ(host.sent[2], "01 03 00 0b 01 02 02 05 00 01 00");
}

TEST_F(ACbcpServer, ValidUserResponseIsAckedWithItsIdAndArmsCallback) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    ASSERT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(host.sent[1], "03 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_EQ(server->state(), ServerState::AckSent);
    ASSERT_TRUE(host.armed);
    EXPECT_EQ(host.armed->number, "5551234");
    EXPECT_EQ(host.armed->delaySeconds, 12U);
    EXPECT_EQ(host.timer, config.ackWait);
}

TEST_F(ACbcpServer, LateResponseToAnEarlierIdIsAccepted) {
    // The seed's Cisco dropped exactly this (Response to id 20 while it was at 24).
    start(userOffer());
    fireTimer();
    fireTimer();
    fireTimer();
    receive("02 01 00 11 02 0d 0f 01 35 32 37 2d 39 36 35 31 00");
    EXPECT_EQ(server->state(), ServerState::AckSent);
    EXPECT_EQ(host.sent.back(), "03 01 00 11 02 0d 0f 01 35 32 37 2d 39 36 35 31 00");
    EXPECT_EQ(host.armed->number, "5279651");
    EXPECT_EQ(host.armed->delaySeconds, 15U);
}

TEST_F(ACbcpServer, ResponseWithAnIdNeverSentIsDroppedAndTimerKeepsRunning) {
    start(userOffer());
    receive("02 07 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_EQ(server->state(), ServerState::ReqSent);
    EXPECT_EQ(host.sent.size(), 1U);
    EXPECT_EQ(server->droppedPackets(), 1U);
    EXPECT_TRUE(host.timerArmed);
    EXPECT_TRUE(host.logged("never sent"));
}

TEST_F(ACbcpServer, TypeNotOfferedGetsAFreshRequest) {
    start(userOffer());
    receive("02 01 00 07 03 03 05");  // admin was not offered
    ASSERT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(host.sent[1].substr(0, 5), "01 02");
    EXPECT_EQ(server->state(), ServerState::ReqSent);
    EXPECT_TRUE(host.logged("not offered"));
}

TEST_F(ACbcpServer, MalformedResponseGetsAFreshRequest) {
    start(userOffer());
    receive("02 01 00 0c 02 08 0c 01 35 35 35 31");  // no NUL
    ASSERT_EQ(host.sent.size(), 2U);
    EXPECT_TRUE(host.logged("no NUL"));
}

TEST_F(ACbcpServer, ResponseWithTwoOptionsGetsAFreshRequest) {
    start(userOffer());
    receive("02 01 00 12 01 02 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(server->state(), ServerState::ReqSent);
}

TEST_F(ACbcpServer, HostileNumberIsRefusedAndUserDroppedFromTheOffer) {
    start(userOffer(true));
    receive("02 01 00 10 02 0c 0c 01 35 35 35 3b 41 54 48 00");  // "555;ATH"
    ASSERT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(host.sent[1], "01 02 00 06 01 02");  // NO only: USER no longer offered
    EXPECT_FALSE(host.armed);
    EXPECT_TRUE(host.logged("not allowed in a dial string"));
}

TEST_F(ACbcpServer, HostileNumberWithUserOnlyKeepsOfferingUser) {
    start(userOffer(false));
    receive("02 01 00 0e 02 0a 0c 01 35 35 35 5c 4b 00");  // "555\K"
    ASSERT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(host.sent[1], "01 02 00 09 02 05 00 01 00");
    EXPECT_FALSE(host.armed);
}

TEST_F(ACbcpServer, GivesUpAfterMaxRequestsAndClosesTheLink) {
    config.maxRequests = 3;
    start(userOffer());
    fireTimer();
    fireTimer();
    fireTimer();
    EXPECT_EQ(host.sent.size(), 3U);
    EXPECT_EQ(server->state(), ServerState::Failed);
    ASSERT_EQ(host.events.size(), 1U);
    EXPECT_NE(host.events[0].find("no acceptable Response after 3 Requests"), std::string::npos);
    EXPECT_FALSE(host.timerArmed);
}

TEST_F(ACbcpServer, DuplicateResponseIsAckedAgain) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    ASSERT_EQ(host.sent.size(), 3U);
    EXPECT_EQ(host.sent[2], host.sent[1]);
}

TEST_F(ACbcpServer, DifferentResponseAfterAckNeverChangesTheAgreement) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    receive("02 01 00 10 02 0c 0c 01 35 35 35 39 39 39 39 00");
    EXPECT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(host.armed->number, "5551234");
    EXPECT_TRUE(host.logged("differs"));
}

TEST_F(ACbcpServer, NoCallbackChosenStartsNetworks) {
    start(userOffer());
    receive("02 01 00 06 01 02");
    EXPECT_EQ(host.sent.back(), "03 01 00 06 01 02");
    EXPECT_EQ(server->state(), ServerState::NoCallback);
    EXPECT_EQ(host.events, std::vector<std::string>{"start-networks"});
    EXPECT_FALSE(host.armed);
    EXPECT_FALSE(host.timerArmed);
}

TEST_F(ACbcpServer, DelayIsClampedToMinAndMaxAndTheAckSaysSo) {
    config.delayMin = 10;
    config.delayMax = 20;
    start(userOffer());
    receive("02 01 00 10 02 0c 05 01 35 35 35 31 32 33 34 00");  // pppd client: 5 s
    EXPECT_EQ(host.armed->delaySeconds, 10U);
    EXPECT_EQ(host.armed->peerDelay, 5);
    // Review finding: the Ack promised one delay and the helper waited another. The Ack states
    // the delay that will be waited (0x0a), everything else is the caller's bytes.
    EXPECT_EQ(host.sent.back(), "03 01 00 10 02 0c 0a 01 35 35 35 31 32 33 34 00");

    host = RecordingHost{};
    start(userOffer());
    receive("02 01 00 10 02 0c 78 01 35 35 35 31 32 33 34 00");  // 120 s, above delay-max
    EXPECT_EQ(host.armed->delaySeconds, 20U);
    EXPECT_EQ(host.sent.back(), "03 01 00 10 02 0c 14 01 35 35 35 31 32 33 34 00");
    // A lost Ack is repeated with the same promise.
    receive("02 01 00 10 02 0c 78 01 35 35 35 31 32 33 34 00");
    EXPECT_EQ(host.sent.back(), "03 01 00 10 02 0c 14 01 35 35 35 31 32 33 34 00");
}

TEST_F(ACbcpServer, AckEchoesADelayInsideTheLimitsUnchanged) {
    start(userOffer());  // 5..60
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");  // Windows: 12 s
    EXPECT_EQ(host.sent.back(), "03 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_EQ(host.armed->delaySeconds, 12U);
}

TEST(AckOption, GainsADelayOctetWhenTheCallerSentNone) {
    auto response = mscb::core::parseCbcpPacket(hex("02 01 00 06 03 02"));  // admin, no delay octet
    ASSERT_TRUE(response);
    Agreement agreement;
    agreement.type = CallbackType::Admin;
    agreement.delaySeconds = 5;
    const auto ack = ackOptionFor(response->options[0], agreement);
    EXPECT_EQ(toHex(serializeCbcp(CbcpCode::Ack, 1, {ack})), "03 01 00 07 03 03 05");
}

TEST_F(ACbcpServer, AdminResponseUsesThePresetNumber) {
    Offer offer;
    offer.adminNumber = "5559999";
    start(offer);
    EXPECT_EQ(host.sent[0], "01 01 00 07 03 03 00");
    receive("02 01 00 07 03 03 0c");
    ASSERT_TRUE(host.armed);
    EXPECT_EQ(host.armed->number, "5559999");
    EXPECT_EQ(host.armed->type, CallbackType::Admin);
}

TEST_F(ACbcpServer, SecureOfferRejectsUserAndNoResponses) {
    Offer offer;
    offer.adminNumber = "5559999";
    start(offer);
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    receive("02 02 00 06 01 02");
    EXPECT_EQ(host.sent.size(), 3U);
    EXPECT_EQ(server->state(), ServerState::ReqSent);
    EXPECT_FALSE(host.armed);
    EXPECT_TRUE(host.events.empty());
}

TEST_F(ACbcpServer, ListResponseMustNameAnOfferedNumber) {
    Offer offer;
    offer.listNumbers = {"5551111", "5552222"};
    start(offer);
    receive("02 01 00 10 04 0c 0c 01 35 35 35 33 33 33 33 00");  // not in the list
    EXPECT_FALSE(host.armed);
    receive("02 02 00 10 04 0c 0c 01 35 35 35 32 32 32 32 00");
    ASSERT_TRUE(host.armed);
    EXPECT_EQ(host.armed->number, "5552222");
}

TEST_F(ACbcpServer, AckGraceEndsTheFirstCallItself) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    fireTimer();
    EXPECT_EQ(server->state(), ServerState::Closing);
    EXPECT_EQ(host.events, std::vector<std::string>{"close: Callback agreed"});
    server->onLinkDown();
    EXPECT_EQ(server->state(), ServerState::HandedOff);
    ASSERT_TRUE(host.handedOff);
    EXPECT_EQ(host.handedOff->number, "5551234");
}

TEST_F(ACbcpServer, PeerTerminateAfterAckHandsOff) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    server->onLinkDown();
    EXPECT_EQ(server->state(), ServerState::HandedOff);
    EXPECT_TRUE(host.handedOff);
    EXPECT_FALSE(host.timerArmed);
}

// Review finding: an LCP renegotiation after the Ack (link down, call still up) handed the job
// off and left the first call up, so the helper dialled a busy caller. Link down after the Ack
// now also ends the call (the glue makes that a no-op after a real hang-up).
TEST_F(ACbcpServer, LinkDownAfterTheAckAlsoEndsTheFirstCall) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    host.events.clear();
    server->onLinkDown();
    ASSERT_TRUE(host.handedOff);
    EXPECT_EQ(host.events, std::vector<std::string>{
                               "close: Callback agreed: the link went down after the Ack, ending the first call"});
}

TEST_F(ACbcpServer, LinkDownBeforeAnyResponseEmitsNoJob) {
    start(userOffer());
    server->onLinkDown();
    EXPECT_EQ(server->state(), ServerState::Failed);
    EXPECT_FALSE(host.handedOff);
    EXPECT_FALSE(host.timerArmed);
}

TEST_F(ACbcpServer, ProtocolRejectFallsBackToNoCallbackWhenAllowed) {
    start(userOffer(true));
    server->onProtocolReject();
    EXPECT_EQ(server->state(), ServerState::NoCallback);
    EXPECT_EQ(host.events, std::vector<std::string>{"start-networks"});
}

TEST_F(ACbcpServer, ProtocolRejectClosesWhenCallbackIsRequired) {
    Offer offer;
    offer.adminNumber = "5559999";
    start(offer);
    server->onProtocolReject();
    EXPECT_EQ(server->state(), ServerState::Failed);
    ASSERT_EQ(host.events.size(), 1U);
    EXPECT_NE(host.events[0].find("callback is required"), std::string::npos);
}

TEST_F(ACbcpServer, RequestsAndAcksFromThePeerAreDropped) {
    start(userOffer());
    receive("01 02 00 0e 02 05 00 01 00 01 02 03 03 00");  // a Request: we are the server
    receive("03 01 00 06 01 02");
    EXPECT_EQ(host.sent.size(), 1U);
    EXPECT_EQ(server->droppedPackets(), 2U);
}

TEST_F(ACbcpServer, EmptyOfferFailsAtOnce) {
    start(Offer{});
    EXPECT_EQ(server->state(), ServerState::Failed);
    EXPECT_TRUE(host.sent.empty());
}

TEST_F(ACbcpServer, EveryTransitionIsLoggedWithOldAndNewState) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_TRUE(host.logged("Idle -> ReqSent"));
    EXPECT_TRUE(host.logged("ReqSent -> AckSent"));
}

TEST_F(ACbcpServer, IgnoresEventsAfterFailure) {
    config.maxRequests = 1;
    start(userOffer());
    fireTimer();
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_FALSE(host.armed);
    EXPECT_EQ(server->state(), ServerState::Failed);
}

}  // namespace

namespace {

TEST_F(ACbcpServer, FirewallRefusalsAreReportedToTheHost) {
    start(userOffer(true));
    receive("02 01 00 10 02 0c 0c 01 35 35 35 3b 41 54 48 00");
    EXPECT_EQ(host.refusedNumbers, std::vector<std::string>{"555;ATH"});
}

TEST_F(ACbcpServer, GarbageThatIsNotAResponseDoesNotBurnTheBudget) {
    start(userOffer());
    receive("07 01 00 06 01 02");  // unknown code
    receive("01 01 00 03");        // a malformed Request
    receive("");
    EXPECT_EQ(host.sent.size(), 1U);
    EXPECT_EQ(server->droppedPackets(), 3U);
    receive("02 01 00 03");  // a malformed Response: fresh Request
    EXPECT_EQ(host.sent.size(), 2U);
}

TEST_F(ACbcpServer, HelperVetoWithdrawsUserAndAsksAgain) {
    host.vetoes["5551234"] = "number reached 3 callbacks per hour";
    start(userOffer(true));
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_FALSE(host.armed);
    ASSERT_EQ(host.sent.size(), 2U);
    EXPECT_EQ(host.sent[1], "01 02 00 06 01 02");  // no-callback only: the caller may stay
    EXPECT_TRUE(host.logged("per hour"));
}

TEST_F(ACbcpServer, NoCallbackIsNeverSubjectToANumberVeto) {
    host.vetoes[""] = "no helper connection";
    start(userOffer(true));
    receive("02 01 00 06 01 02");
    EXPECT_EQ(server->state(), ServerState::NoCallback);
    EXPECT_EQ(host.events, std::vector<std::string>{"start-networks"});
}

TEST_F(ACbcpServer, HelperVetoOfThePresetFailsASecureCall) {
    host.vetoes["5559999"] = "number already has a pending callback";
    Offer offer;
    offer.adminNumber = "5559999";
    start(offer);
    receive("02 01 00 07 03 03 0c");
    EXPECT_FALSE(host.armed);
    EXPECT_EQ(server->state(), ServerState::Failed);
    ASSERT_EQ(host.events.size(), 1U);
    EXPECT_NE(host.events[0].find("nothing left to offer"), std::string::npos);
}

TEST_F(ACbcpServer, HelperVetoRemovesOnlyThatListEntry) {
    host.vetoes["5551111"] = "number reached 3 callbacks per hour";
    Offer offer;
    offer.listNumbers = {"5551111", "5552222"};
    start(offer);
    receive("02 01 00 10 04 0c 0c 01 35 35 35 31 31 31 31 00");
    EXPECT_EQ(host.sent.back(), "01 02 00 10 04 0c 00 01 35 35 35 32 32 32 32 00");
    receive("02 02 00 10 04 0c 0c 01 35 35 35 32 32 32 32 00");
    ASSERT_TRUE(host.armed);
    EXPECT_EQ(host.armed->number, "5552222");
}

}  // namespace

namespace {

// The pure verdict on a Response, without a server or host (decide, then act).
CbcpPacket response(const std::string& bytes) {
    auto packet = parseCbcpPacket(hex(bytes));
    EXPECT_TRUE(packet) << bytes;
    return packet ? *packet : CbcpPacket{};
}

// Each refused Response names what was wrong in a stable kind (doc/events.md), which the lab's
// hostile peer checks instead of the sentence.
TEST_F(ACbcpServer, ARefusedResponseIsAnEventLineWithItsKind) {
    start(userOffer());
    receive("02 01 00 0c 02 08 0c 01 35 35 35 31");  // no NUL: the codec's kind
    receive("02 02 00 07 03 03 05");                 // admin was not offered
    EXPECT_EQ(host.eventLines, (std::vector<std::string>{"event=response-refused kind=address-unterminated",
                                                         "event=response-refused kind=not-offered"}));
}

TEST_F(ACbcpServer, ADroppedPacketIsADebugEventLineWithItsKind) {
    start(userOffer());
    receive("02 07 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");  // id 7 was never sent
    receive("03 01 00 06 01 02");                                // an Ack from the peer
    receive("09 01 00 04");                                      // unknown code
    EXPECT_TRUE(host.eventLines.empty());  // drops are not Info events: junk costs the peer nothing
    EXPECT_TRUE(host.logged("event=cbcp-dropped kind=unknown-id"));
    EXPECT_TRUE(host.logged("event=cbcp-dropped kind=unexpected-code"));
    EXPECT_TRUE(host.logged("event=cbcp-dropped kind=unknown-code"));
}

TEST_F(ACbcpServer, AResponseChangedAfterTheAckIsDroppedAsSuch) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    receive("02 01 00 10 02 0c 0c 01 35 35 35 39 39 39 39 00");
    EXPECT_TRUE(host.logged("event=cbcp-dropped kind=changed-after-ack"));
}

TEST_F(ACbcpServer, AHelperVetoIsARefusedResponseOfItsOwnKind) {
    host.vetoes["5551234"] = "user reached 3 callbacks per hour";
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    ASSERT_EQ(host.eventLines.size(), 2U);
    EXPECT_EQ(host.eventLines[1], "event=response-refused kind=helper-veto");
}

TEST_F(ACbcpServer, EveryTransitionAndReAckIsADebugEventLine) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    EXPECT_TRUE(host.logged("event=cbcp-state from=Idle to=ReqSent"));
    EXPECT_TRUE(host.logged("event=cbcp-state from=ReqSent to=AckSent"));
    EXPECT_TRUE(host.logged("event=cbcp-reack id=1"));
}

TEST_F(ACbcpServer, AProtocolRejectSaysWhatFollows) {
    start(userOffer(true));
    server->onProtocolReject();
    EXPECT_EQ(host.eventLines, std::vector<std::string>{"event=cbcp-rejected next=network"});
    RecordingHost secureHost;
    CbcpServer secure(config, secureHost);
    secure.start(userOffer(false));
    secure.onProtocolReject();
    ASSERT_FALSE(secureHost.eventLines.empty());
    EXPECT_EQ(secureHost.eventLines[0], "event=cbcp-rejected next=close");
}

TEST(CheckChoice, NamesEveryRefusalWithAStableKind) {
    Offer list;
    list.listNumbers = {"5551111"};
    Offer admin;
    admin.adminNumber = "5559999";
    const struct {
        const char* bytes;
        Offer offer;
        const char* kind;
    } rows[] = {
        {"02 01 00 04", userOffer(), "not-one-option"},
        {"02 01 00 07 03 03 05", userOffer(), "not-offered"},
        {"02 01 00 07 02 03 05", userOffer(), "no-number"},
        {"02 01 00 0d 02 09 0c 01 2a 36 37 39 00", userOffer(), "number-refused"},
        {"02 01 00 0d 03 09 0c 01 35 35 35 35 00", admin, "admin-number"},
        {"02 01 00 07 04 03 05", list, "list-count"},
        {"02 01 00 10 04 0c 0c 01 35 35 35 32 32 32 32 00", list, "list-not-offered"},
    };
    for (const auto& row : rows) {
        const auto choice = checkChoice(response(row.bytes), row.offer, {});
        EXPECT_EQ(choice.verdict, Choice::Verdict::ReRequest) << row.bytes;
        EXPECT_EQ(choice.kind, row.kind) << row.bytes << ": " << choice.why;
    }
}

TEST(CheckChoice, AcceptsAnOfferedUserNumberWithItsClampedDelay) {
    ServerConfig config;
    const auto choice = checkChoice(response("02 07 00 10 02 0c 78 01 35 35 35 31 32 33 34 00"), userOffer(), config);
    ASSERT_EQ(choice.verdict, Choice::Verdict::Accept) << choice.why;
    EXPECT_EQ(choice.agreement.number, "5551234");
    EXPECT_EQ(choice.agreement.delaySeconds, 60U);
    EXPECT_EQ(choice.agreement.peerDelay, 120);
    EXPECT_EQ(choice.agreement.ackId, 7);
}

TEST(CheckChoice, ReRequestsWhatWasNotOffered) {
    Offer adminOnly;
    adminOnly.adminNumber = "5559999";
    const auto choice = checkChoice(response("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00"), adminOnly, {});
    EXPECT_EQ(choice.verdict, Choice::Verdict::ReRequest);
    EXPECT_EQ(choice.why, "type user was not offered");
    EXPECT_FALSE(choice.refusedNumber);
}

TEST(CheckChoice, ARefusedNumberSaysWhyAndWhetherUserStaysOffered) {
    const auto withNo = checkChoice(response("02 01 00 0d 02 09 0c 01 2a 36 37 39 00"), userOffer(true), {});
    ASSERT_EQ(withNo.verdict, Choice::Verdict::ReRequest);
    ASSERT_TRUE(withNo.refusedNumber);
    EXPECT_EQ(*withNo.refusedNumber, "*679");
    EXPECT_EQ(withNo.refusalKind, "feature-code");
    EXPECT_TRUE(withNo.stopOfferingUser);
    const auto userOnly = checkChoice(response("02 01 00 0d 02 09 0c 01 2a 36 37 39 00"), userOffer(false), {});
    EXPECT_FALSE(userOnly.stopOfferingUser);  // nothing else to offer: ask again for a number
}

TEST(CheckChoice, AListResponseMustNameAnOfferedNumber) {
    Offer list;
    list.listNumbers = {"5551111", "5552222"};
    const auto good = checkChoice(response("02 01 00 10 04 0c 0c 01 35 35 35 32 32 32 32 00"), list, {});
    EXPECT_EQ(good.verdict, Choice::Verdict::Accept) << good.why;
    EXPECT_EQ(good.agreement.number, "5552222");
    const auto other = checkChoice(response("02 01 00 10 04 0c 0c 01 35 35 35 33 33 33 33 00"), list, {});
    EXPECT_EQ(other.verdict, Choice::Verdict::ReRequest);
}

}  // namespace

namespace {
// Tests and log parsers read events, not sentences (doc/events.md): their form is a contract.
TEST_F(ACbcpServer, AnAgreedCallbackIsAnEventLine) {
    start(userOffer());
    receive("02 01 00 10 02 0c 0c 01 35 35 35 31 32 33 34 00");
    ASSERT_EQ(host.eventLines.size(), 1U);
    EXPECT_EQ(host.eventLines[0], "event=agreed type=user number=5551234 delay=12");
}

TEST_F(ACbcpServer, ARefusedNumberAndTheSpentBudgetAreEventLines) {
    config.maxRequests = 2;
    start(userOffer(false));
    receive("02 01 00 10 02 0c 0c 01 35 35 35 3b 41 54 48 00");  // "555;ATH"
    receive("02 02 00 10 02 0c 0c 01 35 35 35 3b 41 54 48 00");
    ASSERT_EQ(host.eventLines.size(), 5U) << host.eventLines.size();
    // The caller's bytes are escaped: no space or '=' of theirs can make a field.
    EXPECT_EQ(host.eventLines[0], "event=number-refused number=555%3BATH kind=bad-number");
    EXPECT_EQ(host.eventLines[1], "event=response-refused kind=number-refused");
    EXPECT_EQ(host.eventLines[4], "event=cbcp-failed requests=2");
}
}  // namespace
