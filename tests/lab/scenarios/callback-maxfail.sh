#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shipped persistent line with pppd's `maxfail 2` (pppd(8): end after 2 consecutive failed
# calls). pppd counts a call as failed unless an NCP comes up, and a callback's first call never
# gets that far: mscb counts a call that agreed a callback as a success, so only calls that fail
# count. The calls, in one pppd:
#   1 cli: callback, the return call is never answered (one failed call: the return call)
#   2 cli: callback that connects (resets the count)
#   3 cli: callback, never answered again; 4 cli: callback that connects
# Without mscb's reset, call 1 alone (first call + failed return call = 2) ends pppd.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"

lab_setup
chap_secret cli mscb-server lab-secret
(umask 022; mkdir -p /run/mscb-lab-users && printf 'cli user\n' >/run/mscb-lab-users/users)
start_helper_cfg helper attempts=1 backoff=2
start_shipped_dialin /run/mscb-lab-users/users maxfail 2

unanswered_round 1
callback_round 2 cli
unanswered_round 3
callback_round 4 cli

assert_eq "pppd never exited" "" "$(cat "$LAB_RUN/jobs/pppd-srv.rc" 2>/dev/null)"
assert_eq "every agreed callback dialled once (attempts=1)" 4 "$(callback_dials)"
stop_bg pppd-srv TERM
wait_bg pppd-srv 20 >/dev/null
lab_finish
