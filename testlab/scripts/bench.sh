#!/bin/bash
# Side-by-side benchmark of our DHCP IPAM and the reference Go daemon (/usr/lib/cni/dhcp), in labs
# that exist only in network namespaces (dnsmasq --no-ping, the reference bridge plugin). Scenarios
# alternate between the two implementations; one table with both figures and their ratio is printed
# and, with --write, appended to docs/benchmarks.md.
#
#   bench.sh [--write] [--quick]
#     a. single ADD latency, SEQUENTIAL pods one after another: median and p95
#     b. burst: BURST pods ADD in parallel: wall time, successes, duplicate addresses
#     c. scale: SCALE leases held for HOLD seconds (a /20): daemon RSS, threads, CPU seconds
#   b and c also count the leases live at the server at their end: the pod's address leased to the
#   pod's MAC in dnsmasq's lease file with an expiry after now (lab.sh census)
#     d. plugin process cost: VERSION and a failing ADD (daemon down): wall and CPU per invocation
#     e. DEL of the BURST pods in parallel: wall time
# Environment: SEQUENTIAL=20 BURST=100 SCALE=1000 HOLD=300 ROUNDS=2 (--quick: 10/20/100/60/1).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LAB_SH=$HERE/lab.sh
DIST=${DIST:-$ROOT/dist}
WRITE=0
if [ "${1:-}" = --write ]; then WRITE=1; shift; fi
if [ "${1:-}" = --quick ]; then
    SEQUENTIAL=${SEQUENTIAL:-10} BURST=${BURST:-20} SCALE=${SCALE:-100} HOLD=${HOLD:-60} ROUNDS=${ROUNDS:-1}
fi
SEQUENTIAL=${SEQUENTIAL:-20}
BURST=${BURST:-100}
SCALE=${SCALE:-1000}
HOLD=${HOLD:-300}
ROUNDS=${ROUNDS:-2}
PARALLEL_ADDS=25 # pods attached at once while building the scale scenario
LABS=()
TMP=$(mktemp -d)
cleanup() {
    for l in "${LABS[@]}"; do "$LAB_SH" down "$l" >/dev/null 2>&1 || true; done
    neigh_restore
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # the EXIT trap cleans up; without exit a TERM would only clean up and go on

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; print a[i]}'; }
ratio() { awk -v r="$1" -v o="$2" 'BEGIN { if (o > 0) printf "%.1fx", r / o; else print "-" }'; }
# shellcheck source=labkit.sh
. "$HERE/labkit.sh" # ms_since, daemon_pid, parallel_adds, leases_live

new_lab() { # IMPL [FLAGS...] -> lab name
    local impl=$1 lab flags=()
    shift
    lab=b${impl:0:1}$((RANDOM % 100000))
    [ "$impl" = reference ] && flags+=(--reference)
    "$LAB_SH" up "$lab" "${flags[@]}" "$@" >&2
    LABS+=("$lab")
    echo "$lab"
}

parallel_dels() { # LAB NAMES... -> wall_ms
    local lab=$1 t0 pids=()
    shift
    t0=$(date +%s%N)
    for pod in "$@"; do
        "$LAB_SH" cni "$lab" "$pod" bridge DEL 1.0.0 >/dev/null 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || true; done
    ms_since "$t0"
}

# d. one plugin invocation, measured by GNU time: prints "wall_ms cpu_ms"
plugin_cost() { # BINARY COMMAND
    local bin=$1 command=$2 out
    out=$( { echo '{"cniVersion":"1.0.0","name":"bench","type":"bridge","ipam":{"type":"dhcp","daemonSocketPath":"/nonexistent/bench.sock"}}' \
        | CNI_COMMAND=$command CNI_CONTAINERID=bench CNI_NETNS=/nonexistent CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
          /usr/bin/time -f "%e %U %S" "$bin" >/dev/null; } 2>&1 | tail -n 1) || true
    awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' <<<"$out"
}

