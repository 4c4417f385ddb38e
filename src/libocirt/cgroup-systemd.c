/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-systemd.c: the systemd cgroup driver (issue 6), for cgroup v2 hosts that run systemd.
 * The container gets a transient scope (StartTransientUnit over sd-bus, Delegate=yes) in the slice
 * of its cgroupsPath ("slice:prefix:name"; default system.slice for root, user.slice for a user,
 * whose own user manager is asked). systemd makes the cgroup and moves the first process in; the
 * resources are then written into the delegated scope by the cgroupfs code, so both drivers apply
 * them the same way, and pause, ps, kill and stats are the cgroupfs operations on that directory.
 * Delete stops the unit.
 *
 * Not for: v1 or hybrid hosts (systemd only manages name=systemd there; cgroup.c uses cgroupfs).
 * Built when sd-bus.h is there (HAVE_SYSTEMD); libsystemd.so.0 is dlopen()ed on first use. */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

#ifdef HAVE_SYSTEMD
#include <dlfcn.h>
#include <systemd/sd-bus.h>

/* libsystemd is loaded when the driver is first used, not linked: the runtime starts without it
 * (the common case needs no D-Bus), runs where it is not installed, and the build needs only the
 * header. The function types come from that header. */
#define SD_FUNCS(X)                                                                                \
        X(sd_bus_open_user) X(sd_bus_open_system) X(sd_bus_flush_close_unref) X(sd_bus_message_unref) \
        X(sd_bus_message_new_method_call) X(sd_bus_message_append) X(sd_bus_message_open_container) \
        X(sd_bus_message_close_container) X(sd_bus_call) X(sd_bus_error_free) X(sd_bus_call_method)  \
        X(sd_bus_error_has_name)

static struct {
#define FIELD(f) typeof(f) *f;
        SD_FUNCS(FIELD)
#undef FIELD
} sd;

static int
sd_load(ocirt_error **err)
{
        static void *handle;

        if (handle)
                return 0;
        handle = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!handle)
                return ocirt_fail_at(err, ENOTSUP, "--systemd-cgroup", "install libsystemd0",
                                     "cannot load libsystemd: %s", dlerror());
