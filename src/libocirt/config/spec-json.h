/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-json.h: the parser machinery shared by spec.c (top level, process, root, mounts, hooks),
 * spec-linux.c (the "linux" object) and spec-resources.c (linux.resources). A struct spec_parser
 * walks the jansson tree keeping the JSON path of where it is (".linux.namespaces[3]"), so every
 * reader below reports "config.json: PATH: message" at the right place. Internal to those files:
 * nothing here is part of the runtime's view of struct spec (spec.h) or of libocirt's API. */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "config/spec.h"
#include "base/base.h"

struct spec_parser {
        const char *file; /* "config.json" */
        char *path;       /* ".linux.namespaces[3]"; "" at the top */
        size_t len, cap;
        ocirt_error **err;
};

/* ---- the JSON path: each push returns the old length, for spec_path_pop() ---- */

/* ".key", or jq's ["key"] form when key is not a plain identifier (sysctl names, map keys). */
size_t spec_path_key(struct spec_parser *p, const char *key);
void spec_path_pop(struct spec_parser *p, size_t old);

/* ---- errors: each returns -EINVAL ---- */

#define SPEC_NO_INDEX SIZE_MAX
/* Fail at "FILE: PATH.key[i]"; key NULL: no key, i SPEC_NO_INDEX: no index. Nothing stays pushed. */
_printf_(5, 6) int spec_fail_at(struct spec_parser *p, const char *key, size_t i, const char *hint, const char *fmt,
                                ...);
/* At the current path, at PATH.key, at PATH.key[i]. */
#define spec_fail(p, hint, ...) spec_fail_at(p, NULL, SPEC_NO_INDEX, hint, __VA_ARGS__)
#define spec_fail_key(p, key, hint, ...) spec_fail_at(p, key, SPEC_NO_INDEX, hint, __VA_ARGS__)
#define spec_fail_elem(p, key, i, hint, ...) spec_fail_at(p, key, i, hint, __VA_ARGS__)
/* "required field is missing" at PATH.key. */
int spec_missing(struct spec_parser *p, const char *key, const char *hint);

/* ---- reading JSON ---- */

/* json_loadb() that also takes integers beyond int64 (see spec-json.c) and rejects duplicate keys. */
json_t *spec_json_load(const char *json, size_t len, json_error_t *jerr);
/* "an object", "a string", ... for "expected X, got Y". */
const char *spec_describe(const json_t *v);
/* A member; JSON null counts as absent (Go clients write null for nil slices and pointers). */
json_t *spec_member(const json_t *o, const char *key);

/* Typed readers of v, reporting at the current path (the scalars are read with spec_parse_fields()). */
int spec_want_object(struct spec_parser *p, const json_t *v);
int spec_get_string(struct spec_parser *p, const json_t *v, char **ret);
int spec_get_u32(struct spec_parser *p, const json_t *v, uint32_t *ret);
int spec_get_strv(struct spec_parser *p, const json_t *v, char ***ret, size_t *ret_n);
/* The optional integer o.key, which must lie within min..max: outside it fails as "WHAT N PROBLEM"
 * ("oomScoreAdj 1001 is out of range") with the hint. 0 when absent, 1 when read into *ret. */
int spec_get_int_key(struct spec_parser *p, const json_t *o, const char *key, int min, int max, const char *hint,
                     const char *what, const char *problem, int *ret);

/* ---- table-driven scalar fields ---- */

enum spec_field_kind { F_STRING, F_BOOL, F_U16, F_U32, F_I32, F_I64, F_U64, F_STRV };

