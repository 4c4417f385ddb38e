/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-stats.c: runc's `events --stats` data and the OOM kill count from a cgroup's files. */
#include "config.h"

#include <dirent.h>
#include <unistd.h>

#include "cgroup/cgroup-stats.h"
#include "base/base.h"

static uint64_t
read_u64(const char *dir, const char *file)
{
        _cleanup_free_ char *v = NULL;
        if (!dir || cgroup_read(dir, file, &v) < 0)
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

        if (!dir || cgroup_read(dir, file, &buf) < 0)
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
cgroup_stats_oom_kills(const struct cgroup *cg, uint64_t *ret)
{
        const char *v1 = cgroup_dir_of(cg, "memory"), *v2 = cgroup_dir_of(cg, CGROUP_V2);
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

/* v2: cpu.stat in microseconds (runc reports nanoseconds), memory.* and pids.* of the one directory. */
static void
stats_v2(const struct cgroup *cg, json_t **cpu, json_t **mem, json_t **pids)
{
        const char *d = cgroup_dir_of(cg, CGROUP_V2);
        json_t *cs = flat_keyed(d, "cpu.stat", 1000);
        json_t *ms = flat_keyed(d, "memory.stat", 1);

        *cpu = json_pack("{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I}}", "usage", "total", jget(cs, "usage_usec"), "kernel",
                         jget(cs, "system_usec"), "user", jget(cs, "user_usec"), "throttling", "periods",
                         jget(cs, "nr_periods") / 1000, "throttled_periods", jget(cs, "nr_throttled") / 1000,
                         "throttled_time", jget(cs, "throttled_usec"));
        *mem = json_pack("{s:I,s:o,s:o,s:o}", "cache", jget(ms, "file"), "usage",
                         usage_obj(read_u64(d, "memory.current"), read_u64(d, "memory.peak"), read_u64(d, "memory.max"), 0),
                         "swap", usage_obj(read_u64(d, "memory.swap.current"), 0, read_u64(d, "memory.swap.max"), 0),
                         "raw", ms);
        json_decref(cs);
        *pids = json_pack("{s:I,s:I}", "current", (json_int_t) read_u64(d, "pids.current"), "limit",
                          (json_int_t) read_u64(d, "pids.max"));
}

/* v1: cpuacct (in clock ticks for user and system), cpu throttling, memory and pids, each from
 * its own hierarchy. */
static json_t *
cpu_v1(const struct cgroup *cg)
{
        long tick = sysconf(_SC_CLK_TCK);
        const char *d = cgroup_dir_of(cg, "cpuacct");
        json_t *percpu = json_array(), *st = flat_keyed(d, "cpuacct.stat", 1000000000ULL / (tick > 0 ? tick : 100));
        json_t *cs = flat_keyed(cgroup_dir_of(cg, "cpu"), "cpu.stat", 1), *cpu;
        _cleanup_free_ char *pc = NULL;

        if (d && cgroup_read(d, "cpuacct.usage_percpu", &pc) >= 0) {
                char *save = NULL;
                for (char *t = strtok_r(pc, " ", &save); t; t = strtok_r(NULL, " ", &save))
                        json_array_append_new(percpu, json_integer((json_int_t) strtoull(t, NULL, 10)));
        }
        cpu = json_pack("{s:{s:I,s:o,s:I,s:I},s:{s:I,s:I,s:I}}", "usage", "total",
                        (json_int_t) read_u64(d, "cpuacct.usage"), "percpu", percpu, "kernel", jget(st, "system"),
                        "user", jget(st, "user"), "throttling", "periods", jget(cs, "nr_periods"),
                        "throttled_periods", jget(cs, "nr_throttled"), "throttled_time", jget(cs, "throttled_time"));
        json_decref(st);
        json_decref(cs);
        return cpu;
}

static void
stats_v1(const struct cgroup *cg, json_t **cpu, json_t **mem, json_t **pids)
{
        const char *d = cgroup_dir_of(cg, "memory");
        json_t *ms = flat_keyed(d, "memory.stat", 1);

        *cpu = cpu_v1(cg);
        *mem = json_pack("{s:I,s:o,s:o,s:o,s:o}", "cache", jget(ms, "cache"), "usage",
                         usage_obj(read_u64(d, "memory.usage_in_bytes"), read_u64(d, "memory.max_usage_in_bytes"),
                                   read_u64(d, "memory.limit_in_bytes"), read_u64(d, "memory.failcnt")),
                         "swap",
                         usage_obj(read_u64(d, "memory.memsw.usage_in_bytes"), read_u64(d, "memory.memsw.max_usage_in_bytes"),
                                   read_u64(d, "memory.memsw.limit_in_bytes"), read_u64(d, "memory.memsw.failcnt")),
                         "kernel",
                         usage_obj(read_u64(d, "memory.kmem.usage_in_bytes"), read_u64(d, "memory.kmem.max_usage_in_bytes"),
                                   read_u64(d, "memory.kmem.limit_in_bytes"), read_u64(d, "memory.kmem.failcnt")),
                         "raw", ms);
        d = cgroup_dir_of(cg, "pids");
        *pids = json_pack("{s:I,s:I}", "current", (json_int_t) read_u64(d, "pids.current"), "limit",
                          (json_int_t) (read_u64(d, "pids.max") == UINT64_MAX ? 0 : read_u64(d, "pids.max")));
}

/* hugetlb: "2MB": {usage, max, failcnt} from whichever hierarchy has it. */
static json_t *
hugetlb_stats(const struct cgroup *cg)
{
        bool v1 = cgroup_dir_of(cg, "hugetlb") != NULL;
        const char *d = v1 ? cgroup_dir_of(cg, "hugetlb") : cgroup_dir_of(cg, CGROUP_V2);
        const char *suffix = v1 ? ".usage_in_bytes" : ".current";
        _cleanup_closedir_ DIR *dd = d ? opendir(d) : NULL;
        json_t *hug = json_object();
        struct dirent *de;

        while (dd && (de = readdir(dd))) {
                size_t l = strlen(de->d_name), sl = strlen(suffix);
                if (!startswith(de->d_name, "hugetlb.") || l <= 8 + sl || !streq(de->d_name + l - sl, suffix))
                        continue;
                _cleanup_free_ char *size = xstrndup(de->d_name + 8, l - 8 - sl);
                if (strchr(size, '.'))
                        continue;
                _cleanup_free_ char *fu = xasprintf("hugetlb.%s%s", size, suffix),
                                    *fm = xasprintf("hugetlb.%s.%s", size, v1 ? "max_usage_in_bytes" : "max"),
                                    *ff = xasprintf("hugetlb.%s.%s", size, v1 ? "failcnt" : "events");
                json_object_set_new(hug, size, json_pack("{s:I,s:I,s:I}", "usage", (json_int_t) read_u64(d, fu), "max",
                                                          (json_int_t) read_u64(d, fm), "failcnt",
                                                          (json_int_t) (v1 ? read_u64(d, ff) : 0)));
        }
        return hug;
}

int
cgroup_stats_read(struct cgroup *cg, json_t **ret, ocirt_error **err)
{
        json_t *data = json_object(), *cpu, *mem, *pids;

        if (cg->v2)
                stats_v2(cg, &cpu, &mem, &pids);
        else
                stats_v1(cg, &cpu, &mem, &pids);
        json_object_set_new(data, "cpu", cpu);
        json_object_set_new(data, "memory", mem);
        json_object_set_new(data, "pids", pids);
        json_object_set_new(data, "blkio", json_object());
        json_object_set_new(data, "hugetlb", hugetlb_stats(cg));
        json_object_set_new(data, "intel_rdt", json_object());
        json_object_set_new(data, "network_interfaces", json_null());
        *ret = data;
        (void) err;
        return 0;
}
