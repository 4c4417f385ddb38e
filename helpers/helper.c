/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helper.c: run an outside tool (issue 5). Placeholder entry points for the lifecycle. */
#include "config.h"

#include "helper.h"
#include "state.h"

int
helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err)
{
        return 0;
}

int
helpers_early(struct container *c, struct undo *undo, ocirt_error **err)
{
        return 0;
}

int
helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        return 0;
}
