/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.c: the OCI `mounts` list, one entry at a time (mount_one), as a list of steps: the plan of
 * its options (mount-options.c), the kind of mount, its destination resolved in the rootfs
 * (pathres.c), then the new mount API (mount-api.c) or mount(2) (mount-legacy.c), and the fallbacks
 * where the kernel refuses a new filesystem. What only some entries need lives beside it: idmapped
 * binds (mount-idmap.c), tmpcopyup (mount-tmpcopyup.c), cgroup mounts (mount-cgroup.c). The rootfs
 * pivot is in rootfs.c; /dev nodes in devices.c. */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include "fs/fs-internal.h"
#include "base/base.h"

/* ---- mount_one: one entry of the mounts list, step by step ------------------------------------- */

/* Which kind of mount: a bind (its source relative to the bundle), the host's cgroup tree read-only,
 * or a new filesystem. */
static int
plan_job(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        struct container *c = s->c;
        const struct spec_mount *m = s->m;
        const char *type = m->type;

        if (s->p.other & OPT_BIND || (type && streq(type, "bind"))) {
                struct stat st;

                if (!m->source)
                        return ocirt_fail_at(err, EINVAL, where = mount_where(c, s->index), "add a 'source'",
                                             "a bind mount needs a source");
                s->src_abs = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
                if (!mount_is_idmapped(m))
                        s->srcfd = mount_take_prepared(s->index);
                if (s->srcfd >= 0 ? fstat(s->srcfd, &st) < 0 : stat(s->src_abs, &st) < 0)
                        return ocirt_fail_at(err, errno, where = mount_where(c, s->index), NULL, "bind source '%s'",
                                             s->src_abs);
                s->is_dir = S_ISDIR(st.st_mode);
                s->j = (struct job){ KIND_BIND, s->src_abs, s->p.other & OPT_REC, NULL, false };
        } else if (type && (streq(type, "cgroup") || streq(type, "cgroup2")) && !c->new_ns[SPEC_NS_CGROUP]) {
                /* Without a cgroup namespace a fresh cgroup mount would show the host's whole tree:
                 * bind the host's view read-only instead (CVE-2023-25809: never a writable host
                 * cgroup tree in a container without its own cgroup namespace). */
                s->j = (struct job){ KIND_BIND, "/sys/fs/cgroup", true, NULL, false };
                s->p.rset |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        } else {
                const char *fstype = type && *type && !streq(type, "none") ? type : NULL;

                if (!fstype)
                        return ocirt_fail_at(err, EINVAL, where = mount_where(c, s->index),
                                             "give a 'type' such as tmpfs, or the option 'bind'",
                                             "mount on '%s' has neither a type nor a bind option", m->destination);
                if (streq(fstype, "cgroup"))
                        fstype = "cgroup2"; /* with a cgroup namespace: its own root, v2 view */
                s->j = (struct job){ KIND_FS, NULL, false, fstype, false };
        }
        return 0;
}

/* The destination, resolved in the rootfs and created if missing (never through a symlink). */
static int
open_destination(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        const struct spec_mount *m = s->m;
        int r;

        /* proc and sysfs on a symlink would let the image move them, so that maskedPaths and the
         * LSM/sysctl writes meet a fake file (CVE-2019-19921, CVE-2019-16884): their destination must
         * be a directory, the last component not followed (O_DIRECTORY|O_NOFOLLOW: no extra syscall). */
        if (s->j.kind == KIND_FS && (streq(s->j.fstype, "proc") || streq(s->j.fstype, "sysfs"))) {
                r = pathres_open(s->rootfd, m->destination, PATHRES_MKDIR | PATHRES_NOFOLLOW | PATHRES_DIRECTORY,
                                 &s->dstfd, err);
                if (r == -ENOTDIR || r == -ELOOP) {
                        *err = ocirt_error_free(*err);
                        return ocirt_fail_at(err, ENOTDIR, where = mount_where(s->c, s->index),
                                             "remove the symlink or file from the image",
                                             "the destination '%s' of a %s mount is not a directory", m->destination,
                                             s->j.fstype);
                }
        } else {
                r = pathres_open(s->rootfd, m->destination, s->is_dir ? PATHRES_MKDIR : PATHRES_MKFILE, &s->dstfd, err);
        }
        if (r < 0)
                return ocirt_wrap(err, "mount %s", m->destination);
        return 0;
}

