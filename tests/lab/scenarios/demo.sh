#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: one full Microsoft Callback in the lab, told as a timeline in the spirit of the
# Cisco debug log our seed document shows (LCP callback option, CHAP, CBCP Request/Response/Ack,
# hang-up, offhook and callback chat, ATDT, RING/CONNECT, re-authentication, IPCP, ping).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
LAB_WRAP=$MSCB_SRC/tests/lab/lib/stamp
exec 3>&1 >"$MSCB_RESULTS/demo-progress.log" 2>&1   # keep the screen for the story
lab_setup
start_helper
# Windows asks for 12 s by default; the stock pppd client asks for 5, so raise the floor.
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR" mscb-delay-min 10
start_caller pppd-cli callback "$CLI_NUMBER"
wait_bg pppd-cli 40 >/dev/null
start_bg pppd-cli-leg2 120 ip netns exec cli "$LAB_WRAP" pppd "$CLI_TTY" 115200 nodetach debug \
    logfd 2 local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
    noauth user cli remotename srv
wait_event helper.log 20 job-state to='Delay|Reset' >/dev/null
"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status.txt" 2>&1
wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 60 >/dev/null
in_ns cli ping -c 3 -i 0.2 -W 2 "$SRV_IP" 2>&1 | while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done \
    >"$MSCB_RESULTS/ping.log"
stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
python3 "$MSCB_SRC/tests/lab/tools/demo-timeline.py" "$MSCB_RESULTS" 10 >&3
rc=$?
[ $rc -eq 0 ] && pass "demo callback completed" || fail "demo callback did not complete"
lab_finish
