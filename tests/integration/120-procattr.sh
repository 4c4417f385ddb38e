#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 120-procattr.sh: the remaining process and linux fields, from inside the container:
# personality, scheduler (policies, nice, priority, flags, SCHED_DEADLINE), ioPriority,
# memoryPolicy (every mode and flag, nodes checked), sysctl (only in namespaces the container
# owns), hostname/domainname, netDevices (a veth moved in, renamed, up, its address kept; root
# only), and the fields this host cannot honour (intelRdt, apparmorProfile, selinuxLabel): a clear
# error naming what is missing. Bad values are refused with their JSON path.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it120-$$
b=$(new_bundle)
n=0

probe() {
        n=$((n + 1))
        args "$b" $P "$@"
        r run --bundle "$b" "$ID-$n"
        rm_ctr "$ID-$n"
}
refused() { # DESC NEEDLE...: the last run failed and its error contains every NEEDLE
        local d=$1 ndl
        shift
        if [ "$RC" -eq 0 ]; then
                fail "$d" "it ran" "$OUT"
                return
        fi
        for ndl in "$@"; do
                if [[ $ERR != *"$ndl"* ]]; then
                        fail "$d" "error without '$ndl':" "$ERR"
                        return
                fi
        done
        ok "$d"
}

# --- personality ---
cfg "$b" '.linux.personality = {"domain": "LINUX32"}'
probe personality
check_eq "personality LINUX32: exit 0" 0 "$RC"
check_eq "personality LINUX32: 0x8 inside" 0x8 "$(kv personality "$OUT")"
cfg "$b" '.linux.personality = {"domain": "LINUX"}'
probe personality
check_eq "personality LINUX: 0x0 inside" 0x0 "$(kv personality "$OUT")"
cfg "$b" '.linux.personality = {"domain": "BOGUS"}'
probe personality
refused "personality domain BOGUS: refused with its JSON path" ".linux.personality.domain"
cfg "$b" 'del(.linux.personality)'

# --- scheduler ---
sched() { cfg "$b" '.process.scheduler = $s' --argjson s "$1"; probe sched; }
sched '{"policy": "SCHED_BATCH", "nice": 5}'
check_eq "SCHED_BATCH nice 5: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "SCHED_BATCH nice 5: policy and nice" "3 5" "$(field policy "$OUT") $(field nice "$OUT")"
sched '{"policy": "SCHED_IDLE"}'
check_eq "SCHED_IDLE: policy 5" 5 "$(field policy "$OUT")"
sched '{"policy": "SCHED_OTHER", "nice": 3, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
check_eq "SCHED_OTHER nice 3 RESET_ON_FORK: policy, nice, flags" "0 3 0x1" "$(field policy "$OUT") $(field nice "$OUT") $(field flags "$OUT")"
sched '{"policy": "SCHED_ISO"}'
refused "SCHED_ISO (not implemented by Linux): refused, naming the field" ".process.scheduler"
sched '{"policy": "SCHED_FIFO", "priority": 0}'
refused "SCHED_FIFO priority 0: refused with its JSON path" ".process.scheduler.priority"
if is_root; then
        # With cgroup v1's RT group scheduling, a new cpu cgroup has no real-time runtime
        # (cpu.rt_runtime_us = 0): the kernel then refuses real-time policies even to root.
        sched '{"policy": "SCHED_FIFO", "priority": 10}'
        if [ "$RC" -ne 0 ] && [[ $ERR == *".process.scheduler"* ]] && [[ $ERR == *"permission denied"* || $ERR == *"not permitted"* ]]; then
                skip "SCHED_FIFO priority 10" "the container's cpu cgroup has no real-time runtime"
        else
                check_eq "SCHED_FIFO priority 10: policy and priority" "1 10" "$(field policy "$OUT") $(field priority "$OUT")"
        fi
        sched '{"policy": "SCHED_RR", "priority": 5}'
        if [ "$RC" -ne 0 ] && [[ $ERR == *".process.scheduler"* ]] && [[ $ERR == *"permission denied"* || $ERR == *"not permitted"* ]]; then
                skip "SCHED_RR priority 5" "the container's cpu cgroup has no real-time runtime"
        else
                check_eq "SCHED_RR priority 5: policy and priority" "2 5" "$(field policy "$OUT") $(field priority "$OUT")"
        fi
        sched '{"policy": "SCHED_DEADLINE", "runtime": 10000000, "deadline": 30000000, "period": 30000000}'
        if [ "$RC" -ne 0 ] && [[ $ERR == *"busy"* ]]; then
                skip "SCHED_DEADLINE" "no deadline bandwidth left on this host"
        else
                check_eq "SCHED_DEADLINE: policy runtime deadline period" "6 10000000 30000000 30000000" \
                        "$(field policy "$OUT") $(field runtime "$OUT") $(field deadline "$OUT") $(field period "$OUT")"
                [ "$RC" -eq 0 ] || diag "$ERR"
        fi
        sched '{"policy": "SCHED_OTHER", "nice": -5}'
        check_eq "negative nice as root: applied" "0 -5" "$(field policy "$OUT") $(field nice "$OUT")"
