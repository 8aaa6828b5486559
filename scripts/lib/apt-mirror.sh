# SPDX-License-Identifier: GPL-2.0-or-later
# Shared shell helpers: find the Debian mirror this machine already uses, and run apt-get
# against a private state directory for another suite (trixie) without touching the system's
# sources. Never hard-code a registry host: the mirror always comes from /etc/apt.

# Print the base URI of the machine's Debian mirror (first deb source for the host's codename).
mscb_debian_mirror() {
    local codename uri
    codename=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-bookworm}")
    # deb822 sources first: first stanza with Types: deb whose Suites has the codename.
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk -v cn="$codename" '
            BEGIN { RS=""; FS="\n" }
            {
                types=""; uris=""; suites=""
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^Types:/)  { types = $i }
                    if ($i ~ /^URIs:/)   { uris = $i }
                    if ($i ~ /^Suites:/) { suites = $i }
                }
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && suites ~ ("[ \t]" cn "([ \t]|$)")) {
                    sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
                }
            }' "$f")
        [ -n "$uri" ] && { echo "${uri%/}"; return 0; }
    done
    if [ -f /etc/apt/sources.list ]; then
        uri=$(awk -v cn="$codename" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i+1) == cn) { print $i; exit }
            }' /etc/apt/sources.list)
        [ -n "$uri" ] && { echo "${uri%/}"; return 0; }
    fi
    echo "mscb: no Debian mirror for '$codename' found in /etc/apt (sources.list or sources.list.d/*.sources)" >&2
    return 1
}

# mscb_private_apt DIR SUITE [TYPE]: prepare DIR as private apt state for SUITE and print the
# apt-get options that select it (use as: apt-get $(mscb_private_apt DIR trixie) update).
# TYPE is `deb` (binary packages, the default) or `deb-src` (source packages: apt-get source).
mscb_private_apt() {
    local dir=$1 suite=$2 type=${3:-deb} mirror
    mirror=$(mscb_debian_mirror) || return 1
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
    echo "$type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$dir/sources.list.new"
    if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" 2>/dev/null; then
        mv "$dir/sources.list.new" "$dir/sources.list"
    else
        rm -f "$dir/sources.list.new"
    fi
    echo "-o Dir::Etc::sourcelist=$dir/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir/cache -o APT::Sandbox::User=root"
}
