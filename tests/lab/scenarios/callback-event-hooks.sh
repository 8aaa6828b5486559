#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Event hooks (issue 16 item 3, doc/events.md "Hooks"): mscb-helper runs the executables of its
# hook directory on every operator event, in order, one at a time, with only MSCB_* variables
# (and PATH) in a clean environment. A recorder hook writes each event with all its variables.
#   A: a callback with its return call: requested, dialling, call-up (rtnetlink), call-down;
#   B: the policy refuses the call after CHAP (plugin -> helper `notice`): refused reason=policy;
#   C: a hostile number refused by the plugin's firewall: refused reason=bad-number, no
#      MSCB_NUMBER (the raw number is not validated);
#   D: a callback nobody answers: requested, dialling x2, failed.
# Beside the recorder: a hook that hangs on `requested` is killed after event-hook-timeout
# (logged) and the one after it still runs; a group-writable hook and a non-executable README
# never run; the first refusal is logged.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
HOOKS=/run/mscb-hooks
OUT=/run/hooks-out/events.txt

# --- the hook directory, root-owned as the helper demands
mkdir -p "$HOOKS" /run/hooks-out && chmod 0755 "$HOOKS"
cat >"$HOOKS/10-record" <<HOOK
#!/bin/sh
# One line per event: argv[1], then every variable of the environment, tab-separated (any
# variable but MSCB_*, PATH and the shell's own PWD is marked OTHER).
{
    printf '%s' "\$1"
    env | LC_ALL=C sort | while IFS= read -r kv; do
        case \$kv in
        MSCB_*) printf '\t%s' "\$kv" ;;
        PATH=*|PWD=*) ;;
        *) printf '\tOTHER:%s' "\${kv%%=*}" ;;
        esac
    done
    echo
} >>$OUT
HOOK
cat >"$HOOKS/15-groupw" <<HOOK
#!/bin/sh
echo "BAD group-writable hook ran" >>$OUT
HOOK
cat >"$HOOKS/20-hangs" <<'HOOK'
#!/bin/sh
# Hangs (with a child) on `requested` only: the helper kills the whole group after the timeout.
[ "$MSCB_EVENT" = requested ] || exit 0
sleep 60 &
exec sleep 60
HOOK
cat >"$HOOKS/30-after" <<HOOK
#!/bin/sh
echo "after \$MSCB_EVENT \$MSCB_SEQ" >>$OUT
HOOK
printf '#!/bin/sh\necho "BAD README ran" >>%s\n' "$OUT" >"$HOOKS/README"
chmod 0755 "$HOOKS/10-record" "$HOOKS/20-hangs" "$HOOKS/30-after"
chmod 0775 "$HOOKS/15-groupw"
chmod 0644 "$HOOKS/README"
ls -l "$HOOKS" >"$MSCB_RESULTS/hooks-ls.txt"

lab_setup
HELPER_MONITORS=1 start_helper_cfg helper event-hooks=$HOOKS event-hook-timeout=2 attempts=2 backoff=2

log "--- A: a callback with its return call"
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert_eq "A: caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
start_leg2 pppd-cli-leg2 120 cli ifname cli0  # its own pid file: the helper reads /run/ppp0.pid
assert "A: return call: IPCP up" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 60 >/dev/null
JOB_A=$(accepted_job_ids "$MSCB_RESULTS/helper.log" | head -n 1)
SESSION_A=$(event_field helper.log session job-accepted job="$JOB_A")
assert "A: hook saw call-up" wait_log "$OUT" '^call-up' 20 >/dev/null
sleep 1
finish_return_call pppd-cli-leg2
assert "A: hook saw call-down" wait_log "$OUT" '^call-down' 20 >/dev/null
mv "$MSCB_RESULTS/pppd-srv.log" "$MSCB_RESULTS/pppd-srv-A.log"
mv "$MSCB_RESULTS/pppd-cli.log" "$MSCB_RESULTS/pppd-cli-A.log"

