#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 620-cgroup-parity.sh: cgroup behaviour measured against runc 1.1.5 / crun 1.8.1 (issues 12 and 13),
# as root on a v1 (or hybrid) host:
#   13.4 the device cgroup is what the config says: a deny-all rule blocks the nodes of
#        linux.devices (/dev/kmsg), runc's default allow-list stays, and an explicit deny rule is
#        never widened by it;
#   13.7 a cgroupsPath with `..` is cleaned below the hierarchy root (runc's filepath.Clean), and
#        one that names the root itself is refused naming .linux.cgroupsPath;
#   12.20 update --memory -1 under a swap limit; a shorter cpu period with a new quota below a
#        parent with a CPU quota; the kernel's EINVAL shows as "invalid argument";
#   12.21 realtimeRuntime below /ocirt (a parent without an RT budget);
#   12.22 a frozen cgroupsPath is refused, not hung in; delete --force of a container whose parent
#        freezer is frozen kills it at once.
# A normal user has no cgroup on v1: the user pass has nothing to check (600-cgroups.sh covers the
# none driver).
source "$OCIRT_TESTS/lib/common.sh"
# --- shared prelude of tests/integration (kept inline: every script stands alone) ---
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
# shellcheck disable=SC2034 # OUT and ERR are for the caller
rf() { # a detached container keeps a $(...) open: its output goes to a file
        local o=$1
        shift
        RC=0
        timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
        OUT=$(cat "$o")
        ERR=$(cat "$o.err")
}
pid_of() {
        timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null | jq -r '.pid // 0'
}
# --- end of prelude ---

need jq "jq edits the configs"
is_root || skip_all "a normal user has no cgroup on this host's v1 hierarchies (see 600-cgroups.sh)"
# The device checks run on v2 too (the eBPF program, in the VM lane: tests/vm/run 620); the rest
# is about v1 knobs.
V1=0
[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] && [ -d /sys/fs/cgroup/memory ] && V1=1
P=/usr/bin/probe
ID=cg620-$$
CG=/sys/fs/cgroup
# Parent cgroups made by this script (unique names, removed at the end, deepest first).
PARENTS=()
cleanup_parents() {
        local p d
        for p in "${PARENTS[@]}"; do
                [ -w "$CG/freezer/$p/freezer.state" ] && echo THAWED >"$CG/freezer/$p/freezer.state" 2>/dev/null
        done
        for p in "${PARENTS[@]}"; do
                for d in "$CG"/*/"$p"/c "$CG"/*/"$p"; do
                        [ -d "$d" ] && rmdir "$d" 2>/dev/null
                done
        done
        return 0
}
# The containers go first (their cgroups are below the parents), then the parents; keep the status.
trap 'rc=$?; { oc list -q; ls -1 "$STATE_ROOT"; } 2>/dev/null | sort -u | while read -r i; do oc delete -f "$i" >/dev/null 2>&1; done; cleanup_parents; (exit $rc); _t_cleanup' EXIT

# ---------------------------------------------------------------- 13.4 devices
b=$(new_bundle)
# /dev/kmsg opened write-only: reading it would also need CAP_SYSLOG, which hides what the cgroup does.
args "$b" sh -c 'if true >>/dev/kmsg; then echo kmsg-open; else echo kmsg-refused; fi
if true >>/dev/null && cat /dev/null; then echo null-ok; fi'
cfg "$b" '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438, "uid": 0, "gid": 0}]
          | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
r run --bundle "$b" "$ID-dev1"
check_eq "devices: deny-all blocks a node of linux.devices (/dev/kmsg), the defaults still open /dev/null" \
        "0 kmsg-refused null-ok" "$RC $(echo $OUT)"
if command -v runc >/dev/null; then
        cp "$b/config.json" "$b/config.ocirt.json"
        cfg "$b" '.ociVersion = "1.0.2"'
        out=$(unshare -m --propagation private sh -c "umount $CG/unified 2>/dev/null; cd '$b' && exec runc --root '$STATE_ROOT/runc' run '$ID-runc'" 2>/dev/null </dev/null)
        check_eq "devices: runc 1.1.5 does the same with this config" "kmsg-refused null-ok" "$(echo $out)"
        cp "$b/config.ocirt.json" "$b/config.json"