declare -A R
add_sample() { R[$1]="${R[$1]:-} $2"; }

round() { # IMPL ROUND
    local impl=$1 lab pods=() i plugin
    lab=$(new_lab "$impl")
    "$LAB_SH" add "$lab" warm bridge >/dev/null
    for i in $(seq 1 "$SEQUENTIAL"); do
        "$LAB_SH" netns "$lab" "s$i"
        local t0
        t0=$(date +%s%N)
        "$LAB_SH" cni "$lab" "s$i" bridge ADD 1.0.0 >/dev/null || log "$impl: sequential ADD s$i failed"
        add_sample "$impl.single" "$(ms_since "$t0")"
    done
    for i in $(seq 1 "$BURST"); do pods+=("p$i"); done
    read -r wall ok unique <<<"$(parallel_adds "$lab" "${pods[@]}")"
    add_sample "$impl.burst" "$wall"
    add_sample "$impl.burst_ok" "$ok"
    add_sample "$impl.burst_unique" "$unique"
    add_sample "$impl.burst_live" "$(leases_live "$lab" "${pods[@]}")"
    add_sample "$impl.del" "$(parallel_dels "$lab" "${pods[@]}")"
    plugin=$DIST/bin/dhcp
    [ "$impl" = reference ] && plugin=/usr/lib/cni/dhcp
    for i in $(seq 1 10); do
        read -r w c <<<"$(plugin_cost "$plugin" VERSION)"
        add_sample "$impl.version_wall" "$w"; add_sample "$impl.version_cpu" "$c"
        read -r w c <<<"$(plugin_cost "$plugin" ADD)"
        add_sample "$impl.fail_wall" "$w"; add_sample "$impl.fail_cpu" "$c"
    done
    log "$impl round $2: single $(tr ' ' '\n' <<<"${R[$impl.single]}" | grep . | median) ms median;" \
        "burst $wall ms ($ok ok, $unique unique); DEL $(tr ' ' '\n' <<<"${R[$impl.del]}" | tail -n 1) ms"
    "$LAB_SH" down "$lab" >&2
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

scale() { # IMPL
    local impl=$1 lab pid pods=() i t0 ticks0 ticks1 hz
    lab=$(new_lab "$impl" --wide)
    log "$impl: attaching $SCALE pods ($PARALLEL_ADDS at a time)"
    for i in $(seq 1 "$SCALE"); do pods+=("z$i"); done
    local held=0
    for ((i = 0; i < SCALE; i += PARALLEL_ADDS)); do
        read -r _ ok _ <<<"$(parallel_adds "$lab" "${pods[@]:i:PARALLEL_ADDS}")"
        held=$((held + ok))
    done
    pid=$(daemon_pid "$lab")
    hz=$(getconf CLK_TCK)
    ticks0=$(cpu_ticks "$pid")
    log "$impl: $held leases held; holding them for $HOLD s (2-minute leases: renewals every minute)"
    sleep "$HOLD"
    ticks1=$(cpu_ticks "$pid")
    R[$impl.scale_held]=$held
    R[$impl.scale_rss]=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
    R[$impl.scale_threads]=$(ls "/proc/$pid/task" | wc -l)
    R[$impl.scale_cpu]=$(awk -v d=$((ticks1 - ticks0)) -v hz="$hz" 'BEGIN {printf "%.1f", d / hz}')
    R[$impl.scale_renewed]=$(grep -c "renewed" "${TMPDIR:-/tmp}/cni-dhcp-lab.$lab/daemon.log" || true)
    R[$impl.scale_live]=$(leases_live "$lab" "${pods[@]}")
    log "$impl: RSS ${R[$impl.scale_rss]} MiB, ${R[$impl.scale_threads]} threads, ${R[$impl.scale_cpu]} CPU-s in $HOLD s;" \
        "${R[$impl.scale_live]} of $held leases live at the server at the end"
    "$LAB_SH" down "$lab" >&2
}

for r in $(seq 1 "$ROUNDS"); do
    round ours "$r"
    round reference "$r"
done
if [ "$SCALE" -gt 0 ]; then
    neigh_raise "$SCALE" # for both: the lab's server and pods share one kernel's table (labkit.sh)
    scale ours
    scale reference
    neigh_restore
fi

stat_of() { tr ' ' '\n' <<<"${R[$1]:-}" | grep . | "$2"; }
sum_of() { tr ' ' '\n' <<<"${R[$1]:-}" | grep . | awk '{s+=$1} END {print s+0}'; }
row() { # LABEL OURS REFERENCE UNIT [lower-is-better: ratio reference/ours]
    printf '| %s | %s %s | %s %s | %s |\n' "$1" "$2" "$4" "$3" "$4" "$(ratio "$3" "$2")"
}

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo
    echo "## $(date -u +%Y-%m-%d\ %H:%MZ), $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $(java -version 2>&1 | head -n 1), commit $commit"
    echo
    echo "\`make bench\`: SEQUENTIAL=$SEQUENTIAL BURST=$BURST SCALE=$SCALE HOLD=$HOLD ROUNDS=$ROUNDS; ratio = reference / ours."
    echo
    echo "| scenario | ours | reference | ratio |"
    echo "|---|---:|---:|---:|"
    row "a. single ADD, median ($((SEQUENTIAL * ROUNDS)) pods)" "$(stat_of ours.single median)" "$(stat_of reference.single median)" ms
    row "a. single ADD, p95" "$(stat_of ours.single p95)" "$(stat_of reference.single p95)" ms
    row "b. $BURST ADDs in parallel, wall (median of rounds)" "$(stat_of ours.burst median)" "$(stat_of reference.burst median)" ms
    echo "| b. succeeded / unique addresses (all rounds) | $(sum_of ours.burst_ok) / $(sum_of ours.burst_unique) | $(sum_of reference.burst_ok) / $(sum_of reference.burst_unique) | of $((BURST * ROUNDS)) |"
    echo "| b. leases live at the server at the end of the burst (all rounds) | $(sum_of ours.burst_live) | $(sum_of reference.burst_live) | of $((BURST * ROUNDS)) |"
    if [ "$SCALE" -gt 0 ]; then
        echo "| c. leases held | ${R[ours.scale_held]} | ${R[reference.scale_held]} | |"
        echo "| c. leases live at the server at the end of the $HOLD s | ${R[ours.scale_live]} | ${R[reference.scale_live]} | of $SCALE |"
        row "c. daemon RSS with them" "${R[ours.scale_rss]}" "${R[reference.scale_rss]}" MiB
        row "c. daemon threads" "${R[ours.scale_threads]}" "${R[reference.scale_threads]}" ""
        row "c. daemon CPU while holding them $HOLD s" "${R[ours.scale_cpu]}" "${R[reference.scale_cpu]}" s
    fi
    row "d. plugin VERSION, wall (median)" "$(stat_of ours.version_wall median)" "$(stat_of reference.version_wall median)" ms
    row "d. plugin VERSION, CPU (median)" "$(stat_of ours.version_cpu median)" "$(stat_of reference.version_cpu median)" ms
    row "d. plugin ADD with daemon down, wall (median)" "$(stat_of ours.fail_wall median)" "$(stat_of reference.fail_wall median)" ms
    row "d. plugin ADD with daemon down, CPU (median)" "$(stat_of ours.fail_cpu median)" "$(stat_of reference.fail_cpu median)" ms
    row "e. DEL of the $BURST pods in parallel, wall (median)" "$(stat_of ours.del median)" "$(stat_of reference.del median)" ms
} | tee "$TMP/table.md"
if [ "$WRITE" = 1 ]; then
    cat "$TMP/table.md" >>"$ROOT/docs/benchmarks.md"
    log "appended to docs/benchmarks.md"
fi