/* A new filesystem, or a clone of a bind's source, built detached. later_ro: tmpcopyup fills it
 * first, read-only comes after. */
static int
build_new_api(const struct job *j, const struct spec_mount *m, char **data, struct mount_plan *p, bool later_ro,
              int *ret_mfd, char *why, size_t whysize)
{
        uint64_t attr = later_ro ? p->set & ~(uint64_t) MOUNT_ATTR_RDONLY : p->set;
        int r;

        if (j->kind == KIND_BIND)
                return mount_bind_tree(j->src, j->rec, ret_mfd);
        r = mount_new_fs(j->fstype, m->source, data, attr, false, ret_mfd, why, whysize);
        if (r == -EINVAL && streq(j->fstype, "devpts") && strv_contains(data, "gid=5"))
                r = mount_new_fs(j->fstype, m->source, data, attr, /* drop_gid= */ true, ret_mfd, why, whysize);
        if (r >= 0) {
                p->set &= ~attr; /* applied by fsmount; what is left is set after the copy */
                p->clr = 0;
        }
        return r;
}

/* The mount, detached: a tree the runtime cloned and idmapped (mount_idmap_prepare), one the caller
 * cloned (mount-live.c), a clone of the bind's source the runtime opened, or built here. */
static int
build_detached(struct mount_step *s)
{
        int tree = (s->p.other & (OPT_IDMAP | OPT_RIDMAP)) && s->j.kind == KIND_BIND ? mount_take_prepared(s->index) : -1;

        if (tree >= 0) {
                s->mfd = tree;
                s->idmapped = true;
                return 0;
        }
        if (s->srcfd >= 0 && mount_prepared_are_trees()) {
                s->mfd = TAKE_FD(s->srcfd);
                return 0;
        }
        if (s->srcfd >= 0) {
                s->mfd = sys_open_tree(s->srcfd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                             (s->j.rec ? AT_RECURSIVE : 0));
                return s->mfd < 0 ? -errno : 0;
        }
        return build_new_api(&s->j, s->m, s->p.data, &s->p, s->copyup_ro, &s->mfd, s->why, sizeof s->why);
}

/* What the failure r of build_detached() means for the next step: mount(2) for this mount only
 * (legacy_once), mount(2) from now on, or the kernel's refusal of the new filesystem (fs_r). */
static void
build_refused(struct mount_step *s, int r)
{
        if (r == -EPERM && s->j.kind == KIND_FS) {
                /* fsopen's EPERM is usually the kernel's real answer (sysfs in a user namespace
                 * without a network namespace, proc under a masked outer /proc): try mount(2) for this
                 * mount only; if that works, it was a seccomp filter, and mount(2) is used from then on. */
                s->legacy_once = true;
                s->fs_r = r;
        } else if (r == -ENOSYS || (r == -EPERM && s->j.kind == KIND_BIND)) {
                mount_note_legacy(s->c, r, s->j.kind == KIND_BIND ? "open_tree" : "fsopen");
        } else {
                s->fs_r = r; /* a real failure, handled like mount(2)'s */
        }
}

/* What is done to the mount while it is detached: fill it (tmpcopyup), idmap it, and make the
 * host's cgroup mounts in it read-only. */
static int
prepare_detached(struct mount_step *s, ocirt_error **err)
{
        int r;

        if (s->copyup) {
                r = mount_tmpcopyup(s->c, s->m, s->index, s->dstfd, s->mfd, err);
                if (r < 0)
                        return r;
        }
        if ((s->p.other & (OPT_IDMAP | OPT_RIDMAP)) && !s->idmapped) {
                r = mount_apply_idmap(s->c, s->m, s->index, s->mfd, s->p.other & OPT_RIDMAP, err);
                if (r < 0)
                        return r;
        }
        mount_cgroup_ro_detached(s);
        return 0;
}

/* The new mount API: build the mount detached, prepare it, set its flags, attach it, then its
 * propagation. 1: attached. 0: not, and either the API was refused (mount_use_legacy(),
 * legacy_once: mount(2) goes on) or the kernel refused the new filesystem (fs_r). */