else
        sched '{"policy": "SCHED_FIFO", "priority": 10}'
        refused "SCHED_FIFO rootless: refused, naming the field" ".process.scheduler"
        sched '{"policy": "SCHED_DEADLINE", "runtime": 10000000, "deadline": 30000000, "period": 30000000}'
        refused "SCHED_DEADLINE rootless: refused, naming the field" ".process.scheduler"
        sched '{"policy": "SCHED_OTHER", "nice": -5}'
        refused "negative nice rootless: refused, naming the field" ".process.scheduler"
fi
cfg "$b" 'del(.process.scheduler)'

# --- ioPriority ---
iop() { cfg "$b" '.process.ioPriority = $s' --argjson s "$1"; probe ioprio; }
iop '{"class": "IOPRIO_CLASS_BE", "priority": 6}'
check_eq "ioPriority BE 6: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "ioPriority BE 6: class and priority" "2 6" "$(field class "$OUT") $(field priority "$OUT")"
iop '{"class": "IOPRIO_CLASS_IDLE"}'
check_eq "ioPriority IDLE: class 3" 3 "$(field class "$OUT")"
if is_root; then
        iop '{"class": "IOPRIO_CLASS_RT", "priority": 1}'
        check_eq "ioPriority RT 1 as root: class and priority" "1 1" "$(field class "$OUT") $(field priority "$OUT")"
else
        iop '{"class": "IOPRIO_CLASS_RT", "priority": 1}'
        refused "ioPriority RT rootless: refused, naming the field" ".process.ioPriority"
fi
iop '{"class": "IOPRIO_CLASS_BE", "priority": 9}'
refused "ioPriority 9: refused with its JSON path" ".process.ioPriority.priority"
cfg "$b" 'del(.process.ioPriority)'

# --- memoryPolicy ---
mpol() { cfg "$b" '.linux.memoryPolicy = $s' --argjson s "$1"; probe mempolicy; }
declare -A modes=([MPOL_DEFAULT]=0 [MPOL_PREFERRED]=1 [MPOL_BIND]=2 [MPOL_INTERLEAVE]=3 [MPOL_LOCAL]=4
        [MPOL_PREFERRED_MANY]=5 [MPOL_WEIGHTED_INTERLEAVE]=6)
for m in MPOL_DEFAULT MPOL_LOCAL MPOL_BIND MPOL_INTERLEAVE MPOL_PREFERRED MPOL_PREFERRED_MANY MPOL_WEIGHTED_INTERLEAVE; do
        case $m in MPOL_DEFAULT | MPOL_LOCAL) mpol "{\"mode\": \"$m\"}" ;; *) mpol "{\"mode\": \"$m\", \"nodes\": \"0\"}" ;; esac
        if [ "$RC" -ne 0 ] && [[ $m == MPOL_WEIGHTED_INTERLEAVE && $ERR == *"invalid argument"* ]]; then
                skip "memoryPolicy $m" "this kernel predates it (6.9)"
                continue
        fi
        want=${modes[$m]}
        # get_mempolicy() reports MPOL_LOCAL as MPOL_PREFERRED with no nodes on some kernels.
        got=$(field mode "$OUT")
        [ $m = MPOL_LOCAL ] && [ "$got" = 1 ] && got=4
        check_eq "memoryPolicy $m: mode inside" "$want" "$got"
        [ "$RC" -eq 0 ] || diag "$ERR"
