/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lifecycle.c: create / start / run / kill / delete / state / list, each a short list of steps that
 * call into the modules. A failed create leaves nothing behind through the undo list: the state dir
 * and the init are the only things it creates on the host (mounts live in the init's namespace). */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "container/container.h"
#include "base/base.h"
#include "state/state.h"

_public_ int
ocirt_spec_generate(ocirt_ctx *ctx, unsigned flags, char **ret_json, ocirt_error **err)
{
        *ret_json = spec_default_json_flags(flags, geteuid(), getegid());
        return 0;
}


/* Context for the top of the chain. An error that already names its file and JSON path (or flag)
 * is complete as it is: "config.json: .linux.namespaces[3]: duplicate namespace type 'pid'". */
void
container_wrap_op(ocirt_error **err, const char *op, const char *id)
{
        if (err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "%s '%s'", op, id);
}

void
container_done(struct container *c)
{
        const struct spec_linux *l = c->spec ? c->spec->linux_ : NULL;

        if (c->uid_map && (!l || c->uid_map != l->uid_mappings))
                free(c->uid_map);
        if (c->gid_map && (!l || c->gid_map != l->gid_mappings))
                free(c->gid_map);
        for (int t = 0; t < SPEC_NS__MAX; t++)
                if (c->join_fd[t] >= 0)
                        close(c->join_fd[t]);
        if (c->sync_parent >= 0)
                close(c->sync_parent);
        if (c->start_listen_fd >= 0)
                close(c->start_listen_fd);
        if (c->pty_master >= 0)
                close(c->pty_master);
        if (c->lock_fd >= 0)
                close(c->lock_fd);
        if (c->cgroup_fd >= 0) /* a create that failed between cgroup_prepare and the clone */
                close(c->cgroup_fd);
        for (size_t i = 0; i < c->n_extra; i++) {
                free(c->extra[i].key);
                free(c->extra[i].value);
        }
        free(c->extra);
        helpers_release(c);
        spec_free(c->spec);
        free(c->bundle);
        free(c->rootfs);
        free(c->config_path);
}

static void
container_init(struct container *c, ocirt_ctx *ctx, const char *id, const ocirt_create_options *o, bool run_mode)
{
        *c = (struct container){ .ctx = ctx, .id = id, .sync_parent = -1, .sync_child = -1, .start_listen_fd = -1,
                                 .lock_fd = -1, .pty_master = -1, .state_dirfd = -1, .cgroup_fd = -1,
                                 .runtime_cpu = -1 };
        for (int t = 0; t < SPEC_NS__MAX; t++)
                c->join_fd[t] = -1;
        c->flags = o->flags;
        c->run_mode = run_mode;
        c->preserve_fds = o->preserve_fds;
        c->console_socket = o->console_socket;
        c->rootless = ctx_is_rootless(ctx);
        c->host_uid = geteuid();
        c->host_gid = getegid();
}

/* The bundle and config.json (or --config), parsed. Errors name the config as the user knows it. */
static int
load_config(struct container *c, const ocirt_create_options *o, ocirt_error **err)
{
        _cleanup_free_ char *cfg = NULL, *buf = NULL;
        size_t len;
        int r;

        c->bundle = realpath(o->bundle ? o->bundle : ".", NULL);
        if (!c->bundle)
                return ocirt_fail_at(err, errno, "--bundle", "give the directory that holds config.json",
                                     "bundle '%s'", o->bundle ? o->bundle : ".");
        if (o->config_path) {
                _cleanup_free_ char *abs = realpath(o->config_path, NULL);

                cfg = xstrdup(o->config_path);
                c->config_path = xstrdup(o->config_path);
                /* exec builds its process from the container's config: remember which one. */
                if (abs)
                        container_set_extra(c, "config", abs);
        } else {
                cfg = xasprintf("%s/config.json", c->bundle);
                c->config_path = o->bundle && !streq(o->bundle, ".") ? xasprintf("%s/config.json", o->bundle)
                                                                     : xstrdup("config.json");
        }
        r = read_file_at(AT_FDCWD, cfg, &buf, &len);
        if (r < 0)
                return ocirt_fail_at(err, -r, c->config_path,
                                     r == -ENOENT ? "create one with 'ocirt spec' (or --rootless)" : NULL,
                                     "cannot read the config");
        return spec_parse(buf, len, c->config_path, &c->spec, err);
}

/* What this command needs of the config beyond the schema: a process (run), a root, a console. */
static int
check_config(struct container *c, const ocirt_create_options *o, bool run_mode, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        _cleanup_free_ char *rootfs = NULL;

        /* The spec asks for .process only at `start`: `create` without one makes a container that
         * only holds its namespaces and mounts (exec can enter it), and `start` refuses it. */
        if (p ? p->n_args == 0 : run_mode)
                return ocirt_fail_at(err, EINVAL, c->config_path, "add .process.args, e.g. [\"sh\"]",
                                     "no process to run: .process%s is missing%s", p ? ".args" : "",
                                     p ? " or empty" : "");
        if (!p)
                container_set_extra(c, "process", "none");
        if (!c->spec->root || !c->spec->root->path)
                return ocirt_fail_at(err, EINVAL, c->config_path, "add .root.path, e.g. \"rootfs\"",
                                     ".root.path is missing");
        if (p && p->terminal && !o->console_socket && !(run_mode && !(o->flags & OCIRT_RUN_DETACH)))
                return ocirt_fail_at(err, EINVAL, "--console-socket",
                                     "pass --console-socket, or set process.terminal to false",
                                     "a detached container with process.terminal needs a console socket");

        rootfs = c->spec->root->path[0] == '/' ? xstrdup(c->spec->root->path)
                                               : xasprintf("%s/%s", c->bundle, c->spec->root->path);
        c->rootfs = realpath(rootfs, NULL);
        if (!c->rootfs)
                return ocirt_fail_at(err, errno, c->config_path, "point .root.path at the container's root directory",
                                     ".root.path '%s'", rootfs);
        return 0;
}

/* Step 1: everything that can be checked before the host is touched. */
int
container_prepare(ocirt_ctx *ctx, const char *id, const ocirt_create_options *o, bool run_mode,
                  struct container *c, ocirt_error **err)
{
        int r;

        container_init(c, ctx, id, o, run_mode);
        r = ocirt_id_validate(id, err);
        if (r >= 0)
                r = load_config(c, o, err);
        if (r >= 0)
                r = check_config(c, o, run_mode, err);
        if (r >= 0)
                r = ns_plan(c, err);
        if (r >= 0)
                r = userns_plan(c, err);
        if (r >= 0)
                r = procattr_prepare(c, err);
        if (r >= 0)
                r = hooks_prepare(c, err);
        if (r >= 0)
                r = exe_protect(c, err);
        return r;
}

static int
start_socket_path(int dirfd, struct sockaddr_un *sa)
{
        /* Through the fd: ROOT/ID may be longer than sun_path allows. */
        *sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
        return snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s", dirfd, STATE_START_SOCK);
}

static int
listen_start_socket(struct container *c, ocirt_error **err)
{
        struct sockaddr_un sa;
        int s;

        start_socket_path(c->lock_fd, &sa);
        s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (s < 0)
                return ocirt_fail(err, errno, "socket");
        if (bind(s, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(s, 1) < 0) {
                int e = errno;
                close(s);
                return ocirt_fail(err, e, "listen on %s", STATE_START_SOCK);
        }
        c->start_listen_fd = s;
        return 0;
}


int
container_record_state(struct container *c, ocirt_error **err)
{
        struct state st = {
                .oci_version = c->spec->oci_version,
                .id = (char *) c->id,
                .pid = c->init_pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .owner = geteuid(),
                .own_pidns = c->new_ns[SPEC_NS_PID],
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
                .extra = c->extra,
                .n_extra = c->n_extra,
        };
        _cleanup_free_ char *created = rfc3339_now();
        int r;

        st.created = created;
        r = proc_pid_start_time(c->init_pid, &st.start_time, NULL);
        if (r < 0)
                return ocirt_fail(err, -r, "read the start time of the init");
        return state_write(c->lock_fd, &st, err);
}

/* Steps 2-4: state dir, init, state.json. The undo list owns everything until commit. */
static int
container_create(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err)
{
        int r;

        c->cgroup_defer = true; /* spawn.c and init.c take the late way (cgroup.c) */
        /* `run` with nothing to make on the host before the clone: the state dir follows it
         * (spawn.c), while the init makes its namespaces. Not when newuidmap writes the maps: the
         * init waits for those first, and the state dir would only delay them. */
        c->state_dir_late = c->run_mode && helpers_none(c, o) && cgroup_waits_for_clone(c) &&
                            !(c->new_ns[SPEC_NS_USER] && !c->maps_self_write && geteuid() != 0);
        if (!c->state_dir_late) {
                r = state_dir_create(c->ctx, c->id, &c->lock_fd, undo, err);
                if (r < 0)
                        return r;
                r = helpers_prepare(c, o, undo, err);
                if (r < 0)
                        return r;
        }
        r = cgroup_prepare(c, undo, err);
        if (r < 0)
                return r;
        if (!c->run_mode) {
                r = listen_start_socket(c, err);
                if (r < 0)
                        return r;
        }
        r = process_spawn_init(c, undo, err);
        if (r < 0)
                return r;
        container_record(c); /* the init's pid, before anything else can go wrong */
        r = container_record_state(c, err);
        if (r < 0)
                return r;
        if (o->pid_file && !c->run_mode) {
                r = write_pid_file(o->pid_file, c->init_pid, err);
                if (r < 0)
                        return r;
        }
        /* Recorded: the init may outlive us now (it waits for `start`, init.c wait_for_start).
         * A failed send means it is gone already, which `start` will report. */
        if (!c->run_mode)
                (void) sync_send(c->sync_parent, SYNC_COMMITTED, 0, -1, NULL);
        return 0;
}

_public_ int
ocirt_container_create(ocirt_ctx *ctx, const char *id, const ocirt_create_options *o, ocirt_error **err)
{
        _cleanup_undo_ struct undo undo = { .ctx = ctx };
        struct container c;
        int r;

        r = container_prepare(ctx, id, o, /* run_mode= */ false, &c, err);
        if (r >= 0)
                r = container_create(&c, o, &undo, err);
        if (r >= 0)
                undo_commit(&undo);
        else
                container_wrap_op(err, "create", id);
        undo_rollback(&undo);
        container_done(&c);
        return r;
}

struct exec_wait {
        ocirt_ctx *ctx;
        int dirfd;
        const char *id;
};

/* Messages the init may send while the runtime waits for its exec (seccomp notify fd). */
static int
on_exec_msg(void *userdata, const struct sync_msg *m, int fd, ocirt_error **err)
{
        struct exec_wait *w = userdata;
        _cleanup_free_ char *json = NULL;
        struct state st = { 0 };
        int r;

        if (m->type != SYNC_SECCOMP_FD) {
                if (fd >= 0)
                        close(fd);
                return ocirt_fail(err, EIO, "sync: unexpected message %u while waiting for exec", m->type);
        }
        r = state_read(w->dirfd, w->id, &st, err);
        if (r < 0) {
                close(fd);
                return r == -ENOENT ? ocirt_fail(err, ENOENT, "state of '%s' is missing", w->id) : r;
        }
        json = state_to_json(&st, STATUS_CREATING, /* pretty= */ false);
        state_done(&st);
        return seccomp_forward_listener(w->ctx, json, m->text, fd, err);
}

static int
poststart(ocirt_ctx *ctx, int dirfd, const char *id, ocirt_error **err)
{
        struct state st = { 0 };
        int r;

        r = state_read(dirfd, id, &st, err);
        if (r >= 0)
                r = hooks_poststart(ctx, dirfd, &st, err);
        state_done(&st);
        return r;
}

/* After a foreground run: a whole delete (cgroup, helpers, poststop hooks), not just the state dir. */
static int
remove_state_quietly(ocirt_ctx *ctx, const char *id)
{
        _cleanup_error_ ocirt_error *e = NULL;
        return ocirt_container_delete(ctx, id, OCIRT_DELETE_FORCE, &e);
}

_public_ int
ocirt_container_run(ocirt_ctx *ctx, const char *id, const ocirt_create_options *o, int *ret_status, ocirt_error **err)
{
        _cleanup_undo_ struct undo undo = { .ctx = ctx };
        bool detach = o->flags & OCIRT_RUN_DETACH;
        struct container c;
        sigset_t old;
        int r, status = 0;

        r = container_prepare(ctx, id, o, /* run_mode= */ true, &c, err);
        if (r < 0)
                goto out;
        /* Block signals before the clone so that none sent while the container starts is lost: they are
         * forwarded once it runs. The init restores this mask before exec. */
        if (!detach)
                (void) signals_block_all(&old);
        else
                sigprocmask(SIG_SETMASK, NULL, &old);
        c.saved_sigmask = old;

        r = container_create(&c, o, &undo, err);
        if (r < 0)
                goto out;
        /* The init is on its way to exec: the runtime's wait for a grace period delays no one. */
        exe_drop_clone();
        {
                struct exec_wait w = { .ctx = ctx, .dirfd = c.lock_fd, .id = id };
                r = process_wait_exec(&c, on_exec_msg, &w, err);
        }
        if (r < 0)
                goto out;
        r = poststart(ctx, c.lock_fd, id, err);
        if (r < 0)
                goto out;
        if (o->pid_file) {
                r = write_pid_file(o->pid_file, c.init_pid, err);
                if (r < 0)
                        goto out;
        }
        undo_commit(&undo);
        /* Other commands (state, kill) must not wait behind a running container. */
        close(c.lock_fd);
        c.lock_fd = -1;
        if (detach)
                goto out;

        r = signals_wait_child(ctx, c.init_pid, c.pty_master, &status, err);
        if (r >= 0 && !(o->flags & OCIRT_RUN_KEEP))
                (void) remove_state_quietly(ctx, id);
out:
        if (!detach)
                sigprocmask(SIG_SETMASK, &old, NULL);
        if (r < 0)
                container_wrap_op(err, "run", id);
        undo_rollback(&undo);
        container_done(&c);
        if (r >= 0 && ret_status)
                *ret_status = status;
        return r;
}

static void
log_sink(void *userdata, int level, const char *text)
{
        ocirt_log(userdata, level, 0, "%s", text);
}

/* delete: the container as STATE_RECORD has it, when state.json is missing (a create killed half-way:
 * the lock is free, so its runtime is gone) or unreadable. The status then comes from the recorded
 * init alone; "creating" when there is none (or no record either). */
static int
load_record(ocirt_ctx *ctx, int dirfd, const char *id, int state_r, const ocirt_error *why, struct state *st,
            enum state_status *status)
{
        if (state_read_file(dirfd, STATE_RECORD, id, st, NULL) == 0) {
                if (state_r != -ENOENT)
                        log_warning(ctx, "%s; deleting '%s' from the record of its init and cgroup",
                                    ocirt_error_message(why), id);
                *status = st->pid > 0 ? state_status(dirfd, st) : STATUS_CREATING;
                if (*status == STATUS_STOPPED && state_r == -ENOENT)
                        *status = STATUS_CREATING;
        } else {
                if (state_r != -ENOENT)
                        log_warning(ctx, "%s, and there is no record of its init or cgroup: removing only its state",
                                    ocirt_error_message(why));
                *st = (struct state){ .id = xstrdup(id) };
                *status = STATUS_CREATING;
        }
        return 0;
}

static int
load_ex(ocirt_ctx *ctx, const char *id, bool use_record, int *ret_dirfd, struct state *st, enum state_status *status,
        ocirt_error **err)
{
        int r;

        r = ocirt_id_validate(id, err);
        if (r < 0)
                return r;
        r = state_dir_open(ctx, id, ret_dirfd, err);
        if (r < 0)
                return r;
        if (use_record) {
                _cleanup_error_ ocirt_error *why = NULL;
                r = state_read(*ret_dirfd, id, st, &why);
                if (r < 0)
                        return load_record(ctx, *ret_dirfd, id, r, why, st, status);
        } else
                r = state_read(*ret_dirfd, id, st, err);
        if (r == -ENOENT) {
                *st = (struct state){ .id = xstrdup(id) };
                *status = STATUS_CREATING;
                return 0;
        }
        if (r < 0)
                return r;
        *status = state_status(*ret_dirfd, st);
        if (*status == STATUS_RUNNING && cgroup_is_paused(ctx, st))
                *status = STATUS_PAUSED;
        return 0;
}

static int
load(ocirt_ctx *ctx, const char *id, int *ret_dirfd, struct state *st, enum state_status *status, ocirt_error **err)
{
        return load_ex(ctx, id, false, ret_dirfd, st, status, err);
}

_public_ int
ocirt_container_start(ocirt_ctx *ctx, const char *id, ocirt_error **err)
{
        _cleanup_close_ int dirfd = -1, s = -1;
        struct state st = { 0 };
        enum state_status status;
        struct sockaddr_un sa;
        int r;

        r = load(ctx, id, &dirfd, &st, &status, err);
        if (r < 0)
                goto out;
        if (status != STATUS_CREATED) {
                r = ocirt_fail_at(err, EINVAL, id, status == STATUS_STOPPED ? "create it again" : NULL,
                                  "cannot start a container that is %s", state_status_name(status));
                goto out;
        }
        if (state_get_extra(&st, "process")) {
                /* Checked here, before the init is told anything: the container stays created. */
                _cleanup_free_ char *where = xasprintf("%s/config.json", st.bundle);
                r = ocirt_fail_at(err, EINVAL, where, "delete the container and create it from a config with a .process",
                                  "the container was created without a .process: there is nothing to start");
                goto out;
        }
        start_socket_path(dirfd, &sa);
        s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (s < 0 || connect(s, (struct sockaddr *) &sa, sizeof sa) < 0) {
                r = ocirt_fail(err, errno, "connect to the container init");
                goto out;
        }
        r = sync_send(s, SYNC_START, 0, -1, err);
        if (r < 0)
                goto out;
        /* From here on the status reads `running`. */
        (void) unlinkat(dirfd, STATE_START_SOCK, 0);
        {
                struct exec_wait w = { .ctx = ctx, .dirfd = dirfd, .id = id };
                r = sync_wait_exec(s, log_sink, on_exec_msg, &w, err);
        }
        if (r >= 0)
                r = hooks_poststart(ctx, dirfd, &st, err);
out:
        if (r < 0)
                container_wrap_op(err, "start", id);
        state_done(&st);
        return r;
}

/* Signal a process only if it is still the one recorded (pidfd + start time: no pid-reuse race). */
static int
signal_init(const struct state *st, int sig, ocirt_error **err)
{
        _cleanup_close_ int pidfd = sys_pidfd_open(st->pid, 0);
        unsigned long long start;

        if (pidfd < 0) {
                if (errno == ESRCH)
                        return ocirt_fail(err, ESRCH, "the container process is gone");
                /* COMPAT(kernel < 5.3): no pidfd; the start-time check below still applies. */
        }
        if (proc_pid_start_time(st->pid, &start, NULL) < 0 || start != st->start_time)
                return ocirt_fail(err, ESRCH, "the container process is gone");
        if (pidfd >= 0 ? sys_pidfd_send_signal(pidfd, sig) < 0 : kill(st->pid, sig) < 0)
                return ocirt_fail(err, errno, "send signal %d to %d", sig, (int) st->pid);
        return 0;
}

/* Without a cgroup (a later issue), "all processes" are those in the container's pid namespace. */
static void
signal_all_in_pidns(const struct state *st, int sig)
{
        _cleanup_closedir_ DIR *d = opendir("/proc");
        char path[64];
        struct stat ns, o;
        struct dirent *de;

        snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) st->pid);
        if (!d || stat(path, &ns) < 0)
                return;
        while ((de = readdir(d))) {
                int pid = atoi(de->d_name);
                if (pid <= 0 || pid == st->pid)
                        continue;
                snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
                if (stat(path, &o) == 0 && o.st_ino == ns.st_ino && o.st_dev == ns.st_dev)
                        (void) kill(pid, sig);
        }
}

