/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec.c: config.json (jansson) -> struct spec. Every field of the Linux part is type-checked
 * here, enum names are mapped to kernel/libseccomp constants, and every error names the JSON path
 * of the offending field ("config.json: .linux.namespaces[3]"). Rules that tie several fields
 * together live in spec-validate.c, which spec_parse() runs last. Unknown properties are ignored,
 * as the spec asks; so are the other platforms' sections (windows, solaris, freebsd, zos, vm). */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <net/if.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "spec.h"
#include "util.h"

/* ---- the parser: JSON path bookkeeping and errors ---- */

struct parser {
        const char *file; /* "config.json" */
        char *path;       /* ".linux.namespaces[3]"; "" at the top */
        size_t len, cap;
        ocirt_error **err;
};

static size_t
path_append(struct parser *p, const char *s, size_t n)
{
        size_t old = p->len;

        if (p->len + n + 1 > p->cap) {
                p->cap = (p->len + n + 1) * 2;
                p->path = xrealloc(p->path, p->cap);
        }
        memcpy(p->path + p->len, s, n);
        p->len += n;
        p->path[p->len] = '\0';
        return old;
}

/* Push ".key", or jq's ["key"] form when key is not a plain identifier (sysctl names, map keys). */
static size_t
path_key(struct parser *p, const char *key)
{
        size_t old = p->len;
        bool ident = isalpha((unsigned char) key[0]) || key[0] == '_';

        for (const char *c = key; ident && *c; c++)
                if (!isalnum((unsigned char) *c) && *c != '_')
                        ident = false;
        if (ident) {
                path_append(p, ".", 1);
                path_append(p, key, strlen(key));
                return old;
        }
        path_append(p, "[\"", 2);
        for (const char *c = key; *c; c++) {
                if (*c == '"' || *c == '\\')
                        path_append(p, "\\", 1);
                path_append(p, c, 1);
        }
        path_append(p, "\"]", 2);
        return old;
}

static size_t
path_index(struct parser *p, size_t i)
{
        char buf[32];
        int n = snprintf(buf, sizeof buf, "[%zu]", i);

        return path_append(p, buf, (size_t) n);
}

static void
path_pop(struct parser *p, size_t old)
{
        p->len = old;
        if (p->path)
                p->path[old] = '\0';
}

/* Fail at the current path: "FILE: PATH". */
_printf_(3, 4) static int
fail(struct parser *p, const char *hint, const char *fmt, ...)
{
        _cleanup_free_ char *where = NULL, *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        where = p->len > 0 ? xasprintf("%s: %s", p->file, p->path) : xstrdup(p->file);
        return ocirt_fail_at(p->err, EINVAL, where, hint, "%s", msg);
}

/* Fail at PATH.key without keeping it pushed. */
_printf_(4, 5) static int
fail_key(struct parser *p, const char *key, const char *hint, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        size_t old = path_key(p, key);
        va_list ap;
        int r;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        r = fail(p, hint, "%s", msg);
        path_pop(p, old);
        return r;
}

/* ---- integers beyond int64 ----
 * jansson stores integers as long long and refuses larger ones, but the spec has uint64 fields
 * where clients really write 18446744073709551615 (RLIM_INFINITY in rlimits, for instance).
 * Before parsing, such numbers are rewritten into strings that start with a NUL byte, which no
 * valid config string contains (get_string() refuses NULs), and the uint64 reader accepts them. */

#define BIGNUM_MARK '\0'

static bool
is_bignum(const json_t *v)
{
        return json_is_string(v) && json_string_length(v) > 1 && json_string_value(v)[0] == BIGNUM_MARK;
}

static bool
digits_exceed_int64(const char *s, size_t n)
{
        static const char max[] = "9223372036854775807";

        if (n != sizeof max - 1)
                return n > sizeof max - 1;
        return memcmp(s, max, n) > 0;
}

/* Returns NULL when nothing needs rewriting (the common case: no copy). */
static char *
rewrite_bignums(const char *json, size_t len, size_t *ret_len)
{
        char *out = NULL;
        size_t o = 0, cap = 0;
        bool in_string = false, changed = false;

        for (size_t i = 0; i < len;) {
                size_t start = i, n;

                if (in_string || (json[i] != '-' && !isdigit((unsigned char) json[i]))) {
                        if (in_string && json[i] == '\\' && i + 1 < len)
                                i++;
                        else if (json[i] == '"')
                                in_string = !in_string;
                        i++;
                        goto copy;
                }
                /* A number token (outside strings only numbers contain digits or '-'). */
                while (i < len && (isdigit((unsigned char) json[i]) || strchr("-+.eE", json[i])))
                        i++;
                n = i - start;
                if (json[start] == '0' || json[start] == '-' || strspn(json + start, "0123456789") != n ||
                    !digits_exceed_int64(json + start, n))
                        goto copy;
                if (o + n + 10 > cap) {
                        cap = (o + n + 10) * 2 + len;
                        out = xrealloc(out, cap);
                }
                memcpy(out + o, "\"\\u0000", 7);
                memcpy(out + o + 7, json + start, n);
                out[o + 7 + n] = '"';
                o += n + 8;
                changed = true;
                continue;
        copy:
                if (o + (i - start) + 1 > cap) {
                        cap = (o + (i - start) + 1) * 2 + len;
                        out = xrealloc(out, cap);
                }
                memcpy(out + o, json + start, i - start);
                o += i - start;
        }
        if (!changed) {
                free(out);
                return NULL;
        }
        *ret_len = o;
        return out;
}

/* ---- typed readers; each reports at the current path ---- */

static const char *
describe(const json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return is_bignum(v) ? "a number" : "a string";
        case JSON_INTEGER:
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        default:
                return "null";
        }
}

/* A member; JSON null counts as absent (Go clients write null for nil slices and pointers). */
static json_t *
member(const json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);

        return json_is_null(v) ? NULL : v;
}

static int
want_object(struct parser *p, const json_t *v)
{
        if (!json_is_object(v))
                return fail(p, NULL, "expected an object, got %s", describe(v));
        return 0;
}

static int
want_array(struct parser *p, const json_t *v, const char *of)
{
        if (!json_is_array(v))
                return fail(p, NULL, "expected an array of %s, got %s", of, describe(v));
        return 0;
}

static int
get_string(struct parser *p, const json_t *v, char **ret)
{
        if (!json_is_string(v) || is_bignum(v))
                return fail(p, NULL, "expected a string, got %s", describe(v));
        /* A NUL would silently cut a path short when it reaches the kernel. */
        if (strlen(json_string_value(v)) != json_string_length(v))
                return fail(p, "remove the \\u0000 escape", "string contains a NUL byte");
        free(*ret);
        *ret = xstrdup(json_string_value(v));
        return 0;
}

static int
get_bool(struct parser *p, const json_t *v, bool *ret)
{
        if (!json_is_boolean(v))
                return fail(p, "use true or false", "expected a boolean, got %s", describe(v));
        *ret = json_is_true(v);
        return 0;
}

static int
get_i64(struct parser *p, const json_t *v, int64_t min, int64_t max, int64_t *ret)
{
        json_int_t i;

        if (is_bignum(v))
                return fail(p, NULL, "%s is out of range (%" PRId64 "..%" PRId64 ")", json_string_value(v) + 1, min,
                            max);
        if (json_is_real(v))
                return fail(p, "use a whole number", "expected an integer, got %g", json_real_value(v));
        if (!json_is_integer(v))
                return fail(p, NULL, "expected an integer, got %s", describe(v));
        i = json_integer_value(v);
        if (i < min || i > max)
                return fail(p, NULL, "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", (int64_t) i, min, max);
        *ret = i;
        return 0;
}

static int
get_u64(struct parser *p, const json_t *v, uint64_t max, uint64_t *ret)
{
        uint64_t u;

        if (is_bignum(v)) {
                if (parse_uint64(json_string_value(v) + 1, max, &u) < 0)
                        return fail(p, NULL, "%s is out of range (0..%" PRIu64 ")", json_string_value(v) + 1, max);
                *ret = u;
                return 0;
        }
        if (json_is_real(v))
                return fail(p, "use a whole number", "expected an integer, got %g", json_real_value(v));
        if (!json_is_integer(v))
                return fail(p, NULL, "expected an integer, got %s", describe(v));
        if (json_integer_value(v) < 0 || (uint64_t) json_integer_value(v) > max)
                return fail(p, NULL, "%" PRId64 " is out of range (0..%" PRIu64 ")", (int64_t) json_integer_value(v),
                            max);
        *ret = (uint64_t) json_integer_value(v);
        return 0;
}

static int
get_u32(struct parser *p, const json_t *v, uint32_t *ret)
{
        uint64_t u;
        int r = get_u64(p, v, UINT32_MAX, &u);

        if (r >= 0)
                *ret = (uint32_t) u;
        return r;
}

