# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-side helpers for lab scenario scripts: netns, secrets, background jobs, waits, verdicts.
# Source it from a script run by `scripts/lab run`:  . "$MSCB_SRC/tests/lab/lib/lib.sh"
# Every job log, the verdicts and the collected state end up in $MSCB_RESULTS (the host's results folder).
# shellcheck shell=bash

: "${MSCB_RESULTS:=/results}"
LAB_RUN=/run/lab                        # pty links, job pid/status files
LAB_VERDICTS=$MSCB_RESULTS/verdicts.txt
LAB_PASSED=0 LAB_FAILED=0 LAB_FINISHED=0
mkdir -p "$LAB_RUN/jobs"
: >"$LAB_VERDICTS"

# Verdicts and log lines go to the script's original stdout even inside redirected commands.
exec {LAB_OUT}>&1

# log MSG...: timestamped line (seconds since boot, like the kernel) on the script's stdout.
log() { printf '[%8s] %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*" >&"$LAB_OUT"; }

# _lab_us: wall clock in microseconds (no fork).
_lab_us() { echo "${EPOCHREALTIME/./}"; }

# netns_add NAME...: create network namespaces with their loopback up.
netns_add() {
    local ns
    for ns; do ip netns add "$ns" && ip -n "$ns" link set lo up || return 1; done
}

# in_ns NAME CMD...: run CMD inside network namespace NAME.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# chap_secret CLIENT SERVER SECRET [ADDRESS...]: add a line to /etc/ppp/chap-secrets (default address *).
chap_secret() { _lab_secret /etc/ppp/chap-secrets "$@"; }
# pap_secret CLIENT SERVER SECRET [ADDRESS...]: same for /etc/ppp/pap-secrets.
pap_secret() { _lab_secret /etc/ppp/pap-secrets "$@"; }
_lab_secret() {
    local file=$1 client=$2 server=$3 secret=$4; shift 4
    (umask 077; printf '"%s" "%s" "%s" %s\n' "$client" "$server" "$secret" "${*:-*}" >>"$file")
}

# pty_pair A B: a socat pty pair linked as /run/lab/A <-> /run/lab/B (raw, no echo), kept up in the
# background as job "pty-A-B"; returns once both links exist.
pty_pair() {
    start_bg "pty-$1-$2" 3600 socat -d -d "PTY,raw,echo=0,link=$LAB_RUN/$1" "PTY,raw,echo=0,link=$LAB_RUN/$2"
    wait_file "$LAB_RUN/$1" 5 && wait_file "$LAB_RUN/$2" 5
}

# start_bg NAME SECS CMD...: run CMD (an executable, not a shell function: use `ip netns exec NS CMD`) in the background under `timeout SECS` (then SIGKILL 3 s later), stdin
# /dev/null, stdout+stderr to $MSCB_RESULTS/NAME.log. Its status goes to /run/lab/jobs/NAME.rc.
start_bg() {
    local name=$1 secs=$2 jobs=$LAB_RUN/jobs; shift 2
    rm -f "$jobs/$name.pid" "$jobs/$name.rc"
    log "start $name: $*"
    (
        timeout -k 3 "$secs" "$@" </dev/null >"$MSCB_RESULTS/$name.log" 2>&1 &
        echo $! >"$jobs/$name.pid.tmp" && mv "$jobs/$name.pid.tmp" "$jobs/$name.pid"
        wait $!
        echo $? >"$jobs/$name.rc"
    ) &
    while [ ! -s "$jobs/$name.pid" ]; do sleep 0.01; done
}

# job_pid NAME: pid of the job's command (the child of its `timeout`), empty once it is gone.
job_pid() { pgrep -P "$(cat "$LAB_RUN/jobs/$1.pid" 2>/dev/null)" 2>/dev/null | head -n 1; }

# stop_bg NAME [SIGNAL]: send SIGNAL (default TERM) to the job's command.
stop_bg() {
    local pid
    pid=$(job_pid "$1")
    log "signal ${2:-TERM} -> $1${pid:+ (pid $pid)}"
    [ -n "$pid" ] && kill "-${2:-TERM}" "$pid"
}

# wait_bg NAME SECS: wait up to SECS for the job to end; prints its exit status (124 = its timeout hit)
# and returns it; returns 255 (printing nothing) if it is still running at the deadline.
wait_bg() {
    local rcf=$LAB_RUN/jobs/$1.rc end=$(( $(_lab_us) + $2 * 1000000 ))
    while [ ! -s "$rcf" ]; do
        [ "$(_lab_us)" -lt "$end" ] || { log "wait_bg $1: still running after $2 s"; return 255; }
        sleep 0.05
    done
    cat "$rcf"
    return "$(cat "$rcf")"
}

# wait_file PATH SECS: wait until PATH exists.
wait_file() {
    local end=$(( $(_lab_us) + $2 * 1000000 ))
    until [ -e "$1" ]; do
        [ "$(_lab_us)" -lt "$end" ] || { log "wait_file $1: not there after $2 s"; return 1; }
        sleep 0.05
    done
}

# wait_log FILE REGEX SECS: wait until a line of FILE matches the extended REGEX (FILE relative to
# $MSCB_RESULTS unless absolute); prints the first matching line.
wait_log() {
    local f=$1 end=$(( $(_lab_us) + $3 * 1000000 ))
    case $f in /*) ;; *) f=$MSCB_RESULTS/$f ;; esac
    until grep -Em1 -- "$2" "$f" 2>/dev/null; do
        [ "$(_lab_us)" -lt "$end" ] || { log "wait_log $f: no /$2/ after $3 s"; return 1; }
        sleep 0.05
    done
}

# Event lines (doc/events.md): "event=NAME key=value ...", the only log form tests rely on.
# event_lines LOG NAME [KEY=REGEX...]: the LOG lines of event NAME whose fields match every KEY=REGEX
# (REGEX anchored to the whole value; values are escaped as the doc says).
event_lines() {
    local f=$1; shift
    case $f in /*) ;; *) f=$MSCB_RESULTS/$f ;; esac
    awk -v want="$*" '
        BEGIN { n = split(want, w, " "); name = w[1] }
        {
            i = index($0, "event=" name)
            if (i == 0) next
            rest = substr($0, i); m = split(rest, kv, " ")
            delete field
            for (j = 1; j <= m; j++) { e = index(kv[j], "="); if (e) field[substr(kv[j], 1, e - 1)] = substr(kv[j], e + 1) }
            if (field["event"] != name) next
            for (j = 2; j <= n; j++) {
                e = index(w[j], "="); k = substr(w[j], 1, e - 1); re = "^(" substr(w[j], e + 1) ")$"
                if (!(k in field) || field[k] !~ re) next
            }
            print
        }' "$f" 2>/dev/null
}

# event_count LOG NAME [KEY=REGEX...]: how many such event lines LOG has.
event_count() { event_lines "$@" | wc -l; }

# event_field LOG KEY NAME [KEY=REGEX...]: KEY's value in the first such event line.
event_field() {
    local f=$1 key=$2; shift 2
    event_lines "$f" "$@" | head -n 1 | tr ' ' '\n' | sed -n "s/^$key=//p"
}

# wait_event LOG SECONDS NAME [KEY=REGEX...] [--count N]: until LOG has N (default 1) such event
# lines; prints the first.
wait_event() {
    local f=$1 t=$2 end n=1; shift 2
    local args=()
    while [ $# -gt 0 ]; do
        if [ "$1" = --count ]; then n=$2; shift 2; else args+=("$1"); shift; fi
    done
    end=$(( $(_lab_us) + t * 1000000 ))
    until [ "$(event_count "$f" "${args[@]}")" -ge "$n" ]; do
        [ "$(_lab_us)" -lt "$end" ] || { log "wait_event $f: fewer than $n of event ${args[*]} after $t s"; return 1; }
        sleep 0.05
    done
    event_lines "$f" "${args[@]}" | head -n 1
}

# wait_chap_ok LOG NAME SECONDS: the pppd writing LOG accepted NAME's CHAP response. pppd 2.5 says
# so in one line; 2.4.9 only logs the packets (with `debug`): there, the CHAP Success that follows
# a Response from NAME.
wait_chap_ok() {
    local f=$1 name=$2 end=$(( $(_lab_us) + $3 * 1000000 ))
    case $f in /*) ;; *) f=$MSCB_RESULTS/$f ;; esac
    until awk -v want="$name" '
        $0 ~ ("CHAP peer authentication succeeded for " want "$") || $0 ~ ("Peer " want " authenticated") { ok = 1; exit }
        /rcvd \[CHAP Response/ { who = $0; sub(/.*name = "/, "", who); sub(/".*/, "", who) }
        /sent \[CHAP Success/ && who == want { ok = 1; exit }
        END { exit !ok }' "$f" 2>/dev/null; do
        [ "$(_lab_us)" -lt "$end" ] || { log "wait_chap_ok $f: no CHAP success for $name after $3 s"; return 1; }
        sleep 0.05
    done
}

