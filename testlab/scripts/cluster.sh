#!/bin/bash
# A multi-node DHCP lab on a highly available DHCP service, built only from network namespaces it
# creates itself; the root namespace gets nothing but the netns handles under /run/netns.
#
#   switch  netns "<lab>-sw": bridge br0, no address: the shared L2 segment 10.95.0.0/24
#   servers netns "<lab>-s1", "<lab>-s2": eth0 10.95.0.2/24 and 10.95.0.3/24, each a kea-dhcp4 of a
#                 load-balancing HA pair (libdhcp_ha.so, libdhcp_lease_cmds.so; multi-threading, the
#                 HA hook's own HTTP listener on port 8001), memfile lease file in the lab dir. The
#                 pool is split, as load balancing needs (both servers allocate at once): 10.95.0.100-149
#                 for the clients of server 1's scope (class HA_server1), 10.95.0.150-199 for server
#                 2's; in partner-down the survivor serves both scopes from both pools
#   nodes   netns "<lab>-n1" ... "<lab>-nN": eth0 10.95.0.(10+I)/24 on br0, the node's own address,
#                 and its own lease daemon (dist/bin/dhcp daemon, socket and state dir in the lab dir);
#                 eth0 is the macvlan master for the node's pods; the main plugin runs here
#   pods    netns "<lab>-nI-<pod>": created by add, interface eth0 made by the reference macvlan
#
# Usage (all as root):
#   cluster.sh up LAB [--nodes N]        N >= 3 nodes (default 3); waits until both servers are in the
#                                        load-balancing state. CLUSTER_LEASE (s, default 30) is the
#                                        servers' valid lifetime; T1 and T2 are 1/2 and 7/8 of it
#   cluster.sh add LAB NODE POD          ADD through macvlan on node NODE (1..N); prints the result
#   cluster.sh del LAB NODE POD          DEL through macvlan on node NODE, then remove the pod namespace
#   cluster.sh stop-server LAB 1|2       stop that kea-dhcp4 (by its PID; the lease file is kept)
#   cluster.sh start-server LAB 1|2      start it again; waits until the pair is load-balancing again
#   cluster.sh leases LAB 1|2            that server's leases from its memfile, one per address, in
#                                        dnsmasq's format: EXPIRY MAC IP HOSTNAME CLIENT_ID (released
#                                        or reclaimed ones left out)
#   cluster.sh census LAB                one line per pod: NODE POD MAC ADDRESS S1 S2, where S1 and S2
#                                        say what each server's memfile holds for the address: live
#                                        (leased to the pod's MAC, expiry after now), expired, other
#                                        (another MAC), none, or noaddr (the pod has no address)
#   cluster.sh served LAB 1|2            the addresses that server answered for (DHCPACK), in its log
#   cluster.sh pods LAB                  NODE POD for every pod
#   cluster.sh exec LAB WHERE CMD...     run CMD in a namespace of the lab: sw, s1, s2, nI or nI-POD
#   cluster.sh down LAB                  stop everything started, remove the namespaces and files
#                                        (also after a failed up)
# LAB: "cl" and 1-6 lowercase letters or digits. Files live in ${TMPDIR:-/tmp}/cni-dhcp-cluster.LAB.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pids.sh
. "$HERE/pids.sh" # stop_pid
ROOT=$(cd "$HERE/../.." && pwd)
DIST=${DIST:-$ROOT/dist}
REF_CNI=${REF_CNI:-/usr/lib/cni}
KEA=${KEA:-/usr/sbin/kea-dhcp4}
KEA_HOOKS=${KEA_HOOKS:-/usr/lib/x86_64-linux-gnu/kea/hooks}
SUBNET=10.95.0
HA_PORT=8001

die() { echo "cluster: $*" >&2; exit 1; }

lab_vars() {
    LAB=$1
    [[ $LAB =~ ^cl[a-z0-9]{1,6}$ ]] || die "lab name '$LAB': \"cl\" and 1-6 lowercase letters or digits"
    DIR=${TMPDIR:-/tmp}/cni-dhcp-cluster.$LAB
    SW=$LAB-sw
}

node_vars() { # NODE: a node number of the running lab
    NODE_NO=$1
    [[ $NODE_NO =~ ^[0-9]{1,2}$ ]] && [ -e "/run/netns/$LAB-n$NODE_NO" ] || die "no node '$NODE_NO' in lab $LAB"
    NODE_NS=$LAB-n$NODE_NO
    NODE_DIR=$DIR/n$NODE_NO
    SOCK=$NODE_DIR/dhcp.sock
}

server_vars() { # 1|2
    [[ ${1:-} =~ ^[12]$ ]] || die "server '${1:-}': 1 or 2"
    SRV_NO=$1
    SRV_NS=$LAB-s$1
    SRV_DIR=$DIR/s$1
}

