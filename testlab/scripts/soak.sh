#!/bin/bash
# Soak: PODS pods attached through the reference bridge plugin on a /20 (dnsmasq, 120 s leases) and
# held by one daemon through four scenarios, in one lab, in the order SCENARIOS names them (b first by
# default: it needs the leases' expiries close together, as they are right after the first attach):
#   a. the daemon killed with SIGKILL (by its pid) and restarted once T1 had passed for every lease
#   b. dnsmasq stopped from before the earliest T1 until after the latest T2 and started again before
#      the earliest expiry
#   c. DELS pods deleted while dnsmasq is down (one at a time per slot, DEL_PARALLEL slots), with
#      PENDING_ADDS ADDs of new pods waiting on the outage meanwhile
#   d. a DHCP server that drops LOSS % of the packets it sends: tc netem on its interface when the
#      kernel has sch_netem, otherwise an iptables statistic rule on its DHCP replies; the pods deleted
#      in c are attached again under the loss, then every lease is held a full lease time
# Each scenario ends with the same checks, printed as one table of figures:
#   - every pod's lease live at the server: dnsmasq's lease file holds the address the pod's interface
#     carries (ip -4 addr in the pod's namespace) for the pod's MAC, with an expiry after now; the check
#     is made once every lease has had to be renewed after the event (its old expiry has passed)
#   - no address given twice: no address on two pods' interfaces, none that the server leases to
#     another MAC than the pod carrying it
#   - every DEL answered (exit 0) within DEL_LIMIT_MS (c)
#   - the daemon's threads (/proc/PID/status Threads) and RSS back to their idle figures (sampled
#     IDLE_WAIT s after the last request before the event) within SETTLE seconds: threads <= idle + THREAD_SLACK, RSS <= idle + max(RSS_SLACK_MIB,
#     RSS_SLACK_PCT % of idle)
# Pods whose lease was lost in one scenario are deleted and attached again before the next one (the
# table says how many), so that each starts with every lease live. Exits 1 when a check failed.
#
# The server and all pods share the kernel's one neighbour table, whose sysctls are global, not per
# namespace. For PODS >= 500 the script raises net.ipv4.neigh.default.gc_thresh1/2/3 (the only
# host-wide change it makes, said so when made) and restores the previous values on exit; a real
# DHCP server keeps its ARP table in its own kernel.
#
#   soak.sh [PODS=300] [SCENARIOS=bacd]
# Environment: PARALLEL=25 DELS=100 (PODS/3 below 300) DEL_PARALLEL=5 DEL_LIMIT_MS=2000 PENDING_ADDS=10 LOSS=30
#   IDLE_WAIT=35 SETTLE=60 THREAD_SLACK=2 RSS_SLACK_MIB=16 RSS_SLACK_PCT=25 MARGIN=10
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB_SH=$HERE/lab.sh
PODS=${1:-300}
SCENARIOS=${2:-bacd}
PARALLEL=${PARALLEL:-25}
DELS=${DELS:-$(( PODS >= 300 ? 100 : PODS / 3 ))} # 100, or a third of the pods in a smaller run
DEL_PARALLEL=${DEL_PARALLEL:-5}
DEL_LIMIT_MS=${DEL_LIMIT_MS:-2000}
PENDING_ADDS=${PENDING_ADDS:-10}
LOSS=${LOSS:-30}
SETTLE=${SETTLE:-60}
IDLE_WAIT=${IDLE_WAIT:-35} # longer than the daemon's 30 s keep-alive of idle pool threads
THREAD_SLACK=${THREAD_SLACK:-2}
RSS_SLACK_MIB=${RSS_SLACK_MIB:-16}
RSS_SLACK_PCT=${RSS_SLACK_PCT:-25}
MARGIN=${MARGIN:-10} # seconds past an expiry before a lease that was not renewed counts as lost
LEASE=120            # dnsmasq's --dhcp-range lease time in lab.sh (its minimum)
T1=$((LEASE / 2))
T2=$((LEASE * 7 / 8)) # dnsmasq's T2: 7/8 of the lease time
[[ $PODS =~ ^[0-9]+$ ]] && [ "$PODS" -ge 1 ] && [ "$PODS" -le 3000 ] || { echo "soak: PODS 1-3000" >&2; exit 2; }
[[ $SCENARIOS =~ ^[abcd]{1,4}$ ]] && [ "$(grep -o . <<<"$SCENARIOS" | sort -u | wc -l)" -eq ${#SCENARIOS} ] \
    || { echo "soak: SCENARIOS: some of a, b, c, d, each once, in the order to run them" >&2; exit 2; }
[[ $SCENARIOS != *c* ]] || [ "$DELS" -lt "$PODS" ] || { echo "soak: DELS must be below PODS" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "soak: needs root (network namespaces)" >&2; exit 2; }

LAB=sk$((RANDOM % 100000))
TMP=$(mktemp -d)
PROBE_NS=
BACKGROUND=() # pids of processes this script started and may have to stop
cleanup() {
    local p
    for p in "${BACKGROUND[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    "$LAB_SH" down "$LAB" >/dev/null 2>&1 || true
    [ -n "$PROBE_NS" ] && ip netns del "$PROBE_NS" 2>/dev/null
    neigh_restore
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=labkit.sh
. "$HERE/labkit.sh" # ms_since, daemon_pid, parallel_adds, proc_threads, proc_rss_mib

say() { echo "[soak $(date +%H:%M:%S)] $*"; }
now() { date +%s; }
sleep_until() { # EPOCH WHY
    local d=$(( $1 - $(now) ))
    if [ "$d" -gt 0 ]; then say "waiting ${d} s: $2"; sleep "$d"; fi
}

FAILED=0
VERDICTS=()
ROWS=()
row() { ROWS+=("| $1 | $2 | ${3:-} |"); } # FIGURE VALUE [ok|FAIL]
check() { # FIGURE VALUE CONDITION (an arithmetic expression that holds when the check passes)
    if (( $3 )); then row "$1" "$2" ok; else row "$1" "$2" FAIL; SCENARIO_FAILED=1; fi
}
print_table() { # TITLE
    echo
    echo "### $1"
    echo
    echo "| figure | value | check |"
    echo "|---|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    ROWS=()
}

# The pods that should hold a lease (attached, not deleted), in $TMP/pods.
pods() { cat "$TMP/pods"; }
pod_count() { wc -l <"$TMP/pods"; }

census() { # -> $TMP/census: POD MAC ADDRESSES EXPIRY STATE
    local list
    mapfile -t list <"$TMP/pods"
    "$LAB_SH" census "$LAB" "${list[@]}" >"$TMP/census"
}
count_state() { awk -v s="$1" '$5 == s {n++} END {print n + 0}' "$TMP/census"; }
live_expiry() { # min|max over the live leases
    awk -v f="$1" '$5 == "live" { if (n++ == 0 || (f == "min" && $4 < v) || (f == "max" && $4 > v)) v = $4 }
                   END {print (n ? v : 0)}' "$TMP/census"
}
shared_addresses() { # addresses on two or more pods' interfaces
    awk '$3 != "-" { n = split($3, a, ","); for (i = 1; i <= n; i++) c[a[i]]++ }
         END { for (ip in c) if (c[ip] > 1) d++; print d + 0 }' "$TMP/census"
}
stray_leases() { # live leases at the server for no current pod's MAC
    local t
    t=$(now)
    awk -v now="$t" 'FNR == NR { mine[$2] = 1; next } $1 > now && !($2 in mine) {n++} END {print n + 0}' \
        "$TMP/census" "$(lab_dir "$LAB")/dnsmasq.leases"
}

attach() { # NAMES...: in batches of PARALLEL; appends the attached ones to $TMP/pods; prints the count
    local names=("$@") i ok=0
    rm -f "$TMP/$LAB.attached"
    for ((i = 0; i < ${#names[@]}; i += PARALLEL)); do
        read -r _ n _ <<<"$(parallel_adds "$LAB" "${names[@]:i:PARALLEL}")"
        ok=$((ok + n))
    done
    [ -f "$TMP/$LAB.attached" ] && cat "$TMP/$LAB.attached" >>"$TMP/pods"
    echo "$ok"
}

# Before each scenario: every pod whose lease is not live is deleted and attached again.
repair() {
    local lost pod
    census
    mapfile -t lost < <(awk '$5 != "live" {print $1}' "$TMP/census")
    if [ ${#lost[@]} -gt 0 ]; then
        say "re-attaching ${#lost[@]} pod(s) whose lease is not live"
        local i p pids
        for ((i = 0; i < ${#lost[@]}; i += PARALLEL)); do # DELs in parallel, as the ADDs
            pids=()
            for pod in "${lost[@]:i:PARALLEL}"; do "$LAB_SH" del "$LAB" "$pod" bridge >/dev/null 2>&1 & pids+=($!); done
            for p in "${pids[@]}"; do wait "$p" || true; done
        done
        grep -vxF -f <(printf '%s\n' "${lost[@]}") "$TMP/pods" >"$TMP/pods.kept" || true
        mv "$TMP/pods.kept" "$TMP/pods"
        attach "${lost[@]}" >/dev/null
        census
    fi
    REPAIRED=${#lost[@]}
}

IDLE_THREADS=0 IDLE_RSS=0
sample_idle() { # after IDLE_WAIT s without requests: the daemon's request threads time out meanwhile
    local pid
    sleep "$IDLE_WAIT"
    pid=$(daemon_pid "$LAB")
    IDLE_THREADS=$(proc_threads "$pid")
    IDLE_RSS=$(proc_rss_mib "$pid")
    say "idle: $IDLE_THREADS threads, $IDLE_RSS MiB RSS (pid $pid)"
}

# The checks that end every scenario. EVENT_END: when the event ended (for the settle period).
end_checks() {
    local n live other shared stray missing limit_t limit_r pid threads rss t0 settled=0
    census
    n=$(pod_count)
    live=$(count_state live)
    other=$(count_state other)
    shared=$(shared_addresses)
    stray=$(stray_leases)
    missing=$(awk '$5 != "live" && $3 != "-" {n++} END {print n + 0}' "$TMP/census")
    check "leases live at the server" "$live of $n" "live == n"
    row "pods carrying an address the server no longer holds for them" "$missing"
    check "addresses on two pods' interfaces" "$shared" "shared == 0"
    check "pod addresses the server leases to another MAC" "$other" "other == 0"
    row "live server leases of no current pod (deleted pods, orphans)" "$stray"
    limit_t=$((IDLE_THREADS + THREAD_SLACK))
    limit_r=$(( IDLE_RSS + (IDLE_RSS * RSS_SLACK_PCT / 100 > RSS_SLACK_MIB ? IDLE_RSS * RSS_SLACK_PCT / 100 : RSS_SLACK_MIB) ))
    t0=$(now)
    while :; do
        pid=$(daemon_pid "$LAB")
        threads=$(proc_threads "$pid" 2>/dev/null || echo 0)
        rss=$(proc_rss_mib "$pid" 2>/dev/null || echo 0)
        if [ "$threads" -gt 0 ] && [ "$threads" -le "$limit_t" ] && [ "$rss" -le "$limit_r" ]; then settled=1; break; fi
        [ $(( $(now) - t0 )) -ge "$SETTLE" ] && break
        sleep 2
    done
    check "daemon threads: idle / after (limit idle + $THREAD_SLACK)" "$IDLE_THREADS / $threads (<= $limit_t)" \
        "threads > 0 && threads <= limit_t"
    check "daemon RSS: idle / after (limit +max($RSS_SLACK_MIB MiB, $RSS_SLACK_PCT %))" "$IDLE_RSS / $rss MiB (<= $limit_r)" \
        "rss > 0 && rss <= limit_r"
    row "settle time for threads and RSS" "$([ $settled = 1 ] && echo "$(( $(now) - t0 )) s" || echo "not within $SETTLE s")"
}

scenario_begin() { # LETTER
    SCENARIO_FAILED=0
    SCENARIO_T0=$(now)
    say "scenario $1: preparing"
    repair
    row "pods at the start" "$(pod_count)"
    row "pods re-attached first (lease lost before this scenario)" "$REPAIRED"
    sample_idle
}

scenario_end() { # LETTER TITLE
    row "duration (preparation, event, wait for expiries, settle)" "$(( $(now) - SCENARIO_T0 )) s"
    print_table "$1. $2"
    if [ "$SCENARIO_FAILED" = 1 ]; then FAILED=1; VERDICTS+=("$1 FAIL"); else VERDICTS+=("$1 ok"); fi
    "$LAB_SH" leases "$LAB" >"$TMP/leases.$1"
}

# a. SIGKILL, restart after every lease's T1, check after every lease's old expiry.
scenario_a() {
    scenario_begin a
    local e_max e_min renewed
    e_max=$(live_expiry max)
    e_min=$(live_expiry min)
    cp "$TMP/census" "$TMP/census.before-a"
    "$LAB_SH" kill-daemon "$LAB"
    say "daemon killed with SIGKILL; its leases expire at the server from $(date -d "@$e_min" +%T) to $(date -d "@$e_max" +%T)"
    sleep_until $((e_max - LEASE + T1 + 2)) "until T1 has passed for every lease"
    "$LAB_SH" start-daemon "$LAB"
    local restarted
    restarted=$(now)
    say "daemon restarted"
    sleep_until $((e_max + MARGIN)) "until every lease's expiry as of the kill has passed"
    end_checks
    renewed=$(awk 'FNR == NR { old[$1] = $4; next } $5 == "live" && $4 > old[$1] {n++} END {print n + 0}' \
        "$TMP/census.before-a" "$TMP/census")
    row "restart, s after the newest lease began (its T1: $T1 s)" "$(( restarted - (e_max - LEASE) ))"
    row "leases renewed after the restart (server expiry moved on)" "$renewed of $(pod_count)"
    scenario_end a "daemon killed with SIGKILL, restarted after T1 of every lease"
}

# b. dnsmasq down from before the earliest T1 until after the latest T2 (if the leases' expiries are
# close enough together; otherwise until just before the earliest expiry, and the table says for how
# many leases the outage covered T1 to T2).
scenario_b() {
    scenario_begin b
    local e_min e_max stop_at start_at covered n tries=0
    while :; do
        census
        e_min=$(live_expiry min)
        e_max=$(live_expiry max)
        stop_at=$((e_min - LEASE + T1 - 3))
        [ "$stop_at" -gt "$(now)" ] && break
        # the earliest T1 is (nearly) here: let those leases renew, then plan on their next T1
        tries=$((tries + 1))
        [ "$tries" -le 10 ] || { say "cannot find a time before T1 (expiries $e_min-$e_max)"; break; }
        sleep 10
    done
    start_at=$((e_max - LEASE + T2 + 2))
    [ "$start_at" -le $((e_min - 3)) ] || start_at=$((e_min - 3))
    n=$(awk '$5 == "live"' "$TMP/census" | wc -l)
    covered=$(awk -v a="$stop_at" -v b="$start_at" -v t1=$((LEASE - T1)) -v t2=$((LEASE - T2)) \
        '$5 == "live" && $4 - t1 > a && $4 - t2 < b {n++} END {print n + 0}' "$TMP/census")
    sleep_until "$stop_at" "until 3 s before the earliest T1"
    "$LAB_SH" stop-dnsmasq "$LAB"
    say "dnsmasq stopped; T1..T2 of $covered of $n leases fall inside the outage"
    sleep_until "$start_at" "until after the last T2 (or just before the first expiry)"
    "$LAB_SH" start-dnsmasq "$LAB"
    say "dnsmasq started after $(( $(now) - stop_at )) s"
    row "outage (s), from before the earliest T1" "$(( $(now) - stop_at ))"
    row "leases whose T1..T2 lay inside the outage" "$covered of $n"
    sleep_until $(( $(now) + LEASE + MARGIN )) "a full lease time: a lease not renewed since has expired"
    end_checks
    scenario_end b "dnsmasq stopped from before T1 until after T2, started before expiry"
}

# c. DELs while dnsmasq is down, with ADDs waiting on the outage.
scenario_c() {
    scenario_begin c
    local victims i j pod t0 pids=() max=0 slow=0 failed=0 pending=() pending_pids=() down_at back ok=0
    mapfile -t victims < <(tail -n "$DELS" "$TMP/pods")
    "$LAB_SH" stop-dnsmasq "$LAB"
    down_at=$(now)
    say "dnsmasq stopped; $PENDING_ADDS ADDs of new pods wait on the outage"
    for i in $(seq 1 "$PENDING_ADDS"); do
        pending+=("q$i")
        "$LAB_SH" add "$LAB" "q$i" bridge >"$TMP/pending.q$i" 2>&1 &
        pending_pids+=($!)
        BACKGROUND+=($!)
    done
    sleep 3
    say "deleting ${#victims[@]} pods, $DEL_PARALLEL at a time"
    : >"$TMP/dels"
    for ((i = 0; i < ${#victims[@]}; i += DEL_PARALLEL)); do
        pids=()
        for pod in "${victims[@]:i:DEL_PARALLEL}"; do
            ( t0=$(date +%s%N); rc=0
              "$LAB_SH" cni "$LAB" "$pod" bridge DEL 1.0.0 >"$TMP/del.$pod" 2>&1 || rc=$?
              echo "$pod $rc $(ms_since "$t0")" >>"$TMP/dels" ) &
            pids+=($!)
        done
        for j in "${pids[@]}"; do wait "$j" || true; done
    done
    for pod in "${victims[@]}"; do "$LAB_SH" rmns "$LAB" "$pod"; done
    grep -vxF -f <(printf '%s\n' "${victims[@]}") "$TMP/pods" >"$TMP/pods.kept" || true
    mv "$TMP/pods.kept" "$TMP/pods"
    "$LAB_SH" start-dnsmasq "$LAB"
    back=$(now)
    say "dnsmasq started again after $(( back - down_at )) s"
    row "outage (s)" "$(( back - down_at ))"
    read -r max slow failed <<<"$(awk -v lim="$DEL_LIMIT_MS" '{ if ($3 > m) m = $3; if ($3 > lim) s++; if ($2 != 0) f++ }
        END {print m + 0, s + 0, f + 0}' "$TMP/dels")"
    check "DELs answered with success" "$(( ${#victims[@]} - failed )) of ${#victims[@]}" "failed == 0"
    check "DELs slower than $DEL_LIMIT_MS ms" "$slow (slowest $max ms)" "slow == 0"
    row "DEL wall, median / p95" "$(awk '{print $3}' "$TMP/dels" | sort -n \
        | awk '{a[NR] = $1} END {i = int(NR * 0.95 + 0.999); print a[int((NR + 1) / 2)], "/", a[i], "ms"}')"
    sleep_until $((back + LEASE + MARGIN)) "a full lease time after the outage"
    for i in "${!pending[@]}"; do
        # hung ADDs end by the daemon's -resendtimeout at the latest; past that they are stopped
        for _ in $(seq 1 120); do kill -0 "${pending_pids[i]}" 2>/dev/null || break; sleep 1; done
        if wait "${pending_pids[i]}" 2>/dev/null; then
            echo "${pending[i]}" >>"$TMP/pods"; ok=$((ok + 1))
        else
            "$LAB_SH" del "$LAB" "${pending[i]}" bridge >/dev/null 2>&1 || true # as a runtime does
        fi
    done
    BACKGROUND=()
    row "ADDs begun during the outage that succeeded (the rest failed and were deleted)" "$ok of $PENDING_ADDS"
    end_checks
    scenario_end c "$DELS DELs while dnsmasq is down"
}

loss_method() { # netem when the kernel has sch_netem (tried in a throwaway namespace), else iptables
    PROBE_NS=skprobe$$
    ip netns add "$PROBE_NS"
    ip -n "$PROBE_NS" link add vx0 type veth peer name vx1
    if ip netns exec "$PROBE_NS" tc qdisc add dev vx0 root netem loss 1% 2>/dev/null; then
        echo netem
    elif ip netns exec "$PROBE_NS" iptables -A OUTPUT -m statistic --mode random --probability 0.5 -j ACCEPT 2>/dev/null; then
        echo iptables
    else
        echo none
    fi
    ip netns del "$PROBE_NS"
    PROBE_NS=
}

loss_on() { # METHOD
    case $1 in
        netem) ip netns exec "$LAB-srv" tc qdisc add dev eth0 root netem loss "$LOSS%" ;;
        iptables)
            ip netns exec "$LAB-srv" iptables -A OUTPUT -p udp --sport 67 # counts what the server sends
            ip netns exec "$LAB-srv" iptables -A OUTPUT -p udp --sport 67 -m statistic --mode random \
                --probability "$(awk -v l="$LOSS" 'BEGIN {print l / 100}')" -j DROP ;;
        *) return 1 ;;
    esac
}

loss_figures() { # METHOD -> "dropped of sent"
    case $1 in
        netem) ip netns exec "$LAB-srv" tc -s qdisc show dev eth0 \
            | awk '/Sent/ { for (i = 1; i < NF; i++) { if ($i == "pkt") s = $(i - 1); if ($i == "(dropped") d = $(i + 1) } }
                   END { sub(/,/, "", d); print d + 0, "of", s + d, "packets" }' ;;
        iptables) ip netns exec "$LAB-srv" iptables -L OUTPUT -v -x -n \
            | awk '$3 == "DROP" {d = $1} $3 != "DROP" && /spt:67/ {s = $1} END {print d + 0, "of", s + 0, "DHCP replies"}' ;;
    esac
}

loss_off() { # METHOD
    case $1 in
        netem) ip netns exec "$LAB-srv" tc qdisc del dev eth0 root ;;
        iptables) ip netns exec "$LAB-srv" iptables -F OUTPUT ;;
    esac
}

# d. A server that drops LOSS % of what it sends: the pods deleted in c attached again under the loss,
# then every lease held until it has had to renew under it.
scenario_d() {
    scenario_begin d
    local method missing=() i n ok t0 wall
    method=$(loss_method)
    if ! loss_on "$method"; then
        check "a lossy server (tc netem or iptables statistic in its namespace)" "neither available" 0
        scenario_end d "a DHCP server that drops $LOSS % of packets"
        return
    fi
    say "the server drops $LOSS % of what it sends ($method)"
    row "loss method" "$method, $LOSS % of what the server sends"
    n=$((PODS - $(pod_count)))
    for ((i = 1; ${#missing[@]} < n; i++)); do grep -qx "r$i" "$TMP/pods" || missing+=("r$i"); done
    if [ "$n" -gt 0 ]; then
        say "attaching $n pods under the loss"
        t0=$(date +%s%N)
        ok=$(attach "${missing[@]}")
        wall=$(ms_since "$t0")
        # A figure, not a check: under 30 % loss the RFC 2131 back-off (4, 8, 16, 32, 64 s) can take an
        # unlucky acquisition past -resendtimeout (208 s); the runtime then retries the ADD.
        row "ADDs under the loss that succeeded" "$ok of $n ($wall ms)"
    fi
    census
    sleep_until $(( $(live_expiry max) + MARGIN )) "until every lease has had to renew under the loss"
    row "dropped by the lossy server" "$(loss_figures "$method")"
    # The leases are judged as the loss left them; threads and RSS once it is over (under the loss,
    # renewals that wait for retransmissions run in parallel, as they should).
    loss_off "$method"
    end_checks
    scenario_end d "a DHCP server that drops $LOSS % of packets"
}

overflows() { dmesg 2>/dev/null | grep -c "neighbor table overflow" || true; }

START=$(now)
neigh_raise "$PODS"
OVERFLOWS0=$(overflows)
"$LAB_SH" up "$LAB" --wide
: >"$TMP/pods"
say "lab $LAB: attaching $PODS pods ($PARALLEL at a time) on a /20 with ${LEASE} s leases"
t0=$(date +%s%N)
names=()
for i in $(seq 1 "$PODS"); do names+=("p$i"); done
attached=$(attach "${names[@]}")
say "$attached of $PODS attached in $(ms_since "$t0") ms"
[ "$attached" -eq "$PODS" ] || { say "not every pod could be attached: stopping"; exit 1; }

for s in $(grep -o . <<<"$SCENARIOS"); do "scenario_$s"; done

echo "soak: $PODS pods, scenarios ${VERDICTS[*]}; $(( $(now) - START )) s in all;" \
    "kernel 'neighbor table overflow' messages during the run: $(( $(overflows) - OVERFLOWS0 ))"
exit "$FAILED"