static int
get_strv(struct parser *p, const json_t *v, char ***ret, size_t *ret_n)
{
        char **l;
        size_t n;

        if (want_array(p, v, "strings") < 0)
                return -EINVAL;
        n = json_array_size(v);
        l = xcalloc(n + 1, sizeof *l);
        strv_free(*ret);
        *ret = l;
        for (size_t i = 0; i < n; i++) {
                size_t old = path_index(p, i);
                int r = get_string(p, json_array_get(v, i), &l[i]);

                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        if (ret_n)
                *ret_n = n;
        return 0;
}

/* ---- table-driven scalar fields ---- */

enum field_kind { F_STRING, F_BOOL, F_U16, F_U32, F_I32, F_I64, F_U64, F_STRV };

struct field {
        const char *key;
        enum field_kind kind;
        size_t off;     /* the value */
        size_t has_off; /* a bool set when present, or NO_OFF */
        size_t n_off;   /* F_STRV: the size_t count, or NO_OFF */
        bool required;
};

#define NO_OFF SIZE_MAX
#define FIELD(k, kind, T, m) { k, kind, offsetof(T, m), NO_OFF, NO_OFF, false }
#define FIELD_REQ(k, kind, T, m) { k, kind, offsetof(T, m), NO_OFF, NO_OFF, true }
#define FIELD_HAS(k, kind, T, m, has) { k, kind, offsetof(T, m), offsetof(T, has), NO_OFF, false }
#define FIELD_STRV(k, T, m, n) { k, F_STRV, offsetof(T, m), NO_OFF, offsetof(T, n), false }
#define FIELD_STRV_HAS(k, T, m, n, has) { k, F_STRV, offsetof(T, m), offsetof(T, has), offsetof(T, n), false }
/* NULL-terminated vectors without a count member. */
#define FIELD_STRV0(k, T, m) { k, F_STRV, offsetof(T, m), NO_OFF, NO_OFF, false }
#define FIELD_STRV0_HAS(k, T, m, has) { k, F_STRV, offsetof(T, m), offsetof(T, has), NO_OFF, false }

static int
missing(struct parser *p, const char *key, const char *hint)
{
        return fail_key(p, key, hint, "required field is missing");
}

static int
parse_field(struct parser *p, const json_t *v, const struct field *f, void *base)
{
        char *b = base;
        uint64_t u;
        int64_t i;
        int r;

        switch (f->kind) {
        case F_STRING:
                return get_string(p, v, (char **) (b + f->off));
        case F_BOOL:
                return get_bool(p, v, (bool *) (b + f->off));
        case F_U16:
                r = get_u64(p, v, UINT16_MAX, &u);
                if (r >= 0)
                        *(uint16_t *) (b + f->off) = (uint16_t) u;
                return r;
        case F_U32:
                return get_u32(p, v, (uint32_t *) (b + f->off));
        case F_I32:
                r = get_i64(p, v, INT32_MIN, INT32_MAX, &i);
                if (r >= 0)
                        *(int32_t *) (b + f->off) = (int32_t) i;
                return r;
        case F_I64:
                return get_i64(p, v, INT64_MIN, INT64_MAX, (int64_t *) (b + f->off));
        case F_U64:
                return get_u64(p, v, UINT64_MAX, (uint64_t *) (b + f->off));
        case F_STRV:
                return get_strv(p, v, (char ***) (b + f->off), f->n_off == NO_OFF ? NULL : (size_t *) (b + f->n_off));
        }
        return 0;
}

static int
parse_fields(struct parser *p, const json_t *o, const struct field *fields, size_t n, void *base)
{
        for (size_t k = 0; k < n; k++) {
                const struct field *f = &fields[k];
                json_t *v = member(o, f->key);
                size_t old;
                int r;

                if (!v) {
                        if (f->required)
                                return missing(p, f->key, NULL);
                        continue;
                }
                old = path_key(p, f->key);
                r = parse_field(p, v, f, base);
                path_pop(p, old);
                if (r < 0)
                        return r;
                if (f->has_off != NO_OFF)
                        *(bool *) ((char *) base + f->has_off) = true;
        }
        return 0;
}

/* ---- name tables ---- */

struct name_value {
        const char *name;
        long long value;
};

static const struct name_value *
lookup(const struct name_value *t, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (streq(t[i].name, name))
                        return &t[i];
        return NULL;
}

/* "A, B or C" for hints, from a table. */
static char *
list_names(const struct name_value *t, size_t n)
{
        char *s = xstrdup("");

        for (size_t i = 0; i < n; i++) {
                char *x = xasprintf("%s%s'%s'", s, i == 0 ? "" : i + 1 == n ? " or " : ", ", t[i].name);
                free(s);
                s = x;
        }
        return s;
}

/* Map the string at the current path through a table; unknown names fail with the list. */
static int
get_enum(struct parser *p, const json_t *v, const struct name_value *t, size_t n, const char *what,
         char **ret_str, long long *ret_value)
{
        _cleanup_free_ char *s = NULL, *names = NULL, *hint = NULL;
        const struct name_value *e;
        int r;

        r = get_string(p, v, &s);
        if (r < 0)
                return r;
        e = lookup(t, n, s);
        if (!e) {
                names = list_names(t, n);
                hint = xasprintf("use one of %s", names);
                return fail(p, hint, "unknown %s '%s'", what, s);
        }
        if (ret_value)
                *ret_value = e->value;
        if (ret_str) {
                free(*ret_str);
                *ret_str = TAKE_PTR(s);
        }
        return 0;
}

static const struct name_value ns_names[] = {
        { "pid", SPEC_NS_PID },   { "network", SPEC_NS_NETWORK }, { "mount", SPEC_NS_MOUNT },
        { "ipc", SPEC_NS_IPC },   { "uts", SPEC_NS_UTS },         { "user", SPEC_NS_USER },
        { "cgroup", SPEC_NS_CGROUP }, { "time", SPEC_NS_TIME },
};

static const struct name_value rlimit_names[] = {
        { "RLIMIT_CPU", RLIMIT_CPU },
        { "RLIMIT_FSIZE", RLIMIT_FSIZE },
        { "RLIMIT_DATA", RLIMIT_DATA },
        { "RLIMIT_STACK", RLIMIT_STACK },
        { "RLIMIT_CORE", RLIMIT_CORE },
        { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_NPROC", RLIMIT_NPROC },
        { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
        { "RLIMIT_AS", RLIMIT_AS },
        { "RLIMIT_LOCKS", RLIMIT_LOCKS },
        { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
        { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
        { "RLIMIT_NICE", RLIMIT_NICE },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
        { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

/* SCHED_ISO is reserved in the kernel ABI (value 4) but not implemented; the spec lists it, so it
 * parses and sched_setattr() will refuse it at run time. */
static const struct name_value sched_policies[] = {
        { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },     { "SCHED_BATCH", 3 },
        { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

/* The kernel's SCHED_FLAG_* (include/uapi/linux/sched.h); spelled out so old headers do not matter. */
static const struct name_value sched_flags[] = {
        { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
        { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
        { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
        { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static const struct name_value io_classes[] = {
        { "IOPRIO_CLASS_RT", SPEC_IOPRIO_CLASS_RT },
        { "IOPRIO_CLASS_BE", SPEC_IOPRIO_CLASS_BE },
        { "IOPRIO_CLASS_IDLE", SPEC_IOPRIO_CLASS_IDLE },
};

/* Values of the kernel's enum in include/uapi/linux/mempolicy.h; MPOL_WEIGHTED_INTERLEAVE (6.9)
 * is missing from older headers, and the enum members cannot be tested with #ifdef. */
#define SPEC_MPOL_DEFAULT 0
#define SPEC_MPOL_PREFERRED 1
#define SPEC_MPOL_BIND 2
#define SPEC_MPOL_INTERLEAVE 3
#define SPEC_MPOL_LOCAL 4
#define SPEC_MPOL_PREFERRED_MANY 5
#define SPEC_MPOL_WEIGHTED_INTERLEAVE 6
#define SPEC_MPOL_F_STATIC_NODES (1 << 15)
#define SPEC_MPOL_F_RELATIVE_NODES (1 << 14)
#define SPEC_MPOL_F_NUMA_BALANCING (1 << 13)

static const struct name_value mpol_modes[] = {
        { "MPOL_DEFAULT", SPEC_MPOL_DEFAULT },
        { "MPOL_BIND", SPEC_MPOL_BIND },
        { "MPOL_INTERLEAVE", SPEC_MPOL_INTERLEAVE },
        { "MPOL_WEIGHTED_INTERLEAVE", SPEC_MPOL_WEIGHTED_INTERLEAVE },
        { "MPOL_PREFERRED", SPEC_MPOL_PREFERRED },
        { "MPOL_PREFERRED_MANY", SPEC_MPOL_PREFERRED_MANY },
        { "MPOL_LOCAL", SPEC_MPOL_LOCAL },
};

static const struct name_value mpol_flags[] = {
        { "MPOL_F_NUMA_BALANCING", SPEC_MPOL_F_NUMA_BALANCING },
        { "MPOL_F_RELATIVE_NODES", SPEC_MPOL_F_RELATIVE_NODES },
        { "MPOL_F_STATIC_NODES", SPEC_MPOL_F_STATIC_NODES },
};

static const struct name_value propagations[] = {
        { "shared", MS_SHARED },
        { "slave", MS_SLAVE },
        { "private", MS_PRIVATE },
        { "unbindable", MS_UNBINDABLE },
};

static const struct name_value personality_domains[] = {
        { "LINUX", PER_LINUX },
        { "LINUX32", PER_LINUX32 },
};

/* ERRNO and TRACE carry data in the low 16 bits; the base value is stored, the data separately. */
static const struct name_value seccomp_actions[] = {
        { "SCMP_ACT_KILL", SCMP_ACT_KILL },
        { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
        { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
        { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
        { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
        { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
        { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
        { "SCMP_ACT_LOG", SCMP_ACT_LOG },
        { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static const struct name_value seccomp_ops[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
        { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* libseccomp 2.6's architecture names; kept as strings (older libseccomp lacks some tokens, the
 * seccomp module resolves them with seccomp_arch_resolve_name() and reports what it lacks). */
static const struct name_value seccomp_archs[] = {
        { "SCMP_ARCH_X86", 0 },        { "SCMP_ARCH_X86_64", 0 },      { "SCMP_ARCH_X32", 0 },
        { "SCMP_ARCH_ARM", 0 },        { "SCMP_ARCH_AARCH64", 0 },     { "SCMP_ARCH_LOONGARCH64", 0 },
        { "SCMP_ARCH_M68K", 0 },       { "SCMP_ARCH_MIPS", 0 },        { "SCMP_ARCH_MIPS64", 0 },
        { "SCMP_ARCH_MIPS64N32", 0 },  { "SCMP_ARCH_MIPSEL", 0 },      { "SCMP_ARCH_MIPSEL64", 0 },
        { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },        { "SCMP_ARCH_PPC64", 0 },
        { "SCMP_ARCH_PPC64LE", 0 },    { "SCMP_ARCH_S390", 0 },        { "SCMP_ARCH_S390X", 0 },
        { "SCMP_ARCH_PARISC", 0 },     { "SCMP_ARCH_PARISC64", 0 },    { "SCMP_ARCH_RISCV64", 0 },
        { "SCMP_ARCH_SH", 0 },         { "SCMP_ARCH_SHEB", 0 },
};

static const struct name_value seccomp_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
        { "SECCOMP_FILTER_FLAG_LOG", 0 },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0 },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0 },
};

static const struct name_value time_clocks[] = {
        { "monotonic", 0 },
        { "boottime", 0 },
};

/* ---- small value checks ---- */

static int
check_absolute(struct parser *p, const char *s, const char *what)
{
        if (s[0] != '/')
                return fail(p, "use an absolute path (starting with '/')", "%s '%s' is not absolute", what, s);
        return 0;
}

/* KEY=VALUE with a non-empty KEY: execve() would pass anything, but a shell or libc getenv()
 * cannot see an entry without '=' and it is nearly always a quoting mistake. */
static int
check_env(struct parser *p, char **env)
{
        for (size_t i = 0; env && env[i]; i++) {
                const char *eq = strchr(env[i], '=');

                if (!eq || eq == env[i]) {
                        size_t old = path_index(p, i);
                        int r = fail(p, "use the form NAME=VALUE", "invalid environment entry '%s'", env[i]);
                        path_pop(p, old);
                        return r;
                }
        }
        return 0;
}

/* A cpu or node list as in "0-3,7" (the schema allows spaces, too). */
static bool
valid_id_list(const char *s)
{
        const char *c = s;

        while (*c == ' ')
                c++;
        while (*c) {
                unsigned long a, b;
                char *end;

                if (!isdigit((unsigned char) *c))
                        return false;
                a = strtoul(c, &end, 10);
                c = end;
                if (*c == '-') {
                        c++;
                        if (!isdigit((unsigned char) *c))
                                return false;
                        b = strtoul(c, &end, 10);
                        c = end;
                        if (b < a)
                                return false;
                }
                while (*c == ' ')
                        c++;
                if (*c == ',') {
                        c++;
                        while (*c == ' ')
                                c++;
                        if (!*c)
                                return false;
                } else if (*c)
                        return false;
        }
        return true;
}

/* ---- sections ---- */

static int
parse_idmap(struct parser *p, const json_t *v, struct spec_idmap *m)
{
        static const struct field fields[] = {
                FIELD_REQ("containerID", F_U32, struct spec_idmap, container_id),
                FIELD_REQ("hostID", F_U32, struct spec_idmap, host_id),
                FIELD_REQ("size", F_U32, struct spec_idmap, size),
        };

        if (want_object(p, v) < 0)
                return -EINVAL;
        return parse_fields(p, v, fields, ELEMENTSOF(fields), m);
}

static int
parse_idmaps(struct parser *p, const json_t *v, struct spec_idmap **ret, size_t *ret_n)
{
        size_t n;

        if (want_array(p, v, "id mappings") < 0)
                return -EINVAL;
        n = json_array_size(v);
        *ret = xcalloc(n, sizeof **ret);
        *ret_n = n;
        for (size_t i = 0; i < n; i++) {
                size_t old = path_index(p, i);
                int r = parse_idmap(p, json_array_get(v, i), &(*ret)[i]);

                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Run fn on each element of the array at o.key, with the path pushed; arrays of structs. */
typedef int (*elem_fn)(struct parser *p, const json_t *v, void *elem);

static int
parse_array(struct parser *p, const json_t *o, const char *key, const char *of, size_t elem_size, elem_fn fn,
            void **ret, size_t *ret_n)
{
        json_t *v = member(o, key);
        size_t old, n;
        int r = 0;

        if (!v)
                return 0;
        old = path_key(p, key);
        if (want_array(p, v, of) < 0) {
                path_pop(p, old);
                return -EINVAL;
        }
        n = json_array_size(v);
        *ret = xcalloc(n, elem_size);
        *ret_n = n;
        for (size_t i = 0; i < n && r >= 0; i++) {
                size_t o2 = path_index(p, i);
                r = fn(p, json_array_get(v, i), (char *) *ret + i * elem_size);
                path_pop(p, o2);
        }
        path_pop(p, old);
        return r < 0 ? r : 1;
}

/* A map of strings (annotations, sysctl, unified). Keys must be non-empty. */
typedef int (*kv_check_fn)(struct parser *p, const char *key);

static int
parse_string_map(struct parser *p, const json_t *o, const char *key, kv_check_fn check, struct spec_kv **ret,
                 size_t *ret_n)
{
        json_t *m = member(o, key), *v;
        const char *k;
        size_t old, i = 0;
        int r;

        if (!m)
                return 0;
        old = path_key(p, key);
        if (!json_is_object(m)) {
                r = fail(p, NULL, "expected an object of strings, got %s", describe(m));
                path_pop(p, old);
                return r;
        }
        *ret = xcalloc(json_object_size(m), sizeof **ret);
        json_object_foreach(m, k, v) {
                size_t o2 = path_key(p, k);

                (*ret)[i].key = xstrdup(k);
                *ret_n = ++i;
                r = 0;
                if (!*k)
                        r = fail(p, NULL, "empty key");
                if (r >= 0 && check)
                        r = check(p, k);
                if (r >= 0)
                        r = get_string(p, v, &(*ret)[i - 1].value);
                path_pop(p, o2);
                if (r < 0) {
                        path_pop(p, old);
                        return r;
                }
        }
        path_pop(p, old);
        return 0;
}

/* -- process -- */

static int
parse_user(struct parser *p, const json_t *v, struct spec_user *u)
{
        /* uid and gid are REQUIRED by the spec; a misspelt key must not quietly mean root. */
        static const struct field fields[] = {
                FIELD_REQ("uid", F_U32, struct spec_user, uid),
                FIELD_REQ("gid", F_U32, struct spec_user, gid),
                FIELD_HAS("umask", F_U32, struct spec_user, umask, has_umask),
                FIELD("username", F_STRING, struct spec_user, username),
        };
        json_t *g;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), u);
        if (r < 0)
                return r;
        if (u->has_umask && u->umask > 07777)
                return fail_key(p, "umask", "use a mode between 0 and 4095 (07777)", "umask %" PRIu32 " is too large",
                                u->umask);
        g = member(v, "additionalGids");
        if (g) {
                size_t old = path_key(p, "additionalGids");

                if (want_array(p, g, "gids") < 0) {
                        path_pop(p, old);
                        return -EINVAL;
                }
                u->n_additional_gids = json_array_size(g);
                u->additional_gids = xcalloc(u->n_additional_gids, sizeof *u->additional_gids);
                for (size_t i = 0; i < u->n_additional_gids; i++) {
                        size_t o2 = path_index(p, i);
                        r = get_u32(p, json_array_get(g, i), &u->additional_gids[i]);
                        path_pop(p, o2);
                        if (r < 0)
                                break;
                }
                path_pop(p, old);
        }
        return r;
}

static int
parse_rlimit(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("soft", F_U64, struct spec_rlimit, soft),
                FIELD_REQ("hard", F_U64, struct spec_rlimit, hard),
        };
        struct spec_rlimit *rl = elem;
        json_t *t;
        long long val;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        t = member(v, "type");
        if (!t)
                return missing(p, "type", "name the limit, e.g. \"RLIMIT_NOFILE\"");
        old = path_key(p, "type");
        r = get_enum(p, t, rlimit_names, ELEMENTSOF(rlimit_names), "rlimit type", &rl->type, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        rl->resource = (int) val;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), rl);
        if (r < 0)
                return r;
        /* The schema allows it, but setrlimit() refuses soft > hard with EINVAL inside the container. */
        if (rl->soft > rl->hard)
                return fail(p, "make 'soft' less than or equal to 'hard'",
                            "soft limit %" PRIu64 " is greater than hard limit %" PRIu64 " for %s", rl->soft, rl->hard,
                            rl->type);
        return 0;
}

static int
parse_capabilities(struct parser *p, const json_t *v, struct spec_capabilities *c)
{
        /* Names are kept as written: unknown ones are warned about when applied (the spec says so). */
        static const struct field fields[] = {
                FIELD_STRV0_HAS("bounding", struct spec_capabilities, bounding, has_bounding),
                FIELD_STRV0_HAS("effective", struct spec_capabilities, effective, has_effective),
                FIELD_STRV0_HAS("inheritable", struct spec_capabilities, inheritable, has_inheritable),
                FIELD_STRV0_HAS("permitted", struct spec_capabilities, permitted, has_permitted),
                FIELD_STRV0_HAS("ambient", struct spec_capabilities, ambient, has_ambient),
        };

        if (want_object(p, v) < 0)
                return -EINVAL;
        return parse_fields(p, v, fields, ELEMENTSOF(fields), c);
}

static int
parse_scheduler(struct parser *p, const json_t *v, struct spec_scheduler *s)
{
        static const struct field fields[] = {
                FIELD_HAS("nice", F_I32, struct spec_scheduler, nice, has_nice),
                FIELD_HAS("priority", F_I32, struct spec_scheduler, priority, has_priority),
                FIELD("runtime", F_U64, struct spec_scheduler, runtime),
                FIELD("deadline", F_U64, struct spec_scheduler, deadline),
                FIELD("period", F_U64, struct spec_scheduler, period),
        };
        json_t *pol, *fl;
        long long val;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        pol = member(v, "policy");
        if (!pol)
                return missing(p, "policy", "use e.g. \"SCHED_OTHER\"");
        old = path_key(p, "policy");
        r = get_enum(p, pol, sched_policies, ELEMENTSOF(sched_policies), "scheduler policy", &s->policy_str, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        s->policy = (int) val;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), s);
        if (r < 0)
                return r;
        fl = member(v, "flags");
        if (fl) {
                old = path_key(p, "flags");
                r = get_strv(p, fl, &s->flags, NULL);
                for (size_t i = 0; r >= 0 && s->flags[i]; i++) {
                        size_t o2 = path_index(p, i);
                        r = get_enum(p, json_array_get(fl, i), sched_flags, ELEMENTSOF(sched_flags),
                                     "scheduler flag", NULL, &val);
                        path_pop(p, o2);
                        s->flags_mask |= (uint64_t) val;
                }
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        /* sched_setattr() refuses these with a bare EINVAL; say which field is wrong instead. */
        if (s->has_priority) {
                bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;

                if (rt && (s->priority < 1 || s->priority > 99))
                        return fail_key(p, "priority", "use a priority between 1 and 99 for SCHED_FIFO and SCHED_RR",
                                        "priority %" PRId32 " is out of range for %s", s->priority, s->policy_str);
                if (!rt && s->priority != 0)
                        return fail_key(p, "priority", "leave it out, or use SCHED_FIFO or SCHED_RR",
                                        "priority %" PRId32 " is only valid for real-time policies, not %s",
                                        s->priority, s->policy_str);
        }
        if (s->policy == 6 /* SCHED_DEADLINE */) {
                if (s->runtime > s->deadline)
                        return fail(p, "use runtime <= deadline <= period",
                                    "runtime %" PRIu64 " is greater than deadline %" PRIu64, s->runtime, s->deadline);
                if (s->period != 0 && s->deadline > s->period)
                        return fail(p, "use runtime <= deadline <= period",
                                    "deadline %" PRIu64 " is greater than period %" PRIu64, s->deadline, s->period);
        }
        return 0;
}

static int
parse_io_priority(struct parser *p, const json_t *v, struct spec_process *proc)
{
        json_t *c, *prio;
        long long val;
        int64_t i = 0;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        c = member(v, "class");
        if (!c)
                return missing(p, "class", "use \"IOPRIO_CLASS_RT\", \"IOPRIO_CLASS_BE\" or \"IOPRIO_CLASS_IDLE\"");
        old = path_key(p, "class");
        r = get_enum(p, c, io_classes, ELEMENTSOF(io_classes), "I/O priority class", NULL, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        prio = member(v, "priority");
        if (prio) {
                old = path_key(p, "priority");
                r = get_i64(p, prio, INT32_MIN, INT32_MAX, &i);
                if (r >= 0 && (i < 0 || i > 7))
                        r = fail(p, "use a priority between 0 (highest) and 7 (lowest)",
                                 "I/O priority %" PRId64 " is out of range", i);
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        proc->has_io_priority = true;
        proc->io_priority_class = (int) val;
        proc->io_priority = (int) i;
        return 0;
}

static int
parse_cpu_affinity(struct parser *p, const json_t *v, struct spec_process *proc)
{
        static const struct field fields[] = {
                FIELD("initial", F_STRING, struct spec_process, exec_cpu_affinity_initial),
                FIELD("final", F_STRING, struct spec_process, exec_cpu_affinity_final),
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), proc);
        if (r < 0)
                return r;
        proc->has_exec_cpu_affinity = true;
        if (proc->exec_cpu_affinity_initial && !valid_id_list(proc->exec_cpu_affinity_initial))
                return fail_key(p, "initial", "use a CPU list such as \"0-3,7\"", "invalid CPU list '%s'",
                                proc->exec_cpu_affinity_initial);
        if (proc->exec_cpu_affinity_final && !valid_id_list(proc->exec_cpu_affinity_final))
                return fail_key(p, "final", "use a CPU list such as \"0-3,7\"", "invalid CPU list '%s'",
                                proc->exec_cpu_affinity_final);
        return 0;
}

/* Parse the optional object o.key with fn(p, obj, arg); path handling included. */
typedef int (*obj_fn)(struct parser *p, const json_t *v, void *arg);

static int
parse_object(struct parser *p, const json_t *o, const char *key, obj_fn fn, void *arg)
{
        json_t *v = member(o, key);
        size_t old;
        int r;

        if (!v)
                return 0;
        old = path_key(p, key);
        r = fn(p, v, arg);
        path_pop(p, old);
        return r < 0 ? r : 1;
}

static int
parse_process(struct parser *p, const json_t *v, struct spec_process *proc)
{
        static const struct field fields[] = {
                FIELD("terminal", F_BOOL, struct spec_process, terminal),
                FIELD_STRV("args", struct spec_process, args, n_args),
                FIELD("commandLine", F_STRING, struct spec_process, command_line),
                FIELD_STRV("env", struct spec_process, env, n_env),
                FIELD("cwd", F_STRING, struct spec_process, cwd),
                FIELD("noNewPrivileges", F_BOOL, struct spec_process, no_new_privileges),
                FIELD("apparmorProfile", F_STRING, struct spec_process, apparmor_profile),
                FIELD("selinuxLabel", F_STRING, struct spec_process, selinux_label),
        };
        json_t *cs, *x;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), proc);
        if (r < 0)
                return r;

        if (!proc->cwd)
                return missing(p, "cwd", "set it to an absolute path such as \"/\"");
        if (proc->cwd[0] != '/')
                return fail_key(p, "cwd", "use an absolute path such as \"/\"", "cwd '%s' is not absolute", proc->cwd);
        /* At least one entry is REQUIRED outside Windows (where commandLine may replace it). */
        if (proc->n_args == 0 && !proc->command_line)
                return proc->args ? fail_key(p, "args", "give at least the program, e.g. [\"sh\"]", "empty array")
                                  : missing(p, "args", "give at least the program, e.g. [\"sh\"]");
        if (proc->n_args > 0 && !proc->args[0][0])
                return fail_key(p, "args", "name the program to run", "args[0] is an empty string");
        old = path_key(p, "env");
        r = check_env(p, proc->env);
        path_pop(p, old);
        if (r < 0)
                return r;

        cs = member(v, "consoleSize");
        if (cs) {
                static const struct field cs_fields[] = {
                        FIELD_REQ("height", F_U32, struct spec_process, console_height),
                        FIELD_REQ("width", F_U32, struct spec_process, console_width),
                };
                old = path_key(p, "consoleSize");
                r = want_object(p, cs);
                if (r >= 0)
                        r = parse_fields(p, cs, cs_fields, ELEMENTSOF(cs_fields), proc);
                path_pop(p, old);
                if (r < 0)
                        return r;
                proc->has_console_size = true;
        }

        r = parse_object(p, v, "user", (obj_fn) parse_user, &proc->user);
        if (r < 0)
                return r;

        x = member(v, "capabilities");
        if (x) {
                proc->capabilities = xcalloc(1, sizeof *proc->capabilities);
                r = parse_object(p, v, "capabilities", (obj_fn) parse_capabilities, proc->capabilities);
                if (r < 0)
                        return r;
        }

        r = parse_array(p, v, "rlimits", "rlimits", sizeof(struct spec_rlimit), parse_rlimit,
                        (void **) &proc->rlimits, &proc->n_rlimits);
        if (r < 0)
                return r;
        for (size_t i = 0; i < proc->n_rlimits; i++)
                for (size_t j = 0; j < i; j++)
                        if (proc->rlimits[i].resource == proc->rlimits[j].resource) {
                                size_t o1 = path_key(p, "rlimits"), o2 = path_index(p, i);
                                r = fail(p, "give each rlimit type once", "duplicate rlimit type '%s'",
                                         proc->rlimits[i].type);
                                path_pop(p, o2);
                                path_pop(p, o1);
                                return r;
                        }

        x = member(v, "oomScoreAdj");
        if (x) {
                int64_t i;

                old = path_key(p, "oomScoreAdj");
                r = get_i64(p, x, INT32_MIN, INT32_MAX, &i);
                /* The kernel refuses anything outside OOM_SCORE_ADJ_MIN..MAX. */
                if (r >= 0 && (i < -1000 || i > 1000))
                        r = fail(p, "use a value between -1000 and 1000", "oomScoreAdj %" PRId64 " is out of range",
                                 i);
                path_pop(p, old);
                if (r < 0)
                        return r;
                proc->has_oom_score_adj = true;
                proc->oom_score_adj = (int) i;
        }

        if (member(v, "scheduler")) {
                proc->scheduler = xcalloc(1, sizeof *proc->scheduler);
                r = parse_object(p, v, "scheduler", (obj_fn) parse_scheduler, proc->scheduler);
                if (r < 0)
                        return r;
        }
        r = parse_object(p, v, "ioPriority", (obj_fn) parse_io_priority, proc);
        if (r < 0)
                return r;
        r = parse_object(p, v, "execCPUAffinity", (obj_fn) parse_cpu_affinity, proc);
        if (r < 0)
                return r;
        return 0;
}

/* -- root, mounts, hooks -- */

static int
parse_root(struct parser *p, const json_t *v, struct spec_root *root)
{
        static const struct field fields[] = {
                FIELD_REQ("path", F_STRING, struct spec_root, path),
                FIELD("readonly", F_BOOL, struct spec_root, readonly),
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), root);
        if (r < 0)
                return r;
        if (!root->path[0])
                return fail_key(p, "path", "use the path of the root filesystem, e.g. \"rootfs\"", "empty path");
        return 0;
}

static int
parse_mount(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("destination", F_STRING, struct spec_mount, destination),
                FIELD("type", F_STRING, struct spec_mount, type),
                FIELD("source", F_STRING, struct spec_mount, source),
                FIELD_STRV("options", struct spec_mount, options, n_options),
        };
        struct spec_mount *m = elem;
        json_t *x;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), m);
        if (r < 0)
                return r;
        if (!m->destination[0])
                return fail_key(p, "destination", "use an absolute path inside the container", "empty destination");
        /* COMPAT: the spec allows a relative destination for old configs, meaning relative to "/". */
        if (m->destination[0] != '/') {
                char *d = xasprintf("/%s", m->destination);
                free(m->destination);
                m->destination = d;
        }
        x = member(v, "uidMappings");
        if (x) {
                old = path_key(p, "uidMappings");
                r = parse_idmaps(p, x, &m->uid_mappings, &m->n_uid_mappings);
                path_pop(p, old);
                if (r < 0)
                        return r;
                m->has_uid_mappings = true;
        }
        x = member(v, "gidMappings");
        if (x) {
                old = path_key(p, "gidMappings");
                r = parse_idmaps(p, x, &m->gid_mappings, &m->n_gid_mappings);
                path_pop(p, old);
                if (r < 0)
                        return r;
                m->has_gid_mappings = true;
        }
        if (m->has_uid_mappings != m->has_gid_mappings)
                return fail(p, "give both 'uidMappings' and 'gidMappings', or neither", "'%s' given without '%s'",
                            m->has_uid_mappings ? "uidMappings" : "gidMappings",
                            m->has_uid_mappings ? "gidMappings" : "uidMappings");
        return 0;
}

static int
parse_hook(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("path", F_STRING, struct spec_hook, path),
                FIELD_STRV0("args", struct spec_hook, args),
                FIELD_STRV0("env", struct spec_hook, env),
        };
        struct spec_hook *h = elem;
        json_t *t;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), h);
        if (r < 0)
                return r;
        old = path_key(p, "path");
        r = check_absolute(p, h->path, "hook path");
        path_pop(p, old);
        if (r < 0)
                return r;
        old = path_key(p, "env");
        r = check_env(p, h->env);
        path_pop(p, old);
        if (r < 0)
                return r;
        t = member(v, "timeout");
        if (t) {
                int64_t i;

                old = path_key(p, "timeout");
                r = get_i64(p, t, INT32_MIN, INT32_MAX, &i);
                if (r >= 0 && i <= 0)
                        r = fail(p, "use a number of seconds greater than 0, or leave it out",
                                 "timeout %" PRId64 " is not positive", i);
                path_pop(p, old);
                if (r < 0)
                        return r;
                h->has_timeout = true;
                h->timeout = (int) i;
        }
        return 0;
}

static int
parse_hooks(struct parser *p, const json_t *v, struct spec_hooks *h)
{
        struct {
                const char *key;
                struct spec_hook **list;
                size_t *n;
        } kinds[] = {
                { "prestart", &h->prestart, &h->n_prestart },
                { "createRuntime", &h->create_runtime, &h->n_create_runtime },
                { "createContainer", &h->create_container, &h->n_create_container },
                { "startContainer", &h->start_container, &h->n_start_container },
                { "poststart", &h->poststart, &h->n_poststart },
                { "poststop", &h->poststop, &h->n_poststop },
        };

        if (want_object(p, v) < 0)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                int r = parse_array(p, v, kinds[i].key, "hooks", sizeof(struct spec_hook), parse_hook,
                                    (void **) kinds[i].list, kinds[i].n);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* -- linux: namespaces, devices, network devices -- */

static int
parse_namespace(struct parser *p, const json_t *v, void *elem)
{
        struct spec_namespace *ns = elem;
        json_t *t, *path;
        long long val;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        t = member(v, "type");
        if (!t)
                return missing(p, "type", "use e.g. \"pid\"");
        old = path_key(p, "type");
        r = get_enum(p, t, ns_names, ELEMENTSOF(ns_names), "namespace type", NULL, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        ns->type = (enum spec_ns_type) val;
        path = member(v, "path");
        if (path) {
                old = path_key(p, "path");
                r = get_string(p, path, &ns->path);
                if (r >= 0)
                        r = check_absolute(p, ns->path, "namespace path");
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
parse_device(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("path", F_STRING, struct spec_device, path),
                FIELD("major", F_I64, struct spec_device, major),
                FIELD("minor", F_I64, struct spec_device, minor),
                FIELD_HAS("fileMode", F_U32, struct spec_device, file_mode, has_file_mode),
                FIELD_HAS("uid", F_U32, struct spec_device, uid, has_uid),
                FIELD_HAS("gid", F_U32, struct spec_device, gid, has_gid),
        };
        static const struct name_value types[] = { { "c", 'c' }, { "b", 'b' }, { "u", 'u' }, { "p", 'p' } };
        struct spec_device *d = elem;
        json_t *t;
        long long val;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        t = member(v, "type");
        if (!t)
                return missing(p, "type", "use \"c\", \"b\", \"u\" or \"p\"");
        old = path_key(p, "type");
        r = get_enum(p, t, types, ELEMENTSOF(types), "device type", NULL, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        d->type = (char) val;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), d);
        if (r < 0)
                return r;
        old = path_key(p, "path");
        r = check_absolute(p, d->path, "device path");
        path_pop(p, old);
        if (r < 0)
                return r;
        if (d->type != 'p' && (!member(v, "major") || !member(v, "minor")))
                return missing(p, member(v, "major") ? "minor" : "major", "character and block devices need both numbers");
        /* The schema says permission bits only (<= 0777); setuid/setgid/sticky are tolerated
         * because some clients copy them from the host's device node. */
        if (d->has_file_mode && d->file_mode > 07777)
                return fail_key(p, "fileMode", "use permission bits only, e.g. 438 (0666)",
                                "fileMode %" PRIu32 " has file type bits", d->file_mode);
        return 0;
}

static bool
valid_ifname(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n >= IFNAMSIZ || streq(s, ".") || streq(s, ".."))
                return false;
        for (const char *c = s; *c; c++)
                if (*c == '/' || *c == ':' || isspace((unsigned char) *c))
                        return false;
        return true;
}

#define IFNAME_HINT "use 1 to 15 characters without '/', ':' or whitespace"

static int
parse_net_devices(struct parser *p, const json_t *v, struct spec_linux *l)
{
        const char *k;
        json_t *d;
        size_t i = 0;

        if (!json_is_object(v))
                return fail(p, NULL, "expected an object mapping host device names to objects, got %s", describe(v));
        l->net_devices = xcalloc(json_object_size(v), sizeof *l->net_devices);
        json_object_foreach((json_t *) v, k, d) {
                struct spec_net_device *nd = &l->net_devices[i];
                size_t old = path_key(p, k);
                int r = 0;

                nd->host_name = xstrdup(k);
                l->n_net_devices = ++i;
                if (!valid_ifname(k))
                        r = fail(p, IFNAME_HINT, "invalid network device name '%s'", k);
                if (r >= 0)
                        r = want_object(p, d);
                if (r >= 0 && member(d, "name")) {
                        size_t o2 = path_key(p, "name");
                        r = get_string(p, member(d, "name"), &nd->name);
                        if (r >= 0 && !valid_ifname(nd->name))
                                r = fail(p, IFNAME_HINT, "invalid network device name '%s'", nd->name);
                        path_pop(p, o2);
                }
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* -- linux.resources -- */

static int
parse_device_cgroup(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("allow", F_BOOL, struct spec_device_cgroup, allow),
                FIELD_HAS("major", F_I64, struct spec_device_cgroup, major, has_major),
                FIELD_HAS("minor", F_I64, struct spec_device_cgroup, minor, has_minor),
                FIELD("access", F_STRING, struct spec_device_cgroup, access),
        };
        static const struct name_value types[] = { { "a", 'a' }, { "c", 'c' }, { "b", 'b' } };
        struct spec_device_cgroup *d = elem;
        json_t *t;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), d);
        if (r < 0)
                return r;
        if (!d->has_major)
                d->major = -1;
        if (!d->has_minor)
                d->minor = -1;
        t = member(v, "type");
        if (t) {
                long long val;
                size_t old = path_key(p, "type");

                r = get_enum(p, t, types, ELEMENTSOF(types), "device cgroup type", NULL, &val);
                path_pop(p, old);
                if (r < 0)
                        return r;
                d->type = (char) val;
        }
        if (d->major < -1 || d->minor < -1)
                return fail(p, "use -1 (or leave it out) for any number", "negative device number");
        if (d->access) {
                const char *a = d->access;
                bool bad = !*a || strspn(a, "rwm") != strlen(a);

                for (const char *c = a; !bad && *c; c++)
                        if (strchr(c + 1, *c))
                                bad = true;
                if (bad)
                        return fail_key(p, "access", "use a combination of 'r', 'w' and 'm', e.g. \"rwm\"",
                                        "invalid device access '%s'", a);
        }
        return 0;
}

static int
parse_memory(struct parser *p, const json_t *v, struct spec_memory *m)
{
        static const struct field fields[] = {
                FIELD_HAS("limit", F_I64, struct spec_memory, limit, has_limit),
                FIELD_HAS("reservation", F_I64, struct spec_memory, reservation, has_reservation),
                FIELD_HAS("swap", F_I64, struct spec_memory, swap, has_swap),
                FIELD_HAS("kernel", F_I64, struct spec_memory, kernel, has_kernel),
                FIELD_HAS("kernelTCP", F_I64, struct spec_memory, kernel_tcp, has_kernel_tcp),
                FIELD_HAS("swappiness", F_U64, struct spec_memory, swappiness, has_swappiness),
                FIELD_HAS("disableOOMKiller", F_BOOL, struct spec_memory, disable_oom_killer, has_disable_oom_killer),
                FIELD_HAS("useHierarchy", F_BOOL, struct spec_memory, use_hierarchy, has_use_hierarchy),
                FIELD_HAS("checkBeforeUpdate", F_BOOL, struct spec_memory, check_before_update,
                          has_check_before_update),
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), m);
        if (r < 0)
                return r;
        if (m->has_swappiness && m->swappiness > 100)
                return fail_key(p, "swappiness", "use a value between 0 and 100",
                                "swappiness %" PRIu64 " is out of range", m->swappiness);
        return 0;
}

static int
parse_cpu(struct parser *p, const json_t *v, struct spec_cpu *c)
{
        static const struct field fields[] = {
                FIELD_HAS("shares", F_U64, struct spec_cpu, shares, has_shares),
                FIELD_HAS("quota", F_I64, struct spec_cpu, quota, has_quota),
                FIELD_HAS("burst", F_U64, struct spec_cpu, burst, has_burst),
                FIELD_HAS("period", F_U64, struct spec_cpu, period, has_period),
                FIELD_HAS("realtimeRuntime", F_I64, struct spec_cpu, realtime_runtime, has_realtime_runtime),
                FIELD_HAS("realtimePeriod", F_U64, struct spec_cpu, realtime_period, has_realtime_period),
                FIELD_HAS("idle", F_I64, struct spec_cpu, idle, has_idle),
                FIELD("cpus", F_STRING, struct spec_cpu, cpus),
                FIELD("mems", F_STRING, struct spec_cpu, mems),
        };

        if (want_object(p, v) < 0)
                return -EINVAL;
        return parse_fields(p, v, fields, ELEMENTSOF(fields), c);
}

static int
parse_weight_device(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("major", F_I64, struct spec_weight_device, major),
                FIELD_REQ("minor", F_I64, struct spec_weight_device, minor),
                FIELD_HAS("weight", F_U16, struct spec_weight_device, weight, has_weight),
                FIELD_HAS("leafWeight", F_U16, struct spec_weight_device, leaf_weight, has_leaf_weight),
        };
        struct spec_weight_device *w = elem;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), w);
        if (r < 0)
                return r;
        if (!w->has_weight && !w->has_leaf_weight)
                return fail(p, "give 'weight', 'leafWeight' or both", "neither 'weight' nor 'leafWeight' is set");
        return 0;
}

static int
parse_throttle_device(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("major", F_I64, struct spec_throttle_device, major),
                FIELD_REQ("minor", F_I64, struct spec_throttle_device, minor),
                FIELD("rate", F_U64, struct spec_throttle_device, rate),
        };

        if (want_object(p, v) < 0)
                return -EINVAL;
        return parse_fields(p, v, fields, ELEMENTSOF(fields), elem);
}

static int
parse_block_io(struct parser *p, const json_t *v, struct spec_blockio *b)
{
        static const struct field fields[] = {
                FIELD_HAS("weight", F_U16, struct spec_blockio, weight, has_weight),
                FIELD_HAS("leafWeight", F_U16, struct spec_blockio, leaf_weight, has_leaf_weight),
        };
        struct {
                const char *key;
                struct spec_throttle_device **list;
                size_t *n;
        } throttles[] = {
                { "throttleReadBpsDevice", &b->throttle_read_bps, &b->n_throttle_read_bps },
                { "throttleWriteBpsDevice", &b->throttle_write_bps, &b->n_throttle_write_bps },
                { "throttleReadIOPSDevice", &b->throttle_read_iops, &b->n_throttle_read_iops },
                { "throttleWriteIOPSDevice", &b->throttle_write_iops, &b->n_throttle_write_iops },
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), b);
        if (r < 0)
                return r;
        r = parse_array(p, v, "weightDevice", "objects", sizeof(struct spec_weight_device), parse_weight_device,
                        (void **) &b->weight_device, &b->n_weight_device);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(throttles); i++) {
                r = parse_array(p, v, throttles[i].key, "objects", sizeof(struct spec_throttle_device),
                                parse_throttle_device, (void **) throttles[i].list, throttles[i].n);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool
valid_page_size(const char *s)
{
        /* ^[1-9][0-9]*[KMG]B$, as in the schema (hugetlb.<size>.limit_in_bytes). */
        size_t n = strlen(s), d;

        if (n < 3 || s[0] < '1' || s[0] > '9')
                return false;
        d = strspn(s, "0123456789");
        return d == n - 2 && strchr("KMG", s[d]) && s[d + 1] == 'B';
}

static int
parse_hugepage(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("pageSize", F_STRING, struct spec_hugepage_limit, page_size),
                FIELD_REQ("limit", F_U64, struct spec_hugepage_limit, limit),
        };
        struct spec_hugepage_limit *h = elem;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), h);
        if (r < 0)
                return r;
        if (!valid_page_size(h->page_size))
                return fail_key(p, "pageSize", "use a size like \"2MB\", \"64KB\" or \"1GB\" (upper-case unit)",
                                "invalid hugepage size '%s'", h->page_size);
        return 0;
}

static int
parse_net_priority(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("name", F_STRING, struct spec_net_priority, name),
                FIELD_REQ("priority", F_U32, struct spec_net_priority, priority),
        };

        if (want_object(p, v) < 0)
                return -EINVAL;
        return parse_fields(p, v, fields, ELEMENTSOF(fields), elem);
}

static int
parse_network(struct parser *p, const json_t *v, struct spec_resources *res)
{
        static const struct field fields[] = {
                FIELD_HAS("classID", F_U32, struct spec_resources, class_id, has_class_id),
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        res->has_network = true;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), res);
        if (r < 0)
                return r;
        r = parse_array(p, v, "priorities", "objects", sizeof(struct spec_net_priority), parse_net_priority,
                        (void **) &res->net_priorities, &res->n_net_priorities);
        return r < 0 ? r : 0;
}

