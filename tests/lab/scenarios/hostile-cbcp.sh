#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# "Prove it under attack": tests/lab/peer/hostile-peer.py (a raw PPP caller speaking HDLC, LCP, CHAP-MD5
# itself) dials the mscb server through pstn-sim and plays its catalogue of malformed and abusive
# CBCP packets and sequences, one case per call, the server pppd restarted for each case
# (mscb-restart 1000, mscb-max-req 4, mscb-ack-wait 1500). Per case: the wire reaction (checked by
# the peer), the server's debug log (event lines: drop / refused Response / Ack / close), the helper (a job only for
# the positive cases, none for any rejected exchange), and the server pppd's exit (no signal, no
# hang). Writes $MSCB_RESULTS/hostile-catalogue.txt (case, expected, observed, verdict).
# Optional ARGS: case names to run (default: all).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
PEER=$MSCB_SRC/tests/lab/peer/hostile-peer.py
CAT=$MSCB_RESULTS/hostile-catalogue.txt
lab_setup
start_helper_cfg helper user-per-hour=1000 number-per-hour=1000
mkdir -p "$MSCB_RESULTS/cases"
printf 'case\texpected\tobserved\tverdict\n' >"$CAT"
mapfile -t cases < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else python3 "$PEER" list; fi)
t_start=$(cut -d' ' -f1 /proc/uptime)
for c in "${cases[@]}"; do
    log "--- case $c"
    mapfile -t extra < <(python3 "$PEER" args "$c")
    hfrom=$(wc -l <"$MSCB_RESULTS/helper.log")
    SRV_RECORD=0 start_server mscb-default user mscb-restart 1000 mscb-max-req 4 mscb-ack-wait 1500 "${extra[@]}"
    timeout 40 python3 "$PEER" run "$c" --tty "$CLI_TTY" --number "$SRV_NUMBER" --user cli --secret lab-secret \
        --out "$MSCB_RESULTS/cases/$c.json" >&"$LAB_OUT" 2>&1
    rc=$(wait_bg pppd-srv 12)
    if [ -z "$rc" ]; then
        rc=hang
        stop_bg pppd-srv KILL
        wait_bg pppd-srv 5 >/dev/null
    fi
    mv "$MSCB_RESULTS/pppd-srv.log" "$MSCB_RESULTS/cases/$c.srv.log"
    # Positive cases leave a job waiting for its line (no connector here): cancel it so the next
    # case is admitted on the same modem.
    for job in $(tail -n +"$((hfrom + 1))" "$MSCB_RESULTS/helper.log" | accepted_job_ids); do
        mscbctl cancel "$job" >>"$MSCB_RESULTS/cases/$c.cancel" 2>&1
    done
    if python3 "$PEER" check "$c" --wire "$MSCB_RESULTS/cases/$c.json" --srv-log "$MSCB_RESULTS/cases/$c.srv.log" \
        --helper-log "$MSCB_RESULTS/helper.log" --helper-from "$hfrom" --rc "$rc" >>"$CAT"; then
        pass "case $c"
    else
        fail "case $c: $(tail -n 1 "$CAT" | cut -f5)"
    fi
done
t_end=$(cut -d' ' -f1 /proc/uptime)
log "catalogue: ${#cases[@]} cases in $(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.0f", b - a }') s"
cut -f1,3,4 "$CAT" >&"$LAB_OUT"
mscbctl status >"$MSCB_RESULTS/mscbctl-status-end.txt" 2>&1
assert "helper: no job left at the end" bash -c "! grep -q '^job ' '$MSCB_RESULTS/mscbctl-status-end.txt'"
assert "helper still running" test -n "$(job_pid helper)"
assert "no segfault in the kernel log" bash -c "! dmesg | grep -Eiq 'segfault|general protection'"
lab_finish
