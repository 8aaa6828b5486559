// SPDX-License-Identifier: GPL-2.0-or-later
// CBCP (PPP protocol 0xC029, MS-CBCP §2.2) packet codec: strict parse, exact serialise.
//
// Packet: Code(1) Identifier(1) Length(2, includes the header) Options...; octets past Length
// are padding and ignored. Option: Type(1) Length(1) [Delay(1)] [AddressType(1) Address NUL]...
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mscb/result.hpp"

namespace mscb::core {

inline constexpr std::uint16_t kCbcpProtocol = 0xC029;
inline constexpr std::size_t kCbcpHeaderBytes = 4;
inline constexpr std::size_t kMaxOptionsPerPacket = 8;
/// Cap on a number's raw bytes in an option (the firewall caps the canonical form further).
inline constexpr std::size_t kMaxAddressBytes = 64;
/// The only address type MS-CBCP defines: PSTN/ISDN.
inline constexpr std::uint8_t kAddressTypePstn = 1;

enum class CbcpCode : std::uint8_t { Request = 1, Response = 2, Ack = 3 };

enum class CallbackType : std::uint8_t {
    NoCallback = 1,  ///< "no callback": the caller stays connected
    User = 2,        ///< number set by the caller
    Admin = 3,       ///< number preset by the administrator
    List = 4,        ///< one of a list of administrator numbers (not in MS-CBCP's type table)
};

const char* toString(CbcpCode code);
const char* toString(CallbackType type);

/// One decoded option. `raw` keeps the exact wire bytes so an Ack can echo them.
struct CbcpOption {
    CallbackType type = CallbackType::NoCallback;
    bool hasDelay = false;
    std::uint8_t delay = 0;
    std::vector<std::string> addresses;  ///< type-1 addresses, without their NUL
    std::vector<std::uint8_t> raw;
};

struct CbcpPacket {
    CbcpCode code = CbcpCode::Request;
    std::uint8_t id = 0;
    std::vector<CbcpOption> options;
};

/// Parses a packet (bytes after the PPP protocol field). Every violation is an Error whose
/// reason names the rule; nothing is read past `bytes`.
Result<CbcpPacket> parseCbcpPacket(std::span<const std::uint8_t> bytes);

/// Builders for the options mscb sends in a Request (delay 0, as MS-CBCP §3.2 says it SHOULD).
CbcpOption noCallbackOption();
CbcpOption userOption();                 ///< 02 05 00 01 00: empty NUL-terminated number
CbcpOption adminOption();                ///< 03 03 00
CbcpOption listOption(const std::vector<std::string>& numbers);

/// Header + options; options are written from their `raw` bytes when present.
std::vector<std::uint8_t> serializeCbcp(CbcpCode code, std::uint8_t id,
                                        const std::vector<CbcpOption>& options);
/// Re-encodes an option's fields into `raw` (used by the builders).
std::vector<std::uint8_t> encodeOption(const CbcpOption& option);

/// Human-readable one-line description of any bytes (malformed ones included), for pppd's
/// `debug` packet printer: "Request id=1 [no-callback] [user delay=0 number=\"\"]".
std::string describeCbcp(std::span<const std::uint8_t> bytes);

}  // namespace mscb::core