static int
parse_rdma(struct parser *p, const json_t *v, struct spec_resources *res)
{
        static const struct field fields[] = {
                FIELD_HAS("hcaHandles", F_U32, struct spec_rdma, hca_handles, has_hca_handles),
                FIELD_HAS("hcaObjects", F_U32, struct spec_rdma, hca_objects, has_hca_objects),
        };
        const char *k;
        json_t *d;
        size_t i = 0;

        if (!json_is_object(v))
                return fail(p, NULL, "expected an object mapping device names to limits, got %s", describe(v));
        res->rdma = xcalloc(json_object_size(v), sizeof *res->rdma);
        json_object_foreach((json_t *) v, k, d) {
                struct spec_rdma *rd = &res->rdma[i];
                size_t old = path_key(p, k);
                int r = 0;

                rd->device = xstrdup(k);
                res->n_rdma = ++i;
                if (!*k || strpbrk(k, " \t\n/"))
                        r = fail(p, "use the RDMA device name, e.g. \"mlx5_1\"", "invalid RDMA device name '%s'", k);
                if (r >= 0)
                        r = want_object(p, d);
                if (r >= 0)
                        r = parse_fields(p, d, fields, ELEMENTSOF(fields), rd);
                if (r >= 0 && !rd->has_hca_handles && !rd->has_hca_objects)
                        r = fail(p, "give 'hcaHandles', 'hcaObjects' or both",
                                 "neither 'hcaHandles' nor 'hcaObjects' is set");
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
check_unified_key(struct parser *p, const char *k)
{
        /* The key names a file in the container's cgroup directory: it must stay there. */
        if (strchr(k, '/') || streq(k, "..") || streq(k, "."))
                return fail(p, "use a cgroup v2 file name such as \"memory.high\"", "invalid cgroup file name '%s'",
                            k);
        return 0;
}

static int
parse_resources(struct parser *p, const json_t *v, struct spec_resources *res)
{
        json_t *pids;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_array(p, v, "devices", "device rules", sizeof(struct spec_device_cgroup), parse_device_cgroup,
                        (void **) &res->devices, &res->n_devices);
        if (r < 0)
                return r;
        if (member(v, "memory")) {
                res->memory = xcalloc(1, sizeof *res->memory);
                r = parse_object(p, v, "memory", (obj_fn) parse_memory, res->memory);
                if (r < 0)
                        return r;
        }
        if (member(v, "cpu")) {
                res->cpu = xcalloc(1, sizeof *res->cpu);
                r = parse_object(p, v, "cpu", (obj_fn) parse_cpu, res->cpu);
                if (r < 0)
                        return r;
        }
        pids = member(v, "pids");
        if (pids) {
                static const struct field fields[] = {
                        FIELD_REQ("limit", F_I64, struct spec_resources, pids_limit),
                };
                size_t old = path_key(p, "pids");

                r = want_object(p, pids);
                if (r >= 0)
                        r = parse_fields(p, pids, fields, ELEMENTSOF(fields), res);
                path_pop(p, old);
                if (r < 0)
                        return r;
                res->has_pids = true;
        }
        if (member(v, "blockIO")) {
                res->block_io = xcalloc(1, sizeof *res->block_io);
                r = parse_object(p, v, "blockIO", (obj_fn) parse_block_io, res->block_io);
                if (r < 0)
                        return r;
        }
        r = parse_array(p, v, "hugepageLimits", "objects", sizeof(struct spec_hugepage_limit), parse_hugepage,
                        (void **) &res->hugepage_limits, &res->n_hugepage_limits);
        if (r < 0)
                return r;
        r = parse_object(p, v, "network", (obj_fn) parse_network, res);
        if (r < 0)
                return r;
        r = parse_object(p, v, "rdma", (obj_fn) parse_rdma, res);
        if (r < 0)
                return r;
        return parse_string_map(p, v, "unified", check_unified_key, &res->unified, &res->n_unified);
}

/* -- linux.seccomp -- */

static int
get_action(struct parser *p, const json_t *o, const char *key, char **ret_str, uint32_t *ret)
{
        json_t *a = member(o, key);
        long long val;
        size_t old;
        int r;

        if (!a)
                return missing(p, key, "use e.g. \"SCMP_ACT_ERRNO\" or \"SCMP_ACT_ALLOW\"");
        old = path_key(p, key);
        r = get_enum(p, a, seccomp_actions, ELEMENTSOF(seccomp_actions), "seccomp action", ret_str, &val);
        path_pop(p, old);
        *ret = (uint32_t) val;
        return r;
}

/* errnoRet is the data of SCMP_ACT_ERRNO/SCMP_ACT_TRACE; with any other action it would be
 * silently dropped, which the spec says MUST be an error. */
static int
get_errno_ret(struct parser *p, const json_t *o, const char *key, uint32_t action, const char *action_str,
              bool *ret_has, uint32_t *ret)
{
        json_t *e = member(o, key);
        size_t old;
        int r;

        if (!e)
                return 0;
        old = path_key(p, key);
        r = get_u32(p, e, ret);
        if (r >= 0 && action != SCMP_ACT_ERRNO(0) && action != SCMP_ACT_TRACE(0))
                r = fail(p, "remove it, or use SCMP_ACT_ERRNO or SCMP_ACT_TRACE",
                         "'%s' is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", key, action_str);
        /* libseccomp keeps 16 bits of action data; anything larger would be cut off silently. */
        if (r >= 0 && *ret > 0xffff)
                r = fail(p, "use an errno number such as 1 (EPERM) or 38 (ENOSYS)", "%" PRIu32 " is too large",
                         *ret);
        path_pop(p, old);
        if (r >= 0)
                *ret_has = true;
        return r;
}

static int
parse_syscall_arg(struct parser *p, const json_t *v, void *elem)
{
        static const struct field fields[] = {
                FIELD_REQ("index", F_U32, struct spec_seccomp_arg, index),
                FIELD_REQ("value", F_U64, struct spec_seccomp_arg, value),
                FIELD("valueTwo", F_U64, struct spec_seccomp_arg, value_two),
        };
        struct spec_seccomp_arg *a = elem;
        json_t *op;
        long long val;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), a);
        if (r < 0)
                return r;
        if (a->index > 5)
                return fail_key(p, "index", "use an argument index between 0 and 5",
                                "syscall argument index %" PRIu32 " is out of range", a->index);
        op = member(v, "op");
        if (!op)
                return missing(p, "op", "use e.g. \"SCMP_CMP_EQ\"");
        old = path_key(p, "op");
        r = get_enum(p, op, seccomp_ops, ELEMENTSOF(seccomp_ops), "seccomp operator", NULL, &val);
        path_pop(p, old);
        a->op = (int) val;
        return r;
}

