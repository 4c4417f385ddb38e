/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-json.c: the machinery the config.json parser is built on, shared by spec.c, spec-linux.c
 * and spec-resources.c: loading the text (integers beyond int64 included), the JSON path kept
 * while walking the tree and the "FILE: PATH: message" errors made from it, typed readers of
 * scalars and string arrays, the table-driven field reader, enum name tables, and the generic
 * walkers of arrays, objects and maps of the spec's sections. Nothing here knows a field of the
 * OCI config except the id mapping, which .linux and .mounts[] share. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>

#include "config/spec-json.h"

/* ---- the JSON path ---- */

static size_t
path_append(struct spec_parser *p, const char *s, size_t n)
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

size_t
spec_path_key(struct spec_parser *p, const char *key)
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
path_index(struct spec_parser *p, size_t i)
{
        char buf[32];
        int n = snprintf(buf, sizeof buf, "[%zu]", i);

        return path_append(p, buf, (size_t) n);
}

void
spec_path_pop(struct spec_parser *p, size_t old)
{
        p->len = old;
        if (p->path)
                p->path[old] = '\0';
}

/* ---- errors ---- */

int
spec_fail_at(struct spec_parser *p, const char *key, size_t i, const char *hint, const char *fmt, ...)
{
        _cleanup_free_ char *where = NULL, *msg = NULL;
        size_t old = p->len;
        va_list ap;
        int r;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        if (key)
                spec_path_key(p, key);
        if (i != SPEC_NO_INDEX)
                path_index(p, i);
        where = p->len > 0 ? xasprintf("%s: %s", p->file, p->path) : xstrdup(p->file);
        r = ocirt_fail_at(p->err, EINVAL, where, hint, "%s", msg);
        spec_path_pop(p, old);
        return r;
}

int
spec_missing(struct spec_parser *p, const char *key, const char *hint)
{
        return spec_fail_key(p, key, hint, "required field is missing");
}

/* ---- integers beyond int64 ----
 * jansson stores integers as long long and refuses larger ones, but the spec has uint64 fields
 * where clients really write 18446744073709551615 (RLIM_INFINITY in rlimits, for instance).
 * Before parsing, such numbers are rewritten into strings that start with a NUL byte, which no
 * valid config string contains (spec_get_string() refuses NULs), and the uint64 reader accepts them. */

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

/* Append n bytes at from to out, growing it (by at least hint) when full. */
static void
append(char **out, size_t *o, size_t *cap, const char *from, size_t n, size_t hint)
{
        if (*o + n + 1 > *cap) {
                *cap = (*o + n + 1) * 2 + hint;
                *out = xrealloc(*out, *cap);
        }
        memcpy(*out + *o, from, n);
        *o += n;
}

/* Returns NULL when nothing needs rewriting (the common case: no copy, one pass over the text). */
static char *
rewrite_bignums(const char *json, size_t len, size_t *ret_len)
{
        char *out = NULL;
        size_t o = 0, cap = 0, done = 0; /* json[0, done) is in out already */
        bool in_string = false;

        for (size_t i = 0; i < len;) {
                size_t start = i, n, d;

                if (in_string || (json[i] != '-' && !isdigit((unsigned char) json[i]))) {
                        if (in_string && json[i] == '\\' && i + 1 < len)
                                i++;
                        else if (json[i] == '"')
                                in_string = !in_string;
                        i++;
                        continue;
                }
                /* A number token (outside strings only numbers contain digits or '-'). The text is
                 * (json, len), not a C string: nothing here may look past len, or take a NUL byte
                 * (JSON_ALLOW_NUL) for part of the number, as strchr() would. */
                while (i < len && (isdigit((unsigned char) json[i]) || (json[i] && strchr("-+.eE", json[i]))))
                        i++;
                n = i - start;
                for (d = 0; d < n && isdigit((unsigned char) json[start + d]);)
                        d++;
                if (json[start] == '0' || json[start] == '-' || d != n || !digits_exceed_int64(json + start, n))
                        continue;
                append(&out, &o, &cap, json + done, start - done, len);
                append(&out, &o, &cap, "\"\\u0000", 7, len);
                append(&out, &o, &cap, json + start, n, len);
                append(&out, &o, &cap, "\"", 1, len);
                done = i;
        }
        if (!out)
                return NULL;
        append(&out, &o, &cap, json + done, len - done, 0);
        *ret_len = o;
        return out;
}

json_t *
spec_json_load(const char *json, size_t len, json_error_t *jerr)
{
        _cleanup_free_ char *rewritten = NULL;
        size_t rlen = 0;

        rewritten = rewrite_bignums(json, len, &rlen);
        /* JSON_REJECT_DUPLICATES: two "uid" keys must not let the last one win unseen. */
        return json_loadb(rewritten ? rewritten : json, rewritten ? rlen : len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                          jerr);
}

