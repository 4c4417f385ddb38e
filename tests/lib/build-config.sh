#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/build-config.sh BUILDDIR: does the build in BUILDDIR lack an optional part that this
# host could now build? Prints the reason (one line) when it should be configured again, nothing
# when it is fine or not configured yet. Used by tests/run and contrib/try, which then run
# configure again with the options it was given (`config.status --config`).
# Today one part: the systemd cgroup driver, built when libsystemd-dev is installed (configure
# leaves it out when the package came after the build, and its tests would only be skipped).
set -u
b=${1:?usage: build-config.sh BUILDDIR}
[ -f "$b/config.h" ] && [ -x "$b/config.status" ] || exit 0
opts=$("$b/config.status" --config 2>/dev/null)
if ! grep -q '^#define HAVE_SYSTEMD 1' "$b/config.h" &&
        [[ $opts != *--disable-systemd* && $opts != *--enable-systemd=no* ]] &&
        pkg-config --exists libsystemd 2>/dev/null; then
        echo "libsystemd-dev is installed, but the build in $b has no systemd cgroup driver"
fi
exit 0
