/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-linux.c: the "linux" object of config.json read into struct spec_linux, and freed again:
 * id mappings, namespaces, devices, network devices, sysctl, seccomp, rootfs propagation, masked
 * and read-only paths, intelRdt, personality, time offsets and the memory policy (linux.resources
 * is spec-resources.c's). Enum names are mapped here to the kernel's and libseccomp's constants.
 * Also the namespace helpers the runtime uses (spec_find_ns(), spec_ns_name(), ...), which share
 * the namespace name table with the parser. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <net/if.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "config/spec-json.h"

/* ---- name tables ---- */

static const struct spec_name_value ns_names[] = {
        { "pid", SPEC_NS_PID },   { "network", SPEC_NS_NETWORK }, { "mount", SPEC_NS_MOUNT },
        { "ipc", SPEC_NS_IPC },   { "uts", SPEC_NS_UTS },         { "user", SPEC_NS_USER },
        { "cgroup", SPEC_NS_CGROUP }, { "time", SPEC_NS_TIME },
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

static const struct spec_name_value mpol_modes[] = {
        { "MPOL_DEFAULT", SPEC_MPOL_DEFAULT },
        { "MPOL_BIND", SPEC_MPOL_BIND },
        { "MPOL_INTERLEAVE", SPEC_MPOL_INTERLEAVE },
        { "MPOL_WEIGHTED_INTERLEAVE", SPEC_MPOL_WEIGHTED_INTERLEAVE },
        { "MPOL_PREFERRED", SPEC_MPOL_PREFERRED },
        { "MPOL_PREFERRED_MANY", SPEC_MPOL_PREFERRED_MANY },
        { "MPOL_LOCAL", SPEC_MPOL_LOCAL },
};

static const struct spec_name_value mpol_flags[] = {
        { "MPOL_F_NUMA_BALANCING", SPEC_MPOL_F_NUMA_BALANCING },
        { "MPOL_F_RELATIVE_NODES", SPEC_MPOL_F_RELATIVE_NODES },
        { "MPOL_F_STATIC_NODES", SPEC_MPOL_F_STATIC_NODES },
};

/* Every propagation mount(8) knows; the 'r' forms apply to the whole tree (containerd and CRI-O
 * write rslave and rshared, many tools rprivate). */
static const struct spec_name_value propagations[] = {
        { "shared", MS_SHARED },
        { "slave", MS_SLAVE },
        { "private", MS_PRIVATE },
        { "unbindable", MS_UNBINDABLE },
        { "rshared", MS_SHARED | MS_REC },
        { "rslave", MS_SLAVE | MS_REC },
        { "rprivate", MS_PRIVATE | MS_REC },
        { "runbindable", MS_UNBINDABLE | MS_REC },
};

static const struct spec_name_value personality_domains[] = {
        { "LINUX", PER_LINUX },
        { "LINUX32", PER_LINUX32 },
};

/* ERRNO and TRACE carry data in the low 16 bits; the base value is stored, the data separately. */
static const struct spec_name_value seccomp_actions[] = {
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

static const struct spec_name_value seccomp_ops[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
        { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* libseccomp 2.6's architecture names; kept as strings (older libseccomp lacks some tokens, the
 * seccomp module resolves them with seccomp_arch_resolve_name() and reports what it lacks). */
static const struct spec_name_value seccomp_archs[] = {
        { "SCMP_ARCH_X86", 0 },        { "SCMP_ARCH_X86_64", 0 },      { "SCMP_ARCH_X32", 0 },
        { "SCMP_ARCH_ARM", 0 },        { "SCMP_ARCH_AARCH64", 0 },     { "SCMP_ARCH_LOONGARCH64", 0 },
        { "SCMP_ARCH_M68K", 0 },       { "SCMP_ARCH_MIPS", 0 },        { "SCMP_ARCH_MIPS64", 0 },
        { "SCMP_ARCH_MIPS64N32", 0 },  { "SCMP_ARCH_MIPSEL", 0 },      { "SCMP_ARCH_MIPSEL64", 0 },
        { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },        { "SCMP_ARCH_PPC64", 0 },
        { "SCMP_ARCH_PPC64LE", 0 },    { "SCMP_ARCH_S390", 0 },        { "SCMP_ARCH_S390X", 0 },
        { "SCMP_ARCH_PARISC", 0 },     { "SCMP_ARCH_PARISC64", 0 },    { "SCMP_ARCH_RISCV64", 0 },
        { "SCMP_ARCH_SH", 0 },         { "SCMP_ARCH_SHEB", 0 },
};

static const struct spec_name_value seccomp_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
        { "SECCOMP_FILTER_FLAG_LOG", 0 },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0 },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0 },
};

static const struct spec_name_value time_clocks[] = {
        { "monotonic", 0 },
        { "boottime", 0 },
};

/* ---- namespaces, devices, network devices ---- */

static int
parse_namespace(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD("path", F_STRING, struct spec_namespace, path),
        };
        struct spec_namespace *ns = elem;
        long long val;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "type", ns_names, ELEMENTSOF(ns_names), "namespace type", "use e.g. \"pid\"", NULL,
                              &val);
        if (r < 0)
                return r;
        ns->type = (enum spec_ns_type) val;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), ns);
        if (r < 0)
                return r;
        return ns->path ? spec_check_absolute(p, "path", ns->path, "namespace path") : 0;
}

