/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.h: inside container/, the only room that orders the steps of a container's life:
 * lifecycle.c (create, start, kill, delete, run), spawn.c (the runtime's side of the clone and the
 * sync protocol), init.c (the container init, from the clone to execve), exec.c, mount-live.c
 * (`mounts add|remove`) and check.c. Its public face is ocirt.h; nothing outside includes this. */
#pragma once

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"
#include "process/process.h"
#include "fs/fs.h"
#include "ns/ns.h"
#include "cgroup/cgroup.h"
#include "helpers/helpers.h"

/* ---- Subsystems plugged into the lifecycle. Each lives in its own file(s), owned by its issue.
 * Runtime-side calls happen in lifecycle.c / process.c in this order:
 *   *_prepare (before the clone) -> clone -> [SYNC_EARLY: *_early] -> [SYNC_HOOK: hooks_create]
 *   -> SYNC_CREATED -> state written -> (start) -> *_poststart ; delete: *_teardown. */
struct state;

/* spawn.c — Runs in: the runtime. */
int process_spawn_init(struct container *c, struct undo *undo, ocirt_error **err);
/* Wait for the init to exec (EOF on the sync socket) or to report an error. */
int process_wait_exec(struct container *c, sync_msg_fn on_msg, void *userdata, ocirt_error **err);

/* lifecycle.c — the steps restore (checkpoint.c) shares with create. */
/* Everything that can be checked before the host is touched: the config, the namespaces' plan. */
int container_prepare(ocirt_ctx *ctx, const char *id, const ocirt_create_options *o, bool run_mode,
                      struct container *c, ocirt_error **err);
void container_done(struct container *c);
/* state.json for c->init_pid (its start time read now). */
int container_record_state(struct container *c, ocirt_error **err);
/* restore.c binds the rootfs at STATE/ID/criu-root as CRIU's root. A restore killed before its
 * cleanup leaves that mount (in the runtime's mount namespace): delete detaches it. */
#define CONTAINER_CRIU_ROOT "criu-root"
/* "OP 'ID': " before an error that names no file or flag of its own. */
void container_wrap_op(ocirt_error **err, const char *op, const char *id);

/* init.c — Runs in: the container init; never returns. */
_noreturn_ void init_main(struct container *c);
/* Report from the child: sends SYNC_ERROR and _exit()s. */
_noreturn_ void init_fail(struct container *c, ocirt_error *e);
/* Also for exec's process: its environment (HOME from the container's /etc/passwd when the config
 * has none, LISTEN_FDS), and default signal handling with the runtime's mask back. */
char **init_build_env(struct container *c);
void init_reset_signals(const sigset_t *mask);
int init_seal_process(struct container *c, ocirt_error **err); /* labels, no_new_privs, umask */

