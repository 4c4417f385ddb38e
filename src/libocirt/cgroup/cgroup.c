/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.c: the front door of the cgroup drivers (issue 6): which driver a container gets and the
 * lifecycle seams (cgroup_prepare ... cgroup_join_self); the public commands (pause, resume, update,
 * ps, stats) are in cgroup-cmd.c. The drivers (cgroup-fs.c, cgroup-systemd.c, cgroup-none.c) do the
 * work, called only through their ops table (driver.h).
 *
 * How the init gets into its cgroup: cgroup_prepare makes the cgroup and applies the limits. On a
 * v2 host container/spawn.c then clone3()s the init with CLONE_INTO_CGROUP: no process migrates, which
 * matters for speed (a write to cgroup.procs takes the threadgroup lock for writing, an RCU grace
 * period of about 8 ms when the host was idle) and saves the SYNC_EARLY round trip; the init
 * unshares its cgroup namespace itself, since clone() would root it at the runtime's cgroup.
 *
 * v1 hierarchies have no clone into a cgroup. As root (the cgroupfs driver, `create` and `run`) the
 * cgroup is made late: before the clone only its plan is recorded (and the hybrid's v2 directory
 * made, for clone3); right after it the runtime makes the v1 directories and writes the limits
 * while the init creates its network namespace and mounts (cgroup_after_clone), then passes the
 * init one `tasks` file per hierarchy. The init writes "0" to each (its only thread moves, without
 * the threadgroup lock: a few microseconds) at its cgroup barrier, before anything that depends on
 * its cgroup: a cgroup mount, its devices, the runtime's turns, hooks (container/init.c), and only
 * then unshares its cgroup namespace. The runtime never enters the cgroup, so pids.max goes in with
 * the other limits. This takes the cgroup work, about a millisecond on this kind of machine, off
 * the path to the container's exec. Elsewhere on v1 (restore, the slow path of joined namespaces)
 * the runtime moves its own thread in, so the clone()d init is born there, and at SYNC_EARLY (the
 * init waits) cgroup_early moves the runtime back and only then writes pids.max, so that a limit of
 * 1 does not count the runtime. */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/driver.h"
#include "cgroup/cgroup-layout.h"
#include "cgroup/cgroup-recorded.h"
#include "cgroup/cgroup-resources.h"
#include "base/base.h"
#include "state/state.h"

static const char *
extra_of(const struct container *c, const char *key)
{
        const char *v = NULL;
        for (size_t i = 0; i < c->n_extra; i++)
                if (streq(c->extra[i].key, key))
                        v = c->extra[i].value;
        return v;
}

/* The cgroup of the container being created, as committed so far (NULL: none yet). */
static struct cgroup *
cgroup_of_container(const struct container *c)
{
        return cgroup_recorded(c->ctx, extra_of(c, "cgroup.driver"), extra_of(c, "cgroup.dirs"),
                               extra_of(c, "cgroup.path"), extra_of(c, "cgroup.unit"), extra_of(c, "cgroup.user"));
}

/* Anything the none driver would silently drop. Device rules are not limits: a rootless container
 * cannot create device nodes anyway (its user namespace forbids mknod). */
static bool
has_limits(const struct spec_resources *r)
{
        return r && (r->memory || r->cpu || r->has_pids || r->block_io || r->n_hugepage_limits || r->has_network ||
                     r->has_class_id || r->n_net_priorities || r->n_rdma || r->n_unified);
}

/* A rootless user can use a v2 cgroup only where it was delegated: the parent of its own cgroup
 * (where ocirt puts containers, see cgroup-fs.c) must be writable, with its cgroup.procs. */
static bool
rootless_delegated(void)
{
        _cleanup_free_ char *own = NULL, *parent = NULL, *procs = NULL;
        char *slash;

        if (cgroup_layout_probe() != CGROUP_LAYOUT_V2 || cgroup_own_path(CGROUP_V2, &own) < 0)
                return false;
        slash = strrchr(own, '/');
        if (slash)
                *slash = '\0';
        parent = xasprintf("/sys/fs/cgroup%s", own);
        procs = xasprintf("%s/cgroup.procs", parent);
        return access(parent, W_OK) == 0 && access(procs, W_OK) == 0;
}