static int
parse_device(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("path", F_STRING, struct spec_device, path),
                FIELD("major", F_I64, struct spec_device, major),
                FIELD("minor", F_I64, struct spec_device, minor),
                FIELD_HAS("fileMode", F_U32, struct spec_device, file_mode, has_file_mode),
                FIELD_HAS("uid", F_U32, struct spec_device, uid, has_uid),
                FIELD_HAS("gid", F_U32, struct spec_device, gid, has_gid),
        };
        static const struct spec_name_value types[] = { { "c", 'c' }, { "b", 'b' }, { "u", 'u' }, { "p", 'p' } };
        struct spec_device *d = elem;
        long long val;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "type", types, ELEMENTSOF(types), "device type", "use \"c\", \"b\", \"u\" or \"p\"",
                              NULL, &val);
        if (r < 0)
                return r;
        d->type = (char) val;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), d);
        if (r < 0)
                return r;
        r = spec_check_absolute(p, "path", d->path, "device path");
        if (r < 0)
                return r;
        if (d->type != 'p' && (!spec_member(v, "major") || !spec_member(v, "minor")))
                return spec_missing(p, spec_member(v, "major") ? "minor" : "major",
                                    "character and block devices need both numbers");
        /* The schema says permission bits only (<= 0777); setuid/setgid/sticky are tolerated
         * because some clients copy them from the host's device node. */
        if (d->has_file_mode && d->file_mode > 07777)
                return spec_fail_key(p, "fileMode", "use permission bits only, e.g. 438 (0666)",
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
parse_net_device(struct spec_parser *p, const char *k, const json_t *d, void *elem, void *arg)
{
        static const struct spec_field fields[] = {
                FIELD("name", F_STRING, struct spec_net_device, name),
        };
        struct spec_net_device *nd = elem;
        int r = 0;

        nd->host_name = xstrdup(k);
        if (!valid_ifname(k))
                r = spec_fail(p, IFNAME_HINT, "invalid network device name '%s'", k);
        if (r >= 0)
                r = spec_parse_struct(p, d, fields, ELEMENTSOF(fields), nd);
        if (r >= 0 && nd->name && !valid_ifname(nd->name))
                r = spec_fail_key(p, "name", IFNAME_HINT, "invalid network device name '%s'", nd->name);
        return r;
}

/* ---- seccomp ---- */

static int
get_action(struct spec_parser *p, const json_t *o, const char *key, char **ret_str, uint32_t *ret)
{
        long long val;
        int r;

        r = spec_get_enum_key(p, o, key, seccomp_actions, ELEMENTSOF(seccomp_actions), "seccomp action",
                              "use e.g. \"SCMP_ACT_ERRNO\" or \"SCMP_ACT_ALLOW\"", ret_str, &val);
        if (r < 0)
                return r;
        *ret = (uint32_t) val;
        return 0;
}

/* errnoRet is the data of SCMP_ACT_ERRNO/SCMP_ACT_TRACE; with any other action it would be
 * silently dropped, which the spec says MUST be an error. */
static int
get_errno_ret(struct spec_parser *p, const json_t *o, const char *key, uint32_t action, const char *action_str,
              bool *ret_has, uint32_t *ret)
{
        json_t *e = spec_member(o, key);
        size_t old;
        int r;

        if (!e)
                return 0;
        old = spec_path_key(p, key);
        r = spec_get_u32(p, e, ret);
        if (r >= 0 && action != SCMP_ACT_ERRNO(0) && action != SCMP_ACT_TRACE(0))
                r = spec_fail(p, "remove it, or use SCMP_ACT_ERRNO or SCMP_ACT_TRACE",
                              "'%s' is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", key, action_str);
        /* libseccomp keeps 16 bits of action data; anything larger would be cut off silently. */
        if (r >= 0 && *ret > 0xffff)
                r = spec_fail(p, "use an errno number such as 1 (EPERM) or 38 (ENOSYS)", "%" PRIu32 " is too large",
                              *ret);
        spec_path_pop(p, old);
        if (r >= 0)
                *ret_has = true;
        return r;
}

static int
parse_syscall_arg(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("index", F_U32, struct spec_seccomp_arg, index),
                FIELD_REQ("value", F_U64, struct spec_seccomp_arg, value),
                FIELD("valueTwo", F_U64, struct spec_seccomp_arg, value_two),
        };
        struct spec_seccomp_arg *a = elem;
        long long val;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), a);
        if (r < 0)
                return r;
        if (a->index > 5)
                return spec_fail_key(p, "index", "use an argument index between 0 and 5",
                                     "syscall argument index %" PRIu32 " is out of range", a->index);
        r = spec_get_enum_key(p, v, "op", seccomp_ops, ELEMENTSOF(seccomp_ops), "seccomp operator",
                              "use e.g. \"SCMP_CMP_EQ\"", NULL, &val);
        if (r < 0)
                return r;
        a->op = (int) val;
        return 0;
}

