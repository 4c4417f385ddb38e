/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-resources.c: linux.resources of config.json, the cgroup limits (device rules, memory, cpu,
 * pids, blockIO, hugepages, network classes and priorities, rdma, unified cgroup v2 files), read
 * into struct spec_resources and freed again. Each value is checked as far as it can be without
 * the host: ranges the kernel would refuse with a bare EINVAL, device access strings, hugepage
 * sizes, cgroup file names that must stay inside the container's cgroup. Applying them is the
 * cgroup room's job (cgroup/cgroup-resources.c and the files beside it). */
#include "config.h"

#include <inttypes.h>

#include "config/spec-json.h"

static int
parse_device_cgroup(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("allow", F_BOOL, struct spec_device_cgroup, allow),
                FIELD_HAS("major", F_I64, struct spec_device_cgroup, major, has_major),
                FIELD_HAS("minor", F_I64, struct spec_device_cgroup, minor, has_minor),
                FIELD("access", F_STRING, struct spec_device_cgroup, access),
        };
        static const struct spec_name_value types[] = { { "a", 'a' }, { "c", 'c' }, { "b", 'b' } };
        struct spec_device_cgroup *d = elem;
        long long val;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), d);
        if (r < 0)
                return r;
        if (!d->has_major)
                d->major = -1;
        if (!d->has_minor)
                d->minor = -1;
        r = spec_get_enum_key(p, v, "type", types, ELEMENTSOF(types), "device cgroup type", NULL, NULL, &val);
        if (r < 0)
                return r;
        if (r > 0)
                d->type = (char) val;
        if (d->major < -1 || d->minor < -1)
                return spec_fail(p, "use -1 (or leave it out) for any number", "negative device number");
        if (d->access) {
                const char *a = d->access;
                bool bad = !*a || strspn(a, "rwm") != strlen(a);

                for (const char *c = a; !bad && *c; c++)
                        if (strchr(c + 1, *c))
                                bad = true;
                if (bad)
                        return spec_fail_key(p, "access", "use a combination of 'r', 'w' and 'm', e.g. \"rwm\"",
                                             "invalid device access '%s'", a);
        }
        return 0;
}

static int
parse_memory(struct spec_parser *p, const json_t *v, struct spec_memory *m)
{
        static const struct spec_field fields[] = {
                FIELD_HAS("limit", F_I64, struct spec_memory, limit, has_limit),
                FIELD_HAS("reservation", F_I64, struct spec_memory, reservation, has_reservation),
                FIELD_HAS("swap", F_I64, struct spec_memory, swap, has_swap),
                FIELD_HAS("kernel", F_I64, struct spec_memory, kernel, has_kernel),
                FIELD_HAS("kernelTCP", F_I64, struct spec_memory, kernel_tcp, has_kernel_tcp),
                FIELD_HAS("swappiness", F_U64, struct spec_memory, swappiness, has_swappiness),
                FIELD_HAS("disableOOMKiller", F_BOOL, struct spec_memory, disable_oom_killer, has_disable_oom_killer),
                FIELD_HAS("useHierarchy", F_BOOL, struct spec_memory, use_hierarchy, has_use_hierarchy),
                FIELD_HAS("checkBeforeUpdate", F_BOOL, struct spec_memory, check_before_update,
                          has_check_before_update),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), m);
        if (r < 0)
                return r;
        if (m->has_swappiness && m->swappiness > 100)
                return spec_fail_key(p, "swappiness", "use a value between 0 and 100",
                                     "swappiness %" PRIu64 " is out of range", m->swappiness);
        return 0;
}

static int
parse_cpu(struct spec_parser *p, const json_t *v, struct spec_cpu *c)
{
        static const struct spec_field fields[] = {
                FIELD_HAS("shares", F_U64, struct spec_cpu, shares, has_shares),
                FIELD_HAS("quota", F_I64, struct spec_cpu, quota, has_quota),
                FIELD_HAS("burst", F_U64, struct spec_cpu, burst, has_burst),
                FIELD_HAS("period", F_U64, struct spec_cpu, period, has_period),
                FIELD_HAS("realtimeRuntime", F_I64, struct spec_cpu, realtime_runtime, has_realtime_runtime),
                FIELD_HAS("realtimePeriod", F_U64, struct spec_cpu, realtime_period, has_realtime_period),
                FIELD_HAS("idle", F_I64, struct spec_cpu, idle, has_idle),
                FIELD("cpus", F_STRING, struct spec_cpu, cpus),
                FIELD("mems", F_STRING, struct spec_cpu, mems),
        };

        return spec_parse_struct(p, v, fields, ELEMENTSOF(fields), c);
}

