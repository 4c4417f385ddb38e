/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-default.c: the config.json that `ocirt spec [--rootless]` prints, shaped like `runc spec`
 * so bundles move between runtimes unchanged. The rootless variant maps the caller's own uid/gid to
 * 0 and, when the caller has subordinate ids, its first range from 1 on (written by newuidmap; with
 * OCIRT_SPEC_USERNS_SINGLE only the caller, which needs no helper), has no network namespace (a
 * new one would have no connectivity without slirp4netns/pasta), bind-mounts /sys (sysfs cannot be
 * mounted without owning the network namespace) and mounts no cgroup file system (usually not
 * delegated to the user). */
#include "config.h"

#include <jansson.h>
#include <pwd.h>

#include "config/spec.h"

#include "base/base.h"

static json_t *
strv_json(const char *const *v)
{
        json_t *a = json_array();

        for (size_t i = 0; v[i]; i++)
                json_array_append_new(a, json_string(v[i]));
        return a;
}

static json_t *
mount_json(const char *dest, const char *type, const char *source, const char *const *options)
{
        json_t *m = json_object();

        json_object_set_new(m, "destination", json_string(dest));
        json_object_set_new(m, "type", json_string(type));
        json_object_set_new(m, "source", json_string(source));
        if (options)
                json_object_set_new(m, "options", strv_json(options));
        return m;
}

static void
idmap_add(json_t *a, uint32_t container_id, uint64_t host_id, uint64_t size)
{
        json_t *m = json_object();

        json_object_set_new(m, "containerID", json_integer(container_id));
        json_object_set_new(m, "hostID", json_integer((json_int_t) host_id));
        json_object_set_new(m, "size", json_integer((json_int_t) size));
        json_array_append_new(a, m);
}

/* The caller as 0, then (unless `single`) the caller's first subordinate range from 1 on, so images
 * with files of many owners work; newuidmap/newgidmap write that at run time. */
static json_t *
idmap_json(bool gid, uint32_t id, const char *name, uid_t uid, bool single)
{
        json_t *a = json_array();
        struct subid_range *r = NULL;
        size_t n = 0;

        idmap_add(a, 0, id, 1);
        if (!single && subid_lookup(gid, name, uid, &r, &n, NULL) >= 0 && n > 0)
                idmap_add(a, 1, r[0].start, r[0].count > UINT32_MAX - 1 ? UINT32_MAX - 1 : r[0].count);
        free(r);
        return a;
}

static char *
user_name(uid_t uid)
{
        struct passwd *pw = getpwuid(uid);
        return pw ? xstrdup(pw->pw_name) : NULL;
}

static json_t *
process_json(void)
{
        static const char *const args[] = { "sh", NULL };
        static const char *const env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                           "TERM=xterm", NULL };
        static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
        json_t *p = json_object(), *user = json_object(), *c = json_object(), *rl = json_object(),
               *rls = json_array();

        json_object_set_new(p, "terminal", json_true());
        json_object_set_new(user, "uid", json_integer(0));
        json_object_set_new(user, "gid", json_integer(0));
        json_object_set_new(p, "user", user);
        json_object_set_new(p, "args", strv_json(args));
        json_object_set_new(p, "env", strv_json(env));
        json_object_set_new(p, "cwd", json_string("/"));
        json_object_set_new(c, "bounding", strv_json(caps));
        json_object_set_new(c, "effective", strv_json(caps));
        json_object_set_new(c, "permitted", strv_json(caps));
        json_object_set_new(p, "capabilities", c);
        json_object_set_new(rl, "type", json_string("RLIMIT_NOFILE"));
        json_object_set_new(rl, "hard", json_integer(1024));
        json_object_set_new(rl, "soft", json_integer(1024));
        json_array_append_new(rls, rl);
        json_object_set_new(p, "rlimits", rls);
        json_object_set_new(p, "noNewPrivileges", json_true());
        return p;
}

