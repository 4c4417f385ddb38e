/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-tmpcopyup.c: the option tmpcopyup of a tmpfs: what the tmpfs covers in the image is copied
 * into it before it is attached, owners and modes kept, symlinks never followed. */
#include "config.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fs/fs-internal.h"
#include "base/base.h"

/* Copy the directory tree srcfd into dstfd (a fresh tmpfs): files, directories, symlinks, fifos and,
 * where the kernel allows, device nodes, with their modes and owners. Never follows a symlink. */
static int
copy_tree(int srcfd, int dstfd, unsigned depth)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (depth > 64)
                return -ELOOP;
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                struct stat st;
                int r = 0;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int s = -1, t = -1;

                        if (mkdirat(dstfd, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST)
                                return -errno;
                        s = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        t = openat(dstfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (s < 0 || t < 0)
                                return -errno;
                        r = copy_tree(s, t, depth + 1);
                        if (r < 0)
                                return r;
                } else if (S_ISREG(st.st_mode)) {
                        _cleanup_close_ int s = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                        _cleanup_close_ int t = -1;
                        char buf[65536];
                        ssize_t n;

                        if (s < 0)
                                return -errno;
                        t = openat(dstfd, de->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
                        if (t < 0)
                                return -errno;
                        while ((n = read(s, buf, sizeof buf)) > 0)
                                if (write_all(t, buf, (size_t) n) < 0)
                                        return -errno;
                        if (n < 0)
                                return -errno;
                } else if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof target - 1);

                        if (n < 0)
                                return -errno;
                        target[n] = '\0';
                        if (symlinkat(target, dstfd, de->d_name) < 0)
                                return -errno;
                } else if (mknodat(dstfd, de->d_name, st.st_mode, st.st_rdev) < 0) {
                        continue; /* a device node in a user namespace: not copied */
                }
                /* Owners the namespace cannot map (EINVAL) keep the runtime's: nothing better exists. */
                (void) fchownat(dstfd, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
                if (!S_ISLNK(st.st_mode))
                        (void) fchmodat(dstfd, de->d_name, st.st_mode & 07777, 0);
        }
        return 0;
}

/* Runs in: the container init. dstfd: the destination before the mount (it still names the
 * directory under it); tofd: the root of the new tmpfs. */
int
mount_tmpcopyup(struct container *c, const struct spec_mount *m, size_t index, int dstfd, int tofd, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        _cleanup_close_ int to = openat(tofd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        int r;

        if (to < 0 || fstat(dstfd, &st) < 0)
                return ocirt_fail_at(err, errno, where = mount_where(c, index), NULL, "tmpcopyup on '%s'", m->destination);
        r = copy_tree(dstfd, to, 0);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL,
                                     "tmpcopyup: copy the contents of '%s' into the tmpfs", m->destination);
        (void) fchown(to, st.st_uid, st.st_gid);
        (void) fchmod(to, st.st_mode & 07777);
        return 0;
}
