#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A return call from another modem of a pool: the shipped persistent line (`pppd call
# mscb-dialin` on modem mA) agrees a callback with cli; the helper dials it back from pool modem
# mP (helper.conf `pool = yes`) and runs the return call's pppd there with etc/ppp/options.mscb-return
# as shipped (plugin substituted; `debug` and a `logfile` appended, as the helper's command line
# has no room for the lab's logging). Meanwhile mA is free at once: cli2 calls in on it during the delay
# and stays connected while the return call runs on mP. When the return call ends, nothing of
# the job is left and mA's pppd is the same process. (The pool's fallback to the answering line
# when every pool modem is busy is a unit test: APoolJob.ABusyPoolLeavesTheAnsweringLineToDial.)
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"

POOL_NUMBER=5550009
CLI2_NUMBER=5552345
PSTN_EXTRA_LINES="mP=$POOL_NUMBER mC=$CLI2_NUMBER"
RETURN_IP=10.66.0.3

lab_setup
netns_add cli2
POOL_TTY=$(pstn_tty mP)
CLI2_TTY=$(pstn_tty mC)
assert "pstn: pool modem mP and caller modem mC" test -n "$POOL_TTY" -a -n "$CLI2_TTY" || lab_finish
chap_secret cli mscb-server lab-secret
chap_secret cli2 srv lab-secret
chap_secret cli2 mscb-server lab-secret
# A 12 s delay leaves room for cli2's whole call setup on mA before mP dials.
(umask 022; mkdir -p /run/mscb-lab-users && printf 'cli user delay-min=12\ncli2 none\n' >/run/mscb-lab-users/users)

# The return call's options as shipped, with the lab's plugin.
mkdir -p /run/mscb-lab && chmod 0700 /run/mscb-lab
sed -e "s|^plugin mscb.so\$|plugin $PLUGIN|" "$MSCB_SRC/etc/ppp/options.mscb-return" >/run/mscb-lab/options.return
assert_eq "return options: one substitution, nothing else changed" 1 \
    "$(diff "$MSCB_SRC/etc/ppp/options.mscb-return" /run/mscb-lab/options.return | grep -c '^>')"
printf 'debug\nlogfile %s\n' "$MSCB_RESULTS/pppd-pool.log" >>/run/mscb-lab/options.return
cp /run/mscb-lab/options.return "$MSCB_RESULTS/options.return"

HELPER_EXTRA_CONF="[modem mP]
device = $POOL_TTY
pool = yes
hangup = escape
dial-prefix = T"
start_helper_cfg helper return-options=/run/mscb-lab/options.return
assert "helper.conf has the pool modem" grep -q '^pool = yes' "$MSCB_RESULTS/helper.conf"
start_shipped_dialin /run/mscb-lab-users/users
server=$SERVER_PID

log "--- cli asks for callback on mA; the pool modem mP calls back"
start_caller pppd-cli callback "$CLI_NUMBER"
assert_eq "cli's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 40)"
job=$(wait_event pppd-srv.log 10 handed user=cli dial-line="$POOL_TTY" >/dev/null &&
      event_field pppd-srv.log job handed user=cli)
assert "the job is handed to the helper, dialled from mP" test -n "$job"
assert "helper: the job dials from pool modem mP" \
    wait_event helper.log 10 job-accepted job="$job" modem=mP dial-line="$POOL_TTY"
assert "helper: the pool modem is hung up first (no connector needed)" \
    wait_event helper.log 10 job-state job="$job" from=WaitLine to=HangUp
start_leg2 pppd-cli-leg2 120
next_call "[mA free]"
assert "pppd on mA never ran the connector" bash -c "! grep -q 'mscb-connect' '$MSCB_RESULTS/pppd-srv.log'"
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status-delay.txt" 2>&1
assert "mscbctl: the job dials from mP" \
    grep -Eq "^job $job .* line=$SRV_TTY dial=$POOL_TTY \(mP\)" "$MSCB_RESULTS/mscbctl-status-delay.txt"

log "--- cli2 calls in on mA during the delay (no callback for cli2)"
start_bg pppd-cli2 180 ip netns exec cli2 pppd "$CLI2_TTY" 115200 nodetach debug logfd 2 \
    $LINE_OPTS lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 30 '' ATZ OK ATDT$SRV_NUMBER CONNECT '\\c'" \
    noauth user cli2 remotename srv
assert "cli2 is answered on mA while the callback is pending" \
    wait_log pppd-cli2.log "local  IP address $CLI_IP" 30
assert "the callback is still pending then (not yet dialled)" \
    test "$(pstn_count '"event":"dial","line":"mP"')" = 0

log "--- the return call on mP"
assert "mP dials cli" wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mP\".*\"digits\":\"$CLI_NUMBER\"" 40
assert "helper: CONNECT on mP" wait_event helper.log 30 job-state job="$job" to=Connected
assert "the return call's pppd authenticates cli again (same-user rule)" \
    wait_event pppd-pool.log 30 return-auth user=cli expected=cli verdict=ok
assert "cli: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $RETURN_IP" 30
assert "ping across the return call (mP)" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-pool.log" 2>&1
assert "ping across cli2's call (mA) at the same time" \
    in_ns cli2 ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-cli2.log" 2>&1
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status-call.txt" 2>&1
assert "mscbctl: the return call runs on mP" \
    grep -Eq "^call $job .* line=$POOL_TTY " "$MSCB_RESULTS/mscbctl-status-call.txt"
assert "no chat, no journal left for the job" test ! -e "/run/mscb-journal/$job"

log "--- the return call ends: the pool modem is free again"
stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
assert "helper: the return call's pppd exited" wait_log helper.log "return call's pppd [0-9]+ exited" 20
stop_bg pppd-cli2 TERM
wait_bg pppd-cli2 15 >/dev/null
next_call "[after cli2]"
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status-end.txt" 2>&1
assert "mscbctl: no job and no call left" bash -c "! grep -Eq '^(job|call) ' '$MSCB_RESULTS/mscbctl-status-end.txt'"
assert "pppd on mA is the same process all along" kill -0 "$server"
stop_bg pppd-srv TERM
wait_bg pppd-srv 20 >/dev/null
lab_finish
