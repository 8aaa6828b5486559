#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 4: the policy requires callback, the caller did not ask for it -> disconnected
# after authentication with the documented log line, never reaching the network phase.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
start_helper
lab_users 'cli preset 5551234 secure'
start_server mscb-users /etc/ppp/mscb-users
start_caller pppd-cli   # no `callback` option
assert "CHAP succeeds" wait_chap_ok pppd-srv.log cli 30
assert "refused: a mandatory user did not ask" wait_event pppd-srv.log 10 refused user=cli kind=not-asked
assert "server terminates the link" wait_log pppd-srv.log 'sent \[LCP TermReq' 10
wait_bg pppd-cli 30 >/dev/null
wait_bg pppd-srv 30 >/dev/null
assert "server: no network phase" no_ipcp pppd-srv.log
assert "caller: no network phase" no_ipcp pppd-cli.log
assert "nothing dialled" bash -c "! grep -q '\"event\":\"dial\",\"line\":\"mA\"' '$MSCB_RESULTS/pstn.jsonl'"
lab_finish
