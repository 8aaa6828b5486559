#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helper at scale (doc/performance.md §3): JOBS concurrent callback jobs, each on its own pty,
# against a real mscb-helper; see helper_scale.cpp for what is measured and how.
# Usage: bench/helper-scale.sh BUILD_DIR [OUT_DIR]
#   HELPER_JOBS (default 1000; the helper takes up to 4096 with max-jobs), DELAY_MIN /
#   DELAY_MAX (20 / 40 s), HELPER (default BUILD_DIR/helper/mscb-helper), STRACE=0 to skip strace -c
#   over the idle window. Needs root (the helper only talks to uid 0 and wants a root-owned config).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [OUT_DIR]}
jobs=${HELPER_JOBS:-1000}
out=${2:-$build/bench-results/helper-scale-$jobs}
helper=${HELPER:-$build/helper/mscb-helper}
driver=$build/bench/mscb_helper_scale
[ "$(id -u)" = 0 ] || { echo "helper-scale: needs root" >&2; exit 2; }
[ -x "$driver" ] && [ -x "$helper" ] || { echo "helper-scale: build $driver and $helper first" >&2; exit 2; }
pty_free=$(( $(cat /proc/sys/kernel/pty/max) - $(cat /proc/sys/kernel/pty/nr) ))
[ "$pty_free" -ge "$jobs" ] || { echo "helper-scale: $jobs ptys wanted, kernel.pty.max leaves $pty_free" >&2; exit 2; }
# The helper holds ~3 fds per job (connection, line, timerfd) plus chat pipes and pidfds; the
# driver 2 per job. Raise the soft limit (systemd's default for services is 1024).
ulimit -n "$(ulimit -Hn)"
mkdir -p "$out"
# journal-dir on disk (as /var/lib/mscb/jobs), run-dir (chat scripts) on a tmpfs (as /run).
work=$(mktemp -d /var/tmp/mscb-helper-scale.XXXXXX)
run=$(mktemp -d /dev/shm/mscb-helper-scale.XXXXXX)
trap 'rm -rf "$work" "$run"' EXIT
strace_flag=()
[ "${STRACE:-1}" = 1 ] && command -v strace >/dev/null && strace_flag=(--strace)
{
    echo "date: $(date -u +%FT%TZ)"
    echo "host: $(uname -r), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "helper: $helper"
    echo "journal-dir: $(df --output=fstype "$work" | tail -1), run-dir: $(df --output=fstype "$run" | tail -1)"
} >"$out/run.txt"
rc=0
"$driver" --helper "$helper" --jobs "$jobs" --max-jobs "$jobs" --delay-min "${DELAY_MIN:-20}" \
    --delay-max "${DELAY_MAX:-40}" --workdir "$work" --run-dir "$run/run" --out "$out" "${strace_flag[@]}" || rc=$?
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run.txt"
echo "results in $out"
exit "$rc"
