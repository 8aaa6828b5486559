// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the CBCP codec (parseCbcpPacket, describeCbcp, serializeCbcp, encodeOption).
// Invariants: describeCbcp output is printable; a parsed packet re-serialises to exactly its
// first Length bytes; re-encoding each option from its fields parses back to the same fields.
#include "fuzz_util.hpp"
#include "mscb/core/cbcp_codec.hpp"

using namespace mscb::core;

namespace {

bool sameFields(const CbcpOption& a, const CbcpOption& b) {
    return a.type == b.type && a.hasDelay == b.hasDelay && a.delay == b.delay && a.addresses == b.addresses;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);

    const auto text = describeCbcp(bytes);
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        FUZZ_CHECK(byte >= 0x20 && byte < 0x7f, "describeCbcp emitted byte %02x", byte);
    }

    auto packet = parseCbcpPacket(bytes);
    if (!packet) {
        FUZZ_CHECK(!packet.reason().empty(), "error without a reason");
        return 0;
    }
    FUZZ_CHECK(size >= kCbcpHeaderBytes, "parsed a packet shorter than its header");
    const std::size_t length = (static_cast<std::size_t>(data[2]) << 8) | data[3];
    FUZZ_CHECK(length >= kCbcpHeaderBytes && length <= size, "Length %zu accepted", length);
    FUZZ_CHECK(packet->options.size() <= kMaxOptionsPerPacket, "%zu options", packet->options.size());

    const auto wire = serializeCbcp(packet->code, packet->id, packet->options);
    FUZZ_CHECK(wire.size() == length && std::equal(wire.begin(), wire.end(), data),
               "serialise(parse(x)) != x[0:Length]");

    for (const auto& option : packet->options) {
        FUZZ_CHECK(option.raw.size() >= 2 && option.raw[0] == static_cast<std::uint8_t>(option.type) &&
                       option.raw[1] == option.raw.size(),
                   "raw option bytes inconsistent");
        for (const auto& address : option.addresses) {
            FUZZ_CHECK(address.size() <= kMaxAddressBytes, "address of %zu bytes", address.size());
        }
        // From the fields alone (how the builders make options): same bytes, same meaning.
        CbcpOption fields = option;
        fields.raw.clear();
        const auto encoded = encodeOption(fields);
        FUZZ_CHECK(encoded == option.raw, "encodeOption(fields) differs from the wire bytes");
        auto again = parseCbcpPacket(serializeCbcp(packet->code, packet->id, {fields}));
        FUZZ_CHECK(again.ok() && again->options.size() == 1 && sameFields(again->options[0], option),
                   "a re-encoded option does not parse back");
    }
    return 0;
}
