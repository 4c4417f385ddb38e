/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-devices.h: the device allow-list of .linux.resources.devices plus the default devices: v1
 * devices.allow/deny rules, or on v2 an eBPF program attached to the cgroup. */
#pragma once

#include "cgroup/cgroup-writer.h"

/* The default allows that are left once the config's explicit denies are taken out. */
#define CGROUP_N_DEFAULT_DEVICES 11 /* default_devices in cgroup-devices.c */
struct cgroup_dev_rules {
        struct spec_device_cgroup v[CGROUP_N_DEFAULT_DEVICES];
        char access[CGROUP_N_DEFAULT_DEVICES][4];
        size_t n;
};

void cgroup_devices_defaults(const struct spec_resources *res, struct cgroup_dev_rules *out);
int cgroup_devices_v1(struct cgroup_writer *w, const struct spec_resources *res, const struct cgroup_dev_rules *defaults);
int cgroup_devices_v2(struct cgroup *cg, const struct spec_resources *res, const struct cgroup_dev_rules *defaults,
                      const char *where, ocirt_error **err);
