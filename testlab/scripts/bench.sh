#!/bin/bash
# Side-by-side benchmark of our DHCP IPAM and the reference Go daemon (/usr/lib/cni/dhcp), in labs
# that exist only in network namespaces (dnsmasq --no-ping, the reference bridge plugin). Scenarios
# alternate between the two implementations; one table with both figures and their ratio, then one
# with each speed target and whether it is met, are printed and, with --write, appended to
# docs/benchmarks.md (the pictures copied to docs/bench/RUN/ and shown under the tables).
#
#   bench.sh [--write] [--quick]
#     a. single ADD latency, SEQUENTIAL pods one after another: median and p95
#     b. burst: BURST pods ADD in parallel: wall time, successes, duplicate addresses
#     c. scale: the SCALE leases of g held for HOLD seconds (a /20): daemon RSS, threads, CPU seconds
#   b and c also count the leases live at the server at their end: the pod's address leased to the
#   pod's MAC in dnsmasq's lease file with an expiry after now (lab.sh census)
#     d. plugin process cost, no lab: VERSION and an ADD with the daemon down (CNI error 11), CPU per
#        call (perf stat's task-clock per call, median of PLUGIN_CALLS calls; without perf: user+sys
#        of PLUGIN_LOOPS loops of PLUGIN_CALLS calls, per call, median of the loops) and wall per call
#     e. DEL of the BURST pods in parallel: wall time
#     f. b and e again with LOAD_PROCS CPU-bound processes (busy loops, each under `timeout LOAD_MAX`)
#        keeping the cores busy; started before the burst, stopped by PID after the DELs
#     g. SCALE ADDs in batches of BATCH (BATCH in parallel, then the next BATCH): the sum of the
#        batches' wall times; these are the leases c holds, and c's census counts them live at the end
#     h. single ADD, dual stack ("dhcpv6": true), next to IPv4 only: in one lab with DHCPv6 (lab.sh up
#        --dhcpv6), SEQUENTIAL pods of each, alternating, one after another; median and p95 of each.
#        Ours only: the reference has no DHCPv6
#     i. dual stack at node scale: DUAL_SCALE dual-stack pods ADD in batches of BATCH (a /20 and 4096
#        IPv6 addresses), held DUAL_HOLD seconds (past the 2-minute lifetimes: every lease renewed),
#        then DEL in batches; the leases live at the server at the end of the hold (IPv4: lab.sh
#        census, IPv6: census6) and those it still holds after the DELs, per family. Ours only
#     z. the floor both implementations sit on: BURST ADDs, then BURST DELs, in parallel through the
#        bridge plugin with the static IPAM plugin (no DHCP, no daemon), one per round; b and e are
#        shown above it too (b - z, e - z), and e counts the leases the server still holds after the
#        DELs (a DEL that sends no DHCPRELEASE leaves them until they expire)
# The bursts of b, e, f and g call the main plugin as a runtime does: cni-burst.sh, entered once into
# the node namespace, forks and execs it per pod (labkit.sh cni_burst), for both implementations;
# a and the pods' namespaces go through lab.sh.
# Environment: SEQUENTIAL=20 BURST=100 SCALE=1000 HOLD=300 ROUNDS=2 BATCH=50 PLUGIN_CALLS=100
#   PLUGIN_LOOPS=5 LOAD_PROCS=2 LOAD_MAX=300 DUAL_SCALE=200 DUAL_HOLD=150
#   (--quick: 10/20/100/60/1/50/50/3/2/300/40/130);
#   BENCH_OUT=DIR (default testlab/target/bench/<UTC time>): the run's raw data and pictures;
#   BENCH_ONLY="h i z" (any of them): run only these scenarios (the table then has only their rows),
#   e.g. to check one quickly: `SEQUENTIAL=5 BENCH_ONLY=h testlab/scripts/bench.sh`.
# Progress goes to stderr, one line per step with its start and its figures at the end; the tables
# go to stdout. The pictures are drawn by bench-plot.sh from the raw data (gnuplot, installed here
# when missing), which can be run again on a saved run: bench-plot.sh RUN_DIR [FIGURE_DIR].
set -euo pipefail
export LC_ALL=C # `times` and $EPOCHREALTIME print a decimal point

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LAB_SH=$HERE/lab.sh
DIST=${DIST:-$ROOT/dist}
REF_PLUGIN=/usr/lib/cni/dhcp
WRITE=0
QUICK=0
while [ $# -gt 0 ]; do
    case $1 in
        --write) WRITE=1 ;;
        --quick) QUICK=1 ;;
        *) echo "usage: bench.sh [--write] [--quick]" >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then
    SEQUENTIAL=${SEQUENTIAL:-10} BURST=${BURST:-20} SCALE=${SCALE:-100} HOLD=${HOLD:-60} ROUNDS=${ROUNDS:-1}
    PLUGIN_CALLS=${PLUGIN_CALLS:-50} PLUGIN_LOOPS=${PLUGIN_LOOPS:-3} DUAL_SCALE=${DUAL_SCALE:-40} DUAL_HOLD=${DUAL_HOLD:-130}
