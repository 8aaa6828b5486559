// SPDX-License-Identifier: GPL-2.0-or-later
// Callback policy model and its text formats (option value, users file).
#include "mscb/core/callback_policy.hpp"

#include <charconv>

#include "mscb/helper_message.hpp"

namespace mscb::core {
namespace {

std::vector<std::string_view> splitWords(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
            ++pos;
        }
        const auto start = pos;
        while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') {
            ++pos;
        }
        if (pos > start) {
            words.push_back(line.substr(start, pos - start));
        }
    }
    return words;
}

Result<std::uint8_t> parseDelay(std::string_view text, std::string_view what) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > 255) {
        return Error{std::string(what) + " must be 0..255 seconds, not '" + escapeForLog(text) + "'"};
    }
    return static_cast<std::uint8_t>(value);
}

Result<std::string> operatorNumber(std::string_view text, const DialRules& rules, const PlaceMap& places) {
    if (!text.empty() && text[0] == '@') {
        const auto place = places.find(text.substr(1));
        if (place == places.end()) {
            return Error{"unknown place '" + escapeForLog(text) + "'"};
        }
        return place->second;
    }
    auto checked = checkDialNumber(text, rules, NumberSource::Operator);
    if (!checked) {
        return Error{"number '" + escapeForLog(text) + "': " + checked.reason()};
    }
    return checked->canonical;
}

}  // namespace

const char* toString(PolicyKind kind) {
    switch (kind) {
    case PolicyKind::None: return "none";
    case PolicyKind::User: return "user";
    case PolicyKind::Preset: return "preset";
    case PolicyKind::List: return "list";
    }
    return "?";
}

Offer offerFor(const UserPolicy& policy, bool callbackPossible) {
    Offer offer;
    if (!policy.offersCallback() || !callbackPossible) {
        // A mandatory policy that cannot call back offers nothing: the caller is refused.
        offer.noCallback = !policy.mandatory || !policy.offersCallback();
        return offer;
    }
    offer.noCallback = !policy.mandatory;
    switch (policy.kind) {
    case PolicyKind::User: offer.user = true; break;
    case PolicyKind::Preset: offer.adminNumber = policy.presetNumber; break;
    case PolicyKind::List: offer.listNumbers = policy.listNumbers; break;
    case PolicyKind::None: break;
    }
    return offer;
}

Result<UserPolicy> parsePolicySpec(std::string_view spec, const DialRules& rules, const PlaceMap& places) {
    const auto words = splitWords(spec);
    if (words.empty()) {
        return Error{"empty callback policy"};
    }
    UserPolicy policy;
    std::size_t next = 1;
    const auto kind = words[0];
    if (kind == "none") {
        policy.kind = PolicyKind::None;
    } else if (kind == "user") {
        policy.kind = PolicyKind::User;
    } else if (kind == "preset" || kind == "list") {
        if (words.size() < 2) {
            return Error{"'" + std::string(kind) + "' needs a number"};
        }
        next = 2;
        if (kind == "preset") {
            policy.kind = PolicyKind::Preset;
            auto number = operatorNumber(words[1], rules, places);
            if (!number) {
                return Error{number.reason()};
            }
            policy.presetNumber = *number;
        } else {
            policy.kind = PolicyKind::List;
            std::string_view rest = words[1];
            while (true) {
                const auto comma = rest.find(',');
                auto number = operatorNumber(rest.substr(0, comma), rules, places);
                if (!number) {
                    return Error{number.reason()};
                }
                policy.listNumbers.push_back(*number);
                if (comma == std::string_view::npos) {
                    break;
                }
                rest = rest.substr(comma + 1);
            }
            if (policy.listNumbers.size() > 4) {
                return Error{"a list holds at most 4 numbers"};
            }
            std::size_t optionBytes = 3;  // type, length, delay
            for (const auto& n : policy.listNumbers) optionBytes += n.size() + 2;  // type 1 + NUL
            if (optionBytes > 255) {
                return Error{"the list's numbers do not fit one CBCP option (255 bytes)"};
            }
        }
    } else {
        return Error{"unknown callback policy '" + escapeForLog(kind) +
                     "' (none, user, preset NUMBER, list N1,N2)"};
    }
    bool sawRequirement = false;
    for (std::size_t i = next; i < words.size(); ++i) {
        const auto word = words[i];
        if (policy.kind == PolicyKind::None) {
            return Error{"'none' takes no further words, found '" + escapeForLog(word) + "'"};
        }
        if (word == "optional" || word == "mandatory" || word == "secure") {
            if (sawRequirement) {
                return Error{"optional, mandatory and secure exclude each other"};
            }
            sawRequirement = true;
            if (word == "secure" && policy.kind == PolicyKind::User) {
                // Secure callback dials administrator numbers only (doc/security.md §4).
                return Error{"'secure' needs an administrator number (preset or list), not 'user'"};
            }
            policy.mandatory = word != "optional";
        } else if (word.substr(0, 10) == "delay-min=") {
            auto delay = parseDelay(word.substr(10), "delay-min");
            if (!delay) {
                return Error{delay.reason()};
            }
            policy.delayMin = *delay;
        } else if (word.substr(0, 6) == "allow=" || word.substr(0, 5) == "deny=") {
            const bool allow = word[0] == 'a';
            auto prefixes = parsePrefixList(word.substr(allow ? 6 : 5));
            if (!prefixes || prefixes->empty()) {
                return Error{std::string(allow ? "allow" : "deny") + "= needs prefixes" +
                             (prefixes ? "" : ": " + prefixes.reason())};
            }
            (allow ? policy.allowPrefixes : policy.denyPrefixes) = *prefixes;
        } else if (word.substr(0, 10) == "delay-max=") {
            auto delay = parseDelay(word.substr(10), "delay-max");
            if (!delay) {
                return Error{delay.reason()};
            }
            policy.delayMax = *delay;
        } else {
            return Error{"unknown word '" + escapeForLog(word) + "'"};
        }
    }
    if (policy.delayMin && policy.delayMax && *policy.delayMin > *policy.delayMax) {
        return Error{"delay-min is larger than delay-max"};
    }
    return policy;
}

