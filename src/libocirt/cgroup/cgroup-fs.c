/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-fs.c: the cgroupfs driver (issue 6): directories under /sys/fs/cgroup, for cgroup v1,
 * hybrid hosts (v1 controllers plus a v2 hierarchy at /sys/fs/cgroup/unified) and pure v2.
 *
 * Where the cgroup goes (documented in README.md, "Cgroups"):
 *   - an absolute linux.cgroupsPath is taken from the root of each hierarchy;
 *   - a relative one is placed below the caller's own cgroup in each hierarchy (as runc does);
 *   - without one, /ocirt/ID (a default parent at the root, like crun's placement at the root).
 * This file is that placement and making the directories; the rest of the driver is the work on a
 * made cgroup's directories, which the systemd driver shares: cgroup-resources.c (the limits),
 * cgroup-control.c (enter, freeze, kill, list, remove) and cgroup-stats.c. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/driver.h"
#include "cgroup/cgroup-control.h"
#include "cgroup/cgroup-layout.h"
#include "cgroup/cgroup-resources.h"
#include "cgroup/cgroup-stats.h"
#include "base/base.h"

/* The v1 hierarchies ocirt makes a directory in; "systemd" is the name=systemd hierarchy. A
 * co-mounted pair (cpu,cpuacct) appears twice with one path, which is harmless. */
static const char *const v1_controllers[] = {
        "cpu",     "cpuacct",   "cpuset",     "memory", "devices", "freezer", "blkio",   "pids",
        "hugetlb", "net_cls",   "net_prio",   "perf_event", "rdma", "misc", "systemd",
};

/* "slice:prefix:name" (the systemd form) as a cgroupfs path: "/a.slice/a-b.slice/prefix-name.scope". */
static char *
systemd_form_path(const char *s)
{
        _cleanup_free_ char *copy = xstrdup(s), *slices = xstrdup("");
        char *slice = copy, *prefix, *name;

        prefix = strchr(slice, ':');
        name = prefix ? strchr(prefix + 1, ':') : NULL;
        if (!name)
                return NULL;
        *prefix++ = '\0';
        *name++ = '\0';
        if (*slice == '\0')
                slice = (char *) "system.slice";
        if (!streq(slice, "-.slice") && strlen(slice) > 6) {
                /* a-b-c.slice lives in a.slice/a-b.slice/a-b-c.slice */
                for (char *d = slice; (d = strchr(d, '-')); d++) {
                        char *t = xasprintf("%s/%.*s.slice", slices, (int) (d - slice), slice);
                        free(slices);
                        slices = t;
                }
                char *t = xasprintf("%s/%s", slices, slice);
                free(slices);
                slices = t;
        }
        return *prefix ? xasprintf("%s/%s-%s.scope", slices, prefix, name) : xasprintf("%s/%s", slices, name);
}

/* "/" + path, cleaned lexically: empty, "." and ".." components dropped, a ".." taking off the
 * component before it and never climbing above "/". runc does the same (filepath.Clean of "/" + a
 * relative path), so `../../../../tmp/x` stays inside the hierarchy, as `/tmp/x`. Returns "" for
 * the root itself. */
static char *
clean_below_root(const char *path)
{
        _cleanup_free_ char *copy = xstrdup(path);
        char *out = xstrdup(""), *save = NULL;

        for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
                if (streq(t, "."))
                        continue;
                if (streq(t, "..")) {
                        char *slash = strrchr(out, '/');
                        if (slash)
                                *slash = '\0';
                        continue;
                }
                char *n = xasprintf("%s/%s", out, t);
                free(out);
                out = n;
        }
        return out;
}

/* The config's cgroupsPath (cgroupfs form), cleaned; an error when it names the hierarchy root (or,
 * relative, the runtime's own cgroup: `..`), which a container must never be given: deleting it
 * would kill every process there, or a component longer than a directory name may be. */
static int
clean_cgroups_path(struct container *c, const char *p, char **ret, ocirt_error **err)
{
        _cleanup_free_ char *clean = clean_below_root(p), *where = xasprintf("%s: .linux.cgroupsPath", c->config_path);
        const char *comp = clean;

        if (!*clean)
                return ocirt_fail_at(err, EINVAL, where, "name a cgroup below it, e.g. /ocirt/c1 or ocirt/c1",
                                     "'%s' names %s itself, not a cgroup of its own", p,
                                     p[0] == '/' ? "the cgroup hierarchy root" : "the runtime's own cgroup");
        for (const char *s = comp; s; s = strchr(s + 1, '/')) {
                const char *e = strchr(s + 1, '/');
                size_t n = e ? (size_t) (e - s - 1) : strlen(s + 1);
                if (n > NAME_MAX)
                        return ocirt_fail_at(err, ENAMETOOLONG, where, "use path components of at most 255 characters",
                                             "a component of '%s' is %zu characters long", p, n);
        }
        *ret = TAKE_PTR(clean);
        return 0;
}

