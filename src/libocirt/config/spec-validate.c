/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-validate.c: the MUST rules of config.json that tie several fields together (a hostname
 * needs a UTS namespace, id mappings need a user namespace, ...), checked on the typed model
 * before anything touches the system. Per-field syntax, types and enum names are the parser's job
 * (spec.c, spec-linux.c, spec-resources.c); what can only be known on the host (does the namespace
 * path exist?) is the runtime's. */
#include "config.h"

#include <inttypes.h>
#include <seccomp.h>
#include <stdarg.h>
#include <strings.h>

#include "config/spec.h"
#include "base/base.h"

/* The kernel accepts at most this many lines in uid_map/gid_map (since 4.15; 5 before). */
#define IDMAP_MAX_LINES 340

/* "FILE: JPATH" as the error's where; jpath is printf-formatted. */
_printf_(4, 0) static int
vfail_path(const struct spec *s, ocirt_error **err, const char *hint, const char *jpath_fmt, va_list ap,
           const char *msg)
{
        _cleanup_free_ char *jpath = NULL, *where = NULL;

        if (vasprintf(&jpath, jpath_fmt, ap) < 0)
                abort();
        where = xasprintf("%s: %s", s->path ? s->path : "config.json", jpath);
        return ocirt_fail_at(err, EINVAL, where, hint, "%s", msg);
}

/* fail_path(s, err, hint, msg, jpath_fmt, ...): the message is preformatted by the caller. */
_printf_(5, 6) static int
fail_path(const struct spec *s, ocirt_error **err, const char *hint, const char *msg, const char *jpath_fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, jpath_fmt);
        r = vfail_path(s, err, hint, jpath_fmt, ap, msg);
        va_end(ap);
        return r;
}

static bool
has_ns(const struct spec *s, enum spec_ns_type t)
{
        return spec_find_ns(s, t) != NULL;
}

static char *
ns_hint(enum spec_ns_type t)
{
        return xasprintf("add {\"type\": \"%s\"} to .linux.namespaces", spec_ns_name(t));
}

/* One id mapping list: sizes, 32-bit overflow, overlaps the kernel would refuse. */
static int
validate_idmaps(const struct spec *s, const struct spec_idmap *m, size_t n, const char *jpath, ocirt_error **err)
{
        if (n > IDMAP_MAX_LINES) {
                _cleanup_free_ char *msg = xasprintf("%zu mappings, the kernel accepts at most %d", n,
                                                     IDMAP_MAX_LINES);
                return fail_path(s, err, "merge adjacent ranges", msg, "%s", jpath);
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *msg = NULL;

                if (m[i].size == 0)
                        return fail_path(s, err, "use a size of at least 1, e.g. 65536", "'size' is 0", "%s[%zu]",
                                         jpath, i);
                if (m[i].container_id > UINT32_MAX - m[i].size) {
                        msg = xasprintf("'containerID' + 'size' overflows 32 bits (%" PRIu32 " + %" PRIu32 ")",
                                        m[i].container_id, m[i].size);
                        return fail_path(s, err, "make containerID + size at most 4294967295", msg, "%s[%zu]",
                                         jpath, i);
                }
                if (m[i].host_id > UINT32_MAX - m[i].size) {
                        msg = xasprintf("'hostID' + 'size' overflows 32 bits (%" PRIu32 " + %" PRIu32 ")",
                                        m[i].host_id, m[i].size);
                        return fail_path(s, err, "make hostID + size at most 4294967295", msg, "%s[%zu]", jpath, i);
                }
                for (size_t j = 0; j < i; j++) {
                        bool c = m[i].container_id < m[j].container_id + m[j].size &&
                                 m[j].container_id < m[i].container_id + m[i].size;
                        bool h = m[i].host_id < m[j].host_id + m[j].size && m[j].host_id < m[i].host_id + m[i].size;

                        if (!c && !h)
                                continue;
                        msg = xasprintf("%s range overlaps mapping %zu", c ? "container" : "host", j);
                        return fail_path(s, err, "the kernel refuses overlapping ranges; make them disjoint", msg,
                                         "%s[%zu]", jpath, i);
                }
        }
        return 0;
}

