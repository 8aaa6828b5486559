#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The getty example as shipped (etc/ppp/options.ttyS0-getty, installed as the line's
# /etc/ppp/options.<tty>): the call is answered, the caller's login shell starts Debian's setuid
# pppd as the dial-in user (uid 4000, group dip), and the callback must still work end to end.
# Review finding: pppd runs its connector with the real uid, so mscb-connect ran as the
# dial-in user and could not reach the root-only helper socket. pppd's plugin now opens that
# connection itself (euid 0) and the connector inherits it (mscb-connect --fd N).
# Substituted in the example: the plugin's and connector's paths (the build's) and the users
# file (the lab's); the login shell adds logging and the local address (the example leaves
# addresses to chap-secrets and the host).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
DIALIN_UID=4000
lab_setup
start_helper
dip=$(getent group dip | cut -d: -f3)
assert "Debian's pppd is setuid root for group dip" test -u /usr/sbin/pppd -a -n "$dip"

(umask 022; mkdir -p /run/mscb-lab-users && echo "cli user" >/run/mscb-lab-users/users)
# pppd runs the connector as the dial-in user, who must be able to execute it: on a box it is
# /usr/sbin/mscb-connect; the build tree may sit below a directory only root can enter.
install -D -m 0755 "$CONNECTOR" /run/mscb-lab-bin/mscb-connect
CONNECTOR=/run/mscb-lab-bin/mscb-connect
options=/etc/ppp/options.$(sed 's|^/dev/||; s|/|.|g' <<<"$SRV_TTY")
sed -e "s|^plugin mscb.so\$|plugin $PLUGIN|" \
    -e "s|^mscb-users /etc/mscb/users\$|mscb-users /run/mscb-lab-users/users|" \
    -e "s|^mscb-connector /usr/sbin/mscb-connect\$|mscb-connector $CONNECTOR|" \
    "$MSCB_SRC/etc/ppp/options.ttyS0-getty" >"$options"
cp "$options" "$MSCB_RESULTS/options.tty"
assert_eq "three substitutions, nothing else changed" 3 \
    "$(diff "$MSCB_SRC/etc/ppp/options.ttyS0-getty" "$options" | grep -c '^>')"
# The server's name is the host name (the example sets none); the caller's address per user.
chap_secret cli "$(hostname)" lab-secret "$CLI_IP"

# getty + login, reduced to what matters: answer as root, then the login shell (ppp-login in the
# example) execs pppd as the dial-in user, on the terminal.
start_bg pppd-srv 240 ip netns exec srv bash -c '
    exec 0<>"$1" 1>&0
    /usr/sbin/chat -v -s TIMEOUT 120 "" ATZ OK ATS0=0 OK "\\c" RING ATA CONNECT "\\c" || exit 1
    exec setpriv --reuid="$2" --regid="$3" --clear-groups /usr/sbin/pppd debug logfd 2 "$4:"' \
    getty "$SRV_TTY" "$DIALIN_UID" "$dip" "$SRV_IP"
wait_log pppd-srv.log 'ATS0=0' 10 >/dev/null
start_caller pppd-cli callback "$CLI_NUMBER"
assert "server pppd answers on the terminal" wait_log pppd-srv.log 'Using interface ppp|using channel' 30 >/dev/null
srv_pid=$(pgrep -x -U "$DIALIN_UID" pppd | head -n 1)
assert "server pppd: real uid $DIALIN_UID, effective uid 0 (setuid)" \
    grep -Eq "^Uid:[[:space:]]+$DIALIN_UID[[:space:]]+0[[:space:]]" "/proc/${srv_pid:-0}/status"
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
start_bg pppd-cli-leg2 120 ip netns exec cli pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
    local nocrtscts lcp-restart 1 nodefaultroute noipdefault \
    connect "/usr/sbin/chat -v -s TIMEOUT 90 '' ATZ OK ATS0=1 OK '\\c' CONNECT '\\c'" \
    noauth user cli remotename srv
assert "the connector inherits pppd's helper connection" wait_log pppd-srv.log "mscb-connect --fd [0-9]+ " 20 >/dev/null
assert "the connector (the dial-in user) handed the line over" wait_event helper.log 20 job-state from=WaitLine to=HangUp >/dev/null
assert "server dials the caller" wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mA\".*\"digits\":\"$CLI_NUMBER\"" 40 >/dev/null
assert "same user authenticates again" wait_event pppd-srv.log 40 return-auth user=cli verdict=ok >/dev/null
assert "caller: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 30 >/dev/null
assert "ping across the return call" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
lab_finish
