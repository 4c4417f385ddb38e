/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.c: front door and driver choice (issue 6). Placeholder: containers run in the caller's
 * cgroup. */
#include "config.h"

#include "cgroup.h"
#include "state.h"

int
cgroup_prepare(struct container *c, struct undo *undo, ocirt_error **err)
{
        return 0;
}

int
cgroup_early(struct container *c, struct undo *undo, ocirt_error **err)
{
        return 0;
}

int
cgroup_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        return 0;
}

int
cgroup_kill_all(ocirt_ctx *ctx, const struct state *st, int sig)
{
        return 0;
}

bool
cgroup_is_paused(ocirt_ctx *ctx, const struct state *st)
{
        return false;
}

int
cgroup_join(ocirt_ctx *ctx, const struct state *st, pid_t pid, const char *sub, ocirt_error **err)
{
        return 0;
}
