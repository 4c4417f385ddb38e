/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h: a tiny TAP producer for the unit tests. The plan "1..N" is printed at the end by
 * tap_done() (as bubblewrap's tests do), so adding a case never means updating a count.
 * Header-only on purpose: each test is one program. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline bool
tap_ok(bool cond, const char *fmt, ...)
{
        va_list ap;

        tap_n++;
        if (!cond)
                tap_failed++;
        printf("%sok %u - ", cond ? "" : "not ", tap_n);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout);
        return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

/* Diagnostics go to stdout as "# ..." lines so they stay next to the result they explain. */
#define diag(...)                                                                                                      \
        do {                                                                                                           \
                printf("# ");                                                                                          \
                printf(__VA_ARGS__);                                                                                   \
                putchar('\n');                                                                                         \
        } while (0)

#define is_int(got, want, ...)                                                                                         \
        do {                                                                                                           \
                long long _g = (long long) (got), _w = (long long) (want);                                             \
                if (!ok(_g == _w, __VA_ARGS__))                                                                        \
                        diag("  got %lld, expected %lld", _g, _w);                                                     \
        } while (0)

#define is_str(got, want, ...)                                                                                         \
        do {                                                                                                           \
                const char *_g = (got), *_w = (want);                                                                  \
                if (!ok(_g && _w ? strcmp(_g, _w) == 0 : _g == _w, __VA_ARGS__))                                       \
                        diag("  got '%s', expected '%s'", _g ? _g : "(null)", _w ? _w : "(null)");                     \
        } while (0)

/* A skipped test counts as passed, with the reason in the TAP directive. */
#define skip(...)                                                                                                      \
        do {                                                                                                           \
                tap_n++;                                                                                               \
                printf("ok %u # SKIP ", tap_n);                                                                        \
                printf(__VA_ARGS__);                                                                                   \
                putchar('\n');                                                                                         \
        } while (0)

/* Print the plan; the return value is main()'s exit status. */
static inline int
tap_done(void)
{
        printf("1..%u\n", tap_n);
        if (tap_failed)
                printf("# %u of %u failed\n", tap_failed, tap_n);
        fflush(stdout);
        return tap_failed ? 1 : 0;
}
