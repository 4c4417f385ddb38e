/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-options.c: what the options of a `mounts` entry mean. The plan (mount_plan_options) is what
 * the new mount API needs: MOUNT_ATTR_* to set and clear, once and recursively, the propagation, the
 * OPT_* kinds (bind, remount, idmap, tmpcopyup), and the rest as data for the filesystem. For the
 * mount(2) fallback the attributes become MS_* flags and the data one string. Pure: no syscall
 * (tests/fuzz/fuzz-mountopt.c fuzzes it). */
#include "config.h"

#include <sys/mount.h>

#include "fs/fs-internal.h"
#include "base/base.h"

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
        { "idmap", 0, 0, false, 0, OPT_IDMAP },
        { "ridmap", 0, 0, false, 0, OPT_RIDMAP },
        { "tmpcopyup", 0, 0, false, 0, OPT_TMPCOPYUP },
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

static const struct mount_opt *
find_opt(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(mount_opts); i++)
                if (streq(mount_opts[i].name, name))
                        return &mount_opts[i];
        return NULL;
}

/* The plan of m's options; p->data is the caller's to free. */
void
mount_plan_options(const struct spec_mount *m, struct mount_plan *p)
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

/* The mount(2) flags of MOUNT_ATTR_* attributes. */
unsigned long
mount_attr_to_ms(uint64_t a)
{
        unsigned long f = 0;

        if (a & MOUNT_ATTR_RDONLY)
                f |= MS_RDONLY;
        if (a & MOUNT_ATTR_NOSUID)
                f |= MS_NOSUID;
        if (a & MOUNT_ATTR_NODEV)
                f |= MS_NODEV;
        if (a & MOUNT_ATTR_NOEXEC)
                f |= MS_NOEXEC;
        if (a & MOUNT_ATTR_NODIRATIME)
                f |= MS_NODIRATIME;
        if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR_NOATIME)
                f |= MS_NOATIME;
        else if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME)
                f |= MS_STRICTATIME;
        if (a & MOUNT_ATTR_NOSYMFOLLOW)
                f |= 256; /* MS_NOSYMFOLLOW, kernel >= 5.10 */
        return f;
}

/* The data of the plan as mount(2) takes it: "a=b,c"; drop_gid: without a gid= option (a devpts that
 * refuses gid=5). */
char *
mount_join_data(char **data, bool drop_gid)
{
        char *s = xstrdup("");

        for (size_t i = 0; data && data[i]; i++) {
                char *n;

                if (drop_gid && startswith(data[i], "gid="))
                        continue;
                n = xasprintf("%s%s%s", s, *s ? "," : "", data[i]);
                free(s);
                s = n;
        }
        return s;
}

bool
mount_is_idmapped(const struct spec_mount *m)
{
        return m->n_options && (strv_contains(m->options, "idmap") || strv_contains(m->options, "ridmap"));
}

bool
mount_is_bind(const struct spec_mount *m)
{
        return (m->type && streq(m->type, "bind")) ||
               (m->n_options && (strv_contains(m->options, "bind") || strv_contains(m->options, "rbind")));
}
