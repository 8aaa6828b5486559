#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Callback that never gets through: the phone network lets every call to the caller's number ring
# unanswered (pstn-sim `noanswer`), so each of the helper's `attempts = 3` dials ends with NO ANSWER.
# The job fails after exactly 3 dials, the helper logs why, mscb-connect exits 1, pppd logs
# "Connect script failed", and `mscbctl history` shows the failed job.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
ATTEMPTS=3
lab_setup
start_helper_cfg helper attempts=$ATTEMPTS backoff=2
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert "pstn: calls to the caller ring unanswered" pstn_ctl noanswer "$CLI_NUMBER" on
start_leg2 pppd-cli-leg2   # waiting to answer; the network never delivers the ring
assert "helper got the line from the connector" wait_event helper.log 15 job-state from=WaitLine to=HangUp
job=$(accepted_job_ids "$MSCB_RESULTS/helper.log" | head -n 1)
log "job $job"
assert "helper: job failed with the reason" \
    wait_event helper.log 90 job-state job="$job" from=Dialing to=Failed
assert_eq "server pppd exits (connect failed)" 8 "$(wait_bg pppd-srv 30)"
assert "pppd: Connect script failed" grep -q 'Connect script failed' "$MSCB_RESULTS/pppd-srv.log"
assert "mscb-connect reports the failure" wait_event pppd-srv.log 5 connector job="$job" result=failed
assert_eq "exactly $ATTEMPTS callback dials" "$ATTEMPTS" "$(callback_dials)"
assert_eq "every dial ended NO ANSWER" "$ATTEMPTS" "$(pstn_count '"event":"no-answer","line":"mA"')"
assert_eq "the caller's modem never saw a ring" 0 "$(pstn_count '"event":"ring","line":"mB".*"delivered":true')"
assert "no return call" bash -c "! grep -q 'local  IP address' '$MSCB_RESULTS/pppd-cli-leg2.log'"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
cat "$MSCB_RESULTS/mscbctl-history.txt"
assert "history: the failed job" \
    grep -Eq "^$job +failed +user=cli number=$CLI_NUMBER .*attempts=$ATTEMPTS" "$MSCB_RESULTS/mscbctl-history.txt"
mscbctl status >"$MSCB_RESULTS/mscbctl-status-after.txt" 2>&1
assert "status: no job left" bash -c "! grep -q '^job ' '$MSCB_RESULTS/mscbctl-status-after.txt'"
stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
lab_finish
