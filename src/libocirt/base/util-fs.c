/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util-fs.c: directories on the host side (state dirs). Paths inside a container rootfs are
 * resolved by pathres.c, never here. */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/util.h"

int
mkdir_p(const char *path, mode_t mode)
{
        _cleanup_free_ char *p = xstrdup(path);

        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* The id of the mount fd is on (statx, Linux 5.8+), 0 when the kernel does not say. */
static uint64_t
mount_of(int fd)
{
        struct statx sx;

        if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
                return 0;
        return sx.stx_mnt_id;
}

int
rm_rf_at(int parentfd, const char *name)
{
        _cleanup_close_ int fd = -1;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        struct stat st, parent;
        int r = 0;

        if (unlinkat(parentfd, name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return -errno;
        fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        /* Never cross into another mount (a mount left behind would be emptied): st_dev tells
         * another file system, the mount id also a bind of the same one (a restore killed before
         * it unmounted the rootfs bound into the state directory). */
        if (fstat(fd, &st) < 0 || fstat(parentfd, &parent) < 0)
                return -errno;
        if (st.st_dev != parent.st_dev)
                return -EBUSY;
        {
                uint64_t a = mount_of(fd), b = mount_of(parentfd);

                if (a && b && a != b)
                        return -EBUSY;
        }
        d = fdopendir(fd);
        if (!d)
                return -errno;
        fd = -1;
        while ((de = readdir(d))) {
                int k;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                k = rm_rf_at(dirfd(d), de->d_name);
                if (k < 0 && r == 0)
                        r = k;
        }
        if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
                r = -errno;
        return r;
}

int
runnable_tasks(void)
{
        char buf[128];
        ssize_t n;
        int fd, r = -1;
        char *slash;

        fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
                return -1;
        buf[n] = '\0';
        /* "0.20 0.18 0.12 1/80 11206": the fourth field. */
        slash = strchr(buf, '/');
        if (slash) {
                char *p = slash;
                while (p > buf && p[-1] >= '0' && p[-1] <= '9')
                        p--;
                if (p < slash)
                        r = atoi(p);
        }
        return r;
}
