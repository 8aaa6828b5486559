// SPDX-License-Identifier: GPL-2.0-or-later
// The ppp link table fed by the rtnetlink monitor.
#include "link_table.hpp"

#include <algorithm>

namespace mscb::helper {

std::optional<LinkInfo> LinkTable::apply(const LinkEvent& event, TimePoint now) {
    if (const auto* u = std::get_if<link::Update>(&event)) {
        if (u->name.rfind("ppp", 0) != 0) {
            links_.erase(u->index);  // renamed away from ppp*, or never one
            return std::nullopt;
        }
        auto [it, fresh] = links_.try_emplace(u->index);
        auto& l = it->second;
        if (fresh) {
            l.index = u->index;
            l.since = now;
        }
        l.name = u->name;
        l.up = u->up;
        if (u->rxBytes) l.rxBytes = *u->rxBytes;
        if (u->txBytes) l.txBytes = *u->txBytes;
        if (u->pppdPid) l.pppdPid = u->pppdPid;
        return std::nullopt;
    }
    if (const auto* r = std::get_if<link::Removed>(&event)) {
        const auto it = links_.find(r->index);
        if (it == links_.end()) return std::nullopt;
        LinkInfo gone = it->second;
        links_.erase(it);
        return gone;
    }
    const auto& a = std::get<link::Address>(event);
    const auto it = links_.find(a.index);
    if (it == links_.end()) return std::nullopt;
    auto& list = it->second.addresses;
    const auto found = std::find(list.begin(), list.end(), a.address);
    if (a.added && found == list.end() && list.size() < 8) {
        list.push_back(a.address);
    } else if (!a.added && found != list.end()) {
        list.erase(found);
    }
    return std::nullopt;
}

const LinkInfo* LinkTable::byPid(std::int32_t pid) const {
    for (const auto& [index, l] : links_) {
        if (pid != 0 && l.pppdPid == pid) return &l;
    }
    return nullptr;
}

}  // namespace mscb::helper
