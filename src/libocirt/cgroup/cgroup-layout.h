/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-layout.h: how the host mounts its cgroups (v1, hybrid, v2), the caller's own cgroup in each
 * hierarchy, and the steps a new directory needs from its ancestors (v2 subtree_control, v1 cpuset).
 * Below every driver. */
#pragma once

#include "cgroup/cgroup-dirs.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

enum cgroup_layout {
        CGROUP_LAYOUT_NONE,   /* nothing mounted */
        CGROUP_LAYOUT_V1,     /* v1 controllers (with or without /sys/fs/cgroup/unified: hybrid) */
        CGROUP_LAYOUT_V2,     /* /sys/fs/cgroup is cgroup2 */
};
enum cgroup_layout cgroup_layout_probe(void);
bool cgroup_layout_is_v1(const char *path); /* a cgroup v1 hierarchy is mounted at path */
bool cgroup_layout_is_v2(const char *path); /* cgroup2 is mounted at path */

/* The caller's own cgroup in the hierarchy `controller` ("unified" for v2), from /proc/self/cgroup. */
int cgroup_own_path(const char *controller, char **ret);
/* Keep /proc/self/cgroup between calls (on) or read it each time (off); either way forget it. */
void cgroup_own_cache(bool on);
/* The caller moved to another cgroup: forget what the cache holds (keeping it on or off). */
void cgroup_own_moved(void);

/* Enable the controllers ("+cpu +memory") in cgroup.subtree_control of every ancestor of cg's v2
 * directory, from the root down. -ENOENT: cg has no v2 directory; else the first failure. */
int cgroup_v2_enable(struct cgroup *cg, const char *controllers);
/* A new v1 cpuset directory `leaf` below `root` gets its parents' cpus and mems where it has none. */
void cgroup_cpuset_fill(const char *root, const char *leaf);
