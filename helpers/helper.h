/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helper.h: the boundary to outside helper programs (newuidmap/newgidmap, slirp4netns,
 * fuse-overlayfs), all started through one runner (issue 5). */
#pragma once

#include "container.h"
