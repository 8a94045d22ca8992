#!/bin/bash
# Cluster demo: three nodes with their own lease daemons on one segment, served by a Kea
# load-balancing HA pair (testlab/scripts/cluster.sh); three pods attached through macvlan on every
# node; the nodes, pods, addresses and the server that answered printed; server 1 stopped and the
# failover followed as it happens (renewals and rebindings answered by the partner); server 1
# started again; every pod deleted and the servers' lease files shown empty. Everything is torn down
# at the end, also on failure or Ctrl-C. Bounded: about two and a half minutes with CLUSTER_LEASE=20
# (the default).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CL=$HERE/cluster.sh
LAB=cldemo$((RANDOM % 100))
DIR=${TMPDIR:-/tmp}/cni-dhcp-cluster.$LAB
export CLUSTER_LEASE=${CLUSTER_LEASE:-20}
NODES=3
PODS="a b c"
trap '"$CL" down "$LAB"; echo "cluster lab $LAB removed"' EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

server_name() { case $1 in 10.95.0.2) echo "kea 1";; 10.95.0.3) echo "kea 2";; *) echo "$1";; esac; }

table() { # NODE POD ADDRESS SERVER (the daemon's view) and what each server's memfile says
    local census
    census=$("$CL" census "$LAB")
    printf '%-6s %-4s %-13s %-17s %-15s %-8s %-8s\n' NODE POD ADDRESS MAC "ANSWERED BY" "AT KEA 1" "AT KEA 2"
    while read -r node pod mac address s1 s2; do
        local server
        server=$(grep -h "container=$LAB-n$node-$pod " "$DIR/n$node/daemon.log" \
            | grep -oE '(acquired|renewed|rebound|regained)[^(]* from server [0-9.]+' | tail -1 | awk '{print $NF}')
        printf '%-6s %-4s %-13s %-17s %-15s %-8s %-8s\n' "n$node" "$pod" "$address" "$mac" \
            "$(server_name "${server:-?}")" "$s1" "$s2"
    done <<<"$census"
}

say "starting cluster lab $LAB: switch $LAB-sw, Kea HA pair $LAB-s1/$LAB-s2 (leases of $CLUSTER_LEASE s), nodes $LAB-n1..n$NODES"
"$CL" up "$LAB" --nodes "$NODES"
grep -h "HA_STATE_TRANSITION" "$DIR"/s*/kea.log | sed 's/.*HA_STATE_TRANSITION/  HA:/' | tail -2

say "ADD ${PODS// /, } on every node (macvlan on the node's eth0; each node's own daemon gets the lease)"
for node in $(seq 1 "$NODES"); do
    for pod in $PODS; do "$CL" add "$LAB" "$node" "$pod" >/dev/null & done
done
wait
table

say "pods of different nodes reach each other"
first=$("$CL" census "$LAB" | awk '$1 == 1 {print $4; exit}')
for node in 2 3; do
    printf '  n%s-a -> %s: ' "$node" "$first"
    "$CL" exec "$LAB" "n$node-a" ping -c 1 -W 2 "$first" | awk '/packets transmitted/ {print $0}'
done

say "stopping kea 1; following the daemons' renewals for $((CLUSTER_LEASE + 5)) s (one lease time)"
"$CL" stop-server "$LAB" 1
echo "  $(date +%T) kea 1 stopped"
stop=$(date +%s)
follow() { # SECONDS: the daemons' renewals, rebindings and losses and the HA state changes, as they happen
    timeout "$1" tail -q -n 0 -F "$DIR"/n*/daemon.log "$DIR"/s*/kea.log 2>/dev/null \
        | grep --line-buffered -E 'renewed|rebound|no answer from server|HA_STATE_TRANSITION|LOST' \
        | sed -u -E 's/^[0-9-]+T([0-9:]+)\.[0-9]+Z [A-Z]+ \[[^]]*\] container=[a-z0-9]+-(n[0-9]+-[a-z]+) [^:]*: /  \1 \2: /;
                    s/^[0-9-]+ ([0-9:]+)\.[0-9]+ INFO .*HA_STATE_TRANSITION/  \1 HA:/;
                    s/ \(mac [^)]*\)//; s/from server 10\.95\.0\.2/from kea 1/; s/from server 10\.95\.0\.3/from kea 2/' || true
}
follow $((CLUSTER_LEASE + 5))
say "$(( $(date +%s) - stop )) s after the stop, past every original expiry"
table

say "starting kea 1 again (it syncs its leases from kea 2, then both load-balance)"
"$CL" start-server "$LAB" 1
grep -h "HA_STATE_TRANSITION" "$DIR/s1/kea.log" | sed 's/.*HA_STATE_TRANSITION/  HA:/' | tail -1
say "following for $((CLUSTER_LEASE + 5)) s: kea 2 drops the renewals of kea 1's scope, which rebind to kea 1 at T2"
follow $((CLUSTER_LEASE + 5))
table

say "DEL every pod: each daemon releases its leases (DHCPRELEASE)"
for node in $(seq 1 "$NODES"); do
    for pod in $PODS; do "$CL" del "$LAB" "$node" "$pod" & done
done
wait
sleep 1
echo "  leases left at kea 1: $("$CL" leases "$LAB" 1 | wc -l), at kea 2: $("$CL" leases "$LAB" 2 | wc -l)"
