#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak of a persistent line, the README's main setup as shipped: `pppd call mscb-dialin` with
# etc/ppp/peers/mscb-dialin (device, plugin, connector and users file substituted; its addresses
# are the lab's already), answering call after call in one pppd process:
#   1 cli: callback to its own number          6 (helper restarted between calls)
#   2 cli2: callback to its preset              7 cli: callback again, after the restart
#   3 cli: callback, first dial BUSY (retry)    8 cli2: callback again
#   4 a caller asking for no callback           9 cli: a premium-rate number, refused
#   5 cli: return call never answered (job fails)   10 cli: callback again
# pppd never exits; every agreed callback is dialled at its delay; every answered return call
# comes up; mscbctl history lists each job with its outcome; at the end no helper chat, no
# journal file and no extra descriptor in pppd or the helper is left (counted).
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"

fds() { find "/proc/$1/fd" -mindepth 1 2>/dev/null | wc -l; }

lab_setup
chap_secret cli mscb-server lab-secret
chap_secret cli2 srv lab-secret
chap_secret cli2 mscb-server lab-secret
(umask 022; mkdir -p /run/mscb-lab-users && printf 'cli user\ncli2 preset %s\n' "$CLI_NUMBER" >/run/mscb-lab-users/users)
start_helper_cfg helper attempts=2 backoff=2
start_shipped_dialin /run/mscb-lab-users/users
# pppd reads backslash escapes in its options files: chat must get '\c', not 'c'.
assert "the connect script sends nothing after ATS0=0 (no stray 'c')" \
    bash -c "! grep -q 'send (c^M)' '$MSCB_RESULTS/pppd-srv.log'"
server=$SERVER_PID

callback_round 1 cli
fds_after_first=$(fds "$server")
callback_round 2 cli2
callback_round 3 cli busy

log "--- call 4: no callback"
start_caller cli-4 user cli
assert "[4] IPCP up on the first call" wait_log cli-4.log "local  IP address $CLI_IP" 40 >/dev/null
stop_bg cli-4 TERM
wait_bg cli-4 15 >/dev/null
next_call "[4]"

unanswered_round 5

log "--- helper restart between calls"
stop_bg helper TERM
wait_bg helper 15 >/dev/null
mv "$MSCB_RESULTS/helper.log" "$MSCB_RESULTS/helper-1.log"
restart_helper helper
callback_round 7 cli
callback_round 8 cli2

# A number the shipped deny list refuses (0900: premium rate). The stock client answers `user`
# with it to every Request (Windows would let its user press ESC), so the shipped budget ends the
# call: mscb-max-req 30 x mscb-restart 2 s, ~60 s. The line must answer the next call.
log "--- call 9: cli asks for a callback to a premium-rate number"
start_caller cli-9 callback 0900123456 user cli
assert "[9] number refused by the deny list" \
    wait_event pppd-srv.log 30 number-refused number=0900123456 kind=deny-prefix
assert "[9] the Request budget ends the call" \
    wait_event pppd-srv.log 90 cbcp-failed requests=30
wait_bg cli-9 30 >/dev/null
next_call "[9]"
callback_round 10 cli

assert_eq "every agreed callback dialled (calls 1, 2, 3 twice, 5 twice, 7, 8, 10; never 9)" 9 "$(callback_dials)"
assert_eq "pppd never exited" "" "$(cat "$LAB_RUN/jobs/pppd-srv.rc" 2>/dev/null)"
mscbctl history >"$MSCB_RESULTS/mscbctl-history.txt" 2>&1
assert_eq "history after the restart: calls 7, 8 and 10 connected" 3 \
    "$(grep -Ec 'connected +user=cli2? ' "$MSCB_RESULTS/mscbctl-history.txt")"
cat "$MSCB_RESULTS/helper-1.log" "$MSCB_RESULTS/helper.log" >"$MSCB_RESULTS/helper-all.log"
assert_eq "before the restart: three jobs connected, one failed" "3 1" \
    "$(event_count helper-1.log job-state to=Connected) $(event_count helper-1.log job-state to=Failed)"
assert_eq "no callback refused as a loop" 0 "$(event_count helper-all.log admit-refused kind=loop)"
# (pppd's own connect script is a chat too, waiting for the next RING: only the helper's count)
assert_eq "no chat process of the helper left" 0 "$(pgrep -xc -P "$(job_pid helper)" chat)"
assert_eq "no journal file left" 0 "$(find /run/mscb-journal -type f | wc -l)"
assert_eq "pppd holds as many descriptors as after the first callback" "$fds_after_first" "$(fds "$server")"
log "descriptors: pppd $(fds "$server") (after call 1: $fds_after_first), helper $(fds "$(job_pid helper)")"
stop_bg pppd-srv TERM
wait_bg pppd-srv 20 >/dev/null
lab_finish
