// SPDX-License-Identifier: GPL-2.0-or-later
#include "mscb/core/pppd_hooks.hpp"

#include <utility>
#include <vector>

namespace mscb::core {
namespace {

std::string quotedList(const std::vector<const char*>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
        out += std::string("'") + names[i] + "'";
    }
    return out;
}

HookChoice refuse(std::string sentence) {
    HookChoice choice;
    choice.missing = std::move(sentence);
    return choice;
}

}  // namespace

HookChoice choosePppdHooks(const PppdFacts& f, const std::string& pppdVersion) {
    const std::string thisPppd = "this pppd (" + pppdVersion + ")";
    // Needed on both paths: the return call runs through pppd's CALLBACK_DIALOUT iteration.
    std::vector<const char*> absent;
    if (!f.callbackScript) absent.push_back("callback_script");
    if (!f.doCallback) absent.push_back("do_callback");
    if (!f.doingCallback) absent.push_back("doing_callback");
    if (!f.persist) absent.push_back("persist");
    if (f.cbcpProtent && !f.startNetworks) absent.push_back("start_networks");
    if (!absent.empty()) {
        return refuse(thisPppd + " has no " + quotedList(absent) + "; mscb needs " +
                      (absent.size() == 1 ? "it" : "them") + " to run the callback");
    }
    HookChoice choice;
    if (f.cbcpProtent) {
        choice.path = HookPath::CbcpSlot;
        choice.logLine = "pppd " + pppdVersion + " has CBCP compiled in: mscb takes over its 'cbcp_protent' slot";
        return choice;
    }
    if (!f.protocolTable) {
        return refuse(thisPppd + " has neither 'cbcp_protent' nor a 'protocols' table; mscb cannot receive CBCP (0xc029) in it");
    }
    if (!f.spareEcpEntry) {
        return refuse(thisPppd + " has no 'cbcp_protent' and no unimplemented ECP entry in 'protocols' to carry CBCP (0xc029); mscb cannot receive CBCP in it");
    }
    if (!f.ncpOpensFit) {
        return refuse(thisPppd + " has more network protocols in 'protocols' than mscb can hold back during the callback exchange");
    }
    choice.path = HookPath::ProtocolTable;
    choice.logLine = "pppd " + pppdVersion + " has no CBCP compiled in: mscb carries CBCP (0xc029) in the "
                     "'protocols' table (in ECP's unused entry) and holds the network protocols until the exchange ends";
    return choice;
}

}  // namespace mscb::core
