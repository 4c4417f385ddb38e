/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-control.c: the processes in a made cgroup (see cgroup-control.h). */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup-control.h"
#include "cgroup/cgroup-layout.h"
#include "base/base.h"

int
cgroup_control_enter(struct cgroup *cg, pid_t pid, const char *sub, ocirt_error **err)
{
        char buf[24];

        snprintf(buf, sizeof buf, "%d", (int) pid);
        for (size_t i = 0; i < cg->n_dirs; i++) {
                _cleanup_free_ char *dir = sub ? xasprintf("%s/%s", cg->dirs[i].path, sub) : xstrdup(cg->dirs[i].path);
                int r;
                if (i > 0 && streq(cg->dirs[i].path, cg->dirs[i - 1].path))
                        continue;
                /* A new v1 cpuset cgroup starts with no cpus and mems and takes no process. */
                if (sub && mkdir(dir, 0755) == 0 && streq(cg->dirs[i].controller, "cpuset"))
                        cgroup_cpuset_fill(cg->dirs[i].path, dir);
                /* The caller itself (pid 0) on v1: only its thread moves (cgroup.c, enter_runtime). */
                r = cgroup_write(dir, pid == 0 && !streq(cg->dirs[i].controller, CGROUP_V2) ? "tasks" : "cgroup.procs", buf);
                if (r < 0)
                        return ocirt_fail(err, -r, "move process %d into cgroup '%s'", (int) pid, dir);
        }
        if (pid == 0)
                cgroup_own_moved();
        return 0;
}

static const char *
procs_dir(struct cgroup *cg)
{
        static const char *const pref[] = { "freezer", "pids", "memory", "cpu", "devices", CGROUP_V2 };
        for (size_t i = 0; i < ELEMENTSOF(pref); i++) {
                const char *d = cgroup_dir_of(cg, pref[i]);
                if (d)
                        return d;
        }
        return cg->n_dirs ? cg->dirs[0].path : NULL;
}

/* The pids of dir and its sub-cgroups. */
static void
collect(const char *dir, pid_t **pids, size_t *n)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (cgroup_read(dir, "cgroup.procs", &buf) >= 0) {
                char *save = NULL;
                for (char *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
                        *pids = xrealloc(*pids, (*n + 1) * sizeof **pids);
                        (*pids)[(*n)++] = (pid_t) atoi(t);
                }
        }
        d = opendir(dir);
        while (d && (de = readdir(d)))
                if (de->d_type == DT_DIR && de->d_name[0] != '.') {
                        _cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
                        collect(sub, pids, n);
                }
}

int
cgroup_control_pids(struct cgroup *cg, pid_t **ret, size_t *ret_n, ocirt_error **err)
{
        const char *dir = procs_dir(cg);

        *ret = NULL;
        *ret_n = 0;
        if (!dir || access(dir, F_OK) < 0)
                return ocirt_fail(err, ENOENT, "the container's cgroup '%s' is gone", dir ? dir : "?");
        collect(dir, ret, ret_n);
        return 0;
}

int
cgroup_control_is_frozen(struct cgroup *cg)
{
        _cleanup_free_ char *v = NULL;
        const char *d;

        if ((d = cgroup_dir_of(cg, "freezer"))) {
                if (cgroup_read(d, "freezer.state", &v) < 0)
                        return -ENOENT;
                return !streq(v, "THAWED");
        }
        if ((d = cgroup_dir_of(cg, CGROUP_V2)) && cgroup_has_file(d, "cgroup.freeze")) {
                if (cgroup_read(d, "cgroup.freeze", &v) < 0)
                        return -ENOENT;
                return streq(v, "1");
        }
        return 0;
}

int
cgroup_control_freeze(struct cgroup *cg, bool frozen, ocirt_error **err)
{
        const char *d;
        int r;

        if ((d = cgroup_dir_of(cg, "freezer"))) {
                r = cgroup_write(d, "freezer.state", frozen ? "FROZEN" : "THAWED");
                if (r < 0)
                        return ocirt_fail(err, -r, "write %s to %s/freezer.state", frozen ? "FROZEN" : "THAWED", d);
                /* FREEZING until every task stopped; poll (each write retries the stragglers). */
                for (int i = 0; frozen && i < 1000; i++) {
                        _cleanup_free_ char *v = NULL;
                        if (cgroup_read(d, "freezer.state", &v) < 0 || streq(v, "FROZEN"))
                                return 0;
                        if (i % 10 == 9)
                                (void) cgroup_write(d, "freezer.state", "FROZEN");
                        usleep(1000);
                }
                if (frozen) {
                        (void) cgroup_write(d, "freezer.state", "THAWED");
                        return ocirt_fail(err, EBUSY, "the container did not freeze within 1 s (%s)", d);
                }
                return 0;
        }
        if ((d = cgroup_dir_of(cg, CGROUP_V2)) && cgroup_has_file(d, "cgroup.freeze")) {
                r = cgroup_write(d, "cgroup.freeze", frozen ? "1" : "0");
                if (r < 0)
                        return ocirt_fail(err, -r, "write %s to %s/cgroup.freeze", frozen ? "1" : "0", d);
                for (int i = 0; frozen && i < 1000; i++) {
                        _cleanup_free_ char *ev = NULL;
                        if (cgroup_read(d, "cgroup.events", &ev) < 0 || strstr(ev, "frozen 1"))
                                return 0;
                        usleep(1000);
                }
                return 0;
        }
        return ocirt_fail_at(err, ENOTSUP, NULL, "mount the freezer cgroup controller",
                             "this host has no cgroup freezer");
}

