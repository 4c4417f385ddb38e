/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slirp4netns.c: (issue 5). Placeholder. */
#include "config.h"

#include "helper.h"
