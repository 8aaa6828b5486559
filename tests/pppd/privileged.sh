#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every mscb option is privileged: a user allowed to run `pppd call X` (pppd setuid root, the
# peers file root's) cannot set or loosen any of them from the command line. Runs the real
# pppd setuid as `nobody` in a private mount namespace whose /etc/ppp is a tmpfs.
# usage: privileged.sh PPPD MSCB_SO
set -u
pppd=$1 plugin=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (setuid pppd, mount namespace)"; exit 77; }
command -v unshare >/dev/null && command -v setpriv >/dev/null || { echo "SKIP: no unshare/setpriv"; exit 77; }
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
install -o root -g root -m 4755 "$pppd" "$work/pppd"

# run_as_user ARGS...: pppd call probe ARGS, as nobody; prints the output and "rc=N".
run_as_user() {
    unshare -m bash -c '
        mount -t tmpfs -o mode=0755 mscb-probe /etc/ppp || exit 90
        mkdir -p /etc/ppp/peers
        printf "plugin %s\nmscb\n" "$1" > /etc/ppp/peers/probe
        : > /etc/ppp/options
        shift
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
            timeout 20 "$@"
        echo "rc=$?"
    ' run "$plugin" "$work/pppd" call probe nodetach logfd 2 "${@}" /dev/null 2>&1
}

failures=0 passes=0
control=$(run_as_user)
if printf '%s\n' "$control" | grep -q "Plugin .*mscb.so loaded" && ! printf '%s\n' "$control" | grep -q "rc=2$"; then
    echo "PASS control: the peers file loads mscb for nobody"; passes=$((passes + 1))
else
    echo "FAIL control:"; printf '%s\n' "$control" | sed 's/^/    /'; failures=$((failures + 1))
fi

while read -r name value; do
    out=$(run_as_user "$name" ${value:+"$value"})
    if printf '%s\n' "$out" | grep -q "using the $name option requires root privilege" &&
       printf '%s\n' "$out" | grep -q "rc=2$"; then
        echo "PASS $name is privileged"; passes=$((passes + 1))
    else
        echo "FAIL $name was accepted from a user:"; printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    fi
done <<'OPTIONS'
mscb
mscb-default user
mscb-users /etc/passwd
mscb-helper-socket /tmp/x.sock
mscb-connector /bin/true
mscb-number-allow 0
mscb-number-deny 999
mscb-number-plus 00
mscb-number-max 32
mscb-number-feature-codes
mscb-restart 30000
mscb-max-req 250
mscb-ack-wait 30000
mscb-delay-min 0
mscb-delay-max 255
mscb-callback-leg
mscb-expect-user alice
mscb-radius-callback-framed
mscb-user-fold case
OPTIONS

echo "$passes passed, $failures failed"
[ $failures -eq 0 ]