else
        skip "devices: runc 1.1.5 does the same with this config" "no runc"
fi

b=$(new_bundle)
args "$b" sh -c 'if true >>/dev/null; then echo null-w; else echo null-no-w; fi
if cat /dev/null; then echo null-r; fi
if true >>/dev/zero; then echo zero-w; fi
if true >>/dev/ptmx; then echo ptmx-open; else echo ptmx-refused; fi
if mknod /tmp/n c 1 11; then echo mknod-ok; fi'
cfg "$b" '.linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"},
                                      {"allow": false, "type": "c", "major": 5, "access": "rwm"}]
          | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["rw"]}]
          | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
          | .process.capabilities.permitted += ["CAP_MKNOD"]'
r run --bundle "$b" "$ID-dev2"
check_eq "devices: an explicit 'deny c 1:3 w' is not widened by the defaults (/dev/null read-only, /dev/zero as usual)" \
        "null-no-w null-r zero-w" "$(grep -o 'null-[a-z-]*\|zero-w' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
check_contains "devices: an explicit 'deny c 5:* rwm' keeps /dev/ptmx out" "ptmx-refused" "$OUT"
check_contains "devices: runc's default mknod of any char device (c *:* m: a kmsg node can be made)" "mknod-ok" "$OUT"
if [ $V1 = 0 ]; then
        diag "cgroup v2: the v1 checks below do not apply"
        done_testing
fi

# ---------------------------------------------------------------- 13.7 cgroupsPath with ..
par=cg620p-$$
PARENTS+=("$par")
b=$(new_bundle)
args "$b" $P sleep 30
cfg "$b" '.linux.cgroupsPath = $p' --arg p "/../../../../$par/./c"
rf "$b/out" run --detach --bundle "$b" "$ID-dots"
pid=$(pid_of "$ID-dots")
check_eq "cgroupsPath /../../../../P/./c: runs, in the memory cgroup /P/c (cleaned as runc does)" \
        "0 /$par/c" "$RC $(sed -n 's/^[0-9]*:memory://p' "/proc/$pid/cgroup" 2>/dev/null)"
if [ -e "/$par" ]; then
        fail "cgroupsPath with ..: nothing is made outside the cgroup hierarchy (/$par)"
        rmdir "/$par/c" "/$par" 2>/dev/null
else
        ok "cgroupsPath with ..: nothing is made outside the cgroup hierarchy (/$par)"
fi
r delete --force "$ID-dots"
for p in / .. /a/../.. ; do
        cfg "$b" '.linux.cgroupsPath = $p' --arg p "$p"
        r run --bundle "$b" "$ID-root"
        if [ "$RC" -ne 0 ] && grep -q 'cgroupsPath' <<<"$ERR" && [ ! -d "$STATE_ROOT/$ID-root" ]; then
                ok "cgroupsPath '$p' (the root or the runtime's own cgroup) is refused naming .linux.cgroupsPath"
        else
                fail "cgroupsPath '$p' (the root or the runtime's own cgroup) is refused naming .linux.cgroupsPath" "rc=$RC $ERR"
                r delete --force "$ID-root"
        fi
done

# ---------------------------------------------------------------- 12.20 update
par=cg620u-$$
PARENTS+=("$par")
b=$(new_bundle)
args "$b" $P sleep 60
cfg "$b" '.linux.cgroupsPath = $p | .linux.resources.cpu = {"period": 100000, "quota": 50000}' --arg p "/$par/c"
if [ -e "$CG/memory/memory.memsw.limit_in_bytes" ]; then
        cfg "$b" '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
fi
mkdir -p "$CG/cpu/$par"
# The parent allows one CPU: a 10 ms period under the old 50 ms quota would be five.
echo 100000 >"$CG/cpu/$par/cpu.cfs_quota_us"
rf "$b/out" run --detach --bundle "$b" "$ID-upd"
check_eq "update: the container runs below a parent with a CPU quota" 0 "$RC"
if [ -e "$CG/memory/memory.memsw.limit_in_bytes" ]; then
        r update --memory -1 "$ID-upd"
        check_eq "update --memory -1 under a swap limit lifts both (runc's order)" \
                "0 9223372036854771712 9223372036854771712" \
                "$RC $(cat "$CG/memory/$par/c/memory.limit_in_bytes" "$CG/memory/$par/c/memory.memsw.limit_in_bytes" | tr '\n' ' ' | sed 's/ $//')"
        r update --memory 33554432 --memory-swap 67108864 "$ID-upd"
        check_eq "update: memory and swap lowered again" "0 33554432 67108864" \
                "$RC $(cat "$CG/memory/$par/c/memory.limit_in_bytes" "$CG/memory/$par/c/memory.memsw.limit_in_bytes" | tr '\n' ' ' | sed 's/ $//')"
