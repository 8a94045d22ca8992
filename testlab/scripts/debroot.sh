# Debian roots made with debootstrap (sourced, not run): fresh-machine.sh (a root to build and test
# in) and systemd-lab.sh (a root to boot under systemd-nspawn) use them. They need root.
#
#   debroot_mirrors SUITE                 sets MIRROR and SECURITY: this machine's apt sources for the
#                                         suite, else deb.debian.org
#   debroot_need_debootstrap              installs debootstrap on this machine when missing
#   debroot_bootstrap ROOT INCLUDE [TGZ]  debootstrap --variant=minbase with the packages INCLUDE
#                                         (comma-separated); with TGZ, from that tarball of the
#                                         packages (made there on the first run, as FRESH_CACHE does)
#   debroot_configure ROOT                apt sources as a machine installed from MIRROR, this
#                                         machine's resolver and local CA certificates
#   debroot_chroot ROOT CMD...            CMD in the root as a root login, none of this environment
# SUITE is bookworm (Debian 12) for both callers.

# The host's Debian mirror: the URI of the apt source that carries the suite itself (deb822 or one-line).
debroot_host_mirror() { # SUITE
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk -v suite="$1" '
            /^[[:space:]]*$/ { if (ok && u != "") { print u; exit } ok = 0; u = ""; next }
            /^URIs:/ { u = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END { if (ok && u != "") print u }' "$f" | head -n1)
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(awk -v suite="$1" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i !~ /^\[/ && $(i + 1) == suite) { print $i; exit } }' "$f")
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
}

debroot_mirrors() { # SUITE
    DEBROOT_SUITE=$1
    MIRROR=$(debroot_host_mirror "$1")
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
    SECURITY=$(debroot_host_mirror "$1-security")
    SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
}

debroot_need_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    echo "installing debootstrap on this machine" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
}

debroot_bootstrap() { # ROOT INCLUDE [TARBALL]
    local root=$1 include=$2 tarball=${3:-} scratch
    if [ -n "$tarball" ]; then
        if [ ! -s "$tarball" ]; then
            mkdir -p "$(dirname "$tarball")"
            scratch=$(mktemp -d "$(dirname "$tarball")/debroot-tarball.XXXXXX")
            debootstrap --variant=minbase --include="$include" --make-tarball="$tarball.part" "$DEBROOT_SUITE" "$scratch" "$MIRROR"
            mv "$tarball.part" "$tarball"
            rm -rf "$scratch"
        fi
        debootstrap --variant=minbase --include="$include" --unpack-tarball="$tarball" "$DEBROOT_SUITE" "$root" "$MIRROR"
    else
        debootstrap --variant=minbase --include="$include" "$DEBROOT_SUITE" "$root" "$MIRROR"
    fi
}

# As a machine installed from this mirror: the suite, its updates and security.
debroot_configure() { # ROOT
    local root=$1
    rm -f "$root/etc/apt/sources.list"
    cat > "$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $DEBROOT_SUITE $DEBROOT_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY
Suites: $DEBROOT_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
        mkdir -p "$root/usr/local/share/ca-certificates"
        cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
    fi
    if [ -x "$root/usr/sbin/update-ca-certificates" ]; then
        debroot_chroot "$root" update-ca-certificates
    fi
}

# A login shell as root in the root, with nothing of this machine's environment.
debroot_chroot() { # ROOT CMD...
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
