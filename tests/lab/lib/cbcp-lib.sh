# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-side helpers for the CBCP scenarios: a simulated phone network (pstn-sim), the access
# server's pppd with mscb.so answering on modem A, the mscb helper, and a stock pppd caller
# (the `callback` client) dialling from modem B. Source after lib.sh.
. "$MSCB_SRC/tests/lab/lib/lib.sh"

PPPD_VERSION=$(pppd --version 2>&1 | awk '{print $3}')
PLUGIN=$MSCB_BUILD/plugin/$PPPD_VERSION/mscb.so
# The access server's pppd. MSCB_LAB_SERVER_PPPD=nocbcp: pppd 2.5.2 built without CBCP from
# Debian's source (scripts/pppd-nocbcp, copied into the build tree), run from there; the
# caller stays Debian's pppd, whose `callback` client needs CBCP. The same mscb.so serves both.
case ${MSCB_LAB_SERVER_PPPD:-debian} in
    nocbcp) SRV_PPPD=$MSCB_BUILD/pppd-nocbcp/pppd
            SRV_HOOKS='pppd 2.5.2 has no CBCP compiled in: mscb carries CBCP \(0xc029\) in the .protocols. table' ;;
    *)      SRV_PPPD=pppd
            SRV_HOOKS='has CBCP compiled in: mscb takes over its .cbcp_protent. slot' ;;
esac
PSTN=$MSCB_BUILD/tools/pstn/pstn-sim
HELPER=$MSCB_BUILD/helper/mscb-helper
CONNECTOR=$MSCB_BUILD/helper/mscb-connect
MSCBCTL=$MSCB_BUILD/helper/mscbctl
SRV_NUMBER=5550001
CLI_NUMBER=5551234
SRV_IP=10.66.0.1
CLI_IP=10.66.0.2
HELPER_SOCKET=/run/mscb/helper.sock
# PSTN_SIGNALS=1 gives both lines modem control lines (pstn-sim `signals`: n_gsm channels,
# /dev/gsmttyN); LINE_OPTS is how both pppds treat the line ("modem crtscts" on such lines);
# HELPER_HANGUP is the helper's hang-up method (dtr needs signals).
PSTN_SIGNALS=${PSTN_SIGNALS:-0}
LINE_OPTS=${LINE_OPTS:-local nocrtscts}
HELPER_HANGUP=${HELPER_HANGUP:-escape}
# LAB_WRAP=$MSCB_SRC/tests/lab/lib/stamp puts wall-clock times on every pppd and helper log line.
LAB_WRAP=${LAB_WRAP:-}

# start_pstn [EXTRA-B-FAULTS]: modems mA (server, $SRV_NUMBER) and mB (caller, $CLI_NUMBER);
# sets SRV_TTY / CLI_TTY to their /dev/pts paths (pppd sends the line name to the helper,
# which only accepts /dev paths). PSTN_EXTRA_LINES="NAME=NUMBER ..." adds more modems; their
# device is `pstn_tty NAME`.
start_pstn() {
    local sig="" extra=() l
    if [ "$PSTN_SIGNALS" = 1 ]; then
        # n_gsm is a module of the guest kernel; the root is read-only but modprobe reads it fine
        modprobe n_gsm || { fail "modprobe n_gsm"; lab_finish; }
        sig=,signals
    fi
    for l in ${PSTN_EXTRA_LINES:-}; do extra+=(--line "$l$sig"); done
    start_bg pstn 900 "$PSTN" --dir /run/pstn --line "mA=$SRV_NUMBER$sig" --line "mB=$CLI_NUMBER$sig$1" "${extra[@]}" \
        --log "$MSCB_RESULTS/pstn.jsonl" --control /run/pstn/control \
        --ring-interval 500 --guard-time 300
    local pid
    pid=$(job_pid pstn)
    wait_log /run/pstn/ready "^pid $pid\$" 5 >/dev/null
    SRV_TTY=$(awk '$1 == "mA" { print $3 }' /run/pstn/ready)
    CLI_TTY=$(awk '$1 == "mB" { print $3 }' /run/pstn/ready)
    [ -n "$SRV_TTY" ] && [ -n "$CLI_TTY" ] || { fail "pstn-sim lines not ready"; lab_finish; }
    log "pstn: mA=$SRV_NUMBER on $SRV_TTY, mB=$CLI_NUMBER on $CLI_TTY"
}

# pstn_tty NAME: the device of modem NAME.
pstn_tty() { awk -v n="$1" '$1 == n { print $3 }' /run/pstn/ready; }

# lab_users TEXT: writes /etc/ppp/mscb-users (root-owned 0600, as mscb demands).
lab_users() {
    (umask 077; printf '%s\n' "$1" >/etc/ppp/mscb-users)
}

# write_helper_conf [KEY=VALUE...]: /run/mscb-lab/helper.conf for modem mA (hangup $HELPER_HANGUP:
# escape by default, a pty has no DTR), attempts/backoff/reset-lead 2 unless given, then the text
# of HELPER_EXTRA_CONF (more [modem] sections); a copy to the results.
write_helper_conf() {
    local kv key
    declare -A cfg=([attempts]=2 [backoff]=2 [reset-lead]=2)
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
        echo "hangup = $HELPER_HANGUP"
        echo "dial-prefix = T"
        [ -z "${HELPER_EXTRA_CONF:-}" ] || printf '\n%s\n' "$HELPER_EXTRA_CONF"
     } >/run/mscb-lab/helper.conf)
    cp /run/mscb-lab/helper.conf "$MSCB_RESULTS/helper.conf"
}

