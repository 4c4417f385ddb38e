/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* procattr.c: the remaining process and linux fields (issue 3). Placeholder. */
#include "config.h"

#include "container.h"

int
procattr_prepare(struct container *c, ocirt_error **err)
{
        return 0;
}

int
procattr_early(struct container *c, ocirt_error **err)
{
        return 0;
}

int
procattr_after_pivot(struct container *c, ocirt_error **err)
{
        return 0;
}

int
procattr_before_caps(struct container *c, ocirt_error **err)
{
        return 0;
}

int
procattr_before_exec(struct container *c, ocirt_error **err)
{
        return 0;
}
