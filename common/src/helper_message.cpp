// SPDX-License-Identifier: GPL-2.0-or-later
// Codec for the versioned key=value helper messages.
#include "mscb/helper_message.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace mscb {
namespace {

bool isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool isValidKey(std::string_view key) {
    return !key.empty() && key.size() <= 32 && std::all_of(key.begin(), key.end(), isKeyChar);
}

bool isValidValue(std::string_view value) {
    return value.size() <= kMaxValueBytes &&
           std::all_of(value.begin(), value.end(), [](char c) {
               return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
           });
}

bool isValidVerb(std::string_view verb) {
    return isValidKey(verb);
}

// Checks that `message` has exactly the required keys plus any of the optional ones.
Result<bool> checkKeys(const Message& message, std::initializer_list<std::string_view> required,
                       std::initializer_list<std::string_view> optional = {}) {
    for (auto key : required) {
        if (!message.get(key)) {
            return Error{"'" + message.verb + "' lacks '" + std::string(key) + "'"};
        }
    }
    for (const auto& [key, value] : message.fields) {
        const bool known = std::find(required.begin(), required.end(), key) != required.end() ||
                           std::find(optional.begin(), optional.end(), key) != optional.end();
        if (!known) {
            return Error{"'" + message.verb + "' has unknown key '" + key + "'"};
        }
    }
    return true;
}

template <typename Int>
Result<Int> parseInt(std::string_view text, Int low, Int high, const char* what) {
    Int value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < low || value > high) {
        return Error{std::string(what) + " is not a number in range: '" + escapeForLog(text) + "'"};
    }
    return value;
}

Result<std::string> requireUser(const Message& m) {
    const auto user = *m.get("user");
    if (!isAcceptableUserName(user)) {
        return Error{"unacceptable user name '" + escapeForLog(user) + "'"};
    }
    return std::string(user);
}

Result<std::string> requireLine(const Message& m) {
    const auto line = *m.get("line");
    if (!isAcceptableLinePath(line)) {
        return Error{"unacceptable line '" + escapeForLog(line) + "'"};
    }
    return std::string(line);
}

Result<std::string> requireSession(const Message& m) {
    const auto session = *m.get("session");
    if (!isAcceptableSessionId(session)) {
        return Error{"unacceptable session id '" + escapeForLog(session) + "'"};
    }
    return std::string(session);
}

}  // namespace

