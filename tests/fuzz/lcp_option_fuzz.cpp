// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the LCP option scan findCbcpCallbackOption.
// Invariants: a returned span lies inside the list, is a `0d len 06` option of length >= 3
// whose length byte matches, and the whole list is well formed and no earlier option matches.
#include "fuzz_util.hpp"
#include "mscb/core/lcp_callback_option.hpp"

using namespace mscb::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> options(data, size);
    const auto found = findCbcpCallbackOption(options);
    if (!found) return 0;
    FUZZ_CHECK(found->length >= 3, "length %zu", found->length);
    FUZZ_CHECK(found->offset <= size && found->length <= size - found->offset, "span outside the list");
    FUZZ_CHECK(data[found->offset] == kLcpCallbackOption, "type %u", data[found->offset]);
    FUZZ_CHECK(data[found->offset + 1] == found->length, "length byte mismatch");
    FUZZ_CHECK(data[found->offset + 2] == kCallbackOperationCbcp, "operation %u", data[found->offset + 2]);
    // Walk the whole list: it must be well formed, the match on an option boundary and the
    // first CBCP callback option.
    std::size_t pos = 0;
    bool sawMatch = false;
    while (pos < size) {
        FUZZ_CHECK(size - pos >= 2 && data[pos + 1] >= 2 && data[pos + 1] <= size - pos,
                   "a match in a malformed list (option at %zu)", pos);
        if (pos == found->offset) {
            sawMatch = true;
        } else if (!sawMatch) {
            FUZZ_CHECK(!(data[pos] == kLcpCallbackOption && data[pos + 1] >= 3 &&
                         data[pos + 2] == kCallbackOperationCbcp),
                       "an earlier CBCP option at %zu was skipped", pos);
        }
        pos += data[pos + 1];
    }
    FUZZ_CHECK(sawMatch, "match not on an option boundary");
    return 0;
}
