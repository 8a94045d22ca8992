#!/bin/bash
# A Debian 12 machine booted by systemd-nspawn in a lab's node namespace, with this project installed
# by `make install` and its units run by systemd as PID 1 (SystemdBootLabTest drives it).
#
#   systemd-lab.sh root             build the cached root when there is none, print its path
#   systemd-lab.sh boot LAB         boot a machine in the node namespace of lab LAB (lab.sh up LAB
#                                   first): an overlay over the cached root, `make install
#                                   PREFIX=<overlay>`, then systemd-nspawn --boot; returns once its
#                                   systemd reports the system running (at most SDLAB_BOOT_TIMEOUT s)
#   systemd-lab.sh exec LAB CMD...  CMD inside the machine (all its namespaces, a clean environment;
#                                   CMD may start with NAME=VALUE words, env(1) style)
#   systemd-lab.sh leader LAB       the machine's PID 1, as this machine's PID
#   systemd-lab.sh socket LAB       the path of the machine's /run/cni/dhcp.sock on this machine
#   systemd-lab.sh down LAB         power the machine off (killed after 20 s), unmount, remove files
#
# The root: debootstrap --variant=minbase bookworm with systemd, systemd-sysv and dbus (debroot.sh, as
# fresh-machine.sh makes its root), then openjdk-17-jre-headless, what the installed daemon needs to
# run. It is made once in $SDLAB_CACHE (default /var/cache/cni-dhcp-lab; ~2 min, from the Debian
# mirror) and never written afterwards: each machine runs on an overlay of it, with its changes in
# the machine's directory ${TMPDIR:-/tmp}/cni-dhcp-sdlab.LAB. Remove the cache directory to rebuild.
#
# The machine: systemd-nspawn --register=no --keep-unit (no machined, no systemd as this machine's PID
# 1 needed) --network-namespace-path=/run/netns/LAB-node, with
#   --bind=/run/netns                     pods' namespaces at the same paths inside as outside
#   --bind=DIR/run-cni:/run/cni           the socket unit's /run/cni, so that plugins run in the node
#                                         namespace reach /run/cni/dhcp.sock as DIR/run-cni/dhcp.sock
#   --bind-ro=$REF_CNI:/usr/lib/cni       the reference plugins (REF_CNI, default /usr/lib/cni), for a
#                                         runtime inside
#   --capability=CAP_NET_ADMIN            nspawn's default set lacks it; the unit's set needs it
# The machine is the node: its systemd, the daemon it runs and the runtime that calls the plugins
# (exec LAB, e.g. /usr/lib/cni/bridge with CNI_PATH=/opt/cni/bin:/usr/lib/cni) share its PID, mount
# and network namespaces (the lab's node namespace), as on a node whose PID 1 is systemd. A plugin run
# from outside reaches the daemon through DIR/run-cni/dhcp.sock too, but from another PID namespace:
# the daemon cannot find the caller's network namespace by its pid (SO_PEERCRED gives it 0), which a
# DEL needs once the main plugin removed the pod's interface (the reference bridge plugin does).
# systemctl and friends run inside through nsenter into the machine's PID 1 (machinectl needs
# machined, which --register=no leaves out). Everything stays in the lab's namespaces and in files of
# the machine's directory: the overlay is the only mount this machine gets, nspawn runs in a cgroup
# of its own (cni-dhcp-sdlab.LAB below this process's), and down removes both.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
SUITE=bookworm
INCLUDE=systemd,systemd-sysv,dbus
PACKAGES=openjdk-17-jre-headless
REF_CNI=${REF_CNI:-/usr/lib/cni}
CACHE=${SDLAB_CACHE:-/var/cache/cni-dhcp-lab}
BOOT_TIMEOUT=${SDLAB_BOOT_TIMEOUT:-120}
# Changing what goes into the root changes its name, so a stale cache is never used.
ROOT_ID=$(echo "1 $SUITE $INCLUDE $PACKAGES" | sha256sum | cut -c1-12)
CACHED=$CACHE/systemd-root-$SUITE-$ROOT_ID

die() { echo "systemd-lab: $*" >&2; exit 1; }
say() { echo "systemd-lab: $*" >&2; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, mounts, systemd-nspawn)"

