// SPDX-License-Identifier: GPL-2.0-or-later
// CBCP codec: strict bounds-checked parsing, exact serialisation, a safe printer.
#include "mscb/core/cbcp_codec.hpp"

#include <cstdio>

#include "mscb/core/byte_reader.hpp"
#include "mscb/dial_number.hpp"

namespace mscb::core {
namespace {

// `kind` is the stable name of the defect (doc/events.md: cbcp-rerequest, cbcp-dropped); `why`
// the sentence for the log, which may be reworded.
Error malformed(const char* kind, const std::string& why) {
    return Error{"malformed CBCP packet: " + why, kind};
}

bool isPrintable(std::uint8_t byte) {
    return byte >= 0x20 && byte < 0x7f;
}

// Parses the body of one option (after Type and Length) into `option`.
Result<bool> parseOptionBody(std::span<const std::uint8_t> body, CbcpOption& option) {
    ByteReader reader(body);
    if (auto delay = reader.u8()) {
        option.hasDelay = true;
        option.delay = *delay;
    }
    while (reader.remaining() > 0) {
        const auto addressType = *reader.u8();
        if (addressType != kAddressTypePstn) {
            return malformed("address-type", "address type " + std::to_string(addressType) +
                             " (only 1, PSTN/ISDN, is defined)");
        }
        std::string address;
        bool terminated = false;
        while (auto byte = reader.u8()) {
            if (*byte == 0) {
                terminated = true;
                break;
            }
            if (!isPrintable(*byte)) {
                return malformed("address-byte", "non-printable byte in address");
            }
            if (address.size() == kMaxAddressBytes) {
                return malformed("address-long", "address longer than " + std::to_string(kMaxAddressBytes) + " bytes");
            }
            address.push_back(static_cast<char>(*byte));
        }
        if (!terminated) {
            return malformed("address-unterminated", "address has no NUL inside its option");
        }
        option.addresses.push_back(std::move(address));
    }
    const bool singleAddressType =
        option.type == CallbackType::User || option.type == CallbackType::Admin;
    if (option.type == CallbackType::NoCallback && !option.addresses.empty()) {
        return malformed("no-callback-address", "no-callback option carries an address");
    }
    if (singleAddressType && option.addresses.size() > 1) {
        return malformed("several-addresses", std::string(toString(option.type)) + " option carries several addresses");
    }
    return true;
}

}  // namespace

const char* toString(CbcpCode code) {
    switch (code) {
    case CbcpCode::Request: return "Request";
    case CbcpCode::Response: return "Response";
    case CbcpCode::Ack: return "Ack";
    }
    return "?";
}

const char* toString(CallbackType type) {
    switch (type) {
    case CallbackType::NoCallback: return "no-callback";
    case CallbackType::User: return "user";
    case CallbackType::Admin: return "admin";
    case CallbackType::List: return "list";
    }
    return "?";
}

Result<CbcpPacket> parseCbcpPacket(std::span<const std::uint8_t> bytes) {
    ByteReader header(bytes);
    const auto code = header.u8();
    const auto id = header.u8();
    const auto length = header.u16be();
    if (!code || !id || !length) {
        return malformed("header-short", "shorter than the 4-byte header");
    }
    if (*length < kCbcpHeaderBytes) {
        return malformed("length-short", "Length " + std::to_string(*length) + " is less than 4");
    }
    if (*length > bytes.size()) {
        return malformed("length-past", "Length " + std::to_string(*length) + " exceeds the " +
                         std::to_string(bytes.size()) + " bytes received");
    }
    if (*code < 1 || *code > 3) {
        return malformed("unknown-code", "unknown code " + std::to_string(*code));
    }
    CbcpPacket packet;
    packet.code = static_cast<CbcpCode>(*code);
    packet.id = *id;
    // Octets past Length are padding (RFC 1661 convention) and are ignored.
    ByteReader reader(bytes.subspan(kCbcpHeaderBytes, *length - kCbcpHeaderBytes));
    while (reader.remaining() > 0) {
        if (packet.options.size() == kMaxOptionsPerPacket) {
            return malformed("option-count", "more than " + std::to_string(kMaxOptionsPerPacket) + " options");
        }
        const auto optionStart = reader.position();
        const auto type = reader.u8();
        const auto optionLength = reader.u8();
        if (!type || !optionLength) {
            return malformed("option-truncated", "option header truncated");
        }
        if (*optionLength < 2) {
            return malformed("option-length", "option length " + std::to_string(*optionLength) + " is less than 2");
        }
        const auto body = reader.take(*optionLength - 2U);
        if (!body) {
            return malformed("option-overrun", "option of length " + std::to_string(*optionLength) +
                             " runs past the packet");
        }
        if (*type < 1 || *type > 4) {
            return malformed("option-type", "unknown option type " + std::to_string(*type));
        }
        CbcpOption option;
        option.type = static_cast<CallbackType>(*type);
        if (auto parsed = parseOptionBody(*body, option); !parsed) {
            return Error{parsed.reason(), parsed.kind()};
        }
        const auto raw = bytes.subspan(kCbcpHeaderBytes + optionStart, *optionLength);
        option.raw.assign(raw.begin(), raw.end());
        packet.options.push_back(std::move(option));
    }
    return packet;
}

std::vector<std::uint8_t> encodeOption(const CbcpOption& option) {
    std::vector<std::uint8_t> out{static_cast<std::uint8_t>(option.type), 0};
    if (option.hasDelay) {
        out.push_back(option.delay);
    }
    for (const auto& address : option.addresses) {
        out.push_back(kAddressTypePstn);
        out.insert(out.end(), address.begin(), address.end());
        out.push_back(0);
    }
    out[1] = static_cast<std::uint8_t>(out.size());
    return out;
}

CbcpOption noCallbackOption() {
    CbcpOption option;
    option.type = CallbackType::NoCallback;
    option.raw = encodeOption(option);
    return option;
}

CbcpOption userOption() {
    // MS-CBCP: a USER option in a Request SHOULD carry an empty NUL-terminated address.
    CbcpOption option;
    option.type = CallbackType::User;
    option.hasDelay = true;
    option.addresses = {""};
    option.raw = encodeOption(option);
    return option;
}

CbcpOption adminOption() {
    CbcpOption option;
    option.type = CallbackType::Admin;
    option.hasDelay = true;
    option.raw = encodeOption(option);
    return option;
}

CbcpOption listOption(const std::vector<std::string>& numbers) {
    CbcpOption option;
    option.type = CallbackType::List;
    option.hasDelay = true;
    option.addresses = numbers;
    option.raw = encodeOption(option);
    return option;
}

std::vector<std::uint8_t> serializeCbcp(CbcpCode code, std::uint8_t id,
                                        const std::vector<CbcpOption>& options) {
    std::vector<std::uint8_t> out{static_cast<std::uint8_t>(code), id, 0, 0};
    for (const auto& option : options) {
        const auto bytes = option.raw.empty() ? encodeOption(option) : option.raw;
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    out[2] = static_cast<std::uint8_t>(out.size() >> 8);
    out[3] = static_cast<std::uint8_t>(out.size() & 0xff);
    return out;
}

std::string describeCbcp(std::span<const std::uint8_t> bytes) {
    auto packet = parseCbcpPacket(bytes);
    if (!packet) {
        std::string text = packet.reason() + ":";
        const std::size_t shown = bytes.size() < 32 ? bytes.size() : 32;
        for (std::size_t i = 0; i < shown; ++i) {
            char hex[4];
            std::snprintf(hex, sizeof hex, " %02x", bytes[i]);
            text += hex;
        }
        if (bytes.size() > shown) {
            text += " ...";
        }
        return text;
    }
    std::string text = std::string(toString(packet->code)) + " id=" + std::to_string(packet->id);
    if (packet->options.empty()) {
        text += " (no options)";
    }
    for (const auto& option : packet->options) {
        text += " [";
        text += toString(option.type);
        if (option.hasDelay) {
            text += " delay=" + std::to_string(option.delay);
        }
        for (const auto& address : option.addresses) {
            text += " number=\"" + escapeForLog(address) + "\"";
        }
        text += "]";
    }
    return text;
}

}  // namespace mscb::core
