#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 270-mount-parity.sh: mounts as runc 1.1.5 and crun 1.8.1 make them. A `cgroup` mount on a cgroup
# v1 host shows the container's own cgroups, read-only, or with a cgroup namespace the v1
# controllers (issue 13.2); bind sources are opened by a root runtime, not by the container's mapped
# root (12.17); a read-only /dev gets its nodes and submounts first (12.18); a tmpfs keeps the mode
# of the directory it covers, and the process's stdio and pty are its user's (12.19).
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=mounts270-$$
n=0
# run_tty BUNDLE ARGS...: the same on a terminal (script(1)); OUT without the \r.
run_tty() {
        local b=$1 cmd
        shift
        n=$((n + 1))
        args "$b" "$@"
        cfg "$b" '.process.terminal = true'
        cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-$n")
        OUT=$(timeout -k 2 10 script -qec "$cmd" /dev/null </dev/null 2>&1 | tr -d '\r')
        rm_ctr "$ID-$n"
        cfg "$b" '.process.terminal = false'
}
has_cgroup_mount() { jq -e '.mounts | any(.type == "cgroup")' "$1/config.json" >/dev/null; }

# --- 13.2: cgroup v1 ---
if is_root && [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ]; then
        b=$(new_bundle)
        has_cgroup_mount "$b" || cfg "$b" '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
        cfg "$b" '.linux.namespaces |= map(select(.type != "cgroup"))
                  | .linux.resources.memory = {limit: 33554432} | .linux.resources.pids = {limit: 50}'
        other=mounts270-other-$$
        mkdir /sys/fs/cgroup/memory/$other
        run_bundle "$b" /bin/sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
                               ls /sys/fs/cgroup/memory; grep " /sys/fs/cgroup/memory " /proc/self/mountinfo
                               echo 1 > /sys/fs/cgroup/pids/pids.max && echo WROTE; true'
        rmdir /sys/fs/cgroup/memory/$other
        check_eq "cgroup v1, no cgroupns: the container runs" 0 "$RC"
        check_contains "cgroup v1, no cgroupns: memory.limit_in_bytes is the container's limit" 33554432 "$OUT"
        check_contains "cgroup v1, no cgroupns: pids.max is there, the container's" $'\n50' "$OUT"
        if grep -q "$other" <<<"$OUT"; then fail "cgroup v1, no cgroupns: another cgroup of the host is hidden" "$OUT"; else ok "cgroup v1, no cgroupns: another cgroup of the host is hidden"; fi
        if grep -q "WROTE" <<<"$OUT"; then fail "cgroup v1, no cgroupns: the controller mounts are read-only" "$OUT"; else ok "cgroup v1, no cgroupns: the controller mounts are read-only"; fi
        check_contains "cgroup v1, no cgroupns: /sys/fs/cgroup/memory is the container's own directory, ro" "$LAST_ID /sys/fs/cgroup/memory ro," "$OUT"

        cfg "$b" '.linux.namespaces += [{type: "cgroup"}]'
        run_bundle "$b" /bin/sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
                               grep -c " - cgroup " /proc/self/mountinfo'
        check_eq "cgroup v1, cgroupns: the container runs" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$OUT"
        check_contains "cgroup v1, cgroupns: memory.limit_in_bytes is the container's limit" 33554432 "$OUT"
        check_contains "cgroup v1, cgroupns: pids.max is there, the container's" $'\n50' "$OUT"
        v1=$(awk '$0 ~ / - cgroup / && $5 ~ "^/sys/fs/cgroup/" {print}' /proc/self/mountinfo | wc -l)
        check_eq "cgroup v1, cgroupns: one v1 mount per host hierarchy" "$v1" "$(tail -n 1 <<<"$OUT")"
else
        for x in runs limit pids hidden read-only own ns-runs ns-limit ns-pids ns-mounts; do
                skip "cgroup v1: $x" "root on a cgroup v1 host only (a normal user has no v1 cgroup)"
        done
fi

