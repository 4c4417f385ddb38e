/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* procattr.h: what procattr.c (the runtime's side of the process and linux fields: checks,
 * SYNC_EARLY, teardown) shares with procattr-init.c (the init's side). Only process/ includes it. */
#pragma once

#include "base/base.h"
#include "state/state.h"

#define MPOL_BITS 1024 /* MAX_NUMNODES of the largest kernels */
#define NODE_WORDS (MPOL_BITS / (8 * sizeof(unsigned long)))

/* "config.json: .json.path[\"key\"]" (key may be NULL). */
char *procattr_where(const struct container *c, const char *jpath, const char *key);
/* Parse a node list ("0-3,7") into mask; -EINVAL on syntax, -ERANGE beyond MPOL_BITS. */
int procattr_parse_nodes(const char *s, unsigned long *mask, int *ret_max);
