/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pathres.c: open (and create) paths inside a container rootfs so that nothing planted in the image,
 * a symlink or "..", can lead outside it.
 *
 * openat2(RESOLVE_IN_ROOT) resolves every symlink and ".." as if the rootfs were "/", so a link to
 * "/etc" lands in ROOTFS/etc and never on the host (CVE-2021-30465, CVE-2019-18837, CVE-2024-45310).
 * Missing components are created one at a time relative to the fd of their parent with mkdirat() /
 * O_CREAT|O_EXCL|O_NOFOLLOW, which never follow a symlink, and then reopened through openat2 again.
 * Callers mount onto the returned O_PATH fd (move_mount), so the path is never looked up twice.
 *
 * Where openat2 is missing (kernel < 5.6) or refused (a seccomp filter of an outer container answers
 * ENOSYS or EPERM), the same rules are followed by hand: walk_in_root() opens one component at a time
 * with O_NOFOLLOW relative to the fd of its parent, reads each symlink and goes on resolving its text
 * from the rootfs fd (an absolute target restarts at the rootfs, ".." never climbs above it), so
 * no kernel lookup ever crosses a symlink or leaves the rootfs. tests/fault/ runs this path. */
#include "config.h"

#include <sys/stat.h>

#include "fs/fs.h"
#include "base/base.h"

#define RESOLVE_SAFE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
#define MAX_SYMLINKS 40 /* the kernel's own limit (ELOOP) */
#define MAX_DEPTH 256   /* directories deep; the stack of parent fds for ".." */

/* 0: not tried yet, 1: openat2 works, -1: refused; the walk is used from then on. One process (the
 * init) resolves many paths, so the refusal costs one syscall, not one per path. */
static int openat2_state;

bool
pathres_compat(void)
{
        return openat2_state < 0;
}

static bool
refused(int e)
{
        /* COMPAT(kernel < 5.6): no openat2. EPERM: a seccomp filter (docker's default profile) that
         * predates openat2; E2BIG: a kernel that knows openat2 but not the open_how size. */
        return e == ENOSYS || e == EPERM || e == E2BIG;
}

static void
close_stack(int *stack, size_t *depth)
{
        while (*depth > 0)
                close(stack[(*depth)--]);
}

/* COMPAT: openat2(RESOLVE_IN_ROOT) done by hand. stack[0] is rootfd (not owned); stack[1..depth] are
 * the directories walked so far, owned. */
