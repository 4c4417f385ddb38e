/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.h: library logging through the ctx's sink. The library never writes to stdout/stderr. */
#pragma once

#include "base/macro.h"
#include "ocirt.h"

void ocirt_log(ocirt_ctx *ctx, int level, int errnum, const char *fmt, ...) _printf_(4, 5);
int ocirt_log_level(ocirt_ctx *ctx);

#define log_debug(ctx, ...) ocirt_log((ctx), OCIRT_LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(ctx, ...) ocirt_log((ctx), OCIRT_LOG_INFO, 0, __VA_ARGS__)
#define log_warning(ctx, ...) ocirt_log((ctx), OCIRT_LOG_WARNING, 0, __VA_ARGS__)
#define log_warning_errno(ctx, e, ...) ocirt_log((ctx), OCIRT_LOG_WARNING, (e), __VA_ARGS__)
