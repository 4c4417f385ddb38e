#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 160-process-parity.sh: the process-side behaviours of runc 1.1.5 and crun 1.8.1 that clients
# rely on (issue 12 items 4-7, 15, 16, 23; issue 13 item 5), each checked from inside a container:
#  - a config without .process: `create` works, `start` refuses, the container stays created;
#  - a capability name that is no capability at all is refused with its JSON path;
#  - HOME comes from the container's /etc/passwd, else "/", unless process.env sets it;
#  - under a seccomp allow list, a syscall newer than the profile gets ENOSYS, not EPERM;
#  - a process.cwd only process.user may enter works (chdir after the user switch);
#  - a missing process.cwd is created before a read-only root is made read-only;
#  - ambient capabilities without inheritable ones are dropped without a warning (buildah);
#  - startContainer hooks run under the container's seccomp filter.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=proc160-$$
b=$(new_bundle) # probe ARGS (prelude.sh) runs the probe in a fresh container of $b
# runc_probe ARGS...: the same bundle under runc 1.1.5, as root (rootless runc needs a config of
# its own), to show that ocirt now behaves as runc does where the spec leaves it to custom.
RUNC_ROOT=$(dirname "$b")/runc-state
have_runc() { is_root && command -v runc >/dev/null 2>&1; }
runc_probe() {
        local e=$RUNC_ROOT.err
        n=$((n + 1))
        args "$b" $P "$@"
        RC=0
        OUT=$(timeout -k 2 10 runc --root "$RUNC_ROOT" run --bundle "$b" "$ID-runc-$n" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        timeout -k 2 10 runc --root "$RUNC_ROOT" delete --force "$ID-runc-$n" >/dev/null 2>&1 </dev/null
}
# A fresh copy of the pristine config for each part.
cp "$b/config.json" "$b/config.orig"
reset_cfg() { cp "$b/config.orig" "$b/config.json"; }

# --- 12.4: no .process until start ---
reset_cfg
cfg "$b" 'del(.process)'
rf "$b/np.out" create --bundle "$b" "$ID-np"
check_eq "no .process: create succeeds" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "no .process: the container is created" created "$(status_of "$ID-np")"
r start "$ID-np"
check_eq "no .process: start fails" 1 "$RC"
check_contains "no .process: start says why" "created without a .process" "$ERR"
check_contains "no .process: start names the config" "config.json" "$ERR"
check_eq "no .process: the container stays created" created "$(status_of "$ID-np")"
if is_root; then
        r exec --cwd / "$ID-np" $P hostname
        check_eq "no .process: exec into it works" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
else
        skip "no .process: exec into it works" "rootless exec into a created container is issue 12 item 13"
fi
r delete --force "$ID-np"
check_eq "no .process: delete --force" 0 "$RC"
check_eq "no .process: nothing left" "" "$(state_left)"
r run --bundle "$b" "$ID-np2"
check_eq "no .process: run refuses" 1 "$RC"
check_contains "no .process: run names .process" ".process is missing" "$ERR"
check_eq "no .process: run leaves nothing" "" "$(state_left)"

# --- 12.5: capability names ---
reset_cfg
cfg "$b" '.process.capabilities.bounding += ["CAP_TEST"]'
i=$(jq '.process.capabilities.bounding | length - 1' "$b/config.json")
probe ids
check_eq "CAP_TEST: refused" 1 "$RC"
check_contains "CAP_TEST: names the JSON path" ".process.capabilities.bounding[$i]" "$ERR"
check_contains "CAP_TEST: says it is no capability" "'CAP_TEST' is not a Linux capability" "$ERR"
check_eq "CAP_TEST: nothing left" "" "$(state_left)"
reset_cfg
cfg "$b" '.process.capabilities.ambient = ["cap_kill"] | .process.capabilities.inheritable = ["CAP_KILL"]'
probe caps
check_eq "a real name in lower case is accepted" 0 "$RC"
if [ "$(cat /proc/sys/kernel/cap_last_cap)" -lt 40 ]; then
        reset_cfg
        cfg "$b" '.process.capabilities.bounding += ["CAP_CHECKPOINT_RESTORE"]'
        probe ids
        check_eq "a capability this kernel lacks: runs" 0 "$RC"
        check_contains "a capability this kernel lacks: a warning" "unknown to this kernel" "$ERR"
else
        skip "a capability this kernel lacks is a warning" "this kernel knows every capability name"
fi

# --- 12.6: HOME ---
reset_cfg
cfg "$b" '.process.env = ["PATH=/bin:/usr/bin"]'
probe env
check_eq "HOME of uid 0 from /etc/passwd" /root "$(kv HOME "$OUT")"
if is_root || jq -e '[.linux.uidMappings[]? | select(.containerID <= 65534 and 65534 < .containerID + .size)] | length > 0' \
        "$b/config.json" >/dev/null; then
        cfg "$b" '.process.user = {uid: 65534, gid: 65534}'
        probe env
        check_eq "HOME of uid 65534 from /etc/passwd" /nonexistent "$(kv HOME "$OUT")"
        cfg "$b" '.process.user = {uid: 4242, gid: 4242}'
        probe env
        check_eq "HOME of a uid without a passwd entry is /" / "$(kv HOME "$OUT")"
        if have_runc; then
                for u in 0 65534 4242; do
                        cfg "$b" '.process.user = {uid: $u, gid: $u}' --argjson u $u
                        probe env
                        mine=$(kv HOME "$OUT")
                        runc_probe env
                        check_eq "HOME of uid $u as runc sets it" "$(kv HOME "$OUT")" "$mine"
                done
        fi
else
        skip "HOME of other uids" "the rootless config maps no uid 65534"
        skip "HOME of a uid without a passwd entry" "the rootless config maps no uid 65534"
fi
reset_cfg
cfg "$b" '.process.env = ["PATH=/bin:/usr/bin", "HOME=/srv"]'
probe env
check_eq "HOME from process.env is kept" /srv "$(kv HOME "$OUT")"
check_eq "HOME from process.env: only once" 1 "$(grep -c '^HOME=' <<<"$OUT")"

# --- 12.7: syscalls newer than the profile get ENOSYS ---
reset_cfg
cfg "$b" '.process.noNewPrivileges = true | .linux.seccomp = {
        defaultAction: "SCMP_ACT_ERRNO",
        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        syscalls: [{names: ["execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
                            "mprotect", "readlinkat", "readlink", "getrandom", "write", "writev", "exit_group", "exit",
                            "uname", "mmap", "munmap", "fstat", "newfstatat", "ioctl", "getpid", "close", "read",
                            "openat", "sendmsg", "rt_sigaction", "rt_sigprocmask", "futex", "statx", "lseek",
                            "epoll_pwait", "epoll_ctl", "fcntl", "sigaltstack", "gettid", "nanosleep", "sched_yield",
                            "tgkill", "rt_sigreturn", "madvise", "clone", "mlock", "getdents64", "capget", "capset",
                            "prctl", "setgroups", "setresuid", "setresgid", "setuid", "setgid", "epoll_create1",
                            "pipe2", "dup3", "close_range", "fchdir", "chdir", "getcwd", "waitid", "wait4", "socket",
                            "connect", "recvmsg", "fstatfs", "ppoll", "pselect6", "poll", "access", "faccessat",
                            "faccessat2"],
                    action: "SCMP_ACT_ALLOW"}]}'
