#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mscb lab guest PID 1 (copied to /uml-init.sh in the guest root): mounts, PPP modules, runs the script, powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8
param() { tr ' ' '\n' </proc/cmdline | sed -n "s/^mscb\.$1=//p" | tail -n 1; }
hostfs() { mount -t hostfs -o "hostfs=$1" none "$2" 2>/dev/null || mount -t hostfs -o "$1" none "$2"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=0666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
ln -sfn /proc/self/fd /dev/fd
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/lock && chmod 1777 /run/lock
mount -t tmpfs -o mode=1777 tmpfs /tmp
[ -L /var/lock ] || mount -t tmpfs -o mode=1777 tmpfs /var/lock
# Writable /etc/ppp: the root's content, with an empty options file so each test states all it uses.
cp -a /etc/ppp /run/etc-ppp && mount -t tmpfs -o mode=755 tmpfs /etc/ppp && cp -a /run/etc-ppp/. /etc/ppp/ &&
    rm -rf /run/etc-ppp && mv /etc/ppp/options /etc/ppp/options.debian && : >/etc/ppp/options
if [ "$(param probe)" = 1 ]; then
    # scripts/lab setup's test boot: reached user space; can the guest do PPP?
    modprobe -a ppp_async ppp_deflate bsd_comp 2>/dev/null
    if [ -c /dev/ppp ]; then
        echo "lab-probe: ok: kernel $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME"), /dev/ppp, guest up after $(cut -d' ' -f1 /proc/uptime)s" >/dev/console
    else
        echo "lab-probe: booted but no /dev/ppp (modprobe ppp_async failed)" >/dev/console
    fi
    echo o >/proc/sysrq-trigger
    sleep 10
fi
hostfs "$(param src)" /mscb
hostfs "$(param results)" /results
build=$(param build); [ -n "$build" ] && hostfs "$build" /build
hostname mscb-lab
ip link set lo up
modprobe -a ppp_async ppp_deflate bsd_comp || echo "lab-init: modprobe failed" >&2
[ -c /dev/ppp ] || echo "lab-init: no /dev/ppp" >&2

# The host wrote the command (env + script + args) to /results/.lab/run; a soft timeout leaves time to report.
echo "lab-init: guest up after $(cut -d' ' -f1 /proc/uptime)s, running the script" >/dev/console
cd /results && timeout -k 3 "$(param timeout)" /bin/sh /results/.lab/run </dev/null >/dev/console 2>&1
echo $? >/results/exit-status
sync
echo o >/proc/sysrq-trigger
sleep 10
