#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 230-no-pivot.sh: a rootfs on a ramfs (as in an initramfs, where pivot_root is refused): `run
# --no-pivot` works (MS_MOVE + chroot), and the container still gets its mounts, masks and read-only
# root. Each case runs in a private mount namespace
# (unshare -m; for the test user unshare -rm, where it is root of a user namespace of its own).
# The runs use --cgroup-manager disabled: inside unshare -rm the test user is uid 0 but has no
# cgroup to write, and cgroups are not what this test is about.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
need unshare "unshare(1) (util-linux) makes the private mount namespace"

b=$(new_bundle)
ram=$(mktemp -d "$_t_dir/ram.XXXXXX")
cfg "$b" '.root.path = "rootfs" | .process.args = ["/usr/bin/probe", "mounts"]'
if is_root; then
        us=(unshare -m --propagation private)
else
        us=(unshare -rm --propagation private)
        # In the test's own user namespace our id is 0: map that.
        cfg "$b" '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}] | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
fi
cp "$b/config.json" "$ram.config.json"
# shellcheck disable=SC2016 # expanded by the inner shell
script='set -e
mount -t ramfs ramfs "$1"
cp -a "$2/." "$1/rootfs/" 2>/dev/null || { mkdir -p "$1/rootfs"; cp -a "$2/." "$1/rootfs/"; }
cp "$3" "$1/config.json"
cd "$1"
set +e
"$4" --cgroup-manager disabled --root "$1/state" run r1 >"$1/../nopivot-fail.out" 2>&1
echo "rc=$?" >>"$1/../nopivot-fail.out"
"$4" --cgroup-manager disabled --root "$1/state" run --no-pivot r2 >"$1/../nopivot.out" 2>&1
echo "rc=$?" >>"$1/../nopivot.out"
"$4" --root "$1/state" delete -f r1 >/dev/null 2>&1
"$4" --root "$1/state" delete -f r2 >/dev/null 2>&1
true'
mkdir -p "$ram/m"
if ! "${us[@]}" sh -c "$script" sh "$ram/m" "$OCIRT_ROOTFS" "$ram.config.json" "$OCIRT_BIN" 2>"$ram.err"; then
        skip_all "cannot set up a ramfs in a private mount namespace: $(cat "$ram.err")"
fi
fail_out=$(cat "$ram/nopivot-fail.out")
out=$(cat "$ram/nopivot.out")
# pivot_root refuses only the initial rootfs (a real initramfs); a ramfs mounted elsewhere pivots.
check_contains "ramfs root, pivot_root: runs too" "rc=0" "$fail_out"
check_contains "ramfs root with --no-pivot: runs" "rc=0" "$out"
root_line=$(awk '$5 == "/" { l = $0 } END { print l }' <<<"$out")
check_contains "--no-pivot: / is the ramfs" "ramfs" "$root_line"
check_contains "--no-pivot: / is read-only (root.readonly)" " ro" "$root_line"
check_contains "--no-pivot: /proc is mounted" " /proc " "$out"
check_contains "--no-pivot: /dev/pts is mounted" " /dev/pts " "$out"
check_contains "--no-pivot: a masked path is masked" " /proc/timer_list " "$out"
check_eq "nothing was mounted in the test's namespace" "" "$(grep -F "$ram" /proc/self/mountinfo)"
done_testing
