/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helper.h: the boundary to outside helper programs (newuidmap/newgidmap, slirp4netns,
 * fuse-overlayfs), all started through one runner (issue 5).
 *
 * The runner (helper.c) locates a tool on $PATH, names the Debian and Fedora packages when it is
 * missing, spawns it with exactly the fds it should see, applies a timeout and keeps the tool's own
 * stderr, so an error reads "newuidmap 1234 0 1000 1 1 100000 65536: exited with status 1:
 * newuidmap: write to uid_map failed: Operation not permitted". Not for: anything on the default
 * start path; a config that uses no helper never reaches this code. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "container.h"

struct state;

/* ---- the runner (helper.c) ---- */

enum helper_tool {
        HELPER_NEWUIDMAP,
        HELPER_NEWGIDMAP,
        HELPER_SLIRP4NETNS,
        HELPER_FUSE_OVERLAYFS,
        HELPER__MAX,
};

const char *helper_name(enum helper_tool t);
/* "install the package 'uidmap' (Debian: apt-get install uidmap; Fedora: dnf install shadow-utils)" */
const char *helper_install_hint(enum helper_tool t);

/* Find the tool on $PATH. ENOENT: the error names the package. */
int helper_find(enum helper_tool t, char **ret_path, ocirt_error **err);

/* Called in the forked child just before execve (after the fds are in place). Returns -errno. */
typedef int (*helper_setup_fn)(void *userdata);

struct helper_cmd {
        enum helper_tool tool;
        char **argv;            /* argv[0]: the tool's name (the runner execs the located path) */
        const int *keep_fds;    /* fds passed on unchanged (their numbers stay), -1 terminated or NULL */
        int stderr_fd;          /* >= 0: the tool's stderr goes there; -1: captured through a pipe */
        int cwd_fd;             /* >= 0: fchdir there before exec */
        bool new_session;       /* setsid(): terminal signals to the caller do not reach the tool */
        helper_setup_fn setup;  /* NULL or last-moment work in the child (setns ...) */
        void *setup_data;
};

struct helper_proc {
        pid_t pid;
        int stderr_pipe; /* read end when captured, else -1 */
        char *cmdline;   /* for errors: "newuidmap 1234 0 1000 1" */
        char *path;
};

int helper_spawn(struct helper_cmd *cmd, struct helper_proc *ret, ocirt_error **err);
/* Wait for the process with a timeout (then SIGKILL). Success is exit status 0; otherwise the error
 * holds the command line, the status and the tool's stderr (from the pipe or from errfile_fd). */
int helper_wait(struct helper_proc *p, int timeout_ms, int errfile_fd, const char *hint, ocirt_error **err);
void helper_proc_done(struct helper_proc *p);
/* Spawn and wait. */
int helper_run(struct helper_cmd *cmd, int timeout_ms, const char *hint, ocirt_error **err);

/* Read up to `max` bytes of a tool's stderr, trimmed, for an error message (caller frees). */
char *helper_read_stderr(int fd, bool from_start, size_t max);

/* Signal pid only when its start time still matches (no pid reuse), then wait up to timeout_ms for it
 * to go. Returns 0 when it is gone (or was gone already). */
int helper_stop_pid(pid_t pid, unsigned long long start_time, int sig, int timeout_ms);
/* "PID:STARTTIME" for state.json, and back. */
char *helper_pid_format(pid_t pid);
int helper_pid_parse(const char *s, pid_t *ret_pid, unsigned long long *ret_start);

/* Run fn in a forked child that joined the user namespace (if userns) and the namespaces of init_pid
 * named by nstypes (CLONE_NEWNET, CLONE_NEWNS). fn's return (-errno or 0) and an error text come back;
 * an fd the child puts in *ret_fd is passed back too (SCM_RIGHTS). */
typedef int (*helper_nsfn)(void *userdata, int *ret_fd, char *errbuf, size_t errlen);
int helper_in_ns(pid_t init_pid, bool userns, int nstypes, helper_nsfn fn, void *userdata, int *ret_fd,
                 ocirt_error **err);

/* ---- the options of one container (helper.c), from ocirt_create_options or annotations ---- */

enum helper_network {
        NETWORK_DEFAULT, /* as the config says */
        NETWORK_NONE,    /* a new network namespace with only lo */
        NETWORK_HOST,    /* no network namespace */
        NETWORK_SLIRP4NETNS,
};

enum helper_overlay {
        OVERLAY_NONE,
        OVERLAY_FUSE,
        OVERLAY_KERNEL,
};

struct helper_publish {
        char host_addr[64];
        uint16_t host_port, container_port;
        bool udp;
};

struct helpers {
        enum helper_network network;
        bool allow_host_loopback;
        struct helper_publish *publish;
        size_t n_publish;
        enum helper_overlay overlay;
        char *lower_rootfs;   /* root.path as given (the lowest layer) */
        char **layers;        /* further read-only layers, above root.path, lowest first */
        char *keep_dir;       /* NULL: upper/work in the state dir */
        char *upper, *work, *merged;
        char *state_dir;      /* absolute path of ROOT/ID */
};

/* Parse "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]". */
int helper_parse_publish(const char *s, struct helper_publish *ret, ocirt_error **err);

/* ---- uidmap.c ---- */

struct subid_range {
        uint64_t start, count;
};

/* Parse /etc/subuid-format text for the user `name` (or uid `uid` written as a number). */
int subid_parse(const char *text, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n);
/* The caller's ranges: libsubid when it can be loaded (NSS-served ranges count), else the file.
 * gid: /etc/subgid. ret_source says where they came from ("/etc/subuid", "libsubid"). */
int subid_lookup(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n,
                 const char **ret_source);
/* Is [start, start+count) inside the union of the ranges? *ret_first_bad is the first id outside. */
bool subid_covers(const struct subid_range *r, size_t n, uint64_t start, uint64_t count, uint64_t *ret_first_bad);
/* A start for a new 65536-id range above every range in the file text (for a fix command). */
uint64_t subid_free_start(const char *text);

/* Runtime, before the clone: the wide mappings fit the caller's subordinate ranges. */
int uidmap_check(struct container *c, ocirt_error **err);
/* Does the file carry the setuid bit owned by root, or file capabilities? */
bool uidmap_tool_privileged(const char *path, bool *ret_setuid, bool *ret_caps);

/* ---- slirp4netns.c ---- */
int slirp_prepare(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int slirp_early(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int slirp_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
/* Bring up lo in the init's network namespace (--network none). */
int net_loopback_up(struct container *c, ocirt_error **err);

/* ---- fuse-overlayfs.c ---- */
int overlay_prepare(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int overlay_early(struct container *c, struct helpers *h, struct undo *undo, ocirt_error **err);
int overlay_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);