/* ---- typed readers; each reports at the current path ---- */

const char *
spec_describe(const json_t *v)
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

json_t *
spec_member(const json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);

        return json_is_null(v) ? NULL : v;
}

int
spec_want_object(struct spec_parser *p, const json_t *v)
{
        if (!json_is_object(v))
                return spec_fail(p, NULL, "expected an object, got %s", spec_describe(v));
        return 0;
}

static int
want_array(struct spec_parser *p, const json_t *v, const char *of)
{
        if (!json_is_array(v))
                return spec_fail(p, NULL, "expected an array of %s, got %s", of, spec_describe(v));
        return 0;
}

int
spec_get_string(struct spec_parser *p, const json_t *v, char **ret)
{
        if (!json_is_string(v) || is_bignum(v))
                return spec_fail(p, NULL, "expected a string, got %s", spec_describe(v));
        /* A NUL would silently cut a path short when it reaches the kernel. */
        if (strlen(json_string_value(v)) != json_string_length(v))
                return spec_fail(p, "remove the \\u0000 escape", "string contains a NUL byte");
        free(*ret);
        *ret = xstrdup(json_string_value(v));
        return 0;
}

static int
get_bool(struct spec_parser *p, const json_t *v, bool *ret)
{
        if (!json_is_boolean(v))
                return spec_fail(p, "use true or false", "expected a boolean, got %s", spec_describe(v));
        *ret = json_is_true(v);
        return 0;
}

static int
get_i64(struct spec_parser *p, const json_t *v, int64_t min, int64_t max, int64_t *ret)
{
        json_int_t i;

        if (is_bignum(v))
                return spec_fail(p, NULL, "%s is out of range (%" PRId64 "..%" PRId64 ")", json_string_value(v) + 1,
                                 min, max);
        if (json_is_real(v))
                return spec_fail(p, "use a whole number", "expected an integer, got %g", json_real_value(v));
        if (!json_is_integer(v))
                return spec_fail(p, NULL, "expected an integer, got %s", spec_describe(v));
        i = json_integer_value(v);
        if (i < min || i > max)
                return spec_fail(p, NULL, "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", (int64_t) i, min,
                                 max);
        *ret = i;
        return 0;
}

static int
get_u64(struct spec_parser *p, const json_t *v, uint64_t max, uint64_t *ret)
{
        uint64_t u;

        if (is_bignum(v)) {
                if (parse_uint64(json_string_value(v) + 1, max, &u) < 0)
                        return spec_fail(p, NULL, "%s is out of range (0..%" PRIu64 ")", json_string_value(v) + 1, max);
                *ret = u;
                return 0;
        }
        if (json_is_real(v))
                return spec_fail(p, "use a whole number", "expected an integer, got %g", json_real_value(v));
        if (!json_is_integer(v))
                return spec_fail(p, NULL, "expected an integer, got %s", spec_describe(v));
        if (json_integer_value(v) < 0 || (uint64_t) json_integer_value(v) > max)
                return spec_fail(p, NULL, "%" PRId64 " is out of range (0..%" PRIu64 ")",
                                 (int64_t) json_integer_value(v), max);
        *ret = (uint64_t) json_integer_value(v);
        return 0;
}

int
spec_get_u32(struct spec_parser *p, const json_t *v, uint32_t *ret)
{
        uint64_t u;
        int r = get_u64(p, v, UINT32_MAX, &u);

        if (r >= 0)
                *ret = (uint32_t) u;
        return r;
}

int
spec_get_strv(struct spec_parser *p, const json_t *v, char ***ret, size_t *ret_n)
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
                int r = spec_get_string(p, json_array_get(v, i), &l[i]);

                spec_path_pop(p, old);
                if (r < 0)
                        return r;
        }
        if (ret_n)
                *ret_n = n;
        return 0;
}

int
spec_get_int_key(struct spec_parser *p, const json_t *o, const char *key, int min, int max, const char *hint,
                 const char *what, const char *problem, int *ret)
{
        json_t *v = spec_member(o, key);
        int64_t i;
        size_t old;
        int r;

        if (!v)
                return 0;
        old = spec_path_key(p, key);
        r = get_i64(p, v, INT32_MIN, INT32_MAX, &i);
        if (r >= 0 && (i < min || i > max))
                r = spec_fail(p, hint, "%s %" PRId64 " %s", what, i, problem);
        spec_path_pop(p, old);
        if (r < 0)
                return r;
        *ret = (int) i;
        return 1;
}

/* ---- table-driven scalar fields ---- */

