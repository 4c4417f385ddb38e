/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.c: the error object. Printing it is the caller's job (the CLI's main.c). */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>

#include "base/error.h"
#include "base/str.h"

static char *
vfmt(const char *fmt, va_list ap)
{
        char *s = NULL;

        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        return s;
}

/* System errors end in the errno text, lowercase as Go prints it ("no such file or directory"):
 * podman classifies runtime errors by those words. EINVAL is the code of validation errors, whose
 * message already says what is wrong. */
static char *
with_strerror(char *msg, int errnum)
{
        char buf[128], *n;

        if (errnum == EINVAL || errnum == EEXIST)
                return msg;
        snprintf(buf, sizeof buf, "%s", strerror(errnum));
        if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
                buf[0] = (char) (buf[0] - 'A' + 'a');
        n = xasprintf("%s: %s", msg, buf);
        free(msg);
        return n;
}

static int
fail_v(ocirt_error **err, int errnum, const char *where, const char *hint, bool add_errno, const char *fmt, va_list ap)
{
        ocirt_error *e;

        if (errnum <= 0)
                errnum = EIO;
        if (!err)
                return -errnum;
        /* A second failure while one is pending keeps the first: it is the root cause. */
        if (*err)
                return -(*err)->errnum;
        e = xcalloc(1, sizeof *e);
        e->errnum = errnum;
        e->msg = vfmt(fmt, ap);
        if (add_errno)
                e->msg = with_strerror(e->msg, errnum);
        e->where = where ? xstrdup(where) : NULL;
        e->hint = hint ? xstrdup(hint) : NULL;
        *err = e;
        return -errnum;
}

int
ocirt_fail(ocirt_error **err, int errnum, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = fail_v(err, errnum, NULL, NULL, true, fmt, ap);
        va_end(ap);
        return r;
}

int
ocirt_fail_at(ocirt_error **err, int errnum, const char *where, const char *hint, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = fail_v(err, errnum, where, hint, true, fmt, ap);
        va_end(ap);
        return r;
}

_public_ int
ocirt_error_new(ocirt_error **err, int errnum, const char *where, const char *hint, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = fail_v(err, errnum, where, hint, true, fmt, ap);
        va_end(ap);
        return r;
}

int
ocirt_wrap(ocirt_error **err, const char *fmt, ...)
{
        _cleanup_free_ char *prefix = NULL;
        char *n;
        va_list ap;

        assert(err && *err);
        va_start(ap, fmt);
        prefix = vfmt(fmt, ap);
        va_end(ap);
        n = xasprintf("%s: %s", prefix, (*err)->msg);
        free((*err)->msg);
        (*err)->msg = n;
        return -(*err)->errnum;
}

static int
fail_plain(ocirt_error **err, int errnum, const char *where, const char *hint, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = fail_v(err, errnum, where, hint, false, fmt, ap);
        va_end(ap);
        return r;
}

int
ocirt_error_from_child(ocirt_error **err, int errnum, const char *msg)
{
        /* The child sends "where\x1fhint\x1fmessage" so location and hint survive the trip. */
        const char *p1 = strchr(msg, '\x1f'), *p2 = p1 ? strchr(p1 + 1, '\x1f') : NULL;
        _cleanup_free_ char *where = NULL, *hint = NULL;

        if (!p2)
                return fail_plain(err, errnum, NULL, NULL, "%s", msg);
        if (p1 > msg)
                where = xstrndup(msg, p1 - msg);
        if (p2 > p1 + 1)
                hint = xstrndup(p1 + 1, p2 - p1 - 1);
        return fail_plain(err, errnum, where, hint, "%s", p2 + 1);
}

_public_ int
ocirt_error_errno(const ocirt_error *e)
{
        return e ? e->errnum : 0;
}

_public_ const char *
ocirt_error_message(const ocirt_error *e)
{
        return e ? e->msg : NULL;
}

_public_ const char *
ocirt_error_where(const ocirt_error *e)
{
        return e ? e->where : NULL;
}

_public_ const char *
ocirt_error_hint(const ocirt_error *e)
{
        return e ? e->hint : NULL;
}

_public_ ocirt_error *
ocirt_error_free(ocirt_error *e)
{
        if (!e)
                return NULL;
        free(e->msg);
        free(e->where);
        free(e->hint);
        free(e);
        return NULL;
}
