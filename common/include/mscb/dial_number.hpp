// SPDX-License-Identifier: GPL-2.0-or-later
// The dial-string firewall: canonicalise a callback number, then whitelist it.
//
// Every number that may reach a modem passes here, whoever supplied it (the caller's CBCP
// Response, the policy file, RADIUS), in the plugin before the Ack and again in the helper.
// Only a fixed set of visual separators is removed; anything else that is not a digit, '*',
// '#' or a leading '+' is rejected, never stripped (doc/security.md §2).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mscb/result.hpp"

namespace mscb {

/// Where a number came from: pauses are only ever allowed in operator-written numbers.
enum class NumberSource { Peer, Operator };

/// The operator's rules for numbers mscb may dial.
struct DialRules {
    std::size_t maxDigits = 20;     ///< canonical length cap (E.164 itself is <= 15)
    std::size_t minDigits = 4;      ///< shorter numbers are service/emergency codes
    std::size_t maxRawLength = 64;  ///< cap before canonicalisation (hostile padding)
    /// Replaces a leading '+'; empty means international numbers in '+' form are refused.
    std::string internationalPrefix;
    /// When not empty, the canonical number must start with one of these.
    std::vector<std::string> allowPrefixes;
    /// The canonical number must start with none of these (checked after '+' mapping).
    std::vector<std::string> denyPrefixes = defaultDenyPrefixes();
    /// ',' and 'W' dial pauses, accepted only in NumberSource::Operator numbers when set.
    bool operatorPauses = false;
    /// '*' and '#' in a caller's (NumberSource::Peer) number. Off: a caller names digits only,
    /// since feature codes defeat prefix rules (`*67` + `0044...`, `*72` call forwarding,
    /// `**21*...#` GSM forwarding). Operator numbers (presets, RADIUS) may always carry them.
    bool peerFeatureCodes = false;

    /// International access codes and emergency codes: denied unless the operator says otherwise.
    static std::vector<std::string> defaultDenyPrefixes();
};

/// Canonical number: what the helper passes to chat(8) with -T.
struct DialNumber {
    std::string canonical;
};

/// Canonicalise and validate; the Error's reason names the rule and the offending character.
/// Deny prefixes are matched at the start of the number and after every '*' or '#' (the digits
/// a feature code is followed by are dialled too: `#31#0044...` is international).
Result<DialNumber> checkDialNumber(std::string_view raw, const DialRules& rules,
                                   NumberSource source = NumberSource::Peer);

/// Parse "a,b,c" prefix lists (digits, '*', '#' only); an empty string gives an empty list.
Result<std::vector<std::string>> parsePrefixList(std::string_view text);

/// Bytes as a printable, quoted-safe string for logs: non-printables and '\\' become \xNN;
/// longer input is cut at `cap` bytes and marked with "...".
std::string escapeForLog(std::string_view bytes, std::size_t cap = 64);

}  // namespace mscb
