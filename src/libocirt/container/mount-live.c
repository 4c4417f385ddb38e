/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-live.c: `ocirt mounts add|remove ID FILE`: mounts added to, or removed from, a container
 * that exists (created, running or paused), as crun's `mounts` command does. FILE holds mount
 * objects in the config's format: a JSON array, or an object with a "mounts" array.
 *
 * Root only. A child of the runtime clones each bind source in the host's mount namespace (the
 * caller's view of the host, like `create`), opens the container's root and, for `remove`, its own
 * /proc/self/fd, then joins the container's mount namespace: each mount goes through mount_one()
 * onto a destination resolved inside the container's root (openat2 RESOLVE_IN_ROOT, as at create),
 * and each removal is an unmount of the mount found there, never of a path looked up again. */
#include "config.h"

#include <jansson.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "container/container.h"
#include "base/base.h"
#include "fs/fs.h"
#include "state/state.h"

#define LIVE_WHERE "mounts JSON"

/* The mounts of `json` as a spec (only its mounts are used): the config's own parser and checks, so
 * errors read "mounts JSON: .mounts[1]: ...". */
static int
parse_mounts(const char *json, struct spec **ret, ocirt_error **err)
{
        json_error_t je;
        json_t *v = json_loads(json, 0, &je), *arr, *top;
        _cleanup_free_ char *text = NULL;

        if (!v)
                return ocirt_fail_at(err, EINVAL, LIVE_WHERE, "give a JSON array of mounts, as in config.json",
                                     "line %d: %s", je.line, je.text);
        arr = json_is_array(v) ? v : json_object_get(v, "mounts");
        if (!json_is_array(arr) || json_array_size(arr) == 0) {
                json_decref(v);
                return ocirt_fail_at(err, EINVAL, LIVE_WHERE,
                                     "[{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"/srv\", \"options\": [\"rbind\"]}]",
                                     "no mounts: expected a non-empty array or an object with a \"mounts\" array");
        }
        top = json_pack("{s:s, s:{s:s}, s:O}", "ociVersion", "1.0.2", "root", "path", "rootfs", "mounts", arr);
        json_decref(v);
        text = top ? json_dumps(top, JSON_COMPACT) : NULL;
        json_decref(top);
        if (!text)
                return ocirt_fail(err, ENOMEM, "mounts JSON");
        return spec_parse(text, strlen(text), LIVE_WHERE, ret, err);
}

/* What add does not do: a cgroup mount (it would show the runtime's cgroups) and idmapped binds. */
static int
check_addable(const struct spec *s, ocirt_error **err)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                _cleanup_free_ char *where = xasprintf("%s: .mounts[%zu]", LIVE_WHERE, i);

                if (m->type && (streq(m->type, "cgroup") || streq(m->type, "cgroup2")))
                        return ocirt_fail_at(err, ENOTSUP, where, "give cgroup mounts in config.json at create",
                                             "mounts add cannot mount a cgroup tree");
                if (strv_contains(m->options, "idmap") || strv_contains(m->options, "ridmap"))
                        return ocirt_fail_at(err, ENOTSUP, where, "give idmapped mounts in config.json at create",
                                             "mounts add cannot make an idmapped mount");
        }
        return 0;
}

static bool
is_bind_mount(const struct spec_mount *m)
{
        return (m->type && streq(m->type, "bind")) || strv_contains(m->options, "bind") || strv_contains(m->options, "rbind");
}

/* add: each bind source cloned (open_tree) in the host's mount namespace, before we leave it. */
static int
clone_bind_sources(struct container *c, int *fds, ocirt_error **err)
{
        const struct spec *s = c->spec;

        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                _cleanup_free_ char *src = NULL, *where = NULL;

                if (!is_bind_mount(m) || !m->source)
                        continue;
                src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
                fds[i] = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                               (strv_contains(m->options, "rbind") ? AT_RECURSIVE : 0));
                if (fds[i] < 0) {
                        where = xasprintf("%s: .mounts[%zu]", LIVE_WHERE, i);
                        return ocirt_fail_at(err, errno, where, NULL, "bind source '%s'", src);
                }
        }
        return 0;
}

/* The container's root and mount namespace, through the init's /proc/PID. */
static int
open_container(struct container *c, pid_t pid, int *ret_rootfd, int *ret_nsfd, ocirt_error **err)
{
        char path[64];

        (void) snprintf(path, sizeof path, "/proc/%d/root", (int) pid);
        *ret_rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        (void) snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int) pid);
        *ret_nsfd = open(path, O_RDONLY | O_CLOEXEC);
        if (*ret_rootfd < 0 || *ret_nsfd < 0)
                return ocirt_fail_at(err, errno, c->id, NULL, "open the container's root and mount namespace");
        return 0;
}

/* remove: the mount now at each destination, found inside the container's root; each must be a
 * mount point (its mount is not its parent directory's). *ret_procfd: our own /proc/self/fd, for
 * unmount_found(). */
static int
find_mount_points(struct container *c, int rootfd, int *fds, int *ret_procfd, ocirt_error **err)
{
        const struct spec *s = c->spec;

        *ret_procfd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < s->n_mounts; i++) {
                _cleanup_free_ char *where = xasprintf("%s: .mounts[%zu]", LIVE_WHERE, i);
                _cleanup_close_ int up = -1;
                const char *dest = s->mounts[i].destination;
                int r = pathres_open(rootfd, dest, PATHRES_NOFOLLOW, &fds[i], NULL);

                if (r < 0)
                        return ocirt_fail_at(err, -r, where, NULL, "'%s' in the container", dest);
                up = openat(fds[i], "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (*ret_procfd < 0 || up < 0 || mount_id_of(fds[i]) == mount_id_of(up) || mount_id_of(up) < 0)
                        return ocirt_fail_at(err, EINVAL, where, "name the destination of a mount of the container",
                                             "'%s' is not a mount point in the container", dest);
        }
        return 0;
}