static int
parse_weight_device(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("major", F_I64, struct spec_weight_device, major),
                FIELD_REQ("minor", F_I64, struct spec_weight_device, minor),
                FIELD_HAS("weight", F_U16, struct spec_weight_device, weight, has_weight),
                FIELD_HAS("leafWeight", F_U16, struct spec_weight_device, leaf_weight, has_leaf_weight),
        };
        struct spec_weight_device *w = elem;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), w);
        if (r < 0)
                return r;
        if (!w->has_weight && !w->has_leaf_weight)
                return spec_fail(p, "give 'weight', 'leafWeight' or both", "neither 'weight' nor 'leafWeight' is set");
        return 0;
}

static int
parse_throttle_device(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("major", F_I64, struct spec_throttle_device, major),
                FIELD_REQ("minor", F_I64, struct spec_throttle_device, minor),
                FIELD("rate", F_U64, struct spec_throttle_device, rate),
        };

        return spec_parse_struct(p, v, fields, ELEMENTSOF(fields), elem);
}

static int
parse_block_io(struct spec_parser *p, const json_t *v, struct spec_blockio *b)
{
        static const struct spec_field fields[] = {
                FIELD_HAS("weight", F_U16, struct spec_blockio, weight, has_weight),
                FIELD_HAS("leafWeight", F_U16, struct spec_blockio, leaf_weight, has_leaf_weight),
        };
        struct {
                const char *key;
                struct spec_throttle_device **list;
                size_t *n;
        } throttles[] = {
                { "throttleReadBpsDevice", &b->throttle_read_bps, &b->n_throttle_read_bps },
                { "throttleWriteBpsDevice", &b->throttle_write_bps, &b->n_throttle_write_bps },
                { "throttleReadIOPSDevice", &b->throttle_read_iops, &b->n_throttle_read_iops },
                { "throttleWriteIOPSDevice", &b->throttle_write_iops, &b->n_throttle_write_iops },
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), b);
        if (r < 0)
                return r;
        r = spec_parse_array(p, v, "weightDevice", "objects", sizeof(struct spec_weight_device), parse_weight_device,
                             (void **) &b->weight_device, &b->n_weight_device);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(throttles); i++) {
                r = spec_parse_array(p, v, throttles[i].key, "objects", sizeof(struct spec_throttle_device),
                                     parse_throttle_device, (void **) throttles[i].list, throttles[i].n);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool
valid_page_size(const char *s)
{
        /* ^[1-9][0-9]*[KMG]B$, as in the schema (hugetlb.<size>.limit_in_bytes). */
        size_t n = strlen(s), d;

        if (n < 3 || s[0] < '1' || s[0] > '9')
                return false;
        d = strspn(s, "0123456789");
        return d == n - 2 && strchr("KMG", s[d]) && s[d + 1] == 'B';
}

static int
parse_hugepage(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("pageSize", F_STRING, struct spec_hugepage_limit, page_size),
                FIELD_REQ("limit", F_U64, struct spec_hugepage_limit, limit),
        };
        struct spec_hugepage_limit *h = elem;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), h);
        if (r < 0)
                return r;
        if (!valid_page_size(h->page_size))
                return spec_fail_key(p, "pageSize", "use a size like \"2MB\", \"64KB\" or \"1GB\" (upper-case unit)",
                                     "invalid hugepage size '%s'", h->page_size);
        return 0;
}

static int
parse_net_priority(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("name", F_STRING, struct spec_net_priority, name),
                FIELD_REQ("priority", F_U32, struct spec_net_priority, priority),
        };

        return spec_parse_struct(p, v, fields, ELEMENTSOF(fields), elem);
}

static int
parse_network(struct spec_parser *p, const json_t *v, struct spec_resources *res)
{
        static const struct spec_field fields[] = {
                FIELD_HAS("classID", F_U32, struct spec_resources, class_id, has_class_id),
        };
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        res->has_network = true;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), res);
        if (r < 0)
                return r;
        r = spec_parse_array(p, v, "priorities", "objects", sizeof(struct spec_net_priority), parse_net_priority,
                             (void **) &res->net_priorities, &res->n_net_priorities);
        return r < 0 ? r : 0;
}

