#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The helper is not running (no socket). (a) policy `user` (optional): the caller is offered
# "no callback" only, with the reason logged; the stock client answers no-callback and stays
# connected (IPCP, ping). (b) policy `preset 5551234 secure`: callback is required but impossible,
# so the call is refused with a clear log line and never reaches the network phase.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
lab_setup
assert "no helper socket" test ! -e "$HELPER_SOCKET"

log "--- (a) optional policy: no-callback only, the caller stays connected"
start_server mscb-default user
start_caller pppd-cli callback "$CLI_NUMBER"
assert "server says why callback is not offered" \
    wait_event pppd-srv.log 30 asked user=cli offer=no-callback unavailable=helper-unreachable
assert "server offers no-callback only" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[no-callback\]\]' 30
assert "caller answers no-callback" wait_log pppd-srv.log 'rcvd \[CBCP Response id=1 \[no-callback\]\]' 10
assert "server Acks it" wait_log pppd-srv.log 'sent \[CBCP Ack id=1 \[no-callback\]\]' 10
assert "caller: IPCP up" wait_log pppd-cli.log "local  IP address $CLI_IP" 20
assert "ping across" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-a.log" 2>&1
stop_bg pppd-cli TERM
assert_eq "caller exit after SIGTERM" 5 "$(wait_bg pppd-cli 15)"
wait_bg pppd-srv 15 >/dev/null
for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-a.log"; done

log "--- (b) secure preset: callback required but impossible -> refused"
lab_users 'cli preset 5551234 secure'
start_server mscb-users /etc/ppp/mscb-users
start_caller pppd-cli callback "$CLI_NUMBER"
assert "CHAP succeeds" wait_chap_ok pppd-srv.log cli 30
assert "refused: must be called back, callback not possible" wait_event pppd-srv.log 10 refused user=cli kind=not-possible
assert "server terminates the link" wait_log pppd-srv.log 'sent \[LCP TermReq' 10
wait_bg pppd-cli 30 >/dev/null
wait_bg pppd-srv 30 >/dev/null
assert "no CBCP Request sent" bash -c "! grep -q 'sent \[CBCP Request' '$MSCB_RESULTS/pppd-srv.log'"
assert "server: no network phase" no_ipcp pppd-srv.log
assert "caller: no network phase" no_ipcp pppd-cli.log
for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-b.log"; done
assert "nothing dialled" bash -c "! grep -q '\"event\":\"dial\",\"line\":\"mA\"' '$MSCB_RESULTS/pstn.jsonl'"
lab_finish
