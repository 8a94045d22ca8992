#!/bin/bash
# A DHCP lab built only from network namespaces it creates itself; the root namespace gets nothing
# but the netns handles under /run/netns.
#
#   node  netns  "<lab>-node": bridge br0 (10.99.0.1/24, the node's own LAN address), the lease daemon,
#                the main plugins run here; veth mv0 (its peer on br0) is the macvlan master
#   srv   netns  "<lab>-srv" : eth0 10.99.0.2/24 on br0, dnsmasq (--port=0, its own lease file)
#   pods  netns  "<lab>-<pod>": created by pod-add, interface made by the main plugin
#
# Usage (all as root):
#   lab.sh up LAB [--ping] [--broadcast] [--reference] [--wide] [--socket-activate] [--no-daemon]
#                                         start namespaces, dnsmasq and our daemon (or, with
#                                         --reference, the reference Go daemon from /usr/lib/cni;
#                                         --no-daemon: none, the test runs its own;
#                                         --wide: a /20 with 3838 addresses for scale runs;
#                                         --socket-activate: systemd-socket-activate listens on the
#                                         socket and starts our daemon on the first connection)
#   lab.sh add LAB POD PLUGIN [VERSION]   ADD through PLUGIN (bridge|macvlan); prints the result
#   lab.sh del LAB POD PLUGIN [VERSION]   DEL through PLUGIN, then remove the pod namespace
#   lab.sh cni LAB POD PLUGIN CMD [VERSION]  any command through PLUGIN (no namespace changes)
#   lab.sh cni-stdin LAB POD PLUGIN CMD   the same with the network config read from stdin
#   lab.sh netconf LAB PLUGIN [VERSION]   print the network config that add/del/cni use
#   lab.sh stop-dnsmasq LAB / start-dnsmasq LAB [--range START,END]   (the lease file is kept)
#   lab.sh stop-daemon LAB / start-daemon LAB
#   lab.sh netns LAB POD / rmns LAB POD   create / remove only a pod's namespace
#   lab.sh exec LAB POD CMD...            run a command in the pod's namespace
#   lab.sh node-exec LAB CMD...           run a command in the node's namespace (where the daemon runs)
#   lab.sh leases LAB                     dnsmasq's lease file
#   lab.sh census LAB [POD...]            one line per pod (all of the lab's pods when none is named):
#                                         POD MAC ADDRESSES SERVER_EXPIRY STATE, where STATE is what
#                                         dnsmasq's lease file says of the pod's first address: live
#                                         (leased to the pod's MAC, expiry after now), expired, other
#                                         (leased to another MAC), none (not leased), noaddr (no address)
#   lab.sh census6 LAB [POD...]           the same for DHCPv6 (--dhcpv6 / --kea6): POD MAC ADDRESSES6
#                                         SERVER_EXPIRY STATE, the pod's global IPv6 addresses; live when
#                                         the server leases the first to the pod's DUID-LL (00:03:00:01:MAC)
#   lab.sh kill-daemon LAB                kill -9 the daemon (crash test); start-daemon LAB restarts it
#   lab.sh up LAB --kea ...               ISC Kea (kea-dhcp4) serves the lab instead of dnsmasq: the same
#                                         pool and options, its memfile lease file in the lab dir;
#                                         leases and census read Kea's leases (in dnsmasq's format)
#   lab.sh stop-kea LAB / start-kea LAB   (the lease file is kept)
#   lab.sh kea-leases LAB                 Kea's own lease file (CSV: address,hwaddr,client_id,...,hostname,...)
#   lab.sh up LAB --dhcpv6 ...            dnsmasq also serves DHCPv6 (IA_NA fd99::100 - fd99::1ff, with --wide
#                                         fd99::1000 - fd99::1fff; 2 min,
#                                         DNS fd99::53, search lab.example) and sends Router Advertisements
#                                         (--enable-ra: M flag, on-link prefix fd99::/64) on the server's
#                                         eth0, which gets fd99::2/64; only inside the lab's namespaces
#   lab.sh up LAB --kea6 ...              as --dhcpv6, but ISC Kea (kea-dhcp6) serves the IA_NA addresses (the
#                                         same pool, lifetimes and options, Rapid Commit allowed) and dnsmasq
#                                         only the RAs (ra-only: on-link and autonomous prefix, no M flag)
#   lab.sh kea6-leases LAB                Kea's DHCPv6 leases in dnsmasq's format: EXPIRY IAID IP NAME DUID
#   lab.sh veth-pod LAB POD               a pod namespace with eth0, a veth whose peer is on br0 (as the
#                                         bridge plugin makes it), for tests that drive a transport directly
#   lab.sh squat LAB IP                   another host on the bridge holding IP, IPv4 or IPv6 (conflict tests)
#   lab.sh segment LAB NAME [A.B.C]       a second segment (see "Second segments" below)
#   lab.sh down LAB                       stop everything started, remove namespaces and files
#   lab.sh second-server LAB A.B.C [DELAY]  a second DHCP server on br0 serving another subnet (see below)
# LAB: 1-8 letters/digits. Files live in ${TMPDIR:-/tmp}/cni-dhcp-lab.LAB.
# add, del, cni and cni-stdin read LAB_IFNAME (CNI_IFNAME, default eth0) and LAB_CNI_ARGS (CNI_ARGS,
# unset when empty) from the environment, LAB_NETNS (CNI_NETNS, default /run/netns/LAB-POD) and
# LAB_CNI_PATH (CNI_PATH, default DIST/bin and the reference plugins).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pids.sh
. "$HERE/pids.sh" # stop_pid
ROOT=$(cd "$HERE/../.." && pwd)
DIST=${DIST:-$ROOT/dist}
REF_CNI=${REF_CNI:-/usr/lib/cni}
SUBNET=10.99.0
RANGE_START=$SUBNET.100
RANGE_END=$SUBNET.250
SUBNET6=fd99
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)

