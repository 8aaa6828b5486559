#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The modem disappears while a callback job waits its delay: on lines with modem signals the
# callback is agreed, the helper hangs the first call up (DTR) and waits off-hook (Delay); then
# pstn-sim's `unplug mA` drops DSR/CTS, tears the line's n_gsm mux down (the kernel hangs up
# and unregisters the gsmtty) and removes the device node, as pulling a USB modem does. The
# job must fail at once with its reason (not at the end of the delay on a dead line), leave
# no chat, no journal file and no pending job, and the helper must go on answering.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
PSTN_SIGNALS=1
LINE_OPTS="modem crtscts"
HELPER_HANGUP=dtr
lab_setup
start_helper
# A long delay: the reset (the first chat after the hang-up) would only come 17 s later.
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR" mscb-delay-min 20
# The caller's modem ignores DTR (&D0), so the helper's DTR drop is what ends the first call.
start_bg pppd-cli 180 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    $LINE_OPTS lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 30 '' ATZ OK 'AT&D0' OK ATDT$SRV_NUMBER CONNECT '\\c'" \
    noauth user cli remotename srv callback "$CLI_NUMBER"
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert "job waits its delay off-hook" wait_event helper.log 15 job-state to=Delay || lab_finish
job=$(event_field helper.log job job-state to=Delay)

log "the modem is pulled out"
t0=$(_lab_us)
assert_eq "simulator: unplug mA" ok "$("$PSTN" ctl /run/pstn/control unplug mA)"
assert "device node gone" test ! -e "$SRV_TTY"
assert "DSR and CTS fell on mA" grep -q '"event":"signal","line":"mA",[^}]*"signal":"CTS","on":false,"by":"modem"' \
    "$MSCB_RESULTS/pstn.jsonl"
assert "job fails" wait_event helper.log 10 job-state job="$job" to=Failed
ms=$(( ($(_lab_us) - t0) / 1000 ))
log "job failed ${ms} ms after the removal"
assert "job failed within 3 s of the removal, not at the reset 17 s later" test "$ms" -lt 3000
assert "failure logged with its reason" grep -q "job $job: job failed: modem removed" "$MSCB_RESULTS/helper.log"
assert_eq "no return call was dialled" 0 "$(event_count helper.log job-state to=Dialing)"
assert "no chat left" bash -c '! pgrep -x chat'
assert "no journal file left" bash -c '[ -z "$(ls -A /run/mscb-journal)" ]'
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status.txt" 2>&1
assert "mscbctl status: no pending job" grep -qx 'no pending callbacks or ppp links' "$MSCB_RESULTS/mscbctl-status.txt"
"$MSCBCTL" --socket "$HELPER_SOCKET" history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert "mscbctl history: the job, failed" grep -q "$job.*modem removed" "$MSCB_RESULTS/mscbctl-history.txt"
# The server's pppd lost its line with the modem: the connector reports the failure and pppd
# ends (it cannot reopen a device that is gone).
assert "server pppd ends" test "$(wait_bg pppd-srv 30)" != 255
assert "helper still running" test -n "$(job_pid helper)"
assert "helper still answers" "$MSCBCTL" --socket "$HELPER_SOCKET" status
lab_finish
