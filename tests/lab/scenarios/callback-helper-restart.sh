#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The helper dies while a callback job waits out its delay (OffHook/Delay, `mscb-delay-min 12`) and
# is restarted with the same configuration: mscb-connect reconnects and hands the line over again,
# the new helper resumes the job from its journal (/run/mscb-journal, a tmpfs that survives) with
# the old deadline, dials exactly once, the return call comes up and ping crosses it.
# Round 1 kills the helper with SIGKILL, round 2 stops it with SIGTERM (job suspended, journal kept).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
DELAY=12
lab_setup
start_helper_cfg helper
cur=helper n=1
for sig in KILL TERM; do
    log "--- round $n: helper gets SIG$sig during the delay"
    dials_before=$(callback_dials)
    SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR" mscb-delay-min "$DELAY"
    start_caller pppd-cli callback "$CLI_NUMBER"
    assert "[$sig] callback agreed, delay raised to $DELAY s" \
        wait_event pppd-srv.log 30 agreed type=user number="$CLI_NUMBER" delay="$DELAY"
    assert_eq "[$sig] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
    start_leg2 "pppd-cli-leg2-$n"
    job=$(wait_event pppd-srv.log 10 handed >/dev/null && event_field pppd-srv.log job handed)
    log "job $job"
    assert "[$sig] job $job waits out the delay" wait_event "$cur.log" 20 job-state job="$job" to=Delay
    mscbctl status >"$MSCB_RESULTS/mscbctl-status-before-$sig.txt" 2>&1
    assert "[$sig] mscbctl: job $job in Delay" grep -Eq "^job $job +Delay " "$MSCB_RESULTS/mscbctl-status-before-$sig.txt"
    assert "[$sig] journal file for $job" test -e "/run/mscb-journal/$job"
    stop_bg "$cur" "$sig"
    rc=$(wait_bg "$cur" 10)
    log "$cur exit status $rc"
    assert "[$sig] journal survives the helper" test -e "/run/mscb-journal/$job"
    n=$((n + 1)) cur=helper$n
    restart_helper "$cur"
    assert "[$sig] new helper resumed $job from its journal" wait_event "$cur.log" 10 job-resumed job="$job" was='OffHook|Delay'
    assert "[$sig] connector hands the line over again" wait_event pppd-srv.log 5 connector job="$job" result=lost
    assert "[$sig] return call connects" wait_event "$cur.log" 40 job-state job="$job" to=Connected
    assert "[$sig] same user authenticates again" wait_event pppd-srv.log 30 return-auth user=cli verdict=ok
    assert "[$sig] caller: IPCP up on the return call" wait_log "pppd-cli-leg2-$((n - 1)).log" "local  IP address $CLI_IP" 30
    assert "[$sig] ping across the return call" in_ns cli ping -c 3 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-$sig.log" 2>&1
    assert_eq "[$sig] exactly one callback dialled" 1 "$(( $(callback_dials) - dials_before ))"
    assert "[$sig] journal removed after the job" bash -c "! test -e /run/mscb-journal/$job"
    finish_return_call "pppd-cli-leg2-$((n - 1))"
    mscbctl history >"$MSCB_RESULTS/mscbctl-history-$sig.txt" 2>&1
    assert "[$sig] history: $job connected" grep -Eq "^$job +connected +user=cli number=$CLI_NUMBER " \
        "$MSCB_RESULTS/mscbctl-history-$sig.txt"
    for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-$sig.log"; done
done

# The resumed jobs kept their deadline: ATDT at (end of first call + delay), not a delay later.
callback_timing "$DELAY" "$DELAY" >"$MSCB_RESULTS/delay-accuracy.csv"
cat "$MSCB_RESULTS/delay-accuracy.csv"
n=1
for sig in KILL TERM; do
    err=$(awk -F, -v r=$n '$1 == r { print $3 }' "$MSCB_RESULTS/delay-accuracy.csv")
    assert "[$sig] ATDT at the old deadline (error ${err} ms, want 0..2000)" \
        bash -c "[[ '$err' =~ ^[0-9]+\$ ]] && [ '$err' -le 2000 ]"
    n=$((n + 1))
done
lab_finish
