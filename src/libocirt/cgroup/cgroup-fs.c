/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-fs.c: the cgroupfs driver (issue 6): directories under /sys/fs/cgroup, for cgroup v1,
 * hybrid hosts (v1 controllers plus a v2 hierarchy at /sys/fs/cgroup/unified) and pure v2.
 *
 * Where the cgroup goes (documented in README.md, "Cgroups"):
 *   - an absolute linux.cgroupsPath is taken from the root of each hierarchy;
 *   - a relative one is placed below the caller's own cgroup in each hierarchy (as runc does);
 *   - without one, /ocirt/ID (a default parent at the root, like crun's placement at the root).
 * The OCI resources are written in v1 form on v1 hierarchies and converted on v2 (shares to weight,
 * swap as memory+swap to swap alone, blkio to io.*), as runc and crun convert them. The v2 device
 * allow-list is an eBPF program (cgroup-bpf.c would be its home; see devices_v2 below). */
#include "config.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/driver.h"
#include "base/base.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The v1 hierarchies ocirt makes a directory in; "systemd" is the name=systemd hierarchy. A
 * co-mounted pair (cpu,cpuacct) appears twice with one path, which is harmless. */
static const char *const v1_controllers[] = {
        "cpu",     "cpuacct",   "cpuset",     "memory", "devices", "freezer", "blkio",   "pids",
        "hugetlb", "net_cls",   "net_prio",   "perf_event", "rdma", "misc", "systemd",
};

enum cgroup_layout
cgroup_fs_layout(void)
{
        struct statfs fs;

        if (statfs(CGROUP_ROOT, &fs) < 0)
                return CGROUP_LAYOUT_NONE;
        if ((unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC)
                return CGROUP_LAYOUT_V2;
        if (access(CGROUP_ROOT "/memory", F_OK) == 0 || access(CGROUP_ROOT "/pids", F_OK) == 0 ||
            access(CGROUP_ROOT "/cpu", F_OK) == 0 || access(CGROUP_ROOT "/freezer", F_OK) == 0)
                return CGROUP_LAYOUT_V1;
        return CGROUP_LAYOUT_NONE;
}

static bool
is_cgroup2(const char *path)
{
        struct statfs fs;
        return statfs(path, &fs) == 0 && (unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC;
}

static bool
is_cgroup1(const char *path)
{
        struct statfs fs;
        return statfs(path, &fs) == 0 && (unsigned long) fs.f_type == 0x27e0eb /* CGROUP_SUPER_MAGIC */;
}

/* /proc/self/cgroup, read once while cgroup_prepare runs (cgroup_fs_own_cache): the start path
 * asks for the own cgroup of every hierarchy, and the kernel formats all of them on each read.
 * Outside it every call reads afresh (a long-lived library user may be moved between calls). */
static char *own_cache;
static bool own_cache_on;

void
cgroup_fs_own_cache(bool on)
{
        free(own_cache);
        own_cache = NULL;
        own_cache_on = on;
}

int
cgroup_fs_own_path(const char *controller, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        bool v2 = streq(controller, "unified");
        char *line, *save = NULL;
        int r;

        if (!own_cache) {
                r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &buf, &len);
                if (r < 0)
                        return r;
                if (own_cache_on)
                        own_cache = xstrdup(buf);
        } else
                buf = xstrdup(own_cache);
        for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *list = strchr(line, ':'), *path;
                if (!list)
                        continue;
                list++;
                path = strchr(list, ':');
                if (!path)
                        continue;
                *path++ = '\0';
                if (v2) {
                        if (*list == '\0') {
                                *ret = xstrdup(path);
                                return 0;
                        }
                        continue;
                }
                for (char *tok = list, *end; tok && *tok; tok = end) {
                        end = strchr(tok, ',');
                        if (end)
                                *end++ = '\0';
                        if (streq(tok, controller) || (streq(controller, "systemd") && streq(tok, "name=systemd"))) {
                                *ret = xstrdup(path);
                                return 0;
                        }
                }
        }
        return -ENOENT;
}

/* ---- small file helpers ---- */

static int
write_at(const char *dir, const char *file, const char *value)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, value, strlen(value));
        if (n < 0)
                return -errno;
        return 0;
}

static int
read_at(const char *dir, const char *file, char **ret)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
        size_t len;
        int r = read_file_at(AT_FDCWD, p, ret, &len);
        if (r >= 0)
                while (len > 0 && ((*ret)[len - 1] == '\n' || (*ret)[len - 1] == ' '))
                        (*ret)[--len] = '\0';
        return r;
}

static bool
file_exists(const char *dir, const char *file)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
        return access(p, F_OK) == 0;
}

/* One resource write. `jpath` names the field for the error ("memory.limit"). */
struct writer {
        struct cgroup *cg;
        const char *where; /* "config.json" or "--resources"/"update" */
        ocirt_error **err;
        bool update;
};

static int
wfail(struct writer *w, int e, const char *jpath, const char *hint, const char *fmt, ...) _printf_(5, 6);
static int
wfail(struct writer *w, int e, const char *jpath, const char *hint, const char *fmt, ...)
{
        _cleanup_free_ char *where = xasprintf("%s: .linux.resources.%s", w->where, jpath), *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        return ocirt_fail_at(w->err, e, where, hint, "%s", msg);
}

/* Write `value` to controller/file. A controller that is not mounted is warned about once and
 * skipped (a v1 host without net_cls, say); a failed write is an error naming the field. */
static int
wr(struct writer *w, const char *controller, const char *file, const char *jpath, const char *value)
{
        const char *dir = cgroup_dir_of(w->cg, controller);
        int r;

        if (!dir) {
                log_warning(w->cg->ctx, "the %s cgroup controller is not available, ignoring .linux.resources.%s",
                            controller, jpath);
                return 0;
        }
        r = write_at(dir, file, value);
        if (r == -ENOENT)
                return wfail(w, ENOTSUP, jpath, "the controller is not enabled for this cgroup, or the kernel lacks the knob",
                             "the cgroup has no file '%s' (in %s)", file, dir);
        /* EINVAL is the kernel refusing the value here, not a validation error: say so (ocirt_fail
         * leaves the errno text off EINVAL). */
        if (r < 0)
                return wfail(w, -r, jpath, NULL, "write '%s' to %s/%s%s", value, dir, file,
                             r == -EINVAL ? ": invalid argument" : "");
        log_debug(w->cg->ctx, "cgroup: %s/%s = %s", dir, file, value);
        return 0;
}

static int
wrf(struct writer *w, const char *controller, const char *file, const char *jpath, const char *fmt, ...)
        _printf_(5, 6);
static int
wrf(struct writer *w, const char *controller, const char *file, const char *jpath, const char *fmt, ...)
{
        _cleanup_free_ char *v = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&v, fmt, ap) < 0)
                abort();
        va_end(ap);
        return wr(w, controller, file, jpath, v);
}

/* v2 hierarchy of this cgroup: "unified" (pure v2 or the hybrid's v2 part). */
#define V2 "unified"

/* Enable `controller` in cgroup.subtree_control of every ancestor of the v2 leaf, from the root
 * down (v2 needs it before the leaf shows the controller's files). */
