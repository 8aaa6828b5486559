#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RADIUS accounting of a callback (issue 16 item 3b, doc/radius-accounting.md), read from
# FreeRADIUS's detail file: pppd's radius.so accounts a session from IPCP up to IPCP down, so
#   - the first call (CBCP before any network protocol) has an Access-Request and no
#     accounting at all: no Acct-Stop, so no Acct-Terminate-Cause = Callback to send;
#   - the return call has one Acct-Start and one Acct-Stop with one Acct-Session-Id;
#   - the link between the two calls: the same User-Name and NAS-Port, and the return call's
#     Calling-Station-Id = the number called back (mscb sets pppd's remote number on the return
#     call); radius.so sends no Acct-Multi-Session-Id and takes no per-call attributes.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
. "$MSCB_SRC/tests/lab/lib/radius-lib.sh"
DETAIL=$RADIUS_DIR/log/radacct/detail
lab_setup
start_helper
start_radius 'racct	Cleartext-Password := "pw"
	Service-Type = Framed-User, Framed-Protocol = PPP, Class = "lab-class"' || lab_finish
radius_client_conf
chap_secret racct srv pw

SRV_RECORD=0 start_server "${RADIUS_OPTS[@]}" mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER" user racct
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert "no accounting for the first call (no IPCP)" bash -c "sleep 1; [ ! -s '$DETAIL' ]"
start_leg2 pppd-cli-leg2 120 racct
assert "return call: IPCP up" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 60 >/dev/null
assert "return call: Acct-Start in the detail file" wait_log "$DETAIL" 'Acct-Status-Type = Start' 10 >/dev/null
sleep 1
finish_return_call pppd-cli-leg2
assert "return call: Acct-Stop in the detail file" wait_log "$DETAIL" 'Acct-Status-Type = Stop' 10 >/dev/null
stop_radius
cp "$DETAIL" "$MSCB_RESULTS/radius-detail.txt"

# One line per RADIUS packet: TYPE then its attributes as NAME=VALUE, tab-separated; the
# Access-Requests from FreeRADIUS's -X log, the Accounting-Requests from the detail file.
python3 - "$MSCB_RESULTS/radius.log" "$DETAIL" >"$MSCB_RESULTS/radius-packets.txt" <<'PY'
import re, sys
log, detail = sys.argv[1], sys.argv[2]
packets = []
cur = None
for line in open(log, errors="replace"):
    # "(N) Received Access-Request ...", then its attributes as "(N)   Name = value"; the first
    # other line ends them.
    if re.match(r"\(\d+\) Received Access-Request", line):
        cur = ["Access-Request"]
        packets.append(cur)
        continue
    m = re.match(r"\(\d+\)   ([A-Za-z][A-Za-z0-9-]*) = (.*)$", line)
    if cur is not None and m:
        cur.append(f"{m.group(1)}={m.group(2).strip().strip(chr(34))}")
        continue
    cur = None
rec = None
for line in open(detail):
    if not line.strip():
        rec = None
        continue
    if not line.startswith(("\t", " ")):
        rec = ["Accounting-Request"]
        packets.append(rec)
        continue
    name, _, value = line.strip().partition(" = ")
    rec.append(f"{name}={value.strip(chr(34))}")
for p in packets:
    print("\t".join(p))
PY
cat "$MSCB_RESULTS/radius-packets.txt"
# attr N NAME: NAME's value in the N-th packet line.
attr() { sed -n "${1}p" "$MSCB_RESULTS/radius-packets.txt" | tr '\t' '\n' | sed -n "s/^$2=//p" | head -n 1; }
kinds=$(while IFS=$'\t' read -r type rest; do
    case $type in
    Accounting-Request) printf '%s ' "$(printf '%s\n' "$rest" | tr '\t' '\n' | sed -n 's/^Acct-Status-Type=//p')" ;;
    *) printf '%s ' "$type" ;;
    esac
done <"$MSCB_RESULTS/radius-packets.txt")
assert_eq "packets: first call's Access-Request, return call's Access-Request, Start, Stop" \
    "Access-Request Access-Request Start Stop " "$kinds"
assert_eq "both calls: the same user" "racct racct racct racct" "$(attr 1 User-Name) $(attr 2 User-Name) $(attr 3 User-Name) $(attr 4 User-Name)"
assert_eq "both calls: the same NAS-Port (the line)" "$(attr 1 NAS-Port)" "$(attr 3 NAS-Port)"
assert "Start and Stop: one Acct-Session-Id" test -n "$(attr 3 Acct-Session-Id)" -a "$(attr 3 Acct-Session-Id)" = "$(attr 4 Acct-Session-Id)"
assert_eq "no Acct-Multi-Session-Id (radius.so never sends one)" "" "$(attr 3 Acct-Multi-Session-Id)$(attr 4 Acct-Multi-Session-Id)"
assert_eq "the return call's Calling-Station-Id: the number called back (mscb's remote number)" \
    "$CLI_NUMBER $CLI_NUMBER $CLI_NUMBER" "$(attr 2 Calling-Station-Id) $(attr 3 Calling-Station-Id) $(attr 4 Calling-Station-Id)"
assert "the first call's Calling-Station-Id is not the callback number" test "$(attr 1 Calling-Station-Id)" != "$CLI_NUMBER"
assert "Class from the Access-Accept echoed in Start and Stop" \
    test -n "$(attr 3 Class)" -a "$(attr 3 Class)" = "$(attr 4 Class)"
log "return call's Acct-Terminate-Cause: $(attr 4 Acct-Terminate-Cause)"
assert "the return call's Stop says how it ended, not Callback" \
    bash -c "case '$(attr 4 Acct-Terminate-Cause)' in User-Request|Lost-Carrier|NAS-Error) ;; *) exit 1 ;; esac"
lab_finish