static int
parse_syscall(struct parser *p, const json_t *v, void *elem)
{
        struct spec_seccomp_syscall *sc = elem;
        json_t *names;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        names = member(v, "names");
        if (!names)
                return missing(p, "names", "list the syscall names, e.g. [\"mount\"]");
        old = path_key(p, "names");
        r = get_strv(p, names, &sc->names, &sc->n_names);
        if (r >= 0 && sc->n_names == 0)
                r = fail(p, "list at least one syscall name", "empty array");
        for (size_t i = 0; r >= 0 && i < sc->n_names; i++)
                if (!sc->names[i][0]) {
                        size_t o2 = path_index(p, i);
                        r = fail(p, "use a syscall name such as \"mount\"", "empty syscall name");
                        path_pop(p, o2);
                }
        path_pop(p, old);
        if (r < 0)
                return r;
        r = get_action(p, v, "action", &sc->action_str, &sc->action);
        if (r < 0)
                return r;
        r = get_errno_ret(p, v, "errnoRet", sc->action, sc->action_str, &sc->has_errno_ret, &sc->errno_ret);
        if (r < 0)
                return r;
        r = parse_array(p, v, "args", "syscall arguments", sizeof(struct spec_seccomp_arg), parse_syscall_arg,
                        (void **) &sc->args, &sc->n_args);
        return r < 0 ? r : 0;
}

