// SPDX-License-Identifier: GPL-2.0-or-later
// Callback policy: who may be called back where, and what the CBCP Request offers them.
//
// Policy spec grammar (pppd option `mscb-default` and each line of the `mscb-users` file):
//     none
//     user   [optional|mandatory]           caller types the number (Windows: "Set by caller")
//     preset NUMBER [optional|secure]       administrator's number (Windows: "Preset")
//     list   N1,N2,... [optional|secure]    one of several administrator numbers
//   plus `delay-min=S` / `delay-max=S` to override the global delay clamp for that user.
// "optional" (the default) also offers "no callback", so the caller may stay connected.
// "mandatory"/"secure": no callback is never offered; a caller who does not ask for callback
// is disconnected (Cisco `callback-secure`, RRAS "Always callback to").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mscb/dial_number.hpp"
#include "mscb/result.hpp"

namespace mscb::core {

enum class PolicyKind { None, User, Preset, List };
const char* toString(PolicyKind kind);

struct UserPolicy {
    PolicyKind kind = PolicyKind::None;
    std::string presetNumber;             ///< canonical, for Preset
    std::vector<std::string> listNumbers;  ///< canonical, for List
    bool mandatory = false;               ///< no "no callback" offer; non-askers are refused
    std::optional<std::uint8_t> delayMin;
    std::optional<std::uint8_t> delayMax;

    [[nodiscard]] bool offersCallback() const { return kind != PolicyKind::None; }
};

/// What one CBCP Request offers (sent in the order NO, ADMIN/LIST, USER).
struct Offer {
    bool noCallback = false;
    bool user = false;
    std::optional<std::string> adminNumber;  ///< type 3
    std::vector<std::string> listNumbers;    ///< type 4

    [[nodiscard]] bool offersCallback() const {
        return user || adminNumber.has_value() || !listNumbers.empty();
    }
    [[nodiscard]] bool empty() const { return !noCallback && !offersCallback(); }
};

/// The offer a policy makes; `callbackPossible` false (helper down, no peer name) leaves NO only.
Offer offerFor(const UserPolicy& policy, bool callbackPossible);

/// Parses one policy spec (see the grammar above); numbers go through the firewall as
/// operator numbers.
Result<UserPolicy> parsePolicySpec(std::string_view spec, const DialRules& rules);

/// The users file: per-user entries plus an optional default entry `*`.
struct PolicyTable {
    std::map<std::string, UserPolicy, std::less<>> users;
    std::optional<UserPolicy> defaultEntry;
};

/// Parses the whole file; the first bad line fails it with "line N: reason".
Result<PolicyTable> parsePolicyFile(std::string_view text, const DialRules& rules);

/// Precedence: per-user entry > the file's default entry > the pppd option default.
const UserPolicy& lookupPolicy(const PolicyTable& table, std::string_view user,
                               const UserPolicy& optionDefault);

/// One-line description for logs: "preset 5551234 secure".
std::string describePolicy(const UserPolicy& policy);

}  // namespace mscb::core
