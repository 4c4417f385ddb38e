/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-resources.c: .linux.resources into a cgroup's directories (see cgroup-resources.h): which
 * part goes where (v1: cgroup-res-v1.c, v2: cgroup-res-v2.c, devices: cgroup-devices.c), and the
 * parts that are written alike on both (hugetlb, rdma, network, unified, pids). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup/cgroup-resources.h"
#include "cgroup/cgroup-devices.h"
#include "cgroup/cgroup-layout.h"
#include "cgroup/cgroup-res-v1.h"
#include "cgroup/cgroup-res-v2.h"
#include "cgroup/cgroup-writer.h"
#include "base/base.h"

static int
hugetlb(struct cgroup_writer *w, const struct spec_resources *res)
{
        bool v1 = cgroup_dir_of(w->cg, "hugetlb") != NULL;

        if (!v1 && cgroup_dir_of(w->cg, CGROUP_V2) && !w->cg->v2)
                (void) cgroup_v2_enable(w->cg, "+hugetlb"); /* hybrid: hugetlb lives on the v2 side */
        for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                const struct spec_hugepage_limit *h = &res->hugepage_limits[i];
                _cleanup_free_ char *jp = xasprintf("hugepageLimits[%zu]", i);
                _cleanup_free_ char *file = v1 ? xasprintf("hugetlb.%s.limit_in_bytes", h->page_size)
                                               : xasprintf("hugetlb.%s.max", h->page_size);
                int r = cgroup_wrf(w, v1 ? "hugetlb" : CGROUP_V2, file, jp, "%" PRIu64, h->limit);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
rdma(struct cgroup_writer *w, const struct spec_resources *res)
{
        const char *ctrl = cgroup_dir_of(w->cg, "rdma") ? "rdma" : CGROUP_V2;

        for (size_t i = 0; i < res->n_rdma; i++) {
                const struct spec_rdma *d = &res->rdma[i];
                _cleanup_free_ char *jp = xasprintf("rdma.%s", d->device);
                char h[24] = "max", o[24] = "max";
                int r;
                if (d->has_hca_handles)
                        snprintf(h, sizeof h, "%u", (unsigned) d->hca_handles);
                if (d->has_hca_objects)
                        snprintf(o, sizeof o, "%u", (unsigned) d->hca_objects);
                r = cgroup_wrf(w, ctrl, "rdma.max", jp, "%s hca_handle=%s hca_object=%s", d->device, h, o);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
network(struct cgroup_writer *w, const struct spec_resources *res)
{
        int r;

        if (w->cg->v2) {
                if (res->has_class_id || res->n_net_priorities)
                        log_warning(w->cg->ctx, "cgroup v2 has no net_cls/net_prio, ignoring .linux.resources.network");
                return 0;
        }
        if (res->has_class_id && (r = cgroup_wrf(w, "net_cls", "net_cls.classid", "network.classID", "%u", (unsigned) res->class_id)) < 0)
                return r;
        for (size_t i = 0; i < res->n_net_priorities; i++)
                if ((r = cgroup_wrf(w, "net_prio", "net_prio.ifpriomap", "network.priorities", "%s %u",
                                    res->net_priorities[i].name, (unsigned) res->net_priorities[i].priority)) < 0)
                        return r;
        return 0;
}

static int
unified(struct cgroup_writer *w, const struct spec_resources *res)
{
        const char *dir = cgroup_dir_of(w->cg, CGROUP_V2);

        for (size_t i = 0; i < res->n_unified; i++) {
                const char *k = res->unified[i].key;
                _cleanup_free_ char *jp = xasprintf("unified[\"%s\"]", k);
                int r;
                if (!dir)
                        return cgroup_wfail(w, ENOTSUP, jp, "remove linux.resources.unified on a cgroup v1 host",
                                            "this host has no cgroup v2 hierarchy");
                if (strchr(k, '/') || k[0] == '.' || !strchr(k, '.'))
                        return cgroup_wfail(w, EINVAL, jp, NULL, "'%s' is not a cgroup file name", k);
                if (!cgroup_has_file(dir, k)) {
                        /* Maybe the controller is not enabled yet: enable it, then look again. */
                        _cleanup_free_ char *c = xasprintf("+%.*s", (int) (strchr(k, '.') - k), k);
                        (void) cgroup_v2_enable(w->cg, c);
                        if (!cgroup_has_file(dir, k))
                                return cgroup_wfail(w, ENOENT, jp, "check the controller and file name",
                                                    "the cgroup has no file '%s' (%s)", k, dir);
                }
                r = cgroup_wr(w, CGROUP_V2, k, jp, res->unified[i].value);
                if (r < 0)
                        return r;
        }
        return 0;
}

int
cgroup_resources_pids(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        struct cgroup_writer w = { .cg = cg, .where = where, .err = err };

        if (!res || !res->has_pids)
                return 0;
        if (res->pids_limit <= 0)
                return cgroup_wr(&w, cg->v2 ? CGROUP_V2 : "pids", "pids.max", "pids.limit", "max");
        return cgroup_wrf(&w, cg->v2 ? CGROUP_V2 : "pids", "pids.max", "pids.limit", "%" PRId64, res->pids_limit);
}

/* Everything but pids (written once the runtime has left the cgroup, see cgroup.c). */
static int
apply(struct cgroup *cg, const struct spec_resources *res, const struct cgroup_dev_rules *defaults, const char *where, bool update,
      ocirt_error **err)
{
        struct cgroup_writer w = { .cg = cg, .where = where, .err = err, .update = update };
        int r = 0;

        if (!res)
                return 0;
        if (cg->v2) {
                if (res->memory && (r = cgroup_res_v2_memory(&w, res->memory)) < 0)
                        return r;
                if (res->cpu && (r = cgroup_res_v2_cpu(&w, res->cpu)) < 0)
                        return r;
                if (res->block_io && (r = cgroup_res_v2_io(&w, res->block_io)) < 0)
                        return r;
                if (res->n_devices && !update && (r = cgroup_devices_v2(cg, res, defaults, where, err)) < 0)
                        return r;
        } else {
                if (res->memory && (r = cgroup_res_v1_memory(&w, res->memory)) < 0)
                        return r;
                if (res->cpu && (r = cgroup_res_v1_cpu(&w, res->cpu)) < 0)
                        return r;
                if (res->block_io && (r = cgroup_res_v1_blkio(&w, res->block_io)) < 0)
                        return r;
                if (res->n_devices && !update && (r = cgroup_devices_v1(&w, res, defaults)) < 0)
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

int
cgroup_resources_create(struct cgroup *cg, struct container *c, ocirt_error **err)
{
        const struct spec_resources *res = c->spec->linux_ ? c->spec->linux_->resources : NULL;
        struct cgroup_dev_rules defaults;

        cgroup_devices_defaults(res, &defaults);
        return apply(cg, res, &defaults, c->config_path, /* update= */ false, err);
}

int
cgroup_resources_update(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        static const struct cgroup_dev_rules none;
        int r = apply(cg, res, &none, where, /* update= */ true, err);
        if (r >= 0)
                r = cgroup_resources_pids(cg, res, where, err);
        return r;
}
