/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-res-v2.c: .linux.resources memory, cpu and blockIO converted to v2 files (shares to
 * weight, swap as memory+swap to swap alone, blkio to io.*), as runc and crun convert them. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup/cgroup-res-v2.h"
#include "base/base.h"

int
cgroup_res_v2_memory(struct cgroup_writer *w, const struct spec_memory *m)
{
        const char *dir = cgroup_dir_of(w->cg, CGROUP_V2);
        int r;

        if (w->update && m->has_check_before_update && m->check_before_update && m->has_limit && m->limit > 0) {
                _cleanup_free_ char *cur = NULL;
                if (cgroup_read(dir, "memory.current", &cur) >= 0 && strtoll(cur, NULL, 10) > m->limit)
                        return cgroup_wfail(w, EBUSY, "memory.limit", "raise the limit above the current usage",
                                            "the new limit %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
                                            m->limit, cur);
        }
        if (m->has_limit) {
                r = m->limit < 0 ? cgroup_wr(w, CGROUP_V2, "memory.max", "memory.limit", "max")
                                 : cgroup_wrf(w, CGROUP_V2, "memory.max", "memory.limit", "%" PRId64, m->limit);
                if (r < 0)
                        return r;
        }
        if (m->has_swap) {
                /* OCI's swap is memory+swap (v1); v2's memory.swap.max is the swap alone. */
                if (m->swap < 0)
                        r = cgroup_wr(w, CGROUP_V2, "memory.swap.max", "memory.swap", "max");
                else if (!m->has_limit || m->limit < 0)
                        return cgroup_wfail(w, EINVAL, "memory.swap", "set memory.limit too, or swap to -1",
                                            "a swap limit needs a memory limit on cgroup v2");
                else if (m->swap < m->limit)
                        return cgroup_wfail(w, EINVAL, "memory.swap", "swap is memory+swap: make it >= memory.limit",
                                            "swap %" PRId64 " is below the memory limit %" PRId64, m->swap, m->limit);
                else
                        r = cgroup_wrf(w, CGROUP_V2, "memory.swap.max", "memory.swap", "%" PRId64, m->swap - m->limit);
                if (r < 0)
                        return r;
        }
        if (m->has_reservation) {
                r = m->reservation < 0 ? cgroup_wr(w, CGROUP_V2, "memory.low", "memory.reservation", "max")
                                       : cgroup_wrf(w, CGROUP_V2, "memory.low", "memory.reservation", "%" PRId64, m->reservation);
                if (r < 0)
                        return r;
        }
        if (m->has_swappiness && dir && !cgroup_has_file(dir, "memory.swappiness"))
                log_warning(w->cg->ctx, "cgroup v2 has no swappiness, ignoring .linux.resources.memory.swappiness");
        if (m->has_disable_oom_killer && m->disable_oom_killer)
                log_warning(w->cg->ctx, "cgroup v2 cannot disable the OOM killer, ignoring .linux.resources.memory.disableOOMKiller");
        if (m->has_kernel || m->has_kernel_tcp)
                log_warning(w->cg->ctx, "cgroup v2 has no kernel memory limits, ignoring .linux.resources.memory.kernel*");
        return 0;
}

/* runc's conversion of cpu.shares (2..262144) to cpu.weight (1..10000); 0 stays 0 (unset). The
 * systemd driver sets CPUWeight with it too, so the file and the property hold the same number. */
