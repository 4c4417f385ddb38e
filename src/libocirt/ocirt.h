/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ocirt.h: the public API of libocirt, a rootless-first OCI runtime library.
 *
 * Conventions: every fallible call returns int, >= 0 on success and -errno on failure, and then
 * sets *err to an error object the caller frees with ocirt_error_free(). No jansson or libcap
 * type appears here; configs and states cross this boundary as JSON text. */
#ifndef OCIRT_H
#define OCIRT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OCIRT_PUBLIC __attribute__((visibility("default")))

typedef struct ocirt_ctx ocirt_ctx;
typedef struct ocirt_error ocirt_error;

/* ---- errors ---- */
OCIRT_PUBLIC int ocirt_error_errno(const ocirt_error *e);          /* positive errno */
OCIRT_PUBLIC const char *ocirt_error_message(const ocirt_error *e); /* "outer: inner: innermost" */
OCIRT_PUBLIC const char *ocirt_error_where(const ocirt_error *e);   /* NULL, "config.json: .a.b", "--flag" */
OCIRT_PUBLIC const char *ocirt_error_hint(const ocirt_error *e);    /* NULL or what would be right */
OCIRT_PUBLIC ocirt_error *ocirt_error_free(ocirt_error *e);         /* NULL-safe, returns NULL */
/* For callers that report their own errors the same way (the CLI's flag errors): sets *err when it
 * is NULL and returns -errnum. where and hint may be NULL. */