/* Runs in: the child, in the container's mount namespace. */
static int
mount_all(struct container *c, int rootfd, int *fds, ocirt_error **err)
{
        mount_set_prepared_trees(fds, c->spec->n_mounts);
        for (size_t i = 0; i < c->spec->n_mounts; i++)
                if (mount_one(c, rootfd, &c->spec->mounts[i], i, err) < 0)
                        return -1;
        return 0;
}

/* Runs in: the child, in the container's mount namespace. umount2() takes a path: "N" in our own
 * /proc/self/fd (the host's procfs, opened before the setns) is the magic link to exactly the
 * mount found, whatever the container did since. */
static int
unmount_found(struct container *c, int procfd, const int *fds, ocirt_error **err)
{
        if (fchdir(procfd) < 0)
                return ocirt_fail(err, errno, "enter /proc/self/fd");
        for (size_t i = 0; i < c->spec->n_mounts; i++) {
                char name[16];

                (void) snprintf(name, sizeof name, "%d", fds[i]);
                if (umount2(name, MNT_DETACH) < 0) {
                        _cleanup_free_ char *where = xasprintf("%s: .mounts[%zu]", LIVE_WHERE, i);
                        return ocirt_fail_at(err, errno, where, NULL, "unmount '%s'", c->spec->mounts[i].destination);
                }
        }
        return 0;
}

/* Runs in: the child. Fails through init_fail() (a SYNC_ERROR to the runtime). */
_noreturn_ static void
live_child(struct container *c, pid_t pid, bool add)
{
        ocirt_error *e = NULL;
        int rootfd = -1, nsfd = -1, procfd = -1, *fds = xcalloc(c->spec->n_mounts, sizeof *fds);

        for (size_t i = 0; i < c->spec->n_mounts; i++)
                fds[i] = -1;
        if (add && clone_bind_sources(c, fds, &e) < 0)
                init_fail(c, e);
        if (open_container(c, pid, &rootfd, &nsfd, &e) < 0)
                init_fail(c, e);
        if (!add && find_mount_points(c, rootfd, fds, &procfd, &e) < 0)
                init_fail(c, e);
        if (setns(nsfd, CLONE_NEWNS) < 0) {
                ocirt_fail(&e, errno, "enter the mount namespace of container '%s'", c->id);
                init_fail(c, e);
        }
        if ((add ? mount_all(c, rootfd, fds, &e) : unmount_found(c, procfd, fds, &e)) < 0)
                init_fail(c, e);
        _exit(0);
}

static void
live_log(void *userdata, int level, const char *text)
{
        ocirt_log(userdata, level, 0, "%s", text);
}

static int
live(ocirt_ctx *ctx, const char *id, const char *json, bool add, ocirt_error **err)
{
        _cleanup_spec_ struct spec *spec = NULL;
        _cleanup_close_ int dirfd = -1;
        struct state st = { 0 };
        enum state_status status;
        int sp[2], r;
        pid_t child;

        if (geteuid() != 0)
                return ocirt_fail_at(err, ENOTSUP, add ? "mounts add" : "mounts remove", "run it as root",
                                     "changing the mounts of a container needs root");
        r = parse_mounts(json, &spec, err);
        if (r >= 0 && add)
                r = check_addable(spec, err);
        if (r < 0)
                return r;
        r = ocirt_id_validate(id, err);
        if (r >= 0)
                r = state_dir_open(ctx, id, &dirfd, err);
        if (r >= 0)
                r = state_read(dirfd, id, &st, err);
        if (r < 0)
                return r;
        status = state_status(dirfd, &st);
        if (status != STATUS_CREATED && status != STATUS_RUNNING && status != STATUS_PAUSED) {
                r = ocirt_fail_at(err, EINVAL, id, NULL, "the container is %s", state_status_name(status));
                state_done(&st);
                return r;
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                state_done(&st);
                return ocirt_fail(err, errno, "socketpair");
        }
        child = fork();
        if (child == 0) {
                struct container c = { .ctx = ctx, .id = id, .spec = spec, .config_path = (char *) LIVE_WHERE,
                                       .bundle = st.bundle, .rootfs = st.rootfs, .sync_child = sp[1],
                                       .sync_parent = -1, .lock_fd = -1, .state_dirfd = -1, .start_listen_fd = -1,
                                       .pty_master = -1, .init_pid = st.pid, .cgroup_fd = -1 };

                for (int t = 0; t < SPEC_NS__MAX; t++)
                        c.join_fd[t] = -1;
                close(sp[0]);
                live_child(&c, st.pid, add);
        }
        close(sp[1]);
        if (child < 0)
                r = ocirt_fail(err, errno, "fork");
        else {
                r = sync_wait_exec(sp[0], live_log, NULL, ctx, err);
                (void) waitpid(child, NULL, 0);
        }
        close(sp[0]);
        state_done(&st);
        return r < 0 ? r : 0;
}

int
ocirt_container_mounts_add(ocirt_ctx *ctx, const char *id, const char *mounts_json, ocirt_error **err)
{
        return live(ctx, id, mounts_json, true, err);
}

int
ocirt_container_mounts_remove(ocirt_ctx *ctx, const char *id, const char *mounts_json, ocirt_error **err)
{
        return live(ctx, id, mounts_json, false, err);
}
