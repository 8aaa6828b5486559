#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault (d): the helper is killed (SIGKILL) mid-dial, while chat waits for CONNECT (the caller's
# phone rings and nobody is there yet), then restarted with the same configuration.
# Defined outcome: the new helper resumes the job from its journal (or fails it cleanly), the
# outcome is logged and in `mscbctl history`; mA never has two calls at once (no dial while a
# previous dial from mA is still ringing or up); no chat of the dead helper is left talking to the
# modem once the new helper dials; the return call comes up (the caller answers after the restart).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
lab_setup
start_helper_cfg helper attempts=3 backoff=2
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
job=$(accepted_job)
log "job $job (the caller is not answering yet: its modem port is closed, the call rings in the network)"
assert "helper dials" wait_log pstn.jsonl '"event":"dial","line":"mA"' 30
sleep 1
ps -eo pid,ppid,args >"$MSCB_RESULTS/ps-before-kill.txt"
assert "the helper's chat is dialling" grep -Eq '^ *[0-9]+ +[0-9]+ /usr/sbin/chat -v -s -S .*-dial-' "$MSCB_RESULTS/ps-before-kill.txt"
stop_bg helper KILL
wait_bg helper 10 >/dev/null
sleep 0.3
ps -eo pid,ppid,args >"$MSCB_RESULTS/ps-after-kill.txt"
orphan=$(grep -E '^ *[0-9]+ +[0-9]+ /usr/sbin/chat -v -s -S ' "$MSCB_RESULTS/ps-after-kill.txt" | awk '{print $1}')
log "chat after the helper's death: ${orphan:-none}"
assert "the dead helper's chat does not outlive it (no orphan dialler on the modem)" test -z "$orphan"
assert "journal kept for $job" test -e "/run/mscb-journal/$job"
start_leg2 pppd-cli-leg2
restart_helper helper2
assert "new helper resumed (or failed) $job from its journal, logged" \
    wait_event helper2.log 10 job-resumed job="$job"
assert "job outcome logged" wait_event helper2.log 90 job-state job="$job" to="Connected|Failed"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
cat "$MSCB_RESULTS/mscbctl-history.txt"
assert "history has the outcome" grep -Eq "^$job +(connected|failed) " "$MSCB_RESULTS/mscbctl-history.txt"
# mA never dials while a previous call of mA is still set up (ringing or connected).
python3 - "$MSCB_RESULTS/pstn.jsonl" >"$MSCB_RESULTS/overlap.txt" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
open_calls, bad = set(), 0
for e in ev:
    if e["event"] == "dial" and e.get("line") == "mA":
        if open_calls:
            bad += 1
            print(f"dial at {e['mono']:.3f} (call {e.get('call')}) while call(s) {sorted(open_calls)} still up")
        open_calls.add(e.get("call"))
    elif e["event"] in ("hangup", "no-answer", "busy", "no-carrier") and e.get("call") in open_calls:
        open_calls.discard(e.get("call"))
print(f"overlapping dials: {bad}")
PY
cat "$MSCB_RESULTS/overlap.txt"
assert "never two calls from mA at once" grep -q '^overlapping dials: 0$' "$MSCB_RESULTS/overlap.txt"
if [ "$(event_count helper2.log job-state job="$job" to=Connected)" -gt 0 ]; then
    assert "return call: caller IPCP up" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30
    finish_return_call pppd-cli-leg2
fi
lab_finish
