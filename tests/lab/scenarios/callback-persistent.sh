#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One persistent server pppd (persist, maxfail 0, holdoff 2: the shape of the README's
# etc/ppp/peers/mscb-dialin) answers call after call: three callbacks in a row for the same
# caller, each dialled at its delay with the return call up (IPCP, ping), then a call that asks
# for no callback. The same pppd process throughout: it never exits, and the helper's loop
# guard ends with each return call (review finding: the second callback used to be refused as
# "on a callback leg" because the guard was keyed by pppd's pid). The delay counts from the
# first call's end as pppd saw it ("first call ended ... (pppd)" in the helper's log).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
ROUNDS=${1:-3}

lab_setup
start_helper_cfg helper
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR" persist maxfail 0 holdoff 2
server_pid=$(job_pid pppd-srv)
log "persistent server pppd: pid $server_pid"
delays=()
for ((r = 1; r <= ROUNDS; r++)); do
    log "--- round $r/$ROUNDS"
    start_caller pppd-cli callback "$CLI_NUMBER"
    assert "[$r] callback agreed" wait_log pppd-cli.log 'rcvd \[CBCP Ack' 40 >/dev/null
    assert_eq "[$r] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
    delays+=(5)
    start_leg2 pppd-cli-leg2
    assert "[$r] caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 40 >/dev/null
    assert "[$r] ping across the return call" in_ns cli ping -c 1 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-$r.log" 2>&1
    stop_bg pppd-cli-leg2 TERM
    wait_bg pppd-cli-leg2 15 >/dev/null
    assert "[$r] the plugin ends the return call, the helper's guard with it" \
        wait_count helper.log "return call ended \(pppd's plugin closed the return call\)" "$r" 20
    assert "[$r] the same server pppd is answering again" wait_count pppd-srv.log 'send \(ATS0=0' $((r + 1)) 20
    assert "[$r] it is the same process" kill -0 "$server_pid"
    for f in pppd-cli pppd-cli-leg2; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-$r.log"; done
done
assert_eq "one callback dial per round" "$ROUNDS" "$(callback_dials)"
assert_eq "every job connected" "$ROUNDS" "$(event_count helper.log job-state to=Connected)"
assert_eq "no callback refused as a loop" 0 "$(event_count helper.log admit-refused kind=loop)"
assert_eq "the delay counted from the first call's end each time" "$ROUNDS" \
    "$(event_count helper.log first-call-ended)"

log "--- a caller that asks for no callback, on the same pppd"
start_caller pppd-cli
assert "no-callback caller: IPCP up on the first call" wait_log pppd-cli.log "local  IP address $CLI_IP" 40 >/dev/null
stop_bg pppd-cli TERM
wait_bg pppd-cli 15 >/dev/null
assert "server pppd still alive after every call" kill -0 "$server_pid"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert_eq "mscbctl history lists every callback as connected" "$ROUNDS" \
    "$(grep -Ec "connected +user=cli number=$CLI_NUMBER " "$MSCB_RESULTS/mscbctl-history.txt")"

csv=$MSCB_RESULTS/delay-accuracy.csv
{ echo "round,delay,error_ms"; callback_timing "${delays[@]}"; } >"$csv"
cat "$csv"
while IFS=, read -r round delay err; do
    [ "$round" = round ] && continue
    assert "[$round] ATDT not earlier than end of first call + ${delay} s (error ${err} ms)" \
        bash -c "[[ '$err' =~ ^[0-9]+\$ ]]"
done <"$csv"
stop_bg pppd-srv TERM
wait_bg pppd-srv 20 >/dev/null
lab_finish