std::optional<std::string_view> Message::get(std::string_view key) const {
    for (const auto& [k, v] : fields) {
        if (k == key) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

Message& Message::set(std::string key, std::string value) {
    fields.emplace_back(std::move(key), std::move(value));
    return *this;
}

Result<std::string> encodeMessage(const Message& message) {
    if (!isValidVerb(message.verb)) {
        return Error{"invalid verb"};
    }
    if (message.fields.size() > kMaxFields) {
        return Error{"too many fields"};
    }
    std::string wire = std::string(kMessageMagic) + " " + message.verb + "\n";
    std::set<std::string_view> seen;
    for (const auto& [key, value] : message.fields) {
        if (!isValidKey(key) || !isValidValue(value)) {
            return Error{"invalid field '" + escapeForLog(key) + "'"};
        }
        if (!seen.insert(key).second) {
            return Error{"duplicate key '" + key + "'"};
        }
        wire += key + "=" + value + "\n";
    }
    if (wire.size() > kMaxMessageBytes) {
        return Error{"message too large"};
    }
    return wire;
}

Result<Message> decodeMessage(std::string_view wire) {
    if (wire.size() > kMaxMessageBytes) {
        return Error{"message of " + std::to_string(wire.size()) + " bytes is too large"};
    }
    if (wire.empty() || wire.back() != '\n') {
        return Error{"message does not end with a newline"};
    }
    Message message;
    std::set<std::string, std::less<>> seen;
    std::size_t pos = 0;
    bool first = true;
    while (pos < wire.size()) {
        const auto eol = wire.find('\n', pos);
        const auto line = wire.substr(pos, eol - pos);
        pos = eol + 1;
        if (first) {
            first = false;
            const auto space = line.find(' ');
            if (space == std::string_view::npos || line.substr(0, space) != kMessageMagic) {
                return Error{"not an mscb/1 message"};
            }
            const auto verb = line.substr(space + 1);
            if (!isValidVerb(verb)) {
                return Error{"invalid verb '" + escapeForLog(verb) + "'"};
            }
            message.verb = std::string(verb);
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            return Error{"field without '=': '" + escapeForLog(line) + "'"};
        }
        const auto key = line.substr(0, eq);
        const auto value = line.substr(eq + 1);
        if (!isValidKey(key)) {
            return Error{"invalid key '" + escapeForLog(key) + "'"};
        }
        if (!isValidValue(value)) {
            return Error{"invalid value for '" + std::string(key) + "'"};
        }
        if (!seen.emplace(key).second) {
            return Error{"duplicate key '" + std::string(key) + "'"};
        }
        if (message.fields.size() == kMaxFields) {
            return Error{"too many fields"};
        }
        message.fields.emplace_back(std::string(key), std::string(value));
    }
    return message;
}

const char* toString(CallbackKind kind) {
    switch (kind) {
    case CallbackKind::User: return "user";
    case CallbackKind::Admin: return "admin";
    case CallbackKind::List: return "list";
    }
    return "?";
}

Message toMessage(const AdmitRequest& request) {
    Message m{"admit", {}};
    m.set("user", request.user).set("line", request.line).set("session", request.session);
    m.set("pppd-pid", std::to_string(request.pppdPid));
    return m;
}

Message toMessage(const CallbackJob& job) {
    Message m{"job", {}};
    m.set("user", job.user).set("line", job.line).set("session", job.session);
    m.set("pppd-pid", std::to_string(job.pppdPid)).set("number", job.number);
    m.set("kind", toString(job.kind)).set("delay", std::to_string(job.delaySeconds));
    return m;
}

Message toMessage(const HelperReply& reply) {
    Message m{reply.accepted ? "ok" : "refused", {}};
    if (!reply.accepted) {
        m.set("reason", reply.reason);
    }
    if (!reply.jobId.empty()) {
        m.set("job", reply.jobId);
    }
    if (!reply.dialLine.empty()) {
        m.set("dial-line", reply.dialLine);
    }
    return m;
}

Message toMessage(const NumberCheck& check) {
    Message m{"number", {}};
    m.set("session", check.session).set("number", check.number).set("kind", toString(check.kind));
    return m;
}

Message toMessage(const RefusalReport& report) {
    Message m{"report", {}};
    m.set("session", report.session).set("kind", report.kind).set("detail", report.detail);
    return m;
}

Message toMessage(const ReturnBinding& binding) {
    Message m{"return", {}};
    m.set("session", binding.session).set("first-call-ended-ms", std::to_string(binding.firstCallEndedMs));
    return m;
}

Message toMessage(const PluginNotice& notice) {
    Message m{"notice", {}};
    m.set("event", notice.event).set("line", notice.line).set("reason", notice.reason);
    if (!notice.user.empty()) m.set("user", notice.user);
    if (!notice.detail.empty()) m.set("detail", notice.detail);
    return m;
}

namespace {

Result<CallbackKind> kindFrom(std::string_view text) {
    if (text == "user") return CallbackKind::User;
    if (text == "admin") return CallbackKind::Admin;
    if (text == "list") return CallbackKind::List;
    return Error{"unknown kind '" + escapeForLog(text) + "'"};
}

}  // namespace

Result<NumberCheck> numberCheckFromMessage(const Message& m, const DialRules& rules) {
    if (m.verb != "number") {
        return Error{"expected 'number', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"session", "number", "kind"}); !keys) {
        return Error{keys.reason()};
    }
    auto session = requireSession(m);
    auto kind = kindFrom(*m.get("kind"));
    if (!session || !kind) {
        return Error{session ? kind.reason() : session.reason()};
    }
    const auto raw = *m.get("number");
    auto number = checkDialNumber(raw, rules, *kind == CallbackKind::User ? NumberSource::Peer : NumberSource::Operator);
    if (!number) {
        return Error{number.reason()};
    }
    if (number->canonical != raw) {
        return Error{"number is not in canonical form"};
    }
    return NumberCheck{*session, number->canonical, *kind};
}

Result<RefusalReport> reportFromMessage(const Message& m) {
    if (m.verb != "report") {
        return Error{"expected 'report', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"session", "kind", "detail"}); !keys) {
        return Error{keys.reason()};
    }
    auto session = requireSession(m);
    if (!session) {
        return Error{session.reason()};
    }
    const auto kind = *m.get("kind");
    if (!isValidKey(kind)) {
        return Error{"unacceptable report kind '" + escapeForLog(kind) + "'"};
    }
    return RefusalReport{*session, std::string(kind), std::string(*m.get("detail"))};
}

Message toMessage(const RingNotice& ring) {
    Message m{"ring", {}};
    m.set("line", ring.line).set("number", ring.number);
    return m;
}

Result<RingNotice> ringFromMessage(const Message& m) {
    if (m.verb != "ring") {
        return Error{"expected 'ring', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"line", "number"}); !keys) {
        return Error{keys.reason()};
    }
    const auto line = *m.get("line");
    if (!isAcceptableLinePath(line)) {
        return Error{"unacceptable line '" + escapeForLog(line) + "'"};
    }
    const auto number = *m.get("number");
    if (number.empty() || number.size() > 32 || !isValidValue(number)) {
        return Error{"unacceptable caller ID '" + escapeForLog(number) + "'"};
    }
    return RingNotice{std::string(line), std::string(number)};
}

Result<ReturnBinding> returnBindingFromMessage(const Message& m) {
    if (m.verb != "return") {
        return Error{"expected 'return', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"session", "first-call-ended-ms"}); !keys) {
        return Error{keys.reason()};
    }
    auto session = requireSession(m);
    if (!session) {
        return Error{session.reason()};
    }
    auto ended = parseInt<std::int64_t>(*m.get("first-call-ended-ms"), 0, std::int64_t{1} << 53, "first-call-ended-ms");
    if (!ended) {
        return Error{ended.reason()};
    }
    return ReturnBinding{*session, *ended};
}

Result<PluginNotice> noticeFromMessage(const Message& m) {
    if (m.verb != "notice") {
        return Error{"expected 'notice', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"event", "line", "reason"}, {"user", "detail"}); !keys) {
        return Error{keys.reason()};
    }
    const auto event = *m.get("event");
    if (event != "refused") {
        return Error{"unknown notice event '" + escapeForLog(event) + "'"};
    }
    auto line = requireLine(m);
    if (!line) {
        return Error{line.reason()};
    }
    const auto reason = *m.get("reason");
    if (!isValidKey(reason)) {
        return Error{"unacceptable notice reason '" + escapeForLog(reason) + "'"};
    }
    PluginNotice notice{std::string(event), {}, *line, std::string(reason), std::string(m.get("detail").value_or(""))};
    if (m.get("user")) {
        auto user = requireUser(m);
        if (!user) {
            return Error{user.reason()};
        }
        notice.user = *user;
    }
    return notice;
}

Result<AdmitRequest> admitFromMessage(const Message& m) {
    if (m.verb != "admit") {
        return Error{"expected 'admit', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"user", "line", "session", "pppd-pid"}); !keys) {
        return Error{keys.reason()};
    }
    auto user = requireUser(m);
    auto line = requireLine(m);
    auto session = requireSession(m);
    auto pid = parseInt<std::int32_t>(*m.get("pppd-pid"), 1, 0x3fffffff, "pppd-pid");
    for (const std::string* why : {user ? nullptr : &user.reason(), line ? nullptr : &line.reason(),
                                   session ? nullptr : &session.reason(), pid ? nullptr : &pid.reason()}) {
        if (why) {
            return Error{*why};
        }
    }
    return AdmitRequest{*user, *line, *session, *pid};
}

Result<CallbackJob> jobFromMessage(const Message& m, const DialRules& rules) {
    if (m.verb != "job") {
        return Error{"expected 'job', got '" + m.verb + "'"};
    }
    if (auto keys = checkKeys(m, {"user", "line", "session", "pppd-pid", "number", "kind", "delay"});
        !keys) {
        return Error{keys.reason()};
    }
    auto user = requireUser(m);
    auto line = requireLine(m);
    auto session = requireSession(m);
    // 0: no pppd asked (a caller-ID callback, kept in the helper's journal in this form).
    auto pid = parseInt<std::int32_t>(*m.get("pppd-pid"), 0, 0x3fffffff, "pppd-pid");
    auto delay = parseInt<std::uint32_t>(*m.get("delay"), 0, 255, "delay");
    const auto kindText = *m.get("kind");
    const auto source = kindText == "user" ? NumberSource::Peer : NumberSource::Operator;
    auto number = checkDialNumber(*m.get("number"), rules, source);
    for (const std::string* why :
         {user ? nullptr : &user.reason(), line ? nullptr : &line.reason(),
          session ? nullptr : &session.reason(), pid ? nullptr : &pid.reason(),
          delay ? nullptr : &delay.reason(), number ? nullptr : &number.reason()}) {
        if (why) {
            return Error{*why};
        }
    }
    CallbackJob job{*user, *line, *session, *pid, number->canonical, CallbackKind::User, *delay};
    if (kindText == "admin") {
        job.kind = CallbackKind::Admin;
    } else if (kindText == "list") {
        job.kind = CallbackKind::List;
    } else if (kindText != "user") {
        return Error{"unknown kind '" + escapeForLog(kindText) + "'"};
    }
    // The number must come back unchanged: the plugin sends it canonical already.
    if (job.number != *m.get("number")) {
        return Error{"number is not in canonical form"};
    }
    return job;
}

Result<HelperReply> replyFromMessage(const Message& m) {
    if (m.verb == "ok") {
        if (auto keys = checkKeys(m, {}, {"job", "dial-line"}); !keys) {
            return Error{keys.reason()};
        }
        HelperReply reply{true, "", std::string(m.get("job").value_or("")), {}};
        if (const auto dial = m.get("dial-line")) {
            if (!isAcceptableLinePath(*dial)) return Error{"dial-line is not a /dev path"};
            reply.dialLine = std::string(*dial);
        }
        return reply;
    }
    if (m.verb == "refused") {
        if (auto keys = checkKeys(m, {"reason"}, {"job"}); !keys) {
            return Error{keys.reason()};
        }
        return HelperReply{false, std::string(*m.get("reason")), std::string(m.get("job").value_or("")), {}};
    }
    return Error{"unexpected reply '" + m.verb + "'"};
}

bool isAcceptableUserName(std::string_view name) {
    return !name.empty() && name.size() <= 64 && isValidValue(name);
}

bool isAcceptableSessionId(std::string_view session) {
    return !session.empty() && session.size() <= 64 &&
           std::all_of(session.begin(), session.end(), [](char c) { return isKeyChar(c) || c == '.'; });
}

bool isAcceptableLinePath(std::string_view path) {
    if (path.size() < 6 || path.size() > 64 || path.substr(0, 5) != "/dev/" ||
        path.find("..") != std::string_view::npos || path.find("//") != std::string_view::npos) {
        return false;
    }
    return std::all_of(path.begin(), path.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '/' || c == '_' || c == '.' || c == '-';
    });
}

}  // namespace mscb
