/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-cgroup.c: the mounts that show cgroups. A `cgroup` mount on a host with v1 hierarchies is a
 * tmpfs with one mount per hierarchy, as runc and crun make it; and no container without a cgroup
 * namespace of its own gets a writable view of the host's cgroups, through a cgroup mount or a bind
 * of /sys (CVE-2023-25809). */
#include "config.h"

#include <sys/stat.h>

#include "fs/fs-internal.h"
#include "base/base.h"

/* One cgroup hierarchy the host mounted at /sys/fs/cgroup/NAME. */
struct cg_hier {
        char *name; /* "memory", "cpu,cpuacct", "systemd", "unified" */
        char *opts; /* v1: the options a new mount of it needs ("cpu,cpuacct", "name=systemd"); v2: NULL */
        char *src;  /* the init's own cgroup directory in it, as a host path */
};

void
mount_cgroup_hiers_free(struct cg_hier *h, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(h[i].name);
                free(h[i].opts);
                free(h[i].src);
        }
        free(h);
}

/* The init has a cgroup namespace of its own (made at clone or unshared by itself, see init.c). */
static bool
cgroupns(const struct container *c)
{
        return c->new_ns[SPEC_NS_CGROUP] || c->cgroupns_unshare || c->cgroupns_after_early || c->cgroupns_after_join;
}

/* Whether the comma-separated list `list` holds the word w[0..len). */
static bool
list_has(const char *list, const char *w, size_t len)
{
        for (const char *o = list; *o;) {
                size_t l = strcspn(o, ",");

                if (l == len && strncmp(o, w, len) == 0)
                        return true;
                o += l + (o[l] == ',');
        }
        return false;
}

/* The init's cgroup in the hierarchy whose superblock options are `super` (v2: NULL): the line of
 * /proc/self/cgroup ("ID:CTRLS:PATH") whose first controller is among them. CTRLS goes to
 * *ret_ctrls (v1 only). */
static const char *
own_cgroup_in(char *const *lines, const char *super, const char **ret_ctrls, size_t *ret_ctrls_len)
{
        for (size_t i = 0; lines[i]; i++) {
                const char *a = strchr(lines[i], ':'), *b = a ? strchr(a + 1, ':') : NULL;

                if (!b)
                        continue;
                a++;
                if (!super ? a == b : a != b && list_has(super, a, strcspn(a, ",:"))) {
                        *ret_ctrls = super ? a : NULL;
                        *ret_ctrls_len = (size_t) (b - a);
                        return b + 1;
                }
        }
        return NULL;
}

/* Cut the first n space-separated fields of s in place (the last one ends at the next space too).
 * Returns how many there were. sscanf() with %s took most of the 0.15 ms that reading the cgroup
 * hierarchies cost the init. */
static size_t
split_fields(char *s, char **f, size_t n)
{
        size_t k = 0;

        while (k < n && *s) {
                while (*s == ' ')
                        s++;
                if (!*s)
                        break;
                f[k++] = s;
                s += strcspn(s, " ");
                if (*s)
                        *s++ = '\0';
        }
        return k;
}

/* The v1 hierarchies (and, on a hybrid host, the v2 one) mounted at /sys/fs/cgroup/NAME, with the
 * init's own directory in each, from /proc/self/mountinfo and /proc/self/cgroup. None: a pure v2
 * host or no cgroups at all. need_src: the directories are wanted (no cgroup namespace: in one,
 * mountinfo shows the host's roots as "/.." paths outside it). */
static int
parse_hierarchies(char *own, char *info, bool need_src, bool *ret_all_roots, struct cg_hier **ret, size_t *ret_n)
{
        char **lines = NULL, *save = NULL;
        struct cg_hier *h = NULL;
        size_t n = 0;
        bool v1 = false;

        *ret = NULL;
        *ret_n = 0;
        *ret_all_roots = true;
        for (char *l = strtok_r(own, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                strv_push(&lines, l);
        if (!lines)
                return 0;
        save = NULL;
        for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *f[5], *after[3], *dash = strstr(l, " - ");
                const char *path, *ctrls = NULL, *name, *root, *mp, *fstype, *super;
                size_t ctrls_len = 0, rl;
                bool dup = false;

                /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE SOURCE SUPER": the file system
                 * type first, so that the other mounts cost a strstr and a compare. */
                if (!dash || split_fields(dash + 3, after, 3) < 3)
                        continue;
                fstype = after[0];
                super = after[2];
                if (!streq(fstype, "cgroup") && !streq(fstype, "cgroup2"))
                        continue;
                *dash = '\0';
                if (split_fields(l, f, 5) < 5)
                        continue;
                mountinfo_unescape(f[3]);
                mountinfo_unescape(f[4]);
                root = f[3];
                mp = f[4];
                if (!startswith(mp, "/sys/fs/cgroup/") || strchr(mp + 15, '/') || !mp[15])
                        continue;
                name = mp + 15;
                for (size_t i = 0; i < n; i++)
                        dup |= streq(h[i].name, name);
                path = own_cgroup_in(lines, streq(fstype, "cgroup2") ? NULL : super, &ctrls, &ctrls_len);
                if (dup || !path)
                        continue;
                /* The mount shows the hierarchy from `root` down: our directory must be below it. */
                rl = streq(root, "/") ? 0 : strlen(root);
                *ret_all_roots &= rl == 0;
                if (need_src && rl && (strncmp(path, root, rl) != 0 || (path[rl] && path[rl] != '/')))
                        continue;
                if (!need_src)
                        rl = 0;
                h = xrealloc(h, (n + 1) * sizeof *h);
                h[n] = (struct cg_hier){ .name = xstrdup(name),
                                         .opts = ctrls ? xasprintf("%.*s", (int) ctrls_len, ctrls) : NULL,
                                         .src = xasprintf("%s%s", mp, path + rl) };
                v1 |= ctrls != NULL;
                n++;
        }
        strv_free(lines);
        if (!v1) {
                mount_cgroup_hiers_free(h, n);
                return 0;
        }
        *ret = h;
        *ret_n = n;
        return 0;
}

static int
hierarchies(bool need_src, struct cg_hier **ret, size_t *ret_n)
{
        _cleanup_free_ char *info = NULL, *own = NULL;
        bool all_roots;
        int r;

        *ret = NULL;
        *ret_n = 0;
        r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &own, NULL);
        if (r < 0)
                return r;
        r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL);
        if (r < 0)
                return r;
        return parse_hierarchies(own, info, need_src, &all_roots, ret, ret_n);
}

