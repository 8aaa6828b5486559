#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault (e): the helper's journal directory is full (a 4 KiB tmpfs, filled after the helper starts).
# Defined outcome (issue "faults in the lab"): a callback the helper cannot journal is not taken:
# the admission is refused with a clear reason (journal / no space), so the plugin falls back per
# policy — with `user` (optional) the caller is offered no-callback only and stays connected; no
# job runs without its journal. Once space is freed, callbacks work again.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
lab_setup
mkdir -p /run/mscb-journal
assert "tiny tmpfs as the journal dir" mount -t tmpfs -o size=4k,mode=0700 mscb-journal /run/mscb-journal
start_helper_cfg helper
dd if=/dev/zero of=/run/mscb-journal/.fill bs=1k count=64 >"$MSCB_RESULTS/dd.log" 2>&1
df -k /run/mscb-journal >"$MSCB_RESULTS/df.txt"; cat "$MSCB_RESULTS/df.txt"
assert "journal dir is full" bash -c "! echo x >/run/mscb-journal/.probe"
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "CHAP succeeds" wait_chap_ok pppd-srv.log cli 30
sleep 3
assert "server offers no-callback only (admission refused)" \
    grep -q 'sent \[CBCP Request id=1 \[no-callback\]\]' "$MSCB_RESULTS/pppd-srv.log"
assert "admission refused for the journal" wait_event helper.log 5 admit-refused user=cli kind=journal
assert "no job accepted without a journal" test "$(event_count helper.log job-accepted)" = 0
grep -E 'journal|job ' "$MSCB_RESULTS/helper.log" | head -20
stop_bg pppd-cli TERM; wait_bg pppd-cli 15 >/dev/null; wait_bg pppd-srv 20 >/dev/null
mv "$MSCB_RESULTS/pppd-srv.log" "$MSCB_RESULTS/pppd-srv-full.log"; mv "$MSCB_RESULTS/pppd-cli.log" "$MSCB_RESULTS/pppd-cli-full.log"
for j in $(accepted_job_ids "$MSCB_RESULTS/helper.log"); do mscbctl cancel "$j" >/dev/null 2>&1; done
sleep 1

log "--- space freed: a callback is accepted and journalled again"
rm -f /run/mscb-journal/.fill
SRV_RECORD=0 start_server mscb-default user
start_caller pppd-cli callback "$CLI_NUMBER"
assert "job handed to the helper" wait_event pppd-srv.log 30 handed
job=$(event_lines pppd-srv.log handed | tail -n 1 | tr ' ' '\n' | sed -n 's/^job=//p')
assert "journal file written" wait_file "/run/mscb-journal/$job" 5
mscbctl cancel "$job" >/dev/null 2>&1
wait_bg pppd-cli 20 >/dev/null; wait_bg pppd-srv 20 >/dev/null
lab_finish