_public_ int
ocirt_container_kill(ocirt_ctx *ctx, const char *id, int sig, unsigned flags, ocirt_error **err)
{
        _cleanup_close_ int dirfd = -1;
        struct state st = { 0 };
        enum state_status status;
        int r;

        r = load(ctx, id, &dirfd, &st, &status, err);
        /* containerd's shim maps a kill error that says "container not running" (runc's words) to
         * "process already finished", which it expects when it races a container's exit. */
        if (r >= 0 && status == STATUS_STOPPED)
                r = ocirt_fail_at(err, EINVAL, id, NULL, "container not running: it is stopped");
        else if (r >= 0 && status != STATUS_CREATED && status != STATUS_RUNNING && status != STATUS_PAUSED)
                r = ocirt_fail_at(err, EINVAL, id, NULL, "cannot kill a container that is %s",
                                  state_status_name(status));
        if (r >= 0 && (flags & OCIRT_KILL_ALL) && cgroup_kill_all(ctx, &st, sig) <= 0 && st.own_pidns)
                signal_all_in_pidns(&st, sig);
        if (r >= 0)
                r = signal_init(&st, sig, err);
        if (r < 0)
                container_wrap_op(err, "kill", id);
        state_done(&st);
        return r;
}

static void
wait_gone(const struct state *st)
{
        _cleanup_close_ int pidfd = sys_pidfd_open(st->pid, 0);
        unsigned long long start;

        if (pidfd >= 0) {
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                (void) poll(&p, 1, 10000);
                return;
        }
        for (int i = 0; i < 1000 && proc_pid_start_time(st->pid, &start, NULL) == 0 && start == st->start_time; i++)
                usleep(10000);
}

