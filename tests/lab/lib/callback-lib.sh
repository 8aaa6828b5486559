# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-side helpers shared by the callback (return call) scenarios. Source after cbcp-lib.sh.
# Not a scenario itself (not registered in callback-scenarios.cmake).
# shellcheck shell=bash

# start_helper_cfg NAME [KEY=VALUE...]: cbcp-lib's start_helper under job NAME, with rate limits
# high enough for many rounds in one boot (user-/number-per-hour 50) unless given.
start_helper_cfg() {
    local name=$1; shift
    write_helper_conf user-per-hour=50 number-per-hour=50 "$@"
    run_helper "$name"
}

# restart_helper NAME: the helper again, same config, as job NAME.
restart_helper() { run_helper "$1"; }

# start_leg2 NAME [TIMEOUT [USER [PPPD OPTIONS...]]]: the caller waiting for the call back
# (README.cbcp): auto-answer, same user (default cli). Give it `ifname cli0` where the helper's
# link table matters: both pppds share the guest's /run, and the caller's ppp0.pid would
# otherwise overwrite the server's.
start_leg2() {
    start_bg "$1" "${2:-120}" ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
        local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
        connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
        noauth user "${3:-cli}" remotename srv "${@:4}"
}

# start_shipped_dialin USERS-FILE [PPPD-ARGS...]: the server as the README tells users to run it,
# `pppd call mscb-dialin` with etc/ppp/peers/mscb-dialin as shipped (device, plugin, connector
# and users file substituted; its addresses are the lab's already), PPPD-ARGS after it on the
# command line. Waits for its first RING wait; sets SERVER_PID, ANSWERS (times it waited for RING).
start_shipped_dialin() {
    local users=$1; shift
    sed -e "s|^/dev/ttyS0\$|$SRV_TTY|" -e "s|^plugin mscb.so\$|plugin $PLUGIN|" \
        -e "s|^mscb-users /etc/mscb/users\$|mscb-users $users|" \
        -e "s|^mscb-connector /usr/sbin/mscb-connect\$|mscb-connector $CONNECTOR|" \
        "$MSCB_SRC/etc/ppp/peers/mscb-dialin" >/etc/ppp/peers/mscb-dialin
    cp /etc/ppp/peers/mscb-dialin "$MSCB_RESULTS/mscb-dialin"
    assert_eq "peers file: four substitutions, nothing else changed" 4 \
        "$(diff "$MSCB_SRC/etc/ppp/peers/mscb-dialin" /etc/ppp/peers/mscb-dialin | grep -c '^>')"
    start_bg pppd-srv 900 ip netns exec srv pppd call mscb-dialin nodetach debug logfd 2 "$@"
    assert "server pppd waits for a call" wait_log pppd-srv.log 'expect \(RING\)' 15 >/dev/null
    SERVER_PID=$(job_pid pppd-srv)
    ANSWERS=1
}

# next_call DESC: the shipped server is back waiting for a call, in the same process.
next_call() {
    ANSWERS=$((ANSWERS + 1))
    assert "$1: the same pppd waits for the next call" wait_count pppd-srv.log 'expect \(RING\)' "$ANSWERS" 30
    # Every later call needs this pppd: without it, end here rather than time out call by call.
    assert "$1: pppd $SERVER_PID still alive" kill -0 "$SERVER_PID" || lab_finish
}

# callback_round N USER [busy]: a callback that connects (the caller's first call ends with
# status 14, its second pppd answers the return call, IP across it), then next_call.
callback_round() {
    local n=$1 user=$2
    log "--- call $n: $user asks for callback${3:+, first dial busy}"
    start_caller "cli-$n" callback "$CLI_NUMBER" user "$user"
    assert_eq "[$n] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg "cli-$n" 40)"
    [ "${3:-}" = busy ] && assert "[$n] pstn: the next call to the caller is busy" pstn_ctl refuse "$CLI_NUMBER" 1
    start_leg2 "cli-$n-leg2" 120 "$user"
    assert "[$n] return call: IPCP up" wait_log "cli-$n-leg2.log" "local  IP address $CLI_IP" 60 >/dev/null
    assert "[$n] ping across the return call" in_ns cli ping -c 1 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-$n.log" 2>&1
    stop_bg "cli-$n-leg2" TERM
    wait_bg "cli-$n-leg2" 15 >/dev/null
    next_call "[$n]"
}

# unanswered_round N: a callback whose return call is never answered (the job fails after the
# helper's attempts), then next_call. FAILED counts the helper's failed jobs so far.
unanswered_round() {
    local n=$1
    log "--- call $n: the return call is never answered"
    start_caller "cli-$n" callback "$CLI_NUMBER" user cli
    assert_eq "[$n] caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg "cli-$n" 40)"
    FAILED=$(( ${FAILED:-0} + 1 ))
    assert "[$n] the job fails after its attempts" wait_event helper.log 90 job-state to=Failed --count "$FAILED"
    next_call "[$n]"
}

# wait_count LOG REGEX N SECONDS: until LOG has at least N lines matching REGEX (wait_log waits
# for the first; a line that answers call after call needs the N-th).
wait_count() {
    local end=$(( $(_lab_us) + $4 * 1000000 ))
    until [ "$(grep -Ec -- "$2" "$MSCB_RESULTS/$1" 2>/dev/null)" -ge "$3" ]; do
        [ "$(_lab_us)" -lt "$end" ] || { log "wait_count $1: fewer than $3 of /$2/ after $4 s"; return 1; }
        sleep 0.1
    done
}

# pstn_count REGEX: number of pstn.jsonl lines matching REGEX.
pstn_count() { grep -Ec -- "$1" "$MSCB_RESULTS/pstn.jsonl"; }

# callback_dials: pstn dial events from the server's modem (mA).
callback_dials() { pstn_count '"event":"dial","line":"mA"'; }

# ctl ARGS...: pstn-sim control channel, logged.
pstn_ctl() {
    local out
    out=$("$PSTN" ctl /run/pstn/control "$@" 2>&1)
    log "pstn ctl $*: $out"
    [ "$out" = ok ]
}

# accepted_job_ids [LOG]: the job ids of the job-accepted event lines of LOG (or of stdin).
accepted_job_ids() {
    if [ $# -gt 0 ]; then event_lines "$1" job-accepted; else cat; fi | tr ' ' '\n' | sed -n 's/^job=//p'
}

# accepted_job [SECONDS]: waits (10 s) for the helper to accept a job and prints its id.
accepted_job() { wait_event helper.log "${1:-10}" job-accepted | accepted_job_ids; }

# mscbctl ARGS...: mscbctl on the helper socket.
mscbctl() { "$MSCBCTL" --socket "$HELPER_SOCKET" "$@"; }

# finish_return_call LEG2: stop the return call (caller SIGTERM) and wait for both pppds.
finish_return_call() {
    stop_bg "$1" TERM
    wait_bg "$1" 15 >/dev/null
    wait_bg pppd-srv 20 >/dev/null
}

# callback_timing DELAY...: one CSV line "round,delay,error_ms" per callback in pstn.jsonl, in
# order (the analysis and its definition of a round: tests/lab/tools/callback_timing.py).
callback_timing() {
    python3 "$MSCB_SRC/tests/lab/tools/callback_timing.py" "$MSCB_RESULTS/pstn.jsonl" "$@"
}