# (The calls after "lseek" are for runc, whose init runs on under the filter: same bundle for both.)
if [ "$(uname -m)" = x86_64 ]; then
        probe try getpid getppid nr:1000 nr:500
        check_eq "allow list: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        check_eq "allow list: a listed syscall runs" ok "$(kv getpid "$OUT")"
        check_eq "allow list: an unlisted older syscall gets the default EPERM" EPERM "$(kv getppid "$OUT")"
        check_eq "allow list: syscall 1000 (newer than the profile) gets ENOSYS" ENOSYS "$(kv nr:1000 "$OUT")"
        check_eq "allow list: syscall 500 gets ENOSYS" ENOSYS "$(kv nr:500 "$OUT")"
        if have_runc; then
                mine=$OUT
                runc_probe try getpid getppid nr:1000 nr:500
                check_eq "allow list: the same results as runc" "$OUT" "$mine"
        fi
        cfg "$b" '.linux.seccomp.defaultErrnoRet = 18'
        probe try getppid nr:1000
        check_eq "defaultErrnoRet 18: an unlisted older syscall gets EXDEV" EXDEV "$(kv getppid "$OUT")"
        check_eq "defaultErrnoRet 18: syscall 1000 gets ENOSYS" ENOSYS "$(kv nr:1000 "$OUT")"
        cfg "$b" '.linux.seccomp.defaultAction = "SCMP_ACT_KILL" | del(.linux.seccomp.defaultErrnoRet)'
        probe try nr:1000
        check_eq "defaultAction KILL: syscall 1000 gets ENOSYS, not SIGSYS" ENOSYS "$(kv nr:1000 "$OUT")"
else
        skip "seccomp ENOSYS for newer syscalls" "the allow list is written for x86_64"
fi
cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO"}]}'
probe try getppid getpid
check_eq "defaultAction ALLOW: the ERRNO rule still applies" EPERM "$(kv getppid "$OUT")"
check_eq "defaultAction ALLOW: a syscall newer than the profile runs" ok "$(kv getpid "$OUT")"

