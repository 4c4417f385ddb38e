/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.h: the per-container state directory ROOT/ID: state.json (written atomically), the lock (a
 * flock on the directory fd, one per container), and start.sock while the container is `created`.
 * The status is never stored: it is derived from the live process (pid + its start time, so a
 * reused pid reads as stopped) and from the presence of start.sock. */
#pragma once

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/base.h"
#include "config/spec.h"

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

/* ---- container.c: the in-memory record of one container being created ---- */


struct container {
        ocirt_ctx *ctx;
        const char *id;
        struct spec *spec;
        char *bundle;       /* absolute */
        char *rootfs;       /* absolute */
        char *config_path;  /* as used for errors */
        unsigned flags;     /* OCIRT_CREATE_*, OCIRT_RUN_* */
        bool run_mode;      /* run: exec as soon as set up, no start.sock */
        int preserve_fds;
        const char *console_socket;

        bool rootless;      /* the runtime is not root in the initial user namespace */
        bool exe_exposed;   /* the container's root could write the runtime's binary (exe.c) */
        uid_t host_uid;
        gid_t host_gid;

        /* Namespaces: which are new, which are joined (fds opened by the runtime before clone). */
        unsigned long clone_flags; /* CLONE_NEW* created at clone time */
        unsigned long init_unshare; /* of those, made by the init itself right after (spawn.c) */
        bool new_ns[SPEC_NS__MAX];
        int join_fd[SPEC_NS__MAX]; /* -1: not joined */
        bool slow_path;            /* joins by path: intermediate process + fork */

        /* Effective id mappings (the config's, or the caller's own id added for a rootless user). */
        struct spec_idmap *uid_map, *gid_map;
        size_t n_uid_map, n_gid_map;
        bool maps_self_write; /* single own-id mapping: the child writes its own maps */

        /* fds owned by the runtime; the child closes them or uses them as noted. */
        int state_dirfd; /* O_PATH|O_DIRECTORY: the child binds start.sock through it */
        int lock_fd;     /* child: closed first thing (a shared flock would outlive `create`) */
        int sync_parent, sync_child;
        int start_listen_fd;    /* create: start.sock, listened on by the init until `start` */
        sigset_t saved_sigmask; /* restored in the init before exec */

        pid_t init_pid;
        int pty_master; /* in the runtime, after SYNC_PTY */

        /* cgroup v2: the container's cgroup directory, for clone3(CLONE_INTO_CGROUP), or -1. */
        int cgroup_fd;
        /* The init was born in its cgroup by clone3, so its cgroup namespace (which clone makes
         * from the parent's cgroup) is unshared by the init itself. */
        bool cgroupns_unshare;
        /* The init is put into its cgroup at SYNC_EARLY (systemd, rootless outside the user
         * manager's subtree): it unshares its cgroup namespace after that (cgroup.c). */
        bool cgroupns_after_early;
        /* v1 as root (cgroup.c, "late"): the runtime makes the v1 cgroups after the clone while the
         * init sets up, and the init moves itself in at its cgroup barrier (cgroup_barrier, set by
         * init.c: before a cgroup mount, the runtime's turns and the end of the mounts), then
         * unshares its cgroup namespace (cgroupns_after_join). cgroup_defer: the caller allows it. */
        bool cgroup_defer, cgroup_join_late, cgroupns_after_join;
        bool born_in_cgroup; /* clone3 put the init into cgroup_fd's directory */
        char *cgroup_hiers;  /* init: the runtime's plan of its cgroup mount (SYNC_CGROUP_HIERS), or NULL */
        /* run: the state dir is made right after the clone (lifecycle.c, spawn.c): nothing before
         * it made anything on the host that a record would have to name. */
        bool state_dir_late;
        bool cgroup_limits_pending; /* init: joined, SYNC_CGROUP_DONE not read yet */
        struct masks_job *masks_job; /* init: the maskedPaths thread (fs/rootfs-masks.c), or NULL */
        int runtime_cpu;             /* the CPU the runtime cloned the init on (spawn.c), or -1 */
        bool masks_tried;
        int (*cgroup_barrier)(struct container *c, bool limits, ocirt_error **err);

        /* Optional sync points; a subsystem that needs one sets the flag in its *_prepare(). Both cost
         * a round trip, so the plain start path has neither. */
        bool wait_early; /* init stops after its namespaces exist: cgroup, net devices, slirp4netns */
        bool wait_hooks; /* init stops after the mounts, before the pivot: prestart/createRuntime/... */

        /* Facts a subsystem needs again at start/kill/delete, kept in state.json ("ocirt" object). */
        struct spec_kv *extra;
        size_t n_extra;

        /* Subsystem private data, one pointer each (owner: the named file). */
        void *seccomp;   /* seccomp.c */
        void *cgroup;    /* cgroup.c */
        void *helpers;   /* helpers/ */
        void *hooks;     /* hooks.c */

        /* issue 3 (caps.c, seccomp.c): with noNewPrivileges false, loading the seccomp filter needs
         * CAP_SYS_ADMIN; caps.c keeps it until seccomp_install(), which then sets these final sets
         * (effective, permitted, inheritable). */
        bool caps_after_seccomp;
        uint64_t caps_final[3];
};

/* Keep key=value in state.json for later commands (replaces an existing key; NULL removes it).
 * Recorded in the state dir at once (record.json), so teardown knows a resource before it exists. */
void container_set_extra(struct container *c, const char *key, const char *value);
struct extra_kv {
        const char *key, *value; /* value NULL: remove the key */
};
/* The same for n facts at once, with one write of the record. */
void container_set_extras(struct container *c, const struct extra_kv *kv, size_t n);
/* Write what teardown would need now (record.json, see state.h); also done by every set_extra. */
void container_record(struct container *c);


/* Messages from the container init (or a child of the runtime) to the runtime, on the sync socket. */
#define init_log(c, level, ...) sync_log((c)->sync_child, (level), __VA_ARGS__)
