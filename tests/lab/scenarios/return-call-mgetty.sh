#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's real mgetty answers the server's modem line (a pstn-sim `signals` line: a gsmtty
# with DTR/DCD, so mgetty sees carrier as on a serial port), configured as README.md tells
# users: login.config's AutoPPP line starts pppd with etc/ppp/options.mgetty-autoppp as shipped
# (plugin, users file and connector substituted). A stock pppd asks for callback; mgetty
# answers on RING, AutoPPP starts pppd with mscb, the helper hangs the first call up (DTR) and
# dials back, the same user authenticates on the return call, ping works. When that pppd ends,
# the line must answer the NEXT call: a second caller's full callback through a respawned
# mgetty. return-call-autoppp keeps tests/lab/lib/mgetty-like (a plain pty, no carrier) for
# pppd 2.4.9 and 2.5.2 on stdin without a modem-control tty; this one is the real thing.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
PSTN_SIGNALS=1
LINE_OPTS="modem crtscts"
HELPER_HANGUP=dtr
MGETTY=/sbin/mgetty
lab_setup
# pppd on mgetty's line reopens it without O_NONBLOCK to wait for carrier (no connect script,
# `modem`). n_gsm clears a channel's modem status at every open and wakes such a waiter only
# when the channel itself opens, never on a DCD change (MSC), so that open would sleep though
# DCD is up; a serial port reads DCD live. n_gsm's DBG_CD_ON (debug bit 1: "always assume CD
# on") lets that open pass as on a serial port with the call up. (Repeating the modem status
# from pstn-sim instead does not wake the waiter, and with DBG_CD_ON a repeated DCD-off hangs
# the idle line up.)
echo 2 >/sys/module/n_gsm/parameters/debug
log "$(dpkg-query -W -f='mgetty ${Version}' mgetty)"
assert "mgetty installed in the guest" test -x "$MGETTY" || lab_finish
start_helper
(umask 022; mkdir -p /run/mscb-lab-users && printf 'cli user\ncli2 user\n' >/run/mscb-lab-users/users)
chap_secret cli2 srv lab-secret-2
autoppp_options /run/mscb-lab-users/users