netconf() {
    echo "{\"cniVersion\":\"1.0.0\",\"name\":\"clusternet\",\"type\":\"macvlan\",\"master\":\"eth0\",\"mode\":\"bridge\",\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"$SOCK\"}}"
}

# ------------------------------------------------------------------------------------- the segment
attach() { # NETNS ADDRESS: a veth from the switch's bridge into NETNS as eth0 with ADDRESS/24
    local ns=$1 address=$2 port
    port=p${ns#"$LAB"-}
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$SW" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$SW" link set "$port" master br0 up
    ip -n "$ns" addr add "$address/24" dev eth0
    ip -n "$ns" link set eth0 up
}

# ---------------------------------------------------------------------------------------- Kea HA
# Each server runs as a copy of /usr/sbin/kea-dhcp4 in the lab dir (the packaged AppArmor profile,
# attached to that path, allows only the packaged paths); config, memfile, log, pid and lock files
# are under $DIR/sI. The HA hook serves its partner on its own HTTP listener (no kea-ctrl-agent).
kea_config() { # I: this server's number
    local me=server$1 lease=${CLUSTER_LEASE:-30}
    local t1=$((lease / 2)) t2=$((lease * 7 / 8))
    cat <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0"], "dhcp-socket-type": "raw"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$DIR/s$1/kea.leases", "lfc-interval": 0},
  "valid-lifetime": $lease, "renew-timer": $t1, "rebind-timer": $t2,
  "authoritative": true,
  "match-client-id": true,
  "multi-threading": {"enable-multi-threading": true, "thread-pool-size": 2, "packet-queue-size": 64},
  "hooks-libraries": [
    {"library": "$KEA_HOOKS/libdhcp_lease_cmds.so"},
    {"library": "$KEA_HOOKS/libdhcp_ha.so", "parameters": {"high-availability": [{
      "this-server-name": "$me",
      "mode": "load-balancing",
      "heartbeat-delay": 1000, "max-response-delay": 3000, "max-ack-delay": 1000, "max-unacked-clients": 0,
      "multi-threading": {"enable-multi-threading": true, "http-dedicated-listener": true,
                          "http-listener-threads": 1, "http-client-threads": 1},
      "peers": [
        {"name": "server1", "url": "http://$SUBNET.2:$HA_PORT/", "role": "primary", "auto-failover": true},
        {"name": "server2", "url": "http://$SUBNET.3:$HA_PORT/", "role": "secondary", "auto-failover": true}
      ]
    }]}}
  ],
  "subnet4": [{"id": 1, "subnet": "$SUBNET.0/24", "pools": [
    {"pool": "$SUBNET.100 - $SUBNET.149", "client-class": "HA_server1"},
    {"pool": "$SUBNET.150 - $SUBNET.199", "client-class": "HA_server2"}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
               "output_options": [{"output": "$DIR/s$1/kea.log"}]}]
}}
JSON
}

load_balancing_lines() { # I: how often server I's log says it entered the load-balancing state
    local n
    n=$(grep -c "transitions from .* to LOAD-BALANCING state" "$DIR/s$1/kea.log" 2>/dev/null) || true
    echo "${n:-0}"
}

start_server() { # I
    server_vars "$1"
    [ -x "$KEA" ] || die "no $KEA (testlab/scripts/install-deps.sh installs kea-dhcp4-server)"
    [ -f "$SRV_DIR/kea.pid" ] && kill -0 "$(cat "$SRV_DIR/kea.pid")" 2>/dev/null && die "server $1 is running"
    mkdir -p "$SRV_DIR/run"
    cp "$KEA" "$SRV_DIR/kea-dhcp4"
    kea_config "$1" >"$SRV_DIR/kea-dhcp4.json"
    ip netns exec "$SRV_NS" env KEA_PIDFILE_DIR="$SRV_DIR/run" KEA_LOCKFILE_DIR="$SRV_DIR/run" \
        "$SRV_DIR/kea-dhcp4" -c "$SRV_DIR/kea-dhcp4.json" >>"$SRV_DIR/kea.out" 2>&1 &
    echo $! >"$SRV_DIR/kea.pid"
    for _ in $(seq 1 100); do
        grep -q 'DHCP4_STARTED' "$SRV_DIR/kea.log" 2>/dev/null && return 0
        kill -0 "$(cat "$SRV_DIR/kea.pid")" 2>/dev/null \
            || die "kea-dhcp4 $1 exited: $(tail -20 "$SRV_DIR/kea.out" "$SRV_DIR/kea.log" 2>/dev/null)"
        sleep 0.05
    done
    die "kea-dhcp4 $1 did not start: $(tail -20 "$SRV_DIR/kea.log" 2>/dev/null)"
}

