// SPDX-License-Identifier: GPL-2.0-or-later
// `mscbctl status` entries (see status_report.hpp).
#include "status_report.hpp"

#include <algorithm>

namespace mscb::helper {
namespace {

std::string ms(Millis d) {
    return std::to_string(d.count());
}

/// A link's fields, written the same way on a call's entry and on a link's own.
void setLinkFields(Message& e, const LinkInfo& l, bool withPid, TimePoint now) {
    e.set("interface", l.name).set("link-up", l.up ? "yes" : "no");
    if (withPid && l.pppdPid) e.set("pppd-pid", std::to_string(l.pppdPid));
    std::string addresses;
    for (const auto& a : l.addresses) addresses += (addresses.empty() ? "" : ",") + a;
    if (!addresses.empty()) e.set("address", addresses);
    e.set("rx-bytes", std::to_string(l.rxBytes)).set("tx-bytes", std::to_string(l.txBytes));
    e.set("link-ms", ms(now - l.since));
}

}  // namespace

std::vector<Message> statusEntries(const std::vector<JobRow>& jobs, const std::vector<CallRow>& calls,
                                   const LinkTable& links, const std::map<std::string, unsigned>& refusals,
                                   TimePoint now) {
    std::vector<Message> out;
    for (const auto& j : jobs) {
        Message e{"entry", {}};
        e.set("type", "job").set("job", j.job).set("user", j.user).set("number", j.number);
        e.set("line", j.line).set("modem", j.modem).set("dial-line", j.dialLine.empty() ? j.line : j.dialLine);
        e.set("state", toString(j.state));
        e.set("attempt", std::to_string(j.attempt) + "/" + std::to_string(j.attempts));
        e.set("age-ms", ms(now - j.created));
        if (j.deadline) e.set("deadline-in-ms", ms(*j.deadline - now));
        if (j.nextEvent) e.set("next-event-in-ms", ms(*j.nextEvent - now));
        out.push_back(std::move(e));
    }
    for (const auto& c : calls) {
        Message e{"entry", {}};
        e.set("type", "call").set("job", c.job).set("user", c.user).set("number", c.number);
        e.set("line", c.line).set("pppd-pid", std::to_string(c.pppdPid)).set("up-ms", ms(now - c.since));
        if (const auto* l = links.byPid(c.pppdPid)) setLinkFields(e, *l, false, now);
        out.push_back(std::move(e));
    }
    for (const auto& [index, l] : links.links()) {
        const bool onCall = l.pppdPid != 0 && std::any_of(calls.begin(), calls.end(), [&](const CallRow& c) {
                                return c.pppdPid == l.pppdPid;
                            });
        if (onCall) continue;  // shown with its call above
        Message e{"entry", {}};
        e.set("type", "link");
        setLinkFields(e, l, true, now);
        out.push_back(std::move(e));
    }
    for (const auto& [kind, n] : refusals) {
        Message e{"entry", {}};
        e.set("type", "refusals").set("kind", kind).set("count", std::to_string(n));
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace mscb::helper