static int
validate_user_ns(const struct spec *s, ocirt_error **err)
{
        const struct spec_linux *l = s->linux_;
        bool userns = has_ns(s, SPEC_NS_USER);
        int r;

        if (!l)
                return 0;
        r = validate_idmaps(s, l->uid_mappings, l->n_uid_mappings, ".linux.uidMappings", err);
        if (r < 0)
                return r;
        r = validate_idmaps(s, l->gid_mappings, l->n_gid_mappings, ".linux.gidMappings", err);
        if (r < 0)
                return r;
        if ((l->n_uid_mappings > 0 || l->n_gid_mappings > 0) && !userns) {
                _cleanup_free_ char *hint = ns_hint(SPEC_NS_USER);
                return fail_path(s, err, hint, "id mappings need a user namespace", "%s",
                                 l->n_uid_mappings > 0 ? ".linux.uidMappings" : ".linux.gidMappings");
        }
        /* Neither: the runtime maps the caller itself. Only one: half a mapping is always a mistake. */
        if (userns && (l->n_uid_mappings > 0) != (l->n_gid_mappings > 0))
                return fail_path(s, err, "give both uidMappings and gidMappings, or neither",
                                 l->n_uid_mappings > 0 ? "uidMappings given without gidMappings"
                                                       : "gidMappings given without uidMappings",
                                 "%s", l->n_uid_mappings > 0 ? ".linux.gidMappings" : ".linux.uidMappings");
        return 0;
}

static int
validate_mounts(const struct spec *s, ocirt_error **err)
{
        bool userns = has_ns(s, SPEC_NS_USER);

        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                _cleanup_free_ char *up = xasprintf(".mounts[%zu].uidMappings", i);
                _cleanup_free_ char *gp = xasprintf(".mounts[%zu].gidMappings", i);
                int r;

                r = validate_idmaps(s, m->uid_mappings, m->n_uid_mappings, up, err);
                if (r < 0)
                        return r;
                r = validate_idmaps(s, m->gid_mappings, m->n_gid_mappings, gp, err);
                if (r < 0)
                        return r;
                for (size_t j = 0; j < m->n_options; j++) {
                        const char *o = m->options[j];
                        _cleanup_free_ char *msg = NULL;

                        if (!streq(o, "idmap") && !streq(o, "ridmap"))
                                continue;
                        /* The spec: without mappings on the mount, the container's user namespace
                         * mapping is used; without a user namespace either, it is an error. */
                        if (m->n_uid_mappings > 0 || userns)
                                continue;
                        msg = xasprintf("'%s' needs uidMappings/gidMappings on the mount or a user namespace", o);
                        return fail_path(s, err, "add uidMappings and gidMappings to this mount", msg,
                                         ".mounts[%zu].options[%zu]", i, j);
                }
        }
        return 0;
}

static int
validate_uts(const struct spec *s, ocirt_error **err)
{
        const char *fields[] = { "hostname", "domainname" };
        const char *values[] = { s->hostname, s->domainname };

        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                _cleanup_free_ char *hint = NULL, *msg = NULL;

                if (!values[i] || !values[i][0])
                        continue;
                /* Like runc: any UTS namespace entry, new or joined; never the host's. */
                if (!has_ns(s, SPEC_NS_UTS)) {
                        hint = ns_hint(SPEC_NS_UTS);
                        msg = xasprintf("setting the %s needs a UTS namespace", fields[i]);
                        return fail_path(s, err, hint, msg, ".%s", fields[i]);
                }
                /* sethostname()/setdomainname() refuse more than 64 bytes. */
                if (strlen(values[i]) > 64) {
                        msg = xasprintf("%s is %zu bytes long, the kernel allows 64", fields[i], strlen(values[i]));
                        return fail_path(s, err, "use at most 64 characters", msg, ".%s", fields[i]);
                }
        }
        return 0;
}