# pass DESC / fail DESC: record a verdict line ("PASS DESC" / "FAIL DESC") in verdicts.txt and on stdout.
pass() { LAB_PASSED=$((LAB_PASSED + 1)); echo "PASS $*" >>"$LAB_VERDICTS"; log "PASS $*"; }
fail() { LAB_FAILED=$((LAB_FAILED + 1)); echo "FAIL $*" >>"$LAB_VERDICTS"; log "FAIL $*"; }

# assert DESC CMD...: pass if CMD succeeds, else fail. Returns CMD's status.
assert() {
    local desc=$1 rc; shift
    "$@"; rc=$?
    if [ $rc -eq 0 ]; then pass "$desc"; else fail "$desc (exit $rc: $*)"; fi
    return $rc
}

# assert_eq DESC EXPECTED ACTUAL: pass if the two strings are equal.
assert_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; return 1; fi
}

# lab_finish: stop leftover jobs, collect state (ppp config, netns addresses, dmesg, ps) into
# $MSCB_RESULTS/state/, print "N passed, M failed" and exit 0 only if something passed and nothing failed.
# Runs by itself (recording a failure) if the script exits without calling it.
lab_finish() {
    local f name st=$MSCB_RESULTS/state ns _
    LAB_FINISHED=1
    for f in "$LAB_RUN"/jobs/*.pid; do
        [ -e "$f" ] || continue
        name=$(basename "$f" .pid)
        [ -s "$LAB_RUN/jobs/$name.rc" ] && continue
        log "lab_finish: stopping leftover job $name"
        stop_bg "$name" TERM 2>/dev/null
        for _ in $(seq 20); do [ -s "$LAB_RUN/jobs/$name.rc" ] && break; sleep 0.1; done
        # timeout runs each job in its own process group: take the job and all its children down.
        [ -s "$LAB_RUN/jobs/$name.rc" ] || kill -KILL -- "-$(cat "$f")" 2>/dev/null
    done
    mkdir -p "$st"
    cp -a /etc/ppp "$st/etc-ppp" 2>/dev/null
    for ns in $(ip netns list | cut -d' ' -f1); do
        { echo "== netns $ns"; ip -n "$ns" addr; ip -n "$ns" route; } >>"$st/netns.txt" 2>&1
    done
    dmesg >"$st/dmesg.txt" 2>&1
    ps -eo pid,ppid,stat,etime,args >"$st/ps.txt" 2>&1
    echo "$LAB_PASSED passed, $LAB_FAILED failed" | tee "$MSCB_RESULTS/summary"
    [ "$LAB_FAILED" -eq 0 ] && [ "$LAB_PASSED" -gt 0 ] && exit 0
    exit 1
}

_lab_on_exit() {
    local rc=$?
    [ "$LAB_FINISHED" -eq 1 ] && return
    fail "script exited (status $rc) without calling lab_finish"
    lab_finish
}
trap _lab_on_exit EXIT
