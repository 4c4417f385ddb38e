#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 280-host-safety-dev.sh: nothing ocirt makes for /dev lands in a host directory (issue 13.1). A
# /dev bound from the host (`-v /dev:/dev`) gets no default devices, no /dev symlinks, no console
# placeholder, and its ptmx stays what it was, as with runc 1.1.5; the config's own mounts below it
# (devpts on /dev/pts) are still made, in the container's mount namespace. The same for a device of
# linux.devices in a bound /dev/shm, and for a host mount inside the rootfs itself. Always a
# temporary directory planted for the test, never the real /dev.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=mounts280-$$
made="null zero full random urandom tty fd stdin stdout stderr console"

# plant DIR: a host directory with an ordinary file at ptmx (and, as root, a real null node: the
# masked paths are bound from the container's /dev/null).
plant() {
        rm -rf "$1"
        mkdir -p "$1"
        echo planted >"$1/ptmx"
        if is_root; then mknod -m 666 "$1/null" c 1 3; fi
}
# left DIR: the names of $made that appeared in DIR (nothing when it is untouched).
left() {
        local x out=""
        for x in $made; do
                is_root && [ "$x" = null ] && continue # planted
                if [ -e "$1/$x" ] || [ -L "$1/$x" ]; then out+=" $x"; fi
        done
        echo "${out# }"
}

hostdev=$_t_dir/hostdev
plant "$hostdev"
b=$(new_bundle)
# Rootless, the host dir has no null node to mask /proc files with: no masked paths then.
is_root || cfg "$b" '.linux.maskedPaths = []'
cfg "$b" '(.mounts[] | select(.destination == "/dev")) |= {destination: "/dev", type: "bind", source: $d, options: ["rbind", "rw"]}' --arg d "$hostdev"

# --- a /dev bound from the host ---
run_bundle "$b" /bin/sh -c 'ls -a /dev; grep " /dev/pts " /proc/self/mountinfo'
check_eq "bound /dev: the container runs" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"
check_eq "bound /dev: no default device, symlink or console in the host dir" "" "$(left "$hostdev")"
check_eq "bound /dev: the host's ptmx is still a plain file" "planted" "$(test -f "$hostdev/ptmx" && ! test -L "$hostdev/ptmx" && cat "$hostdev/ptmx")"
check_contains "bound /dev: the config's devpts is mounted on /dev/pts (as runc)" " - devpts " "$OUT"
check "bound /dev: the mount point of /dev/pts is all that was made" test -d "$hostdev/pts"

# --- the same with a terminal: no /dev/console placeholder in the host dir ---
if command -v script >/dev/null 2>&1; then
        plant "$hostdev"
        cfg "$b" '.process.terminal = true'
        args "$b" /bin/sh -c 'tty; echo ran'
        cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-tty")
        OUT=$(timeout -k 2 10 script -qec "$cmd" /dev/null </dev/null 2>&1 | tr -d '\r')
        rm_ctr "$ID-tty"
        check_contains "bound /dev, terminal: the container runs" "ran" "$OUT"
        check_eq "bound /dev, terminal: nothing made in the host dir" "" "$(left "$hostdev")"
        check_eq "bound /dev, terminal: the host's ptmx is untouched" "planted" "$(cat "$hostdev/ptmx" 2>&1)"
        cfg "$b" '.process.terminal = false'
else
        skip "bound /dev, terminal: runs" "script(1) is missing"
        skip "bound /dev, terminal: nothing made" "script(1) is missing"
        skip "bound /dev, terminal: ptmx" "script(1) is missing"
fi

# --- linux.devices in a bound /dev (runc skips them) and in a bound /dev/shm ---
plant "$hostdev"
hostshm=$_t_dir/hostshm
mkdir -p "$hostshm"
# A device the host has, so that a rootless runtime could bind it.
cfg "$b" '.linux.devices = [{path: "/dev/mydev", type: "c", major: 1, minor: 5},
                            {path: "/dev/shm/sub/myzero", type: "c", major: 1, minor: 5}]
          | .mounts += [{destination: "/dev/shm", type: "bind", source: $s, options: ["bind"]}]' --arg s "$hostshm"
run_bundle "$b" $P ids
check_eq "linux.devices in host dirs: the container runs" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"
check "linux.devices: no node in the bound /dev" test ! -e "$hostdev/mydev"
check_eq "linux.devices: nothing in the bound /dev/shm (no node, no parent dir)" "" "$(ls -A "$hostshm")"
cfg "$b" 'del(.linux.devices) | .mounts |= map(select(.destination != "/dev/shm" or .type != "bind"))'

# --- control: a tmpfs /dev still gets everything ---
c=$(new_bundle)
run_bundle "$c" /bin/sh -c 'ls -a /dev'
for x in null zero full random urandom tty fd stdin stdout stderr ptmx; do
        check_contains "tmpfs /dev: has $x" "$x" "$OUT"
done

# --- a host mount inside the rootfs (root.path with a host /dev below it) ---
if is_root && command -v unshare >/dev/null 2>&1; then
        plant "$hostdev"
        d=$(new_bundle)
        cfg "$d" '.mounts |= map(select(.destination | startswith("/dev") | not))'
        args "$d" /bin/sh -c 'ls /dev >/dev/null; echo ran'
        cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$d" "$ID-sub")
        # A private mount namespace: the bind over the rootfs's /dev never reaches the test host.
        OUT=$(timeout -k 2 20 unshare -m --propagation private sh -c "mount --bind '$hostdev' '$OCIRT_ROOTFS/dev' && $cmd" 2>&1 </dev/null)
        rm_ctr "$ID-sub"
        check_contains "host mount at the rootfs's /dev: the container runs" ran "$OUT"
        check_eq "host mount at the rootfs's /dev: nothing made in it" "" "$(left "$hostdev")"
        check_eq "host mount at the rootfs's /dev: ptmx untouched" "planted" "$(cat "$hostdev/ptmx" 2>&1)"
else
        skip "host mount in the rootfs: runs" "root only (mounts in a private namespace)"
        skip "host mount in the rootfs: nothing made" "root only"
        skip "host mount in the rootfs: ptmx" "root only"
fi
done_testing