done
mpol '{"mode": "MPOL_BIND", "nodes": "0"}'
check_eq "memoryPolicy BIND 0: node mask 0x1" 0x1 "$(field nodes "$OUT")"
for f in MPOL_F_STATIC_NODES:0x8000 MPOL_F_RELATIVE_NODES:0x4000 MPOL_F_NUMA_BALANCING:0x2000; do
        mpol "{\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": [\"${f%%:*}\"]}"
        check_eq "memoryPolicy BIND + ${f%%:*}: exit 0, flag inside" "0 ${f#*:}" "$RC $(field flags "$OUT")"
        [ "$RC" -eq 0 ] || diag "$ERR"
done
online=$(cat /sys/devices/system/node/online 2>/dev/null || echo 0)
mpol '{"mode": "MPOL_BIND", "nodes": "63"}'
refused "memoryPolicy nodes 63 (not online: $online): refused with its JSON path" ".linux.memoryPolicy.nodes" "online"
mpol '{"mode": "MPOL_BIND", "nodes": "0-x"}'
refused "memoryPolicy nodes '0-x': refused with its JSON path" ".linux.memoryPolicy"
mpol '{"mode": "MPOL_BIND"}'
refused "memoryPolicy BIND without nodes: the kernel's refusal names the field" ".linux.memoryPolicy"
mpol '{"mode": "MPOL_DEFAULT", "nodes": "0"}'
refused "memoryPolicy DEFAULT with nodes: refused, naming the field" ".linux.memoryPolicy"
mpol '{"mode": "MPOL_NOPE"}'
refused "memoryPolicy mode MPOL_NOPE: refused with its JSON path" ".linux.memoryPolicy.mode"
cfg "$b" 'del(.linux.memoryPolicy)'

# --- sysctl: only in the container's own namespaces ---
has_ns() { jq -e --arg t "$1" '[.linux.namespaces[] | select(.type == $t and (.path == null))] | length > 0' "$b/config.json" >/dev/null; }
has_ns network || cfg "$b" '.linux.namespaces += [{"type": "network"}]'
cfg "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "kernel.domainname": "sysctl.example",
                           "net/ipv4/conf/lo/forwarding": "1"}'
n=$((n + 1))
args "$b" /bin/sh -c "$P read /proc/sys/net/ipv4/ip_forward; $P read /proc/sys/kernel/shmmax; $P domainname; $P read /proc/sys/net/ipv4/conf/lo/forwarding"
r run --bundle "$b" "$ID-$n"
rm_ctr "$ID-$n"
check_eq "sysctl: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "sysctl net.ipv4.ip_forward, kernel.shmmax, kernel.domainname, net/ipv4/conf/lo/forwarding inside" \
        "1 123456789 sysctl.example 1" "$(echo $OUT)"
check_eq "sysctl: the host's ip_forward is unchanged" "$(cat /proc/sys/net/ipv4/ip_forward)" "$(cat /proc/sys/net/ipv4/ip_forward)"
cfg "$b" '.linux.sysctl = {"kernel.pid_max": "4194304"}'
probe ids
refused "sysctl kernel.pid_max (not namespaced): refused with its JSON path" '.linux.sysctl["kernel.pid_max"]' "not namespaced"
cfg "$b" '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
probe ids
refused "sysctl unknown to the kernel: refused with its JSON path" '.linux.sysctl["net.ipv4.no_such_knob"]'
cfg "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
probe ids
refused "sysctl net.* without a network namespace: refused, naming it" '.linux.sysctl["net.ipv4.ip_forward"]' "network"
cfg "$b" '.linux.sysctl = {"kernel.shmmax": "1"} | .linux.namespaces |= map(select(.type != "ipc"))'
probe ids
refused "sysctl kernel.shmmax without an ipc namespace: refused, naming it" '.linux.sysctl["kernel.shmmax"]' "ipc"
cfg "$b" '.linux.namespaces += [{"type": "ipc"}] | .linux.sysctl = {"kernel.hostname": "x"} | .linux.namespaces |= map(select(.type != "uts")) | del(.hostname)'
probe ids
refused "sysctl kernel.hostname without a uts namespace: refused, naming it" '.linux.sysctl["kernel.hostname"]' "uts"
cfg "$b" '.linux.namespaces += [{"type": "uts"}] | del(.linux.sysctl)'

