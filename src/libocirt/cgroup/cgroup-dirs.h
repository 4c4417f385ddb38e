/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-dirs.h: a container's cgroup as a list of directories, one per mounted hierarchy
 * ("memory=/sys/fs/cgroup/memory/ocirt/c1", ..., "unified=/sys/fs/cgroup/unified/ocirt/c1" on a
 * hybrid host, only "unified=" on a pure v2 host), its record in the state dir, and reading and
 * writing the files of one directory. Below every driver: they all keep their cgroup this way.
 *
 * The list is kept in state.json (key "cgroup.dirs", "controller=path" lines), so later commands
 * need no probing and act on exactly what create made. */
#pragma once

#include "base/base.h"
#include "state/state.h"

/* The v2 hierarchy of a cgroup, pure v2 or the hybrid's v2 part, in the list. */
#define CGROUP_V2 "unified"

struct cgroup_driver; /* driver.h */

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
        bool late;    /* v1: create makes only the hybrid's v2 directory, create_late the rest */
        bool no_kill; /* destroy only removes (a failed create's rollback) */
        char *unit;   /* systemd: the container's scope (NULL: none known, e.g. in a rollback) */
        bool user;    /* systemd: the scope is the user manager's */
};

struct cgroup *cgroup_new(ocirt_ctx *ctx, const struct cgroup_driver *driver);
void cgroup_free(struct cgroup *cg);
static inline void
cgroup_freep(struct cgroup **cg)
{
        cgroup_free(*cg);
}
#define _cleanup_cgroup_ _cleanup_(cgroup_freep)

void cgroup_add_dir(struct cgroup *cg, const char *controller, const char *path);
const char *cgroup_dir_of(const struct cgroup *cg, const char *controller); /* NULL when not there */
/* "controller=path" lines: the form kept in state.json and in the undo steps. */
char *cgroup_dirs_text(const struct cgroup *cg);
/* A cgroup of `driver` with the directories of such text (v2 when it names only "unified"). */
struct cgroup *cgroup_from_text(ocirt_ctx *ctx, const struct cgroup_driver *driver, const char *text);
/* cg's directories, without the v2 one when skip_v2. */
struct cgroup *cgroup_subset(const struct cgroup *cg, bool skip_v2);

/* Record the cgroup's directories in the state dir before any is made (see STATE_RECORD): a create
 * killed from here on leaves `delete --force` what to remove. "pending" until cgroup.c commits it: a
 * directory that turned out to be someone else's is then only removed when empty, never killed in. */
void cgroup_record_planned(struct container *c, const struct cgroup *cg, const char *driver);

/* The files of one cgroup directory: -errno on a failure. cgroup_read strips the trailing newline. */
int cgroup_write(const char *dir, const char *file, const char *value);
int cgroup_read(const char *dir, const char *file, char **ret);
bool cgroup_has_file(const char *dir, const char *file);