static int
parse_syscall(struct spec_parser *p, const json_t *v, void *elem)
{
        struct spec_seccomp_syscall *sc = elem;
        json_t *names;
        size_t old;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        names = spec_member(v, "names");
        if (!names)
                return spec_missing(p, "names", "list the syscall names, e.g. [\"mount\"]");
        old = spec_path_key(p, "names");
        r = spec_get_strv(p, names, &sc->names, &sc->n_names);
        if (r >= 0 && sc->n_names == 0)
                r = spec_fail(p, "list at least one syscall name", "empty array");
        spec_path_pop(p, old);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sc->n_names; i++)
                if (!sc->names[i][0])
                        return spec_fail_elem(p, "names", i, "use a syscall name such as \"mount\"",
                                              "empty syscall name");
        r = get_action(p, v, "action", &sc->action_str, &sc->action);
        if (r < 0)
                return r;
        r = get_errno_ret(p, v, "errnoRet", sc->action, sc->action_str, &sc->has_errno_ret, &sc->errno_ret);
        if (r < 0)
                return r;
        r = spec_parse_array(p, v, "args", "syscall arguments", sizeof(struct spec_seccomp_arg), parse_syscall_arg,
                             (void **) &sc->args, &sc->n_args);
        return r < 0 ? r : 0;
}

