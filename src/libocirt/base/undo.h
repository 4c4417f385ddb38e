/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* undo.h: "a failure leaves nothing behind" as a mechanism. Each step that creates something on the
 * host pushes its inverse right after the creation; success commits once; an early return rolls back
 * in reverse through the cleanup attribute. */
#pragma once

#include "base/error.h"

typedef int (*undo_fn)(void *data, ocirt_error **err);

struct undo_step;

struct undo {
        ocirt_ctx *ctx; /* where rollback failures are logged */
        struct undo_step *top;
};

/* `data` is owned by the step: free()d after the step ran or was committed. */
void undo_push(struct undo *u, const char *what, undo_fn fn, void *data);
void undo_commit(struct undo *u);
void undo_rollback(struct undo *u);
static inline void
undo_rollbackp(struct undo *u)
{
        undo_rollback(u);
}
#define _cleanup_undo_ _cleanup_(undo_rollbackp)
