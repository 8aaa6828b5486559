// SPDX-License-Identifier: GPL-2.0-or-later
// RADIUS reply -> callback policy.
#include "mscb/core/radius_policy.hpp"

namespace mscb::core {
namespace {

constexpr std::string_view kCiscoDialString = "lcp:callback-dialstring=";

bool isStandard(const RadiusAttribute& a) {
    return a.vendor == 0 || a.vendor == -1;
}

Result<UserPolicy> presetOrUser(std::string_view number, const char* from, const DialRules& rules) {
    UserPolicy policy;
    policy.source = std::string("RADIUS ") + from;
    if (number.empty()) {
        policy.kind = PolicyKind::User;  // Cisco: an empty dial string means "caller chooses"
        return policy;
    }
    auto checked = checkDialNumber(number, rules, NumberSource::Operator);
    if (!checked) {
        return Error{std::string("RADIUS ") + from + " '" + escapeForLog(number) + "': " + checked.reason()};
    }
    policy.kind = PolicyKind::Preset;
    policy.presetNumber = checked->canonical;
    return policy;
}

}  // namespace

RadiusCallback callbackFromRadius(const std::vector<RadiusAttribute>& reply, const PlaceMap& places,
                                  const DialRules& rules) {
    RadiusCallback result;
    const RadiusAttribute* number = nullptr;
    const RadiusAttribute* place = nullptr;
    const RadiusAttribute* dialString = nullptr;
    for (const auto& a : reply) {
        if (isStandard(a) && a.attribute == kRadiusServiceType &&
            a.integer == kServiceTypeCallbackFramedUser) {
            result.required = true;
        } else if (isStandard(a) && a.attribute == kRadiusCallbackNumber) {
            if (number) result.notes.push_back("second Callback-Number ignored");
            else number = &a;
        } else if (isStandard(a) && a.attribute == kRadiusCallbackId) {
            if (place) result.notes.push_back("second Callback-Id ignored");
            else place = &a;
        } else if (a.vendor == kVendorCisco && a.attribute == kCiscoAvPair &&
                   a.text.rfind(kCiscoDialString, 0) == 0) {
            if (dialString) result.notes.push_back("second lcp:callback-dialstring ignored");
            else dialString = &a;
        }
    }
    Result<UserPolicy> policy = Error{""};
    if (number) {
        policy = presetOrUser(number->text, "Callback-Number", rules);
        if (place || dialString) result.notes.push_back("Callback-Number takes precedence");
    } else if (place) {
        const auto found = places.find(place->text);
        if (found == places.end()) {
            result.error = "RADIUS Callback-Id '" + escapeForLog(place->text) + "' names no place of the users file";
            return result;
        }
        policy = presetOrUser(found->second, "Callback-Id", rules);
        if (dialString) result.notes.push_back("Callback-Id takes precedence over lcp:callback-dialstring");
    } else if (dialString) {
        policy = presetOrUser(std::string_view(dialString->text).substr(kCiscoDialString.size()),
                              "lcp:callback-dialstring", rules);
    } else if (result.required) {
        // Callback required, no number given: the caller names it (RRAS "set by caller").
        policy = presetOrUser("", "Service-Type", rules);
    } else {
        return result;  // the reply says nothing about callback
    }
    if (!policy) {
        result.error = policy.reason();
        return result;
    }
    policy.value().mandatory = result.required;
    result.policy = std::move(policy).value();
    return result;
}

}  // namespace mscb::core
