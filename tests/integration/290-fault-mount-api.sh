#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 290-fault-mount-api.sh: the COMPAT paths on the real kernel. tests/fault/seccomp-shim.c (compiled
# here) makes openat2 and/or the new mount API fail with ENOSYS or EPERM, as an old kernel or an
# outer container's seccomp profile would; ocirt must then walk paths by hand and mount(2) through
# /proc/self/fd, with the same result: the mounts, their flags, the masks, and no escape through a
# planted symlink.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
need cc "a C compiler builds the seccomp shim"
src=$OCIRT_TESTS/fault/seccomp-shim.c
[ -f "$src" ] || skip_all "no $src (tests/run copies tests/fault into its work directory)"
shim=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-shim.XXXXXX")/shim
trap 'rm -rf "${shim%/shim}"; _t_cleanup' EXIT
cc -O2 -o "$shim" "$src" -lseccomp 2>/dev/null || skip_all "cannot build the shim (libseccomp-dev missing?)"

ID=it290-$$
n=0
# shim_run ERRNO SYSCALLS BUNDLE ARGS...: OUT (stdout+stderr), RC.
shim_run() {
        local errno=$1 calls=$2 b=$3 e
        shift 3
        n=$((n + 1))
        args "$b" "$@"
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 "$shim" "$errno" "$calls" -- "$OCIRT_BIN" --debug --root "$STATE_ROOT" run --bundle "$b" "$ID-$n" 2>"$e" </dev/null) || RC=$?
        OUT=$OUT$'\n'$(cat "$e")
        rm -f "$e"
        oc delete -f "$ID-$n" >/dev/null 2>&1
}
opts() { awk -v d="$2" '$5 == d { o = $6 } END { print o }' <<<"$1"; }
has_opt() { [[ ",$1," == *",$2,"* ]]; }

# A private rootfs with a planted symlink: /evil -> / (and /evil2 -> ../../..).
rootfs=$(mktemp -d "$_t_dir/rootfs.XXXXXX")
cp -a "$OCIRT_ROOTFS/." "$rootfs/"
ln -s / "$rootfs/evil"
echo "not masked" >"$rootfs/etc/hostname"
ln -s ../../../../.. "$rootfs/evil2"
marker=ocirt-fault-$$-$RANDOM

b=$(new_bundle)
# The shim installs its filter under no_new_privs, which disables the setuid newuidmap: map only our own
# ids (the mount fallbacks are what this tests).
is_root || cfg "$b" '.linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1}]
                     | .linux.gidMappings = [{"containerID":0,"hostID":$g,"size":1}]' \
        --argjson u "$(id -u)" --argjson g "$(id -g)"
mkdir -p "$b/data"
echo data >"$b/data/f"
cfg "$b" '.root.path = $r | .mounts += [
  {"destination": "/mnt", "type": "bind", "source": "data", "options": ["rbind", "ro", "nosuid"]},
  {"destination": "/srv/rro", "type": "bind", "source": "/dev", "options": ["rbind", "rro"]},
  {"destination": ("/evil/tmp/" + $m), "type": "tmpfs", "source": "tmpfs"},
  {"destination": ("/evil2/tmp/" + $m + "-2"), "type": "tmpfs", "source": "tmpfs"}]
  | .linux.maskedPaths += ["/etc/hostname"]' --arg r "$rootfs" --arg m "$marker"
sub=$(awk '$5 ~ "^/dev/[^/]+$" { print $5 }' /proc/self/mountinfo | head -n 1)

