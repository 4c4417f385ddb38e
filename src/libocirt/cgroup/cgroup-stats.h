/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-stats.h: what a cgroup's files tell about its use: runc's `events --stats` data and the OOM
 * kill count. Below every driver. */
#pragma once

#include <jansson.h>

#include "cgroup/cgroup-dirs.h"

/* runc's "data" object of `events --stats`. */
int cgroup_stats_read(struct cgroup *cg, json_t **ret, ocirt_error **err);
/* OOM kills in the cgroup so far (-ENOENT: no memory controller). */
int cgroup_stats_oom_kills(const struct cgroup *cg, uint64_t *ret);
