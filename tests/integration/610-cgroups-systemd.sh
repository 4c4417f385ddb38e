#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 610-cgroups-systemd.sh: the systemd cgroup driver (--systemd-cgroup) on a cgroup v2 host with
# systemd: a transient scope per container (system.slice for root, the user manager's user.slice
# for a user), the limits both as unit properties (systemctl show) and in the scope's cgroup files,
# org.systemd.property.* annotations (and bad ones refused with nothing left behind), the
# slice:prefix:name form, update (properties that survive daemon-reload), pause, an OOM kill, delete
# stops the unit. Skipped where systemd does not run (tests/vm/run --systemd runs it).
source "$OCIRT_TESTS/lib/common.sh"
# Under TCG every exec costs: the helpers read files and JSON with bash builtins (no cat, no jq).
# shellcheck disable=SC2034
rf() { # OUTFILE ARG...: ocirt --systemd-cgroup ARG...; RC, OUT, ERR
        local o=$1
        shift
        RC=0
        timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" --systemd-cgroup "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
        OUT=$(<"$o")
        ERR=$(<"$o.err")
}
r() {
        rf "$STATE_ROOT/.out" "$@"
}
state_field() { # ID FIELD DEFAULT: a string or number field of `ocirt state`
        local s
        s=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null)
        if [[ $s =~ \"$2\":[[:space:]]*\"?([^\",}[:space:]]*) ]]; then echo "${BASH_REMATCH[1]}"; else echo "$3"; fi
}
status_of() { state_field "$1" status none; }
pid_of() { state_field "$1" pid 0; }
[ -d /run/systemd/system ] || skip_all "systemd is not running here (tests/vm/run --systemd runs this)"
[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] || skip_all "the systemd driver needs cgroup v2"
need jq "jq edits the configs"
if ! is_root; then
        [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -S "$XDG_RUNTIME_DIR/bus" ] || skip_all "no user manager bus (loginctl enable-linger)"
        export DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-unix:path=$XDG_RUNTIME_DIR/bus}
fi
ID=it610-$$
cgdir() { # PID: its v2 cgroup directory
        local l
        while read -r l; do [[ $l != 0::* ]] || echo "/sys/fs/cgroup${l#0::}"; done <"/proc/$1/cgroup"
}

sc=(systemctl)
is_root || sc=(systemctl --user)
# "NAME=VALUE ..." from one `systemctl show UNIT`, and from the scope's files (builtins only: TCG
# makes every exec count).
show() { # UNIT PROP...
        local u=$1 p out line=""
        shift
        out=$("${sc[@]}" show "$u" "${@/#/-p}" 2>&1)
        for p in "$@"; do line+="${line:+ }$p=$(kv "$p" "$out")"; done
        echo "$line"
}
files() { # DIR FILE...
        local d=$1 f v line=""
        shift
        for f in "$@"; do
                v=missing
                read -r v 2>/dev/null <"$d/$f"
                line+="${line:+ }$f=$v"
        done
        echo "$line"
}

# cpuset and io are not delegated to a user manager by default (Debian: cpu memory pids).
cpu='"shares": 1024, "quota": 50000, "period": 100000'
is_root && cpu+=', "cpus": "0", "mems": "0"'
res='{"memory": {"limit": 67108864, "reservation": 16777216, "swap": 100663296}, "cpu": {'$cpu'}, "pids": {"limit": 66}'
is_root && res+=', "blockIO": {"weight": 500}'
res+='}'
b=$(new_bundle)
cfg "$b" '.process.args = ["/usr/bin/probe", "sleep", "60"] | .linux.resources = $r
          | .annotations = {"org.systemd.property.CollectMode": "'"'inactive-or-failed'"'",
                            "org.systemd.property.TimeoutStopUSec": "uint64 123456789"}' --argjson r "$res"
rf "$b/out" run --detach --bundle "$b" "$ID"
check_eq "run --detach with --systemd-cgroup, limits and annotations" "0|" "$RC|$ERR"
pid=$(pid_of "$ID")
d=$(cgdir "$pid")
U=ocirt-$ID.scope
diag "cgroup: $d"
if is_root; then
        check_eq "root: the scope is system.slice/ocirt-ID.scope" "/sys/fs/cgroup/system.slice/$U" "$d"
else
        check_contains "user: the scope is in the user manager's user.slice" "user@$(id -u).service/user.slice/$U" "$d"
fi
check_eq "systemd knows the unit" active "$("${sc[@]}" is-active "$U" 2>&1)"
# shares 1024 -> weight 39, swap (memory+swap) 96M -> swap alone 32M, quota/period -> 500ms per second
want_p="MemoryMax=67108864 MemoryLow=16777216 MemorySwapMax=33554432 CPUWeight=39 CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=100ms TasksMax=66"
want_f="memory.max=67108864 memory.low=16777216 memory.swap.max=33554432 cpu.weight=39 cpu.max=50000 100000 pids.max=66"
props=(MemoryMax MemoryLow MemorySwapMax CPUWeight CPUQuotaPerSecUSec CPUQuotaPeriodUSec TasksMax)
fl=(memory.max memory.low memory.swap.max cpu.weight cpu.max pids.max)
if is_root; then
        want_p+=" AllowedCPUs=0 AllowedMemoryNodes=0 IOWeight=4950"
        want_f+=" cpuset.cpus=0 cpuset.mems=0 io.weight=default 4950"
        props+=(AllowedCPUs AllowedMemoryNodes IOWeight)
        fl+=(cpuset.cpus cpuset.mems io.weight)
