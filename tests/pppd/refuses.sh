#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A pppd mscb cannot serve: no cbcp_protent (built without CBCP) and no spare ECP entry in its
# protocol table (the probe, loaded first, makes ECP look implemented). mscb must refuse at
# load, pppd's fatal() (exit 1), with one sentence naming what is missing.
# usage: refuses.sh PPPD MSCB_SO PROBE_SO
set -u
pppd=$1 plugin=$2 probe=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: pppd needs root"; exit 77; }
out=$(MSCB_PROBE_MODE=spoil-ecp timeout 20 "$pppd" nodetach logfd 2 noauth \
      plugin "$probe" plugin "$plugin" mscb /dev/null 2>&1)
rc=$?
printf '%s\n' "$out"
want="mscb: this pppd (2.5.2) has no 'cbcp_protent' and no unimplemented ECP entry in 'protocols' to carry CBCP (0xc029); mscb cannot receive CBCP in it"
if [ $rc -ne 1 ]; then echo "FAIL: pppd exit $rc, wanted 1 (fatal at load)"; exit 1; fi
if ! printf '%s\n' "$out" | grep -qxF "$want"; then echo "FAIL: no line '$want'"; exit 1; fi
if [ "$(printf '%s\n' "$out" | grep -c '^mscb:')" != 1 ]; then echo "FAIL: more than one mscb line"; exit 1; fi
echo "PASS refused at load with one sentence"