fi
SEQUENTIAL=${SEQUENTIAL:-20}
BURST=${BURST:-100}
SCALE=${SCALE:-1000}
HOLD=${HOLD:-300}
ROUNDS=${ROUNDS:-2}
BATCH=${BATCH:-50}
PLUGIN_CALLS=${PLUGIN_CALLS:-100}
PLUGIN_LOOPS=${PLUGIN_LOOPS:-5}
LOAD_PROCS=${LOAD_PROCS:-2}
LOAD_MAX=${LOAD_MAX:-300}
DUAL_SCALE=${DUAL_SCALE:-200}
DUAL_HOLD=${DUAL_HOLD:-150}
ONLY=${BENCH_ONLY:-}
[[ $ONLY =~ ^[hiz\ ,]*$ ]] || { echo "bench.sh: BENCH_ONLY=$ONLY (expected: some of h, i, z; unset for every scenario)" >&2; exit 2; }
only() { [[ $ONLY == *$1* ]]; } # SCENARIO: in BENCH_ONLY
OUT=${BENCH_OUT:-$ROOT/testlab/target/bench/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
LABS=()
LOAD_PIDS=()
TMP=$(mktemp -d)

# The CPU-bound processes of f, stopped by their PIDs (timeout passes the TERM on to its busy loop).
load_start() {
    local i
    for i in $(seq 1 "$LOAD_PROCS"); do
        timeout "$LOAD_MAX" bash -c 'while :; do :; done' &
        LOAD_PIDS+=($!)
    done
}
load_running() { local p n=0; for p in "${LOAD_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo $n; }
load_stop() {
    local p
    for p in "${LOAD_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${LOAD_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    LOAD_PIDS=()
}

cleanup() {
    load_stop
    for l in "${LABS[@]}"; do "$LAB_SH" down "$l" >/dev/null 2>&1 || true; done
    neigh_restore
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # the EXIT trap cleans up; without exit a TERM would only clean up and go on

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; print a[i]}'; }
ratio() { awk -v r="$1" -v o="$2" 'BEGIN { if (r != "" && o > 0) printf "%.1fx", r / o; else print "-" }'; }
# shellcheck source=labkit.sh
. "$HERE/labkit.sh" # ms_since, daemon_pid, parallel_adds, parallel_dels, leases_live, neigh_raise, neigh_restore

# --- progress: "[HH:MM:SS +MM:SS] (STEP/STEPS) what ..." at a step's start, "... done in X s: figures"
STEP=0
STEPS=$((4 + ROUNDS * 2 * 4 + ROUNDS + 1 + 3))
[ "$SCALE" -gt 0 ] && STEPS=$((STEPS + 4))
if [ -n "$ONLY" ]; then
    STEPS=0
    only h && STEPS=$((STEPS + 1))
    only i && STEPS=$((STEPS + 3))
    only z && STEPS=$((STEPS + ROUNDS))
fi
progress() { printf '[%s +%02d:%02d] %s\n' "$(date +%H:%M:%S)" $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }
step_begin() { STEP=$((STEP + 1)); STEP_WHAT=$1; STEP_T0=$EPOCHREALTIME; progress "($STEP/$STEPS) $STEP_WHAT ..."; }
step_end() {
    progress "($STEP/$STEPS) $STEP_WHAT: done in $(awk -v a="$STEP_T0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}') s${1:+: $*}"
}
warn() { progress "WARNING: $*"; }

ensure_gnuplot() { # the pictures only; the benchmark itself does not need it
    command -v gnuplot >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        progress "installing gnuplot-nox for the pictures"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null 2>&1; } \
            || true
    fi
    command -v gnuplot >/dev/null 2>&1 || warn "no gnuplot (apt-get install gnuplot-nox): the run draws no pictures"
}

new_lab() { # IMPL [FLAGS...] -> lab name
    local impl=$1 lab flags=()
    shift
    lab=b${impl:0:1}$((RANDOM % 100000))
    [ "$impl" = reference ] && flags+=(--reference)
    "$LAB_SH" up "$lab" "${flags[@]}" "$@" >&2
    LABS+=("$lab")
    echo "$lab"
}

declare -A R
add_sample() { R[$1]="${R[$1]:-} $2"; }
samples() { tr ' ' '\n' <<<"${R[$1]:-}" | { grep . || true; }; } # none when a scenario did not run (ROUNDS=0)
stat_of() { samples "$1" | "$2"; }
sum_of() { samples "$1" | awk '{s+=$1} END {print s+0}'; }

# --- d. the plugin on its own: no lab, no daemon (the socket path does not exist), no traffic
echo '{"cniVersion":"1.0.0","name":"bench","type":"bridge","ipam":{"type":"dhcp","daemonSocketPath":"/nonexistent/bench.sock"}}' >"$TMP/plugin.conf"
call_plugin() { # BIN COMMAND [PREFIX...]: one call, its stdout to $TMP/plugin.out
    local bin=$1 command=$2
    shift 2
    CNI_COMMAND=$command CNI_CONTAINERID=bench CNI_NETNS=/nonexistent CNI_IFNAME=eth0 CNI_PATH=/nonexistent \
        "$@" "$bin" <"$TMP/plugin.conf" >"$TMP/plugin.out" 2>/dev/null || true
}
children_cpu_s() { # FILE written by `times`: the user+sys seconds of the shell's waited-for children
    awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] } printf "%.6f\n", s }' "$1"
}
PERF=0
if command -v perf >/dev/null 2>&1 && perf stat -x, -e task-clock -o "$TMP/perf.out" -- true >/dev/null 2>&1 \
    && awk -F, '$3 == "task-clock" && $1 ~ /^[0-9.]+$/ {ok = 1} END {exit !ok}' "$TMP/perf.out"; then
    PERF=1
fi

