#!/bin/bash
# ADD latency and parallel ADDs through the reference bridge plugin, ours and the reference Go
# daemon side by side in one run, in labs that exist only in network namespaces (dnsmasq --no-ping).
#
#   bench.sh [SEQUENTIAL=20] [PARALLEL=20] [ROUNDS=2]
# Prints one table: median and p95 of one ADD (pod namespace made beforehand, the plugin's JVM start
# included), wall time of PARALLEL ADDs at once, and the ratio reference/ours. Rounds alternate.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB_SH=$HERE/lab.sh
SEQUENTIAL=${1:-20}
PARALLEL=${2:-20}
ROUNDS=${3:-2}
LABS=()
cleanup() { for l in "${LABS[@]}"; do "$LAB_SH" down "$l" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# One timed ADD: prints milliseconds, fails loudly on a failed ADD.
timed_add() { # LAB POD
    local t0 t1
    "$LAB_SH" netns "$1" "$2"
    t0=$(date +%s%N)
    "$LAB_SH" cni "$1" "$2" bridge ADD 1.0.0 >/dev/null || { echo "ADD $2 failed" >&2; return 1; }
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

stats() { # prints "median p95" of numbers on stdin
    sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.95+0.999)]; if (p=="") p=a[NR]; print m, p}'
}

declare -A SEQ PAR OK
for impl in ours reference; do SEQ[$impl]=""; PAR[$impl]=""; OK[$impl]=0; done

run_round() { # IMPL ROUND
    local impl=$1 round=$2 lab flags=() samples=() i t0 t1 pids=() failed=0
    lab=b${impl:0:1}$round$RANDOM
    lab=${lab:0:8}
    [ "$impl" = reference ] && flags+=(--reference)
    "$LAB_SH" up "$lab" "${flags[@]}"
    LABS+=("$lab")
    timed_add "$lab" warm >/dev/null
    for i in $(seq 1 "$SEQUENTIAL"); do
        samples+=("$(timed_add "$lab" s$i)")
    done
    SEQ[$impl]+="${samples[*]} "
    for i in $(seq 1 "$PARALLEL"); do "$LAB_SH" netns "$lab" p$i; done
    t0=$(now_ms)
    for i in $(seq 1 "$PARALLEL"); do
        "$LAB_SH" cni "$lab" p$i bridge ADD 1.0.0 >"/tmp/bench.$lab.p$i" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
    t1=$(now_ms)
    local unique
    unique=$(cat /tmp/bench."$lab".p* | grep -o '"address": *"[^"]*"' | sort -u | wc -l)
    rm -f /tmp/bench."$lab".p*
    PAR[$impl]+="$((t1 - t0)) "
    OK[$impl]=$(( ${OK[$impl]} + PARALLEL - failed ))
    echo "round $round $impl: sequential ${samples[*]} ms; $PARALLEL parallel $((t1 - t0)) ms, $((PARALLEL - failed)) ok, $unique unique" >&2
    "$LAB_SH" down "$lab"
}

for round in $(seq 1 "$ROUNDS"); do
    run_round ours "$round"
    run_round reference "$round"
done

read -r om op <<<"$(tr ' ' '\n' <<<"${SEQ[ours]}" | grep . | stats)"
read -r rm rp <<<"$(tr ' ' '\n' <<<"${SEQ[reference]}" | grep . | stats)"
read -r opm _ <<<"$(tr ' ' '\n' <<<"${PAR[ours]}" | grep . | stats)"
read -r rpm _ <<<"$(tr ' ' '\n' <<<"${PAR[reference]}" | grep . | stats)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

echo
echo "cni-dhcp benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "dnsmasq --no-ping; ADD through the reference bridge plugin; $ROUNDS rounds alternating"
printf '%-36s %12s %12s %8s\n' "scenario" "ours" "reference" "ratio"
printf '%-36s %10s ms %10s ms %8s\n' "single ADD, median ($((SEQUENTIAL * ROUNDS)) pods)" "$om" "$rm" "$(ratio "$rm" "$om")"
printf '%-36s %10s ms %10s ms %8s\n' "single ADD, p95" "$op" "$rp" "$(ratio "$rp" "$op")"
printf '%-36s %10s ms %10s ms %8s\n' "$PARALLEL parallel ADDs, median wall" "$opm" "$rpm" "$(ratio "$rpm" "$opm")"
printf '%-36s %13s %12s\n' "parallel ADDs succeeded" "${OK[ours]}/$((PARALLEL * ROUNDS))" "${OK[reference]}/$((PARALLEL * ROUNDS))"