log "--- B: the policy refuses the call"
lab_users 'cli preset 5551234 secure'
start_server mscb-users /etc/ppp/mscb-users
start_caller pppd-cli   # no `callback`: a secure user must ask for it
assert "B: mscb refused the call" wait_event pppd-srv.log 30 refused user=cli
assert "B: hook saw the refusal" wait_log "$OUT" '^refused.*MSCB_REASON=policy' 20 >/dev/null
lab_end_part B

log "--- C: a hostile number refused by the plugin's firewall"
start_server mscb-default user mscb-max-req 2
start_caller pppd-cli callback '555;ATH'
assert "C: number refused" wait_event pppd-srv.log 30 number-refused number=555%3BATH kind=bad-number
assert "C: hook saw the refusal" wait_log "$OUT" '^refused.*MSCB_REASON=bad-number' 20 >/dev/null
lab_end_part C

log "--- D: a callback nobody answers"
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert_eq "D: caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert "D: pstn: calls to the caller ring unanswered" pstn_ctl noanswer "$CLI_NUMBER" on
assert "D: the job fails after 2 attempts" wait_event helper.log 120 job-state to=Failed
assert "D: hook saw failed" wait_log "$OUT" '^failed' 20 >/dev/null
wait_bg pppd-srv 30 >/dev/null
sleep 1
JOB_D=$(accepted_job_ids "$MSCB_RESULTS/helper.log" | sed -n 2p)
cp "$OUT" "$MSCB_RESULTS/hook-events.txt"

# --- the verdicts on what the hooks saw
# matches VALUE GLOB: VALUE matches the shell pattern GLOB.
matches() { [[ $1 == $2 ]]; }
# field EVENT-INDEX VAR: VAR's value in the N-th recorder line (1-based; "after" lines skipped).
field() { grep -v '^after ' "$OUT" | sed -n "${1}p" | tr '\t' '\n' | sed -n "s/^$2=//p"; }
keys=$(grep -v '^after ' "$OUT" | while IFS= read -r l; do
    ev=${l%%$'\t'*}
    reason=$(printf '%s\n' "$l" | tr '\t' '\n' | sed -n 's/^MSCB_REASON=//p')
    attempt=$(printf '%s\n' "$l" | tr '\t' '\n' | sed -n 's/^MSCB_ATTEMPT=//p')
    case $ev in
    refused) echo "refused:$reason" ;;
    dialling) echo "dialling:$attempt" ;;
    *) echo "$ev" ;;
    esac
done | uniq | tr '\n' ' ')
log "hook events: $keys"
assert_eq "the events, in order" \
    "requested dialling:1 call-up call-down refused:policy refused:bad-number requested dialling:1 dialling:2 failed " "$keys"
n=$(grep -vc '^after ' "$OUT")
assert_eq "MSCB_SEQ counts every event, none dropped" "$(seq -s' ' 1 "$n")" \
    "$(grep -v '^after ' "$OUT" | tr '\t' '\n' | sed -n 's/^MSCB_SEQ=//p' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "every event reached the hook after the one that hangs" "$n" "$(grep -c '^after ' "$OUT")"
assert "each 'after' follows its own event" bash -c "
    grep -v '^after ' '$OUT' | cut -f1 >/tmp/ev1; grep '^after ' '$OUT' | cut -d' ' -f2 >/tmp/ev2; cmp /tmp/ev1 /tmp/ev2"
assert "a clean environment: nothing but MSCB_*, PATH (and sh's PWD)" bash -c "! grep -q 'OTHER:' '$OUT'"
assert "the lab's own MSCB_* variables did not leak into hooks" bash -c "! grep -Eq 'MSCB_(SRC|LAB|BUILD|RESULTS)=' '$OUT'"
assert "the group-writable hook and the README never ran" bash -c "! grep -q '^BAD' '$OUT'"
assert "helper: the group-writable hook refused with a log line" \
    grep -q "event hook $HOOKS/15-groupw: group- or world-writable: refused, not run" "$MSCB_RESULTS/helper.log"
