#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RADIUS smoke: the server pppd authenticates the caller by CHAP through pppd's radius.so against
# FreeRADIUS (netns aaa), mscb loaded but not asked for callback.
#   1. accept: IPCP up, ping, accounting Start/Stop reach FreeRADIUS
#   2. radattr.so: the callback attributes (Callback-Number, Callback-Id, Cisco-AVPair
#      lcp:callback-dialstring) are sent by FreeRADIUS and decoded by radius.so
#   3. reject: wrong password -> Access-Reject -> CHAP Failure, no IPCP
#   4. Service-Type = Callback-Framed-User: radius.so refuses it ("wrong service type 4")
#   5. RADIUS server down: CHAP fails after radiusclient's timeouts (bounded)
# The local chap-secrets entry for cli (lab-secret, used by the caller side of the shared /etc/ppp)
# differs from the RADIUS password: the server must not be using it.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/radius-lib.sh"
lab_setup

start_radius 'cli	Cleartext-Password := "radius-pw"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Reply-Message = "welcome cli",
	Class = "lab-class-cli"

cbattr	Cleartext-Password := "cbattr-pw"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Callback-Number = "5551234",
	Callback-Id = "home",
	Cisco-AVPair = "lcp:callback-dialstring=5551234",
	Session-Timeout = 3600,
	Idle-Timeout = 600

cb4	Cleartext-Password := "cb4-pw"
	Service-Type = Callback-Framed-User,
	Callback-Number = "5551234"' || lab_finish
radius_client_conf
log "radiusclient: timeout ${RADIUS_TIMEOUT}s x ${RADIUS_RETRIES} tries"

radius_has() { grep -Eq -- "$1" "$MSCB_RESULTS/radius.log"; }

log "--- part 1: CHAP through radius.so, Access-Accept"
start_server "${RADIUS_OPTS[@]}"
start_caller pppd-cli password radius-pw
assert "radius.so loaded" wait_log pppd-srv.log 'RADIUS plugin initialized' 5
assert "server: CHAP Success" wait_log pppd-srv.log 'sent \[CHAP Success' 30
assert "FreeRADIUS sent Access-Accept for cli" radius_has 'Sent Access-Accept'
assert "caller: IPCP up" wait_log pppd-cli.log "local  IP address $CLI_IP" 20
assert "ping across" in_ns cli ping -c 2 -i 0.2 -W 2 "$SRV_IP" >"$MSCB_RESULTS/ping1.log" 2>&1
assert "accounting Start reached FreeRADIUS" wait_log radius.log 'Acct-Status-Type = Start' 10
stop_bg pppd-cli TERM
assert "accounting Stop reached FreeRADIUS" wait_log radius.log 'Acct-Status-Type = Stop' 15
lab_end_part accept

log "--- part 2: radattr.so shows what radius.so decoded (callback attributes)"
start_server "${RADIUS_OPTS_RADATTR[@]}"
start_caller pppd-cli user cbattr password cbattr-pw
assert "server: CHAP Success" wait_log pppd-srv.log 'sent \[CHAP Success' 30
assert "radattr wrote its file" wait_log pppd-srv.log 'RADATTR plugin wrote' 5
radius_attrs "$MSCB_RESULTS/radattr-cbattr.txt"
for want in 'Service-Type Framed-User' 'Callback-Number 5551234' 'Callback-Id home' \
            'Cisco-AVPair lcp:callback-dialstring=5551234' 'Session-Timeout 3600'; do
    assert "radattr: $want" grep -qxF "$want" "$MSCB_RESULTS/radattr-cbattr.txt"
done
for want in 'Callback-Number = "5551234"' 'Callback-Id = "home"' \
            'Cisco-AVPair = "lcp:callback-dialstring=5551234"'; do
    assert "FreeRADIUS sent $want" radius_has "$want"
