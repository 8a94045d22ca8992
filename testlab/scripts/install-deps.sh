#!/bin/bash
# Installs what building and testing need on Debian 12, when missing: a JDK 17+, Maven, dnsmasq,
# a C compiler and libc headers (gcc, libc6-dev: the native dist/bin/dhcp), the reference CNI plugins
# (bridge, macvlan, dhcp in /usr/lib/cni), iproute2, systemd's tools and systemd-nspawn (systemd-container),
# binutils (readelf: the hardening check of the native dist/bin/dhcp), procps (sysctl), ISC Kea's DHCPv4 server (the lab's
# second server, `lab.sh up LAB --kea`) and Prometheus (its promtool checks and unit-tests the alert
# rules in packaging/prometheus/); the packaged services of Kea and Prometheus are neither started nor
# enabled on this machine. Enough for `make demo` and `make test` on a Debian 12 minbase
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
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
command -v sysctl >/dev/null 2>&1 || [ -x /usr/sbin/sysctl ] || missing+=(procps)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/macvlan ] || missing+=(containernetworking-plugins)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
# systemd-analyze (unit checks) and systemd-socket-activate (socket activation lab test)
command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-socket-activate >/dev/null 2>&1 || missing+=(systemd)
# systemd-nspawn (the machine booted by systemd-lab.sh), flock (its root cache's lock)
command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
# Packages whose service must never run here, as "package:unit:process"
service_missing=()
[ -x /usr/sbin/kea-dhcp4 ] || service_missing+=(kea-dhcp4-server:kea-dhcp4-server.service:kea-dhcp4)
command -v promtool >/dev/null 2>&1 || [ -x /usr/bin/promtool ] || service_missing+=(prometheus:prometheus.service:prometheus)

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

# --- Kea and Prometheus: the lab runs kea-dhcp4 itself, inside a lab namespace, and only promtool of
# Prometheus is used; their packaged services must never run on this machine (Kea would serve DHCP on
# the host's own interfaces, Prometheus would listen on :9090 and scrape). A policy-rc.d that answers
# 101 ("action forbidden") keeps invoke-rc.d and deb-systemd-invoke from starting them during the
# install; one that is there already (containers ship one) is left as it is. Each unit is disabled
# afterwards, so it does not start at the next boot either, and none of them may be running once we
# are done.
if [ ${#service_missing[@]} -gt 0 ]; then
    packages=()
    for entry in "${service_missing[@]}"; do
        packages+=("${entry%%:*}")
    done
    echo "installing: ${packages[*]} (their services are not started)" >&2
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# written by cni-dhcp install-deps.sh while installing Kea and Prometheus; removed afterwards\nexit 101\n' >"$policy"
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
            systemctl disable --quiet "$unit" 2>/dev/null || true
        fi
        if pgrep -x "$process" >/dev/null 2>&1; then
            echo "$process is running on this machine after its install (pids: $(pgrep -x "$process" | tr '\n' ' '));" \
                "stop it: systemctl disable --now $unit" >&2
            running=1
        fi
    done
    [ "$running" -eq 0 ] || exit 1
fi
