#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 5: a hostile number from the caller is rejected with the reason logged, a fresh
# Request follows, and no job is ever emitted.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
start_helper

log "--- optional policy: '555;ATH' refused, fresh Request offers no-callback only"
# (Windows would let its user press ESC now; the stock pppd client keeps answering 'user' --
# its allowed-type mask is never cleared between Requests, see pppd's cbcp.c -- so the budget ends it.)
start_server mscb-default user mscb-max-req 4
start_caller pppd-cli callback '555;ATH'
assert "number refused with its reason" \
    wait_event pppd-srv.log 30 number-refused number=555%3BATH kind=bad-number
assert "fresh Request without user" wait_log pppd-srv.log 'sent \[CBCP Request id=2 \[no-callback\]\]' 10
assert "budget ends the call" wait_event pppd-srv.log 15 cbcp-failed requests=4
wait_bg pppd-cli 30 >/dev/null
wait_bg pppd-srv 30 >/dev/null
assert "no job reached the helper" bash -c "! grep -qi 'job' '$MSCB_RESULTS/pppd-srv.log'"
for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-optional.log"; done

log "--- mandatory policy: '555\\K' refused on every Request until the budget ends the call"
lab_users 'cli user mandatory'
start_server mscb-users /etc/ppp/mscb-users mscb-max-req 3 mscb-restart 1000
start_caller pppd-cli callback '555\K'
assert "number refused" wait_event pppd-srv.log 30 number-refused number=555%5CK
assert "third Request still offers user" wait_log pppd-srv.log 'sent \[CBCP Request id=3 \[user delay=0 number=""\]\]' 15
assert "budget ends the call" wait_event pppd-srv.log 15 cbcp-failed requests=3
wait_bg pppd-cli 30 >/dev/null
wait_bg pppd-srv 30 >/dev/null
assert "no job reached the helper" bash -c "! grep -qi 'job' '$MSCB_RESULTS/pppd-srv.log'"
assert "no IPCP" no_ipcp pppd-srv.log
assert "nothing dialled" bash -c "! grep -q '\"event\":\"dial\",\"line\":\"mA\"' '$MSCB_RESULTS/pstn.jsonl'"
lab_finish
