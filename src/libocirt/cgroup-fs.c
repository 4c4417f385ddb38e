/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-fs.c: a cgroup driver (issue 6). Placeholder. */
#include "config.h"

#include "cgroup.h"
