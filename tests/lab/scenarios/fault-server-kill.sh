#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault (a): the server pppd is killed (SIGKILL) in the middle of the CBCP exchange.
# Round 1: in ReqSent (the raw caller tests/lab/peer/hostile-peer.py never answers the Requests).
# Round 2: in AckSent (the caller's Response was Acked, mscb-ack-wait 30 s, no hang-up yet).
# Defined outcome: no job; the helper sees the plugin connection close and drops the admission
# (`admission dropped`); `mscbctl status` lists nothing; nothing is dialled; the helper keeps serving
# (a third, normal call still gets its callback job).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
PEER=$MSCB_SRC/tests/lab/peer/hostile-peer.py
lab_setup
start_helper_cfg helper user-per-hour=100 number-per-hour=100
n=0
for round in reqsent:hold acksent:ack-hold; do
    name=${round%%:*} play=${round#*:} n=$((n + 1))
    log "--- round $n: SIGKILL the server pppd in $name"
    SRV_RECORD=0 start_server mscb-default user mscb-restart 2000 mscb-max-req 30 mscb-ack-wait 30000
    start_bg "peer-$name" 60 python3 "$PEER" run "$play" --tty "$CLI_TTY" --number "$SRV_NUMBER" \
        --out "$MSCB_RESULTS/peer-$name.json"
    session=$(wait_event pppd-srv.log 30 asked >/dev/null && event_field pppd-srv.log session asked)
    log "session $session"
    assert "[$name] helper admitted the session" wait_event helper.log 10 admitted session="$session"
    if [ "$name" = reqsent ]; then
        assert "[$name] in ReqSent (Request id 2 sent)" wait_log pppd-srv.log 'sent \[CBCP Request id=2' 10
    else
        assert "[$name] in AckSent (Ack sent)" wait_log pppd-srv.log 'sent \[CBCP Ack id=1' 15
    fi
    sleep 0.5
    stop_bg pppd-srv KILL
    assert_eq "[$name] server pppd died of SIGKILL" 137 "$(wait_bg pppd-srv 10)"
    # A SIGKILLed pppd cannot put the tty's line discipline back; on a pty whose master (pstn-sim)
    # stays open the slave keeps N_PPP and the next chat's writes fail ("write timed out"). A real
    # serial port resets it on the last close: do that here (see doc/robustness.md, finding F1).
    python3 -c 'import fcntl, os, struct, sys, termios; fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK); print("ldisc was", struct.unpack("i", fcntl.ioctl(fd, termios.TIOCGETD, b"\0" * 4))[0]); fcntl.ioctl(fd, termios.TIOCSETD, struct.pack("i", 0)); os.close(fd)' "$SRV_TTY" >>"$MSCB_RESULTS/ldisc-reset.txt" 2>&1
    assert "[$name] helper drops the admission" \
        wait_event helper.log 10 admission-dropped session="$session"
    mscbctl status >"$MSCB_RESULTS/mscbctl-status-$name.txt" 2>&1
    assert "[$name] mscbctl status: no job, no admission" \
        bash -c "! grep -Eq '^(job|admit|session|pending)' '$MSCB_RESULTS/mscbctl-status-$name.txt' && ! grep -q '$session' '$MSCB_RESULTS/mscbctl-status-$name.txt'"
    assert "[$name] no job accepted" test "$(event_count helper.log job-accepted session="$session")" = 0
    wait_bg "peer-$name" 20 >/dev/null
    assert "[$name] the caller's line went down" grep -q '"observed": "line down"' "$MSCB_RESULTS/peer-$name.json"
    mv "$MSCB_RESULTS/pppd-srv.log" "$MSCB_RESULTS/pppd-srv-$name.log"
done
assert_eq "nothing dialled" 0 "$(callback_dials)"

log "--- round 3: a normal call afterwards still gets its job"
SRV_RECORD=0 start_server mscb-default user
start_caller pppd-cli callback "$CLI_NUMBER"
assert "normal call: job handed to the helper" wait_event pppd-srv.log 30 handed
job=$(accepted_job 5)
mscbctl cancel "$job" >"$MSCB_RESULTS/mscbctl-cancel.txt" 2>&1
wait_bg pppd-cli 20 >/dev/null; wait_bg pppd-srv 20 >/dev/null
lab_finish
