/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* restore.c: `ocirt restore` (issue 17): a new container from CRIU images, as a list of steps.
 *
 * The container is made like `run` makes one, except that CRIU creates its process tree instead of
 * the clone: the config is read and planned (container_prepare), the state directory and the
 * cgroup are made (undo owns both), then `criu swrk` restores the tree. CRIU is started inside the
 * container's cgroup, and told that cgroup as the root of what it restores, so the restored
 * processes land where `ocirt delete` and `ocirt update` look. It is told to restore the tree as
 * our child (rst_sibling), so that restore can wait for it as `run` waits for its init, and what
 * checkpoint.c describes of the container (external mounts, a joined network namespace, the stdio
 * pipes) is mapped to this bundle: a restore into a new bundle binds the new bundle's sources.
 * Then state.json is written for the restored init. A failure anywhere rolls everything back
 * (CRIU kills what it restored when it fails itself). */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "container/container.h"
#include "container/checkpoint.h"
#include "base/base.h"
#include "state/state.h"

struct restore {
        struct container c;
        const ocirt_restore_options *o;
        struct criu_dirs d;
        char *root;             /* STATE/criu-root: the rootfs bound there, CRIU's root */
        struct state cg_state;  /* the new cgroup, as cgroup_join_self reads it */
        char *cgroup_root;      /* the cgroup, relative to the v2 mount */
};

static int
undo_umount(void *data, ocirt_error **err)
{
        (void) err;
        (void) umount2(data, MNT_DETACH);
        (void) rmdir(data);
        return 0;
}

static int
undo_kill(void *data, ocirt_error **err)
{
        pid_t pid = *(pid_t *) data;

        (void) err;
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        return 0;
}

/* CRIU wants its root to be a mount point (runc binds the rootfs the same way): the rootfs bound
 * into the state directory, gone after the restore. */
static int
bind_root(struct restore *x, struct undo *undo, ocirt_error **err)
{
        x->root = xasprintf("%s/%s/%s", ocirt_ctx_get_root(x->c.ctx), x->c.id, CONTAINER_CRIU_ROOT);
        if (mkdir(x->root, 0700) < 0)
                return ocirt_fail(err, errno, "mkdir '%s'", x->root);
        if (mount(x->c.rootfs, x->root, NULL, MS_BIND | MS_REC, NULL) < 0) {
                int e = errno;

                (void) rmdir(x->root);
                return ocirt_fail(err, e, "bind the rootfs '%s' to '%s'", x->c.rootfs, x->root);
        }
        undo_push(undo, "unmount the CRIU root", undo_umount, xstrdup(x->root));
        return 0;
}

/* "v2=/sys/fs/cgroup/ocirt/ID": the container's cgroup below the v2 mount ("/ocirt/ID"). On v1
 * CRIU keeps the dumped paths (NULL). */
static char *
v2_cgroup_root(const struct container *c)
{
        const char *dirs = NULL, *p;

        for (size_t i = 0; i < c->n_extra; i++)
                if (streq(c->extra[i].key, "cgroup.dirs"))
                        dirs = c->extra[i].value;
        if (!dirs || strchr(dirs, '\n') != dirs + strlen(dirs) - 1)
                return NULL; /* none, or several hierarchies (v1) */
        p = strstr(dirs, "=/sys/fs/cgroup/");
        if (!p)
                return NULL;
        return xstrndup(p + strlen("=/sys/fs/cgroup"), strlen(p + strlen("=/sys/fs/cgroup")) - 1);
}

/* In the forked criu, before exec: into the container's cgroup, so the restored tree is born there. */
static int
join_cgroup(void *userdata)
{
        struct restore *x = userdata;
        _cleanup_error_ ocirt_error *e = NULL;

        return cgroup_join_self(x->c.ctx, &x->cg_state, NULL, false, &e);
}

/* CRIU's notifications: a terminal's new pty master goes to --console-socket, or stays here to be
 * relayed when restore waits in the foreground. */
