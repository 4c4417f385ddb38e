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
        /* Never cross into another file system (a mount left behind would be emptied). */
        if (fstat(fd, &st) < 0 || fstat(parentfd, &parent) < 0)
                return -errno;
        if (st.st_dev != parent.st_dev)
                return -EBUSY;
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
