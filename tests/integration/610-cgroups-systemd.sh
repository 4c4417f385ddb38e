#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 610-cgroups-systemd.sh: the systemd cgroup driver (--systemd-cgroup) on a cgroup v2 host with
# systemd: a transient scope per container (system.slice for root, the user manager's user.slice
# for a user), limits in the scope's cgroup, the slice:prefix:name form, update, pause, an OOM kill,
# delete stops the unit. Skipped where systemd does not run (tests/vm/run --systemd runs it).
source "$OCIRT_TESTS/lib/common.sh"
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" --systemd-cgroup "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
# shellcheck disable=SC2034
rf() {
        local o=$1
        shift
        RC=0
        timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" --systemd-cgroup "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
        OUT=$(cat "$o")
        ERR=$(cat "$o.err")
}
status_of() {
        local s
        s=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null) || { echo none; return; }
        jq -r '.status // "none"' <<<"$s" 2>/dev/null || echo none
}
pid_of() {
        timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null | jq -r '.pid // 0'
}

[ -d /run/systemd/system ] || skip_all "systemd is not running here (tests/vm/run --systemd runs this)"
[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] || skip_all "the systemd driver needs cgroup v2"
need jq "jq edits the configs"
if ! is_root; then
        [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -S "$XDG_RUNTIME_DIR/bus" ] || skip_all "no user manager bus (loginctl enable-linger)"
        export DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-unix:path=$XDG_RUNTIME_DIR/bus}
fi
P=/usr/bin/probe
ID=it610-$$
cgdir() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }

b=$(new_bundle)
args "$b" $P sleep 60
cfg "$b" '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 66}}'
rf "$b/out" run --detach --bundle "$b" "$ID"
check_eq "run --detach with --systemd-cgroup and limits" "0|" "$RC|$ERR"
pid=$(pid_of "$ID")
d=$(cgdir "$pid")
diag "cgroup: $d"
if is_root; then
        check_eq "root: the scope is system.slice/ocirt-ID.scope" "/sys/fs/cgroup/system.slice/ocirt-$ID.scope" "$d"
else
        check_contains "user: the scope is in the user manager's user.slice" "user@$(id -u).service/user.slice/ocirt-$ID.scope" "$d"
fi
check_eq "memory.max in the scope" 67108864 "$(cat "$d/memory.max")"
check_eq "pids.max in the scope" 66 "$(cat "$d/pids.max")"
sc=(systemctl)
is_root || sc=(systemctl --user)
check_eq "systemd knows the unit" active "$("${sc[@]}" is-active "ocirt-$ID.scope" 2>&1)"
r update --memory 96m "$ID"
check_eq "update" "0 100663296" "$RC $(cat "$d/memory.max")"
r pause "$ID"
check_eq "pause" "0 paused" "$RC $(status_of "$ID")"
r resume "$ID"
check_eq "resume" "0 running" "$RC $(status_of "$ID")"
r delete --force "$ID"
check_eq "delete --force" "0|" "$RC|$ERR"
sleep 0.5
state=$("${sc[@]}" is-active "ocirt-$ID.scope" 2>&1)
if [ "$state" != active ] && [ ! -e "$d" ]; then ok "delete: the unit is stopped and its cgroup gone"; else fail "delete: the unit is stopped and its cgroup gone" "$state, $(ls -d "$d" 2>&1)"; fi

slice=system.slice
is_root || slice=user.slice
b=$(new_bundle)
args "$b" $P sleep 60
cfg "$b" '.linux.cgroupsPath = "'$slice':mytest:'"$ID"'" | .linux.resources = {"pids": {"limit": 12}}'
rf "$b/out" run --detach --bundle "$b" "$ID-p"
pid=$(pid_of "$ID-p")
check_contains "cgroupsPath slice:prefix:name: the unit prefix-name.scope" "$slice/mytest-$ID.scope" "$(cgdir "$pid")"
r delete --force "$ID-p"

b=$(new_bundle)
args "$b" $P alloc 200
cfg "$b" '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}}'
r run --bundle "$b" "$ID-oom"
check_eq "a memory limit OOM-kills (exit 137)" 137 "$RC"
done_testing
