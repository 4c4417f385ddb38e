/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.h: the per-container state directory ROOT/ID: state.json (written atomically), the lock (a
 * flock on the directory fd, one per container), and start.sock while the container is `created`.
 * The status is never stored: it is derived from the live process (pid + its start time, so a
 * reused pid reads as stopped) and from the presence of start.sock. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"
#include "undo.h"

#define STATE_START_SOCK "start.sock"
/* What teardown needs, written before each thing it names is made (the cgroup, the init, a
 * helper) and kept beside state.json: a create killed half-way (no state.json yet) or a state.json
 * that was cut short still leaves `delete --force` the pid to kill and the cgroup to remove. The
 * same format as state.json; the pid is 0 until the init exists. */
#define STATE_RECORD "record.json"

struct state {
        char *oci_version;
        char *id;
        pid_t pid;
        unsigned long long start_time; /* /proc/PID/stat field 22 of the init */
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339 */
        uid_t owner;
        bool own_pidns; /* the container has its own pid namespace: killing pid 1 ends it all */
        struct spec_kv *annotations;
        size_t n_annotations;
        struct spec_kv *extra; /* subsystem facts (container_set_extra), the "ocirt" object */
        size_t n_extra;
};

/* NULL when the key is not there. */
const char *state_get_extra(const struct state *st, const char *key);
/* The container's config file (caller frees): the one `create --config` was given, else
 * BUNDLE/config.json. */
char *state_config_path(const struct state *st);

enum state_status {
        STATUS_CREATING,
        STATUS_CREATED,
        STATUS_RUNNING,
        STATUS_STOPPED,
        STATUS_PAUSED,
};
const char *state_status_name(enum state_status s);

/* Create ROOT/ID exclusively and lock it; pushes "remove state dir" on undo. */
int state_dir_create(ocirt_ctx *ctx, const char *id, int *ret_dirfd, struct undo *undo, ocirt_error **err);
/* Open and lock ROOT/ID. ENOENT: "container 'ID' does not exist". */
int state_dir_open(ocirt_ctx *ctx, const char *id, int *ret_dirfd, ocirt_error **err);
int state_dir_remove(ocirt_ctx *ctx, const char *id, ocirt_error **err);

int state_write(int dirfd, const struct state *st, ocirt_error **err);
/* ENOENT when state.json does not exist yet (the container is being created). */
int state_read(int dirfd, const char *id, struct state *ret, ocirt_error **err);
/* The same, for another file of the state dir (STATE_RECORD). */
int state_write_file(int dirfd, const char *name, const struct state *st, ocirt_error **err);
int state_read_file(int dirfd, const char *name, const char *id, struct state *ret, ocirt_error **err);
void state_done(struct state *st);
enum state_status state_status(int dirfd, const struct state *st);

/* The OCI state JSON (+ rootfs, created, owner), pretty-printed. */
char *state_to_json(const struct state *st, enum state_status status, bool pretty);
char *state_owner_name(uid_t uid);

/* Read the start time (and the one-letter state) of a pid; -ESRCH when gone. */
int proc_pid_start_time(pid_t pid, unsigned long long *ret_start, char *ret_state);
/* RFC 3339 UTC with nanoseconds, as runc writes `created`. */
char *rfc3339_now(void);
