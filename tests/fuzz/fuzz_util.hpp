// SPDX-License-Identifier: GPL-2.0-or-later
// Shared bits of the fuzz targets: a tiny byte source (so the targets also build with g++ as
// corpus-replay tests, without clang's FuzzedDataProvider) and a check that aborts loudly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mscb/dial_number.hpp"

// An invariant broke: print it and abort, so libFuzzer (or the replay driver) records a crash.
#define FUZZ_CHECK(cond, ...)                                                              \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            std::fprintf(stderr, "  " __VA_ARGS__);                                        \
            std::fprintf(stderr, "\n");                                                    \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)

namespace mscb::fuzz {

/// Consumes the fuzz input front to back; exhausted reads yield zeros / empty.
class ByteSource {
public:
    ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    [[nodiscard]] std::size_t remaining() const { return size_ - pos_; }
    [[nodiscard]] bool empty() const { return pos_ >= size_; }

    std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
    bool flag() { return (u8() & 1U) != 0; }
    std::uint16_t u16() {
        const auto hi = u8();
        return static_cast<std::uint16_t>((hi << 8) | u8());
    }
    /// A value in [lo, hi] (one byte of entropy, enough for small ranges).
    unsigned range(unsigned lo, unsigned hi) { return lo + (hi > lo ? u8() % (hi - lo + 1U) : 0U); }

    /// Exactly min(n, remaining) bytes.
    std::span<const std::uint8_t> bytes(std::size_t n) {
        if (n > remaining()) n = remaining();
        std::span<const std::uint8_t> out(data_ + pos_, n);
        pos_ += n;
        return out;
    }
    /// A length byte, then that many bytes.
    std::span<const std::uint8_t> chunk() { return bytes(u8()); }
    std::string string(std::size_t maxLength) {
        const auto part = bytes(u8() % (maxLength + 1));
        return {part.begin(), part.end()};
    }
    /// Everything left.
    std::string_view rest() {
        const auto part = bytes(remaining());
        return {reinterpret_cast<const char*>(part.data()), part.size()};
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

/// A few operator-plausible prefix lists (what mscb-number-allow/-deny and helper.conf take).
inline std::vector<std::string> prefixList(ByteSource& in) {
    switch (in.range(0, 5)) {
    case 0: return {};
    case 1: return mscb::DialRules::defaultDenyPrefixes();
    case 2: return {"555"};
    case 3: return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    case 4: return {"9", "*", "#"};
    default: {
        auto parsed = mscb::parsePrefixList(in.string(24));
        return parsed ? *parsed : std::vector<std::string>{};
    }
    }
}

/// Dial rules within what the plugin options and helper.conf can set (number-max 4..32,
/// number-min 1..32, international prefix up to 8 digits); operator pauses only when
/// `allowPauses` (no configuration sets them today, the core supports them).
inline mscb::DialRules dialRules(ByteSource& in, bool allowPauses) {
    mscb::DialRules rules;
    const auto shape = in.u8();
    if (shape & 1U) {
        rules.maxDigits = in.range(4, 32);
        rules.minDigits = in.range(1, 32);
    }
    if (shape & 2U) {
        static const char* const kPrefixes[] = {"", "9", "00", "011", "0", "12345678", "49"};
        rules.internationalPrefix = kPrefixes[in.range(0, 6)];
    }
    if (shape & 4U) rules.allowPrefixes = prefixList(in);
    if (shape & 8U) rules.denyPrefixes = prefixList(in);
    rules.operatorPauses = allowPauses && (shape & 16U) != 0;
    rules.peerFeatureCodes = (shape & 32U) != 0;
    return rules;
}

/// Whether a known, reported finding is to be skipped in this run: MSCB_FUZZ_IGNORE is a
/// comma-separated list of names (see README.md, "Known findings"), so a long run can go on
/// exploring past it. Unset: every invariant is checked.
inline bool ignored(std::string_view name) {
    static const std::string list = [] {
        const char* env = std::getenv("MSCB_FUZZ_IGNORE");
        return "," + std::string(env ? env : "") + ",";
    }();
    return list.find("," + std::string(name) + ",") != std::string::npos;
}

inline bool isDialDigit(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

/// The firewall's output contract: 0-9 * # only, plus ',' 'W' when pauses are allowed.
inline bool isCanonicalText(std::string_view number, bool pausesAllowed) {
    for (char c : number) {
        if (!isDialDigit(c) && !(pausesAllowed && (c == ',' || c == 'W'))) return false;
    }
    return !number.empty();
}

}  // namespace mscb::fuzz