/* Check each element of the string array o.key against a table. */
static int
check_names(struct parser *p, const json_t *o, const char *key, const struct name_value *t, size_t n,
            const char *what)
{
        json_t *a = member(o, key);
        size_t old;
        int r = 0;

        if (!a)
                return 0;
        old = path_key(p, key);
        for (size_t i = 0; r >= 0 && i < json_array_size(a); i++) {
                size_t o2 = path_index(p, i);
                r = get_enum(p, json_array_get(a, i), t, n, what, NULL, NULL);
                path_pop(p, o2);
        }
        path_pop(p, old);
        return r;
}

static int
parse_seccomp(struct parser *p, const json_t *v, struct spec_seccomp *sc)
{
        static const struct field fields[] = {
                FIELD_STRV("architectures", struct spec_seccomp, architectures, n_architectures),
                FIELD_STRV("flags", struct spec_seccomp, flags, n_flags),
                FIELD("listenerPath", F_STRING, struct spec_seccomp, listener_path),
                FIELD("listenerMetadata", F_STRING, struct spec_seccomp, listener_metadata),
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = get_action(p, v, "defaultAction", &sc->default_action_str, &sc->default_action);
        if (r < 0)
                return r;
        r = get_errno_ret(p, v, "defaultErrnoRet", sc->default_action, sc->default_action_str,
                          &sc->has_default_errno_ret, &sc->default_errno_ret);
        if (r < 0)
                return r;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), sc);
        if (r < 0)
                return r;
        r = check_names(p, v, "architectures", seccomp_archs, ELEMENTSOF(seccomp_archs), "seccomp architecture");
        if (r < 0)
                return r;
        r = check_names(p, v, "flags", seccomp_flags, ELEMENTSOF(seccomp_flags), "seccomp flag");
        if (r < 0)
                return r;
        if (sc->listener_metadata && !sc->listener_path)
                return fail_key(p, "listenerMetadata", "set 'listenerPath' too, or remove 'listenerMetadata'",
                                "'listenerMetadata' requires 'listenerPath'");
        r = parse_array(p, v, "syscalls", "syscall rules", sizeof(struct spec_seccomp_syscall), parse_syscall,
                        (void **) &sc->syscalls, &sc->n_syscalls);
        return r < 0 ? r : 0;
}

