# SPDX-License-Identifier: GPL-2.0-or-later
"""The hostile peer's case catalogue: each case sends malformed or abusive CBCP and states the
reaction it expects (wire, server log, helper log); hostile-peer.py runs them, checks.py judges."""
import time

from ppp_link import *  # noqa: F401,F403 - the catalogue is written in the link's vocabulary

# ---------------------------------------------------------------- the catalogue
CASES = {}


def case(name, packet, expect, log=(), nolog=(), job=False, args=(), count=None, same=None):
    """Registers a case. packet: what is sent (text); expect: the defined reaction (text);
    log: regexes the server log must match; nolog: regexes it must not; job: a job is expected;
    count: (regex, n) the server log must match exactly n times."""
    def register(fn):
        CASES[name] = dict(fn=fn, packet=packet, expect=expect, log=list(log), nolog=list(nolog),
                           job=job, args=list(args), count=count, same=same)
        return fn
    return register


def rereq_after(p, payload):
    p.send(PPP_CBCP, payload)
    r = p.reaction()
    return r, r == "rereq:2"


# mscb's verdicts are read from its event lines (doc/events.md), whose kinds are a contract;
# its sentences may be reworded.
def simple_rereq(name, payload, text, kind):
    @case(name, text, f"rereq: fresh Request (new id) at once; no Ack; no job (`{kind}`)",
          log=[rf"event=response-refused kind={kind}$"], nolog=[r"sent \[CBCP Ack"])
    def fn(p, req):
        r, ok = rereq_after(p, payload)
        return r, ok


def simple_drop(name, payload, text, kind):
    @case(name, text, f"drop: no reply, counted (`{kind}`); timer Request follows; no job",
          log=[rf"event=cbcp-dropped kind={kind}$"], nolog=[r"sent \[CBCP Ack", r"event=response-refused"])
    def fn(p, req):
        p.send(PPP_CBCP, payload)
        r = p.reaction()
        nxt = p.reaction(1.5)            # the retransmit timer keeps running
        return f"{r}, then {nxt}", r == "silence" and nxt == "rereq:2"


P1 = cbcp(2, 1, user_opt(CLI_NUMBER))
simple_drop("unsent-id", cbcp(2, 77, user_opt(CLI_NUMBER)), "Response id 77 (never sent) `02 4d 00 10 02 0c 0c 01 5551234 00`",
            "unknown-id")
simple_drop("peer-request", bytes.fromhex("0101000e02050001000102030300"),
            "a Request from the peer `01 01 00 0e 02 05 00 01 00 01 02 03 03 00`", "unexpected-code")
simple_drop("peer-ack", cbcp(3, 1, user_opt(CLI_NUMBER)), "an Ack from the peer `03 01 00 10 ...`",
            "unexpected-code")
simple_rereq("len-lt-4", bytes.fromhex("02010003"), "Length 3 `02 01 00 03`", "length-short")
simple_rereq("len-past", bytes.fromhex("020100200102"), "Length 0x20 > 6 bytes received `02 01 00 20 01 02`",
             "length-past")
simple_rereq("header-short", bytes.fromhex("0201"), "2-byte packet `02 01`", "header-short")
simple_rereq("opt-len-0", bytes.fromhex("020100060100"), "option length 0 `02 01 00 06 01 00`", "option-length")
simple_rereq("opt-len-1", bytes.fromhex("020100060101"), "option length 1 `02 01 00 06 01 01`", "option-length")
simple_rereq("opt-overrun", bytes.fromhex("0201000702090c"), "option overruns `02 01 00 07 02 09 0c`",
             "option-overrun")
simple_rereq("addr-no-nul", bytes.fromhex("0201000c02080c0135353531"), "address without NUL `... 01 35 35 35 31`",
             "address-unterminated")
simple_rereq("addr-type-2", bytes.fromhex("0201000a02060c023500"), "address type 2 `... 0c 02 35 00`", "address-type")
simple_rereq("nonprint", cbcp(2, 1, user_opt(b"555\x011234")), "number with byte 0x01", "address-byte")
simple_rereq("crlf", cbcp(2, 1, user_opt(b"555\r\nATH")), "number with CR LF `555\\r\\nATH`", "address-byte")
simple_rereq("number-65", cbcp(2, 1, user_opt(b"5" * 65)), "65-byte number (cap 64)", "address-long")
simple_rereq("zero-options", bytes.fromhex("02010004"), "Response with no option `02 01 00 04`",
             "not-one-option")
simple_rereq("two-options", bytes.fromhex("02010012010202" "0c0c013535353132333400"),
             "two options NO+USER `02 01 00 12 01 02 02 0c ...`", "not-one-option")
