/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec.c: config.json (jansson) -> struct spec, the entry points (spec_parse(), spec_load(),
 * spec_free()) and the top-level sections: ociVersion, process, root, mounts, hostname, hooks and
 * annotations. Every field is type-checked, enum names are mapped to kernel constants, and every
 * error names the JSON path of the offending field ("config.json: .process.rlimits[1]"); the
 * machinery for that is spec-json.c, the "linux" object is spec-linux.c and spec-resources.c.
 * Rules that tie several fields together live in spec-validate.c, which spec_parse() runs last.
 * Unknown properties are ignored, as the spec asks; so are the other platforms' sections
 * (windows, solaris, freebsd, zos, vm). */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <sys/resource.h>

#include "config/spec-json.h"

/* ---- name tables ---- */

static const struct spec_name_value rlimit_names[] = {
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
static const struct spec_name_value sched_policies[] = {
        { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },     { "SCHED_BATCH", 3 },
        { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

/* The kernel's SCHED_FLAG_* (include/uapi/linux/sched.h); spelled out so old headers do not matter. */
static const struct spec_name_value sched_flags[] = {
        { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
        { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
        { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
        { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static const struct spec_name_value io_classes[] = {
        { "IOPRIO_CLASS_RT", SPEC_IOPRIO_CLASS_RT },
        { "IOPRIO_CLASS_BE", SPEC_IOPRIO_CLASS_BE },
        { "IOPRIO_CLASS_IDLE", SPEC_IOPRIO_CLASS_IDLE },
};

/* ---- process ---- */

static int
parse_gid(struct spec_parser *p, const json_t *v, void *elem)
{
        return spec_get_u32(p, v, elem);
}

static int
parse_user(struct spec_parser *p, const json_t *v, struct spec_user *u)
{
        /* uid and gid are REQUIRED by the spec; a misspelt key must not quietly mean root. */
        static const struct spec_field fields[] = {
                FIELD_REQ("uid", F_U32, struct spec_user, uid),
                FIELD_REQ("gid", F_U32, struct spec_user, gid),
                FIELD_HAS("umask", F_U32, struct spec_user, umask, has_umask),
                FIELD("username", F_STRING, struct spec_user, username),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), u);
        if (r < 0)
                return r;
        if (u->has_umask && u->umask > 07777)
                return spec_fail_key(p, "umask", "use a mode between 0 and 4095 (07777)",
                                     "umask %" PRIu32 " is too large", u->umask);
        r = spec_parse_array(p, v, "additionalGids", "gids", sizeof *u->additional_gids, parse_gid,
                             (void **) &u->additional_gids, &u->n_additional_gids);
        return r < 0 ? r : 0;
}

static int
parse_rlimit(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("soft", F_U64, struct spec_rlimit, soft),
                FIELD_REQ("hard", F_U64, struct spec_rlimit, hard),
        };
        struct spec_rlimit *rl = elem;
        long long val;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "type", rlimit_names, ELEMENTSOF(rlimit_names), "rlimit type",
                              "name the limit, e.g. \"RLIMIT_NOFILE\"", &rl->type, &val);
        if (r < 0)
                return r;
        rl->resource = (int) val;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), rl);
        if (r < 0)
                return r;
        /* The schema allows it, but setrlimit() refuses soft > hard with EINVAL inside the container. */
        if (rl->soft > rl->hard)
                return spec_fail(p, "make 'soft' less than or equal to 'hard'",
                                 "soft limit %" PRIu64 " is greater than hard limit %" PRIu64 " for %s", rl->soft,
                                 rl->hard, rl->type);
        return 0;
}

static int
parse_capabilities(struct spec_parser *p, const json_t *v, struct spec_capabilities *c)
{
        /* Names are kept as written: unknown ones are warned about when applied (the spec says so). */
        static const struct spec_field fields[] = {
                FIELD_STRV0_HAS("bounding", struct spec_capabilities, bounding, has_bounding),
                FIELD_STRV0_HAS("effective", struct spec_capabilities, effective, has_effective),
                FIELD_STRV0_HAS("inheritable", struct spec_capabilities, inheritable, has_inheritable),
                FIELD_STRV0_HAS("permitted", struct spec_capabilities, permitted, has_permitted),
                FIELD_STRV0_HAS("ambient", struct spec_capabilities, ambient, has_ambient),
        };

        return spec_parse_struct(p, v, fields, ELEMENTSOF(fields), c);
}

static int
parse_scheduler(struct spec_parser *p, const json_t *v, struct spec_scheduler *s)
{
        static const struct spec_field fields[] = {
                FIELD_HAS("nice", F_I32, struct spec_scheduler, nice, has_nice),
                FIELD_HAS("priority", F_I32, struct spec_scheduler, priority, has_priority),
                FIELD("runtime", F_U64, struct spec_scheduler, runtime),
                FIELD("deadline", F_U64, struct spec_scheduler, deadline),
                FIELD("period", F_U64, struct spec_scheduler, period),
                FIELD_STRV0("flags", struct spec_scheduler, flags),
        };
        long long val;
        int r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "policy", sched_policies, ELEMENTSOF(sched_policies), "scheduler policy",
                              "use e.g. \"SCHED_OTHER\"", &s->policy_str, &val);
        if (r < 0)
                return r;
        s->policy = (int) val;
        r = spec_parse_fields(p, v, fields, ELEMENTSOF(fields), s);
        if (r < 0)
                return r;
        r = spec_check_names(p, v, "flags", sched_flags, ELEMENTSOF(sched_flags), "scheduler flag", &s->flags_mask);
        if (r < 0)
                return r;
        /* sched_setattr() refuses these with a bare EINVAL; say which field is wrong instead. */
        if (s->has_priority) {
                bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;

                if (rt && (s->priority < 1 || s->priority > 99))
                        return spec_fail_key(p, "priority",
                                             "use a priority between 1 and 99 for SCHED_FIFO and SCHED_RR",
                                             "priority %" PRId32 " is out of range for %s", s->priority, s->policy_str);
                if (!rt && s->priority != 0)
                        return spec_fail_key(p, "priority", "leave it out, or use SCHED_FIFO or SCHED_RR",
                                             "priority %" PRId32 " is only valid for real-time policies, not %s",
                                             s->priority, s->policy_str);
        }
        if (s->policy == 6 /* SCHED_DEADLINE */) {
                if (s->runtime > s->deadline)
                        return spec_fail(p, "use runtime <= deadline <= period",
                                         "runtime %" PRIu64 " is greater than deadline %" PRIu64, s->runtime,
                                         s->deadline);
                if (s->period != 0 && s->deadline > s->period)
                        return spec_fail(p, "use runtime <= deadline <= period",
                                         "deadline %" PRIu64 " is greater than period %" PRIu64, s->deadline,
                                         s->period);
        }
        return 0;
}

static int
parse_io_priority(struct spec_parser *p, const json_t *v, struct spec_process *proc)
{
        long long val;
        int prio = 0, r;

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        r = spec_get_enum_key(p, v, "class", io_classes, ELEMENTSOF(io_classes), "I/O priority class",
                              "use \"IOPRIO_CLASS_RT\", \"IOPRIO_CLASS_BE\" or \"IOPRIO_CLASS_IDLE\"", NULL, &val);
        if (r < 0)
                return r;
        r = spec_get_int_key(p, v, "priority", 0, 7, "use a priority between 0 (highest) and 7 (lowest)",
                             "I/O priority", "is out of range", &prio);
        if (r < 0)
                return r;
        proc->has_io_priority = true;
        proc->io_priority_class = (int) val;
        proc->io_priority = prio;
        return 0;
}

static int
parse_cpu_affinity(struct spec_parser *p, const json_t *v, struct spec_process *proc)
{
        static const struct spec_field fields[] = {
                FIELD("initial", F_STRING, struct spec_process, exec_cpu_affinity_initial),
                FIELD("final", F_STRING, struct spec_process, exec_cpu_affinity_final),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), proc);
        if (r < 0)
                return r;
        proc->has_exec_cpu_affinity = true;
        if (proc->exec_cpu_affinity_initial && !spec_valid_id_list(proc->exec_cpu_affinity_initial))
                return spec_fail_key(p, "initial", "use a CPU list such as \"0-3,7\"", "invalid CPU list '%s'",
                                     proc->exec_cpu_affinity_initial);
        if (proc->exec_cpu_affinity_final && !spec_valid_id_list(proc->exec_cpu_affinity_final))
                return spec_fail_key(p, "final", "use a CPU list such as \"0-3,7\"", "invalid CPU list '%s'",
                                     proc->exec_cpu_affinity_final);
        return 0;
}

static int
parse_console_size(struct spec_parser *p, const json_t *v, struct spec_process *proc)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("height", F_U32, struct spec_process, console_height),
                FIELD_REQ("width", F_U32, struct spec_process, console_width),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), proc);
        if (r < 0)
                return r;
        proc->has_console_size = true;
        return 0;
}

