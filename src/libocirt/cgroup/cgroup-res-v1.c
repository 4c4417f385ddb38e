/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-res-v1.c: .linux.resources memory, cpu and blockIO written as they are, in v1 files. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup/cgroup-res-v1.h"
#include "cgroup/cgroup-layout.h"
#include "base/base.h"

int
cgroup_res_v1_memory(struct cgroup_writer *w, const struct spec_memory *m)
{
        const char *dir = cgroup_dir_of(w->cg, "memory");
        int r;

        if (!dir)
                return cgroup_wr(w, "memory", "", "memory", "");
        if (w->update && m->has_check_before_update && m->check_before_update && m->has_limit && m->limit > 0) {
                _cleanup_free_ char *cur = NULL;
                if (cgroup_read(dir, "memory.usage_in_bytes", &cur) >= 0 && strtoll(cur, NULL, 10) > m->limit)
                        return cgroup_wfail(w, EBUSY, "memory.limit", "raise the limit above the current usage",
                                            "the new limit %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
                                            m->limit, cur);
        }
        if (m->has_limit || m->has_swap) {
                bool memsw = cgroup_has_file(dir, "memory.memsw.limit_in_bytes"), has_swap = m->has_swap && memsw;
                int64_t swap = m->swap;
                if (m->has_swap && !memsw)
                        log_warning(w->cg->ctx, "swap accounting is off on this host, ignoring .linux.resources.memory.swap");
                /* An unlimited memory limit without a word about swap lifts the swap limit too (runc does
                 * the same): the kernel keeps memsw >= limit, so `update --memory -1` would fail under any
                 * swap limit. */
                if (m->has_limit && m->limit == -1 && !m->has_swap && memsw) {
                        has_swap = true;
                        swap = -1;
                }
                if (m->has_limit && has_swap) {
                        /* The order that keeps memsw >= limit at every step: swap first when the new
                         * memsw is above the current limit (raising), else the limit first. */
                        _cleanup_free_ char *cur = NULL;
                        bool swap_first = swap == -1 || (cgroup_read(dir, "memory.limit_in_bytes", &cur) >= 0 &&
                                                         strtoull(cur, NULL, 10) < (uint64_t) swap);
                        for (int i = 0; i < 2; i++) {
                                r = (i == 0) == swap_first
                                            ? cgroup_wrf(w, "memory", "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, swap)
                                            : cgroup_wrf(w, "memory", "memory.limit_in_bytes", "memory.limit", "%" PRId64, m->limit);
                                if (r < 0)
                                        return r;
                        }
                } else if (m->has_limit) {
                        if ((r = cgroup_wrf(w, "memory", "memory.limit_in_bytes", "memory.limit", "%" PRId64, m->limit)) < 0)
                                return r;
                } else if (has_swap) {
                        if ((r = cgroup_wrf(w, "memory", "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, swap)) < 0)
                                return r;
                }
        }
        if (m->has_reservation && (r = cgroup_wrf(w, "memory", "memory.soft_limit_in_bytes", "memory.reservation",
                                                  "%" PRId64, m->reservation)) < 0)
                return r;
        if (m->has_kernel) {
                if (cgroup_has_file(dir, "memory.kmem.limit_in_bytes")) {
                        if ((r = cgroup_wrf(w, "memory", "memory.kmem.limit_in_bytes", "memory.kernel", "%" PRId64, m->kernel)) < 0)
                                return r;
                } else
                        log_warning(w->cg->ctx, "no kernel memory limits on this kernel, ignoring .linux.resources.memory.kernel");
        }
        if (m->has_kernel_tcp && (r = cgroup_wrf(w, "memory", "memory.kmem.tcp.limit_in_bytes", "memory.kernelTCP", "%" PRId64,
                                                 m->kernel_tcp)) < 0)
                return r;
        if (m->has_swappiness && (r = cgroup_wrf(w, "memory", "memory.swappiness", "memory.swappiness", "%" PRIu64,
                                                 m->swappiness)) < 0)
                return r;
        if (m->has_disable_oom_killer && (r = cgroup_wr(w, "memory", "memory.oom_control", "memory.disableOOMKiller",
                                                        m->disable_oom_killer ? "1" : "0")) < 0)
                return r;
        if (m->has_use_hierarchy && (r = cgroup_wr(w, "memory", "memory.use_hierarchy", "memory.useHierarchy",
                                                   m->use_hierarchy ? "1" : "0")) < 0)
                return r;
        return 0;
}

/* The real-time budget of a v1 cpu cgroup is carved out of its parent's: the kernel refuses a
 * cpu.rt_runtime_us that, with the siblings', exceeds the parent's share, and a new cgroup starts
 * with 0. So realtimeRuntime fails below any parent nobody gave a budget (ocirt's own /ocirt, or a
 * cgroupsPath two levels down, where runc 1.1.5 fails too). Raise each ancestor, from the top down,
 * to what its children then need: its other children's shares plus the one towards the container.
 * Only ever raised, never lowered (that would take budget from someone's running tasks); a parent
 * that cannot give enough makes the final write fail, with its error. */
static void
rt_make_room(struct cgroup_writer *w, double share)
{
        const char *leaf = cgroup_dir_of(w->cg, "cpu");
        const char *root = CGROUP_ROOT "/cpu";
        size_t rootlen = strlen(root), n = 0;
        char **anc = NULL;
        double *need;

        if (!leaf || strncmp(leaf, root, rootlen) != 0 || leaf[rootlen] != '/')
                return;
        for (const char *s = strchr(leaf + rootlen + 1, '/'); s; s = strchr(s + 1, '/')) {
                anc = xrealloc(anc, (n + 1) * sizeof *anc);
                anc[n++] = xstrndup(leaf, (size_t) (s - leaf));
        }
        need = xcalloc(n + 1, sizeof *need);
        /* Bottom-up: the share each ancestor must hold (as a fraction of a CPU). */
        double below = share;
        const char *child = leaf;
        for (size_t i = n; i-- > 0; child = anc[i]) {
                _cleanup_closedir_ DIR *d = opendir(anc[i]);
                struct dirent *de;
                double others = 0;
                while (d && (de = readdir(d))) {
                        _cleanup_free_ char *sub = NULL, *rt = NULL, *per = NULL;
                        if (de->d_type != DT_DIR || de->d_name[0] == '.')
                                continue;
                        sub = xasprintf("%s/%s", anc[i], de->d_name);
                        if (streq(sub, child) || cgroup_read(sub, "cpu.rt_runtime_us", &rt) < 0 ||
                            cgroup_read(sub, "cpu.rt_period_us", &per) < 0 || strtoll(rt, NULL, 10) <= 0 ||
                            strtoll(per, NULL, 10) <= 0)
                                continue;
                        others += (double) strtoll(rt, NULL, 10) / (double) strtoll(per, NULL, 10);
                }
                below += others;
                need[i] = below;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *rt = NULL, *per = NULL;
                char v[24];
                if (cgroup_read(anc[i], "cpu.rt_runtime_us", &rt) < 0 || cgroup_read(anc[i], "cpu.rt_period_us", &per) < 0)
                        break;
                long long period = strtoll(per, NULL, 10), want = (long long) (need[i] * (double) period + 0.999);
                if (strtoll(rt, NULL, 10) >= want)
                        continue;
                snprintf(v, sizeof v, "%lld", want);
                if (cgroup_write(anc[i], "cpu.rt_runtime_us", v) < 0)
                        break;
                log_debug(w->cg->ctx, "cgroup: %s/cpu.rt_runtime_us = %s (room for realtimeRuntime)", anc[i], v);
        }
        for (size_t i = 0; i < n; i++)
                free(anc[i]);
        free(anc);
        free(need);
}

int
cgroup_res_v1_cpu(struct cgroup_writer *w, const struct spec_cpu *c)
{
        bool retry_period = false;
        int r;

        if (c->has_shares && (r = cgroup_wrf(w, "cpu", "cpu.shares", "cpu.shares", "%" PRIu64, c->shares)) < 0)
                return r;
        if (c->has_period) {
                /* A shorter period under the current quota can exceed what the parent allows
                 * (quota/period is a share of CPUs): the kernel says EINVAL. With a new quota too,
                 * write that first and the period again after it, as runc does. */
                char v[24];
                const char *dir = cgroup_dir_of(w->cg, "cpu");
                snprintf(v, sizeof v, "%" PRIu64, c->period);
                r = dir ? cgroup_write(dir, "cpu.cfs_period_us", v) : -ENOENT;
                if (r == 0)
                        retry_period = false;
                else if (r == -EINVAL && c->has_quota)
                        retry_period = true;
                else if ((r = cgroup_wr(w, "cpu", "cpu.cfs_period_us", "cpu.period", v)) < 0)
                        return r;
        }
        if (c->has_quota && (r = cgroup_wrf(w, "cpu", "cpu.cfs_quota_us", "cpu.quota", "%" PRId64, c->quota)) < 0)
                return r;
        if (retry_period && (r = cgroup_wrf(w, "cpu", "cpu.cfs_period_us", "cpu.period", "%" PRIu64, c->period)) < 0)
                return r;
        if (c->has_burst && (r = cgroup_wrf(w, "cpu", "cpu.cfs_burst_us", "cpu.burst", "%" PRIu64, c->burst)) < 0)
                return r;
        if (c->has_realtime_period &&
            (r = cgroup_wrf(w, "cpu", "cpu.rt_period_us", "cpu.realtimePeriod", "%" PRIu64, c->realtime_period)) < 0)
                return r;
        if (c->has_realtime_runtime && c->realtime_runtime > 0 && cgroup_dir_of(w->cg, "cpu")) {
                _cleanup_free_ char *per = NULL;
                int64_t period = c->has_realtime_period ? (int64_t) c->realtime_period : 0;
                if (!period && cgroup_read(cgroup_dir_of(w->cg, "cpu"), "cpu.rt_period_us", &per) >= 0)
                        period = strtoll(per, NULL, 10);
                if (period > 0)
                        rt_make_room(w, (double) c->realtime_runtime / (double) period);
        }
        if (c->has_realtime_runtime &&
            (r = cgroup_wrf(w, "cpu", "cpu.rt_runtime_us", "cpu.realtimeRuntime", "%" PRId64, c->realtime_runtime)) < 0)
                return r;
        if (c->has_idle && (r = cgroup_wrf(w, "cpu", "cpu.idle", "cpu.idle", "%" PRId64, c->idle)) < 0)
                return r;
        if (c->cpus && (r = cgroup_wr(w, "cpuset", "cpuset.cpus", "cpu.cpus", c->cpus)) < 0)
                return r;
        if (c->mems && (r = cgroup_wr(w, "cpuset", "cpuset.mems", "cpu.mems", c->mems)) < 0)
                return r;
        return 0;
}

int
cgroup_res_v1_blkio(struct cgroup_writer *w, const struct spec_blockio *b)
{
        const char *dir = cgroup_dir_of(w->cg, "blkio");
        /* Without CFQ the weights live in blkio.bfq.* (BFQ) or nowhere. */
        const char *wfile = dir && cgroup_has_file(dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
        const char *wdfile = dir && cgroup_has_file(dir, "blkio.weight_device") ? "blkio.weight_device"
                                                                          : "blkio.bfq.weight_device";
        int r;

        if (b->has_weight && (r = cgroup_wrf(w, "blkio", wfile, "blockIO.weight", "%u", (unsigned) b->weight)) < 0)
                return r;
        if (b->has_leaf_weight &&
            (r = cgroup_wrf(w, "blkio", "blkio.leaf_weight", "blockIO.leafWeight", "%u", (unsigned) b->leaf_weight)) < 0)
                return r;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *d = &b->weight_device[i];
                if (d->has_weight && (r = cgroup_wrf(w, "blkio", wdfile, "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u",
                                                     d->major, d->minor, (unsigned) d->weight)) < 0)
                        return r;
                if (d->has_leaf_weight &&
                    (r = cgroup_wrf(w, "blkio", "blkio.leaf_weight_device", "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u",
                                    d->major, d->minor, (unsigned) d->leaf_weight)) < 0)
                        return r;
        }
        if ((r = cgroup_wr_throttle(w, "blkio", "blkio.throttle.read_bps_device", "blockIO.throttleReadBpsDevice",
                                    b->throttle_read_bps, b->n_throttle_read_bps, NULL)) < 0 ||
            (r = cgroup_wr_throttle(w, "blkio", "blkio.throttle.write_bps_device", "blockIO.throttleWriteBpsDevice",
                                    b->throttle_write_bps, b->n_throttle_write_bps, NULL)) < 0 ||
            (r = cgroup_wr_throttle(w, "blkio", "blkio.throttle.read_iops_device", "blockIO.throttleReadIOPSDevice",
                                    b->throttle_read_iops, b->n_throttle_read_iops, NULL)) < 0 ||
            (r = cgroup_wr_throttle(w, "blkio", "blkio.throttle.write_iops_device", "blockIO.throttleWriteIOPSDevice",
                                    b->throttle_write_iops, b->n_throttle_write_iops, NULL)) < 0)
                return r;
        return 0;
}
