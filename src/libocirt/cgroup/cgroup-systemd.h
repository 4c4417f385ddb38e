/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-systemd.h: what the unit tests see of cgroup-systemd.c, where the D-Bus side cannot run.
 * Internal: not installed, and not exported from libocirt.so (libocirt.sym keeps only ocirt_*).
 * Defined only when built with HAVE_SYSTEMD. */
#pragma once

#include "base/base.h"
#include "config/spec.h"

/* The properties cgroup_systemd_start would give spec's unit after ocirt's own ones (Slice, PIDs,
 * Delegate, ...), without asking systemd: those of .linux.resources (TasksMax included), then one
 * for each org.systemd.property.NAME annotation, in order. *ret is one line per property,
 * "NAME SIGNATURE VALUE": the D-Bus signature (b y n q i u x t d s as ay), then true or false, a
 * decimal number, a string in single quotes as it is (no escapes), or a list "['a', 'b']"
 * ("[0x0f, 0x01]" for ay). A NAMESec annotation shows as NAMEUSec in microseconds.
 * A bad annotation fails as it does at start (-EINVAL, *err pointing at it), and *ret is not set. */
int cgroup_systemd_props_text(const struct spec *spec, char **ret, ocirt_error **err);
