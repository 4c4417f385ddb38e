/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-systemd-props.c: a container's systemd unit properties as data (see cgroup-systemd-props.h):
 * from .linux.resources, with the same conversions as the cgroup files get (cgroup-res-v2.h), and
 * from org.systemd.property.* annotations, a subset of the GVariant text format. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup/cgroup-systemd-props.h"
#include "cgroup/cgroup-res-v2.h"
#include "base/base.h"

#ifdef HAVE_SYSTEMD

#define INFINITY_U64 UINT64_MAX /* systemd's "infinity" for limits and USec values */

static struct prop *
prop_add(struct props *p, const char *name, const char *sig, const char *from)
{
        struct prop *q;

        p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
        q = &p->v[p->n++];
        *q = (struct prop){ .name = xstrdup(name), .from = from };
        snprintf(q->sig, sizeof q->sig, "%s", sig);
        return q;
}

static void
prop_u64(struct props *p, const char *name, const char *from, uint64_t v)
{
        prop_add(p, name, "t", from)->v.u = v;
}

void
cgroup_systemd_props_done(struct props *p)
{
        for (size_t i = 0; i < p->n; i++) {
                free(p->v[i].name);
                free(p->v[i].s);
                strv_free(p->v[i].strv);
                free(p->v[i].bytes);
        }
        free(p->v);
        *p = (struct props){ 0 };
}

/* systemd keeps the quota per second of CPU time and writes quota*period/1s into cpu.max. Rounding
 * up makes that at least the requested quota (and exact for the usual values). */
static void
prop_cpu_max(struct props *p, const char *from, int64_t quota, uint64_t period)
{
        uint64_t per_sec = INFINITY_U64;

        if (period == 0)
                period = 100000;
        if (quota > 0)
                per_sec = (uint64_t) (((unsigned __int128) quota * 1000000 + period - 1) / period);
        prop_u64(p, "CPUQuotaPerSecUSec", from, per_sec);
        prop_u64(p, "CPUQuotaPeriodUSec", from, period);
}

/* "0-3,8" -> AllowedCPUs='s bitmask: bit n%8 of byte n/8 is CPU (or node) n. -EINVAL if not a list. */
static int
prop_cpu_list(struct props *p, const char *name, const char *from, const char *list)
{
        /* 65536: far beyond any NR_CPUS; bounds the array. A trailing newline (a file's) ends it. */
        enum { BITS = 65536, WORD = 8 * sizeof(unsigned long) };
        _cleanup_free_ unsigned long *bits = xcalloc(BITS / WORD, sizeof *bits);
        _cleanup_free_ char *copy = xstrndup(list, strcspn(list, "\n"));
        _cleanup_free_ uint8_t *mask = NULL;
        size_t n;
        int max;
        struct prop *q;

        if (parse_bit_list(copy, bits, BITS, &max) < 0)
                return -EINVAL;
        n = (size_t) (max + 1 + 7) / 8;
        mask = xcalloc(n ? n : 1, 1);
        for (int x = 0; x <= max; x++)
                if (bits[x / WORD] & (1UL << (x % WORD)))
                        mask[x / 8] |= (uint8_t) (1u << (x % 8));
        q = prop_add(p, name, "ay", from);
        q->bytes = TAKE_PTR(mask);
        q->n_bytes = n;
        return 0;
}

/* A unified value that systemd also manages: "max" or a number; false for anything else (cgroupfs
 * writes it and reports what the kernel thinks of it). */
static bool
unified_u64(const char *v, uint64_t *ret)
{
        _cleanup_free_ char *t = xstrdup(v + strspn(v, " \t\n"));
        size_t len = strlen(t);

        while (len && strchr(" \t\n", t[len - 1]))
                t[--len] = '\0';
        if (streq(t, "max")) {
                *ret = INFINITY_U64;
                return true;
        }
        return parse_uint64(t, UINT64_MAX - 1, ret) >= 0;
}

