/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* version.c: the runtime's version and the runtime spec version it implements. */
#include "config.h"

#include "base/macro.h"
#include "ocirt.h"

_public_ const char *
ocirt_version(void)
{
        return OCIRT_VERSION;
}

_public_ const char *
ocirt_spec_version(void)
{
        return "1.3.0";
}

