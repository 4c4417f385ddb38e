/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec.h: config.json (OCI runtime spec v1.3, Linux part) as ocirt's own typed structs.
 * spec.c fills them from jansson (with spec-linux.c and spec-resources.c, on the machinery of
 * spec-json.c/spec-json.h); spec-validate.c checks the MUST rules. Nothing here touches the
 * system. Optional scalars carry a has_* flag so "unset" and "zero" stay distinct (the spec treats
 * them differently, e.g. oomScoreAdj unset MUST NOT be written). Strings are NULL when absent;
 * arrays are (pointer, count) pairs. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/base.h"

struct spec_kv {
        char *key;
        char *value;
};

struct spec_idmap {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

struct spec_mount {
        char *destination; /* REQUIRED; absolute (a relative one is taken relative to "/") */
        char *type;        /* NULL: none given (bind mounts) */
        char *source;      /* NULL or as given; bind sources relative to the bundle are resolved later */
        char **options;    /* NULL-terminated, may be NULL */
        size_t n_options;
        struct spec_idmap *uid_mappings;
        size_t n_uid_mappings;
        bool has_uid_mappings; /* present, even if empty (runtime-spec#1224) */
        struct spec_idmap *gid_mappings;
        size_t n_gid_mappings;
        bool has_gid_mappings;
};

struct spec_rlimit {
        int resource; /* RLIMIT_* value */
        char *type;   /* as written, e.g. "RLIMIT_NOFILE" */
        uint64_t soft;
        uint64_t hard;
};

struct spec_capabilities {
        /* Each set: NULL-terminated names as written ("CAP_KILL"); has_* tells whether the set was given. */
        char **bounding, **effective, **inheritable, **permitted, **ambient;
        bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
};

struct spec_user {
        uint32_t uid;
        uint32_t gid;
        bool has_umask;
        uint32_t umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username; /* Windows only; kept for completeness */
};

enum spec_io_class { SPEC_IOPRIO_CLASS_RT = 1, SPEC_IOPRIO_CLASS_BE = 2, SPEC_IOPRIO_CLASS_IDLE = 3 };

struct spec_scheduler {
        int policy;       /* SCHED_* value */
        char *policy_str; /* as written */
        bool has_nice;
        int32_t nice;
        bool has_priority;
        int32_t priority;
        char **flags; /* SCHED_FLAG_* names, NULL-terminated */
        uint64_t flags_mask;
        uint64_t runtime, deadline, period;
};

struct spec_process {
        bool terminal;
        bool has_console_size;
        uint32_t console_height, console_width;
        struct spec_user user;
        char **args; /* NULL-terminated; >= 1 entry required at start */
        size_t n_args;
        char *command_line; /* Windows only */
        char **env;         /* NULL-terminated, may be NULL */
        size_t n_env;
        char *cwd; /* REQUIRED, absolute */
        struct spec_capabilities *capabilities; /* NULL: not given */
        struct spec_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        char *apparmor_profile;
        bool has_oom_score_adj;
        int oom_score_adj;
        struct spec_scheduler *scheduler; /* NULL: not given */
        char *selinux_label;
        bool has_io_priority;
        int io_priority_class; /* enum spec_io_class */
        int io_priority;
        bool has_exec_cpu_affinity;
        char *exec_cpu_affinity_initial; /* cpu list string "0-3,7" */
        char *exec_cpu_affinity_final;
};

struct spec_root {
        char *path; /* REQUIRED on Linux */
        bool readonly;
};

struct spec_hook {
        char *path; /* absolute */
        char **args;
        char **env;
        bool has_timeout;
        int timeout; /* seconds, > 0 */
};

struct spec_hooks {
        struct spec_hook *prestart, *create_runtime, *create_container, *start_container, *poststart, *poststop;
        size_t n_prestart, n_create_runtime, n_create_container, n_start_container, n_poststart, n_poststop;
};

enum spec_ns_type {
        SPEC_NS_PID = 0,
        SPEC_NS_NETWORK,
        SPEC_NS_MOUNT,
        SPEC_NS_IPC,
        SPEC_NS_UTS,
        SPEC_NS_USER,
        SPEC_NS_CGROUP,
        SPEC_NS_TIME,
        SPEC_NS__MAX,
};

struct spec_namespace {
        enum spec_ns_type type;
        char *path; /* NULL: create a new one */
};

struct spec_device {
        char type; /* 'c', 'b', 'u', 'p' */
        char *path;
        int64_t major, minor; /* required for c/b/u */
        bool has_file_mode;
        uint32_t file_mode;
        bool has_uid, has_gid;
        uint32_t uid, gid;
};

struct spec_device_cgroup {
        bool allow;
        char type; /* 'a', 'c', 'b'; 0 when absent (= all) */
        bool has_major, has_minor;
        int64_t major, minor; /* -1 or absent = wildcard */
        char *access;         /* "rwm" subset, NULL = all */
};

struct spec_weight_device {
        int64_t major, minor;
        bool has_weight, has_leaf_weight;
        uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
        int64_t major, minor;
        uint64_t rate;
};

struct spec_memory {
        bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
        int64_t limit, reservation, swap, kernel, kernel_tcp;
        uint64_t swappiness;
        bool has_disable_oom_killer, disable_oom_killer;
        bool has_use_hierarchy, use_hierarchy;
        bool has_check_before_update, check_before_update;
};

struct spec_cpu {
        bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period, has_idle;
        uint64_t shares;
        int64_t quota;
        uint64_t burst;
        uint64_t period;
        int64_t realtime_runtime;
        uint64_t realtime_period;
        int64_t idle;
        char *cpus, *mems;
};

struct spec_blockio {
        bool has_weight, has_leaf_weight;
        uint16_t weight, leaf_weight;
        struct spec_weight_device *weight_device;
        size_t n_weight_device;
        struct spec_throttle_device *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
                *throttle_write_iops;
        size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops, n_throttle_write_iops;
};

struct spec_hugepage_limit {
        char *page_size; /* "2MB" */
        uint64_t limit;
};

struct spec_net_priority {
        char *name;
        uint32_t priority;
};

struct spec_rdma {
        char *device;
        bool has_hca_handles, has_hca_objects;
        uint32_t hca_handles, hca_objects;
};

struct spec_resources {
        struct spec_device_cgroup *devices;
        size_t n_devices;
        struct spec_memory *memory; /* NULL: not given; likewise below */
        struct spec_cpu *cpu;
        bool has_pids;
        int64_t pids_limit; /* -1 or 0 = unlimited per the spec's conventions */
        struct spec_blockio *block_io;
        struct spec_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        bool has_network;
        bool has_class_id;
        uint32_t class_id;
        struct spec_net_priority *net_priorities;
        size_t n_net_priorities;
        struct spec_rdma *rdma;
        size_t n_rdma;
        struct spec_kv *unified;
        size_t n_unified;
};

struct spec_seccomp_arg {
        uint32_t index;
        uint64_t value;
        uint64_t value_two;
        int op; /* enum scmp_compare value (SCMP_CMP_*) */
};

struct spec_seccomp_syscall {
        char **names; /* NULL-terminated, >= 1 */
        size_t n_names;
        uint32_t action; /* SCMP_ACT_* base value (without errno/trace data) */
        char *action_str;
        bool has_errno_ret;
        uint32_t errno_ret;
        struct spec_seccomp_arg *args;
        size_t n_args;
};

struct spec_seccomp {
        uint32_t default_action;
        char *default_action_str;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        char **architectures; /* SCMP_ARCH_* names, NULL-terminated */
        size_t n_architectures;
        char **flags; /* SECCOMP_FILTER_FLAG_* names */
        size_t n_flags;
        char *listener_path;
        char *listener_metadata;
        struct spec_seccomp_syscall *syscalls;
        size_t n_syscalls;
        /* The whole object as compact JSON with sorted keys: what the compiled program is a function
         * of, so the key of process/seccomp-cache.c (compared in full, not by a hash). */
        char *canonical;
};

struct spec_intel_rdt {
        char *clos_id;
        char *l3_cache_schema;
        char *mem_bw_schema;
        char **schemata;
        bool has_enable_monitoring, enable_monitoring;
};

struct spec_time_offset {
        char *clock; /* "monotonic", "boottime" */
        int64_t secs;
        uint32_t nanosecs;
};

struct spec_net_device {
        char *host_name; /* the map key */
        char *name;      /* NULL: keep the host name */
};

struct spec_memory_policy {
        int mode;       /* MPOL_* value */
        char *mode_str; /* as written */
        char *nodes;    /* node list string */
        char **flags;   /* MPOL_F_* names */
        unsigned flags_mask;
};

struct spec_personality {
        char *domain; /* "LINUX", "LINUX32" */
        unsigned long persona;
        char **flags;
};

struct spec_linux {
        struct spec_idmap *uid_mappings;
        size_t n_uid_mappings;
        struct spec_idmap *gid_mappings;
        size_t n_gid_mappings;
        struct spec_kv *sysctl;
        size_t n_sysctl;
        struct spec_resources *resources; /* NULL: not given */
        char *cgroups_path;
        struct spec_namespace *namespaces;
        size_t n_namespaces;
        struct spec_device *devices;
        size_t n_devices;
        struct spec_seccomp *seccomp; /* NULL: not given */
        char *rootfs_propagation;     /* [r]shared, [r]slave, [r]private, [r]unbindable, or NULL */
        unsigned long rootfs_propagation_flag; /* MS_SHARED..., with MS_REC for the r forms */
        char **masked_paths;
        size_t n_masked_paths;
        bool has_masked_paths;
        char **readonly_paths;
        size_t n_readonly_paths;
        bool has_readonly_paths;
        char *mount_label;
        struct spec_intel_rdt *intel_rdt;
        struct spec_personality *personality;
        struct spec_time_offset *time_offsets;
        size_t n_time_offsets;
        struct spec_net_device *net_devices;
        size_t n_net_devices;
        struct spec_memory_policy *memory_policy;
};

struct spec {
        char *oci_version;
        struct spec_root *root;       /* NULL: not given (an error on Linux, checked by validation) */
        struct spec_mount *mounts;
        size_t n_mounts;
        struct spec_process *process; /* NULL: not given (allowed in the schema, required by start) */
        char *hostname;
        char *domainname;
        struct spec_hooks *hooks;
        struct spec_kv *annotations;
        size_t n_annotations;
        struct spec_linux *linux_; /* NULL: not given */
        char *path;                /* the file it was read from, for error messages ("config.json") */
        /* "freebsd", "solaris", "windows" or "zos" when the config has that platform's section and no
         * "linux" one: it parses (the spec's own examples must), but it is not for this runtime and the
         * Linux cross-field rules are not applied. NULL for a Linux config. */
        char *other_platform;
};

/* Parse JSON text. `where` is the file name used in errors (e.g. "config.json").
 * All MUST rules that spec_validate() checks are applied too. */
int spec_parse(const char *json, size_t len, const char *where, struct spec **ret, ocirt_error **err);
/* The same from a JSON object (not consumed) that spec_json_text() read, edited or not (exec). */
struct json_t;
int spec_parse_json(struct json_t *top, const char *where, struct spec **ret, ocirt_error **err);
/* JSON text read as spec_parse() reads it: integers beyond int64 kept, duplicate keys refused. NULL on
 * a syntax error, with its line and jansson's words in *ret_line and msg. */
struct json_t *spec_json_text(const char *text, size_t len, int *ret_line, char *msg, size_t msgsize);
int spec_load(const char *path, struct spec **ret, ocirt_error **err);
struct spec *spec_free(struct spec *s);
static inline void
spec_freep(struct spec **s)
{
        spec_free(*s);
}
#define _cleanup_spec_ _cleanup_(spec_freep)

/* Semantic checks (spec-validate.c); run by spec_parse(). Errors name "FILE: .json.path". */
int spec_validate(const struct spec *s, ocirt_error **err);
/* "CAP_KILL" (any case) -> 5; -1 when the name is no Linux capability at all. */
int spec_cap_from_name(const char *name);
/* At create, for a config without a mount namespace: refuse what would need a mount. */
int spec_validate_no_mount_ns(const struct spec *s, ocirt_error **err);

/* Helpers for the runtime (spec-linux.c: namespaces; spec.c: annotations). */
const struct spec_namespace *spec_find_ns(const struct spec *s, enum spec_ns_type t);
const char *spec_ns_name(enum spec_ns_type t); /* "pid", "network", ... */
int spec_ns_from_name(const char *name);       /* -1 when unknown */
const char *spec_annotation(const struct spec *s, const char *key);

/* Default configs (spec-default.c): JSON text. rootless_uid/gid are the caller's ids. */
char *spec_default_json(bool rootless, uid_t uid, gid_t gid);
/* The same from OCIRT_SPEC_* flags (OCIRT_SPEC_USERNS_SINGLE: map only the caller). */
char *spec_default_json_flags(unsigned flags, uid_t uid, gid_t gid);

/* subid.c: the caller's subordinate id ranges (/etc/subuid, /etc/subgid). */
struct subid_range {
        uint64_t start, count;
};

/* Parse /etc/subuid-format text for the user `name` (or uid `uid` written as a number). */
int subid_parse(const char *text, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n);
/* The caller's ranges: libsubid when it can be loaded (NSS-served ranges count), else the file.
 * gid: /etc/subgid. ret_source says where they came from ("/etc/subuid", "libsubid"). */
int subid_lookup(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n,
                 const char **ret_source);
/* Is [start, start+count) inside the union of the ranges? *ret_first_bad is the first id outside. */
bool subid_covers(const struct subid_range *r, size_t n, uint64_t start, uint64_t count, uint64_t *ret_first_bad);
/* Only the file (/etc/subuid or /etc/subgid), never libsubid: cheap, asked first (ns/idmap.c). */
int subid_from_file(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n);
/* A start for a new 65536-id range above every range in the file text (for a fix command). */
uint64_t subid_free_start(const char *text);

