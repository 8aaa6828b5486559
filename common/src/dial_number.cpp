// SPDX-License-Identifier: GPL-2.0-or-later
// Dial-string firewall: canonicalise, whitelist, prefix policy.
#include "mscb/dial_number.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace mscb {
namespace {

// Windows sends what the user typed ("527-9651" in the seed log); these carry no meaning for
// a dialler and are removed. Everything else outside the whitelist is an error.
bool isVisualSeparator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

bool isDialDigit(char c) {
    return (c >= '0' && c <= '9') || c == '*' || c == '#';
}

std::string describeChar(char c) {
    char buf[8];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x21 && byte < 0x7f && c != '\\') {
        std::snprintf(buf, sizeof buf, "'%c'", c);
    } else {
        std::snprintf(buf, sizeof buf, "\\x%02x", byte);
    }
    return buf;
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// The network dials what follows a feature code as well ("#31#" hides the caller id, then
// "0044..." goes abroad), so every digit run that starts a number or follows '*'/'#' must pass.
std::optional<std::string> deniedPrefixIn(std::string_view canonical, const std::vector<std::string>& deny) {
    for (std::size_t start = 0; start < canonical.size(); ++start) {
        if (start > 0 && canonical[start - 1] != '*' && canonical[start - 1] != '#') {
            continue;
        }
        const auto rest = canonical.substr(start);
        for (const auto& prefix : deny) {
            if (startsWith(rest, prefix)) {
                return start == 0 ? "number starts with denied prefix " + prefix
                                  : "number dials denied prefix " + prefix + " after a feature code at offset " +
                                        std::to_string(start);
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> DialRules::defaultDenyPrefixes() {
    // 00 / 011: international access (ITU / NANP); 112 / 911 / 999: emergency services.
    return {"00", "011", "112", "911", "999"};
}

Result<DialNumber> checkDialNumber(std::string_view raw, const DialRules& rules,
                                   NumberSource source) {
    if (raw.empty()) {
        return Error{"empty number"};
    }
    if (raw.size() > rules.maxRawLength) {
        return Error{"number longer than " + std::to_string(rules.maxRawLength) + " bytes"};
    }
    const bool pausesAllowed = source == NumberSource::Operator && rules.operatorPauses;
    std::string canonical;
    bool international = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (isVisualSeparator(c)) {
            continue;
        }
        if (c == '+' && canonical.empty() && !international) {
            international = true;
            continue;
        }
        if (isDialDigit(c)) {
            if ((c == '*' || c == '#') && source == NumberSource::Peer && !rules.peerFeatureCodes) {
                return Error{"character " + describeChar(c) + " at offset " + std::to_string(i) +
                                 " is a feature code; a caller's number must be digits only",
                             "feature-code"};
            }
            canonical.push_back(c);
            continue;
        }
        if (pausesAllowed && (c == ',' || c == 'W' || c == 'w') && !canonical.empty()) {
            canonical.push_back(c == 'w' ? 'W' : c);
            continue;
        }
        return Error{"character " + describeChar(c) + " at offset " + std::to_string(i) +
                     " is not allowed in a dial string"};
    }
    if (canonical.empty()) {
        return Error{"no digits in number"};
    }
    if (international) {
        if (rules.internationalPrefix.empty()) {
            return Error{"'+' numbers need an international prefix (mscb-number-plus)"};
        }
        canonical.insert(0, rules.internationalPrefix);
    }
    if (canonical.size() > rules.maxRawLength) {
        // Pauses and a long '+' mapping can outgrow the raw cap; the helper re-checks the
        // canonical form against the same cap, so it must hold here too.
        return Error{"canonical number longer than " + std::to_string(rules.maxRawLength) + " bytes"};
    }
    const auto digits = static_cast<std::size_t>(
        std::count_if(canonical.begin(), canonical.end(), isDialDigit));
    if (digits > rules.maxDigits) {
        return Error{"number has " + std::to_string(digits) + " digits, more than " +
                     std::to_string(rules.maxDigits)};
    }
    if (digits < rules.minDigits) {
        return Error{"number has " + std::to_string(digits) + " digits, fewer than " +
                     std::to_string(rules.minDigits)};
    }
    if (const auto denied = deniedPrefixIn(canonical, rules.denyPrefixes)) {
        return Error{*denied, "deny-prefix"};
    }
    if (!rules.allowPrefixes.empty() &&
        std::none_of(rules.allowPrefixes.begin(), rules.allowPrefixes.end(),
                     [&](const std::string& p) { return startsWith(canonical, p); })) {
        return Error{"number matches no allowed prefix", "not-allowed"};
    }
    return DialNumber{canonical};
}

Result<std::vector<std::string>> parsePrefixList(std::string_view text) {
    std::vector<std::string> prefixes;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                             : comma - start);
        if (item.empty() || item.size() > 20) {
            return Error{"empty or over-long prefix in list"};
        }
        for (char c : item) {
            if (!isDialDigit(c)) {
                return Error{"prefix " + escapeForLog(item) + " has " + describeChar(c) +
                             " (digits, '*' and '#' only)"};
            }
        }
        prefixes.emplace_back(item);
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
        if (start == text.size()) {
            return Error{"list ends with ','"};
        }
    }
    return prefixes;
}

std::string escapeForLog(std::string_view bytes, std::size_t cap) {
    std::string out;
    const auto shown = std::min(bytes.size(), cap);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\' && byte != '"') {
            out.push_back(static_cast<char>(byte));
        } else {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", byte);
            out += buf;
        }
    }
    if (bytes.size() > cap) {
        out += "...";
    }
    return out;
}

}  // namespace mscb
