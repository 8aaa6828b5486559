// SPDX-License-Identifier: GPL-2.0-or-later
// Which way mscb hooks the pppd it was loaded into, decided once in plugin_init from what that
// pppd has (doc/pppd-hooks.md §1 and §8): the glue looks the symbols up, this decides.
#pragma once

#include <string>

namespace mscb::core {

/// What the glue found in the running pppd (dlsym and a look at its protocol table).
struct PppdFacts {
    bool cbcpProtent = false;     // cbcp_protent: pppd built with CBCP (Debian: --enable-cbcp)
    bool protocolTable = false;   // protocols[]: the table get_input dispatches over
    bool spareEcpEntry = false;   // an ECP entry in it with no input and no open (pppd's stub)
    bool ncpOpensFit = false;     // the table's NCP opens fit the glue's wrappers
    bool startNetworks = false;   // start_networks: the CBCP path's "no callback" continues there
    bool callbackScript = false;  // callback_script, do_callback, doing_callback, persist:
    bool doCallback = false;      //   the return call in the same pppd (CALLBACK_DIALOUT)
    bool doingCallback = false;
    bool persist = false;
};

enum class HookPath {
    None,           // this pppd cannot be served: `missing` names what it lacks
    CbcpSlot,       // take over pppd's own CBCP protent (CBCP compiled in)
    ProtocolTable,  // carry 0xc029 in pppd's protocol table, hold the NCPs (CBCP compiled out)
};

struct HookChoice {
    HookPath path = HookPath::None;
    std::string missing;   // None: one sentence naming what is missing
    std::string logLine;   // otherwise: the one line the plugin logs about its choice
};

/// CBCP compiled in: its slot (the path of every Debian pppd). Without it: the protocol table.
HookChoice choosePppdHooks(const PppdFacts& facts, const std::string& pppdVersion);

}  // namespace mscb::core
