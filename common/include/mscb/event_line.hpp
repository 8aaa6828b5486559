// SPDX-License-Identifier: GPL-2.0-or-later
// Event lines: the one log form that tests and operators' log parsers may rely on.
//
//   event=NAME key=value key=value ...
//
// The human sentences around them may be reworded at will; an event's name and keys are a
// contract (doc/events.md lists them). A value never holds a space, '=' or a control byte:
// anything outside [A-Za-z0-9._@+,:/*#_-] is written %XX, so peer-supplied text cannot forge a
// field or a second event.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mscb {

class EventLine {
public:
    explicit EventLine(std::string name) : name_(std::move(name)) {}
    EventLine& with(std::string_view key, std::string_view value);
    EventLine& with(std::string_view key, long long value) { return with(key, std::to_string(value)); }
    [[nodiscard]] const std::string& name() const { return name_; }
    /// "event=NAME key=value ...", values escaped.
    [[nodiscard]] std::string format() const;

private:
    std::string name_;
    std::vector<std::pair<std::string, std::string>> fields_;
};

/// VALUE with every byte outside the event value alphabet written %XX (at most `cap` bytes shown).
std::string escapeEventValue(std::string_view value, std::size_t cap = 64);

}  // namespace mscb
