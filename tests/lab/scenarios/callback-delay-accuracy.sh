#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Callback delay accuracy: N full callbacks (argument 1, default 5) with the pppd client's 5 s delay,
# then one with a Windows-like 12 s (`mscb-delay-min 12`), all in one boot (new server and caller
# each round, same phone network and helper). For each round: error = ATDT on the simulator's log
# - (end of the first call + effective delay), written to delay-accuracy.csv (round,delay,error_ms).
# Every error must be >= 0 (the helper never dials early); median and worst are printed.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
N=${1:-5}
DELAYS=()
for ((i = 0; i < N; i++)); do DELAYS+=(5); done
DELAYS+=(12)
lab_setup
start_helper_cfg helper
effective=()
r=0
for d in "${DELAYS[@]}"; do
    r=$((r + 1))
    log "--- round $r/${#DELAYS[@]}: mscb-delay-min $d"
    SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR" mscb-delay-min "$d"
    start_caller pppd-cli callback "$CLI_NUMBER"
    agreed=$(wait_event pppd-srv.log 30 agreed type=user number="$CLI_NUMBER")
    assert "[$r] callback agreed" test -n "$agreed"
    eff=$(event_field pppd-srv.log delay agreed)
    assert_eq "[$r] effective delay" "$d" "$eff"
    effective+=("${eff:-$d}")
    assert_eq "[$r] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
    start_leg2 pppd-cli-leg2
    assert "[$r] caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" $((d + 30))
    assert "[$r] ping across the return call" in_ns cli ping -c 1 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-$r.log" 2>&1
    finish_return_call pppd-cli-leg2
    for f in pppd-srv pppd-cli pppd-cli-leg2; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-$r.log"; done
done
assert_eq "one callback dial per round" "${#DELAYS[@]}" "$(callback_dials)"

csv=$MSCB_RESULTS/delay-accuracy.csv
{ echo "round,delay,error_ms"; callback_timing "${effective[@]}"; } >"$csv"
cat "$csv"
python3 - "$csv" >"$MSCB_RESULTS/delay-accuracy.txt" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
errs = [int(r["error_ms"]) for r in rows if r["error_ms"].lstrip("-").isdigit()]
print(f"rounds {len(rows)}, measured {len(errs)}, median {statistics.median(errs):.0f} ms, "
      f"worst {max(errs, key=abs)} ms, all {' '.join(map(str, errs))}")
PY
log "$(cat "$MSCB_RESULTS/delay-accuracy.txt")"
while IFS=, read -r round delay err; do
    [ "$round" = round ] && continue
    assert "[$round] ATDT not earlier than end of first call + ${delay} s (error ${err} ms)" \
        bash -c "[[ '$err' =~ ^[0-9]+\$ ]]"
done <"$csv"
lab_finish
