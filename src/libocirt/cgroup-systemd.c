/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-systemd.c: a cgroup driver (issue 6). Placeholder. */
#include "config.h"

#include "cgroup.h"
