# SPDX-License-Identifier: GPL-2.0-or-later
# mscb lab recipe (sourced by scripts/lab): build the cached trixie guest root + patched UML kernel.
# The cache key is a hash of this file and init.sh, so any change to the recipe rebuilds the guest.
# shellcheck shell=bash

LAB_SUITE=trixie
LAB_PACKAGES=ppp,kmod,iproute2,iputils-ping,procps,socat,libudev1,libmnl0,python3,freeradius,freeradius-utils
LAB_KERNEL_PACKAGE=user-mode-linux
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

lab_fetch_kernel() { # TMP
    local opts
    opts=$(mscb_private_apt "$LAB_CACHE/apt-$LAB_SUITE" "$LAB_SUITE") || return 1
    # shellcheck disable=SC2086
    apt-get $opts -qq update || return 1
    mkdir -p "$1/debs"
    # shellcheck disable=SC2086
    (cd "$1/debs" && apt-get $opts -qq download "$LAB_KERNEL_PACKAGE") || return 1
    dpkg-deb -x "$1"/debs/"$LAB_KERNEL_PACKAGE"_*.deb "$1/kpkg"
}

lab_install_kernel() { # TMP FINAL
    local tmp=$1 final=$2 ver
    ver=$(ls "$tmp/kpkg/usr/lib/uml/modules")
    [ "$(echo "$ver" | wc -l)" -eq 1 ] || { echo "lab setup: expected one module dir, got: $ver" >&2; return 1; }
    # Modules go into the guest root so a plain modprobe finds them there.
    mkdir -p "$tmp/root/usr/lib/modules"
    mv "$tmp/kpkg/usr/lib/uml/modules/$ver" "$tmp/root/usr/lib/modules/$ver"
    depmod -b "$tmp/root" "$ver" || return 1
    # The kernel needs trixie's glibc (>= 2.38): point its interpreter and rpath into the (final) root.
    cp "$tmp/kpkg/usr/bin/linux.uml" "$tmp/linux"
    patchelf --set-interpreter "$final/root/usr/lib64/ld-linux-x86-64.so.2" \
        --set-rpath "$final/root/usr/lib/x86_64-linux-gnu" "$tmp/linux" || return 1
    echo "$ver" >"$tmp/kernel-version"
    rm -rf "$tmp/kpkg" "$tmp/debs"
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
        lab_step "fetch $LAB_KERNEL_PACKAGE" lab_fetch_kernel "$tmp" || exit
        wait $dbpid || exit
        lab_step "install kernel + modules" lab_install_kernel "$tmp" "$final" || exit
        lab_step "install guest init" lab_install_init "$tmp" || exit
        {
            echo "key $key"; echo "suite $LAB_SUITE"; echo "packages $LAB_PACKAGES"
            echo "kernel $(cat "$tmp/kernel-version")"
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
