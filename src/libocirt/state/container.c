/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.c: the container record as it changes during a create (state.h), and the rule for
 * container ids (every name made from one must fit the state dir, the cgroup and the systemd unit). */
#include "config.h"

#include <unistd.h>

#include "base/base.h"
#include "state/state.h"

/* The longest id: every name made from it must fit in one directory entry (NAME_MAX, 255): the state
 * directory ROOT/ID, the cgroup directory (ID, or ocirt-ID for a rootless one) and the systemd unit
 * ocirt-ID.scope, the longest of them (systemd refuses unit names over 255 characters). Checked up
 * front, so that no id gets half-way through a create and then fails with ENAMETOOLONG. */
#define ID_MAX (255 - sizeof "ocirt-" - sizeof ".scope" + 2)

_public_ int
ocirt_id_validate(const char *id, ocirt_error **err)
{
        static const char hint[] = "use letters, digits and _+-. (not first: .), at most 243 characters";
        size_t n = id ? strlen(id) : 0;

        if (n == 0)
                return ocirt_fail_at(err, EINVAL, "ID", hint, "empty container id");
        if (n > ID_MAX)
                return ocirt_fail_at(err, EINVAL, "ID", hint, "container id is %zu characters long, more than %zu", n,
                                     (size_t) ID_MAX);
        for (size_t i = 0; i < n; i++) {
                char ch = id[i];
                bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                          ch == '_' || ch == '+' || ch == '-' || (ch == '.' && i > 0);
                if (!ok)
                        return ocirt_fail_at(err, EINVAL, "ID", hint, "invalid container id '%s'", id);
        }
        return 0;
}

/* What teardown would need now, in STATE_RECORD (see state.h). */
void
container_record(struct container *c)
{
        _cleanup_error_ ocirt_error *e = NULL;
        _cleanup_free_ char *created = NULL;
        struct state st;

        if (c->lock_fd < 0) /* no state dir yet: nothing made on the host so far */
                return;
        created = rfc3339_now();
        st = (struct state){
                .oci_version = c->spec->oci_version ? c->spec->oci_version : (char *) ocirt_spec_version(),
                .id = (char *) c->id,
                .pid = c->init_pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = created,
                .owner = geteuid(),
                .own_pidns = c->new_ns[SPEC_NS_PID],
                .extra = c->extra,
                .n_extra = c->n_extra,
        };
        if (st.pid > 0 && proc_pid_start_time(st.pid, &st.start_time, NULL) < 0)
                st.pid = 0;
        if (state_write_file(c->lock_fd, STATE_RECORD, &st, &e) < 0)
                log_warning(c->ctx, "%s", ocirt_error_message(e));
}

static void
extra_put(struct container *c, const char *key, const char *value)
{
        size_t i;

        for (i = 0; i < c->n_extra && !streq(c->extra[i].key, key); i++)
                ;
        if (i < c->n_extra) {
                free(c->extra[i].value);
                if (value)
                        c->extra[i].value = xstrdup(value);
                else {
                        free(c->extra[i].key);
                        c->extra[i] = c->extra[--c->n_extra];
                }
        } else if (value) {
                c->extra = xrealloc(c->extra, (c->n_extra + 1) * sizeof *c->extra);
                c->extra[c->n_extra].key = xstrdup(key);
                c->extra[c->n_extra].value = xstrdup(value);
                c->n_extra++;
        }
}

/* value NULL: remove the key. Once the state dir exists every change is recorded at once, so that
 * a subsystem that records a resource before making it can count on teardown knowing it. */
void
container_set_extra(struct container *c, const char *key, const char *value)
{
        extra_put(c, key, value);
        container_record(c);
}

/* Several facts that belong together, recorded with one write of record.json (each write is a file
 * created, written and renamed in the state dir, on every create). */
void
container_set_extras(struct container *c, const struct extra_kv *kv, size_t n)
{
        for (size_t i = 0; i < n; i++)
                extra_put(c, kv[i].key, kv[i].value);
        container_record(c);
}