else
        skip "update --memory -1 under a swap limit lifts both (runc's order)" "no swap accounting"
fi
r update --cpu-period 10000 --cpu-quota 3000 "$ID-upd"
check_eq "update --cpu-period 10000 --cpu-quota 3000: a shorter period with its quota" "0 10000 3000" \
        "$RC $(cat "$CG/cpu/$par/c/cpu.cfs_period_us" "$CG/cpu/$par/c/cpu.cfs_quota_us" | tr '\n' ' ' | sed 's/ $//')"
r update --cpu-period 1000 --cpu-quota 500000 "$ID-upd"
if [ "$RC" -ne 0 ] && grep -q 'cpu\.\(quota\|period\).*invalid argument' <<<"$ERR"; then
        ok "update: a quota above the parent's fails naming the field and 'invalid argument'"
else
        fail "update: a quota above the parent's fails naming the field and 'invalid argument'" "rc=$RC $ERR"
fi
r delete --force "$ID-upd"

# ---------------------------------------------------------------- 12.21 realtimeRuntime
if [ -e "$CG/cpu/cpu.rt_runtime_us" ] && [ "$(cat "$CG/cpu/cpu.rt_runtime_us")" -ge 20000 ]; then
        b=$(new_bundle)
        args "$b" $P echo rt
        cfg "$b" '.linux.resources.cpu = {"realtimeRuntime": 10000, "realtimePeriod": 1000000}'
        r run --bundle "$b" "$ID-rt"
        check_eq "realtimeRuntime below /ocirt (no RT budget of its own): runs, as runc's one-level cgroup does" \
                "0 rt" "$RC $OUT"
        par=cg620r-$$
        PARENTS+=("$par")
        cfg "$b" '.linux.cgroupsPath = $p' --arg p "/$par/c"
        r run --bundle "$b" "$ID-rt2"
        check_eq "realtimeRuntime two levels down: the parent gets the budget (raised, never lowered)" \
                "0 rt 10000" "$RC $OUT $(cat "$CG/cpu/$par/cpu.rt_runtime_us" 2>&1)"
else
        skip "realtimeRuntime below /ocirt" "no cpu.rt_runtime_us budget at the root"
fi

# ---------------------------------------------------------------- 12.22 freezer
par=cg620f-$$
PARENTS+=("$par")
mkdir -p "$CG/freezer/$par"
echo FROZEN >"$CG/freezer/$par/freezer.state"
b=$(new_bundle)
args "$b" $P echo hi
cfg "$b" '.linux.cgroupsPath = $p' --arg p "/$par"
start=$SECONDS
# A runtime that does not look hangs in D state, where no timeout can kill it: thaw after 8 s.
# (Short sleeps: killing the subshell must not leave a long sleep behind.)
(for _ in $(seq 80); do sleep 0.1; done; echo THAWED >"$CG/freezer/$par/freezer.state") 2>/dev/null &
watchdog=$!
r run --bundle "$b" "$ID-frz"
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] && grep -q 'unexpectedly frozen' <<<"$ERR"; then
        ok "a frozen cgroupsPath is refused at once (runc: container's cgroup unexpectedly frozen)"
else
        fail "a frozen cgroupsPath is refused at once (runc: container's cgroup unexpectedly frozen)" "rc=$RC after $((SECONDS - start)) s: $ERR"
fi
check_contains "the refusal names .linux.cgroupsPath" ".linux.cgroupsPath" "$ERR"
echo THAWED >"$CG/freezer/$par/freezer.state"
sleep 0.2
r delete --force "$ID-frz"

