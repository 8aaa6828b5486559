#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Callback end to end (issue 4, scenario 1): the stock client asks for callback with its own
# number; the first call ends with status 14; pppd stays alive and runs mscb-connect, the
# helper hangs up, keeps the modem off-hook during the delay, re-dials; the caller's modem
# auto-answers; the same user authenticates again; IPCP comes up; ping crosses the link.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
HELPER_MONITORS=1 start_helper  # rtnetlink: mscbctl shows the return call's interface
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"

# The caller now waits for the call back (README.cbcp of pppd): its modem auto-answers.
start_bg pppd-cli-leg2 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
    noauth user cli remotename srv ifname cli0  # its own pid file: not /run/ppp0.pid, the server's
assert "helper got the line from the connector" wait_event helper.log 15 job-state from=WaitLine to=HangUp
sleep 1
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status-during-delay.txt" 2>&1
"$MSCBCTL" --socket "$HELPER_SOCKET" --json status >"$MSCB_RESULTS/mscbctl-status-during-delay.json" 2>&1
assert "mscbctl shows the pending job with its countdown" \
    grep -Eq "user=cli number=$CLI_NUMBER" "$MSCB_RESULTS/mscbctl-status-during-delay.txt"

assert "server dials the caller" wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mA\".*\"digits\":\"$CLI_NUMBER\"" 40
assert "return call connects" wait_log pstn.jsonl '"event":"connect","caller":"mA","callee":"mB"' 30
assert "same user authenticates again" wait_event pppd-srv.log 30 return-auth user=cli verdict=ok
assert "no callback offered on the return call" bash -c "! grep -q 'sent \[CBCP Request' <(sed -n '/return call/,\$p' '$MSCB_RESULTS/pppd-srv.log')"
assert "caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30
assert "ping across the return call" in_ns cli ping -c 3 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status-connected.txt" 2>&1
cat "$MSCB_RESULTS/mscbctl-status-connected.txt"
assert "mscbctl shows the active return call with its interface and address (rtnetlink)" \
    grep -Eq "^call .*user=cli .*if=ppp[0-9]+ addr=$SRV_IP" "$MSCB_RESULTS/mscbctl-status-connected.txt"
assert_eq "exactly one callback dialled" 1 "$(grep -c '"event":"dial","line":"mA"' "$MSCB_RESULTS/pstn.jsonl")"

# Delay accuracy: ATDT on the simulator's log minus (end of the first call + agreed delay).
python3 - "$MSCB_RESULTS/pstn.jsonl" 5 >"$MSCB_RESULTS/delay-accuracy.txt" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
delay = float(sys.argv[2])
first_end = next(e["t"] for e in events if e["event"] == "hangup" and e.get("call") == 1)
dial = next(e["t"] for e in events if e["event"] == "dial" and e["line"] == "mA")
print(f"first call ended {first_end:.3f}, ATDT {dial:.3f}, delay {delay:.0f} s, "
      f"error {(dial - first_end - delay) * 1000:.0f} ms")
PY
cat "$MSCB_RESULTS/delay-accuracy.txt"
assert "ATDT not earlier than end of first call + delay" \
    grep -Eq 'error [0-9]+ ms' "$MSCB_RESULTS/delay-accuracy.txt"

stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
"$MSCBCTL" --socket "$HELPER_SOCKET" history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
lab_finish
