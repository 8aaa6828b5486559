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

Reactions: drop (silently dropped and counted: `mscb: dropped CBCP packet`, no reply), rereq (a fresh
Request with a new id at once: `mscb: new Request`), ack (CBCP Ack), close (the server ends the link:
LCP Terminate-Request), network (the server goes on to IPCP), pppd (discarded by pppd or the kernel
before mscb sees it).
"""
import argparse
import hashlib
import json
import os
import re
import select
import struct
import sys
import termios
import time
import tty

PPP_LCP, PPP_CHAP, PPP_CBCP, PPP_IPCP = 0xC021, 0xC223, 0xC029, 0x8021
CLI_NUMBER = b"5551234"
WINDOW = 0.4          # s: an immediate reaction comes well inside it; the retransmit timer is 1 s


# ---------------------------------------------------------------- framing (RFC 1662)
def _fcs_table():
    table = []
    for b in range(256):
        v = b
        for _ in range(8):
            v = (v >> 1) ^ 0x8408 if v & 1 else v >> 1
        table.append(v)
    return table


FCSTAB = _fcs_table()


def fcs16(data, fcs=0xFFFF):
    for b in data:
        fcs = (fcs >> 8) ^ FCSTAB[(fcs ^ b) & 0xFF]
    return fcs


def hdlc_frame(proto, payload, good_fcs=True):
    body = bytes([0xFF, 0x03]) + struct.pack(">H", proto) + payload
    fcs = fcs16(body) ^ 0xFFFF
    if not good_fcs:
        fcs ^= 0x5A5A
    body += struct.pack("<H", fcs)
    out = bytearray([0x7E])
    for b in body:
        if b < 0x20 or b in (0x7D, 0x7E):      # escape every control char: always legal
            out += bytes([0x7D, b ^ 0x20])
        else:
            out.append(b)
    out.append(0x7E)
    return bytes(out)


def cbcp(code, ident, options=b"", length=None):
    if length is None:
        length = 4 + len(options)
    return bytes([code, ident]) + struct.pack(">H", length) + options


def user_opt(number, delay=12, addr_type=1, nul=True):
    body = bytes([delay, addr_type]) + number + (b"\0" if nul else b"")
    return bytes([2, 2 + len(body)]) + body


NO_OPT = b"\x01\x02"
ADMIN_OPT = b"\x03\x03\x0c"


class Peer:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        attrs = termios.tcgetattr(self.fd)
        attrs[4] = attrs[5] = termios.B115200
        attrs[2] |= termios.CLOCAL
        termios.tcsetattr(self.fd, termios.TCSANOW, attrs)
        self.t0 = time.monotonic()
        self.buf = bytearray()
        self.events = []        # wire log: {t, dir, proto, hex}
        self.queue = []         # received (proto, payload) not yet consumed by the case
        self.magic = os.urandom(4)
        self.lcp_acked_theirs = self.lcp_acked_ours = False
        self.auth_ok = False
        self.auto_chap = True
        self.user = self.secret = b""
        self.terminated = False
        self.notes = []
        self.last_request = 0   # id of the newest CBCP Request seen

    def now(self):
        return round(time.monotonic() - self.t0, 3)

    def note(self, text):
        self.notes.append(f"{self.now():.3f} {text}")

    # ------------------------------------------------------------ modem
    def at(self, command, expect, timeout):
        os.write(self.fd, command.encode() + b"\r")
        text = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                text += os.read(self.fd, 1024)
                if expect.encode() in text:
                    self.note(f"{command} -> {expect}")
                    return True
                if re.search(rb"NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|ERROR", text):
                    break
        raise RuntimeError(f"{command}: no {expect}: {text!r}")

    # ------------------------------------------------------------ PPP I/O
    def send(self, proto, payload, good_fcs=True):
        self.events.append({"t": self.now(), "dir": "tx", "proto": proto, "hex": payload[:64].hex(),
                            "len": len(payload)})
        os.write(self.fd, hdlc_frame(proto, payload, good_fcs))

    def send_many(self, frames):
        """Writes many already-framed packets in one burst."""
        data = b"".join(hdlc_frame(p, pl) for p, pl in frames)
        for p, pl in frames:
            self.events.append({"t": self.now(), "dir": "tx", "proto": p, "hex": pl[:32].hex(), "len": len(pl)})
        view = memoryview(data)
        while view:
            _, w, _ = select.select([], [self.fd], [], 2)
            if not w:
                raise RuntimeError("tty not writable")
            n = os.write(self.fd, view[:4096])
            view = view[n:]
            self.pump(0)       # keep reading so the far side never blocks on us

    def pump(self, timeout):
        """Reads what is there (waiting up to timeout), decodes frames, answers LCP/CHAP housekeeping."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            if not self.terminated:
                self.note("EOF on the tty (carrier lost)")
            self.terminated = True
            time.sleep(min(timeout, 0.05))
            return
        self.buf += data
        while True:
            try:
                start = self.buf.index(0x7E)
            except ValueError:
                self.buf.clear()
                return
            try:
                end = self.buf.index(0x7E, start + 1)
            except ValueError:
                del self.buf[:start]
                return
            raw = bytes(self.buf[start + 1:end])
            del self.buf[:end]
            if raw:
                self._frame(raw)

    def _frame(self, raw):
        out, esc = bytearray(), False
        for b in raw:
            if esc:
                out.append(b ^ 0x20)
                esc = False
            elif b == 0x7D:
                esc = True
            else:
                out.append(b)
        if len(out) < 4 or fcs16(out) != 0xF0B8:
            return
        out = out[:-2]
        if out[:2] == b"\xff\x03":
            out = out[2:]
        if out[0] & 1:
            proto, payload = out[0], bytes(out[1:])
        else:
            proto, payload = (out[0] << 8) | out[1], bytes(out[2:])
        self.events.append({"t": self.now(), "dir": "rx", "proto": proto, "hex": payload[:64].hex(),
                            "len": len(payload)})
        self._housekeeping(proto, payload)
        self.queue.append((self.now(), proto, payload))

    def _housekeeping(self, proto, p):
        if proto == PPP_LCP and len(p) >= 4:
            code, ident = p[0], p[1]
            if code == 1:                                      # their ConfReq: Ack everything
                self.send(PPP_LCP, bytes([2]) + p[1:])
                self.lcp_acked_theirs = True
            elif code == 2 and ident == 1:
                self.lcp_acked_ours = True
            elif code in (3, 4):
                self.note(f"LCP {'Nak' if code == 3 else 'Reject'} of our ConfReq: {p.hex()}")
            elif code == 5:
                self.send(PPP_LCP, bytes([6, ident, 0, 4]))
                self.terminated = True
            elif code == 9:                                    # Echo-Request
                self.send(PPP_LCP, bytes([10, ident]) + p[2:4] + self.magic + p[8:])
        elif proto == PPP_CHAP and len(p) >= 5:
            if p[0] == 1 and self.auto_chap:
                self.answer_chap(p)
            elif p[0] == 3:
                self.auth_ok = True
            elif p[0] == 4:
                self.note("CHAP Failure")
        elif proto == PPP_CBCP and len(p) >= 2 and p[0] == 1:
            self.last_request = max(self.last_request, p[1])

    def answer_chap(self, p):
        ident, vlen = p[1], p[4]
        challenge = p[5:5 + vlen]
        digest = hashlib.md5(bytes([ident]) + self.secret + challenge).digest()
        body = bytes([16]) + digest + self.user
        self.send(PPP_CHAP, bytes([2, ident]) + struct.pack(">H", 4 + len(body)) + body)

    def take(self, pred, timeout):
        """First queued/arriving packet matching pred(proto, payload) within timeout, else None."""
        end = time.monotonic() + timeout
        while True:
            for i, (t, proto, p) in enumerate(self.queue):
                if pred(proto, p):
                    del self.queue[i]
                    return t, proto, p
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.pump(min(left, 0.05))

    def drain(self):
        self.pump(0)
        self.queue.clear()

    # ------------------------------------------------------------ session
    def dial(self, number):
        self.at("ATZ", "OK", 5)
        self.at(f"ATDT{number}", "CONNECT", 20)

    def lcp_up(self, timeout=15):
        opts = bytes([5, 6]) + self.magic + bytes([0x0D, 3, 6])
        end = time.monotonic() + timeout
        next_req = 0
        while not (self.lcp_acked_ours and self.lcp_acked_theirs):
            if time.monotonic() > end:
                raise RuntimeError("LCP did not open")
            if time.monotonic() >= next_req and not self.lcp_acked_ours:
                self.send(PPP_LCP, bytes([1, 1]) + struct.pack(">H", 4 + len(opts)) + opts)
                next_req = time.monotonic() + 1.0
            self.pump(0.05)
        self.note("LCP open (callback op 6 Acked)")

    def up(self, number, user, secret):
        """Dial, LCP, CHAP; returns the first CBCP Request (t, payload)."""
        self.user, self.secret = user.encode(), secret.encode()
        self.dial(number)
        self.lcp_up()
        got = self.take(lambda pr, p: pr == PPP_CBCP and p[:1] == b"\x01", 15)
        if not got:
            raise RuntimeError("no CBCP Request after CHAP")
        self.note(f"CBCP Request id={got[2][1]}: {got[2].hex()}")
        return got[2]

    def reaction(self, window=WINDOW):
        """What the server does within `window` s: rereq:ID, ack:ID, close, network, or silence."""
        got = self.take(lambda pr, p: (pr == PPP_CBCP and p[:1] in (b"\x01", b"\x03"))
                        or (pr == PPP_LCP and p[:1] == b"\x05") or pr == PPP_IPCP, window)
        if not got:
            return "silence"
        _, proto, p = got
        if proto == PPP_LCP:
            return "close"
        if proto == PPP_IPCP:
            return "network"
        return ("rereq:" if p[0] == 1 else "ack:") + str(p[1])

    def wait_close(self, timeout):
        got = self.take(lambda pr, p: pr == PPP_LCP and p[:1] == b"\x05", timeout)
        return got is not None or self.terminated

    def hangup(self):
        try:
            os.close(self.fd)   # DTR drop: the modem hangs up
        except OSError:
            pass


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


