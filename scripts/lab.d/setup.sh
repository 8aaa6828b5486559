# SPDX-License-Identifier: GPL-2.0-or-later
# mscb lab recipe (sourced by scripts/lab): build the cached guest root (trixie, or bookworm for
# pppd 2.4.9) + a UML kernel that boots on this host. The cache key is a hash of this file, init.sh
# and the suite, so any change to the recipe rebuilds the guest.
# shellcheck shell=bash

# The guest's root: trixie (pppd 2.5.2, the default) or bookworm (pppd 2.4.9), MSCB_LAB_SUITE.
LAB_SUITE=${MSCB_LAB_SUITE:-trixie}
LAB_PACKAGES=ppp,kmod,iproute2,iputils-ping,procps,socat,libudev1,libmnl0,python3,freeradius,freeradius-utils,mgetty
LAB_KERNEL_PACKAGE=user-mode-linux
# Where the UML kernel comes from, in order; the first one whose kernel test-boots the guest wins.
# trixie's 6.12 dies at the guest's first user instruction on hosts whose CPU has AMX (its XSAVE
# area is larger than UML 6.12 handles: "ptrace set fp regs failed, errno = 14"); forky's and
# sid's 7.2 boot on both kinds of host. trixie stays last, for a day when testing has no kernel.
# The kernel brings its own glibc (libc6 from the same suite) so it runs under any guest root.
LAB_KERNEL_SUITES=(forky sid trixie)
LAB_HOST_TOOLS=(debootstrap patchelf kmod xz-utils cpio)

# Step runner: prints the step, its duration, and fails loudly.
lab_step() {
    local name=$1 t0 rc; shift
    t0=$(date +%s.%N)
    echo "lab setup: $name ..."
    "$@"; rc=$?
    echo "lab setup: $name $( [ $rc -eq 0 ] && echo "done" || echo "FAILED") in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }')"
    return $rc
}

lab_host_tools() {
    local p missing=()
    for p in "${LAB_HOST_TOOLS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "lab setup: missing host tools ${missing[*]}: running scripts/deps"
    "$LAB_PROJECT/scripts/deps"
}

# Remove a (partial) build directory without ever crossing into something mounted below it.
lab_rmtree() {
    local d=$1 m
    [ -e "$d" ] || return 0
    findmnt -rn -o TARGET | grep -F "$d/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf --one-file-system "$d"
}

