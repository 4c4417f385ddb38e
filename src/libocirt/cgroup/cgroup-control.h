/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-control.h: the processes in a made cgroup, through its directories: moving one in, listing,
 * freezing, signalling them all, and removing the directories. Below every driver: the cgroupfs
 * driver's operations, and the systemd driver's on its scope's directory. */
#pragma once

#include <sys/types.h>

#include "cgroup/cgroup-dirs.h"

/* Put pid (0: the caller; on v1 only its calling thread) into every directory, or into their
 * sub-cgroup `sub`. */
int cgroup_control_enter(struct cgroup *cg, pid_t pid, const char *sub, ocirt_error **err);
/* The pids in the cgroup and its sub-cgroups. */
int cgroup_control_pids(struct cgroup *cg, pid_t **ret, size_t *ret_n, ocirt_error **err);
int cgroup_control_is_frozen(struct cgroup *cg); /* 1, 0, or -errno */
int cgroup_control_freeze(struct cgroup *cg, bool frozen, ocirt_error **err);
/* 1: every process was signalled, 0: not possible (no directory left). */
int cgroup_control_kill_all(struct cgroup *cg, int sig);
/* Remove the directories, killing what is left in them unless cg->no_kill. */
int cgroup_control_remove(struct cgroup *cg, ocirt_error **err);
