/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-process.h: what exec.c (the runtime's side of `exec`) shares with exec-process.c (the
 * intermediate process and the exec'd one). Only container/ includes it. */
#pragma once

#include <signal.h>

#include "container/container.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The namespaces of /proc/PID/ns, user first: the others are owned by it and need its capabilities. */
#define EXEC_N_NS 8
extern const struct exec_ns {
        const char *name;
        int flag;
} exec_ns_order[EXEC_N_NS];

/* One `exec`, from the runtime's look at the container to the process's execve(). */
struct exec_run {
        ocirt_ctx *ctx;
        struct spec *spec;
        const char *where;          /* the config or process file, for errors */
        const ocirt_exec_options *o;
        int ns_fd[EXEC_N_NS];
        int root_fd;                /* the container's root, when it shares our mount namespace */
        int lock_fd;
        int sync_parent, sync_child;
        sigset_t saved_mask;
        pid_t pid;                  /* the process, once known */
        int pty_master;
        struct state *st;
        bool cgroup_v2_done; /* the helper was clone3()d into the v2 cgroup */
        void *seccomp;       /* the filter, built by the runtime before the fork (NULL: none) */
};

/* pid's affinity from list ("0-3,7"); list NULL: every CPU (the kernel narrows it to the cgroup's
 * cpuset). Runs in: the runtime (execCPUAffinity.initial) or the exec'd process (.final). */
int exec_set_affinity(pid_t pid, const char *list, const char *where, ocirt_error **err);

/* Runs in: the intermediate process. Joins the container's cgroup and namespaces, forks the
 * process into them and reports its pid. Never returns. */
_noreturn_ void exec_intermediate(struct exec_run *x);
/* Runs in: the process, when the runtime joined the pid namespace for it. Never returns. */
_noreturn_ void exec_direct(struct exec_run *x);