/* A program that embeds the library is the parent of every init it creates (the CLI exits and
 * leaves them to its own parent). Once the container has stopped, its init is our zombie until
 * someone waits for it, and nobody else knows the pid: reap it here, or a long-running embedder
 * collects one zombie per container until it runs out of pids (tests/cycles). Only a zombie with the
 * recorded start time (so not a reused pid), and WNOHANG: a caller that already reaped it, or that
 * reaps by pid itself, loses nothing. */
static void
reap_own_init(const struct state *st)
{
        unsigned long long start;
        char state;

        if (st->pid > 0 && proc_pid_start_time(st->pid, &start, &state) == 0 && start == st->start_time &&
            state == 'Z')
                (void) waitpid(st->pid, NULL, WNOHANG);
}

/* What the subsystems made on the host goes before the state dir: cgroup, helpers (slirp4netns,
 * overlay mounts). poststop hooks only warn, as the spec says. */
static int
teardown(ocirt_ctx *ctx, int dirfd, const struct state *st, ocirt_error **err)
{
        _cleanup_error_ ocirt_error *hook_err = NULL;
        int r;

        r = cgroup_teardown(ctx, st, err);
        if (r < 0)
                return r;
        r = helpers_teardown(ctx, st, err);
        if (r < 0)
                return r;
        r = procattr_teardown(ctx, st, err);
        if (r < 0)
                return r;
        if (hooks_poststop(ctx, dirfd, st, &hook_err) < 0)
                log_warning(ctx, "poststop hook: %s, ignoring", ocirt_error_message(hook_err));
        return 0;
}

