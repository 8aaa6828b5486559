#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The shipped mscb-helper.service: the system's secrets are inaccessible to the helper (it runs
# as root), what it needs is not, and no UUCP lock directory is writable (it takes no locks).
# Then, where systemd-analyze exists, `verify` must accept the unit without a word.
# Usage: unit_file_test.sh PATH/TO/mscb-helper.service
set -eu
unit=$1
[ -r "$unit" ] || { echo "unit-file: cannot read $unit" >&2; exit 1; }
failed=0
fail() { echo "unit-file: FAIL: $*" >&2; failed=1; }

# The values of KEY= in [Service], one path a line, with the '-' / '+' prefixes removed. An
# empty assignment resets the list, as systemd does.
paths() {
    awk -v key="$1" '
        /^[ \t]*\[/ { service = ($0 ~ /^[ \t]*\[Service\][ \t]*$/); next }
        !service || /^[ \t]*[#;]/ { next }
        {
            eq = index($0, "=")
            if (eq == 0) next
            k = substr($0, 1, eq - 1); gsub(/[ \t]/, "", k)
            if (k != key) next
            v = substr($0, eq + 1)
            if (v ~ /^[ \t]*$/) { n = 0; next }
            m = split(v, item, /[ \t]+/)
            for (i = 1; i <= m; i++) {
                p = item[i]
                sub(/^[-+]+/, "", p)
                if (p != "") list[++n] = p
            }
        }
        END { for (i = 1; i <= n; i++) print list[i] }
    ' "$unit"
}

# covered LIST PATH: PATH is one of LIST or below one of them.
covered() {
    printf '%s\n' "$1" | while IFS= read -r p; do
        [ -n "$p" ] || continue
        case "$2" in "$p" | "$p"/*) echo yes; break ;; esac
    done
}

hidden=$(paths InaccessiblePaths)
writable=$(paths ReadWritePaths)

for secret in /etc/ppp/chap-secrets /etc/ppp/pap-secrets /etc/ppp/eaptls-server /etc/shadow /etc/gshadow \
    /etc/radiusclient/servers /etc/ppp/radius; do
    [ -n "$(covered "$hidden" "$secret")" ] || fail "$secret is not in InaccessiblePaths="
done
for needed in /etc/mscb/helper.conf /run/mscb/helper.sock /var/lib/mscb/jobs /usr/sbin/chat \
    /proc/sys/kernel/random/boot_id /sys/class/tty /run/udev /dev/null; do
    [ -z "$(covered "$hidden" "$needed")" ] || fail "$needed, which the helper needs, is inaccessible"
done
for lockdir in /var/lock /run/lock; do
    [ -z "$(covered "$writable" "$lockdir/LCK..ttyS0")" ] || fail "$lockdir is in ReadWritePaths= (the helper takes no UUCP locks)"
done
[ -n "$(covered "$writable" /run/mscb)" ] || fail "/run/mscb is not in ReadWritePaths="
[ -n "$(covered "$writable" /var/lib/mscb)" ] || fail "/var/lib/mscb is not in ReadWritePaths="

if command -v systemd-analyze >/dev/null 2>&1; then
    # verify wants the ExecStart programs installed: check a copy that runs /bin/true instead.
    tmp=$(mktemp -d)
    trap 'rm -rf -- "$tmp"' EXIT
    sed 's|^\(ExecStart[A-Za-z]*=\)[^ ]*|\1/bin/true|' "$unit" >"$tmp/mscb-helper.service"
    if ! out=$(systemd-analyze verify --man=no "$tmp/mscb-helper.service" 2>&1); then
        fail "systemd-analyze verify: $out"
    elif [ -n "$out" ]; then
        fail "systemd-analyze verify complains: $out"
    fi
else
    echo "unit-file: systemd-analyze not installed, verify skipped (scripts/deps installs it)"
fi

[ "$failed" -eq 0 ] && echo "unit-file: ok"
exit "$failed"
