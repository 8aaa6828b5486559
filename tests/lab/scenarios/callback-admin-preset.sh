#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Callback end to end with an administrator's preset number: the users file says
# `cli preset 555-1234 secure`; the caller asks for callback at its own number 5559999, but the
# server offers "admin" only, the helper dials the preset 5551234 (never 5559999), the caller's
# modem auto-answers, the same user re-authenticates, IPCP comes up and ping crosses the link.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
WISH=5559999
lab_setup
start_helper_cfg helper
lab_users 'cli preset 555-1234 secure'
SRV_RECORD=0 start_server mscb-users /etc/ppp/mscb-users mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$WISH"
assert "Request offers admin only" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[admin delay=0\]\]' 30
assert "caller answers admin" wait_log pppd-srv.log 'rcvd \[CBCP Response id=1 \[admin delay=5\]\]' 10
assert "job carries the preset number" wait_event pppd-srv.log 15 handed number="$CLI_NUMBER" delay=5
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
start_leg2 pppd-cli-leg2
assert "helper got the line from the connector" wait_event helper.log 15 job-state from=WaitLine to=HangUp
sleep 1
mscbctl status >"$MSCB_RESULTS/mscbctl-status-during-delay.txt" 2>&1
assert "mscbctl: pending job for the preset number" \
    grep -Eq "user=cli number=$CLI_NUMBER" "$MSCB_RESULTS/mscbctl-status-during-delay.txt"
assert "server dials the preset number" \
    wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mA\".*\"digits\":\"$CLI_NUMBER\"" 40
assert "return call connects" wait_log pstn.jsonl '"event":"connect","caller":"mA","callee":"mB"' 30
assert "same user authenticates again" wait_event pppd-srv.log 30 return-auth user=cli verdict=ok
assert "caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30
assert "ping across the return call" in_ns cli ping -c 3 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
assert_eq "exactly one callback dialled" 1 "$(callback_dials)"
assert_eq "the caller's own number never dialled" 0 "$(pstn_count "\"digits\":\"$WISH\"")"
assert "the helper never saw the caller's number" bash -c "! grep -q '$WISH' '$MSCB_RESULTS/helper.log'"
finish_return_call pppd-cli-leg2
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert "history: connected to the preset number" \
    grep -Eq "connected +user=cli number=$CLI_NUMBER " "$MSCB_RESULTS/mscbctl-history.txt"
lab_finish
