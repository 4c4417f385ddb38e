/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers.h: the front door of the rootless helpers that live beside a container (slirp4netns,
 * fuse-overlayfs), called by container/ only; each is built on the toolkit in run.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "helpers/run.h"
#include "state/state.h"

/* ---- the options of one container (helpers.c), from ocirt_create_options or annotations ---- */

enum helper_network {
        NETWORK_DEFAULT, /* as the config says */
        NETWORK_NONE,    /* a new network namespace with only lo */
        NETWORK_HOST,    /* no network namespace */
        NETWORK_SLIRP4NETNS,
};

enum helper_overlay {
        OVERLAY_NONE,
        OVERLAY_FUSE,
        OVERLAY_KERNEL,
};

struct helper_publish {
        char host_addr[64];
        uint16_t host_port, container_port;
        bool udp;
};

struct helpers {
        enum helper_network network;
        bool allow_host_loopback;
        struct helper_publish *publish;
        size_t n_publish;
        enum helper_overlay overlay;
        char *lower_rootfs;   /* root.path as given (the lowest layer) */
        char **layers;        /* further read-only layers, above root.path, lowest first */
        char *keep_dir;       /* NULL: upper/work in the state dir */
        char *upper, *work, *merged;
        char *state_dir;      /* absolute path of ROOT/ID */
};

/* Parse "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]". */
int helper_parse_publish(const char *s, struct helper_publish *ret, ocirt_error **err);

/* ---- slirp4netns.c ---- */
int slirp_prepare(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int slirp_early(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int slirp_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
/* Bring up lo in the init's network namespace (--network none). */
int net_loopback_up(struct container *c, ocirt_error **err);

/* ---- fuse-overlayfs.c ---- */
int overlay_prepare(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int overlay_early(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int overlay_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);

/* ---- helpers.c: the lifecycle's entry points ---- */
int helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err);
int helpers_early(struct container *c, struct undo *undo, ocirt_error **err);
/* Free what helpers_prepare() kept when helpers_early() did not run (a create that failed first). */
void helpers_release(struct container *c);
int helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
