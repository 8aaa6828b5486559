#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 6 (host side): the raw exchange recorded by pppd's `record` option in a lab run is
# decoded by tshark (Wireshark's PPP dissectors, which no one here wrote). Every CBCP packet
# must decode without a malformed or expert mark, and the fields must be what was negotiated.
# usage: check-wire.sh RESULTS_DIR [EXPECTED_NUMBER]
set -u
dir=$1 number=${2:-}
record=$dir/srv.record
[ -s "$record" ] || { echo "FAIL: no pppd record file at $record (run the scenario first)"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark is not installed (scripts/deps installs it)"; exit 1; }
passes=0 failures=0
check() {
    if eval "$2"; then echo "PASS $1"; passes=$((passes + 1)); else echo "FAIL $1"; failures=$((failures + 1)); fi
}
ts() { tshark -r "$record" "$@" 2>/dev/null; }

ts -Y cbcp -V >"$dir/cbcp-tshark.txt"
fields=$(ts -Y cbcp -T fields -E separator=' ' -e frame.number -e ppp.code -e ppp.identifier \
            -e cbcp.opt.type -e cbcp.callback_delay -e cbcp.address)
printf '%s\n' "$fields" | tee "$dir/cbcp-fields.txt"
check "tshark decodes CBCP Request, Response and Ack" \
    '[ "$(printf "%s\n" "$fields" | awk "{print \$2}" | sort -u | tr -d "\n")" = 123 ]'
check "no malformed CBCP packet" '[ -z "$(ts -Y "cbcp && _ws.malformed")" ]'
check "no expert info on any CBCP packet" '[ -z "$(ts -Y "cbcp && _ws.expert")" ]'
ack_id=$(printf '%s\n' "$fields" | awk '$2 == 3 {print $3; exit}')
resp_ids=$(printf '%s\n' "$fields" | awk '$2 == 2 {print $3}' | sort -u | tr '\n' ' ')
check "Ack carries a Response's identifier ($ack_id in: $resp_ids)" \
    'printf " %s" $resp_ids | grep -qw -- "$ack_id"'
req_ids=$(printf '%s\n' "$fields" | awk '$2 == 1 {print $3}' | tr '\n' ' ')
check "Request identifiers start at 1 and increase ($req_ids)" \
    '[ "$(echo $req_ids | awk "{print \$1}")" = 1 ] && [ "$(echo $req_ids | tr " " "\n" | sort -n | tr "\n" " ")" = "$(echo $req_ids | tr " " "\n" | tr "\n" " ")" ]'
if [ -n "$number" ]; then
    check "Response and Ack carry the number $number" \
        '[ "$(printf "%s\n" "$fields" | awk "\$2 >= 2" | grep -c -- "$number")" -ge 2 ]'
fi
echo "$passes passed, $failures failed"
[ $failures -eq 0 ]