/* The path below the hierarchy root of `controller` ("unified" for v2). */
static int
resolve(struct container *c, const char *controller, char **ret, ocirt_error **err)
{
        const char *p = c->spec->linux_ ? c->spec->linux_->cgroups_path : NULL;
        _cleanup_free_ char *own = NULL, *clean = NULL;

        if (p && strchr(p, ':') && p[0] != '/') {
                _cleanup_free_ char *sd = systemd_form_path(p);
                if (!sd)
                        return ocirt_fail_at(err, EINVAL, c->config_path, "use /a/b, a/b or slice:prefix:name",
                                             ".linux.cgroupsPath '%s' is not a path", p);
                return clean_cgroups_path(c, sd, ret, err) < 0 ? -EINVAL : 0;
        }
        if (p && clean_cgroups_path(c, p, &clean, err) < 0)
                return -EINVAL;
        if (p && p[0] == '/') {
                *ret = TAKE_PTR(clean);
                return 0;
        }
        if (!p) {
                if (!c->rootless) {
                        *ret = xasprintf("/ocirt/%s", c->id);
                        return 0;
                }
                /* Rootless (a delegated v2 subtree): beside our own cgroup, in the delegated parent. */
                if (cgroup_own_path(controller, &own) < 0)
                        return ocirt_fail(err, ENOENT, "cannot find the own cgroup in /proc/self/cgroup");
                char *slash = strrchr(own, '/');
                if (slash)
                        *slash = '\0';
                *ret = xasprintf("%s/ocirt-%s", own, c->id);
                return 0;
        }
        if (cgroup_own_path(controller, &own) < 0)
                own = xstrdup("/");
        *ret = xasprintf("%s%s", streq(own, "/") ? "" : own, clean);
        return 0;
}

static int
mkdir_tree(const char *root, const char *path, bool *ret_created)
{
        _cleanup_free_ char *full = xasprintf("%s%s", root, path);
        struct stat st;

        *ret_created = false;
        /* One mkdir in the common case (the parent exists); the walk from the root only when not. */
        if (mkdir(full, 0755) == 0) {
                *ret_created = true;
                return 0;
        }
        if (errno == EEXIST && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
                return 0;
        if (errno != ENOENT)
                return -errno;
        if (mkdir_p(full, 0755) < 0)
                return -errno ? -errno : -EIO;
        *ret_created = true;
        return 0;
}

/* Remove empty container cgroups under the default parent that are older than a minute: what a
 * foreground `run` leaves behind until ocirt_container_run tears its cgroup down (lifecycle.c).
 * rmdir refuses a cgroup that still has a process, so a live container is never touched; the age
 * keeps a concurrent create (mkdir, then its first process) out of reach. At most 32 a call, so
 * the cost on the start path stays bounded. */
static void
gc_stale(const char *const *roots, size_t n_roots)
{
        _cleanup_free_ char *parent = xasprintf("%s/ocirt", roots[0]);
        _cleanup_closedir_ DIR *d = opendir(parent);
        time_t now = time(NULL);
        struct dirent *de;
        int done = 0;

        while (d && done < 32 && (de = readdir(d))) {
                struct stat st;
                if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
                    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || now - st.st_mtime < 60)
                        continue;
                for (size_t i = 0; i < n_roots; i++) {
                        _cleanup_free_ char *p = xasprintf("%s/ocirt/%s", roots[i], de->d_name);
                        (void) rmdir(p);
                }
                done++;
        }
}

/* A cgroup that has processes belongs to someone else: another container with the same id under
 * another --root (the default path is /ocirt/ID), or a shared cgroupsPath. Starting in it would
 * mix the two, and rolling back or deleting one would kill the other (runc refuses it too). */
static int
refuse_populated(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        if (cg->created)
                return 0; /* made just now (on v1: the leaf of at least one hierarchy), so not shared */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                _cleanup_free_ char *procs = NULL;
                if (cgroup_read(cg->dirs[i].path, "cgroup.procs", &procs) < 0 || !*procs)
                        continue;
                size_t n = 1;
                for (const char *p = procs; *p; p++)
                        n += *p == '\n';
                return ocirt_fail_at(err, EBUSY, c->config_path,
                                     "another container (or a --root with the same container id) uses it: pick another "
                                     "id or .linux.cgroupsPath",
                                     "cgroup '%s' is not empty: %zu process(es) in it", cg->dirs[i].path, n);
        }
        return 0;
}