assert "helper: README skipped silently (run-parts' rule)" bash -c "! grep -q 'README' '$MSCB_RESULTS/helper.log'"
assert "helper: the hanging hook killed after 2 s" \
    grep -q "event hook 20-hangs (requested #1) killed after 2 s (event-hook-timeout)" "$MSCB_RESULTS/helper.log"
assert "no hook process left behind (the hanging hook's child went with it)" bash -c "! pgrep -f '^sleep 60\$'"

# A: requested with every variable, the same job and session through call-down.
assert_eq "A requested: job" "$JOB_A" "$(field 1 MSCB_JOB)"
assert_eq "A requested: session (helper's job-accepted)" "$SESSION_A" "$(field 1 MSCB_SESSION)"
assert_eq "A requested: user" cli "$(field 1 MSCB_USER)"
assert_eq "A requested: number" "$CLI_NUMBER" "$(field 1 MSCB_NUMBER)"
assert_eq "A requested: line" "$SRV_TTY" "$(field 1 MSCB_LINE)"
assert_eq "A requested: modem" mA "$(field 1 MSCB_MODEM)"
assert_eq "A requested: kind" user "$(field 1 MSCB_CALLBACK_KIND)"
assert_eq "A requested: delay" 5 "$(field 1 MSCB_DELAY)"
assert "A requested: a wall-clock time" test $(( $(date +%s) - $(field 1 MSCB_TIME) )) -lt 600
assert_eq "A dialling: attempt 1 of 2" "1 2" "$(field 2 MSCB_ATTEMPT) $(field 2 MSCB_ATTEMPTS)"
assert_eq "A dialling/call-up/call-down: same job" "$JOB_A $JOB_A $JOB_A" \
    "$(field 2 MSCB_JOB) $(field 3 MSCB_JOB) $(field 4 MSCB_JOB)"
assert "A call-up: the ppp interface" matches "$(field 3 MSCB_INTERFACE)" 'ppp*'
assert_eq "A call-up: the server's address" "$SRV_IP/32" "$(field 3 MSCB_ADDRESS)"
assert "A call-down: a duration" test "$(field 4 MSCB_DURATION_MS)" -gt 500
assert "A call-down: bytes both ways" test "$(field 4 MSCB_RX_BYTES)" -gt 0 -a "$(field 4 MSCB_TX_BYTES)" -gt 0
assert_eq "A call-down: the reason" "pppd's plugin closed the return call" "$(field 4 MSCB_REASON)"
# B: from the plugin's notice.
assert_eq "B refused: user, line, reason" "cli $SRV_TTY policy" \
    "$(field 5 MSCB_USER) $(field 5 MSCB_LINE) $(field 5 MSCB_REASON)"
assert "B refused: the sentence" matches "$(field 5 MSCB_DETAIL)" '*did not ask for callback*'
# C: the first bad-number refusal (the stock client may answer again with the same number).
assert_eq "C refused: user, reason" "cli bad-number" "$(field 6 MSCB_USER) $(field 6 MSCB_REASON)"
assert_eq "C refused: no MSCB_NUMBER (the caller's raw input)" "" "$(field 6 MSCB_NUMBER)"
assert "C refused: the refused number only in the detail" matches "$(field 6 MSCB_DETAIL)" '*"555;ATH"*'
# D: failed after two dials.
last=$n
assert_eq "D failed: job" "$JOB_D" "$(field "$last" MSCB_JOB)"
assert_eq "D failed: attempts made" 2 "$(field "$last" MSCB_ATTEMPT)"
assert_eq "D failed: the reason" "dial script: no-answer on the last of 2 attempts" "$(field "$last" MSCB_REASON)"
lab_finish