/* The late v1 cgroup (cgroup/cgroup.c): the runtime knows the init's hierarchies before the init
 * is in them, and sends them (SYNC_CGROUP_HIERS), sparing the init its reads of /proc/self/cgroup
 * and /proc/self/mountinfo, the first of its life (0.12 ms of its path to exec here). The text:
 * "NAME\x1fOPTS\x1fSRC\n" per hierarchy. NULL (the init reads them itself): a hierarchy mounted
 * from below its root (a nested host), or more than fits in one message. */
char *
mount_cgroup_plan(const struct container *c, const char *proc_cgroup, size_t max)
{
        _cleanup_free_ char *info = NULL, *own = xstrdup(proc_cgroup), *out = xstrdup("");
        struct cg_hier *h = NULL;
        size_t n = 0;
        bool all_roots;

        if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL) < 0 ||
            parse_hierarchies(own, info, !cgroupns(c), &all_roots, &h, &n) < 0)
                return NULL;
        for (size_t i = 0; i < n && all_roots; i++) {
                char *t = xasprintf("%s%s\x1f%s\x1f%s\n", out, h[i].name, strempty(h[i].opts), h[i].src);
                free(out);
                out = t;
        }
        mount_cgroup_hiers_free(h, n);
        if (!all_roots || n == 0 || strlen(out) >= max)
                return NULL;
        return TAKE_PTR(out);
}

/* The runtime's plan back into hierarchies. */
static int
planned_hierarchies(const char *text, struct cg_hier **ret, size_t *ret_n)
{
        _cleanup_free_ char *copy = xstrdup(text);
        struct cg_hier *h = NULL;
        char *save = NULL;
        size_t n = 0;

        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *opts = strchr(l, '\x1f'), *src = opts ? strchr(opts + 1, '\x1f') : NULL;

                if (!src) {
                        mount_cgroup_hiers_free(h, n);
                        return -EIO;
                }
                *opts++ = '\0';
                *src++ = '\0';
                h = xrealloc(h, (n + 1) * sizeof *h);
                h[n++] = (struct cg_hier){ .name = xstrdup(l), .opts = *opts ? xstrdup(opts) : NULL, .src = xstrdup(src) };
        }
        *ret = h;
        *ret_n = n;
        return 0;
}

/* The host's v1 hierarchies (none: a pure v2 host, where a plain cgroup2 mount does), with the
 * init's own directory in each unless it has a cgroup namespace. */
int
mount_cgroup_v1_hierarchies(const struct container *c, struct cg_hier **ret, size_t *ret_n)
{
        if (c->cgroup_hiers && planned_hierarchies(c->cgroup_hiers, ret, ret_n) == 0)
                return 0;
        return hierarchies(!cgroupns(c), ret, ret_n);
}

/* A `cgroup` mount on a host with v1 hierarchies, as runc and crun make it: a tmpfs with one
 * directory per hierarchy. Without a cgroup namespace each is a read-only bind of the container's
 * own cgroup directory, so it sees its own limits at the root (memory.limit_in_bytes, pids.max)
 * and nothing of the host's other cgroups (never writable: CVE-2023-25809). With one,
 * each is a new mount of the hierarchy, rooted at the namespace's root. Co-mounted controllers
 * ("cpu,cpuacct") get a symlink per name. `ro`, or no cgroup namespace (nothing there may be written
 * then: CVE-2023-25809), makes the tmpfs read-only at the end; runc leaves it writable. */
