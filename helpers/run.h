/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run.h: the helper toolkit, the boundary to outside helper programs (newuidmap/newgidmap,
 * slirp4netns, fuse-overlayfs, criu), all started through one runner (run.c).
 *
 * The runner (run.c) locates a tool on $PATH, names the Debian and Fedora packages when it is
 * missing, spawns it with exactly the fds it should see, applies a timeout and keeps the tool's own
 * stderr, so an error reads "newuidmap 1234 0 1000 1 1 100000 65536: exited with status 1:
 * newuidmap: write to uid_map failed: Operation not permitted". Not for: anything on the default
 * start path; a config that uses no helper never reaches this code. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/base.h"
#include "state/state.h"


/* ---- the runner ---- */

enum helper_tool {
        HELPER_NEWUIDMAP,
        HELPER_NEWGIDMAP,
        HELPER_SLIRP4NETNS,
        HELPER_FUSE_OVERLAYFS,
        HELPER_PASTA,
        HELPER_CRIU,
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

/* "newuidmap 1234 0 1000 1": argv joined with spaces, for errors (caller frees). */
char *helper_cmdline(char **argv);

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

/* ---- the watcher (watch.c) ---- */

/* A tool that must live as long as the container, not as long as the runtime (`ocirt create` exits
 * long before its container) is started by a watcher: a fork of the runtime (no exec) in its own
 * session, signals blocked, stdio on /dev/null, holding a pidfd of the container's init. When the
 * init exits, the watcher ends the tool (closing end_fd, or SIGTERM then SIGKILL), reaps it and
 * exits itself. `delete` stops what is left by pid and start time from state.json. */
struct helper_watch {
        struct helper_cmd cmd;  /* what to start; cmd.cwd_fd is also where pidfile is read */
        pid_t init_pid;
        int end_fd;             /* >= 0: the tool ends when this (write end of its exit pipe) closes */
        /* The tool forks into the background once ready (pasta): the watcher waits up to ready_ms for
         * the foreground process to exit 0 (its error text from cmd.stderr_fd otherwise) and adopts the
         * daemon, whose pid it reads from pidfile (as a child subreaper, so it can reap it). */
        const char *pidfile;
        int ready_ms;
        const char *hint;       /* for a failed start */
};

struct helper_watched {
        pid_t tool, watcher;
        unsigned long long tool_start, watcher_start;
};

/* Fork the watcher and wait for its report; *ret (owned by the undo list, which stops both if the
 * create fails later) names both processes, also after a failed start. end_fd is the watcher's alone
 * afterwards (closed here). */
int helper_watch_start(struct helper_watch *w, struct undo *undo, struct helper_watched **ret, ocirt_error **err);
/* Stop both: by pid and start time, never by name. */
void helper_watch_stop(const struct helper_watched *w);
/* The state.json facts for both ("PID:STARTTIME"): PREFIX.pid and PREFIX.watcher. */
void helper_watch_facts(const struct helper_watched *w, char **ret_pid, char **ret_watcher);
/* At delete: stop what the facts PREFIX.pid and PREFIX.watcher of state.json name, if any. */
void helper_watch_teardown(ocirt_ctx *ctx, const struct state *st, const char *prefix);

/* Does the file carry the setuid bit owned by root, or file capabilities? */
bool uidmap_tool_privileged(const char *path, bool *ret_setuid, bool *ret_caps);
