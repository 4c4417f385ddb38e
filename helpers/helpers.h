/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers.h: the front door of the rootless helpers that live beside a container (slirp4netns,
 * fuse-overlayfs), called by container/ only. Behind it, each helper implements one interface
 * (ops.h) on the toolkit in run.h; the front door runs them in order and records what they report. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "helpers/run.h"
#include "state/state.h"

struct helper_publish {
        char host_addr[64];
        uint16_t host_port, container_port;
        bool udp;
};

/* Parse "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]". */
int helper_parse_publish(const char *s, struct helper_publish *ret, ocirt_error **err);

/* ---- the lifecycle's entry points ---- */

/* Before the clone: read the options, plan the network namespace, prepare each helper asked for. */
int helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err);
/* At SYNC_EARLY: attach each helper to the waiting init (its namespaces exist). */
int helpers_early(struct container *c, struct undo *undo, ocirt_error **err);
/* Free what helpers_prepare() kept when helpers_early() did not run (a create that failed first). */
void helpers_release(struct container *c);
/* At delete: stop what the helpers left, from state.json's facts. */
int helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
