/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuse-overlayfs.c: a copy-on-write rootfs (--overlay=fuse|kernel). root.path, and any further
 * read-only layers, become the lower layers; upper and work live in the container's state dir (gone
 * at delete) or in a directory the user keeps.
 *
 * Where the mount lives. Not on the host: a rootless user cannot mount there at all (fusermount3
 * could, but then the files belong to the caller's host uid, not to the container's ids, and a crash
 * leaves a mount behind). The mount goes into the container's own mount namespace, made at
 * SYNC_EARLY by a short-lived fork of the runtime that joined the init's user and mount namespaces,
 * on STATE/merged, which then becomes the rootfs the init binds and pivots into. It therefore
 * disappears with the container's mount namespace: a failed create (the undo list kills the init),
 * an exited `run`, or a delete all leave no mount anywhere, by construction.
 *
 * For fuse-overlayfs the mount is made with an fd on /dev/fuse, and fuse-overlayfs is handed that fd
 * as its mountpoint "/dev/fd/N" (libfuse >= 3.3 takes an already mounted fd that way), so the
 * daemon itself never needs to be in the container's mount namespace. It runs in the container's
 * user namespace (rootless), as its root, so the ids it stores are the container's, and in the
 * host's mount namespace, where the layer paths are. It serves the container's root: pivot_root in
 * the container does not move the daemon's root or cwd into its own mount (which could deadlock it).
 * When the mount namespace goes, the FUSE connection is torn down and the daemon exits by itself;
 * delete stops it anyway if it is still there (recorded pid and start time). */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "helpers/ops.h"
#include "base/base.h"
#include "state/state.h"

#define OVERLAY_LOG "fuse-overlayfs.log"

static const char *
mode_name(enum helper_overlay m)
{
        return m == OVERLAY_KERNEL ? "kernel" : "fuse";
}

/* One allocation: undo frees only `data` when create succeeds (the step does not run then), so the
 * paths live in the same block, after the struct. */
struct created_dirs {
        char *upper, *work; /* NULL when they existed before; else into buf */
        char buf[];
};

static int
undo_dirs(void *data, ocirt_error **err)
{
        struct created_dirs *d = data;

        (void) err;
        if (d->work)
                (void) rm_rf_at(AT_FDCWD, d->work);
        if (d->upper)
                (void) rm_rf_at(AT_FDCWD, d->upper);
        return 0;
}

static int
make_dir(const char *path, bool *ret_created, ocirt_error **err)
{
        if (mkdir(path, 0755) == 0) {
                *ret_created = true;
                return 0;
        }
        if (errno == EEXIST) {
                *ret_created = false;
                return 0;
        }
        return ocirt_fail(err, errno, "create '%s'", path);
}

static bool
overlay_used(const struct helpers *h)
{
        return h->overlay != OVERLAY_NONE;
}

/* Make the layers absolute: the mount is made from another process, and ':' and ',' separate layers
 * and options in the mount options. */
static int
resolve_layers(const struct container *c, struct helpers *h, ocirt_error **err)
{
        for (size_t i = 0; h->layers && h->layers[i]; i++) {
                char *p = realpath(h->layers[i], NULL);
                if (!p)
                        return ocirt_fail_at(err, errno, "--overlay-layer", "give an existing directory",
                                             "layer '%s'", h->layers[i]);
                free(h->layers[i]);
                h->layers[i] = p;
                if (strpbrk(p, ":,"))
                        return ocirt_fail_at(err, EINVAL, "--overlay-layer", NULL, "layer path '%s' holds ':' or ','", p);
        }
        if (strpbrk(c->rootfs, ":,"))
                return ocirt_fail_at(err, EINVAL, c->config_path, NULL, ".root.path '%s' holds ':' or ',', which overlay options cannot carry",
                                     c->rootfs);
        h->lower_rootfs = xstrdup(c->rootfs);
        return 0;
}