OCIRT_PUBLIC int ocirt_error_new(ocirt_error **err, int errnum, const char *where, const char *hint,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- context ---- */
enum ocirt_log_level {
        OCIRT_LOG_ERROR = 0,
        OCIRT_LOG_WARNING = 1,
        OCIRT_LOG_INFO = 2,
        OCIRT_LOG_DEBUG = 3,
};
/* errnum is 0 or the errno that goes with the message. */
typedef void (*ocirt_log_fn)(void *userdata, int level, int errnum, const char *msg);

enum ocirt_cgroup_manager {
        OCIRT_CGROUP_AUTO = 0,
        OCIRT_CGROUP_CGROUPFS,
        OCIRT_CGROUP_SYSTEMD,
        OCIRT_CGROUP_DISABLED,
};

OCIRT_PUBLIC int ocirt_ctx_new(ocirt_ctx **ret, ocirt_error **err);
OCIRT_PUBLIC ocirt_ctx *ocirt_ctx_free(ocirt_ctx *ctx);
/* State root. Default: /run/ocirt for root; for a user $XDG_RUNTIME_DIR/ocirt, without it
 * /run/user/UID/ocirt when that is the user's, else /tmp/ocirt-UID (checked: 0700, the user's,
 * not a symlink). See ocirt(1) --root. */
OCIRT_PUBLIC int ocirt_ctx_set_root(ocirt_ctx *ctx, const char *root, ocirt_error **err);
OCIRT_PUBLIC const char *ocirt_ctx_get_root(ocirt_ctx *ctx);
/* Messages up to max_level reach fn. Without a sink the library is silent. */
OCIRT_PUBLIC void ocirt_ctx_set_log(ocirt_ctx *ctx, ocirt_log_fn fn, void *userdata, int max_level);
OCIRT_PUBLIC void ocirt_ctx_set_cgroup_manager(ocirt_ctx *ctx, enum ocirt_cgroup_manager m);
/* Allow libocirt to re-execute the calling program (argv as given to main, kept alive by the caller)
 * from a sealed in-memory copy before it starts a container whose root could otherwise write the
 * program's binary through /proc/self/exe (CVE-2019-5736). The CLI does this; without it such a
 * container gets a warning. */
OCIRT_PUBLIC void ocirt_ctx_set_self_reexec(ocirt_ctx *ctx, char **argv);
/* -1 auto (default: rootless when euid != 0), 0 false, 1 true. */
OCIRT_PUBLIC void ocirt_ctx_set_rootless(ocirt_ctx *ctx, int rootless);

/* ---- spec ---- */
enum {
        OCIRT_SPEC_ROOTLESS = 1 << 0,
        OCIRT_SPEC_USERNS_SINGLE = 1 << 1, /* rootless: map only the caller, not its subordinate ids too */
};
/* A default config.json as text (caller frees). */
OCIRT_PUBLIC int ocirt_spec_generate(ocirt_ctx *ctx, unsigned flags, char **ret_json, ocirt_error **err);
/* Parse and validate a config file without running anything (for tools and tests). */
OCIRT_PUBLIC int ocirt_spec_check_file(ocirt_ctx *ctx, const char *path, ocirt_error **err);

/* ---- lifecycle ---- */
enum {
        OCIRT_CREATE_NO_PIVOT = 1 << 0,
        OCIRT_CREATE_NO_NEW_KEYRING = 1 << 1,
        OCIRT_RUN_DETACH = 1 << 2, /* run: return once the process started */
        OCIRT_RUN_KEEP = 1 << 3,   /* run: keep the state after the container exits */
};

typedef struct ocirt_create_options {
        const char *bundle;         /* NULL: the current directory */
        const char *config_path;    /* NULL: BUNDLE/config.json; relative paths are relative to the cwd */
        const char *pid_file;       /* NULL or where to write the init's pid */
        const char *console_socket; /* NULL or an AF_UNIX socket that receives the pty master */
        int preserve_fds;           /* pass fds 3 .. 3+N-1 to the container */
        unsigned flags;             /* OCIRT_CREATE_*, OCIRT_RUN_* */
        /* Rootless networking and a copy-on-write rootfs, through slirp4netns and fuse-overlayfs or
         * kernel overlayfs (ocirt-run(1) --network, --overlay). All NULL/0: none of them runs, and the annotations
         * org.ocirt.network, org.ocirt.network.publish, org.ocirt.network.allow-host-loopback,
         * org.ocirt.overlay, org.ocirt.overlay.layers and org.ocirt.overlay.keep in config.json
         * decide (ocirt-create(1)). */
        const char *network;               /* NULL (the config decides), "none", "host", "slirp4netns" */
        const char *const *publish;        /* slirp4netns: "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]" */
        size_t n_publish;
        int allow_host_loopback;           /* slirp4netns: 1 = the host's 127.0.0.1 answers at 10.0.2.2 */
        const char *overlay;               /* NULL, "fuse" or "kernel": a copy-on-write rootfs */
        const char *const *overlay_layers; /* further read-only layers above root.path, lowest first */
        size_t n_overlay_layers;
        const char *overlay_keep_dir;      /* NULL: upper/work in the state (gone at delete); else kept there */
} ocirt_create_options;

OCIRT_PUBLIC int ocirt_container_create(ocirt_ctx *ctx, const char *id, const ocirt_create_options *opts,
                                        ocirt_error **err);
OCIRT_PUBLIC int ocirt_container_start(ocirt_ctx *ctx, const char *id, ocirt_error **err);
/* create + start + (unless OCIRT_RUN_DETACH) wait: *ret_status is the exit status of the container
 * process as a shell reports it (128+N when killed by signal N). In the foreground, signals sent to
 * the caller are forwarded to the container, and a terminal is relayed when process.terminal is set
 * and no console socket is given. */
OCIRT_PUBLIC int ocirt_container_run(ocirt_ctx *ctx, const char *id, const ocirt_create_options *opts,
                                     int *ret_status, ocirt_error **err);

enum {
        OCIRT_KILL_ALL = 1 << 0,
};
OCIRT_PUBLIC int ocirt_container_kill(ocirt_ctx *ctx, const char *id, int signo, unsigned flags, ocirt_error **err);

enum {
        OCIRT_DELETE_FORCE = 1 << 0,
};
OCIRT_PUBLIC int ocirt_container_delete(ocirt_ctx *ctx, const char *id, unsigned flags, ocirt_error **err);

/* The state of one container as JSON text (OCI state plus rootfs, created, owner). */
OCIRT_PUBLIC int ocirt_container_state(ocirt_ctx *ctx, const char *id, char **ret_json, ocirt_error **err);

typedef struct ocirt_state_info {
        char *id;
        char *status;  /* creating, created, running, stopped */
        pid_t pid;     /* 0 when stopped */
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339 */
        char *owner;   /* user name (or uid) of the owner */
        char *oci_version; /* the state's ociVersion, as runc's `list --format json` shows it */
} ocirt_state_info;

OCIRT_PUBLIC int ocirt_container_list(ocirt_ctx *ctx, ocirt_state_info **ret_list, size_t *ret_n, ocirt_error **err);
OCIRT_PUBLIC void ocirt_state_info_free(ocirt_state_info *list, size_t n);

/* Container ids as runc accepts them: [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, at most 243 bytes (so that
 * ROOT/ID, the cgroup and the systemd unit ocirt-ID.scope all fit in a 255-byte name). */
OCIRT_PUBLIC int ocirt_id_validate(const char *id, ocirt_error **err);

/* ---- exec: another process in a container; features: what this runtime supports ---- */
enum {
        OCIRT_EXEC_DETACH = 1 << 0, /* return once the process runs (its pid is in pid_file) */
};

/* A new process in a running (or created) container. Without process_path, the container's own
 * process (from BUNDLE/config.json) is the base and the fields below change it; with process_path,
 * that file (a process.json, as conmon and containerd write it) replaces it whole. */
typedef struct ocirt_exec_options {
        const char *process_path;      /* NULL or a process.json */
        char *const *args;             /* NULL-terminated; required without process_path */
        char *const *env;              /* KEY=VALUE to add or replace */
        const char *cwd;               /* NULL: the process's cwd */
        const char *user;              /* NULL or "UID[:GID]", decimal only */
        char *const *additional_gids;  /* NULL-terminated decimal gids */
        char *const *caps;             /* capabilities to add ("CAP_NET_ADMIN") */
        int tty;                       /* -1: as the process says; 0 or 1 */
        int no_new_privs;              /* -1: as the process says; 1: set it */
        const char *process_label;     /* SELinux label */
        const char *apparmor;          /* AppArmor profile */
        const char *cgroup;            /* NULL or the sub-cgroup to join ("--cgroup") */
        const char *console_socket;    /* NULL or where the pty master goes */
        const char *pid_file;          /* written only once the process runs */
        int preserve_fds;              /* pass fds 3 .. 3+N-1 */
        unsigned flags;                /* OCIRT_EXEC_* */
} ocirt_exec_options;

/* In the foreground, signals are forwarded, a terminal is relayed (tty without console socket) and
 * *ret_status is the exit status as a shell reports it (128+N for signal N). */
OCIRT_PUBLIC int ocirt_container_exec(ocirt_ctx *ctx, const char *id, const ocirt_exec_options *opts,
                                      int *ret_status, ocirt_error **err);
/* The OCI features document (features-schema.json) as JSON text; the caller frees it. */
OCIRT_PUBLIC int ocirt_features_json(ocirt_ctx *ctx, char **ret_json, ocirt_error **err);

/* ---- check: is this host ready for rootless containers (ocirt-check(1)) ---- */
/* A rootless preflight of this host for the calling user: user namespaces, subuid/subgid, the
 * helper programs, /dev/fuse and /dev/net/tun, cgroups, the systemd user session and the
 * state root (which one, and why). Each finding carries the exact command that fixes it. */
enum ocirt_check_level {
        OCIRT_CHECK_OK = 0,
        OCIRT_CHECK_INFO = 1, /* worth knowing, nothing to fix */
        OCIRT_CHECK_WARN = 2, /* a feature will not work (e.g. --network slirp4netns) */
        OCIRT_CHECK_FAIL = 3, /* rootless containers (or wide mappings) will not work */
};
typedef struct ocirt_check_finding {
        char *id;      /* stable key: "userns", "subuid", "newuidmap", "state-root", ... */
        int level;     /* enum ocirt_check_level */
        char *summary; /* one line */
        char *fix;     /* NULL, or the exact command(s) that fix it */
} ocirt_check_finding;
/* For the calling user. Returns the number of OCIRT_CHECK_FAIL findings (>= 0). */
OCIRT_PUBLIC int ocirt_check(ocirt_ctx *ctx, ocirt_check_finding **ret_list, size_t *ret_n, ocirt_error **err);
OCIRT_PUBLIC void ocirt_check_free(ocirt_check_finding *list, size_t n);
OCIRT_PUBLIC const char *ocirt_check_level_name(int level); /* "ok", "info", "warning", "fail" */

/* ---- mounts of an existing container ---- */
/* Add (or remove) mounts to a created, running or paused container, root only: mounts_json is a
 * JSON array of mount objects as in config.json (or an object with a "mounts" array). add: binds,
 * new filesystems and remounts, in order, destinations resolved inside the container's root (cgroup
 * and idmapped mounts are refused); remove: each destination must be a mount point of the
 * container, and its top mount is detached. Not recorded anywhere: a restart would not see them. */
OCIRT_PUBLIC int ocirt_container_mounts_add(ocirt_ctx *ctx, const char *id, const char *mounts_json, ocirt_error **err);
OCIRT_PUBLIC int ocirt_container_mounts_remove(ocirt_ctx *ctx, const char *id, const char *mounts_json,
                                               ocirt_error **err);

/* ---- cgroups: pause, resume, update the resources of a running container ---- */
/* Freeze / thaw every process of a container (v1 freezer, v2 cgroup.freeze); state shows `paused`. */
OCIRT_PUBLIC int ocirt_container_pause(ocirt_ctx *ctx, const char *id, ocirt_error **err);
OCIRT_PUBLIC int ocirt_container_resume(ocirt_ctx *ctx, const char *id, ocirt_error **err);
/* Apply an OCI linux.resources object (JSON text); fields it does not name are left as they are. */
OCIRT_PUBLIC int ocirt_container_update(ocirt_ctx *ctx, const char *id, const char *resources_json,
                                        ocirt_error **err);
/* The pids (host pid namespace) in the container's cgroup; free(*ret_pids). */
OCIRT_PUBLIC int ocirt_container_pids(ocirt_ctx *ctx, const char *id, pid_t **ret_pids, size_t *ret_n,
                                      ocirt_error **err);
/* Resource usage as runc's `events --stats` "data" object (JSON text; caller frees). */
OCIRT_PUBLIC int ocirt_container_stats(ocirt_ctx *ctx, const char *id, char **ret_json, ocirt_error **err);
/* How many processes of the container the kernel's OOM killer has killed so far (its memory
 * cgroup's oom_kill counter). */
OCIRT_PUBLIC int ocirt_container_oom_kills(ocirt_ctx *ctx, const char *id, uint64_t *ret_count, ocirt_error **err);

/* ---- checkpoint and restore through CRIU (ocirt-checkpoint(1), ocirt-restore(1)) ---- */
/* CRIU (Debian: criu) is found on $PATH when one of these runs; nothing else needs it. A failure
 * reads "criu dump failed: REASON (criu's log: PATH)" with the first error of CRIU's log. */
enum {
        OCIRT_CHECKPOINT_LEAVE_RUNNING = 1 << 0,   /* checkpoint: the container keeps running */
        OCIRT_CHECKPOINT_TCP_ESTABLISHED = 1 << 1, /* established TCP connections */
        OCIRT_CHECKPOINT_EXT_UNIX_SK = 1 << 2,     /* external unix sockets */
        OCIRT_CHECKPOINT_SHELL_JOB = 1 << 3,       /* the process belongs to a shell job (session/tty) */
        OCIRT_CHECKPOINT_FILE_LOCKS = 1 << 4,      /* file locks */
        OCIRT_CHECKPOINT_PRE_DUMP = 1 << 5,        /* checkpoint: memory only, the container keeps running */
        OCIRT_CHECKPOINT_AUTO_DEDUP = 1 << 6,      /* deduplicate against the parent images */
        OCIRT_CHECKPOINT_LAZY_PAGES = 1 << 7,      /* lazy migration: memory served on demand (see below) */
        OCIRT_RESTORE_DETACH = 1 << 8,             /* restore: return once the container runs */
        OCIRT_RESTORE_NO_SUBREAPER = 1 << 9,       /* restore: accepted for runc's CLI; ocirt sets none */
        OCIRT_RESTORE_NO_PIVOT = 1 << 10,          /* restore: accepted for runc's CLI (criu pivots) */
};

/* What checkpoint and restore share. */
typedef struct ocirt_criu_options {
        const char *image_path;          /* NULL: ./checkpoint (checkpoint makes it when missing) */
        const char *work_path;           /* NULL: image_path; CRIU's log goes there */
        const char *manage_cgroups_mode; /* NULL (soft), "soft", "full", "strict", "ignore" */
        const char *const *empty_ns;     /* namespace types not to restore ("network") */
        size_t n_empty_ns;
        unsigned flags;                  /* OCIRT_CHECKPOINT_*, and OCIRT_RESTORE_* for restore */
} ocirt_criu_options;

typedef struct ocirt_checkpoint_options {
        ocirt_criu_options criu;
        const char *parent_path;         /* NULL or the previous (pre-)dump's images, relative to image_path */
        const char *page_server;         /* NULL or "ADDRESS:PORT": with LAZY_PAGES where CRIU serves the
                                          * memory; without, a `criu page-server` the pages are sent to */
        int status_fd;                   /* LAZY_PAGES: > 0, an fd written one '\0' byte (then closed)
                                          * when the pages are served; 0: none */
} ocirt_checkpoint_options;

/* Checkpoint a running container into image_path. Without LEAVE_RUNNING or PRE_DUMP the container
 * is stopped by the dump and its state removed, as runc does.
 * LAZY_PAGES (needs page_server, userfaultfd; root): everything but the memory is written to
 * image_path, then CRIU serves the memory at page_server and this call returns only when a
 * `criu lazy-pages --page-server` daemon has fetched all of it for a restore with LAZY_PAGES (the
 * container stays frozen meanwhile; restore it under another id). */
OCIRT_PUBLIC int ocirt_container_checkpoint(ocirt_ctx *ctx, const char *id, const ocirt_checkpoint_options *opts,
                                            ocirt_error **err);

typedef struct ocirt_restore_options {
        ocirt_criu_options criu;
        const char *bundle;              /* NULL: the current directory */
        const char *pid_file;
        const char *console_socket;      /* a terminal container: gets the new pty master */
} ocirt_restore_options;

/* Restore container `id` (which must not exist) from images, with the bundle's config. With
 * LAZY_PAGES the memory comes on demand from a `criu lazy-pages` daemon started beforehand on the
 * same images (its work dir is the restore's work_path). Without
 * OCIRT_RESTORE_DETACH, wait for it like run: *ret_status is its exit status, and its state is
 * removed when it exits. */
OCIRT_PUBLIC int ocirt_container_restore(ocirt_ctx *ctx, const char *id, const ocirt_restore_options *opts,
                                         int *ret_status, ocirt_error **err);

/* ---- misc ---- */
OCIRT_PUBLIC const char *ocirt_version(void);      /* "0.1.0" */
OCIRT_PUBLIC const char *ocirt_spec_version(void); /* the OCI runtime spec version: "1.3.0" */

#ifdef __cplusplus
}
#endif
#endif
