/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-api.c: mounting through file descriptors with the new mount API. A mount is built detached
 * (fsopen/fsconfig/fsmount for a new filesystem, open_tree for a bind), gets its attributes with
 * mount_setattr while detached, and is attached with move_mount onto an fd that pathres.c resolved
 * inside the rootfs: no path is looked up twice, and read-only binds need no remount that would trip
 * over the flags a user namespace locks.
 *
 * Once the kernel (< 5.2) or a seccomp filter of an outer container refuses the API with ENOSYS or
 * EPERM, every later mount takes mount(2) through /proc/self/fd (mount-legacy.c). The operations at
 * the end of this file do either, for the other files of fs/. */
#include "config.h"

#include <sys/mount.h>

#include "fs/fs-internal.h"
#include "base/base.h"

/* true: the new mount API was refused, mount(2) from now on. */
static bool legacy;

bool
mount_use_legacy(void)
{
        return legacy;
}

/* Runs in: the container init. r: the refusal (-errno) of the syscall `what`. */
void
mount_note_legacy(struct container *c, int r, const char *what)
{
        if (!legacy)
                mnt_debug(c, "%s: %s, using mount(2) through /proc/self/fd from now on", what, strerror(-r));
        legacy = true;
}

bool
mount_api_refused(int r)
{
        return r == -ENOSYS || r == -EPERM;
}

/* Collect the kernel's own explanation of an fsconfig failure (it is often precise). */
static void
fs_context_log(int fsfd, char *buf, size_t size)
{
        char line[512];
        ssize_t n;
        size_t len = 0;

        buf[0] = '\0';
        while (len + 3 < size && (n = read(fsfd, line, sizeof line - 1)) > 0) {
                line[n] = '\0';
                len += snprintf(buf + len, size - len, "%s%s", len ? "; " : "", line + (n > 2 && line[1] == ' ' ? 2 : 0));
        }
}

/* A new filesystem, detached, as mfd; why: the kernel's own words on a failure. drop_gid: without a
 * gid= option (a devpts that refuses gid=5). */
int
mount_new_fs(const char *type, const char *source, char **data, uint64_t attr, bool drop_gid, int *ret_mfd, char *why,
             size_t whysize)
{
        _cleanup_close_ int fsfd = -1;
        int mfd;

        why[0] = '\0';
        fsfd = sys_fsopen(type, FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return -errno;
        if (source && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0 && errno != EINVAL)
                return -errno;
        for (size_t i = 0; data && data[i]; i++) {
                _cleanup_free_ char *key = xstrdup(data[i]);
                char *eq = strchr(key, '=');
                int r;

                if (drop_gid && startswith(key, "gid="))
                        continue;
                if (eq) {
                        *eq = '\0';
                        r = sys_fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
                } else {
                        r = sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
                }
                if (r < 0) {
                        int e = errno;
                        fs_context_log(fsfd, why, whysize);
                        return -e;
                }
        }
        if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                int e = errno;
                fs_context_log(fsfd, why, whysize);
                return -e;
        }
        mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned) attr);
        if (mfd < 0)
                return -errno;
        *ret_mfd = mfd;
        return 0;
}

/* A detached clone of the tree at source (recursive: with its submounts). */
int
mount_bind_tree(const char *source, bool recursive, int *ret_mfd)
{
        int fd = sys_open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

        if (fd < 0)
                return -errno;
        *ret_mfd = fd;
        return 0;
}

/* The plan's attributes on the detached mount mfd (the recursive ones on its whole tree). */
int
mount_apply_attrs(int mfd, const struct mount_plan *p)
{
        if ((p->set || p->clr) && sys_mount_setattr(mfd, "", AT_EMPTY_PATH, p->set, p->clr, 0) < 0)
                return -errno;
        if ((p->rset || p->rclr) && sys_mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, p->rset, p->rclr, 0) < 0)
                return -errno;
        return 0;
}

/* Propagation is set once the mount is attached: a detached tree lives in an anonymous namespace,
 * where the kernel gives it no peer group. mfd still names the mount after move_mount. */
int
mount_apply_propagation(int mfd, const struct mount_plan *p)
{
        if (p->propagation && sys_mount_setattr(mfd, "", AT_EMPTY_PATH, 0, 0, p->propagation) < 0)
                return -errno;
        if (p->rpropagation && sys_mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, 0, 0, p->rpropagation) < 0)
                return -errno;
        return 0;
}

int
mount_attach(int mfd, int dstfd)
{
        if (sys_move_mount(mfd, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

/* ---- mount with the new API, or with mount(2) once it is refused ---------------------------------- */

/* Runs in: the container init. Make the mount that `path` (resolved in the rootfs) is the root of
 * read-only, not its submounts. */
int
mount_readonly_one(struct container *c, int rootfd, const char *path, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, err);
        if (r < 0)
                return ocirt_wrap(err, "make '%s' read-only", path);
        if (!legacy) {
                if (sys_mount_setattr(fd, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0, 0) == 0)
                        return 0;
                r = -errno;
                if (!mount_api_refused(r))
                        return ocirt_fail(err, -r, "make '%s' read-only", path);
                mount_note_legacy(c, r, "mount_setattr");
        }
        r = mount_legacy_remount(fd, MOUNT_ATTR_RDONLY, 0, 0, 0);
        if (r < 0)
                return ocirt_fail(err, -r, "make '%s' read-only (mount(2) remount)", path);
        return 0;
}

/* Make the tree mounted at `path` in the rootfs (and every mount below it) read-only. */
int
mount_tree_readonly(struct container *c, int rootfd, const char *path, ocirt_error **err)
{
        const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        _cleanup_close_ int fd = -1;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "open '%s'", path);
        if (!legacy) {
                if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, ro, 0, 0) == 0)
                        return 0;
                r = -errno;
                if (!mount_api_refused(r))
                        return ocirt_fail(err, -r, "make '%s' read-only", path);
                mount_note_legacy(c, r, "mount_setattr");
        }
        r = mount_legacy_remount(fd, 0, 0, ro, 0);
        if (r < 0)
                return ocirt_fail(err, -r, "make '%s' read-only (mount(2) remount)", path);
        return 0;
}

