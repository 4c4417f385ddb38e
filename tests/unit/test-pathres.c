/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-pathres.c: pathres.c's component walk, the fallback for a kernel or a seccomp filter that
 * refuses openat2. A child process installs a filter that makes openat2 fail with ENOSYS (as an old
 * kernel would) and resolves every case through the walk; the parent then resolves the same cases
 * through openat2(RESOLVE_IN_ROOT) where the kernel has it, so both must land on the same file.
 * The rootfs is a mkdtemp() directory; "outside" exists both in it and next to it, so an escape
 * lands on a different inode (or on nothing) and shows. */
#include "config.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../lib/tap.h"
#include "fs/fs.h"
#include "base/base.h"

#ifndef __NR_openat2
#define __NR_openat2 437
#endif

static char top[] = "/tmp/ocirt-test-pathres.XXXXXX";
static char root[256];

struct tcase {
        const char *path;
        unsigned flags;
        const char *want; /* path below the rootfs that the result must be (lstat), or NULL */
        int want_errno;   /* when want is NULL */
        const char *what;
};

static const struct tcase cases[] = {
        { "dir/sub", 0, "dir/sub", 0, "a plain path" },
        { "/dir//sub/./", 0, "dir/sub", 0, "extra slashes and '.'" },
        { "", 0, NULL, ENOENT, "the empty path is nothing, as for open(2)" },
        { "/", 0, ".", 0, "'/' is the rootfs" },
        { "../../outside/file", 0, "outside/file", 0, "'..' past the rootfs stays at it" },
        { "dir/../../../outside/file", 0, "outside/file", 0, "'..' past the rootfs after a directory" },
        { "dir/rel/file", 0, "outside/file", 0, "a relative symlink that climbs out lands inside" },
        { "abs/file", 0, NULL, ENOENT, "an absolute symlink to the host's directory is read inside the rootfs" },
        { "host/outside/file", 0, "outside/file", 0, "a symlink to '/' is the rootfs" },
        { "loop1", 0, NULL, ELOOP, "a symlink loop" },
        { "self/x", 0, NULL, ELOOP, "a symlink to itself" },
        { "outside/file/x", 0, NULL, ENOTDIR, "a file as a directory component" },
        { "tlink", 0, "outside/file", 0, "a trailing symlink is followed" },
        { "tlink", PATHRES_NOFOLLOW, "tlink", 0, "a trailing symlink with NOFOLLOW is the link" },
        { "tabs", 0, "outside/file", 0, "a trailing absolute symlink is read inside the rootfs" },
        { "tabs", PATHRES_NOFOLLOW, "tabs", 0, "a trailing absolute symlink with NOFOLLOW is the link" },
        { "dangling", 0, NULL, ENOENT, "a dangling trailing symlink" },
        { "dir/lnk/..", 0, "dir", 0, "'..' after a symlink is the parent of its target" },
        { "dir/a2/../../..", 0, ".", 0, "'..' after an absolute symlink stops at the rootfs" },
        { "chain40", 0, "outside/file", 0, "40 symlinks in a row are followed" },
        { "chain41", 0, NULL, ELOOP, "41 symlinks in a row are too many" },
        { "magic/0", 0, NULL, ENOENT, "a symlink to /proc/self/fd is read inside the rootfs" },
        { "outside/file", PATHRES_DIRECTORY, NULL, ENOTDIR, "DIRECTORY on a file" },
        { "tlink", PATHRES_DIRECTORY | PATHRES_NOFOLLOW, NULL, ENOTDIR, "DIRECTORY|NOFOLLOW on a symlink" },
        { "dir/rel/file", PATHRES_NOSYMLINKS, NULL, ELOOP, "NOSYMLINKS refuses a symlink on the way" },
        { "tlink", PATHRES_NOSYMLINKS, NULL, ELOOP, "NOSYMLINKS refuses a trailing symlink" },
        { "outside/file", PATHRES_NOSYMLINKS, "outside/file", 0, "NOSYMLINKS without a symlink" },
        { "dangling/x", PATHRES_MKDIR, NULL, EEXIST, "MKDIR does not create through a dangling symlink" },
        { "host/made-through-link", PATHRES_MKDIR, "made-through-link", 0, "MKDIR after a symlink to '/' creates inside" },
        { "dir/rel/made-dir/a/b", PATHRES_MKDIR, "outside/made-dir/a/b", 0, "MKDIR after a climbing symlink creates inside" },
        { "made-file", PATHRES_MKFILE, "made-file", 0, "MKFILE creates the file" },
};

struct result {
        int r; /* 0 or -errno */
        dev_t dev;
        ino_t ino;
};

static void
at(char *buf, const char *rel)
{
        (void) snprintf(buf, PATH_MAX, "%s/%s", root, rel);
}

static void
mk(const char *rel, bool dir)
{
        char p[PATH_MAX];

        at(p, rel);
        if (dir)
                (void) mkdir(p, 0755);
        else
                close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
}

static void
ln(const char *target, const char *rel)
{
        char p[PATH_MAX];

        at(p, rel);
        (void) symlink(target, p);
}