static int
try_new_api(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        struct container *c = s->c;
        const struct spec_mount *m = s->m;
        int r;

        r = build_detached(s);
        if (r < 0) {
                build_refused(s, r);
                return 0;
        }
        r = prepare_detached(s, err);
        if (r < 0)
                return r;
        r = mount_apply_attrs(s->mfd, &s->p);
        if (mount_api_refused(r)) {
                /* EPERM may also be the kernel's answer (a flag the user namespace locked); mount(2)
                 * then answers the same, and that is reported. */
                mount_note_legacy(c, r, "mount_setattr");
                return 0;
        }
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, s->index), NULL, "set the options of the mount on '%s'",
                                     m->destination);
        r = mount_attach(s->mfd, s->dstfd);
        if (mount_api_refused(r)) {
                mount_note_legacy(c, r, "move_mount");
                return 0;
        }
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, s->index), NULL, "attach the mount on '%s'",
                                     m->destination);
        s->attached = true;
        r = mount_apply_propagation(s->mfd, &s->p);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, s->index), NULL, "set the propagation of '%s'",
                                     m->destination);
        return 1;
}

/* COMPAT: the same with mount(2) through /proc/self/fd. 1: mounted; 0: mount(2) refused the new
 * filesystem (fs_r); < 0: an error. */
static int
try_legacy(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        struct container *c = s->c;
        const struct spec_mount *m = s->m;
        struct mount_plan *p = &s->p;
        int r;

        if (p->other & (OPT_IDMAP | OPT_RIDMAP))
                return ocirt_fail_at(err, ENOTSUP, where = mount_where(c, s->index),
                                     "idmapped mounts need mount_setattr (kernel 5.12), which is refused here",
                                     "cannot idmap the mount on '%s'", m->destination);
        if (s->j.kind == KIND_FS) {
                p->set |= p->rset; /* a new filesystem has no submounts */
                p->clr |= p->rclr;
                p->rset = p->rclr = 0;
        }
        if (p->rpropagation)
                s->j.rec = true;
        r = mount_legacy(c, s->rootfd, m->destination, s->dstfd, s->j.kind == KIND_BIND ? s->j.src : NULL, s->srcfd, s->j.rec,
                         s->j.fstype, m->source, p->data, s->copyup_ro ? p->set & ~(uint64_t) MOUNT_ATTR_RDONLY : p->set,
                         p->clr, p->rset, p->rclr, p->propagation ?: p->rpropagation, err);
        if (r < 0 && *err)
                return ocirt_wrap(err, "%s", where = mount_where(c, s->index));
        if (r < 0) {
                s->fs_r = r;
                return 0;
        }
        if (s->copyup) {
                _cleanup_close_ int tofd = -1;
                char target[64];

                r = pathres_open(s->rootfd, m->destination, 0, &tofd, err);
                if (r < 0)
                        return r;
                r = mount_tmpcopyup(c, m, s->index, s->dstfd, tofd, err);
                if (r < 0)
                        return r;
                if (s->copyup_ro && (mount_fd_path(tofd, target, sizeof target) < 0 ||
                                     mount(NULL, target, NULL, MS_REMOUNT | MS_RDONLY | mount_attr_to_ms(p->set), NULL) < 0))
                        return ocirt_fail_at(err, errno ?: EIO, where = mount_where(c, s->index), NULL,
                                             "make '%s' read-only after tmpcopyup", m->destination);
        }
        if (s->legacy_once) {
                _cleanup_free_ char *what = xasprintf("fsopen('%s') for '%s'", s->j.fstype, m->destination);
                mount_note_legacy(c, -EPERM, what);
        }
        return 1;
}

/* Bind the outer `host` tree (its submounts and masks included) where the kernel refuses a new
 * filesystem, with the config's flags made recursive. */
static int
fallback_bind(struct container *c, int rootfd, const struct spec_mount *m, size_t index, int dstfd, const char *host,
              const struct mount_plan *p, uint64_t extra, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        _cleanup_close_ int mfd = -1;
        struct mount_plan b = { .rset = p->set | p->rset | extra | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
        int r;

        if (!mount_use_legacy()) {
                r = mount_bind_tree(host, /* recursive= */ true, &mfd);
                if (r >= 0)
                        r = mount_apply_attrs(mfd, &b);
                if (r >= 0)
                        r = mount_attach(mfd, dstfd);
                if (r >= 0)
                        return 0;
                if (!mount_api_refused(r))
                        return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "bind '%s' on '%s'", host,
                                             m->destination);
                mount_note_legacy(c, r, "open_tree");
        }
        r = mount_legacy(c, rootfd, m->destination, dstfd, host, -1, /* rec= */ true, NULL, NULL, NULL, 0, 0, b.rset, 0,
                         0, err);
        if (r < 0 && !*err)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "bind '%s' on '%s'", host,
                                     m->destination);
        return r;
}

