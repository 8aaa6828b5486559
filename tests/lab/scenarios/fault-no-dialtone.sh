#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault (c): no dial tone on the server's modem (pstn-sim `nodialtone` on mA, set after the Ack).
# Defined outcome: the first dial attempt gets NO DIALTONE and the job fails at once (no retry:
# a dead line does not heal in a backoff), reason `no-dialtone` logged and in the history; the
# connector exits 1 and pppd exits 8; the caller's phone never rings.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
lab_setup
start_helper_cfg helper attempts=3 backoff=2
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "Ack sent" wait_log pppd-srv.log 'sent \[CBCP Ack' 30
assert "pstn: no dial tone on mA" pstn_ctl nodialtone mA on
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
job=$(accepted_job)
log "job $job"
t0=$(cut -d' ' -f1 /proc/uptime)
assert "job fails with the reason no-dialtone" wait_event helper.log 40 job-state job="$job" to=Failed
t1=$(cut -d' ' -f1 /proc/uptime)
log "failed $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after the job was accepted (delay 5 s)"
assert "failed at once (within delay + 8 s)" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 13) }'
assert_eq "one attempt only" 1 "$(event_count helper.log job-state job="$job" to=Dialing)"
assert_eq "no retry after NO DIALTONE" 0 "$(event_count helper.log job-state job="$job" to=Backoff)"
assert_eq "server pppd exits 8 (connect script failed)" 8 "$(wait_bg pppd-srv 30)"
assert "connector exited with status 1" grep -Eq 'Script .*mscb-connect.* finished \(pid [0-9]+\), status = 0x1$' "$MSCB_RESULTS/pppd-srv.log"
assert_eq "caller's modem never rang" 0 "$(pstn_count '"event":"ring","line":"mB"')"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert "history: job failed, no-dialtone" grep -Eq "^$job +failed .*no-dialtone" "$MSCB_RESULTS/mscbctl-history.txt"
lab_finish
