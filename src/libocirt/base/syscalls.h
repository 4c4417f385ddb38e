/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscalls.h: thin wrappers for syscalls that glibc 2.36 lacks or that clash with <sys/mount.h>
 * (openat2, the new mount API, clone3, pidfd). Leaf header. */
#pragma once

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
/* clone3()'s argument up to CLONE_ARGS_SIZE_VER2 (kernel 5.7: the cgroup field). */
struct ocirt_clone_args {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
                set_tid_size, cgroup;
};
/* Fork-like clone3 (no stack) with CLONE_INTO_CGROUP: the child is born in the cgroup of cgroup_fd. */
static inline pid_t
clone3_into_cgroup(uint64_t flags, int cgroup_fd)
{
        struct ocirt_clone_args a = { .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                                      .cgroup = (uint64_t) cgroup_fd };
        return (pid_t) syscall(SYS_clone3, &a, sizeof a);
}

/* The errors of clone3_into_cgroup() after which a plain clone() and a migration are the way: no
 * clone3 (before 5.7, or a seccomp filter), or the kernel refuses this cgroup for it. */
static inline bool
clone3_refused(int e)
{
        return e == ENOSYS || e == E2BIG || e == EPERM || e == EINVAL || e == EOPNOTSUPP || e == EACCES;
}
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static inline int
sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
        struct open_how how = { .flags = flags, .mode = 0, .resolve = resolve };
        return (int) syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

static inline int
sys_open_tree(int dirfd, const char *path, unsigned flags)
{
        return (int) syscall(SYS_open_tree, dirfd, path, flags);
}

static inline int
sys_move_mount(int from_dirfd, const char *from, int to_dirfd, const char *to, unsigned flags)
{
        return (int) syscall(SYS_move_mount, from_dirfd, from, to_dirfd, to, flags);
}

static inline int
sys_fsopen(const char *fsname, unsigned flags)
{
        return (int) syscall(SYS_fsopen, fsname, flags);
}

static inline int
sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux)
{
        return (int) syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int
sys_fsmount(int fd, unsigned flags, unsigned attr_flags)
{
        return (int) syscall(SYS_fsmount, fd, flags, attr_flags);
}

static inline int
sys_mount_setattr(int dirfd, const char *path, unsigned flags, uint64_t set, uint64_t clr, uint64_t propagation)
{
        struct mount_attr a = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
        return (int) syscall(SYS_mount_setattr, dirfd, path, flags, &a, sizeof a);
}

static inline int
sys_pivot_root(const char *new_root, const char *put_old)
{
        return (int) syscall(SYS_pivot_root, new_root, put_old);
}

static inline int
sys_pidfd_open(pid_t pid, unsigned flags)
{
        return (int) syscall(SYS_pidfd_open, pid, flags);
}

static inline int
sys_pidfd_send_signal(int pidfd, int sig)
{
        return (int) syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}
