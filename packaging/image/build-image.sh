#!/bin/bash
# build-image.sh DIST OUT NAME TAG: builds the OCI image archive OUT (an OCI image layout in a tar,
# what `podman load` and `ctr images import` read) from the built DIST, with umoci: no container
# engine, no daemon, no base image. One layer, no distribution:
#
#   /opt/cni-dhcp   DIST's bin/ (the native plugin) and lib/ (jars, dhcp-jvm, install-dist): the
#                   daemon's tree and the plugin tree the DaemonSet's init container copies to the host
#   /opt/java       a Java runtime made by jlink with only the modules jdeps finds in DIST/lib
#   /usr/lib/...    the shared libraries that runtime, jnr-ffi's stub (jffi) and the tools below load,
#                   copied from the build machine (ldd says which), and the dynamic loader
#   /usr/bin/sh     dash, for dhcp-jvm and install-dist, and the coreutils install-dist calls
#   /etc/passwd, /etc/group   root and nonroot (65532), the image's default user
#
# The modules jdeps names but the daemon never loads are left out on purpose (JDEPS_UNUSED below);
# the image's own smoke check (`dhcp daemon -help` and `dhcp status` run in the jlinked runtime
# against the image's root) fails the build if the runtime lacks a module the code needs.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: build-image.sh DIST OUT NAME TAG" >&2; exit 2; }
dist=$(cd "$1" && pwd)
out=$2
name=$3
tag=$4
[ -x "$dist/bin/dhcp" ] && [ -f "$dist/lib/cni-dhcp-daemon.jar" ] || { echo "build-image: $dist is not a built dist/ (make)" >&2; exit 1; }
command -v umoci >/dev/null || { echo "build-image: no umoci (testlab/scripts/install-deps.sh installs it)" >&2; exit 1; }
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[ -d "$java_home/jmods" ] || { echo "build-image: no $java_home/jmods (a JDK 17 with its jmods)" >&2; exit 1; }

# Jackson's optional integrations (java.beans, java.sql's date types, the DOM types of java.xml):
# referenced by jackson-databind, loaded only for values of those types, which neither the daemon nor
# the admin commands have; java.desktop alone would add ~12 MB of AWT.
JDEPS_UNUSED=(java.desktop java.sql java.xml)
# Modules found through ServiceLoader, which jdeps cannot see: jdk.random holds the algorithms of
# RandomGenerator.of(...) (the daemon's L32X64MixRandom).
SERVICE_MODULES=(jdk.random)
USER_ID=65532

