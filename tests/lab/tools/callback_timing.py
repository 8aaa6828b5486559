#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The one delay-accuracy analysis of the lab: how long after the end of a first call the server's
modem dialled back, against the delay agreed for it.

Round i is the i-th call from the caller's modem (mB) and the first dial from the server's modem
(mA) after it; its first call ended at the first hangup event of that call's id; error = ATDT -
(end + delay). usage: callback_timing.py PSTN_JSONL DELAY... (prints "round,delay,error_ms" lines;
a round without a dial or an end has error "none")."""
import json
import sys


def load(path):
    return [json.loads(line) for line in open(path)]


def rounds(events, delays):
    """[(round, delay, first_call_end, dial_time or None)] for each delay given."""
    firsts = [e for e in events if e["event"] == "dial" and e["line"] == "mB"]
    out = []
    for i, (first, delay) in enumerate(zip(firsts, delays), 1):
        end = min((e["t"] for e in events if e["event"] == "hangup" and e.get("call") == first["call"]),
                  default=None)
        dial = next((e["t"] for e in events if e["event"] == "dial" and e["line"] == "mA" and e["t"] > first["t"]),
                    None)
        out.append((i, delay, end, dial))
    return out


def error_ms(end, dial, delay):
    """Milliseconds the dial came after end + delay (negative: early); None if either is missing."""
    if end is None or dial is None:
        return None
    return (dial - end - delay) * 1000


if __name__ == "__main__":
    for i, delay, end, dial in rounds(load(sys.argv[1]), [float(d) for d in sys.argv[2:]]):
        err = error_ms(end, dial, delay)
        print(f"{i},{delay:g},{'none' if err is None else f'{err:.0f}'}")
