// SPDX-License-Identifier: GPL-2.0-or-later
// Test helper: "01 02 0a" <-> bytes, so packet fixtures read like protocol traces.
#pragma once

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace mscb::test {

inline std::vector<std::uint8_t> hex(const std::string& text) {
    std::vector<std::uint8_t> bytes;
    std::istringstream in(text);
    std::string word;
    while (in >> word) {
        bytes.push_back(static_cast<std::uint8_t>(std::stoul(word, nullptr, 16)));
    }
    return bytes;
}

inline std::string toHex(const std::vector<std::uint8_t>& bytes) {
    std::string text;
    for (auto byte : bytes) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02x", byte);
        text += (text.empty() ? "" : " ") + std::string(buf);
    }
    return text;
}

}  // namespace mscb::test