struct spec_field {
        const char *key;
        enum spec_field_kind kind;
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

/* Read the members of object o named in fields[] into the struct at base, in table order. */
int spec_parse_fields(struct spec_parser *p, const json_t *o, const struct spec_field *fields, size_t n, void *base);
/* The same after checking that v is an object at all. */
int spec_parse_struct(struct spec_parser *p, const json_t *v, const struct spec_field *fields, size_t n, void *base);

/* ---- name tables (enums of the spec mapped to kernel or libseccomp values) ---- */

struct spec_name_value {
        const char *name;
        long long value;
};

const struct spec_name_value *spec_lookup(const struct spec_name_value *t, size_t n, const char *name);
/* Map the string o.key through a table; an unknown name fails with the list of known ones (`what`
 * names the kind: "namespace type"). ret_str (the name as written) and ret_value may be NULL.
 * Absent: "required field is missing" with missing_hint, or 0 when missing_hint is NULL (an
 * optional member). 1 when present and valid. */
int spec_get_enum_key(struct spec_parser *p, const json_t *o, const char *key, const struct spec_name_value *t,
                      size_t n, const char *what, const char *missing_hint, char **ret_str, long long *ret_value);
/* Check each string of the array o.key (already read as strings) against a table; ret_mask, when
 * not NULL, gets their values ORed together. 0 when o.key is absent. */
int spec_check_names(struct spec_parser *p, const json_t *o, const char *key, const struct spec_name_value *t, size_t n,
                     const char *what, uint64_t *ret_mask);

/* ---- containers: arrays, objects, maps; each pushes the path of what it hands on ---- */

/* fn on each element of the optional array o.key, into a new array of elem_size elements.
 * 0 when absent, 1 when read. */
typedef int (*spec_elem_fn)(struct spec_parser *p, const json_t *v, void *elem);
int spec_parse_array(struct spec_parser *p, const json_t *o, const char *key, const char *of, size_t elem_size,
                     spec_elem_fn fn, void **ret, size_t *ret_n);

/* fn(p, o.key, arg) on the optional object o.key. 0 when absent, 1 when read. */
typedef int (*spec_obj_fn)(struct spec_parser *p, const json_t *v, void *arg);
int spec_parse_object(struct spec_parser *p, const json_t *o, const char *key, spec_obj_fn fn, void *arg);
/* The same into a new zeroed object of `size` bytes at *ret (left NULL when absent). */
int spec_parse_object_new(struct spec_parser *p, const json_t *o, const char *key, size_t size, spec_obj_fn fn,
                          void **ret);

/* The optional object o.key used as a map (netDevices, rdma, timeOffsets): fn(p, key, value, elem,
 * arg) for each member, with PATH.o[key] pushed, into a new array of elem_size elements; `what`
 * completes "expected WHAT, got ...". *ret_n counts the elements handed to fn, error or not.
 * 0 when absent, 1 when read. */
typedef int (*spec_map_fn)(struct spec_parser *p, const char *key, const json_t *v, void *elem, void *arg);
int spec_parse_map(struct spec_parser *p, const json_t *o, const char *key, const char *what, size_t elem_size,
                   spec_map_fn fn, void *arg, void **ret, size_t *ret_n);

/* The optional map of strings o.key (annotations, sysctl, unified): keys must be non-empty and
 * pass check (when not NULL). 0 when absent, 1 when read. */
typedef int (*spec_kv_check_fn)(struct spec_parser *p, const char *key);
int spec_parse_string_map(struct spec_parser *p, const json_t *o, const char *key, spec_kv_check_fn check,
                          struct spec_kv **ret, size_t *ret_n);
void spec_kv_free(struct spec_kv *kv, size_t n);

/* The optional id mapping array o.key (linux.uidMappings, mounts[].gidMappings, ...); 1 when read. */
int spec_parse_idmaps(struct spec_parser *p, const json_t *o, const char *key, struct spec_idmap **ret, size_t *ret_n);

/* ---- small value checks ---- */

/* s, the value of PATH.key, must be absolute; `what` names it ("hook path"). */
int spec_check_absolute(struct spec_parser *p, const char *key, const char *s, const char *what);
/* Each entry of the environment list PATH.key must be NAME=VALUE. */
int spec_check_env(struct spec_parser *p, const char *key, char **env);
/* A cpu or node list as in "0-3,7" (the schema allows spaces, too). */
bool spec_valid_id_list(const char *s);

/* ---- the sections in their own files ---- */

/* spec-linux.c: the "linux" object. */
int spec_parse_linux(struct spec_parser *p, const json_t *v, struct spec_linux *l);
void spec_linux_free(struct spec_linux *l);
/* spec-resources.c: linux.resources. */
int spec_parse_resources(struct spec_parser *p, const json_t *v, struct spec_resources *res);
void spec_resources_free(struct spec_resources *r);
