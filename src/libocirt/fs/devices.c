/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devices.c: /dev inside the container: the default devices and symlinks of runtime-linux.md,
 * linux.devices, and /dev/console for a terminal.
 *
 * Root in the initial user namespace mknod()s nodes. In a user namespace mknod is refused, so each
 * node is an empty file with the host's node bind-mounted on it; the host node is checked by fd to
 * be the expected device before it is attached (the CVE-2025-31133 class). Every path goes through
 * pathres.c, so a /dev symlink in the image cannot redirect anything to the host (CVE-2026-41579). */
#include "config.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fs/fs-internal.h"
#include "base/base.h"

struct dev {
        const char *path;
        char type;
        unsigned major, minor;
        mode_t mode;
        bool has_owner;
        uid_t uid;
        gid_t gid;
        const char *where; /* NULL for a default device */
};

static const struct dev default_devs[] = {
        { "/dev/null", 'c', 1, 3, 0666, false, 0, 0, NULL },    { "/dev/zero", 'c', 1, 5, 0666, false, 0, 0, NULL },
        { "/dev/full", 'c', 1, 7, 0666, false, 0, 0, NULL },    { "/dev/random", 'c', 1, 8, 0666, false, 0, 0, NULL },
        { "/dev/urandom", 'c', 1, 9, 0666, false, 0, 0, NULL }, { "/dev/tty", 'c', 5, 0, 0666, false, 0, 0, NULL },
};

static mode_t
type_bits(char t)
{
        switch (t) {
        case 'b':
                return S_IFBLK;
        case 'p':
                return S_IFIFO;
        default:
                return S_IFCHR;
        }
}

static bool
can_mknod(struct container *c)
{
        return !c->new_ns[SPEC_NS_USER] && c->join_fd[SPEC_NS_USER] < 0 && geteuid() == 0;
}

/* Whether ocirt may create what `path` needs: its deepest existing directory lies on a mount of the
 * container's own (mount_is_own), not in a bind of a host directory, where a device node, a
 * symlink or a missing parent would land on the host (issue 13.1). */
static bool
may_create_in(int rootfd, const char *path)
{
        _cleanup_free_ char *dir = xstrdup(path);

        for (;;) {
                _cleanup_close_ int fd = -1;
                char *slash;
                int r = pathres_open(rootfd, *dir ? dir : "/", 0, &fd, NULL);

                if (r >= 0)
                        return mount_is_own(rootfd, fd);
                slash = strrchr(dir, '/');
                if (r != -ENOENT || !slash)
                        return true; /* the real error comes from the creation itself */
                *slash = '\0';
        }
}

/* 1 with the parent directory of `path` (created if missing) in *ret_dirfd; 0 when it lies in a
 * host directory, where nothing is created. */
static int
split_parent(struct container *c, int rootfd, const char *path, bool check, int *ret_dirfd, const char **ret_name,
             ocirt_error **err)
{
        _cleanup_free_ char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');
        int r;

        if (!slash || !slash[1])
                return ocirt_fail(err, EINVAL, "device path '%s'", path);
        *ret_name = path + (slash - dir) + 1;
        *slash = '\0';
        /* The default devices go straight into /dev, which devices_setup() checked once. */
        if (check && !may_create_in(rootfd, *dir ? dir : "/")) {
                if (ocirt_log_level(c->ctx) >= OCIRT_LOG_DEBUG)
                        init_log(c, OCIRT_LOG_DEBUG, "'%s' is in a bind mount of a host directory: not created", path);
                return 0;
        }
        r = pathres_open(rootfd, *dir ? dir : "/", PATHRES_MKDIR, ret_dirfd, err);
        return r < 0 ? r : 1;
}

static int
check_existing(int dirfd, const char *name, const struct dev *d, ocirt_error **err)
{
        struct stat st;

        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return ocirt_fail(err, errno, "stat '%s'", d->path);
        if ((st.st_mode & S_IFMT) != type_bits(d->type) ||
            (d->type != 'p' && st.st_rdev != makedev(d->major, d->minor))) {
                /* A bind-mounted host node shows as the device too, so only a real mismatch lands here. */
                if (S_ISREG(st.st_mode) && st.st_size == 0)
                        return 1; /* our own placeholder from an earlier bind: fine */
                return ocirt_fail_at(err, EEXIST, d->where ? d->where : d->path,
                                     "remove the file from the image or fix .linux.devices",
                                     "'%s' exists and is not the %s device %u:%u", d->path,
                                     d->type == 'b' ? "block" : "char", d->major, d->minor);
        }
        return 0;
}