simple_rereq("nine-options", cbcp(2, 1, NO_OPT * 9), "nine NO options", "option-count")
simple_rereq("unknown-type", bytes.fromhex("020100060702"), "option type 7 `02 01 00 06 07 02`",
             "option-type")
simple_drop("code-7", bytes.fromhex("07010004"), "unknown code 7 `07 01 00 04`", "unknown-code")
simple_rereq("admin-not-offered", cbcp(2, 1, ADMIN_OPT), "ADMIN chosen, not offered `03 03 0c`",
             "not-offered")
simple_rereq("empty-number", cbcp(2, 1, user_opt(b"")), "USER with empty number (`callback \"\"`)",
             "number-refused")


def refused_number(name, number, text):
    @case(name, text, "rereq without USER (number refused, then only NO offered); no Ack; no job",
          log=[r"event=number-refused ", r"event=response-refused kind=number-refused$"],
          nolog=[r"sent \[CBCP Ack"])
    def fn(p, req):
        p.send(PPP_CBCP, cbcp(2, 1, user_opt(number)))
        got = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x01", WINDOW)
        if not got:
            return "silence", False
        req2 = got[2]
        no_user = b"\x02\x05\x00\x01\x00" not in req2[4:]
        return f"rereq:{req2[1]} options {req2[4:].hex()}", req2[1] == 2 and no_user


refused_number("semicolon-ath", b"555;ATH", "number `555;ATH`")
refused_number("backslash-k", b"555\\K", "number `555\\K` (chat escape)")
refused_number("plus3", b"+++ATH0", "number `+++ATH0`")
refused_number("emergency", b"911", "number `911` (deny list, too short)")
refused_number("shell-meta", b"5551234$(reboot)", "number `5551234$(reboot)`")


@case("number-300", "300 digit bytes in a 304-byte Response (option len 0xff, no NUL in it)",
      "rereq; no job", log=[r"event=response-refused kind=address-long$"], nolog=[r"sent \[CBCP Ack"])
def _(p, req):
    body = bytes([2, 0xFF, 12, 1]) + b"5" * 296
    return rereq_after(p, cbcp(2, 1, body))


@case("over-mru", "2000-byte CBCP Response frame (MRU 1500)",
      "pppd: dropped below mscb (kernel MRU check) or malformed → no Ack; the link and timer go on; no job",
      nolog=[r"sent \[CBCP Ack"])
def _(p, req):
    p.send(PPP_CBCP, cbcp(2, 1, NO_OPT * 998))
    r = p.reaction()
    nxt = p.reaction(1.5) if r == "silence" else "-"
    return f"{r}, then {nxt}", (r == "silence" and nxt == "rereq:2") or r == "rereq:2"


@case("bad-fcs", "valid Response P1 with a broken FCS",
      "pppd: the kernel drops the frame (FCS error); no Ack; timer Request follows; no job",
      nolog=[r"sent \[CBCP Ack", r"rcvd \[CBCP Response"])
def _(p, req):
    p.send(PPP_CBCP, P1, good_fcs=False)
    r = p.reaction()
    nxt = p.reaction(1.5)
    return f"{r}, then {nxt}", r == "silence" and nxt == "rereq:2"


@case("flood-unsent", "200 Responses id 99 (never sent), 50 bursts of 4, 40 ms apart (~2 s)",
      "drop each one received (rcvd = dropped, ≥ 150 of 200 reach pppd; the rest only if the kernel's "
      "32-frame queue overflows); then the valid Response to id 1 is still Acked (one job)",
      same=(r"rcvd \[CBCP Response id=99 ", r"event=cbcp-dropped kind=unknown-id$", 150), job=True,
      log=[r"sent \[CBCP Ack id=1 \[user delay=12 number=\"5551234\"\]\]"])
def _(p, req):
    for _ in range(50):
        p.send_many([(PPP_CBCP, cbcp(2, 99, user_opt(CLI_NUMBER)))] * 4)
        p.pump(0.04)
    time.sleep(0.3)
    p.drain()
    p.send(PPP_CBCP, P1)
    r = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x03", 2)
    ok = r is not None and r[2][1] == 1
    p.wait_close(4)
    return "Ack id 1 after the flood" if ok else "no Ack", ok


@case("flood-burst", "200 Responses id 99 (never sent) in ONE write (~8 KB)",
      "drop every one that reaches pppd (the kernel queues at most 32 control frames for pppd, "
      "PPP_MAX_RQLEN, and discards the rest); the exchange goes on: valid Response → Ack (one job)",
      same=(r"rcvd \[CBCP Response id=99 ", r"event=cbcp-dropped kind=unknown-id$"), job=True,
      log=[r"sent \[CBCP Ack id=1 \[user delay=12 number=\"5551234\"\]\]"])
