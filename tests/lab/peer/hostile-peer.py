#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""hostile-peer.py: a raw PPP caller that attacks mscb's CBCP answerer (python3 stdlib only).

It dials the server through a pstn-sim modem (ATZ, ATDT<number>, CONNECT), then speaks async-HDLC
PPP itself (RFC 1662 framing, 0x7D escaping, FCS-16), negotiates LCP asking for Callback op 6
(0d 03 06), Acks the server's ConfReq, answers CHAP-MD5 (RFC 1994) and then plays ONE case of the
catalogue below: malformed or abusive CBCP packets and sequences. Every case states its expected
reaction; the wire part is checked here while the case runs, the server's debug log and the helper's
log are checked afterwards by `check`.

    hostile-peer.py list                        case names, one a line
    hostile-peer.py args CASE                   extra server pppd options for CASE, one a line
    hostile-peer.py run CASE --tty T --number N --user U --secret S --out FILE.json
    hostile-peer.py check CASE --wire FILE.json --srv-log LOG --helper-log LOG --helper-from LINE --rc RC
    hostile-peer.py table                       the catalogue as a Markdown table

Reactions: drop (silently dropped and counted: `event=cbcp-dropped`, no reply), rereq (a fresh
Request with a new id at once: `event=response-refused`), ack (CBCP Ack), close (the server ends the link:
LCP Terminate-Request), network (the server goes on to IPCP), pppd (discarded by pppd or the kernel
before mscb sees it).
"""
import argparse
import json
import sys
import time

sys.dont_write_bytecode = True  # the project tree is read-write in the guest: no __pycache__ there

from cases import CASES, HELPERS, P1  # noqa: E402
from checks import do_check  # noqa: E402
from ppp_link import NO_OPT, PPP_CBCP, PPP_CHAP, Peer, cbcp  # noqa: E402


# ---------------------------------------------------------------- run / check
def do_run(a):
    spec = CASES.get(a.case) or {"fn": HELPERS[a.case]}
    p = Peer(a.tty)
    observed, ok = "", False
    try:
        if a.case == "before-auth":
            p.user, p.secret = a.user.encode(), a.secret.encode()
            p.auto_chap = False
            p.dial(a.number)
            p.lcp_up()
            ch = p.take(lambda pr, x: pr == PPP_CHAP and x[:1] == b"\x01", 5)
            p.send(PPP_CBCP, P1)
            p.send(PPP_CBCP, cbcp(2, 1, NO_OPT))
            time.sleep(0.2)
            p.answer_chap(ch[2])
            req = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x01", 5)
            early = [e for e in p.events if e["dir"] == "rx" and e["proto"] == PPP_CBCP and e["hex"][:2] == "03"]
            observed = f"Request id {req[2][1] if req else '-'} after CHAP; Acks: {len(early)}"
            ok = req is not None and req[2][1] == 1 and not early
            r = p.reaction()
            observed += f"; then {r}"
            ok = ok and r == "silence"
        else:
            req = p.up(a.number, a.user, a.secret)
            res = spec["fn"](p, req)
            observed, ok = res[0], bool(res[1])
    except Exception as e:  # noqa: BLE001 - report, never hide
        observed, ok = f"peer error: {e}", False
    finally:
        time.sleep(0.1)
        p.pump(0)
        p.hangup()
    json.dump({"case": a.case, "observed": observed, "wire_ok": ok, "notes": p.notes, "events": p.events},
              open(a.out, "w"), indent=1)
    print(f"{a.case}: {observed} ({'ok' if ok else 'NOT ok'})")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    sub.add_parser("table")
    s = sub.add_parser("args")
    s.add_argument("case")
    s = sub.add_parser("run")
    s.add_argument("case")
    s.add_argument("--tty", required=True)
    s.add_argument("--number", required=True)
    s.add_argument("--user", default="cli")
    s.add_argument("--secret", default="lab-secret")
    s.add_argument("--out", required=True)
    s = sub.add_parser("check")
    s.add_argument("case")
    s.add_argument("--wire", required=True)
    s.add_argument("--srv-log", required=True)
    s.add_argument("--helper-log", required=True)
    s.add_argument("--helper-from", type=int, default=0)
    s.add_argument("--rc", required=True)
    a = ap.parse_args()
    if a.cmd == "list":
        print("\n".join(CASES))
    elif a.cmd == "table":
        for name, c in CASES.items():
            print(f"| `{name}` | {c['packet']} | {c['expect']} |")
    elif a.cmd == "args":
        for arg in CASES[a.case]["args"]:
            print(arg)
    elif a.cmd == "run":
        return do_run(a)
    elif a.cmd == "check":
        return do_check(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
