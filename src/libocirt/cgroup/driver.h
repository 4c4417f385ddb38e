/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver.h: the cgroup drivers behind one ops table, inside cgroup/. The lifecycle entry points are
 * in the front door cgroup.h; the public commands (pause, resume, update, ps, stats) in ocirt.h.
 *
 * cgroup.c picks a driver (cgroupfs, systemd, none) and calls it only through this table. What the
 * drivers share lives below them: the cgroup as a list of directories (cgroup-dirs.h), the host's
 * layout (cgroup-layout.h), the resources (cgroup-resources.h), the processes in a cgroup
 * (cgroup-control.h) and its stats (cgroup-stats.h); a driver never calls another. */
#pragma once

#include <jansson.h>
#include <sys/types.h>

#include "cgroup/cgroup-dirs.h"
#include "config/spec.h"

struct cgroup_driver {
        const char *name; /* as kept in state.json ("cgroup.driver") */
        /* Whether the driver can run on this host (for a normal user when user). */
        bool (*available)(bool user);
        /* Make the cgroup: fill in cg's directories and make them. pid: the process the cgroup is
         * made with (a systemd scope is started with one in it), 0: none, the caller moves processes
         * in with enter. Undo steps beyond removing the directories (the commit's, in cgroup.c) go on
         * undo: stopping the systemd unit. The resources are the caller's next step
         * (cgroup_resources_create), pids.max its last (limit_pids). */
        int (*create)(struct cgroup *cg, struct container *c, pid_t pid, struct undo *undo, ocirt_error **err);
        /* cg->late (cgroupfs on v1 only, NULL elsewhere): make what create left, after the clone. */
        int (*create_late)(struct cgroup *cg, struct container *c, ocirt_error **err);
        /* After a late create, once the init has all it waits for: housekeeping (NULL: none). */
        void (*late_idle)(const struct container *c);
        /* Put pid (0: the caller) into the cgroup, or into its sub-cgroup `sub` (exec --cgroup). */
        int (*enter)(struct cgroup *cg, pid_t pid, const char *sub, ocirt_error **err);
        /* `update`: the resources in res over what is there; `where` names their source. */
        int (*update)(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err);
        /* The pids limit, once the runtime is not counted: it never entered the cgroup (clone3 into
         * it), or it has left again (cgroup_early). */
        int (*limit_pids)(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err);
        int (*destroy)(struct cgroup *cg, ocirt_error **err);
        /* 1: every process was signalled, 0: not possible (the caller falls back). */
        int (*kill_all)(struct cgroup *cg, int sig);
        int (*freeze)(struct cgroup *cg, bool frozen, ocirt_error **err);
        int (*is_frozen)(struct cgroup *cg); /* 1, 0, or -errno */
        int (*pids)(struct cgroup *cg, pid_t **ret_pids, size_t *ret_n, ocirt_error **err);
        /* runc's "data" object of `events --stats`. */
        int (*stats)(struct cgroup *cg, json_t **ret, ocirt_error **err);
};

extern const struct cgroup_driver cgroup_driver_fs, cgroup_driver_systemd, cgroup_driver_none;