void
cgroup_systemd_props_resources(const struct spec_resources *r, bool tasks, const char *cpu_max, struct props *p)
{
        const struct spec_memory *m = r->memory;
        const struct spec_cpu *c = r->cpu;

        if (m && m->has_limit)
                prop_u64(p, "MemoryMax", ".linux.resources.memory.limit", m->limit < 0 ? INFINITY_U64 : (uint64_t) m->limit);
        if (m && m->has_reservation)
                prop_u64(p, "MemoryLow", ".linux.resources.memory.reservation",
                         m->reservation < 0 ? INFINITY_U64 : (uint64_t) m->reservation);
        /* OCI's swap is memory+swap; MemorySwapMax is the swap alone. cgroup-res-v2.c rejects the
         * combinations left out here. */
        if (m && m->has_swap && (m->swap < 0 || (m->has_limit && m->limit >= 0 && m->swap >= m->limit)))
                prop_u64(p, "MemorySwapMax", ".linux.resources.memory.swap",
                         m->swap < 0 ? INFINITY_U64 : (uint64_t) (m->swap - m->limit));
        if (c && c->has_shares && c->shares)
                prop_u64(p, "CPUWeight", ".linux.resources.cpu.shares", cgroup_shares_to_weight(c->shares));
        if (c && (c->has_quota || c->has_period)) {
                char q[32];
                uint64_t period;
                if (cpu_max && sscanf(cpu_max, "%31s %" SCNu64, q, &period) == 2)
                        prop_cpu_max(p, ".linux.resources.cpu.quota", streq(q, "max") ? -1 : strtoll(q, NULL, 10), period);
                else
                        prop_cpu_max(p, ".linux.resources.cpu.quota", c->has_quota ? c->quota : -1,
                                     c->has_period ? c->period : 0);
        }
        if (c && c->cpus)
                (void) prop_cpu_list(p, "AllowedCPUs", ".linux.resources.cpu.cpus", c->cpus);
        if (c && c->mems)
                (void) prop_cpu_list(p, "AllowedMemoryNodes", ".linux.resources.cpu.mems", c->mems);
        if (tasks && r->has_pids)
                prop_u64(p, "TasksMax", ".linux.resources.pids.limit",
                         r->pids_limit > 0 ? (uint64_t) r->pids_limit : INFINITY_U64);
        /* systemd also writes io.bfq.weight from IOWeight, by its own curve: on a BFQ disk that file
         * may differ from the v1 weight cgroup-res-v2.c writes there, once systemd realizes the unit again. */
        if (r->block_io && r->block_io->has_weight && r->block_io->weight >= 10 && r->block_io->weight <= 1000)
                prop_u64(p, "IOWeight", ".linux.resources.blockIO.weight", cgroup_blkio_to_io_weight(r->block_io->weight));

        /* unified is written last by cgroup-resources.c, so it wins there; last in the message wins here. */
        static const struct {
                const char *file, *prop;
        } map[] = {
                { "memory.min", "MemoryMin" },       { "memory.low", "MemoryLow" }, { "memory.high", "MemoryHigh" },
                { "memory.max", "MemoryMax" },       { "memory.swap.max", "MemorySwapMax" },
                { "pids.max", "TasksMax" },          { "cpu.weight", "CPUWeight" },
        };
        for (size_t i = 0; i < r->n_unified; i++) {
                const char *k = r->unified[i].key, *v = r->unified[i].value;
                uint64_t n;
                if (streq(k, "cpu.max")) {
                        char q[32];
                        uint64_t period = 100000;
                        if (sscanf(v, "%31s %" SCNu64, q, &period) >= 1 && unified_u64(q, &n))
                                prop_cpu_max(p, ".linux.resources.unified", n == INFINITY_U64 || n > INT64_MAX ? -1 : (int64_t) n, period);
                        continue;
                }
                for (size_t j = 0; j < ELEMENTSOF(map); j++)
                        if (streq(k, map[j].file) && unified_u64(v, &n) && (tasks || !streq(k, "pids.max")))
                                prop_u64(p, map[j].prop, ".linux.resources.unified", n);
        }
}