static void
fixture(void)
{
        char p[PATH_MAX], t[64], l[64];

        (void) snprintf(root, sizeof root, "%s/root", top);
        (void) mkdir(root, 0755);
        (void) snprintf(p, sizeof p, "%s/outside", top); /* the escape target, next to the rootfs */
        (void) mkdir(p, 0755);
        (void) snprintf(p, sizeof p, "%s/outside/file", top);
        close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));

        mk("dir", true);
        mk("dir/sub", true);
        mk("outside", true);
        mk("outside/file", false);
        ln("../../outside", "dir/rel");
        (void) snprintf(p, sizeof p, "%s/outside", top);
        ln(p, "abs");
        ln("/", "host");
        ln("loop2", "loop1");
        ln("loop1", "loop2");
        ln("self", "self");
        ln("outside/file", "tlink");
        ln("/outside/file", "tabs");
        ln("/nowhere", "dangling");
        ln("sub", "dir/lnk");
        ln("/dir/sub", "dir/a2");
        ln("/proc/self/fd", "magic");
        /* chainN -> c1 -> c2 -> ... -> c(N-1) -> outside/file: N symlinks. */
        for (int i = 1; i <= 40; i++) {
                (void) snprintf(l, sizeof l, "c%d", i);
                if (i == 40)
                        (void) snprintf(t, sizeof t, "outside/file");
                else
                        (void) snprintf(t, sizeof t, "c%d", i + 1);
                ln(t, l);
        }
        ln("c2", "chain40");
        ln("c1", "chain41");
}

static struct result
resolve(int rootfd, const struct tcase *c)
{
        struct result res = { 0 };
        ocirt_error *e = NULL;
        struct stat st;
        int fd = -1;

        res.r = pathres_open(rootfd, c->path, c->flags, &fd, &e);
        ocirt_error_free(e);
        if (res.r >= 0) {
                res.r = fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
                res.dev = st.st_dev;
                res.ino = st.st_ino;
                close(fd);
        }
        return res;
}

/* Runs in: a child, which never returns. openat2 refused with ENOSYS, then every case. */
static void
walk_child(int out)
{
        struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat2, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = ELEMENTSOF(f), .filter = f };
        int rootfd, compat;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
                _exit(2);
        rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                _exit(2);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct result r = resolve(rootfd, &cases[i]);
                if (write(out, &r, sizeof r) != sizeof r)
                        _exit(2);
        }
        compat = pathres_compat();
        if (write(out, &compat, sizeof compat) != sizeof compat)
                _exit(2);
        _exit(0);
}

static void
check(const char *mode, const struct tcase *c, const struct result *r)
{
        if (c->want) {
                char p[PATH_MAX];
                struct stat st;

                at(p, c->want);
                if (lstat(p, &st) < 0) {
                        ok(false, "%s: %s ('%s'): %s does not exist", mode, c->what, c->path, c->want);
                        return;
                }
                if (!ok(r->r == 0 && r->dev == st.st_dev && r->ino == st.st_ino, "%s: %s ('%s')", mode, c->what, c->path))
                        diag("  got %s, expected the rootfs's %s", r->r < 0 ? strerror(-r->r) : "another file", c->want);
        } else {
                is_int(r->r, -c->want_errno, "%s: %s ('%s') is %s", mode, c->what, c->path, strerror(c->want_errno));
        }
}

static void
nothing_outside(const char *mode)
{
        char p[PATH_MAX];

        (void) snprintf(p, sizeof p, "%s/made-dir", top);
        ok(access(p, F_OK) < 0, "%s: nothing created next to the rootfs", mode);
        ok(access("/nowhere", F_OK) < 0 && access("/made-through-link", F_OK) < 0, "%s: nothing created on the host", mode);
        at(p, "nowhere");
        ok(access(p, F_OK) < 0, "%s: the dangling symlink's target was not created", mode);
}

static void
rm_rf(const char *path)
{
        pid_t pid = fork();

        if (pid == 0) {
                execlp("rm", "rm", "-rf", "--", path, (char *) NULL);
                _exit(127);
        }
        if (pid > 0)
                (void) waitpid(pid, NULL, 0);
}

int
main(void)
{
        struct result res[ELEMENTSOF(cases)];
        int p[2], status, compat = 0, rootfd;
        pid_t pid;

        if (!mkdtemp(top)) {
                ok(false, "mkdtemp: %s", strerror(errno));
                return tap_done();
        }
        fixture();

        /* The walk first, in a child: pathres.c remembers per process that openat2 was refused. */
        if (pipe2(p, O_CLOEXEC) < 0)
                return 1;
        pid = fork();
        if (pid == 0) {
                close(p[0]);
                walk_child(p[1]);
        }
        close(p[1]);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (read(p[0], &res[i], sizeof res[i]) != sizeof res[i])
                        res[i].r = -EPIPE;
        if (read(p[0], &compat, sizeof compat) != sizeof compat)
                compat = -1;
        close(p[0]);
        (void) waitpid(pid, &status, 0);
        if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the walk's child ran (seccomp filter loaded)")) {
                rm_rf(top);
                return tap_done();
        }
        ok(compat == 1, "walk: openat2 refused with ENOSYS switches pathres.c to the walk");
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                check("walk", &cases[i], &res[i]);
        nothing_outside("walk");

        /* The same cases through openat2, the reference, with what the walk created removed. */
        {
                char q[PATH_MAX];
                const char *made[] = { "made-through-link", "outside/made-dir", "made-file" };
                for (size_t i = 0; i < ELEMENTSOF(made); i++) {
                        at(q, made[i]);
                        rm_rf(q);
                }
        }
        rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                res[i] = resolve(rootfd, &cases[i]);
        if (pathres_compat()) {
                skip("openat2: this kernel (or a seccomp filter around the test) refuses openat2");
        } else {
                for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                        check("openat2", &cases[i], &res[i]);
                nothing_outside("openat2");
        }
        close(rootfd);
        rm_rf(top);
        return tap_done();
}
