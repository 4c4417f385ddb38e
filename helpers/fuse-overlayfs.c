/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuse-overlayfs.c: (issue 5). Placeholder. */
#include "config.h"

#include "helper.h"
