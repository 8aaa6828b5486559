# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-side helpers shared by the callback (return call) scenarios. Source after cbcp-lib.sh.
# Not a scenario itself (not registered in callback-scenarios.cmake).
# shellcheck shell=bash

# start_helper_cfg NAME [KEY=VALUE...]: like cbcp-lib's start_helper, but every global key can be
# set (start_helper appends extra lines after its own attempts/backoff/reset-lead, and the helper
# refuses a key set twice). Defaults are start_helper's plus rate limits high enough for many
# rounds in one boot. NAME is the start_bg job name (helper, helper2, ...). The config file is
# /run/mscb-lab/helper.conf; restart_helper NAME starts the same command line again.
start_helper_cfg() {
    local name=$1 kv key; shift
    declare -A cfg=([attempts]=2 [backoff]=2 [reset-lead]=2 [user-per-hour]=50 [number-per-hour]=50)
    for kv; do cfg[${kv%%=*}]=${kv#*=}; done
    mkdir -p /run/mscb-lab && chmod 0700 /run/mscb-lab
    (umask 077
     {
        echo "socket = $HELPER_SOCKET"
        echo "run-dir = /run/mscb"
        echo "journal-dir = /run/mscb-journal"
        for key in "${!cfg[@]}"; do echo "$key = ${cfg[$key]}"; done
        echo
        echo "[modem mA]"
        echo "device = $SRV_TTY"
        echo "hangup = escape"
        echo "dial-prefix = T"
     } >/run/mscb-lab/helper.conf)
    cp /run/mscb-lab/helper.conf "$MSCB_RESULTS/helper.conf"
    restart_helper "$name"
}

# restart_helper NAME: the helper with the config start_helper_cfg wrote (same command line as
# cbcp-lib's start_helper); returns once its socket is there (a fresh one, not a stale file).
restart_helper() {
    local name=$1 end
    start_bg "$name" 900 "$HELPER" --config /run/mscb-lab/helper.conf --foreground --no-syslog --no-monitors
    wait_log "$name.log" 'listening on' 10 >/dev/null || fail "$name: helper not listening"
    wait_file "$HELPER_SOCKET" 5 || fail "$name: helper socket did not appear"
}

# start_leg2 NAME: the caller waiting for the call back (README.cbcp): auto-answer, same user.
start_leg2() {
    start_bg "$1" "${2:-120}" ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
        local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
        connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
        noauth user cli remotename srv
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

# accepted_job_ids [FILE...]: the job ids of the helper's "job accepted" lines (stdin by default).
accepted_job_ids() { sed -n 's/.*job \([^ :]*\): job accepted.*/\1/p' "$@"; }

# accepted_job [SECONDS]: waits (10 s) for the helper to accept a job and prints its id.
accepted_job() { wait_log helper.log 'job accepted' "${1:-10}" | accepted_job_ids; }

# mscbctl ARGS...: mscbctl on the helper socket.
mscbctl() { "$MSCBCTL" --socket "$HELPER_SOCKET" "$@"; }

# finish_return_call LEG2: stop the return call (caller SIGTERM) and wait for both pppds.
finish_return_call() {
    stop_bg "$1" TERM
    wait_bg "$1" 15 >/dev/null
    wait_bg pppd-srv 20 >/dev/null
}

# callback_timing DELAY...: one CSV line "round,delay,error_ms" per callback in pstn.jsonl, in
# order: round i is the i-th call from the caller (mB) and the first dial from the server (mA)
# after it; error = ATDT - (end of that first call + DELAY_i), the end being the first hangup
# event of its call id (as callback-return-call.sh measures). A round without a dial: error "none".
callback_timing() {
    python3 - "$MSCB_RESULTS/pstn.jsonl" "$@" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
delays = [float(d) for d in sys.argv[2:]]
firsts = [e for e in ev if e["event"] == "dial" and e["line"] == "mB"]
for i, (first, delay) in enumerate(zip(firsts, delays), 1):
    end = min((e["t"] for e in ev if e["event"] == "hangup" and e.get("call") == first["call"]), default=None)
    dial = next((e for e in ev if e["event"] == "dial" and e["line"] == "mA" and e["t"] > first["t"]), None)
    if end is None or dial is None:
        print(f"{i},{delay:g},none")
    else:
        print(f"{i},{delay:g},{(dial['t'] - end - delay) * 1000:.0f}")
PY
}
