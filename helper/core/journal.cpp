// SPDX-License-Identifier: GPL-2.0-or-later
// Journal file codec and the resume rule.
#include "journal.hpp"

#include <algorithm>
#include <charconv>

namespace mscb::helper {
namespace {

Result<std::int64_t> parseTime(std::optional<std::string_view> text, const char* what) {
    std::int64_t value = 0;
    if (!text || text->empty()) return Error{std::string("journal lacks ") + what};
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    // Boot-clock milliseconds: anything past ~300 years is corrupt (and would overflow sums).
    constexpr std::int64_t kMaxTimeMs = 10'000'000'000'000;
    if (ec != std::errc{} || ptr != end || value < 0 || value > kMaxTimeMs) {
        return Error{std::string("journal has a bad ") + what};
    }
    return value;
}

Result<DialerState> parseState(std::string_view text) {
    for (auto s : {DialerState::WaitLine, DialerState::HangUp, DialerState::OffHook, DialerState::Delay,
                   DialerState::Reset, DialerState::DialWait, DialerState::Dialing, DialerState::Backoff}) {
        if (text == toString(s)) return s;
    }
    return Error{"journal has an unknown or terminal state"};
}

}  // namespace

bool isValidJobId(std::string_view id) {
    return !id.empty() && id.size() <= 40 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

Result<std::string> encodeJournal(const JournalRecord& r) {
    Message m = toMessage(r.job);
    m.verb = "journal";
    m.set("id", r.jobId).set("boot-id", r.bootId).set("created", std::to_string(r.created.count()));
    m.set("state", toString(r.snapshot.state)).set("attempt", std::to_string(r.snapshot.attempt));
    if (r.snapshot.deadline) {
        m.set("deadline", std::to_string(r.snapshot.deadline->count()));
    }
    if (!r.dialLine.empty()) m.set("dial-line", r.dialLine);
    return encodeMessage(m);
}

Result<JournalRecord> decodeJournal(std::string_view text, const DialRules& rules) {
    auto message = decodeMessage(text);
    if (!message) return Error{"journal: " + message.reason()};
    if (message->verb != "journal") return Error{"journal: wrong verb '" + message->verb + "'"};
    JournalRecord r;
    Message jobPart{"job", {}};
    for (const auto& [k, v] : message->fields) {
        if (k == "id" || k == "boot-id" || k == "created" || k == "state" || k == "attempt" || k == "deadline" ||
            k == "dial-line") {
            continue;
        }
        jobPart.fields.emplace_back(k, v);
    }
    auto job = jobFromMessage(jobPart, rules);
    if (!job) return Error{"journal: " + job.reason()};
    r.job = *job;
    r.jobId = std::string(message->get("id").value_or(""));
    if (!isValidJobId(r.jobId)) return Error{"journal: bad job id"};
    r.bootId = std::string(message->get("boot-id").value_or(""));
    if (r.bootId.empty() || r.bootId.size() > 64) return Error{"journal: bad boot id"};
    auto created = parseTime(message->get("created"), "creation time");
    if (!created) return Error{created.reason()};
    r.created = Millis{*created};
    auto state = parseState(message->get("state").value_or(""));
    if (!state) return Error{state.reason()};
    r.snapshot.state = *state;
    auto attempt = parseTime(message->get("attempt"), "attempt count");
    if (!attempt || *attempt > 100) return Error{"journal has a bad attempt count"};
    r.snapshot.attempt = static_cast<unsigned>(*attempt);
    if (message->get("deadline")) {
        auto deadline = parseTime(message->get("deadline"), "deadline");
        if (!deadline) return Error{deadline.reason()};
        r.snapshot.deadline = Millis{*deadline};
    }
    if (const auto dial = message->get("dial-line")) {
        if (!isAcceptableLinePath(*dial)) return Error{"journal: dial-line is not a /dev path"};
        r.dialLine = std::string(*dial);
    }
    return r;
}

Result<bool> checkResumable(const JournalRecord& r, std::string_view bootId, TimePoint now, Millis expiry) {
    if (r.bootId != bootId) {
        return Error{"job " + r.jobId + " is from an earlier boot: failed, not resumed"};
    }
    if (r.created > now) return Error{"job " + r.jobId + " was created in the future: failed"};
    // Compare ages rather than add to a (journal-supplied) time point: nothing can overflow.
    const Millis age = now - r.created;
    const Millis lifetime = Millis{static_cast<std::int64_t>(r.job.delaySeconds) * 1000} + expiry;
    if (age >= lifetime) {
        return Error{"job " + r.jobId + " expired " + std::to_string((age - lifetime).count() / 1000) +
                     " s ago (created " + std::to_string(age.count() / 1000) + " s ago): failed, not resumed"};
    }
    return true;
}

}  // namespace mscb::helper
