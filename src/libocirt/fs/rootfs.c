/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rootfs.c: prepare the container's root: propagation, the rootfs bind, the mounts list (mount.c),
 * /dev (devices.c), pivot_root (or MS_MOVE + chroot with --no-pivot), then maskedPaths and
 * readonlyPaths (rootfs-masks.c) and a read-only root. All of it runs in the container init, in its own mount
 * namespace, so nothing here can outlive a failed create. */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include "fs/fs-internal.h"
#include "base/base.h"

/* A mount namespace of the container's own: new, or joined by path. */
static bool
has_mount_ns(const struct container *c)
{
        return c->new_ns[SPEC_NS_MOUNT] || spec_find_ns(c->spec, SPEC_NS_MOUNT);
}

/* The propagation the runtime's tree gets in the container's mount namespace before anything is
 * mounted: the config's [r]private/[r]shared/[r]slave, else rslave. */
static unsigned long
setup_propagation(const struct spec_linux *l)
{
        unsigned long f = l && l->rootfs_propagation ? l->rootfs_propagation_flag : 0;

        if (f == 0 || (f & MS_UNBINDABLE))
                return MS_SLAVE | MS_REC;
        return f;
}

static bool
path_under(const char *p, const char *dir)
{
        size_t n = strlen(dir);

        return strncmp(p, dir, n) == 0 && (p[n] == 0 || p[n] == '/');
}

/* Calls fn(mount point, fstype, data) for each line of /proc/self/mountinfo, stopping at the first
 * nonzero return. */
static int
each_mount(int (*fn)(const char *mp, const char *fstype, void *data), void *data)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r;

        r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf, &len);
        if (r < 0)
                return r;
        for (char *line = buf, *next; line && *line; line = next) {
                char *f[10] = { 0 }, *sp, *tok;
                int n = 0;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
                for (tok = strtok_r(line, " ", &sp); tok && n < 10; tok = strtok_r(NULL, " ", &sp)) {
                        if (n == 6 && !streq(tok, "-"))
                                continue;
                        f[n++] = tok;
                }
                if (n < 8)
                        continue;
                mountinfo_unescape(f[4]);
                r = fn(f[4], f[7], data);
                if (r != 0)
                        return r;
        }
        return 0;
}

static int
longest_prefix(const char *mp, const char *fstype, void *data)
{
        char **best = data;
        const char *target = best[1];

        (void) fstype;
        if (path_under(target, mp) || streq(mp, "/")) {
                if (!best[0] || strlen(mp) >= strlen(best[0])) {
                        free(best[0]);
                        best[0] = xstrdup(mp);
                }
        }
        return 0;
}

/* Make the mount that holds `path` private (only that one). */
static int
make_parent_private(const char *path)
{
        char *best[2] = { NULL, (char *) path };
        int r;

        r = each_mount(longest_prefix, best);
        if (r >= 0 && best[0] && mount(NULL, best[0], NULL, MS_PRIVATE, NULL) < 0)
                r = -errno;
        free(best[0]);
        return r < 0 ? r : 0;
}

struct hide_ctx {
        const char *rootfs;
        int error;
};