for errno in ENOSYS EPERM; do
        for calls in openat2 fsopen open_tree move_mount mount_setattr openat2,fsopen,fsmount,fsconfig,open_tree,move_mount,mount_setattr; do
                t="$errno $calls"
                shim_run "$errno" "$calls" "$b" /usr/bin/probe mounts
                if ! check_eq "$t: the container runs" 0 "$RC"; then
                        diag "$OUT"
                        continue
                fi
                case $calls in
                openat2) check_contains "$t: the debug line names the fallback" "resolved component by component" "$OUT" ;;
                mount_setattr) ok "$t: (mount_setattr refused only where a flag is set)" ;;
                *) check_contains "$t: the debug line names the fallback" "using mount(2)" "$OUT" ;;
                esac
                for m in /proc /dev /dev/pts /dev/shm /sys; do
                        awk -v d="$m" '$5 == d { f = 1 } END { exit !f }' <<<"$OUT" || fail "$t: $m is mounted" "$OUT"
                done
                o=$(opts "$OUT" /mnt)
                if has_opt "$o" ro && has_opt "$o" nosuid; then ok "$t: bind ro,nosuid"; else fail "$t: bind ro,nosuid" "$o"; fi
                if [ -n "$sub" ]; then
                        o=$(opts "$OUT" "/srv/rro/${sub#/dev/}")
                        if has_opt "$o" ro; then ok "$t: rro reaches the submount"; else fail "$t: rro reaches the submount" "$o"; fi
                fi
                o=$(opts "$OUT" /proc/sys)
                if has_opt "$o" ro; then ok "$t: readonlyPaths /proc/sys is ro"; else fail "$t: readonlyPaths /proc/sys is ro" "$o"; fi
                if awk '$5 == "/etc/hostname" { f = 1 } END { exit !f }' <<<"$OUT"; then ok "$t: maskedPaths file masked"; else fail "$t: maskedPaths file masked" "$OUT"; fi
                if awk -v d="/tmp/$marker" '$5 == d { f = 1 } END { exit !f }' <<<"$OUT"; then ok "$t: /evil/tmp/... landed in the rootfs's /tmp"; else fail "$t: /evil/tmp/... landed in the rootfs's /tmp" "$OUT"; fi
                check "$t: nothing created on the host" test ! -e "/tmp/$marker" -a ! -e "/tmp/$marker-2"
        done
done
# tmpcopyup (copy, then read-only) through mount(2).
mkdir -p "$rootfs/seed"
echo seeded >"$rootfs/seed/f"
cfg "$b" '.mounts += [{"destination": "/seed", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}]'
shim_run ENOSYS fsopen,open_tree,move_mount,mount_setattr "$b" /bin/sh -c 'cat /seed/f; echo x > /seed/f || echo refused'
check_contains "mount(2): tmpcopyup copies" seeded "$OUT"
check_contains "mount(2): tmpcopyup + ro is read-only after the copy" refused "$OUT"
# A terminal: /dev/pts/ptmx found by the walk (no symlink on the way) when openat2 is refused, and
# /dev/console bound through mount(2) when the mount API is too.
if command -v script >/dev/null 2>&1; then
        bt=$(new_bundle)
        is_root || cfg "$bt" '.linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1}]
                              | .linux.gidMappings = [{"containerID":0,"hostID":$g,"size":1}]' \
                --argjson u "$(id -u)" --argjson g "$(id -g)"
        cfg "$bt" '.process.terminal = true | .process.args = ["/usr/bin/probe", "tty"]'
        for errno in ENOSYS EPERM; do
                for calls in openat2 openat2,fsopen,fsmount,fsconfig,open_tree,move_mount,mount_setattr; do
                        t="terminal, $errno from openat2"
                        [ "$calls" = openat2 ] || t="$t and the mount API"
                        n=$((n + 1))
                        cmd=$(printf '%q ' "$shim" "$errno" "$calls" -- "$OCIRT_BIN" --debug --root "$STATE_ROOT" run --bundle "$bt" "$ID-$n")
                        RC=0
                        OUT=$(timeout -k 2 20 script -qec "$cmd" /dev/null </dev/null 2>&1) || RC=$?
                        OUT=$(tr -d '\r' <<<"$OUT")
                        oc delete -f "$ID-$n" >/dev/null 2>&1
                        check_eq "$t: the container runs" 0 "$RC" || diag "$OUT"
                        check_contains "$t: the walk resolved the paths" "resolved component by component" "$OUT"
                        check_contains "$t: stdin is the pty" "ttyname=/dev/pts/" "$OUT"
                        check_contains "$t: it is the controlling terminal" "ctty=1" "$OUT"
                done
        done
else
        skip "terminal under the shim" "no script(1) to give the run a terminal"
fi
# The container's /etc/hostname reads empty under the shim too.
shim_run ENOSYS openat2,fsopen,open_tree,move_mount,mount_setattr "$b" /bin/cat /etc/hostname
check_eq "all refused: masked file reads empty" "" "$(grep -v '^ocirt: debug' <<<"$OUT" | tr -d '\n')"
done_testing
