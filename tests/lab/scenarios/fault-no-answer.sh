#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault (b): the caller never answers the callback (pstn-sim `noanswer` on its number).
# Defined outcome: exactly `attempts` (2) dials, each NO ANSWER, backoff between them; the job
# fails with the reason logged by the helper and in `mscbctl history`; mscb-connect (pppd's
# connector) exits 1, pppd logs "Connect script failed" and exits 8; no job left.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
lab_setup
start_helper_cfg helper attempts=2 backoff=2
assert "pstn: calls to the caller ring unanswered" pstn_ctl noanswer "$CLI_NUMBER" on
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
job=$(accepted_job)
log "job $job"
assert "job fails after the last attempt, reason logged" \
    wait_event helper.log 90 job-state job="$job" from=Dialing to=Failed
assert_eq "server pppd exits 8 (connect script failed)" 8 "$(wait_bg pppd-srv 30)"
assert "connector (mscb-connect) exited with status 1" grep -Eq 'Script .*mscb-connect.* finished \(pid [0-9]+\), status = 0x1$' "$MSCB_RESULTS/pppd-srv.log"
assert "pppd: Connect script failed" grep -q 'Connect script failed' "$MSCB_RESULTS/pppd-srv.log"
assert_eq "bounded: exactly 2 dials" 2 "$(callback_dials)"
assert_eq "both NO ANSWER" 2 "$(pstn_count '"event":"no-answer","line":"mA"')"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert "history: job failed" grep -Eq "^$job +failed .*attempts=2" "$MSCB_RESULTS/mscbctl-history.txt"
mscbctl status >"$MSCB_RESULTS/mscbctl-status.txt" 2>&1
assert "status: no job left" bash -c "! grep -q '^job ' '$MSCB_RESULTS/mscbctl-status.txt'"
lab_finish
