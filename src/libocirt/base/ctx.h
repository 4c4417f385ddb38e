/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctx.h: the ocirt_ctx: options and the log sink of one library user. No globals. */
#pragma once

#include <stdbool.h>

#include "ocirt.h"

struct ocirt_ctx {
        char *root; /* NULL until resolved by ctx_state_root() */
        bool root_explicit;
        const char *root_why; /* static text: why ctx_state_root() chose root */
        ocirt_log_fn log_fn;
        void *log_userdata;
        int log_max;
        enum ocirt_cgroup_manager cgroup_manager;
        int rootless; /* -1 auto, 0, 1 */
        char **reexec_argv; /* set by ocirt_ctx_set_self_reexec(): exe.c may re-execute the program */
};

/* The state root: --root; else /run/ocirt for root; else for a user $XDG_RUNTIME_DIR/ocirt
 * (XDG_RUNTIME_DIR checked to be owned by the caller), without it /run/user/UID/ocirt when that
 * directory is the caller's, else /tmp/ocirt-UID (checked: a directory, not a symlink, the
 * caller's, mode 0700). Created 0700 when missing. */
int ctx_state_root(ocirt_ctx *ctx, const char **ret, ocirt_error **err);
/* Which state root ctx_state_root() would use and why (static text), checking but creating
 * nothing: for `ocirt check`. */
int ctx_state_root_choose(ocirt_ctx *ctx, char **ret_path, const char **ret_why, ocirt_error **err);
bool ctx_is_rootless(ocirt_ctx *ctx);
