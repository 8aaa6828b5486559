// SPDX-License-Identifier: GPL-2.0-or-later
// RADIUS Access-Accept -> callback policy (Cisco and NPS conventions), through the firewall.
#include <gtest/gtest.h>

#include "mscb/core/radius_policy.hpp"

using namespace mscb::core;
using mscb::DialRules;

namespace {

RadiusAttribute text(int attribute, std::string value, int vendor = -1) {
    RadiusAttribute a;
    a.attribute = attribute;
    a.vendor = vendor;
    a.text = std::move(value);
    a.integer = static_cast<std::uint32_t>(a.text.size());
    return a;
}

RadiusAttribute serviceType(std::uint32_t value) {
    RadiusAttribute a;
    a.attribute = kRadiusServiceType;
    a.vendor = -1;
    a.integer = value;
    return a;
}

const PlaceMap kPlaces{{"office", "5551234"}};

RadiusCallback map(std::vector<RadiusAttribute> reply) {
    return callbackFromRadius(reply, kPlaces, DialRules{});
}

TEST(RadiusPolicy, NothingAboutCallbackLeavesLocalPolicyInCharge) {
    auto r = map({serviceType(kServiceTypeFramedUser), text(18, "welcome")});
    EXPECT_FALSE(r.policy);
    EXPECT_FALSE(r.required);
    EXPECT_TRUE(r.error.empty());
}

TEST(RadiusPolicy, CallbackNumberIsAPreset) {
    auto r = map({text(kRadiusCallbackNumber, "555-1234")});
    ASSERT_TRUE(r.policy);
    EXPECT_EQ(r.policy->kind, PolicyKind::Preset);
    EXPECT_EQ(r.policy->presetNumber, "5551234");
    EXPECT_FALSE(r.policy->mandatory);
    EXPECT_EQ(r.policy->source, "RADIUS Callback-Number");
}

TEST(RadiusPolicy, EmptyCiscoDialStringMeansCallerChooses) {
    auto r = map({text(kCiscoAvPair, "lcp:callback-dialstring=", kVendorCisco)});
    ASSERT_TRUE(r.policy);
    EXPECT_EQ(r.policy->kind, PolicyKind::User);
}

TEST(RadiusPolicy, CiscoDialStringWithNumberIsAPreset) {
    auto r = map({text(kCiscoAvPair, "lcp:callback-dialstring=5559999", kVendorCisco),
                  text(kCiscoAvPair, "ip:addr-pool=dialin", kVendorCisco)});
    ASSERT_TRUE(r.policy);
    EXPECT_EQ(r.policy->presetNumber, "5559999");
}

TEST(RadiusPolicy, CallbackIdNamesAPlace) {
    auto r = map({text(kRadiusCallbackId, "office")});
    ASSERT_TRUE(r.policy);
    EXPECT_EQ(r.policy->presetNumber, "5551234");
    auto unknown = map({text(kRadiusCallbackId, "moon")});
    EXPECT_FALSE(unknown.policy);
    EXPECT_NE(unknown.error.find("names no place"), std::string::npos);
}

TEST(RadiusPolicy, CallbackFramedUserMakesItMandatory) {
    auto preset = map({serviceType(kServiceTypeCallbackFramedUser), text(kRadiusCallbackNumber, "5551234")});
    ASSERT_TRUE(preset.policy);
    EXPECT_TRUE(preset.required);
    EXPECT_TRUE(preset.policy->mandatory);
    auto bare = map({serviceType(kServiceTypeCallbackFramedUser)});
    ASSERT_TRUE(bare.policy);
    EXPECT_EQ(bare.policy->kind, PolicyKind::User);
    EXPECT_TRUE(bare.policy->mandatory);
}

TEST(RadiusPolicy, NumbersFromRadiusPassTheFirewall) {
    auto hostile = map({serviceType(kServiceTypeCallbackFramedUser), text(kRadiusCallbackNumber, "555;ATS0=1")});
    EXPECT_FALSE(hostile.policy);
    EXPECT_TRUE(hostile.required);
    EXPECT_NE(hostile.error.find("not allowed in a dial string"), std::string::npos);
    EXPECT_FALSE(map({text(kRadiusCallbackNumber, "0049301234567")}).policy);  // international
    EXPECT_FALSE(map({text(kCiscoAvPair, "lcp:callback-dialstring=112", kVendorCisco)}).policy);
}

TEST(RadiusPolicy, PrecedenceAndDuplicatesAreNoted) {
    auto r = map({text(kCiscoAvPair, "lcp:callback-dialstring=5559999", kVendorCisco),
                  text(kRadiusCallbackId, "office"), text(kRadiusCallbackNumber, "5557777"),
                  text(kRadiusCallbackNumber, "5558888")});
    ASSERT_TRUE(r.policy);
    EXPECT_EQ(r.policy->presetNumber, "5557777");
    EXPECT_EQ(r.notes.size(), 2U);
}

TEST(RadiusPolicy, VendorAttributesWithStandardNumbersAreNotConfused) {
    // Vendor 311 (Microsoft) attribute 19 is not Callback-Number.
    auto r = map({text(kRadiusCallbackNumber, "5551234", 311)});
    EXPECT_FALSE(r.policy);
}

}  // namespace
