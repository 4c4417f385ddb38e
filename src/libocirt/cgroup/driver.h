/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* driver.h: cgroup drivers behind one ops table, inside cgroup/. The lifecycle entry points are in
 * the front door cgroup.h; the public commands (pause, resume, update, ps, stats) in ocirt.h.
 *
 * A container's cgroup is a list of directories, one per mounted hierarchy ("memory=/sys/fs/cgroup/
 * memory/ocirt/c1", ..., "unified=/sys/fs/cgroup/unified/ocirt/c1" on a hybrid host, only "unified="
 * on a pure v2 host). The list is kept in state.json (key "cgroup.dirs"), so later commands need no
 * probing and act on exactly what create made. */
#pragma once

#include <jansson.h>

#include "cgroup/cgroup.h"

struct cgroup_dir {
        char *controller; /* v1: "memory", "cpu", ..., "systemd"; v2: "unified" */
        char *path;       /* absolute directory */
};

struct cgroup {
        ocirt_ctx *ctx;
        const struct cgroup_driver *driver;
        bool v2;   /* a pure v2 host: one directory, controllers enabled in subtree_control */
        char *path; /* the cgroup path below the hierarchy roots, for messages ("/ocirt/c1") */
        struct cgroup_dir *dirs;
        size_t n_dirs;
        bool created; /* create made the leaf directories (so destroy removes them) */
        bool no_kill; /* destroy only removes (a failed create's rollback) */
};

struct cgroup_driver {
        const char *name;
        /* Make the cgroup and apply the resources (except pids, see cgroup.c). */
        int (*create)(struct cgroup *cg, struct container *c, ocirt_error **err);
        /* Put pid (0: the caller) into the cgroup, or into its sub-cgroup `sub` (exec --cgroup). */
        int (*enter)(struct cgroup *cg, pid_t pid, const char *sub, ocirt_error **err);
        int (*update)(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err);
        int (*destroy)(struct cgroup *cg, ocirt_error **err);
        /* 1: every process was signalled, 0: not possible (the caller falls back). */
        int (*kill_all)(struct cgroup *cg, int sig);
        int (*freeze)(struct cgroup *cg, bool frozen, ocirt_error **err);
        int (*is_frozen)(struct cgroup *cg); /* 1, 0, or -errno */
        int (*pids)(struct cgroup *cg, pid_t **ret_pids, size_t *ret_n, ocirt_error **err);
        /* runc's "data" object of `events --stats`. */
        int (*stats)(struct cgroup *cg, json_t **ret, ocirt_error **err);
};

extern const struct cgroup_driver cgroup_driver_fs, cgroup_driver_none;

void cgroup_free(struct cgroup *cg);
void cgroup_add_dir(struct cgroup *cg, const char *controller, const char *path);
const char *cgroup_dir_of(const struct cgroup *cg, const char *controller); /* NULL when not there */

/* Record the cgroup's directories in the state dir before any is made (see STATE_RECORD): a create
 * killed from here on leaves `delete --force` what to remove. "pending" until cgroup_commit: a
 * directory that turned out to be someone else's is then only removed when empty, never killed in. */
void cgroup_record_planned(struct container *c, const struct cgroup *cg);

/* cgroup-fs.c helpers shared with the systemd driver. */
enum cgroup_layout {
        CGROUP_LAYOUT_NONE,   /* nothing mounted */
        CGROUP_LAYOUT_V1,     /* v1 controllers (with or without /sys/fs/cgroup/unified: hybrid) */
        CGROUP_LAYOUT_V2,     /* /sys/fs/cgroup is cgroup2 */
};
enum cgroup_layout cgroup_fs_layout(void);
/* The caller's own cgroup in the hierarchy `controller` ("unified" for v2), from /proc/self/cgroup. */
int cgroup_fs_own_path(const char *controller, char **ret);
/* Keep /proc/self/cgroup between calls (on) or read it each time (off); either way forget it. */
void cgroup_fs_own_cache(bool on);
/* Write pids.max (applied after the init is placed, see cgroup.c). */
int cgroup_fs_set_pids(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err);
/* The v1 -> v2 weight conversions (runc's), shared by both drivers. */
uint64_t cgroup_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);
/* OOM kills in the cgroup so far (-ENOENT: no memory controller). */
int cgroup_fs_oom_kills(const struct cgroup *cg, uint64_t *ret);
/* Apply the config's resources (and its linux.devices as allowed devices) to a made cgroup. */
int cgroup_fs_apply_create(struct cgroup *cg, struct container *c, ocirt_error **err);

/* cgroup-systemd.c: the systemd driver's own steps (making the scope with the resources systemd has
 * properties for and the org.systemd.property.* annotations, setting them again at update, removing
 * the scope); the rest is the cgroupfs operations on the scope's directory. */
bool cgroup_systemd_available(bool user);
int cgroup_systemd_names(const char *cgroups_path, const char *id, bool user, char **ret_slice, char **ret_unit);
int cgroup_systemd_start(ocirt_ctx *ctx, bool user, const char *slice, const char *unit, pid_t pid,
                         const struct spec *spec, char **ret_dir, ocirt_error **err);
/* SetUnitProperties for the resources in res that systemd knows; dir (may be NULL): the scope's cgroup. */
int cgroup_systemd_update(bool user, const char *unit, const char *dir, const struct spec_resources *res,
                          ocirt_error **err);
/* At SYNC_EARLY, once the runtime has left the scope: TasksMax (held back while it was inside). */
int cgroup_systemd_early(struct container *c, ocirt_error **err);
int cgroup_systemd_stop(bool user, const char *unit, ocirt_error **err);