lab_vars() {
    LAB=$1
    [[ $LAB =~ ^[a-z0-9]{1,8}$ ]] || die "lab name '$LAB': 1-8 lowercase letters or digits"
    NODE=$LAB-node
    M=${TMPDIR:-/tmp}/cni-dhcp-sdlab.$LAB
}

# ------------------------------------------------------------------------------------- the root
build_root() {
    local part=$CACHED.part started
    started=$(date +%s%N)
    # shellcheck source=debroot.sh
    . "$HERE/debroot.sh"
    debroot_mirrors "$SUITE"
    debroot_need_debootstrap
    rm -rf "$part"
    mkdir -p "$part"
    chmod 0755 "$part"
    say "building the machine's root in $CACHED (debootstrap from $MIRROR)"
    debroot_bootstrap "$part" "$INCLUDE" >"$CACHE/build.log" 2>&1 || { tail -20 "$CACHE/build.log" >&2; die "debootstrap failed"; }
    debroot_configure "$part"
    # The JRE's scripts (ca-certificates-java) run java, which needs /proc.
    mount -t proc proc "$part/proc"
    trap 'umount "$part/proc" 2>/dev/null || umount -l "$part/proc"' EXIT
    if ! debroot_chroot "$part" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends $PACKAGES && apt-get clean \
            && rm -rf /var/lib/apt/lists/*" >>"$CACHE/build.log" 2>&1; then
        tail -20 "$CACHE/build.log" >&2
        die "installing $PACKAGES in the root failed"
    fi
    umount "$part/proc"
    trap - EXIT
    # Each boot gets its own machine ID (nspawn passes one); the root is a machine never booted.
    : >"$part/etc/machine-id"
    mv "$part" "$CACHED"
    say "root built in $(ms_since "$started") ms"
}

cmd_root() {
    mkdir -p "$CACHE"
    # One build at a time; the others wait for it and use its result.
    exec 9>"$CACHE/.lock"
    flock -w 900 9 || die "another build of $CACHED holds $CACHE/.lock"
    [ -d "$CACHED" ] || build_root
    echo "$CACHED"
}

# ---------------------------------------------------------------------------------- the machine
leader_pid() { # the container's PID 1: the process nspawn started whose PID in its namespace is 1
    local nspawn p
    nspawn=$(cat "$M/nspawn.pid" 2>/dev/null) || return 1
    for p in $(cat /proc/"$nspawn"/task/*/children 2>/dev/null); do
        if awk '$1 == "NSpid:" && $NF == 1 { found = 1 } END { exit !found }' "/proc/$p/status" 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# The cgroups the machine runs in, one per hierarchy nspawn uses (cgroup2, and name=systemd on a
# hybrid setup): a child of this process's own, named after the lab. nspawn makes its supervisor and
# payload cgroups (the machine's systemd its slices) below it, never beside another machine's, and
# down removes the lot.
machine_cgroups() {
    local mnt type opts rel
    while read -r _ mnt type opts _; do
        case $type in
            cgroup2) rel=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup) ;;
            cgroup) [[ ,$opts, == *,name=systemd,* ]] || continue
                    rel=$(awk -F: '$2 == "name=systemd" { print $3 }' /proc/self/cgroup) ;;
            *) continue ;;
        esac
        echo "$mnt${rel%/}/cni-dhcp-sdlab.$LAB"
    done </proc/self/mounts
}

