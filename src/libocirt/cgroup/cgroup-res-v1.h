/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-res-v1.h: the cgroup v1 form of .linux.resources memory, cpu and blockIO (cgroup-resources.c
 * writes the rest). */
#pragma once

#include "cgroup/cgroup-writer.h"

int cgroup_res_v1_memory(struct cgroup_writer *w, const struct spec_memory *m);
int cgroup_res_v1_cpu(struct cgroup_writer *w, const struct spec_cpu *c);
int cgroup_res_v1_blkio(struct cgroup_writer *w, const struct spec_blockio *b);