static int
hide_one(const char *mp, const char *fstype, void *data)
{
        struct hide_ctx *h = data;

        if (path_under(mp, h->rootfs) || (!streq(fstype, "proc") && !streq(fstype, "sysfs")))
                return 0;
        /* The whole tree is a slave (rootfs_pivot()), so this cannot reach the host. ENOENT: under a
         * mount hidden just before. */
        if (umount2(mp, MNT_DETACH) == 0 || errno == ENOENT)
                return 0;
        if (errno == EINVAL || errno == EPERM) {
                /* Locked by a user namespace (rootless): cover it instead. */
                if (mount("tmpfs", mp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=0") == 0 ||
                    errno == ENOENT)
                        return 0;
        }
        h->error = -errno;
        return 1;
}

/* Runs in: the container init, before the --no-pivot chroot. The kernel lets a user namespace
 * mount a new procfs or sysfs only while one of that type is fully visible in the mount
 * namespace (nothing locked on top). Under a chroot the host's /proc and /sys stay in the
 * namespace, fully visible: a process in the container could unshare a user namespace and mount
 * a fresh /proc without the masked paths. runc 1.1.5's defence, the same here: unmount (or,
 * when locked, cover) every procfs and sysfs outside the rootfs. */
static int
hide_host_proc_sys(struct container *c)
{
        struct hide_ctx h = { .rootfs = c->rootfs };
        int r;

        r = each_mount(hide_one, &h);
        return r < 0 ? r : h.error;
}

/* The init's cgroup barrier (init.c), if it has one: in the cgroup (and its namespace), and with
 * limits, its limits written too. */
static int
cgroup_barrier(struct container *c, bool limits, ocirt_error **err)
{
        return c->cgroup_barrier ? c->cgroup_barrier(c, limits, err) : 0;
}

/* Runs in: the container init. */
int
rootfs_setup(struct container *c, int *ret_rootfd, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int rootfd = -1;
        int r;

        /* No mount namespace (the spec: inherited from the runtime): nothing may be mounted, since
         * it would land in the runtime's namespace and outlive the container (spec-validate.c
         * refuses what needs a mount); the root is a plain chroot, as runc does. */
        if (!has_mount_ns(c)) {
                rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (rootfd < 0)
                        return ocirt_fail(err, errno, "open rootfs '%s'", c->rootfs);
                *ret_rootfd = TAKE_FD(rootfd);
                return 0;
        }

        /* Nothing mounted from here on may reach the host: rslave by default, like runc (host
         * mounts still propagate in, none propagate out). A rootfsPropagation of [r]private or
         * [r]shared is applied to the whole tree here as well, as runc does: rshared is how a
         * Kubernetes "Bidirectional" volume's mounts reach the host. [r]unbindable is only for
         * the container's root (rootfs_finalize()): here it would refuse the rootfs bind below. */
        r = mount(NULL, "/", NULL, setup_propagation(l), NULL);
        if (r < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "set the propagation of / (.linux.rootfsPropagation)");

        /* The rootfs bind must not be shared: it would show in the host's peers, and pivot_root
         * refuses a shared parent. */
        if (setup_propagation(l) & MS_SHARED) {
                r = make_parent_private(c->rootfs);
                if (r < 0)
                        return ocirt_fail(err, -r, "make the mount holding the rootfs '%s' private", c->rootfs);
        }

        /* pivot_root needs the new root to be a mount point. */
        if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "bind the rootfs '%s'", c->rootfs);
        rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return ocirt_fail(err, errno, "open rootfs '%s'", c->rootfs);

        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                const char *t = c->spec->mounts[i].type;
                rootfs_masks_start(c, rootfd, i);
                /* A cgroup mount shows the init's own cgroup: it must be in it by now. Its
                 * limits may still be on their way (the mount needs none). */
                if (t && (streq(t, "cgroup") || streq(t, "cgroup2"))) {
                        r = cgroup_barrier(c, /* limits= */ false, err);
                        if (r < 0)
                                return r;
                }
                r = mount_one(c, rootfd, &c->spec->mounts[i], i, err);
                if (r < 0)
                        return r;
        }
        rootfs_masks_start(c, rootfd, c->spec->n_mounts);
        /* The devices are made under the container's devices cgroup, as they always were. */
        r = cgroup_barrier(c, /* limits= */ true, err);
        if (r < 0)
                return r;
        r = devices_setup(c, rootfd, err);
        if (r < 0)
                return r;
        if (pathres_compat() && ocirt_log_level(c->ctx) >= OCIRT_LOG_DEBUG)
                init_log(c, OCIRT_LOG_DEBUG, "openat2 refused: paths in the rootfs were resolved component by component");
        (void) l;
        *ret_rootfd = TAKE_FD(rootfd);
        return 0;
}

