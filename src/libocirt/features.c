/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features.c: the features document (issue 7). Placeholder. */
#include "config.h"

#include "container.h"