# --- hostname and domainname ---
cfg "$b" '.hostname = "box120" | .domainname = "dom120"'
n=$((n + 1))
args "$b" /bin/sh -c "$P hostname; $P domainname"
r run --bundle "$b" "$ID-$n"
rm_ctr "$ID-$n"
check_eq "hostname and domainname inside" "box120 dom120" "$(echo $OUT)"

# --- netDevices ---
has_ns network || cfg "$b" '.linux.namespaces += [{"type": "network"}]'
cfg "$b" '.linux.netDevices = {"ocirt-none0": {"name": "eth9"}}'
probe ids
if is_root; then
        refused "netDevices: a missing host device is refused with its JSON path" '.linux.netDevices["ocirt-none0"]'
        dev=ocd$$
        dev=${dev:0:13}
        if ip link add "$dev" type veth peer name "${dev}p" 2>/dev/null; then
                ip addr add 10.199.0.1/24 dev "$dev"
                has_ns network || cfg "$b" '.linux.namespaces += [{"type": "network"}]'
                cfg "$b" '.linux.netDevices = {($d): {"name": "eth7"}}' --arg d "$dev"
                n=$((n + 1))
                args "$b" /bin/sh -c "$P stat /sys/class/net/eth7 >/dev/null && echo present=1; echo flags=\$(cat /sys/class/net/eth7/flags); grep -c 10.199.0.1 /proc/net/fib_trie | sed 's/^/addr=/'"
                r run --bundle "$b" "$ID-$n"
                rm_ctr "$ID-$n"
                check_eq "netDevices: run exits 0" 0 "$RC"
                [ "$RC" -eq 0 ] || diag "$ERR"
                check_eq "netDevices: the device is in the container as eth7" 1 "$(kv present "$OUT")"
                fl=$(kv flags "$OUT")
                if [ -n "$fl" ] && [ $((fl & 1)) -eq 1 ]; then ok "netDevices: eth7 is up ($fl)"; else fail "netDevices: eth7 is up" "$OUT"; fi
                if [ "$(kv addr "$OUT")" -ge 1 ] 2>/dev/null; then ok "netDevices: its address 10.199.0.1 is kept"; else fail "netDevices: its address is kept" "$OUT"; fi
                if ip link show "$dev" >/dev/null 2>&1; then fail "netDevices: the device left the host namespace"; ip link del "$dev"; else ok "netDevices: the device left the host namespace"; fi
                ip link del "${dev}p" 2>/dev/null
                # A name that exists in the container: the kernel's EEXIST, with the JSON path.
                ip link add "$dev" type veth peer name "${dev}p"
                cfg "$b" '.linux.netDevices = {($d): {"name": "lo"}}' --arg d "$dev"
                probe ids
                refused "netDevices: a clashing name is refused with its JSON path" ".linux.netDevices[\"$dev\"]" "already exists"
                ip link del "$dev" 2>/dev/null
                ip link del "${dev}p" 2>/dev/null
        else
                skip "netDevices: move a veth" "cannot create a veth pair here"
        fi
else
        refused "netDevices rootless: refused, saying it needs root" ".linux.netDevices" "root"
fi
cfg "$b" 'del(.linux.netDevices)'

# --- what this host lacks: a clear error naming it ---
cfg "$b" '.linux.intelRdt = {"closID": "ocirt-test", "l3CacheSchema": "L3:0=f"}'
probe ids
if [ -d /sys/fs/resctrl/info ]; then
        skip "intelRdt without resctrl" "this host has resctrl"
else
        refused "intelRdt without resctrl: refused, naming resctrl, with the JSON path" ".linux.intelRdt" "resctrl"
fi
cfg "$b" 'del(.linux.intelRdt) | .process.apparmorProfile = "ocirt-test-profile"'
probe ids
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
        skip "apparmorProfile without AppArmor" "AppArmor is enabled here"
else
        refused "apparmorProfile without AppArmor: refused, naming AppArmor, with the JSON path" ".process.apparmorProfile" "AppArmor"
fi
cfg "$b" 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
probe ids
if [ -e /sys/fs/selinux/enforce ]; then
        skip "selinuxLabel without SELinux" "SELinux is enabled here"
else
        refused "selinuxLabel without SELinux: refused, naming SELinux, with the JSON path" ".process.selinuxLabel" "SELinux"
fi
cfg "$b" 'del(.process.selinuxLabel)'

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