/* Still frozen after the thaw: an ancestor's v1 freezer holds the cgroup (freezer.parent_freezing),
 * and the SIGKILLed tasks stay in the refrigerator, so delete would wait and fail with EBUSY. Thawing
 * the ancestor would wake everything else in it; instead the container's tasks move to the freezer
 * hierarchy's root, which can never be frozen: the kernel thaws a task that moves to a thawed
 * freezer cgroup, and the pending SIGKILL ends it. Only the container's own freezer membership
 * changes, and only for tasks that are being killed. */
static void
thaw_out_of_frozen_parent(struct cgroup *cg)
{
        const char *fz = cgroup_dir_of(cg, "freezer");
        _cleanup_free_ pid_t *pids = NULL;
        char buf[24];
        size_t n = 0;

        if (!fz)
                return;
        collect(fz, &pids, &n);
        for (size_t i = 0; i < n; i++) {
                snprintf(buf, sizeof buf, "%d", (int) pids[i]);
                (void) cgroup_write(CGROUP_ROOT "/freezer", "cgroup.procs", buf);
        }
}

int
cgroup_control_kill_all(struct cgroup *cg, int sig)
{
        _cleanup_error_ ocirt_error *e = NULL;
        const char *d = cgroup_dir_of(cg, CGROUP_V2);
        bool was_frozen, froze = false;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;

        /* v2 (5.14+): the kernel kills the whole subtree, races with forks included. */
        if (sig == SIGKILL && cg->v2 && d && cgroup_write(d, "cgroup.kill", "1") == 0)
                return 1;
        if (!procs_dir(cg) || access(procs_dir(cg), F_OK) < 0)
                return 0;
        /* Freeze first, so nothing forks between reading the list and signalling it; a paused
         * container is signalled frozen and thawed afterwards (so SIGKILL is delivered and nothing
         * stays frozen after delete --force). */
        was_frozen = cgroup_control_is_frozen(cg) == 1;
        if (!was_frozen)
                froze = cgroup_control_freeze(cg, true, &e) >= 0;
        collect(procs_dir(cg), &pids, &n);
        for (size_t i = 0; i < n; i++)
                (void) kill(pids[i], sig);
        if (froze || (was_frozen && sig == SIGKILL))
                (void) cgroup_control_freeze(cg, false, NULL);
        if (sig == SIGKILL && was_frozen && cgroup_control_is_frozen(cg) == 1)
                thaw_out_of_frozen_parent(cg);
        return 1;
}

static int
rmdir_tree(const char *dir)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        /* The common case is an empty leaf: one rmdir, no listing of its control files. */
        if (rmdir(dir) == 0 || errno == ENOENT)
                return 0;
        if (errno != EBUSY && errno != ENOTEMPTY)
                return -errno;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && de->d_name[0] != '.') {
                        _cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
                        (void) rmdir_tree(sub);
                }
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int
cgroup_control_remove(struct cgroup *cg, ocirt_error **err)
{
        /* A frozen cgroup must never be left behind: thaw before anything else. */
        if (cgroup_control_is_frozen(cg) == 1)
                (void) cgroup_control_freeze(cg, false, NULL);
        for (int attempt = 0; attempt < 200; attempt++) {
                int r = 0;
                for (size_t i = cg->n_dirs; i-- > 0;) {
                        int q = rmdir_tree(cg->dirs[i].path);
                        if (q < 0 && r == 0)
                                r = q;
                }
                if (r == 0)
                        return 0;
                if (r != -EBUSY)
                        return ocirt_fail(err, -r, "remove cgroup '%s'", cg->path ? cg->path : "?");
                if (cg->no_kill && attempt >= 20)
                        return ocirt_fail(err, EBUSY, "remove cgroup '%s': processes of another container are in it",
                                          cg->path ? cg->path : "?");
                /* Processes left (a container without its own pid namespace, or dying ones). */
                if (!cg->no_kill && (attempt == 0 || attempt % 50 == 49))
                        (void) cgroup_control_kill_all(cg, SIGKILL);
                usleep(5000);
        }
        return ocirt_fail(err, EBUSY, "remove cgroup '%s': processes are still in it", cg->path ? cg->path : "?");
}