static int
parse_process(struct spec_parser *p, const json_t *v, struct spec_process *proc)
{
        static const struct spec_field fields[] = {
                FIELD("terminal", F_BOOL, struct spec_process, terminal),
                FIELD_STRV("args", struct spec_process, args, n_args),
                FIELD("commandLine", F_STRING, struct spec_process, command_line),
                FIELD_STRV("env", struct spec_process, env, n_env),
                FIELD("cwd", F_STRING, struct spec_process, cwd),
                FIELD("noNewPrivileges", F_BOOL, struct spec_process, no_new_privileges),
                FIELD("apparmorProfile", F_STRING, struct spec_process, apparmor_profile),
                FIELD("selinuxLabel", F_STRING, struct spec_process, selinux_label),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), proc);
        if (r < 0)
                return r;

        if (!proc->cwd)
                return spec_missing(p, "cwd", "set it to an absolute path such as \"/\"");
        if (proc->cwd[0] != '/')
                return spec_fail_key(p, "cwd", "use an absolute path such as \"/\"", "cwd '%s' is not absolute",
                                     proc->cwd);
        /* At least one entry is REQUIRED outside Windows (where commandLine may replace it). */
        if (proc->n_args == 0 && !proc->command_line)
                return proc->args ? spec_fail_key(p, "args", "give at least the program, e.g. [\"sh\"]", "empty array")
                                  : spec_missing(p, "args", "give at least the program, e.g. [\"sh\"]");
        if (proc->n_args > 0 && !proc->args[0][0])
                return spec_fail_key(p, "args", "name the program to run", "args[0] is an empty string");
        r = spec_check_env(p, "env", proc->env);
        if (r < 0)
                return r;
        r = spec_parse_object(p, v, "consoleSize", (spec_obj_fn) parse_console_size, proc);
        if (r < 0)
                return r;
        r = spec_parse_object(p, v, "user", (spec_obj_fn) parse_user, &proc->user);
        if (r < 0)
                return r;
        r = spec_parse_object_new(p, v, "capabilities", sizeof *proc->capabilities, (spec_obj_fn) parse_capabilities,
                                  (void **) &proc->capabilities);
        if (r < 0)
                return r;

        r = spec_parse_array(p, v, "rlimits", "rlimits", sizeof(struct spec_rlimit), parse_rlimit,
                             (void **) &proc->rlimits, &proc->n_rlimits);
        if (r < 0)
                return r;
        for (size_t i = 0; i < proc->n_rlimits; i++)
                for (size_t j = 0; j < i; j++)
                        if (proc->rlimits[i].resource == proc->rlimits[j].resource)
                                return spec_fail_elem(p, "rlimits", i, "give each rlimit type once",
                                                      "duplicate rlimit type '%s'", proc->rlimits[i].type);

        /* The kernel refuses anything outside OOM_SCORE_ADJ_MIN..MAX. */
        r = spec_get_int_key(p, v, "oomScoreAdj", -1000, 1000, "use a value between -1000 and 1000", "oomScoreAdj",
                             "is out of range", &proc->oom_score_adj);
        if (r < 0)
                return r;
        proc->has_oom_score_adj = r > 0;

        r = spec_parse_object_new(p, v, "scheduler", sizeof *proc->scheduler, (spec_obj_fn) parse_scheduler,
                                  (void **) &proc->scheduler);
        if (r < 0)
                return r;
        r = spec_parse_object(p, v, "ioPriority", (spec_obj_fn) parse_io_priority, proc);
        if (r < 0)
                return r;
        r = spec_parse_object(p, v, "execCPUAffinity", (spec_obj_fn) parse_cpu_affinity, proc);
        return r < 0 ? r : 0;
}