/* A new filesystem the kernel refused: the fallbacks it allows, else the error. */
static int
refused_fs(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = mount_where(s->c, s->index);
        const struct spec_mount *m = s->m;
        int r = s->fs_r;

        if (r == -EPERM && s->j.kind == KIND_FS && streq(s->j.fstype, "sysfs")) {
                /* A user namespace without its own network namespace may not mount sysfs. */
                mnt_debug(s->c, "mount sysfs on '%s': permission denied, binding the host's /sys read-only instead",
                          m->destination);
                return fallback_bind(s->c, s->rootfd, m, s->index, s->dstfd, "/sys", &s->p, MOUNT_ATTR_RDONLY, err);
        }
        if (r == -EPERM && s->j.kind == KIND_FS && streq(s->j.fstype, "proc")) {
                /* Nested in a container whose /proc has masked or read-only parts, the kernel refuses a
                 * fresh proc (mount_too_revealing): the outer /proc, masks and all, is what it allows. */
                mnt_debug(s->c, "mount proc on '%s': permission denied (an outer /proc has masked parts?), binding the outer /proc instead",
                          m->destination);
                return fallback_bind(s->c, s->rootfd, m, s->index, s->dstfd, "/proc", &s->p, 0, err);
        }
        if (s->j.kind == KIND_BIND)
                return ocirt_fail_at(err, -r, where, NULL, "bind '%s' on '%s'", s->j.src, m->destination);
        return ocirt_fail_at(err, -r, where, NULL, "mount '%s' on '%s'%s%s", s->j.fstype, m->destination,
                             s->why[0] ? ": " : "", s->why);
}

/* A tmpfs without mode= over a directory the image has gets that directory's mode, as runc gives it
 * (not tmpfs's 1777): an image's 0700 /root stays 0700. A new directory: tmpfs's own. As runc does,
 * the mode is set on the new root after the mount (so mountinfo shows the options the config gave);
 * a read-only tmpfs cannot be chmod'ed afterwards, so it gets it as mode= instead. */
static void
keep_mode(struct mount_step *s)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        for (size_t i = 0; s->p.data && s->p.data[i]; i++)
                if (startswith(s->p.data[i], "mode="))
                        return;
        if (pathres_open(s->rootfd, s->m->destination, 0, &fd, NULL) < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
                return;
        if (!((s->p.set | s->p.rset) & MOUNT_ATTR_RDONLY)) {
                s->keep_mode = (int) (st.st_mode & 07777);
                return;
        }
        {
                char mode[16];

                (void) snprintf(mode, sizeof mode, "mode=%04o", (unsigned) (st.st_mode & 07777));
                strv_push(&s->p.data, mode);
        }
}

/* Whether a destination names /dev ("/dev", "//dev/", "/./dev"). */

/* `remount`: change the flags of what an earlier entry mounted at the destination, without a new
 * mount (mount_setattr on the mount the destination resolves to). */
static int
remount(struct container *c, int rootfd, const struct spec_mount *m, size_t index, const struct mount_plan *p,
        ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        _cleanup_close_ int fd = -1;
        int r;

        r = pathres_open(rootfd, m->destination, 0, &fd, err);
        if (r < 0)
                return ocirt_wrap(err, "remount %s", m->destination);
        if (!mount_use_legacy()) {
                r = sys_mount_setattr(fd, "", AT_EMPTY_PATH, p->set, p->clr, p->propagation) < 0 ? -errno : 0;
                if (r >= 0 && (p->rset || p->rclr || p->rpropagation))
                        r = sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, p->rset, p->rclr, p->rpropagation) < 0
                                    ? -errno
                                    : 0;
                if (r >= 0)
                        return 0;
                if (!mount_api_refused(r))
                        return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "remount '%s'", m->destination);
                mount_note_legacy(c, r, "mount_setattr");
        }
        r = mount_legacy_remount(fd, p->set, p->clr, p->rset, p->rclr);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "remount '%s' (mount(2))", m->destination);
        return 0;
}

/* A `cgroup` mount on a host with v1 hierarchies (mount-cgroup.c). 1: it was one; 0: a v2-only host,
 * where it is a plain cgroup2 mount. */