# run_helper NAME: the one way the lab starts mscb-helper (job NAME: helper, helper2, ...) with
# /run/mscb-lab/helper.conf, in the server's network namespace as on a real box (its rtnetlink
# monitor then sees pppd's links). The guest runs no udevd: the monitors are off unless
# HELPER_MONITORS=1. Returns when it listens.
run_helper() {
    local name=$1 monitors=--no-monitors
    [ "${HELPER_MONITORS:-0}" = 1 ] && monitors=
    start_bg "$name" 900 ip netns exec srv $LAB_WRAP "$HELPER" --config /run/mscb-lab/helper.conf \
        --foreground --no-syslog $monitors
    wait_log "$name.log" 'listening on' 10 >/dev/null || fail "$name: helper not listening"
    wait_file "$HELPER_SOCKET" 5 || fail "$name: helper socket did not appear"
}

# start_helper [KEY=VALUE...]: write the config and start the helper as job `helper`.
start_helper() {
    write_helper_conf "$@"
    run_helper helper
}

# The server answers on modem A like a dial-in line: wait for RING, answer, then PPP.
SRV_ANSWER="/usr/sbin/chat -v -s TIMEOUT 120 '' ATZ OK ATS0=0 OK '\\c' RING ATA CONNECT '\\c'"

# start_server [MSCB OPTIONS...]: pppd with mscb on modem A in netns srv (CHAP, 10.66.0.1).
# SRV_RECORD=0 leaves out pppd's `record` (with it, pppd puts a pty and its charshunt between
# the modem and the connect script, so mscb-connect would hand the helper that pty instead).
start_server() {
    local record=()
    [ "${SRV_RECORD:-1}" = 1 ] && record=(record "$MSCB_RESULTS/srv.record")
    start_bg pppd-srv 240 ip netns exec srv $LAB_WRAP "$SRV_PPPD" "$SRV_TTY" 115200 nodetach debug logfd 2 \
        $LINE_OPTS lcp-restart 1 nodefaultroute connect "$SRV_ANSWER" \
        auth require-chap name srv "$SRV_IP:$CLI_IP" "${record[@]}" \
        plugin "$PLUGIN" mscb mscb-helper-socket "$HELPER_SOCKET" mscb-delay-min 5 "$@"
    wait_log pppd-srv.log 'send \(ATS0=0' 10 >/dev/null || wait_log pppd-srv.log 'ATS0=0' 10 >/dev/null
    # One line says how mscb hooked this pppd (chosen at load time, doc/pppd-hooks.md §1).
    assert "server pppd: mscb's hook path logged" wait_log pppd-srv.log "$SRV_HOOKS" 5 >/dev/null
}

# start_caller NAME [PPPD OPTIONS...]: the stock pppd client dialling the server from modem B.
start_caller() {
    local name=$1; shift
    start_bg "$name" 180 ip netns exec cli $LAB_WRAP pppd "$CLI_TTY" 115200 nodetach debug logfd 2 \
        $LINE_OPTS lcp-restart 1 nodefaultroute noipdefault \
        connect "/usr/sbin/chat -v -s TIMEOUT 30 '' ATZ OK ATDT$SRV_NUMBER CONNECT '\\c'" \
        noauth user cli remotename srv "$@"
}

# lab_setup: namespaces, the caller's CHAP secret, the phone network.
lab_setup() {
    log "$(pppd --version 2>&1); server pppd $SRV_PPPD; plugin $PLUGIN"
    assert "mscb.so built for this pppd" test -f "$PLUGIN" || lab_finish
    if [ "$SRV_PPPD" != pppd ]; then
        assert "server pppd runs here (its libraries are in this root)" "$SRV_PPPD" --version || lab_finish
        assert "server pppd has no CBCP" bash -c "! grep -q cbcp_protent '$SRV_PPPD'"
    fi
    netns_add srv cli
    chap_secret cli srv lab-secret
    start_pstn "$1"
}

# no_ipcp LOG: the first call never reached the network phase.
no_ipcp() {
    ! grep -Eq 'local  IP address|remote IP address|sent \[IPCP ConfAck' "$MSCB_RESULTS/$1"
}

# lab_end_part NAME: end a part of a multi-part scenario: stop the caller if it is still up, wait
# for both pppds, and keep their logs as pppd-srv-NAME.log / pppd-cli-NAME.log.
lab_end_part() {
    [ -n "$(job_pid pppd-cli)" ] && stop_bg pppd-cli TERM
    wait_bg pppd-cli 20 >/dev/null
    wait_bg pppd-srv 20 >/dev/null
    mv "$MSCB_RESULTS/pppd-srv.log" "$MSCB_RESULTS/pppd-srv-$1.log"
    mv "$MSCB_RESULTS/pppd-cli.log" "$MSCB_RESULTS/pppd-cli-$1.log"
}

# autoppp_options USERS-FILE: /etc/ppp/options.mgetty-autoppp from etc/ as shipped, with only
# the plugin, the users file and the connector substituted (asserted with diff); a copy to the results.
autoppp_options() {
    sed -e "s|^plugin mscb.so\$|plugin $PLUGIN|" \
        -e "s|^mscb-users /etc/mscb/users\$|mscb-users $1|" \
        -e "s|^mscb-connector /usr/sbin/mscb-connect\$|mscb-connector $CONNECTOR|" \
        "$MSCB_SRC/etc/ppp/options.mgetty-autoppp" >/etc/ppp/options.mgetty-autoppp
    cp /etc/ppp/options.mgetty-autoppp "$MSCB_RESULTS/"
    assert_eq "options file: three substitutions, nothing else changed" 3 \
        "$(diff "$MSCB_SRC/etc/ppp/options.mgetty-autoppp" /etc/ppp/options.mgetty-autoppp | grep -c '^>')"
}
