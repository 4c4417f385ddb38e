/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec.c: ocirt_container_exec (issue 7). Placeholder. */
#include "config.h"

#include "container.h"