def simple_rereq(name, payload, text, reason):
    @case(name, text, "rereq: fresh Request (new id) at once; no Ack; no job",
          log=[r"mscb: new Request: .*" + reason], nolog=[r"sent \[CBCP Ack"])
    def fn(p, req):
        r, ok = rereq_after(p, payload)
        return r, ok


def simple_drop(name, payload, text, reason):
    @case(name, text, "drop: no reply, counted (`dropped CBCP packet`); timer Request follows; no job",
          log=[r"mscb: dropped CBCP packet: .*" + reason], nolog=[r"sent \[CBCP Ack", r"mscb: new Request"])
    def fn(p, req):
        p.send(PPP_CBCP, payload)
        r = p.reaction()
        nxt = p.reaction(1.5)            # the retransmit timer keeps running
        return f"{r}, then {nxt}", r == "silence" and nxt == "rereq:2"


P1 = cbcp(2, 1, user_opt(CLI_NUMBER))
simple_drop("unsent-id", cbcp(2, 77, user_opt(CLI_NUMBER)), "Response id 77 (never sent) `02 4d 00 10 02 0c 0c 01 5551234 00`",
            "Response id 77 was never sent")
simple_drop("peer-request", bytes.fromhex("0101000e02050001000102030300"),
            "a Request from the peer `01 01 00 0e 02 05 00 01 00 01 02 03 03 00`", "unexpected Request from the peer")