/* ---- org.systemd.property.* annotations: a subset of the GVariant text format ---- */

/* What runc's parser (godbus ParseVariant) and GLib's take for the types systemd's properties have:
 * 'string' or "string" with GVariant's escapes, true/false, numbers (decimal, 0x hex, 0 octal; a bare
 * one is int32, or double with a point or an exponent), a type keyword or @code before a value, and
 * lists of strings. Not: bytestrings, variants, tuples, dicts, maybes, other arrays. */
#define ANNOTATION_PREFIX "org.systemd.property."
#define ANNOTATION_FORMS                                                                           \
        "give a GVariant text value: 'string' or \"string\", true or false, a typed number (uint64 N, " \
        "int64 N, uint32 N, int32 N, uint16 N, int16 N, byte N, double X, or @t N and the like), a "    \
        "bare integer (int32) or fraction (double), or a list of strings ['a', 'b'] (@as [] if empty)"

/* The type keywords and codes taken before a value. */
static const struct gv_type {
        const char *word, *sig;
        bool is_signed;
        uint64_t max; /* integers */
} gv_types[] = {
        { "boolean", "b", false, 0 },         { "byte", "y", false, UINT8_MAX },   { "int16", "n", true, INT16_MAX },
        { "uint16", "q", false, UINT16_MAX }, { "int32", "i", true, INT32_MAX },   { "uint32", "u", false, UINT32_MAX },
        { "int64", "x", true, INT64_MAX },    { "uint64", "t", false, UINT64_MAX }, { "double", "d", true, 0 },
        { "string", "s", false, 0 },          { NULL, "as", false, 0 },
};

/* The type keyword (n bytes at s) or the code after '@'; NULL if it is none of them. */
static const struct gv_type *
gv_type_find(const char *s, size_t n)
{
        for (size_t i = 0; i < ELEMENTSOF(gv_types); i++) {
                const char *name = s[0] == '@' ? gv_types[i].sig : gv_types[i].word;
                size_t skip = s[0] == '@';
                if (name && strlen(name) == n - skip && strncmp(s + skip, name, n - skip) == 0)
                        return &gv_types[i];
        }
        return NULL;
}

static const char *
skip_ws(const char *s)
{
        return s + strspn(s, " \t\n");
}

