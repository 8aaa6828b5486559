#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Callback end to end with a BUSY first attempt: helper `attempts = 3`, `backoff = 2`; right after
# the first call ends the phone network refuses the next call to the caller's number (pstn-sim
# `refuse 5551234 1`), so the helper's first dial gets BUSY, it backs off, dials again, the caller's
# modem answers, the return call comes up and ping crosses it.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
BACKOFF=2
lab_setup
start_helper_cfg helper attempts=3 backoff=$BACKOFF
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert "pstn: refuse the next call to the caller" pstn_ctl refuse "$CLI_NUMBER" 1
start_leg2 pppd-cli-leg2
assert "helper got the line from the connector" wait_event helper.log 15 job-state from=WaitLine to=HangUp
assert "first dial gets BUSY (refused)" \
    wait_log pstn.jsonl '"event":"busy","line":"mA".*"reason":"refused"' 40
assert "helper backs off after BUSY" wait_event helper.log 10 job-state from=Dialing to=Backoff
assert "second attempt" wait_event helper.log 15 job-state from=DialWait to=Dialing
assert "return call connects" wait_log pstn.jsonl '"event":"connect","caller":"mA","callee":"mB"' 30
assert "same user authenticates again" wait_event pppd-srv.log 30 return-auth user=cli verdict=ok
assert "caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30
assert "ping across the return call" in_ns cli ping -c 3 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
assert_eq "exactly two callback dials" 2 "$(callback_dials)"

# The retry's ATDT is at least `backoff` after the BUSY of the first attempt.
python3 - "$MSCB_RESULTS/pstn.jsonl" "$BACKOFF" >"$MSCB_RESULTS/retry-timing.txt" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
dials = [e for e in ev if e["event"] == "dial" and e["line"] == "mA"]
busy = next(e for e in ev if e["event"] == "busy" and e["line"] == "mA" and e["call"] == dials[0]["call"])
gap = dials[1]["t"] - busy["t"]
print(f"BUSY {busy['t']:.3f}, second ATDT {dials[1]['t']:.3f}, gap {gap * 1000:.0f} ms, backoff {sys.argv[2]} s, "
      f"{'ok' if gap >= float(sys.argv[2]) else 'EARLY'}")
PY
cat "$MSCB_RESULTS/retry-timing.txt"
assert "retry not earlier than backoff after BUSY" grep -q ' ok$' "$MSCB_RESULTS/retry-timing.txt"
finish_return_call pppd-cli-leg2
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert "history: connected after 2 attempts" \
    grep -Eq "connected +user=cli number=$CLI_NUMBER .*attempts=2" "$MSCB_RESULTS/mscbctl-history.txt"
lab_finish
