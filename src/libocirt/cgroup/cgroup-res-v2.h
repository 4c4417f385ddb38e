/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-res-v2.h: .linux.resources memory, cpu and blockIO converted to cgroup v2 files, and the
 * v1 -> v2 weight conversions (runc's), which the systemd driver's unit properties use too. */
#pragma once

#include "cgroup/cgroup-writer.h"

int cgroup_res_v2_memory(struct cgroup_writer *w, const struct spec_memory *m);
int cgroup_res_v2_cpu(struct cgroup_writer *w, const struct spec_cpu *c);
int cgroup_res_v2_io(struct cgroup_writer *w, const struct spec_blockio *b);

uint64_t cgroup_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);