await_load_balancing() { # I BEFORE: until server I's log has more load-balancing transitions than BEFORE
    for _ in $(seq 1 300); do
        [ "$(load_balancing_lines "$1")" -gt "$2" ] && return 0
        sleep 0.1
    done
    die "server $1 did not reach the load-balancing state within 30 s: $(grep HA_STATE "$DIR/s$1/kea.log" | tail -5)"
}

# ------------------------------------------------------------------------------------ the daemons
start_daemon() { # node_vars set
    mkdir -p "$NODE_DIR/state"
    # CLUSTER_DAEMON_FLAGS (space-separated) lets tests add daemon flags
    # shellcheck disable=SC2086
    ip netns exec "$NODE_NS" "$DIST/bin/dhcp" daemon -socketpath "$SOCK" -pidfile "$NODE_DIR/daemon.pid" \
        -statedir "$NODE_DIR/state" ${CLUSTER_DAEMON_FLAGS:-} >>"$NODE_DIR/daemon.log" 2>&1 &
    echo $! >"$NODE_DIR/daemon.launch.pid"
}

await_daemon() { # node_vars set
    for _ in $(seq 1 400); do
        [ -S "$SOCK" ] && grep -q "DHCP lease daemon ready" "$NODE_DIR/daemon.log" 2>/dev/null && return 0
        kill -0 "$(cat "$NODE_DIR/daemon.launch.pid")" 2>/dev/null \
            || die "daemon of node $NODE_NO exited: $(tail -20 "$NODE_DIR/daemon.log")"
        sleep 0.05
    done
    die "daemon of node $NODE_NO did not create $SOCK within 20 s"
}

# ------------------------------------------------------------------------------------ subcommands
cmd_up() {
    lab_vars "$1"; shift
    local nodes=3
    while [ $# -gt 0 ]; do
        case $1 in
            --nodes) nodes=${2:-}; shift 2 ;;
            *) die "unknown flag $1" ;;
        esac
    done
    [[ $nodes =~ ^[0-9]{1,2}$ ]] && [ "$nodes" -ge 3 ] && [ "$nodes" -le 80 ] || die "--nodes '$nodes': 3..80"
    [ -e "/run/netns/$SW" ] && die "lab $LAB exists already (cluster.sh down $LAB)"
    [ -x "$DIST/bin/dhcp" ] || die "no $DIST/bin/dhcp (make)"
    mkdir -p "$DIR"
    echo "$nodes" >"$DIR/nodes"
    ip netns add "$SW"
    ip -n "$SW" link set lo up
    ip -n "$SW" link add br0 type bridge
    ip -n "$SW" link set br0 up
    attach "$LAB-s1" "$SUBNET.2"
    attach "$LAB-s2" "$SUBNET.3"
    local i
    for i in $(seq 1 "$nodes"); do
        attach "$LAB-n$i" "$SUBNET.$((10 + i))"
    done
    local lb1 lb2
    lb1=$(load_balancing_lines 1) lb2=$(load_balancing_lines 2)
    start_server 1
    start_server 2
    for i in $(seq 1 "$nodes"); do node_vars "$i"; start_daemon; done
    for i in $(seq 1 "$nodes"); do node_vars "$i"; await_daemon; done
    await_load_balancing 1 "$lb1"
    await_load_balancing 2 "$lb2"
}

pod_env() { # POD CMD (node_vars set)
    POD_NS=$NODE_NS-$1
    POD_ENV=(CNI_COMMAND="$2" CNI_CONTAINERID="$POD_NS" CNI_NETNS="/run/netns/$POD_NS" CNI_IFNAME=eth0
        CNI_PATH="$DIST/bin:$REF_CNI")
}

check_pod() { [[ $1 =~ ^[a-z0-9]{1,12}$ ]] || die "pod name '$1': 1-12 lowercase letters or digits"; }

cmd_add() { # LAB NODE POD
    lab_vars "$1"; node_vars "$2"; check_pod "$3"
    pod_env "$3" ADD
    [ -e "/run/netns/$POD_NS" ] || ip netns add "$POD_NS"
    netconf | ip netns exec "$NODE_NS" env "${POD_ENV[@]}" "$REF_CNI/macvlan"
}

cmd_del() { # LAB NODE POD
    lab_vars "$1"; node_vars "$2"; check_pod "$3"
    local rc=0
    pod_env "$3" DEL
    netconf | ip netns exec "$NODE_NS" env "${POD_ENV[@]}" "$REF_CNI/macvlan" || rc=$?
    ip netns del "$POD_NS" 2>/dev/null || true
    return $rc
}

