#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 220-masked-readonly.sh: maskedPaths and readonlyPaths hold inside the container: a masked file
# reads empty and takes no write, a masked directory is empty and read-only, a read-only path refuses
# writes even to the container's root, and the container cannot remount them.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
P=/usr/bin/probe
ID=it220-$$
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

rootfs=$(mktemp -d "$_t_dir/rootfs.XXXXXX")
cp -a "$OCIRT_ROOTFS/." "$rootfs/"
mkdir -p "$rootfs/secret-dir/sub" "$rootfs/ro-dir"
echo "secret" >"$rootfs/secret-file"
echo "secret" >"$rootfs/secret-dir/f"
echo "original" >"$rootfs/ro-dir/f"
chmod -R a+rwX "$rootfs/ro-dir"
b=$(new_bundle)
# A writable root, so that only the paths' own mounts make anything read-only; all capabilities the
# default set has plus CAP_SYS_ADMIN would make remounting possible: keep the default set.
cfg "$b" '.root.path = $r | .root.readonly = false
          | .linux.maskedPaths += ["/secret-file", "/secret-dir", "/no/such/path"]
          | .linux.readonlyPaths += ["/ro-dir", "/no/such/ro"]' --arg r "$rootfs"

run_in "$b" $P read /secret-file
check_eq "masked file: runs" 0 "$RC"
check_eq "masked file: reads empty" "" "$OUT"
run_in "$b" $P write /secret-file overwritten
check_eq "masked file: a write goes to /dev/null" "secret" "$(cat "$rootfs/secret-file")"
run_in "$b" /bin/ls -A /secret-dir
check_eq "masked dir: empty" "" "$OUT"
run_in "$b" $P write /secret-dir/new x
if [ "$RC" -ne 0 ]; then ok "masked dir: read-only"; else fail "masked dir: read-only" "$OUT"; fi
check_contains "masked dir: EROFS" EROFS "$OUT"
run_in "$b" $P read /ro-dir/f
check_contains "read-only path: readable" original "$OUT"
run_in "$b" $P write /ro-dir/f changed
if [ "$RC" -ne 0 ]; then ok "read-only path: root in the container cannot write"; else fail "read-only path: root in the container cannot write" "$OUT"; fi
check_contains "read-only path: EROFS" EROFS "$OUT"
check_eq "read-only path: the file is unchanged" original "$(cat "$rootfs/ro-dir/f")"
run_in "$b" $P write /proc/sys/kernel/hostname changed
if [ "$RC" -ne 0 ]; then ok "default readonlyPaths: /proc/sys refuses writes"; else fail "default readonlyPaths: /proc/sys refuses writes" "$OUT"; fi
run_in "$b" $P read /proc/timer_list
check_eq "default maskedPaths: /proc/timer_list reads empty" "" "$OUT"
run_in "$b" $P write /other-file ok
check_eq "the root itself stays writable (root.readonly false)" 0 "$RC"

# Remount attempts from inside (busybox mount; the default capabilities lack CAP_SYS_ADMIN).
for target in /ro-dir /proc/sys /secret-dir; do
        run_in "$b" /bin/mount -o remount,rw,bind "$target"
        if [ "$RC" -ne 0 ]; then ok "remount $target rw from inside: refused"; else fail "remount $target rw from inside: refused" "$OUT"; fi
done
run_in "$b" /bin/umount /secret-file
if [ "$RC" -ne 0 ]; then ok "unmount of a masked file from inside: refused"; else fail "unmount of a masked file from inside: refused" "$OUT"; fi
run_in "$b" /bin/sh -c 'mount -o remount,rw /proc/sys 2>/dev/null; echo x > /ro-dir/f'
check_eq "after the attempts the read-only file is unchanged" original "$(cat "$rootfs/ro-dir/f")"

# (A process given CAP_SYS_ADMIN owns its mount namespace and may remount these, as with runc and
# crun: the mounts are made in the container's own namespace, so the kernel does not lock them.)
done_testing