simple_drop("peer-ack", cbcp(3, 1, user_opt(CLI_NUMBER)), "an Ack from the peer `03 01 00 10 ...`",
            "unexpected Ack from the peer")
simple_rereq("len-lt-4", bytes.fromhex("02010003"), "Length 3 `02 01 00 03`", "Length 3 is less than 4")
simple_rereq("len-past", bytes.fromhex("020100200102"), "Length 0x20 > 6 bytes received `02 01 00 20 01 02`",
             "Length 32 exceeds the 6 bytes")
simple_rereq("header-short", bytes.fromhex("0201"), "2-byte packet `02 01`", "shorter than the 4-byte header")
simple_rereq("opt-len-0", bytes.fromhex("020100060100"), "option length 0 `02 01 00 06 01 00`", "option length 0")
simple_rereq("opt-len-1", bytes.fromhex("020100060101"), "option length 1 `02 01 00 06 01 01`", "option length 1")
simple_rereq("opt-overrun", bytes.fromhex("0201000702090c"), "option overruns `02 01 00 07 02 09 0c`",
             "runs past the packet")
simple_rereq("addr-no-nul", bytes.fromhex("0201000c02080c0135353531"), "address without NUL `... 01 35 35 35 31`",
             "no NUL")
simple_rereq("addr-type-2", bytes.fromhex("0201000a02060c023500"), "address type 2 `... 0c 02 35 00`", "address type 2")
simple_rereq("nonprint", cbcp(2, 1, user_opt(b"555\x011234")), "number with byte 0x01", "non-printable")
simple_rereq("crlf", cbcp(2, 1, user_opt(b"555\r\nATH")), "number with CR LF `555\\r\\nATH`", "non-printable")
simple_rereq("number-65", cbcp(2, 1, user_opt(b"5" * 65)), "65-byte number (cap 64)", "longer than 64 bytes")
simple_rereq("zero-options", bytes.fromhex("02010004"), "Response with no option `02 01 00 04`",
             "carries 0 options")
