# Shell functions shared by bench.sh and soak.sh (sourced, not run). They drive labs through lab.sh
# ($LAB_SH) and keep their scratch files in $TMP, which the sourcing script creates and removes.

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

lab_dir() { echo "${TMPDIR:-/tmp}/cni-dhcp-lab.$1"; }

daemon_pid() { # LAB: the daemon process (our pidfile, or the launcher pid of the reference)
    local dir
    dir=$(lab_dir "$1")
    if [ -f "$dir/daemon.pid" ]; then cat "$dir/daemon.pid"; else cat "$dir/daemon.launch.pid"; fi
}

# Runs CMD for pods NAMES... in parallel through the bridge plugin, the way a runtime does: one
# nsenter into the lab's node namespace for the whole burst, then cni-burst.sh forks and execs the
# plugin once per pod (no lab.sh or `ip netns exec` per call, which cost more CPU than a native
# plugin call). Prints the burst's wall time in ms; leaves each call's output in DIR/POD.out and its
# "POD START END EXIT" line in DIR/times. The network config is the lab's bridge config (lab.sh
# netconf), or BURST_CONFIG when set: a file, or a directory of POD.json (cni-burst.sh).
cni_burst() { # CMD LAB DIR NAMES...
    local cmd=$1 lab=$2 out=$3 dir cni_path
    shift 3
    dir=$(lab_dir "$lab")
    cni_path=${DIST:-$HERE/../../dist}/bin:${REF_CNI:-/usr/lib/cni}
    [ -f "$dir/reference" ] && cni_path=${REF_CNI:-/usr/lib/cni}
    mkdir -p "$out"
    local config=${BURST_CONFIG:-$out/config}
    [ -n "${BURST_CONFIG:-}" ] || "$LAB_SH" netconf "$lab" bridge 1.0.0 >"$config"
    nsenter --net="/run/netns/$lab-node" "$HERE/cni-burst.sh" "$cmd" "${REF_CNI:-/usr/lib/cni}/bridge" \
        "$config" "$cni_path" "$lab" "$out" "$@"
}

# Attaches pods NAMES... in parallel (cni_burst ADD); prints "wall_ms ok unique". The names of the
# pods whose ADD succeeded are appended to $TMP/LAB.attached. With ADD_TIMES set to a file, each ADD
# also appends a line "POD START END EXIT" to it (START and END: $EPOCHREALTIME, seconds with
# microseconds, taken just before the plugin starts and after it ends); with ADD_ADDRS set to a
# file, the addresses the results name are appended to it, one a line, without prefix length.
parallel_adds() { # LAB NAMES...
    local lab=$1 out=$TMP/$1.burst wall
    shift
    for pod in "$@"; do "$LAB_SH" netns "$lab" "$pod"; done
    rm -rf "$out"
    wall=$(cni_burst ADD "$lab" "$out" "$@")
    awk '$4 == 0 {print $1}' "$out/times" >>"$TMP/$lab.attached"
    [ -n "${ADD_TIMES:-}" ] && cat "$out/times" >>"$ADD_TIMES"
    [ -n "${ADD_ADDRS:-}" ] && { cat "$out"/*.out 2>/dev/null | sed -n 's/.*"address": *"\([^"/]*\).*/\1/p' >>"$ADD_ADDRS" || true; }
    echo "$wall $(awk '$4 == 0' "$out/times" | wc -l) $(cat "$out"/*.out 2>/dev/null | grep -o '"address": *"[^"]*"' | sort -u | wc -l)"
    rm -rf "$out"
}

# DEL of pods NAMES... in parallel (cni_burst DEL); prints the wall time in ms.
parallel_dels() { # LAB NAMES...
    local lab=$1 out=$TMP/$1.burst
    shift
    rm -rf "$out"
    cni_burst DEL "$lab" "$out" "$@"
    rm -rf "$out"
}

# How many of the lab's pods hold a lease that dnsmasq's lease file shows live (the pod's address,
# leased to the pod's MAC, expiring after now): lab.sh census, counted.
leases_live() { # LAB [POD...]
    "$LAB_SH" census "$@" | awk '$5 == "live" {n++} END {print n + 0}'
}

# How many of the addresses in FILE (one a line) the server still holds, expiring after now: what a
# DEL that released them leaves behind (dnsmasq's lease file, both families; Kea's v4 leases).
server_still_holds() { # LAB FILE
    "$LAB_SH" leases "$1" | awk -v now="$(date +%s)" -v want="$2" '
        BEGIN { while ((getline a < want) > 0) wanted[a] = 1 }
        ($3 in wanted) && $1 > now { n++ } END { print n + 0 }'
}

proc_threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
proc_rss_mib() { awk '/^VmRSS:/ {printf "%d\n", $2 / 1024}' "/proc/$1/status"; }

# The lab runs the server and every pod in one kernel, so they share its neighbour table (global
# sysctls, 1024 entries by default): a real server keeps its ARP table in its own kernel. For 500+
# pods neigh_raise raises gc_thresh1/2/3 to PODS, 4 x PODS and 8 x PODS (never lowers them), says so
# on stderr as a host-wide change, and keeps the old values in NEIGH_SAVED for neigh_restore.
NEIGH_SAVED=()
neigh_raise() { # PODS
    local k old want
    [ "$1" -ge 500 ] || return 0
    for k in 1:$(($1)) 2:$(($1 * 4)) 3:$(($1 * 8)); do
        old=$(sysctl -n "net.ipv4.neigh.default.gc_thresh${k%%:*}")
        want=${k#*:}
        if [ "$want" -gt "$old" ]; then
            NEIGH_SAVED+=("net.ipv4.neigh.default.gc_thresh${k%%:*}=$old")
            sysctl -q -w "net.ipv4.neigh.default.gc_thresh${k%%:*}=$want"
        fi
    done
    [ ${#NEIGH_SAVED[@]} -gt 0 ] && echo "HOST-WIDE CHANGE: raised the kernel's neighbour table (global sysctls) for" \
        "$1 pods: $(sysctl -n net.ipv4.neigh.default.gc_thresh1)/$(sysctl -n net.ipv4.neigh.default.gc_thresh2)/$(sysctl -n net.ipv4.neigh.default.gc_thresh3)" \
        "(gc_thresh1/2/3); the previous values are restored on exit" >&2
    return 0
}
neigh_restore() {
    local p
    [ ${#NEIGH_SAVED[@]} -gt 0 ] || return 0
    for p in "${NEIGH_SAVED[@]}"; do sysctl -q -w "$p" >/dev/null || true; done
    echo "restored ${NEIGH_SAVED[*]}" >&2
    NEIGH_SAVED=()
}