/* upper and work: in the kept directory (created, made absolute), else in the state dir. */
static int
place_upper(struct helpers *h, ocirt_error **err)
{
        const char *where = "--overlay-keep";
        _cleanup_free_ char *dir = NULL;
        bool created;
        int r;

        if (h->keep_dir) {
                r = mkdir_p(h->keep_dir, 0755);
                if (r < 0)
                        return ocirt_fail_at(err, -r, where, NULL, "create '%s'", h->keep_dir);
                dir = realpath(h->keep_dir, NULL);
                if (!dir)
                        return ocirt_fail_at(err, errno, where, NULL, "'%s'", h->keep_dir);
                free(h->keep_dir);
                h->keep_dir = xstrdup(dir);
        } else {
                dir = xasprintf("%s/overlay", h->state_dir);
                r = make_dir(dir, &created, err);
                if (r < 0)
                        return r;
        }
        h->upper = xasprintf("%s/upper", dir);
        h->work = xasprintf("%s/work", dir);
        return 0;
}

/* upper, work and merged; a failed create removes the upper and work it made. */
static int
make_dirs(struct helpers *h, struct undo *undo, ocirt_error **err)
{
        size_t lu = strlen(h->upper) + 1;
        struct created_dirs *cd = xcalloc(1, sizeof *cd + lu + strlen(h->work) + 1);
        bool created = false;
        int r;

        undo_push(undo, "remove the overlay's upper and work dirs", undo_dirs, cd);
        r = make_dir(h->upper, &created, err);
        if (r < 0)
                return r;
        if (created)
                cd->upper = memcpy(cd->buf, h->upper, lu);
        r = make_dir(h->work, &created, err);
        if (r < 0)
                return r;
        /* work is scratch space for the overlay; always ours to clean on failure. */
        cd->work = strcpy(cd->buf + lu, h->work);
        h->merged = xasprintf("%s/merged", h->state_dir);
        return make_dir(h->merged, &created, err);
}

/* Runs in: the runtime, before the clone. Hands back the merged directory as the new root and the
 * mode (and kept directory) as facts. */
static int
overlay_prepare(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
                ocirt_error **err)
{
        int r;

        if (h->overlay == OVERLAY_FUSE) {
                _cleanup_free_ char *path = NULL;
                r = helper_find(HELPER_FUSE_OVERLAYFS, &path, err);
                if (r < 0)
                        return r;
        }
        r = resolve_layers(c, h, err);
        if (r < 0)
                return r;
        r = place_upper(h, err);
        if (r < 0)
                return r;
        r = make_dirs(h, undo, err);
        if (r < 0)
                return r;

        /* The init binds and pivots into the merged view instead of root.path. */
        out->rootfs = xstrdup(h->merged);
        helper_out_fact(out, "overlay.mode", mode_name(h->overlay));
        if (h->keep_dir)
                helper_out_fact(out, "overlay.keep", h->keep_dir);
        return 0;
}

static char *
lowerdir_option(const struct helpers *h)
{
        char *s = xstrdup("");
        size_t n = strv_length(h->layers);

        /* Leftmost is topmost: the given layers from the last to the first, then root.path. */
        for (size_t i = n; i > 0; i--) {
                char *t = xasprintf("%s%s:", s, h->layers[i - 1]);
                free(s);
                s = t;
        }
        {
                char *t = xasprintf("%s%s", s, h->lower_rootfs);
                free(s);
                s = t;
        }
        return s;
}

struct mount_args {
        const struct helpers *h;
        bool rootless;
};

/* Runs in: a fork of the runtime in the init's (user and) mount namespace. */
static int
mount_fuse(void *userdata, int *ret_fd, char *errbuf, size_t errlen)
{
        struct mount_args *a = userdata;
        _cleanup_free_ char *opts = NULL;
        int fd;

        /* Nothing mounted here may propagate back to the host (the init makes / a slave again later). */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
                snprintf(errbuf, errlen, "make / a slave mount");
                return -errno;
        }
        fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
                snprintf(errbuf, errlen, "open /dev/fuse (is it there and usable by you? sudo chmod 0666 /dev/fuse)");
                return -errno;
        }
        opts = xasprintf("fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other,default_permissions", fd,
                         (unsigned) getuid(), (unsigned) getgid());
        if (mount("fuse-overlayfs", a->h->merged, "fuse.fuse-overlayfs", MS_NOSUID | MS_NODEV, opts) < 0) {
                int e = errno;
                snprintf(errbuf, errlen, "mount fuse on '%s'", a->h->merged);
                close(fd);
                return -e;
        }
        *ret_fd = fd;
        return 0;
}

