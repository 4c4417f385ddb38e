/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.h: the front door of ns/: namespaces (ns.c), the user namespace (userns.c) and wide id maps
 * through newuidmap/newgidmap (idmap.c). */
#pragma once

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"

/* userns.c */
int userns_plan(struct container *c, ocirt_error **err); /* runtime: decide maps */
int userns_write_maps(struct container *c, pid_t pid, bool self, ocirt_error **err);

/* ns.c */
int ns_plan(struct container *c, ocirt_error **err); /* runtime: flags, join fds */
int ns_join(struct container *c, bool user, ocirt_error **err); /* child */
int ns_loopback_up(struct container *c, ocirt_error **err);       /* child, in a new network namespace */
unsigned long ns_clone_flag(enum spec_ns_type t);

/* idmap.c: runtime, before the clone: the wide mappings fit the caller's subordinate ranges. */
int uidmap_check(struct container *c, ocirt_error **err);
/* idmap.c: runtime side of a wide mapping for a rootless user (userns.c calls it). */
int uidmap_write_helpers(struct container *c, pid_t pid, ocirt_error **err);