lab_debootstrap() { # TMP
    local mirror
    mirror=$(mscb_debian_mirror) || return 1
    debootstrap --variant=minbase --include="$LAB_PACKAGES" "$LAB_SUITE" "$1/root" "$mirror" \
        >"$1/debootstrap.log" 2>&1 || { tail -n 30 "$1/debootstrap.log" >&2; return 1; }
    rm -f "$1"/root/var/cache/apt/archives/*.deb "$1"/root/var/lib/apt/lists/*_Packages
}

lab_fetch_kernel() { # TMP SUITE: the kernel package and the glibc it runs on, unpacked in TMP/kpkg
    local tmp=$1 suite=$2 opts
    opts=$(mscb_private_apt "$LAB_CACHE/apt-$suite" "$suite") || return 1
    # shellcheck disable=SC2086
    apt-get $opts -qq update || return 1
    rm -rf "$tmp/debs" "$tmp/kpkg" && mkdir -p "$tmp/debs"
    # shellcheck disable=SC2086
    (cd "$tmp/debs" && apt-get $opts -qq download "$LAB_KERNEL_PACKAGE" libc6) || return 1
    dpkg-deb -x "$tmp"/debs/"$LAB_KERNEL_PACKAGE"_*.deb "$tmp/kpkg" &&
        dpkg-deb -x "$tmp"/debs/libc6_*.deb "$tmp/kpkg"
}

# lab_patch_kernel SRC DEST LIBDIR: a copy of kernel SRC that loads its glibc from LIBDIR.
lab_patch_kernel() {
    cp "$1" "$2" && patchelf --set-interpreter "$3/ld-linux-x86-64.so.2" --set-rpath "$3" "$2"
}

lab_install_kernel() { # TMP FINAL
    local tmp=$1 final=$2 ver lib
    ver=$(ls "$tmp/kpkg/usr/lib/uml/modules")
    [ "$(echo "$ver" | wc -l)" -eq 1 ] || { echo "lab setup: expected one module dir, got: $ver" >&2; return 1; }
    # Modules go into the guest root so a plain modprobe finds them there.
    rm -rf "$tmp"/root/usr/lib/modules/*um* "$tmp/kernel"
    mkdir -p "$tmp/root/usr/lib/modules" "$tmp/kernel"
    mv "$tmp/kpkg/usr/lib/uml/modules/$ver" "$tmp/root/usr/lib/modules/$ver"
    depmod -b "$tmp/root" "$ver" || return 1
    # The kernel's own glibc (its suite's libc6, >= 2.38) beside it: a bookworm root has 2.36.
    lib=$tmp/kpkg/usr/lib/x86_64-linux-gnu
    cp -L "$lib/ld-linux-x86-64.so.2" "$lib/libc.so.6" "$tmp/kernel/" || return 1
    lab_patch_kernel "$tmp/kpkg/usr/bin/linux.uml" "$tmp/linux" "$final/kernel" || return 1
    # A second copy bound to the build directory, for the test boot before the move.
    lab_patch_kernel "$tmp/kpkg/usr/bin/linux.uml" "$tmp/linux-probe" "$tmp/kernel" || return 1
    echo "$ver" >"$tmp/kernel-version"
}

# lab_boot_args ROOT MEM: the kernel command line of every guest boot, in LAB_BOOT_ARGS.
lab_boot_args() {
    # shellcheck disable=SC2054 # con0=null,fd:1 is one argument
    LAB_BOOT_ARGS=(mem="$2" root=/dev/root rootfstype=hostfs rootflags="$1" ro init=/uml-init.sh
        con0=null,fd:1 con=null ssl=null quiet)
}

# lab_test_boot TMP: boot the new guest once (mscb.probe=1: init reports and powers off) and check
# that it reached user space with PPP. The output is kept in TMP/test-boot.log.
lab_test_boot() {
    local tmp=$1 rc tmpdir mem=${MSCB_LAB_MEM:-512M}
    tmpdir=$(lab_tmpdir $(( $(lab_mem_kb "$mem") + 65536 ))) || return 1
    lab_boot_args "$tmp/root" "$mem"
    ( ulimit -c 0; TMPDIR=$tmpdir exec timeout -k 5 60 "$tmp/linux-probe" "${LAB_BOOT_ARGS[@]}" mscb.probe=1 ) \
        </dev/null >"$tmp/test-boot.log" 2>&1
    rc=$?
    rm -rf "$tmpdir"
    if grep -q '^lab-probe: ok' "$tmp/test-boot.log"; then
        grep '^lab-probe:' "$tmp/test-boot.log"
        return 0
    fi
    echo "lab setup: kernel $(cat "$tmp/kernel-version") did not boot the guest (exit $rc); last lines:" >&2
    grep -v '^$' "$tmp/test-boot.log" | tail -n 8 | sed 's/^/    /' >&2
    return 1
}

# Fetch, install and test-boot kernels from LAB_KERNEL_SUITES until one boots; the guest root must
# be in place. On failure, one sentence saying what failed and what to do.
lab_choose_kernel() { # TMP FINAL
    local tmp=$1 final=$2 suite tried=()
    for suite in "${LAB_KERNEL_SUITES[@]}"; do
        tried+=("$suite")
        lab_step "fetch $LAB_KERNEL_PACKAGE from $suite" lab_fetch_kernel "$tmp" "$suite" || continue
        lab_step "install kernel $(ls "$tmp/kpkg/usr/lib/uml/modules" 2>/dev/null) + modules" \
            lab_install_kernel "$tmp" "$final" || continue
        if lab_step "test-boot the guest" lab_test_boot "$tmp"; then
            echo "$suite" >"$tmp/kernel-suite"
            rm -rf "$tmp/kpkg" "$tmp/debs" "$tmp/linux-probe"
            return 0
        fi
    done
    echo "lab setup: FAILED: no UML kernel (user-mode-linux from ${tried[*]}) boots the guest on this host" \
         "($(uname -r), CPU: $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))." \
         "Check that the host allows ptrace and exec in /dev/shm, or see tests/lab/README.md (hosts tried)." >&2
    return 1
}

lab_install_init() { # TMP
    install -m 0755 "$LAB_D/init.sh" "$1/root/uml-init.sh"
    mkdir -p "$1/root/mscb" "$1/root/results" "$1/root/build"
}

lab_setup() {
    local key final tmp t0 dbpid rc
    t0=$(date +%s)
    key=$(lab_key); final=$LAB_CACHE/guest-$key
    if [ -f "$final/.complete" ]; then
        echo "lab setup: guest $key is ready ($final)"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || { echo "lab setup: must run as root (debootstrap)" >&2; return 1; }
    mkdir -p "$LAB_CACHE"
    exec 8>"$LAB_CACHE/.lock"
    flock -n 8 || { echo "lab setup: waiting for another setup (lock $LAB_CACHE/.lock)"; flock 8; }
    if [ -f "$final/.complete" ]; then exec 8>&-; echo "lab setup: guest $key is ready ($final)"; return 0; fi
    # Anything left from an interrupted setup is stale now that we hold the lock.
    for tmp in "$LAB_CACHE"/.build-*; do lab_rmtree "$tmp"; done
    tmp=$LAB_CACHE/.build-$key
    mkdir -p "$tmp"
    echo "lab setup: building guest $key in $tmp (suite $LAB_SUITE, packages $LAB_PACKAGES)"
    (
        # On any exit short of success: stop debootstrap (its own process group) and drop the partial tree.
        trap '[ -n "${dbpid:-}" ] && kill -TERM -- "-$dbpid" 2>/dev/null; wait; lab_rmtree "$tmp"' EXIT
        trap 'echo "lab setup: interrupted" >&2; exit 130' INT TERM HUP
        # (no set -e: it is ignored in a subshell tested with ||; every step is checked.)
        lab_step "host tools" lab_host_tools || exit
        set -m  # the background step gets a process group of its own, so it can be stopped as a whole
        lab_step "debootstrap $LAB_SUITE (in the background)" lab_debootstrap "$tmp" &
        dbpid=$!
        set +m
        wait $dbpid || exit
        lab_step "install guest init" lab_install_init "$tmp" || exit
        lab_choose_kernel "$tmp" "$final" || exit
        {
            echo "key $key"; echo "suite $LAB_SUITE"; echo "packages $LAB_PACKAGES"
            echo "kernel $(cat "$tmp/kernel-version") (user-mode-linux from $(cat "$tmp/kernel-suite"))"
            # shellcheck disable=SC2016 # dpkg-query's own ${Version}
            echo "pppd $(chroot "$tmp/root" dpkg-query -W -f='${Version}' ppp)"
            echo "built $(date -u +%FT%TZ)"
        } >"$tmp/recipe" || exit
        touch "$tmp/.complete" || exit
        lab_rmtree "$final"
        mv -T "$tmp" "$final" || exit
        trap - EXIT
    ) || { rc=$?; exec 8>&-; echo "lab setup: FAILED" >&2; return $rc; }
    exec 8>&-
    echo "lab setup: guest $key ready in $(( $(date +%s) - t0 ))s, $(du -sh "$final" | cut -f1) in $final"
    cat "$final/recipe"
}