static int
mount_kernel(void *userdata, int *ret_fd, char *errbuf, size_t errlen)
{
        struct mount_args *a = userdata;
        _cleanup_free_ char *lower = lowerdir_option(a->h), *opts = NULL;

        (void) ret_fd;
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
                snprintf(errbuf, errlen, "make / a slave mount");
                return -errno;
        }
        /* userxattr: in a user namespace overlayfs may not use trusted.* xattrs (Linux >= 5.11). */
        opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s", lower, a->h->upper, a->h->work,
                         a->rootless ? ",userxattr" : "");
        if (mount("overlay", a->h->merged, "overlay", 0, opts) < 0) {
                int e = errno;
                snprintf(errbuf, errlen, "mount overlay (%s) on '%s'", opts, a->h->merged);
                return -e;
        }
        /* overlayfs leaves work/work with mode 0000; a remover that does not chmod (the state dir's)
         * could then not descend into it. The kernel uses it with the mounter's credentials, which
         * override the mode. */
        {
                _cleanup_free_ char *ww = xasprintf("%s/work", a->h->work);
                (void) chmod(ww, 0700);
        }
        return 0;
}

/* Runs in: the same kind of fork. The first access waits for the daemon's answer (FUSE_INIT); if the
 * daemon died it fails with ENOTCONN; if it hangs, the alarm ends this process. */
static int
probe_mount(void *userdata, int *ret_fd, char *errbuf, size_t errlen)
{
        struct mount_args *a = userdata;
        struct stat st;

        (void) ret_fd;
        alarm(10);
        if (stat(a->h->merged, &st) < 0) {
                snprintf(errbuf, errlen, "the overlay on '%s' does not answer", a->h->merged);
                return -errno;
        }
        return 0;
}

struct daemon_setup {
        pid_t init_pid;
        bool rootless;
};

/* Runs in: the fuse-overlayfs child, just before exec: become root of the container's user namespace
 * (rootless), so the ids it writes are the container's. */
static int
daemon_setup(void *userdata)
{
        struct daemon_setup *d = userdata;
        char path[64];
        int fd;

        if (!d->rootless)
                return 0;
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int) d->init_pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0)
                return -errno;
        close(fd);
        if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
                return -errno;
        if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
                return -errno;
        return 0;
}

struct daemon_stop {
        pid_t pid;
        unsigned long long start;
};

static int
undo_daemon(void *data, ocirt_error **err)
{
        struct daemon_stop *d = data;

        (void) err;
        if (d->pid > 0) {
                if (helper_stop_pid(d->pid, d->start, SIGTERM, 2000) < 0)
                        (void) helper_stop_pid(d->pid, d->start, SIGKILL, 2000);
                (void) waitpid(d->pid, NULL, WNOHANG);
        }
        return 0;
}

/* Start fuse-overlayfs on the mounted /dev/fuse fd, as root of the container's user namespace
 * (rootless); the undo list stops it if the create fails later. */
static int
spawn_daemon(const struct container *c, const struct helpers *h, bool rootless, int fusefd, int log_fd,
             struct helper_proc *ret, struct daemon_stop **ret_stop, struct undo *undo, ocirt_error **err)
{
        _cleanup_free_ char *lower = lowerdir_option(h), *opt = NULL;
        _cleanup_strv_ char **argv = NULL;
        struct daemon_setup ds = { .init_pid = c->init_pid, .rootless = rootless };
        struct daemon_stop *stop;
        int keep[2] = { fusefd, -1 };
        char mp[32];
        int r;

        opt = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, h->upper, h->work);
        snprintf(mp, sizeof mp, "/dev/fd/%d", fusefd);
        strv_push(&argv, "fuse-overlayfs");
        strv_push(&argv, "-f");
        strv_push(&argv, "-o");
        strv_push(&argv, opt);
        strv_push(&argv, mp);
        {
                struct helper_cmd cmd = { .tool = HELPER_FUSE_OVERLAYFS, .argv = argv, .keep_fds = keep,
                                          .stderr_fd = log_fd, .cwd_fd = -1, .new_session = true,
                                          .setup = daemon_setup, .setup_data = &ds };
                r = helper_spawn(&cmd, ret, err);
                if (r < 0)
                        return r;
        }
        stop = xcalloc(1, sizeof *stop);
        stop->pid = ret->pid;
        (void) proc_pid_start_time(ret->pid, &stop->start, NULL);
        undo_push(undo, "stop fuse-overlayfs", undo_daemon, stop);
        *ret_stop = stop;
        return 0;
}

