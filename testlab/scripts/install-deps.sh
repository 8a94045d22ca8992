#!/bin/bash
# Installs what building and testing need on Debian 12, when missing: a JDK 17+, Maven, dnsmasq,
# a C compiler and libc headers (gcc, libc6-dev: the native dist/bin/dhcp), the reference CNI plugins
# (bridge, macvlan, dhcp in /usr/lib/cni), iproute2, systemd's tools and systemd-nspawn (systemd-container),
# binutils (readelf: the hardening check of the native dist/bin/dhcp; objcopy, which jlink calls for
# `make image`), umoci (builds the image), podman with runc and a static busybox (ImageLabTest runs
# the image as the DaemonSet would, PodmanLabTest runs containers of a real runtime on DHCP; runc,
# since crun refuses this kind of host's hybrid cgroups), yamllint (the manifest's check), procps
# (sysctl), ISC Kea's DHCPv4 and DHCPv6 servers (the lab's second server, `lab.sh up LAB --kea`,
# `--kea6`) and Prometheus
# (its promtool checks and unit-tests the alert rules in packaging/prometheus/); the packaged
# services of Kea, Prometheus and podman are neither started nor enabled on this machine. Enough for
# `make demo` and `make test` on a Debian 12 minbase
# (testlab/scripts/fresh-machine.sh checks that). Idempotent. With --fuzz, only clang and its
# libFuzzer runtime (libclang-rt-dev), for `make fuzz`.
set -euo pipefail

if [ "${1:-}" = --fuzz ]; then
    fuzz_missing=()
    command -v clang >/dev/null 2>&1 || fuzz_missing+=(clang)
    [ -n "$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer-*.a' 2>/dev/null)" ] || fuzz_missing+=(libclang-rt-dev)
    [ ${#fuzz_missing[@]} -eq 0 ] && exit 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${fuzz_missing[*]}; install them as root: apt-get install ${fuzz_missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    echo "installing: ${fuzz_missing[*]}" >&2
    apt-get install -y -qq --no-install-recommends "${fuzz_missing[@]}" >/dev/null
    exit 0
fi

missing=()
java_ok() {
    command -v javac >/dev/null 2>&1 || return 1
    local v
    v=$(javac -version 2>&1 | awk '{print $2}' | cut -d. -f1)
    [ "${v:-0}" -ge 17 ]
}
java_ok || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/stdio.h ] || missing+=(libc6-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v readelf >/dev/null 2>&1 && command -v objcopy >/dev/null 2>&1 || missing+=(binutils)
command -v umoci >/dev/null 2>&1 || missing+=(umoci)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
command -v sysctl >/dev/null 2>&1 || [ -x /usr/sbin/sysctl ] || missing+=(procps)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/macvlan ] || missing+=(containernetworking-plugins)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
# ping between pods of different nodes (cluster lab)
command -v ping >/dev/null 2>&1 || [ -x /usr/bin/ping ] || missing+=(iputils-ping)
# systemd-analyze (unit checks) and systemd-socket-activate (socket activation lab test)
command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-socket-activate >/dev/null 2>&1 || missing+=(systemd)
# a static busybox is the root filesystem of PodmanLabTest's containers (Debian's busybox is dynamic)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
# systemd-nspawn (the machine booted by systemd-lab.sh), flock (its root cache's lock)
command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
# Packages whose services must never run here, as "package:unit[,unit...]:process"
service_missing=()
[ -x /usr/sbin/kea-dhcp4 ] || service_missing+=(kea-dhcp4-server:kea-dhcp4-server.service:kea-dhcp4)
[ -x /usr/sbin/kea-dhcp6 ] || service_missing+=(kea-dhcp6-server:kea-dhcp6-server.service:kea-dhcp6)
command -v promtool >/dev/null 2>&1 || [ -x /usr/bin/promtool ] || service_missing+=(prometheus:prometheus.service:prometheus)
# podman's package enables its API socket and service, the restart service and the auto-update timer.
# runc: crun (podman's default) refuses a hybrid cgroup hierarchy, which some machines have.
command -v podman >/dev/null 2>&1 || service_missing+=(podman:podman.socket,podman.service,podman-restart.service,podman-auto-update.timer,podman-auto-update.service:podman)
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)

if [ ${#missing[@]} -eq 0 ] && [ ${#service_missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    names=$(for entry in "${service_missing[@]}"; do printf ' %s' "${entry%%:*}"; done)
    echo "missing packages: ${missing[*]}$names; install them as root: apt-get install ${missing[*]}$names" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Kea, Prometheus and podman: the lab runs kea-dhcp4 and kea-dhcp6 itself, inside a lab namespace, only promtool
# of Prometheus is used and podman runs only as a command inside a lab's node namespace; their packaged
# services must never run on this machine (Kea would serve DHCP on the host's own interfaces,
# Prometheus would listen on :9090 and scrape, podman's socket would offer its API on the host). A
# policy-rc.d that answers 101 ("action forbidden") keeps invoke-rc.d and deb-systemd-invoke from
# starting them during the install; one that is there already (containers ship one) is left as it is.
# It does not keep the packages from enabling units (podman's does): each unit is disabled afterwards,
# so it does not start at the next boot either, and none of them may be running once we are done.
if [ ${#service_missing[@]} -gt 0 ]; then
    packages=()
    for entry in "${service_missing[@]}"; do
        packages+=("${entry%%:*}")
    done
    echo "installing: ${packages[*]} (their services are not started)" >&2
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# written by cni-dhcp install-deps.sh while installing packages with services; removed afterwards\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        own_policy=1
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    if [ -n "$own_policy" ]; then
        rm -f "$policy"
        trap - EXIT
    fi
    running=0
    for entry in "${service_missing[@]}"; do
        rest=${entry#*:}
        unit=${rest%%:*}
        process=${rest#*:}
        if command -v systemctl >/dev/null 2>&1; then
            for one in ${unit//,/ }; do
                systemctl disable --quiet "$one" 2>/dev/null || true
            done
        fi
        if pgrep -x "$process" >/dev/null 2>&1; then
            echo "$process is running on this machine after its install (pids: $(pgrep -x "$process" | tr '\n' ' '));" \
                "stop it: systemctl disable --now ${unit//,/ }" >&2
            running=1
        fi
    done
    [ "$running" -eq 0 ] || exit 1
fi
