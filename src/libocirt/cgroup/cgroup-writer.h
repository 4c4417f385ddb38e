/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-writer.h: one resource write into a cgroup's directory, failing with the .linux.resources
 * field it came from. What every part of the resources (cgroup-res-v1.c, cgroup-res-v2.c,
 * cgroup-devices.c, cgroup-resources.c) writes with. */
#pragma once

#include "cgroup/cgroup-dirs.h"
#include "config/spec.h"

struct cgroup_writer {
        struct cgroup *cg;
        const char *where; /* "config.json" or "--resources"/"update" */
        ocirt_error **err;
        bool update;
};

/* Fail naming `where`: .linux.resources.`jpath`. */
int cgroup_wfail(struct cgroup_writer *w, int e, const char *jpath, const char *hint, const char *fmt, ...)
        _printf_(5, 6);
/* Write `value` to controller/file. A controller that is not mounted is warned about once and
 * skipped (a v1 host without net_cls, say); a failed write is an error naming the field. */
int cgroup_wr(struct cgroup_writer *w, const char *controller, const char *file, const char *jpath, const char *value);
int cgroup_wrf(struct cgroup_writer *w, const char *controller, const char *file, const char *jpath, const char *fmt,
               ...) _printf_(5, 6);
/* One "MAJOR:MINOR RATE" line per device (v2: "MAJOR:MINOR v2key=RATE" when v2key is given). */
int cgroup_wr_throttle(struct cgroup_writer *w, const char *ctrl, const char *file, const char *jpath,
                       const struct spec_throttle_device *t, size_t n, const char *v2key);
