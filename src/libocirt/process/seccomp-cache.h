/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp-cache.h: compiled seccomp programs kept between runs (seccomp-cache.c), for seccomp.c. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>

#include "base/base.h"
#include "config/spec.h"


/* What the cache keeps of a compiled filter. */
struct seccomp_cached {
        struct sock_filter *prog;
        size_t n_prog;
        unsigned long flags; /* SECCOMP_FILTER_FLAG_* */
        bool notify;
        char *warnings;      /* what the compile warned, a line each */
};

/* Everything the program depends on, as text (NULL: do not cache). Caller frees. */
char *seccomp_cache_key(const struct spec_seccomp *sp);
/* 0 and *ret filled on a hit whose stored key equals key; -ENOENT otherwise (never an error). */
int seccomp_cache_load(ocirt_ctx *ctx, const char *key, struct seccomp_cached *ret);
/* Best effort: a failure only logs at debug level. */
void seccomp_cache_store(ocirt_ctx *ctx, const char *key, const struct seccomp_cached *c);
void seccomp_cached_done(struct seccomp_cached *c);