static int
validate_time_ns(const struct spec *s, ocirt_error **err)
{
        const struct spec_namespace *ns = spec_find_ns(s, SPEC_NS_TIME);

        if (!s->linux_ || s->linux_->n_time_offsets == 0)
                return 0;
        if (!ns) {
                _cleanup_free_ char *hint = ns_hint(SPEC_NS_TIME);
                return fail_path(s, err, hint, "timeOffsets need a time namespace", ".linux.timeOffsets");
        }
        /* Offsets can only be written before the first process enters a time namespace. */
        if (ns->path)
                return fail_path(s, err, "remove timeOffsets, or create a new time namespace (no 'path')",
                                 "timeOffsets cannot be applied to a joined time namespace", ".linux.timeOffsets");
        return 0;
}

/* Sysctls that belong to a namespace may only be set in a namespace of the container's own:
 * otherwise they would change the host. Same rules as runc. */
static int
validate_sysctl(const struct spec *s, ocirt_error **err)
{
        static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                           "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                           "kernel.shm_rmid_forced" };
        const struct spec_linux *l = s->linux_;

        for (size_t i = 0; l && i < l->n_sysctl; i++) {
                const char *k = l->sysctl[i].key;
                _cleanup_free_ char *hint = NULL, *msg = NULL;
                int t = -1;

                if (startswith(k, "net."))
                        t = SPEC_NS_NETWORK;
                else if (startswith(k, "fs.mqueue."))
                        t = SPEC_NS_IPC;
                else if (streq(k, "kernel.hostname") || streq(k, "kernel.domainname"))
                        t = SPEC_NS_UTS;
                for (size_t j = 0; t < 0 && j < ELEMENTSOF(ipc); j++)
                        if (streq(k, ipc[j]))
                                t = SPEC_NS_IPC;
                if (t < 0 || has_ns(s, (enum spec_ns_type) t))
                        continue;
                hint = ns_hint((enum spec_ns_type) t);
                msg = xasprintf("sysctl '%s' needs a %s namespace: it would change the host's", k,
                                spec_ns_name((enum spec_ns_type) t));
                return fail_path(s, err, hint, msg, ".linux.sysctl[\"%s\"]", k);
        }
        return 0;
}

/* No mount namespace: the spec says the container then shares the runtime's. The container gets
 * a chroot only (as with runc), and whatever would be mounted for it would land in the runtime's
 * namespace and outlive it (runc leaves them all behind): refuse what needs a mount, naming it.
 * Called at create (ns_plan()), not by spec_validate(): a config is not wrong for lacking one, and
 * partial configs (tests, `check`) leave the namespaces out. */
int
spec_validate_no_mount_ns(const struct spec *s, ocirt_error **err)
{
        const struct spec_linux *l = s->linux_;
        _cleanup_free_ char *add = NULL, *hint = NULL;
        static const char why[] = "without a mount namespace of the container's own";

        if (has_ns(s, SPEC_NS_MOUNT))
                return 0;
        add = ns_hint(SPEC_NS_MOUNT);
        hint = xasprintf("%s, or remove this field", add);
        if (s->n_mounts > 0) {
                _cleanup_free_ char *msg = xasprintf("no mounts can be made %s: they would be made in the "
                                                     "runtime's namespace and outlive the container", why);
                return fail_path(s, err, hint, msg, ".mounts[0]");
        }
        if (l && l->n_masked_paths > 0) {
                _cleanup_free_ char *msg = xasprintf("paths cannot be masked %s", why);
                return fail_path(s, err, hint, msg, ".linux.maskedPaths");
        }
        if (l && l->n_readonly_paths > 0) {
                _cleanup_free_ char *msg = xasprintf("paths cannot be made read-only %s", why);
                return fail_path(s, err, hint, msg, ".linux.readonlyPaths");
        }
        if (l && l->rootfs_propagation) {
                _cleanup_free_ char *msg = xasprintf("the root's propagation cannot be set %s: it would change "
                                                     "the runtime's", why);
                return fail_path(s, err, hint, msg, ".linux.rootfsPropagation");
        }
        if (l && l->n_devices > 0) {
                _cleanup_free_ char *msg = xasprintf("devices cannot be created %s: they would be written "
                                                     "into the rootfs", why);
                return fail_path(s, err, hint, msg, ".linux.devices");
        }
        if (s->root && s->root->readonly) {
                _cleanup_free_ char *msg = xasprintf("the root cannot be made read-only %s", why);
                return fail_path(s, err, "mount the rootfs read-only before 'create', or add a mount namespace",
                                 msg, ".root.readonly");
        }
        if (s->process && s->process->terminal) {
                _cleanup_free_ char *msg = xasprintf("a terminal needs a /dev/console mount, impossible %s", why);
                return fail_path(s, err, hint, msg, ".process.terminal");
        }
        return 0;
}

