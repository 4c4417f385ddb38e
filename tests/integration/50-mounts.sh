#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 50-mounts.sh: a read-only root, bind mounts from the bundle (relative source, read-write and
# read-only), and the default mounts: /proc, the /dev nodes, /dev/pts, /dev/shm, /sys.
source "$OCIRT_TESTS/lib/common.sh"
# --- shared prelude of tests/integration (kept inline: every script stands alone) ---
# r ARGS...: ocirt --root STATE_ROOT ARGS under a time limit (10 s, then KILL: a foreground run
# forwards the TERM of timeout(1) to its container), for commands that leave no container
# process holding stdout; sets OUT, ERR and RC. rf FILE ARGS...: the same with stdout in FILE and
# stderr in FILE.err (create, run --detach: the container keeps its stdio open).
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
# shellcheck disable=SC2034 # OUT and ERR are for the caller
rf() {
        local o=$1
        shift
        RC=0
        timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
        OUT=$(cat "$o")
        ERR=$(cat "$o.err")
}
# alive PID: the process exists and is not a zombie.
alive() {
        [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
# status_of ID: the container's status from `state`, or "none".
status_of() {
        local s
        s=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null) || { echo none; return; }
        jq -r '.status // "none"' <<<"$s" 2>/dev/null || echo none
}
# wait_status ID STATUS [TENTHS]: poll until the container has STATUS (default 5 s).
wait_status() {
        local i n=${3:-50}
        for ((i = 0; i < n; i++)); do
                [ "$(status_of "$1")" = "$2" ] && return 0
                sleep 0.1
        done
        return 1
}
# rm_ctr ID...: force-delete, quietly, whatever state the containers are in.
rm_ctr() {
        local id
        for id in "$@"; do
                timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 </dev/null || true
        done
}
# field KEY TEXT: the value of the first KEY=value word in TEXT (the probe's output format).
field() {
        grep -oE "(^|[[:space:]])$1=[^[:space:]]*" <<<"$2" | head -n 1 | sed 's/^[[:space:]]*[^=]*=//'
}
# state_left: what is under the state root (nothing when it does not exist).
state_left() {
        ls -A "$STATE_ROOT" 2>/dev/null
}
# --- end of prelude ---

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
