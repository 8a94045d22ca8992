#!/bin/bash
# How long the daemon takes to take up COUNT recorded leases at start-up (issue target: 1000 in 2 s).
# Writes COUNT records naming an interface of the lab's node namespace (one-day leases, so nothing is
# sent), starts the daemon on them in that namespace, and prints its "recovered" line.
#   recovery-bench.sh [COUNT=1000]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LAB_SH=$HERE/lab.sh
COUNT=${1:-1000}
LAB=rcv$((RANDOM % 10000))
DIR=${TMPDIR:-/tmp}/cni-dhcp-lab.$LAB
trap '"$LAB_SH" down "$LAB" >/dev/null 2>&1 || true' EXIT INT TERM

"$LAB_SH" up "$LAB"
"$LAB_SH" stop-daemon "$LAB"
(cd "$ROOT" && mvn -B -q -o test-compile -pl testlab -am >/dev/null 2>&1 || mvn -B -q test-compile -pl testlab -am >/dev/null)
java -cp "$ROOT/testlab/target/test-classes:$ROOT/dist/lib/*" dev.cnidhcp.testlab.RecoveryBench \
    "$DIR/state" "/run/netns/$LAB-node" mv0 "$COUNT"
"$LAB_SH" start-daemon "$LAB"
grep "recovered" "$DIR/daemon.log" | tail -n 1
pid=$(cat "$DIR/daemon.pid")
echo "daemon RSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status"), threads $(ls "/proc/$pid/task" | wc -l)"
