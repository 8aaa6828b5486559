#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault (f): the wall clock jumps during the callback delay (`date -s '+1 hour'`, then in a second
# round `date -s '-1 hour'`), 3 s into a 15 s delay (mscb-delay-min 15).
# Defined outcome: the helper times the delay on CLOCK_BOOTTIME, so the dial happens 15 s after the
# first call ended on the monotonic clock (pstn-sim's `mono`): not early, not an hour late
# (accepted error 0..2000 ms); the return call comes up.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
DELAY=15
lab_setup
start_helper_cfg helper
n=0
for jump in '+1 hour' '-1 hour'; do
    n=$((n + 1))
    log "--- round $n: clock jump $jump during the delay"
    SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR" mscb-delay-min "$DELAY"
    start_caller pppd-cli callback "$CLI_NUMBER"
    assert "[$n] callback agreed, delay $DELAY s" wait_event pppd-srv.log 30 agreed type=user number="$CLI_NUMBER" delay="$DELAY"
    assert_eq "[$n] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
    start_leg2 "pppd-cli-leg2-$n"
    job=$(wait_event pppd-srv.log 10 handed >/dev/null && event_field pppd-srv.log job handed)
    assert "[$n] helper waits out the delay (job $job)" wait_event helper.log 20 job-state job="$job" to=Delay
    sleep 3
    before=$(date +%s)
    date -s "$jump" >/dev/null
    log "[$n] clock: $before -> $(date +%s) ($jump)"
    assert "[$n] return call connects" wait_event helper.log 60 job-state job="$job" to=Connected
    assert "[$n] caller: IPCP up" wait_log "pppd-cli-leg2-$n.log" "local  IP address $CLI_IP" 30
    finish_return_call "pppd-cli-leg2-$n"
    for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-$n.log"; done
done
# Error per round on the monotonic clock: ATDT(mA) - (end of the caller's first call + DELAY).
python3 - "$MSCB_RESULTS/pstn.jsonl" "$DELAY" >"$MSCB_RESULTS/delay-accuracy.csv" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
delay = float(sys.argv[2])
firsts = [e for e in ev if e["event"] == "dial" and e["line"] == "mB"]
for i, first in enumerate(firsts, 1):
    end = min((e["mono"] for e in ev if e["event"] == "hangup" and e.get("call") == first["call"]), default=None)
    dial = next((e for e in ev if e["event"] == "dial" and e["line"] == "mA" and e["mono"] > first["mono"]), None)
    print(f"{i},{'none' if end is None or dial is None else round((dial['mono'] - end - delay) * 1000)}")
PY
cat "$MSCB_RESULTS/delay-accuracy.csv"
for n in 1 2; do
    err=$(awk -F, -v r=$n '$1 == r { print $2 }' "$MSCB_RESULTS/delay-accuracy.csv")
    assert "[$n] delay honoured on the monotonic clock (error ${err} ms, want 0..2000)" \
        bash -c "[[ '$err' =~ ^[0-9]+\$ ]] && [ '$err' -le 2000 ]"
done
lab_finish
