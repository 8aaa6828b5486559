// SPDX-License-Identifier: GPL-2.0-or-later
// rtnetlink monitor with libmnl (the wireguard-tools / libmnl monitor idiom).
#include "rtnl_monitor.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

namespace mscb::helper {
namespace {

constexpr std::size_t kBufferSize = 32768;

// mnl_attr_for_each is a C macro (void* arithmetic): the same walk, typed.
template <class F>
void forEachAttr(const nlmsghdr* nlh, std::size_t offset, F f) {
    const auto* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(nlh));
    for (auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, offset));
         mnl_attr_ok(attr, static_cast<int>(tail - reinterpret_cast<const char*>(attr)));
         attr = mnl_attr_next(attr)) {
        f(attr);
    }
}

struct ParseState {
    std::vector<LinkEvent>* out;
    unsigned malformed = 0;
};

std::string ifname(const nlattr* attr) {
    const auto len = mnl_attr_get_payload_len(attr);
    const auto* p = static_cast<const char*>(mnl_attr_get_payload(attr));
    std::string name(p, strnlen(p, len));
    return name.size() < IFNAMSIZ ? name : std::string();
}

int parseLink(const nlmsghdr* nlh, ParseState& state) {
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ifinfomsg)) {
        ++state.malformed;
        return MNL_CB_OK;
    }
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    const auto index = static_cast<std::uint32_t>(ifi->ifi_index);
    if (nlh->nlmsg_type == RTM_DELLINK) {
        state.out->push_back(link::Removed{index});
        return MNL_CB_OK;
    }
    link::Update u{index, {}, (ifi->ifi_flags & IFF_UP) != 0, std::nullopt, std::nullopt, 0};
    forEachAttr(nlh, sizeof(ifinfomsg), [&](const nlattr* attr) {
        const auto type = mnl_attr_get_type(attr);
        if (type == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
            u.name = ifname(attr);
        } else if (type == IFLA_STATS64 && mnl_attr_get_payload_len(attr) >= sizeof(rtnl_link_stats64)) {
            rtnl_link_stats64 stats{};
            std::memcpy(&stats, mnl_attr_get_payload(attr), sizeof stats);
            u.rxBytes = stats.rx_bytes;
            u.txBytes = stats.tx_bytes;
        }
    });
    if (u.name.empty()) {
        ++state.malformed;
        return MNL_CB_OK;
    }
    state.out->push_back(std::move(u));
    return MNL_CB_OK;
}

int parseAddr(const nlmsghdr* nlh, ParseState& state) {
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ifaddrmsg)) {
        ++state.malformed;
        return MNL_CB_OK;
    }
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    if (ifa->ifa_family != AF_INET) return MNL_CB_OK;
    std::string address;
    forEachAttr(nlh, sizeof(ifaddrmsg), [&](const nlattr* attr) {
        if (mnl_attr_get_type(attr) == IFA_LOCAL && mnl_attr_get_payload_len(attr) == 4) {
            char text[INET_ADDRSTRLEN];
            if (::inet_ntop(AF_INET, mnl_attr_get_payload(attr), text, sizeof text)) {
                address = std::string(text) + "/" + std::to_string(ifa->ifa_prefixlen);
            }
        }
    });
    if (address.empty()) return MNL_CB_OK;
    state.out->push_back(link::Address{ifa->ifa_index, address, nlh->nlmsg_type == RTM_NEWADDR});
    return MNL_CB_OK;
}

int onMessage(const nlmsghdr* nlh, void* data) {
    auto& state = *static_cast<ParseState*>(data);
    switch (nlh->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: return parseLink(nlh, state);
    case RTM_NEWADDR:
    case RTM_DELADDR: return parseAddr(nlh, state);
    default: return MNL_CB_OK;
    }
}

}  // namespace

std::vector<LinkEvent> parseRtnetlink(const void* buffer, std::size_t length, unsigned* malformed) {
    std::vector<LinkEvent> out;
    ParseState state{&out};
    // seq/portid 0: accept multicast notifications and dump replies alike.
    const int rc = mnl_cb_run(buffer, length, 0, 0, onMessage, &state);
    if (rc < 0) ++state.malformed;
    if (malformed) *malformed = state.malformed;
    return out;
}

std::int32_t readPppdPid(const std::string& pidDir, const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos) return 0;
    const auto path = pidDir + "/" + name + ".pid";
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[32];
    const auto n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return 0;
    std::int32_t pid = 0;
    const auto [ptr, ec] = std::from_chars(buf, buf + n, pid);
    if (ec != std::errc{} || pid <= 0 || (ptr != buf + n && *ptr != '\n')) return 0;
    return pid;
}

RtnlMonitor::RtnlMonitor() : socket_(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK)) {
    if (!socket_) throwErrno("mnl_socket_open");
    if (mnl_socket_bind(socket_, RTMGRP_LINK | RTMGRP_IPV4_IFADDR, MNL_SOCKET_AUTOPID) < 0) {
        mnl_socket_close(socket_);
        throwErrno("mnl_socket_bind");
    }
    // One dump at a time on a netlink socket: the address dump follows the link dump's end.
    pendingDumps_ = {RTM_GETLINK, RTM_GETADDR};
    requestDump(RTM_GETLINK);
}

RtnlMonitor::~RtnlMonitor() {
    if (socket_) mnl_socket_close(socket_);
}

int RtnlMonitor::fd() const {
    return mnl_socket_get_fd(socket_);
}

void RtnlMonitor::requestDump(int type) {
    char buf[kBufferSize];
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = static_cast<std::uint16_t>(type);
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq_++;
    auto* gen = static_cast<rtgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtgenmsg)));
    gen->rtgen_family = type == RTM_GETADDR ? AF_INET : AF_UNSPEC;
    mnl_socket_sendto(socket_, nlh, nlh->nlmsg_len);
}

void RtnlMonitor::requestLinkDump() {
    if (pendingDumps_.empty()) {
        pendingDumps_ = {RTM_GETLINK};
        requestDump(RTM_GETLINK);
    }
}

std::vector<LinkEvent> RtnlMonitor::receive() {
    std::vector<LinkEvent> all;
    char buf[kBufferSize];
    for (;;) {
        const auto n = mnl_socket_recvfrom(socket_, buf, sizeof buf);
        if (n <= 0) break;
        auto events = parseRtnetlink(buf, static_cast<std::size_t>(n));
        all.insert(all.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
        // NLMSG_DONE ends a dump: start the next queued one.
        int remaining = static_cast<int>(n);
        for (const auto* nlh = reinterpret_cast<const nlmsghdr*>(buf); mnl_nlmsg_ok(nlh, remaining);
             nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_type == NLMSG_DONE && !pendingDumps_.empty()) {
                pendingDumps_.erase(pendingDumps_.begin());
                if (!pendingDumps_.empty()) requestDump(pendingDumps_.front());
            }
        }
    }
    return all;
}

}  // namespace mscb::helper