plugin_cost() { # IMPL BIN COMMAND
    local impl=$1 bin=$2 command=$3 key=$1.$3 i l w0 w1 cpu perf_dat loops_dat
    step_begin "d plugin $command $impl: $PLUGIN_LOOPS loops of $PLUGIN_CALLS calls$([ "$PERF" = 1 ] && echo " and $PLUGIN_CALLS under perf stat")"
    call_plugin "$bin" "$command"
    R[$key.code]=$(grep -o '"code": *[0-9]*' "$TMP/plugin.out" | grep -o '[0-9]*$' || true)
    R[$key.code]=${R[$key.code]:-none}
    loops_dat=$OUT/plugin.$impl.$command.loops.dat # per loop: CPU ms per call, wall ms per call
    : >"$loops_dat"
    for l in $(seq 1 "$PLUGIN_LOOPS"); do
        times >"$TMP/times0"
        w0=$EPOCHREALTIME
        for ((i = 0; i < PLUGIN_CALLS; i++)); do call_plugin "$bin" "$command"; done
        w1=$EPOCHREALTIME
        times >"$TMP/times1"
        awk -v c0="$(children_cpu_s "$TMP/times0")" -v c1="$(children_cpu_s "$TMP/times1")" -v w0="$w0" -v w1="$w1" -v n="$PLUGIN_CALLS" \
            'BEGIN {printf "%.3f %.3f\n", (c1 - c0) * 1000 / n, (w1 - w0) * 1000 / n}' >>"$loops_dat"
    done
    R[$key.cpu_loop]=$(awk '{print $1}' "$loops_dat" | median)
    R[$key.wall]=$(awk '{print $2}' "$loops_dat" | median)
    R[$key.cpu]=${R[$key.cpu_loop]}
    R[$key.cpu_how]="user+sys per call, median of $PLUGIN_LOOPS loops of $PLUGIN_CALLS"
    if [ "$PERF" = 1 ]; then
        perf_dat=$OUT/plugin.$impl.$command.perf.dat # per call: task-clock ms
        : >"$perf_dat"
        for ((i = 0; i < PLUGIN_CALLS; i++)); do
            call_plugin "$bin" "$command" perf stat -x, -e task-clock -o "$TMP/perf.out" --
            awk -F, '$3 == "task-clock" {print $1}' "$TMP/perf.out" >>"$perf_dat"
        done
        R[$key.cpu]=$(median <"$perf_dat")
        R[$key.cpu_how]="perf stat task-clock, median of $PLUGIN_CALLS calls"
    fi
    step_end "CPU $(printf %.2f "${R[$key.cpu]}") ms per call ($(printf %.2f "${R[$key.cpu_loop]}") ms from the loops)," \
        "wall $(printf %.2f "${R[$key.wall]}") ms, CNI error code ${R[$key.code]}"
}

