// SPDX-License-Identifier: GPL-2.0-or-later
#include "mscb/event_line.hpp"

#include <algorithm>
#include <cstdio>

namespace mscb {

namespace {
bool plainEventByte(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("._@+,:/*#-_").find(static_cast<char>(c)) != std::string_view::npos;
}
}  // namespace

std::string escapeEventValue(std::string_view value, std::size_t cap) {
    std::string out;
    const auto shown = std::min(value.size(), cap);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (plainEventByte(c)) {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    if (value.size() > cap) out += "...";
    if (out.empty()) out = "-";  // an empty value still takes its place in the line
    return out;
}

EventLine& EventLine::with(std::string_view key, std::string_view value) {
    fields_.emplace_back(std::string(key), escapeEventValue(value));
    return *this;
}

std::string EventLine::format() const {
    std::string out = "event=" + escapeEventValue(name_);
    for (const auto& [key, value] : fields_) out += " " + key + "=" + value;
    return out;
}

}  // namespace mscb
