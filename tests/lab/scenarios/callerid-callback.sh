#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Caller-ID callback without answering: Debian's mgetty watches the server's line mA with caller
# ID on (AT+VCID=1) and `cnd-program` mscb-cnd. cli (5551234, listed in helper.conf's
# [caller-id] as user cli) dials and gives up after a few rings, as such a caller does; the call
# is never answered (no CONNECT, nothing billed), the helper calls 5551234 back from pool modem
# mP, and the return call's pppd there makes cli authenticate. An unlisted caller (cli2) is
# answered by mgetty as usual (mscb-cnd exits 0).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"

# Lines with modem signals (gsmtty): mgetty needs a tty with modem control lines (on a bare pty
# it reads EOF and takes the line for junk).
PSTN_SIGNALS=1
POOL_NUMBER=5550009
CLI2_NUMBER=5552345
PSTN_EXTRA_LINES="mP=$POOL_NUMBER mC=$CLI2_NUMBER"
RETURN_IP=10.66.0.3
MGETTY=/sbin/mgetty
CND=$MSCB_BUILD/helper/mscb-cnd

lab_setup
# The return call's pppd runs on the pool modem as its stdin with `modem` (the shipped options):
# it reopens the line to wait for carrier, which n_gsm never wakes on a DCD message (see
# return-call-mgetty.sh); its "always assume CD on" debug bit lets it through as a serial port would.
echo 2 >/sys/module/n_gsm/parameters/debug
log "$(dpkg-query -W -f='mgetty ${Version}' mgetty 2>&1)"
assert "mgetty installed in the guest" test -x "$MGETTY" || lab_finish
netns_add cli2
POOL_TTY=$(pstn_tty mP)
CLI2_TTY=$(pstn_tty mC)
chap_secret cli mscb-server lab-secret
chap_secret cli2 srv lab-secret

# The return call's options as shipped (plugin substituted), logging appended.
mkdir -p /run/mscb-lab && chmod 0700 /run/mscb-lab
sed -e "s|^plugin mscb.so\$|plugin $PLUGIN|" "$MSCB_SRC/etc/ppp/options.mscb-return" >/run/mscb-lab/options.return
printf 'debug\nlogfile %s\n' "$MSCB_RESULTS/pppd-pool.log" >>/run/mscb-lab/options.return
HELPER_EXTRA_CONF="[modem mP]
device = $POOL_TTY
pool = yes
hangup = escape
dial-prefix = T

[caller-id]
555-1234 = cli"
start_helper_cfg helper return-options=/run/mscb-lab/options.return caller-id-delay=8

# mgetty as the README and mscb-cnd(8) say: caller ID in the init string, two rings (the
# number comes between the first and the second), the hook. Config on a tmpfs (read-only root).
port=${SRV_TTY#/dev/}
mount -t tmpfs -o mode=0755 mgetty-etc /etc/mgetty
mkdir -p "$MSCB_RESULTS/mgetty-log" && mount --bind "$MSCB_RESULTS/mgetty-log" /var/log/mgetty
cat >/etc/mgetty/mgetty.config <<EOF
# SPDX-License-Identifier: GPL-2.0-or-later
debug 5
port $port
  speed 115200
  data-only yes
  direct no
  toggle-dtr yes
  toggle-dtr-waittime 300
  init-chat "" ATZ OK ATS0=0Q0&D3&C1+VCID=1 OK
  modem-check-time 3600
  rings 2
  cnd-program $CND
  answer-chat "" ATA CONNECT \\c \\r
  login-time 60
EOF
(umask 077; printf '*\t-\t-\t/bin/cat\n' >/etc/mgetty/login.config)
cp /etc/mgetty/mgetty.config "$MSCB_RESULTS/"
start_bg mgetty 240 ip netns exec srv bash -c "
    while :; do $MGETTY -x 5 -s 115200 $port; echo \"respawn: mgetty exited \$?\"; sleep 1; done"
assert "mgetty initialised the modem with caller ID on" \
    wait_log pstn.jsonl '"event":"command","line":"mA",[^}]*"text":"ATS0=0Q0&D3&C1\+VCID=1"' 20
sleep 1

log "--- cli (listed) dials, hears it ring, hangs up: never answered"
start_bg pppd-cli 60 ip netns exec cli bash -c \
    "/usr/sbin/chat -v -s TIMEOUT 6 '' ATZ OK ATDT$SRV_NUMBER CONNECT '' <$CLI_TTY >$CLI_TTY; echo chat \$?"
assert "pstn: mgetty's modem gets the caller ID" \
    wait_log pstn.jsonl '"event":"caller-id","line":"mA",[^}]*"caller-number":"5551234"' 20
job=$(wait_event helper.log 20 job-accepted user=cli dial-line="$POOL_TTY" >/dev/null &&
      event_field helper.log job job-accepted user=cli)
assert "helper: a caller-ID callback job dialled from mP" test -n "$job"
MGETTY_LOG=mgetty-log/mg_${port//\//-}.log
assert "mscb-cnd told mgetty not to answer" wait_log "$MGETTY_LOG" 'denied caller' 20
wait_bg pppd-cli 30 >/dev/null
assert_eq "the call was never answered" 0 "$(pstn_count '"event":"answer","line":"mA"')"
assert_eq "no connect from cli's dial" 0 "$(pstn_count '"event":"connect","caller":"mB"')"

log "--- the return call from mP"
start_leg2 pppd-cli-leg2 120
assert "mP dials cli's number" wait_log pstn.jsonl "\"event\":\"dial\",\"line\":\"mP\".*\"digits\":\"$CLI_NUMBER\"" 40
assert "the return call's pppd makes cli authenticate (the number's user)" \
    wait_event pppd-pool.log 40 return-auth user=cli expected=cli verdict=ok
assert "cli: IPCP up on the return call" wait_log pppd-cli-leg2.log "local  IP address $RETURN_IP" 30
assert "ping across the return call" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping.log" 2>&1
stop_bg pppd-cli-leg2 TERM
wait_bg pppd-cli-leg2 15 >/dev/null

log "--- cli2 (not listed) is answered by mgetty as usual"
# After a denied call mgetty waits for 8 s of silence on the line, then for the next RING.
assert "mgetty waits for the next call again" wait_count "$MGETTY_LOG" ' waiting\.\.\.$' 2 40
start_bg pppd-cli2 60 ip netns exec cli2 bash -c \
    "/usr/sbin/chat -v -s TIMEOUT 20 '' ATZ OK ATDT$SRV_NUMBER CONNECT '' <$CLI2_TTY >$CLI2_TTY; echo chat \$?"
assert "helper: cli2's number is not a caller-ID callback number" \
    wait_event helper.log 20 ring-answered number="$CLI2_NUMBER" kind=not-listed
assert "mgetty answers cli2" wait_log pstn.jsonl '"event":"answer","line":"mA",[^}]*"by":"ata"' 20
wait_bg pppd-cli2 30 >/dev/null
assert_eq "exactly one callback dial in all" 1 "$(pstn_count '"event":"dial","line":"mP"')"
lab_finish
