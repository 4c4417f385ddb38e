/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* undo.c: the rollback list (see undo.h). */
#include "config.h"

#include "base/log.h"
#include "base/undo.h"
#include "base/util.h"

struct undo_step {
        const char *what;
        undo_fn fn;
        void *data;
        struct undo_step *next;
};

void
undo_push(struct undo *u, const char *what, undo_fn fn, void *data)
{
        struct undo_step *s = xmalloc(sizeof *s);

        *s = (struct undo_step){ .what = what, .fn = fn, .data = data, .next = u->top };
        u->top = s;
}

void
undo_commit(struct undo *u)
{
        while (u->top) {
                struct undo_step *s = u->top;
                u->top = s->next;
                free(s->data);
                free(s);
        }
}

void
undo_rollback(struct undo *u)
{
        while (u->top) {
                struct undo_step *s = u->top;
                _cleanup_error_ ocirt_error *e = NULL;

                u->top = s->next;
                if (s->fn(s->data, &e) < 0)
                        log_warning(u->ctx, "rollback: %s: %s, ignoring", s->what, ocirt_error_message(e));
                free(s->data);
                free(s);
        }
}
