#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, scenario 4: whoever answers the callback number must authenticate as the user who
# asked for the callback. Here the return call authenticates as another (valid) user: it is
# disconnected before the network phase and logged as a security event.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
chap_secret mallory srv other-secret
start_helper
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert_eq "first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
start_bg pppd-cli-leg2 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
    noauth user mallory remotename srv
assert "return call connects" wait_log pstn.jsonl '"event":"connect","caller":"mA","callee":"mB"' 40
assert "CHAP itself succeeds for mallory" wait_chap_ok pppd-srv.log mallory 20
assert "security event logged" \
    wait_event pppd-srv.log 10 return-auth user=mallory expected=cli verdict=refused
assert "refused as the wrong user" wait_event pppd-srv.log 10 refused user=mallory kind=wrong-user
assert "server terminates the return call" wait_log pppd-srv.log 'sent \[LCP TermReq' 10
wait_bg pppd-cli-leg2 30 >/dev/null
wait_bg pppd-srv 30 >/dev/null
assert "return call never reached IPCP (server)" no_ipcp pppd-srv.log
assert "return call never reached IPCP (answerer)" no_ipcp pppd-cli-leg2.log
lab_finish
