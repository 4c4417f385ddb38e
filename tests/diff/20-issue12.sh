#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/diff/20-issue12.sh: one small case per behaviour of issue 12
# (parity with runc and crun),
# run under ocirt and under runc/crun and compared (see harness.bash). The
# base config ($B) is `runc spec` as root, `runc spec --rootless` as the test
# user; $WIDE maps uid/gid 1000 too when rootless.
# shellcheck disable=SC2016 # $vars in single quotes are jq's or the container shell's
# shellcheck source=harness.bash
. "$OCIRT_TESTS/diff/harness.bash"

B=$DIFF_BASE
WIDE=$DIFF_WIDE

ROOTPROP='awk "\$5 == \"/\" { print \$7 }" /proc/self/mountinfo | sed "s/:[0-9]*//"'

# issue 12 item 1: every propagation mount(8) knows, on the root and on a mount.
for p in rprivate rslave rshared runbindable private slave shared; do
        dcase "prop-$p" --base $B --jq ".linux.rootfsPropagation = \"$p\"" --cmd "$ROOTPROP" --aspects exit,stdout,mountinfo
done
dcase mount-opt-rslave --base $B --aspects exit,stdout,mountinfo \
        --jq '.mounts += [{destination: "/mnt", type: "bind", source: "/etc", options: ["rbind", "rslave", "ro"]}]' \
        --cmd 'awk "\$5 == \"/mnt\"" /proc/self/mountinfo | wc -l'

# 12.2: a mount namespace joined by path (a holder process owns it).
dcase join-mntns --pass root --base runc --holder "unshare -m --propagation private sleep 60" \
        --jq '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/\($hpid)/ns/mnt" else . end)' \
        --aspects exit,stdout,status,dev,env,host

# 12.3: no mount namespace at all (the caller's is inherited: run in a private one).
# A private rootfs: without a /dev mount the runtimes make device nodes in it.
dcase no-mntns --pass root --base runc --private-mntns --private-rootfs --cmd 'ls / | wc -l' \
        --jq 'del(.linux.namespaces[] | select(.type == "mount")) | .mounts |= map(select(.destination == "/proc"))
              | .linux.maskedPaths = []
              | .linux.readonlyPaths = [] | .root.readonly = false' --aspects exit,stdout,status,env,host

# 12.5: a name that is no capability at all must be refused.
dcase cap-unknown --base $B --jq '.process.capabilities.bounding += ["CAP_TEST"]' --aspects exit,status,stderr
# 12.6: HOME from the user's passwd entry (nobody: /nonexistent), else /.
dcase home-nobody --base $B --jq "$WIDE | .process.user = {uid: 65534, gid: 65534}" --cmd 'echo "HOME=$HOME"' \
        --aspects exit,stdout,env
dcase home-unlisted --base $B --jq "$WIDE | .process.user = {uid: 1234, gid: 1234}" --cmd 'echo "HOME=$HOME"' \
        --aspects exit,stdout,env

# 12.7: under an allow list, a syscall newer than the profile gets ENOSYS.
SECCOMP_ALLOW='["execve", "execveat", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
        "mprotect", "readlinkat", "readlink", "getrandom", "write", "writev", "exit_group", "exit", "uname", "mmap",
        "munmap", "fstat", "newfstatat", "ioctl", "getpid", "getppid", "close", "read", "openat", "open", "sendmsg",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "futex", "statx", "lseek", "getuid", "geteuid", "getgid",
        "getegid", "capget", "capset", "prctl", "fcntl", "dup2", "dup3", "wait4", "clone", "clone3", "vfork", "fork",
        "stat", "lstat", "access", "faccessat", "faccessat2", "getcwd", "chdir", "setuid", "setgid", "setgroups",
        "setresuid", "setresgid", "nanosleep", "clock_nanosleep", "sched_yield", "epoll_pwait", "epoll_ctl",
        "tgkill", "getdents64", "madvise", "sigaltstack", "gettid", "pipe2", "mkdirat", "fchdir", "close_range",
        "fstatfs", "statfs", "openat2", "dup", "mount", "umount2", "pivot_root", "sethostname", "socket", "connect",
        "recvmsg", "epoll_create1", "epoll_wait", "getpgrp", "setsid", "kill", "keyctl", "chroot", "fchown", "fchmod"]'