/* ---- root, mounts, hooks ---- */

static int
parse_root(struct spec_parser *p, const json_t *v, struct spec_root *root)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("path", F_STRING, struct spec_root, path),
                FIELD("readonly", F_BOOL, struct spec_root, readonly),
        };
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), root);
        if (r < 0)
                return r;
        if (!root->path[0])
                return spec_fail_key(p, "path", "use the path of the root filesystem, e.g. \"rootfs\"", "empty path");
        return 0;
}

static int
parse_mount(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("destination", F_STRING, struct spec_mount, destination),
                FIELD("type", F_STRING, struct spec_mount, type),
                FIELD("source", F_STRING, struct spec_mount, source),
                FIELD_STRV("options", struct spec_mount, options, n_options),
        };
        struct spec_mount *m = elem;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), m);
        if (r < 0)
                return r;
        if (!m->destination[0])
                return spec_fail_key(p, "destination", "use an absolute path inside the container",
                                     "empty destination");
        /* COMPAT: the spec allows a relative destination for old configs, meaning relative to "/". */
        if (m->destination[0] != '/') {
                char *d = xasprintf("/%s", m->destination);
                free(m->destination);
                m->destination = d;
        }
        r = spec_parse_idmaps(p, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings);
        if (r < 0)
                return r;
        m->has_uid_mappings = r > 0;
        r = spec_parse_idmaps(p, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings);
        if (r < 0)
                return r;
        m->has_gid_mappings = r > 0;
        if (m->has_uid_mappings != m->has_gid_mappings)
                return spec_fail(p, "give both 'uidMappings' and 'gidMappings', or neither", "'%s' given without '%s'",
                                 m->has_uid_mappings ? "uidMappings" : "gidMappings",
                                 m->has_uid_mappings ? "gidMappings" : "uidMappings");
        return 0;
}

