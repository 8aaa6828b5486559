#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The helper's `hangup = dtr` end to end on lines with modem signals (pstn-sim `signals`, both
# pppds with `modem crtscts`): the caller asks for callback; the helper drops DTR on modem A
# (TIOCMBIC through n_gsm); the simulator sees DTR fall and (&D2) ends the first call; no
# "+++" or ATH is sent; after the delay the helper dials back and IPCP comes up on the return
# call. `hangup = escape` stays the method for lines without modem control (the other scenarios).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
PSTN_SIGNALS=1
LINE_OPTS="modem crtscts"
HELPER_HANGUP=dtr
lab_setup
start_helper
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
# The caller's modem ignores DTR (&D0): when its pppd exits 14 and drops DTR the first call
# stays up, so only the helper's DTR drop on modem A can end it.
start_bg pppd-cli 180 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    $LINE_OPTS lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 30 '' ATZ OK 'AT&D0' OK ATDT$SRV_NUMBER CONNECT '\\c'" \
    noauth user cli remotename srv callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert "helper got the line and hangs up" wait_event helper.log 15 job-state from=WaitLine to=HangUp

PSTN_LOG=$MSCB_RESULTS/pstn.jsonl
assert "simulator: the first call ends by DTR loss on mA (&D2)" \
    wait_log pstn.jsonl '"event":"hangup","line":"mA","number":"[0-9]*","cause":"dtr-drop","call":1,' 15
assert "the caller's side of call 1 ends too (far-end)" \
    grep -q '"event":"hangup","line":"mB","number":"[0-9]*","cause":"far-end","call":1,' "$PSTN_LOG"
# The DTR fall that ended call 1: the last DTR-off on mA before that hangup, while online.
assert "simulator saw DTR fall on mA while the call was up" python3 - "$PSTN_LOG" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
end = next(i for i, e in enumerate(ev) if e["event"] == "hangup" and e.get("call") == 1)
drops = [e for e in ev[:end] if e["event"] == "dtr-drop" and e["line"] == "mA"]
falls = [e for e in ev[:end] if e["event"] == "signal" and e["line"] == "mA"
         and e["signal"] == "DTR" and e["on"] is False and e["by"] == "dte"]
sys.exit(0 if drops and drops[-1]["state"] == "online" and falls else 1)
PY
assert "no +++ escape on mA" test "$(grep -c '"event":"escape","line":"mA"' "$PSTN_LOG")" = 0
assert "no ATH/ATH0 on mA (ATH1, off hook for the delay, is no hang-up)" test "$(grep -Ec '"event":"command","line":"mA",[^}]*"text":"ATH0?"' "$PSTN_LOG")" = 0
assert "no '+++' in mA's data" test "$(grep -c '+++' "$MSCB_RESULTS/helper.log")" = 0

# Only now the caller waits for the call back (its ATZ would have ended call 1 itself).
start_bg pppd-cli-leg2 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    $LINE_OPTS lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
    noauth user cli remotename srv ifname cli0
assert "server dials the caller" wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mA\".*\"digits\":\"$CLI_NUMBER\"" 40
assert "return call connects" wait_log pstn.jsonl '"event":"connect","caller":"mA","callee":"mB"' 30
assert "same user authenticates again" wait_event pppd-srv.log 30 return-auth user=cli verdict=ok
assert "caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30
assert "ping across the return call" in_ns cli ping -c 3 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
assert_eq "DCD raised on mA for both calls" 2 \
    "$(grep -c '"event":"signal","line":"mA",[^}]*"signal":"DCD","on":true' "$PSTN_LOG")"

stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
lab_finish
