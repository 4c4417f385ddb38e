#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkrootfs.sh OUTDIR [PROBE_BINARY]
#
# Build a tiny root filesystem from Debian's busybox-static: OUTDIR/bin/busybox,
# one symlink per applet (at the path `busybox --list-full` gives), the usual
# mount points, minimal /etc files, and the test probe at /usr/bin/probe when
# one is given. It is the test rootfs and the quick start's default rootfs.
#
# Idempotent and fast: a second run only refreshes what changed. No network.
set -eu

BUSYBOX=${OCIRT_BUSYBOX:-/bin/busybox}

die() {
        echo "mkrootfs: $*" >&2
        exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: mkrootfs.sh OUTDIR [PROBE_BINARY]"
out=$1
probe=${2:-}

[ -x "$BUSYBOX" ] ||
        die "$BUSYBOX not found: install the Debian package 'busybox-static' (apt-get install busybox-static)"

# The rootfs has no libc, so busybox must be static. `file` may be missing on a
# fresh machine; ldd (libc-bin, always there) answers the same question.
is_static() {
        if command -v file >/dev/null 2>&1; then
                file -L "$1" | grep -q 'statically linked'
        else
                ! ldd "$1" >/dev/null 2>&1
        fi
}
is_static "$BUSYBOX" ||
        die "$BUSYBOX is dynamically linked: install the Debian package 'busybox-static' (it replaces 'busybox')"
if [ -n "$probe" ]; then
        [ -f "$probe" ] || die "probe '$probe' not found (build it with 'make tests/probe/probe')"
        is_static "$probe" || die "probe '$probe' is not statically linked"
fi

umask 022
mkdir -p "$out"
cd "$out"

for d in bin sbin usr/bin usr/sbin etc dev proc sys run var var/tmp root home mnt tmp; do
        [ -d "$d" ] || mkdir -p "$d"
done
chmod 1777 tmp var/tmp
chmod 0755 root

# Copy a file only when it differs (keeps a second run cheap and avoids
# ETXTBSY when a container from a previous run still executes it).
install_file() {
        if ! cmp -s "$1" "$2"; then
                rm -f "$2"
                cp "$1" "$2"
                chmod 0755 "$2"
        fi
}
install_file "$BUSYBOX" bin/busybox
[ -z "$probe" ] || install_file "$probe" usr/bin/probe

# One symlink per applet. The stamp records which busybox the links were made
# for, so an unchanged rootfs costs one cksum instead of ~400 ln calls.
stamp=.ocirt-rootfs-links
want=$(cksum <bin/busybox)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        bin/busybox --list-full | while read -r path; do
                case $path in
                "" | bin/busybox | linuxrc) continue ;;
                esac
                [ -L "$path" ] || [ -e "$path" ] || ln -s /bin/busybox "$path"
        done
        printf '%s\n' "$want" >"$stamp"
fi
[ -e bin/sh ] || ln -s /bin/busybox bin/sh

write_if_changed() { # FILE CONTENT
        if [ ! -f "$1" ] || [ "$(cat "$1")" != "$2" ]; then
                printf '%s\n' "$2" >"$1"
        fi
}
write_if_changed etc/passwd 'root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false'
write_if_changed etc/group 'root:x:0:
tty:x:5:
users:x:100:
nogroup:x:65534:'
write_if_changed etc/hosts '127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback'
[ -f etc/resolv.conf ] && [ ! -s etc/resolv.conf ] || : >etc/resolv.conf
chmod 0644 etc/passwd etc/group etc/hosts etc/resolv.conf
