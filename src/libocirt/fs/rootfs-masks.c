/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rootfs-masks.c: maskedPaths and readonlyPaths. A masked directory gets an empty read-only tmpfs,
 * a masked file the container's /dev/null, a read-only path a read-only bind of itself, in that
 * order, once every mount of the config is in place (runc's order).
 *
 * Most of it can run earlier, beside the init's last mounts. Once the mounts still to come cannot
 * touch any of those paths (none lies on, above or below one: the default configs' cgroup mount),
 * the masked directories and the read-only paths need only /proc and /sys, which are there. A
 * thread of the init does them, on another CPU, while the init joins its cgroup, mounts it and
 * makes the devices (0.15 ms of its path to exec on the 2-CPU VM, 2026-12-06); the init waits
 * for it before pivot_root. The masked files wait for the container's /dev/null, which the devices
 * make: after the pivot, as before; so do the read-only paths when sysctls are to be written (through
 * /proc/sys, after the pivot). Only when nothing of the lists nests in another (then the order of
 * the three steps could show), no hook runs before the pivot (it would see the masks early), with
 * the new mount API and openat2 already in use (no fallback state changes under the thread), and
 * pivot_root. Otherwise, or when no thread can be made (a pids limit), all of it after the pivot. */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fs/fs-internal.h"
#include "base/base.h"

struct masks_job {
        struct container *c;
        int rootfd;
        pthread_t thread;
        bool running;
        int r;
        ocirt_error *err;
        bool *left;    /* per masked path: still to do after the pivot (a file) */
        bool readonly; /* the readonlyPaths too: not when sysctls are written after the pivot */
};

static bool
path_related(const char *a, const char *b)
{
        size_t na = strlen(a), nb = strlen(b), n = na < nb ? na : nb;

        while (n > 1 && (a[n - 1] == '/' || b[n - 1] == '/'))
                n--;
        return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/') && (b[n] == '\0' || b[n] == '/');
}

/* A masked directory: an empty read-only tmpfs; a file: the container's /dev/null. *ret_file (may be
 * NULL): the path is a file, left alone when nullfd is NULL. */
static int
mask_path(struct container *c, int rootfd, const char *path, int *nullfd, bool *ret_file, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        if (ret_file)
                *ret_file = false;
        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "maskedPaths: open '%s'", path);
        if (fstat(fd, &st) < 0)
                return ocirt_fail(err, errno, "maskedPaths: stat '%s'", path);
        if (S_ISDIR(st.st_mode)) {
                char *data[] = { (char *) "size=0", NULL };

                r = mount_new_fd(c, rootfd, path, fd, "tmpfs", data,
                                 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
                return r < 0 ? ocirt_wrap(err, "maskedPaths") : 0;
        }
        if (ret_file)
                *ret_file = true;
        if (!nullfd)
                return 0;

        /* The container's /dev/null, opened once without following a symlink and checked by fd: if it
         * were a symlink to a procfs file, binding it would expose that file read-write
         * (CVE-2025-31133). Every masked file is then bound from that fd, never from the path. */
        if (*nullfd < 0) {
                struct stat ns;

                *nullfd = openat(rootfd, "dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (*nullfd < 0)
                        return ocirt_fail(err, errno, "maskedPaths: open /dev/null");
                if (fstat(*nullfd, &ns) < 0 || !S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3))
                        return ocirt_fail_at(err, EPERM, path, "the container's /dev/null must be the null device 1:3",
                                             "maskedPaths: /dev/null in the container is not the null device");
        }
        r = mount_bind_fd(c, rootfd, path, fd, *nullfd, /* rec= */ false, 0, err);
        return r < 0 ? ocirt_wrap(err, "maskedPaths") : 0;
}

static int
readonly_path(struct container *c, int rootfd, const char *path, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "readonlyPaths: open '%s'", path);
        r = mount_bind_fd(c, rootfd, path, fd, fd, /* rec= */ true,
                          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
        return r < 0 ? ocirt_wrap(err, "readonlyPaths") : 0;
}

/* The thread: the masked directories, then the read-only paths. */
static void *
masks_early(void *data)
{
        struct masks_job *j = data;
        const struct spec_linux *l = j->c->spec->linux_;

        for (size_t i = 0; i < l->n_masked_paths && j->r == 0; i++)
                j->r = mask_path(j->c, j->rootfd, l->masked_paths[i], NULL, &j->left[i], &j->err);
        for (size_t i = 0; i < l->n_readonly_paths && j->r == 0 && j->readonly; i++)
                j->r = readonly_path(j->c, j->rootfd, l->readonly_paths[i], &j->err);
        return NULL;
}

static const char *
list_path(const struct spec_linux *l, size_t a)
{
        return a < l->n_masked_paths ? l->masked_paths[a] : l->readonly_paths[a - l->n_masked_paths];
}

/* May a thread do them early at all (whatever the mounts)? Decided once. */
static bool
early_possible(const struct container *c)
{
        const struct spec_linux *l = c->spec->linux_;
        const struct spec_hooks *h = c->spec->hooks;
        size_t n = l ? l->n_masked_paths + l->n_readonly_paths : 0;

        /* Hooks that run before the pivot (prestart, createRuntime, createContainer) see the root as
         * runc leaves it then: without the masks. */
        if (n == 0 || (c->flags & OCIRT_CREATE_NO_PIVOT) || mount_use_legacy() || pathres_compat() ||
            c->wait_hooks || (h && h->n_create_container > 0))
                return false;
        for (size_t a = 0; a < n; a++)
                for (size_t b = a + 1; b < n; b++)
                        if (path_related(list_path(l, a), list_path(l, b)))
                                return false;
        return true;
}

/* ... and before mount `next` of the config (all earlier ones done): none of the rest touches them. */
static bool
early_from(const struct container *c, size_t next)
{
        const struct spec_linux *l = c->spec->linux_;
        size_t n = l->n_masked_paths + l->n_readonly_paths;

        for (size_t m = next; m < c->spec->n_mounts; m++)
                for (size_t a = 0; a < n; a++)
                        if (path_related(list_path(l, a), c->spec->mounts[m].destination))
                                return false;
        return true;
}

/* Runs in: the container init, before mount `next` of the config (0, 1, ... then n_mounts). Starts
 * the thread once it may. */
void
rootfs_masks_start(struct container *c, int rootfd, size_t next)
{
        struct masks_job *j;
        pthread_attr_t attr;
        cpu_set_t cpus;
        int cpu, rt = c->runtime_cpu;

        if (c->masks_tried)
                return;
        /* rootfs_setup's first call has next 0: what does not depend on the mounts is decided there. */
        if (next == 0 && !early_possible(c)) {
                c->masks_tried = true;
                return;
        }
        if (!early_from(c, next))
                return;
        c->masks_tried = true;
        cpu = sched_getcpu();
        /* The thread goes to the runtime's CPU, which is about to be idle (the runtime's work after the
         * clone ends with the limits, then it waits): not to "another CPU", which may be busy with
         * someone else's work. When the init shares the runtime's CPU (not sent away, spawn.c), a
         * thread would only take turns with it: none. */
        if (rt < 0 || rt >= CPU_SETSIZE || rt == cpu)
                return;
        j = xmalloc(sizeof *j);
        /* The sysctls (procattr_after_pivot) are written through /proc/sys, a read-only path. */
        *j = (struct masks_job){ .c = c, .rootfd = rootfd, .readonly = c->spec->linux_->n_sysctl == 0 };
        j->left = xcalloc(c->spec->linux_->n_masked_paths + 1, sizeof *j->left);
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        /* A thread's mask is its own, and it ends before anything else runs. */
        CPU_ZERO(&cpus);
        CPU_SET(rt, &cpus);
        pthread_attr_setaffinity_np(&attr, sizeof cpus, &cpus);
        if (pthread_create(&j->thread, &attr, masks_early, j) == 0) {
                j->running = true;
                c->masks_job = j;
        }
        else {
                free(j->left);
                free(j);
        }
        pthread_attr_destroy(&attr);
}

/* Runs in: the container init, before pivot_root (and before anything else that could see the
 * thread's mounts half-made). */
int
rootfs_masks_join(struct container *c, ocirt_error **err)
{
        struct masks_job *j = c->masks_job;

        if (!j || !j->running)
                return 0;
        pthread_join(j->thread, NULL);
        j->running = false;
        if (j->r < 0) {
                if (err && !*err)
                        *err = TAKE_PTR(j->err);
                else
                        ocirt_error_free(j->err);
                j->err = NULL;
                return j->r;
        }
        return 0;
}

/* Runs in: the container init, after the pivot: what the thread did not do, or all of it. */
int
rootfs_masks_apply(struct container *c, int rootfd, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        struct masks_job *j = c->masks_job;
        _cleanup_close_ int nullfd = -1;
        int r = rootfs_masks_join(c, err);

        for (size_t i = 0; r >= 0 && l && i < l->n_masked_paths; i++)
                if (!j || j->left[i])
                        r = mask_path(c, rootfd, l->masked_paths[i], &nullfd, NULL, err);
        for (size_t i = 0; r >= 0 && (!j || !j->readonly) && l && i < l->n_readonly_paths; i++)
                r = readonly_path(c, rootfd, l->readonly_paths[i], err);
        if (j) {
                free(j->left);
                free(j);
                c->masks_job = NULL;
        }
        return r < 0 ? r : 0;
}