static int
create_dev(struct container *c, int rootfd, const struct dev *d, ocirt_error **err)
{
        _cleanup_close_ int dirfd = -1, filefd = -1, mfd = -1;
        const char *name = NULL;
        bool is_tree = false;
        struct stat st;
        int r;

        r = split_parent(c, rootfd, d->path, /* check= */ d->where != NULL, &dirfd, &name, err);
        if (r <= 0)
                return r;

        /* EPERM: uid 0 of a user namespace that is not the host's (rootless podman runs its runtime in
         * one) may not create device nodes: bind the host's, as a rootless runtime does. */
        if (can_mknod(c)) {
                int e = mknodat(dirfd, name, type_bits(d->type) | (d->mode & 07777), makedev(d->major, d->minor)) < 0
                                ? errno : 0;

                if (e == EEXIST)
                        return check_existing(dirfd, name, d, err) < 0 ? -EEXIST : 0;
                if (e != 0 && e != EPERM)
                        return ocirt_fail_at(err, e, d->where, NULL, "mknod '%s'", d->path);
                if (e == 0) {
                        if (d->has_owner && fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
                                return ocirt_fail_at(err, errno, d->where, NULL, "chown '%s'", d->path);
                        return 0;
                }
        }

        /* Bind the host's node. Check it by fd before attaching: the node itself, never a symlink. The
         * clone is made at once (one syscall); with mount(2) only an O_PATH fd is needed. */
        if (!mount_use_legacy()) {
                mfd = sys_open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
                if (mfd < 0 && (errno == ENOSYS || errno == EPERM))
                        mfd = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                else
                        is_tree = mfd >= 0;
        } else {
                mfd = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
        if (mfd < 0)
                return ocirt_fail_at(err, errno, d->where, "a rootless container can only bind devices that exist on the host",
                                     "bind the host's '%s'", d->path);
        if (fstat(mfd, &st) < 0)
                return ocirt_fail(err, errno, "stat the host's '%s'", d->path);
        if ((st.st_mode & S_IFMT) != type_bits(d->type) || (d->type != 'p' && st.st_rdev != makedev(d->major, d->minor)))
                return ocirt_fail_at(err, ENODEV, d->where, NULL, "the host's '%s' is not the device %u:%u", d->path,
                                     d->major, d->minor);
        filefd = openat(dirfd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
        if (filefd < 0) {
                if (errno != EEXIST)
                        return ocirt_fail(err, errno, "create '%s'", d->path);
                r = check_existing(dirfd, name, d, err);
                if (r < 0)
                        return r;
                if (r == 0)
                        return 0; /* already the right device */
        }
        if (filefd >= 0)
                close(filefd);
        filefd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (filefd < 0)
                return ocirt_fail(err, errno, "open '%s'", d->path);
        if (is_tree)
                r = mount_attach_tree(c, rootfd, d->path, filefd, mfd, d->path, err);
        else
                r = mount_bind_fd(c, rootfd, d->path, filefd, mfd, /* rec= */ false, 0, err);
        if (r < 0)
                return ocirt_wrap(err, "%s", d->where ? d->where : d->path);
        return 0;
}

static bool
config_has_dev(const struct spec_linux *l, const char *path)
{
        for (size_t i = 0; l && i < l->n_devices; i++)
                if (streq(l->devices[i].path, path))
                        return true;
        return false;
}

/* Whether a destination names /dev ("/dev", "//dev/", "/./dev"). */
bool
devices_is_dev_dir(const char *dest)
{
        const char *p = dest;
        bool seen = false;

        while (*p) {
                size_t n;

                while (*p == '/')
                        p++;
                n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        p += n;
                        continue;
                }
                if (seen || n != 3 || strncmp(p, "dev", 3) != 0)
                        return false;
                seen = true;
                p += n;
        }
        return seen;
}

/* A read-only /dev is made writable first and read-only once its nodes, symlinks and submounts
 * (pts, shm, mqueue) are in place (readonly_finish), as runc does: else /dev/pts cannot be created. */
static bool readonly_pending;

void
devices_readonly_later(void)
{
        readonly_pending = true;
}

/* Runs in: the container init, at the end of devices_setup(). */
static int
readonly_finish(struct container *c, int rootfd, ocirt_error **err)
{
        if (!readonly_pending)
                return 0;
        readonly_pending = false;
        return mount_readonly_one(c, rootfd, "/dev", err);
}

/* The default devices (not in a /dev of the host's: own) and those of linux.devices. */
static int
create_devices(struct container *c, int rootfd, bool own, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        int r;

        for (size_t i = 0; own && i < ELEMENTSOF(default_devs); i++) {
                if (config_has_dev(l, default_devs[i].path))
                        continue;
                r = create_dev(c, rootfd, &default_devs[i], err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; l && i < l->n_devices; i++) {
                const struct spec_device *sd = &l->devices[i];
                _cleanup_free_ char *where = xasprintf("%s: .linux.devices[%zu]", c->config_path, i);
                struct dev d = {
                        .path = sd->path,
                        .type = sd->type == 'u' ? 'c' : sd->type,
                        .major = (unsigned) sd->major,
                        .minor = (unsigned) sd->minor,
                        .mode = sd->has_file_mode ? sd->file_mode : 0666,
                        .has_owner = sd->has_uid || sd->has_gid,
                        .uid = sd->has_uid ? sd->uid : 0,
                        .gid = sd->has_gid ? sd->gid : 0,
                        .where = where,
                };
                r = create_dev(c, rootfd, &d, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The symlinks of runtime-linux.md in /dev (dir: opened O_RDONLY, symlinkat takes no O_PATH base). */
static void
create_links(int dir)
{
        static const char *const links[][2] = {
                { "/proc/self/fd", "fd" },     { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
                { "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" },
        };

        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                if (symlinkat(links[i][0], dir, links[i][1]) == 0 || errno != EEXIST)
                        continue;
                if (streq(links[i][1], "ptmx")) {
                        /* An image's /dev/ptmx node would bypass the container's devpts instance. */
                        struct stat st;
                        if (fstatat(dir, "pts/ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && unlinkat(dir, "ptmx", 0) == 0)
                                (void) symlinkat(links[i][0], dir, links[i][1]);
                }
        }
}

/* The pty is bound on /dev/console later (terminal.c), when a read-only /dev no longer takes a new
 * file: its mount point is made now. */
static int
console_placeholder(struct container *c, int dir, ocirt_error **err)
{
        int f;

        if (!c->spec->process || !c->spec->process->terminal)
                return 0;
        f = openat(dir, "console", O_CREAT | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
        if (f < 0 && errno != EEXIST && errno != ELOOP && errno != EISDIR)
                return ocirt_fail(err, errno, "create /dev/console");
        if (f >= 0)
                close(f);
        return 0;
}

/* Runs in: the container init, after the mounts, before the pivot. */
int
devices_setup(struct container *c, int rootfd, ocirt_error **err)
{
        _cleanup_close_ int devfd = -1, dir = -1;
        bool own;
        int r;

        /* mknod and the created files must get exactly the configured modes. */
        umask(0);
        r = pathres_open(rootfd, "/dev", PATHRES_MKDIR, &devfd, err);
        if (r < 0)
                return r;
        /* A /dev bound from the host (-v /dev:/dev) is the host's: no default device, symlink or
         * console placeholder goes there, and its ptmx stays what it is, as with runc and crun. */
        own = mount_is_own(rootfd, devfd);
        if (!own && ocirt_log_level(c->ctx) >= OCIRT_LOG_DEBUG)
                init_log(c, OCIRT_LOG_DEBUG, "/dev is a bind mount of a host directory: no default devices or symlinks");
        r = create_devices(c, rootfd, own, err);
        if (r < 0)
                return r;
        if (own) {
                /* O_PATH fds cannot be used as a *at() base for symlinkat; reopen as a directory. */
                dir = openat(devfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir < 0)
                        return ocirt_fail(err, errno, "open /dev");
                create_links(dir);
                r = console_placeholder(c, dir, err);
                if (r < 0)
                        return r;
        }
        return readonly_finish(c, rootfd, err);
}

/* Runs in: the container init. /dev/console becomes the pty slave, bound from the fd the init
 * already holds, never from a /dev/pts/N path the image could redirect (CVE-2025-52565). */
int
devices_bind_console(struct container *c, int rootfd, int pty_slave, ocirt_error **err)
{
        _cleanup_close_ int dst = -1, mfd = -1;
        int r;

        r = pathres_open(rootfd, "/dev/console", PATHRES_NOFOLLOW, &dst, NULL);
        if (r == -ENOENT && !may_create_in(rootfd, "/dev")) {
                /* A host /dev without a console: nothing is created there; the pty is the
                 * process's stdio all the same. */
                if (ocirt_log_level(c->ctx) >= OCIRT_LOG_DEBUG)
                        init_log(c, OCIRT_LOG_DEBUG, "/dev is a bind mount of a host directory without a console: "
                                                     "/dev/console is not bound");
                return 0;
        }
        if (r == -ENOENT)
                r = pathres_open(rootfd, "/dev/console", PATHRES_MKFILE | PATHRES_NOFOLLOW, &dst, err);
        else if (r < 0)
                r = ocirt_fail(err, -r, "open /dev/console");
        if (r < 0)
                return r;
        {
                /* An image's /dev/console that is a symlink (to a host path, or to /dev/pts/N of the
                 * image) must not be mounted through: only a plain file or node is replaced
                 * (CVE-2026-88264). */
                struct stat st;
                if (fstat(dst, &st) < 0)
                        return ocirt_fail(err, errno, "stat /dev/console");
                if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
                        return ocirt_fail_at(err, EEXIST, "/dev/console", "remove /dev/console from the image",
                                             "/dev/console in the container is a %s", S_ISLNK(st.st_mode) ? "symlink" : "directory");
        }
        r = mount_bind_fd(c, rootfd, "/dev/console", dst, pty_slave, /* rec= */ false, 0, err);
        if (r < 0)
                return ocirt_wrap(err, "bind the pty on /dev/console");
        (void) mfd;
        return 0;
}
