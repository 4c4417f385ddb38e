/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* str.c: allocation that aborts on OOM, string vectors, number parsing. */
#include "config.h"

#include <stdarg.h>

#include "base/str.h"

_noreturn_ static void
oom(void)
{
        static const char m[] = "ocirt: out of memory\n";
        (void) !write(STDERR_FILENO, m, sizeof m - 1);
        abort();
}

void *
xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);
        if (!p)
                oom();
        return p;
}

void *
xcalloc(size_t n, size_t m)
{
        void *p = calloc(n ? n : 1, m ? m : 1);
        if (!p)
                oom();
        return p;
}

void *
xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (!p)
                oom();
        return p;
}

char *
xstrdup(const char *s)
{
        char *p = strdup(s);
        if (!p)
                oom();
        return p;
}

char *
xstrndup(const char *s, size_t n)
{
        char *p = strndup(s, n);
        if (!p)
                oom();
        return p;
}

char *
xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                oom();
        va_end(ap);
        return s;
}

void
strv_free(char **v)
{
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

size_t
strv_length(char *const *v)
{
        size_t n = 0;

        while (v && v[n])
                n++;
        return n;
}

char **
strv_copy(char *const *v)
{
        size_t n = strv_length(v);
        char **c = xcalloc(n + 1, sizeof *c);

        for (size_t i = 0; i < n; i++)
                c[i] = xstrdup(v[i]);
        return c;
}

void
strv_push(char ***v, const char *s)
{
        size_t n = strv_length(*v);

        *v = xrealloc(*v, (n + 2) * sizeof **v);
        (*v)[n] = xstrdup(s);
        (*v)[n + 1] = NULL;
}

bool
strv_contains(char *const *v, const char *s)
{
        for (size_t i = 0; v && v[i]; i++)
                if (streq(v[i], s))
                        return true;
        return false;
}

bool
startswith(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
parse_uint64(const char *s, uint64_t max, uint64_t *ret)
{
        unsigned long long v;
        char *end;

        if (!s || !*s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (*end)
                return -EINVAL;
        if (errno == ERANGE || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int
parse_int(const char *s, int *ret)
{
        long v;
        char *end;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (*end)
                return -EINVAL;
        if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

int
parse_bit_list(const char *s, unsigned long *mask, size_t nbits, int *ret_max)
{
        const size_t word = 8 * sizeof *mask;

        *ret_max = -1;
        while (s && *s) {
                char *end;
                unsigned long a, b;

                if (*s < '0' || *s > '9') /* strtoul would take spaces and a sign */
                        return -EINVAL;
                a = b = strtoul(s, &end, 10);
                if (*end == '-') {
                        if (end[1] < '0' || end[1] > '9')
                                return -EINVAL;
                        b = strtoul(end + 1, &end, 10);
                }
                if (b < a)
                        return -EINVAL;
                if (b >= nbits)
                        return -ERANGE;
                for (unsigned long n = a; n <= b; n++)
                        mask[n / word] |= 1UL << (n % word);
                if ((int) b > *ret_max)
                        *ret_max = (int) b;
                if (*end == ',')
                        end++;
                else if (*end)
                        return -EINVAL;
                s = end;
        }
        return 0;
}
