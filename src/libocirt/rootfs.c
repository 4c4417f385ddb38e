/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rootfs.c: prepare the container's root: propagation, the rootfs bind, the mounts list (mount.c),
 * /dev (devices.c), pivot_root (or MS_MOVE + chroot with --no-pivot), then maskedPaths,
 * readonlyPaths and a read-only root. All of it runs in the container init, in its own mount
 * namespace, so nothing here can outlive a failed create. */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "container.h"
#include "log.h"
#include "syscalls.h"
#include "util.h"

/* Runs in: the container init. */
int
rootfs_setup(struct container *c, int *ret_rootfd, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int rootfd = -1;
        int r;

        if (!c->new_ns[SPEC_NS_MOUNT] && c->join_fd[SPEC_NS_MOUNT] < 0)
                return ocirt_fail_at(err, EINVAL, c->config_path, "add {\"type\": \"mount\"} to .linux.namespaces",
                                     "a container needs its own mount namespace");

        /* Nothing mounted from here on may reach the host. rslave, like runc, unless the config
         * asks otherwise: host mounts still propagate in, none propagate out. */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return ocirt_fail(err, errno, "make / a slave mount");

        /* pivot_root needs the new root to be a mount point. */
        if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "bind the rootfs '%s'", c->rootfs);
        rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return ocirt_fail(err, errno, "open rootfs '%s'", c->rootfs);

        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                r = mount_one(c, rootfd, &c->spec->mounts[i], i, err);
                if (r < 0)
                        return r;
        }
        r = devices_setup(c, rootfd, err);
        if (r < 0)
                return r;
        (void) l;
        *ret_rootfd = TAKE_FD(rootfd);
        return 0;
}

/* Runs in: the container init. */
int
rootfs_pivot(struct container *c, int rootfd, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;

        if (fchdir(rootfd) < 0)
                return ocirt_fail(err, errno, "chdir to the rootfs");
        if (c->flags & OCIRT_CREATE_NO_PIVOT) {
                /* For a ramfs root, where pivot_root is refused. */
                if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
                        return ocirt_fail(err, errno, "move the rootfs to / (--no-pivot)");
                if (chroot(".") < 0)
                        return ocirt_fail(err, errno, "chroot (--no-pivot)");
        } else {
                /* pivot_root(".", ".") stacks the old root on the new one; detach it at once. It is made a
                 * slave first so the unmount cannot propagate to the host. */
                if (sys_pivot_root(".", ".") < 0)
                        return ocirt_fail_at(err, errno, NULL, "on a ramfs root, use --no-pivot", "pivot_root");
                if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return ocirt_fail(err, errno, "make the old root a slave");
                if (umount2(".", MNT_DETACH) < 0)
                        return ocirt_fail(err, errno, "detach the old root");
        }
        if (chdir("/") < 0)
                return ocirt_fail(err, errno, "chdir /");
        if (l && l->rootfs_propagation && mount(NULL, "/", NULL, MS_REC | l->rootfs_propagation_flag, NULL) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "set rootfsPropagation '%s'",
                                     l->rootfs_propagation);
        return 0;
}

static int
mask_path(struct container *c, int rootfd, const char *path, size_t index, ocirt_error **err)
{
        _cleanup_close_ int fd = -1, mfd = -1;
        struct stat st;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "maskedPaths: open '%s'", path);
        if (fstat(fd, &st) < 0)
                return ocirt_fail(err, errno, "maskedPaths: stat '%s'", path);
        if (S_ISDIR(st.st_mode)) {
                _cleanup_close_ int fsfd = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
                if (fsfd < 0 || sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
                    sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
                    (mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                                                      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0)
                        return ocirt_fail(err, errno, "maskedPaths: mount a tmpfs over '%s'", path);
        } else {
                struct stat ns;

                /* The container's /dev/null, checked by fd: if it were a symlink to a procfs file, binding
                 * it would expose that file read-write (CVE-2025-31133). */
                mfd = sys_open_tree(rootfd, "dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
                if (mfd < 0)
                        return ocirt_fail(err, errno, "maskedPaths: open /dev/null");
                if (fstat(mfd, &ns) < 0 || !S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
                        return ocirt_fail(err, EPERM, "maskedPaths: /dev/null in the container is not the null device");
        }
        if (sys_move_mount(mfd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return ocirt_fail(err, errno, "maskedPaths: mask '%s'", path);
        (void) c;
        (void) index;
        return 0;
}

static int
readonly_path(int rootfd, const char *path, ocirt_error **err)
{
        _cleanup_close_ int fd = -1, mfd = -1;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "readonlyPaths: open '%s'", path);
        mfd = sys_open_tree(fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (mfd < 0)
                return ocirt_fail(err, errno, "readonlyPaths: bind '%s'", path);
        if (sys_mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE,
                              MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, 0) < 0)
                return ocirt_fail(err, errno, "readonlyPaths: make '%s' read-only", path);
        if (sys_move_mount(mfd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return ocirt_fail(err, errno, "readonlyPaths: attach '%s'", path);
        return 0;
}

/* Runs in: the container init, after the pivot. */
int
rootfs_finalize(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (rootfd < 0)
                return ocirt_fail(err, errno, "open /");
        for (size_t i = 0; l && i < l->n_masked_paths; i++) {
                r = mask_path(c, rootfd, l->masked_paths[i], i, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; l && i < l->n_readonly_paths; i++) {
                r = readonly_path(rootfd, l->readonly_paths[i], err);
                if (r < 0)
                        return r;
        }
        if (c->spec->root->readonly && sys_mount_setattr(AT_FDCWD, "/", 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "make the root read-only (.root.readonly)");
        return 0;
}
