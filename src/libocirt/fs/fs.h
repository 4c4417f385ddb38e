/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fs.h: the front door of fs/: the container's root (rootfs.c), the mounts list (mount*.c), /dev
 * (devices.c) and path resolution inside the rootfs (pathres.c). Runs in: the container init, except
 * where noted. What the room's files call of each other is in fs-internal.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"

/* rootfs.c, mount.c — Run in: the container init. */
int rootfs_setup(struct container *c, int *ret_rootfd, ocirt_error **err);
int rootfs_pivot(struct container *c, int rootfd, ocirt_error **err);
int rootfs_finalize(struct container *c, ocirt_error **err); /* after pivot: masked/ro paths, ro root */
int mount_one(struct container *c, int rootfd, const struct spec_mount *m, size_t index, ocirt_error **err);

/* devices.c. Runs in: the container init. */
int devices_bind_console(struct container *c, int rootfd, int pty_slave, ocirt_error **err);

/* pathres.c: resolve inside the rootfs so that no symlink or ".." leads out of it. */
enum {
        PATHRES_MKDIR = 1 << 0,     /* create missing directories (all components) */
        PATHRES_MKFILE = 1 << 1,    /* create the last component as an empty file when missing */
        PATHRES_NOFOLLOW = 1 << 2,  /* do not follow a symlink in the last component */
        PATHRES_DIRECTORY = 1 << 3, /* the result must be a directory (ENOTDIR otherwise); with
                                     * PATHRES_NOFOLLOW, a symlink in the last component is refused
                                     * at no extra syscall */
        PATHRES_NOSYMLINKS = 1 << 4 /* no symlink in any component (RESOLVE_NO_SYMLINKS): ELOOP */
};
int pathres_open(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err);

/* pathres.c: true once openat2 was refused and paths are walked component by component. */
bool pathres_compat(void);

/* Runs in: the runtime, for the init of a late v1 cgroup (mount-cgroup.c): its cgroup hierarchies
 * as its cgroup mount needs them, from what its /proc/self/cgroup will read (proc_cgroup), in at
 * most max bytes; NULL when the init should read them itself. */
char *mount_cgroup_plan(const struct container *c, const char *proc_cgroup, size_t max);

/* mount-idmap-runtime.c: idmapped mounts in a container with a user namespace of its own. Runs in:
 * the runtime, once it has written the namespace's maps (SYNC_USERNS), before SYNC_MAPS_DONE. When it
 * is root, builds the detached, idmapped tree of each idmap/ridmap bind and sends it to the init
 * (SYNC_IDMAP_FD, pid = the mount's index). Without such a mount: no syscall, no message. */
int mount_idmap_prepare(struct container *c, pid_t pid, ocirt_error **err);

/* mount-idmap.c. Runs in: the container init, waiting for SYNC_MAPS_DONE: keeps the trees that come
 * before it for mount_one(). */
int mount_idmap_receive(struct container *c, ocirt_error **err);

/* mount-id.c: the id of the mount fd is on (/proc/self/fdinfo), or -1. */
int mount_id_of(int fd);

/* mount-idmap.c, for mount-live.c (`mounts add`): the binds of the list come as detached trees the
 * caller cloned, by mount index (-1: none); mount_one() attaches them. */
void mount_set_prepared_trees(int *fds, size_t n);