work=$(mktemp -d "${TMPDIR:-/tmp}/cni-dhcp-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/usr/bin "$root"/usr/lib "$root"/usr/lib64 "$root"/etc "$root"/opt "$root"/tmp \
    "$root"/proc "$root"/dev "$root"/sys "$root"/host "$root"/var/lib/cni/dhcp "$root"/opt/cni/bin
chmod 1777 "$root/tmp"
ln -s usr/bin "$root/bin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"

# --- the distribution
mkdir -p "$root/opt/cni-dhcp"
cp -R "$dist/bin" "$dist/lib" "$root/opt/cni-dhcp/"

# --- the Java runtime
mapfile -t found < <("$java_home/bin/jdeps" --multi-release 17 --ignore-missing-deps --list-deps \
    --class-path "$dist/lib/*" "$dist"/lib/*.jar 2>/dev/null | awk '/^ +[a-z][a-z0-9.]*$/ {print $1}')
[ ${#found[@]} -gt 0 ] || { echo "build-image: jdeps found no modules" >&2; exit 1; }
modules=$(IFS=,; echo "${found[*]}")
keep=()
for m in "${found[@]}"; do
    skip=
    for u in "${JDEPS_UNUSED[@]}"; do [ "$m" = "$u" ] && skip=1; done
    [ -n "$skip" ] || keep+=("$m")
done
keep+=("${SERVICE_MODULES[@]}")
mods=$(IFS=,; echo "${keep[*]}")
echo "build-image: jdeps: $modules; jlink: $mods" >&2
"$java_home/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$root/opt/java"

# --- tools the two shell scripts run
cp -L /bin/dash "$root/usr/bin/dash"
ln -s dash "$root/usr/bin/sh"
for tool in dirname mkdir rm cp chmod mv realpath ln readlink; do
    cp -L "$(command -v "$tool")" "$root/usr/bin/$tool"
done

# --- shared libraries: what every ELF file in the image needs, and the jffi stub jnr-ffi unpacks
mkdir -p "$work/jffi"
(cd "$work/jffi" && "$java_home/bin/jar" xf "$dist"/lib/jffi-*-native.jar)
elves=()
while IFS= read -r -d '' f; do
    if head -c 4 "$f" | grep -q $'^\x7fELF'; then elves+=("$f"); fi
done < <(find "$root" "$work/jffi/jni/x86_64-Linux" -type f -print0)
for f in "${elves[@]}"; do
    # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)";
    # the runtime's own libraries (libjvm.so ...) resolve inside /opt/java and are there already
    LD_LIBRARY_PATH="$root/opt/java/lib:$root/opt/java/lib/server" ldd "$f" 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r lib; do
    case $lib in "$root"/*) continue ;; esac
    install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
done
# the loader's cache, so that a bare soname (jnr-ffi's "libc.so.6") resolves without search paths
printf '/usr/lib/%s\n' "$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)" >"$root/etc/ld.so.conf"
ldconfig -r "$root"

# --- users
printf 'root:x:0:0:root:/:/usr/bin/sh\nnonroot:x:%s:%s:nonroot:/:/usr/bin/sh\n' "$USER_ID" "$USER_ID" >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:%s:\n' "$USER_ID" >"$root/etc/group"

# --- smoke check: the jlinked runtime runs the daemon's and the admin commands' entry points
# against the image's own libraries (the loader and libc of the image, as in a container)
loader=$(find "$root/usr/lib64" "$root/usr/lib" -maxdepth 2 -name 'ld-linux*.so*' | head -1)
smoke() {
    "$loader" --library-path "$root/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu):$root/opt/java/lib" \
        "$root/opt/java/bin/java" -Xshare:off -cp "$root/opt/cni-dhcp/lib/*" "$@"
}
smoke dev.cnidhcp.daemon.app.DaemonMain -help >"$work/smoke.out" 2>&1 || true
grep -q -- '-hostprefix' "$work/smoke.out" || { cat "$work/smoke.out" >&2; echo "build-image: the daemon does not start in the jlinked runtime" >&2; exit 1; }
"$root/opt/java/bin/java" --list-modules | grep -q '^jdk.random@' || { echo "build-image: no jdk.random in the runtime" >&2; exit 1; }

# --- the image: an empty OCI layout, one layer with the root, the config
layout=$work/layout
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci insert --image "$layout:$tag" "$root" /
umoci config --image "$layout:$tag" --author="cni-dhcp" --os linux --architecture amd64 \
    --config.user "$USER_ID:$USER_ID" \
    --config.env "PATH=/opt/java/bin:/usr/bin" --config.env "JAVA_HOME=/opt/java" \
    --config.entrypoint /opt/cni-dhcp/bin/dhcp \
    --config.cmd daemon --config.cmd -hostprefix --config.cmd /host \
    --config.workingdir / \
    --config.label "org.opencontainers.image.title=cni-dhcp" \
    --config.label "org.opencontainers.image.version=$tag"
umoci gc --layout "$layout"
# The index names the image for both loaders: org.opencontainers.image.ref.name (podman load) and
# io.containerd.image.name (ctr images import), as NAME:TAG in the registry's full form.
full=$name:$tag
case $name in */*) ;; *) full=docker.io/library/$name:$tag ;; esac
python3 - "$layout/index.json" "$full" <<'PY'
import json, sys
path, ref = sys.argv[1], sys.argv[2]
index = json.load(open(path))
for m in index["manifests"]:
    a = m.setdefault("annotations", {})
    a["org.opencontainers.image.ref.name"] = ref
    a["io.containerd.image.name"] = ref
json.dump(index, open(path, "w"), separators=(",", ":"))
PY
mkdir -p "$(dirname "$out")"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$out.tmp" .
mv -f "$out.tmp" "$out"
echo "build-image: $out ($full, $(du -h "$out" | cut -f1); root file system $(du -sh "$root" | cut -f1))" >&2
