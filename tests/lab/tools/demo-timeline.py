#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Merge the demo's stamped logs (pppd both sides, helper, pstn-sim events) into one readable
timeline with times relative to the caller's dial, then print a one-line verdict.
usage: demo-timeline.py RESULTS_DIR DELAY_FLOOR_SECONDS"""
import json
import os
import re
import sys
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callback_timing  # noqa: E402  (the lab's one delay analysis)

results, delay_floor = sys.argv[1], int(sys.argv[2])
events = []  # (time, who, text)


def stamped(name, who, rules):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return
    for line in open(path, errors="replace"):
        stamp, _, text = line.rstrip("\n").partition(" ")
        try:
            t = float(stamp)
        except ValueError:
            continue
        for pattern, label in rules:
            m = re.search(pattern, text)
            if m:
                events.append((t, who, label(m) if callable(label) else label or text.strip()))
                break


server = [
    (r"rcvd \[LCP ConfReq .*<callback CBCP>", "LCP ConfReq from the caller asks for Callback (option 13, operation 6: CBCP)"),
    (r"sent \[LCP ConfAck .*<callback CBCP>", "LCP ConfAck: mscb accepts the callback option"),
    (r"sent \[CHAP Challenge", "CHAP Challenge"),
    (r"Peer (\S+) authenticated with CHAP|CHAP peer authentication succeeded for (\S+)",
     lambda m: f"CHAP: peer '{m.group(1) or m.group(2)}' authenticated"),
    # mscb's own steps from its event lines (doc/events.md), not from its sentences.
    (r"mscb: event=asked .*policy=(\S+)", lambda m: f"mscb: caller asked for callback, policy {unquote(m.group(1))}"),
    (r"(sent|rcvd) \[CBCP (.*)\]$", lambda m: f"CBCP {'>>' if m.group(1) == 'sent' else '<<'} {m.group(2)}"),
    (r"rcvd \[LCP TermReq .*\"(.*)\"\]", lambda m: f"LCP TermReq from the caller: \"{m.group(1)}\""),
    (r"mscb: event=handed job=(\S+)", lambda m: f"mscb: first call over, job {m.group(1)} handed to mscb-helper"),
    (r"^Connection terminated", "connection terminated"),
    (r"mscb: event=return-auth user=(\S+) expected=(\S+) verdict=ok",
     lambda m: f"mscb: return call: '{unquote(m.group(1))}' authenticated again"),
    (r"mscb: event=return-auth user=(\S+) expected=(\S+) verdict=(\S+)",
     lambda m: f"mscb: return call: '{unquote(m.group(1))}' authenticated, expected '{unquote(m.group(2))}': refused"),
    (r"mscb: SECURITY: (.*)", lambda m: f"mscb: SECURITY: {m.group(1)}"),
    (r"remote IP address (\S+)", lambda m: f"IPCP up on the return call, peer {m.group(1)}"),
]
helper = [
    (r"event=job-accepted job=(\S+) .*number=(\S+) modem=(\S+)",
     lambda m: f"job {m.group(1)} accepted: call back {unquote(m.group(2))} from modem {unquote(m.group(3))}"),
    (r"job \S+: (\w+ -> \w+ \(.*\))$", lambda m: m.group(1)),
    (r"chat: send \((.*)\)$", lambda m: "chat sends " + m.group(1).replace("^M", "").replace(
        "\\x5cd\\x5cd+++\\x5cd\\x5cd", "+++ (escape, 2 s guard time either side)")),
    (r"job \S+: job connected (.*)", lambda m: f"return call connected {m.group(1)}"),
]
caller = [
    (r"send \(ATDT(\d+)", lambda m: f"dials the access server, {m.group(1)}"),
    (r"^CONNECT", "CONNECT"),
    (r"sent \[LCP ConfReq .*<callback CBCP>", "LCP ConfReq asks for callback"),
    (r"sent \[CBCP Response (.*)\]", lambda m: f"CBCP Response {m.group(1)}"),
    (r"sent \[LCP TermReq", "LCP TermReq \"Call me back, please\": hangs up, waits for the call"),
]
leg2 = [
    (r"send \(ATS0=1", "caller's modem set to auto-answer"),
    (r"^CONNECT", "CONNECT (return call)"),
    (r"local  IP address (\S+)", lambda m: f"IPCP up, address {m.group(1)}"),
]
stamped("pppd-srv.log", "server", server)
stamped("helper.log", "helper", helper)
stamped("pppd-cli.log", "caller", caller)
stamped("pppd-cli-leg2.log", "caller", leg2)
stamped("ping.log", "caller", [(r"(\d+) packets transmitted, (\d+) received", lambda m: f"ping: {m.group(2)}/{m.group(1)} replies")])

pstn_events = callback_timing.load(os.path.join(results, "pstn.jsonl"))
for e in pstn_events:
    kind = e["event"]
    if kind == "dial":
        events.append((e["t"], "phone", f"{e['line']} dials {e['digits']}"))
    elif kind == "ring" and e.get("count") == 1:
        events.append((e["t"], "phone", f"RING on {e['line']}"))
    elif kind == "connect":
        events.append((e["t"], "phone", f"CONNECT {e['caller']} -> {e['callee']} at {e['rate']}"))
    elif kind == "hangup" and e.get("connected") and e["line"] == "mA":
        events.append((e["t"], "phone", f"call {e['call']} cleared ({e['cause']})"))
    elif kind == "offhook":
        events.append((e["t"], "phone", f"{e['line']} off-hook: busy for other callers during the delay"))
_, _, first_end, dial = (callback_timing.rounds(pstn_events, [delay_floor]) or [(1, delay_floor, None, None)])[0]

events.sort()
t0 = events[0][0] if events else 0
print("mscb demo: Microsoft Callback on a simulated phone line (UML guest, pppd %s)" %
      os.environ.get("PPPD_VERSION", "2.5"))
print("-" * 100)
for t, who, text in events:
    print(f"{t - t0:+9.3f}s  {who:<7} {text}")
print("-" * 100)
ipcp = any("IPCP up on the return call" in e[2] for e in events)
ping = any(re.search(r"ping: [1-9]", e[2]) for e in events)
error_ms = callback_timing.error_ms(first_end, dial, delay_floor)
if error_ms is not None:
    timing = f"ATDT {dial - first_end:.2f} s after the first call ended (delay {delay_floor} s, {error_ms:+.0f} ms)"
else:
    timing = "no callback dialled"
ok = ipcp and ping and error_ms is not None and error_ms >= 0
print(("VERDICT: PASS - " if ok else "VERDICT: FAIL - ") +
      f"{timing}; return call IPCP {'up' if ipcp else 'DOWN'}; ping {'ok' if ping else 'FAILED'}; "
      f"story from first dial to ping {events[-1][0] - t0:.1f} s")
sys.exit(0 if ok else 1)