/* A cgroup that is frozen (itself, or through a frozen ancestor: v1's freezer.state and v2's
 * cgroup.events show the effective state) would freeze the init as soon as it is placed: `run` would
 * hang for ever in D state. runc refuses it the same way ("container's cgroup unexpectedly frozen"). */
static int
refuse_frozen(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *ev = NULL;
        const char *v2 = cgroup_dir_of(cg, CGROUP_V2), *fz = cgroup_dir_of(cg, "freezer");
        bool frozen = cgroup_control_is_frozen(cg) == 1;

        if (!frozen && v2 && cgroup_read(v2, "cgroup.events", &ev) >= 0)
                frozen = strstr(ev, "frozen 1") != NULL;
        if (!frozen)
                return 0;
        _cleanup_free_ char *where = xasprintf("%s: .linux.cgroupsPath", c->config_path);
        return ocirt_fail_at(err, EBUSY, where,
                             "thaw it (or its frozen parent) first: echo THAWED > freezer.state (v1), echo 0 > "
                             "cgroup.freeze (v2)",
                             "container's cgroup unexpectedly frozen: '%s'", fz ? fz : v2 ? v2 : cg->path);
}

/* The default parent /ocirt is ocirt's own: only there are stale cgroups collected. */
static bool
in_default_parent(const struct container *c)
{
        return !c->rootless && !(c->spec->linux_ && c->spec->linux_->cgroups_path);
}

/* Enable every controller the root offers down to the parent (crun does the same). */
static void
enable_all_controllers(struct cgroup *cg)
{
        _cleanup_free_ char *ctrls = NULL, *want = NULL;
        char *save = NULL;
        size_t len;

        if (read_file_at(AT_FDCWD, CGROUP_ROOT "/cgroup.controllers", &ctrls, &len) < 0)
                return;
        want = xstrdup("");
        for (char *t = strtok_r(ctrls, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
                char *n = xasprintf("%s%s+%s", want, *want ? " " : "", t);
                free(want);
                want = n;
        }
        if (*want)
                (void) cgroup_v2_enable(cg, want);
}

static int
create_v2(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *p = NULL, *leaf = NULL;
        bool created;
        int r;

        cg->v2 = true;
        if (in_default_parent(c)) {
                const char *roots[] = { CGROUP_ROOT };
                gc_stale(roots, 1);
        }
        r = resolve(c, CGROUP_V2, &p, err);
        if (r < 0)
                return r;
        cg->path = xstrdup(p);
        leaf = xasprintf("%s%s", CGROUP_ROOT, p);
        cgroup_add_dir(cg, CGROUP_V2, leaf);
        cgroup_record_planned(c, cg, cg->driver->name);
        r = mkdir_tree(CGROUP_ROOT, p, &created);
        if (r < 0)
                return ocirt_fail_at(err, -r, c->config_path, NULL, "create cgroup '%s%s'", CGROUP_ROOT, p);
        cg->created = created;
        enable_all_controllers(cg);
        return 0;
}

/* The stale cgroups below /ocirt of every mounted v1 hierarchy and of the hybrid's v2 one. */
static void
gc_stale_v1(void)
{
        const char *roots[ELEMENTSOF(v1_controllers) + 1];
        char buf[ELEMENTSOF(v1_controllers)][64];
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(v1_controllers); i++) {
                snprintf(buf[i], sizeof buf[i], CGROUP_ROOT "/%s", v1_controllers[i]);
                if (access(buf[i], F_OK) == 0)
                        roots[n++] = buf[i];
        }
        if (cgroup_layout_is_v2(CGROUP_ROOT "/unified"))
                roots[n++] = CGROUP_ROOT "/unified";
        if (n)
                gc_stale(roots, n);
}

/* Every directory of a v1 (or hybrid) host, known before the first is made. */
static int
plan_v1(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        int r;

        for (size_t i = 0; i < ELEMENTSOF(v1_controllers); i++) {
                const char *ctrl = v1_controllers[i];
                _cleanup_free_ char *root = xasprintf(CGROUP_ROOT "/%s", ctrl), *p = NULL, *leaf = NULL;
                if (!cgroup_layout_is_v1(root))
                        continue;
                r = resolve(c, ctrl, &p, err);
                if (r < 0)
                        return r;
                if (!cg->path)
                        cg->path = xstrdup(p);
                leaf = xasprintf("%s%s", root, p);
                cgroup_add_dir(cg, ctrl, leaf);
        }
        /* Hybrid: the v2 hierarchy holds what v1 does not mount (here: hugetlb). */
        if (cgroup_layout_is_v2(CGROUP_ROOT "/unified")) {
                _cleanup_free_ char *p = NULL, *leaf = NULL;
                r = resolve(c, CGROUP_V2, &p, err);
                if (r < 0)
                        return r;
                leaf = xasprintf(CGROUP_ROOT "/unified%s", p);
                cgroup_add_dir(cg, CGROUP_V2, leaf);
        }
        return 0;
}

