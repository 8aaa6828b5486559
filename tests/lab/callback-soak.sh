#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak of a persistent line, the README's main setup as shipped: `pppd call mscb-dialin` with
# etc/ppp/peers/mscb-dialin (device, plugin, connector and users file substituted; its addresses
# are the lab's already), answering call after call in one pppd process:
#   1 cli: callback to its own number          5 cli: return call never answered (job fails)
#   2 cli2: callback to its preset              6 (helper restarted between calls)
#   3 cli: callback, first dial BUSY (retry)    7 cli: callback again, after the restart
#   4 a caller asking for no callback           8 cli2: callback again
# pppd never exits; every agreed callback is dialled at its delay; every answered return call
# comes up; mscbctl history lists each job with its outcome; at the end no helper chat, no
# journal file and no extra descriptor in pppd or the helper is left (counted).
. "$MSCB_SRC/tests/lab/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/callback-lib.sh"

fds() { find "/proc/$1/fd" -mindepth 1 2>/dev/null | wc -l; }

lab_setup
chap_secret cli mscb-server lab-secret
chap_secret cli2 srv lab-secret
chap_secret cli2 mscb-server lab-secret
(umask 022; mkdir -p /run/mscb-lab-users && printf 'cli user\ncli2 preset %s\n' "$CLI_NUMBER" >/run/mscb-lab-users/users)
start_helper_cfg helper attempts=2 backoff=2
sed -e "s|^/dev/ttyS0\$|$SRV_TTY|" -e "s|^plugin mscb.so\$|plugin $PLUGIN|" \
    -e "s|^mscb-users /etc/mscb/users\$|mscb-users /run/mscb-lab-users/users|" \
    -e "s|^mscb-connector /usr/sbin/mscb-connect\$|mscb-connector $CONNECTOR|" \
    "$MSCB_SRC/etc/ppp/peers/mscb-dialin" >/etc/ppp/peers/mscb-dialin
cp /etc/ppp/peers/mscb-dialin "$MSCB_RESULTS/mscb-dialin"
assert_eq "four substitutions, nothing else changed" 4 \
    "$(diff "$MSCB_SRC/etc/ppp/peers/mscb-dialin" /etc/ppp/peers/mscb-dialin | grep -c '^>')"
start_bg pppd-srv 600 ip netns exec srv pppd call mscb-dialin nodetach debug logfd 2
assert "server pppd waits for a call" wait_log pppd-srv.log 'expect \(RING\)' 15 >/dev/null
# pppd reads backslash escapes in its options files: chat must get '\c', not 'c'.
assert "the connect script sends nothing after ATS0=0 (no stray 'c')" \
    bash -c "! grep -q 'send (c^M)' '$MSCB_RESULTS/pppd-srv.log'"
server=$(job_pid pppd-srv)

answers=1  # the server's connect script has waited for RING this many times
next_call() {  # next_call DESC: the server is back waiting for a call, same process
    answers=$((answers + 1))
    assert "$1: the same pppd waits for the next call" wait_count pppd-srv.log 'expect \(RING\)' "$answers" 30
    assert "$1: pppd $server still alive" kill -0 "$server"
}
leg2() { # leg2 NAME USER: the caller waiting for the call back
    start_bg "$1" 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
        local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
        connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
        noauth user "$2" remotename srv
}
callback_round() { # callback_round N USER [busy]: a callback that connects
    local n=$1 user=$2
    log "--- call $n: $user asks for callback${3:+, first dial busy}"
    start_caller "cli-$n" callback "$CLI_NUMBER" user "$user"
    assert_eq "[$n] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg "cli-$n" 40)"
    [ "${3:-}" = busy ] && assert "[$n] pstn: the next call to the caller is busy" pstn_ctl refuse "$CLI_NUMBER" 1
    leg2 "cli-$n-leg2" "$user"
    assert "[$n] return call: IPCP up" wait_log "cli-$n-leg2.log" "local  IP address $CLI_IP" 60 >/dev/null
    assert "[$n] ping across the return call" in_ns cli ping -c 1 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-$n.log" 2>&1
    stop_bg "cli-$n-leg2" TERM
    wait_bg "cli-$n-leg2" 15 >/dev/null
    next_call "[$n]"
}

callback_round 1 cli
fds_after_first=$(fds "$server")
callback_round 2 cli2
callback_round 3 cli busy

log "--- call 4: no callback"
start_caller cli-4 user cli
assert "[4] IPCP up on the first call" wait_log cli-4.log "local  IP address $CLI_IP" 40 >/dev/null
stop_bg cli-4 TERM
wait_bg cli-4 15 >/dev/null
next_call "[4]"

log "--- call 5: the return call is never answered"
start_caller cli-5 callback "$CLI_NUMBER" user cli
assert_eq "[5] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg cli-5 40)"
assert "[5] the job fails after its attempts" wait_count helper.log 'job failed' 1 90
next_call "[5]"

log "--- helper restart between calls"
stop_bg helper TERM
wait_bg helper 15 >/dev/null
mv "$MSCB_RESULTS/helper.log" "$MSCB_RESULTS/helper-1.log"
restart_helper helper
callback_round 7 cli
callback_round 8 cli2

assert_eq "every agreed callback dialled (calls 1, 2, 3 twice, 5 twice, 7, 8)" 8 "$(callback_dials)"
assert_eq "pppd never exited" "" "$(cat "$LAB_RUN/jobs/pppd-srv.rc" 2>/dev/null)"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert_eq "history after the restart: calls 7 and 8 connected" 2 \
    "$(grep -Ec 'connected +user=cli2? ' "$MSCB_RESULTS/mscbctl-history.txt")"
cat "$MSCB_RESULTS/helper-1.log" "$MSCB_RESULTS/helper.log" >"$MSCB_RESULTS/helper-all.log"
assert_eq "before the restart: three jobs connected, one failed" "3 1" \
    "$(grep -c 'job connected' "$MSCB_RESULTS/helper-1.log") $(grep -c 'job failed' "$MSCB_RESULTS/helper-1.log")"
assert_eq "no callback refused as a loop" 0 "$(grep -c 'no callback loops' "$MSCB_RESULTS/helper-all.log")"
# (pppd's own connect script is a chat too, waiting for the next RING: only the helper's count)
assert_eq "no chat process of the helper left" 0 "$(pgrep -xc -P "$(job_pid helper)" chat)"
assert_eq "no journal file left" 0 "$(find /run/mscb-journal -type f | wc -l)"
assert_eq "pppd holds as many descriptors as after the first callback" "$fds_after_first" "$(fds "$server")"
log "descriptors: pppd $(fds "$server") (after call 1: $fds_after_first), helper $(fds "$(job_pid helper)")"
stop_bg pppd-srv TERM
wait_bg pppd-srv 20 >/dev/null
lab_finish