# A running container whose parent freezer cgroup another tool froze.
par=cg620g-$$
PARENTS+=("$par")
args "$b" $P sleep 60
cfg "$b" '.linux.cgroupsPath = $p' --arg p "/$par/c"
rf "$b/out" run --detach --bundle "$b" "$ID-frz2"
pid=$(pid_of "$ID-frz2")
echo FROZEN >"$CG/freezer/$par/freezer.state"
wait_until 5 grep -q FROZEN "$CG/freezer/$par/c/freezer.state"
start=$(date +%s%N)
r delete --force "$ID-frz2"
ms=$((($(date +%s%N) - start) / 1000000))
st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
[ "$st" = Z ] && st="" # dead, not yet reaped by its new parent
check_eq "delete --force below a frozen parent: succeeds, the init is gone, its cgroup too" \
        "0 gone no-cgroup" "$RC ${st:-gone} $([ -d "$CG/memory/$par/c" ] && echo cgroup-left || echo no-cgroup)"
if [ "$ms" -lt 5000 ]; then ok "delete --force below a frozen parent takes < 5 s ($ms ms)"; else fail "delete --force below a frozen parent takes < 5 s ($ms ms)"; fi
check_eq "the parent freezer cgroup is still frozen (only the container's tasks were moved out)" FROZEN \
        "$(cat "$CG/freezer/$par/freezer.state")"
echo THAWED >"$CG/freezer/$par/freezer.state"
[ -n "$st" ] && [ "$st" != Z ] && kill -KILL "$pid" 2>/dev/null

# ---------------------------------------------------------------- the init's CPU affinity
# With a late v1 cgroup the runtime sends the init to the other CPUs while both set up, and gives it
# its affinity back before the cgroup barrier (container/spawn.c, place_init). What the container
# runs with must be what it would be without that: the runtime's own, or the cpuset's, as runc.
b=$(new_bundle)
cfg "$b" 'del(.linux.cgroupsPath)'
args "$b" sh -c 'grep Cpus_allowed_list /proc/self/status'
runc_affinity() { # [taskset ARGS]: Cpus_allowed_list of the same bundle under runc
        command -v runc >/dev/null || return 0
        cp "$b/config.json" "$b/config.ocirt.json"
        cfg "$b" '.ociVersion = "1.0.2"'
        unshare -m --propagation private sh -c "umount $CG/unified 2>/dev/null; cd '$b' && exec \"\$@\" runc --root '$STATE_ROOT/runc' run '$ID-runc-aff'" sh "$@" 2>/dev/null </dev/null
        runc --root "$STATE_ROOT/runc" delete --force "$ID-runc-aff" >/dev/null 2>&1
        cp "$b/config.ocirt.json" "$b/config.json"
}
mine=$(grep Cpus_allowed_list /proc/self/status)
ncpu=$(nproc)
r run --bundle "$b" "$ID-aff1"
check_eq "affinity: the container runs on the runtime's CPUs ($ncpu online)" "0 $mine" "$RC $OUT"
if command -v runc >/dev/null; then
        check_eq "affinity: the same as under runc" "$(runc_affinity)" "$OUT"
fi
if command -v taskset >/dev/null; then
        RC=0
        OUT=$(taskset -c 0 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-aff2" 2>&1 </dev/null) || RC=$?
        check_eq "affinity: a runtime on CPU 0 only (taskset -c 0) gives its container CPU 0 only" \
                "0 Cpus_allowed_list:	0" "$RC $OUT"
fi
if [ "$ncpu" -ge 2 ] && [ "$V1" = 1 ]; then
        cfg "$b" '.linux.resources.cpu.cpus = "1"'
        r run --bundle "$b" "$ID-aff3"
        check_eq "affinity: a cpuset of CPU 1 holds the container to it" "0 Cpus_allowed_list:	1" "$RC $OUT"
        if command -v runc >/dev/null; then
                check_eq "affinity: the cpuset case as under runc" "$(runc_affinity)" "$OUT"
        fi
        cfg "$b" 'del(.linux.resources.cpu)'
fi
# A created container waits for start with the affinity it will run with.
args "$b" $P pid
rf "$b/out" create --bundle "$b" "$ID-aff4"
check_eq "affinity: create succeeds" 0 "$RC"
pid=$(pid_of "$ID-aff4")
check_eq "affinity: the created init has the runtime's CPUs back" "$mine" \
        "$(grep Cpus_allowed_list "/proc/$pid/status" 2>/dev/null)"
r delete --force "$ID-aff4"

done_testing
