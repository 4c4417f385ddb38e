/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.c: the OCI `mounts` list, applied in order through file descriptors.
 *
 * Every mount is built detached (fsopen/fsconfig/fsmount for a new filesystem, open_tree for a bind),
 * gets its attributes with mount_setattr while detached, and is attached with move_mount onto an fd
 * that pathres.c resolved inside the rootfs. So no path is looked up twice (no symlink race on the
 * destination) and read-only binds need no remount that would trip over the flags a user namespace
 * locks. The rootfs pivot is in rootfs.c; /dev nodes in devices.c. */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include "container.h"
#include "log.h"
#include "syscalls.h"
#include "util.h"

enum {
        OPT_BIND = 1 << 0,
        OPT_REC = 1 << 1, /* rbind */
        OPT_REMOUNT = 1 << 2,
};

struct mount_opt {
        const char *name;
        uint64_t set, clr; /* MOUNT_ATTR_* */
        bool recursive;    /* the r* form: applies to every mount of the tree */
        uint64_t propagation;
        unsigned other; /* OPT_* */
};

/* The spec's MUST and SHOULD lists. The atime family is one field: setting one clears the others. */
#define ATIME_CLR MOUNT_ATTR__ATIME
static const struct mount_opt mount_opts[] = {
        { "defaults", 0, 0, false, 0, 0 },
        { "rw", 0, MOUNT_ATTR_RDONLY, false, 0, 0 },
        { "ro", MOUNT_ATTR_RDONLY, 0, false, 0, 0 },
        { "suid", 0, MOUNT_ATTR_NOSUID, false, 0, 0 },
        { "nosuid", MOUNT_ATTR_NOSUID, 0, false, 0, 0 },
        { "dev", 0, MOUNT_ATTR_NODEV, false, 0, 0 },
        { "nodev", MOUNT_ATTR_NODEV, 0, false, 0, 0 },
        { "exec", 0, MOUNT_ATTR_NOEXEC, false, 0, 0 },
        { "noexec", MOUNT_ATTR_NOEXEC, 0, false, 0, 0 },
        { "symfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, false, 0, 0 },
        { "nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, false, 0, 0 },
        { "atime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 }, /* kernel default */
        { "noatime", MOUNT_ATTR_NOATIME, ATIME_CLR, false, 0, 0 },
        { "relatime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 },
        { "norelatime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 },
        { "strictatime", MOUNT_ATTR_STRICTATIME, ATIME_CLR, false, 0, 0 },
        { "nostrictatime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 },
        { "diratime", 0, MOUNT_ATTR_NODIRATIME, false, 0, 0 },
        { "nodiratime", MOUNT_ATTR_NODIRATIME, 0, false, 0, 0 },
        { "rro", MOUNT_ATTR_RDONLY, 0, true, 0, 0 },
        { "rrw", 0, MOUNT_ATTR_RDONLY, true, 0, 0 },
        { "rsuid", 0, MOUNT_ATTR_NOSUID, true, 0, 0 },
        { "rnosuid", MOUNT_ATTR_NOSUID, 0, true, 0, 0 },
        { "rdev", 0, MOUNT_ATTR_NODEV, true, 0, 0 },
        { "rnodev", MOUNT_ATTR_NODEV, 0, true, 0, 0 },
        { "rexec", 0, MOUNT_ATTR_NOEXEC, true, 0, 0 },
        { "rnoexec", MOUNT_ATTR_NOEXEC, 0, true, 0, 0 },
        { "rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, true, 0, 0 },
        { "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, true, 0, 0 },
        { "ratime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rnoatime", MOUNT_ATTR_NOATIME, ATIME_CLR, true, 0, 0 },
        { "rrelatime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rnorelatime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rstrictatime", MOUNT_ATTR_STRICTATIME, ATIME_CLR, true, 0, 0 },
        { "rnostrictatime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rdiratime", 0, MOUNT_ATTR_NODIRATIME, true, 0, 0 },
        { "rnodiratime", MOUNT_ATTR_NODIRATIME, 0, true, 0, 0 },
        { "bind", 0, 0, false, 0, OPT_BIND },
        { "rbind", 0, 0, false, 0, OPT_BIND | OPT_REC },
        { "remount", 0, 0, false, 0, OPT_REMOUNT },
        { "private", 0, 0, false, MS_PRIVATE, 0 },
        { "rprivate", 0, 0, true, MS_PRIVATE, 0 },
        { "shared", 0, 0, false, MS_SHARED, 0 },
        { "rshared", 0, 0, true, MS_SHARED, 0 },
        { "slave", 0, 0, false, MS_SLAVE, 0 },
        { "rslave", 0, 0, true, MS_SLAVE, 0 },
        { "unbindable", 0, 0, false, MS_UNBINDABLE, 0 },
        { "runbindable", 0, 0, true, MS_UNBINDABLE, 0 },
        /* Superblock flags: passed to the filesystem (fsconfig flags of the same name). */
        { "sync", 0, 0, false, 0, 0 },
        { "async", 0, 0, false, 0, 0 },
        { "dirsync", 0, 0, false, 0, 0 },
        { "lazytime", 0, 0, false, 0, 0 },
        { "nolazytime", 0, 0, false, 0, 0 },
        { "iversion", 0, 0, false, 0, 0 },
        { "noiversion", 0, 0, false, 0, 0 },
        { "mand", 0, 0, false, 0, 0 },
        { "nomand", 0, 0, false, 0, 0 },
        { "silent", 0, 0, false, 0, 0 },
        { "loud", 0, 0, false, 0, 0 },
};

/* Superblock flags that the kernel's generic fsconfig() parser knows; the rest of the family
 * (iversion, silent, loud, ...) has no effect on a new mount and is dropped. Unknown options go to
 * the filesystem as data. */
static const char *const sb_flags[] = { "sync", "async", "dirsync", "lazytime", "nolazytime", "mand", "nomand", NULL };

struct mount_plan {
        unsigned other;
        uint64_t set, clr, rset, rclr;
        uint64_t propagation, rpropagation;
        char **data; /* key[=value] strings for the filesystem */
};

static const struct mount_opt *
find_opt(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(mount_opts); i++)
                if (streq(mount_opts[i].name, name))
                        return &mount_opts[i];
        return NULL;
}

static void
plan_options(const struct spec_mount *m, struct mount_plan *p)
{
        *p = (struct mount_plan){ 0 };
        for (size_t i = 0; i < m->n_options; i++) {
                const char *o = m->options[i];
                const struct mount_opt *d = find_opt(o);

                if (!d) {
                        strv_push(&p->data, o);
                        continue;
                }
                p->other |= d->other;
                if (d->propagation) {
                        if (d->recursive)
                                p->rpropagation = d->propagation;
                        else
                                p->propagation = d->propagation;
                }
                if (d->recursive) {
                        p->rset = (p->rset & ~d->clr) | d->set;
                        p->rclr = (p->rclr & ~d->set) | d->clr;
                } else {
                        p->set = (p->set & ~d->clr) | d->set;
                        p->clr = (p->clr & ~d->set) | d->clr;
                }
                if (strv_contains((char **) sb_flags, o))
                        strv_push(&p->data, o);
        }
}

static char *
mount_where(struct container *c, size_t index)
{
        return xasprintf("%s: .mounts[%zu]", c->config_path, index);
}

/* Collect the kernel's own explanation of an fsconfig failure (it is often precise). */
static void
fs_context_log(int fsfd, char *buf, size_t size)
{
        char line[512];
        ssize_t n;
        size_t len = 0;

        buf[0] = '\0';
        while (len + 3 < size && (n = read(fsfd, line, sizeof line - 1)) > 0) {
                line[n] = '\0';
                len += snprintf(buf + len, size - len, "%s%s", len ? "; " : "", line + (n > 2 && line[1] == ' ' ? 2 : 0));
        }
}

static int
new_fs(const char *type, const char *source, char **data, uint64_t attr, bool drop_gid, int *ret_mfd, char *why,
       size_t whysize)
{
        _cleanup_close_ int fsfd = -1;
        int mfd;

        why[0] = '\0';
        fsfd = sys_fsopen(type, FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return -errno;
        if (source && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0 && errno != EINVAL)
                return -errno;
        for (size_t i = 0; data && data[i]; i++) {
                _cleanup_free_ char *key = xstrdup(data[i]);
                char *eq = strchr(key, '=');
                int r;

                if (drop_gid && startswith(key, "gid="))
                        continue;
                if (eq) {
                        *eq = '\0';
                        r = sys_fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
                } else {
                        r = sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
                }
                if (r < 0) {
                        int e = errno;
                        fs_context_log(fsfd, why, whysize);
                        return -e;
                }
        }
        if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                int e = errno;
                fs_context_log(fsfd, why, whysize);
                return -e;
        }
        mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned) attr);
        if (mfd < 0)
                return -errno;
        *ret_mfd = mfd;
        return 0;
}

static int
bind_tree(const char *source, bool recursive, int *ret_mfd)
{
        int fd = sys_open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

        if (fd < 0)
                return -errno;
        *ret_mfd = fd;
        return 0;
}

static int
apply_attrs(int mfd, const struct mount_plan *p)
{
        if ((p->set || p->clr || p->propagation) &&
            sys_mount_setattr(mfd, "", AT_EMPTY_PATH, p->set, p->clr, p->propagation) < 0)
                return -errno;
        if ((p->rset || p->rclr || p->rpropagation) &&
            sys_mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, p->rset, p->rclr, p->rpropagation) < 0)
                return -errno;
        return 0;
}

static int
attach(int mfd, int dstfd)
{
        if (sys_move_mount(mfd, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

/* Runs in: the container init, before pivot_root. */
int
mount_one(struct container *c, int rootfd, const struct spec_mount *m, size_t index, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL, *src_abs = NULL;
        _cleanup_close_ int dstfd = -1, mfd = -1;
        _cleanup_strv_ char **data = NULL;
        struct mount_plan p;
        const char *type = m->type;
        bool is_dir = true;
        char why[512] = "";
        int r;

        plan_options(m, &p);
        data = p.data;

        if (p.other & OPT_BIND || (type && streq(type, "bind"))) {
                struct stat st;

                if (!m->source)
                        return ocirt_fail_at(err, EINVAL, where = mount_where(c, index), "add a 'source'",
                                             "a bind mount needs a source");
                src_abs = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
                if (stat(src_abs, &st) < 0)
                        return ocirt_fail_at(err, errno, where = mount_where(c, index), NULL,
                                             "bind source '%s'", src_abs);
                is_dir = S_ISDIR(st.st_mode);
        }

        r = pathres_open(rootfd, m->destination, is_dir ? PATHRES_MKDIR : PATHRES_MKFILE, &dstfd, err);
        if (r < 0)
                return ocirt_wrap(err, "mount %s", m->destination);

        if (src_abs) {
                r = bind_tree(src_abs, p.other & OPT_REC, &mfd);
                if (r < 0) {
                        where = mount_where(c, index);
                        if (r == -EINVAL && !(p.other & OPT_REC))
                                return ocirt_fail_at(err, -r, where, "use 'rbind': a user namespace cannot bind a tree without its submounts",
                                                     "bind '%s' on '%s'", src_abs, m->destination);
                        return ocirt_fail_at(err, -r, where, NULL, "bind '%s' on '%s'", src_abs, m->destination);
                }
        } else if (type && (streq(type, "cgroup") || streq(type, "cgroup2")) && !c->new_ns[SPEC_NS_CGROUP]) {
                /* Without a cgroup namespace a fresh cgroup mount would show the host's whole tree:
                 * bind the host's view read-only instead (the cgroups issue refines this). */
                r = bind_tree("/sys/fs/cgroup", true, &mfd);
                if (r >= 0)
                        p.rset |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        } else {
                const char *fstype = type && *type && !streq(type, "none") ? type : NULL;
                uint64_t attr = p.set;

                if (!fstype)
                        return ocirt_fail_at(err, EINVAL, where = mount_where(c, index),
                                             "give a 'type' such as tmpfs, or the option 'bind'",
                                             "mount on '%s' has neither a type nor a bind option", m->destination);
                if (fstype && streq(fstype, "cgroup"))
                        fstype = "cgroup2"; /* with a cgroup namespace: its own root, v2 view */
                r = new_fs(fstype, m->source, data, attr, false, &mfd, why, sizeof why);
                if (r == -EINVAL && streq(fstype, "devpts") && strv_contains(data, "gid=5"))
                        r = new_fs(fstype, m->source, data, attr, /* drop_gid= */ true, &mfd, why, sizeof why);
                if (r == -EPERM && streq(fstype, "sysfs")) {
                        /* A user namespace without its own network namespace may not mount sysfs. */
                        log_debug(c->ctx, "mount sysfs on '%s': permission denied, binding the host's /sys read-only instead",
                                  m->destination);
                        r = bind_tree("/sys", true, &mfd);
                        p.rset |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
                } else if (r >= 0) {
                        p.set = 0; /* already applied by fsmount */
                        p.clr = 0;
                }
                if (r < 0) {
                        where = mount_where(c, index);
                        return ocirt_fail_at(err, -r, where, NULL, "mount '%s' on '%s'%s%s", fstype, m->destination,
                                             why[0] ? ": " : "", why);
                }
        }
        r = apply_attrs(mfd, &p);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL,
                                     "set the options of the mount on '%s'", m->destination);
        r = attach(mfd, dstfd);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "attach the mount on '%s'",
                                     m->destination);
        return 0;
}
