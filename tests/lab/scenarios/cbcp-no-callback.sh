#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 1: no callback allowed -> the caller connects normally (IPCP up, ping), both when
# mscb Acks op 6 and then offers "no callback" only, and when no policy could ever call back
# (then op 6 is Config-Rejected exactly as stock pppd does).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup

log "--- part 1: cli has policy none, others may be called back: CBCP offers no-callback only"
lab_users $'cli none\nsomeoneelse user'
start_server mscb-users /etc/ppp/mscb-users
start_caller pppd-cli callback "$CLI_NUMBER"
assert "server Acks LCP callback op 6" wait_log pppd-srv.log 'sent \[LCP ConfAck .*callback CBCP' 30
assert "server offers no-callback only" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[no-callback\]\]' 30
assert "caller answers no-callback" wait_log pppd-srv.log 'rcvd \[CBCP Response id=1 \[no-callback\]\]' 10
assert "server Acks it" wait_log pppd-srv.log 'sent \[CBCP Ack id=1 \[no-callback\]\]' 10
assert "caller: IPCP up" wait_log pppd-cli.log "local  IP address $CLI_IP" 20
assert "ping across" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping1.log" 2>&1
stop_bg pppd-cli TERM
assert_eq "caller exit after SIGTERM" 5 "$(wait_bg pppd-cli 15)"
wait_bg pppd-srv 15 >/dev/null
mv "$MSCB_RESULTS/pppd-srv.log" "$MSCB_RESULTS/pppd-srv-part1.log"
mv "$MSCB_RESULTS/pppd-cli.log" "$MSCB_RESULTS/pppd-cli-part1.log"

log "--- part 2: mscb-default none and no users file: op 6 rejected like stock pppd"
start_server mscb-default none
start_caller pppd-cli callback "$CLI_NUMBER"
assert "server rejects LCP callback op 6" wait_log pppd-srv.log 'sent \[LCP ConfRej .*callback CBCP' 30
assert "caller: IPCP up without callback" wait_log pppd-cli.log "local  IP address $CLI_IP" 30
assert "no CBCP on the wire" bash -c "! grep -q 'CBCP Request' '$MSCB_RESULTS/pppd-srv.log'"
assert "ping across" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping2.log" 2>&1
stop_bg pppd-cli TERM
wait_bg pppd-cli 15 >/dev/null
lab_finish
