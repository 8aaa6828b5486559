// SPDX-License-Identifier: GPL-2.0-or-later
// What rtnetlink told us about ppp links, as value types (the libmnl parser lives in os/).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "time.hpp"

namespace mscb::helper {

struct LinkInfo {
    std::uint32_t index = 0;
    std::string name;
    bool up = false;
    std::vector<std::string> addresses;  ///< IPv4, dotted quad, with /prefix
    std::uint64_t rxBytes = 0, txBytes = 0;
    std::int32_t pppdPid = 0;  ///< from pppd's /run/<ifname>.pid, 0 if unknown
    TimePoint since{0};
};

namespace link {
struct Update {  ///< RTM_NEWLINK
    std::uint32_t index;
    std::string name;
    bool up;
    std::optional<std::uint64_t> rxBytes, txBytes;
    std::int32_t pppdPid = 0;
};
struct Removed {  ///< RTM_DELLINK
    std::uint32_t index;
};
struct Address {  ///< RTM_NEWADDR / RTM_DELADDR
    std::uint32_t index;
    std::string address;
    bool added;
};
}  // namespace link
using LinkEvent = std::variant<link::Update, link::Removed, link::Address>;

/// ppp* links by interface index. Non-ppp names are ignored.
class LinkTable {
public:
    /// Applies an event; returns the link that went away for a Removed.
    std::optional<LinkInfo> apply(const LinkEvent& event, TimePoint now);
    [[nodiscard]] const LinkInfo* byPid(std::int32_t pid) const;
    [[nodiscard]] const std::map<std::uint32_t, LinkInfo>& links() const { return links_; }

private:
    std::map<std::uint32_t, LinkInfo> links_;
};

}  // namespace mscb::helper
