#!/bin/bash
# Demo: a lab in network namespaces (dnsmasq server, node bridge, our lease daemon), two pods attached
# through the reference bridge plugin with "ipam": {"type": "dhcp"}, their leases printed, then
# everything torn down (also on failure or Ctrl-C).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LAB_SH=$HERE/lab.sh
LAB=demo$((RANDOM % 1000))
DIR=${TMPDIR:-/tmp}/cni-dhcp-lab.$LAB
trap '"$LAB_SH" down "$LAB"; echo "lab $LAB removed"' EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting lab $LAB: namespaces $LAB-node (bridge br0, lease daemon) and $LAB-srv (dnsmasq)"
"$LAB_SH" up "$LAB"

for pod in pod1 pod2; do
    say "ADD $pod through /usr/lib/cni/bridge (which calls our dhcp via CNI_PATH)"
    start=$(date +%s%N)
    "$LAB_SH" add "$LAB" "$pod" bridge
    echo
    echo "(took $(( ($(date +%s%N) - start) / 1000000 )) ms)"
done

say "what the pods see"
for pod in pod1 pod2; do
    echo "-- $pod"
    "$LAB_SH" exec "$LAB" "$pod" ip -4 -br addr show dev eth0
    "$LAB_SH" exec "$LAB" "$pod" ip -4 route
done

say "our plugin's own answer for pod1 (the bridge plugin replaces DNS with its config's; ours carries the server's)"
"$LAB_SH" cni "$LAB" pod1 dhcp ADD 1.1.0
echo

say "dnsmasq's lease file (expiry, MAC, address, hostname, client id = 0 + container/network/ifname)"
"$LAB_SH" leases "$LAB"

say "the daemon's log"
grep -v '^SLF4J' "$DIR/daemon.log" || true

say "DEL pod1 and pod2: the leases are released at the server"
"$LAB_SH" del "$LAB" pod1 bridge
"$LAB_SH" del "$LAB" pod2 bridge
echo "leases left at the server: $("$LAB_SH" leases "$LAB" | wc -l)"
tail -n 2 "$DIR/daemon.log"