def _(p, req):
    p.send_many([(PPP_CBCP, cbcp(2, 99, user_opt(CLI_NUMBER)))] * 200)
    time.sleep(0.3)
    p.drain()
    p.send(PPP_CBCP, P1)
    r = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x03", 2)
    ok = r is not None and r[2][1] == 1
    p.wait_close(4)
    return "Ack id 1 after the flood" if ok else "no Ack", ok


@case("flood-malformed", "200 malformed Responses (`02 01 00 03`) in one burst",
      "rereq until mscb-max-req (4) is spent, then close (`no acceptable Response after 4 Requests`); no job",
      log=[r"event=cbcp-failed requests=4\b"], nolog=[r"sent \[CBCP Ack"],
      count=(r"sent \[CBCP Request", 4))
def _(p, req):
    p.send_many([(PPP_CBCP, bytes.fromhex("02010003"))] * 200)
    closed = p.wait_close(5)
    return ("close" if closed else "still open"), closed


@case("dup-after-ack", "valid Response P1, then 30 duplicates after the Ack",
      "ack, then re-Ack of every duplicate; exactly one job", job=True,
      log=[r"event=cbcp-reack id=1$"])
def _(p, req):
    p.send(PPP_CBCP, P1)
    r = p.reaction()
    p.send_many([(PPP_CBCP, P1)] * 30)
    acks = 0
    while p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x03", 0.5):
        acks += 1
    p.wait_close(4)
    return f"{r}, then {acks} re-Acks", r == "ack:1" and acks >= 1


@case("diff-after-ack", "valid Response P1 (5551234), then a Response id 1 naming 5559999 after the Ack",
      "ack; the second is dropped (`Response after Ack differs`); the job keeps 5551234", job=True,
      log=[r"event=cbcp-dropped kind=changed-after-ack$",
           r"event=handed .*user=cli number=5551234 "],
      nolog=[r"5559999.*handed|handed.*5559999"])
def _(p, req):
    p.send(PPP_CBCP, P1)
    r = p.reaction()
    p.send(PPP_CBCP, cbcp(2, 1, user_opt(b"5559999")))
    r2 = p.reaction()
    p.wait_close(4)
    return f"{r}, then {r2}", r == "ack:1" and r2 == "silence"


@case("before-auth", "valid Response P1 sent before CHAP is answered",
      "pppd: discarded before the callback phase (mscb never sees it); normal Request id 1 after CHAP; no Ack, no job",
      nolog=[r"sent \[CBCP Ack", r"event=cbcp-dropped", r"event=response-refused"])
def _(p, req):
    return None  # special-cased in run()


@case("protrej-optional", "LCP Protocol-Reject of CBCP (0xC029), policy `user` (optional)",
      "network: no callback, IPCP starts; no job",
      log=[r"event=cbcp-rejected next=network$", r"event=cbcp-state from=ReqSent to=NoCallback$"],
      nolog=[r"sent \[CBCP Ack"])
def _(p, req):
    p.send(PPP_LCP, bytes([8, 7]) + struct.pack(">H", 6 + len(req)) + b"\xc0\x29" + req)
    got = p.take(lambda pr, x: pr == PPP_IPCP and x[:1] == b"\x01", 2)
    return ("network" if got else "no IPCP"), got is not None


@case("protrej-secure", "LCP Protocol-Reject of CBCP, policy `preset 5551234 secure`",
      "close: `peer rejected CBCP but callback is required`; no job",
      log=[r"event=cbcp-rejected next=close$", r"event=cbcp-failed "], nolog=[r"sent \[CBCP Ack", r"IPCP"],
      args=["mscb-default", "preset 5551234 secure"])
def _(p, req):
    p.send(PPP_LCP, bytes([8, 7]) + struct.pack(">H", 6 + len(req)) + b"\xc0\x29" + req)
    closed = p.wait_close(3)
    return ("close" if closed else "still open"), closed


@case("never-answer", "no Response at all",
      "4 Requests (ids 1-4, 1 s apart), then close (`no acceptable Response after 4 Requests`); no job",
      log=[r"event=cbcp-failed requests=4\b"], count=(r"sent \[CBCP Request", 4))
def _(p, req):
    t = time.monotonic()
    closed = p.wait_close(8)
    dt = time.monotonic() - t
    return f"close after {dt:.1f} s (last Request id {p.last_request})", closed and p.last_request == 4 and 2.5 < dt < 6


@case("future-ids", "every Request answered with a valid Response on id+1 (never sent)",
      "drop each; close after mscb-max-req (4); no job",
      log=[r"event=cbcp-dropped kind=unknown-id$", r"event=cbcp-failed requests=4$"],
      nolog=[r"sent \[CBCP Ack"])