static int
walk_in_root(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err)
{
        int stack[MAX_DEPTH + 1];
        size_t depth = 0;
        _cleanup_free_ char *rest = xstrdup(path);
        char *p = rest, *link_end = rest; /* components before link_end came from a symlink's text */
        unsigned links = 0;
        int r = 0;

        if (*path == '\0') /* as openat2 says: "" names nothing */
                return ocirt_fail(err, ENOENT, "open '' in the container");
        stack[0] = rootfd;
        for (;;) {
                char *name, *slash;
                bool last, from_link;
                struct stat st;
                int fd;

                while (*p == '/')
                        p++;
                if (*p == '\0')
                        break;
                name = p;
                slash = strchr(p, '/');
                if (slash) {
                        *slash = '\0';
                        p = slash + 1;
                } else {
                        p += strlen(p);
                }
                last = p[strspn(p, "/")] == '\0';
                from_link = name < link_end;
                if (streq(name, "."))
                        continue;
                if (streq(name, "..")) {
                        /* The rootfs is "/": ".." of it is itself, as in RESOLVE_IN_ROOT. */
                        if (depth > 0)
                                close(stack[depth--]);
                        continue;
                }
                fd = openat(stack[depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT && (flags & (PATHRES_MKDIR | PATHRES_MKFILE))) {
                        if (from_link) {
                                r = ocirt_fail_at(err, EEXIST, path, "remove the dangling symlink from the image",
                                                  "cannot create '%s' in the container: it leads through a dangling symlink",
                                                  path);
                                goto out;
                        }
                        if (last && (flags & PATHRES_MKFILE)) {
                                int f = openat(stack[depth], name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
                                if (f >= 0)
                                        close(f);
                                else if (errno != EEXIST) {
                                        r = ocirt_fail(err, errno, "create '%s' in the container", path);
                                        goto out;
                                }
                        } else if (mkdirat(stack[depth], name, 0755) < 0 && errno != EEXIST) {
                                r = ocirt_fail(err, errno, "create '%s' in the container", path);
                                goto out;
                        }
                        /* EEXIST: someone raced us; the O_NOFOLLOW open below judges what is there. */
                        fd = openat(stack[depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                }
                if (fd < 0) {
                        r = ocirt_fail(err, errno, "open '%s' in the container", path);
                        goto out;
                }
                if (fstat(fd, &st) < 0) {
                        r = ocirt_fail(err, errno, "stat '%s' in the container", path);
                        close(fd);
                        goto out;
                }
                if (S_ISLNK(st.st_mode) && (flags & PATHRES_NOSYMLINKS)) {
                        close(fd);
                        r = ocirt_fail(err, ELOOP, "open '%s' in the container: a symlink on the way", path);
                        goto out;
                }
                if (S_ISLNK(st.st_mode) && !(last && (flags & PATHRES_NOFOLLOW))) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
                        char *next;

                        close(fd);
                        if (n < 0) {
                                r = ocirt_fail(err, errno, "read the symlink in '%s'", path);
                                goto out;
                        }
                        if (++links > MAX_SYMLINKS) {
                                r = ocirt_fail(err, ELOOP, "open '%s' in the container", path);
                                goto out;
                        }
                        target[n] = '\0';
                        /* An absolute target, or a magic link's text, restarts at the rootfs: it can
                         * name the host's paths only as paths inside the rootfs. */
                        if (target[0] == '/')
                                close_stack(stack, &depth);
                        next = xasprintf("%s/%s", target, p);
                        free(rest);
                        rest = next;
                        p = rest;
                        link_end = rest + n;
                        continue;
                }
                if (!last && !S_ISDIR(st.st_mode)) {
                        close(fd);
                        r = ocirt_fail(err, ENOTDIR, "open '%s' in the container", path);
                        goto out;
                }
                if (depth == MAX_DEPTH) {
                        close(fd);
                        r = ocirt_fail(err, ENAMETOOLONG, "open '%s' in the container", path);
                        goto out;
                }
                stack[++depth] = fd;
        }
        if ((flags & PATHRES_DIRECTORY) && depth > 0) {
                struct stat st;
                if (fstat(stack[depth], &st) < 0 || !S_ISDIR(st.st_mode)) {
                        r = ocirt_fail(err, ENOTDIR, "open '%s' in the container", path);
                        goto out;
                }
        }
        if (depth == 0) {
                int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
                if (fd < 0)
                        return ocirt_fail(err, errno, "dup");
                *ret_fd = fd;
                return 0;
        }
        *ret_fd = stack[depth--];
out:
        close_stack(stack, &depth);
        return r;
}

int
pathres_open(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err)
{
        _cleanup_free_ char *copy = NULL;
        _cleanup_close_ int parent = -1;
        uint64_t oflags = O_PATH | O_CLOEXEC | ((flags & PATHRES_NOFOLLOW) ? O_NOFOLLOW : 0) |
                          ((flags & PATHRES_DIRECTORY) ? O_DIRECTORY : 0);
        uint64_t resolve = RESOLVE_SAFE | ((flags & PATHRES_NOSYMLINKS) ? RESOLVE_NO_SYMLINKS : 0);
        char *p, *slash;
        int fd;

        if (openat2_state < 0)
                return walk_in_root(rootfd, path, flags, ret_fd, err);
        fd = sys_openat2(rootfd, path, oflags, resolve);
        if (fd >= 0) {
                openat2_state = 1;
                *ret_fd = fd;
                return 0;
        }
        if (openat2_state == 0 && refused(errno)) {
                openat2_state = -1;
                return walk_in_root(rootfd, path, flags, ret_fd, err);
        }
        openat2_state = 1;
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
                next = sys_openat2(rootfd, copy,
                                   O_PATH | O_CLOEXEC | ((last && (flags & PATHRES_NOFOLLOW)) ? O_NOFOLLOW : 0) |
                                           ((last && (flags & PATHRES_DIRECTORY)) ? O_DIRECTORY : 0),
                                   resolve);
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
                        next = sys_openat2(rootfd, copy, O_PATH | O_CLOEXEC | O_NOFOLLOW, resolve);
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
