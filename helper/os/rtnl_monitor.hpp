// SPDX-License-Identifier: GPL-2.0-or-later
// libmnl rtnetlink monitor: ppp links appearing, going up, addresses, byte counters, removal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fd.hpp"
#include "link_table.hpp"

struct mnl_socket;

namespace mscb::helper {

/// Parses a buffer of rtnetlink messages (RTM_NEWLINK/DELLINK/NEWADDR/DELADDR) into events.
/// Every attribute is validated; malformed messages are skipped (counted in `malformed`).
std::vector<LinkEvent> parseRtnetlink(const void* buffer, std::size_t length, unsigned* malformed = nullptr);

/// pppd's /run/<ifname>.pid (first line: the pid); 0 if absent or malformed.
std::int32_t readPppdPid(const std::string& pidDir, const std::string& ifname);

class RtnlMonitor {
public:
    /// Binds RTMGRP_LINK | RTMGRP_IPV4_IFADDR and asks for a link and address dump.
    RtnlMonitor();
    ~RtnlMonitor();
    RtnlMonitor(const RtnlMonitor&) = delete;
    RtnlMonitor& operator=(const RtnlMonitor&) = delete;
    [[nodiscard]] int fd() const;
    /// Reads what is pending (non-blocking) and parses it.
    std::vector<LinkEvent> receive();
    /// Asks for a fresh link dump (byte counters); the answer arrives through receive().
    void requestLinkDump();

private:
    void requestDump(int type);
    ::mnl_socket* socket_ = nullptr;
    std::uint32_t seq_ = 1;
    std::vector<int> pendingDumps_;
};

}  // namespace mscb::helper