/* -- linux: the rest -- */

static int
parse_intel_rdt(struct parser *p, const json_t *v, struct spec_intel_rdt *rdt)
{
        static const struct field fields[] = {
                FIELD("closID", F_STRING, struct spec_intel_rdt, clos_id),
                FIELD("l3CacheSchema", F_STRING, struct spec_intel_rdt, l3_cache_schema),
                FIELD("memBwSchema", F_STRING, struct spec_intel_rdt, mem_bw_schema),
                FIELD_STRV0("schemata", struct spec_intel_rdt, schemata),
                FIELD_HAS("enableMonitoring", F_BOOL, struct spec_intel_rdt, enable_monitoring,
                          has_enable_monitoring),
        };
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), rdt);
        if (r < 0)
                return r;
        /* closID names a directory under /sys/fs/resctrl; "/" is the spec's name for the default. */
        if (rdt->clos_id && !streq(rdt->clos_id, "/") &&
            (!rdt->clos_id[0] || strchr(rdt->clos_id, '/') || streq(rdt->clos_id, ".") || streq(rdt->clos_id, "..")))
                return fail_key(p, "closID", "use a plain directory name, or \"/\" for the default class",
                                "invalid closID '%s'", rdt->clos_id);
        if (rdt->mem_bw_schema && (!startswith(rdt->mem_bw_schema, "MB:") || strchr(rdt->mem_bw_schema, '\n')))
                return fail_key(p, "memBwSchema", "use one line starting with \"MB:\"", "invalid memBwSchema '%s'",
                                rdt->mem_bw_schema);
        if (rdt->l3_cache_schema && strchr(rdt->l3_cache_schema, '\n'))
                return fail_key(p, "l3CacheSchema", "use one line", "l3CacheSchema contains a newline");
        for (size_t i = 0; rdt->schemata && rdt->schemata[i]; i++)
                if (strchr(rdt->schemata[i], '\n')) {
                        size_t o1 = path_key(p, "schemata"), o2 = path_index(p, i);
                        r = fail(p, "give one line per array entry", "schemata entry contains a newline");
                        path_pop(p, o2);
                        path_pop(p, o1);
                        return r;
                }
        return 0;
}

