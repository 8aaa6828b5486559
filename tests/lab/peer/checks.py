# SPDX-License-Identifier: GPL-2.0-or-later
"""The hostile peer's verdict on one case: the wire as observed, the server's log (pppd debug and
mscb's event lines, doc/events.md) and the helper's log."""
import json
import re

from cases import CASES


def do_check(a):
    spec = CASES[a.case]
    wire = json.load(open(a.wire))
    log = open(a.srv_log, errors="replace").read()
    helper = open(a.helper_log, errors="replace").read().splitlines()[a.helper_from:]
    problems = []
    if not wire["wire_ok"]:
        problems.append("wire: " + wire["observed"])
    for rx in spec["log"]:
        if not re.search(rx, log, re.M):
            problems.append(f"log lacks /{rx}/")
    for rx in spec["nolog"]:
        if re.search(rx, log, re.M):
            problems.append(f"log has /{rx}/")
    if spec["count"]:
        n = len(re.findall(spec["count"][0], log, re.M))
        if n != spec["count"][1]:
            problems.append(f"/{spec['count'][0]}/ x{n}, want {spec['count'][1]}")
    if spec["same"]:
        n1, n2 = (len(re.findall(rx, log, re.M)) for rx in spec["same"][:2])
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
    dropped = len(re.findall(r"event=cbcp-dropped ", log))
    rereqs = len(re.findall(r"event=response-refused ", log))
    observed = f"{wire['observed']}; log: {dropped} dropped, {rereqs} re-Requests; jobs {len(jobs)}; pppd rc {rc}"
    verdict = "PASS" if not problems else "FAIL"
    print(f"{a.case}\t{spec['expect']}\t{observed}\t{verdict}" + ("" if not problems else "\t" + "; ".join(problems)))
    return 0 if not problems else 1


