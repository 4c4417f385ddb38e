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


/* ---- the runner ---- */

enum helper_tool {
        HELPER_NEWUIDMAP,
        HELPER_NEWGIDMAP,
        HELPER_SLIRP4NETNS,
        HELPER_FUSE_OVERLAYFS,
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

/* Does the file carry the setuid bit owned by root, or file capabilities? */
bool uidmap_tool_privileged(const char *path, bool *ret_setuid, bool *ret_caps);
