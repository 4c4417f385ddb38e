/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dl.c: load a system library (libsystemd, libsubid) into this process.
 *
 * The ocirt binary is linked statically, glibc included (configure --enable-static-binary): no
 * dynamic loader runs on a start, and a run's peak memory is about 1.4 MB instead of 2.3 MB. A
 * library loaded here then brings the system's shared libc along, beside the one linked in: glibc
 * supports that (it is how a static program reaches an NSS module), on two conditions kept here:
 *  - both are the same glibc release, checked after loading: the two share ld.so's private
 *    interface. A system upgraded after ocirt was built gets an error that says to rebuild;
 *  - memory, FILE streams and other libc objects never cross from one libc to the other: what
 *    the library allocates is freed with dl_free() (its own libc's free), never free().
 * In libocirt.so and a shared build the check always passes and dl_free() is free(): there the
 * library shares our libc, and its malloc may be an interposer's (ASan, jemalloc through
 * LD_PRELOAD) that only free() matches, not the libc free that dlsym(handle, "free") finds. */
#include "config.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <string.h>

#include "base/base.h"

void *
dl_open(const char *soname, char **ret_why)
{
        const char *(*their_version)(void);
        void *h;

        *ret_why = NULL;
        h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
                const char *e = dlerror();
                *ret_why = xstrdup(e ? e : "dlopen failed");
                return NULL;
        }
        their_version = (const char *(*)(void)) dlsym(h, "gnu_get_libc_version");
        if (their_version && strcmp(their_version(), gnu_get_libc_version()) != 0) {
                *ret_why = xasprintf("%s uses glibc %s, but this ocirt was linked statically with glibc %s: "
                                     "rebuild ocirt (or configure it with --disable-static-binary)",
                                     soname, their_version(), gnu_get_libc_version());
                dlclose(h);
                return NULL;
        }
        return h;
}

/* Whether this process runs on the dynamic loader, so that a loaded library shares our libc. A
 * static binary has no program interpreter: the kernel passes AT_BASE 0. */
static bool
dl_shared_libc(void)
{
        return getauxval(AT_BASE) != 0;
}

void
dl_free(void *h, void *p)
{
        void (*their_free)(void *);

        if (!p)
                return;
        their_free = h && !dl_shared_libc() ? (void (*)(void *)) dlsym(h, "free") : NULL;
        (their_free ? their_free : free)(p);
}
