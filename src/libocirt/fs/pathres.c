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

/* COMPAT: openat2(RESOLVE_IN_ROOT) done by hand, one component at a time (walk_in_root). */
struct walk {
        int stack[MAX_DEPTH + 1]; /* stack[0]: rootfd (not owned); [1..depth]: the directories walked, owned */
        size_t depth;
        char *rest;     /* owned: the path left to resolve (p points into it) */
        char *p;
        char *link_end; /* the components before it came from a symlink's text */
        unsigned links;
};

static void
close_stack(struct walk *w)
{
        while (w->depth > 0)
                close(w->stack[w->depth--]);
}

/* The next component, NUL-terminated in place, or NULL at the end. *ret_last: no component follows;
 * *ret_from_link: it came from a symlink's text. */
static char *
next_component(struct walk *w, bool *ret_last, bool *ret_from_link)
{
        char *name, *slash;

        while (*w->p == '/')
                w->p++;
        if (*w->p == '\0')
                return NULL;
        name = w->p;
        slash = strchr(w->p, '/');
        if (slash) {
                *slash = '\0';
                w->p = slash + 1;
        } else {
                w->p += strlen(w->p);
        }
        *ret_last = w->p[strspn(w->p, "/")] == '\0';
        *ret_from_link = name < w->link_end;
        return name;
}

/* Create the missing component `name` in the current directory (a directory; the last one a file
 * with PATHRES_MKFILE) and open it, never through a symlink. */
static int
create_missing(struct walk *w, const char *name, bool last, bool from_link, unsigned flags, const char *path,
               int *ret_fd, ocirt_error **err)
{
        int dir = w->stack[w->depth], fd;

        if (from_link)
                return ocirt_fail_at(err, EEXIST, path, "remove the dangling symlink from the image",
                                     "cannot create '%s' in the container: it leads through a dangling symlink", path);
        if (last && (flags & PATHRES_MKFILE)) {
                int f = openat(dir, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
                if (f >= 0)
                        close(f);
                else if (errno != EEXIST)
                        return ocirt_fail(err, errno, "create '%s' in the container", path);
        } else if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST) {
                return ocirt_fail(err, errno, "create '%s' in the container", path);
        }
        /* EEXIST: someone raced us; the O_NOFOLLOW open below judges what is there. */
        fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return ocirt_fail(err, errno, "open '%s' in the container", path);
        *ret_fd = fd;
        return 0;
}

/* Go on with the text of the symlink fd (closed here), then what is left of the path. */
static int
follow_symlink(struct walk *w, int fd, const char *path, ocirt_error **err)
{
        char target[PATH_MAX], *next;
        ssize_t n = readlinkat(fd, "", target, sizeof target - 1);

        close(fd);
        if (n < 0)
                return ocirt_fail(err, errno, "read the symlink in '%s'", path);
        if (++w->links > MAX_SYMLINKS)
                return ocirt_fail(err, ELOOP, "open '%s' in the container", path);
        target[n] = '\0';
        /* An absolute target, or a magic link's text, restarts at the rootfs: it can name the host's
         * paths only as paths inside the rootfs. */
        if (target[0] == '/')
                close_stack(w);
        next = xasprintf("%s/%s", target, w->p);
        free(w->rest);
        w->rest = next;
        w->p = w->rest;
        w->link_end = w->rest + n;
        return 0;
}

/* One component: "." stays, ".." climbs (never above the rootfs: ".." of it is itself, as in
 * RESOLVE_IN_ROOT), a symlink is followed, a directory entered. */