die() { echo "lab: $*" >&2; exit 1; }

lab_vars() {
    LAB=$1
    [[ $LAB =~ ^[a-z0-9]{1,8}$ ]] || die "lab name '$LAB': 1-8 lowercase letters or digits"
    DIR=${TMPDIR:-/tmp}/cni-dhcp-lab.$LAB
    NODE=$LAB-node
    SRV=$LAB-srv
    SOCK=$DIR/dhcp.sock
}

netconf() { # PLUGIN VERSION
    local plugin=$1 version=$2 ipam
    ipam="{\"type\":\"dhcp\",\"daemonSocketPath\":\"$SOCK\"}"
    case $plugin in
        bridge)  echo "{\"cniVersion\":\"$version\",\"name\":\"labnet\",\"type\":\"bridge\",\"bridge\":\"br0\",\"ipam\":$ipam}" ;;
        macvlan) echo "{\"cniVersion\":\"$version\",\"name\":\"labmac\",\"type\":\"macvlan\",\"master\":\"mv0\",\"mode\":\"bridge\",\"ipam\":$ipam}" ;;
        dhcp)    echo "{\"cniVersion\":\"$version\",\"name\":\"labnet\",\"type\":\"dhcp\",\"ipam\":$ipam}" ;;
        *) die "unknown plugin '$plugin' (bridge, macvlan or dhcp)" ;;
    esac
}

ready_lines() { # how often the daemon's log says it is ready
    local n
    n=$(grep -c "DHCP lease daemon ready" "$DIR/daemon.log" 2>/dev/null) || true
    echo "${n:-0}"
}

listening_lines() { # how often systemd-socket-activate's log says it listens
    local n
    n=$(grep -c "Listening on $SOCK" "$DIR/daemon.log" 2>/dev/null) || true
    echo "${n:-0}"
}

start_daemon() {
    local flags=() ready=0 before
    [ -f "$DIR/broadcast" ] && flags+=(-broadcast)
    before=$(ready_lines)
    if [ -f "$DIR/socket-activate" ]; then
        # systemd-socket-activate binds the socket now and, on the first connection, execs the daemon
        # in its own place (same pid) with LISTEN_PID/LISTEN_FDS and the socket as fd 3. It passes on
        # only PATH, HOME, USER, TERM and what -E names.
        local pass=() listening
        listening=$(listening_lines)
        [ -n "${JAVA_HOME:-}" ] && pass+=(-E "JAVA_HOME=$JAVA_HOME")
        [ -n "${CNI_DHCP_DAEMON_JAVA_OPTS:-}" ] && pass+=(-E "CNI_DHCP_DAEMON_JAVA_OPTS=$CNI_DHCP_DAEMON_JAVA_OPTS")
        # shellcheck disable=SC2086
        ip netns exec "$NODE" systemd-socket-activate -l "$SOCK" "${pass[@]}" "$DIST/bin/dhcp" daemon \
            -socketpath "$SOCK" -pidfile "$DIR/daemon.pid" -statedir "${LAB_STATEDIR:-$DIR/state}" "${flags[@]}" \
            ${LAB_DAEMON_FLAGS:-} >>"$DIR/daemon.log" 2>&1 &
        echo $! >"$DIR/daemon.launch.pid"
        for _ in $(seq 1 200); do # listening: up; the daemon itself starts with the first request
            [ "$(listening_lines)" -gt "$listening" ] && return 0
            kill -0 "$(cat "$DIR/daemon.launch.pid")" 2>/dev/null || { cat "$DIR/daemon.log" >&2; die "systemd-socket-activate exited"; }
            sleep 0.05
        done
        die "systemd-socket-activate did not listen on $SOCK within 10 s"
    elif [ -f "$DIR/reference" ]; then
        ip netns exec "$NODE" "$REF_CNI/dhcp" daemon -socketpath "$SOCK" "${flags[@]}" >>"$DIR/daemon.log" 2>&1 &
    else
        # LAB_STATEDIR and LAB_DAEMON_FLAGS (space-separated) let tests vary the daemon's flags
        # shellcheck disable=SC2086
        ip netns exec "$NODE" "$DIST/bin/dhcp" daemon -socketpath "$SOCK" -pidfile "$DIR/daemon.pid" \
            -statedir "${LAB_STATEDIR:-$DIR/state}" "${flags[@]}" ${LAB_DAEMON_FLAGS:-} >>"$DIR/daemon.log" 2>&1 &
    fi
    echo $! >"$DIR/daemon.launch.pid"
    # Ours creates the socket before it is fully started (pidfile, SIGTERM handling): it counts as up
    # once it logged "ready", so that a stop right after a start finds it able to stop cleanly.
    for _ in $(seq 1 200); do
        if [ -f "$DIR/reference" ] || [ "$(ready_lines)" -gt "$before" ]; then ready=1; fi
        [ -S "$SOCK" ] && [ $ready = 1 ] && return 0
        kill -0 "$(cat "$DIR/daemon.launch.pid")" 2>/dev/null || { cat "$DIR/daemon.log" >&2; die "daemon exited"; }
        sleep 0.05
    done
    die "daemon did not create $SOCK within 10 s"
}

