#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 3: an administrator's preset number (type 3) and a list of numbers (type 4).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
start_helper

log "--- preset: the caller can only pick 'admin'; the number comes from the policy"
lab_users 'cli preset 555-1234 secure'
start_server mscb-users /etc/ppp/mscb-users
start_caller pppd-cli callback 5559999   # its own wish is not what gets dialled
assert "Request offers admin only" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[admin delay=0\]\]' 30
assert "caller answers admin" wait_log pppd-srv.log 'rcvd \[CBCP Response id=1 \[admin delay=5\]\]' 10
assert "job carries the preset number" wait_event pppd-srv.log 15 handed number="$CLI_NUMBER" delay=5
assert_eq "caller exits 14" 14 "$(wait_bg pppd-cli 30)"
assert_eq "server exits 14" 14 "$(wait_bg pppd-srv 30)"
assert "no IPCP on the first call" no_ipcp pppd-srv.log
for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-preset.log"; done

log "--- list: offered on the wire; the stock client never picks type 4, so it takes no-callback"
# No return call in this scenario: cancel the preset job, which still holds line and user.
job=$(event_field pppd-srv-preset.log job handed)
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status.txt" 2>&1
assert "mscbctl status lists job $job" grep -q -- "$job" "$MSCB_RESULTS/mscbctl-status.txt"
assert "mscbctl cancels job $job" "$MSCBCTL" --socket "$HELPER_SOCKET" cancel "$job"
lab_users 'cli list 5551111,555-1234'
start_server mscb-users /etc/ppp/mscb-users
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Request offers no-callback and the list" \
    wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[no-callback\] \[list delay=0 number="5551111" number="5551234"\]\]' 30
assert "caller answers no-callback" wait_log pppd-srv.log 'rcvd \[CBCP Response id=1 \[no-callback\]\]' 10
assert "caller: IPCP up" wait_log pppd-cli.log "local  IP address $CLI_IP" 20
stop_bg pppd-cli TERM
wait_bg pppd-cli 15 >/dev/null
lab_finish