static int
parse_hook(struct spec_parser *p, const json_t *v, void *elem)
{
        static const struct spec_field fields[] = {
                FIELD_REQ("path", F_STRING, struct spec_hook, path),
                FIELD_STRV0("args", struct spec_hook, args),
                FIELD_STRV0("env", struct spec_hook, env),
        };
        struct spec_hook *h = elem;
        int r;

        r = spec_parse_struct(p, v, fields, ELEMENTSOF(fields), h);
        if (r < 0)
                return r;
        r = spec_check_absolute(p, "path", h->path, "hook path");
        if (r < 0)
                return r;
        r = spec_check_env(p, "env", h->env);
        if (r < 0)
                return r;
        r = spec_get_int_key(p, v, "timeout", 1, INT32_MAX, "use a number of seconds greater than 0, or leave it out",
                             "timeout", "is not positive", &h->timeout);
        if (r < 0)
                return r;
        h->has_timeout = r > 0;
        return 0;
}

static int
parse_hooks(struct spec_parser *p, const json_t *v, struct spec_hooks *h)
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

        if (spec_want_object(p, v) < 0)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                int r = spec_parse_array(p, v, kinds[i].key, "hooks", sizeof(struct spec_hook), parse_hook,
                                         (void **) kinds[i].list, kinds[i].n);
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
parse_oci_version(struct spec_parser *p, const json_t *top, struct spec *s)
{
        static const char hint[] = "use an ociVersion between 1.0.0 and 1.3.0";
        json_t *v = spec_member(top, "ociVersion");
        unsigned long major;
        size_t old;
        int r;

        if (!v)
                return spec_missing(p, "ociVersion", hint);
        old = spec_path_key(p, "ociVersion");
        r = spec_get_string(p, v, &s->oci_version);
        if (r >= 0 && !parse_semver(s->oci_version, &major))
                r = spec_fail(p, hint, "'%s' is not a valid version (MAJOR.MINOR.PATCH)", s->oci_version);
        /* Major 1 is this format. COMPAT: the spec's own examples (spec-example.json, zos-example.json)
         * still say 0.5.0-dev, so pre-1.0 drafts are read as 1.x; a 2.x may change anything. */
        else if (r >= 0 && major > 1)
                r = spec_fail(p, hint, "unsupported ociVersion '%s'", s->oci_version);
        spec_path_pop(p, old);
        return r;
}

