// SPDX-License-Identifier: GPL-2.0-or-later
// The load-time choice of how mscb hooks pppd: CBCP slot, protocol table, or a refusal that
// names what is missing in one sentence.
#include <gtest/gtest.h>

#include "mscb/core/pppd_hooks.hpp"

using namespace mscb::core;

namespace {

PppdFacts debianPppd() {  // Debian's pppd 2.4.9 / 2.5.2: CBCP compiled in
    PppdFacts f;
    f.cbcpProtent = f.protocolTable = f.spareEcpEntry = f.ncpOpensFit = f.startNetworks = true;
    f.callbackScript = f.doCallback = f.doingCallback = f.persist = true;
    return f;
}

PppdFacts withoutCbcp() {  // ./configure without --enable-cbcp (upstream's default)
    PppdFacts f = debianPppd();
    f.cbcpProtent = false;
    return f;
}

TEST(PppdHooks, CbcpCompiledInTakesItsSlot) {
    const auto choice = choosePppdHooks(debianPppd(), "2.5.2");
    EXPECT_EQ(choice.path, HookPath::CbcpSlot);
    EXPECT_NE(choice.logLine.find("cbcp_protent"), std::string::npos);
    EXPECT_NE(choice.logLine.find("2.5.2"), std::string::npos);
}

TEST(PppdHooks, WithoutCbcpUsesTheProtocolTable) {
    const auto choice = choosePppdHooks(withoutCbcp(), "2.5.2");
    EXPECT_EQ(choice.path, HookPath::ProtocolTable);
    EXPECT_NE(choice.logLine.find("no CBCP compiled in"), std::string::npos);
}

TEST(PppdHooks, WithoutCbcpStartNetworksIsNotNeeded) {
    auto facts = withoutCbcp();
    facts.startNetworks = false;  // the table path replays the held opens itself
    EXPECT_EQ(choosePppdHooks(facts, "2.5.2").path, HookPath::ProtocolTable);
}

TEST(PppdHooks, CbcpPathNeedsStartNetworks) {
    auto facts = debianPppd();
    facts.startNetworks = false;
    const auto choice = choosePppdHooks(facts, "2.4.9");
    EXPECT_EQ(choice.path, HookPath::None);
    EXPECT_EQ(choice.missing, "this pppd (2.4.9) has no 'start_networks'; mscb needs it to run the callback");
}

TEST(PppdHooks, NoSpareEntryRefusesNamingBoth) {
    auto facts = withoutCbcp();
    facts.spareEcpEntry = false;
    const auto choice = choosePppdHooks(facts, "2.5.3");
    EXPECT_EQ(choice.path, HookPath::None);
    EXPECT_NE(choice.missing.find("no 'cbcp_protent'"), std::string::npos);
    EXPECT_NE(choice.missing.find("ECP"), std::string::npos);
}

TEST(PppdHooks, NoProtocolTableRefuses) {
    auto facts = withoutCbcp();
    facts.protocolTable = false;
    const auto choice = choosePppdHooks(facts, "2.5.2");
    EXPECT_EQ(choice.path, HookPath::None);
    EXPECT_NE(choice.missing.find("neither 'cbcp_protent' nor a 'protocols' table"), std::string::npos);
}

TEST(PppdHooks, TooManyNcpsRefuses) {
    auto facts = withoutCbcp();
    facts.ncpOpensFit = false;
    EXPECT_EQ(choosePppdHooks(facts, "2.5.2").path, HookPath::None);
}

TEST(PppdHooks, MissingReturnCallSymbolsAreAllNamedInOneSentence) {
    auto facts = withoutCbcp();
    facts.doCallback = facts.persist = false;
    const auto choice = choosePppdHooks(facts, "2.5.2");
    EXPECT_EQ(choice.path, HookPath::None);
    EXPECT_EQ(choice.missing,
              "this pppd (2.5.2) has no 'do_callback' and 'persist'; mscb needs them to run the callback");
}

TEST(PppdHooks, MissingReturnCallSymbolWinsOverCbcp) {
    auto facts = debianPppd();
    facts.callbackScript = false;
    EXPECT_EQ(choosePppdHooks(facts, "2.5.2").missing,
              "this pppd (2.5.2) has no 'callback_script'; mscb needs it to run the callback");
}

}  // namespace