static int
on_notify(void *userdata, const char *script, pid_t pid, int fd, ocirt_error **err)
{
        struct restore *x = userdata;

        (void) pid;
        if (!streq(script, "orphan-pts-master") || fd < 0)
                return 0;
        if (x->o->console_socket)
                return terminal_send_console(x->o->console_socket, fd, err);
        x->c.pty_master = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        return x->c.pty_master < 0 ? ocirt_fail(err, errno, "keep the pty master") : 0;
}

static int
restore_tree(struct restore *x, struct undo *undo, ocirt_error **err)
{
        const struct spec_process *p = x->c.spec->process;
        _cleanup_strv_ char **ext = NULL, **keys = NULL;
        struct criu_inherit inherit[4];
        size_t n_inherit = 0;
        const struct spec_namespace *netns = spec_find_ns(x->c.spec, SPEC_NS_NETWORK);
        bool own_netns;
        struct criu_inherit net;
        struct criu_result res;
        uint32_t empty_ns;
        int cg_mode, r;

        r = criu_cg_mode_parse(x->o->criu.manage_cgroups_mode, &cg_mode, err);
        if (r >= 0)
                r = criu_empty_ns_parse(x->o->criu.empty_ns, x->o->criu.n_empty_ns, &empty_ns, err);
        if (r >= 0)
                r = criu_describe_mounts(x->c.spec, x->c.bundle, 0, true, &ext, err);
        if (r >= 0)
                r = criu_describe_namespaces(x->c.spec, true, &ext, &net, err);
        if (r < 0)
                return r;
        /* A namespace CRIU restores (not a joined one, not left empty) comes with its lock. */
        own_netns = netns && !netns->path && !(empty_ns & CLONE_NEWNET);
        if (net.fd >= 0)
                inherit[n_inherit++] = net;
        (void) criu_read_descriptors(x->d.images_fd, inherit, &n_inherit, &keys);
        x->cg_state = (struct state){ .id = (char *) x->c.id, .extra = x->c.extra, .n_extra = x->c.n_extra };
        x->cgroup_root = v2_cgroup_root(&x->c);

        r = criu_run(&(struct criu_request){
                             .action = CRIU_ACTION_RESTORE,
                             .images_fd = x->d.images_fd,
                             .work_fd = x->d.work_fd,
                             .work_path = x->d.work,
                             .log_name = "restore.log",
                             .tcp_established = x->o->criu.flags & OCIRT_CHECKPOINT_TCP_ESTABLISHED,
                             .ext_unix_sk = x->o->criu.flags & OCIRT_CHECKPOINT_EXT_UNIX_SK,
                             .shell_job = x->o->criu.flags & OCIRT_CHECKPOINT_SHELL_JOB,
                             .file_locks = x->o->criu.flags & OCIRT_CHECKPOINT_FILE_LOCKS,
                             .auto_dedup = x->o->criu.flags & OCIRT_CHECKPOINT_AUTO_DEDUP,
                             /* The memory comes from `criu lazy-pages`, through the
                              * lazy-pages.socket in the work directory. */
                             .lazy_pages = x->o->criu.flags & OCIRT_CHECKPOINT_LAZY_PAGES,
                             .rst_sibling = true,
                             .orphan_pts_master = p && p->terminal,
                             .drop_stale_netlock = own_netns,
                             .notify_scripts = (p && p->terminal) || own_netns,
                             .root = x->root,
                             .manage_cgroups_mode = cg_mode,
                             .cgroup_root = x->cgroup_root,
                             .empty_ns = empty_ns,
                             .config_file = criu_config_file(x->c.spec),
                             .external = ext,
                             .inherit = inherit,
                             .n_inherit = n_inherit,
                             .setup = join_cgroup,
                             .setup_data = x,
                             .on_notify = on_notify,
                             .notify_data = x,
                     },
                     &res, err);
        if (net.fd >= 0)
                close(net.fd);
        if (r < 0)
                return r;
        if (res.pid <= 0)
                return ocirt_fail(err, EPROTO, "criu restored no process");
        x->c.init_pid = res.pid;
        {
                pid_t *pp = xmalloc(sizeof *pp);

                *pp = res.pid;
                undo_push(undo, "kill the restored container", undo_kill, pp);
        }
        return 0;
}