def _(p, req):
    seen = [req[1]]
    p.send(PPP_CBCP, cbcp(2, req[1] + 1, user_opt(CLI_NUMBER)))
    end = time.monotonic() + 8
    while time.monotonic() < end and not p.terminated:
        got = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x01", 0.2)
        if got:
            seen.append(got[2][1])
            p.send(PPP_CBCP, cbcp(2, got[2][1] + 1, user_opt(CLI_NUMBER)))
    return f"answered Requests {seen} with id+1; link closed={p.terminated}", p.terminated and seen == [1, 2, 3, 4]


@case("ncp-in-callback", "IPCP ConfReq during the callback phase",
      "pppd: IPCP is not up (Terminate-Ack or ignore); CBCP unaffected: the Request timer goes on; no job",
      nolog=[r"sent \[CBCP Ack", r"event=response-refused", r"IPCP: up"])
def _(p, req):
    p.send(PPP_IPCP, bytes.fromhex("0101000a030600000000"))
    nxt = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x01", 1.5)
    return ("timer Request id %d" % nxt[2][1]) if nxt else "no Request", nxt is not None and nxt[2][1] == 2


@case("no-callback", "Response NO `02 01 00 06 01 02` (positive control)",
      "ack, then network phase (IPCP); no job", log=[r"event=no-callback$"],
      nolog=[r"event=handed "])
def _(p, req):
    p.send(PPP_CBCP, cbcp(2, 1, NO_OPT))
    r = p.reaction()
    got = p.take(lambda pr, x: pr == PPP_IPCP and x[:1] == b"\x01", 2)
    return f"{r}, then {'IPCP' if got else 'no IPCP'}", r == "ack:1" and got is not None


@case("windows-like", "Windows-like: delay 12, silent while the user types, late Response to id 1 after Request 3, "
      "retransmitted 2 s later, Terminate-Request after the Ack (positive control)",
      "ack id 1 (stale but sent id), re-Ack of the retransmission, one job, delay 12 s", job=True,
      log=[r"sent \[CBCP Ack id=1 \[user delay=12 number=\"527-9651\"\]\]",
           r"event=handed .*user=cli number=5279651 delay=12 "], args=["mscb-ack-wait", "3000"])
def _(p, req):
    p.take(lambda pr, x: pr == PPP_CBCP and x[:2] == b"\x01\x03", 3)
    p.drain()
    resp = cbcp(2, 1, user_opt(b"527-9651", delay=12))
    p.send(PPP_CBCP, resp)
    r = p.reaction()
    time.sleep(2.0 - WINDOW)
    p.send(PPP_CBCP, resp)
    r2 = p.reaction()
    time.sleep(0.088)
    p.send(PPP_LCP, bytes([5, 2, 0, 4]))
    term = p.take(lambda pr, x: pr == PPP_LCP and x[:1] == b"\x06", 2)
    return f"{r}, retransmission {r2}, TermAck {'yes' if term else 'no'}", r == "ack:1" and r2 == "ack:1" and term


@case("carrier-after-ack", "valid Response P1, then carrier drop right after the Ack (no Terminate-Request)",
      "ack; the job is handed off on the link going down (armed at the Ack); one job", job=True,
      log=[r"event=handed .*user=cli number=5551234 "])
def _(p, req):
    p.send(PPP_CBCP, P1)
    r = p.reaction()
    return r, r == "ack:1"


@case("renegotiate-after-ack", "valid Response P1, then an LCP Configure-Request after the Ack (renegotiation, "
      "the call stays up)", "ack; the job is handed off and the server ends the call (LCP Terminate-Request)",
      job=True, log=[r"event=cbcp-state from=AckSent to=HandedOff$", r"sent \[LCP TermReq"])
def _(p, req):
    p.send(PPP_CBCP, P1)
    r = p.reaction()
    if r != "ack:1":
        return r, False
    opts = bytes([5, 6]) + p.magic + bytes([0x0D, 3, 6])
    p.send(PPP_LCP, bytes([1, 2]) + struct.pack(">H", 4 + len(opts)) + opts)
    closed = p.wait_close(5)
    return f"{r}; after renegotiating: {'Terminate-Request' if closed else 'no Terminate-Request in 5 s'}", closed


# Helpers for the fault scripts (not in the catalogue): stay on the line until it drops.
HELPERS = {}


def hold_until_down(p, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end and not p.terminated:
        p.pump(0.1)
        p.queue.clear()
    return "line down" if p.terminated else "hold timeout", True


HELPERS["hold"] = lambda p, req: hold_until_down(p)


def _ack_hold(p, req):
    p.send(PPP_CBCP, P1)
    r = p.reaction()
    print(f"ack-hold: {r}", flush=True)
    return hold_until_down(p)


HELPERS["ack-hold"] = _ack_hold

