#!/bin/bash
# The README's commands on a fresh machine: builds a Debian 12 root with debootstrap (minbase with git,
# make and ca-certificates), gives it this machine's trusted CA certificates, apt mirror and resolver,
# clones this checkout's committed HEAD into /root/project and runs, in a chroot with /proc, /sys (and
# its cgroup file systems), /dev and a fresh /run, what a new user runs there as root: `make demo`, then `make test`.
# The lab tests that run a container runtime (podman, systemd-nspawn) skip themselves there: a chroot
# is not a machine (its /sys is this machine's, no init owns its cgroups); `make test` on a machine runs them.
# Prints a summary (each step, its duration, the test counts) and exits non-zero when a step fails.
#
#   fresh-machine.sh          (as root; several minutes: apt installs a JDK and Maven, Maven fetches
#                             its dependencies from Central, then every unit and lab test runs)
#
# Environment:
#   FRESH_KEEP=1              keep the root (its path is printed) instead of removing it
#   FRESH_CACHE=FILE.tgz      reuse a debootstrap tarball (made there on the first run); without it the
#                             root is bootstrapped from the mirror, fully fresh
#   FRESH_DIR=DIR             where the root is made (default /var/tmp); the logs stay there too
#   FRESH_STEPS="demo test"   the README commands to run, in order (make targets)
#
# The chroot shares this machine's network namespace: the lab it runs creates its own namespaces
# (removed at exit) and adds nothing to this one. Everything mounted is unmounted on exit, failure or
# TERM, after every process left running in the root is stopped and every namespace it made is gone.
set -euo pipefail

SUITE=bookworm
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
FRESH_DIR=${FRESH_DIR:-/var/tmp}
FRESH_STEPS=${FRESH_STEPS:-demo test}

die() { echo "fresh-machine: $*" >&2; exit 2; }
say() { echo "fresh-machine: $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot, mounts)"
HEAD=$(git -C "$SRC" rev-parse HEAD) || die "$SRC is not a git checkout"
git -C "$SRC" diff --quiet HEAD -- 2>/dev/null || say "note: uncommitted changes in $SRC are not part of the run (it clones HEAD $HEAD)"

# shellcheck source=debroot.sh
. "$HERE/debroot.sh"
debroot_mirrors "$SUITE"
debroot_need_debootstrap

WORK=$(mktemp -d "$FRESH_DIR/fresh-machine.XXXXXX")
R=$WORK/root
LOGS=$WORK/logs
mkdir -p "$R" "$LOGS"
chmod 0755 "$WORK" "$R"   # a machine's / is world-readable; mktemp's 0700 would hide it from other users
MOUNTED=()                # in mount order; unmounted in reverse
STEPS=() RESULTS=() TIMES=()
CHILD= CURRENT= STARTED=

# Every process whose root is the chroot (the lab's dnsmasq and daemons, a make still running).
root_pids() {
    local p root
    for p in /proc/[0-9]*; do
        root=$(readlink "$p/root" 2>/dev/null) || continue
        [ "$root" = "$R" ] && echo "${p#/proc/}"
    done
    return 0
}

stop_root_processes() {
    local pids i
    pids=$(root_pids)
    [ -z "$pids" ] && return 0
    say "stopping processes left in the root: $(echo $pids)"
    kill -TERM $pids 2>/dev/null || true
    for i in $(seq 1 50); do
        pids=$(root_pids)
        [ -z "$pids" ] && return 0
        sleep 0.1
    done
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
}

# Namespaces the lab made inside: their handles are nsfs bind mounts under the root's /run/netns.
remove_root_netns() {
    local ns
    [ -d "$R/run/netns" ] || return 0
    for ns in "$R"/run/netns/*; do
        [ -e "$ns" ] || continue
        say "removing namespace left by the lab: ${ns##*/}"
        umount "$ns" 2>/dev/null || umount -l "$ns" 2>/dev/null || true
        rm -f "$ns"
    done
    if mountpoint -q "$R/run/netns"; then umount "$R/run/netns" 2>/dev/null || umount -l "$R/run/netns" || true; fi
}

