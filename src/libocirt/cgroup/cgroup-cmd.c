/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-cmd.c: the public commands on a container's cgroup (issue 6): pause, resume, update, ps,
 * stats and the OOM kill count, through the driver that made it. */
#include "config.h"

#include <unistd.h>

#include "cgroup/driver.h"
#include "cgroup/cgroup-recorded.h"
#include "cgroup/cgroup-resources.h"
#include "cgroup/cgroup-stats.h"
#include "base/base.h"
#include "state/state.h"

struct loaded {
        int dirfd;
        struct state st;
        enum state_status status;
        struct cgroup *cg;
};

static void
loaded_done(struct loaded *l)
{
        if (l->dirfd >= 0)
                close(l->dirfd);
        state_done(&l->st);
        cgroup_free(l->cg);
}

static int
load(ocirt_ctx *ctx, const char *id, struct loaded *l, bool need_cgroup, ocirt_error **err)
{
        int r;

        *l = (struct loaded){ .dirfd = -1 };
        r = ocirt_id_validate(id, err);
        if (r < 0)
                return r;
        r = state_dir_open(ctx, id, &l->dirfd, err);
        if (r < 0)
                return r;
        r = state_read(l->dirfd, id, &l->st, err);
        if (r == -ENOENT)
                return ocirt_fail_at(err, EBUSY, id, NULL, "the container is still being created");
        if (r < 0)
                return r;
        l->status = state_status(l->dirfd, &l->st);
        l->cg = cgroup_from_state(ctx, &l->st);
        if (l->cg && l->status == STATUS_RUNNING && l->cg->driver->is_frozen(l->cg) == 1)
                l->status = STATUS_PAUSED;
        if (need_cgroup && !l->cg)
                return ocirt_fail_at(err, ENOTSUP, id,
                                     "run it as root, or with a delegated cgroup (cgroup v2, Delegate=yes)",
                                     "the container has no cgroup");
        return 0;
}

static int
pause_resume(ocirt_ctx *ctx, const char *id, bool pause, ocirt_error **err)
{
        struct loaded l;
        int r;

        r = load(ctx, id, &l, /* need_cgroup= */ true, err);
        if (r >= 0) {
                if (pause && l.status != STATUS_RUNNING && l.status != STATUS_CREATED)
                        r = ocirt_fail_at(err, EINVAL, id, NULL, "cannot pause a container that is %s",
                                          state_status_name(l.status));
                else if (!pause && l.status != STATUS_PAUSED)
                        r = ocirt_fail_at(err, EINVAL, id, NULL, "cannot resume a container that is %s",
                                          state_status_name(l.status));
                else
                        r = l.cg->driver->freeze(l.cg, pause, err);
        }
        if (r < 0 && err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "%s '%s'", pause ? "pause" : "resume", id);
        loaded_done(&l);
        return r;
}

_public_ int
ocirt_container_pause(ocirt_ctx *ctx, const char *id, ocirt_error **err)
{
        return pause_resume(ctx, id, true, err);
}

_public_ int
ocirt_container_resume(ocirt_ctx *ctx, const char *id, ocirt_error **err)
{
        return pause_resume(ctx, id, false, err);
}

_public_ int
ocirt_container_update(ocirt_ctx *ctx, const char *id, const char *resources_json, ocirt_error **err)
{
        _cleanup_free_ char *doc = NULL;
        _cleanup_spec_ struct spec *s = NULL;
        struct loaded l;
        int r;

        r = load(ctx, id, &l, /* need_cgroup= */ true, err);
        if (r >= 0 && l.status == STATUS_STOPPED)
                r = ocirt_fail_at(err, EINVAL, id, NULL, "cannot update a container that is stopped");
        if (r >= 0) {
                /* The resources object parsed and validated as part of a minimal config. */
                doc = xasprintf("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"/\"},\"linux\":{\"resources\":%s}}",
                               resources_json);
                r = spec_parse(doc, strlen(doc), "--resources", &s, err);
        }
        /* The systemd driver sets its unit's properties too. */
        if (r >= 0)
                r = l.cg->driver->update(l.cg, s->linux_ ? s->linux_->resources : NULL, "--resources", err);
        if (r < 0 && err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "update '%s'", id);
        loaded_done(&l);
        return r;
}

_public_ int
ocirt_container_pids(ocirt_ctx *ctx, const char *id, pid_t **ret_pids, size_t *ret_n, ocirt_error **err)
{
        struct loaded l;
        int r;

        *ret_pids = NULL;
        *ret_n = 0;
        r = load(ctx, id, &l, /* need_cgroup= */ true, err);
        if (r >= 0 && l.status != STATUS_STOPPED)
                r = l.cg->driver->pids(l.cg, ret_pids, ret_n, err);
        if (r < 0 && err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "ps '%s'", id);
        loaded_done(&l);
        return r;
}

_public_ int
ocirt_container_stats(ocirt_ctx *ctx, const char *id, char **ret_json, ocirt_error **err)
{
        struct loaded l;
        json_t *data = NULL;
        int r;

        r = load(ctx, id, &l, /* need_cgroup= */ true, err);
        if (r >= 0 && l.status == STATUS_STOPPED)
                r = ocirt_fail_at(err, EINVAL, id, NULL, "the container is stopped");
        if (r >= 0)
                r = l.cg->driver->stats(l.cg, &data, err);
        if (r >= 0) {
                *ret_json = json_dumps(data, JSON_COMPACT);
                json_decref(data);
        }
        if (r < 0 && err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "events '%s'", id);
        loaded_done(&l);
        return r;
}

_public_ int
ocirt_container_oom_kills(ocirt_ctx *ctx, const char *id, uint64_t *ret_count, ocirt_error **err)
{
        struct loaded l;
        int r;

        *ret_count = 0;
        r = load(ctx, id, &l, /* need_cgroup= */ true, err);
        if (r >= 0 && l.status == STATUS_STOPPED)
                r = ocirt_fail_at(err, EINVAL, id, NULL, "the container is stopped");
        if (r >= 0 && cgroup_stats_oom_kills(l.cg, ret_count) < 0)
                r = ocirt_fail_at(err, ENOTSUP, id, NULL, "the container's cgroup has no memory controller");
        if (r < 0 && err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "events '%s'", id);
        loaded_done(&l);
        return r;
}
