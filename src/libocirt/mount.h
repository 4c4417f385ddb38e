/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.h: what mount.c and pathres.c share with rootfs.c and devices.c: the fd-based bind that
 * masked/read-only paths and device nodes use, and the COMPAT paths for kernels or seccomp filters
 * without openat2 or the new mount API. Runs in: the container init. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "container.h"

/* pathres.c: one more flag for pathres_open(): the result must be a directory (ENOTDIR otherwise);
 * with PATHRES_NOFOLLOW, a symlink in the last component is refused at no extra syscall. */
#define PATHRES_DIRECTORY (1 << 3)

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
