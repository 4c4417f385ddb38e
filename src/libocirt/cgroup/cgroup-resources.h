/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-resources.h: writing .linux.resources into a made cgroup's directories, in v1 form on v1
 * hierarchies and converted on v2, as runc and crun write them. Below every driver: the systemd
 * driver writes them into its scope's directory too (see cgroup-systemd.c). */
#pragma once

#include "cgroup/cgroup-dirs.h"
#include "config/spec.h"

/* At create: the config's resources (and its linux.devices as allowed devices), all but pids. */
int cgroup_resources_create(struct cgroup *cg, struct container *c, ocirt_error **err);
/* `update`: res over what is there, pids included; `where` names the source ("--resources"). */
int cgroup_resources_update(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err);
/* Write pids.max (applied once the runtime is out of the cgroup, see cgroup.c). */
int cgroup_resources_pids(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err);