static int
walk_one(struct walk *w, const char *name, bool last, bool from_link, unsigned flags, const char *path,
         ocirt_error **err)
{
        struct stat st;
        int fd, r;

        if (streq(name, "."))
                return 0;
        if (streq(name, "..")) {
                if (w->depth > 0)
                        close(w->stack[w->depth--]);
                return 0;
        }
        fd = openat(w->stack[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && (flags & (PATHRES_MKDIR | PATHRES_MKFILE))) {
                r = create_missing(w, name, last, from_link, flags, path, &fd, err);
                if (r < 0)
                        return r;
        }
        if (fd < 0)
                return ocirt_fail(err, errno, "open '%s' in the container", path);
        if (fstat(fd, &st) < 0) {
                r = ocirt_fail(err, errno, "stat '%s' in the container", path);
                close(fd);
                return r;
        }
        if (S_ISLNK(st.st_mode) && (flags & PATHRES_NOSYMLINKS)) {
                close(fd);
                return ocirt_fail(err, ELOOP, "open '%s' in the container: a symlink on the way", path);
        }
        if (S_ISLNK(st.st_mode) && !(last && (flags & PATHRES_NOFOLLOW)))
                return follow_symlink(w, fd, path, err);
        if (!last && !S_ISDIR(st.st_mode)) {
                close(fd);
                return ocirt_fail(err, ENOTDIR, "open '%s' in the container", path);
        }
        if (w->depth == MAX_DEPTH) {
                close(fd);
                return ocirt_fail(err, ENAMETOOLONG, "open '%s' in the container", path);
        }
        w->stack[++w->depth] = fd;
        return 0;
}

/* What the walk ends on, as *ret_fd (the rootfs itself: a dup of rootfd). */
static int
walk_result(struct walk *w, unsigned flags, const char *path, int *ret_fd, ocirt_error **err)
{
        struct stat st;
        int fd;

        if ((flags & PATHRES_DIRECTORY) && w->depth > 0 && (fstat(w->stack[w->depth], &st) < 0 || !S_ISDIR(st.st_mode)))
                return ocirt_fail(err, ENOTDIR, "open '%s' in the container", path);
        if (w->depth == 0) {
                fd = fcntl(w->stack[0], F_DUPFD_CLOEXEC, 3);
                if (fd < 0)
                        return ocirt_fail(err, errno, "dup");
                *ret_fd = fd;
                return 0;
        }
        *ret_fd = w->stack[w->depth--];
        return 0;
}

/* COMPAT: openat2(RESOLVE_IN_ROOT) done by hand: each component opened with O_NOFOLLOW relative to
 * its parent, each symlink's text resolved from the rootfs fd. */
static int
walk_in_root(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err)
{
        struct walk w = { .stack = { rootfd } };
        char *name;
        bool last = false, from_link = false;
        int r = 0;

        if (*path == '\0') /* as openat2 says: "" names nothing */
                return ocirt_fail(err, ENOENT, "open '' in the container");
        w.rest = xstrdup(path);
        w.p = w.link_end = w.rest;
        while (r >= 0 && (name = next_component(&w, &last, &from_link)))
                r = walk_one(&w, name, last, from_link, flags, path, err);
        if (r >= 0)
                r = walk_result(&w, flags, path, ret_fd, err);
        close_stack(&w);
        free(w.rest);
        return r;
}

/* openat2 said ENOENT and the caller wants what is missing created: walk the prefixes "a", "a/b", ...
 * each resolved from the rootfs as root, and create each missing one in the directory before it. */
static int
create_in_root(int rootfd, const char *path, unsigned flags, uint64_t resolve, int *ret_fd, ocirt_error **err)
{
        _cleanup_free_ char *copy = xstrdup(path);
        _cleanup_close_ int parent = -1;
        char *p = copy, *slash;

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

int
pathres_open(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err)
{
        uint64_t oflags = O_PATH | O_CLOEXEC | ((flags & PATHRES_NOFOLLOW) ? O_NOFOLLOW : 0) |
                          ((flags & PATHRES_DIRECTORY) ? O_DIRECTORY : 0);
        uint64_t resolve = RESOLVE_SAFE | ((flags & PATHRES_NOSYMLINKS) ? RESOLVE_NO_SYMLINKS : 0);
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
        return create_in_root(rootfd, path, flags, resolve, ret_fd, err);
}