# --- 12.16: a read-only root and a missing cwd ---
reset_cfg
ro=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-160-rootfs.XXXXXX")
chmod 0755 "$ro"
cp -a "$OCIRT_ROOTFS/." "$ro/"
cfg "$b" '.root.path = $r | .root.readonly = true | .process.cwd = "/made/by/ocirt"' --arg r "$ro"
probe cwd
check_eq "read-only root, missing cwd: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "read-only root, missing cwd: the process runs there" /made/by/ocirt "$OUT"
if have_runc; then
        rm -rf "$ro/made"
        runc_probe cwd
        check_eq "read-only root, missing cwd: runc does the same" /made/by/ocirt "$OUT"
fi
probe write /made/by/ocirt/f x
check_contains "read-only root, missing cwd: the root is still read-only" "ead-only" "$OUT$ERR"
rm -rf "$ro"

# --- 12.15: a cwd only process.user can enter ---
# A 0700 directory of uid 1000 whose group is not mapped in the container: root in the container's
# user namespace has no CAP_DAC_OVERRIDE over it, uid 1000 enters it as its owner.
reset_cfg
d=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-160-cwd.XXXXXX")
chmod 0755 "$d"
made=0
if is_root; then
        mkdir "$d/priv" && chown 101000:0 "$d/priv" && chmod 0700 "$d/priv" && made=1
        cfg "$b" '.linux.namespaces += [{type: "user"}]
                  | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
                  | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
elif grep -qE "^($(id -un)|$(id -u)):100000:65536" /etc/subuid /etc/subgid 2>/dev/null &&
        unshare --map-root-user --map-users=100000,1,65536 --map-groups=100000,1,65536 \
                sh -c "mkdir '$d/priv' && chown 1000:5000 '$d/priv' && chmod 0700 '$d/priv'" 2>/dev/null; then
        made=1
        # The container maps gids 1-999 only: gid 5000 of the directory stays unmapped.
        cfg "$b" '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: 100000, size: 65536}]
                  | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: 100000, size: 999}]' \
                --argjson u "$(id -u)" --argjson g "$(id -g)"
fi
if [ $made = 1 ]; then
        cfg "$b" '.mounts += [{destination: "/mnt", type: "bind", source: $d, options: ["rbind", "rw"]}]
                  | .process.cwd = "/mnt/priv" | .process.user = {uid: 1000, gid: 100}' --arg d "$d"
        probe cwd
        check_eq "cwd only process.user can enter: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        check_eq "cwd only process.user can enter: the process runs there" /mnt/priv "$OUT"
        if have_runc; then
                runc_probe cwd
                check_eq "cwd only process.user can enter: runc does the same" /mnt/priv "$OUT"
        fi
        cfg "$b" '.process.user = {uid: 1001, gid: 100}'
        probe cwd
        check_eq "cwd another user cannot enter: refused" 1 "$RC"
        check_contains "cwd another user cannot enter: names .process.cwd" "chdir to .process.cwd '/mnt/priv'" "$ERR"
        check_contains "cwd another user cannot enter: permission denied" "ermission denied" "$ERR"
else
        skip "cwd only process.user can enter" "cannot make a directory of a subordinate uid here"
fi
rmdir "$d/priv" 2>/dev/null
rm -rf "$d"

# --- 12.23: ambient capabilities without inheritable ones (buildah's RUN) ---
reset_cfg
cfg "$b" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c, ambient: $c}' \
        --argjson c '["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]'
probe caps
check_eq "ambient without inheritable: exit 0" 0 "$RC"
check_eq "ambient without inheritable: CapAmb is empty" 0000000000000000 "$(kv CapAmb "$OUT")"
check_eq "ambient without inheritable: no warning" "" "$(grep -i 'ambient' <<<"$ERR")"
if have_runc; then
        mine=$(kv CapAmb "$OUT")
        runc_probe caps
        check_eq "ambient without inheritable: CapAmb as under runc" "$(kv CapAmb "$OUT")" "$mine"
        check_eq "ambient without inheritable: runc does not warn either" "" "$(grep -i 'ambient' <<<"$ERR")"
fi

# --- 13.5: startContainer hooks run under the seccomp filter ---
reset_cfg
cfg "$b" '.process.noNewPrivileges = true
          | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["mode=1777"]}]
          | .hooks.startContainer = [{path: "/bin/mkdir", args: ["mkdir", "/tmp/by-hook"]}]'
probe stat /tmp/by-hook
check_eq "startContainer hook without a filter: runs" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "startContainer hook without a filter: made its directory" dir "$(kv type "$OUT")"
cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                            syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 18}]}'
probe stat /tmp/by-hook
check_eq "startContainer hook under the filter: its mkdir is refused, start fails" 1 "$RC"
check_contains "startContainer hook under the filter: the errno of the filter" "cross-device link" "$ERR"
check_contains "startContainer hook under the filter: names the hook" "startContainer[0]" "$ERR"
if have_runc; then
        runc_probe stat /tmp/by-hook
        check_eq "startContainer hook under the filter: runc fails too" 1 "$RC"
fi

done_testing
