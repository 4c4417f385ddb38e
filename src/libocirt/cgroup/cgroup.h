/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.h: the front door of cgroup/: the container's cgroup at create, start, kill and delete.
 * The drivers (fs, systemd, none) sit behind driver.h, inside this room. */
#pragma once

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"

/* cgroup.c (issue 6). */
int cgroup_prepare(struct container *c, struct undo *undo, ocirt_error **err); /* runtime, before clone */
/* cgroup_prepare would make nothing on the host before the clone (no cgroup, or a late v1 one
 * without a v2 hierarchy beside): what it records can wait for a state dir made after the clone. */
bool cgroup_waits_for_clone(const struct container *c);
int cgroup_early(struct container *c, struct undo *undo, ocirt_error **err);   /* runtime, SYNC_EARLY */
/* What /proc/PID/cgroup of the init of a late v1 create will read once it has joined ("ID:CTRLS:
 * PATH" lines, one per hierarchy it has a directory in), made from the runtime's own lines and the
 * planned directories; NULL when there is no late cgroup. */
char *cgroup_late_proc_text(struct container *c);
/* Runtime, right after the clone: the rest of a late v1 create, and the init's way in (cgroup.c). */
int cgroup_after_clone(struct container *c, ocirt_error **err);
/* clone3(CLONE_INTO_CGROUP) was refused: put the runtime into the cgroup before a plain clone. */
int cgroup_clone_fallback(struct container *c, struct undo *undo, ocirt_error **err);
int cgroup_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
/* 1: handled (all processes signalled through the cgroup), 0: not possible, caller falls back. */
int cgroup_kill_all(ocirt_ctx *ctx, const struct state *st, int sig);
bool cgroup_is_paused(ocirt_ctx *ctx, const struct state *st);
/* exec without the runtime migrating anything: the v2 directory for clone3 of the helper (-1: none),
 * and the helper's move of its own thread into the rest. */
int cgroup_exec_v2_fd(ocirt_ctx *ctx, const struct state *st, const char *sub, ocirt_error **err);
int cgroup_join_self(ocirt_ctx *ctx, const struct state *st, const char *sub, bool skip_v2, ocirt_error **err);

