/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-recorded.h: a container's cgroup from the "cgroup.*" keys that create keeps in state.json
 * (and in the container being created), with the driver that made it. Used by the lifecycle seams
 * (cgroup.c) and the public commands (cgroup-cmd.c). */
#pragma once

#include "cgroup/cgroup-dirs.h"
#include "state/state.h"

/* NULL when the keys name no driver that leaves a cgroup, or no directories. */
struct cgroup *cgroup_recorded(ocirt_ctx *ctx, const char *driver, const char *dirs, const char *path, const char *unit,
                               const char *user);
/* The container's cgroup as recorded by create; NULL when it has none, or when create was killed
 * before it knew the cgroup to be its own (cgroup.pending: see cgroup_teardown). */
struct cgroup *cgroup_from_state(ocirt_ctx *ctx, const struct state *st);
