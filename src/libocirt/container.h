/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.h: what one container creation carries across the runtime (lifecycle.c, process.c) and
 * the container init (init.c and the modules it calls). Built by lifecycle.c before the clone; the
 * init reads its copy after the clone (no shared memory, no locking). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"
#include "spec.h"
#include "sync.h"
#include "undo.h"

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

/* seccomp.c (issue 3): a filter is pending and no_new_privs will not be set (caps.c asks). */
bool seccomp_needs_sys_admin(struct container *c);

/* Keep key=value in state.json for later commands (replaces an existing key). */
void container_set_extra(struct container *c, const char *key, const char *value);

/* process.c — Runs in: the runtime. */
int process_spawn_init(struct container *c, struct undo *undo, ocirt_error **err);
/* Wait for the init to exec (EOF on the sync socket) or to report an error. */
int process_wait_exec(struct container *c, sync_msg_fn on_msg, void *userdata, ocirt_error **err);

/* init.c — Runs in: the container init; never returns. */
_noreturn_ void init_main(struct container *c);
/* Report from the child: sends SYNC_ERROR and _exit()s. */
_noreturn_ void init_fail(struct container *c, ocirt_error *e);
void init_log(struct container *c, int level, const char *fmt, ...) _printf_(3, 4);

/* userns.c */
int userns_plan(struct container *c, ocirt_error **err); /* runtime: decide maps */
int userns_write_maps(struct container *c, pid_t pid, bool self, ocirt_error **err);

/* ns.c */
int ns_plan(struct container *c, ocirt_error **err); /* runtime: flags, join fds */
int ns_join(struct container *c, bool user, ocirt_error **err); /* child */
int ns_loopback_up(struct container *c, ocirt_error **err);       /* child, in a new network namespace */
unsigned long ns_clone_flag(enum spec_ns_type t);

/* rootfs.c, mount.c, devices.c — Run in: the container init. */
int rootfs_setup(struct container *c, int *ret_rootfd, ocirt_error **err);
int rootfs_pivot(struct container *c, int rootfd, ocirt_error **err);
int rootfs_finalize(struct container *c, ocirt_error **err); /* after pivot: masked/ro paths, ro root */
int mount_one(struct container *c, int rootfd, const struct spec_mount *m, size_t index, ocirt_error **err);
int devices_setup(struct container *c, int rootfd, ocirt_error **err);
int devices_bind_console(struct container *c, int rootfd, int pty_slave, ocirt_error **err);

/* pathres.c: resolve inside the rootfs so that no symlink or ".." leads out of it. */
enum {
        PATHRES_MKDIR = 1 << 0,   /* create missing directories (all components) */
        PATHRES_MKFILE = 1 << 1,  /* create the last component as an empty file when missing */
        PATHRES_NOFOLLOW = 1 << 2 /* do not follow a symlink in the last component */
};
int pathres_open(int rootfd, const char *path, unsigned flags, int *ret_fd, ocirt_error **err);

/* terminal.c */
int terminal_setup_child(struct container *c, int rootfd, ocirt_error **err); /* init: pty, ctty */
int terminal_open_slave(int master, const struct spec_process *p, int *ret_slave, ocirt_error **err);
int terminal_take(int sync_sock, int master, int slave, ocirt_error **err);
int terminal_send_console(const char *socket_path, int master, ocirt_error **err);
/* init, before the switch to process.user: stdio (pty, pipes, sockets) becomes that user's. */
int terminal_fix_stdio(struct container *c, ocirt_error **err);

/* caps.c — Runs in: the container init, as the last steps before exec. */
int caps_apply(struct container *c, ocirt_error **err);
int caps_keep_for_user_switch(bool on);
char *user_home(uid_t uid); /* after the pivot: HOME from the container's /etc/passwd, else "/" */

/* ---- Subsystems plugged into the lifecycle. Each lives in its own file(s), owned by its issue.
 * Runtime-side calls happen in lifecycle.c / process.c in this order:
 *   *_prepare (before the clone) -> clone -> [SYNC_EARLY: *_early] -> [SYNC_HOOK: hooks_create]
 *   -> SYNC_CREATED -> state written -> (start) -> *_poststart ; delete: *_teardown. */