static int
parse_field(struct spec_parser *p, const json_t *v, const struct spec_field *f, void *base)
{
        char *b = base;
        uint64_t u;
        int64_t i;
        int r;

        switch (f->kind) {
        case F_STRING:
                return spec_get_string(p, v, (char **) (b + f->off));
        case F_BOOL:
                return get_bool(p, v, (bool *) (b + f->off));
        case F_U16:
                r = get_u64(p, v, UINT16_MAX, &u);
                if (r >= 0)
                        *(uint16_t *) (b + f->off) = (uint16_t) u;
                return r;
        case F_U32:
                return spec_get_u32(p, v, (uint32_t *) (b + f->off));
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
                return spec_get_strv(p, v, (char ***) (b + f->off),
                                     f->n_off == NO_OFF ? NULL : (size_t *) (b + f->n_off));
        }
        return 0;
}

int
spec_parse_struct(struct spec_parser *p, const json_t *v, const struct spec_field *fields, size_t n, void *base)
{
        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        return spec_parse_fields(p, v, fields, n, base);
}

int
spec_parse_fields(struct spec_parser *p, const json_t *o, const struct spec_field *fields, size_t n, void *base)
{
        for (size_t k = 0; k < n; k++) {
                const struct spec_field *f = &fields[k];
                json_t *v = spec_member(o, f->key);
                size_t old;
                int r;

                if (!v) {
                        if (f->required)
                                return spec_missing(p, f->key, NULL);
                        continue;
                }
                old = spec_path_key(p, f->key);
                r = parse_field(p, v, f, base);
                spec_path_pop(p, old);
                if (r < 0)
                        return r;
                if (f->has_off != NO_OFF)
                        *(bool *) ((char *) base + f->has_off) = true;
        }
        return 0;
}

/* ---- name tables ---- */

const struct spec_name_value *
spec_lookup(const struct spec_name_value *t, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (streq(t[i].name, name))
                        return &t[i];
        return NULL;
}

/* "A, B or C" for hints, from a table. */
static char *
list_names(const struct spec_name_value *t, size_t n)
{
        char *s = xstrdup("");

        for (size_t i = 0; i < n; i++) {
                char *x = xasprintf("%s%s'%s'", s, i == 0 ? "" : i + 1 == n ? " or " : ", ", t[i].name);
                free(s);
                s = x;
        }
        return s;
}

/* Map the string v through a table; unknown names fail with the list of known ones. */
static int
get_enum(struct spec_parser *p, const json_t *v, const struct spec_name_value *t, size_t n, const char *what,
         char **ret_str, long long *ret_value)
{
        _cleanup_free_ char *s = NULL, *names = NULL, *hint = NULL;
        const struct spec_name_value *e;
        int r;

        r = spec_get_string(p, v, &s);
        if (r < 0)
                return r;
        e = spec_lookup(t, n, s);
        if (!e) {
                names = list_names(t, n);
                hint = xasprintf("use one of %s", names);
                return spec_fail(p, hint, "unknown %s '%s'", what, s);
        }
        if (ret_value)
                *ret_value = e->value;
        if (ret_str) {
                free(*ret_str);
                *ret_str = TAKE_PTR(s);
        }
        return 0;
}

int
spec_get_enum_key(struct spec_parser *p, const json_t *o, const char *key, const struct spec_name_value *t, size_t n,
                  const char *what, const char *missing_hint, char **ret_str, long long *ret_value)
{
        json_t *v = spec_member(o, key);
        size_t old;
        int r;

        if (!v)
                return missing_hint ? spec_missing(p, key, missing_hint) : 0;
        old = spec_path_key(p, key);
        r = get_enum(p, v, t, n, what, ret_str, ret_value);
        spec_path_pop(p, old);
        return r < 0 ? r : 1;
}

int
spec_check_names(struct spec_parser *p, const json_t *o, const char *key, const struct spec_name_value *t, size_t n,
                 const char *what, uint64_t *ret_mask)
{
        json_t *a = spec_member(o, key);
        size_t old;
        int r = 0;

        if (!a)
                return 0;
        old = spec_path_key(p, key);
        for (size_t i = 0; r >= 0 && i < json_array_size(a); i++) {
                size_t o2 = path_index(p, i);
                long long val = 0;

                r = get_enum(p, json_array_get(a, i), t, n, what, NULL, &val);
                spec_path_pop(p, o2);
                if (r >= 0 && ret_mask)
                        *ret_mask |= (uint64_t) val;
        }
        spec_path_pop(p, old);
        return r;
}

/* ---- containers ---- */

