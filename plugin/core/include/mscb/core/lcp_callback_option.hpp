// SPDX-License-Identifier: GPL-2.0-or-later
// Finds the LCP Callback option with operation 6 (CBCP, RFC 1570 + MS-CBCP §2.1) in a
// Configure-Request's option list, so the glue can hide it from stock LCP and Ack it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mscb::core {

inline constexpr std::uint8_t kLcpCallbackOption = 13;
inline constexpr std::uint8_t kCallbackOperationCbcp = 6;

struct OptionSpan {
    std::size_t offset = 0;
    std::size_t length = 0;
};

/// The first `0d len>=3 06 ...` option, if the list is well formed. A malformed list (an option
/// shorter than 2 or running past the end) yields nothing: stock LCP then sees it unchanged.
/// Operations 0-5 are never returned; stock pppd rejects them.
std::optional<OptionSpan> findCbcpCallbackOption(std::span<const std::uint8_t> options);

}  // namespace mscb::core