int
spec_parse(const char *json, size_t len, const char *where, struct spec **ret, ocirt_error **err)
{
        json_error_t jerr;
        json_t *top;
        int r;

        assert(json && ret);
        top = spec_json_load(json, len, &jerr);
        if (!top)
                return ocirt_fail_at(err, EINVAL, where ? where : "config.json", "check the JSON syntax, e.g. with 'jq . FILE'",
                                     "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        r = spec_parse_json(top, where, ret, err);
        json_decref(top);
        return r;
}

int
spec_parse_json(json_t *top, const char *where, struct spec **ret, ocirt_error **err)
{
        _cleanup_spec_ struct spec *s = NULL;
        struct spec_parser p = { .file = where ? where : "config.json", .err = err };
        int r;

        assert(top && ret);
        s = xcalloc(1, sizeof *s);
        s->path = xstrdup(p.file);
        if (!json_is_object(top)) {
                r = ocirt_fail_at(err, EINVAL, p.file, NULL, "expected a JSON object at the top level, got %s",
                                  spec_describe(top));
                goto out;
        }

        r = parse_oci_version(&p, top, s);
        if (r < 0)
                goto out;

        r = spec_parse_object_new(&p, top, "root", sizeof *s->root, (spec_obj_fn) parse_root, (void **) &s->root);
        if (r < 0)
                goto out;
        /* REQUIRED everywhere but Windows (Hyper-V containers have no root). */
        if (r == 0 && (!spec_member(top, "windows") || spec_member(top, "linux"))) {
                r = spec_missing(&p, "root", "add \"root\": {\"path\": \"rootfs\"}");
                goto out;
        }

        r = spec_parse_array(&p, top, "mounts", "mounts", sizeof(struct spec_mount), parse_mount, (void **) &s->mounts,
                             &s->n_mounts);
        if (r < 0)
                goto out;

        r = spec_parse_object_new(&p, top, "process", sizeof *s->process, (spec_obj_fn) parse_process,
                                  (void **) &s->process);
        if (r < 0)
                goto out;

        {
                static const struct spec_field fields[] = {
                        FIELD("hostname", F_STRING, struct spec, hostname),
                        FIELD("domainname", F_STRING, struct spec, domainname),
                };
                r = spec_parse_fields(&p, top, fields, ELEMENTSOF(fields), s);
                if (r < 0)
                        goto out;
        }

        r = spec_parse_object_new(&p, top, "hooks", sizeof *s->hooks, (spec_obj_fn) parse_hooks, (void **) &s->hooks);
        if (r < 0)
                goto out;

        r = spec_parse_string_map(&p, top, "annotations", NULL, &s->annotations, &s->n_annotations);
        if (r < 0)
                goto out;

        r = spec_parse_object_new(&p, top, "linux", sizeof *s->linux_, (spec_obj_fn) spec_parse_linux,
                                  (void **) &s->linux_);
        if (r < 0)
                goto out;
        if (r == 0) {
                static const char *const others[] = { "freebsd", "solaris", "windows", "zos" };

                for (size_t i = 0; i < ELEMENTSOF(others) && !s->other_platform; i++)
                        if (spec_member(top, others[i]))
                                s->other_platform = xstrdup(others[i]);
        }

        r = spec_validate(s, err);
        if (r < 0)
                goto out;
        *ret = TAKE_PTR(s);
        r = 0;
out:
        free(p.path);
        return r;
}

json_t *
spec_json_text(const char *text, size_t len, int *ret_line, char *msg, size_t msgsize)
{
        json_error_t jerr;
        json_t *j = spec_json_load(text, len, &jerr);

        if (!j) {
                *ret_line = jerr.line;
                snprintf(msg, msgsize, "%s", jerr.text);
        }
        return j;
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
        spec_kv_free(s->annotations, s->n_annotations);
        spec_linux_free(s->linux_);
        free(s->path);
        free(s->other_platform);
        free(s);
        return NULL;
}

/* ---- helpers for the runtime ---- */

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
