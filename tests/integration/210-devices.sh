#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 210-devices.sh: linux.devices (char, block, fifo; fileMode, uid, gid), a file of the wrong kind at a
# device path, the default nodes and /dev symlinks of runtime-linux.md, /dev/ptmx, and /dev/console
# with a terminal. Root mknod()s; a rootless container binds the host's nodes.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
P=/usr/bin/probe
ID=it210-$$
n=0
run_in() { # BUNDLE ARGS...: OUT (stdout+stderr), RC
        local b=$1
        shift
        n=$((n + 1))
        args "$b" "$@"
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-$n" 2>&1 </dev/null) || RC=$?
        oc delete -f "$ID-$n" >/dev/null 2>&1
}

b=$(new_bundle)
# --- the /dev symlinks ---
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2 ptmx:pts/ptmx; do
        run_in "$b" $P stat "/dev/${l%%:*}"
        check_contains "/dev/${l%%:*} -> ${l#*:}" "target=${l#*:}" "$OUT"
done
run_in "$b" /bin/sh -c 'exec 3</dev/ptmx && echo opened'
check_contains "/dev/ptmx opens (the container's devpts)" opened "$OUT"

# --- linux.devices ---
if is_root; then
        cfg "$b" '.linux.devices = [
          {"path": "/dev/mydev", "type": "c", "major": 1, "minor": 5, "fileMode": 384, "uid": 1, "gid": 2},
          {"path": "/dev/sub/dir/myblk", "type": "b", "major": 7, "minor": 0, "fileMode": 432},
          {"path": "/dev/myfifo", "type": "p", "fileMode": 420},
          {"path": "/dev/myu", "type": "u", "major": 1, "minor": 3}]'
        run_in "$b" $P stat /dev/mydev
        check_eq "char device: runs" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$OUT"
        check_eq "char device: type" char "$(kv type "$OUT")"
        check_eq "char device: rdev" 1:5 "$(kv rdev "$OUT")"
        check_eq "char device: fileMode 0600" 0600 "$(kv mode "$OUT")"
        check_eq "char device: uid" 1 "$(kv uid "$OUT")"
        check_eq "char device: gid" 2 "$(kv gid "$OUT")"
        run_in "$b" $P stat /dev/sub/dir/myblk
        check_eq "block device in a new directory: type" block "$(kv type "$OUT")"
        check_eq "block device: rdev" 7:0 "$(kv rdev "$OUT")"
        check_eq "block device: fileMode 0660" 0660 "$(kv mode "$OUT")"
        run_in "$b" $P stat /dev/myfifo
        check_eq "fifo: type" fifo "$(kv type "$OUT")"
        check_eq "fifo: fileMode 0644" 0644 "$(kv mode "$OUT")"
        run_in "$b" $P stat /dev/myu
        check_eq "type u is a char device" char "$(kv type "$OUT")"
        cfg "$b" '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 1, "minor": 3}, {"path": "/dev/x", "type": "c", "major": 1, "minor": 5}]'
        run_in "$b" $P ids
        if [ "$RC" -ne 0 ]; then ok "a device path holding another device: error"; else fail "a device path holding another device: error" "$OUT"; fi
        check_contains "the error names .linux.devices[1]" ".linux.devices[1]" "$OUT"
        skip "binds of host nodes" "rootless only (root mknod()s)"
else
        cfg "$b" '.linux.devices = [{"path": "/dev/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 438},
                                    {"path": "/dev/full", "type": "c", "major": 1, "minor": 7}]'
        run_in "$b" $P stat /dev/zero
        check_eq "rootless: a configured device binds the host's node" 0 "$RC"
        check_eq "rootless: rdev" 1:5 "$(kv rdev "$OUT")"
        run_in "$b" /bin/sh -c 'head -c 4 /dev/zero | od -An -tx1'
        check_contains "rootless: the bound /dev/zero reads zeros" "00 00 00 00" "$OUT"
        cfg "$b" '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 5}]'
        run_in "$b" $P ids
        if [ "$RC" -ne 0 ]; then ok "rootless: a host node of another number: error"; else fail "rootless: a host node of another number: error" "$OUT"; fi
        check_contains "rootless: the error names .linux.devices[0]" ".linux.devices[0]" "$OUT"
        cfg "$b" '.linux.devices = [{"path": "/dev/ocirt-no-such-device", "type": "c", "major": 1, "minor": 3}]'
        run_in "$b" $P ids
        if [ "$RC" -ne 0 ]; then ok "rootless: a device the host lacks: error"; else fail "rootless: a device the host lacks: error" "$OUT"; fi
        check_contains "rootless: the hint says why" "only bind devices that exist on the host" "$OUT"
        skip "mknod of char, block and fifo nodes with fileMode, uid, gid" "root only: a user namespace cannot mknod"
fi
cfg "$b" '.linux.devices = []'

# --- a regular file of the image at a device path (no tmpfs on /dev) ---
rootfs=$(mktemp -d "$_t_dir/rootfs.XXXXXX")
cp -a "$OCIRT_ROOTFS/." "$rootfs/"
mkdir -p "$rootfs/dev"
rm -f "$rootfs/dev/zero"
echo "not a device" >"$rootfs/dev/zero"
b2=$(new_bundle)
cfg "$b2" '.root.path = $r | .mounts = [.mounts[] | select(.destination != "/dev")]' --arg r "$rootfs"
run_in "$b2" $P ids
if [ "$RC" -ne 0 ]; then ok "a regular file at /dev/zero: error"; else fail "a regular file at /dev/zero: error" "$OUT"; fi
check_contains "the error names /dev/zero" "/dev/zero" "$OUT"
check_eq "the image's file is untouched" "not a device" "$(cat "$rootfs/dev/zero")"

# --- /dev/console with a terminal ---
if command -v script >/dev/null 2>&1; then
        cfg "$b" '.process.terminal = true'
        args "$b" $P stat /dev/console
        cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-tty")
        OUT=$(timeout -k 2 10 script -qec "$cmd" /dev/null </dev/null 2>&1 | tr -d '\r')
        oc delete -f "$ID-tty" >/dev/null 2>&1
        check_contains "terminal: /dev/console is a char device" "type=char" "$OUT"
        check_contains "terminal: /dev/console is the pty (major 136)" "rdev=136:" "$OUT"
        cfg "$b" '.process.terminal = false'
else
        skip "terminal: /dev/console" "script(1) is missing"
        skip "terminal: /dev/console is the pty" "script(1) is missing"
fi
run_in "$b" $P stat /dev/console
if [ "$RC" -ne 0 ] || [ "$(kv type "$OUT")" != char ]; then ok "no terminal: no /dev/console node"; else fail "no terminal: no /dev/console node" "$OUT"; fi
done_testing
