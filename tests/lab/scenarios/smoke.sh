#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lab smoke test: stock pppd server (netns srv) and client (netns cli) over a pty pair, CHAP, IPCP, ping.
. "$MSCB_SRC/tests/lab/lib/lib.sh"

log "$(pppd --version 2>&1), kernel $(uname -r)"
assert "/dev/ppp exists" test -c /dev/ppp
netns_add srv cli
chap_secret cli srv smoke-secret
pty_pair srv-tty cli-tty || fail "pty pair"

# Server first and silent (pppd flushes the tty on open); lcp-restart 1 keeps a lost ConfReq cheap.
common=(nodetach debug logfd 2 local nocrtscts lcp-restart 1 nodefaultroute)
start_bg pppd-srv 60 ip netns exec srv pppd /run/lab/srv-tty "${common[@]}" silent \
    auth require-chap name srv 10.66.0.1:10.66.0.2
wait_log pppd-srv.log 'using channel' 10 >/dev/null
start_bg pppd-cli 60 ip netns exec cli pppd /run/lab/cli-tty "${common[@]}" \
    noauth user cli remotename srv noipdefault

assert "server: CHAP peer authenticated" wait_chap_ok pppd-srv.log cli 20
assert "client: IPCP up" wait_log pppd-cli.log 'local  IP address 10\.66\.0\.2' 20
assert "server: IPCP up" wait_log pppd-srv.log 'remote IP address 10\.66\.0\.2' 20
assert "cli ppp0 is 10.66.0.2 peer 10.66.0.1" grep -q 'inet 10\.66\.0\.2 peer 10\.66\.0\.1' \
    <(in_ns cli ip -4 addr show dev ppp0)
assert "ping cli -> srv" in_ns cli ping -c 3 -i 0.2 -W 2 10.66.0.1 >"$MSCB_RESULTS/ping.log" 2>&1

stop_bg pppd-cli TERM
assert_eq "client exit status after SIGTERM" 5 "$(wait_bg pppd-cli 10)"
assert_eq "server exit status after peer Terminate" 16 "$(wait_bg pppd-srv 10)"
lab_finish
