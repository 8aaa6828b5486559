// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin <-> helper (and mscbctl <-> helper) message format, version 1.
//
// One SOCK_SEQPACKET message is ASCII text:
//
//     mscb/1 VERB\n
//     key=value\n
//     ...
//
// Keys are [a-z0-9-]{1,32}, values printable ASCII (0x20-0x7e) of at most 256 bytes, no key
// twice, at most 32 fields, at most 4096 bytes in all. Anything else is rejected whole: the
// socket is root-only, but the helper still treats a message as hostile (doc/security.md §7).
// Each verb has a fixed key set, checked by the typed decoders below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mscb/dial_number.hpp"
#include "mscb/result.hpp"

namespace mscb {

inline constexpr std::string_view kMessageMagic = "mscb/1";
inline constexpr std::size_t kMaxMessageBytes = 4096;
inline constexpr std::size_t kMaxValueBytes = 256;
inline constexpr std::size_t kMaxFields = 32;
inline constexpr const char* kDefaultHelperSocket = "/run/mscb/helper.sock";

/// A decoded message: a verb and its fields in wire order.
struct Message {
    std::string verb;
    std::vector<std::pair<std::string, std::string>> fields;

    /// The value of `key`, if present.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const;
    /// Appends a field (encode() validates it).
    Message& set(std::string key, std::string value);
};

/// Serialise; fails if a key, value or the whole message breaks the format rules.
Result<std::string> encodeMessage(const Message& message);
/// Parse and check the format rules (not the verb's key set).
Result<Message> decodeMessage(std::string_view wire);

/// What kind of callback was agreed (CBCP option type 2, 3 or 4).
enum class CallbackKind { User, Admin, List };
const char* toString(CallbackKind kind);

/// "admit": may this pppd offer callback to this user on this line? Sent before the Request.
struct AdmitRequest {
    std::string user;
    std::string line;     ///< tty device path, e.g. /dev/ttyS0
    std::string session;  ///< plugin-chosen id that ties admit, job and logs together
    std::int32_t pppdPid = 0;
};

/// "job": a callback agreed with the caller, handed over when the first call ends.
struct CallbackJob {
    std::string user;
    std::string line;
    std::string session;
    std::int32_t pppdPid = 0;
    std::string number;  ///< canonical, already through the firewall (checked again on decode)
    CallbackKind kind = CallbackKind::User;
    std::uint32_t delaySeconds = 0;  ///< the wait after the first call is down, clamped by policy
};

/// "number": may the number just agreed with the caller be called? Sent after a valid CBCP
/// Response and before the Ack, so that a number over its hourly limit (or already waiting for
/// a callback) is refused while the caller can still be offered something else.
struct NumberCheck {
    std::string session;
    std::string number;  ///< canonical
    CallbackKind kind = CallbackKind::User;
};

/// "report": a refusal the plugin decided on its own (the dial-string firewall), so that the
/// helper can count it with its own refusals (`mscbctl status`). No reply.
struct RefusalReport {
    std::string session;
    std::string kind;    ///< [a-z0-9-]{1,32}: deny-prefix, not-allowed, bad-number
    std::string detail;  ///< printable, already escaped
};

/// "notice": an event the plugin decided on its own that the helper would not otherwise see,
/// for operators' event hooks (doc/events.md, "Hooks"). Fire and forget: no reply is read, and
/// a helper that does not know the verb answers `refused` and loses nothing. `event` is one of
/// kNoticeEvents; `reason` is a kind ([a-z0-9-]); `user` and `detail` are optional.
struct PluginNotice {
    std::string event;   ///< "refused": the callback policy refused the call after authentication
    std::string user;    ///< may be empty
    std::string line;
    std::string reason;  ///< policy, no-offer
    std::string detail;  ///< printable, already escaped
};

/// "return": sent by pppd's mscb.so (root) on a new connection just before pppd runs the
/// connector for the return call; binds the connection to that session's job. The connector
/// inherits the connection (its only way to the root-only socket when a getty's login started
/// pppd setuid and pppd runs the connector as the dial-in user), so on it only `line` for this
/// session is accepted. While the return call lasts the plugin keeps the connection open and
/// closes it when that call ends: the helper's loop guard lasts exactly as long. No reply.
struct ReturnBinding {
    std::string session;
    /// When the first call ended as pppd saw it (link terminated), CLOCK_BOOTTIME ms; 0 = not
    /// known. The helper counts the delay from here rather than from the line hand-over.
    std::int64_t firstCallEndedMs = 0;
};

/// "ring": a getty's caller-ID hook (mscb-cnd) reports a call ringing on `line` before anyone
/// answers it. The helper replies "ok" with a job (and its dial-line) when it will call that
/// number back, so the getty must not answer; "refused" when the call is to be answered as usual.
struct RingNotice {
    std::string line;    ///< /dev path of the ringing line
    std::string number;  ///< the caller ID as the modem gave it: untrusted, the helper checks it
};

/// The helper's answer to admit / job: "ok" (with a job id for jobs) or "refused".
struct HelperReply {
    bool accepted = false;
    std::string reason;  ///< why refused
    std::string jobId;   ///< set on an accepted job
    /// On an accepted job dialled from a pool modem: its device. The answering line is then
    /// free at once (pppd does not hand it over); empty: the answering line dials.
    std::string dialLine;
};

Message toMessage(const AdmitRequest& request);
Message toMessage(const CallbackJob& job);
Message toMessage(const HelperReply& reply);
Message toMessage(const NumberCheck& check);
Message toMessage(const RefusalReport& report);
Message toMessage(const ReturnBinding& binding);
Message toMessage(const PluginNotice& notice);

Result<AdmitRequest> admitFromMessage(const Message& message);
/// Re-validates the number with `rules` (defence in depth: the job crossed a socket).
Result<CallbackJob> jobFromMessage(const Message& message, const DialRules& rules);
Result<HelperReply> replyFromMessage(const Message& message);
/// Re-validates the number with `rules` like jobFromMessage.
Result<NumberCheck> numberCheckFromMessage(const Message& message, const DialRules& rules);
Result<RefusalReport> reportFromMessage(const Message& message);
Result<ReturnBinding> returnBindingFromMessage(const Message& message);
Message toMessage(const RingNotice& ring);
/// Shape only (a /dev line, a printable number of 1-32 bytes); the helper applies the firewall.
Result<RingNotice> ringFromMessage(const Message& message);
Result<PluginNotice> noticeFromMessage(const Message& message);

/// A user name mscb accepts (printable ASCII, 1..64 bytes): pppd peer names are free text.
bool isAcceptableUserName(std::string_view name);
/// A session id mscb accepts: [a-z0-9.-]{1,64} (it travels on pppd's connector command line).
bool isAcceptableSessionId(std::string_view session);
/// A tty path mscb accepts: absolute, under /dev/, no "..", [A-Za-z0-9/_.-] only, <= 64 bytes.
bool isAcceptableLinePath(std::string_view path);

}  // namespace mscb