struct destroy_block {
        ocirt_ctx *ctx;
        const struct cgroup_driver *driver;
        bool created;
        char text[];
};

/* A failed create removes only a cgroup it made, and kills nothing there: its own init is gone
 * already (undo_kill runs first), and anything else in the cgroup is not this container's. The
 * cgroup is known by its directories only: a systemd unit is stopped by an undo step of its own. */
static int
undo_destroy(void *data, ocirt_error **err)
{
        struct destroy_block *d = data;
        _cleanup_cgroup_ struct cgroup *cg = NULL;

        if (!d->created)
                return 0;
        cg = cgroup_from_text(d->ctx, d->driver, d->text);
        cg->no_kill = true;
        return cg->driver->destroy(cg, err);
}

struct move_back {
        ocirt_ctx *ctx;
        char text[]; /* the runtime's own cgroups, "controller=path" lines */
};

/* The runtime back into its own cgroups, moved as cgroupfs moves a process. */
static int
undo_move_back(void *data, ocirt_error **err)
{
        struct move_back *m = data;
        _cleanup_cgroup_ struct cgroup *cg = cgroup_from_text(m->ctx, &cgroup_driver_fs, m->text);
        return cg->driver->enter(cg, 0, NULL, err);
}

static void *
text_block(ocirt_ctx *ctx, const char *text)
{
        size_t n = strlen(text);
        struct move_back *m = xmalloc(sizeof *m + n + 1);
        m->ctx = ctx;
        memcpy(m->text, text, n + 1);
        return m;
}

/* The runtime's own cgroup in each hierarchy of cg. */
static struct cgroup *
own_cgroups(const struct cgroup *cg)
{
        struct cgroup *o = cgroup_new(cg->ctx, &cgroup_driver_fs);

        for (size_t i = 0; i < cg->n_dirs; i++) {
                const char *ctrl = cg->dirs[i].controller;
                _cleanup_free_ char *own = NULL, *p = NULL;
                if (cgroup_own_path(ctrl, &own) < 0)
                        continue;
                if (streq(ctrl, CGROUP_V2))
                        p = xasprintf("/sys/fs/cgroup%s%s", cg->v2 ? "" : "/unified", streq(own, "/") ? "" : own);
                else
                        p = xasprintf("/sys/fs/cgroup/%s%s", ctrl, streq(own, "/") ? "" : own);
                cgroup_add_dir(o, ctrl, p);
        }
        return o;
}

static void
own_cgroups_into(const struct cgroup *cg, char **ret_text)
{
        _cleanup_cgroup_ struct cgroup *own = own_cgroups(cg);
        *ret_text = cgroup_dirs_text(own);
}

static int
no_cgroup(struct container *c, const char *why, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;

        if (l && l->cgroups_path) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.cgroupsPath", c->config_path);
                return ocirt_fail_at(err, EPERM, where,
                                     "remove linux.cgroupsPath, or get a delegated cgroup: Delegate=yes in "
                                     "user@.service and 'loginctl enable-linger USER' (cgroup v2)",
                                     "cannot create cgroup '%s': %s", l->cgroups_path, why);
        }
        if (has_limits(l ? l->resources : NULL))
                log_warning(c->ctx, "%s, running without a cgroup: the resource limits in .linux.resources are "
                                    "ignored (cgroup v2 with Delegate=yes in user@.service and 'loginctl enable-linger' "
                                    "give you one)", why);
        container_set_extra(c, "cgroup.driver", "none");
        return 0;
}

/* The host uid of process.user.uid: through the container's own uid mappings, or itself. */
static bool
host_uid_of(const struct container *c, uint32_t uid, uid_t *ret)
{
        if (!c->new_ns[SPEC_NS_USER]) {
                *ret = c->join_fd[SPEC_NS_USER] >= 0 ? (uid_t) -1 : uid;
                return *ret != (uid_t) -1;
        }
        for (size_t i = 0; i < c->n_uid_map; i++)
                if (uid >= c->uid_map[i].container_id && uid - c->uid_map[i].container_id < c->uid_map[i].size) {
                        *ret = c->uid_map[i].host_id + (uid - c->uid_map[i].container_id);
                        return true;
                }
        return false;
}

