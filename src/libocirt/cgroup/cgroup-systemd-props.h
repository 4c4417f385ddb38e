/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-systemd-props.h: the properties of a container's systemd unit, as data: those of
 * .linux.resources that systemd has a property for, then one for each org.systemd.property.NAME
 * annotation. cgroup-systemd.c sends them; the unit tests read them as text, where the D-Bus side
 * cannot run. Internal: not installed, and not exported from libocirt.so (libocirt.sym keeps only
 * ocirt_*). Defined only when built with HAVE_SYSTEMD. */
#pragma once

#include "base/base.h"
#include "config/spec.h"

/* One property, kept as data until the message is built, so annotations can be checked against
 * what the config sets. Type is the D-Bus signature: b y n q i u x t d s, "as" or "ay". */
struct prop {
        char *name;
        char sig[3];
        const char *from; /* the config field it comes from; NULL for an annotation */
        const char *key;  /* the annotation it comes from */
        union {
                uint64_t u; /* y q u t, and b */
                int64_t i;  /* n i x */
                double d;
        } v;
        char *s;          /* s */
        char **strv;      /* as */
        uint8_t *bytes;   /* ay */
        size_t n_bytes;
};

struct props {
        struct prop *v;
        size_t n;
};

void cgroup_systemd_props_done(struct props *p);
/* The resources systemd has properties for. `tasks`: include TasksMax (not while the runtime itself
 * sits in the scope, see cgroup-systemd.c). `cpu_max`: the scope's current cpu.max at update, where
 * a new period alone keeps the quota (as cgroup-res-v2.c does). */
void cgroup_systemd_props_resources(const struct spec_resources *r, bool tasks, const char *cpu_max, struct props *p);
/* The unit's properties from spec: the resources systemd has properties for (TasksMax only if
 * `tasks`), then the annotations'; *ret_n_config: how many of them come from the resources. A bad
 * annotation fails (-EINVAL, *err pointing at it). */
int cgroup_systemd_props_unit(const struct spec *spec, bool tasks, struct props *p, size_t *ret_n_config, ocirt_error **err);
/* "NAME1 NAME2 ...", for messages. */
char *cgroup_systemd_props_names(const struct props *p);

/* The properties cgroup-systemd.c would give spec's unit after ocirt's own ones (Slice, PIDs,
 * Delegate, ...), without asking systemd: those of .linux.resources (TasksMax included), then one
 * for each org.systemd.property.NAME annotation, in order. *ret is one line per property,
 * "NAME SIGNATURE VALUE": the D-Bus signature (b y n q i u x t d s as ay), then true or false, a
 * decimal number, a string in single quotes as it is (no escapes), or a list "['a', 'b']"
 * ("[0x0f, 0x01]" for ay). A NAMESec annotation shows as NAMEUSec in microseconds.
 * A bad annotation fails as it does at start (-EINVAL, *err pointing at it), and *ret is not set. */
int cgroup_systemd_props_text(const struct spec *spec, char **ret, ocirt_error **err);
