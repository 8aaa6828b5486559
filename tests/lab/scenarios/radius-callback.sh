#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 5: callback policy from a real FreeRADIUS through pppd's radius.so (radattr.so loaded too,
# to prove mscb chains the hook). Each part is a first leg: the job that reaches the helper
# shows which number mscb agreed to call.
#   A. Callback-Number = preset            B. Cisco lcp:callback-dialstring= (caller chooses),
#   overriding a local "none"               C. Service-Type Callback-Framed-User without and with
#   mscb-radius-callback-framed            D. Callback-Id = a named place of the users file
#   E. RADIUS reject                       F. RADIUS server down
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/radius-lib.sh"
lab_setup
start_helper
start_radius 'rnum	Cleartext-Password := "pw"
	Service-Type = Framed-User, Framed-Protocol = PPP, Callback-Number = "555-1234"

rcisco	Cleartext-Password := "pw"
	Service-Type = Framed-User, Framed-Protocol = PPP, Cisco-AVPair = "lcp:callback-dialstring="

rsecure	Cleartext-Password := "pw"
	Service-Type = Callback-Framed-User, Framed-Protocol = PPP, Callback-Number = "5551234"

rplace	Cleartext-Password := "pw"
	Service-Type = Framed-User, Framed-Protocol = PPP, Callback-Id = "home"' || lab_finish
radius_client_conf
lab_users $'@home 555 1234\nrcisco none\n* none'
SERVER_OPTS=("${RADIUS_OPTS_RADATTR[@]}" mscb-users /etc/ppp/mscb-users)

# part NAME USER [mscb options...]: server with RADIUS, the caller asks for callback to 5559999.
part() {
    local name=$1 user=$2; shift 2
    log "--- part $name: user $user $*"
    chap_secret "$user" srv pw
    start_server "${SERVER_OPTS[@]}" "$@"
    start_caller pppd-cli callback 5559999 user "$user" password pw
}
# end_part NAME: lab_end_part, then cancel what the helper still holds.
end_part() {
    lab_end_part "$1"
    "$MSCBCTL" --socket "$HELPER_SOCKET" status 2>/dev/null | awk '$1 == "job" { print $2 }' |
        while read -r job; do "$MSCBCTL" --socket "$HELPER_SOCKET" cancel "$job" >/dev/null; done
}

# no_cbcp_no_job PART: that part's server sent no CBCP Request and handed no job.
no_cbcp_no_job() { ! grep -q 'CBCP Request' "$MSCB_RESULTS/pppd-srv-$1.log" && [ "$(event_count "pppd-srv-$1.log" handed)" = 0 ]; }

part A-callback-number rnum
assert "A: radattr.so still sees the reply (hook chained)" wait_log pppd-srv.log 'RADATTR plugin wrote' 30
assert "A: policy from RADIUS Callback-Number" \
    wait_event pppd-srv.log 10 asked policy=preset%205551234%20optional source=RADIUS%20Callback-Number
assert "A: Request offers no-callback and admin" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[no-callback\] \[admin delay=0\]\]' 10
assert "A: job to the RADIUS number, not the caller's" wait_event pppd-srv.log 15 handed number=5551234
end_part A

part B-cisco-dialstring rcisco
assert "B: RADIUS beats the users file's 'none'" \
    wait_event pppd-srv.log 30 asked user=rcisco policy=user%20optional source=RADIUS%20lcp:callback-dialstring
assert "B: job to the caller's own number" wait_event pppd-srv.log 15 handed number=5559999
end_part B

part C1-service-type-4 rsecure
assert "C1: stock radius.so refuses Service-Type 4" wait_log pppd-srv.log 'RADIUS: wrong service type 4 for rsecure' 30
assert "C1: CHAP fails" wait_log pppd-srv.log 'sent \[CHAP Failure' 10
end_part C1
assert "C1: no network phase" no_ipcp pppd-srv-C1.log

part C2-service-type-4-rewritten rsecure mscb-radius-callback-framed
assert "C2: login accepted" wait_log pppd-srv.log 'sent \[CHAP Success' 30
assert "C2: callback required: admin only (secure)" wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[admin delay=0\]\]' 10
assert "C2: job to the RADIUS number" wait_event pppd-srv.log 15 handed number=5551234
end_part C2

part D-callback-id rplace
assert "D: Callback-Id names the place 'home'" \
    wait_event pppd-srv.log 30 asked user=rplace policy=preset%205551234%20optional source=RADIUS%20Callback-Id
assert "D: job to the place's number" wait_event pppd-srv.log 15 handed number=5551234
end_part D

log "--- part E: RADIUS reject (wrong password)"
chap_secret rnum srv wrong
start_server "${SERVER_OPTS[@]}"
start_caller pppd-cli callback 5559999 user rnum password wrong
assert "E: CHAP fails" wait_log pppd-srv.log 'sent \[CHAP Failure' 30
end_part E
assert "E: no CBCP, no job" no_cbcp_no_job E

log "--- part F: RADIUS server down"
stop_radius
part F-radius-down rnum
assert "F: CHAP fails after radiusclient's timeouts" wait_log pppd-srv.log 'sent \[CHAP Failure' 30
end_part F
assert "F: no CBCP, no job" no_cbcp_no_job F
lab_finish
