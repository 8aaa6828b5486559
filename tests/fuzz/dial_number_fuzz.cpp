// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the dial-string firewall (checkDialNumber, parsePrefixList, escapeForLog).
// Invariants: an accepted number is canonical text (0-9*#, plus ",W" only for operator numbers
// with pauses on), keeps the digit bounds and prefix rules, and checking it again gives the
// same number; escapeForLog output is printable and never carries a bare quote or backslash.
#include <algorithm>

#include "fuzz_util.hpp"
#include "mscb/dial_number.hpp"

using namespace mscb;

namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void checkEscaped(std::string_view raw) {
    const auto cap = raw.size() % 80;
    const auto text = escapeForLog(raw, cap);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        FUZZ_CHECK(byte >= 0x20 && byte < 0x7f && byte != '"', "escapeForLog byte %02x", byte);
        if (byte == '\\') {
            FUZZ_CHECK(i + 1 < text.size() && text[i + 1] == 'x', "bare backslash in escapeForLog");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteSource in(data, size);
    const auto rules = fuzz::dialRules(in, true);
    const auto source = in.flag() ? NumberSource::Operator : NumberSource::Peer;
    const auto raw = in.rest();

    (void)parsePrefixList(raw);
    checkEscaped(raw);

    auto checked = checkDialNumber(raw, rules, source);
    if (!checked) {
        FUZZ_CHECK(!checked.reason().empty(), "error without a reason");
        return 0;
    }
    const auto& number = checked->canonical;
    const bool pauses = source == NumberSource::Operator && rules.operatorPauses;
    FUZZ_CHECK(fuzz::isCanonicalText(number, pauses), "non-canonical output '%s'", number.c_str());
    FUZZ_CHECK(fuzz::isDialDigit(number.front()), "number starts with a pause: '%s'", number.c_str());
    const auto digits = static_cast<std::size_t>(std::count_if(number.begin(), number.end(), fuzz::isDialDigit));
    FUZZ_CHECK(digits >= rules.minDigits && digits <= rules.maxDigits, "digit count %zu", digits);
    if (source == NumberSource::Peer && !rules.peerFeatureCodes) {
        FUZZ_CHECK(number.find_first_of("*#") == std::string::npos, "feature code from a caller: '%s'",
                   number.c_str());
    }
    for (std::size_t start = 0; start < number.size(); ++start) {
        if (start > 0 && number[start - 1] != '*' && number[start - 1] != '#') continue;
        for (const auto& deny : rules.denyPrefixes) {
            FUZZ_CHECK(!startsWith(std::string_view(number).substr(start), deny),
                       "denied prefix %s passed at offset %zu", deny.c_str(), start);
        }
    }
    if (!rules.allowPrefixes.empty()) {
        FUZZ_CHECK(std::any_of(rules.allowPrefixes.begin(), rules.allowPrefixes.end(),
                               [&](const std::string& p) { return startsWith(number, p); }),
                   "number outside the allow list");
    }
    // Idempotence: the helper re-checks what the plugin produced. Known finding
    // "pauses-raw-length": with operator pauses, prefix + number can outgrow maxRawLength.
    if (number.size() > rules.maxRawLength && pauses && fuzz::ignored("pauses-raw-length")) return 0;
    auto again = checkDialNumber(number, rules, source);
    FUZZ_CHECK(again.ok(), "canonical '%s' fails a re-check: %s", number.c_str(),
               again.ok() ? "" : again.reason().c_str());
    FUZZ_CHECK(again->canonical == number, "re-check changed '%s' to '%s'", number.c_str(),
               again->canonical.c_str());
    return 0;
}