dcase seccomp-enosys --base $B --argv '/usr/bin/probe try sys:1000 getppid' \
        --jq ".linux.seccomp = {defaultAction: \"SCMP_ACT_ERRNO\",
                architectures: [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
                syscalls: [{names: $SECCOMP_ALLOW, action: \"SCMP_ACT_ALLOW\"}]}"
# A plain deny rule: Seccomp mode 2 in /proc/self/status, EPERM for the denied call.
dcase seccomp-deny --base $B --jq '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO"}]}' --cmd '/usr/bin/probe try getppid getpid' \
        --aspects exit,stdout,status

# 12.15: a cwd only process.user may enter.
dcase cwd-user-only --base $B --aspects exit,stdout,status \
        --jq "$WIDE | .process.user = {uid: 1000, gid: 1000} | .process.cwd = \"/mnt/u\"
              | .mounts += [{destination: \"/mnt\", type: \"tmpfs\", source: \"tmpfs\", options: [\"mode=0755\"]},
                            {destination: \"/mnt/u\", type: \"tmpfs\", source: \"tmpfs\", options: [\"mode=0700\", \"uid=1000\", \"gid=1000\"]}]" \
        --cmd pwd
# 12.16: a read-only root and a cwd that is not there yet.
dcase cwd-missing-ro --base $B --private-rootfs --jq '.root.readonly = true | .process.cwd = "/new/dir"' --cmd pwd \
        --aspects exit,stdout,host
# 12.17: as root with a user namespace, a bind source under a 0700 directory.
dcase bind-src-0700 --pass root --base runc --setup 'mkdir -m 0700 priv && mkdir priv/src && echo hi >priv/src/f' \
        --jq '.linux.namespaces += [{type: "user"}]
              | .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
              | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
              | .mounts += [{destination: "/mnt", type: "bind", source: ($bundle + "/priv/src"), options: ["rbind", "ro"]}]' \
        --cmd 'cat /mnt/f' --aspects exit,stdout,status,host
# 12.18: a read-only /dev.
dcase dev-ro --base $B --jq '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)' \
        --cmd 'touch /dev/x 2>/dev/null; echo touch=$?' --aspects exit,stdout,dev,mountinfo
# 12.19: tmpfs keeps the mount point's mode; stdio belongs to process.user.
dcase tmpfs-mode --base $B --private-rootfs --setup 'mkdir -m 0712 rootfs/mnt/t' \
        --jq '.mounts += [{destination: "/mnt/t", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' \
        --cmd 'stat -c %a /mnt/t' --aspects exit,stdout,mountinfo
dcase stdio-owner --base $B --jq "$WIDE | .process.user = {uid: 1000, gid: 1000}" \
        --cmd 'stat -L -c %u:%g /proc/self/fd/1' --aspects exit,stdout
# 12.21: a realtime budget below a parent cgroup that has none.
dcase rt-runtime --pass root --base runc --aspects exit,host \
        --jq '.linux.cgroupsPath = "/dfrt-\($id)/\($id)" | .linux.resources.cpu = {realtimeRuntime: 1000, realtimePeriod: 1000000}' \
        --teardown 'rmdir /sys/fs/cgroup/*/dfrt-$ID 2>/dev/null; true'
# 12.23: ambient capabilities without inheritable ones (buildah): quiet.
dcase ambient-no-inheritable --base $B \
        --jq '.process.capabilities.ambient = .process.capabilities.bounding | del(.process.capabilities.inheritable)' \
        --aspects exit,stderr,status
# 12.24: lo is up in a new network namespace (root: runc spec has one).
dcase netns-lo --pass root --base runc --aspects exit,net
dcase netns-lo-rootless --pass user --base $B --jq '.linux.namespaces += [{type: "network"}]' --aspects exit,net

diff_done
