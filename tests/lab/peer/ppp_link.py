# SPDX-License-Identifier: GPL-2.0-or-later
"""The hostile peer's PPP link: async-HDLC framing (RFC 1662), a dialling modem, LCP with the
Callback option, CHAP-MD5 (RFC 1994), and the reactions a case observes (see hostile-peer.py)."""
import hashlib
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