Result<PolicyTable> parsePolicyFile(std::string_view text, const DialRules& rules) {
    PolicyTable table;
    std::size_t lineNumber = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        ++lineNumber;
        auto eol = text.find('\n', pos);
        if (eol == std::string_view::npos) {
            eol = text.size();
        }
        auto line = text.substr(pos, eol - pos);
        pos = eol + 1;
        const auto lineError = [&](const std::string& why) {
            return Error{"line " + std::to_string(lineNumber) + ": " + why};
        };
        if (line.size() > 1024) {
            return lineError("longer than 1024 bytes");
        }
        // '#' is also a dial character ("*70#5551234"): a comment starts only at the beginning
        // of a line or after white space.
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
                line = line.substr(0, i);
                break;
            }
        }
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        const auto words = splitWords(line);
        if (words.empty()) {
            continue;
        }
        const auto user = words[0];
        if (user.size() > 1 && user[0] == '@') {
            // A named place: "@office 555 1234" (RADIUS Callback-Id, or `preset @office`); the
            // rest of the line is the number, spaces being one of its visual separators.
            if (words.size() < 2) {
                return lineError("place '" + escapeForLog(user) + "' needs a number");
            }
            const auto numberStart = static_cast<std::size_t>(words[1].data() - line.data());
            auto number = operatorNumber(line.substr(numberStart), rules, {});
            if (!number) {
                return lineError(number.reason());
            }
            if (!table.places.emplace(std::string(user.substr(1)), *number).second) {
                return lineError("place '" + escapeForLog(user) + "' appears twice");
            }
            continue;
        }
        if (!isAcceptableUserName(user)) {
            return lineError("unacceptable user name '" + escapeForLog(user) + "'");
        }
        if (words.size() < 2) {
            return lineError("user '" + escapeForLog(user) + "' has no policy");
        }
        const auto specStart = static_cast<std::size_t>(words[1].data() - line.data());
        auto policy = parsePolicySpec(line.substr(specStart), rules, table.places);
        if (!policy) {
            return lineError(policy.reason());
        }
        policy.value().source = "users file";
        if (user == "*") {
            if (table.defaultEntry) {
                return lineError("second default entry '*'");
            }
            table.defaultEntry = *policy;
        } else if (!table.users.emplace(std::string(user), *policy).second) {
            return lineError("user '" + escapeForLog(user) + "' appears twice");
        }
    }
    return table;
}