# --- a, b, e and f, in one lab per implementation and round
round() { # IMPL ROUND
    local impl=$1 r=$2 lab pods=() loaded=() i t0 ms wall ok unique live del left busy
    lab=$(new_lab "$impl")
    "$LAB_SH" add "$lab" warm bridge >/dev/null

    step_begin "a single ADD round $r/$ROUNDS $impl: $SEQUENTIAL pods one after another"
    for i in $(seq 1 "$SEQUENTIAL"); do
        "$LAB_SH" netns "$lab" "s$i"
        t0=$(date +%s%N)
        "$LAB_SH" cni "$lab" "s$i" bridge ADD 1.0.0 >/dev/null || warn "$impl: sequential ADD s$i failed"
        ms=$(ms_since "$t0")
        add_sample "$impl.single" "$ms"
        echo "$ms" >>"$OUT/single.$impl.dat"
    done
    step_end "median $(stat_of "$impl.single" median) ms, p95 $(stat_of "$impl.single" p95) ms (all rounds so far)"

    for i in $(seq 1 "$BURST"); do pods+=("p$i"); loaded+=("l$i"); done
    step_begin "b burst round $r/$ROUNDS $impl: $BURST ADDs in parallel"
    : >"$TMP/$lab.burst_addrs"
    read -r wall ok unique <<<"$(ADD_TIMES=$OUT/burst.$impl.r$r.dat ADD_ADDRS=$TMP/$lab.burst_addrs parallel_adds "$lab" "${pods[@]}")"
    live=$(leases_live "$lab" "${pods[@]}")
    add_sample "$impl.burst" "$wall"
    add_sample "$impl.burst_ok" "$ok"
    add_sample "$impl.burst_unique" "$unique"
    add_sample "$impl.burst_live" "$live"
    step_end "wall $wall ms, $ok ok, $unique unique, $live live at the server"

    step_begin "e DEL round $r/$ROUNDS $impl: $BURST DELs in parallel"
    del=$(parallel_dels "$lab" "${pods[@]}")
    left=$(server_still_holds "$lab" "$TMP/$lab.burst_addrs")
    add_sample "$impl.del" "$del"
    add_sample "$impl.del_left" "$left"
    step_end "wall $del ms, $left of b's leases still held at the server"

    step_begin "f loaded burst round $r/$ROUNDS $impl: $LOAD_PROCS CPU-bound processes, $BURST ADDs then $BURST DELs in parallel"
    for i in "${loaded[@]}"; do "$LAB_SH" netns "$lab" "$i"; done # made before the load, as for b
    load_start
    read -r wall ok unique <<<"$(ADD_TIMES=$OUT/loaded.$impl.r$r.dat parallel_adds "$lab" "${loaded[@]}")"
    del=$(parallel_dels "$lab" "${loaded[@]}")
    busy=$(load_running)
    load_stop
    [ "$busy" = "$LOAD_PROCS" ] || warn "only $busy of $LOAD_PROCS CPU-bound processes ran to the end of f (LOAD_MAX=$LOAD_MAX s)"
    add_sample "$impl.loaded" "$wall"
    add_sample "$impl.loaded_ok" "$ok"
    add_sample "$impl.loaded_unique" "$unique"
    add_sample "$impl.loaded_del" "$del"
    step_end "ADD wall $wall ms ($ok ok, $unique unique), DEL wall $del ms"
    "$LAB_SH" down "$lab" >&2
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# --- g and c: SCALE ADDs in batches of BATCH (g), then held HOLD seconds (c)
scale() { # IMPL
    local impl=$1 lab pid pods=() i t0 ticks0 ticks1 hz wall ok held=0 sum=0 batches n=0
    lab=$(new_lab "$impl" --wide)
    for i in $(seq 1 "$SCALE"); do pods+=("z$i"); done
    batches=$(((SCALE + BATCH - 1) / BATCH))
    step_begin "g batches $impl: $SCALE ADDs in $batches batches of $BATCH"
    for ((i = 0; i < SCALE; i += BATCH)); do
        read -r wall ok _ <<<"$(ADD_TIMES=$OUT/batches.$impl.dat parallel_adds "$lab" "${pods[@]:i:BATCH}")"
        held=$((held + ok))
        sum=$((sum + wall))
        n=$((n + 1))
        if [ $((n % 5)) -eq 0 ] && [ "$n" -lt "$batches" ]; then
            progress "($STEP/$STEPS)   g $impl: batch $n/$batches, $held of $((i + BATCH)) attached, $sum ms of ADDs so far"
        fi
    done
    R[$impl.batch_wall]=$sum
    R[$impl.scale_held]=$held
    step_end "$held of $SCALE attached, $sum ms (sum of the batches' wall times)"

    pid=$(daemon_pid "$lab")
    hz=$(getconf CLK_TCK)
    ticks0=$(cpu_ticks "$pid")
    step_begin "c hold $impl: $held leases for $HOLD s, until $(date -d "+$HOLD seconds" +%H:%M:%S) (2-minute leases: renewals every minute)"
    sleep "$HOLD"
    ticks1=$(cpu_ticks "$pid")
    R[$impl.scale_rss]=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
    R[$impl.scale_threads]=$(ls "/proc/$pid/task" | wc -l)
    R[$impl.scale_cpu]=$(awk -v d=$((ticks1 - ticks0)) -v hz="$hz" 'BEGIN {printf "%.1f", d / hz}')
    R[$impl.scale_live]=$(leases_live "$lab" "${pods[@]}")
    step_end "RSS ${R[$impl.scale_rss]} MiB, ${R[$impl.scale_threads]} threads, ${R[$impl.scale_cpu]} CPU-s;" \
        "${R[$impl.scale_live]} of $held leases live at the server at the end"
    "$LAB_SH" down "$lab" >&2
}

# --- h: single ADDs, dual stack and IPv4 only, in one lab with DHCPv6 (ours only)
dual_stack() { # IMPL
    local impl=$1 lab i t0 ms kind
    lab=$(new_lab "$impl" --dhcpv6)
    "$LAB_SH" netconf "$lab" bridge 1.0.0 >"$TMP/h.v4.conf"
    sed 's/"ipam":{"type":"dhcp"/&,"dhcpv6":true/' "$TMP/h.v4.conf" >"$TMP/h.v6.conf"
    grep -q '"dhcpv6":true' "$TMP/h.v6.conf" || { warn "h: cannot ask for DHCPv6 in $(cat "$TMP/h.v4.conf")"; return; }
    "$LAB_SH" netns "$lab" warm
    "$LAB_SH" cni-stdin "$lab" warm bridge ADD <"$TMP/h.v6.conf" >/dev/null || warn "$impl: h's warm-up ADD failed"
    step_begin "h single ADD $impl: $SEQUENTIAL dual-stack pods and $SEQUENTIAL IPv4-only ones, alternating, one after another"
    for i in $(seq 1 "$SEQUENTIAL"); do
        for kind in v6 v4; do # v6: dual stack
            "$LAB_SH" netns "$lab" "h$kind$i"
            t0=$(date +%s%N)
            "$LAB_SH" cni-stdin "$lab" "h$kind$i" bridge ADD <"$TMP/h.$kind.conf" >/dev/null \
                || warn "$impl: h's $kind ADD h$kind$i failed"
            ms=$(ms_since "$t0")
            add_sample "$impl.single_$kind" "$ms"
            echo "$ms" >>"$OUT/single-$kind.$impl.dat"
        done
    done
    # the daemon's own part of each dual-stack ADD: its log's "DHCPv6 lease ... obtained after N ms"
    for ms in $(grep -E "container=$lab-hv6[0-9]+ " "$(lab_dir "$lab")/daemon.log" \
        | sed -n 's/.*DHCPv6 lease .* obtained after \([0-9]*\) ms.*/\1/p'); do
        add_sample "$impl.exchange_v6" "$ms"
    done
    step_end "dual stack: median $(stat_of "$impl.single_v6" median) ms, p95 $(stat_of "$impl.single_v6" p95) ms" \
        "(the daemon's DHCPv6 exchange: median $(stat_of "$impl.exchange_v6" median) ms);" \
        "IPv4 only: median $(stat_of "$impl.single_v4" median) ms, p95 $(stat_of "$impl.single_v4" p95) ms"
    "$LAB_SH" down "$lab" >&2
}

# --- z: the floor, the bridge plugin with static IPAM: BURST ADDs then BURST DELs in parallel
floor_round() { # ROUND
    local r=$1 lab pods=() i wall ok unique del
    lab=$(new_lab floor --wide --no-daemon)
    mkdir -p "$TMP/floor"
    for i in $(seq 1 "$BURST"); do
        pods+=("f$i")
        echo "{\"cniVersion\":\"1.0.0\",\"name\":\"labnet\",\"type\":\"bridge\",\"bridge\":\"br0\",\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.99.$((2 + i / 200)).$((1 + i % 200))/20\"}]}}" \
            >"$TMP/floor/f$i.json"
    done
    step_begin "z floor round $r/$ROUNDS: $BURST ADDs then $BURST DELs in parallel, bridge with static IPAM"
    read -r wall ok unique <<<"$(BURST_CONFIG=$TMP/floor parallel_adds "$lab" "${pods[@]}")"
    del=$(BURST_CONFIG=$TMP/floor parallel_dels "$lab" "${pods[@]}")
    [ "$ok" = "$BURST" ] || warn "floor: only $ok of $BURST static ADDs succeeded"
    add_sample floor.burst "$wall"
    add_sample floor.del "$del"
    step_end "ADD wall $wall ms ($ok ok, $unique unique), DEL wall $del ms"
    "$LAB_SH" down "$lab" >&2
}

# --- i: dual stack at node scale (ours only)
dual_scale() {
    local lab pid pods=() i wall ok held=0 sum=0 addrs=$TMP/i.addrs
    lab=$(new_lab ours --wide --dhcpv6)
    "$LAB_SH" netconf "$lab" bridge 1.0.0 | sed 's/"ipam":{"type":"dhcp"/&,"dhcpv6":true/' >"$TMP/i.conf"
    grep -q '"dhcpv6":true' "$TMP/i.conf" || { warn "i: cannot ask for DHCPv6 in $(cat "$TMP/i.conf")"; return; }
    for i in $(seq 1 "$DUAL_SCALE"); do pods+=("d$i"); done
    : >"$addrs"
    step_begin "i dual-stack batches: $DUAL_SCALE dual-stack ADDs in batches of $BATCH"
    for ((i = 0; i < DUAL_SCALE; i += BATCH)); do
        read -r wall ok _ <<<"$(BURST_CONFIG=$TMP/i.conf ADD_ADDRS=$addrs parallel_adds "$lab" "${pods[@]:i:BATCH}")"
        held=$((held + ok))
        sum=$((sum + wall))
    done
    R[i.wall]=$sum
    R[i.ok]=$held
    R[i.unique4]=$(grep -v : "$addrs" | sort -u | wc -l)
    R[i.unique6]=$(grep : "$addrs" | sort -u | wc -l)
    step_end "$held of $DUAL_SCALE attached (${R[i.unique4]} IPv4 and ${R[i.unique6]} IPv6 addresses, unique), $sum ms"
    step_begin "i hold: $held dual-stack pods for $DUAL_HOLD s, until $(date -d "+$DUAL_HOLD seconds" +%H:%M:%S) (2-minute leases and lifetimes)"
    sleep "$DUAL_HOLD"
    pid=$(daemon_pid "$lab")
    R[i.rss]=$(proc_rss_mib "$pid")
    R[i.threads]=$(proc_threads "$pid")
    R[i.live4]=$(leases_live "$lab" "${pods[@]}")
    R[i.live6]=$("$LAB_SH" census6 "$lab" "${pods[@]}" | awk '$5 == "live" {n++} END {print n + 0}')
    R[i.renewed6]=$(grep -c "renewed fd99:" "$(lab_dir "$lab")/daemon.log" || true)
    step_end "live at the server: ${R[i.live4]} IPv4, ${R[i.live6]} IPv6 of $held;" \
        "${R[i.renewed6]} DHCPv6 renewals; daemon RSS ${R[i.rss]} MiB, ${R[i.threads]} threads"
    step_begin "i DELs: $held dual-stack pods in batches of $BATCH"
    sum=0
    for ((i = 0; i < DUAL_SCALE; i += BATCH)); do
        wall=$(BURST_CONFIG=$TMP/i.conf parallel_dels "$lab" "${pods[@]:i:BATCH}")
        sum=$((sum + wall))
    done
    R[i.del_wall]=$sum
    R[i.left4]=$(grep -v : "$addrs" | sort -u >"$addrs.4" && server_still_holds "$lab" "$addrs.4")
    R[i.left6]=$(grep : "$addrs" | sort -u >"$addrs.6" && server_still_holds "$lab" "$addrs.6")
    step_end "$sum ms (sum of the batches' wall times); still held at the server: ${R[i.left4]} IPv4, ${R[i.left6]} IPv6"
    "$LAB_SH" down "$lab" >&2
}

i_rows() {
    echo "| i. $DUAL_SCALE dual-stack ADDs in batches of $BATCH, wall (sum of the batches; ours only) | ${R[i.wall]:--} ms | - | |"
    echo "| i. succeeded / unique IPv4 / unique IPv6 addresses | ${R[i.ok]:--} / ${R[i.unique4]:--} / ${R[i.unique6]:--} | - | of $DUAL_SCALE |"
    echo "| i. leases live at the server at the end of the $DUAL_HOLD s, IPv4 / IPv6 | ${R[i.live4]:--} / ${R[i.live6]:--} | - | of $DUAL_SCALE |"
    echo "| i. daemon RSS / threads with them | ${R[i.rss]:--} MiB / ${R[i.threads]:--} | - | |"
    echo "| i. their DELs in batches of $BATCH, wall (sum of the batches) | ${R[i.del_wall]:--} ms | - | |"
    echo "| i. leases the server still holds after the DELs, IPv4 / IPv6 | ${R[i.left4]:--} / ${R[i.left6]:--} | - | of $DUAL_SCALE |"
}

z_rows() {
    echo "| z. the floor: bridge plugin with static IPAM, $BURST ADDs / $BURST DELs in parallel, wall (median)" \
        "| $(stat_of floor.burst median) / $(stat_of floor.del median) ms | (the same plugin for both) | |"
}

h_rows() {
    echo "| h. single ADD median, dual stack / IPv4 only beside it ($SEQUENTIAL pods each; ours only, the reference has no DHCPv6)" \
        "| $(stat_of ours.single_v6 median) / $(stat_of ours.single_v4 median) ms | - | |"
    echo "| h. single ADD p95, dual stack / IPv4 only beside it | $(stat_of ours.single_v6 p95) / $(stat_of ours.single_v4 p95) ms | - | |"
    echo "| h. of a dual-stack ADD, the daemon's DHCPv6 exchange (its log), median / p95" \
        "| $(stat_of ours.exchange_v6 median) / $(stat_of ours.exchange_v6 p95) ms | - | |"
}

progress "bench: $STEPS steps; SEQUENTIAL=$SEQUENTIAL BURST=$BURST SCALE=$SCALE HOLD=$HOLD ROUNDS=$ROUNDS BATCH=$BATCH" \
    "PLUGIN_CALLS=$PLUGIN_CALLS PLUGIN_LOOPS=$PLUGIN_LOOPS LOAD_PROCS=$LOAD_PROCS; raw data in $OUT"
if [ -n "$ONLY" ]; then
    only h && dual_stack ours
    only i && dual_scale
    if only z; then for r in $(seq 1 "$ROUNDS"); do floor_round "$r"; done; fi
    {
        echo
        echo "## $(date -u +%Y-%m-%d\ %H:%MZ), $(nproc) cores, scenarios $ONLY alone (BENCH_ONLY), SEQUENTIAL=$SEQUENTIAL BURST=$BURST" \
            "ROUNDS=$ROUNDS BATCH=$BATCH DUAL_SCALE=$DUAL_SCALE DUAL_HOLD=$DUAL_HOLD, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo
        echo "| scenario | ours | reference | ratio |"
        echo "|---|---:|---:|---:|"
        only h && h_rows
        only i && i_rows
        only z && z_rows
    } | tee "$OUT/table.md"
    declare -p R >"$OUT/results.sh"
    [ "$WRITE" = 1 ] && cat "$OUT/table.md" >>"$ROOT/docs/benchmarks.md" && progress "appended to docs/benchmarks.md"
    progress "done: raw data and table in $OUT"
    exit 0
fi
ensure_gnuplot
[ "$PERF" = 1 ] || warn "perf stat cannot count here: d's CPU per call comes from the loops' user+sys"
plugin_cost ours "$DIST/bin/dhcp" VERSION
plugin_cost ours "$DIST/bin/dhcp" ADD
plugin_cost reference "$REF_PLUGIN" VERSION
plugin_cost reference "$REF_PLUGIN" ADD
for r in $(seq 1 "$ROUNDS"); do
    round ours "$r"
    round reference "$r"
    floor_round "$r"
done
dual_stack ours
dual_scale
if [ "$SCALE" -gt 0 ]; then
    neigh_raise "$SCALE" # for both: the lab's server and pods share one kernel's table (labkit.sh)
    scale ours
    scale reference
    neigh_restore
fi

# --- the tables
row() { # LABEL OURS REFERENCE UNIT: ratio = reference / ours (lower is better)
    printf '| %s | %s%s | %s%s | %s |\n' "$1" "${2:--}" "${4:+ $4}" "${3:--}" "${4:+ $4}" "$(ratio "$3" "$2")"
}
ms2() { [ -n "${1:-}" ] && printf '%.2f' "$1" || echo -; }
judge() { # AWK-CONDITION with the figures in it: met, missed, or - when a figure is missing (a syntax error)
    local rc=0
    awk "BEGIN { exit !($1) }" 2>/dev/null || rc=$?
    case $rc in 0) echo met ;; 1) echo missed ;; *) echo - ;; esac
}
at_size() { # NAME VALUE TARGET: a note when the run's size is not the target's
    [ "$2" = "$3" ] || echo " (at $1=$2; the target is for $3)"
}
target() { # TARGET OURS REFERENCE RATIO VERDICT
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5"
}

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
mode="\`make bench\`"
[ "$QUICK" = 1 ] && mode="\`bench.sh --quick\` (quick mode: small sizes, one round)"
o_single=$(stat_of ours.single median) r_single=$(stat_of reference.single median)
o_burst=$(stat_of ours.burst median) r_burst=$(stat_of reference.burst median)
o_del=$(stat_of ours.del median) r_del=$(stat_of reference.del median)
o_loaded=$(stat_of ours.loaded median) r_loaded=$(stat_of reference.loaded median)
f_burst=$(stat_of floor.burst median) f_del=$(stat_of floor.del median)
above() { awk -v a="$1" -v f="$2" 'BEGIN { if (a != "" && f != "") print a - f }'; } # FIGURE FLOOR
o_burst_above=$(above "$o_burst" "$f_burst") r_burst_above=$(above "$r_burst" "$f_burst")
o_del_above=$(above "$o_del" "$f_del") r_del_above=$(above "$r_del" "$f_del")
all=$((BURST * ROUNDS))
{
    echo
    echo "## $(date -u +%Y-%m-%d\ %H:%MZ), $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $(java -version 2>&1 | head -n 1), commit $commit"
    echo
    echo "$mode: SEQUENTIAL=$SEQUENTIAL BURST=$BURST SCALE=$SCALE HOLD=$HOLD ROUNDS=$ROUNDS BATCH=$BATCH" \
        "PLUGIN_CALLS=$PLUGIN_CALLS PLUGIN_LOOPS=$PLUGIN_LOOPS LOAD_PROCS=$LOAD_PROCS; ratio = reference / ours." \
        "d's CPU: ${R[ours.VERSION.cpu_how]}."
    echo
    echo "| scenario | ours | reference | ratio |"
    echo "|---|---:|---:|---:|"
    row "a. single ADD, median ($((SEQUENTIAL * ROUNDS)) pods)" "$o_single" "$r_single" ms
    row "a. single ADD, p95" "$(stat_of ours.single p95)" "$(stat_of reference.single p95)" ms
    row "b. $BURST ADDs in parallel, wall (median of rounds)" "$o_burst" "$r_burst" ms
    echo "| b. succeeded / unique addresses (all rounds) | $(sum_of ours.burst_ok) / $(sum_of ours.burst_unique) | $(sum_of reference.burst_ok) / $(sum_of reference.burst_unique) | of $all |"
    echo "| b. leases live at the server at the end of the burst (all rounds) | $(sum_of ours.burst_live) | $(sum_of reference.burst_live) | of $all |"
    if [ "$SCALE" -gt 0 ]; then
        echo "| c. leases held | ${R[ours.scale_held]} | ${R[reference.scale_held]} | of $SCALE |"
        echo "| c. leases live at the server at the end of the $HOLD s | ${R[ours.scale_live]} | ${R[reference.scale_live]} | of $SCALE |"
        row "c. daemon RSS with them" "${R[ours.scale_rss]}" "${R[reference.scale_rss]}" MiB
        row "c. daemon threads" "${R[ours.scale_threads]}" "${R[reference.scale_threads]}" ""
        row "c. daemon CPU while holding them $HOLD s" "${R[ours.scale_cpu]}" "${R[reference.scale_cpu]}" s
    fi
    row "d. plugin VERSION, CPU per call (median)" "$(ms2 "${R[ours.VERSION.cpu]}")" "$(ms2 "${R[reference.VERSION.cpu]}")" ms
    row "d. plugin VERSION, wall per call (median of loops)" "$(ms2 "${R[ours.VERSION.wall]}")" "$(ms2 "${R[reference.VERSION.wall]}")" ms
    row "d. plugin ADD with daemon down, CPU per call (median)" "$(ms2 "${R[ours.ADD.cpu]}")" "$(ms2 "${R[reference.ADD.cpu]}")" ms
    row "d. plugin ADD with daemon down, wall per call (median of loops)" "$(ms2 "${R[ours.ADD.wall]}")" "$(ms2 "${R[reference.ADD.wall]}")" ms
    if [ "$PERF" = 1 ]; then
        echo "| d. VERSION / ADD daemon down, user+sys per call of the loops (median; bash's fork included)" \
            "| $(ms2 "${R[ours.VERSION.cpu_loop]}") / $(ms2 "${R[ours.ADD.cpu_loop]}") ms" \
            "| $(ms2 "${R[reference.VERSION.cpu_loop]}") / $(ms2 "${R[reference.ADD.cpu_loop]}") ms | |"
    fi
    echo "| d. ADD with daemon down: CNI error code | ${R[ours.ADD.code]} | ${R[reference.ADD.code]} | |"
    row "e. DEL of the $BURST pods in parallel, wall (median)" "$o_del" "$r_del" ms
    echo "| e. of b's leases, still held at the server after the DELs (all rounds) | $(sum_of ours.del_left) | $(sum_of reference.del_left) | of $all |"
    z_rows
    row "b. above the floor (b - z)" "$o_burst_above" "$r_burst_above" ms
    row "e. above the floor (e - z)" "$o_del_above" "$r_del_above" ms
    row "f. $BURST ADDs in parallel, $LOAD_PROCS CPU-bound processes running, wall (median)" "$o_loaded" "$r_loaded" ms
    echo "| f. succeeded / unique addresses (all rounds) | $(sum_of ours.loaded_ok) / $(sum_of ours.loaded_unique) | $(sum_of reference.loaded_ok) / $(sum_of reference.loaded_unique) | of $all |"
    row "f. DEL of them in parallel, loaded, wall (median)" "$(stat_of ours.loaded_del median)" "$(stat_of reference.loaded_del median)" ms
    if [ "$SCALE" -gt 0 ]; then
        row "g. $SCALE ADDs in batches of $BATCH, wall (sum of the batches)" "${R[ours.batch_wall]}" "${R[reference.batch_wall]}" ms
        echo "| g. of them live at the server at the end of c's $HOLD s | ${R[ours.scale_live]} | ${R[reference.scale_live]} | of $SCALE |"
    fi
    h_rows
    i_rows
    echo
    echo "| target | ours | reference | ratio | verdict |"
    echo "|---|---:|---:|---:|---|"
    target "a. single ADD median <= 120 ms and >= 12x" "${o_single:--} ms" "${r_single:--} ms" "$(ratio "$r_single" "$o_single")" \
        "$(judge "$o_single <= 120 && $o_single * 12 <= $r_single")"
    target "b. $BURST parallel ADDs <= 2.5 s and >= 6x, all unique" "${o_burst:--} ms, $(sum_of ours.burst_unique)/$all unique" \
        "${r_burst:--} ms, $(sum_of reference.burst_unique)/$all unique" "$(ratio "$r_burst" "$o_burst")" \
        "$(judge "$o_burst <= 2500 && $o_burst * 6 <= $r_burst && $(sum_of ours.burst_ok) == $all && $(sum_of ours.burst_unique) == $all")$(at_size BURST "$BURST" 100)"
    target "b. the same, above the floor (b - z): >= 6x the reference's" "${o_burst_above:--} ms" "${r_burst_above:--} ms" \
        "$(ratio "$r_burst_above" "$o_burst_above")" "$(judge "$o_burst_above * 6 <= $r_burst_above")$(at_size BURST "$BURST" 100)"
    if [ "$SCALE" -gt 0 ]; then
        target "c. $SCALE leases held, all live at the end of the hold" "${R[ours.scale_held]} held, ${R[ours.scale_live]} live" \
            "${R[reference.scale_held]} held, ${R[reference.scale_live]} live" "" \
            "$(judge "${R[ours.scale_held]} == $SCALE && ${R[ours.scale_live]} == $SCALE")$(at_size SCALE "$SCALE" 1000)"
    fi
    target "d. plugin VERSION <= 3 ms CPU, median" "$(ms2 "${R[ours.VERSION.cpu]}") ms" "$(ms2 "${R[reference.VERSION.cpu]}") ms" \
        "$(ratio "${R[reference.VERSION.cpu]}" "${R[ours.VERSION.cpu]}")" "$(judge "${R[ours.VERSION.cpu]} <= 3")"
    target "d. plugin ADD, daemon down, <= 3 ms CPU, median" "$(ms2 "${R[ours.ADD.cpu]}") ms" "$(ms2 "${R[reference.ADD.cpu]}") ms" \
        "$(ratio "${R[reference.ADD.cpu]}" "${R[ours.ADD.cpu]}")" "$(judge "${R[ours.ADD.cpu]} <= 3 && \"${R[ours.ADD.code]}\" == \"11\"")"
    target "e. $BURST parallel DELs <= 1.0 s and faster than the reference" "${o_del:--} ms" "${r_del:--} ms" "$(ratio "$r_del" "$o_del")" \
        "$(judge "$o_del <= 1000 && $o_del < $r_del")$(at_size BURST "$BURST" 100)"
    target "e. the same, above the floor (e - z): less than the reference's, every lease released" \
        "${o_del_above:--} ms, $(sum_of ours.del_left) left" "${r_del_above:--} ms, $(sum_of reference.del_left) left" \
        "$(ratio "$r_del_above" "$o_del_above")" \
        "$(judge "$o_del_above < $r_del_above && $(sum_of ours.del_left) == 0")$(at_size BURST "$BURST" 100)"
    target "f. $BURST parallel ADDs with the cores busy >= 5x" "${o_loaded:--} ms" "${r_loaded:--} ms" "$(ratio "$r_loaded" "$o_loaded")" \
        "$(judge "$o_loaded * 5 <= $r_loaded")$(at_size BURST "$BURST" 100)"
    if [ "$SCALE" -gt 0 ]; then
        target "g. $SCALE ADDs in batches of $BATCH <= 40 s, all live at the end of the hold" \
            "${R[ours.batch_wall]} ms, ${R[ours.scale_live]} live" "${R[reference.batch_wall]} ms, ${R[reference.scale_live]} live" \
            "$(ratio "${R[reference.batch_wall]}" "${R[ours.batch_wall]}")" \
            "$(judge "${R[ours.batch_wall]} <= 40000 && ${R[ours.scale_live]} == $SCALE")$(at_size SCALE "$SCALE" 1000)$(at_size BATCH "$BATCH" 50)"
    fi
} | tee "$TMP/table.md"
cp "$TMP/table.md" "$OUT/table.md"
declare -p R >"$OUT/results.sh" # every figure, as `declare -A R=(...)`
{
    echo "QUICK=$QUICK SEQUENTIAL=$SEQUENTIAL BURST=$BURST SCALE=$SCALE HOLD=$HOLD ROUNDS=$ROUNDS BATCH=$BATCH LOAD_PROCS=$LOAD_PROCS"
    echo "COMMIT=$commit"
} >"$OUT/params"

