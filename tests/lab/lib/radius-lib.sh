# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-side helpers for the RADIUS scenarios: FreeRADIUS 3.2 in its own netns `aaa`, linked to
# netns `srv` (where the server pppd runs radius.so) by a veth pair, and the radiusclient files
# radius.so reads. Source after cbcp-lib.sh; call lab_setup first (it creates netns srv).
#
#   start_radius USERS_TEXT   FreeRADIUS with USERS_TEXT as its `users` file (job "radius",
#                             debug log in $MSCB_RESULTS/radius.log); returns once it is ready
#   stop_radius               stop it (the "RADIUS server down" case)
#   radius_client_conf        radiusclient files under $RADIUS_CLIENT_DIR; sets RADIUS_OPTS
#                             (plugin radius.so ...) and RADIUS_OPTS_RADATTR (the same + radattr.so)
#                             for start_server
#   radius_attrs FILE         copy radattr's /run/radattr.pppN (present while the server pppd runs)
#   radius_attrs_watch FILE   keep copying it in the background (job "radattr-watch"), for a
#                             login that fails: pppd removes the file when it exits
#
# Config templates: tests/lab/lib/radius/ (radiusd.conf, clients.conf, attrs.access_reject,
# radiusclient.conf, dictionary).
# The guest root is read-only: FreeRADIUS runs from a copy in /run/raddb (-d), as root, -X.

RADIUS_AAA_IP=10.77.0.1                 # FreeRADIUS, netns aaa
RADIUS_NAS_IP=10.77.0.2                 # the server pppd's side, netns srv
RADIUS_SECRET=lab-radius-secret
RADIUS_DIR=/run/raddb
RADIUS_CLIENT_DIR=/etc/ppp/radiusclient
RADIUS_TEMPLATES=$MSCB_SRC/tests/lab/lib/radius
# radiusclient: each request waits RADIUS_TIMEOUT s per try, RADIUS_RETRIES tries (pppd is blocked
# meanwhile); so a dead server fails an authentication after RADIUS_TIMEOUT * RADIUS_RETRIES s.
RADIUS_TIMEOUT=${RADIUS_TIMEOUT:-2}
RADIUS_RETRIES=${RADIUS_RETRIES:-2}
RADIUS_STARTS=0

# _radius_template NAME DEST: copy a template, substituting the @VARIABLES@.
_radius_template() {
    sed -e "s|@AAA_IP@|$RADIUS_AAA_IP|g" -e "s|@NAS_IP@|$RADIUS_NAS_IP|g" \
        -e "s|@SECRET@|$RADIUS_SECRET|g" -e "s|@DIR@|$RADIUS_CLIENT_DIR|g" \
        -e "s|@TIMEOUT@|$RADIUS_TIMEOUT|g" -e "s|@RETRIES@|$RADIUS_RETRIES|g" \
        "$RADIUS_TEMPLATES/$1" >"$2"
}

# radius_net: netns aaa and the veth pair aaa <-> srv (idempotent).
radius_net() {
    ip netns list | grep -qw aaa && return 0
    modprobe veth 2>/dev/null
    netns_add aaa || return 1
    ip link add rad-aaa type veth peer name rad-srv || return 1
    ip link set rad-aaa netns aaa && ip link set rad-srv netns srv || return 1
    ip -n aaa addr add "$RADIUS_AAA_IP/24" dev rad-aaa && ip -n aaa link set rad-aaa up || return 1
    ip -n srv addr add "$RADIUS_NAS_IP/24" dev rad-srv && ip -n srv link set rad-srv up || return 1
    log "radius: netns aaa $RADIUS_AAA_IP <-> srv $RADIUS_NAS_IP"
}

# start_radius USERS_TEXT: (re)write /run/raddb and start FreeRADIUS in netns aaa. Sets
# RADIUS_READY_S (seconds from start to "Ready to process requests"). A second start keeps the
# previous log as radius-N.log.
start_radius() {
    local t0
    radius_net || { fail "radius: veth aaa <-> srv"; return 1; }
    rm -rf "$RADIUS_DIR" && mkdir -p "$RADIUS_DIR/log/radacct" && chmod 0700 "$RADIUS_DIR"
    _radius_template radiusd.conf "$RADIUS_DIR/radiusd.conf"
    _radius_template clients.conf "$RADIUS_DIR/clients.conf"
    cp "$RADIUS_TEMPLATES/attrs.access_reject" "$RADIUS_DIR/"
    echo '# local dictionary: the distribution one (/usr/share/freeradius) is enough' >"$RADIUS_DIR/dictionary"
    printf '%s\n' "$1" >"$RADIUS_DIR/users"
    RADIUS_STARTS=$((RADIUS_STARTS + 1))
    [ "$RADIUS_STARTS" -gt 1 ] && [ -f "$MSCB_RESULTS/radius.log" ] &&
        mv "$MSCB_RESULTS/radius.log" "$MSCB_RESULTS/radius-$((RADIUS_STARTS - 1)).log"
    t0=$(_lab_us)
    start_bg radius 900 ip netns exec aaa freeradius -X -d "$RADIUS_DIR"
    if ! wait_log radius.log 'Ready to process requests' 30 >/dev/null; then
        fail "FreeRADIUS ready (see radius.log)"
        return 1
    fi
    RADIUS_READY_S=$(awk -v us=$(( $(_lab_us) - t0 )) 'BEGIN { printf "%.2f", us / 1e6 }')
    log "radius: FreeRADIUS ready in ${RADIUS_READY_S}s"
}

# stop_radius: stop FreeRADIUS (SIGTERM) and wait for it to exit.
stop_radius() {
    stop_bg radius TERM
    wait_bg radius 10 >/dev/null
    return 0
}

# radius_client_conf: radiusclient.conf, servers (the shared secret), dictionary and an empty
# port-id-map under $RADIUS_CLIENT_DIR (tmpfs /etc/ppp); sets RADIUS_OPTS / RADIUS_OPTS_RADATTR.
radius_client_conf() {
    mkdir -p "$RADIUS_CLIENT_DIR"
    _radius_template radiusclient.conf "$RADIUS_CLIENT_DIR/radiusclient.conf"
    cp "$RADIUS_TEMPLATES/dictionary" "$RADIUS_CLIENT_DIR/dictionary"
    (umask 077; printf '%s\t%s\n' "$RADIUS_AAA_IP" "$RADIUS_SECRET" >"$RADIUS_CLIENT_DIR/servers")
    : >"$RADIUS_CLIENT_DIR/port-id-map"
    RADIUS_OPTS=(plugin radius.so radius-config-file "$RADIUS_CLIENT_DIR/radiusclient.conf")
    RADIUS_OPTS_RADATTR=("${RADIUS_OPTS[@]}" plugin radattr.so)
}

# radius_attrs DEST: copy the server's radattr file (radattr.so removes it when pppd exits).
radius_attrs() {
    local f
    for f in /run/radattr.ppp*; do
        [ -f "$f" ] || continue
        cp "$f" "$1" && log "radius: $f -> $1" && return 0
    done
    log "radius: no /run/radattr.ppp* file"
    return 1
}

# radius_attrs_watch DEST: copy every non-empty /run/radattr.ppp* to DEST every 20 ms until
# stopped (stop_bg radattr-watch): catches the file of a login that fails right after it.
radius_attrs_watch() {
    start_bg radattr-watch 300 bash -c 'while :; do for f in /run/radattr.ppp*; do
        [ -s "$f" ] && cp "$f" "$1.tmp" 2>/dev/null && [ -s "$1.tmp" ] && mv "$1.tmp" "$1"; done; sleep 0.02; done' _ "$1"
}