# pppd under mgetty cannot log to stderr (the line): its syslog goes to syslog.log.
start_bg syslog 240 socat -u UNIX-RECV:/dev/log,mode=0666 STDOUT
wait_file /dev/log 5
# The root is read-only: mgetty's config on a tmpfs, its log into the results.
port=${SRV_TTY#/dev/}
mount -t tmpfs -o mode=0755 mgetty-etc /etc/mgetty
mkdir -p "$MSCB_RESULTS/mgetty-log" && mount --bind "$MSCB_RESULTS/mgetty-log" /var/log/mgetty
# Speed, data only (the simulator has no fax class), wait for RING, answer on the first;
# &D3: the helper's DTR drop hangs up and resets the modem; &C1: DCD follows the carrier, so
# mgetty (carrier watch on) and pppd (`modem`) see the call end.
cat >/etc/mgetty/mgetty.config <<EOF
# SPDX-License-Identifier: GPL-2.0-or-later
debug 5
port $port
  speed 115200
  data-only yes
  direct no
  toggle-dtr yes
  toggle-dtr-waittime 300
  init-chat "" ATZ OK ATS0=0Q0&D3&C1 OK
  modem-check-time 3600
  rings 1
  answer-chat "" ATA CONNECT \\c \\r
  fido-send-emsi no
  login-time 60
EOF
# README.md step 2, as login.config takes it: user "-" keeps pppd root (mscb's options are
# privileged), "a_ppp" is only the utmp name. The lab's addresses, name and log are added
# on the line (mgetty passes at most 9 arguments: here 8).
# mgetty ignores a login.config that is not root's with mode 0600.
(umask 077
 { printf '/AutoPPP/ -\ta_ppp\t/usr/sbin/pppd file /etc/ppp/options.mgetty-autoppp name srv %s debug logfile %s\n' \
       "$SRV_IP:$CLI_IP" "$MSCB_RESULTS/pppd-srv.log"
   printf '*\t-\t-\t/bin/login @\n'; } >/etc/mgetty/login.config)
cp /etc/mgetty/mgetty.config /etc/mgetty/login.config "$MSCB_RESULTS/"

# init's respawn: mgetty runs one session (it execs pppd), then init starts it again. A loop
# here plays init's `respawn` entry (the guest has no init of that kind).
echo 0 >/run/mgetty-starts
start_bg mgetty 240 ip netns exec srv bash -c "
    while :; do
        echo \$(( \$(cat /run/mgetty-starts) + 1 )) >/run/mgetty-starts
        echo \"respawn: mgetty start \$(cat /run/mgetty-starts)\"
        $MGETTY -x 5 -s 115200 $port; echo \"respawn: mgetty (or its pppd) exited \$?\"
        sleep 1
    done"

PSTN_LOG=$MSCB_RESULTS/pstn.jsonl
# inits_seen: how often mgetty initialised mA (its init-chat's second command).
inits_seen() { grep -c '"event":"command","line":"mA",[^}]*"text":"ATS0=0Q0&D3&C1"' "$PSTN_LOG"; }
wait_inits() {
    local end=$(( $(_lab_us) + $2 * 1000000 ))
    until [ "$(inits_seen)" -ge "$1" ]; do
        [ "$(_lab_us)" -lt "$end" ] || { log "mgetty init $1 not seen after $2 s"; return 1; }
        sleep 0.1
    done
}
assert "mgetty initialised the modem" wait_inits 1 20
sleep 1  # mgetty's init ends with its OK; it then waits for RING

# mgetty_diag: where mgetty's pppd is, when it is stuck (into mgetty-diag.txt).
mgetty_diag() {
    local p
    for p in $(pgrep -x pppd) $(pgrep -x mgetty); do
        { echo "== $p $(tr '\0' ' ' </proc/$p/cmdline)"; cat /proc/$p/wchan; echo
          cat /proc/$p/stack 2>/dev/null; grep -E 'State|Sig' /proc/$p/status; ls -l /proc/$p/fd
        } >>"$MSCB_RESULTS/mgetty-diag.txt" 2>&1
    done
}

# call_back NUM USER: one full callback of USER through mgetty, up to ping on the return call.
call_back() {
    local n=$1 user=$2
    start_caller "pppd-cli$n" callback "$CLI_NUMBER" user "$user"
    assert "call $n: mgetty answers with ATA" wait_log pstn.jsonl \
        "\"event\":\"answer\",\"line\":\"mA\",[^}]*\"by\":\"ata\",\"call\":" 30 >/dev/null
    assert "call $n: AutoPPP started pppd with mscb" wait_event pppd-srv.log 30 agreed --count "$n" ||
        { mgetty_diag; lab_finish; }
    # mgetty execs pppd: the loop's child, on the line as stdin, root (login.config user "-")
    local pid
    pid=$(pgrep -P "$(job_pid mgetty)" -x pppd)
    assert_eq "call $n: mgetty's pppd has the line as stdin" "$SRV_TTY" "$(readlink "/proc/$pid/fd/0")"
    assert_eq "call $n: mgetty's pppd runs as root" 0 "$(ps -o uid= -p "$pid" | tr -d ' ')"
    assert_eq "call $n: caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg "pppd-cli$n" 30)"
    start_bg "pppd-cli$n-leg2" 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
        $LINE_OPTS lcp-restart 1 nodefaultroute noipdefault \
        connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
        noauth user "$user" remotename srv
    assert "call $n: helper got mgetty's line and hangs up" \
        wait_event helper.log 20 job-state from=WaitLine to=HangUp --count "$n"
    assert "call $n: server dials the caller" wait_event helper.log 40 job-state to=Connected --count "$n"
    assert "call $n: $user authenticates again on the return call" \
        wait_event pppd-srv.log 40 return-auth user="$user" verdict=ok
    assert "call $n: caller: IPCP up on the return call" \
        wait_log "pppd-cli$n-leg2.log" "local  IP address $CLI_IP" 30
    assert "call $n: ping across the return call" \
        in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping-$n.log" 2>&1
    stop_bg "pppd-cli$n-leg2" TERM
    wait_bg "pppd-cli$n-leg2" 15 >/dev/null
}

call_back 1 cli
[ "$LAB_FAILED" -eq 0 ] || lab_finish
# The return call's pppd was mgetty's process: when it ends, init (the loop) starts mgetty
# again, which reinitialises the modem and waits for the next RING.
assert "mgetty respawned after the return call and reinitialised the modem" wait_inits 2 30
sleep 1
call_back 2 cli2
assert "mgetty respawned after the second return call" wait_inits 3 30
assert_eq "two sessions answered by two mgetty starts (the third waits)" 3 "$(cat /run/mgetty-starts)"
assert_eq "one job per caller, both connected" 2 "$(event_count helper.log job-state to=Connected)"
assert_eq "no job failed" 0 "$(event_count helper.log job-state to=Failed)"
assert "mgetty logged both AutoPPP sessions" \
    test "$(grep -c 'AutoPPP' "$MSCB_RESULTS/mgetty-log/mg_$port.log")" -ge 2
lab_finish