/* Runs in: the container init. */
int
mount_bind_fd(struct container *c, int rootfd, const char *dest, int dstfd, int srcfd, bool rec, uint64_t set,
              ocirt_error **err)
{
        _cleanup_close_ int mfd = -1;
        int r;

        if (!legacy) {
                mfd = sys_open_tree(srcfd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
                r = mfd < 0 ? -errno : 0;
                if (r >= 0 && set &&
                    sys_mount_setattr(mfd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), set, 0, 0) < 0)
                        r = -errno;
                if (r >= 0)
                        r = mount_attach(mfd, dstfd);
                if (r >= 0)
                        return 0;
                if (!mount_api_refused(r))
                        return ocirt_fail(err, -r, "bind on '%s'", dest);
                mount_note_legacy(c, r, "open_tree/mount_setattr/move_mount");
        }
        r = mount_legacy(c, rootfd, dest, dstfd, NULL, srcfd, rec, NULL, NULL, NULL, rec ? 0 : set, 0, rec ? set : 0, 0, 0,
                         err);
        if (r < 0 && !*err)
                return ocirt_fail(err, -r, "bind on '%s'", dest);
        return r;
}

/* Runs in: the container init. A read-only bind of the host directory src (an absolute path
 * outside the rootfs: a cgroup directory) on the directory `name` of dirfd, a filesystem the init
 * just made and nothing else can reach yet, so neither path needs resolving beneath: three
 * syscalls where open, bind and close of both ends take eight. mount_bind_fd when the new API is
 * refused. */
int
mount_bind_host_at(struct container *c, int rootfd, const char *dest, int dirfd, const char *name, const char *src,
                   uint64_t set, ocirt_error **err)
{
        _cleanup_close_ int mfd = -1, dstfd = -1, srcfd = -1;
        int r;

        if (!legacy) {
                mfd = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                r = mfd < 0 ? -errno : 0;
                if (r >= 0 && set && sys_mount_setattr(mfd, "", AT_EMPTY_PATH, set, 0, 0) < 0)
                        r = -errno;
                if (r >= 0 && sys_move_mount(mfd, "", dirfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        r = -errno;
                if (r >= 0)
                        return 0;
                if (r == -ENOENT || r == -ENOTDIR)
                        return ocirt_fail(err, -r, "open the container's cgroup '%s'", src);
                if (!mount_api_refused(r))
                        return ocirt_fail(err, -r, "bind on '%s'", dest);
        }
        dstfd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dstfd < 0)
                return ocirt_fail(err, errno, "open '%s'", dest);
        srcfd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (srcfd < 0)
                return ocirt_fail(err, errno, "open the container's cgroup '%s'", src);
        return mount_bind_fd(c, rootfd, dest, dstfd, srcfd, /* rec= */ false, set, err);
}

/* Runs in: the container init. */
int
mount_new_fd(struct container *c, int rootfd, const char *dest, int dstfd, const char *type, char **data, uint64_t set,
             ocirt_error **err)
{
        _cleanup_close_ int mfd = -1;
        char why[256];
        int r;

        if (!legacy) {
                r = mount_new_fs(type, type, data, set, false, &mfd, why, sizeof why); /* source: as mount(2) below names it */
                if (r >= 0)
                        r = mount_attach(mfd, dstfd);
                if (r >= 0)
                        return 0;
                if (r != -ENOSYS && r != -EPERM)
                        return ocirt_fail(err, -r, "mount '%s' on '%s'", type, dest);
                mount_note_legacy(c, r, "fsopen/move_mount");
        }
        r = mount_legacy(c, rootfd, dest, dstfd, NULL, -1, false, type, NULL, data, set, 0, 0, 0, 0, err);
        if (r < 0 && !*err)
                return ocirt_fail(err, -r, "mount '%s' on '%s'", type, dest);
        return r;
}

/* Runs in: the container init. */
int
mount_attach_tree(struct container *c, int rootfd, const char *dest, int dstfd, int treefd, const char *srcpath,
                  ocirt_error **err)
{
        int r;

        if (!legacy) {
                r = mount_attach(treefd, dstfd);
                if (r >= 0)
                        return 0;
                if (!mount_api_refused(r))
                        return ocirt_fail(err, -r, "bind on '%s'", dest);
                mount_note_legacy(c, r, "move_mount");
        }
        r = mount_legacy(c, rootfd, dest, dstfd, srcpath, -1, /* rec= */ false, NULL, NULL, NULL, 0, 0, 0, 0, 0, err);
        if (r < 0 && !*err)
                return ocirt_fail(err, -r, "bind '%s' on '%s'", srcpath, dest);
        return r;
}