start_dnsmasq() { # [START END]: the address range, the lab's default when not given
    local ping=--no-ping start=${1:-$RANGE_START} end=${2:-$RANGE_END} mask=255.255.255.0
    if [ -f "$DIR/wide" ] && [ -z "${1:-}" ]; then # a /20 for scale runs: 10.99.1.1 - 10.99.15.254
        start=10.99.1.1 end=10.99.15.254 mask=255.255.240.0
    fi
    [ -f "$DIR/ping" ] && ping=
    local v6=()
    if [ -f "$DIR/with-kea6" ]; then
        v6=(--dhcp-range=$SUBNET6::,ra-only,64,2m --enable-ra)
    elif [ -f "$DIR/dhcpv6" ]; then
        local v6start=$SUBNET6::100 v6end=$SUBNET6::1ff
        [ -f "$DIR/wide" ] && v6start=$SUBNET6::1000 v6end=$SUBNET6::1fff # with --wide: 4096 addresses
        v6=(--dhcp-range=$v6start,$v6end,64,2m --enable-ra
            --dhcp-option=option6:dns-server,[$SUBNET6::53] --dhcp-option=option6:domain-search,lab.example)
    fi
    ip netns exec "$SRV" "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --port=0 --user=root \
        --interface=eth0 --bind-interfaces --dhcp-authoritative $ping \
        --dhcp-range="$start,$end",$mask,2m --dhcp-lease-max=5000 \
        --dhcp-option=option:router,$SUBNET.1 \
        --dhcp-option=option:dns-server,$SUBNET.53,$SUBNET.54 \
        --dhcp-option=option:domain-name,lab.example \
        --dhcp-option=option:domain-search,lab.example,svc.lab.example \
        --dhcp-option=121,10.98.0.0/16,$SUBNET.1,0.0.0.0/0,$SUBNET.1 \
        --dhcp-leasefile="$DIR/dnsmasq.leases" --log-dhcp --log-facility="$DIR/dnsmasq.log" \
        --pid-file="$DIR/dnsmasq.pidfile" "${v6[@]}" &
    echo $! >"$DIR/dnsmasq.pid"
    for _ in $(seq 1 100); do
        [ -s "$DIR/dnsmasq.pidfile" ] && return 0
        kill -0 "$(cat "$DIR/dnsmasq.pid")" 2>/dev/null || die "dnsmasq exited: $(cat "$DIR/dnsmasq.log" 2>/dev/null)"
        sleep 0.05
    done
    die "dnsmasq did not start"
}

cmd_up() {
    lab_vars "$1"; shift
    [ -e "/run/netns/$NODE" ] && die "lab $LAB exists already (lab.sh down $LAB)"
    mkdir -p "$DIR"
    for flag in "$@"; do
        case $flag in
            --ping) touch "$DIR/ping" ;;
            --broadcast) touch "$DIR/broadcast" ;;
            --reference) touch "$DIR/reference" ;;
            --wide) touch "$DIR/wide" ;;
            --socket-activate) touch "$DIR/socket-activate" ;;
            --kea) touch "$DIR/with-kea" ;;
            --dhcpv6) touch "$DIR/dhcpv6" ;;
            --kea6) touch "$DIR/dhcpv6" "$DIR/with-kea6" ;;
            --no-daemon) touch "$DIR/no-daemon" ;;
            *) die "unknown flag $flag" ;;
        esac
    done
    ip netns add "$NODE"
    ip netns add "$SRV"
    ip -n "$NODE" link set lo up
    ip -n "$SRV" link set lo up
    ip -n "$NODE" link add br0 type bridge
    local plen=24
    [ -f "$DIR/wide" ] && plen=20
    ip -n "$NODE" addr add $SUBNET.1/$plen dev br0
    ip -n "$NODE" link set br0 up
    ip -n "$NODE" link add vsrv type veth peer name eth0 netns "$SRV"
    ip -n "$NODE" link set vsrv master br0 up
    ip -n "$SRV" addr add $SUBNET.2/$plen dev eth0
    ip -n "$SRV" link set eth0 up
    if [ -f "$DIR/dhcpv6" ]; then
        [ -f "$DIR/with-kea" ] && die "--dhcpv6 is served by dnsmasq; it does not go with --kea"
        ip -n "$SRV" addr add $SUBNET6::2/64 dev eth0 nodad
        # dnsmasq sends Router Advertisements from the link-local address: wait out its DAD
        for _ in $(seq 1 100); do
            [ -n "$(ip -n "$SRV" -6 addr show dev eth0 scope link)" ] \
                && [ -z "$(ip -n "$SRV" -6 addr show dev eth0 tentative)" ] && break
            sleep 0.05
        done
    fi
    ip -n "$NODE" link add mv0 type veth peer name mv0p
    ip -n "$NODE" link set mv0p master br0 up
    ip -n "$NODE" link set mv0 up
    if [ -f "$DIR/with-kea" ]; then start_kea; else start_dnsmasq; fi
    if [ -f "$DIR/with-kea6" ]; then start_kea6; fi
    [ -f "$DIR/no-daemon" ] || start_daemon
}

