#!/bin/bash
# Runs one CNI command for many pods at once, the way a container runtime does: each call is one
# fork and exec of the main plugin, with the CNI environment and the network config on stdin, and
# nothing else in between (no lab.sh, no `ip netns exec` per call). Run it inside the lab's node
# namespace (labkit.sh: nsenter --net), where the runtime and the main plugins live.
#
#   cni-burst.sh CMD PLUGIN_BIN CONFIG_FILE CNI_PATH LAB OUT_DIR POD...
#
# CONFIG_FILE is one network config for every pod, or a directory holding POD.json for each pod
# (configs that differ per pod, such as static IPAM's addresses).
# Pod POD's namespace is /run/netns/LAB-POD, its container id LAB-POD, its interface eth0. Each
# call's stdout and stderr go to OUT_DIR/POD.out and its line "POD START END EXIT" (START and END:
# $EPOCHREALTIME just before the plugin starts and after it ends) to OUT_DIR/times. Prints the wall
# time of the whole burst in ms, from the first fork to the end of the last call.
set -uo pipefail
export LC_ALL=C # $EPOCHREALTIME prints a decimal point

[ $# -ge 6 ] || { echo "usage: cni-burst.sh CMD PLUGIN_BIN CONFIG_FILE CNI_PATH LAB OUT_DIR POD..." >&2; exit 2; }
cmd=$1 plugin=$2 config=$3 cni_path=$4 lab=$5 out=$6
shift 6

call() { # POD
    local s=$EPOCHREALTIME rc=0 conf=$config
    [ -d "$config" ] && conf=$config/$1.json
    CNI_COMMAND=$cmd CNI_CONTAINERID=$lab-$1 CNI_NETNS=/run/netns/$lab-$1 CNI_IFNAME=eth0 CNI_PATH=$cni_path \
        "$plugin" <"$conf" >"$out/$1.out" 2>&1 || rc=$?
    echo "$1 $s $EPOCHREALTIME $rc" >>"$out/times"
}

t0=$EPOCHREALTIME
pids=()
for pod in "$@"; do
    call "$pod" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d\n", (b - a) * 1000 }'