static int
parse_personality(struct parser *p, const json_t *v, struct spec_personality *pers)
{
        json_t *d;
        long long val;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        d = member(v, "domain");
        if (!d)
                return missing(p, "domain", "use \"LINUX\" or \"LINUX32\"");
        old = path_key(p, "domain");
        r = get_enum(p, d, personality_domains, ELEMENTSOF(personality_domains), "personality domain",
                     &pers->domain, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        pers->persona = (unsigned long) val;
        if (member(v, "flags")) {
                old = path_key(p, "flags");
                r = get_strv(p, member(v, "flags"), &pers->flags, NULL);
                /* "Currently no flag values are supported." */
                if (r >= 0 && pers->flags[0]) {
                        size_t o2 = path_index(p, 0);
                        r = fail(p, "remove it: the spec defines no personality flags",
                                 "unsupported personality flag '%s'", pers->flags[0]);
                        path_pop(p, o2);
                }
                path_pop(p, old);
        }
        return r;
}

static int
parse_time_offsets(struct parser *p, const json_t *v, struct spec_linux *l)
{
        static const struct field fields[] = {
                FIELD("secs", F_I64, struct spec_time_offset, secs),
                FIELD("nanosecs", F_U32, struct spec_time_offset, nanosecs),
        };
        const char *k;
        json_t *o;
        size_t i = 0;

        if (!json_is_object(v))
                return fail(p, NULL, "expected an object mapping clock names to offsets, got %s", describe(v));
        l->time_offsets = xcalloc(json_object_size(v), sizeof *l->time_offsets);
        json_object_foreach((json_t *) v, k, o) {
                struct spec_time_offset *t = &l->time_offsets[i];
                size_t old = path_key(p, k);
                int r;

                t->clock = xstrdup(k);
                l->n_time_offsets = ++i;
                r = lookup(time_clocks, ELEMENTSOF(time_clocks), k)
                            ? 0
                            : fail(p, "use \"monotonic\" or \"boottime\"", "unknown clock '%s'", k);
                if (r >= 0)
                        r = want_object(p, o);
                if (r >= 0)
                        r = parse_fields(p, o, fields, ELEMENTSOF(fields), t);
                /* timens_offsets refuses nanoseconds that are not below one second. */
                if (r >= 0 && t->nanosecs >= 1000000000u)
                        r = fail_key(p, "nanosecs", "use 0..999999999 and put whole seconds in 'secs'",
                                     "%" PRIu32 " nanoseconds is one second or more", t->nanosecs);
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int
parse_memory_policy(struct parser *p, const json_t *v, struct spec_memory_policy *mp)
{
        static const struct field fields[] = {
                FIELD("nodes", F_STRING, struct spec_memory_policy, nodes),
        };
        json_t *m, *fl;
        long long val;
        size_t old;
        bool has_nodes;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        m = member(v, "mode");
        if (!m)
                return missing(p, "mode", "use e.g. \"MPOL_INTERLEAVE\"");
        old = path_key(p, "mode");
        r = get_enum(p, m, mpol_modes, ELEMENTSOF(mpol_modes), "memory policy mode", &mp->mode_str, &val);
        path_pop(p, old);
        if (r < 0)
                return r;
        mp->mode = (int) val;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), mp);
        if (r < 0)
                return r;
        fl = member(v, "flags");
        if (fl) {
                old = path_key(p, "flags");
                r = get_strv(p, fl, &mp->flags, NULL);
                for (size_t i = 0; r >= 0 && mp->flags[i]; i++) {
                        size_t o2 = path_index(p, i);
                        r = get_enum(p, json_array_get(fl, i), mpol_flags, ELEMENTSOF(mpol_flags),
                                     "memory policy flag", NULL, &val);
                        path_pop(p, o2);
                        mp->flags_mask |= (unsigned) val;
                }
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        /* set_mempolicy(2) answers these with a bare EINVAL. */
        if ((mp->flags_mask & SPEC_MPOL_F_STATIC_NODES) && (mp->flags_mask & SPEC_MPOL_F_RELATIVE_NODES))
                return fail_key(p, "flags", "use only one of them",
                                "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
        has_nodes = mp->nodes && mp->nodes[strspn(mp->nodes, " ")];
        if (has_nodes && !valid_id_list(mp->nodes))
                return fail_key(p, "nodes", "use a node list such as \"0-3,7\"", "invalid node list '%s'", mp->nodes);
        if (has_nodes && (mp->mode == SPEC_MPOL_DEFAULT || mp->mode == SPEC_MPOL_LOCAL))
                return fail_key(p, "nodes", "remove 'nodes'", "%s takes no nodes", mp->mode_str);
        if (!has_nodes && (mp->mode == SPEC_MPOL_BIND || mp->mode == SPEC_MPOL_INTERLEAVE ||
                           mp->mode == SPEC_MPOL_WEIGHTED_INTERLEAVE || mp->mode == SPEC_MPOL_PREFERRED_MANY))
                return fail_key(p, "nodes", "list the memory nodes, e.g. \"0-1\"", "%s needs at least one node",
                                mp->mode_str);
        return 0;
}

static int
check_absolute_list(struct parser *p, const char *key, char **l)
{
        for (size_t i = 0; l && l[i]; i++)
                if (l[i][0] != '/') {
                        size_t o1 = path_key(p, key), o2 = path_index(p, i);
                        int r = fail(p, "use an absolute path inside the container", "path '%s' is not absolute",
                                     l[i]);
                        path_pop(p, o2);
                        path_pop(p, o1);
                        return r;
                }
        return 0;
}

static int
parse_linux(struct parser *p, const json_t *v, struct spec_linux *l)
{
        static const struct field fields[] = {
                FIELD("cgroupsPath", F_STRING, struct spec_linux, cgroups_path),
                FIELD_STRV_HAS("maskedPaths", struct spec_linux, masked_paths, n_masked_paths, has_masked_paths),
                FIELD_STRV_HAS("readonlyPaths", struct spec_linux, readonly_paths, n_readonly_paths,
                               has_readonly_paths),
                FIELD("mountLabel", F_STRING, struct spec_linux, mount_label),
        };
        json_t *x;
        size_t old;
        int r;

        if (want_object(p, v) < 0)
                return -EINVAL;
        r = parse_fields(p, v, fields, ELEMENTSOF(fields), l);
        if (r < 0)
                return r;
        r = check_absolute_list(p, "maskedPaths", l->masked_paths);
        if (r < 0)
                return r;
        r = check_absolute_list(p, "readonlyPaths", l->readonly_paths);
        if (r < 0)
                return r;

        x = member(v, "uidMappings");
        if (x) {
                old = path_key(p, "uidMappings");
                r = parse_idmaps(p, x, &l->uid_mappings, &l->n_uid_mappings);
                path_pop(p, old);
                if (r < 0)
                        return r;
        }
        x = member(v, "gidMappings");
        if (x) {
                old = path_key(p, "gidMappings");
                r = parse_idmaps(p, x, &l->gid_mappings, &l->n_gid_mappings);
                path_pop(p, old);
                if (r < 0)
                        return r;
        }

        r = parse_array(p, v, "namespaces", "namespaces", sizeof(struct spec_namespace), parse_namespace,
                        (void **) &l->namespaces, &l->n_namespaces);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l->n_namespaces; i++)
                for (size_t j = 0; j < i; j++)
                        if (l->namespaces[i].type == l->namespaces[j].type) {
                                size_t o1 = path_key(p, "namespaces"), o2 = path_index(p, i);
                                r = fail(p, "list each namespace type once", "duplicate namespace type '%s'",
                                         spec_ns_name(l->namespaces[i].type));
                                path_pop(p, o2);
                                path_pop(p, o1);
                                return r;
                        }

        r = parse_array(p, v, "devices", "devices", sizeof(struct spec_device), parse_device, (void **) &l->devices,
                        &l->n_devices);
        if (r < 0)
                return r;
        r = parse_object(p, v, "netDevices", (obj_fn) parse_net_devices, l);
        if (r < 0)
                return r;
        r = parse_string_map(p, v, "sysctl", NULL, &l->sysctl, &l->n_sysctl);
        if (r < 0)
                return r;
        if (member(v, "resources")) {
                l->resources = xcalloc(1, sizeof *l->resources);
                r = parse_object(p, v, "resources", (obj_fn) parse_resources, l->resources);
                if (r < 0)
                        return r;
        }
        if (member(v, "seccomp")) {
                l->seccomp = xcalloc(1, sizeof *l->seccomp);
                r = parse_object(p, v, "seccomp", (obj_fn) parse_seccomp, l->seccomp);
                if (r < 0)
                        return r;
        }
        x = member(v, "rootfsPropagation");
        if (x) {
                long long val;

                old = path_key(p, "rootfsPropagation");
                r = get_enum(p, x, propagations, ELEMENTSOF(propagations), "rootfs propagation",
                             &l->rootfs_propagation, &val);
                path_pop(p, old);
                if (r < 0)
                        return r;
                l->rootfs_propagation_flag = (unsigned long) val;
        }
        if (member(v, "intelRdt")) {
                l->intel_rdt = xcalloc(1, sizeof *l->intel_rdt);
                r = parse_object(p, v, "intelRdt", (obj_fn) parse_intel_rdt, l->intel_rdt);
                if (r < 0)
                        return r;
        }
        if (member(v, "personality")) {
                l->personality = xcalloc(1, sizeof *l->personality);
                r = parse_object(p, v, "personality", (obj_fn) parse_personality, l->personality);
                if (r < 0)
                        return r;
        }
        r = parse_object(p, v, "timeOffsets", (obj_fn) parse_time_offsets, l);
        if (r < 0)
                return r;
        if (member(v, "memoryPolicy")) {
                l->memory_policy = xcalloc(1, sizeof *l->memory_policy);
                r = parse_object(p, v, "memoryPolicy", (obj_fn) parse_memory_policy, l->memory_policy);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- top level ---- */

/* SemVer 2.0.0: MAJOR.MINOR.PATCH[-pre][+build], numbers without leading zeros. */
static bool
parse_semver(const char *s, unsigned long *ret_major)
{
        unsigned long v[3];
        const char *c = s;

        for (int i = 0; i < 3; i++) {
                char *end;

                if (!isdigit((unsigned char) *c) || (c[0] == '0' && isdigit((unsigned char) c[1])))
                        return false;
                v[i] = strtoul(c, &end, 10);
                c = end;
                if (i < 2 && *c++ != '.')
                        return false;
        }
        if (*c == '-' || *c == '+') {
                /* Pre-release and build identifiers: [0-9A-Za-z-] separated by single dots. */
                for (c++;; c++) {
                        size_t n = strspn(c, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");
                        if (n == 0)
                                return false;
                        c += n;
                        if (*c == '+' || *c == '.')
                                continue;
                        break;
                }
        }
        if (*c)
                return false;
        *ret_major = v[0];
        return true;
}

static int
parse_oci_version(struct parser *p, const json_t *top, struct spec *s)
{
        static const char hint[] = "use an ociVersion between 1.0.0 and 1.3.0";
        json_t *v = member(top, "ociVersion");
        unsigned long major;
        size_t old;
        int r;

        if (!v)
                return missing(p, "ociVersion", hint);
        old = path_key(p, "ociVersion");
        r = get_string(p, v, &s->oci_version);
        if (r >= 0 && !parse_semver(s->oci_version, &major))
                r = fail(p, hint, "'%s' is not a valid version (MAJOR.MINOR.PATCH)", s->oci_version);
        /* Major 1 is this format. COMPAT: the spec's own examples (spec-example.json, zos-example.json)
         * still say 0.5.0-dev, so pre-1.0 drafts are read as 1.x; a 2.x may change anything. */
        else if (r >= 0 && major > 1)
                r = fail(p, hint, "unsupported ociVersion '%s'", s->oci_version);
        path_pop(p, old);
        return r;
}

int
spec_parse(const char *json, size_t len, const char *where, struct spec **ret, ocirt_error **err)
{
        _cleanup_free_ char *rewritten = NULL;
        _cleanup_spec_ struct spec *s = NULL;
        struct parser p = { .file = where ? where : "config.json", .err = err };
        json_error_t jerr;
        json_t *top, *x;
        size_t rlen = 0;
        int r;

        assert(json && ret);
        rewritten = rewrite_bignums(json, len, &rlen);
        /* JSON_REJECT_DUPLICATES: two "uid" keys must not let the last one win unseen. */
        top = json_loadb(rewritten ? rewritten : json, rewritten ? rlen : len,
                         JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!top)
                return ocirt_fail_at(err, EINVAL, p.file, "check the JSON syntax, e.g. with 'jq . FILE'",
                                     "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);

        s = xcalloc(1, sizeof *s);
        s->path = xstrdup(p.file);
        if (!json_is_object(top)) {
                r = ocirt_fail_at(err, EINVAL, p.file, NULL, "expected a JSON object at the top level, got %s",
                                  describe(top));
                goto out;
        }

        r = parse_oci_version(&p, top, s);
        if (r < 0)
                goto out;

        x = member(top, "root");
        if (x) {
                s->root = xcalloc(1, sizeof *s->root);
                r = parse_object(&p, top, "root", (obj_fn) parse_root, s->root);
                if (r < 0)
                        goto out;
        } else if (!member(top, "windows") || member(top, "linux")) {
                /* REQUIRED everywhere but Windows (Hyper-V containers have no root). */
                r = missing(&p, "root", "add \"root\": {\"path\": \"rootfs\"}");
                goto out;
        }

        r = parse_array(&p, top, "mounts", "mounts", sizeof(struct spec_mount), parse_mount, (void **) &s->mounts,
                        &s->n_mounts);
        if (r < 0)
                goto out;

        if (member(top, "process")) {
                s->process = xcalloc(1, sizeof *s->process);
                r = parse_object(&p, top, "process", (obj_fn) parse_process, s->process);
                if (r < 0)
                        goto out;
        }

        {
                static const struct field fields[] = {
                        FIELD("hostname", F_STRING, struct spec, hostname),
                        FIELD("domainname", F_STRING, struct spec, domainname),
                };
                r = parse_fields(&p, top, fields, ELEMENTSOF(fields), s);
                if (r < 0)
                        goto out;
        }

        if (member(top, "hooks")) {
                s->hooks = xcalloc(1, sizeof *s->hooks);
                r = parse_object(&p, top, "hooks", (obj_fn) parse_hooks, s->hooks);
                if (r < 0)
                        goto out;
        }

        r = parse_string_map(&p, top, "annotations", NULL, &s->annotations, &s->n_annotations);
        if (r < 0)
                goto out;

        if (member(top, "linux")) {
                s->linux_ = xcalloc(1, sizeof *s->linux_);
                r = parse_object(&p, top, "linux", (obj_fn) parse_linux, s->linux_);
                if (r < 0)
                        goto out;
        }

        if (!member(top, "linux")) {
                static const char *const others[] = { "freebsd", "solaris", "windows", "zos" };

                for (size_t i = 0; i < ELEMENTSOF(others) && !s->other_platform; i++)
                        if (member(top, others[i]))
                                s->other_platform = xstrdup(others[i]);
        }

        r = spec_validate(s, err);
        if (r < 0)
                goto out;
        *ret = TAKE_PTR(s);
        r = 0;
out:
        json_decref(top);
        free(p.path);
        return r;
}

int
spec_load(const char *path, struct spec **ret, ocirt_error **err)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r;

        r = read_file_at(AT_FDCWD, path, &buf, &len);
        /* ocirt_fail_at() appends strerror's wording ("no such file or directory"), which podman
         * and others match on. */
        if (r < 0)
                return ocirt_fail_at(err, -r, path,
                                     r == -ENOENT ? "run 'ocirt spec' in the bundle directory to create one" : NULL,
                                     "cannot read the config");
        return spec_parse(buf, len, path, ret, err);
}

/* ---- freeing ---- */

static void
free_hooks(struct spec_hook *h, size_t n)
{
        for (size_t i = 0; h && i < n; i++) {
                free(h[i].path);
                strv_free(h[i].args);
                strv_free(h[i].env);
        }
        free(h);
}

static void
free_kv(struct spec_kv *kv, size_t n)
{
        for (size_t i = 0; kv && i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

static void
free_process(struct spec_process *p)
{
        if (!p)
                return;
        free(p->user.additional_gids);
        free(p->user.username);
        strv_free(p->args);
        free(p->command_line);
        strv_free(p->env);
        free(p->cwd);
        if (p->capabilities) {
                strv_free(p->capabilities->bounding);
                strv_free(p->capabilities->effective);
                strv_free(p->capabilities->inheritable);
                strv_free(p->capabilities->permitted);
                strv_free(p->capabilities->ambient);
                free(p->capabilities);
        }
        for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        if (p->scheduler) {
                free(p->scheduler->policy_str);
                strv_free(p->scheduler->flags);
                free(p->scheduler);
        }
        free(p->selinux_label);
        free(p->exec_cpu_affinity_initial);
        free(p->exec_cpu_affinity_final);
        free(p);
}

static void
free_resources(struct spec_resources *r)
{
        if (!r)
                return;
        for (size_t i = 0; r->devices && i < r->n_devices; i++)
                free(r->devices[i].access);
        free(r->devices);
        free(r->memory);
        if (r->cpu) {
                free(r->cpu->cpus);
                free(r->cpu->mems);
                free(r->cpu);
        }
        if (r->block_io) {
                free(r->block_io->weight_device);
                free(r->block_io->throttle_read_bps);
                free(r->block_io->throttle_write_bps);
                free(r->block_io->throttle_read_iops);
                free(r->block_io->throttle_write_iops);
                free(r->block_io);
        }
        for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; r->net_priorities && i < r->n_net_priorities; i++)
                free(r->net_priorities[i].name);
        free(r->net_priorities);
        for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        free_kv(r->unified, r->n_unified);
        free(r);
}

static void
free_seccomp(struct spec_seccomp *s)
{
        if (!s)
                return;
        free(s->default_action_str);
        strv_free(s->architectures);
        strv_free(s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
                strv_free(s->syscalls[i].names);
                free(s->syscalls[i].action_str);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
        free(s);
}

static void
free_linux(struct spec_linux *l)
{
        if (!l)
                return;
        free(l->uid_mappings);
        free(l->gid_mappings);
        free_kv(l->sysctl, l->n_sysctl);
        free_resources(l->resources);
        free(l->cgroups_path);
        for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        for (size_t i = 0; l->devices && i < l->n_devices; i++)
                free(l->devices[i].path);
        free(l->devices);
        free_seccomp(l->seccomp);
        free(l->rootfs_propagation);
        strv_free(l->masked_paths);
        strv_free(l->readonly_paths);
        free(l->mount_label);
        if (l->intel_rdt) {
                free(l->intel_rdt->clos_id);
                free(l->intel_rdt->l3_cache_schema);
                free(l->intel_rdt->mem_bw_schema);
                strv_free(l->intel_rdt->schemata);
                free(l->intel_rdt);
        }
        if (l->personality) {
                free(l->personality->domain);
                strv_free(l->personality->flags);
                free(l->personality);
        }
        for (size_t i = 0; l->time_offsets && i < l->n_time_offsets; i++)
                free(l->time_offsets[i].clock);
        free(l->time_offsets);
        for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
                free(l->net_devices[i].host_name);
                free(l->net_devices[i].name);
        }
        free(l->net_devices);
        if (l->memory_policy) {
                free(l->memory_policy->mode_str);
                free(l->memory_policy->nodes);
                strv_free(l->memory_policy->flags);
                free(l->memory_policy);
        }
        free(l);
}

struct spec *
spec_free(struct spec *s)
{
        if (!s)
                return NULL;
        free(s->oci_version);
        if (s->root) {
                free(s->root->path);
                free(s->root);
        }
        for (size_t i = 0; s->mounts && i < s->n_mounts; i++) {
                struct spec_mount *m = &s->mounts[i];
                free(m->destination);
                free(m->type);
                free(m->source);
                strv_free(m->options);
                free(m->uid_mappings);
                free(m->gid_mappings);
        }
        free(s->mounts);
        free_process(s->process);
        free(s->hostname);
        free(s->domainname);
        if (s->hooks) {
                free_hooks(s->hooks->prestart, s->hooks->n_prestart);
                free_hooks(s->hooks->create_runtime, s->hooks->n_create_runtime);
                free_hooks(s->hooks->create_container, s->hooks->n_create_container);
                free_hooks(s->hooks->start_container, s->hooks->n_start_container);
                free_hooks(s->hooks->poststart, s->hooks->n_poststart);
                free_hooks(s->hooks->poststop, s->hooks->n_poststop);
                free(s->hooks);
        }
        free_kv(s->annotations, s->n_annotations);
        free_linux(s->linux_);
        free(s->path);
        free(s->other_platform);
        free(s);
        return NULL;
}

/* ---- helpers for the runtime ---- */

const struct spec_namespace *
spec_find_ns(const struct spec *s, enum spec_ns_type t)
{
        if (!s || !s->linux_)
                return NULL;
        for (size_t i = 0; i < s->linux_->n_namespaces; i++)
                if (s->linux_->namespaces[i].type == t)
                        return &s->linux_->namespaces[i];
        return NULL;
}

const char *
spec_ns_name(enum spec_ns_type t)
{
        for (size_t i = 0; i < ELEMENTSOF(ns_names); i++)
                if (ns_names[i].value == t)
                        return ns_names[i].name;
        return NULL;
}

int
spec_ns_from_name(const char *name)
{
        const struct name_value *e = name ? lookup(ns_names, ELEMENTSOF(ns_names), name) : NULL;

        return e ? (int) e->value : -1;
}

const char *
spec_annotation(const struct spec *s, const char *key)
{
        for (size_t i = 0; s && i < s->n_annotations; i++)
                if (streq(s->annotations[i].key, key))
                        return s->annotations[i].value;
        return NULL;
}

_public_ int
ocirt_spec_check_file(ocirt_ctx *ctx, const char *path, ocirt_error **err)
{
        _cleanup_spec_ struct spec *s = NULL;

        (void) ctx;
        return spec_load(path, &s, err);
}