# With --write, the run's pictures go to docs/bench/<UTC time of the run>/ and the section appended to
# docs/benchmarks.md shows them under its tables: each section keeps the pictures of its own run.
pictures=()
if command -v gnuplot >/dev/null 2>&1; then
    if "$HERE/bench-plot.sh" "$OUT" >&2; then
        for f in single-add burst-timeline batches; do [ -s "$OUT/$f.svg" ] && pictures+=("$f.svg"); done
    else
        warn "bench-plot.sh failed; the raw data is in $OUT"
    fi
fi
if [ "$WRITE" = 1 ]; then
    cat "$TMP/table.md" >>"$ROOT/docs/benchmarks.md"
    if [ ${#pictures[@]} -gt 0 ]; then
        run=$(basename "$OUT")
        [[ $run =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || run=$(date -u +%Y%m%dT%H%M%SZ)
        mkdir -p "$ROOT/docs/bench/$run"
        for f in "${pictures[@]}"; do cp "$OUT/$f" "$ROOT/docs/bench/$run/"; done
        {
            echo
            echo "Pictures of this run (\`testlab/scripts/bench-plot.sh\` from its raw data):"
            echo
            for f in "${pictures[@]}"; do echo "![${f%.svg}](bench/$run/$f)"; done
        } >>"$ROOT/docs/benchmarks.md"
        progress "pictures copied to docs/bench/$run/"
    fi
    progress "appended to docs/benchmarks.md"
fi
progress "done: raw data, table and pictures in $OUT"
