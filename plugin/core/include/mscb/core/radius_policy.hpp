// SPDX-License-Identifier: GPL-2.0-or-later
// Callback policy from a RADIUS Access-Accept (as pppd's radius.so decoded it).
//
// Cisco IOS and Windows NPS conventions, in this order of precedence:
//   Callback-Number (19)             non-empty: call back there (preset); empty: caller chooses
//   Callback-Id (20)                 a named place of the users file (`@name NUMBER`)
//   Cisco-AVPair "lcp:callback-dialstring=[NUMBER]"   empty: caller chooses; else preset
//   Service-Type (6) = Callback-Framed-User (4)       callback is required (secure/mandatory)
// Numbers from RADIUS pass the same dial-string firewall as any other (doc/security.md §3: a
// compromised AAA server must not turn the NAS into a dialler).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mscb/core/callback_policy.hpp"
#include "mscb/dial_number.hpp"
#include "mscb/result.hpp"

namespace mscb::core {

inline constexpr int kRadiusServiceType = 6;
inline constexpr int kRadiusCallbackNumber = 19;
inline constexpr int kRadiusCallbackId = 20;
inline constexpr std::uint32_t kServiceTypeFramedUser = 2;
inline constexpr std::uint32_t kServiceTypeCallbackFramedUser = 4;
inline constexpr int kVendorCisco = 9;
inline constexpr int kCiscoAvPair = 1;
inline constexpr std::size_t kMaxRadiusAttributes = 64;

/// One attribute of the reply: integer attributes in `integer`, string ones in `text`.
struct RadiusAttribute {
    int attribute = 0;
    int vendor = 0;  ///< 0 or -1 for standard attributes (radiusclient's VENDOR_NONE is -1)
    std::uint32_t integer = 0;
    std::string text;
};

/// What the reply says about callback: a policy (absent when it says nothing), whether the
/// server demanded callback (Service-Type Callback-Framed-User), and an error when what it
/// says cannot be used (a number the firewall rejects, an unknown place): then there is no
/// callback for this call, and a call that requires one is refused.
struct RadiusCallback {
    std::optional<UserPolicy> policy;
    bool required = false;
    std::string error;
    std::vector<std::string> notes;  ///< ignored or conflicting attributes, for the log
};

RadiusCallback callbackFromRadius(const std::vector<RadiusAttribute>& reply, const PlaceMap& places,
                                  const DialRules& rules);

}  // namespace mscb::core