/* config-linux.md "Cgroup ownership": on v2, with a new cgroup namespace and a read-write cgroup
 * mount at /sys/fs/cgroup, the container's cgroup goes to the host uid of process.user.uid, so
 * that the container can manage its own subtree (systemd inside, nested runtimes). Only the
 * directory and the files in /sys/kernel/cgroup/delegate; never on v1, where delegation is not
 * safe. Best effort: a rootless runtime cannot give a file away, and then the cgroup stays its own. */
static void
chown_to_container(struct container *c, const struct cgroup *cg)
{
        static const char *const fallback[] = { "cgroup.procs", "cgroup.subtree_control", "cgroup.threads" };
        const struct spec *s = c->spec;
        _cleanup_free_ char *list = NULL;
        _cleanup_close_ int dfd = -1;
        bool rw = false;
        size_t len;
        uid_t uid;

        if (!cg->v2 || cg->n_dirs == 0 || !c->new_ns[SPEC_NS_CGROUP] || c->join_fd[SPEC_NS_CGROUP] >= 0 || !s->process)
                return;
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                if (m->source && streq(m->source, "cgroup") && streq(m->destination, "/sys/fs/cgroup"))
                        rw = !(m->options && strv_contains(m->options, "ro"));
        }
        if (!rw || !host_uid_of(c, s->process->user.uid, &uid))
                return;
        dfd = open(cg->dirs[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fchownat(dfd, "", uid, (gid_t) -1, AT_EMPTY_PATH) < 0) {
                log_debug(c->ctx, "cgroup: cannot give '%s' to uid %u: %s", cg->dirs[0].path, (unsigned) uid,
                          strerror(errno));
                return;
        }
        if (read_file_at(AT_FDCWD, "/sys/kernel/cgroup/delegate", &list, &len) >= 0) {
                char *save = NULL;
                for (char *f = strtok_r(list, "\n", &save); f; f = strtok_r(NULL, "\n", &save))
                        if (fchownat(dfd, f, uid, (gid_t) -1, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
                                log_debug(c->ctx, "cgroup: chown %s: %s", f, strerror(errno));
        } else
                for (size_t i = 0; i < ELEMENTSOF(fallback); i++)
                        (void) fchownat(dfd, fallback[i], uid, (gid_t) -1, AT_SYMLINK_NOFOLLOW);
}

/* A failed create removes the cgroup (if it made it). Returns the undo step's data (owned by the
 * undo list). */
static struct destroy_block *
undo_cgroup(struct cgroup *cg, struct undo *undo)
{
        _cleanup_free_ char *dirs = cgroup_dirs_text(cg);
        size_t n = strlen(dirs);
        struct destroy_block *d = xmalloc(sizeof *d + n + 1);

        d->ctx = cg->ctx;
        d->driver = cg->driver;
        d->created = cg->created;
        memcpy(d->text, dirs, n + 1);
        undo_push(undo, "remove the cgroup", undo_destroy, d);
        return d;
}

/* The cgroup is known to be the container's: record it for later commands. */
static void
record(struct container *c, struct cgroup *cg)
{
        _cleanup_free_ char *dirs = cgroup_dirs_text(cg);

        container_set_extras(c,
                             (struct extra_kv[]){ { "cgroup.driver", cg->driver->name },
                                                  { "cgroup.path", cg->path ? cg->path : "" },
                                                  { "cgroup.dirs", dirs },
                                                  { "cgroup.pending", NULL } },
                             4);
        chown_to_container(c, cg);
}

static void
commit(struct container *c, struct cgroup *cg, struct undo *undo)
{
        undo_cgroup(cg, undo);
        record(c, cg);
}

/* exec --cgroup SUB: a relative path that stays below the container's cgroup. */
static int
check_sub(const char *sub, ocirt_error **err)
{
        if (sub && (sub[0] == '/' || strstr(sub, "..")))
                return ocirt_fail_at(err, EINVAL, "--cgroup", "give a path below the container's cgroup, e.g. 'sub'",
                                     "'%s' is not a relative path without '..'", sub);
        return 0;
}

/* Move the runtime in; the init inherits the cgroup at clone() and the runtime leaves again at
 * SYNC_EARLY. The way on v1 hierarchies, which have no clone into a cgroup. skip_v2: not into the
 * v2 directory of a hybrid host (clone3 puts the init there). On v1 only the calling thread moves
 * (cgroup-control.c writes "0" to `tasks`), which spares the kernel's threadgroup write lock and its
 * RCU grace period, and leaves the other threads of a program that embeds libocirt alone. */
static int
enter_runtime(struct container *c, const struct cgroup *cg, bool skip_v2, struct undo *undo, ocirt_error **err)
{
        _cleanup_cgroup_ struct cgroup *in = cgroup_subset(cg, skip_v2);
        _cleanup_free_ char *owntext = NULL;
        struct move_back *m;
        int r;

        own_cgroups_into(in, &owntext);
        m = text_block(c->ctx, owntext);
        undo_push(undo, "move the runtime back to its cgroup", undo_move_back, m);
        r = in->driver->enter(in, 0, NULL, err);
        if (r < 0)
                return ocirt_wrap(err, "cgroup");
        c->cgroup = m; /* owned by the undo step, which lives until commit */
        c->wait_early = true;
        return 0;
}

/* A user whose runtime could not come back out of the scope: no cgroup yet, the init is put into
 * the scope at SYNC_EARLY (systemd_late). */
static int
systemd_later(struct container *c)
{
        container_set_extra(c, "cgroup.driver", "systemd-late");
        c->wait_early = true;
        /* A cgroup namespace made at clone() would be rooted at the runtime's cgroup: the init
         * unshares it once it is in the scope. */
        if (c->clone_flags & CLONE_NEWCGROUP) {
                c->clone_flags &= ~(unsigned long) CLONE_NEWCGROUP;
                c->cgroupns_after_early = true;
        }
        return 0;
}

/* The systemd driver. The runtime enters the scope (so the init is born there) when it can come
 * back out: always as root; a user only from a cgroup of its own user manager. */
static int
prepare_systemd(struct container *c, struct undo *undo, ocirt_error **err)
{
        _cleanup_free_ char *ownprocs = NULL, *own = NULL, *owntext = NULL;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        struct move_back *m;
        int r;

        if (cgroup_own_path(CGROUP_V2, &own) < 0)
                own = xstrdup("/");
        ownprocs = xasprintf("/sys/fs/cgroup%s/cgroup.procs", streq(own, "/") ? "" : own);
        if (c->rootless && access(ownprocs, W_OK) < 0)
                return systemd_later(c);
        owntext = xasprintf("unified=/sys/fs/cgroup%s\n", streq(own, "/") ? "" : own);
        m = text_block(c->ctx, owntext);
        cg = cgroup_new(c->ctx, &cgroup_driver_systemd);
        r = cg->driver->create(cg, c, getpid(), undo, err);
        if (r < 0) {
                (void) undo_move_back(m, NULL);
                free(m);
                return ocirt_wrap(err, "cgroup");
        }
        /* Undo order (reverse): move back first, then remove; never kill ourselves. */
        commit(c, cg, undo);
        undo_push(undo, "move the runtime back to its cgroup", undo_move_back, m);
        r = cgroup_resources_create(cg, c, err);
        if (r < 0)
                return ocirt_wrap(err, "cgroup");
        c->cgroup = m;
        c->wait_early = true;
        return 0;
}

/* How the init gets into a cgroupfs cgroup (see the top of this file). */
static int
place_init(struct container *c, struct cgroup *cg, struct undo *undo, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;

        if (cg->v2) {
                /* clone3(CLONE_INTO_CGROUP) places the init (container/spawn.c); pids.max can be written now,
                 * as the runtime is never counted. */
                c->cgroup_fd = open(cg->dirs[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (c->cgroup_fd >= 0)
                        return l && l->resources ? cg->driver->limit_pids(cg, l->resources, c->config_path, err) : 0;
                return enter_runtime(c, cg, false, undo, err);
        }
        /* Hybrid: clone3 into the v2 part, the runtime's thread into the v1 hierarchies. */
        if (cgroup_dir_of(cg, CGROUP_V2))
                c->cgroup_fd = open(cgroup_dir_of(cg, CGROUP_V2), O_PATH | O_DIRECTORY | O_CLOEXEC);
        return enter_runtime(c, cg, c->cgroup_fd >= 0, undo, err);
}

/* Whether the cgroupfs driver takes the late way (see the top of this file). */
static bool
late_ok(const struct container *c)
{
        return c->cgroup_defer && !c->rootless && !c->slow_path && cgroup_layout_probe() == CGROUP_LAYOUT_V1;
}

/* v1 as root: the v1 directories are made after the clone, while the init sets up, and the init
 * moves itself in (see the top of this file). The hybrid's v2 directory is made now, for clone3. */
static int
prepare_late(struct container *c, struct cgroup *cg, struct undo *undo, ocirt_error **err)
{
        int r;

        r = cg->driver->create(cg, c, 0, undo, err);
        if (r < 0) {
                if (cg->created)
                        (void) cg->driver->destroy(cg, NULL);
                return ocirt_wrap(err, "cgroup");
        }
        /* The undo step removes the v2 directory if it was made now; cgroup_after_clone tells it
         * about the v1 ones, and records the cgroup as the container's once it knows. */
        c->cgroup = undo_cgroup(cg, undo);
        c->cgroup_join_late = true;
        if (c->clone_flags & CLONE_NEWCGROUP) {
                c->clone_flags &= ~(unsigned long) CLONE_NEWCGROUP;
                c->cgroupns_after_join = true;
        }
        if (cgroup_dir_of(cg, CGROUP_V2))
                c->cgroup_fd = open(cgroup_dir_of(cg, CGROUP_V2), O_PATH | O_DIRECTORY | O_CLOEXEC);
        return 0;
}

/* The cgroupfs driver. */
static int
prepare_fs(struct container *c, struct undo *undo, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_cgroup_ struct cgroup *cg = cgroup_new(c->ctx, &cgroup_driver_fs);
        int r;

        if (late_ok(c)) {
                cg->late = true;
                return prepare_late(c, cg, undo, err);
        }
        r = cg->driver->create(cg, c, 0, undo, err);
        if (r >= 0)
                r = cgroup_resources_create(cg, c, err);
        if (r < 0) {
                if (cg->created)
                        (void) cg->driver->destroy(cg, NULL);
                if (c->rootless && (r == -EACCES || r == -EPERM || r == -EROFS) && !(l && l->cgroups_path)) {
                        ocirt_error_free(*err);
                        *err = NULL;
                        return no_cgroup(c, "the delegated cgroup is not writable", err);
                }
                return ocirt_wrap(err, "cgroup");
        }
        commit(c, cg, undo);
        return place_init(c, cg, undo, err);
}

enum choice {
        CHOICE_DISABLED, /* --cgroup-manager disabled */
        CHOICE_NONE,     /* no cgroup to be had: `why` */
        CHOICE_SYSTEMD,
        CHOICE_FS,
};

/* Which driver the container gets, deciding only (prepare acts on it). */
static enum choice
choose(const struct container *c, const char **ret_why, bool *ret_no_systemd)
{
        enum cgroup_layout layout;

        *ret_why = NULL;
        *ret_no_systemd = false;
        if (c->ctx->cgroup_manager == OCIRT_CGROUP_DISABLED)
                return CHOICE_DISABLED;
        layout = cgroup_layout_probe();
        if (layout == CGROUP_LAYOUT_NONE) {
                *ret_why = "no cgroup file system at /sys/fs/cgroup";
                return CHOICE_NONE;
        }
        if (c->ctx->cgroup_manager == OCIRT_CGROUP_SYSTEMD) {
                if (layout == CGROUP_LAYOUT_V2 && cgroup_driver_systemd.available(c->rootless))
                        return CHOICE_SYSTEMD;
                *ret_no_systemd = !c->rootless;
        }
        if (c->rootless && layout == CGROUP_LAYOUT_V1) {
                *ret_why = "a normal user has no cgroup on a cgroup v1 host";
                return CHOICE_NONE;
        }
        if (c->rootless && !rootless_delegated()) {
                *ret_why = "no delegated cgroup for this user";
                return CHOICE_NONE;
        }
        return CHOICE_FS;
}

bool
cgroup_waits_for_clone(const struct container *c)
{
        const char *why;
        bool no_systemd;

        switch (choose(c, &why, &no_systemd)) {
        case CHOICE_DISABLED:
        case CHOICE_NONE:
                return true;
        case CHOICE_FS:
                /* The late way makes the hybrid's v2 directory before the clone (for clone3). */
                return late_ok(c) && !cgroup_layout_is_v2(CGROUP_ROOT "/unified");
        default:
                return false;
        }
}

/* Runs in: the runtime, before the clone. */
static int
prepare(struct container *c, struct undo *undo, ocirt_error **err)
{
        const char *why;
        bool no_systemd;
        enum choice ch = choose(c, &why, &no_systemd);

        if (no_systemd)
                log_warning(c->ctx, "systemd is not running, using the cgroupfs driver with systemd's cgroup paths");
        switch (ch) {
        case CHOICE_DISABLED:
                container_set_extra(c, "cgroup.driver", "none");
                return 0;
        case CHOICE_NONE:
                return no_cgroup(c, why, err);
        case CHOICE_SYSTEMD:
                return prepare_systemd(c, undo, err);
        default:
                return prepare_fs(c, undo, err);
        }
}

int
cgroup_clone_fallback(struct container *c, struct undo *undo, ocirt_error **err)
{
        _cleanup_cgroup_ struct cgroup *cg = cgroup_of_container(c);

        /* A late create: the init writes the v2 directory's cgroup.procs itself (cgroup_after_clone). */
        if (!cg || cg->n_dirs == 0 || c->cgroup_join_late)
                return 0;
        if (cg->v2) {
                /* pids.max was written for an init that the runtime would not share its cgroup with. */
                _cleanup_free_ char *p = xasprintf("%s/pids.max", cg->dirs[0].path);
                (void) write_file_at(AT_FDCWD, p, "max", 3);
        } else if (c->cgroup) {
                /* Hybrid: out of the v1 hierarchies again, then into all of them and the v2 one. */
                int r = undo_move_back(c->cgroup, err);
                if (r < 0)
                        return ocirt_wrap(err, "cgroup");
                c->cgroup = NULL;
        }
        return enter_runtime(c, cg, false, undo, err);
}

int
cgroup_prepare(struct container *c, struct undo *undo, ocirt_error **err)
{
        int r;

        cgroup_own_cache(true);
        r = prepare(c, undo, err);
        cgroup_own_cache(false);
        return r;
}

/* The files the init of a late create writes "0" to: tasks in each v1 hierarchy (only its thread
 * moves, without the threadgroup lock); cgroup.procs of the hybrid's v2 directory only when clone3
 * did not put it there. Opened here, so that the kernel checks the runtime's credentials (the file's
 * opener), not those of an init in a user namespace. */
static int
pass_join_fds(struct container *c, const struct cgroup *cg, ocirt_error **err)
{
        struct sync_msg m = { .type = SYNC_CGROUP_FD };
        int fds[SYNC_MAX_FDS];
        size_t n = 0, len;
        int r = 0;

        len = (size_t) snprintf(m.text, sizeof m.text, "%s\n", cg->path ? cg->path : "");
        for (size_t i = 0; i < cg->n_dirs && r == 0; i++) {
                bool v2 = streq(cg->dirs[i].controller, CGROUP_V2);
                _cleanup_free_ char *p = NULL;

                if (v2 && c->born_in_cgroup)
                        continue;
                if (n == SYNC_MAX_FDS) {
                        r = ocirt_fail(err, E2BIG, "more than %d cgroup hierarchies", SYNC_MAX_FDS);
                        break;
                }
                p = xasprintf("%s/%s", cg->dirs[i].path, v2 ? "cgroup.procs" : "tasks");
                fds[n] = open(p, O_WRONLY | O_CLOEXEC);
                if (fds[n] < 0) {
                        r = ocirt_fail(err, errno, "open '%s'", p);
                        break;
                }
                n++;
                if (len < sizeof m.text)
                        len += (size_t) snprintf(m.text + len, sizeof m.text - len, "%s%s", n > 1 ? "," : "",
                                                 cg->dirs[i].controller);
        }
        if (r == 0)
                r = sync_send_fds(c->sync_parent, &m, fds, n, err);
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
        return r;
}

/* Runs in: the runtime, right after the clone of a late create (prepare_late), while the init sets
 * up. The v1 directories, the files the init joins through (it writes to them while the limits go
 * in, and mounts the cgroup meanwhile: a few kilobytes charged before a memory limit is there; it
 * waits for SYNC_CGROUP_DONE before anything else), then the limits, pids.max among them (the
 * runtime is never in the cgroup). */
int
cgroup_after_clone(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        struct destroy_block *d = c->cgroup;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        int r;

        if (!c->cgroup_join_late)
                return 0;
        c->cgroup = NULL;
        cg = cgroup_of_container(c);
        r = cg->driver->create_late(cg, c, err);
        d->created = cg->created; /* the v1 leaves decide, as in create */
        if (r >= 0)
                r = pass_join_fds(c, cg, err);
        if (r >= 0)
                r = cgroup_resources_create(cg, c, err);
        if (r >= 0 && l && l->resources)
                r = cg->driver->limit_pids(cg, l->resources, c->config_path, err);
        if (r < 0)
                return ocirt_wrap(err, "cgroup");
        r = sync_send(c->sync_parent, SYNC_CGROUP_DONE, 0, -1, err);
        if (r >= 0) {
                record(c, cg); /* while the init goes on */
                if (cg->driver->late_idle)
                        cg->driver->late_idle(c);
        }
        return r;
}

/* The directory of hierarchy line "ID:CTRLS:PATH" in cg: by its first controller (name=systemd:
 * "systemd"; no controllers: the v2 one). NULL when cg has none there. */
static const char *
dir_for_line(const struct cgroup *cg, const char *ctrls, size_t len)
{
        size_t first = strcspn(ctrls, ",");
        _cleanup_free_ char *c = NULL;

        if (first > len)
                first = len;
        if (len == 0)
                return cgroup_dir_of(cg, CGROUP_V2);
        c = xasprintf("%.*s", (int) first, ctrls);
        return cgroup_dir_of(cg, streq(c, "name=systemd") ? "systemd" : c);
}

char *
cgroup_late_proc_text(struct container *c)
{
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        _cleanup_free_ char *own = NULL, *out = xstrdup("");
        char *save = NULL;

        if (!c->cgroup_join_late || read_file_at(AT_FDCWD, "/proc/self/cgroup", &own, NULL) < 0)
                return NULL;
        cg = cgroup_of_container(c);
        if (!cg)
                return NULL;
        for (char *l = strtok_r(own, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *ctrls = strchr(l, ':'), *end = ctrls ? strchr(ctrls + 1, ':') : NULL;
                const char *dir, *slash;
                char *n;

                if (!end)
                        continue;
                ctrls++;
                dir = dir_for_line(cg, ctrls, (size_t) (end - ctrls));
                /* The path below the hierarchy's mount: what follows /sys/fs/cgroup/NAME. */
                slash = dir && startswith(dir, CGROUP_ROOT "/") ? strchr(dir + strlen(CGROUP_ROOT "/"), '/') : NULL;
                if (!slash)
                        continue;
                n = xasprintf("%s%.*s%s\n", out, (int) (end + 1 - l), l, slash);
                free(out);
                out = n;
        }
        return TAKE_PTR(out);
}

/* A user whose runtime could not enter the scope (systemd_later): the init goes in now. TasksMax is
 * among the scope's properties already, so only pids.max is left. */
static int
systemd_late(struct container *c, struct undo *undo, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_cgroup_ struct cgroup *cg = cgroup_new(c->ctx, &cgroup_driver_systemd);
        int r;

        r = cg->driver->create(cg, c, c->init_pid, undo, err);
        if (r >= 0)
                r = cgroup_resources_create(cg, c, err);
        if (r < 0)
                return ocirt_wrap(err, "cgroup");
        commit(c, cg, undo);
        return l && l->resources ? cgroup_resources_pids(cg, l->resources, c->config_path, err) : 0;
}

/* Runs in: the runtime, at SYNC_EARLY: the init exists (in the cgroup) and waits. */
int
cgroup_early(struct container *c, struct undo *undo, ocirt_error **err)
{
        struct move_back *m = c->cgroup;
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        int r;

        if (!m && streq(strempty(extra_of(c, "cgroup.driver")), "systemd-late"))
                return systemd_late(c, undo, err);
        if (!m)
                return 0;
        c->cgroup = NULL;
        r = undo_move_back(m, err);
        if (r < 0)
                return ocirt_wrap(err, "cgroup: move the runtime back");
        cg = cgroup_of_container(c);
        if (!cg || !l || !l->resources)
                return 0;
        return cg->driver->limit_pids(cg, l->resources, c->config_path, err);
}

int
cgroup_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        _cleanup_cgroup_ struct cgroup *cg = cgroup_from_state(ctx, st);
        const char *unit = state_get_extra(st, "cgroup.unit");
        int r;

        if (!cg && unit) {
                /* A create killed after starting its scope, before it recorded the scope's directory. */
                cg = cgroup_new(ctx, &cgroup_driver_systemd);
                cg->unit = xstrdup(unit);
                cg->user = streq(strempty(state_get_extra(st, "cgroup.user")), "1");
        }
        if (!cg && state_get_extra(st, "cgroup.pending") && state_get_extra(st, "cgroup.dirs")) {
                /* A create killed between recording the directories and knowing them to be its own
                 * (refuse_populated): remove what is empty, leave what another container uses. */
                _cleanup_cgroup_ struct cgroup *p = cgroup_from_text(ctx, &cgroup_driver_fs, state_get_extra(st, "cgroup.dirs"));
                for (size_t i = 0; i < p->n_dirs; i++)
                        if (rmdir(p->dirs[i].path) < 0 && errno != ENOENT)
                                log_debug(ctx, "cgroup: leaving '%s': %s", p->dirs[i].path, strerror(errno));
                return 0;
        }
        if (!cg)
                return 0;
        r = cg->driver->destroy(cg, err);
        return r < 0 ? ocirt_wrap(err, "cgroup") : 0;
}

int
cgroup_kill_all(ocirt_ctx *ctx, const struct state *st, int sig)
{
        _cleanup_cgroup_ struct cgroup *cg = cgroup_from_state(ctx, st);
        return cg ? cg->driver->kill_all(cg, sig) : 0;
}

bool
cgroup_is_paused(ocirt_ctx *ctx, const struct state *st)
{
        _cleanup_cgroup_ struct cgroup *cg = cgroup_from_state(ctx, st);
        return cg && cg->driver->is_frozen(cg) == 1;
}

/* exec: the v2 directory (the cgroup, or its `sub`, made here) for clone3(CLONE_INTO_CGROUP) of the
 * exec helper: -1 when the container has no v2 directory, -errno on an error. */
int
cgroup_exec_v2_fd(ocirt_ctx *ctx, const struct state *st, const char *sub, ocirt_error **err)
{
        _cleanup_cgroup_ struct cgroup *cg = cgroup_from_state(ctx, st);
        _cleanup_free_ char *dir = NULL;
        const char *v2 = cg ? cgroup_dir_of(cg, CGROUP_V2) : NULL;
        int fd;

        if (!v2)
                return -1;
        if (check_sub(sub, err) < 0)
                return -EINVAL;
        dir = sub ? xasprintf("%s/%s", v2, sub) : xstrdup(v2);
        if (sub)
                (void) mkdir(dir, 0755);
        fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return ocirt_fail(err, errno, "open cgroup '%s'", dir);
        return fd;
}

/* exec, in the forked helper before it joins any namespace: move the calling thread into the
 * container's cgroup (or its `sub`). On v1 through `tasks`, which takes no threadgroup lock (see
 * enter_runtime); skip_v2 when clone3 already put the helper into the v2 directory. */
int
cgroup_join_self(ocirt_ctx *ctx, const struct state *st, const char *sub, bool skip_v2, ocirt_error **err)
{
        _cleanup_cgroup_ struct cgroup *cg = cgroup_from_state(ctx, st);
        _cleanup_cgroup_ struct cgroup *in = NULL;

        if (!cg)
                return 0;
        if (check_sub(sub, err) < 0)
                return -EINVAL;
        in = cgroup_subset(cg, skip_v2);
        return in->n_dirs ? in->driver->enter(in, 0, sub, err) : 0;
}
