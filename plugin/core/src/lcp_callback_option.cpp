// SPDX-License-Identifier: GPL-2.0-or-later
// LCP option scan for Callback/CBCP.
#include "mscb/core/lcp_callback_option.hpp"

namespace mscb::core {

std::optional<OptionSpan> findCbcpCallbackOption(std::span<const std::uint8_t> options) {
    std::optional<OptionSpan> found;
    std::size_t pos = 0;
    while (pos < options.size()) {
        if (options.size() - pos < 2) {
            return std::nullopt;
        }
        const std::size_t length = options[pos + 1];
        if (length < 2 || length > options.size() - pos) {
            return std::nullopt;
        }
        // MS form: 0d len>=3 06 [message]; the message SHOULD be absent and MUST be ignored.
        if (!found && options[pos] == kLcpCallbackOption && length >= 3 &&
            options[pos + 2] == kCallbackOperationCbcp) {
            found = OptionSpan{pos, length};
        }
        pos += length;
    }
    return found;
}

}  // namespace mscb::core
