#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the real pppd with mscb.so and the LCP probe plugin; passes when the probe reports OK.
# usage: run_probe.sh PPPD MSCB_SO PROBE_SO MODE [mscb options...]
set -u
pppd=$1 plugin=$2 probe=$3 mode=$4
shift 4
[ "$(id -u)" = 0 ] || { echo "SKIP: pppd probes need root"; exit 77; }
out=$(MSCB_PROBE_MODE=$mode timeout 20 "$pppd" nodetach logfd 2 noauth \
      plugin "$plugin" mscb "$@" plugin "$probe" /dev/null 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ] || ! printf '%s\n' "$out" | grep -q '^OK: 0 failure'; then
    echo "probe failed (pppd exit $rc)"
    exit 1
fi
