#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark (doc/performance.md §2), not a pass/fail scenario: the server pppd's memory with and
# without mscb.so. Three servers on modem A in turn, each reached by the stock pppd caller:
#   stock          no plugin; caller does not ask for callback          -> read at IPCP up
#   mscb           plugin mscb.so mscb (+connector); no callback asked  -> read at IPCP up
#   mscb-callback  the same, caller asks for callback                   -> read after the CBCP Ack,
#                  and again at IPCP up on the return call (same pppd, kept alive by mscb-connect)
# For each reading: VmRSS and VmHWM of /proc/PID/status, and the Rss of the mappings that mscb.so
# brings in (mscb.so itself, libstdc++, libgcc_s, libm) from /proc/PID/smaps. No `record` option
# (start_server's default), so the three command lines differ only by the plugin options.
# Output: $MSCB_RESULTS/pppd-rss.csv. Run: scripts/lab run tests/lab/scenarios/bench-pppd-rss.sh
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
. "$MSCB_SRC/tests/lab/lib/callback-lib.sh"
lab_setup
start_helper_cfg helper
csv=$MSCB_RESULTS/pppd-rss.csv
echo "case,phase,pid,vmrss_kib,vmhwm_kib,mscb_so_rss_kib,libstdcxx_rss_kib,libgcc_s_rss_kib,libm_rss_kib" >"$csv"

# record CASE PHASE: one CSV line for the server pppd's current process.
record() {
    local pid
    pid=$(job_pid pppd-srv)
    if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ]; then
        fail "$1/$2: server pppd not found (pid '${pid}')"
        return
    fi
    local line
    line=$(awk -v pid="$pid" -v c="$1" -v p="$2" '
        FNR == 1 { file++ }
        file == 1 && /^VmRSS:/ { rss = $2 }
        file == 1 && /^VmHWM:/ { hwm = $2 }
        file == 2 && /^[0-9a-f]+-[0-9a-f]+ / { lib = $6 }
        file == 2 && /^Rss:/ {
            if (lib ~ /mscb\.so$/) so += $2
            else if (lib ~ /libstdc\+\+/) cxx += $2
            else if (lib ~ /libgcc_s/) gcc += $2
            else if (lib ~ /\/libm\.so/) m += $2
        }
        END { printf "%s,%s,%s,%d,%d,%d,%d,%d,%d\n", c, p, pid, rss, hwm, so, cxx, gcc, m }
    ' "/proc/$pid/status" "/proc/$pid/smaps")
    echo "$line" >>"$csv"
    log "rss: $line"
}

# Stock pppd: start_server's command line without the plugin and its options.
log "--- stock pppd (no plugin)"
start_bg pppd-srv 240 ip netns exec srv pppd "$SRV_TTY" 115200 nodetach debug logfd 2 \
    local nocrtscts lcp-restart 1 nodefaultroute connect "$SRV_ANSWER" \
    auth require-chap name srv "$SRV_IP:$CLI_IP"
wait_log pppd-srv.log 'ATS0=0' 10 >/dev/null
start_caller pppd-cli
assert "stock: caller IPCP up" wait_log pppd-cli.log "local  IP address $CLI_IP" 30
sleep 1
record stock ipcp-up
stop_bg pppd-cli TERM
wait_bg pppd-cli 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-stock.log"; done

log "--- mscb loaded, caller does not ask for callback"
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli
assert "mscb: caller IPCP up" wait_log pppd-cli.log "local  IP address $CLI_IP" 30
sleep 1
record mscb ipcp-up
stop_bg pppd-cli TERM
wait_bg pppd-cli 15 >/dev/null
wait_bg pppd-srv 20 >/dev/null
for f in pppd-srv pppd-cli; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-mscb.log"; done

log "--- mscb loaded, caller asks for callback"
SRV_RECORD=0 start_server mscb-default user mscb-connector "$CONNECTOR"
start_caller pppd-cli callback "$CLI_NUMBER"
assert "mscb-callback: callback agreed" wait_event pppd-srv.log 30 agreed type=user number="$CLI_NUMBER"
record mscb-callback after-cbcp-ack
assert_eq "caller's first call ends with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
start_leg2 pppd-cli-leg2
assert "mscb-callback: return call IPCP up" wait_log pppd-cli-leg2.log "local  IP address $CLI_IP" 40
sleep 1
record mscb-callback return-call-ipcp-up
finish_return_call pppd-cli-leg2
for f in pppd-srv pppd-cli pppd-cli-leg2; do mv "$MSCB_RESULTS/$f.log" "$MSCB_RESULTS/$f-callback.log"; done
cat "$csv"
lab_finish