static int
parse_seccomp(struct spec_parser *p, const json_t *v, struct spec_seccomp *sc)
{
        static const struct spec_field fields[] = {
                FIELD_STRV("architectures", struct spec_seccomp, architectures, n_architectures),
                FIELD_STRV("flags", struct spec_seccomp, flags, n_flags),
                FIELD("listenerPath", F_STRING, struct spec_seccomp, listener_path),
                FIELD("listenerMetadata", F_STRING, struct spec_seccomp, listener_metadata),
        };
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = get_action(p, v, "defaultAction", &sc->default_action_str, &sc->default_action);
        if (r < 0)
                return r;
        r = get_errno_ret(p, v, "defaultErrnoRet", sc->default_action, sc->default_action_str,
                          &sc->has_default_errno_ret, &sc->default_errno_ret);
        if (r < 0)
                return r;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), sc);
        if (r < 0)
                return r;
        r = spec_check_names(p, v, "architectures", seccomp_archs, ELEMENTSOF(seccomp_archs), "seccomp architecture",
                             NULL);
        if (r < 0)
                return r;
        r = spec_check_names(p, v, "flags", seccomp_flags, ELEMENTSOF(seccomp_flags), "seccomp flag", NULL);
        if (r < 0)
                return r;
        if (sc->listener_metadata && !sc->listener_path)
                return spec_fail_key(p, "listenerMetadata", "set 'listenerPath' too, or remove 'listenerMetadata'",
                                     "'listenerMetadata' requires 'listenerPath'");
        r = spec_parse_array(p, v, "syscalls", "syscall rules", sizeof(struct spec_seccomp_syscall), parse_syscall,
                             (void **) &sc->syscalls, &sc->n_syscalls);
        if (r < 0)
                return r;
        sc->canonical = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
        return 0;
}

/* ---- intelRdt, personality, timeOffsets, memoryPolicy ---- */

static int
parse_intel_rdt(struct spec_parser *p, const json_t *v, struct spec_intel_rdt *rdt)
{
        static const struct spec_field fields[] = {
                FIELD("closID", F_STRING, struct spec_intel_rdt, clos_id),
                FIELD("l3CacheSchema", F_STRING, struct spec_intel_rdt, l3_cache_schema),
                FIELD("memBwSchema", F_STRING, struct spec_intel_rdt, mem_bw_schema),
                FIELD_STRV0("schemata", struct spec_intel_rdt, schemata),
                FIELD_HAS("enableMonitoring", F_BOOL, struct spec_intel_rdt, enable_monitoring,
                          has_enable_monitoring),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), rdt);
        if (r < 0)
                return r;
        /* closID names a directory under /sys/fs/resctrl; "/" is the spec's name for the default. */
        if (rdt->clos_id && !streq(rdt->clos_id, "/") &&
            (!rdt->clos_id[0] || strchr(rdt->clos_id, '/') || streq(rdt->clos_id, ".") || streq(rdt->clos_id, "..")))
                return spec_fail_key(p, "closID", "use a plain directory name, or \"/\" for the default class",
                                     "invalid closID '%s'", rdt->clos_id);
        if (rdt->mem_bw_schema && (!startswith(rdt->mem_bw_schema, "MB:") || strchr(rdt->mem_bw_schema, '\n')))
                return spec_fail_key(p, "memBwSchema", "use one line starting with \"MB:\"", "invalid memBwSchema '%s'",
                                     rdt->mem_bw_schema);
        if (rdt->l3_cache_schema && strchr(rdt->l3_cache_schema, '\n'))
                return spec_fail_key(p, "l3CacheSchema", "use one line", "l3CacheSchema contains a newline");
        for (size_t i = 0; rdt->schemata && rdt->schemata[i]; i++)
                if (strchr(rdt->schemata[i], '\n'))
                        return spec_fail_elem(p, "schemata", i, "give one line per array entry",
                                              "schemata entry contains a newline");
        return 0;
}

static int
parse_personality(struct spec_parser *p, const json_t *v, struct spec_personality *pers)
{
        static const struct spec_field fields[] = {
                FIELD_STRV0("flags", struct spec_personality, flags),
        };
        long long val;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "domain", personality_domains, ELEMENTSOF(personality_domains),
                              "personality domain", "use \"LINUX\" or \"LINUX32\"", &pers->domain, &val);
        if (r < 0)
                return r;
        pers->persona = (unsigned long) val;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), pers);
        if (r < 0)
                return r;
        /* "Currently no flag values are supported." */
        if (pers->flags && pers->flags[0])
                return spec_fail_elem(p, "flags", 0, "remove it: the spec defines no personality flags",
                                      "unsupported personality flag '%s'", pers->flags[0]);
        return 0;
}

