// SPDX-License-Identifier: GPL-2.0-or-later
// Event records emitted by the exchange and their one-JSON-object-per-line encoding.
#include "event.h"

#include <cstdio>

namespace mscb::pstn {
namespace {

std::string jsonQuote(std::string_view printable) {
  std::string out = "\"";
  for (char c : printable) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string seconds(std::int64_t us) {
  char buf[40];
  const char* sign = us < 0 ? "-" : "";
  const std::int64_t a = us < 0 ? -us : us;
  std::snprintf(buf, sizeof buf, "%s%lld.%06lld", sign, static_cast<long long>(a / 1000000),
                static_cast<long long>(a % 1000000));
  return buf;
}

}  // namespace

std::string Event::str(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) {
      if (const auto* s = std::get_if<std::string>(&v)) return *s;
    }
  }
  return {};
}

std::int64_t Event::num(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) {
      if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
    }
  }
  return 0;
}

std::string escapeBytes(std::string_view bytes) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c > 0x7e) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string formatEventLine(const Event& event, std::int64_t realtimeUs, std::int64_t monotonicUs) {
  std::string line = "{\"t\":" + seconds(realtimeUs) + ",\"mono\":" + seconds(monotonicUs) +
                     ",\"event\":" + jsonQuote(escapeBytes(event.name));
  for (const auto& [key, value] : event.fields) {
    line += "," + jsonQuote(escapeBytes(key)) + ":";
    if (const auto* s = std::get_if<std::string>(&value)) {
      line += jsonQuote(escapeBytes(*s));
    } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
      line += std::to_string(*n);
    } else {
      line += std::get<bool>(value) ? "true" : "false";
    }
  }
  line += "}\n";
  return line;
}

}  // namespace mscb::pstn