Result<UserFold> parseUserFold(std::string_view spec) {
    UserFold fold;
    if (spec == "none") return fold;
    std::string_view rest = spec;
    while (true) {
        const auto comma = rest.find(',');
        const auto word = rest.substr(0, comma);
        if (word == "case" && !fold.ignoreCase) {
            fold.ignoreCase = true;
        } else if (word == "realm" && !fold.stripRealm) {
            fold.stripRealm = true;
        } else {
            return Error{"'" + escapeForLog(spec) + "' is not one of none, case, realm, case,realm"};
        }
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return fold;
}

std::string foldUserName(std::string_view name, UserFold fold) {
    if (fold.stripRealm) {
        // NAI form (RFC 7542) `user@realm`, and Windows' `DOMAIN\user`; a name that is only a
        // realm keeps its text, so it cannot become the empty name.
        if (const auto at = name.rfind('@'); at != std::string_view::npos && at > 0) name = name.substr(0, at);
        if (const auto slash = name.find('\\'); slash != std::string_view::npos && slash + 1 < name.size()) {
            name = name.substr(slash + 1);
        }
    }
    std::string folded(name);
    if (fold.ignoreCase) {
        for (auto& c : folded) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return folded;
}

bool sameUser(std::string_view a, std::string_view b, UserFold fold) {
    return foldUserName(a, fold) == foldUserName(b, fold);
}

PolicyMatch matchPolicy(const PolicyTable& table, std::string_view user, const UserPolicy& optionDefault,
                        UserFold fold) {
    if (const auto it = table.users.find(user); it != table.users.end()) {
        return {&it->second, "entry '" + escapeForLog(it->first) + "'"};
    }
    // Several entries can fold to one name (`Alice` and `alice`): the first mandatory one wins,
    // else the first in name order, so the result never depends on anything but the file.
    const auto folded = [&](UserFold how) -> const std::pair<const std::string, UserPolicy>* {
        const auto key = foldUserName(user, how);
        const std::pair<const std::string, UserPolicy>* first = nullptr;
        for (const auto& entry : table.users) {
            if (foldUserName(entry.first, how) != key) continue;
            if (entry.second.mandatory) return &entry;
            if (!first) first = &entry;
        }
        return first;
    };
    if (fold.ignoreCase || fold.stripRealm) {
        if (const auto* entry = folded(fold)) {
            return {&entry->second, "entry '" + escapeForLog(entry->first) + "' (mscb-user-fold)", true};
        }
    }
    // The secure guarantee does not depend on the operator having turned folding on: a spelling
    // the back end accepted for a secure user must not fall through to a laxer default.
    if (const auto* entry = folded(UserFold{true, true}); entry && entry->second.mandatory) {
        return {&entry->second,
                "entry '" + escapeForLog(entry->first) + "' (mandatory; name matched ignoring case and realm)", true};
    }
    if (table.defaultEntry) {
        return {&*table.defaultEntry, "default entry '*'"};
    }
    return {&optionDefault, "mscb-default"};
}

const UserPolicy& lookupPolicy(const PolicyTable& table, std::string_view user,
                               const UserPolicy& optionDefault, UserFold fold) {
    return *matchPolicy(table, user, optionDefault, fold).policy;
}

DialRules rulesFor(const UserPolicy& policy, const DialRules& global) {
    DialRules rules = global;
    if (!policy.allowPrefixes.empty()) {
        // Narrow: the number must match the user's list, and the global one if it has any.
        if (rules.allowPrefixes.empty()) {
            rules.allowPrefixes = policy.allowPrefixes;
        } else {
            std::vector<std::string> both;
            for (const auto& mine : policy.allowPrefixes) {
                for (const auto& theirs : rules.allowPrefixes) {
                    // The longer of two nested prefixes is the narrower one; disjoint ones drop.
                    if (mine.rfind(theirs, 0) == 0) both.push_back(mine);
                    else if (theirs.rfind(mine, 0) == 0) both.push_back(theirs);
                }
            }
            // Disjoint lists allow nothing: a sentinel no canonical number (digits, * #) starts with.
            rules.allowPrefixes = both.empty() ? std::vector<std::string>{"#none#"} : both;
        }
    }
    rules.denyPrefixes.insert(rules.denyPrefixes.end(), policy.denyPrefixes.begin(), policy.denyPrefixes.end());
    return rules;
}

std::string describeOfferTypes(const Offer& offer) {
    std::string text;
    const auto add = [&](bool offered, const char* name) {
        if (offered) text += (text.empty() ? "" : ",") + std::string(name);
    };
    add(offer.noCallback, "no-callback");
    add(offer.user, "user");
    add(offer.adminNumber.has_value(), "admin");
    add(!offer.listNumbers.empty(), "list");
    return text.empty() ? "-" : text;
}

std::string describePolicy(const UserPolicy& policy) {
    std::string text = toString(policy.kind);
    if (policy.kind == PolicyKind::Preset) {
        text += " " + policy.presetNumber;
    } else if (policy.kind == PolicyKind::List) {
        text += " ";
        for (std::size_t i = 0; i < policy.listNumbers.size(); ++i) {
            text += (i ? "," : "") + policy.listNumbers[i];
        }
    }
    if (policy.offersCallback()) {
        text += policy.mandatory ? " mandatory" : " optional";
    }
    return text;
}

}  // namespace mscb::core