uint64_t
cgroup_shares_to_weight(uint64_t shares)
{
        if (shares == 0)
                return 0;
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

/* blkio weight (10..1000) to io.weight (1..10000), as runc converts it. */
uint64_t
cgroup_blkio_to_io_weight(uint64_t weight)
{
        return 1 + (weight - 10) * 9999 / 990;
}

int
cgroup_res_v2_cpu(struct cgroup_writer *w, const struct spec_cpu *c)
{
        int r;

        if (c->has_shares && c->shares && (r = cgroup_wrf(w, CGROUP_V2, "cpu.weight", "cpu.shares", "%" PRIu64, cgroup_shares_to_weight(c->shares))) < 0)
                return r;
        if (c->has_quota || c->has_period) {
                char quota[32] = "max";
                uint64_t period = c->has_period && c->period ? c->period : 100000;
                if (c->has_quota && c->quota > 0)
                        snprintf(quota, sizeof quota, "%" PRId64, c->quota);
                else if (!c->has_quota && w->update) {
                        /* Keep the current quota when only the period changes. */
                        _cleanup_free_ char *cur = NULL;
                        const char *dir = cgroup_dir_of(w->cg, CGROUP_V2);
                        if (dir && cgroup_read(dir, "cpu.max", &cur) >= 0)
                                sscanf(cur, "%31s", quota);
                }
                if ((r = cgroup_wrf(w, CGROUP_V2, "cpu.max", c->has_quota ? "cpu.quota" : "cpu.period", "%s %" PRIu64, quota, period)) < 0)
                        return r;
        }
        if (c->has_burst && (r = cgroup_wrf(w, CGROUP_V2, "cpu.max.burst", "cpu.burst", "%" PRIu64, c->burst)) < 0)
                return r;
        if (c->has_idle && (r = cgroup_wrf(w, CGROUP_V2, "cpu.idle", "cpu.idle", "%" PRId64, c->idle)) < 0)
                return r;
        if ((c->has_realtime_period && c->realtime_period) || (c->has_realtime_runtime && c->realtime_runtime))
                return cgroup_wfail(w, ENOTSUP, "cpu.realtimeRuntime", "remove the realtime settings",
                                    "cgroup v2 has no realtime cpu limits");
        if (c->cpus && (r = cgroup_wr(w, CGROUP_V2, "cpuset.cpus", "cpu.cpus", c->cpus)) < 0)
                return r;
        if (c->mems && (r = cgroup_wr(w, CGROUP_V2, "cpuset.mems", "cpu.mems", c->mems)) < 0)
                return r;
        return 0;
}

int
cgroup_res_v2_io(struct cgroup_writer *w, const struct spec_blockio *b)
{
        const char *dir = cgroup_dir_of(w->cg, CGROUP_V2);
        bool bfq = dir && cgroup_has_file(dir, "io.bfq.weight");
        int r;

        /* v1 weights are 10..1000; io.weight is 1..10000 (runc's conversion); io.bfq.weight takes v1's range. */
        if (b->has_weight) {
                r = bfq ? cgroup_wrf(w, CGROUP_V2, "io.bfq.weight", "blockIO.weight", "%u", (unsigned) b->weight)
                        : cgroup_wrf(w, CGROUP_V2, "io.weight", "blockIO.weight", "default %u", (unsigned) cgroup_blkio_to_io_weight(b->weight));
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *d = &b->weight_device[i];
                if (!d->has_weight)
                        continue;
                r = bfq ? cgroup_wrf(w, CGROUP_V2, "io.bfq.weight", "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u", d->major,
                                     d->minor, (unsigned) d->weight)
                        : cgroup_wrf(w, CGROUP_V2, "io.weight", "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u", d->major,
                                     d->minor, (unsigned) cgroup_blkio_to_io_weight(d->weight));
                if (r < 0)
                        return r;
        }
        if ((r = cgroup_wr_throttle(w, CGROUP_V2, "io.max", "blockIO.throttleReadBpsDevice", b->throttle_read_bps,
                                    b->n_throttle_read_bps, "rbps")) < 0 ||
            (r = cgroup_wr_throttle(w, CGROUP_V2, "io.max", "blockIO.throttleWriteBpsDevice", b->throttle_write_bps,
                                    b->n_throttle_write_bps, "wbps")) < 0 ||
            (r = cgroup_wr_throttle(w, CGROUP_V2, "io.max", "blockIO.throttleReadIOPSDevice", b->throttle_read_iops,
                                    b->n_throttle_read_iops, "riops")) < 0 ||
            (r = cgroup_wr_throttle(w, CGROUP_V2, "io.max", "blockIO.throttleWriteIOPSDevice", b->throttle_write_iops,
                                    b->n_throttle_write_iops, "wiops")) < 0)
                return r;
        return 0;
}
