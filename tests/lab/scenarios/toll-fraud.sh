#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 5: toll-fraud controls, each refused with a specific log line and, where the policy allows
# it, the caller offered "no callback" instead; the refusals are counted in `mscbctl status`.
#   A. number on a deny prefix          B. number outside the allowed prefixes
#   C. a first callback (the baseline)  D. the same user again: over user-per-hour
#   E. another user, same number: over number-per-hour (refused before the Ack)
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
start_helper user-per-hour=1 number-per-hour=1

part() {  # part NAME USER NUMBER [mscb options...]
    local name=$1 user=$2 number=$3; shift 3
    log "--- part $name: $user asks for $number"
    chap_secret "$user" srv pw
    start_server mscb-default user mscb-max-req 3 mscb-restart 500 "$@"
    start_caller pppd-cli callback "$number" user "$user" password pw
}
no_job() { [ "$(event_count "pppd-srv-$1.log" handed)" = 0 ]; }

part A alice 09001234567 mscb-number-deny 00,0900
assert "A: deny prefix refused with its reason" \
    wait_event pppd-srv.log 30 number-refused number=09001234567 kind=deny-prefix
assert "A: no-callback offered instead" wait_log pppd-srv.log 'sent \[CBCP Request id=2 \[no-callback\]\]' 10
lab_end_part A
assert "A: no job" no_job A

part B bob 6661234 mscb-number-allow 555,0301
assert "B: outside the allowed prefixes refused" \
    wait_event pppd-srv.log 30 number-refused number=6661234 kind=not-allowed
lab_end_part B
assert "B: no job" no_job B

part C carol "$CLI_NUMBER"
assert "C: the first callback is accepted" wait_event pppd-srv.log 30 handed number="$CLI_NUMBER"
lab_end_part C
job=$(event_field pppd-srv-C.log job handed)
"$MSCBCTL" --socket "$HELPER_SOCKET" cancel "$job" >/dev/null

part D carol 5557777
assert "D: helper refuses the user's second callback this hour" \
    wait_event helper.log 30 admit-refused user=carol kind=user-rate
assert "D: offered no-callback only" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[no-callback\]\]' 10
assert "D: caller stays connected without callback" wait_log pppd-cli.log "local  IP address $CLI_IP" 20
lab_end_part D
assert "D: no job" no_job D

part E dave "$CLI_NUMBER"
assert "E: the number is refused before the Ack" \
    wait_event pppd-srv.log 30 number-refused number="$CLI_NUMBER" kind=helper
assert "E: no Ack for it" bash -c "! grep -q 'sent \[CBCP Ack' '$MSCB_RESULTS/pppd-srv.log'"
assert "E: no-callback offered instead" wait_log pppd-srv.log 'sent \[CBCP Request id=2 \[no-callback\]\]' 10
lab_end_part E
assert "E: no job" no_job E

"$MSCBCTL" --socket "$HELPER_SOCKET" status >"$MSCB_RESULTS/mscbctl-status.txt" 2>&1
cat "$MSCB_RESULTS/mscbctl-status.txt"
for kind in deny-prefix not-allowed user-rate number-rate; do
    assert "mscbctl status counts $kind" grep -q "refused $kind: 1 " "$MSCB_RESULTS/mscbctl-status.txt"
done
lab_finish
