/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.h: cgroup drivers behind one ops table (issue 6). The lifecycle entry points are declared
 * in container.h. */
#pragma once

#include "container.h"
