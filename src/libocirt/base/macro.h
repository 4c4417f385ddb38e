/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* macro.h: cleanup attributes, ownership moves and small helpers shared by all of libocirt.
 * Leaf header: no ocirt types here. */
#pragma once

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _unused_ __attribute__((unused))
#define _public_ __attribute__((visibility("default")))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void
freep(void *p)
{
        free(*(void **) p);
}

static inline void
closep(int *fd)
{
        if (*fd >= 0) {
                int e = errno;
                (void) close(*fd);
                errno = e;
        }
}

static inline void
fclosep(FILE **f)
{
        if (*f)
                (void) fclose(*f);
}

static inline void
closedirp(DIR **d)
{
        if (*d)
                (void) closedir(*d);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Move ownership out of a cleanup variable. */
#define TAKE_PTR(p)                                                                                                    \
        ({                                                                                                             \
                __typeof__(p) _p = (p);                                                                                \
                (p) = NULL;                                                                                            \
                _p;                                                                                                    \
        })
#define TAKE_FD(fd)                                                                                                    \
        ({                                                                                                             \
                int _fd = (fd);                                                                                        \
                (fd) = -1;                                                                                             \
                _fd;                                                                                                   \
        })

static inline const char *
strempty(const char *s)
{
        return s ? s : "";
}

static inline int
streq(const char *a, const char *b)
{
        return strcmp(a, b) == 0;
}
