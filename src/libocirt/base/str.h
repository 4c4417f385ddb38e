/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* str.h: the leaf of base/: allocation that aborts on failure, strings and string vectors
 * (str.c). Calls nothing in ocirt; everything else may call it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/macro.h"

/* str.c */
/* Allocation failure aborts: a runtime out of memory cannot recover usefully. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

void strv_free(char **v);
static inline void
strv_freep(char ***v)
{
        strv_free(*v);
}

#define _cleanup_strv_ _cleanup_(strv_freep)

size_t strv_length(char *const *v);
char **strv_copy(char *const *v);
/* Append a copy of s; *v may be NULL. */
void strv_push(char ***v, const char *s);
bool strv_contains(char *const *v, const char *s);
bool startswith(const char *s, const char *prefix);
/* Parse an unsigned decimal that must fit in max; -EINVAL / -ERANGE. */
int parse_uint64(const char *s, uint64_t max, uint64_t *ret);
int parse_int(const char *s, int *ret);
/* Parse a list of numbers and ranges such as "0-3,7" (cpusets, NUMA nodes) into the bit mask
 * `mask` of nbits bits (set, never cleared). *ret_max: the highest number, -1 for "". -EINVAL on a
 * malformed list, -ERANGE when a number is nbits or more. */
int parse_bit_list(const char *s, unsigned long *mask, size_t nbits, int *ret_max);

