#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lines with modem signals: both pppds run as real boxes do (`modem crtscts`, no `local`) on
# pstn-sim `signals` lines (n_gsm channels). The simulator sees each pppd's connect-time DTR
# pulse, raises DCD on CONNECT; when the exchange ends the call (carrier loss on both sides)
# DCD falls, the kernel hangs both ttys up, both pppds log "Modem hangup" and drop DTR.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
PSTN_SIGNALS=1
LINE_OPTS="modem crtscts"
lab_setup
assert "lines are n_gsm channels" test "${SRV_TTY#/dev/gsmtty}" != "$SRV_TTY" -a -c "$SRV_TTY" -a -c "$CLI_TTY"
start_server
start_caller pppd-cli

PSTN_LOG=$MSCB_RESULTS/pstn.jsonl
# sig LINE NAME on|off BY: a "signal" event of pstn-sim
sig() { grep -c "\"event\":\"signal\",\"line\":\"$1\",[^}]*\"signal\":\"$2\",\"on\":$3,\"by\":\"$4\"" "$PSTN_LOG"; }
assert "caller reaches IPCP" wait_log pppd-cli.log 'local  IP address' 40
assert "server reaches IPCP" wait_log pppd-srv.log 'remote IP address' 10
assert_eq "DCD raised once on mA" 1 "$(sig mA DCD true modem)"
assert_eq "DCD raised once on mB" 1 "$(sig mB DCD true modem)"
assert "caller's connect-time DTR pulse seen by mB" test "$(sig mB DTR false dte)" -ge 1
assert "server's connect-time DTR pulse seen by mA" test "$(sig mA DTR false dte)" -ge 1
drops_before=$(( $(sig mA DTR false dte) + $(sig mB DTR false dte) ))

log "exchange drops the call: carrier loss on both sides"
"$PSTN" ctl /run/pstn/control hangup mB >/dev/null
assert "caller: Modem hangup" wait_log pppd-cli.log 'Modem hangup' 15
assert "server: Modem hangup" wait_log pppd-srv.log 'Modem hangup' 15
assert_eq "DCD fell once on mA" 1 "$(sig mA DCD false modem)"
assert_eq "DCD fell once on mB" 1 "$(sig mB DCD false modem)"
assert "no vhangup on lines with signals" test "$(grep -c '"event":"vhangup"' "$PSTN_LOG")" = 0
wait_bg pppd-cli 20 >/dev/null
wait_bg pppd-srv 20 >/dev/null
assert "DTR fell on both lines at hang-up (the kernel's HUPCL on the hung-up gsmtty)" \
    test $(( $(sig mA DTR false dte) + $(sig mB DTR false dte) )) -ge $((drops_before + 2))
lab_finish
