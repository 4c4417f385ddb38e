/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctx.h: the ocirt_ctx: options and the log sink of one library user. No globals. */
#pragma once

#include <stdbool.h>

#include "ocirt.h"

struct ocirt_ctx {
        char *root; /* NULL until resolved by ctx_state_root() */
        bool root_explicit;
        ocirt_log_fn log_fn;
        void *log_userdata;
        int log_max;
        enum ocirt_cgroup_manager cgroup_manager;
        int rootless; /* -1 auto, 0, 1 */
        char **reexec_argv; /* set by ocirt_ctx_set_self_reexec(): exe.c may re-execute the program */
};

/* The state root: --root, else $XDG_RUNTIME_DIR/ocirt for a user (checked to be owned by the
 * caller), else /run/ocirt for root. Created 0700 when missing. */
int ctx_state_root(ocirt_ctx *ctx, const char **ret, ocirt_error **err);
bool ctx_is_rootless(ocirt_ctx *ctx);
