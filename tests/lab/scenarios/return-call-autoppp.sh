#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The full callback when pppd was started the way mgetty's AutoPPP starts it (pppd on stdin, no
# device argument, no lock, never drops DTR), with etc/ppp/options.mgetty-autoppp as shipped
# (plugin, users file and connector substituted; the addresses, the server's CHAP name and the
# lab's logging on the command line, as login.config could add them): the helper must hang the
# first call up itself before the delay, and the return call runs in the same pppd.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
start_helper
(umask 022; mkdir -p /run/mscb-lab-users && printf 'cli user\n' >/run/mscb-lab-users/users)
autoppp_options /run/mscb-lab-users/users
start_bg pppd-srv 240 ip netns exec srv "$MSCB_SRC/tests/lab/lib/mgetty-like" "$SRV_TTY" \
    file /etc/ppp/options.mgetty-autoppp name srv "$SRV_IP:$CLI_IP" debug logfd 2
wait_log pppd-srv.log 'ATS0=0' 10 >/dev/null
start_caller pppd-cli callback "$CLI_NUMBER"
assert "server pppd runs on stdin" wait_log pppd-srv.log 'Using interface ppp|using channel' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
start_bg pppd-cli-leg2 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
    noauth user cli remotename srv
assert "helper got the stdin line" wait_event helper.log 20 job-state from=WaitLine to=HangUp
assert "server dials the caller" wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mA\".*\"digits\":\"$CLI_NUMBER\"" 40
assert "same user authenticates again" wait_event pppd-srv.log 40 return-auth user=cli verdict=ok
assert "caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30
assert "ping across the return call" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
lab_finish
