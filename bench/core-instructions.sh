#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions per operation for each plugin-core benchmark, counted by callgrind (repeatable, unlike
# time on a shared 2-core machine; perf has no hardware counters here). Each benchmark runs twice
# with a fixed iteration count (MSCB_BENCH_ITERATIONS) and collection toggled on the benchmark
# function only; (Ir(N2) - Ir(N1)) / (N2 - N1) cancels the set-up.
# Usage: bench/core-instructions.sh BUILD_DIR [OUT.csv]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [OUT.csv]}
out=${2:-/dev/stdout}
bin=$build/bench/mscb_core_bench
N1=${N1:-2000}
N2=${N2:-12000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {  # ir FUNCTION FILTER ITERATIONS -> Ir inside FUNCTION
    MSCB_BENCH_ITERATIONS=$3 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
        --toggle-collect="*::$1(*" "$bin" --benchmark_filter="$2" >/dev/null 2>&1
    awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg"
}
cases=(
    "BM_ParseValidResponse ^BM_ParseValidResponse/ valid-response"
    "BM_ParseMalformed ^BM_ParseMalformed/0/ malformed:short-header"
    "BM_ParseMalformed ^BM_ParseMalformed/1/ malformed:length-past-end"
    "BM_ParseMalformed ^BM_ParseMalformed/2/ malformed:bad-address-type"
    "BM_ParseMalformed ^BM_ParseMalformed/3/ malformed:non-printable"
    "BM_ParseMalformed ^BM_ParseMalformed/4/ malformed:no-nul"
    "BM_ParseMalformed ^BM_ParseMalformed/5/ malformed:address-65-bytes"
    "BM_Exchange ^BM_Exchange/ exchange:request-response-ack-linkdown"
    "BM_ExchangeHostileNumber ^BM_ExchangeHostileNumber/ exchange:hostile-number-rerequest"
    "BM_DescribeCbcp ^BM_DescribeCbcp/0/ describe:request"
    "BM_DescribeCbcp ^BM_DescribeCbcp/1/ describe:response"
    "BM_DescribeCbcp ^BM_DescribeCbcp/2/ describe:malformed"
    "BM_CheckDialNumber ^BM_CheckDialNumber/0/ checkDialNumber:5551234"
    "BM_CheckDialNumber ^BM_CheckDialNumber/1/ checkDialNumber:(555)-123-4567"
    "BM_CheckDialNumber ^BM_CheckDialNumber/2/ checkDialNumber:20-digits"
    "BM_CheckDialNumber ^BM_CheckDialNumber/3/ checkDialNumber:555;1234-refused"
)
{
    echo "case,instructions_per_op"
    for c in "${cases[@]}"; do
        read -r fn filter name <<<"$c"
        a=$(ir "$fn" "$filter" "$N1")
        b=$(ir "$fn" "$filter" "$N2")
        echo "$name,$(( (b - a) / (N2 - N1) ))"
    done
} >"$out"