static int
parse_time_offset(struct spec_parser *p, const char *k, const json_t *o, void *elem, void *arg)
{
        static const struct spec_field fields[] = {
                FIELD("secs", F_I64, struct spec_time_offset, secs),
                FIELD("nanosecs", F_U32, struct spec_time_offset, nanosecs),
        };
        struct spec_time_offset *t = elem;
        int r;

        t->clock = xstrdup(k);
        r = spec_lookup(time_clocks, ELEMENTSOF(time_clocks), k)
                    ? 0
                    : spec_fail(p, "use \"monotonic\" or \"boottime\"", "unknown clock '%s'", k);
        if (r >= 0)
                r = spec_parse_struct(p, o, fields, ELEMENTSOF(fields), t);
        /* timens_offsets refuses nanoseconds that are not below one second. */
        if (r >= 0 && t->nanosecs >= 1000000000u)
                r = spec_fail_key(p, "nanosecs", "use 0..999999999 and put whole seconds in 'secs'",
                                  "%" PRIu32 " nanoseconds is one second or more", t->nanosecs);
        return r;
}

static int
parse_memory_policy(struct spec_parser *p, const json_t *v, struct spec_memory_policy *mp)
{
        static const struct spec_field fields[] = {
                FIELD("nodes", F_STRING, struct spec_memory_policy, nodes),
                FIELD_STRV0("flags", struct spec_memory_policy, flags),
        };
        uint64_t flags = 0;
        long long val;
        bool has_nodes;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "mode", mpol_modes, ELEMENTSOF(mpol_modes), "memory policy mode",
                              "use e.g. \"MPOL_INTERLEAVE\"", &mp->mode_str, &val);
        if (r < 0)
                return r;
        mp->mode = (int) val;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), mp);
        if (r < 0)
                return r;
        r = spec_check_names(p, v, "flags", mpol_flags, ELEMENTSOF(mpol_flags), "memory policy flag", &flags);
        if (r < 0)
                return r;
        mp->flags_mask = (unsigned) flags;
        /* set_mempolicy(2) answers these with a bare EINVAL. */
        if ((mp->flags_mask & SPEC_MPOL_F_STATIC_NODES) && (mp->flags_mask & SPEC_MPOL_F_RELATIVE_NODES))
                return spec_fail_key(p, "flags", "use only one of them",
                                     "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
        has_nodes = mp->nodes && mp->nodes[strspn(mp->nodes, " ")];
        if (has_nodes && !spec_valid_id_list(mp->nodes))
                return spec_fail_key(p, "nodes", "use a node list such as \"0-3,7\"", "invalid node list '%s'",
                                     mp->nodes);
        if (has_nodes && (mp->mode == SPEC_MPOL_DEFAULT || mp->mode == SPEC_MPOL_LOCAL))
                return spec_fail_key(p, "nodes", "remove 'nodes'", "%s takes no nodes", mp->mode_str);
        if (!has_nodes && (mp->mode == SPEC_MPOL_BIND || mp->mode == SPEC_MPOL_INTERLEAVE ||
                           mp->mode == SPEC_MPOL_WEIGHTED_INTERLEAVE || mp->mode == SPEC_MPOL_PREFERRED_MANY))
                return spec_fail_key(p, "nodes", "list the memory nodes, e.g. \"0-1\"", "%s needs at least one node",
                                     mp->mode_str);
        return 0;
}

static int
check_absolute_list(struct spec_parser *p, const char *key, char **l)
{
        for (size_t i = 0; l && l[i]; i++)
                if (l[i][0] != '/')
                        return spec_fail_elem(p, key, i, "use an absolute path inside the container",
                                              "path '%s' is not absolute", l[i]);
        return 0;
}

