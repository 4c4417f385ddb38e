/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-default.c: the config.json that `ocirt spec [--rootless]` prints, shaped like `runc spec`
 * so bundles move between runtimes unchanged. The rootless variant maps only the caller's own
 * uid/gid (no newuidmap needed), has no network namespace (a new one would have no connectivity
 * without slirp4netns/pasta), bind-mounts /sys (sysfs cannot be mounted without owning the network
 * namespace) and mounts no cgroup file system (usually not delegated to the user). */
#include "config.h"

#include <jansson.h>

#include "spec.h"
#include "util.h"

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

static json_t *
idmap_json(uint32_t id)
{
        json_t *a = json_array(), *m = json_object();

        json_object_set_new(m, "containerID", json_integer(0));
        json_object_set_new(m, "hostID", json_integer(id));
        json_object_set_new(m, "size", json_integer(1));
        json_array_append_new(a, m);
        return a;
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
linux_json(bool rootless, uid_t uid, gid_t gid)
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
                json_object_set_new(l, "uidMappings", idmap_json((uint32_t) uid));
                json_object_set_new(l, "gidMappings", idmap_json((uint32_t) gid));
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
        json_t *top = json_object(), *root = json_object();
        char *text, *out;

        json_object_set_new(top, "ociVersion", json_string("1.3.0"));
        json_object_set_new(top, "process", process_json());
        json_object_set_new(root, "path", json_string("rootfs"));
        json_object_set_new(root, "readonly", json_true());
        json_object_set_new(top, "root", root);
        json_object_set_new(top, "hostname", json_string("ocirt"));
        json_object_set_new(top, "mounts", mounts_json(rootless));
        json_object_set_new(top, "linux", linux_json(rootless, uid, gid));

        text = json_dumps(top, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        json_decref(top);
        if (!text)
                abort(); /* only on allocation failure */
        out = xasprintf("%s\n", text);
        free(text);
        return out;
}
