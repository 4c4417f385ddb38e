/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.h: the error object. Every fallible function returns int (>= 0 ok, -errno on failure)
 * and takes `ocirt_error **err` as its last parameter. */
#pragma once

#include "base/macro.h"
#include "ocirt.h"

struct ocirt_error {
        int errnum;  /* > 0; an errno value */
        char *msg;   /* "outer: inner: innermost" */
        char *where; /* NULL, or "config.json: .process.args", or "--pid-file" */
        char *hint;  /* NULL, or what would be right */
};

/* Set *err (which must be NULL) and return -errnum. errnum <= 0 is turned into EIO. */
int ocirt_fail(ocirt_error **err, int errnum, const char *fmt, ...) _printf_(3, 4);
int ocirt_fail_at(ocirt_error **err, int errnum, const char *where, const char *hint, const char *fmt, ...)
        _printf_(5, 6);
/* Prefix context to the message of *err; returns -(*err)->errnum. */
int ocirt_wrap(ocirt_error **err, const char *fmt, ...) _printf_(2, 3);
/* Create an error from a serialized (errnum, message) pair, e.g. received from the container init. */
int ocirt_error_from_child(ocirt_error **err, int errnum, const char *msg);

static inline void
ocirt_error_freep(ocirt_error **e)
{
        ocirt_error_free(*e);
}
#define _cleanup_error_ _cleanup_(ocirt_error_freep)
