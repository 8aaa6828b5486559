// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the plugin <-> helper message codec and its typed decoders.
// Invariants: decode(encode(m)) == m for every m that decodes (and encode succeeds); a typed
// decoder's result survives toMessage -> encode -> decode -> decoder unchanged; a job's number
// is canonical for the rules it was checked with.
#include "fuzz_util.hpp"
#include "mscb/helper_message.hpp"

using namespace mscb;

namespace {

bool sameMessage(const Message& a, const Message& b) { return a.verb == b.verb && a.fields == b.fields; }

Message roundTrip(const Message& m) {
    auto wire = encodeMessage(m);
    FUZZ_CHECK(wire.ok(), "a typed message does not encode: %s", wire.ok() ? "" : wire.reason().c_str());
    auto back = decodeMessage(*wire);
    FUZZ_CHECK(back.ok(), "an encoded message does not decode: %s", back.ok() ? "" : back.reason().c_str());
    FUZZ_CHECK(sameMessage(*back, m), "decode(encode(m)) != m");
    return *back;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteSource in(data, size);
    const auto rules = fuzz::dialRules(in, false);
    const auto wire = in.rest();

    auto message = decodeMessage(wire);
    if (!message) {
        FUZZ_CHECK(!message.reason().empty(), "error without a reason");
        return 0;
    }
    FUZZ_CHECK(wire.size() <= kMaxMessageBytes && message->fields.size() <= kMaxFields, "over-size message");
    for (const auto& [key, value] : message->fields) {
        FUZZ_CHECK(value.size() <= kMaxValueBytes, "value of %zu bytes", value.size());
        FUZZ_CHECK(message->get(key).has_value() && *message->get(key) == value, "get('%s') misses", key.c_str());
    }
    auto encoded = encodeMessage(*message);
    FUZZ_CHECK(encoded.ok(), "a decoded message does not encode: %s", encoded.ok() ? "" : encoded.reason().c_str());
    auto again = decodeMessage(*encoded);
    FUZZ_CHECK(again.ok() && sameMessage(*again, *message), "decode(encode(decode(x))) != decode(x)");

    if (auto admit = admitFromMessage(*message)) {
        FUZZ_CHECK(isAcceptableUserName(admit->user) && isAcceptableLinePath(admit->line) &&
                       isAcceptableSessionId(admit->session) && admit->pppdPid > 0,
                   "admit fields not acceptable");
        auto back = admitFromMessage(roundTrip(toMessage(*admit)));
        FUZZ_CHECK(back.ok() && back->user == admit->user && back->line == admit->line &&
                       back->session == admit->session && back->pppdPid == admit->pppdPid,
                   "admit round trip differs");
    }
    if (auto job = jobFromMessage(*message, rules)) {
        const auto source = job->kind == CallbackKind::User ? NumberSource::Peer : NumberSource::Operator;
        auto number = checkDialNumber(job->number, rules, source);
        FUZZ_CHECK(number.ok() && number->canonical == job->number, "job number '%s' not canonical",
                   job->number.c_str());
        FUZZ_CHECK(fuzz::isCanonicalText(job->number, false), "job number '%s' has other characters",
                   job->number.c_str());
        FUZZ_CHECK(job->delaySeconds <= 255 && job->pppdPid > 0, "job delay/pid out of range");
        auto back = jobFromMessage(roundTrip(toMessage(*job)), rules);
        FUZZ_CHECK(back.ok() && back->user == job->user && back->line == job->line && back->session == job->session &&
                       back->pppdPid == job->pppdPid && back->number == job->number && back->kind == job->kind &&
                       back->delaySeconds == job->delaySeconds,
                   "job round trip differs");
    }
    if (auto notice = noticeFromMessage(*message)) {
        FUZZ_CHECK(notice->event == "refused" && isAcceptableLinePath(notice->line) &&
                       (notice->user.empty() || isAcceptableUserName(notice->user)),
                   "notice fields not acceptable");
        auto back = noticeFromMessage(roundTrip(toMessage(*notice)));
        FUZZ_CHECK(back.ok() && back->user == notice->user && back->line == notice->line &&
                       back->reason == notice->reason && back->detail == notice->detail,
                   "notice round trip differs");
    }
    if (auto reply = replyFromMessage(*message)) {
        auto back = replyFromMessage(roundTrip(toMessage(*reply)));
        FUZZ_CHECK(back.ok() && back->accepted == reply->accepted && back->jobId == reply->jobId &&
                       (reply->accepted || back->reason == reply->reason),
                   "reply round trip differs");
    }
    return 0;
}
