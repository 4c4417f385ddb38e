/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-none.c: the `none` cgroup driver (issue 6): the container runs in the caller's cgroup.
 * Chosen for a rootless user without a delegated cgroup, on a host with no cgroup file system, or
 * with --cgroup-manager disabled. cgroup.c prints the one warning when the config has limits; the
 * driver itself is silent and does nothing, and the commands that need a cgroup say so. */
#include "config.h"

#include "cgroup/driver.h"

static int
no_cgroup(ocirt_error **err)
{
        return ocirt_fail_at(err, ENOTSUP, NULL,
                             "run the container as root, or with a delegated cgroup (systemd: Delegate=yes)",
                             "the container has no cgroup");
}

static bool
none_available(bool user)
{
        return true;
}

static int
none_create(struct cgroup *cg, struct container *c, pid_t pid, struct undo *undo, ocirt_error **err)
{
        return 0;
}

static int
none_enter(struct cgroup *cg, pid_t pid, const char *sub, ocirt_error **err)
{
        return 0;
}

static int
none_update(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        return no_cgroup(err);
}

static int
none_limit_pids(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        return 0;
}

static int
none_destroy(struct cgroup *cg, ocirt_error **err)
{
        return 0;
}

static int
none_kill_all(struct cgroup *cg, int sig)
{
        return 0;
}

static int
none_freeze(struct cgroup *cg, bool frozen, ocirt_error **err)
{
        return no_cgroup(err);
}

static int
none_is_frozen(struct cgroup *cg)
{
        return 0;
}

static int
none_pids(struct cgroup *cg, pid_t **ret, size_t *ret_n, ocirt_error **err)
{
        return no_cgroup(err);
}

static int
none_stats(struct cgroup *cg, json_t **ret, ocirt_error **err)
{
        return no_cgroup(err);
}

const struct cgroup_driver cgroup_driver_none = {
        .name = "none",
        .available = none_available,
        .create = none_create,
        .enter = none_enter,
        .update = none_update,
        .limit_pids = none_limit_pids,
        .destroy = none_destroy,
        .kill_all = none_kill_all,
        .freeze = none_freeze,
        .is_frozen = none_is_frozen,
        .pids = none_pids,
        .stats = none_stats,
};
