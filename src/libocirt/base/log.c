/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c: format a message and hand it to the ctx's sink. */
#include "config.h"

#include <stdarg.h>

#include "base/ctx.h"
#include "base/log.h"

void
ocirt_log(ocirt_ctx *ctx, int level, int errnum, const char *fmt, ...)
{
        char buf[2048];
        va_list ap;

        if (!ctx || !ctx->log_fn || level > ctx->log_max)
                return;
        va_start(ap, fmt);
        (void) vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        if (errnum > 0) {
                size_t n = strlen(buf);
                (void) snprintf(buf + n, sizeof buf - n, ": %s", strerror(errnum));
        }
        ctx->log_fn(ctx->log_userdata, level, errnum, buf);
}

int
ocirt_log_level(ocirt_ctx *ctx)
{
        return ctx && ctx->log_fn ? ctx->log_max : -1;
}