int
spec_parse_array(struct spec_parser *p, const json_t *o, const char *key, const char *of, size_t elem_size,
                 spec_elem_fn fn, void **ret, size_t *ret_n)
{
        json_t *v = spec_member(o, key);
        size_t old, n;
        int r = 0;

        if (!v)
                return 0;
        old = spec_path_key(p, key);
        if (want_array(p, v, of) < 0) {
                spec_path_pop(p, old);
                return -EINVAL;
        }
        n = json_array_size(v);
        *ret = xcalloc(n, elem_size);
        *ret_n = n;
        for (size_t i = 0; i < n && r >= 0; i++) {
                size_t o2 = path_index(p, i);
                r = fn(p, json_array_get(v, i), (char *) *ret + i * elem_size);
                spec_path_pop(p, o2);
        }
        spec_path_pop(p, old);
        return r < 0 ? r : 1;
}

int
spec_parse_object(struct spec_parser *p, const json_t *o, const char *key, spec_obj_fn fn, void *arg)
{
        json_t *v = spec_member(o, key);
        size_t old;
        int r;

        if (!v)
                return 0;
        old = spec_path_key(p, key);
        r = fn(p, v, arg);
        spec_path_pop(p, old);
        return r < 0 ? r : 1;
}

int
spec_parse_object_new(struct spec_parser *p, const json_t *o, const char *key, size_t size, spec_obj_fn fn, void **ret)
{
        if (!spec_member(o, key))
                return 0;
        *ret = xcalloc(1, size);
        return spec_parse_object(p, o, key, fn, *ret);
}

int
spec_parse_map(struct spec_parser *p, const json_t *o, const char *key, const char *what, size_t elem_size,
               spec_map_fn fn, void *arg, void **ret, size_t *ret_n)
{
        json_t *m = spec_member(o, key), *v;
        size_t old, i = 0;
        const char *k;
        int r = 0;

        if (!m)
                return 0;
        old = spec_path_key(p, key);
        if (!json_is_object(m)) {
                r = spec_fail(p, NULL, "expected %s, got %s", what, spec_describe(m));
                spec_path_pop(p, old);
                return r;
        }
        *ret = xcalloc(json_object_size(m), elem_size);
        json_object_foreach(m, k, v) {
                size_t o2 = spec_path_key(p, k);

                *ret_n = ++i;
                r = fn(p, k, v, (char *) *ret + (i - 1) * elem_size, arg);
                spec_path_pop(p, o2);
                if (r < 0)
                        break;
        }
        spec_path_pop(p, old);
        return r < 0 ? r : 1;
}

static int
parse_kv(struct spec_parser *p, const char *key, const json_t *v, void *elem, void *arg)
{
        spec_kv_check_fn *check = arg;
        struct spec_kv *kv = elem;
        int r = 0;

        kv->key = xstrdup(key);
        if (!*key)
                r = spec_fail(p, NULL, "empty key");
        if (r >= 0 && *check)
                r = (*check)(p, key);
        if (r >= 0)
                r = spec_get_string(p, v, &kv->value);
        return r;
}

int
spec_parse_string_map(struct spec_parser *p, const json_t *o, const char *key, spec_kv_check_fn check,
                      struct spec_kv **ret, size_t *ret_n)
{
        return spec_parse_map(p, o, key, "an object of strings", sizeof **ret, parse_kv, &check, (void **) ret, ret_n);
}

void
spec_kv_free(struct spec_kv *kv, size_t n)
{
        for (size_t i = 0; kv && i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

static int
parse_idmap(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("containerID", F_U32, struct spec_idmap, container_id),
                FIELD_REQ("hostID", F_U32, struct spec_idmap, host_id),
                FIELD_REQ("size", F_U32, struct spec_idmap, size),
        };

        return spec_parse_struct(p, v, fields, ELEMENTSOF(fields), elem);
}

int
spec_parse_idmaps(struct spec_parser *p, const json_t *o, const char *key, struct spec_idmap **ret, size_t *ret_n)
{
        return spec_parse_array(p, o, key, "id mappings", sizeof **ret, parse_idmap, (void **) ret, ret_n);
}

/* ---- small value checks ---- */

int
spec_check_absolute(struct spec_parser *p, const char *key, const char *s, const char *what)
{
        if (s[0] != '/')
                return spec_fail_key(p, key, "use an absolute path (starting with '/')", "%s '%s' is not absolute",
                                     what, s);
        return 0;
}

/* KEY=VALUE with a non-empty KEY: execve() would pass anything, but a shell or libc getenv()
 * cannot see an entry without '=' and it is nearly always a quoting mistake. */
int
spec_check_env(struct spec_parser *p, const char *key, char **env)
{
        for (size_t i = 0; env && env[i]; i++) {
                const char *eq = strchr(env[i], '=');

                if (!eq || eq == env[i])
                        return spec_fail_elem(p, key, i, "use the form NAME=VALUE", "invalid environment entry '%s'",
                                              env[i]);
        }
        return 0;
}

bool
spec_valid_id_list(const char *s)
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