#define LOAD(f)                                                                          \
        sd.f = (typeof(sd.f)) dlsym(handle, #f);                                         \
        if (!sd.f)                                                                       \
                return ocirt_fail(err, ENOTSUP, "libsystemd.so.0 has no %s", #f);
        SD_FUNCS(LOAD)
#undef LOAD
        return 0;
}

static void
busp(sd_bus **b)
{
        if (*b)
                sd.sd_bus_flush_close_unref(*b);
}

static void
msgp(sd_bus_message **m)
{
        if (*m)
                sd.sd_bus_message_unref(*m);
}

static int
bus_open(bool user, sd_bus **ret, ocirt_error **err)
{
        int r = sd_load(err);
        if (r < 0)
                return r;
        r = user ? sd.sd_bus_open_user(ret) : sd.sd_bus_open_system(ret);
        if (r < 0)
                return ocirt_fail_at(err, -r, "--systemd-cgroup",
                                     user ? "start a user manager: 'loginctl enable-linger USER', and set "
                                            "XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS"
                                          : "is systemd running?",
                                     "connect to the systemd %s manager", user ? "user" : "system");
        return 0;
}

/* cgroupsPath "slice:prefix:name" -> unit "prefix-name.scope" in "slice". */
int
cgroup_systemd_names(const char *path, const char *id, bool user, char **ret_slice, char **ret_unit)
{
        _cleanup_free_ char *copy = path ? xstrdup(path) : NULL;
        char *prefix = NULL, *name = NULL;

        if (copy && (prefix = strchr(copy, ':')) && (name = strchr(prefix + 1, ':'))) {
                *prefix++ = '\0';
                *name++ = '\0';
                *ret_slice = xstrdup(*copy ? copy : user ? "user.slice" : "system.slice");
                *ret_unit = *prefix ? xasprintf("%s-%s.scope", prefix, name)
                                    : (strchr(name, '.') ? xstrdup(name) : xasprintf("%s.scope", name));
                return 0;
        }
        if (path)
                return -EINVAL;
        *ret_slice = xstrdup(user ? "user.slice" : "system.slice");
        *ret_unit = xasprintf("ocirt-%s.scope", id);
        return 0;
}

/* Start the scope with `pid` in it and wait until the process is there. Returns its cgroup dir. */
int
cgroup_systemd_start(ocirt_ctx *ctx, bool user, const char *slice, const char *unit, pid_t pid, char **ret_dir,
                     ocirt_error **err)
{
        _cleanup_(busp) sd_bus *bus = NULL;
        _cleanup_(msgp) sd_bus_message *m = NULL, *reply = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = bus_open(user, &bus, err);
        if (r < 0)
                return r;
        r = sd.sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit");
        if (r >= 0)
                r = sd.sd_bus_message_append(m, "ss", unit, "fail");
        if (r >= 0)
                r = sd.sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sd.sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", "ocirt container",
                                          "Slice", "s", slice, "Delegate", "b", 1, "PIDs", "au", 1, (uint32_t) pid,
                                          "DefaultDependencies", "b", 0, "MemoryAccounting", "b", 1, "CPUAccounting",
                                          "b", 1, "TasksAccounting", "b", 1);
        if (r >= 0)
                r = sd.sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd.sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return ocirt_fail(err, -r, "build the StartTransientUnit message");
        r = sd.sd_bus_call(bus, m, 0, &e, &reply);
        if (r < 0) {
                int q = ocirt_fail_at(err, -r, "--systemd-cgroup", NULL, "start the transient unit '%s' in '%s': %s", unit,
                                      slice, e.message ? e.message : strerror(-r));
                sd.sd_bus_error_free(&e);
                return q;
        }
        /* The job runs asynchronously; the unit is usable once the process is in its cgroup. */
        for (int i = 0; i < 500; i++) {
                _cleanup_free_ char *buf = NULL, *p = xasprintf("/proc/%d/cgroup", (int) (pid ? pid : getpid()));
                size_t len;
                char *line;
                if (read_file_at(AT_FDCWD, p, &buf, &len) >= 0 && (line = strstr(buf, "0::")) && strstr(line, unit)) {
                        char *nl = strchr(line, '\n');
                        if (nl)
                                *nl = '\0';
                        *ret_dir = xasprintf("/sys/fs/cgroup%s", line + 3);
                        log_debug(ctx, "cgroup: systemd unit %s at %s", unit, *ret_dir);
                        return 0;
                }
                usleep(10000);
        }
        return ocirt_fail(err, ETIMEDOUT, "systemd did not move process %d into '%s' within 5 s", (int) pid, unit);
}

int
cgroup_systemd_stop(bool user, const char *unit, ocirt_error **err)
{
        _cleanup_(busp) sd_bus *bus = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = bus_open(user, &bus, err);
        if (r < 0)
                return r;
        r = sd.sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "StopUnit", &e, NULL, "ss", unit, "fail");
        /* Already gone (a scope ends when its last process does): fine. */
        if (r < 0 && !sd.sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
                int q = ocirt_fail(err, -r, "stop unit '%s': %s", unit, e.message ? e.message : strerror(-r));
                sd.sd_bus_error_free(&e);
                return q;
        }
        sd.sd_bus_error_free(&e);
        return 0;
}

bool
cgroup_systemd_available(bool user)
{
        if (user) {
                const char *rt = getenv("XDG_RUNTIME_DIR");
                _cleanup_free_ char *p = rt ? xasprintf("%s/systemd/private", rt) : NULL;
                return p && access(p, F_OK) == 0;
        }
        return access("/run/systemd/system", F_OK) == 0;
}

#else /* !HAVE_SYSTEMD */

int
cgroup_systemd_names(const char *path, const char *id, bool user, char **ret_slice, char **ret_unit)
{
        return -ENOTSUP;
}

int
cgroup_systemd_start(ocirt_ctx *ctx, bool user, const char *slice, const char *unit, pid_t pid, char **ret_dir,
                     ocirt_error **err)
{
        return ocirt_fail(err, ENOTSUP, "built without libsystemd");
}

int
cgroup_systemd_stop(bool user, const char *unit, ocirt_error **err)
{
        return 0;
}

bool
cgroup_systemd_available(bool user)
{
        return false;
}

#endif
