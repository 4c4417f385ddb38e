/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-recorded.c: a container's cgroup as create recorded it (see cgroup-recorded.h). */
#include "config.h"

#include "cgroup/cgroup-recorded.h"
#include "cgroup/driver.h"
#include "base/base.h"

/* The drivers that leave a cgroup behind, by the name kept in state.json ("none" has none, and
 * "systemd-late" none yet). */
static const struct cgroup_driver *
driver_named(const char *name)
{
        if (name && streq(name, cgroup_driver_fs.name))
                return &cgroup_driver_fs;
        if (name && streq(name, cgroup_driver_systemd.name))
                return &cgroup_driver_systemd;
        return NULL;
}

/* A cgroup as recorded in the "cgroup.*" keys of state.json (or of the container being created):
 * NULL when there is none. */
struct cgroup *
cgroup_recorded(ocirt_ctx *ctx, const char *driver, const char *dirs, const char *path, const char *unit,
                const char *user)
{
        const struct cgroup_driver *d = driver_named(driver);
        struct cgroup *cg;

        if (!d || !dirs)
                return NULL;
        cg = cgroup_from_text(ctx, d, dirs);
        cg->path = xstrdup(strempty(path));
        cg->unit = unit ? xstrdup(unit) : NULL;
        cg->user = streq(strempty(user), "1");
        return cg;
}

/* The container's cgroup as recorded by create; NULL when it has none, or when create was killed
 * before it knew the cgroup to be its own (cgroup.pending: see cgroup_teardown). */
struct cgroup *
cgroup_from_state(ocirt_ctx *ctx, const struct state *st)
{
        if (state_get_extra(st, "cgroup.pending"))
                return NULL;
        return cgroup_recorded(ctx, state_get_extra(st, "cgroup.driver"), state_get_extra(st, "cgroup.dirs"),
                               state_get_extra(st, "cgroup.path"), state_get_extra(st, "cgroup.unit"),
                               state_get_extra(st, "cgroup.user"));
}