pod_env() { # POD CMD: sets POD_ENV, the CNI environment of one invocation
    local pod=$1 cmd=$2 path=$DIST/bin:$REF_CNI
    [ -f "$DIR/reference" ] && path=$REF_CNI
    path=${LAB_CNI_PATH:-$path}
    POD_ENV=(CNI_COMMAND="$cmd" CNI_CONTAINERID="$LAB-$pod" CNI_NETNS="${LAB_NETNS:-/run/netns/$LAB-$pod}"
        CNI_IFNAME="${LAB_IFNAME:-eth0}" CNI_PATH="$path")
    if [ -n "${LAB_CNI_ARGS:-}" ]; then POD_ENV+=(CNI_ARGS="$LAB_CNI_ARGS"); fi
}

plugin_bin() { # PLUGIN
    if [ "$1" = dhcp ] && [ ! -f "$DIR/reference" ]; then echo "$DIST/bin/dhcp"; else echo "$REF_CNI/$1"; fi
}

cmd_cni() { # LAB POD PLUGIN CMD [VERSION]
    lab_vars "$1"
    local pod=$2 plugin=$3 cmd=$4 version=${5:-1.0.0}
    pod_env "$pod" "$cmd"
    netconf "$plugin" "$version" | ip netns exec "$NODE" env "${POD_ENV[@]}" "$(plugin_bin "$plugin")"
}

cmd_cni_stdin() { # LAB POD PLUGIN CMD, config on stdin
    lab_vars "$1"
    local pod=$2 plugin=$3 cmd=$4
    [[ $plugin =~ ^(bridge|macvlan|dhcp)$ ]] || die "unknown plugin '$plugin' (bridge, macvlan or dhcp)"
    pod_env "$pod" "$cmd"
    ip netns exec "$NODE" env "${POD_ENV[@]}" "$(plugin_bin "$plugin")"
}

cmd_netconf() { # LAB PLUGIN [VERSION]
    lab_vars "$1"
    netconf "$2" "${3:-1.0.0}"
}

cmd_add() { # LAB POD PLUGIN [VERSION]
    lab_vars "$1"
    [ -e "/run/netns/$LAB-$2" ] || ip netns add "$LAB-$2"
    cmd_cni "$1" "$2" "$3" ADD "${4:-1.0.0}"
}

cmd_del() { # LAB POD PLUGIN [VERSION]
    lab_vars "$1"
    local rc=0
    cmd_cni "$1" "$2" "$3" DEL "${4:-1.0.0}" || rc=$?
    ip netns del "$LAB-$2" 2>/dev/null || true
    return $rc
}

cmd_netns() { # LAB POD: create the pod's namespace only
    lab_vars "$1"
    [ -e "/run/netns/$LAB-$2" ] || ip netns add "$LAB-$2"
}

cmd_veth_pod() { # LAB POD: a pod namespace with eth0 on br0 (veth vp-POD in the node namespace)
    lab_vars "$1"
    local pod=${2:-}
    [[ $pod =~ ^[a-z0-9]{1,8}$ ]] || die "pod name '$pod': 1-8 lowercase letters or digits"
    [ -e "/run/netns/$NODE" ] || die "lab $LAB is not up"
    ip netns add "$LAB-$pod"
    ip -n "$NODE" link add "vp-$pod" type veth peer name eth0 netns "$LAB-$pod"
    ip -n "$NODE" link set "vp-$pod" master br0 up
    ip -n "$LAB-$pod" link set lo up
}

cmd_rmns() { # LAB POD: remove a pod's namespace only (as a runtime does when the sandbox is gone)
    lab_vars "$1"
    ip netns del "$LAB-$2" 2>/dev/null || true
}

cmd_exec() {
    lab_vars "$1"; local pod=$2; shift 2
    ip netns exec "$LAB-$pod" "$@"
}

cmd_node_exec() {
    lab_vars "$1"; shift
    ip netns exec "$NODE" "$@"
}

cmd_leases() {
    lab_vars "$1"
    if [ -f "$DIR/with-kea" ]; then kea_leases_dnsmasq_format; return; fi
    cat "$DIR/dnsmasq.leases" 2>/dev/null || true
}

