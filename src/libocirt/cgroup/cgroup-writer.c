/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-writer.c: one resource write, failing with the field it came from (see cgroup-writer.h). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "cgroup/cgroup-writer.h"
#include "base/base.h"

int
cgroup_wfail(struct cgroup_writer *w, int e, const char *jpath, const char *hint, const char *fmt, ...)
{
        _cleanup_free_ char *where = xasprintf("%s: .linux.resources.%s", w->where, jpath), *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        return ocirt_fail_at(w->err, e, where, hint, "%s", msg);
}

int
cgroup_wr(struct cgroup_writer *w, const char *controller, const char *file, const char *jpath, const char *value)
{
        const char *dir = cgroup_dir_of(w->cg, controller);
        int r;

        if (!dir) {
                log_warning(w->cg->ctx, "the %s cgroup controller is not available, ignoring .linux.resources.%s",
                            controller, jpath);
                return 0;
        }
        r = cgroup_write(dir, file, value);
        if (r == -ENOENT)
                return cgroup_wfail(w, ENOTSUP, jpath, "the controller is not enabled for this cgroup, or the kernel lacks the knob",
                                    "the cgroup has no file '%s' (in %s)", file, dir);
        /* EINVAL is the kernel refusing the value here, not a validation error: say so (ocirt_fail
         * leaves the errno text off EINVAL). */
        if (r < 0)
                return cgroup_wfail(w, -r, jpath, NULL, "write '%s' to %s/%s%s", value, dir, file,
                                    r == -EINVAL ? ": invalid argument" : "");
        log_debug(w->cg->ctx, "cgroup: %s/%s = %s", dir, file, value);
        return 0;
}

int
cgroup_wrf(struct cgroup_writer *w, const char *controller, const char *file, const char *jpath, const char *fmt, ...)
{
        _cleanup_free_ char *v = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&v, fmt, ap) < 0)
                abort();
        va_end(ap);
        return cgroup_wr(w, controller, file, jpath, v);
}

int
cgroup_wr_throttle(struct cgroup_writer *w, const char *ctrl, const char *file, const char *jpath,
                   const struct spec_throttle_device *t, size_t n, const char *v2key)
{
        for (size_t i = 0; i < n; i++) {
                int r;
                if (v2key)
                        r = cgroup_wrf(w, ctrl, file, jpath, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor,
                                       v2key, t[i].rate);
                else
                        r = cgroup_wrf(w, ctrl, file, jpath, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor,
                                       t[i].rate);
                if (r < 0)
                        return r;
        }
        return 0;
}
