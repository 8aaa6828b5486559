#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Ack latency from lab logs stamped by tests/lab/lib/stamp (LAB_WRAP): for every pppd-srv-N.log, the time
# from "rcvd [CBCP Response" to the next "sent [CBCP Ack" (server side: parse + firewall + policy +
# Ack out), and for every pppd-cli-N.log from "sent [CBCP Response" to "rcvd [CBCP Ack" (caller side:
# the round trip through both ptys and pstn-sim). Stamps are taken by stamp's bash read loop, so a
# figure is an upper bound that includes that loop's latency.
# Usage: bench/ack-latency.py LAB_RESULTS_DIR [OUT.csv]
import glob, os, re, statistics, sys

def pairs(path, first, second):
    out, start = [], None
    for line in open(path, errors="replace"):
        m = re.match(r"(\d+\.\d+) (.*)", line)
        if not m:
            continue
        t, text = float(m.group(1)), m.group(2)
        if text.startswith(first):
            start = t
        elif text.startswith(second) and start is not None:
            out.append((t - start) * 1000)
            start = None
    return out

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, -(-len(v) * p // 100) - 1))]

d = sys.argv[1]
rows = []
for side, pattern, first, second in (
        ("server", "pppd-srv-*.log", "rcvd [CBCP Response", "sent [CBCP Ack"),
        ("caller", "pppd-cli-[0-9]*.log", "sent [CBCP Response", "rcvd [CBCP Ack")):
    for f in sorted(glob.glob(os.path.join(d, pattern)), key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[-1])):
        for ms in pairs(f, first, second):
            rows.append((side, os.path.basename(f), ms))
out = open(sys.argv[2], "w") if len(sys.argv) > 2 else sys.stdout
out.write("side,log,ms\n")
for side, f, ms in rows:
    out.write(f"{side},{f},{ms:.3f}\n")
for side in ("server", "caller"):
    v = [ms for s, _, ms in rows if s == side]
    if v:
        print(f"{side}: n {len(v)} median {statistics.median(v):.2f} ms p90 {pct(v, 90):.2f} max {max(v):.2f} min {min(v):.2f}")