done
assert "no unknown attribute in radius.so" bash -c "! grep -q 'unknown attribute' '$MSCB_RESULTS/pppd-srv.log'"
wait_log pppd-cli.log "local  IP address $CLI_IP" 20 >/dev/null
lab_end_part radattr

log "--- part 3: wrong password (the local chap-secrets one): Access-Reject"
start_server "${RADIUS_OPTS[@]}"
start_caller pppd-cli password lab-secret
assert "server: CHAP Failure" wait_log pppd-srv.log 'sent \[CHAP Failure' 30
assert "FreeRADIUS sent Access-Reject" radius_has 'Sent Access-Reject'
assert "Access-Reject carries no reply items" bash -c \
    "! grep -A3 'Sent Access-Reject' '$MSCB_RESULTS/radius.log' | grep -q 'Service-Type\|Reply-Message'"
lab_end_part reject
assert "reject: no IPCP" no_ipcp pppd-cli-reject.log

log "--- part 4: Service-Type = Callback-Framed-User"
rm -f /run/radattr.ppp*
radius_attrs_watch "$MSCB_RESULTS/radattr-cb4.txt"
start_server "${RADIUS_OPTS_RADATTR[@]}"
start_caller pppd-cli user cb4 password cb4-pw
assert "radius.so: wrong service type 4" wait_log pppd-srv.log 'RADIUS: wrong service type 4 for cb4' 30
assert "server: CHAP Failure" wait_log pppd-srv.log 'sent \[CHAP Failure' 10
lab_end_part cb4
stop_bg radattr-watch TERM
# radattr's file lives only until pppd gives up, so the copy may miss it on a busy host: the
# decisive evidence is FreeRADIUS sending it and radattr (chained after radius.so) seeing lines.
assert "FreeRADIUS sent Service-Type = Callback-Framed-User" radius_has 'Service-Type = Callback-Framed-User'
assert "radattr (cb4) saw the reply before radius.so refused it" grep -q 'RADATTR plugin wrote [1-9]' \
    "$MSCB_RESULTS/pppd-srv-cb4.log"
if [ -s "$MSCB_RESULTS/radattr-cb4.txt" ]; then
    assert "radattr (cb4): Service-Type Callback-Framed-User decoded" \
        grep -qxF 'Service-Type Callback-Framed-User' "$MSCB_RESULTS/radattr-cb4.txt"
fi
assert "Service-Type 4: no IPCP" no_ipcp pppd-cli-cb4.log

log "--- part 5: RADIUS server down"
stop_radius
start_server "${RADIUS_OPTS[@]}"
start_caller pppd-cli password radius-pw
wait_log pppd-srv.log 'rcvd \[CHAP Response' 30 >/dev/null
t0=$(_lab_us)
assert "server: CHAP Failure" wait_log pppd-srv.log 'sent \[CHAP Failure' $((RADIUS_TIMEOUT * RADIUS_RETRIES + 10))
down_s=$(awk -v us=$(( $(_lab_us) - t0 )) 'BEGIN { printf "%.1f", us / 1e6 }')
log "server down: CHAP Response -> CHAP Failure in ${down_s}s (radiusclient: ${RADIUS_TIMEOUT}s x ${RADIUS_RETRIES})"
assert "radius.so: no reply from the server" grep -q 'no reply from RADIUS server' "$MSCB_RESULTS/pppd-srv.log"
assert "failure bounded by timeout x retries (+2 s)" \
    awk -v s="$down_s" -v lo=$((RADIUS_TIMEOUT * RADIUS_RETRIES - 1)) -v hi=$((RADIUS_TIMEOUT * RADIUS_RETRIES + 2)) \
    'BEGIN { exit !(s >= lo && s <= hi) }'
lab_end_part down
assert "server down: no IPCP" no_ipcp pppd-cli-down.log
echo "radius_ready_s $RADIUS_READY_S" >"$MSCB_RESULTS/timings.txt"
echo "server_down_fail_s $down_s" >>"$MSCB_RESULTS/timings.txt"
lab_finish
