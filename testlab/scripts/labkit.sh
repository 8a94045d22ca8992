# Shell functions shared by bench.sh and soak.sh (sourced, not run). They drive labs through lab.sh
# ($LAB_SH) and keep their scratch files in $TMP, which the sourcing script creates and removes.

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

lab_dir() { echo "${TMPDIR:-/tmp}/cni-dhcp-lab.$1"; }

daemon_pid() { # LAB: the daemon process (our pidfile, or the launcher pid of the reference)
    local dir
    dir=$(lab_dir "$1")
    if [ -f "$dir/daemon.pid" ]; then cat "$dir/daemon.pid"; else cat "$dir/daemon.launch.pid"; fi
}

# Attaches pods NAMES... in parallel through the bridge plugin; prints "wall_ms ok unique". The names
# of the pods whose ADD succeeded are appended to $TMP/LAB.attached. With ADD_TIMES set to a file,
# each ADD also appends a line "POD START END EXIT" to it (START and END: $EPOCHREALTIME, seconds
# with microseconds, taken in the ADD's own subshell just before the plugin starts and after it ends).
parallel_adds() { # LAB NAMES...
    local lab=$1 t0 pids=() failed=0 n=0 i=0
    shift
    for pod in "$@"; do "$LAB_SH" netns "$lab" "$pod"; done
    t0=$(date +%s%N)
    for pod in "$@"; do
        if [ -n "${ADD_TIMES:-}" ]; then
            (
                s=$EPOCHREALTIME rc=0
                "$LAB_SH" cni "$lab" "$pod" bridge ADD 1.0.0 >"$TMP/$lab.add.$pod" 2>&1 || rc=$?
                echo "$pod $s $EPOCHREALTIME $rc" >>"$ADD_TIMES"
                exit $rc
            ) &
        else
            "$LAB_SH" cni "$lab" "$pod" bridge ADD 1.0.0 >"$TMP/$lab.add.$pod" 2>&1 &
        fi
        pids+=($!)
    done
    for pod in "$@"; do
        if wait "${pids[i]}"; then echo "$pod" >>"$TMP/$lab.attached"; else failed=$((failed + 1)); fi
        i=$((i + 1))
    done
    local wall
    wall=$(ms_since "$t0")
    n=$#
    echo "$wall $((n - failed)) $(cat "$TMP/$lab".add.* 2>/dev/null | grep -o '"address": *"[^"]*"' | sort -u | wc -l)"
    rm -f "$TMP/$lab".add.*
}

# How many of the lab's pods hold a lease that dnsmasq's lease file shows live (the pod's address,
# leased to the pod's MAC, expiring after now): lab.sh census, counted.
leases_live() { # LAB [POD...]
    "$LAB_SH" census "$@" | awk '$5 == "live" {n++} END {print n + 0}'
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
