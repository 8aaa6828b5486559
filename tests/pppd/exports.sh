#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pppd loads plugins RTLD_GLOBAL: mscb.so must export exactly plugin_init and pppd_version.
set -eu
symbols=$(nm -D --defined-only "$1" | awk '{print $NF}' | sort | tr '\n' ' ')
echo "exported: $symbols"
[ "$symbols" = "plugin_init pppd_version " ] || { echo "FAIL: unexpected exports"; exit 1; }
undefined_cxx=$(nm -D --undefined-only "$1" | grep -c ' _ZN\?K\?St\|__cxa' || true)
echo "PASS ($undefined_cxx C++ runtime imports, all from libstdc++)"