int
spec_parse_linux(struct spec_parser *p, const json_t *v, struct spec_linux *l)
{
        static const struct spec_field fields[] = {
                FIELD("cgroupsPath", F_STRING, struct spec_linux, cgroups_path),
                FIELD_STRV_HAS("maskedPaths", struct spec_linux, masked_paths, n_masked_paths, has_masked_paths),
                FIELD_STRV_HAS("readonlyPaths", struct spec_linux, readonly_paths, n_readonly_paths,
                               has_readonly_paths),
                FIELD("mountLabel", F_STRING, struct spec_linux, mount_label),
        };
        long long val;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), l);
        if (r < 0)
                return r;
        r = check_absolute_list(p, "maskedPaths", l->masked_paths);
        if (r < 0)
                return r;
        r = check_absolute_list(p, "readonlyPaths", l->readonly_paths);
        if (r < 0)
                return r;
        r = spec_parse_idmaps(p, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings);
        if (r < 0)
                return r;
        r = spec_parse_idmaps(p, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings);
        if (r < 0)
                return r;

        r = spec_parse_array(p, v, "namespaces", "namespaces", sizeof(struct spec_namespace), parse_namespace,
                             (void **) &l->namespaces, &l->n_namespaces);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l->n_namespaces; i++)
                for (size_t j = 0; j < i; j++)
                        if (l->namespaces[i].type == l->namespaces[j].type)
                                return spec_fail_elem(p, "namespaces", i, "list each namespace type once",
                                                      "duplicate namespace type '%s'",
                                                      spec_ns_name(l->namespaces[i].type));

        r = spec_parse_array(p, v, "devices", "devices", sizeof(struct spec_device), parse_device,
                             (void **) &l->devices, &l->n_devices);
        if (r < 0)
                return r;
        r = spec_parse_map(p, v, "netDevices", "an object mapping host device names to objects", sizeof *l->net_devices,
                           parse_net_device, NULL, (void **) &l->net_devices, &l->n_net_devices);
        if (r < 0)
                return r;
        r = spec_parse_string_map(p, v, "sysctl", NULL, &l->sysctl, &l->n_sysctl);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "resources", sizeof *l->resources, (spec_obj_fn) spec_parse_resources,
                                  (void **) &l->resources);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "seccomp", sizeof *l->seccomp, (spec_obj_fn) parse_seccomp,
                                  (void **) &l->seccomp);
        if (r < 0)
                return r;
        r = spec_get_enum_key(p, v, "rootfsPropagation", propagations, ELEMENTSOF(propagations), "rootfs propagation",
                              NULL, &l->rootfs_propagation, &val);
        if (r < 0)
                return r;
        if (r > 0)
                l->rootfs_propagation_flag = (unsigned long) val;
        r = spec_parse_object_new(p, v, "intelRdt", sizeof *l->intel_rdt, (spec_obj_fn) parse_intel_rdt,
                                  (void **) &l->intel_rdt);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "personality", sizeof *l->personality, (spec_obj_fn) parse_personality,
                                  (void **) &l->personality);
        if (r < 0)
                return r;
        r = spec_parse_map(p, v, "timeOffsets", "an object mapping clock names to offsets", sizeof *l->time_offsets,
                           parse_time_offset, NULL, (void **) &l->time_offsets, &l->n_time_offsets);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "memoryPolicy", sizeof *l->memory_policy, (spec_obj_fn) parse_memory_policy,
                                  (void **) &l->memory_policy);
        return r < 0 ? r : 0;
}

/* ---- freeing ---- */

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
        free(s->canonical);
        for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
                strv_free(s->syscalls[i].names);
                free(s->syscalls[i].action_str);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
        free(s);
}

void
spec_linux_free(struct spec_linux *l)
{
        if (!l)
                return;
        free(l->uid_mappings);
        free(l->gid_mappings);
        spec_kv_free(l->sysctl, l->n_sysctl);
        spec_resources_free(l->resources);
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
        const struct spec_name_value *e = name ? spec_lookup(ns_names, ELEMENTSOF(ns_names), name) : NULL;

        return e ? (int) e->value : -1;
}
