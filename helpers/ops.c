/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ops.c: what a helper op hands back to the front door (ops.h). Below both the front door and the
 * helpers, so that a helper filling it in does not call back into helpers.c. */
#include "config.h"

#include "helpers/ops.h"

void
helper_out_fact(struct helper_out *out, const char *key, const char *value)
{
        out->facts = xrealloc(out->facts, (out->n_facts + 1) * sizeof *out->facts);
        out->facts[out->n_facts].key = xstrdup(key);
        out->facts[out->n_facts].value = xstrdup(value);
        out->n_facts++;
}

void
helper_out_watched(struct helper_out *out, const char *prefix, const struct helper_watched *w)
{
        _cleanup_free_ char *pid = NULL, *watcher = NULL, *k1 = xasprintf("%s.pid", prefix),
                           *k2 = xasprintf("%s.watcher", prefix);

        helper_watch_facts(w, &pid, &watcher);
        helper_out_fact(out, k1, pid);
        helper_out_fact(out, k2, watcher);
}

void
helper_out_done(struct helper_out *out)
{
        for (size_t i = 0; i < out->n_facts; i++) {
                free(out->facts[i].key);
                free(out->facts[i].value);
        }
        free(out->facts);
        free(out->rootfs);
        *out = (struct helper_out){ 0 };
}