static int
restore_steps(struct restore *x, struct undo *undo, ocirt_error **err)
{
        const ocirt_restore_options *o = x->o;
        int r;

        r = criu_dirs_open(o->criu.image_path ? o->criu.image_path : "checkpoint", o->criu.work_path, false, &x->d, err);
        if (r >= 0)
                r = state_dir_create(x->c.ctx, x->c.id, &x->c.lock_fd, undo, err);
        if (r >= 0)
                r = cgroup_prepare(&x->c, undo, err);
        if (r >= 0) {
                criu_make_mountpoints(x->c.spec, x->c.bundle, x->c.rootfs);
                r = bind_root(x, undo, err);
        }
        if (r >= 0)
                r = restore_tree(x, undo, err);
        if (r < 0)
                return r;
        container_record(&x->c);
        r = container_record_state(&x->c, err);
        if (r >= 0 && o->pid_file)
                r = write_pid_file(o->pid_file, x->c.init_pid, err);
        return r;
}

_public_ int
ocirt_container_restore(ocirt_ctx *ctx, const char *id, const ocirt_restore_options *o, int *ret_status,
                        ocirt_error **err)
{
        static const ocirt_restore_options none = { { 0 } };
        _cleanup_undo_ struct undo undo = { .ctx = ctx };
        struct restore x = { .d = { .images_fd = -1, .work_fd = -1 } };
        bool detach;
        int r, status = 0;

        if (!o)
                o = &none;
        x.o = o;
        detach = o->criu.flags & OCIRT_RESTORE_DETACH;
        r = ocirt_id_validate(id, err);
        if (r >= 0)
                r = criu_options_check(&o->criu, err);
        if (r >= 0)
                r = criu_preflight(ctx, "restore", err);
        if (r >= 0 && o->criu.flags & OCIRT_CHECKPOINT_LAZY_PAGES)
                r = criu_lazy_preflight("restore", err);
        if (r < 0) {
                container_wrap_op(err, "restore", id);
                return r;
        }
        {
                const ocirt_create_options co = {
                        .bundle = o->bundle,
                        .pid_file = o->pid_file,
                        .console_socket = o->console_socket,
                        .flags = (o->criu.flags & OCIRT_RESTORE_NO_PIVOT ? OCIRT_CREATE_NO_PIVOT : 0) |
                                 (detach ? OCIRT_RUN_DETACH : 0),
                };

                /* As run: a terminal without a console socket is relayed in the foreground. */
                r = container_prepare(ctx, id, &co, /* run_mode= */ true, &x.c, err);
        }
        if (r >= 0)
                r = restore_steps(&x, &undo, err);
        if (x.root) {
                (void) umount2(x.root, MNT_DETACH); /* CRIU pivoted into it; the tree keeps its mounts */
                (void) rmdir(x.root);
        }
        if (r >= 0)
                undo_commit(&undo);
        undo_rollback(&undo);
        criu_dirs_done(&x.d, false, "restore.log");
        if (r >= 0 && !detach) {
                close(x.c.lock_fd); /* state, kill: not behind a running container */
                x.c.lock_fd = -1;
                r = signals_wait_child(ctx, x.c.init_pid, x.c.pty_master, &status, err);
                if (r >= 0) {
                        _cleanup_error_ ocirt_error *e = NULL;

                        (void) ocirt_container_delete(ctx, id, OCIRT_DELETE_FORCE, &e);
                }
        }
        if (r < 0)
                container_wrap_op(err, "restore", id);
        free(x.root);
        free(x.cgroup_root);
        container_done(&x.c);
        if (r >= 0 && ret_status)
                *ret_status = status;
        return r;
}