# --- 12.17: a bind source only the host's root can reach, in a user namespace ---
if is_root && grep -q '^ocirt-test:' /etc/subuid 2>/dev/null; then
        b=$(new_bundle)
        start=$(awk -F: '$1 == "ocirt-test" {print $2; exit}' /etc/subuid)
        locked=$_t_dir/locked
        mkdir -p "$locked/data"
        echo secret-ok >"$locked/data/f"
        chmod 0755 "$locked/data"
        chmod 0644 "$locked/data/f"
        chmod 0700 "$locked"
        cfg "$b" '.linux.namespaces |= (map(select(.type != "user")) + [{type: "user"}])
                  | .linux.uidMappings = [{containerID: 0, hostID: ($s | tonumber), size: 65536}]
                  | .linux.gidMappings = [{containerID: 0, hostID: ($s | tonumber), size: 65536}]
                  | del(.linux.resources)
                  | .mounts += [{destination: "/mnt", type: "bind", source: $d, options: ["bind", "ro"]}]' \
                --arg s "$start" --arg d "$locked/data"
        run_bundle "$b" /bin/cat /mnt/f
        check_eq "userns, source below a 0700 dir: the container runs" 0 "$RC"
        check_contains "userns, source below a 0700 dir: the file is read" secret-ok "$OUT"
        cfg "$b" '.mounts[-1].source = $d' --arg d "$locked/missing"
        run_bundle "$b" /bin/true
        if [ "$RC" -ne 0 ]; then ok "userns, a missing source: error"; else fail "userns, a missing source: error" "$OUT"; fi
        check_contains "userns, a missing source: names the mount and the source" "mounts[" "$OUT"
else
        for x in runs read error names; do skip "userns bind source: $x" "root with subordinate ids for ocirt-test only"; done
fi

# --- 12.18: a read-only /dev ---
b=$(new_bundle)
cfg "$b" '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
run_bundle "$b" /bin/sh -c 'touch /dev/x 2>/dev/null && echo WROTE; echo > /dev/null && echo null-ok
                       grep -E " /dev (ro|rw)" /proc/self/mountinfo; grep " /dev/pts " /proc/self/mountinfo; ls /dev'
check_eq "ro /dev: the container runs" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"
check_contains "ro /dev: /dev is read-only" " /dev ro," "$OUT"
if grep -q WROTE <<<"$OUT"; then fail "ro /dev: a new file is refused" "$OUT"; else ok "ro /dev: a new file is refused"; fi
check_contains "ro /dev: /dev/null works" null-ok "$OUT"
check_contains "ro /dev: devpts is mounted" " - devpts " "$OUT"
check_contains "ro /dev: the symlinks are made" stdout "$OUT"
if command -v script >/dev/null 2>&1; then
        run_tty "$b" /bin/sh -c 'tty; ls -l /dev/console'
        check_contains "ro /dev, terminal: a pty" /dev/pts/ "$OUT"
        check_contains "ro /dev, terminal: /dev/console is the pty" "136," "$OUT"
else
        skip "ro /dev, terminal: pty" "script(1) is missing"
        skip "ro /dev, terminal: console" "script(1) is missing"
fi

# --- 12.19: a tmpfs keeps the mode of the directory it covers ---
b=$(new_bundle)
host=$_t_dir/modes
mkdir -p "$host/m712" "$host/m750"
chmod 0712 "$host/m712"
chmod 0755 "$host" "$host/m750"
cfg "$b" '.mounts += [{destination: "/mnt", type: "bind", source: $h, options: ["bind"]},
                      {destination: "/mnt/m712", type: "tmpfs", source: "tmpfs", options: ["nosuid"]},
                      {destination: "/mnt/m750", type: "tmpfs", source: "tmpfs", options: ["mode=0750"]},
                      {destination: "/mnt/new", type: "tmpfs", source: "tmpfs"}]' --arg h "$host"
run_bundle "$b" /bin/sh -c 'stat -c "%n %a" /mnt/m712 /mnt/m750 /mnt/new'
check_eq "tmpfs modes: the container runs" 0 "$RC"
check_contains "tmpfs without mode= keeps the directory's 0712" "/mnt/m712 712" "$OUT"
check_contains "tmpfs with mode=0750 gets 0750" "/mnt/m750 750" "$OUT"
check_contains "tmpfs on a new directory: tmpfs's own 1777" "/mnt/new 1777" "$OUT"
check "tmpfs modes: the host directory is unchanged" test "$(stat -c %a "$host/m712")" = 712

