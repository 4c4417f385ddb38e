/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.h: the front door of process/: what the container's process gets (caps.c, seccomp.c and
 * seccomp-listener.c, procattr.c and procattr-init.c, terminal.c), hooks (hooks.c), signal
 * forwarding (signals.c) and the runtime binary's protection (exe.c). What only files of process/
 * share is in their own headers (procattr.h, netdev.h, seccomp.h). */
#pragma once

#include <signal.h>

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"

/* terminal.c */
int terminal_setup_child(struct container *c, int rootfd, ocirt_error **err); /* init: pty, ctty */
int terminal_open_slave(int master, const struct spec_process *p, int *ret_slave, ocirt_error **err);
int terminal_take(int sync_sock, int master, int slave, ocirt_error **err);
int terminal_send_console(const char *socket_path, int master, ocirt_error **err);
/* init, before the switch to process.user: stdio (pty, pipes, sockets) becomes that user's. */
int terminal_fix_stdio(struct container *c, ocirt_error **err);

/* caps.c — Runs in: the container init, as the last steps before exec. */
int caps_apply(struct container *c, ocirt_error **err);
char *user_home(uid_t uid); /* after the pivot: HOME from the container's /etc/passwd, else "/" */

/* seccomp.c (issue 3). The filter is compiled (or taken from the cache, seccomp-cache.c) in the
 * runtime before the clone and loaded by the init: */
int seccomp_prepare(struct container *c, ocirt_error **err);                  /* runtime, before the clone */
void seccomp_forget(struct container *c);                                     /* runtime, after it */
int seccomp_install(struct container *c, int *ret_notify_fd, ocirt_error **err); /* init, last step before execve */
/* exec: the same for the exec'd process: built by the runtime before the fork (NULL: no seccomp),
 * loaded by that process. */
int seccomp_build_spec(ocirt_ctx *ctx, const struct spec *s, void **ret, ocirt_error **err);
int seccomp_load_built(void *built, int *ret_notify_fd, ocirt_error **err);
void seccomp_built_free(void *built);
/* seccomp-listener.c. Runs in: the runtime (create/run or start): pass a notify fd on to listenerPath. */
int seccomp_forward_listener(ocirt_ctx *ctx, const char *state_json, const char *msg_text, int fd,
                             ocirt_error **err); /* msg_text: what the init put in SYNC_SECCOMP_FD */

/* procattr.c (the runtime's side) and procattr-init.c (the init's), issue 3: the remaining
 * process/linux fields. */
int procattr_prepare(struct container *c, ocirt_error **err);      /* runtime, before clone: checks */
int procattr_early(struct container *c, struct undo *undo, ocirt_error **err); /* runtime, SYNC_EARLY: netDevices, intelRdt */
int procattr_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err); /* delete: the resctrl group it made */
int procattr_after_pivot(struct container *c, ocirt_error **err);  /* init: sysctl, before masked/ro paths */
int procattr_before_caps(struct container *c, ocirt_error **err);  /* init: scheduler, ioprio, mempolicy, ... */
int procattr_before_exec(struct container *c, ocirt_error **err);  /* init: LSM exec labels, after caps */

/* hooks.c (issue 7). */
int hooks_prepare(struct container *c, ocirt_error **err);                     /* runtime: sets wait_hooks */
int hooks_create(struct container *c, ocirt_error **err);                      /* runtime, SYNC_HOOK */
int hooks_create_container(struct container *c, ocirt_error **err);            /* init, before the pivot */
int hooks_start_container(struct container *c, ocirt_error **err);             /* init, after start */
int hooks_poststart(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err);
int hooks_poststop(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err);

/* exe.c: CVE-2019-5736. Runs in: the runtime, before anything is created; may re-execute. */
int exe_protect(struct container *c, ocirt_error **err);
int exe_protect_exec(ocirt_ctx *ctx, pid_t init_pid, ocirt_error **err); /* exec, before the fork */
/* Close the fd that holds the read-only clone of an in-place swap (exe.c): in a child at once (so
 * that it is not the last), in the runtime once the container's process runs. */
void exe_drop_clone(void);

/* signals.c */
int signals_block_all(sigset_t *ret_old);
/* Forward signals (and relay the pty when master >= 0) until pid exits. */
int signals_wait_child(ocirt_ctx *ctx, pid_t pid, int master, int *ret_status, ocirt_error **err);
