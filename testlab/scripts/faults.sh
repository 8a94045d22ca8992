#!/bin/bash
# Crash test: PODS leases held through the reference bridge plugin, then CYCLES rounds of kill -9 of
# the lease daemon and a restart, then more than a full lease time of waiting. Passes when every pod
# still holds its address at the server (renewed after the crashes), no address was given twice, and
# the server holds no lease nobody owns. Everything runs in network namespaces the lab creates.
#
#   faults.sh [PODS=50] [CYCLES=10]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB_SH=$HERE/lab.sh
PODS=${1:-50}
CYCLES=${2:-10}
LEASE_SECONDS=120
LAB=flt$((RANDOM % 10000))
DIR=${TMPDIR:-/tmp}/cni-dhcp-lab.$LAB
trap 'KEEP_LAB_FILES=0 "$LAB_SH" down "$LAB" >/dev/null 2>&1 || true' EXIT INT TERM

say() { echo "[faults $(date +%H:%M:%S)] $*"; }

"$LAB_SH" up "$LAB"
say "attaching $PODS pods"
declare -A ADDRESS
for i in $(seq 1 "$PODS"); do
    out=$("$LAB_SH" add "$LAB" "p$i" bridge)
    ADDRESS[p$i]=$(grep -o '"address": *"[0-9.]*' <<<"$out" | grep -o '[0-9.]*$')
done

for c in $(seq 1 "$CYCLES"); do
    "$LAB_SH" kill-daemon "$LAB"
    sleep "0.$((RANDOM % 10))"
    "$LAB_SH" start-daemon "$LAB"
    say "cycle $c/$CYCLES: killed with SIGKILL and restarted; $(find "$DIR/state" -name "*.lease" | wc -l) lease records"
    sleep 2
done
last_kill=$(date +%s)

wait_for=$((LEASE_SECONDS + 15))
say "waiting ${wait_for} s (more than one lease time) for renewals"
sleep "$wait_for"

now=$(date +%s)
lost=0
declare -A SEEN
duplicates=0
for pod in "${!ADDRESS[@]}"; do
    ip=${ADDRESS[$pod]}
    if [ -n "${SEEN[$ip]:-}" ]; then duplicates=$((duplicates + 1)); fi
    SEEN[$ip]=1
    expiry=$(awk -v ip="$ip" '$3 == ip {print $1}' "$DIR/dnsmasq.leases")
    if [ -z "$expiry" ] || [ "$expiry" -le "$now" ] || [ "$expiry" -le "$last_kill" ]; then
        say "LOST: $pod $ip (server expiry: ${expiry:-none})"
        lost=$((lost + 1))
    fi
done
server_leases=$(grep -c . "$DIR/dnsmasq.leases" || true)
stray=$((server_leases - PODS))
say "result: $PODS pods, $CYCLES kill -9/restart cycles: $lost lease(s) lost, $duplicates duplicate address(es), $stray stray server lease(s)"
grep -h "recovered" "$DIR/daemon.log" | tail -n 3
[ "$lost" -eq 0 ] && [ "$duplicates" -eq 0 ] && [ "$stray" -eq 0 ]