remove_cgroups() { # the machine's cgroups, deepest first, once no process is left in them
    local dir
    [ -f "$M/cgroups" ] || return 0
    while read -r dir; do
        [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$dir" ] && say "cgroup $dir is not empty, left in place"
    done <"$M/cgroups"
    rm -f "$M/cgroups"
}

in_machine() { # CMD...
    local leader
    leader=$(leader_pid) || die "machine of lab $LAB is not running"
    nsenter -t "$leader" -a /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

cmd_boot() {
    lab_vars "$1"
    local root state started deadline dir
    [ -e "/run/netns/$NODE" ] || die "lab $LAB is not up (lab.sh up $LAB)"
    [ -e "$M" ] && die "a machine of lab $LAB exists already (systemd-lab.sh down $LAB)"
    command -v systemd-nspawn >/dev/null || die "no systemd-nspawn (install-deps.sh installs systemd-container)"
    root=$(cmd_root)
    mkdir -p "$M/upper" "$M/work" "$M/root" "$M/run-cni"
    chmod 0755 "$M"
    mount -t overlay overlay -o "lowerdir=$root,upperdir=$M/upper,workdir=$M/work" "$M/root"
    make -s -C "$SRC" install PREFIX="$M/root" >"$M/install.log" 2>&1 || { cat "$M/install.log" >&2; die "make install failed"; }
    started=$(date +%s%N)
    machine_cgroups >"$M/cgroups"
    while read -r dir; do mkdir "$dir"; done <"$M/cgroups"
    # shellcheck disable=SC2016
    sh -c 'while read -r dir; do echo $$ >"$dir/cgroup.procs"; done <"$1"; shift; exec "$@"' sh "$M/cgroups" \
    systemd-nspawn --quiet --register=no --keep-unit --network-namespace-path="/run/netns/$NODE" \
        -D "$M/root" --machine="$LAB" --boot --console=read-only --capability=CAP_NET_ADMIN \
        --bind=/run/netns --bind="$M/run-cni:/run/cni" --bind-ro="$REF_CNI:/usr/lib/cni" </dev/null >"$M/console.log" 2>&1 &
    echo $! >"$M/nspawn.pid"
    for _ in $(seq 1 100); do
        leader_pid >/dev/null && break
        kill -0 "$(cat "$M/nspawn.pid")" 2>/dev/null || { cat "$M/console.log" >&2; die "systemd-nspawn exited"; }
        sleep 0.1
    done
    leader_pid >"$M/leader.pid" || { cat "$M/console.log" >&2; die "no PID 1 in the machine after 10 s"; }
    # is-system-running --wait: until the boot is done (running, or degraded when a unit failed). It
    # answers "offline" or fails at once while systemd is not yet listening on its private bus.
    deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
    while :; do
        state=$(timeout "$BOOT_TIMEOUT" nsenter -t "$(cat "$M/leader.pid")" -a /usr/bin/env -i PATH=/usr/bin:/bin \
            systemctl is-system-running --wait 2>/dev/null) || true
        case $state in running | degraded | maintenance | stopping) break ;; esac
        kill -0 "$(cat "$M/nspawn.pid")" 2>/dev/null || { cat "$M/console.log" >&2; die "systemd-nspawn exited"; }
        [ "$(date +%s)" -lt "$deadline" ] || break
        sleep 0.2
    done
    case $state in
        running) ;;
        degraded) say "the machine booted degraded: $(in_machine systemctl --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')" ;;
        *) tail -40 "$M/console.log" >&2; die "the machine did not finish booting within $BOOT_TIMEOUT s (state '${state:-none}')" ;;
    esac
    echo "booted $state in $(ms_since "$started") ms, PID 1 is $(cat "$M/leader.pid")"
}

cmd_down() {
    lab_vars "$1"
    local nspawn leader
    [ -d "$M" ] || return 0
    nspawn=$(cat "$M/nspawn.pid" 2>/dev/null) || nspawn=
    leader=$(cat "$M/leader.pid" 2>/dev/null) || leader=
    if [ -n "$nspawn" ] && kill -0 "$nspawn" 2>/dev/null; then
        kill -TERM "$nspawn" 2>/dev/null || true # nspawn powers the machine off (SIGRTMIN+4 to its PID 1)
        for _ in $(seq 1 200); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$nspawn" 2>/dev/null; then
            say "the machine did not power off within 20 s: killed"
            [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null || true # the namespace's init: all in it die
            kill -KILL "$nspawn" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
        fi
    fi
    remove_cgroups
    if mountpoint -q "$M/root"; then umount "$M/root" 2>/dev/null || umount -l "$M/root"; fi
    if grep -q " $M/" /proc/self/mounts; then
        die "mounts left under $M, not removed: $(awk -v m="$M/" 'index($2, m) == 1 { print $2 }' /proc/self/mounts | tr '\n' ' ')"
    fi
    rm -rf "$M"
}

[ $# -ge 1 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
command=$1; shift
case $command in
    root) cmd_root ;;
    boot) cmd_boot "$@" ;;
    exec) lab_vars "$1"; shift; in_machine "$@" ;;
    leader) lab_vars "$1"; leader_pid ;;
    socket) lab_vars "$1"; echo "$M/run-cni/dhcp.sock" ;;
    down) cmd_down "$@" ;;
    *) die "unknown command '$command'" ;;
esac
