/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pathres.c: open (and create) paths inside a container rootfs so that nothing planted in the image,
 * a symlink or "..", can lead outside it.
 *
 * openat2(RESOLVE_IN_ROOT) resolves every symlink and ".." as if the rootfs were "/", so a link to
 * "/etc" lands in ROOTFS/etc and never on the host (CVE-2021-30465, CVE-2019-18837, CVE-2024-45310).
 * Missing components are created one at a time relative to the fd of their parent with mkdirat() /
 * O_CREAT|O_EXCL|O_NOFOLLOW, which never follow a symlink, and then reopened through openat2 again.
 * Callers mount onto the returned O_PATH fd (move_mount), so the path is never looked up twice. */
#include "config.h"

#include <sys/stat.h>

#include "container.h"
#include "syscalls.h"
#include "util.h"

#define RESOLVE_SAFE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

int
pathres_open(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err)
{
        _cleanup_free_ char *copy = NULL;
        _cleanup_close_ int parent = -1;
        uint64_t oflags = O_PATH | O_CLOEXEC | ((flags & PATHRES_NOFOLLOW) ? O_NOFOLLOW : 0);
        char *p, *slash;
        int fd;

        fd = sys_openat2(rootfd, path, oflags, RESOLVE_SAFE);
        if (fd >= 0) {
                *ret_fd = fd;
                return 0;
        }
        if (errno != ENOENT || !(flags & (PATHRES_MKDIR | PATHRES_MKFILE)))
                return ocirt_fail(err, errno, "open '%s' in the container", path);

        /* Walk the prefixes: "a", "a/b", ... each resolved from the rootfs as root. */
        copy = xstrdup(path);
        p = copy;
        while (*p == '/')
                p++;
        parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
        if (parent < 0)
                return ocirt_fail(err, errno, "dup");
        for (;;) {
                bool last;
                char *name = p;
                int next;

                slash = strchr(p, '/');
                if (slash)
                        *slash = '\0';
                last = !slash || slash[1 + strspn(slash + 1, "/")] == '\0';
                if (*name == '\0' && last)
                        break;
                next = sys_openat2(rootfd, copy, O_PATH | O_CLOEXEC | ((last && (flags & PATHRES_NOFOLLOW)) ? O_NOFOLLOW : 0),
                                   RESOLVE_SAFE);
                if (next < 0 && errno == ENOENT && *name) {
                        int r;

                        if (last && (flags & PATHRES_MKFILE)) {
                                int f = openat(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
                                r = f < 0 ? -errno : 0;
                                if (f >= 0)
                                        close(f);
                        } else {
                                r = mkdirat(parent, name, 0755) < 0 ? -errno : 0;
                        }
                        if (r == -EEXIST)
                                return ocirt_fail_at(err, EEXIST, path, "remove the dangling symlink from the image",
                                                     "cannot create '%s' in the container: '%s' is a dangling symlink",
                                                     path, name);
                        if (r < 0)
                                return ocirt_fail(err, -r, "create '%s' in the container", path);
                        next = sys_openat2(rootfd, copy, O_PATH | O_CLOEXEC | O_NOFOLLOW, RESOLVE_SAFE);
                }
                if (next < 0)
                        return ocirt_fail(err, errno, "open '%s' in the container", copy);
                close(parent);
                parent = next;
                if (last)
                        break;
                *slash = '/';
                p = slash + 1;
                while (*p == '/')
                        p++;
        }
        *ret_fd = TAKE_FD(parent);
        return 0;
}