static int
parse_rdma_device(struct spec_parser *p, const char *k, const json_t *d, void *elem, void *arg)
{
        static const struct spec_field fields[] = {
                FIELD_HAS("hcaHandles", F_U32, struct spec_rdma, hca_handles, has_hca_handles),
                FIELD_HAS("hcaObjects", F_U32, struct spec_rdma, hca_objects, has_hca_objects),
        };
        struct spec_rdma *rd = elem;
        int r = 0;

        rd->device = xstrdup(k);
        if (!*k || strpbrk(k, " \t\n/"))
                r = spec_fail(p, "use the RDMA device name, e.g. \"mlx5_1\"", "invalid RDMA device name '%s'", k);
        if (r >= 0)
                r = spec_parse_struct(p, d, fields, ELEMENTSOF(fields), rd);
        if (r >= 0 && !rd->has_hca_handles && !rd->has_hca_objects)
                r = spec_fail(p, "give 'hcaHandles', 'hcaObjects' or both",
                              "neither 'hcaHandles' nor 'hcaObjects' is set");
        return r;
}

static int
check_unified_key(struct spec_parser *p, const char *k)
{
        /* The key names a file in the container's cgroup directory: it must stay there. */
        if (strchr(k, '/') || streq(k, "..") || streq(k, "."))
                return spec_fail(p, "use a cgroup v2 file name such as \"memory.high\"",
                                 "invalid cgroup file name '%s'", k);
        return 0;
}

static int
parse_pids(struct spec_parser *p, const json_t *v, struct spec_resources *res)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("limit", F_I64, struct spec_resources, pids_limit),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), res);
        if (r < 0)
                return r;
        res->has_pids = true;
        return 0;
}

int
spec_parse_resources(struct spec_parser *p, const json_t *v, struct spec_resources *res)
{
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_parse_array(p, v, "devices", "device rules", sizeof(struct spec_device_cgroup), parse_device_cgroup,
                             (void **) &res->devices, &res->n_devices);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "memory", sizeof *res->memory, (spec_obj_fn) parse_memory,
                                  (void **) &res->memory);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "cpu", sizeof *res->cpu, (spec_obj_fn) parse_cpu, (void **) &res->cpu);
        if (r < 0)
                return r;
        r = spec_parse_object(p, v, "pids", (spec_obj_fn) parse_pids, res);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "blockIO", sizeof *res->block_io, (spec_obj_fn) parse_block_io,
                                  (void **) &res->block_io);
        if (r < 0)
                return r;
        r = spec_parse_array(p, v, "hugepageLimits", "objects", sizeof(struct spec_hugepage_limit), parse_hugepage,
                             (void **) &res->hugepage_limits, &res->n_hugepage_limits);
        if (r < 0)
                return r;
        r = spec_parse_object(p, v, "network", (spec_obj_fn) parse_network, res);
        if (r < 0)
                return r;
        r = spec_parse_map(p, v, "rdma", "an object mapping device names to limits", sizeof *res->rdma,
                           parse_rdma_device, NULL, (void **) &res->rdma, &res->n_rdma);
        if (r < 0)
                return r;
        r = spec_parse_string_map(p, v, "unified", check_unified_key, &res->unified, &res->n_unified);
        return r < 0 ? r : 0;
}

void
spec_resources_free(struct spec_resources *r)
{
        if (!r)
                return;
        for (size_t i = 0; r->devices && i < r->n_devices; i++)
                free(r->devices[i].access);
        free(r->devices);
        free(r->memory);
        if (r->cpu) {
                free(r->cpu->cpus);
                free(r->cpu->mems);
                free(r->cpu);
        }
        if (r->block_io) {
                free(r->block_io->weight_device);
                free(r->block_io->throttle_read_bps);
                free(r->block_io->throttle_write_bps);
                free(r->block_io->throttle_read_iops);
                free(r->block_io->throttle_write_iops);
                free(r->block_io);
        }
        for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; r->net_priorities && i < r->n_net_priorities; i++)
                free(r->net_priorities[i].name);
        free(r->net_priorities);
        for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        spec_kv_free(r->unified, r->n_unified);
        free(r);
}