static void
criu_root_detach(ocirt_ctx *ctx, const char *id)
{
        _cleanup_free_ char *path = xasprintf("%s/%s/%s", ocirt_ctx_get_root(ctx), id, CONTAINER_CRIU_ROOT);

        /* UMOUNT_NOFOLLOW: only the state directory's own entry, never where a symlink points.
         * EINVAL (not a mount point) and ENOENT (no restore ran) are the usual answers. */
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
                (void) rmdir(path);
}

_public_ int
ocirt_container_delete(ocirt_ctx *ctx, const char *id, unsigned flags, ocirt_error **err)
{
        _cleanup_close_ int dirfd = -1;
        struct state st = { 0 };
        enum state_status status;
        int r;

        r = load_ex(ctx, id, flags & OCIRT_DELETE_FORCE, &dirfd, &st, &status, err);
        if (r == -ENOENT && (flags & OCIRT_DELETE_FORCE) && err && *err) {
                /* As runc: forcing the delete of a container that does not exist is not an error
                 * (podman calls it after every failed create). */
                *err = ocirt_error_free(*err);
                r = 0;
                goto out;
        }
        if (r < 0)
                goto out;
        if (status != STATUS_STOPPED) {
                if (!(flags & OCIRT_DELETE_FORCE)) {
                        r = ocirt_fail_at(err, EINVAL, id, "stop it first, or use 'ocirt delete --force'",
                                          "cannot delete a container that is %s", state_status_name(status));
                        goto out;
                }
                /* "creating" with a recorded init: its create was killed after the clone. */
                if (status != STATUS_CREATING || st.pid > 0) {
                        if (cgroup_kill_all(ctx, &st, SIGKILL) <= 0 && st.own_pidns)
                                signal_all_in_pidns(&st, SIGKILL);
                        (void) signal_init(&st, SIGKILL, NULL);
                        wait_gone(&st);
                }
        }
        reap_own_init(&st);
        r = teardown(ctx, dirfd, &st, err);
        if (r < 0)
                goto out;
        criu_root_detach(ctx, id);
        r = state_dir_remove(ctx, id, err);
out:
        if (r < 0)
                container_wrap_op(err, "delete", id);
        state_done(&st);
        return r;
}

