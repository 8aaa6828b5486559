// SPDX-License-Identifier: GPL-2.0-or-later
// ByteReader: the one bounds-checked cursor over peer bytes (no overlays, no strlen).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mscb::core {

/// Reads from a span; every read checks what is left and fails without moving when short.
class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
    [[nodiscard]] std::size_t position() const { return pos_; }
    [[nodiscard]] bool canRead(std::size_t n) const { return n <= remaining(); }

    std::optional<std::uint8_t> u8() {
        if (!canRead(1)) {
            return std::nullopt;
        }
        return bytes_[pos_++];
    }

    std::optional<std::uint16_t> u16be() {
        if (!canRead(2)) {
            return std::nullopt;
        }
        const auto value = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
        pos_ += 2;
        return value;
    }

    /// The next n bytes as a sub-span (not copied), or nothing if fewer are left.
    std::optional<std::span<const std::uint8_t>> take(std::size_t n) {
        if (!canRead(n)) {
            return std::nullopt;
        }
        auto part = bytes_.subspan(pos_, n);
        pos_ += n;
        return part;
    }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

}  // namespace mscb::core