static int
v2_enable(struct cgroup *cg, const char *controllers)
{
        const char *leaf = cgroup_dir_of(cg, V2);
        _cleanup_free_ char *p = NULL;
        size_t rootlen;
        const char *root;
        int r = 0;

        if (!leaf)
                return -ENOENT;
        root = cg->v2 ? CGROUP_ROOT : CGROUP_ROOT "/unified";
        rootlen = strlen(root);
        p = xstrdup(leaf);
        /* Walk each ancestor: root, root/a, root/a/b ... (not the leaf itself). */
        for (char *s = p + rootlen;;) {
                char saved = *s;
                _cleanup_free_ char *all = NULL;
                *s = '\0';
                /* One write with every controller; on a failure, one at a time, keeping what works. */
                all = xstrdup(controllers);
                if (write_at(p, "cgroup.subtree_control", all) < 0) {
                        char *save = NULL;
                        for (char *t = strtok_r(all, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                                int q = write_at(p, "cgroup.subtree_control", t);
                                if (q < 0 && r == 0)
                                        r = q;
                        }
                }
                *s = saved;
                if (saved == '\0')
                        break;
                s = strchr(s + 1, '/');
                if (!s)
                        break;
        }
        return r;
}

/* ---- v1 resources ---- */

static int
v1_memory(struct writer *w, const struct spec_memory *m)
{
        const char *dir = cgroup_dir_of(w->cg, "memory");
        int r;

        if (!dir)
                return wr(w, "memory", "", "memory", "");
        if (w->update && m->has_check_before_update && m->check_before_update && m->has_limit && m->limit > 0) {
                _cleanup_free_ char *cur = NULL;
                if (read_at(dir, "memory.usage_in_bytes", &cur) >= 0 && strtoll(cur, NULL, 10) > m->limit)
                        return wfail(w, EBUSY, "memory.limit", "raise the limit above the current usage",
                                     "the new limit %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
                                     m->limit, cur);
        }
        if (m->has_limit || m->has_swap) {
                bool memsw = file_exists(dir, "memory.memsw.limit_in_bytes"), has_swap = m->has_swap && memsw;
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
                        bool swap_first = swap == -1 || (read_at(dir, "memory.limit_in_bytes", &cur) >= 0 &&
                                                         strtoull(cur, NULL, 10) < (uint64_t) swap);
                        for (int i = 0; i < 2; i++) {
                                r = (i == 0) == swap_first
                                            ? wrf(w, "memory", "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, swap)
                                            : wrf(w, "memory", "memory.limit_in_bytes", "memory.limit", "%" PRId64, m->limit);
                                if (r < 0)
                                        return r;
                        }
                } else if (m->has_limit) {
                        if ((r = wrf(w, "memory", "memory.limit_in_bytes", "memory.limit", "%" PRId64, m->limit)) < 0)
                                return r;
                } else if (has_swap) {
                        if ((r = wrf(w, "memory", "memory.memsw.limit_in_bytes", "memory.swap", "%" PRId64, swap)) < 0)
                                return r;
                }
        }
        if (m->has_reservation && (r = wrf(w, "memory", "memory.soft_limit_in_bytes", "memory.reservation",
                                           "%" PRId64, m->reservation)) < 0)
                return r;
        if (m->has_kernel) {
                if (file_exists(dir, "memory.kmem.limit_in_bytes")) {
                        if ((r = wrf(w, "memory", "memory.kmem.limit_in_bytes", "memory.kernel", "%" PRId64, m->kernel)) < 0)
                                return r;
                } else
                        log_warning(w->cg->ctx, "no kernel memory limits on this kernel, ignoring .linux.resources.memory.kernel");
        }
        if (m->has_kernel_tcp && (r = wrf(w, "memory", "memory.kmem.tcp.limit_in_bytes", "memory.kernelTCP", "%" PRId64,
                                          m->kernel_tcp)) < 0)
                return r;
        if (m->has_swappiness && (r = wrf(w, "memory", "memory.swappiness", "memory.swappiness", "%" PRIu64,
                                          m->swappiness)) < 0)
                return r;
        if (m->has_disable_oom_killer && (r = wr(w, "memory", "memory.oom_control", "memory.disableOOMKiller",
                                                 m->disable_oom_killer ? "1" : "0")) < 0)
                return r;
        if (m->has_use_hierarchy && (r = wr(w, "memory", "memory.use_hierarchy", "memory.useHierarchy",
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
rt_make_room(struct writer *w, double share)
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
                        if (streq(sub, child) || read_at(sub, "cpu.rt_runtime_us", &rt) < 0 ||
                            read_at(sub, "cpu.rt_period_us", &per) < 0 || strtoll(rt, NULL, 10) <= 0 ||
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
                if (read_at(anc[i], "cpu.rt_runtime_us", &rt) < 0 || read_at(anc[i], "cpu.rt_period_us", &per) < 0)
                        break;
                long long period = strtoll(per, NULL, 10), want = (long long) (need[i] * (double) period + 0.999);
                if (strtoll(rt, NULL, 10) >= want)
                        continue;
                snprintf(v, sizeof v, "%lld", want);
                if (write_at(anc[i], "cpu.rt_runtime_us", v) < 0)
                        break;
                log_debug(w->cg->ctx, "cgroup: %s/cpu.rt_runtime_us = %s (room for realtimeRuntime)", anc[i], v);
        }
        for (size_t i = 0; i < n; i++)
                free(anc[i]);
        free(anc);
        free(need);
}

static int
v1_cpu(struct writer *w, const struct spec_cpu *c)
{
        bool retry_period = false;
        int r;

        if (c->has_shares && (r = wrf(w, "cpu", "cpu.shares", "cpu.shares", "%" PRIu64, c->shares)) < 0)
                return r;
        if (c->has_period) {
                /* A shorter period under the current quota can exceed what the parent allows
                 * (quota/period is a share of CPUs): the kernel says EINVAL. With a new quota too,
                 * write that first and the period again after it, as runc does. */
                char v[24];
                const char *dir = cgroup_dir_of(w->cg, "cpu");
                snprintf(v, sizeof v, "%" PRIu64, c->period);
                r = dir ? write_at(dir, "cpu.cfs_period_us", v) : -ENOENT;
                if (r == 0)
                        retry_period = false;
                else if (r == -EINVAL && c->has_quota)
                        retry_period = true;
                else if ((r = wr(w, "cpu", "cpu.cfs_period_us", "cpu.period", v)) < 0)
                        return r;
        }
        if (c->has_quota && (r = wrf(w, "cpu", "cpu.cfs_quota_us", "cpu.quota", "%" PRId64, c->quota)) < 0)
                return r;
        if (retry_period && (r = wrf(w, "cpu", "cpu.cfs_period_us", "cpu.period", "%" PRIu64, c->period)) < 0)
                return r;
        if (c->has_burst && (r = wrf(w, "cpu", "cpu.cfs_burst_us", "cpu.burst", "%" PRIu64, c->burst)) < 0)
                return r;
        if (c->has_realtime_period &&
            (r = wrf(w, "cpu", "cpu.rt_period_us", "cpu.realtimePeriod", "%" PRIu64, c->realtime_period)) < 0)
                return r;
        if (c->has_realtime_runtime && c->realtime_runtime > 0 && cgroup_dir_of(w->cg, "cpu")) {
                _cleanup_free_ char *per = NULL;
                int64_t period = c->has_realtime_period ? (int64_t) c->realtime_period : 0;
                if (!period && read_at(cgroup_dir_of(w->cg, "cpu"), "cpu.rt_period_us", &per) >= 0)
                        period = strtoll(per, NULL, 10);
                if (period > 0)
                        rt_make_room(w, (double) c->realtime_runtime / (double) period);
        }
        if (c->has_realtime_runtime &&
            (r = wrf(w, "cpu", "cpu.rt_runtime_us", "cpu.realtimeRuntime", "%" PRId64, c->realtime_runtime)) < 0)
                return r;
        if (c->has_idle && (r = wrf(w, "cpu", "cpu.idle", "cpu.idle", "%" PRId64, c->idle)) < 0)
                return r;
        if (c->cpus && (r = wr(w, "cpuset", "cpuset.cpus", "cpu.cpus", c->cpus)) < 0)
                return r;
        if (c->mems && (r = wr(w, "cpuset", "cpuset.mems", "cpu.mems", c->mems)) < 0)
                return r;
        return 0;
}

static int
throttle_list(struct writer *w, const char *ctrl, const char *file, const char *jpath,
              const struct spec_throttle_device *t, size_t n, const char *v2key)
{
        for (size_t i = 0; i < n; i++) {
                int r;
                if (v2key)
                        r = wrf(w, ctrl, file, jpath, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor,
                                v2key, t[i].rate);
                else
                        r = wrf(w, ctrl, file, jpath, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor,
                                t[i].rate);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
v1_blkio(struct writer *w, const struct spec_blockio *b)
{
        const char *dir = cgroup_dir_of(w->cg, "blkio");
        /* Without CFQ the weights live in blkio.bfq.* (BFQ) or nowhere. */
        const char *wfile = dir && file_exists(dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
        const char *wdfile = dir && file_exists(dir, "blkio.weight_device") ? "blkio.weight_device"
                                                                          : "blkio.bfq.weight_device";
        int r;

        if (b->has_weight && (r = wrf(w, "blkio", wfile, "blockIO.weight", "%u", (unsigned) b->weight)) < 0)
                return r;
        if (b->has_leaf_weight &&
            (r = wrf(w, "blkio", "blkio.leaf_weight", "blockIO.leafWeight", "%u", (unsigned) b->leaf_weight)) < 0)
                return r;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *d = &b->weight_device[i];
                if (d->has_weight && (r = wrf(w, "blkio", wdfile, "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u",
                                              d->major, d->minor, (unsigned) d->weight)) < 0)
                        return r;
                if (d->has_leaf_weight &&
                    (r = wrf(w, "blkio", "blkio.leaf_weight_device", "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u",
                             d->major, d->minor, (unsigned) d->leaf_weight)) < 0)
                        return r;
        }
        if ((r = throttle_list(w, "blkio", "blkio.throttle.read_bps_device", "blockIO.throttleReadBpsDevice",
                               b->throttle_read_bps, b->n_throttle_read_bps, NULL)) < 0 ||
            (r = throttle_list(w, "blkio", "blkio.throttle.write_bps_device", "blockIO.throttleWriteBpsDevice",
                               b->throttle_write_bps, b->n_throttle_write_bps, NULL)) < 0 ||
            (r = throttle_list(w, "blkio", "blkio.throttle.read_iops_device", "blockIO.throttleReadIOPSDevice",
                               b->throttle_read_iops, b->n_throttle_read_iops, NULL)) < 0 ||
            (r = throttle_list(w, "blkio", "blkio.throttle.write_iops_device", "blockIO.throttleWriteIOPSDevice",
                               b->throttle_write_iops, b->n_throttle_write_iops, NULL)) < 0)
                return r;
        return 0;
}

static void
device_rule(const struct spec_device_cgroup *d, char *buf, size_t n)
{
        char maj[24] = "*", min[24] = "*";

        if (d->has_major && d->major >= 0)
                snprintf(maj, sizeof maj, "%" PRId64, d->major);
        if (d->has_minor && d->minor >= 0)
                snprintf(min, sizeof min, "%" PRId64, d->minor);
        snprintf(buf, n, "%c %s:%s %s", d->type ? d->type : 'a', maj, min, d->access ? d->access : "rwm");
}

/* The devices every container may use on top of its config's rules, the list runc 1.1.5 appends
 * after them (crun's is the same but for /dev/console 5:1 instead of /dev/net/tun): mknod of any
 * node (a container may need to make its own /dev), null, zero, full, tty, random, urandom, ptmx,
 * the pts devices and /dev/net/tun. Without them the usual config (one deny-all rule, as `ocirt
 * spec` and `runc spec` write it) could not even open /dev/null. The nodes in linux.devices are NOT
 * added: as with runc and crun, a config that lists /dev/kmsg but denies everything gets the node
 * and no access to it. */
static const struct spec_device_cgroup default_devices[] = {
        { true, 'c', false, false, -1, -1, (char *) "m" },  { true, 'b', false, false, -1, -1, (char *) "m" },
        { true, 'c', true, true, 1, 3, (char *) "rwm" },   { true, 'c', true, true, 1, 5, (char *) "rwm" },
        { true, 'c', true, true, 1, 7, (char *) "rwm" },   { true, 'c', true, true, 5, 0, (char *) "rwm" },
        { true, 'c', true, true, 1, 8, (char *) "rwm" },   { true, 'c', true, true, 1, 9, (char *) "rwm" },
        { true, 'c', true, true, 5, 2, (char *) "rwm" },   { true, 'c', true, true, 136, -1, (char *) "rwm" },
        { true, 'c', true, true, 10, 200, (char *) "rwm" },
};

/* The default allows that are left once the config's explicit denies are taken out. */
struct dev_rules {
        struct spec_device_cgroup v[ELEMENTSOF(default_devices)];
        char access[ELEMENTSOF(default_devices)][4];
        size_t n;
};

static bool
dev_field_covers(bool has, int64_t deny, int64_t dflt)
{
        return !has || deny < 0 || (dflt >= 0 && deny == dflt);
}

/* A deny rule that names a device class (type c or b, or a major) is a decision about those
 * devices, and the defaults must not undo it: runc and crun append their defaults after the config's
 * rules, so `deny c 1:3` there still leaves /dev/null open. Only the blanket deny-all (type a or
 * absent, no major), the usual first rule, is what the defaults are meant to open up. A default that
 * such a deny only partly covers keeps the access the deny does not name: `deny c 1:3 w` leaves
 * /dev/null readable. */
static void
default_device_rules(const struct spec_resources *res, struct dev_rules *out)
{
        out->n = 0;
        for (size_t i = 0; i < ELEMENTSOF(default_devices); i++) {
                const struct spec_device_cgroup *def = &default_devices[i];
                char acc[4];
                size_t k = 0;
                for (const char *a = def->access; *a; a++) {
                        bool denied = false;
                        for (size_t j = 0; res && j < res->n_devices && !denied; j++) {
                                const struct spec_device_cgroup *d = &res->devices[j];
                                bool blanket = (!d->type || d->type == 'a') && !(d->has_major && d->major >= 0);
                                if (d->allow || blanket)
                                        continue;
                                if (d->type && d->type != 'a' && d->type != def->type)
                                        continue;
                                if (!dev_field_covers(d->has_major, d->major, def->has_major ? def->major : -1) ||
                                    !dev_field_covers(d->has_minor, d->minor, def->has_minor ? def->minor : -1))
                                        continue;
                                denied = !d->access || strchr(d->access, *a);
                        }
                        if (!denied)
                                acc[k++] = *a;
                }
                acc[k] = '\0';
                if (k == 0)
                        continue;
                memcpy(out->access[out->n], acc, k + 1);
                out->v[out->n] = *def;
                out->v[out->n].access = out->access[out->n];
                out->n++;
        }
}

static int
v1_devices(struct writer *w, const struct spec_resources *res, const struct dev_rules *defaults)
{
        char rule[96];
        int r;

        for (size_t i = 0; i < res->n_devices; i++) {
                const struct spec_device_cgroup *d = &res->devices[i];
                _cleanup_free_ char *jp = xasprintf("devices[%zu]", i);
                device_rule(d, rule, sizeof rule);
                r = wr(w, "devices", d->allow ? "devices.allow" : "devices.deny", jp, rule);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < defaults->n; i++) {
                device_rule(&defaults->v[i], rule, sizeof rule);
                r = wr(w, "devices", "devices.allow", "devices", rule);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- v2 resources ---- */

static int
v2_memory(struct writer *w, const struct spec_memory *m)
{
        const char *dir = cgroup_dir_of(w->cg, V2);
        int r;

        if (w->update && m->has_check_before_update && m->check_before_update && m->has_limit && m->limit > 0) {
                _cleanup_free_ char *cur = NULL;
                if (read_at(dir, "memory.current", &cur) >= 0 && strtoll(cur, NULL, 10) > m->limit)
                        return wfail(w, EBUSY, "memory.limit", "raise the limit above the current usage",
                                     "the new limit %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
                                     m->limit, cur);
        }
        if (m->has_limit) {
                r = m->limit < 0 ? wr(w, V2, "memory.max", "memory.limit", "max")
                                 : wrf(w, V2, "memory.max", "memory.limit", "%" PRId64, m->limit);
                if (r < 0)
                        return r;
        }
        if (m->has_swap) {
                /* OCI's swap is memory+swap (v1); v2's memory.swap.max is the swap alone. */
                if (m->swap < 0)
                        r = wr(w, V2, "memory.swap.max", "memory.swap", "max");
                else if (!m->has_limit || m->limit < 0)
                        return wfail(w, EINVAL, "memory.swap", "set memory.limit too, or swap to -1",
                                     "a swap limit needs a memory limit on cgroup v2");
                else if (m->swap < m->limit)
                        return wfail(w, EINVAL, "memory.swap", "swap is memory+swap: make it >= memory.limit",
                                     "swap %" PRId64 " is below the memory limit %" PRId64, m->swap, m->limit);
                else
                        r = wrf(w, V2, "memory.swap.max", "memory.swap", "%" PRId64, m->swap - m->limit);
                if (r < 0)
                        return r;
        }
        if (m->has_reservation) {
                r = m->reservation < 0 ? wr(w, V2, "memory.low", "memory.reservation", "max")
                                       : wrf(w, V2, "memory.low", "memory.reservation", "%" PRId64, m->reservation);
                if (r < 0)
                        return r;
        }
        if (m->has_swappiness && dir && !file_exists(dir, "memory.swappiness"))
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

static int
v2_cpu(struct writer *w, const struct spec_cpu *c)
{
        int r;

        if (c->has_shares && c->shares && (r = wrf(w, V2, "cpu.weight", "cpu.shares", "%" PRIu64, cgroup_shares_to_weight(c->shares))) < 0)
                return r;
        if (c->has_quota || c->has_period) {
                char quota[32] = "max";
                uint64_t period = c->has_period && c->period ? c->period : 100000;
                if (c->has_quota && c->quota > 0)
                        snprintf(quota, sizeof quota, "%" PRId64, c->quota);
                else if (!c->has_quota && w->update) {
                        /* Keep the current quota when only the period changes. */
                        _cleanup_free_ char *cur = NULL;
                        const char *dir = cgroup_dir_of(w->cg, V2);
                        if (dir && read_at(dir, "cpu.max", &cur) >= 0)
                                sscanf(cur, "%31s", quota);
                }
                if ((r = wrf(w, V2, "cpu.max", c->has_quota ? "cpu.quota" : "cpu.period", "%s %" PRIu64, quota, period)) < 0)
                        return r;
        }
        if (c->has_burst && (r = wrf(w, V2, "cpu.max.burst", "cpu.burst", "%" PRIu64, c->burst)) < 0)
                return r;
        if (c->has_idle && (r = wrf(w, V2, "cpu.idle", "cpu.idle", "%" PRId64, c->idle)) < 0)
                return r;
        if ((c->has_realtime_period && c->realtime_period) || (c->has_realtime_runtime && c->realtime_runtime))
                return wfail(w, ENOTSUP, "cpu.realtimeRuntime", "remove the realtime settings",
                             "cgroup v2 has no realtime cpu limits");
        if (c->cpus && (r = wr(w, V2, "cpuset.cpus", "cpu.cpus", c->cpus)) < 0)
                return r;
        if (c->mems && (r = wr(w, V2, "cpuset.mems", "cpu.mems", c->mems)) < 0)
                return r;
        return 0;
}

static int
v2_io(struct writer *w, const struct spec_blockio *b)
{
        const char *dir = cgroup_dir_of(w->cg, V2);
        bool bfq = dir && file_exists(dir, "io.bfq.weight");
        int r;

        /* v1 weights are 10..1000; io.weight is 1..10000 (runc's conversion); io.bfq.weight takes v1's range. */
        if (b->has_weight) {
                r = bfq ? wrf(w, V2, "io.bfq.weight", "blockIO.weight", "%u", (unsigned) b->weight)
                        : wrf(w, V2, "io.weight", "blockIO.weight", "default %u", (unsigned) cgroup_blkio_to_io_weight(b->weight));
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *d = &b->weight_device[i];
                if (!d->has_weight)
                        continue;
                r = bfq ? wrf(w, V2, "io.bfq.weight", "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u", d->major,
                              d->minor, (unsigned) d->weight)
                        : wrf(w, V2, "io.weight", "blockIO.weightDevice", "%" PRId64 ":%" PRId64 " %u", d->major,
                              d->minor, (unsigned) cgroup_blkio_to_io_weight(d->weight));
                if (r < 0)
                        return r;
        }
        if ((r = throttle_list(w, V2, "io.max", "blockIO.throttleReadBpsDevice", b->throttle_read_bps,
                               b->n_throttle_read_bps, "rbps")) < 0 ||
            (r = throttle_list(w, V2, "io.max", "blockIO.throttleWriteBpsDevice", b->throttle_write_bps,
                               b->n_throttle_write_bps, "wbps")) < 0 ||
            (r = throttle_list(w, V2, "io.max", "blockIO.throttleReadIOPSDevice", b->throttle_read_iops,
                               b->n_throttle_read_iops, "riops")) < 0 ||
            (r = throttle_list(w, V2, "io.max", "blockIO.throttleWriteIOPSDevice", b->throttle_write_iops,
                               b->n_throttle_write_iops, "wiops")) < 0)
                return r;
        return 0;
}

/* ---- both ---- */

static int
hugetlb(struct writer *w, const struct spec_resources *res)
{
        bool v1 = cgroup_dir_of(w->cg, "hugetlb") != NULL;

        if (!v1 && cgroup_dir_of(w->cg, V2) && !w->cg->v2)
                (void) v2_enable(w->cg, "+hugetlb"); /* hybrid: hugetlb lives on the v2 side */
        for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                const struct spec_hugepage_limit *h = &res->hugepage_limits[i];
                _cleanup_free_ char *jp = xasprintf("hugepageLimits[%zu]", i);
                _cleanup_free_ char *file = v1 ? xasprintf("hugetlb.%s.limit_in_bytes", h->page_size)
                                               : xasprintf("hugetlb.%s.max", h->page_size);
                int r = wrf(w, v1 ? "hugetlb" : V2, file, jp, "%" PRIu64, h->limit);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
rdma(struct writer *w, const struct spec_resources *res)
{
        const char *ctrl = cgroup_dir_of(w->cg, "rdma") ? "rdma" : V2;

        for (size_t i = 0; i < res->n_rdma; i++) {
                const struct spec_rdma *d = &res->rdma[i];
                _cleanup_free_ char *jp = xasprintf("rdma.%s", d->device);
                char h[24] = "max", o[24] = "max";
                int r;
                if (d->has_hca_handles)
                        snprintf(h, sizeof h, "%u", (unsigned) d->hca_handles);
                if (d->has_hca_objects)
                        snprintf(o, sizeof o, "%u", (unsigned) d->hca_objects);
                r = wrf(w, ctrl, "rdma.max", jp, "%s hca_handle=%s hca_object=%s", d->device, h, o);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
network(struct writer *w, const struct spec_resources *res)
{
        int r;

        if (w->cg->v2) {
                if (res->has_class_id || res->n_net_priorities)
                        log_warning(w->cg->ctx, "cgroup v2 has no net_cls/net_prio, ignoring .linux.resources.network");
                return 0;
        }
        if (res->has_class_id && (r = wrf(w, "net_cls", "net_cls.classid", "network.classID", "%u", (unsigned) res->class_id)) < 0)
                return r;
        for (size_t i = 0; i < res->n_net_priorities; i++)
                if ((r = wrf(w, "net_prio", "net_prio.ifpriomap", "network.priorities", "%s %u",
                             res->net_priorities[i].name, (unsigned) res->net_priorities[i].priority)) < 0)
                        return r;
        return 0;
}

static int
unified(struct writer *w, const struct spec_resources *res)
{
        const char *dir = cgroup_dir_of(w->cg, V2);

        for (size_t i = 0; i < res->n_unified; i++) {
                const char *k = res->unified[i].key;
                _cleanup_free_ char *jp = xasprintf("unified[\"%s\"]", k);
                int r;
                if (!dir)
                        return wfail(w, ENOTSUP, jp, "remove linux.resources.unified on a cgroup v1 host",
                                     "this host has no cgroup v2 hierarchy");
                if (strchr(k, '/') || k[0] == '.' || !strchr(k, '.'))
                        return wfail(w, EINVAL, jp, NULL, "'%s' is not a cgroup file name", k);
                if (!file_exists(dir, k)) {
                        /* Maybe the controller is not enabled yet: enable it, then look again. */
                        _cleanup_free_ char *c = xasprintf("+%.*s", (int) (strchr(k, '.') - k), k);
                        (void) v2_enable(w->cg, c);
                        if (!file_exists(dir, k))
                                return wfail(w, ENOENT, jp, "check the controller and file name",
                                             "the cgroup has no file '%s' (%s)", k, dir);
                }
                r = wr(w, V2, k, jp, res->unified[i].value);
                if (r < 0)
                        return r;
        }
        return 0;
}

int
cgroup_fs_set_pids(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        struct writer w = { .cg = cg, .where = where, .err = err };

        if (!res || !res->has_pids)
                return 0;
        if (res->pids_limit <= 0)
                return wr(&w, cg->v2 ? V2 : "pids", "pids.max", "pids.limit", "max");
        return wrf(&w, cg->v2 ? V2 : "pids", "pids.max", "pids.limit", "%" PRId64, res->pids_limit);
}

static int cgroup_bpf_devices(struct cgroup *cg, const struct spec_resources *res, const struct dev_rules *defaults,
                              const char *where, ocirt_error **err);

/* Everything but pids (written once the runtime has left the cgroup, see cgroup.c). */
static int
apply(struct cgroup *cg, const struct spec_resources *res, const struct dev_rules *defaults, const char *where, bool update,
      ocirt_error **err)
{
        struct writer w = { .cg = cg, .where = where, .err = err, .update = update };
        int r = 0;

        if (!res)
                return 0;
        if (cg->v2) {
                if (res->memory && (r = v2_memory(&w, res->memory)) < 0)
                        return r;
                if (res->cpu && (r = v2_cpu(&w, res->cpu)) < 0)
                        return r;
                if (res->block_io && (r = v2_io(&w, res->block_io)) < 0)
                        return r;
                if (res->n_devices && !update && (r = cgroup_bpf_devices(cg, res, defaults, where, err)) < 0)
                        return r;
        } else {
                if (res->memory && (r = v1_memory(&w, res->memory)) < 0)
                        return r;
                if (res->cpu && (r = v1_cpu(&w, res->cpu)) < 0)
                        return r;
                if (res->block_io && (r = v1_blkio(&w, res->block_io)) < 0)
                        return r;
                if (res->n_devices && !update && (r = v1_devices(&w, res, defaults)) < 0)
                        return r;
        }
        if (res->n_hugepage_limits && (r = hugetlb(&w, res)) < 0)
                return r;
        if (res->n_rdma && (r = rdma(&w, res)) < 0)
                return r;
        if ((r = network(&w, res)) < 0)
                return r;
        return unified(&w, res);
}

/* ---- create ---- */

/* A new v1 cpuset cgroup starts with no cpus and no mems (nothing could run in it): copy the
 * parent's, from the top down, for every level that is still empty. */
static void
cpuset_fill(const char *root, const char *leaf)
{
        _cleanup_free_ char *p = xstrdup(leaf);
        size_t rootlen = strlen(root);

        for (char *s = strchr(p + rootlen + 1, '/');; s = strchr(s + 1, '/')) {
                char saved = s ? *s : '\0';
                if (s)
                        *s = '\0';
                for (int i = 0; i < 2; i++) {
                        const char *f = i ? "cpuset.mems" : "cpuset.cpus";
                        _cleanup_free_ char *cur = NULL, *parent = xstrdup(p), *pv = NULL;
                        char *slash = strrchr(parent, '/');
                        if (read_at(p, f, &cur) < 0 || *cur)
                                continue;
                        *slash = '\0';
                        if (read_at(parent, f, &pv) >= 0)
                                (void) write_at(p, f, pv);
                }
                if (!s)
                        break;
                *s = saved;
        }
}

/* "slice:prefix:name" (the systemd form) as a cgroupfs path: "/a.slice/a-b.slice/prefix-name.scope". */
static char *
systemd_form_path(const char *s)
{
        _cleanup_free_ char *copy = xstrdup(s), *slices = xstrdup("");
        char *slice = copy, *prefix, *name;

        prefix = strchr(slice, ':');
        name = prefix ? strchr(prefix + 1, ':') : NULL;
        if (!name)
                return NULL;
        *prefix++ = '\0';
        *name++ = '\0';
        if (*slice == '\0')
                slice = (char *) "system.slice";
        if (!streq(slice, "-.slice") && strlen(slice) > 6) {
                /* a-b-c.slice lives in a.slice/a-b.slice/a-b-c.slice */
                for (char *d = slice; (d = strchr(d, '-')); d++) {
                        char *t = xasprintf("%s/%.*s.slice", slices, (int) (d - slice), slice);
                        free(slices);
                        slices = t;
                }
                char *t = xasprintf("%s/%s", slices, slice);
                free(slices);
                slices = t;
        }
        return *prefix ? xasprintf("%s/%s-%s.scope", slices, prefix, name) : xasprintf("%s/%s", slices, name);
}

/* "/" + path, cleaned lexically: empty, "." and ".." components dropped, a ".." taking off the
 * component before it and never climbing above "/". runc does the same (filepath.Clean of "/" + a
 * relative path), so `../../../../tmp/x` stays inside the hierarchy, as `/tmp/x`. Returns "" for
 * the root itself. */
static char *
clean_below_root(const char *path)
{
        _cleanup_free_ char *copy = xstrdup(path);
        char *out = xstrdup(""), *save = NULL;

        for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
                if (streq(t, "."))
                        continue;
                if (streq(t, "..")) {
                        char *slash = strrchr(out, '/');
                        if (slash)
                                *slash = '\0';
                        continue;
                }
                char *n = xasprintf("%s/%s", out, t);
                free(out);
                out = n;
        }
        return out;
}

/* The config's cgroupsPath (cgroupfs form), cleaned; an error when it names the hierarchy root (or,
 * relative, the runtime's own cgroup: `..`), which a container must never be given: deleting it
 * would kill every process there, or a component longer than a directory name may be. */
static int
clean_cgroups_path(struct container *c, const char *p, char **ret, ocirt_error **err)
{
        _cleanup_free_ char *clean = clean_below_root(p), *where = xasprintf("%s: .linux.cgroupsPath", c->config_path);
        const char *comp = clean;

        if (!*clean)
                return ocirt_fail_at(err, EINVAL, where, "name a cgroup below it, e.g. /ocirt/c1 or ocirt/c1",
                                     "'%s' names %s itself, not a cgroup of its own", p,
                                     p[0] == '/' ? "the cgroup hierarchy root" : "the runtime's own cgroup");
        for (const char *s = comp; s; s = strchr(s + 1, '/')) {
                const char *e = strchr(s + 1, '/');
                size_t n = e ? (size_t) (e - s - 1) : strlen(s + 1);
                if (n > NAME_MAX)
                        return ocirt_fail_at(err, ENAMETOOLONG, where, "use path components of at most 255 characters",
                                             "a component of '%s' is %zu characters long", p, n);
        }
        *ret = TAKE_PTR(clean);
        return 0;
}

/* The path below the hierarchy root of `controller` ("unified" for v2). */
static int
resolve(struct container *c, const char *controller, char **ret, ocirt_error **err)
{
        const char *p = c->spec->linux_ ? c->spec->linux_->cgroups_path : NULL;
        _cleanup_free_ char *own = NULL, *clean = NULL;

        if (p && strchr(p, ':') && p[0] != '/') {
                _cleanup_free_ char *sd = systemd_form_path(p);
                if (!sd)
                        return ocirt_fail_at(err, EINVAL, c->config_path, "use /a/b, a/b or slice:prefix:name",
                                             ".linux.cgroupsPath '%s' is not a path", p);
                return clean_cgroups_path(c, sd, ret, err) < 0 ? -EINVAL : 0;
        }
        if (p && clean_cgroups_path(c, p, &clean, err) < 0)
                return -EINVAL;
        if (p && p[0] == '/') {
                *ret = TAKE_PTR(clean);
                return 0;
        }
        if (!p) {
                if (!c->rootless) {
                        *ret = xasprintf("/ocirt/%s", c->id);
                        return 0;
                }
                /* Rootless (a delegated v2 subtree): beside our own cgroup, in the delegated parent. */
                if (cgroup_fs_own_path(controller, &own) < 0)
                        return ocirt_fail(err, ENOENT, "cannot find the own cgroup in /proc/self/cgroup");
                char *slash = strrchr(own, '/');
                if (slash)
                        *slash = '\0';
                *ret = xasprintf("%s/ocirt-%s", own, c->id);
                return 0;
        }
        if (cgroup_fs_own_path(controller, &own) < 0)
                own = xstrdup("/");
        *ret = xasprintf("%s%s", streq(own, "/") ? "" : own, clean);
        return 0;
}

static int
mkdir_tree(const char *root, const char *path, bool *ret_created)
{
        _cleanup_free_ char *full = xasprintf("%s%s", root, path);
        struct stat st;

        *ret_created = false;
        /* One mkdir in the common case (the parent exists); the walk from the root only when not. */
        if (mkdir(full, 0755) == 0) {
                *ret_created = true;
                return 0;
        }
        if (errno == EEXIST && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
                return 0;
        if (errno != ENOENT)
                return -errno;
        if (mkdir_p(full, 0755) < 0)
                return -errno ? -errno : -EIO;
        *ret_created = true;
        return 0;
}

/* Remove empty container cgroups under the default parent that are older than a minute: what a
 * foreground `run` leaves behind until ocirt_container_run tears its cgroup down (lifecycle.c).
 * rmdir refuses a cgroup that still has a process, so a live container is never touched; the age
 * keeps a concurrent create (mkdir, then its first process) out of reach. At most 32 a call, so
 * the cost on the start path stays bounded. */
static void
gc_stale(const char *const *roots, size_t n_roots)
{
        _cleanup_free_ char *parent = xasprintf("%s/ocirt", roots[0]);
        _cleanup_closedir_ DIR *d = opendir(parent);
        time_t now = time(NULL);
        struct dirent *de;
        int done = 0;

        while (d && done < 32 && (de = readdir(d))) {
                struct stat st;
                if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
                    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || now - st.st_mtime < 60)
                        continue;
                for (size_t i = 0; i < n_roots; i++) {
                        _cleanup_free_ char *p = xasprintf("%s/ocirt/%s", roots[i], de->d_name);
                        (void) rmdir(p);
                }
                done++;
        }
}

/* A cgroup that has processes belongs to someone else: another container with the same id under
 * another --root (the default path is /ocirt/ID), or a shared cgroupsPath. Starting in it would
 * mix the two, and rolling back or deleting one would kill the other (runc refuses it too). */
static int
refuse_populated(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        if (cg->created)
                return 0; /* made just now (on v1: the leaf of at least one hierarchy), so not shared */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                _cleanup_free_ char *procs = NULL;
                if (read_at(cg->dirs[i].path, "cgroup.procs", &procs) < 0 || !*procs)
                        continue;
                size_t n = 1;
                for (const char *p = procs; *p; p++)
                        n += *p == '\n';
                return ocirt_fail_at(err, EBUSY, c->config_path,
                                     "another container (or a --root with the same container id) uses it: pick another "
                                     "id or .linux.cgroupsPath",
                                     "cgroup '%s' is not empty: %zu process(es) in it", cg->dirs[i].path, n);
        }
        return 0;
}

static int fs_is_frozen(struct cgroup *cg);

/* A cgroup that is frozen (itself, or through a frozen ancestor: v1's freezer.state and v2's
 * cgroup.events show the effective state) would freeze the init as soon as it is placed: `run` would
 * hang for ever in D state. runc refuses it the same way ("container's cgroup unexpectedly frozen"). */
static int
refuse_frozen(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *ev = NULL;
        const char *v2 = cgroup_dir_of(cg, V2), *fz = cgroup_dir_of(cg, "freezer");
        bool frozen = fs_is_frozen(cg) == 1;

        if (!frozen && v2 && read_at(v2, "cgroup.events", &ev) >= 0)
                frozen = strstr(ev, "frozen 1") != NULL;
        if (!frozen)
                return 0;
        _cleanup_free_ char *where = xasprintf("%s: .linux.cgroupsPath", c->config_path);
        return ocirt_fail_at(err, EBUSY, where,
                             "thaw it (or its frozen parent) first: echo THAWED > freezer.state (v1), echo 0 > "
                             "cgroup.freeze (v2)",
                             "container's cgroup unexpectedly frozen: '%s'", fz ? fz : v2 ? v2 : cg->path);
}

static int
fs_create(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        enum cgroup_layout layout = cgroup_fs_layout();
        bool created;
        int r;

        if (layout == CGROUP_LAYOUT_V2) {
                _cleanup_free_ char *p = NULL, *ctrls = NULL, *want = NULL;
                size_t len;
                cg->v2 = true;
                if (!c->rootless && !(c->spec->linux_ && c->spec->linux_->cgroups_path)) {
                        const char *roots[] = { CGROUP_ROOT };
                        gc_stale(roots, 1);
                }
                r = resolve(c, V2, &p, err);
                if (r < 0)
                        return r;
                cg->path = xstrdup(p);
                {
                        _cleanup_free_ char *leaf = xasprintf("%s%s", CGROUP_ROOT, p);
                        cgroup_add_dir(cg, V2, leaf);
                }
                cgroup_record_planned(c, cg);
                r = mkdir_tree(CGROUP_ROOT, p, &created);
                if (r < 0)
                        return ocirt_fail_at(err, -r, c->config_path, NULL, "create cgroup '%s%s'", CGROUP_ROOT, p);
                cg->created = created;
                /* Enable every controller the root offers down to the parent (crun does the same). */
                if (read_file_at(AT_FDCWD, CGROUP_ROOT "/cgroup.controllers", &ctrls, &len) >= 0) {
                        want = xstrdup("");
                        char *save = NULL;
                        for (char *t = strtok_r(ctrls, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
                                char *n = xasprintf("%s%s+%s", want, *want ? " " : "", t);
                                free(want);
                                want = n;
                        }
                        if (*want)
                                (void) v2_enable(cg, want);
                }
        } else if (layout == CGROUP_LAYOUT_V1) {
                if (!c->rootless && !(c->spec->linux_ && c->spec->linux_->cgroups_path)) {
                        const char *roots[ELEMENTSOF(v1_controllers) + 1];
                        size_t n = 0;
                        char buf[ELEMENTSOF(v1_controllers)][64];
                        for (size_t i = 0; i < ELEMENTSOF(v1_controllers); i++) {
                                snprintf(buf[i], sizeof buf[i], CGROUP_ROOT "/%s", v1_controllers[i]);
                                if (access(buf[i], F_OK) == 0)
                                        roots[n++] = buf[i];
                        }
                        if (is_cgroup2(CGROUP_ROOT "/unified"))
                                roots[n++] = CGROUP_ROOT "/unified";
                        if (n)
                                gc_stale(roots, n);
                }
                /* Every directory is known (and recorded) before the first is made. */
                for (size_t i = 0; i < ELEMENTSOF(v1_controllers); i++) {
                        const char *ctrl = v1_controllers[i];
                        _cleanup_free_ char *root = xasprintf(CGROUP_ROOT "/%s", ctrl), *p = NULL, *leaf = NULL;
                        if (!is_cgroup1(root))
                                continue;
                        r = resolve(c, ctrl, &p, err);
                        if (r < 0)
                                return r;
                        if (!cg->path)
                                cg->path = xstrdup(p);
                        leaf = xasprintf("%s%s", root, p);
                        cgroup_add_dir(cg, ctrl, leaf);
                }
                /* Hybrid: the v2 hierarchy holds what v1 does not mount (here: hugetlb). */
                if (is_cgroup2(CGROUP_ROOT "/unified")) {
                        _cleanup_free_ char *p = NULL, *leaf = NULL;
                        r = resolve(c, V2, &p, err);
                        if (r < 0)
                                return r;
                        leaf = xasprintf(CGROUP_ROOT "/unified%s", p);
                        cgroup_add_dir(cg, V2, leaf);
                }
                cgroup_record_planned(c, cg);
                for (size_t i = 0; i < cg->n_dirs; i++) {
                        const char *ctrl = cg->dirs[i].controller, *leaf = cg->dirs[i].path;
                        _cleanup_free_ char *root = streq(ctrl, V2) ? xstrdup(CGROUP_ROOT "/unified")
                                                                    : xasprintf(CGROUP_ROOT "/%s", ctrl);
                        r = mkdir_tree(root, leaf + strlen(root), &created);
                        if (r < 0)
                                return ocirt_fail_at(err, -r, c->config_path, NULL, "create cgroup '%s'", leaf);
                        /* The v2 part of a hybrid host does not count: made or not, the v1 leaves decide. */
                        if (created && !streq(ctrl, V2))
                                cg->created = true;
                        if (streq(ctrl, "cpuset") && created)
                                cpuset_fill(root, leaf);
                }
        } else
                return ocirt_fail(err, ENOTSUP, "no cgroup file system is mounted at " CGROUP_ROOT);

        r = refuse_populated(cg, c, err);
        if (r < 0)
                return r;
        r = refuse_frozen(cg, c, err);
        if (r < 0)
                return r;
        return cgroup_fs_apply_create(cg, c, err);
}

int
cgroup_fs_apply_create(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        const struct spec_resources *res = c->spec->linux_ ? c->spec->linux_->resources : NULL;
        struct dev_rules defaults;

        default_device_rules(res, &defaults);
        return apply(cg, res, &defaults, c->config_path, /* update= */ false, err);
}

/* ---- the rest of the ops ---- */

static int
fs_enter(struct cgroup *cg, pid_t pid, const char *sub, ocirt_error **err)
{
        char buf[24];

        snprintf(buf, sizeof buf, "%d", (int) pid);
        for (size_t i = 0; i < cg->n_dirs; i++) {
                _cleanup_free_ char *dir = sub ? xasprintf("%s/%s", cg->dirs[i].path, sub) : xstrdup(cg->dirs[i].path);
                int r;
                if (i > 0 && streq(cg->dirs[i].path, cg->dirs[i - 1].path))
                        continue;
                /* A new v1 cpuset cgroup starts with no cpus and mems and takes no process. */
                if (sub && mkdir(dir, 0755) == 0 && streq(cg->dirs[i].controller, "cpuset"))
                        cpuset_fill(cg->dirs[i].path, dir);
                /* The caller itself (pid 0) on v1: only its thread moves (cgroup.c, enter_runtime). */
                r = write_at(dir, pid == 0 && !streq(cg->dirs[i].controller, V2) ? "tasks" : "cgroup.procs", buf);
                if (r < 0)
                        return ocirt_fail(err, -r, "move process %d into cgroup '%s'", (int) pid, dir);
        }
        if (pid == 0 && own_cache)
                cgroup_fs_own_cache(own_cache_on);
        return 0;
}

static int
fs_update(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        static const struct dev_rules none;
        int r = apply(cg, res, &none, where, /* update= */ true, err);
        if (r >= 0)
                r = cgroup_fs_set_pids(cg, res, where, err);
        return r;
}

static const char *
procs_dir(struct cgroup *cg)
{
        static const char *const pref[] = { "freezer", "pids", "memory", "cpu", "devices", V2 };
        for (size_t i = 0; i < ELEMENTSOF(pref); i++) {
                const char *d = cgroup_dir_of(cg, pref[i]);
                if (d)
                        return d;
        }
        return cg->n_dirs ? cg->dirs[0].path : NULL;
}

/* The pids of dir and its sub-cgroups. */
static void
collect(const char *dir, pid_t **pids, size_t *n)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (read_at(dir, "cgroup.procs", &buf) >= 0) {
                char *save = NULL;
                for (char *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
                        *pids = xrealloc(*pids, (*n + 1) * sizeof **pids);
                        (*pids)[(*n)++] = (pid_t) atoi(t);
                }
        }
        d = opendir(dir);
        while (d && (de = readdir(d)))
                if (de->d_type == DT_DIR && de->d_name[0] != '.') {
                        _cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
                        collect(sub, pids, n);
                }
}

static int
fs_pids(struct cgroup *cg, pid_t **ret, size_t *ret_n, ocirt_error **err)
{
        const char *dir = procs_dir(cg);

        *ret = NULL;
        *ret_n = 0;
        if (!dir || access(dir, F_OK) < 0)
                return ocirt_fail(err, ENOENT, "the container's cgroup '%s' is gone", dir ? dir : "?");
        collect(dir, ret, ret_n);
        return 0;
}

static int
fs_is_frozen(struct cgroup *cg)
{
        _cleanup_free_ char *v = NULL;
        const char *d;

        if ((d = cgroup_dir_of(cg, "freezer"))) {
                if (read_at(d, "freezer.state", &v) < 0)
                        return -ENOENT;
                return !streq(v, "THAWED");
        }
        if ((d = cgroup_dir_of(cg, V2)) && file_exists(d, "cgroup.freeze")) {
                if (read_at(d, "cgroup.freeze", &v) < 0)
                        return -ENOENT;
                return streq(v, "1");
        }
        return 0;
}

static int
fs_freeze(struct cgroup *cg, bool frozen, ocirt_error **err)
{
        const char *d;
        int r;

        if ((d = cgroup_dir_of(cg, "freezer"))) {
                r = write_at(d, "freezer.state", frozen ? "FROZEN" : "THAWED");
                if (r < 0)
                        return ocirt_fail(err, -r, "write %s to %s/freezer.state", frozen ? "FROZEN" : "THAWED", d);
                /* FREEZING until every task stopped; poll (each write retries the stragglers). */
                for (int i = 0; frozen && i < 1000; i++) {
                        _cleanup_free_ char *v = NULL;
                        if (read_at(d, "freezer.state", &v) < 0 || streq(v, "FROZEN"))
                                return 0;
                        if (i % 10 == 9)
                                (void) write_at(d, "freezer.state", "FROZEN");
                        usleep(1000);
                }
                if (frozen) {
                        (void) write_at(d, "freezer.state", "THAWED");
                        return ocirt_fail(err, EBUSY, "the container did not freeze within 1 s (%s)", d);
                }
                return 0;
        }
        if ((d = cgroup_dir_of(cg, V2)) && file_exists(d, "cgroup.freeze")) {
                r = write_at(d, "cgroup.freeze", frozen ? "1" : "0");
                if (r < 0)
                        return ocirt_fail(err, -r, "write %s to %s/cgroup.freeze", frozen ? "1" : "0", d);
                for (int i = 0; frozen && i < 1000; i++) {
                        _cleanup_free_ char *ev = NULL;
                        if (read_at(d, "cgroup.events", &ev) < 0 || strstr(ev, "frozen 1"))
                                return 0;
                        usleep(1000);
                }
                return 0;
        }
        return ocirt_fail_at(err, ENOTSUP, NULL, "mount the freezer cgroup controller",
                             "this host has no cgroup freezer");
}

/* Still frozen after the thaw: an ancestor's v1 freezer holds the cgroup (freezer.parent_freezing),
 * and the SIGKILLed tasks stay in the refrigerator, so delete would wait and fail with EBUSY. Thawing
 * the ancestor would wake everything else in it; instead the container's tasks move to the freezer
 * hierarchy's root, which can never be frozen: the kernel thaws a task that moves to a thawed
 * freezer cgroup, and the pending SIGKILL ends it. Only the container's own freezer membership
 * changes, and only for tasks that are being killed. */
static void
thaw_out_of_frozen_parent(struct cgroup *cg)
{
        const char *fz = cgroup_dir_of(cg, "freezer");
        _cleanup_free_ pid_t *pids = NULL;
        char buf[24];
        size_t n = 0;

        if (!fz)
                return;
        collect(fz, &pids, &n);
        for (size_t i = 0; i < n; i++) {
                snprintf(buf, sizeof buf, "%d", (int) pids[i]);
                (void) write_at(CGROUP_ROOT "/freezer", "cgroup.procs", buf);
        }
}

static int
fs_kill_all(struct cgroup *cg, int sig)
{
        _cleanup_error_ ocirt_error *e = NULL;
        const char *d = cgroup_dir_of(cg, V2);
        bool was_frozen, froze = false;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;

        /* v2 (5.14+): the kernel kills the whole subtree, races with forks included. */
        if (sig == SIGKILL && cg->v2 && d && write_at(d, "cgroup.kill", "1") == 0)
                return 1;
        if (!procs_dir(cg) || access(procs_dir(cg), F_OK) < 0)
                return 0;
        /* Freeze first, so nothing forks between reading the list and signalling it; a paused
         * container is signalled frozen and thawed afterwards (so SIGKILL is delivered and nothing
         * stays frozen after delete --force). */
        was_frozen = fs_is_frozen(cg) == 1;
        if (!was_frozen)
                froze = fs_freeze(cg, true, &e) >= 0;
        collect(procs_dir(cg), &pids, &n);
        for (size_t i = 0; i < n; i++)
                (void) kill(pids[i], sig);
        if (froze || (was_frozen && sig == SIGKILL))
                (void) fs_freeze(cg, false, NULL);
        if (sig == SIGKILL && was_frozen && fs_is_frozen(cg) == 1)
                thaw_out_of_frozen_parent(cg);
        return 1;
}

static int
rmdir_tree(const char *dir)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        /* The common case is an empty leaf: one rmdir, no listing of its control files. */
        if (rmdir(dir) == 0 || errno == ENOENT)
                return 0;
        if (errno != EBUSY && errno != ENOTEMPTY)
                return -errno;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && de->d_name[0] != '.') {
                        _cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
                        (void) rmdir_tree(sub);
                }
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

static int
fs_destroy(struct cgroup *cg, ocirt_error **err)
{
        /* A frozen cgroup must never be left behind: thaw before anything else. */
        if (fs_is_frozen(cg) == 1)
                (void) fs_freeze(cg, false, NULL);
        for (int attempt = 0; attempt < 200; attempt++) {
                int r = 0;
                for (size_t i = cg->n_dirs; i-- > 0;) {
                        int q = rmdir_tree(cg->dirs[i].path);
                        if (q < 0 && r == 0)
                                r = q;
                }
                if (r == 0)
                        return 0;
                if (r != -EBUSY)
                        return ocirt_fail(err, -r, "remove cgroup '%s'", cg->path ? cg->path : "?");
                if (cg->no_kill && attempt >= 20)
                        return ocirt_fail(err, EBUSY, "remove cgroup '%s': processes of another container are in it",
                                          cg->path ? cg->path : "?");
                /* Processes left (a container without its own pid namespace, or dying ones). */
                if (!cg->no_kill && (attempt == 0 || attempt % 50 == 49))
                        (void) fs_kill_all(cg, SIGKILL);
                usleep(5000);
        }
        return ocirt_fail(err, EBUSY, "remove cgroup '%s': processes are still in it", cg->path ? cg->path : "?");
}

/* ---- stats (runc's `events --stats` data) ---- */

static uint64_t
read_u64(const char *dir, const char *file)
{
        _cleanup_free_ char *v = NULL;
        if (!dir || read_at(dir, file, &v) < 0)
                return 0;
        if (streq(v, "max"))
                return UINT64_MAX;
        return strtoull(v, NULL, 10);
}

/* "key value" lines as an object; key_filter NULL = all. */
static json_t *
flat_keyed(const char *dir, const char *file, uint64_t scale)
{
        _cleanup_free_ char *buf = NULL;
        json_t *o = json_object();
        char *save = NULL;

        if (!dir || read_at(dir, file, &buf) < 0)
                return o;
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *sp = strchr(l, ' ');
                if (!sp)
                        continue;
                *sp = '\0';
                json_object_set_new(o, l, json_integer((json_int_t) (strtoull(sp + 1, NULL, 10) * scale)));
        }
        return o;
}

/* OOM kills so far: "oom_kill N" of memory.oom_control (v1, kernel 4.13) or memory.events (v2). */
int
cgroup_fs_oom_kills(const struct cgroup *cg, uint64_t *ret)
{
        const char *v1 = cgroup_dir_of(cg, "memory"), *v2 = cgroup_dir_of(cg, V2);
        json_t *o = v1 ? flat_keyed(v1, "memory.oom_control", 1) : flat_keyed(v2, "memory.events", 1);
        json_t *n = json_object_get(o, "oom_kill");
        int r = n ? 0 : -ENOENT;

        *ret = n ? (uint64_t) json_integer_value(n) : 0;
        json_decref(o);
        return r;
}

static json_int_t
jget(json_t *o, const char *k)
{
        return json_integer_value(json_object_get(o, k));
}

static json_t *
usage_obj(uint64_t usage, uint64_t max, uint64_t limit, uint64_t failcnt)
{
        return json_pack("{s:I,s:I,s:I,s:I}", "usage", (json_int_t) usage, "max", (json_int_t) max, "limit",
                         (json_int_t) limit, "failcnt", (json_int_t) failcnt);
}

static int
fs_stats(struct cgroup *cg, json_t **ret, ocirt_error **err)
{
        json_t *data = json_object(), *cpu, *mem, *pids, *hug = json_object();
        const char *d;

        if (cg->v2) {
                d = cgroup_dir_of(cg, V2);
                json_t *cs = flat_keyed(d, "cpu.stat", 1000);
                json_t *ms = flat_keyed(d, "memory.stat", 1);
                cpu = json_pack("{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I}}", "usage", "total", jget(cs, "usage_usec"), "kernel",
                                jget(cs, "system_usec"), "user", jget(cs, "user_usec"), "throttling", "periods",
                                jget(cs, "nr_periods") / 1000, "throttled_periods", jget(cs, "nr_throttled") / 1000,
                                "throttled_time", jget(cs, "throttled_usec"));
                mem = json_pack("{s:I,s:o,s:o,s:o}", "cache", jget(ms, "file"), "usage",
                                usage_obj(read_u64(d, "memory.current"), read_u64(d, "memory.peak"),
                                          read_u64(d, "memory.max"), 0),
                                "swap", usage_obj(read_u64(d, "memory.swap.current"), 0, read_u64(d, "memory.swap.max"), 0),
                                "raw", ms);
                json_decref(cs);
                pids = json_pack("{s:I,s:I}", "current", (json_int_t) read_u64(d, "pids.current"), "limit",
                                 (json_int_t) read_u64(d, "pids.max"));
        } else {
                long tick = sysconf(_SC_CLK_TCK);
                d = cgroup_dir_of(cg, "cpuacct");
                json_t *percpu = json_array(), *st = flat_keyed(d, "cpuacct.stat", 1000000000ULL / (tick > 0 ? tick : 100));
                _cleanup_free_ char *pc = NULL;
                if (d && read_at(d, "cpuacct.usage_percpu", &pc) >= 0) {
                        char *save = NULL;
                        for (char *t = strtok_r(pc, " ", &save); t; t = strtok_r(NULL, " ", &save))
                                json_array_append_new(percpu, json_integer((json_int_t) strtoull(t, NULL, 10)));
                }
                json_t *cs = flat_keyed(cgroup_dir_of(cg, "cpu"), "cpu.stat", 1);
                cpu = json_pack("{s:{s:I,s:o,s:I,s:I},s:{s:I,s:I,s:I}}", "usage", "total",
                                (json_int_t) read_u64(d, "cpuacct.usage"), "percpu", percpu, "kernel", jget(st, "system"),
                                "user", jget(st, "user"), "throttling", "periods", jget(cs, "nr_periods"),
                                "throttled_periods", jget(cs, "nr_throttled"), "throttled_time", jget(cs, "throttled_time"));
                json_decref(st);
                json_decref(cs);
                d = cgroup_dir_of(cg, "memory");
                json_t *ms = flat_keyed(d, "memory.stat", 1);
                mem = json_pack("{s:I,s:o,s:o,s:o,s:o}", "cache", jget(ms, "cache"), "usage",
                                usage_obj(read_u64(d, "memory.usage_in_bytes"), read_u64(d, "memory.max_usage_in_bytes"),
                                          read_u64(d, "memory.limit_in_bytes"), read_u64(d, "memory.failcnt")),
                                "swap",
                                usage_obj(read_u64(d, "memory.memsw.usage_in_bytes"),
                                          read_u64(d, "memory.memsw.max_usage_in_bytes"),
                                          read_u64(d, "memory.memsw.limit_in_bytes"), read_u64(d, "memory.memsw.failcnt")),
                                "kernel",
                                usage_obj(read_u64(d, "memory.kmem.usage_in_bytes"), read_u64(d, "memory.kmem.max_usage_in_bytes"),
                                          read_u64(d, "memory.kmem.limit_in_bytes"), read_u64(d, "memory.kmem.failcnt")),
                                "raw", ms);
                d = cgroup_dir_of(cg, "pids");
                pids = json_pack("{s:I,s:I}", "current", (json_int_t) read_u64(d, "pids.current"), "limit",
                                 (json_int_t) (read_u64(d, "pids.max") == UINT64_MAX ? 0 : read_u64(d, "pids.max")));
        }
        /* hugetlb: "2MB": {usage, max, failcnt} from whichever hierarchy has it. */
        if ((d = cgroup_dir_of(cg, "hugetlb")) || (d = cgroup_dir_of(cg, V2))) {
                _cleanup_closedir_ DIR *dd = opendir(d);
                struct dirent *de;
                bool v1 = cgroup_dir_of(cg, "hugetlb") != NULL;
                while (dd && (de = readdir(dd))) {
                        const char *suffix = v1 ? ".usage_in_bytes" : ".current";
                        size_t l = strlen(de->d_name), sl = strlen(suffix);
                        if (!startswith(de->d_name, "hugetlb.") || l <= 8 + sl || !streq(de->d_name + l - sl, suffix))
                                continue;
                        _cleanup_free_ char *size = xstrndup(de->d_name + 8, l - 8 - sl);
                        if (strchr(size, '.'))
                                continue;
                        _cleanup_free_ char *fu = xasprintf("hugetlb.%s%s", size, suffix),
                                            *fm = xasprintf("hugetlb.%s.%s", size, v1 ? "max_usage_in_bytes" : "max"),
                                            *ff = xasprintf("hugetlb.%s.%s", size, v1 ? "failcnt" : "events");
                        json_object_set_new(hug, size, json_pack("{s:I,s:I,s:I}", "usage", (json_int_t) read_u64(d, fu),
                                                                  "max", (json_int_t) read_u64(d, fm), "failcnt",
                                                                  (json_int_t) (v1 ? read_u64(d, ff) : 0)));
                }
        }
        json_object_set_new(data, "cpu", cpu);
        json_object_set_new(data, "memory", mem);
        json_object_set_new(data, "pids", pids);
        json_object_set_new(data, "blkio", json_object());
        json_object_set_new(data, "hugetlb", hug);
        json_object_set_new(data, "intel_rdt", json_object());
        json_object_set_new(data, "network_interfaces", json_null());
        *ret = data;
        (void) err;
        return 0;
}

const struct cgroup_driver cgroup_driver_fs = {
        .name = "cgroupfs",
        .create = fs_create,
        .enter = fs_enter,
        .update = fs_update,
        .destroy = fs_destroy,
        .kill_all = fs_kill_all,
        .freeze = fs_freeze,
        .is_frozen = fs_is_frozen,
        .pids = fs_pids,
        .stats = fs_stats,
};

/* cgroup v2 has no devices.allow: the allow-list is an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE attached to the container's cgroup. The program sees
 * {access_type = access << 16 | type, major, minor} and returns 1 (allow) or 0 (deny).
 *
 * OCI rules apply in order, a later rule overriding an earlier one, so the program tests them last
 * to first and the first match decides; the default devices (see default_devices) come after the
 * config's, so they win. No match: allow, which is what a v1 child cgroup inherits; the usual
 * config starts with a deny-all rule, which then matches. An allow rule matches when the request's
 * access is a subset of the rule's; a deny rule when they share a bit. */
static void
emit(struct bpf_insn **p, size_t *n, struct bpf_insn i)
{
        *p = xrealloc(*p, (*n + 1) * sizeof **p);
        (*p)[(*n)++] = i;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static unsigned
access_bits(const char *a)
{
        unsigned m = 0;
        for (; a && *a; a++)
                m |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
        return a ? m : 7;
}

/* One rule: the checks jump to the next rule on a mismatch; offsets are patched at the end.
 * Returns false for a rule that matches everything: what follows it is unreachable, and the
 * verifier refuses unreachable instructions. */
static bool
emit_rule(struct bpf_insn **p, size_t *n, const struct spec_device_cgroup *d)
{
        size_t start = *n;
        unsigned acc = d->access ? access_bits(d->access) : 7;

        if (d->type && d->type != 'a')
                emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
        if (acc != 7) {
                emit(p, n, INSN(BPF_ALU | BPF_MOV | BPF_X, 6, 3, 0, 0));
                if (d->allow) { /* request & ~rule != 0: not a subset */
                        emit(p, n, INSN(BPF_ALU | BPF_AND | BPF_K, 6, 0, 0, (int) (~acc & 7)));
                        emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 6, 0, 0, 0));
                } else { /* request & rule == 0: nothing shared */
                        emit(p, n, INSN(BPF_ALU | BPF_AND | BPF_K, 6, 0, 0, (int) acc));
                        emit(p, n, INSN(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 0, 0));
                }
        }
        if (d->has_major && d->major >= 0)
                emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int) d->major));
        if (d->has_minor && d->minor >= 0)
                emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int) d->minor));
        emit(p, n, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, d->allow ? 1 : 0));
        emit(p, n, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        /* Every conditional jump of this rule goes to the first instruction after it. */
        for (size_t i = start; i < *n; i++)
                if (BPF_CLASS((*p)[i].code) == BPF_JMP && BPF_OP((*p)[i].code) != BPF_EXIT)
                        (*p)[i].off = (int16_t) (*n - i - 1);
        return *n - start > 2;
}

static int
cgroup_bpf_devices(struct cgroup *cg, const struct spec_resources *res, const struct dev_rules *defaults,
                   const char *where, ocirt_error **err)
{
        _cleanup_free_ struct bpf_insn *prog = NULL;
        _cleanup_close_ int dirfd = -1, progfd = -1;
        const char *dir = cgroup_dir_of(cg, V2);
        char log[4096] = "";
        union bpf_attr attr;
        size_t n = 0;

        if (!dir)
                return 0;
        /* r2 = type, r3 = access, r4 = major, r5 = minor */
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0));
        emit(&prog, &n, INSN(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 0, 0));
        emit(&prog, &n, INSN(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16));
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0));
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0));
        bool reachable = true;
        for (size_t i = defaults->n; i-- > 0;)
                emit_rule(&prog, &n, &defaults->v[i]);
        for (size_t i = res->n_devices; reachable && i-- > 0;)
                reachable = emit_rule(&prog, &n, &res->devices[i]);
        if (reachable) {
                emit(&prog, &n, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1));
                emit(&prog, &n, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        }

        memset(&attr, 0, sizeof attr);
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uint64_t) (uintptr_t) prog;
        attr.insn_cnt = (uint32_t) n;
        attr.license = (uint64_t) (uintptr_t) "GPL";
        attr.log_buf = (uint64_t) (uintptr_t) log;
        attr.log_size = sizeof log;
        attr.log_level = 1;
        progfd = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
        if (progfd < 0 && errno == ENOSPC) { /* the log was too small; load without it */
                attr.log_buf = 0;
                attr.log_size = 0;
                attr.log_level = 0;
                progfd = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
        }
        if (progfd < 0) {
                _cleanup_free_ char *w = xasprintf("%s: .linux.resources.devices", where);
                return ocirt_fail_at(err, errno, w, NULL, "load the device eBPF program (%zu instructions)%s%s", n,
                                     *log ? ": " : "", log);
        }
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return ocirt_fail(err, errno, "open cgroup '%s'", dir);
        memset(&attr, 0, sizeof attr);
        attr.target_fd = (uint32_t) dirfd;
        attr.attach_bpf_fd = (uint32_t) progfd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) < 0) {
                _cleanup_free_ char *w = xasprintf("%s: .linux.resources.devices", where);
                return ocirt_fail_at(err, errno, w, NULL, "attach the device eBPF program to '%s'", dir);
        }
        log_debug(cg->ctx, "cgroup: device program of %zu instructions attached to %s", n, dir);
        return 0;
}