static void
put_utf8(char **o, uint32_t c)
{
        char *p = *o;

        if (c < 0x80)
                *p++ = (char) c;
        else if (c < 0x800) {
                *p++ = (char) (0xc0 | c >> 6);
                *p++ = (char) (0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
                *p++ = (char) (0xe0 | c >> 12);
                *p++ = (char) (0x80 | ((c >> 6) & 0x3f));
                *p++ = (char) (0x80 | (c & 0x3f));
        } else {
                *p++ = (char) (0xf0 | c >> 18);
                *p++ = (char) (0x80 | ((c >> 12) & 0x3f));
                *p++ = (char) (0x80 | ((c >> 6) & 0x3f));
                *p++ = (char) (0x80 | (c & 0x3f));
        }
        *o = p;
}

/* A quoted string ('...' or "...") with GVariant's escapes: \a \b \f \n \r \t \v, \uXXXX and
 * \UXXXXXXXX (a code point, written as UTF-8; not NUL or a surrogate), backslash-newline dropped, any
 * other character after a backslash taken as is. *end is set past the closing quote. */
static int
parse_quoted(const char *s, char **ret, const char **end)
{
        char q = *s++;
        /* An escape never makes more bytes than its text: \uXXXX is at most 3, \UXXXXXXXX 4. */
        _cleanup_free_ char *out = xmalloc(strlen(s) + 1);
        char *o = out;

        for (; *s && *s != q; s++) {
                if (*s != '\\') {
                        *o++ = *s;
                        continue;
                }
                if (!*++s)
                        return -EINVAL;
                switch (*s) {
                case 'a': *o++ = '\a'; continue;
                case 'b': *o++ = '\b'; continue;
                case 'f': *o++ = '\f'; continue;
                case 'n': *o++ = '\n'; continue;
                case 'r': *o++ = '\r'; continue;
                case 't': *o++ = '\t'; continue;
                case 'v': *o++ = '\v'; continue;
                case '\n': continue;
                }
                if (*s == 'u' || *s == 'U') {
                        size_t n = *s == 'u' ? 4 : 8;
                        char hex[9] = { 0 };
                        unsigned long cp;
                        if (strspn(s + 1, "0123456789abcdefABCDEF") < n)
                                return -EINVAL;
                        memcpy(hex, s + 1, n);
                        cp = strtoul(hex, NULL, 16);
                        if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                                return -EINVAL;
                        put_utf8(&o, (uint32_t) cp);
                        s += n;
                } else
                        *o++ = *s;
        }
        if (*s != q)
                return -EINVAL;
        *o = '\0';
        *ret = TAKE_PTR(out);
        *end = s + 1;
        return 0;
}

/* An integer of type t: an optional '-', then decimal, 0x hex or 0 octal digits (strtoull's base 0). */
static int
parse_gv_int(const char *s, const struct gv_type *t, struct prop *q)
{
        bool neg = *s == '-';
        uint64_t mag;
        char *end;

        s += neg;
        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        mag = strtoull(s, &end, 0);
        if (*end)
                return -EINVAL;
        if (errno == ERANGE || (neg && !t->is_signed) || mag > t->max + neg)
                return -ERANGE;
        if (!t->is_signed)
                q->v.u = mag;
        else if (neg)
                q->v.i = mag > INT64_MAX ? INT64_MIN : -(int64_t) mag;
        else
                q->v.i = (int64_t) mag;
        return 0;
}

static int
parse_gv_double(const char *s, struct prop *q)
{
        const char *d = s + (*s == '-');
        char *end;

        if ((*d < '0' || *d > '9') && *d != '.') /* no inf or nan, as in GVariant */
                return -EINVAL;
        errno = 0;
        q->v.d = strtod(s, &end);
        if (*end || end == s)
                return -EINVAL;
        return errno == ERANGE ? -ERANGE : 0;
}

static int
parse_value(const char *value, struct prop *q)
{
        _cleanup_free_ char *buf = xstrdup(skip_ws(value));
        const struct gv_type *t = NULL;
        const char *s = buf;
        size_t len = strlen(buf), n;

        while (len && strchr(" \t\n", buf[len - 1]))
                buf[--len] = '\0';
        /* A type keyword ("uint64 5") or code ("@t 5"), then white space and the value. */
        n = strcspn(s, " \t\n");
        if (s[n] && (t = gv_type_find(s, n)))
                s = skip_ws(s + n);
        if (!t && s[0] == '@')
                return -EINVAL; /* a type code this parser does not take */

        if (streq(s, "true") || streq(s, "false")) {
                if (t && !streq(t->sig, "b"))
                        return -EINVAL;
                strcpy(q->sig, "b");
                q->v.u = s[0] == 't';
                return 0;
        }
        if (*s == '\'' || *s == '"') {
                const char *e;
                if ((t && !streq(t->sig, "s")) || parse_quoted(s, &q->s, &e) < 0 || *skip_ws(e))
                        return -EINVAL;
                strcpy(q->sig, "s");
                return 0;
        }
        if (*s == '[') {
                const char *p = skip_ws(s + 1);
                if (t ? !streq(t->sig, "as") : *p == ']') /* GVariant needs the type of an empty array */
                        return -EINVAL;
                strcpy(q->sig, "as");
                q->strv = xcalloc(1, sizeof(char *));
                while (*p != ']') {
                        _cleanup_free_ char *item = NULL;
                        if ((*p != '\'' && *p != '"') || parse_quoted(p, &item, &p) < 0)
                                return -EINVAL;
                        strv_push(&q->strv, item);
                        p = skip_ws(p);
                        if (*p == ',') {
                                p = skip_ws(p + 1);
                                if (*p == ']') /* no trailing comma in GVariant arrays */
                                        return -EINVAL;
                        } else if (*p != ']')
                                return -EINVAL;
                }
                return *skip_ws(p + 1) ? -EINVAL : 0;
        }
        if (t && (streq(t->sig, "b") || streq(t->sig, "s") || streq(t->sig, "as")))
                return -EINVAL;
        if (!t) {
                /* Untyped: int32, or double with a point or an exponent (not in hex digits). */
                const char *d = s + (*s == '-');
                bool hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
                t = !hex && strpbrk(s, ".eE") ? gv_type_find("double", 6) : gv_type_find("int32", 5);
        }
        strcpy(q->sig, t->sig);
        return streq(t->sig, "d") ? parse_gv_double(s, q) : parse_gv_int(s, t, q);
}

/* runc and crun take NAMESec in seconds for NAMEUSec (e.g. TimeoutStopSec "5"): the same here. */
static int
sec_to_usec(struct prop *q)
{
        size_t n = strlen(q->name);
        uint64_t usec;

        if (n < 4 || !streq(q->name + n - 3, "Sec") || q->name[n - 4] < 'a' || q->name[n - 4] > 'z')
                return 0;
        switch (q->sig[0]) {
        case 'y': case 'q': case 'u': case 't':
                if (q->v.u > UINT64_MAX / 1000000)
                        return -ERANGE;
                usec = q->v.u * 1000000;
                break;
        case 'n': case 'i': case 'x':
                if (q->v.i < 0 || (uint64_t) q->v.i > UINT64_MAX / 1000000)
                        return -ERANGE;
                usec = (uint64_t) q->v.i * 1000000;
                break;
        case 'd':
                if (!(q->v.d >= 0 && q->v.d < 1.8e13))
                        return -ERANGE;
                usec = (uint64_t) (q->v.d * 1e6 + 0.5);
                break;
        default:
                return -EINVAL;
        }
        q->name = xrealloc(q->name, n + 2);
        strcpy(q->name + n - 3, "USec");
        strcpy(q->sig, "t");
        q->v.u = usec;
        return 0;
}

static bool
valid_prop_name(const char *s)
{
        if (strlen(s) < 3 || s[0] < 'A' || s[0] > 'Z')
                return false;
        for (; *s; s++)
                if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
                        return false;
        return true;
}

/* Append the annotations' properties to p, which holds the config's. Nothing is sent on error. */
static int
annotation_props(const struct spec *spec, struct props *p, ocirt_error **err)
{
        size_t n_config = p->n;

        for (size_t i = 0; i < spec->n_annotations; i++) {
                const char *key = spec->annotations[i].key, *value = spec->annotations[i].value;
                const char *name = key + strlen(ANNOTATION_PREFIX);
                _cleanup_free_ char *where = NULL;
                struct prop *q;

                if (!startswith(key, ANNOTATION_PREFIX))
                        continue;
                where = xasprintf("%s: .annotations[\"%s\"]", spec->path ? spec->path : "config.json", key);
                if (!valid_prop_name(name))
                        return ocirt_fail_at(err, EINVAL, where, "name a systemd unit property, e.g. org.systemd.property.TimeoutStopUSec",
                                             "'%s' is not a systemd property name", name);
                q = prop_add(p, name, "", NULL);
                q->key = key;
                if (parse_value(value, q) < 0)
                        return ocirt_fail_at(err, EINVAL, where, ANNOTATION_FORMS, "cannot parse '%s' for property %s", value, name);
                if (sec_to_usec(q) < 0)
                        return ocirt_fail_at(err, EINVAL, where, "give a number of seconds, e.g. \"5\", or use the USec property",
                                             "'%s' is not a number of seconds for %s", value, name);
                /* The driver's own properties: the scope must hold the container and be delegated. */
                if (streq(q->name, "PIDs") || streq(q->name, "Slice"))
                        return ocirt_fail_at(err, EINVAL, where, "set the slice with .linux.cgroupsPath (slice:prefix:name)",
                                             "ocirt sets %s of the container's unit itself", q->name);
                if (streq(q->name, "Delegate") && !(streq(q->sig, "b") && q->v.u))
                        return ocirt_fail_at(err, EINVAL, where, "remove the annotation, or make it true",
                                             "the container's unit must be delegated (Delegate=true)");
                /* Two values for one limit would leave systemd and the cgroup file disagreeing. */
                for (size_t j = 0; j < n_config; j++)
                        if (streq(p->v[j].name, q->name))
                                return ocirt_fail_at(err, EINVAL, where, "set the limit in one place only",
                                                     "%s is set from %s too", q->name, p->v[j].from);
        }
        return 0;
}

char *
cgroup_systemd_props_names(const struct props *p)
{
        char *s = xstrdup("");
        for (size_t i = 0; i < p->n; i++) {
                char *t = xasprintf("%s%s%s", s, i ? " " : "", p->v[i].name);
                free(s);
                s = t;
        }
        return s;
}

int
cgroup_systemd_props_unit(const struct spec *spec, bool tasks, struct props *p, size_t *ret_n_config, ocirt_error **err)
{
        const struct spec_resources *res = spec->linux_ ? spec->linux_->resources : NULL;

        if (res)
                cgroup_systemd_props_resources(res, tasks, NULL, p);
        *ret_n_config = p->n;
        return annotation_props(spec, p, err);
}

/* "NAME SIGNATURE VALUE" (cgroup-systemd-props.h): strings quoted as they are, without escapes. */
static char *
prop_text(const struct prop *q)
{
        char *s = NULL, *t;

        switch (q->sig[0]) {
        case 'b':
                return xasprintf("%s b %s", q->name, q->v.u ? "true" : "false");
        case 'y': case 'q': case 'u': case 't':
                return xasprintf("%s %s %" PRIu64, q->name, q->sig, q->v.u);
        case 'n': case 'i': case 'x':
                return xasprintf("%s %s %" PRId64, q->name, q->sig, q->v.i);
        case 'd': {
                char buf[64];
                /* the shortest of %.15g and %.17g that reads back as the same double */
                snprintf(buf, sizeof buf, "%.15g", q->v.d);
                if (strtod(buf, NULL) != q->v.d)
                        snprintf(buf, sizeof buf, "%.17g", q->v.d);
                return xasprintf("%s d %s", q->name, buf);
        }
        case 's':
                return xasprintf("%s s '%s'", q->name, q->s);
        case 'a':
                s = xasprintf("%s %s [", q->name, q->sig);
                for (size_t i = 0; q->sig[1] == 's' ? q->strv[i] != NULL : i < q->n_bytes; i++) {
                        if (q->sig[1] == 's')
                                t = xasprintf("%s%s'%s'", s, i ? ", " : "", q->strv[i]);
                        else
                                t = xasprintf("%s%s0x%02x", s, i ? ", " : "", q->bytes[i]);
                        free(s);
                        s = t;
                }
                t = xasprintf("%s]", s);
                free(s);
                return t;
        }
        return xasprintf("%s %s ?", q->name, q->sig);
}

int
cgroup_systemd_props_text(const struct spec *spec, char **ret, ocirt_error **err)
{
        _cleanup_(cgroup_systemd_props_done) struct props props = { 0 };
        size_t n_config;
        char *s;
        int r;

        r = cgroup_systemd_props_unit(spec, true, &props, &n_config, err);
        if (r < 0)
                return r;
        s = xstrdup("");
        for (size_t i = 0; i < props.n; i++) {
                _cleanup_free_ char *line = prop_text(&props.v[i]);
                char *t = xasprintf("%s%s%s", s, i ? "\n" : "", line);
                free(s);
                s = t;
        }
        *ret = s;
        return 0;
}

#endif /* HAVE_SYSTEMD */
