// SPDX-License-Identifier: GPL-2.0-or-later
// The JobManager's part of the event hooks (core/event_hooks.hpp): a plugin's notice, and the
// return call's interface as rtnetlink shows it (call-up, and the facts call-down carries).
// The other hook events are raised where the JobManager decides them (job_manager.cpp).
#include "job_manager.hpp"

namespace mscb::helper {

void JobManager::onNotice(Conn& c, const Message& m) {
    auto notice = noticeFromMessage(m);
    if (!notice) {
        log(LogLevel::Warning, {}, "notice ignored: " + notice.reason());
        return;
    }
    log(LogLevel::Info, {}, "plugin: " + notice->event + " user '" + escapeForLog(notice->user) + "' line " +
                                notice->line + ": " + notice->reason + (notice->detail.empty() ? "" : ": " + notice->detail));
    ports_.hookEvent(refusedEvent(c.session, notice->user, notice->line, {}, notice->reason, notice->detail));
}

void JobManager::hookLink(const std::optional<LinkInfo>& gone) {
    for (auto& [session, call] : calls_) {
        if (gone && gone->pppdPid != 0 && gone->pppdPid == call.pppdPid) {
            call.facts.rxBytes = gone->rxBytes;  // its last counters
            call.facts.txBytes = gone->txBytes;
        }
        const auto* l = links_.byPid(call.pppdPid);
        if (!l) continue;
        call.facts.interface = l->name;
        call.facts.rxBytes = l->rxBytes;
        call.facts.txBytes = l->txBytes;
        std::string addresses;
        for (const auto& a : l->addresses) addresses += (addresses.empty() ? "" : ",") + a;
        call.facts.address = addresses;
        // Up with its IPv4 address: IPCP has opened, the caller has a working call. (pppd sets
        // IFF_UP before the address reaches rtnetlink, so "up" alone would come too early.)
        if (!call.announced && l->up && !l->addresses.empty()) {
            call.announced = true;
            ports_.hookEvent(callUpEvent(call.facts));
        }
    }
}

void JobManager::logLinkChange(const LinkEvent& event) {
    if (const auto* u = std::get_if<link::Update>(&event)) {
        const auto it = links_.links().find(u->index);
        if (u->name.rfind("ppp", 0) == 0 &&
            (it == links_.links().end() || it->second.up != u->up || (u->pppdPid && it->second.pppdPid != u->pppdPid))) {
            log(LogLevel::Debug, {}, "link " + u->name + " index " + std::to_string(u->index) +
                                         (u->up ? " up" : " down") + " pppd " + std::to_string(u->pppdPid));
        }
    } else if (const auto* a = std::get_if<link::Address>(&event)) {
        log(LogLevel::Debug, {}, "link index " + std::to_string(a->index) + (a->added ? " address " : " address gone ") +
                                     a->address + (links_.links().count(a->index) ? "" : " (unknown link)"));
    }
}

}  // namespace mscb::helper