int
mount_cgroup_v1(struct mount_step *s, const struct cg_hier *h, size_t n, ocirt_error **err)
{
        const uint64_t safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        _cleanup_free_ char *where = mount_where(s->c, s->index);
        struct container *c = s->c;
        const char *dest = s->m->destination;
        bool ns = cgroupns(c);
        bool ro = s->p.set & MOUNT_ATTR_RDONLY;
        char *tmpfs_data[] = { (char *) "mode=755", NULL };
        _cleanup_close_ int top = -1, dir = -1;
        int r;

        r = mount_new_fd(c, s->rootfd, dest, s->dstfd, "tmpfs", tmpfs_data, safe, err);
        if (r < 0)
                return ocirt_wrap(err, "%s", where);
        r = pathres_open(s->rootfd, dest, 0, &top, err);
        if (r < 0)
                return ocirt_wrap(err, "%s", where);
        mount_note_own(top);
        dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return ocirt_fail_at(err, errno, where, NULL, "open the cgroup tmpfs on '%s'", dest);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *sub = xasprintf("%s/%s", dest, h[i].name);

                if (mkdirat(dir, h[i].name, 0755) < 0 && errno != EEXIST)
                        return ocirt_fail_at(err, errno, where, NULL, "create '%s'", sub);
                if (!ns)
                        r = mount_bind_host_at(c, s->rootfd, sub, dir, h[i].name, h[i].src, safe | MOUNT_ATTR_RDONLY, err);
                else {
                        _cleanup_strv_ char **data = NULL;
                        _cleanup_free_ char *opts = h[i].opts ? xstrdup(h[i].opts) : NULL;
                        _cleanup_close_ int subfd = openat(dir, h[i].name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        char *tsave = NULL;

                        if (subfd < 0)
                                return ocirt_fail_at(err, errno, where, NULL, "open '%s'", sub);
                        for (char *t = opts ? strtok_r(opts, ",", &tsave) : NULL; t; t = strtok_r(NULL, ",", &tsave))
                                strv_push(&data, t);
                        r = mount_new_fd(c, s->rootfd, sub, subfd, h[i].opts ? "cgroup" : "cgroup2", data,
                                         safe | (ro ? MOUNT_ATTR_RDONLY : 0), err);
                }
                if (r < 0)
                        return ocirt_wrap(err, "%s", where);
                if (h[i].opts && strchr(h[i].name, ',')) {
                        _cleanup_free_ char *names = xstrdup(h[i].name);
                        char *tsave = NULL;

                        for (char *t = strtok_r(names, ",", &tsave); t; t = strtok_r(NULL, ",", &tsave))
                                if (symlinkat(h[i].name, dir, t) < 0 && errno != EEXIST)
                                        return ocirt_fail_at(err, errno, where, NULL, "symlink '%s/%s'", dest, t);
                }
        }
        if (ro || !ns) {
                r = mount_readonly_one(c, s->rootfd, dest, err);
                if (r < 0)
                        return ocirt_wrap(err, "%s", where);
        }
        return 0;
}


/* In a user namespace, a bind of /sys (the usual rootless /sys) carries the host's own cgroup
 * mounts, not a cgroup namespace's view, writable where the host delegated a subtree to this user.
 * They are made read-only, like the cgroup mount without a cgroup namespace (CVE-2023-25809); a
 * config that wants a writable cgroup mounts one of its own over them. */
void
mount_protect_host_cgroups(struct mount_step *s)
{
        struct container *c = s->c;
        const char *src = s->j.src;

        if (s->j.kind != KIND_BIND || !s->j.rec || !mount_in_userns(c) ||
            !(streq(src, "/sys") || streq(src, "/sys/fs") || startswith(src, "/sys/fs/cgroup")) ||
            (s->p.rset & MOUNT_ATTR_RDONLY))
                return;
        mnt_debug(c, "bind '%s' on '%s': making the host's cgroup mounts in it read-only", src, s->m->destination);
        if (streq(src, "/sys") || streq(src, "/sys/fs"))
                s->cgroup_ro = true;
        else
                s->p.rset |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
}


/* Where the cgroup mounts are in the bind of /sys or /sys/fs that mount_protect_host_cgroups() marked. */
static const char *
cgroup_below(const struct mount_step *s)
{
        return streq(s->j.src, "/sys") ? "fs/cgroup" : "cgroup";
}

/* Those cgroup mounts read-only on the detached tree, before anyone can see it: one syscall. What
 * the kernel refuses here, mount_cgroup_ro_attached() does once the tree is attached. */
void
mount_cgroup_ro_detached(struct mount_step *s)
{
        if (s->cgroup_ro &&
            (sys_mount_setattr(s->mfd, cgroup_below(s), AT_RECURSIVE | AT_SYMLINK_NOFOLLOW,
                               MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, 0) == 0 ||
             errno == ENOENT))
                s->cgroup_ro = false;
}

int
mount_cgroup_ro_attached(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *sub = xasprintf("%s/%s", s->m->destination, cgroup_below(s));
        int r;

        r = mount_tree_readonly(s->c, s->rootfd, sub, err);
        if (r < 0) {
                _cleanup_free_ char *where = mount_where(s->c, s->index);
                r = ocirt_wrap(err, "%s", where);
        }
        return r;
}