/* Make the planned directories: those of the v1 hierarchies (v1) or the hybrid's v2 one (!v1). */
static int
make_v1(struct cgroup *cg, struct container *c, bool v1, ocirt_error **err)
{
        bool created;
        int r;

        for (size_t i = 0; i < cg->n_dirs; i++) {
                const char *ctrl = cg->dirs[i].controller, *leaf = cg->dirs[i].path;
                if (streq(ctrl, CGROUP_V2) == v1)
                        continue;
                _cleanup_free_ char *root = streq(ctrl, CGROUP_V2) ? xstrdup(CGROUP_ROOT "/unified")
                                                                   : xasprintf(CGROUP_ROOT "/%s", ctrl);
                r = mkdir_tree(root, leaf + strlen(root), &created);
                if (r < 0)
                        return ocirt_fail_at(err, -r, c->config_path, NULL, "create cgroup '%s'", leaf);
                /* The v2 part of a hybrid host does not count: made or not, the v1 leaves decide
                 * (a late create's undo step is told about them after the clone). */
                if (created && (v1 || cg->late))
                        cg->created = true;
                if (streq(ctrl, "cpuset") && created)
                        cgroup_cpuset_fill(root, leaf);
        }
        return 0;
}

/* cg->late: only the plan and the hybrid's v2 directory (clone3 puts the init there); the v1
 * directories follow after the clone (fs_create_late). */
static int
create_v1(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        int r;

        if (in_default_parent(c) && !cg->late)
                gc_stale_v1();
        r = plan_v1(cg, c, err);
        if (r < 0)
                return r;
        cgroup_record_planned(c, cg, cg->driver->name);
        r = make_v1(cg, c, /* v1= */ false, err);
        if (r >= 0 && !cg->late)
                r = make_v1(cg, c, /* v1= */ true, err);
        return r;
}

static bool
fs_available(bool user)
{
        return cgroup_layout_probe() != CGROUP_LAYOUT_NONE;
}

/* The directories, made and known to be the container's own (the resources are the caller's next
 * step). pid and undo are not used: the caller moves processes in, and removing the directories
 * is all there is to undo. */
static int
fs_create(struct cgroup *cg, struct container *c, pid_t pid, struct undo *undo, ocirt_error **err)
{
        enum cgroup_layout layout = cgroup_layout_probe();
        int r;

        if (layout == CGROUP_LAYOUT_V2)
                r = create_v2(cg, c, err);
        else if (layout == CGROUP_LAYOUT_V1)
                r = create_v1(cg, c, err);
        else
                return ocirt_fail(err, ENOTSUP, "no cgroup file system is mounted at " CGROUP_ROOT);
        if (r < 0 || cg->late)
                return r;
        r = refuse_populated(cg, c, err);
        if (r < 0)
                return r;
        return refuse_frozen(cg, c, err);
}

/* The rest of a late create, in the runtime while the init sets up: the v1 directories, and the
 * checks of fs_create. The init is in the hybrid's v2 directory already: only the v1 ones are
 * looked at for processes of someone else. */
static int
fs_create_late(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        _cleanup_cgroup_ struct cgroup *v1 = cgroup_subset(cg, /* skip_v2= */ true);
        int r;

        r = make_v1(cg, c, /* v1= */ true, err);
        if (r < 0)
                return r;
        v1->created = cg->created;
        r = refuse_populated(v1, c, err);
        if (r < 0)
                return r;
        return refuse_frozen(cg, c, err);
}

/* The stale cgroups of a late create are collected once the init has its cgroup (fs_late_idle):
 * about 20 syscalls that would otherwise come before the files the init joins through. */
static void
fs_late_idle(const struct container *c)
{
        if (in_default_parent(c))
                gc_stale_v1();
}

const struct cgroup_driver cgroup_driver_fs = {
        .name = "cgroupfs",
        .available = fs_available,
        .create = fs_create,
        .enter = cgroup_control_enter,
        .update = cgroup_resources_update,
        .limit_pids = cgroup_resources_pids,
        .create_late = fs_create_late,
        .late_idle = fs_late_idle,
        .destroy = cgroup_control_remove,
        .kill_all = cgroup_control_kill_all,
        .freeze = cgroup_control_freeze,
        .is_frozen = cgroup_control_is_frozen,
        .pids = cgroup_control_pids,
        .stats = cgroup_stats_read,
};
