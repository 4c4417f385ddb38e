/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fs.h: the front door of fs/: the container's root (rootfs.c), the mounts list (mount*.c), /dev
 * (devices.c) and path resolution inside the rootfs (pathres.c). Runs in: the container init, except
 * where noted. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"

/* rootfs.c, mount.c, devices.c — Run in: the container init. */
int rootfs_setup(struct container *c, int *ret_rootfd, ocirt_error **err);
int rootfs_pivot(struct container *c, int rootfd, ocirt_error **err);
int rootfs_finalize(struct container *c, ocirt_error **err); /* after pivot: masked/ro paths, ro root */
int mount_one(struct container *c, int rootfd, const struct spec_mount *m, size_t index, ocirt_error **err);
int devices_setup(struct container *c, int rootfd, ocirt_error **err);
int devices_bind_console(struct container *c, int rootfd, int pty_slave, ocirt_error **err);

/* pathres.c: resolve inside the rootfs so that no symlink or ".." leads out of it. */
enum {
        PATHRES_MKDIR = 1 << 0,   /* create missing directories (all components) */
        PATHRES_MKFILE = 1 << 1,  /* create the last component as an empty file when missing */
        PATHRES_NOFOLLOW = 1 << 2 /* do not follow a symlink in the last component */
};
int pathres_open(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err);


/* ---- from mount.h ---- */


/* pathres.c: one more flag for pathres_open(): the result must be a directory (ENOTDIR otherwise);
 * with PATHRES_NOFOLLOW, a symlink in the last component is refused at no extra syscall. */
#define PATHRES_DIRECTORY (1 << 3)
/* No symlink in any component (RESOLVE_NO_SYMLINKS): ELOOP. */
#define PATHRES_NOSYMLINKS (1 << 4)

/* pathres.c: true once openat2 was refused and paths are walked component by component. */
bool pathres_compat(void);

/* mount.c: true once the new mount API was refused and mount(2) through /proc/self/fd is used. */
bool mount_use_legacy(void);

/* Bind srcfd (any fd, O_PATH is fine; rec: with its submounts) onto dstfd, which is `dest` resolved in
 * rootfd, with the MOUNT_ATTR_* flags in set (recursively when rec). New mount API, else mount(2). */
int mount_bind_fd(struct container *c, int rootfd, const char *dest, int dstfd, int srcfd, bool rec, uint64_t set,
                  ocirt_error **err);

/* Attach treefd (a detached tree from open_tree(OPEN_TREE_CLONE)) onto dstfd; if move_mount is
 * refused, bind srcpath with mount(2) instead. */
int mount_attach_tree(struct container *c, int rootfd, const char *dest, int dstfd, int treefd, const char *srcpath,
                      ocirt_error **err);

/* A new filesystem (mount(2) style data string list) onto dstfd, flags in set. */
int mount_new_fd(struct container *c, int rootfd, const char *dest, int dstfd, const char *type, char **data,
                 uint64_t set, ocirt_error **err);

/* Idmapped mounts in a container with a user namespace of its own. Runs in: the runtime, once it
 * has written the namespace's maps (SYNC_USERNS), before SYNC_MAPS_DONE. When it is root, builds the
 * detached, idmapped tree of each idmap/ridmap bind and sends it to the init (SYNC_IDMAP_FD, pid =
 * the mount's index). Without such a mount: no syscall, no message. */
int mount_idmap_prepare(struct container *c, pid_t pid, ocirt_error **err);

/* Runs in: the container init, waiting for SYNC_MAPS_DONE: keeps the trees that come before it for
 * mount_one(). */
int mount_idmap_receive(struct container *c, ocirt_error **err);

/* Runs in: the container init. True when fd lies on a mount the container made itself (its rootfs
 * bind, rootfd, or a new filesystem of the mounts list); false on a bind of a host directory or a
 * host submount, where ocirt must create nothing the config did not ask for. */
bool mount_is_own(int rootfd, int fd);

/* Runs in: the container init, once /dev is filled: a /dev the config wants read-only becomes so. */
int mount_dev_finish(struct container *c, int rootfd, ocirt_error **err);

/* The id of the mount fd is on (/proc/self/fdinfo), or -1. */
int mount_id_of(int fd);

/* mount-live.c (`mounts add`): the binds of the list come as detached trees the caller cloned, by
 * mount index (-1: none); mount_one() attaches them. */
void mount_set_prepared_trees(int *fds, size_t n);