cmd_census() { # LAB [POD...]
    lab_vars "$1"; shift
    local pods=("$@") pod ifname=${LAB_IFNAME:-eth0}
    if [ ${#pods[@]} -eq 0 ]; then
        mapfile -t pods < <(ip netns list | awk '{print $1}' | sed -n "s/^$LAB-//p" | grep -vxE 'node|srv|srv-.*|squat' | sort -V)
    fi
    for pod in "${pods[@]}"; do
        # one `ip` per pod: link/ether gives the MAC, every inet line an address
        ip -n "$LAB-$pod" addr show dev "$ifname" 2>/dev/null \
            | awk -v pod="$pod" '/link\/ether/ {mac = $2} /inet / {sub(/\/.*/, "", $2); a = a (a ? "," : "") $2}
                                 END {print pod, (mac ? mac : "-"), (a ? a : "-")}' || echo "$pod - -"
    done | awk -v now="$(date +%s)" -v leases="$(server_lease_file)" '
        BEGIN { while ((getline line < leases) > 0) { split(line, f, " "); expiry[f[3]] = f[1]; mac[f[3]] = f[2] } }
        {
            split($3, a, ","); ip = a[1]
            if (ip == "-") state = "noaddr"
            else if (!(ip in expiry)) state = "none"
            else if (mac[ip] != $2) state = "other"
            else if (expiry[ip] > now) state = "live"
            else state = "expired"
            print $1, $2, $3, (ip in expiry ? expiry[ip] : "-"), state
        }'
}

cmd_census6() { # LAB [POD...]
    lab_vars "$1"; shift
    local pods=("$@") pod ifname=${LAB_IFNAME:-eth0} leases=$DIR/census6.leases
    if [ ${#pods[@]} -eq 0 ]; then
        mapfile -t pods < <(ip netns list | awk '{print $1}' | sed -n "s/^$LAB-//p" | grep -vxE 'node|srv|srv-.*|squat' | sort -V)
    fi
    if [ -f "$DIR/with-kea6" ]; then
        cmd_kea6_leases "$LAB" >"$leases"
    else # dnsmasq's v6 lines: EXPIRY IAID ADDRESS NAME DUID (they follow its "duid" line; v4 lines hold no ':')
        awk '$3 ~ /:/' "$DIR/dnsmasq.leases" >"$leases" 2>/dev/null || : >"$leases"
    fi
    for pod in "${pods[@]}"; do
        ip -n "$LAB-$pod" addr show dev "$ifname" 2>/dev/null \
            | awk -v pod="$pod" '/link\/ether/ {mac = $2} /inet6 .* scope global/ {sub(/\/.*/, "", $2); a = a (a ? "," : "") $2}
                                 END {print pod, (mac ? mac : "-"), (a ? a : "-")}' || echo "$pod - -"
    done | awk -v now="$(date +%s)" -v leases="$leases" '
        BEGIN { while ((getline line < leases) > 0) { split(line, f, " "); expiry[f[3]] = f[1]; duid[f[3]] = tolower(f[5]) } }
        {
            split($3, a, ","); ip = a[1]
            if (ip == "-") state = "noaddr"
            else if (!(ip in expiry)) state = "none"
            else if (duid[ip] != "00:03:00:01:" tolower($2)) state = "other"
            else if (expiry[ip] > now) state = "live"
            else state = "expired"
            print $1, $2, $3, (ip in expiry ? expiry[ip] : "-"), state
        }'
}

cmd_stop_daemon() { lab_vars "$1"; stop_pid "$DIR/daemon.launch.pid"; }
cmd_kill_daemon() { # LAB: kill -9 the daemon (by its pid) and wait for it to be gone; its socket stays
    lab_vars "$1"
    local pid
    [ -f "$DIR/daemon.launch.pid" ] || die "no daemon running in lab $LAB"
    pid=$(cat "$DIR/daemon.launch.pid")
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$DIR/daemon.launch.pid"
}
cmd_squat() { # LAB IP: a host in netns LAB-squat on br0 that holds IP (and answers ARP for it, or
    # for an IPv6 address Neighbor Solicitations, duplicate address detection's included)
    lab_vars "$1"
    local ip=$2 ns=$LAB-squat
    [ -e "/run/netns/$ns" ] || ip netns add "$ns"
    ip -n "$NODE" link add vsq type veth peer name eth0 netns "$ns"
    ip -n "$NODE" link set vsq master br0 up
    if [[ $ip == *:* ]]; then
        ip -n "$ns" addr add "$ip/64" dev eth0 nodad # usable at once: it answers the pod's DAD probe
    else
        ip -n "$ns" addr add "$ip/24" dev eth0
    fi
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link show eth0 | awk '/link\/ether/ {print $2}'
}
cmd_start_daemon() { lab_vars "$1"; start_daemon; }
cmd_stop_dnsmasq() { lab_vars "$1"; stop_pid "$DIR/dnsmasq.pid"; rm -f "$DIR/dnsmasq.pidfile"; }
cmd_start_dnsmasq() { # LAB [--range START,END]
    lab_vars "$1"
    local range=${3:-}
    if [ $# -ge 2 ]; then
        [ "$2" = --range ] && [[ $range =~ ^$SUBNET\.[0-9]{1,3},$SUBNET\.[0-9]{1,3}$ ]] \
            || die "start-dnsmasq LAB [--range $SUBNET.X,$SUBNET.Y]"
        start_dnsmasq "${range%,*}" "${range#*,}"
    else
        start_dnsmasq
    fi
}

# ---------------------------------------------------------------------------------------- ISC Kea
# kea-dhcp4 in the server namespace, in place of dnsmasq (`up LAB --kea`). Everything it writes is in
# $DIR/kea: config, memfile lease file, log, pid and lock files (KEA_PIDFILE_DIR, KEA_LOCKFILE_DIR),
# so nothing touches /etc/kea, /var/lib/kea or /run/kea. It runs as a copy of /usr/sbin/kea-dhcp4 in
# the lab dir: the packaged AppArmor profile (attached to that path) allows only the packaged paths.
# Stopped by its PID. The lease file is kept across stop-kea/start-kea, as dnsmasq's is.
KEA=${KEA:-/usr/sbin/kea-dhcp4}

kea_config() { # START END
    local start=$1 end=$2 prefix=$SUBNET.0/24
    [ -f "$DIR/wide" ] && prefix=10.99.0.0/20
    cat <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0"], "dhcp-socket-type": "raw"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$DIR/kea/kea.leases", "lfc-interval": 0},
  "valid-lifetime": 120, "renew-timer": 60, "rebind-timer": 105,
  "authoritative": true,
  "match-client-id": true,
  "ddns-send-updates": true, "ddns-qualifying-suffix": "lab.example.",
  "ddns-override-client-update": false, "ddns-replace-client-name": "never",
  "dhcp-ddns": {"enable-updates": false},
  "option-def": [{"name": "lab-classless-routes", "code": 121, "type": "binary", "space": "dhcp4"}],
  "option-data": [
    {"name": "routers", "data": "$SUBNET.1"},
    {"name": "domain-name-servers", "data": "$SUBNET.53, $SUBNET.54"},
    {"name": "domain-name", "data": "lab.example"},
    {"name": "domain-search", "data": "lab.example, svc.lab.example"},
    {"name": "lab-classless-routes", "code": 121, "csv-format": false, "data": "100A620A6300010000000A630001"}
  ],
  "subnet4": [{"id": 1, "subnet": "$prefix", "pools": [{"pool": "$start - $end"}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 40,
               "output_options": [{"output": "$DIR/kea/kea.log"}]}]
}}
JSON
}

start_kea() { # [START END]: the address range, the lab's default when not given
    local start=${1:-$RANGE_START} end=${2:-$RANGE_END}
    if [ -f "$DIR/wide" ] && [ -z "${1:-}" ]; then start=10.99.1.1 end=10.99.15.254; fi
    [ -x "$KEA" ] || die "no $KEA (testlab/scripts/install-deps.sh installs kea-dhcp4-server)"
    mkdir -p "$DIR/kea/run"
    cp "$KEA" "$DIR/kea/kea-dhcp4"
    kea_config "$start" "$end" >"$DIR/kea/kea-dhcp4.json"
    ip netns exec "$SRV" env KEA_PIDFILE_DIR="$DIR/kea/run" KEA_LOCKFILE_DIR="$DIR/kea/run" \
        "$DIR/kea/kea-dhcp4" -c "$DIR/kea/kea-dhcp4.json" >>"$DIR/kea/kea.out" 2>&1 &
    echo $! >"$DIR/kea.pid"
    for _ in $(seq 1 100); do # up once it opened its socket on eth0
        grep -q 'DHCP4_STARTED' "$DIR/kea/kea.log" 2>/dev/null && return 0
        kill -0 "$(cat "$DIR/kea.pid")" 2>/dev/null \
            || die "kea-dhcp4 exited: $(cat "$DIR/kea/kea.out" "$DIR/kea/kea.log" 2>/dev/null | tail -20)"
        sleep 0.05
    done
    die "kea-dhcp4 did not start: $(tail -20 "$DIR/kea/kea.log" 2>/dev/null)"
}

# Kea's memfile is append-only: the last line of an address is its lease; a valid lifetime of 0 (a
# release) or state 2 (reclaimed) means none. Printed as dnsmasq's lease lines: EXPIRY MAC IP NAME ID.
kea_leases_dnsmasq_format() {
    [ -f "$DIR/kea/kea.leases" ] || return 0
    awk -F, 'NR > 1 { line[$1] = $0 }
        END { for (ip in line) { split(line[ip], f, ",")
                  if (f[4] == 0 || f[10] == 2) continue
                  print f[5], f[2], f[1], (f[9] == "" ? "*" : f[9]), (f[3] == "" ? "*" : f[3]) } }' \
        "$DIR/kea/kea.leases" | sort -k3,3V
}

server_lease_file() { # the file census reads, in dnsmasq's format
    if [ -f "$DIR/with-kea" ]; then
        kea_leases_dnsmasq_format >"$DIR/kea/census.leases"
        echo "$DIR/kea/census.leases"
    else
        echo "$DIR/dnsmasq.leases"
    fi
}

# kea-dhcp6 in the server namespace (`up LAB --kea6`), run as kea-dhcp4 is: everything in $DIR/kea6
# (config, memfile, server DUID not persisted, log, pid and lock files), a copy of the binary.
KEA6=${KEA6:-/usr/sbin/kea-dhcp6}

kea6_config() {
    cat <<JSON
{"Dhcp6": {
  "interfaces-config": {"interfaces": ["eth0"]},
  "data-directory": "$DIR/kea6",
  "server-id": {"type": "LLT", "persist": false},
  "lease-database": {"type": "memfile", "persist": true, "name": "$DIR/kea6/kea6.leases", "lfc-interval": 0},
  "preferred-lifetime": 120, "valid-lifetime": 120, "renew-timer": 60, "rebind-timer": 105,
  "option-data": [
    {"name": "dns-servers", "data": "$SUBNET6::53"},
    {"name": "domain-search", "data": "lab.example"}
  ],
  "subnet6": [{"id": 1, "subnet": "$SUBNET6::/64", "interface": "eth0", "rapid-commit": true,
               "pools": [{"pool": "$SUBNET6::100 - $SUBNET6::1ff"}]}],
  "loggers": [{"name": "kea-dhcp6", "severity": "DEBUG", "debuglevel": 40,
               "output_options": [{"output": "$DIR/kea6/kea6.log"}]}]
}}
JSON
}

start_kea6() {
    [ -x "$KEA6" ] || die "no $KEA6 (testlab/scripts/install-deps.sh installs kea-dhcp6-server)"
    mkdir -p "$DIR/kea6/run"
    cp "$KEA6" "$DIR/kea6/kea-dhcp6"
    kea6_config >"$DIR/kea6/kea-dhcp6.json"
    ip netns exec "$SRV" env KEA_PIDFILE_DIR="$DIR/kea6/run" KEA_LOCKFILE_DIR="$DIR/kea6/run" \
        "$DIR/kea6/kea-dhcp6" -c "$DIR/kea6/kea-dhcp6.json" >>"$DIR/kea6/kea6.out" 2>&1 &
    echo $! >"$DIR/kea6.pid"
    for _ in $(seq 1 100); do
        grep -q 'DHCP6_STARTED' "$DIR/kea6/kea6.log" 2>/dev/null && return 0
        kill -0 "$(cat "$DIR/kea6.pid")" 2>/dev/null \
            || die "kea-dhcp6 exited: $(cat "$DIR/kea6/kea6.out" "$DIR/kea6/kea6.log" 2>/dev/null | tail -20)"
        sleep 0.05
    done
    die "kea-dhcp6 did not start: $(tail -20 "$DIR/kea6/kea6.log" 2>/dev/null)"
}

# Kea's DHCPv6 memfile (address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,
# prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,...): the last line of an address is its lease.
cmd_kea6_leases() {
    lab_vars "$1"
    [ -f "$DIR/kea6/kea6.leases" ] || return 0
    awk -F, 'NR > 1 { line[$1] = $0 }
        END { for (ip in line) { split(line[ip], f, ",")
                  if (f[3] == 0 || f[14] == 2) continue
                  print f[4], f[8], f[1], (f[12] == "" ? "*" : f[12]), f[2] } }' "$DIR/kea6/kea6.leases" | sort -k3,3
}

cmd_start_kea() { lab_vars "$1"; start_kea; }
cmd_stop_kea() { lab_vars "$1"; stop_pid "$DIR/kea.pid"; }
cmd_kea_leases() { lab_vars "$1"; cat "$DIR/kea/kea.leases" 2>/dev/null || true; }
# ------------------------------------------------------------------------------------ end of Kea

cmd_down() {
    lab_vars "$1"
    stop_pid "$DIR/daemon.launch.pid"
    stop_pid "$DIR/dnsmasq.pid"
    for pidfile in "$DIR"/segment-*.dnsmasq.pid; do stop_pid "$pidfile"; done # second segments' servers
    stop_pid "$DIR/kea.pid"
    stop_pid "$DIR/kea6.pid"
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^$LAB-" || true); do
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ "${KEEP_LAB_FILES:-}" != 1 ]; then
        rm -rf "$DIR"
    fi
}

# ---------------------------------------------------------------------------------------------------
# Second segments: `lab.sh segment LAB NAME [A.B.C]` adds another L2 segment to a running lab, for pods
# with a second interface (as Multus gives them):
#   node  netns: bridge br-NAME (A.B.C.1/24, the segment's router) and veth mv-NAME (its peer mv-NAMEp
#                on br-NAME), the master for macvlan interfaces on this segment
#   srv   netns  "<lab>-srv-NAME": eth0 A.B.C.2/24 on br-NAME and its own dnsmasq: range A.B.C.100-150,
#                option 3 (router) A.B.C.1 and option 121 10.200.0.0/16 and 0.0.0.0/0 via A.B.C.1, so
#                that it hands out a default route as a real segment's server would
# Files: segment-NAME.dnsmasq.{pid,pidfile,log,leases} in the lab's directory. NAME: 1-6 lowercase
# letters or digits; A.B.C defaults to 10.97.0. `lab.sh down` stops the servers and removes it all.
cmd_segment() { # LAB NAME [A.B.C]
    lab_vars "$1"
    local name=${2:-} net=${3:-10.97.0} ns pre
    [[ $name =~ ^[a-z0-9]{1,6}$ ]] || die "segment name '$name': 1-6 lowercase letters or digits"
    [[ $net =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "segment subnet '$net': A.B.C (a /24)"
    [ -e "/run/netns/$NODE" ] || die "lab $LAB is not up"
    ns=$LAB-srv-$name
    pre=$DIR/segment-$name.dnsmasq
    [ -e "/run/netns/$ns" ] && die "segment $name exists already in lab $LAB"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$NODE" link add "br-$name" type bridge
    ip -n "$NODE" addr add "$net.1/24" dev "br-$name"
    ip -n "$NODE" link set "br-$name" up
    ip -n "$NODE" link add "vs-$name" type veth peer name eth0 netns "$ns"
    ip -n "$NODE" link set "vs-$name" master "br-$name" up
    ip -n "$ns" addr add "$net.2/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$NODE" link add "mv-$name" type veth peer name "mv-${name}p"
    ip -n "$NODE" link set "mv-${name}p" master "br-$name" up
    ip -n "$NODE" link set "mv-$name" up
    ip netns exec "$ns" "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --port=0 --user=root \
        --interface=eth0 --bind-interfaces --dhcp-authoritative --no-ping \
        --dhcp-range="$net.100,$net.150",255.255.255.0,2m \
        --dhcp-option=option:router,"$net.1" \
        --dhcp-option=121,10.200.0.0/16,"$net.1",0.0.0.0/0,"$net.1" \
        --dhcp-leasefile="$pre.leases" --log-dhcp --log-facility="$pre.log" --pid-file="$pre.pidfile" &
    echo $! >"$pre.pid"
    for _ in $(seq 1 100); do
        [ -s "$pre.pidfile" ] && return 0
        kill -0 "$(cat "$pre.pid")" 2>/dev/null || die "dnsmasq of segment $name exited: $(cat "$pre.log" 2>/dev/null)"
        sleep 0.05
    done
    die "dnsmasq of segment $name did not start"
}
# ---------------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------------
# A second server on the lab's own segment: `lab.sh second-server LAB A.B.C [DELAY]` adds netns
# "<lab>-srv-second-server" with eth0 A.B.C.2/24 on br0 and its own dnsmasq for range A.B.C.100-150,
# router A.B.C.1, answering DELAY seconds (default 0) after each request (--dhcp-reply-delay), so a
# pod's DISCOVER gets two offers from two subnets, this one's last. Files: segment-second-server.dnsmasq.
# {pid,pidfile,log,leases} (stopped by `lab.sh down` with the second segments' servers).
cmd_second_server() { # LAB A.B.C [DELAY]
    lab_vars "$1"
    local net=${2:-} delay=${3:-0} ns=$LAB-srv-second-server pre=$DIR/segment-second-server.dnsmasq
    [[ $net =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "second-server subnet '$net': A.B.C (a /24)"
    [[ $delay =~ ^[0-9]{1,2}$ ]] || die "second-server delay '$delay': whole seconds"
    [ -e "/run/netns/$NODE" ] || die "lab $LAB is not up"
    [ -e "/run/netns/$ns" ] && die "lab $LAB has a second server already"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$NODE" link add vsrv2 type veth peer name eth0 netns "$ns"
    ip -n "$NODE" link set vsrv2 master br0 up
    ip -n "$ns" addr add "$net.2/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip netns exec "$ns" "$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --port=0 --user=root \
        --interface=eth0 --bind-interfaces --dhcp-authoritative --no-ping --dhcp-reply-delay="$delay" \
        --dhcp-range="$net.100,$net.150",255.255.255.0,2m --dhcp-option=option:router,"$net.1" \
        --dhcp-leasefile="$pre.leases" --log-dhcp --log-facility="$pre.log" --pid-file="$pre.pidfile" &
    echo $! >"$pre.pid"
    for _ in $(seq 1 100); do
        [ -s "$pre.pidfile" ] && return 0
        kill -0 "$(cat "$pre.pid")" 2>/dev/null || die "second dnsmasq exited: $(cat "$pre.log" 2>/dev/null)"
        sleep 0.05
    done
    die "second dnsmasq did not start"
}
# ---------------------------------------------------------------------------------------------------

[ $# -ge 2 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
command=$1; shift
case $command in
    up) cmd_up "$@" ;;
    add) cmd_add "$@" ;;
    del) cmd_del "$@" ;;
    cni) cmd_cni "$@" ;;
    cni-stdin) cmd_cni_stdin "$@" ;;
    netconf) cmd_netconf "$@" ;;
    exec) cmd_exec "$@" ;;
    node-exec) cmd_node_exec "$@" ;;
    netns) cmd_netns "$@" ;;
    rmns) cmd_rmns "$@" ;;
    veth-pod) cmd_veth_pod "$@" ;;
    leases) cmd_leases "$@" ;;
    census) cmd_census "$@" ;;
    census6) cmd_census6 "$@" ;;
    stop-daemon) cmd_stop_daemon "$@" ;;
    kill-daemon) cmd_kill_daemon "$@" ;;
    squat) cmd_squat "$@" ;;
    start-daemon) cmd_start_daemon "$@" ;;
    stop-dnsmasq) cmd_stop_dnsmasq "$@" ;;
    start-dnsmasq) cmd_start_dnsmasq "$@" ;;
    segment) cmd_segment "$@" ;;
    start-kea) cmd_start_kea "$@" ;;
    stop-kea) cmd_stop_kea "$@" ;;
    kea-leases) cmd_kea_leases "$@" ;;
    kea6-leases) cmd_kea6_leases "$@" ;;
    down) cmd_down "$@" ;;
    second-server) cmd_second_server "$@" ;;
    *) die "unknown command '$command'" ;;
esac