simple_rereq("two-options", bytes.fromhex("02010012010202" "0c0c013535353132333400"),
             "two options NO+USER `02 01 00 12 01 02 02 0c ...`", "carries 2 options")
simple_rereq("nine-options", cbcp(2, 1, NO_OPT * 9), "nine NO options", "more than 8 options")
simple_rereq("unknown-type", bytes.fromhex("020100060702"), "option type 7 `02 01 00 06 07 02`",
             "unknown option type 7")
simple_drop("code-7", bytes.fromhex("07010004"), "unknown code 7 `07 01 00 04`", "unknown code 7")
simple_rereq("admin-not-offered", cbcp(2, 1, ADMIN_OPT), "ADMIN chosen, not offered `03 03 0c`",
             "type admin was not offered")
simple_rereq("empty-number", cbcp(2, 1, user_opt(b"")), "USER with empty number (`callback \"\"`)",
             "caller's number refused")


def refused_number(name, number, text):
    @case(name, text, "rereq without USER (number refused, then only NO offered); no Ack; no job",
          log=[r"event=number-refused ", r"mscb: new Request: caller's number refused"],
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
      "rereq; no job", log=[r"mscb: new Request: malformed CBCP packet"], nolog=[r"sent \[CBCP Ack"])
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
      same=(r"rcvd \[CBCP Response id=99 ", r"mscb: dropped CBCP packet: Response id 99 was never sent", 150), job=True,
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
      same=(r"rcvd \[CBCP Response id=99 ", r"mscb: dropped CBCP packet: Response id 99 was never sent"), job=True,
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
      log=[r"duplicate Response id 1, re-Ack"])
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
      log=[r"dropped CBCP packet: Response after Ack differs from the accepted one",
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
      nolog=[r"sent \[CBCP Ack", r"mscb: dropped", r"mscb: new Request"])
def _(p, req):
    return None  # special-cased in run()


@case("protrej-optional", "LCP Protocol-Reject of CBCP (0xC029), policy `user` (optional)",
      "network: no callback, IPCP starts; no job",
      log=[r"peer rejected CBCP, continuing without callback"], nolog=[r"sent \[CBCP Ack"])
