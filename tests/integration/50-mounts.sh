#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 50-mounts.sh: a read-only root, bind mounts from the bundle (relative source, read-write and
# read-only), and the default mounts: /proc, the /dev nodes, /dev/pts, /dev/shm, /sys.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it50-$$
b=$(new_bundle)
n=0

# probe ARGS...: run the probe in a fresh container of bundle $b; OUT (stdout and stderr), RC.
probe() {
        n=$((n + 1))
        args "$b" $P "$@"
        r run --bundle "$b" "$ID-$n"
        OUT=$OUT${ERR:+$'\n'$ERR}
        rm_ctr "$ID-$n"
}

# --- the read-only root ---
probe write /ocirt-probe-file hello
if [ "$RC" -ne 0 ]; then ok "readonly root: writing / fails"; else fail "readonly root: writing / fails" "exit 0: $OUT"; fi
check_contains "readonly root: with EROFS" EROFS "$OUT"
check "readonly root: nothing reached the rootfs" test ! -e "$OCIRT_ROOTFS/ocirt-probe-file"
if [ -d "$OCIRT_ROOTFS/tmp" ]; then
        probe write /tmp/ocirt-probe-file hello
        if [ "$RC" -ne 0 ]; then ok "readonly root: /tmp (not a mount) is not writable"; else fail "readonly root: /tmp (not a mount) is not writable" "$OUT"; fi
        check_contains "readonly root: /tmp gives EROFS" EROFS "$OUT"
else
        skip "readonly root: /tmp" "no /tmp in the rootfs"
        skip "readonly root: /tmp EROFS" "no /tmp in the rootfs"
fi

# --- bind mounts from the bundle: relative sources ---
# Mount points must exist in the (shared, read-only) rootfs: take two existing directories.
dirs=()
for d in mnt srv opt media home root; do
        [ -d "$OCIRT_ROOTFS/$d" ] && [ ! -L "$OCIRT_ROOTFS/$d" ] && dirs+=("/$d")
done
if [ ${#dirs[@]} -ge 2 ]; then
        rw=${dirs[0]} ro=${dirs[1]}
        mkdir -p "$b/data-rw" "$b/data-ro"
        echo "content of the rw bind" >"$b/data-rw/file"
        echo "content of the ro bind" >"$b/data-ro/file"
        cfg "$b" '.mounts += [{"destination": $rw, "type": "bind", "source": "data-rw", "options": ["rbind"]},
                              {"destination": $ro, "type": "bind", "source": "data-ro", "options": ["rbind", "ro"]}]' \
                --arg rw "$rw" --arg ro "$ro"
        probe read "$rw/file"
        check_eq "bind (relative source): exit 0" 0 "$RC"
        check_contains "bind (relative source): its content is visible" "content of the rw bind" "$OUT"
        probe write "$rw/new" "written inside"
        check_eq "bind: writable inside" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$OUT"
        check_contains "bind: the write reaches the bundle" "written inside" "$(cat "$b/data-rw/new" 2>&1)"
        probe read "$ro/file"
        check_contains "read-only bind: its content is visible" "content of the ro bind" "$OUT"
        probe write "$ro/new" "must fail"
        if [ "$RC" -ne 0 ]; then ok "read-only bind: writing fails"; else fail "read-only bind: writing fails" "$OUT"; fi
        check_contains "read-only bind: with EROFS" EROFS "$OUT"
        check "read-only bind: nothing reached the bundle" test ! -e "$b/data-ro/new"
        probe mounts
        if awk -v d="$ro" '$5 == d' <<<"$OUT" | grep -Eq '(^|[ ,])ro(,|[ ]|$)'; then ok "read-only bind: mountinfo says ro"; else fail "read-only bind: mountinfo says ro" "$(awk -v d="$ro" '$5 == d' <<<"$OUT")"; fi
        cfg "$b" '.mounts = [.mounts[] | select(.source != "data-rw" and .source != "data-ro")]'
else
        for t in "bind content" "bind write" "bind write reaches bundle" "ro bind content" "ro bind write fails" "ro bind EROFS" "ro bind bundle" "ro mountinfo"; do
                skip "$t" "the rootfs has fewer than two of /mnt /srv /opt /media /home /root"
        done
fi
check_eq "bind mounts: nothing of the bundle is mounted on the host" "" "$(grep -F -- "$b" /proc/self/mountinfo)"

# --- default mounts ---
probe mounts
mi=$OUT
for m in /proc /dev /dev/pts /dev/shm /sys; do
        if awk -v d="$m" '$5 == d { f = 1 } END { exit !f }' <<<"$mi"; then ok "default mounts: $m is mounted"; else fail "default mounts: $m is mounted" "$mi"; fi
done
check_eq "default mounts: /dev/pts is devpts" devpts "$(awk '$5 == "/dev/pts" { for (i = 6; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' <<<"$mi")"
check_eq "default mounts: /proc is procfs" proc "$(awk '$5 == "/proc" { for (i = 6; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' <<<"$mi")"

probe pid
check_eq "/proc is this pid namespace's (probe pid)" 1 "$(field pid "$OUT")"
probe read /proc/self/stat
if [[ "$OUT" =~ ^1\  ]]; then ok "/proc/self is pid 1"; else fail "/proc/self is pid 1" "$OUT"; fi

devnode() { # PATH RDEV
        probe stat "$1"
        check_eq "$1: a char device" char "$(field type "$OUT")"
        check_eq "$1: rdev $2" "$2" "$(field rdev "$OUT")"
}
devnode /dev/null 1:3
devnode /dev/zero 1:5
devnode /dev/full 1:7
devnode /dev/random 1:8
devnode /dev/urandom 1:9
devnode /dev/tty 5:0
probe write /dev/null "into the void"
check_eq "/dev/null is writable" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"
probe stat /dev/ptmx
check_contains "/dev/ptmx exists" "type=" "$OUT"
probe write /dev/shm/ocirt-probe "shm"
check_eq "/dev/shm is writable" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"
probe mkdir /dev/ocirt-probe-dir
check_eq "/dev is a writable tmpfs" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"

probe stat /sys/kernel
check_eq "/sys is present" dir "$(field type "$OUT")"
sys_ro=$(jq -r '[.mounts[] | select(.destination == "/sys")][0].options // [] | index("ro") != null' "$b/config.json")
probe mkdir /sys/ocirt-probe-dir
if ! is_root || [ "$sys_ro" = true ]; then
        if [ "$RC" -ne 0 ]; then ok "/sys is read-only"; else fail "/sys is read-only" "$OUT"; fi
        check_contains "/sys is read-only: EROFS" EROFS "$OUT"
else
        skip "/sys is read-only" "the config mounts /sys read-write"
        skip "/sys is read-only: EROFS" "the config mounts /sys read-write"
fi

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
