/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-legacy.c: COMPAT(kernel < 5.2, or a seccomp filter of an outer container that refuses the new
 * mount API with ENOSYS or EPERM): mount(2) onto "/proc/self/fd/N", the fd pathres.c resolved, and
 * bind remounts for the flags. mount-api.c decides when this path is taken. */
#include "config.h"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "fs/fs-internal.h"
#include "base/base.h"

int
mount_fd_path(int fd, char *buf, size_t size)
{
        struct statfs sf;

        if (statfs("/proc/self/fd", &sf) < 0)
                return -errno;
        if (sf.f_type != PROC_SUPER_MAGIC)
                return -EXDEV;
        (void) snprintf(buf, size, "/proc/self/fd/%d", fd);
        return 0;
}



/* The flags a remount must keep: in a user namespace the kernel locks those the outer mount had
 * (nosuid, nodev, noexec, ro, atime), and a remount that drops one fails with EPERM. */
unsigned long
mount_current_ms(const char *path)
{
        struct statvfs sv;
        unsigned long f = 0;

        if (statvfs(path, &sv) < 0)
                return 0;
        if (sv.f_flag & ST_RDONLY)
                f |= MS_RDONLY;
        if (sv.f_flag & ST_NOSUID)
                f |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV)
                f |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC)
                f |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME)
                f |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME)
                f |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME)
                f |= MS_RELATIME;
        return f;
}

/* COMPAT(kernel < 5.12): the r* options without mount_setattr(AT_RECURSIVE): remount every mount below
 * the mount `top` (a mount id) one by one, parents before children, in mountinfo order. The paths
 * come from mountinfo; the container has not started, so only a shared volume could race them, and
 * each is a bind remount that can only add the asked flags. */
static int
remount_tree(int top, unsigned long set, unsigned long clr)
{
        _cleanup_free_ char *text = NULL;
        int ids[4096], n = 0, r;
        char *save = NULL;

        r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL);
        if (r < 0)
                return r;
        ids[n++] = top;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                int id, parent;
                char mp[PATH_MAX];
                bool below = false;

                if (sscanf(line, "%d %d %*s %*s %4095s", &id, &parent, mp) != 3)
                        continue;
                for (int i = 0; i < n; i++)
                        if (ids[i] == parent && id != top)
                                below = true;
                if (!below || n == (int) ELEMENTSOF(ids))
                        continue;
                ids[n++] = id;
                mountinfo_unescape(mp);
                if (mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | ((mount_current_ms(mp) & ~clr) | set), NULL) < 0)
                        return -errno;
        }
        return 0;
}

/* Mount with mount(2) onto dstfd. src: a bind source path (NULL: a new `type` filesystem). After the
 * mount, the destination is resolved again in the rootfs (the magic link names the directory under
 * the new mount, not the mount) and must be a different mount than before, so the remount of the
 * flags cannot land on anything else. Returns -errno with *err unset only when mount(2) refused a
 * new filesystem, so that the caller can fall back (sysfs, proc); every other failure sets *err. */
int
mount_legacy(struct container *c, int rootfd, const char *dest, int dstfd, const char *src, int srcfd, bool rec,
             const char *type, const char *source, char **data, uint64_t set, uint64_t clr, uint64_t rset,
             uint64_t rclr, uint64_t propagation, ocirt_error **err)
{
        char target[64], from[64];
        _cleanup_close_ int newfd = -1;
        _cleanup_free_ char *d = NULL;
        unsigned long flags;
        int r;

        r = mount_fd_path(dstfd, target, sizeof target);
        if (r < 0)
                return ocirt_fail(err, -r, "mount on '%s': /proc is not a procfs, cannot mount through an fd", dest);
        if (srcfd >= 0) {
                (void) snprintf(from, sizeof from, "/proc/self/fd/%d", srcfd);
                src = from;
        }
        if (src) {
                if (mount(src, target, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
                        return ocirt_fail(err, errno, "bind '%s' on '%s' (mount(2))", srcfd >= 0 ? "fd" : src, dest);
        } else {
                d = mount_join_data(data, false);
                flags = mount_attr_to_ms(set);
                r = mount(source ?: type, target, type, flags, d);
                if (r < 0 && errno == EINVAL && streq(type, "devpts") && strv_contains(data, "gid=5")) {
                        free(d);
                        d = mount_join_data(data, /* drop_gid= */ true);
                        r = mount(source ?: type, target, type, flags, d);
                }
                if (r < 0)
                        return -errno; /* the caller words it: it may fall back (sysfs, proc) */
        }
        r = pathres_open(rootfd, dest, 0, &newfd, err);
        if (r < 0)
                return r;
        if (mount_id_of(newfd) == mount_id_of(dstfd))
                return ocirt_fail(err, EBUSY, "mount on '%s': the destination changed while it was mounted", dest);
        r = mount_fd_path(newfd, target, sizeof target);
        if (r < 0)
                return ocirt_fail(err, -r, "mount on '%s': /proc is not a procfs", dest);
        if (src && (set || clr || rset || rclr)) {
                flags = (mount_current_ms(target) & ~mount_attr_to_ms(clr | rclr)) | mount_attr_to_ms(set | rset);
                if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
                        return ocirt_fail(err, errno, "set the options of the bind on '%s' (mount(2) remount)", dest);
        }
        if (rset || rclr) {
                r = remount_tree(mount_id_of(newfd), mount_attr_to_ms(rset), mount_attr_to_ms(rclr));
                if (r < 0)
                        return ocirt_fail(err, -r, "set the recursive options below '%s' (mount(2) remount)", dest);
        }
        if (propagation && mount(NULL, target, NULL, (unsigned long) propagation | (rec ? MS_REC : 0), NULL) < 0)
                return ocirt_fail(err, errno, "set the propagation of '%s'", dest);
        return 0;
}

/* A bind remount of the mount fd is on: the flags it has (those a user namespace locked stay), less
 * clr and rclr, plus set and rset; with rset or rclr, every mount below it too. */
int
mount_legacy_remount(int fd, uint64_t set, uint64_t clr, uint64_t rset, uint64_t rclr)
{
        char target[64];
        int r;

        r = mount_fd_path(fd, target, sizeof target);
        if (r >= 0 && mount(NULL, target, NULL,
                            MS_REMOUNT | MS_BIND | ((mount_current_ms(target) & ~mount_attr_to_ms(clr | rclr)) | mount_attr_to_ms(set | rset)),
                            NULL) < 0)
                r = -errno;
        if (r >= 0 && (rset || rclr))
                r = remount_tree(mount_id_of(fd), mount_attr_to_ms(rset), mount_attr_to_ms(rclr));
        return r;
}