fi
sp=$(show "$U" "${props[@]}" CollectMode TimeoutStopUSec)
check_eq "the limits are unit properties" "$want_p" "${sp% CollectMode=*}"
check_eq "the limits are in the scope's files" "$want_f" "$(files "$d" "${fl[@]}")"
check_eq "annotations: CollectMode and TimeoutStopUSec" "CollectMode=inactive-or-failed TimeoutStopUSec=2min 3.456789s" \
        "CollectMode=${sp#* CollectMode=}"

r update --memory 96m --pids-limit 77 --cpu-quota 25000 "$ID"
check_eq "update: the files" "0 memory.max=100663296 pids.max=77 cpu.max=25000 100000" "$RC $(files "$d" memory.max pids.max cpu.max)"
check_eq "update: the unit properties" "MemoryMax=100663296 TasksMax=77 CPUQuotaPerSecUSec=250ms" \
        "$(show "$U" MemoryMax TasksMax CPUQuotaPerSecUSec)"
# A reload makes systemd write its values into the files again (memory.high, set only in the file
# here, goes back to max): the updated limits are its values too, so they stay. Shown with the user
# manager: the same SetUnitProperties call as root's, and its reload takes 3 s where the system
# manager's takes 7 under TCG.
if ! is_root; then
        echo 50331648 >"$d/memory.high"
        systemctl --user daemon-reload
        diag "after daemon-reload: $(files "$d" memory.high)"
        check_eq "daemon-reload keeps the updated limits" \
                "MemoryMax=100663296 TasksMax=77 memory.max=100663296 pids.max=77 cpu.max=25000 100000" \
                "$(show "$U" MemoryMax TasksMax) $(files "$d" memory.max pids.max cpu.max)"
fi
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
cfg "$b" '.process.args = ["/usr/bin/probe", "sleep", "60"] | .linux.cgroupsPath = "'$slice':mytest:'"$ID"'"
          | .linux.resources = {"pids": {"limit": 12}}
          | .annotations = {"org.systemd.property.TimeoutStopSec": "5"}'
rf "$b/out" run --detach --bundle "$b" "$ID-p"
pid=$(pid_of "$ID-p")
check_contains "cgroupsPath slice:prefix:name: the unit prefix-name.scope" "$slice/mytest-$ID.scope" "$(cgdir "$pid")"
check_eq "annotation NAMESec (seconds) is NAMEUSec" "TimeoutStopUSec=5s" "$(show "mytest-$ID.scope" TimeoutStopUSec)"
r delete --force "$ID-p"

# The init's cgroup namespace is rooted at its scope, however it got there (as root the runtime enters
# the scope before the clone; a user outside the user manager's subtree is put in at SYNC_EARLY, and
# then the init unshares its cgroup namespace afterwards).
b=$(new_bundle)
cfg "$b" '.process.args = ["/usr/bin/probe", "cgroup"]'
r run --bundle "$b" "$ID-ns"
check_eq "the container sees its scope as its cgroup root" "0|0::/" "$RC|$OUT"

b=$(new_bundle)
cfg "$b" '.process.args = ["/usr/bin/probe", "alloc", "200"] | .linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}}'
r run --bundle "$b" "$ID-oom"
check_eq "a memory limit OOM-kills (exit 137)" 137 "$RC"

# Refused annotations: a clear error naming it, and no container, unit or cgroup left behind. They
# go into the OOM bundle's config by text (jq is slow under TCG); its memory limit is there for
# the last case.
bad=$b
base=$(<"$bad/config.json")
refused() { # DESC WANT-IN-ERR ANNOTATION VALUE
        local n=$ID-bad left=""
        echo "{\"annotations\": {\"org.systemd.property.$3\": \"$4\"}, ${base#*\{}" >"$bad/config.json"
        rf "$bad/out" run --bundle "$bad" "$n"
        [ ! -e "$STATE_ROOT/$n" ] || left+=" state"
        [ ! -e "${d%/*}/ocirt-$n.scope" ] || left+=" cgroup"
        [ "$("${sc[@]}" show -p LoadState --value "ocirt-$n.scope" 2>&1)" = not-found ] || left+=" unit"
        if [ "$RC" != 0 ] && [[ $ERR == *"$3"* && $ERR == *"$2"* ]] && [ -z "$left" ]; then
                ok "$1"
                diag "$ERR"
        else
                fail "$1" "exit $RC, left:${left:- nothing}" "$ERR"
                oc delete --force "$n" >/dev/null 2>&1
        fi
}
refused "an unparseable annotation value" "uint64 N" TimeoutStopUSec forever
refused "a property systemd does not know" "NoSuchProperty" NoSuchProperty true
refused "an annotation for a limit the config sets" "memory.limit" MemoryMax "uint64 1048576"

done_testing