_public_ int
ocirt_container_state(ocirt_ctx *ctx, const char *id, char **ret_json, ocirt_error **err)
{
        _cleanup_close_ int dirfd = -1;
        struct state st = { 0 };
        enum state_status status;
        int r;

        r = load(ctx, id, &dirfd, &st, &status, err);
        if (r >= 0) {
                if (!st.oci_version) {
                        st.oci_version = xstrdup(ocirt_spec_version());
                        st.bundle = xstrdup("");
                        st.rootfs = xstrdup("");
                        st.created = xstrdup("");
                }
                *ret_json = state_to_json(&st, status, /* pretty= */ true);
        } else {
                container_wrap_op(err, "state", id);
        }
        state_done(&st);
        return r;
}

_public_ int
ocirt_container_list(ocirt_ctx *ctx, ocirt_state_info **ret_list, size_t *ret_n, ocirt_error **err)
{
        _cleanup_closedir_ DIR *d = NULL;
        ocirt_state_info *list = NULL;
        const char *root;
        struct dirent *de;
        size_t n = 0;
        int r;

        r = ctx_state_root(ctx, &root, err);
        if (r < 0)
                return r;
        d = opendir(root);
        if (!d)
                return ocirt_fail(err, errno, "list '%s'", root);
        while ((de = readdir(d))) {
                _cleanup_close_ int fd = -1;
                struct state st = { 0 };
                enum state_status status = STATUS_CREATING;

                if (de->d_name[0] == '.' || ocirt_id_validate(de->d_name, NULL) < 0)
                        continue;
                fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        continue;
                /* No lock: state.json is replaced atomically, and list must not wait behind a create. */
                if (state_read(fd, de->d_name, &st, NULL) == 0) {
                        status = state_status(fd, &st);
                        if (status == STATUS_RUNNING && cgroup_is_paused(ctx, &st))
                                status = STATUS_PAUSED;
                }
                list = xrealloc(list, (n + 1) * sizeof *list);
                list[n] = (ocirt_state_info){
                        .id = xstrdup(de->d_name),
                        .status = xstrdup(state_status_name(status)),
                        .pid = status == STATUS_STOPPED ? 0 : st.pid,
                        .bundle = xstrdup(strempty(st.bundle)),
                        .rootfs = xstrdup(strempty(st.rootfs)),
                        .created = xstrdup(strempty(st.created)),
                        .owner = st.id ? state_owner_name(st.owner) : xstrdup(""),
                        .oci_version = xstrdup(st.oci_version ? st.oci_version : ocirt_spec_version()),
                };
                n++;
                state_done(&st);
        }
        *ret_list = list;
        *ret_n = n;
        return 0;
}

_public_ void
ocirt_state_info_free(ocirt_state_info *list, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(list[i].id);
                free(list[i].status);
                free(list[i].bundle);
                free(list[i].rootfs);
                free(list[i].created);
                free(list[i].owner);
                free(list[i].oci_version);
        }
        free(list);
}
