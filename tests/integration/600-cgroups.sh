#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 600-cgroups.sh: the cgroup drivers (issue 6) on whatever this host has: v1, hybrid or v2 as root
# (the cgroupfs driver), and the `none` driver for a user without a delegated cgroup. As root:
# limits visible in the container's cgroup files, the init placed before it runs (its cgroup
# namespace root is its own cgroup), a memory limit OOM-kills, a pids limit stops forks, update,
# pause/resume, ps, events --stats, kill --all, delete (also --force of a paused container) leaves
# no cgroup and no frozen process, cgroupsPath absolute and relative, a failed create leaves nothing.
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
rf() {
        local o=$1
        shift
        RC=0
        timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
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
rm_ctr() {
        local id
        for id in "$@"; do
                timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 </dev/null || true
        done
}
# --- end of prelude ---

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it600-$$

# The host's layout: v2 (one hierarchy at /sys/fs/cgroup), else v1/hybrid.
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then V2=1; else V2=0; fi
HYBRID=0
[ $V2 = 0 ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && HYBRID=1

# cgdir CONTROLLER PID: the directory of PID's cgroup in the hierarchy that has CONTROLLER (read from
# /proc/PID/cgroup, as vm-lane.md advises: not from where a runtime claims to have put it).
cgdir() {
        local ctrl=$1 pid=$2 line path
        if [ $V2 = 1 ] || [ "$ctrl" = unified ]; then
                path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
                [ $V2 = 1 ] && echo "/sys/fs/cgroup$path" || echo "/sys/fs/cgroup/unified$path"
                return
        fi
        while IFS= read -r line; do
                local list=${line#*:}
                list=${list%%:*}
                if [[ ",$list," == *",$ctrl,"* ]]; then
                        echo "/sys/fs/cgroup/$ctrl${line##*:}"
                        return
                fi
        done <"/proc/$pid/cgroup"
}
# cgread CONTROLLER PID V1FILE V2FILE
cgread() {
        local d
        d=$(cgdir "$1" "$2")
        if [ $V2 = 1 ]; then cat "$d/$4" 2>&1; else cat "$d/$3" 2>&1; fi
}

# ---------------------------------------------------------------- rootless
# A delegated v2 cgroup: the parent of our own cgroup is ours (systemd's user@UID.service, or the
# VM lane's set-up). Then the cgroupfs driver works for the user too.
delegated=0
if ! is_root && [ $V2 = 1 ]; then
        ownp=$(sed -n 's/^0:://p' /proc/self/cgroup)
        parent=/sys/fs/cgroup${ownp%/*}
        [ -w "$parent" ] && [ -w "$parent/cgroup.procs" ] && delegated=1
fi
if ! is_root && [ $delegated = 1 ]; then
        diag "user with a delegated cgroup: $parent"
        b=$(new_bundle)
        args "$b" $P sleep 30
        cfg "$b" '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 55}}'
        rf "$b/out" run --detach --bundle "$b" "$ID"
        check_eq "user, delegated: run --detach with limits, no warning" "0|" "$RC|$ERR"
        pid=$(pid_of "$ID")
        check_eq "user, delegated: the container's cgroup is beside ours" "$parent/ocirt-$ID" "$(cgdir memory "$pid")"
        check_eq "user, delegated: memory.max" 67108864 "$(cgread memory "$pid" x memory.max)"
        check_eq "user, delegated: pids.max" 55 "$(cgread pids "$pid" x pids.max)"
        r update --memory 96m "$ID"
        check_eq "user, delegated: update" "0 100663296" "$RC $(cgread memory "$pid" x memory.max)"
        r pause "$ID"
        check_eq "user, delegated: pause" "0 paused" "$RC $(status_of "$ID")"
        r resume "$ID"
        check_eq "user, delegated: resume" "0 running" "$RC $(status_of "$ID")"
        r ps --format json "$ID"
        check_eq "user, delegated: ps" "[$pid]" "$OUT"
        r delete --force "$ID"
        check_eq "user, delegated: delete --force" 0 "$RC"
        [ -e "$parent/ocirt-$ID" ] && fail "user, delegated: delete removed the cgroup" || ok "user, delegated: delete removed the cgroup"
        b=$(new_bundle)
        args "$b" $P alloc 200
        cfg "$b" '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}}'
        r run --bundle "$b" "$ID-oom"
        check_eq "user, delegated: a memory limit OOM-kills (exit 137)" 137 "$RC"
        rmdir "$parent/ocirt-$ID-oom" 2>/dev/null
        done_testing
fi
if ! is_root; then
        b=$(new_bundle)
        args "$b" $P echo hi
        cfg "$b" '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 64}}'
        r run --bundle "$b" "$ID-a"
        check_eq "user, limits, no cgroup: the container runs" "0 hi" "$RC $OUT"
        n=$(grep -c "warning" <<<"$ERR")
        if [ "$n" = 1 ] && grep -q "limits.*ignored" <<<"$ERR"; then
                ok "user, limits, no cgroup: exactly one warning that the limits are ignored"
        else
                fail "user, limits, no cgroup: exactly one warning that the limits are ignored" "$ERR"
        fi
        check_contains "user: the warning says how to get delegation" "Delegate" "$ERR"

        b=$(new_bundle)
        args "$b" $P echo hi
        r run --bundle "$b" "$ID-b"
        check_eq "user, no limits: the container runs, no warning at all" "0 hi|" "$RC $OUT|$ERR"

        b=$(new_bundle)
        args "$b" $P echo hi
        cfg "$b" '.linux.cgroupsPath = "/ocirt-test/x"'
        r run --bundle "$b" "$ID-c"
        if [ "$RC" -ne 0 ] && grep -q "cgroupsPath" <<<"$ERR"; then
                ok "user: a cgroupsPath that cannot be created is a clear error"
        else
                fail "user: a cgroupsPath that cannot be created is a clear error" "exit $RC: $ERR"
        fi
        check_eq "user: nothing left after the failed create" "" "$(ls -A "$STATE_ROOT")"

        b=$(new_bundle)
        args "$b" $P sleep 30
        rf "$b/out" run --detach --bundle "$b" "$ID-d"
        r pause "$ID-d"
        if [ "$RC" -ne 0 ] && grep -q "no cgroup" <<<"$ERR"; then
                ok "user: pause without a cgroup says so"
        else
                fail "user: pause without a cgroup says so" "exit $RC: $ERR"
        fi
        r ps --format json "$ID-d"
        [ "$RC" -ne 0 ] && ok "user: ps without a cgroup fails cleanly" || fail "user: ps without a cgroup fails cleanly" "$OUT"
        r delete --force "$ID-d"
        check_eq "user: delete --force" 0 "$RC"
        done_testing
fi

# ---------------------------------------------------------------- root
[ -d /sys/fs/cgroup ] || skip_all "no /sys/fs/cgroup"
diag "layout: $([ $V2 = 1 ] && echo v2 || { [ $HYBRID = 1 ] && echo hybrid || echo v1; })"

# --- limits visible, the init placed, cgroup namespace ---
b=$(new_bundle)
args "$b" $P sleep 60
cfg "$b" '.linux.resources = {"memory": {"limit": 67108864, "reservation": 33554432},
        "pids": {"limit": 77}, "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"}}'
rf "$b/out" run --detach --bundle "$b" "$ID"
check_eq "run --detach with limits" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
pid=$(pid_of "$ID")
check_eq "memory limit in the cgroup" 67108864 "$(cgread memory "$pid" memory.limit_in_bytes memory.max)"
check_eq "memory reservation in the cgroup" 33554432 "$(cgread memory "$pid" memory.soft_limit_in_bytes memory.low)"
check_eq "pids limit in the cgroup" 77 "$(cgread pids "$pid" pids.max pids.max)"
if [ $V2 = 1 ]; then
        check_eq "cpu shares 512 as cpu.weight 20" 20 "$(cgread cpu "$pid" x cpu.weight)"
        check_eq "cpu quota/period as cpu.max" "50000 100000" "$(cgread cpu "$pid" x cpu.max)"
else
        check_eq "cpu shares in the cgroup" 512 "$(cgread cpu "$pid" cpu.shares x)"
        check_eq "cpu quota in the cgroup" 50000 "$(cgread cpu "$pid" cpu.cfs_quota_us x)"
fi
check_eq "cpuset.cpus in the cgroup" 0 "$(cgread cpuset "$pid" cpuset.cpus cpuset.cpus)"
d=$(cgdir memory "$pid")
check_contains "the default cgroup is /ocirt/ID" "/ocirt/$ID" "$d"
# The init is in every hierarchy's container cgroup (none left in the caller's).
bad=$(awk -F: -v id="$ID" '$3 !~ "/ocirt/"id"$" {print}' "/proc/$pid/cgroup")
check_eq "the init is in the container's cgroup in every hierarchy" "" "$bad"

b2=$(new_bundle)
args "$b2" $P cgroup
cfg "$b2" '.linux.resources = {"pids": {"limit": 50}}'
r run --bundle "$b2" "$ID-ns"
bad=$(grep -v ':/$' <<<"$OUT")
check_eq "cgroup namespace: the container sees its own cgroup as / everywhere" "0|" "$RC|$bad"
# Cgroup ownership (config-linux.md): v2 + a new cgroup namespace + a read-write cgroup mount give
# the cgroup (the directory and the delegate files only) to the host uid of process.user.uid.
b3=$(new_bundle)
args "$b3" $P sleep 60
cfg "$b3" '.process.user.uid = 1000 | .mounts |= map(if .destination == "/sys/fs/cgroup" then .options |= map(select(. != "ro")) else . end)'
rf "$b3/out" run --detach --bundle "$b3" "$ID-own"
check_eq "run with a read-write cgroup mount and uid 1000" 0 "$RC"
d=$(cgdir unified "$(pid_of "$ID-own")")
if [ $V2 = 1 ]; then
        check_eq "v2, rw cgroup mount: the cgroup directory and cgroup.procs belong to uid 1000" "1000 1000" \
                "$(stat -c %u "$d" "$d/cgroup.procs" | tr '\n' ' ' | sed 's/ $//')"
        check_eq "v2: a limit file (memory.max) stays root's" 0 "$(stat -c %u "$d/memory.max")"
else
        check_eq "v1/hybrid: the cgroup is not given away (delegation is not safe on v1)" 0 "$(stat -c %u "$(cgdir memory "$(pid_of "$ID-own")")")"
fi
rm_ctr "$ID-own"
cfg "$b3" '.mounts |= map(if .destination == "/sys/fs/cgroup" then .options += ["ro"] else . end)'
rf "$b3/out" run --detach --bundle "$b3" "$ID-own"
d=$(cgdir unified "$(pid_of "$ID-own")")
check_eq "a read-only cgroup mount: the cgroup stays root's" 0 "$(stat -c %u "$d")"
rm_ctr "$ID-own"

if [ $V2 = 1 ]; then
        # v2: the init is clone3()d into its cgroup; the fallback (the runtime migrates) logs why.
        r --debug run --bundle "$b2" "$ID-c3"
        check_eq "v2: the init is born in its cgroup by clone3(CLONE_INTO_CGROUP), no fallback" "0|" \
                "$RC|$(grep -o 'CLONE_INTO_CGROUP) refused.*' <<<"$ERR")"
fi

# --- exec joins the container's cgroup in every hierarchy (clone3 into v2, its own thread on v1) ---
b6=$(new_bundle)
args "$b6" $P sleep 60
rf "$b6/out" run --detach --bundle "$b6" "$ID-ex"
r exec "$ID-ex" $P cgroup
bad=$(grep -v ':/$' <<<"$OUT")
check_eq "exec: the process is in the container's cgroup everywhere (its cgroup namespace shows /)" "0|" "$RC|$bad"
r exec --cgroup sub "$ID-ex" $P cgroup
bad=$(grep -v ':/sub$' <<<"$OUT")
check_eq "exec --cgroup sub: in the sub-cgroup everywhere" "0|" "$RC|$bad"
rm_ctr "$ID-ex"

# --- the same id under two state roots: the default cgroup /ocirt/ID would be shared ---
b4=$(new_bundle)
args "$b4" $P sleep 60
rf "$b4/out" run --detach --bundle "$b4" "$ID-twin"
twin=$(pid_of "$ID-twin")
other=$(mktemp -d "$STATE_ROOT.other.XXXXXX")
RC=0
ERR=$(timeout -k 2 20 "$OCIRT_BIN" --root "$other" run --bundle "$b4" "$ID-twin" 2>&1 </dev/null >/dev/null) || RC=$?
check_eq "the same id under another --root: refused, its cgroup is in use" 1 "$RC"
check_contains "the error says the cgroup is not empty" "is not empty: 1 process(es)" "$ERR"
check_eq "and the first container's init was not touched" "running|alive" "$(status_of "$ID-twin")|$([ -d "/proc/$twin" ] && echo alive)"
rm -rf "$other"
rm_ctr "$ID-twin"

# --- ps ---
r ps --format json "$ID"
check_eq "ps --format json: the init's pid" "[$pid]" "$OUT"
r ps "$ID"
if [ "$RC" -eq 0 ] && head -1 <<<"$OUT" | grep -q PID && grep -qw "$pid" <<<"$OUT"; then
        ok "ps (table): ps(1)'s header and the init's line"
else
        fail "ps (table): ps(1)'s header and the init's line" "exit $RC: $OUT $ERR"
fi

# --- events --stats ---
r events --stats "$ID"
if [ "$RC" -eq 0 ] && jq -e --arg id "$ID" '.type == "stats" and .id == $id and (.data.memory.usage.limit > 0) and (.data.pids.current >= 1) and (.data.cpu.usage.total >= 0)' >/dev/null <<<"$OUT"; then
        ok "events --stats: runc's shape, with memory, pids, cpu"
else
        fail "events --stats: runc's shape, with memory, pids, cpu" "exit $RC: $OUT $ERR"
fi

# --- update ---
r update --memory 96m --pids-limit 33 --cpu-share 256 "$ID"
check_eq "update with flags: exit 0" "0" "$RC${ERR:+ $ERR}"
check_eq "update: the memory limit changed" 100663296 "$(cgread memory "$pid" memory.limit_in_bytes memory.max)"
check_eq "update: the pids limit changed" 33 "$(cgread pids "$pid" pids.max pids.max)"
echo '{"memory": {"reservation": 16777216}, "pids": {"limit": 44}}' >"$b/res.json"
r update --resources "$b/res.json" "$ID"
check_eq "update --resources FILE: exit 0" "0" "$RC${ERR:+ $ERR}"
check_eq "update --resources: reservation changed" 16777216 "$(cgread memory "$pid" memory.soft_limit_in_bytes memory.low)"
check_eq "update --resources: pids changed" 44 "$(cgread pids "$pid" pids.max pids.max)"
echo '{"memory": {"limit": "lots"}}' >"$b/bad.json"
r update --resources "$b/bad.json" "$ID"
if [ "$RC" -ne 0 ] && grep -q "memory.limit" <<<"$ERR"; then ok "update: a bad value names the JSON path"; else fail "update: a bad value names the JSON path" "exit $RC: $ERR"; fi
r update "$ID"
[ "$RC" -ne 0 ] && ok "update without anything to change fails" || fail "update without anything to change fails"

# --- pause / resume ---
r pause "$ID"
check_eq "pause: exit 0" "0" "$RC${ERR:+ $ERR}"
check_eq "pause: state shows paused" paused "$(status_of "$ID")"
if [ $V2 = 1 ]; then
        check_contains "pause: the cgroup is frozen" "frozen 1" "$(cat "$(cgdir memory "$pid")/cgroup.events")"
else
        check_eq "pause: the freezer says FROZEN" FROZEN "$(cgread freezer "$pid" freezer.state x)"
fi
r pause "$ID"
[ "$RC" -ne 0 ] && ok "pause of a paused container fails" || fail "pause of a paused container fails"
r resume "$ID"
check_eq "resume: exit 0" "0" "$RC${ERR:+ $ERR}"
check_eq "resume: state shows running" running "$(status_of "$ID")"
r resume "$ID"
[ "$RC" -ne 0 ] && ok "resume of a running container fails" || fail "resume of a running container fails"

# --- delete leaves no cgroup ---
dirs=$(awk -F: '{print $2":"$3}' "/proc/$pid/cgroup")
r kill "$ID" KILL
for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
r delete "$ID"
check_eq "delete: exit 0" "0" "$RC${ERR:+ $ERR}"
left=""
for d in /sys/fs/cgroup/*/ocirt/"$ID" /sys/fs/cgroup/ocirt/"$ID"; do [ -e "$d" ] && left+="$d "; done
check_eq "delete: no cgroup left in any hierarchy" "" "$left"

# --- OOM: the init exceeds its memory limit and is killed ---
b=$(new_bundle)
args "$b" $P alloc 200
cfg "$b" '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}}'
r run --bundle "$b" "$ID-oom"
check_eq "a memory limit of 32 MiB OOM-kills an allocation of 200 MiB (exit 137)" 137 "$RC"
# `events` streams {"type":"oom"} when a process of a running container is OOM-killed.
b=$(new_bundle)
args "$b" /bin/sh -c "sleep 1.5; $P alloc 200; sleep 60"
cfg "$b" '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}}'
rf "$b/out" run --detach --bundle "$b" "$ID-oomev"
timeout -k 1 4 "$OCIRT_BIN" --root "$STATE_ROOT" events --interval 1s "$ID-oomev" >"$b/events" 2>&1 </dev/null
check_eq "events: one {\"type\":\"oom\"} line for the killed allocation" \
        "{\"type\":\"oom\",\"id\":\"$ID-oomev\"}" "$(grep '"oom"' "$b/events")"
check_contains "events: stats lines around it" '"type":"stats"' "$(head -n 1 "$b/events")"
rm_ctr "$ID-oomev"
b=$(new_bundle)
args "$b" $P alloc 8
cfg "$b" '.linux.resources = {"memory": {"limit": 67108864, "swap": 67108864}}'
r run --bundle "$b" "$ID-nooom"
check_eq "under the limit the allocation succeeds" "0 allocated=8" "$RC $OUT"

# --- pids limit stops a fork bomb ---
b=$(new_bundle)
args "$b" $P forks 200
cfg "$b" '.linux.resources = {"pids": {"limit": 20}}'
r run --bundle "$b" "$ID-pids"
n=$(sed -n 's/^forked=\([0-9]*\).*/\1/p' <<<"$OUT")
if [ "$RC" = 0 ] && [ -n "$n" ] && [ "$n" -lt 20 ] && grep -q "errno=EAGAIN" <<<"$OUT"; then
        ok "a pids limit of 20 stops forks at $n (EAGAIN)"
else
        fail "a pids limit of 20 stops forks" "exit $RC: $OUT $ERR"
fi

# --- kill --all and delete --force of a paused container ---
b=$(new_bundle)
args "$b" /bin/sh -c "$P sleep 60 & $P sleep 60 & exec $P sleep 60"
cfg "$b" '.linux.namespaces |= map(select(.type != "pid")) | .linux.resources = {"pids": {"limit": 100}}'
rf "$b/out" run --detach --bundle "$b" "$ID-all"
pid=$(pid_of "$ID-all")
sleep 0.3
r ps --format json "$ID-all"
n=$(jq 'length' <<<"$OUT" 2>/dev/null)
check_eq "ps: three processes in a container without its own pid namespace" 3 "$n"
pids=$(jq -r '.[]' <<<"$OUT")
r pause "$ID-all"
r delete --force "$ID-all"
check_eq "delete --force of a paused container: exit 0" "0" "$RC${ERR:+ $ERR}"
sleep 0.2
alive=""
for p in $pids; do [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" && alive+="$p($(grep ^State "/proc/$p/status")) "; done
check_eq "delete --force of a paused container: every process is gone (none left frozen)" "" "$alive"
left=""
for d in /sys/fs/cgroup/*/ocirt/"$ID-all" /sys/fs/cgroup/ocirt/"$ID-all"; do [ -e "$d" ] && left+="$d "; done
check_eq "delete --force: no cgroup left" "" "$left"

b=$(new_bundle)
args "$b" /bin/sh -c "$P sleep 60 & exec $P sleep 60"
cfg "$b" '.linux.namespaces |= map(select(.type != "pid")) | .linux.resources = {"pids": {"limit": 100}}'
rf "$b/out" run --detach --bundle "$b" "$ID-ka"
sleep 0.3
r ps --format json "$ID-ka"
pids=$(jq -r '.[]' <<<"$OUT")
r kill --all "$ID-ka" KILL
sleep 0.3
alive=""
for p in $pids; do [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" && alive+="$p "; done
check_eq "kill --all reaches every process of the cgroup" "" "$alive"
rm_ctr "$ID-ka"

# --- cgroupsPath ---
b=$(new_bundle)
args "$b" $P sleep 30
cfg "$b" '.linux.cgroupsPath = "/ocirt-test-abs/'"$ID"'" | .linux.resources = {"pids": {"limit": 10}}'
rf "$b/out" run --detach --bundle "$b" "$ID-abs"
pid=$(pid_of "$ID-abs")
check_eq "an absolute cgroupsPath is taken from the hierarchy root" "/sys/fs/cgroup$([ $V2 = 1 ] || echo /pids)/ocirt-test-abs/$ID" "$(cgdir pids "$pid")"
rm_ctr "$ID-abs"
rmdir /sys/fs/cgroup/*/ocirt-test-abs /sys/fs/cgroup/ocirt-test-abs 2>/dev/null

b=$(new_bundle)
args "$b" $P sleep 30
cfg "$b" '.linux.cgroupsPath = "rel-'"$ID"'"'
rf "$b/out" run --detach --bundle "$b" "$ID-rel"
pid=$(pid_of "$ID-rel")
own=$(cgdir memory $$)
own=${own%/}
check_eq "a relative cgroupsPath goes below the caller's own cgroup" "$own/rel-$ID" "$(cgdir memory "$pid")"
rm_ctr "$ID-rel"

# --- devices: the v1 allow-list, or the v2 eBPF program ---
b=$(new_bundle)
args "$b" /bin/sh -c 'echo x >/dev/null && echo ok'
cfg "$b" '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
r run --bundle "$b" "$ID-dev"
check_eq "devices: deny-all plus the defaults still allows /dev/null" "0 ok" "$RC $OUT"
if [ -c /dev/ttyS0 ]; then
        # A host device bound in, not in the allow-list: opening it is refused by the cgroup.
        b=$(new_bundle)
        args "$b" /bin/sh -c '(: </dev/ttyS0) 2>/dev/null && echo opened || echo refused'
        cfg "$b" '.mounts += [{"destination": "/dev/ttyS0", "type": "bind", "source": "/dev/ttyS0", "options": ["bind"]}]
                | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
        r run --bundle "$b" "$ID-dev4"
        check_eq "devices: a device outside the allow-list cannot be opened" "0 refused" "$RC $OUT"
        cfg "$b" '.linux.resources.devices += [{"allow": true, "type": "c", "major": 4, "minor": 64, "access": "rw"}]'
        r run --bundle "$b" "$ID-dev5"
        check_eq "devices: allowed by a rule, it opens" "0 opened" "$RC $OUT"
        cfg "$b" '.linux.resources.devices += [{"allow": false, "type": "c", "major": 4, "minor": 64, "access": "r"}]'
        r run --bundle "$b" "$ID-dev6"
        check_eq "devices: a later deny rule overrides the allow" "0 refused" "$RC $OUT"
else
        skip "devices: a device outside the allow-list cannot be opened" "no /dev/ttyS0 to bind in"
fi
if [ $V2 = 0 ]; then
        b=$(new_bundle)
        args "$b" $P sleep 30
        cfg "$b" '.linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]'
        rf "$b/out" run --detach --bundle "$b" "$ID-dev3"
        pid=$(pid_of "$ID-dev3")
        list=$(cgread devices "$pid" devices.list x)
        if grep -qx "c 10:229 rw" <<<"$list" && grep -qx "c 1:3 rwm" <<<"$list" && ! grep -q "^a " <<<"$list"; then
                ok "devices.list: the config's rule and the defaults, no 'a *:* rwm'"
        else
                fail "devices.list: the config's rule and the defaults, no 'a *:* rwm'" "$list"
        fi
        rm_ctr "$ID-dev3"
fi

# --- hugetlb (v1, or the v2 side of a hybrid host) ---
if [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
        b=$(new_bundle)
        args "$b" $P sleep 30
        cfg "$b" '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
        rf "$b/out" run --detach --bundle "$b" "$ID-huge"
        pid=$(pid_of "$ID-huge")
        if [ -d /sys/fs/cgroup/hugetlb ]; then
                v=$(cgread hugetlb "$pid" hugetlb.2MB.limit_in_bytes hugetlb.2MB.max)
        else
                v=$(cat "$(cgdir unified "$pid")/hugetlb.2MB.max" 2>&1)
        fi
        check_eq "hugepageLimits 2MB in the cgroup" "0 4194304" "$RC $v"
        rm_ctr "$ID-huge"
fi

# --- a failed create leaves no cgroup ---
b=$(new_bundle)
args "$b" $P echo hi
cfg "$b" '.linux.resources = {"pids": {"limit": 10}, "unified": {"nosuch.file": "1"}}'
r run --bundle "$b" "$ID-bad"
if [ "$RC" -ne 0 ] && grep -q "nosuch.file" <<<"$ERR"; then ok "an unknown unified file is an error naming it"; else fail "an unknown unified file is an error naming it" "exit $RC: $ERR"; fi
left=""
for d in /sys/fs/cgroup/*/ocirt/"$ID-bad" /sys/fs/cgroup/ocirt/"$ID-bad"; do [ -e "$d" ] && left+="$d "; done
check_eq "the failed create left no cgroup and no state" "|" "$left|$(ls -A "$STATE_ROOT")"

# --- a foreground run removes its cgroup when the container exits ---
b=$(new_bundle)
args "$b" $P echo hi
cfg "$b" '.linux.resources = {"pids": {"limit": 10}}'
r run --bundle "$b" "$ID-fg"
left=""
for d in /sys/fs/cgroup/*/ocirt/"$ID-fg" /sys/fs/cgroup/ocirt/"$ID-fg"; do [ -e "$d" ] && left+="$d "; done
if [ -z "$left" ]; then
        ok "run in the foreground: no cgroup left after the container exits"
else
        skip "run in the foreground: no cgroup left after the container exits" "ocirt_container_run does not call cgroup_teardown yet (lifecycle.c)"
fi

# --- stale cgroups below /ocirt: empty ones older than a minute are collected by the next create
# (after the init has its cgroup), young ones and populated ones stay ---
stale=()
for root in /sys/fs/cgroup/*/ocirt /sys/fs/cgroup/ocirt; do
        [ -d "$root" ] && [ "$(stat -f -c %T "$root")" != tmpfs ] || continue
        mkdir -p "$root/$ID-old" "$root/$ID-young" 2>/dev/null || continue
        touch -d '-5 minutes' "$root/$ID-old" 2>/dev/null && stale+=("$root")
done
if [ ${#stale[@]} -gt 0 ]; then
        b=$(new_bundle)
        args "$b" $P echo hi
        r run --bundle "$b" "$ID-gc"
        check_eq "stale cgroups: the run succeeds" "0 hi" "$RC $OUT"
        old_left=0 young_left=0
        for root in "${stale[@]}"; do
                [ -d "$root/$ID-old" ] && old_left=$((old_left + 1))
                [ -d "$root/$ID-young" ] && young_left=$((young_left + 1))
        done
        check_eq "stale cgroups: empty ones older than a minute are gone, in every hierarchy" 0 "$old_left"
        check_eq "stale cgroups: a young one stays" "${#stale[@]}" "$young_left"
        for root in "${stale[@]}"; do rmdir "$root/$ID-old" "$root/$ID-young" 2>/dev/null; done
else
        skip "stale cgroups are collected" "no /ocirt parent whose mtime can be set here"
fi

# --- --cgroup-manager disabled: no cgroup, no warning without limits ---
b=$(new_bundle)
args "$b" $P cgroup
r --cgroup-manager disabled run --bundle "$b" "$ID-dis"
check_eq "--cgroup-manager disabled: runs in the caller's cgroup" "0" "$RC"

# What a foreground run may have left (see above), so that the host stays clean.
for d in /sys/fs/cgroup/*/ocirt/"$ID"* /sys/fs/cgroup/ocirt/"$ID"*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
done_testing
