/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-systemd.c: the systemd cgroup driver (issue 6), for cgroup v2 hosts that run systemd.
 * The container gets a transient scope (StartTransientUnit over sd-bus, Delegate=yes) in the slice
 * of its cgroupsPath ("slice:prefix:name"; default system.slice for root, user.slice for a user,
 * whose own user manager is asked). systemd makes the cgroup and moves the first process in.
 *
 * Resources: what systemd has a property for (memory max/low/swap, CPU weight and quota, cpuset,
 * tasks, IO weight, and the same files given in `unified`; cgroup-systemd-props.c) goes into the
 * unit as properties, at start and at `update` (SetUnitProperties). systemd rewrites the files it
 * manages whenever it realizes the unit again (daemon-reload, any property change), so a limit
 * written only to the file would fall back to systemd's idea of it. The cgroupfs code
 * (cgroup-resources.c) then writes ALL resources into the scope as well: the same values for what
 * systemd knows, and the rest (io.max, hugetlb, rdma, burst, the device program, other unified
 * files) only that way. One writer stays responsible for every value and its errors, whichever
 * driver runs. Pause, ps, kill and stats are the cgroupfs operations on the scope's directory
 * (cgroup-control.c, cgroup-stats.c).
 *
 * org.systemd.property.NAME annotations add property NAME, its value in GVariant text form, as runc
 * and crun take them. Delete stops the unit.
 *
 * Not for: v1 or hybrid hosts (systemd only manages name=systemd there; cgroup.c uses cgroupfs).
 * Built when sd-bus.h is there (HAVE_SYSTEMD); libsystemd.so.0 is dlopen()ed on first use. */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "cgroup/driver.h"
#include "cgroup/cgroup-control.h"
#include "cgroup/cgroup-resources.h"
#include "cgroup/cgroup-stats.h"
#include "cgroup/cgroup-systemd-props.h"
#include "base/base.h"

/* cgroupsPath "slice:prefix:name" -> unit "prefix-name.scope" in "slice". */
static int
unit_names(const char *path, const char *id, bool user, char **ret_slice, char **ret_unit)
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
        X(sd_bus_error_has_name) X(sd_bus_message_append_basic) X(sd_bus_message_append_array)

static struct {
#define FIELD(f) typeof(f) *f;
        SD_FUNCS(FIELD)
#undef FIELD
} sd;

