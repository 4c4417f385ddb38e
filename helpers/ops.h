/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ops.h: inside the helpers room, the one interface every rootless helper implements (struct
 * helper_ops) and the options they share (struct helpers). helpers.c, the front door, holds the list
 * and is the only caller; a helper calls neither the front door nor another helper.
 *
 * A helper does not write into the container record: it reads the container (const) and hands back
 * what must change or be remembered in a struct helper_out, which the front door applies. */
#pragma once

#include <stdbool.h>

#include "base/base.h"
#include "helpers/helpers.h"
#include "helpers/run.h"
#include "state/state.h"

/* ---- the options of one container, from ocirt_create_options or annotations (helpers.c) ---- */

enum helper_network {
        NETWORK_DEFAULT, /* as the config says */
        NETWORK_NONE,    /* a new network namespace with only lo */
        NETWORK_HOST,    /* no network namespace */
        NETWORK_SLIRP4NETNS,
        NETWORK_PASTA,
};

enum helper_overlay {
        OVERLAY_NONE,
        OVERLAY_FUSE,
        OVERLAY_KERNEL,
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

/* ---- what an op hands back ---- */

struct helper_out {
        /* Facts for later commands (state.json's "ocirt" object, read back by teardown). */
        struct spec_kv *facts;
        size_t n_facts;
        /* prepare: the init binds and pivots into this directory instead of root.path. */
        char *rootfs;
};

void helper_out_fact(struct helper_out *out, const char *key, const char *value);
/* The facts PREFIX.pid and PREFIX.watcher of a tool under a watcher (run.h). */
void helper_out_watched(struct helper_out *out, const char *prefix, const struct helper_watched *w);
/* Free the contents (the front door calls it after applying them). */
void helper_out_done(struct helper_out *out);

/* ---- the interface ---- */

struct helper_ops {
        const char *name; /* what an attach error is prefixed with: "slirp4netns: ..." */
        /* Does this container's configuration ask for the helper? prepare and attach run only then;
         * a used helper with an attach makes the init wait at SYNC_EARLY. */
        bool (*used)(const struct helpers *h);
        /* In the runtime, before the clone: check and make what must exist first. NULL: nothing. */
        int (*prepare)(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
                       ocirt_error **err);
        /* In the runtime, at SYNC_EARLY: the init's namespaces exist, it is still dumpable and waits. */
        int (*attach)(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
                      ocirt_error **err);
        /* At delete, from the facts in state.json alone (the options are gone). NULL: nothing. */
        int (*teardown)(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
};

/* The helpers (each in the file of its name), listed by helpers.c. */
extern const struct helper_ops slirp4netns_helper;
extern const struct helper_ops pasta_helper;
extern const struct helper_ops fuse_overlayfs_helper;