def _(p, req):
    p.send(PPP_LCP, bytes([8, 7]) + struct.pack(">H", 6 + len(req)) + b"\xc0\x29" + req)
    got = p.take(lambda pr, x: pr == PPP_IPCP and x[:1] == b"\x01", 2)
    return ("network" if got else "no IPCP"), got is not None


@case("protrej-secure", "LCP Protocol-Reject of CBCP, policy `preset 5551234 secure`",
      "close: `peer rejected CBCP but callback is required`; no job",
      log=[r"CBCP failed: peer rejected CBCP but callback is required"], nolog=[r"sent \[CBCP Ack", r"IPCP"],
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
      log=[r"dropped CBCP packet: Response id 2 was never sent", r"CBCP failed: no acceptable Response"],
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
      nolog=[r"sent \[CBCP Ack", r"mscb: new Request", r"IPCP: up"])
def _(p, req):
    p.send(PPP_IPCP, bytes.fromhex("0101000a030600000000"))
    nxt = p.take(lambda pr, x: pr == PPP_CBCP and x[:1] == b"\x01", 1.5)
    return ("timer Request id %d" % nxt[2][1]) if nxt else "no Request", nxt is not None and nxt[2][1] == 2


@case("no-callback", "Response NO `02 01 00 06 01 02` (positive control)",
      "ack, then network phase (IPCP); no job", log=[r"caller chose no callback"],
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
      job=True, log=[r"link went down after the Ack", r"sent \[LCP TermReq"])
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


def do_check(a):
    spec = CASES[a.case]
    wire = json.load(open(a.wire))
    log = open(a.srv_log, errors="replace").read()
    helper = open(a.helper_log, errors="replace").read().splitlines()[a.helper_from:]
    problems = []
    if not wire["wire_ok"]:
        problems.append("wire: " + wire["observed"])
    for rx in spec["log"]:
        if not re.search(rx, log):
            problems.append(f"log lacks /{rx}/")
    for rx in spec["nolog"]:
        if re.search(rx, log):
            problems.append(f"log has /{rx}/")
    if spec["count"]:
        n = len(re.findall(spec["count"][0], log))
        if n != spec["count"][1]:
            problems.append(f"/{spec['count'][0]}/ x{n}, want {spec['count'][1]}")
    if spec["same"]:
        n1, n2 = (len(re.findall(rx, log)) for rx in spec["same"][:2])
        if n1 != n2 or n1 < (spec["same"][2] if len(spec["same"]) > 2 else 1):
            problems.append(f"{n1} received but {n2} dropped")
    m = re.search(r"event=asked .*session=(\S+)", log)
    session = m.group(1) if m else None
    jobs = [l for l in helper if "event=job-accepted " in l and session and f" session={session} " in l]
    if spec["job"] and len(jobs) != 1:
        problems.append(f"helper: {len(jobs)} jobs for session {session}, want 1")
    if not spec["job"] and jobs:
        problems.append(f"helper: job accepted for a rejected exchange: {jobs[0]}")
    if re.search(r"Segmentation|Aborted|internal error|fatal", log, re.I):
        problems.append("server log shows a crash/internal error")
    rc = a.rc
    if not rc.isdigit() or int(rc) >= 64:
        problems.append(f"server pppd exit status {rc} (signal/timeout/hang)")
    dropped = len(re.findall(r"mscb: dropped CBCP packet", log))
    rereqs = len(re.findall(r"mscb: new Request", log))
    observed = f"{wire['observed']}; log: {dropped} dropped, {rereqs} re-Requests; jobs {len(jobs)}; pppd rc {rc}"
    verdict = "PASS" if not problems else "FAIL"
    print(f"{a.case}\t{spec['expect']}\t{observed}\t{verdict}" + ("" if not problems else "\t" + "; ".join(problems)))
    return 0 if not problems else 1


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