static int
sd_load(ocirt_error **err)
{
        static void *handle;

        _cleanup_free_ char *why = NULL;

        if (handle)
                return 0;
        handle = dl_open("libsystemd.so.0", &why);
        if (!handle)
                return ocirt_fail_at(err, ENOTSUP, "--systemd-cgroup", "install libsystemd0",
                                     "cannot load libsystemd: %s", why);
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

static int
append_prop(sd_bus_message *m, const struct prop *q)
{
        int r;

        r = sd.sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd.sd_bus_message_append_basic(m, 's', q->name);
        if (r >= 0)
                r = sd.sd_bus_message_open_container(m, 'v', q->sig);
        if (r < 0)
                return r;
        switch (q->sig[0]) {
        case 'a':
                if (q->sig[1] == 'y')
                        r = sd.sd_bus_message_append_array(m, 'y', q->bytes, q->n_bytes);
                else {
                        r = sd.sd_bus_message_open_container(m, 'a', "s");
                        for (size_t i = 0; r >= 0 && q->strv[i]; i++)
                                r = sd.sd_bus_message_append_basic(m, 's', q->strv[i]);
                        if (r >= 0)
                                r = sd.sd_bus_message_close_container(m);
                }
                break;
        case 's':
                r = sd.sd_bus_message_append_basic(m, 's', q->s);
                break;
        case 'b': {
                int b = q->v.u != 0;
                r = sd.sd_bus_message_append_basic(m, 'b', &b);
                break;
        }
        case 'y': { uint8_t v = (uint8_t) q->v.u; r = sd.sd_bus_message_append_basic(m, 'y', &v); break; }
        case 'q': { uint16_t v = (uint16_t) q->v.u; r = sd.sd_bus_message_append_basic(m, 'q', &v); break; }
        case 'u': { uint32_t v = (uint32_t) q->v.u; r = sd.sd_bus_message_append_basic(m, 'u', &v); break; }
        case 't': r = sd.sd_bus_message_append_basic(m, 't', &q->v.u); break;
        case 'n': { int16_t v = (int16_t) q->v.i; r = sd.sd_bus_message_append_basic(m, 'n', &v); break; }
        case 'i': { int32_t v = (int32_t) q->v.i; r = sd.sd_bus_message_append_basic(m, 'i', &v); break; }
        case 'x': r = sd.sd_bus_message_append_basic(m, 'x', &q->v.i); break;
        case 'd': r = sd.sd_bus_message_append_basic(m, 'd', &q->v.d); break;
        default: r = -EINVAL;
        }
        if (r >= 0)
                r = sd.sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd.sd_bus_message_close_container(m);
        return r;
}

static int
append_props(sd_bus_message *m, const struct props *p)
{
        int r = 0;
        for (size_t i = 0; r >= 0 && i < p->n; i++)
                r = append_prop(m, &p->v[i]);
        return r;
}

/* StartTransientUnit `unit` in `slice` with pid in it: ocirt's own properties, then props. */
static int
start_message(sd_bus *bus, const char *slice, const char *unit, pid_t pid, const struct props *props,
              sd_bus_message **ret)
{
        int r;

        r = sd.sd_bus_message_new_method_call(bus, ret, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                              "org.freedesktop.systemd1.Manager", "StartTransientUnit");
        if (r >= 0)
                r = sd.sd_bus_message_append(*ret, "ss", unit, "fail");
        if (r >= 0)
                r = sd.sd_bus_message_open_container(*ret, 'a', "(sv)");
        /* The annotations come last: where they name one of these defaults, systemd takes theirs. */
        if (r >= 0)
                r = sd.sd_bus_message_append(*ret, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s",
                                             "ocirt container", "Slice", "s", slice, "Delegate", "b", 1, "PIDs", "au", 1,
                                             (uint32_t) pid, "DefaultDependencies", "b", 0, "MemoryAccounting", "b", 1,
                                             "CPUAccounting", "b", 1, "TasksAccounting", "b", 1);
        if (r >= 0)
                r = append_props(*ret, props);
        if (r >= 0)
                r = sd.sd_bus_message_close_container(*ret);
        if (r >= 0)
                r = sd.sd_bus_message_append(*ret, "a(sa(sv))", 0);
        return r;
}

/* systemd refused the unit: name the annotation whose property it refused ("Cannot set property
 * X, ..."), if any. The first n_config properties come from the config, the rest from annotations. */
static int
start_failed(const struct spec *spec, const char *slice, const char *unit, const struct props *props, size_t n_config,
             int r, sd_bus_error *e, ocirt_error **err)
{
        _cleanup_free_ char *msg = xstrdup(e->message ? e->message : strerror(-r)), *where = NULL;
        size_t len = strlen(msg);
        int q;

        if (len && msg[len - 1] == '.')
                msg[len - 1] = '\0';
        for (size_t i = n_config; !where && i < props->n; i++) {
                const char *at = strstr(msg, props->v[i].name);
                size_t n = strlen(props->v[i].name);
                if (at && (at == msg || at[-1] == ' ') && (at[n] == ',' || at[n] == ' ' || !at[n]))
                        where = xasprintf("%s: .annotations[\"%s\"]", spec->path ? spec->path : "config.json",
                                          props->v[i].key);
        }
        q = ocirt_fail_at(err, -r, where ? where : "--systemd-cgroup",
                          props->n > n_config ? "check the org.systemd.property.* annotations: the name of a "
                                                "property of scope units, and the D-Bus type systemd wants for "
                                                "it (e.g. 'uint64 N' for the *USec ones)"
                                              : NULL,
                          "start the transient unit '%s' in '%s': %s", unit, slice, msg);
        sd.sd_bus_error_free(e);
        return q;
}

/* The job runs asynchronously; the unit is usable once the process is in its cgroup. */
static int
wait_in_scope(ocirt_ctx *ctx, const char *unit, pid_t pid, char **ret_dir, ocirt_error **err)
{
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

/* Start the scope with `pid` in it and wait until the process is there. Returns its cgroup dir. */
static int
unit_start(ocirt_ctx *ctx, bool user, const char *slice, const char *unit, pid_t pid, const struct spec *spec,
           char **ret_dir, ocirt_error **err)
{
        _cleanup_(busp) sd_bus *bus = NULL;
        _cleanup_(msgp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(cgroup_systemd_props_done) struct props props = { 0 };
        _cleanup_free_ char *names = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        size_t n_config;
        int r;

        /* When the runtime itself enters (so that the init is born in the scope), a pids limit would
         * count it: TasksMax then waits for sd_limit_pids, as pids.max does in cgroup.c. */
        r = cgroup_systemd_props_unit(spec, pid != getpid(), &props, &n_config, err);
        if (r < 0)
                return r;
        names = cgroup_systemd_props_names(&props);
        log_debug(ctx, "cgroup: systemd unit %s, properties: %s", unit, names);

        r = bus_open(user, &bus, err);
        if (r < 0)
                return r;
        r = start_message(bus, slice, unit, pid, &props, &m);
        if (r < 0)
                return ocirt_fail(err, -r, "build the StartTransientUnit message");
        r = sd.sd_bus_call(bus, m, 0, &e, &reply);
        if (r < 0)
                return start_failed(spec, slice, unit, &props, n_config, r, &e, err);
        return wait_in_scope(ctx, unit, pid, ret_dir, err);
}

/* SetUnitProperties with runtime=true: kept until reboot, through daemon-reload. */
static int
set_props(bool user, const char *unit, const struct props *p, ocirt_error **err)
{
        _cleanup_(busp) sd_bus *bus = NULL;
        _cleanup_(msgp) sd_bus_message *m = NULL, *reply = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        if (p->n == 0)
                return 0;
        r = bus_open(user, &bus, err);
        if (r < 0)
                return r;
        r = sd.sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "SetUnitProperties");
        if (r >= 0)
                r = sd.sd_bus_message_append(m, "sb", unit, 1);
        if (r >= 0)
                r = sd.sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_props(m, p);
        if (r >= 0)
                r = sd.sd_bus_message_close_container(m);
        if (r < 0)
                return ocirt_fail(err, -r, "build the SetUnitProperties message");
        r = sd.sd_bus_call(bus, m, 0, &e, &reply);
        if (r < 0) {
                _cleanup_free_ char *names = cgroup_systemd_props_names(p);
                int q = ocirt_fail(err, -r, "set %s of unit '%s': %s", names, unit, e.message ? e.message : strerror(-r));
                sd.sd_bus_error_free(&e);
                return q;
        }
        return 0;
}

static int
unit_update(bool user, const char *unit, const char *dir, const struct spec_resources *res, ocirt_error **err)
{
        _cleanup_(cgroup_systemd_props_done) struct props props = { 0 };
        _cleanup_free_ char *cpu_max = NULL;

        if (!res)
                return 0;
        if (dir && res->cpu && (res->cpu->has_quota || res->cpu->has_period)) {
                _cleanup_free_ char *p = xasprintf("%s/cpu.max", dir);
                size_t len;
                (void) read_file_at(AT_FDCWD, p, &cpu_max, &len);
        }
        cgroup_systemd_props_resources(res, true, cpu_max, &props);
        return set_props(user, unit, &props, err);
}

static int
unit_stop(bool user, const char *unit, ocirt_error **err)
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

static bool
systemd_available(bool user)
{
        if (user) {
                const char *rt = getenv("XDG_RUNTIME_DIR");
                _cleanup_free_ char *p = rt ? xasprintf("%s/systemd/private", rt) : NULL;
                return p && access(p, F_OK) == 0;
        }
        return access("/run/systemd/system", F_OK) == 0;
}

#else /* !HAVE_SYSTEMD */

static int
unit_start(ocirt_ctx *ctx, bool user, const char *slice, const char *unit, pid_t pid, const struct spec *spec,
           char **ret_dir, ocirt_error **err)
{
        return ocirt_fail(err, ENOTSUP, "built without libsystemd");
}

static int
unit_update(bool user, const char *unit, const char *dir, const struct spec_resources *res, ocirt_error **err)
{
        return 0;
}

static int
unit_stop(bool user, const char *unit, ocirt_error **err)
{
        return 0;
}

static bool
systemd_available(bool user)
{
        return false;
}

#endif

/* ---- the driver ---- */

struct unit_block {
        bool user;
        char unit[];
};

static int
undo_stop_unit(void *data, ocirt_error **err)
{
        struct unit_block *u = data;
        return unit_stop(u->user, u->unit, err);
}

/* A transient scope, started with `pid` in it (the runtime, or the init at SYNC_EARLY). Its undo
 * step stops the unit after the directory is removed (cgroup.c pushes that one later). */
static int
sd_create(struct cgroup *cg, struct container *c, pid_t pid, struct undo *undo, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_free_ char *slice = NULL, *unit = NULL, *dir = NULL;
        struct unit_block *u;
        int r;

        if (unit_names(l ? l->cgroups_path : NULL, c->id, c->rootless, &slice, &unit) < 0) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.cgroupsPath", c->config_path);
                return ocirt_fail_at(err, EINVAL, where, "use slice:prefix:name, e.g. system.slice:ocirt:c1",
                                     "'%s' is not a systemd cgroup path", l->cgroups_path);
        }
        r = unit_start(c->ctx, c->rootless, slice, unit, pid, c->spec, &dir, err);
        if (r < 0)
                return r;
        u = xmalloc(sizeof *u + strlen(unit) + 1);
        u->user = c->rootless;
        strcpy(u->unit, unit);
        undo_push(undo, "stop the systemd unit", undo_stop_unit, u);
        container_set_extra(c, "cgroup.unit", unit);
        container_set_extra(c, "cgroup.user", c->rootless ? "1" : "0");

        cg->v2 = true;
        cg->created = true; /* the scope is new, and so is its directory */
        cg->unit = TAKE_PTR(unit);
        cg->user = c->rootless;
        cg->path = xstrdup(dir + strlen("/sys/fs/cgroup"));
        cgroup_add_dir(cg, CGROUP_V2, dir);
        return 0;
}

/* The files, then systemd's unit properties too, or its next realization (daemon-reload) restores
 * the old ones. */
static int
sd_update(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        int r = cgroup_resources_update(cg, res, where, err);
        if (r < 0 || !cg->unit)
                return r;
        return unit_update(cg->user, cg->unit, cgroup_dir_of(cg, CGROUP_V2), res, err);
}

/* pids.max, and TasksMax, held back while the runtime was in the scope (see unit_start). */
static int
sd_limit_pids(struct cgroup *cg, const struct spec_resources *res, const char *where, ocirt_error **err)
{
        int r = cgroup_resources_pids(cg, res, where, err);
        if (r < 0 || !cg->unit || !res || !res->has_pids)
                return r;
        return unit_update(cg->user, cg->unit, NULL,
                           &(struct spec_resources){ .has_pids = true, .pids_limit = res->pids_limit }, err);
}

/* Stop the unit (when known: a failed create's rollback has an undo step of its own for that),
 * then remove what is left of its directory. */
static int
sd_destroy(struct cgroup *cg, ocirt_error **err)
{
        if (cg->unit) {
                int r = unit_stop(cg->user, cg->unit, err);
                if (r < 0)
                        return r;
        }
        return cgroup_control_remove(cg, err);
}

const struct cgroup_driver cgroup_driver_systemd = {
        .name = "systemd",
        .available = systemd_available,
        .create = sd_create,
        .enter = cgroup_control_enter,
        .update = sd_update,
        .limit_pids = sd_limit_pids,
        .destroy = sd_destroy,
        .kill_all = cgroup_control_kill_all,
        .freeze = cgroup_control_freeze,
        .is_frozen = cgroup_control_is_frozen,
        .pids = cgroup_control_pids,
        .stats = cgroup_stats_read,
};