static int
validate_seccomp(const struct spec *s, ocirt_error **err)
{
        const struct spec_seccomp *sc = s->linux_ ? s->linux_->seccomp : NULL;

        if (!sc)
                return 0;
        /* libseccomp refuses NOTIFY as the default: every syscall, even the runtime's own, would wait. */
        if (sc->default_action == SCMP_ACT_NOTIFY)
                return fail_path(s, err, "use SCMP_ACT_NOTIFY on selected syscalls only",
                                 "SCMP_ACT_NOTIFY cannot be the default action", ".linux.seccomp.defaultAction");
        for (size_t i = 0; i < sc->n_syscalls; i++)
                if (sc->syscalls[i].action == SCMP_ACT_NOTIFY && !sc->listener_path)
                        return fail_path(s, err, "set .linux.seccomp.listenerPath to the agent's socket",
                                         "SCMP_ACT_NOTIFY needs a listenerPath", ".linux.seccomp.syscalls[%zu].action",
                                         i);
        return 0;
}

/* Every capability Linux has defined, by number (linux/capability.h, up to 6.x). Our own list, not
 * libcap's or the build host's headers: a name must be refused when it is no capability at all
 * (the spec: a value that cannot be mapped MUST be an error), and only warned about when it is a
 * real one that the running kernel is too old to know (caps.c). */
static const char *const cap_names[] = {
        "CAP_CHOWN",            "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
        "CAP_FSETID",           "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
        "CAP_SETPCAP",          "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",        "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",       "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",        "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",     "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
        "CAP_LEASE",            "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",     "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",    "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

int
spec_cap_from_name(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(cap_names); i++)
                if (strcasecmp(name, cap_names[i]) == 0)
                        return (int) i;
        return -1;
}

static int
validate_capabilities(const struct spec *s, ocirt_error **err)
{
        const struct spec_capabilities *c = s->process ? s->process->capabilities : NULL;
        const struct {
                const char *name;
                char **v;
        } sets[] = {
                { "bounding", c ? c->bounding : NULL },       { "effective", c ? c->effective : NULL },
                { "inheritable", c ? c->inheritable : NULL }, { "permitted", c ? c->permitted : NULL },
                { "ambient", c ? c->ambient : NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                for (size_t j = 0; sets[i].v && sets[i].v[j]; j++) {
                        _cleanup_free_ char *msg = NULL;

                        if (spec_cap_from_name(sets[i].v[j]) >= 0)
                                continue;
                        msg = xasprintf("'%s' is not a Linux capability", sets[i].v[j]);
                        return fail_path(s, err, "use a name from capabilities(7), such as CAP_NET_BIND_SERVICE", msg,
                                         ".process.capabilities.%s[%zu]", sets[i].name, j);
                }
        return 0;
}

int
spec_validate(const struct spec *s, ocirt_error **err)
{
        static int (*const rules[])(const struct spec *, ocirt_error **) = {
                validate_user_ns, validate_mounts, validate_uts, validate_time_ns, validate_sysctl, validate_seccomp,
                validate_capabilities,
        };

        assert(s);
        /* A FreeBSD or z/OS config has none of the Linux objects these rules are about. */
        if (s->other_platform)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                int r = rules[i](s, err);
                if (r < 0)
                        return r;
        }
        return 0;
}
