/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* subid.c: the caller's subordinate id ranges (/etc/subuid, /etc/subgid), pure parsing and range
 * arithmetic, and their lookup through shadow's libsubid when it can be loaded (then ranges served by
 * NSS, e.g. from a directory service, count too), else through the parser below. Used by
 * `spec --rootless` (the default mapping), `check`, and the id-map check before a clone (ns/idmap.c). */
#include "config.h"

#include <dlfcn.h>
#include <pwd.h>

#include "base/base.h"
#include "config/spec.h"

/* ---- parsing ---- */

int
subid_parse(const char *text, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n)
{
        struct subid_range *list = NULL;
        size_t n = 0;
        char uidbuf[32];

        snprintf(uidbuf, sizeof uidbuf, "%u", (unsigned) uid);
        for (const char *line = text; line && *line;) {
                const char *eol = strchr(line, '\n');
                size_t len = eol ? (size_t) (eol - line) : strlen(line);
                _cleanup_free_ char *l = xstrndup(line, len);
                char *f1 = l, *f2, *f3, *end;
                unsigned long long start, count;

                line = eol ? eol + 1 : NULL;
                while (*f1 == ' ' || *f1 == '\t')
                        f1++;
                if (*f1 == '#' || *f1 == '\0')
                        continue;
                f2 = strchr(f1, ':');
                if (!f2)
                        continue;
                *f2++ = '\0';
                f3 = strchr(f2, ':');
                if (!f3)
                        continue;
                *f3++ = '\0';
                if (!(name && streq(f1, name)) && !streq(f1, uidbuf))
                        continue;
                errno = 0;
                start = strtoull(f2, &end, 10);
                if (errno || *f2 == '\0' || *end != '\0')
                        continue;
                count = strtoull(f3, &end, 10);
                if (errno || *f3 == '\0' || (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\r') || count == 0)
                        continue;
                if (start > UINT32_MAX || count > (uint64_t) UINT32_MAX + 1 - start)
                        continue;
                list = xrealloc(list, (n + 1) * sizeof *list);
                list[n++] = (struct subid_range){ .start = start, .count = count };
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

bool
subid_covers(const struct subid_range *r, size_t n, uint64_t start, uint64_t count, uint64_t *ret_first_bad)
{
        uint64_t pos = start, end = start + count;

        /* Walk forward: find a range holding pos, jump to its end; ranges may be adjacent or overlap. */
        while (pos < end) {
                bool moved = false;

                for (size_t i = 0; i < n; i++)
                        if (pos >= r[i].start && pos < r[i].start + r[i].count) {
                                pos = r[i].start + r[i].count;
                                moved = true;
                        }
                if (!moved) {
                        if (ret_first_bad)
                                *ret_first_bad = pos;
                        return false;
                }
        }
        return true;
}

uint64_t
subid_free_start(const char *text)
{
        uint64_t top = 100000;

        for (const char *line = text; line && *line;) {
                const char *eol = strchr(line, '\n');
                unsigned long long start, count;
                char owner[256];

                if (sscanf(line, "%255[^:\n]:%llu:%llu", owner, &start, &count) == 3 && start + count > top)
                        top = start + count;
                line = eol ? eol + 1 : NULL;
        }
        /* Round up to a multiple of 65536, as useradd's SUB_UID_MIN/COUNT defaults lay them out. */
        return (top + 65535) / 65536 * 65536;
}

/* ---- libsubid (optional) ---- */

struct libsubid_range {
        unsigned long start;
        unsigned long count;
};

static int
subid_from_libsubid(bool gid, const char *name, struct subid_range **ret, size_t *ret_n)
{
        /* Loaded once per process and kept: libsubid holds NSS module state. */
        static void *h;
        static bool tried;
        int (*get)(const char *, struct libsubid_range **);
        struct libsubid_range *r = NULL;
        int n;

        if (!name)
                return -ENOENT;
        if (!tried) {
                bool (*init)(const char *, FILE *);

                _cleanup_free_ char *why = NULL;

                tried = true;
                h = dl_open("libsubid.so.4", &why);
                init = h ? (bool (*)(const char *, FILE *)) dlsym(h, "subid_init") : NULL;
                /* Its messages go nowhere: ocirt reports the outcome itself. NULL makes libsubid open
                 * /dev/null itself: a FILE of ours would belong to another libc (dl.c). */
                if (init)
                        (void) init("ocirt", NULL);
        }
        if (!h)
                return -ENOENT;
        get = (int (*)(const char *, struct libsubid_range **)) dlsym(h, gid ? "subid_get_gid_ranges" : "subid_get_uid_ranges");
        if (!get)
                return -ENOENT;
        n = get(name, &r);
        if (n < 0)
                return -EIO;
        *ret = n > 0 ? xcalloc((size_t) n, sizeof **ret) : NULL;
        for (int i = 0; i < n; i++)
                (*ret)[i] = (struct subid_range){ .start = r[i].start, .count = r[i].count };
        *ret_n = (size_t) n;
        dl_free(h, r);
        return 0;
}

int
subid_from_file(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        *ret = NULL;
        *ret_n = 0;
        r = read_file_at(AT_FDCWD, gid ? "/etc/subgid" : "/etc/subuid", &text, &len);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return subid_parse(text, name, uid, ret, ret_n);
}

int
subid_lookup(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n, const char **ret_source)
{
        *ret = NULL;
        *ret_n = 0;
        if (subid_from_libsubid(gid, name, ret, ret_n) == 0 && *ret_n > 0) {
                if (ret_source)
                        *ret_source = "libsubid";
                return 0;
        }
        if (ret_source)
                *ret_source = gid ? "/etc/subgid" : "/etc/subuid";
        return subid_from_file(gid, name, uid, ret, ret_n);
}