static json_t *
mounts_json(bool rootless)
{
        static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
        static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                                           "gid=5", NULL };
        static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
        static const char *const nosuid_noexec_nodev[] = { "nosuid", "noexec", "nodev", NULL };
        static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
        static const char *const sys_bind[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
        static const char *const cgroup[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
        json_t *m = json_array(), *ptsm;

        json_array_append_new(m, mount_json("/proc", "proc", "proc", NULL));
        json_array_append_new(m, mount_json("/dev", "tmpfs", "tmpfs", dev));
        ptsm = mount_json("/dev/pts", "devpts", "devpts", pts);
        if (rootless) {
                /* gid 5 (tty) is usually not mapped in a user namespace that maps only the caller:
                 * devpts would refuse the mount. */
                json_t *o = json_object_get(ptsm, "options");
                json_array_remove(o, json_array_size(o) - 1);
        }
        json_array_append_new(m, ptsm);
        json_array_append_new(m, mount_json("/dev/shm", "tmpfs", "shm", shm));
        json_array_append_new(m, mount_json("/dev/mqueue", "mqueue", "mqueue", nosuid_noexec_nodev));
        if (rootless)
                json_array_append_new(m, mount_json("/sys", "none", "/sys", sys_bind));
        else {
                json_array_append_new(m, mount_json("/sys", "sysfs", "sysfs", sys));
                json_array_append_new(m, mount_json("/sys/fs/cgroup", "cgroup", "cgroup", cgroup));
        }
        return m;
}

static json_t *
linux_json(bool rootless, bool single, uid_t uid, gid_t gid)
{
        static const char *const root_ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
        static const char *const user_ns[] = { "pid", "ipc", "uts", "mount", "cgroup", "user", NULL };
        static const char *const masked[] = { "/proc/acpi",         "/proc/asound",     "/proc/kcore",
                                              "/proc/keys",         "/proc/latency_stats", "/proc/timer_list",
                                              "/proc/timer_stats",  "/proc/sched_debug", "/sys/firmware",
                                              "/proc/scsi",         "/sys/devices/virtual/powercap", NULL };
        static const char *const readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                "/proc/sysrq-trigger", NULL };
        const char *const *ns = rootless ? user_ns : root_ns;
        json_t *l = json_object(), *nss = json_array();

        if (rootless) {
                _cleanup_free_ char *name = user_name(uid);
                json_object_set_new(l, "uidMappings", idmap_json(/* gid= */ false, (uint32_t) uid, name, uid, single));
                json_object_set_new(l, "gidMappings", idmap_json(/* gid= */ true, (uint32_t) gid, name, uid, single));
        }
        for (size_t i = 0; ns[i]; i++) {
                json_t *o = json_object();
                json_object_set_new(o, "type", json_string(ns[i]));
                json_array_append_new(nss, o);
        }
        json_object_set_new(l, "namespaces", nss);
        json_object_set_new(l, "maskedPaths", strv_json(masked));
        json_object_set_new(l, "readonlyPaths", strv_json(readonly));
        return l;
}

char *
spec_default_json(bool rootless, uid_t uid, gid_t gid)
{
        return spec_default_json_flags(rootless ? OCIRT_SPEC_ROOTLESS : 0, uid, gid);
}

char *
spec_default_json_flags(unsigned flags, uid_t uid, gid_t gid)
{
        bool rootless = flags & OCIRT_SPEC_ROOTLESS, single = flags & OCIRT_SPEC_USERNS_SINGLE;
        json_t *top = json_object(), *root = json_object();
        char *text, *out;

        json_object_set_new(top, "ociVersion", json_string("1.3.0"));
        json_object_set_new(top, "process", process_json());
        json_object_set_new(root, "path", json_string("rootfs"));
        json_object_set_new(root, "readonly", json_true());
        json_object_set_new(top, "root", root);
        json_object_set_new(top, "hostname", json_string("ocirt"));
        json_object_set_new(top, "mounts", mounts_json(rootless));
        json_object_set_new(top, "linux", linux_json(rootless, single, uid, gid));

        text = json_dumps(top, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        json_decref(top);
        if (!text)
                abort(); /* only on allocation failure */
        out = xasprintf("%s\n", text);
        free(text);
        return out;
}