static int
cgroup_v1_entry(struct mount_step *s, ocirt_error **err)
{
        struct cg_hier *h = NULL;
        size_t n = 0;
        int r;

        if (mount_cgroup_v1_hierarchies(s->c, &h, &n) < 0 || n == 0)
                return 0;
        r = open_destination(s, err);
        if (r >= 0)
                r = mount_cgroup_v1(s, h, n, err);
        mount_cgroup_hiers_free(h, n);
        return r < 0 ? r : 1;
}

/* A read-only /dev is mounted writable and made read-only once devices.c has filled it. */
static void
defer_dev_readonly(struct mount_step *s)
{
        if ((s->p.set & MOUNT_ATTR_RDONLY) && devices_is_dev_dir(s->m->destination)) {
                s->p.set &= ~(uint64_t) MOUNT_ATTR_RDONLY;
                s->dev_ro = true;
        }
}

/* A new filesystem, once mounted, is the container's own (mount_is_own), and a tmpfs gets the mode
 * keep_mode() found. 1, or an error. */
static int
finish_new_fs(struct mount_step *s, ocirt_error **err)
{
        _cleanup_close_ int fd = -1, dir = -1;
        int at;

        if (s->attached)
                mount_note_own(s->mfd);
        else if (pathres_open(s->rootfd, s->m->destination, 0, &fd, NULL) >= 0)
                mount_note_own(fd);
        if (s->keep_mode < 0)
                return 1;
        at = s->attached ? s->mfd : fd;
        dir = at >= 0 ? openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (dir < 0 || fchmod(dir, (mode_t) s->keep_mode) < 0) {
                _cleanup_free_ char *where = mount_where(s->c, s->index);
                return ocirt_fail_at(err, errno, where, NULL, "keep the mode %04o of '%s'", s->keep_mode,
                                     s->m->destination);
        }
        return 1;
}

/* One entry that is not a remount, step by step. 1: mounted; 0: by a fallback; < 0: an error. */
static int
mount_entry(struct mount_step *s, ocirt_error **err)
{
        int r;

        if (s->m->type && streq(s->m->type, "cgroup") && !(s->p.other & OPT_BIND)) {
                r = cgroup_v1_entry(s, err);
                if (r != 0)
                        return r;
        }
        defer_dev_readonly(s);
        r = plan_job(s, err);
        if (r >= 0 && s->j.kind == KIND_FS && streq(s->j.fstype, "tmpfs"))
                keep_mode(s);
        if (r >= 0) {
                mount_protect_host_cgroups(s);
                r = open_destination(s, err);
        }
        if (r >= 0 && !mount_use_legacy())
                r = try_new_api(s, err);
        if (r == 0 && (mount_use_legacy() || s->legacy_once))
                r = try_legacy(s, err);
        if (r == 0)
                return refused_fs(s, err);
        if (r > 0 && s->j.kind == KIND_FS)
                r = finish_new_fs(s, err);
        else if (r > 0 && s->cgroup_ro)
                r = mount_cgroup_ro_attached(s, err);
        if (r > 0 && s->dev_ro)
                devices_readonly_later();
        return r;
}

/* Runs in: the container init, before pivot_root. */
int
mount_one(struct container *c, int rootfd, const struct spec_mount *m, size_t index, ocirt_error **err)
{
        struct mount_step s = { .c = c, .rootfd = rootfd, .m = m, .index = index, .is_dir = true, .dstfd = -1, .mfd = -1,
                                .srcfd = -1, .keep_mode = -1 };
        int r;

        mount_plan_options(m, &s.p);
        /* tmpcopyup fills the new tmpfs before it is attached: it is created writable, and made
         * read-only (if asked) only after the copy. */
        s.copyup = (s.p.other & OPT_TMPCOPYUP) && m->type && streq(m->type, "tmpfs");
        s.copyup_ro = s.copyup && (s.p.set & MOUNT_ATTR_RDONLY);
        if (s.p.other & OPT_REMOUNT)
                r = remount(c, rootfd, m, index, &s.p, err);
        else
                r = mount_entry(&s, err);
        strv_free(s.p.data);
        free(s.src_abs);
        if (s.dstfd >= 0)
                close(s.dstfd);
        if (s.mfd >= 0)
                close(s.mfd);
        if (s.srcfd >= 0)
                close(s.srcfd);
        return r < 0 ? r : 0;
}
