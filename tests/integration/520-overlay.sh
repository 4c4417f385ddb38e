#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 520-overlay.sh: --overlay[=fuse|kernel], --overlay-layer, --overlay-keep and the org.ocirt.overlay
# annotation: writes inside land in the upper dir, root.path stays unchanged, and the writes are gone
# after delete unless kept. A missing or failing fuse-overlayfs leaves nothing behind (no state dir,
# no process, no mount).
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude-helpers.sh"

need jq "jq edits the configs"
ID=it520-$$
lower_sum() { (cd "$OCIRT_ROOTFS" && find . -xdev -printf '%p %s %m\n' 2>/dev/null | sort | md5sum); }
mounts_of() { grep -F -- "$1" /proc/self/mountinfo; }
sum0=$(lower_sum)
script='echo new > /newfile && echo changed > /etc/hostname && cat /newfile /etc/hostname && ls /layerfile 2>/dev/null; true'

b=$(new_bundle)
cfg "$b" '.root.readonly = false'
args "$b" sh -c "$script"

modes=()
if command -v fuse-overlayfs >/dev/null && [ -r /dev/fuse ] && [ -w /dev/fuse ]; then modes+=(fuse); else
        skip "overlay=fuse" "fuse-overlayfs or a usable /dev/fuse is missing (tests/setup-host)"; fi
modes+=(kernel)
for m in "${modes[@]}"; do
        r run --bundle "$b" --overlay="$m" "$ID-$m"
        if [ "$m" = kernel ] && [ "$RC" -ne 0 ] && grep -q "kernel overlayfs" <<<"$ERR"; then
                skip "overlay=kernel" "this kernel refuses overlayfs here: $ERR"
                continue
        fi
        check_eq "overlay=$m: run exit status 0" 0 "$RC" || diag "$ERR"
        check_eq "overlay=$m: the container writes its rootfs" "new changed" "$(echo $OUT)"
        check_eq "overlay=$m: root.path is unchanged" "$sum0" "$(lower_sum)"
        check_eq "overlay=$m: nothing left after run (state, upper dir)" "" "$(state_left)"
        check_eq "overlay=$m: no mount left" "" "$(mounts_of "$STATE_ROOT")"
done
check_eq "overlay: no fuse-overlayfs left" "" "$(helper_procs fuse-overlayfs)"

# --- create/start/delete with the annotation; delete removes the writes ---
cfg "$b" '.annotations["org.ocirt.overlay"] = "fuse"'
args "$b" sh -c "$script; sleep 30"
o=$(mktemp)
RC=0
timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" create --bundle "$b" "$ID-ann" >"$o" 2>"$o.err" </dev/null || RC=$?
check_eq "annotation: create exit status 0" 0 "$RC" || diag "$(cat "$o.err")"
r start "$ID-ann"
check_eq "annotation: start exit status 0" 0 "$RC" || diag "$ERR"
wait_until 10 grep -q changed "$o"
check_eq "annotation: the container writes its rootfs" "new changed" "$(echo $(cat "$o"))"
check "annotation: the write is in the upper dir in the state" test -f "$STATE_ROOT/$ID-ann/overlay/upper/newfile"
r delete --force "$ID-ann"
check_eq "annotation: delete exit status 0" 0 "$RC" || diag "$ERR"
check_eq "annotation: delete removes the writes" "" "$(state_left)"
check_eq "annotation: root.path is unchanged" "$sum0" "$(lower_sum)"
wait_until 5 test -z "$(helper_procs fuse-overlayfs)"
check_eq "annotation: no fuse-overlayfs left" "" "$(helper_procs fuse-overlayfs)"
cfg "$b" 'del(.annotations)'
args "$b" sh -c "$script"

# --- a kept upper dir, and a further layer ---
keep=$(mktemp -d "$TMPDIR/keep.XXXXXX")
layer=$(mktemp -d "$TMPDIR/layer.XXXXXX")
chmod 0755 "$layer"
echo from-layer >"$layer/layerfile"
chmod 0644 "$layer/layerfile"
r run --bundle "$b" --overlay --overlay-keep "$keep" --overlay-layer "$layer" "$ID-keep"
check_eq "overlay-keep: run exit status 0" 0 "$RC" || diag "$ERR"
check_contains "overlay-layer: the layer's file is visible" "/layerfile" "$OUT"
check_eq "overlay-keep: the write stays in the kept upper dir" "new" "$(cat "$keep/upper/newfile" 2>&1)"
check_eq "overlay-keep: root.path is unchanged" "$sum0" "$(lower_sum)"
check_eq "overlay-layer: the layer is unchanged" "from-layer" "$(cat "$layer/layerfile")"
args "$b" cat /newfile
r run --bundle "$b" --overlay --overlay-keep "$keep" "$ID-keep2"
check_eq "overlay-keep: a second container sees the kept write" "new" "$OUT"
rm -rf "$keep"

# --- fuse-overlayfs missing from PATH ---
nopath=$(mktemp -d "$TMPDIR/nopath.XXXXXX")
pathwithout "$nopath" fuse-overlayfs
rpath "$nopath" run --bundle "$b" --overlay=fuse "$ID-nopath"
failed "fuse-overlayfs not in PATH"
check_contains "fuse-overlayfs not in PATH: names the package" "install the package 'fuse-overlayfs'" "$ERR"
check_eq "fuse-overlayfs not in PATH: no state left" "" "$(state_left)"

# --- fuse-overlayfs fails: its command line, its stderr; nothing left ---
fake=$(mktemp -d "$TMPDIR/fake.XXXXXX")
pathwithout "$fake" fuse-overlayfs
fakebin "$fake" fuse-overlayfs 'echo "fuse-overlayfs: cannot read upper dir: Permission denied (fake)" >&2; exit 1'
rpath "$fake" run --bundle "$b" --overlay=fuse "$ID-fail"
failed "failing fuse-overlayfs"
check_contains "failing fuse-overlayfs: the error shows its command line" "fuse-overlayfs -f -o lowerdir=$OCIRT_ROOTFS" "$ERR"
check_contains "failing fuse-overlayfs: the error keeps its stderr" "Permission denied (fake)" "$ERR"
check_eq "failing fuse-overlayfs: no state left" "" "$(state_left)"
check_eq "failing fuse-overlayfs: no mount left" "" "$(mounts_of "$STATE_ROOT")"

# --- a layer that does not exist ---
r run --bundle "$b" --overlay --overlay-layer /nonexistent-layer "$ID-nolayer"
failed "missing layer"
check_contains "missing layer: names it" "/nonexistent-layer" "$ERR"
check_eq "missing layer: no state left" "" "$(state_left)"

rm_ctr "$ID-fuse" "$ID-kernel" "$ID-ann" "$ID-keep" "$ID-keep2" "$ID-nopath" "$ID-fail" "$ID-nolayer"
done_testing
