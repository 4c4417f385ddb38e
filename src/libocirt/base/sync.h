/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.h: the ONE parent<->child protocol. One message per send() on a SOCK_SEQPACKET | SOCK_CLOEXEC
 * socketpair: SEQPACKET keeps message boundaries, so there is no length prefix to get wrong, and a
 * message may carry fds (SCM_RIGHTS): one, or a few with sync_send_fds. A short or oversized message
 * is a protocol error (EIO), so nothing read from the container side is trusted beyond its fixed
 * size (the CVE-2021-43784 class). */
#pragma once

#include <stdint.h>

#include "base/error.h"
#include "base/macro.h"

enum sync_type {
        SYNC_ERROR = 1,   /* child -> parent: errnum + "where\x1fhint\x1fmessage"; child exits */
        SYNC_LOG,         /* child -> parent: level + text */
        SYNC_USERNS,      /* child -> parent: my user namespace exists, write its maps (pid = whose) */
        SYNC_MAPS_DONE,   /* parent -> child: maps written, go on */
        SYNC_PID,         /* child -> parent: pid = the container init (when it is a grandchild) */
        SYNC_PTY,         /* child -> parent: fd = the pty master */
        SYNC_CREATED,     /* child -> parent: set up done, waiting for start */
        SYNC_START,       /* parent -> child: exec now (run without exec.fifo) */
        SYNC_HOOK,        /* child -> parent: mounts done, before pivot: run prestart/createRuntime/createContainer */
        SYNC_HOOK_DONE,   /* parent -> child */
        SYNC_EARLY,       /* child -> parent: namespaces exist: cgroup, network devices, slirp4netns now */
        SYNC_EARLY_DONE,  /* parent -> child */
        SYNC_SECCOMP_FD,  /* child -> parent: fd = the seccomp notify listener (issue 3) */
        SYNC_IDMAP_FD,    /* parent -> child, before SYNC_MAPS_DONE: fd = the idmapped tree of .mounts[pid] */
        SYNC_COMMITTED,   /* parent -> child, after SYNC_CREATED: recorded in the state dir, wait on alone */
        SYNC_CGROUP_FD,   /* parent -> child: fds = the cgroup's tasks (or cgroup.procs) files to write "0" to,
                           * text = "PATH\nCONTROLLER,..." (one controller per fd, for messages) */
        SYNC_CGROUP_DONE, /* parent -> child: the cgroup is made and limited, no more SYNC_CGROUP_FD */
        SYNC_CGROUP_HIERS, /* parent -> child, before SYNC_CGROUP_FD: text = its hierarchies (fs/mount-cgroup.c), or "" */
        SYNC__EXT = 64,   /* first value free for a subsystem's own messages */
};

struct sync_msg {
        uint32_t type;
        int32_t errnum;
        int32_t level;
        int32_t pid;
        char text[1536]; /* NUL-terminated; truncated, never overflowed */
};

/* fd_to_pass < 0: none. A send that fails because the peer is gone reports the SYNC_ERROR the peer
 * left queued, if any: that is the real failure, the broken pipe only its consequence. */
int sync_send(int sock, uint32_t type, int32_t pid, int fd_to_pass, ocirt_error **err);
int sync_send_msg(int sock, const struct sync_msg *m, int fd_to_pass, ocirt_error **err);
/* A message with several fds (at most SYNC_MAX_FDS), and its receiving end (*ret_n: how many came;
 * any beyond max are closed, a message cut short by them is EIO). */
#define SYNC_MAX_FDS 16
int sync_send_fds(int sock, const struct sync_msg *m, const int *fds, size_t n_fds, ocirt_error **err);
int sync_recv_fds(int sock, struct sync_msg *ret, int *fds, size_t max, size_t *ret_n, ocirt_error **err);
/* ret_fd may be NULL (a passed fd is then closed). EOF is EPIPE, a malformed message EIO. A peer
 * that exited with unread data (ECONNRESET) still has its own messages delivered first. */
int sync_recv(int sock, struct sync_msg *ret, int *ret_fd, ocirt_error **err);
/* Receive and require a given type; a SYNC_ERROR becomes the returned error. SYNC_LOG messages are
 * passed to log_fn (if any) and skipped. */
typedef void (*sync_log_fn)(void *userdata, int level, const char *text);
int sync_expect(int sock, uint32_t type, struct sync_msg *ret, int *ret_fd, sync_log_fn log_fn, void *userdata,
                ocirt_error **err);

/* Wait until the peer closes its end at execve() (success) or sends SYNC_ERROR (failure). Any other
 * message goes to on_msg (which owns fd; NULL: such a message is a protocol error). */
typedef int (*sync_msg_fn)(void *userdata, const struct sync_msg *m, int fd, ocirt_error **err);
int sync_wait_exec(int sock, sync_log_fn log_fn, sync_msg_fn on_msg, void *userdata, ocirt_error **err);

/* Runs in: a child of the runtime (the container init, a helper process). Send a SYNC_LOG message
 * (level + printf text, truncated to fit) on the sync socket; the runtime logs it through its ctx. */
void sync_log(int sock, int level, const char *fmt, ...) _printf_(3, 4);