/* Runs in: the container init. */
int
rootfs_pivot(struct container *c, int rootfd, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        int r;

        /* The masks thread (rootfs-masks.c) is done before the root moves under it. */
        r = rootfs_masks_join(c, err);
        if (r < 0)
                return r;
        if (fchdir(rootfd) < 0)
                return ocirt_fail(err, errno, "chdir to the rootfs");
        if (!has_mount_ns(c)) {
                /* The runtime's own namespace: chroot only (also with --no-pivot: an MS_MOVE onto
                 * its / would cover the host's root). */
                if (chroot(".") < 0)
                        return ocirt_fail(err, errno, "chroot into the rootfs (no mount namespace)");
        } else if (c->flags & OCIRT_CREATE_NO_PIVOT) {
                /* For a ramfs root, where pivot_root is refused. First the whole tree a slave again
                 * (a [r]shared rootfsPropagation made it shared): neither the unmounts below nor the
                 * move onto / may propagate to the host. The old root stays below the chroot, with
                 * the host's whole procfs and sysfs: hide them. */
                if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return ocirt_fail(err, errno, "make / a slave mount (--no-pivot)");
                r = hide_host_proc_sys(c);
                if (r < 0)
                        return ocirt_fail(err, -r, "hide the host's /proc and /sys (--no-pivot)");
                if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
                        return ocirt_fail(err, errno, "move the rootfs to / (--no-pivot)");
                if (chroot(".") < 0)
                        return ocirt_fail(err, errno, "chroot (--no-pivot)");
        } else {
                /* pivot_root(".", ".") stacks the old root on the new one; detach it at once. The
                 * unmount must not propagate to the host: with a [r]shared rootfsPropagation the old
                 * tree is still the host's peer, and unmounting it would unmount the host's /proc,
                 * /sys, ... So first make it a slave, reached through an fd of the old root (a
                 * MS_SLAVE|MS_REC on "." would reach the new root's tree instead, since "." is not
                 * followed into the stacked mount). */
                _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

                if (oldroot < 0)
                        return ocirt_fail(err, errno, "open the old root");
                if (sys_pivot_root(".", ".") < 0)
                        return ocirt_fail_at(err, errno, NULL, "on a ramfs root, use --no-pivot", "pivot_root");
                if (fchdir(oldroot) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return ocirt_fail(err, errno, "make the old root a slave mount");
                if (umount2(".", MNT_DETACH) < 0)
                        return ocirt_fail(err, errno, "detach the old root");
        }
        if (chdir("/") < 0)
                return ocirt_fail(err, errno, "chdir /");
        (void) l;
        return 0;
}

/* Runs in: the container init, after the pivot. */
int
rootfs_finalize(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (rootfd < 0)
                return ocirt_fail(err, errno, "open /");
        /* maskedPaths, then readonlyPaths (rootfs-masks.c: part of it may be done already). */
        r = rootfs_masks_apply(c, rootfd, err);
        if (r < 0)
                return r;
        if (c->spec->root->readonly) {
                r = sys_mount_setattr(AT_FDCWD, "/", 0, MOUNT_ATTR_RDONLY, 0, 0) < 0 ? -errno : 0;
                if (r == -ENOSYS || r == -EPERM) {
                        /* COMPAT(kernel < 5.12): a bind remount keeps the flags the kernel locked. */
                        r = mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | mount_current_ms("/"), NULL) < 0 ? -errno
                                                                                                              : 0;
                }
                if (r < 0)
                        return ocirt_fail_at(err, -r, c->config_path, NULL, "make the root read-only (.root.readonly)");
        }
        /* Last, as runc does: the container's root (the whole tree for the 'r' forms, which then
         * override the mounts' own propagation, as in runc), after the masked paths, whose binds an
         * unbindable tree would refuse. */
        if (l && l->rootfs_propagation && mount(NULL, "/", NULL, l->rootfs_propagation_flag, NULL) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "set .linux.rootfsPropagation '%s'",
                                     l->rootfs_propagation);
        return 0;
}
