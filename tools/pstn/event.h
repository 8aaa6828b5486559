// SPDX-License-Identifier: GPL-2.0-or-later
// Event records emitted by the exchange and their one-JSON-object-per-line encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mscb::pstn {

struct Event {
  using Value = std::variant<std::string, std::int64_t, bool>;
  std::string name;                                   // "dial", "ring", "hangup", ...
  std::vector<std::pair<std::string, Value>> fields;  // in output order

  Event& add(std::string key, std::string value) {
    fields.emplace_back(std::move(key), Value(std::move(value)));
    return *this;
  }
  Event& add(std::string key, const char* value) { return add(std::move(key), std::string(value)); }
  Event& add(std::string key, std::int64_t value) {
    fields.emplace_back(std::move(key), Value(value));
    return *this;
  }
  Event& add(std::string key, bool value) {
    fields.emplace_back(std::move(key), Value(value));
    return *this;
  }
  // Looks up a string/integer field (tests); empty / 0 when absent.
  std::string str(std::string_view key) const;
  std::int64_t num(std::string_view key) const;
};

// Makes arbitrary bytes printable: '\' becomes "\\", bytes outside 0x20..0x7e "\xNN".
std::string escapeBytes(std::string_view bytes);

// {"t":<realtime s.us>,"mono":<monotonic s.us>,"event":"<name>",<fields>}\n
// String fields are passed through escapeBytes() and then JSON-quoted, so the line is
// plain-ASCII JSON and the decoded value shows non-printables as \xNN.
std::string formatEventLine(const Event& event, std::int64_t realtimeUs, std::int64_t monotonicUs);

}  // namespace mscb::pstn