struct state;

/* seccomp.c (issue 3). Runs in: the container init. */
int seccomp_prepare(struct container *c, ocirt_error **err);                  /* before caps are dropped */
int seccomp_install(struct container *c, int *ret_notify_fd, ocirt_error **err); /* last step before execve */
/* exec: load the container's filter (from its config) in the exec'd process. Runs in: that process. */
int seccomp_load_spec(const struct spec *s, int *ret_notify_fd, ocirt_error **err);
/* Runs in: the runtime (create/run or start): pass a notify fd on to listenerPath. */
int seccomp_forward_listener(ocirt_ctx *ctx, const char *state_json, const char *msg_text, int fd,
                             ocirt_error **err); /* msg_text: what the init put in SYNC_SECCOMP_FD */

/* procattr.c (issue 3): the remaining process/linux fields. */
int procattr_prepare(struct container *c, ocirt_error **err);      /* runtime, before clone: checks */
int procattr_early(struct container *c, struct undo *undo, ocirt_error **err); /* runtime, SYNC_EARLY: netDevices, intelRdt */
int procattr_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err); /* delete: the resctrl group it made */
int procattr_after_pivot(struct container *c, ocirt_error **err);  /* init: sysctl, before masked/ro paths */
int procattr_before_caps(struct container *c, ocirt_error **err);  /* init: scheduler, ioprio, mempolicy, ... */
int procattr_before_exec(struct container *c, ocirt_error **err);  /* init: LSM exec labels, after caps */

/* cgroup.c (issue 6). */
int cgroup_prepare(struct container *c, struct undo *undo, ocirt_error **err); /* runtime, before clone */
int cgroup_early(struct container *c, struct undo *undo, ocirt_error **err);   /* runtime, SYNC_EARLY */
/* clone3(CLONE_INTO_CGROUP) was refused: put the runtime into the cgroup before a plain clone. */
int cgroup_clone_fallback(struct container *c, struct undo *undo, ocirt_error **err);
int cgroup_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
/* 1: handled (all processes signalled through the cgroup), 0: not possible, caller falls back. */
int cgroup_kill_all(ocirt_ctx *ctx, const struct state *st, int sig);
bool cgroup_is_paused(ocirt_ctx *ctx, const struct state *st);
/* exec without the runtime migrating anything: the v2 directory for clone3 of the helper (-1: none),
 * and the helper's move of its own thread into the rest. */
int cgroup_exec_v2_fd(ocirt_ctx *ctx, const struct state *st, const char *sub, ocirt_error **err);
int cgroup_join_self(ocirt_ctx *ctx, const struct state *st, const char *sub, bool skip_v2, ocirt_error **err);

/* hooks.c (issue 7). */
int hooks_prepare(struct container *c, ocirt_error **err);                     /* runtime: sets wait_hooks */
int hooks_create(struct container *c, ocirt_error **err);                      /* runtime, SYNC_HOOK */
int hooks_create_container(struct container *c, ocirt_error **err);            /* init, before the pivot */
int hooks_start_container(struct container *c, ocirt_error **err);             /* init, after start */
int hooks_poststart(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err);
int hooks_poststop(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err);

/* helpers/ (issue 5): newuidmap, slirp4netns, fuse-overlayfs. */
int helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err);
int helpers_early(struct container *c, struct undo *undo, ocirt_error **err);
/* Free what helpers_prepare() kept when helpers_early() did not run (a create that failed first). */
void helpers_release(struct container *c);
int helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
/* Runtime side of a wide mapping for a rootless user (userns.c calls it). */
int uidmap_write_helpers(struct container *c, pid_t pid, ocirt_error **err);

/* exe.c: CVE-2019-5736. Runs in: the runtime, before anything is created; may re-execute. */
int exe_protect(struct container *c, ocirt_error **err);

/* signals.c */
void signals_forwardable(sigset_t *ret);
int signals_block_all(sigset_t *ret_old);
/* Forward signals (and relay the pty when master >= 0) until pid exits. */
int signals_wait_child(ocirt_ctx *ctx, pid_t pid, int master, int *ret_status, ocirt_error **err);
