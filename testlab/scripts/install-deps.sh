#!/bin/bash
# Installs what building and testing need on Debian 12, when missing: a JDK 17+, Maven, dnsmasq,
# the reference CNI plugins (bridge, macvlan, dhcp in /usr/lib/cni), iproute2, systemd's tools,
# binutils (jlink --strip-debug runs objcopy) and procps (sysctl). Enough for `make demo` and `make test`
# on a Debian 12 minbase (testlab/scripts/fresh-machine.sh checks that). Idempotent.
set -euo pipefail

missing=()
java_ok() {
    command -v javac >/dev/null 2>&1 || return 1
    local v
    v=$(javac -version 2>&1 | awk '{print $2}' | cut -d. -f1)
    [ "${v:-0}" -ge 17 ]
}
java_ok || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v objcopy >/dev/null 2>&1 || missing+=(binutils)
command -v sysctl >/dev/null 2>&1 || [ -x /usr/sbin/sysctl ] || missing+=(procps)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/macvlan ] || missing+=(containernetworking-plugins)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
# systemd-analyze (unit checks) and systemd-socket-activate (socket activation lab test)
command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-socket-activate >/dev/null 2>&1 || missing+=(systemd)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
