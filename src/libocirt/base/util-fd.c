/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util-fd.c: fd and small-file helpers. Every fd opened here is O_CLOEXEC. */
#include "config.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "base/util.h"

int
write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= n;
        }
        return 0;
}

int
read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 4096;

        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        buf = xmalloc(cap);
        for (;;) {
                ssize_t n;

                if (len + 1 >= cap) {
                        if (cap >= (64u << 20))
                                return -EFBIG;
                        cap *= 2;
                        buf = xrealloc(buf, cap);
                }
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += n;
        }
        buf[len] = '\0';
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int
write_file_at(int dirfd, const char *path, const char *s, size_t len)
{
        _cleanup_close_ int fd = -1;
        ssize_t n;

        fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* One write: /proc knobs such as uid_map must get the whole content in a single call. */
        n = write(fd, s, len);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

/* Write data to dirfd/.NAME.tmp, then rename it to NAME; swap: exchange it with an existing NAME
 * (write_file_swap_at). */
static int
write_then_rename(int dirfd, const char *name, const char *data, size_t len, mode_t mode, bool swap)
{
        _cleanup_free_ char *tmp = xasprintf(".%s.tmp", name);
        _cleanup_close_ int fd = -1;
        int r;

        if (swap)
                (void) unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | (swap ? O_EXCL : O_TRUNC) | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (r < 0) {
                (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        if (swap && renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0)
                return 0;
        /* No file yet (ENOENT), or a file system without exchanges (EINVAL). */
        if (renameat(dirfd, tmp, dirfd, name) < 0) {
                r = -errno;
                (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        return 0;
}

int
write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
        return write_then_rename(dirfd, name, data, len, mode, false);
}

/* Why not a rename over the old file: ext4 then writes the new one out at once (auto_da_alloc, its
 * guard against empty files after a crash), and a file with blocks on disk is slow to unlink. With
 * the state dir on ext4 (a /run that is not a tmpfs) that was a quarter of a millisecond of every
 * run, and up to a few with a busy disk; an exchange leaves both files in memory until the
 * directory goes. Nor is the old version truncated for the next write: ext4 flushes a truncated
 * file on close for the same reason. It is unlinked, which costs nothing while it has no blocks. */
int
write_file_swap_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
        return write_then_rename(dirfd, name, data, len, mode, true);
}

int
fd_set_cloexec(int fd, bool on)
{
        int f = fcntl(fd, F_GETFD);

        if (f < 0)
                return -errno;
        f = on ? f | FD_CLOEXEC : f & ~FD_CLOEXEC;
        return fcntl(fd, F_SETFD, f) < 0 ? -errno : 0;
}

int
fd_set_nonblock(int fd, bool on)
{
        int f = fcntl(fd, F_GETFL);

        if (f < 0)
                return -errno;
        f = on ? f | O_NONBLOCK : f & ~O_NONBLOCK;
        return fcntl(fd, F_SETFL, f) < 0 ? -errno : 0;
}

int
cloexec_fds_from(int from)
{
        /* COMPAT(kernel < 5.11): no CLOSE_RANGE_CLOEXEC, walk /proc/self/fd instead. */
        if (syscall(SYS_close_range, (unsigned) from, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
                return 0;
        {
                _cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
                struct dirent *de;

                if (!d)
                        return -errno;
                while ((de = readdir(d))) {
                        int fd = atoi(de->d_name);
                        if (de->d_name[0] == '.' || fd < from || fd == dirfd(d))
                                continue;
                        (void) fd_set_cloexec(fd, true);
                }
        }
        return 0;
}

static int
cmp_int(const void *a, const void *b)
{
        return *(const int *) a - *(const int *) b;
}

int
close_fds_from(int from, const int *keep, size_t n_keep)
{
        int sorted[64];
        size_t n = 0;

        for (size_t i = 0; i < n_keep && n < ELEMENTSOF(sorted); i++)
                if (keep[i] >= from)
                        sorted[n++] = keep[i];
        qsort(sorted, n, sizeof(int), cmp_int);
        for (size_t i = 0; i <= n; i++) {
                unsigned lo = i == 0 ? (unsigned) from : (unsigned) sorted[i - 1] + 1;
                unsigned hi = i == n ? ~0u : (unsigned) sorted[i] - 1;
                if (i < n && sorted[i] < (int) lo)
                        continue;
                if (lo > hi)
                        continue;
                if (syscall(SYS_close_range, lo, hi, 0) < 0) {
                        /* COMPAT(kernel < 5.9): no close_range. */
                        for (unsigned fd = lo; fd <= hi && fd < 65536; fd++)
                                (void) close((int) fd);
                }
        }
        return 0;
}

int
write_pid_file(const char *path, pid_t pid, ocirt_error **err)
{
        _cleanup_free_ char *dir = xstrdup(path), *data = xasprintf("%d", (int) pid);
        _cleanup_close_ int dfd = -1;
        char *slash = strrchr(dir, '/');
        const char *name = slash ? slash + 1 : path;
        int r;

        if (slash)
                *slash = '\0';
        dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return ocirt_fail_at(err, errno, "--pid-file", NULL, "open the directory of '%s'", path);
        r = write_file_atomic_at(dfd, name, data, strlen(data), 0644);
        if (r < 0)
                return ocirt_fail_at(err, -r, "--pid-file", NULL, "write '%s'", path);
        return 0;
}
