// SPDX-License-Identifier: GPL-2.0-or-later
// Callback policy: who may be called back where, and what the CBCP Request offers them.
//
// Policy spec grammar (pppd option `mscb-default` and each line of the `mscb-users` file):
//     none
//     user   [optional|mandatory]           caller types the number (Windows: "Set by caller")
//     preset NUMBER [optional|secure]       administrator's number (Windows: "Preset")
//     list   N1,N2,... [optional|secure]    one of several administrator numbers
//   plus `delay-min=S` / `delay-max=S` to override the global delay clamp for that user, and
//   `allow=P1,P2` / `deny=P1,P2` to narrow the numbers a caller may name (added to the global
//   rules: allow narrows, deny adds). NUMBER may be `@PLACE`, a named place of the users file.
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
    std::vector<std::string> allowPrefixes;  ///< caller's number must match one (if any)
    std::vector<std::string> denyPrefixes;   ///< ...and none of these
    std::string source = "option";           ///< where it came from, for the log

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

/// Named places (`@office 555-1234` lines of the users file; RADIUS Callback-Id): canonical numbers.
using PlaceMap = std::map<std::string, std::string, std::less<>>;

/// Parses one policy spec (see the grammar above); numbers go through the firewall as
/// operator numbers; `@PLACE` numbers are looked up in `places`.
Result<UserPolicy> parsePolicySpec(std::string_view spec, const DialRules& rules,
                                   const PlaceMap& places = {});

/// The users file: per-user entries, an optional default entry `*`, and named places.
struct PolicyTable {
    std::map<std::string, UserPolicy, std::less<>> users;
    std::optional<UserPolicy> defaultEntry;
    PlaceMap places;
};

/// Parses the whole file; the first bad line fails it with "line N: reason".
Result<PolicyTable> parsePolicyFile(std::string_view text, const DialRules& rules);

/// How an authenticated name is matched against the users file (`mscb-user-fold`). RADIUS and
/// LDAP back ends often accept `ALICE`, `alice@realm` or `REALM\alice` for `alice`.
struct UserFold {
    bool ignoreCase = false;   ///< ASCII letters compare without case
    bool stripRealm = false;   ///< `alice@realm` and `REALM\alice` are `alice`
};

/// "none", "case", "realm", "case,realm" (either order).
Result<UserFold> parseUserFold(std::string_view spec);

/// The name as `fold` compares it.
std::string foldUserName(std::string_view name, UserFold fold);

/// Whether two names are the same user under `fold`.
bool sameUser(std::string_view a, std::string_view b, UserFold fold);

/// Which policy applies to a user, and why (for the log).
struct PolicyMatch {
    const UserPolicy* policy = nullptr;
    std::string how;      ///< "entry 'alice'", "entry 'alice' (mscb-user-fold)", "default entry '*'", ...
    bool folded = false;  ///< the user's entry was found under another spelling of the name
};

/// Precedence: the user's own entry (exact, then under `fold`) > the file's default entry > the
/// pppd option default. Whatever `fold` says, a name that matches a mandatory or secure entry
/// once case and realm are ignored gets that entry: `secure` holds however the name is spelled.
PolicyMatch matchPolicy(const PolicyTable& table, std::string_view user, const UserPolicy& optionDefault,
                        UserFold fold = {});

/// matchPolicy's policy.
const UserPolicy& lookupPolicy(const PolicyTable& table, std::string_view user,
                               const UserPolicy& optionDefault, UserFold fold = {});

/// One-line description for logs: "preset 5551234 secure".
std::string describePolicy(const UserPolicy& policy);
/// The types an offer holds, in CBCP order: "no-callback,user,admin,list" or a part; "-" if none.
std::string describeOfferTypes(const Offer& offer);

/// The dial rules for numbers a caller with `policy` may name: the global rules narrowed by the
/// policy's own allow/deny prefixes.
DialRules rulesFor(const UserPolicy& policy, const DialRules& global);

}  // namespace mscb::core