# --- 12.19: stdio and the pty belong to process.user ---
b=$(new_bundle)
if is_root || jq -e '[.linux.uidMappings[]? | select(.containerID <= 1000 and .containerID + .size > 1000)] | length > 0' "$b/config.json" >/dev/null; then
        cfg "$b" '.process.user = {uid: 1000, gid: 1000}'
        n=$((n + 1))
        args "$b" /bin/sh -c 'stat -L -c "%u" /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2'
        RC=0
        OUT=$(echo | timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-$n" 2>&1 | cat) || RC=$?
        rm_ctr "$ID-$n"
        check_eq "stdio pipes belong to uid 1000" "1000 1000 1000" "$(echo $OUT)"
        if command -v script >/dev/null 2>&1; then
                run_tty "$b" /bin/sh -c 'stat -c "%u:%g" $(tty)'
                check_contains "the pty belongs to uid 1000 (its group kept)" "1000:" "$OUT"
        else
                skip "the pty belongs to uid 1000" "script(1) is missing"
        fi
        # exec: the same for the exec'd process (runc's setns init does it too).
        n=$((n + 1))
        args "$b" sleep 60
        "$OCIRT_BIN" --root "$STATE_ROOT" run -d --bundle "$b" "$ID-$n" >/dev/null 2>&1 </dev/null
        OUT=$(echo | timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" exec "$ID-$n" stat -L -c "%u" /proc/self/fd/0 /proc/self/fd/1 2>&1 | cat)
        rm_ctr "$ID-$n"
        check_eq "exec: stdio pipes belong to uid 1000" "1000 1000" "$(echo $OUT)"
        # A host file handed over as stdout stays the host's.
        f=$_t_dir/out.txt
        : >"$f"
        n=$((n + 1))
        args "$b" /bin/true
        timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-$n" >"$f" 2>&1 </dev/null
        rm_ctr "$ID-$n"
        check_eq "a host file as stdout keeps its owner" "$(id -u)" "$(stat -c %u "$f")"
else
        skip "stdio pipes belong to uid 1000" "uid 1000 is not mapped"
        skip "exec: stdio pipes belong to uid 1000" "uid 1000 is not mapped"
        skip "the pty belongs to uid 1000" "uid 1000 is not mapped"
        skip "a host file as stdout keeps its owner" "uid 1000 is not mapped"
fi

# --- mounts add|remove on a running container (crun's `mounts`) ---
b=$(new_bundle)
args "$b" sleep 300
live=$_t_dir/live
mkdir -p "$live/sub"
echo livefile >"$live/sub/f"
chmod -R a+rX "$live"
m=$_t_dir/m.json
jq -n --arg s "$live" '[{destination: "/mnt", type: "bind", source: $s, options: ["rbind", "ro"]},
                       {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]' >"$m"
"$OCIRT_BIN" --root "$STATE_ROOT" run -d --bundle "$b" "$ID-live" >/dev/null 2>&1 </dev/null
if is_root; then
        r mounts add "$ID-live" "$m"
        check_eq "mounts add: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        r exec "$ID-live" /bin/sh -c 'cat /mnt/sub/f; touch /mnt/x 2>/dev/null && echo WROTE; touch /tmp/y && echo tmp-ok'
        check_contains "mounts add: the bind is there" livefile "$OUT"
        check_contains "mounts add: the tmpfs is there and writable" tmp-ok "$OUT"
        if grep -q WROTE <<<"$OUT"; then fail "mounts add: 'ro' is applied" "$OUT"; else ok "mounts add: 'ro' is applied"; fi
        r mounts remove "$ID-live" "$m"
        check_eq "mounts remove: exit 0" 0 "$RC"
        r exec "$ID-live" /bin/sh -c 'grep -cE " /mnt | /tmp " /proc/self/mountinfo'
        check_eq "mounts remove: both mounts are gone" 0 "$OUT"
        r mounts remove "$ID-live" "$m"
        if [ "$RC" -ne 0 ]; then ok "mounts remove of a non-mount: error"; else fail "mounts remove of a non-mount: error"; fi
        check_contains "mounts remove of a non-mount: names the mount" "mounts JSON: .mounts[0]: '/mnt' is not a mount point" "$ERR"
        echo '[{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"}]' >"$m"
        r mounts add "$ID-live" "$m"
        check_contains "mounts add of a cgroup mount: refused, with its JSON path" ".mounts[0]: mounts add cannot mount a cgroup tree" "$ERR"
        echo '{"mounts": [' >"$m"
        r mounts add "$ID-live" "$m"
        if [ "$RC" -ne 0 ]; then ok "mounts add of bad JSON: error"; else fail "mounts add of bad JSON: error"; fi
        check_contains "mounts add of bad JSON: says where" "mounts JSON" "$ERR"
        r mounts frob "$ID-live" "$m"
        check_contains "mounts with an unknown action: error" "unknown action 'frob'" "$ERR"
else
        r mounts add "$ID-live" "$m"
        if [ "$RC" -ne 0 ]; then ok "mounts add rootless: refused"; else fail "mounts add rootless: refused" "$OUT"; fi
        check_contains "mounts add rootless: says root is needed" "needs root" "$ERR"
        for x in 1 2 3 4 5 6 7 8 9; do skip "mounts add/remove ($x)" "root only"; done
fi
rm_ctr "$ID-live"
done_testing