cmd_stop_server() { lab_vars "$1"; server_vars "${2:-}"; stop_pid "$SRV_DIR/kea.pid"; }

cmd_start_server() {
    lab_vars "$1"; server_vars "${2:-}"
    local before
    before=$(load_balancing_lines "$SRV_NO")
    start_server "$SRV_NO"
    await_load_balancing "$SRV_NO" "$before"
}

# Kea's memfile is append-only: the last line of an address is its lease; a valid lifetime of 0 (a
# release) or state 2 (reclaimed) means none. Printed as dnsmasq's lease lines: EXPIRY MAC IP NAME ID.
cmd_leases() {
    lab_vars "$1"; server_vars "${2:-}"
    [ -f "$SRV_DIR/kea.leases" ] || return 0
    awk -F, 'NR > 1 { line[$1] = $0 }
        END { for (ip in line) { split(line[ip], f, ",")
                  if (f[4] == 0 || f[10] == 2) continue
                  print f[5], f[2], f[1], (f[9] == "" ? "*" : f[9]), (f[3] == "" ? "*" : f[3]) } }' \
        "$SRV_DIR/kea.leases" | sort -k3,3V
}

cmd_served() { # LAB 1|2: every address server I acknowledged (DHCP4_LEASE_ALLOC), once each
    lab_vars "$1"; server_vars "${2:-}"
    grep -ho 'DHCP4_LEASE_ALLOC.*lease [0-9.]* has been allocated' "$SRV_DIR/kea.log" 2>/dev/null \
        | awk '{print $(NF-3)}' | sort -uV || true
}

cmd_pods() {
    lab_vars "$1"
    ip netns list | awk '{print $1}' | sed -n "s/^$LAB-n\([0-9]*\)-\(.*\)$/\1 \2/p" | sort -k1,1n -k2,2V
}

cmd_census() {
    lab_vars "$1"
    local now s1 s2
    now=$(date +%s)
    s1=$(cmd_leases "$LAB" 1) s2=$(cmd_leases "$LAB" 2)
    cmd_pods "$LAB" | while read -r node pod; do
        ip -n "$LAB-n$node-$pod" addr show dev eth0 2>/dev/null \
            | awk -v node="$node" -v pod="$pod" '/link\/ether/ {mac = $2} /inet / {sub(/\/.*/, "", $2); a = a (a ? "," : "") $2}
                END {print node, pod, (mac ? mac : "-"), (a ? a : "-")}' || echo "$node $pod - -"
    done | awk -v now="$now" -v s1="$s1" -v s2="$s2" '
        function load(text, ex, mac,   n, lines, i, f) {
            n = split(text, lines, "\n")
            for (i = 1; i <= n; i++) if (split(lines[i], f, " ") >= 3) { ex[f[3]] = f[1]; mac[f[3]] = f[2] }
        }
        function state(ip, m, ex, mac) {
            if (ip == "-") return "noaddr"
            if (!(ip in ex)) return "none"
            if (mac[ip] != m) return "other"
            return ex[ip] > now ? "live" : "expired"
        }
        BEGIN { load(s1, e1, m1); load(s2, e2, m2) }
        { split($4, a, ","); print $1, $2, $3, $4, state(a[1], $3, e1, m1), state(a[1], $3, e2, m2) }'
}

cmd_exec() { # LAB WHERE CMD...
    lab_vars "$1"
    local where=${2:-}; shift 2
    [[ $where =~ ^(sw|s1|s2|n[0-9]{1,2}|n[0-9]{1,2}-[a-z0-9]{1,12})$ ]] || die "exec: WHERE '$where': sw, s1, s2, nI or nI-POD"
    ip netns exec "$LAB-$where" "$@"
}

cmd_down() {
    lab_vars "$1"
    local f ns
    for f in "$DIR"/n*/daemon.launch.pid; do stop_pid "$f"; done
    for f in "$DIR"/s*/kea.pid; do stop_pid "$f"; done
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^$LAB-" || true); do
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ "${KEEP_LAB_FILES:-}" != 1 ]; then
        rm -rf "$DIR"
    fi
}

[ $# -ge 2 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
command=$1; shift
case $command in
    up) cmd_up "$@" ;;
    add) cmd_add "$@" ;;
    del) cmd_del "$@" ;;
    stop-server) cmd_stop_server "$@" ;;
    start-server) cmd_start_server "$@" ;;
    leases) cmd_leases "$@" ;;
    served) cmd_served "$@" ;;
    census) cmd_census "$@" ;;
    pods) cmd_pods "$@" ;;
    exec) cmd_exec "$@" ;;
    down) cmd_down "$@" ;;
    *) die "unknown command '$command'" ;;
esac