cleanup() {
    local rc=$? i m
    trap - EXIT INT TERM
    if [ -n "$CHILD" ]; then
        kill -TERM -- "-$CHILD" 2>/dev/null
        STEPS+=("$CURRENT") TIMES+=($(($(date +%s) - STARTED))) RESULTS+=("INTERRUPTED")
    fi
    stop_root_processes
    remove_root_netns
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
        m=${MOUNTED[i]}
        umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null || say "could not unmount $m"
    done
    summary > "$LOGS/summary.txt"   # before the root (and its surefire reports) is removed
    if grep -q " $R" /proc/self/mounts; then
        say "mounts left under $R, the root is kept: $(awk -v r="$R" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | tr '\n' ' ')"
    elif [ "${FRESH_KEEP:-0}" = 1 ]; then
        say "root kept: $R"
    else
        rm -rf "$R"
    fi
    cat "$LOGS/summary.txt"
    say "logs: $LOGS"
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 143' INT TERM

# Runs a step (a name and a command), output to its log and to stdout; returns the command's code.
# The command runs in the background, in its own process group, and is waited for, so that a TERM
# is handled at once and reaches the whole step.
set -m
step() {
    local name=$1 rc
    shift
    CURRENT=$name STARTED=$(date +%s)
    say "== $name"
    set +e
    "$@" > >(tee "$LOGS/$name.log") 2>&1 &
    CHILD=$!
    wait "$CHILD"
    rc=$?
    CHILD=
    set -e
    STEPS+=("$name") TIMES+=($(($(date +%s) - STARTED)))
    if [ "$rc" -eq 0 ]; then RESULTS+=(passed); else RESULTS+=("FAILED (exit $rc)"); fi
    return "$rc"
}

# Test counts from the surefire reports in the root's checkout.
test_counts() {
    local reports=("$R"/root/project/*/target/surefire-reports/TEST-*.xml)
    [ -e "${reports[0]}" ] || { echo "no surefire reports"; return; }
    sed -n 's/.*<testsuite \(.*\)>.*/\1/p' "${reports[@]}" | awk '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); v[kv[1]] += kv[2] } }
        END { printf "%d tests, %d failures, %d errors, %d skipped in %d classes\n",
              v["tests"], v["failures"], v["errors"], v["skipped"], NR }'
}

summary() {
    local i
    echo
    echo "fresh Debian 12 root, project at $HEAD"
    for i in "${!STEPS[@]}"; do
        printf '  %-22s %-18s %5ss\n' "${STEPS[i]}" "${RESULTS[i]}" "${TIMES[i]}"
    done
    [ -d "$R/root/project" ] && echo "  tests: $(test_counts)"
    for i in "${!STEPS[@]}"; do
        [ "${RESULTS[i]}" = passed ] || { echo "  result: FAILED"; return 0; }
    done
    [ ${#STEPS[@]} -gt 0 ] && echo "  result: passed"
    return 0
}

bootstrap() { debroot_bootstrap "$R" git,make,ca-certificates "${FRESH_CACHE:-}"; }

configure() { debroot_configure "$R"; }

mount_all() {
    # The root is a mount point of its own, as a machine's / is (ip netns exec makes / a slave mount).
    mount --bind "$R" "$R" && MOUNTED+=("$R")
    mount --make-private "$R"
    mount -t proc proc "$R/proc" && MOUNTED+=("$R/proc")
    # /sys with its cgroup file systems, as a machine has them (systemd-nspawn, in SystemdBootLabTest,
    # needs the cgroup hierarchy); unmounting it must never reach this machine's /sys
    mount --rbind /sys "$R/sys" && MOUNTED+=("$R/sys")
    mount --make-rslave "$R/sys"
    mount --rbind /dev "$R/dev" && MOUNTED+=("$R/dev")
    mount --make-rslave "$R/dev"    # unmounting it must never reach this machine's /dev
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$R/run" && MOUNTED+=("$R/run")
}

clone() {
    git clone -q --no-checkout "$SRC" "$R/root/project"
    git -C "$R/root/project" checkout -q -B main "$HEAD"
}

in_root() { debroot_chroot "$R" "$@"; }

make_target() { # TARGET: the README's command, from the checkout
    # CNI_DHCP_LAB_IN_CHROOT: the lab tests that run container runtimes skip themselves (LabHost)
    in_root /bin/bash -lc "cd /root/project && CNI_DHCP_LAB_IN_CHROOT=1 make $1"
}

main() {
    local failed=0 t
    say "root $R, mirror $MIRROR, project $HEAD"
    step debootstrap bootstrap
    step configure configure
    mount_all
    step clone clone
    for t in $FRESH_STEPS; do
        step "make-$t" make_target "$t" || failed=1
    done
    return "$failed"
}
# One line, read before main runs: a checkout changed during the run cannot change what runs.
main; exit $?
