/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks.c: the six OCI hooks (issue 7). Placeholder: hooks are not run yet. */
#include "config.h"

#include "container.h"
#include "log.h"
#include "state.h"

int
hooks_prepare(struct container *c, ocirt_error **err)
{
        if (c->spec->hooks)
                log_warning(c->ctx, "hooks are not run by this version, ignoring");
        return 0;
}

int
hooks_create(struct container *c, ocirt_error **err)
{
        return 0;
}

int
hooks_start_container(struct container *c, ocirt_error **err)
{
        return 0;
}

int
hooks_poststart(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err)
{
        return 0;
}

int
hooks_poststop(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err)
{
        return 0;
}
