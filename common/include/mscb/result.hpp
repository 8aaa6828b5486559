// SPDX-License-Identifier: GPL-2.0-or-later
// Result<T>: a value or a human-readable reason (C++20 has no std::expected).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mscb {

/// Why something was refused, written for the log line that reports it, and, where a counter
/// needs it, a short stable kind ("user-rate", "deny-prefix") so nobody has to parse the text.
struct Error {
    std::string reason;
    std::string kind = {};
};

/// A value or an Error. The core never throws on peer input; it returns one of these.
template <typename T>
class Result {
public:
    Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(data_); }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const T& value() const& { return std::get<T>(data_); }
    [[nodiscard]] T& value() & { return std::get<T>(data_); }
    [[nodiscard]] T&& value() && { return std::get<T>(std::move(data_)); }
    [[nodiscard]] const T& operator*() const& { return value(); }
    [[nodiscard]] const T* operator->() const { return &value(); }
    [[nodiscard]] const std::string& reason() const { return std::get<Error>(data_).reason; }
    /// The refusal's kind; empty when its producer gave none.
    [[nodiscard]] const std::string& kind() const { return std::get<Error>(data_).kind; }

private:
    std::variant<T, Error> data_;
};

}  // namespace mscb