/* The daemon did not answer: wait a moment for it to exit, and say what it wrote. */
static int
daemon_failed(const struct helper_proc *p, int log_fd, ocirt_error **err)
{
        _cleanup_free_ char *text = NULL;
        int status = 0;

        *err = ocirt_error_free(*err);
        for (int i = 0; i < 100 && waitpid(p->pid, &status, WNOHANG) == 0; i++)
                (void) poll(NULL, 0, 10);
        text = helper_read_stderr(log_fd, true, 3000);
        return ocirt_fail_at(err, EIO, NULL, "check the layer directories; 'ocirt check' tells whether /dev/fuse is usable",
                             "%s: failed%s%s", p->cmdline, *text ? ": " : " (no output on stderr)", text);
}

/* Mount a FUSE connection in the init's mount namespace, hand it to fuse-overlayfs, and check that
 * the mount answers. Hands back the daemon's pid. */
static int
start_fuse(const struct container *c, struct mount_args *a, struct helper_out *out, struct undo *undo,
           ocirt_error **err)
{
        _cleanup_close_ int fusefd = -1, log_fd = -1;
        _cleanup_free_ char *pid = NULL;
        struct helper_proc p;
        struct daemon_stop *stop;
        int r;

        log_fd = openat(c->lock_fd, OVERLAY_LOG, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
        if (log_fd < 0)
                return ocirt_fail(err, errno, "create %s in the state directory", OVERLAY_LOG);
        r = helper_in_ns(c->init_pid, a->rootless, CLONE_NEWNS, mount_fuse, a, &fusefd, err);
        if (r < 0)
                return r;
        if (fusefd < 0)
                return ocirt_fail(err, EIO, "no /dev/fuse fd from the mount helper");
        r = spawn_daemon(c, a->h, a->rootless, fusefd, log_fd, &p, &stop, undo, err);
        if (r < 0)
                return r;
        /* Only the daemon holds the connection now: if it dies, the mount answers ENOTCONN. */
        close(fusefd);
        fusefd = -1;

        r = helper_in_ns(c->init_pid, a->rootless, CLONE_NEWNS, probe_mount, a, NULL, err);
        if (r < 0)
                r = daemon_failed(&p, log_fd, err);
        else {
                pid = xasprintf("%d:%llu", (int) stop->pid, stop->start);
                helper_out_fact(out, "overlay.pid", pid);
        }
        helper_proc_done(&p);
        return r;
}

/* Runs in: the runtime, at SYNC_EARLY. */
static int
overlay_attach(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
               ocirt_error **err)
{
        struct mount_args a = { .h = h, .rootless = geteuid() != 0 };
        int r;

        if (h->overlay == OVERLAY_FUSE)
                return start_fuse(c, &a, out, undo, err);
        r = helper_in_ns(c->init_pid, a.rootless, CLONE_NEWNS, mount_kernel, &a, NULL, err);
        if (r < 0) {
                _cleanup_free_ char *msg = xstrdup((*err)->msg);
                int e = (*err)->errnum;

                *err = ocirt_error_free(*err);
                return ocirt_fail_at(err, e, "--overlay", "this kernel refuses overlayfs here; use --overlay=fuse",
                                     "kernel overlayfs: %s", msg);
        }
        return 0;
}

static int
overlay_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        struct daemon_stop d = { 0 };

        (void) ctx;
        if (helper_pid_parse(state_get_extra(st, "overlay.pid"), &d.pid, &d.start) == 0)
                (void) undo_daemon(&d, err);
        /* upper/work in the state dir go with it; a kept directory stays. */
        return 0;
}

const struct helper_ops fuse_overlayfs_helper = {
        .name = "overlay",
        .used = overlay_used,
        .prepare = overlay_prepare,
        .attach = overlay_attach,
        .teardown = overlay_teardown,
};
