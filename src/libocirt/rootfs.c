/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rootfs.c: prepare the container's root: propagation, the rootfs bind, the mounts list (mount.c),
 * /dev (devices.c), pivot_root (or MS_MOVE + chroot with --no-pivot), then maskedPaths,
 * readonlyPaths and a read-only root. All of it runs in the container init, in its own mount
 * namespace, so nothing here can outlive a failed create. */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <sys/statvfs.h>

#include "container.h"
#include "log.h"
#include "mount.h"
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
        if (pathres_compat() && ocirt_log_level(c->ctx) >= OCIRT_LOG_DEBUG)
                init_log(c, OCIRT_LOG_DEBUG, "openat2 refused: paths in the rootfs were resolved component by component");
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
                /* pivot_root(".", ".") stacks the old root on the new one; detach it at once. The unmount
                 * cannot propagate to the host: rootfs_setup() made the whole old tree a slave. (A
                 * MS_SLAVE|MS_REC on "." here would reach the new root's tree instead, since "." is not
                 * followed into the stacked mount, and undo the mounts' own 'shared'.) */
                if (sys_pivot_root(".", ".") < 0)
                        return ocirt_fail_at(err, errno, NULL, "on a ramfs root, use --no-pivot", "pivot_root");
                if (umount2(".", MNT_DETACH) < 0)
                        return ocirt_fail(err, errno, "detach the old root");
        }
        if (chdir("/") < 0)
                return ocirt_fail(err, errno, "chdir /");
        (void) l;
        return 0;
}

/* Runs in: the container init, after the pivot. A masked directory gets an empty read-only tmpfs, a
 * masked file the container's /dev/null. */
static int
mask_path(struct container *c, int rootfd, const char *path, int *nullfd, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "maskedPaths: open '%s'", path);
        if (fstat(fd, &st) < 0)
                return ocirt_fail(err, errno, "maskedPaths: stat '%s'", path);
        if (S_ISDIR(st.st_mode)) {
                char *data[] = { (char *) "size=0", NULL };

                r = mount_new_fd(c, rootfd, path, fd, "tmpfs", data,
                                 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
                return r < 0 ? ocirt_wrap(err, "maskedPaths") : 0;
        }

        /* The container's /dev/null, opened once without following a symlink and checked by fd: if it
         * were a symlink to a procfs file, binding it would expose that file read-write
         * (CVE-2025-31133). Every masked file is then bound from that fd, never from the path. */
        if (*nullfd < 0) {
                struct stat ns;

                *nullfd = openat(rootfd, "dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (*nullfd < 0)
                        return ocirt_fail(err, errno, "maskedPaths: open /dev/null");
                if (fstat(*nullfd, &ns) < 0 || !S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
                        return ocirt_fail_at(err, EPERM, path, "the container's /dev/null must be the null device 1:3",
                                             "maskedPaths: /dev/null in the container is not the null device");
        }
        r = mount_bind_fd(c, rootfd, path, fd, *nullfd, /* rec= */ false, 0, err);
        return r < 0 ? ocirt_wrap(err, "maskedPaths") : 0;
}

/* Runs in: the container init, after the pivot. */
static int
readonly_path(struct container *c, int rootfd, const char *path, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "readonlyPaths: open '%s'", path);
        r = mount_bind_fd(c, rootfd, path, fd, fd, /* rec= */ true,
                          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
        return r < 0 ? ocirt_wrap(err, "readonlyPaths") : 0;
}

/* Runs in: the container init, after the pivot. */
int
rootfs_finalize(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), nullfd = -1;
        int r;

        if (rootfd < 0)
                return ocirt_fail(err, errno, "open /");
        for (size_t i = 0; l && i < l->n_masked_paths; i++) {
                r = mask_path(c, rootfd, l->masked_paths[i], &nullfd, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; l && i < l->n_readonly_paths; i++) {
                r = readonly_path(c, rootfd, l->readonly_paths[i], err);
                if (r < 0)
                        return r;
        }
        if (c->spec->root->readonly) {
                r = sys_mount_setattr(AT_FDCWD, "/", 0, MOUNT_ATTR_RDONLY, 0, 0) < 0 ? -errno : 0;
                if (r == -ENOSYS || r == -EPERM) {
                        /* COMPAT(kernel < 5.12): a bind remount keeps the flags the kernel locked. */
                        struct statvfs sv;
                        unsigned long keep = 0;

                        if (statvfs("/", &sv) == 0)
                                keep = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
                                       (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) |
                                       (sv.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
                                       (sv.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0) |
                                       (sv.f_flag & ST_RELATIME ? MS_RELATIME : 0);
                        r = mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0 ? -errno : 0;
                }
                if (r < 0)
                        return ocirt_fail_at(err, -r, c->config_path, NULL, "make the root read-only (.root.readonly)");
        }
        /* The root mount only (runc's reading too): the mounts list set its own propagation per mount,
         * and 'unbindable' on the whole tree would refuse the binds of the masked paths above. */
        if (l && l->rootfs_propagation && mount(NULL, "/", NULL, l->rootfs_propagation_flag, NULL) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "set .linux.rootfsPropagation '%s'",
                                     l->rootfs_propagation);
        return 0;
}
