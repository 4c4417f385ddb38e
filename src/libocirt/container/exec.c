/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec.c: ocirt_container_exec, a new process in a running container.
 *
 * Three processes: the runtime (this file's public function), an intermediate child that joins the
 * container's namespaces (user first) through /proc/PID/ns of the init, and the process itself,
 * forked by the intermediate with CLONE_PARENT so that it lands in the container's pid namespace and
 * is still the runtime's child (the runtime waits for it in the foreground; conmon and containerd's
 * shim, as subreapers, inherit it when the runtime exits after --detach). The process gets the
 * container's cgroup (clone3 into the v2 part, cgroup_join_self for v1, before any namespace is
 * joined, so the cgroup namespace shows the right root), its rlimits, user, capabilities, LSM labels, no_new_privs and seccomp filter, in
 * init.c's order. The runtime learns that exec succeeded from EOF on the close-on-exec sync socket,
 * and only then writes the pid file: conmon detects a failed exec by its absence.
 *
 * The process comes from the config recorded in the state (BUNDLE/config.json) with the command
 * line's changes, or from --process whole; either way it goes through spec_parse(), so every
 * field is checked as for create.
 *
 * This file is the runtime's side; exec-process.c is the intermediate's and the process's. */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <strings.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/nsfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "container/container.h"
#include "container/exec-process.h"
#include "base/base.h"
#include "state/state.h"

/* ---- --user and gid parsing ---- */

/* A uid or gid: decimal digits only, no sign, space or base prefix, below (uid_t) -1. strtoul()
 * would take "-1" (as 4294967295), " 0", "+0" and "0x0"; Go's Atoi takes "+0" and "-1"; a lax
 * parser here turns a typo or an injected value into root (the crun CVE-2026-30892 class). */
static int
parse_id(const char *s, size_t len, uint32_t *ret)
{
        uint64_t v = 0;

        if (len == 0 || len > 10)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        if (v >= UINT32_MAX)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

static int
parse_user(const char *s, uint32_t *ret_uid, uint32_t *ret_gid, bool *ret_has_gid, ocirt_error **err)
{
        static const char hint[] = "use UID or UID:GID with decimal numbers below 4294967295, e.g. 1000:1000";
        const char *colon = strchr(s, ':');
        size_t ulen = colon ? (size_t) (colon - s) : strlen(s);

        if (parse_id(s, ulen, ret_uid) < 0)
                return ocirt_fail_at(err, EINVAL, "--user", hint, "invalid uid in '%s'", s);
        *ret_has_gid = colon != NULL;
        if (colon && parse_id(colon + 1, strlen(colon + 1), ret_gid) < 0)
                return ocirt_fail_at(err, EINVAL, "--user", hint, "invalid gid in '%s'", s);
        return 0;
}

/* ---- the process, as JSON, then as a struct spec ---- */

static json_t *
strv_to_json(char *const *v)
{
        json_t *a = json_array();

        for (size_t i = 0; v && v[i]; i++)
                json_array_append_new(a, json_string(v[i]));
        return a;
}

/* KEY=VALUE into env, replacing KEY. */
static void
env_set(json_t *env, const char *kv)
{
        size_t klen = strcspn(kv, "=");
        size_t i;
        json_t *x;

        json_array_foreach(env, i, x) {
                const char *s = json_string_value(x);
                if (s && strncmp(s, kv, klen) == 0 && (s[klen] == '=' || s[klen] == '\0')) {
                        json_array_set_new(env, i, json_string(kv));
                        return;
                }
        }
        json_array_append_new(env, json_string(kv));
}

static json_t *
obj_child(json_t *o, const char *key)
{
        json_t *x = json_object_get(o, key);

        if (!json_is_object(x)) {
                x = json_object();
                json_object_set_new(o, key, x);
        }
        return x;
}

static void
caps_add(json_t *caps, const char *set, const char *name)
{
        json_t *a = json_object_get(caps, set), *x;
        size_t i;

        if (!json_is_array(a)) {
                a = json_array();
                json_object_set_new(caps, set, a);
        }
        json_array_foreach(a, i, x)
                if (json_is_string(x) && streq(json_string_value(x), name))
                        return;
        json_array_append_new(a, json_string(name));
}

/* The command line's changes to the container's process (runc's rules). */
static int
apply_options(json_t *proc, const ocirt_exec_options *o, ocirt_error **err)
{
        int r;

        if (!o->args || !o->args[0])
                return ocirt_fail_at(err, EINVAL, "exec", "give a command after the ID, or --process FILE",
                                     "no command to run");
        json_object_set_new(proc, "args", strv_to_json(o->args));
        if (o->env && o->env[0]) {
                json_t *env = json_object_get(proc, "env");
                if (!json_is_array(env)) {
                        env = json_array();
                        json_object_set_new(proc, "env", env);
                }
                for (size_t i = 0; o->env[i]; i++) {
                        if (!strchr(o->env[i], '=') || o->env[i][0] == '=')
                                return ocirt_fail_at(err, EINVAL, "--env", "use KEY=VALUE",
                                                     "invalid environment entry '%s'", o->env[i]);
                        env_set(env, o->env[i]);
                }
        }
        if (o->cwd)
                json_object_set_new(proc, "cwd", json_string(o->cwd));
        if (o->user) {
                uint32_t uid = 0, gid = 0;
                bool has_gid;
                json_t *u = obj_child(proc, "user");

                r = parse_user(o->user, &uid, &gid, &has_gid, err);
                if (r < 0)
                        return r;
                json_object_set_new(u, "uid", json_integer(uid));
                if (has_gid)
                        json_object_set_new(u, "gid", json_integer(gid));
        }
        if (o->additional_gids && o->additional_gids[0]) {
                json_t *a = json_array();
                json_object_set_new(obj_child(proc, "user"), "additionalGids", a);
                for (size_t i = 0; o->additional_gids[i]; i++) {
                        uint32_t g;
                        if (parse_id(o->additional_gids[i], strlen(o->additional_gids[i]), &g) < 0)
                                return ocirt_fail_at(err, EINVAL, "--additional-gids",
                                                     "use decimal gids below 4294967295", "invalid gid '%s'",
                                                     o->additional_gids[i]);
                        json_array_append_new(a, json_integer(g));
                }
        }
        for (size_t i = 0; o->caps && o->caps[i]; i++) {
                json_t *caps = obj_child(proc, "capabilities");
                _cleanup_free_ char *name = NULL;

                name = strncasecmp(o->caps[i], "CAP_", 4) == 0 ? xstrdup(o->caps[i]) : xasprintf("CAP_%s", o->caps[i]);
                for (char *p = name; *p; p++)
                        *p = (char) toupper((unsigned char) *p);
                caps_add(caps, "bounding", name);
                caps_add(caps, "effective", name);
                caps_add(caps, "permitted", name);
        }
        if (o->tty >= 0)
                json_object_set_new(proc, "terminal", json_boolean(o->tty));
        if (o->no_new_privs > 0)
                json_object_set_new(proc, "noNewPrivileges", json_true());
        if (o->process_label)
                json_object_set_new(proc, "selinuxLabel", json_string(o->process_label));
        if (o->apparmor)
                json_object_set_new(proc, "apparmorProfile", json_string(o->apparmor));
        return 0;
}

static int
load_json(const char *path, const char *where, const char *hint, json_t **ret, ocirt_error **err)
{
        _cleanup_free_ char *buf = NULL;
        char msg[160] = "";
        int line = 0;
        size_t len;
        json_t *j;
        int r;

        r = read_file_at(AT_FDCWD, path, &buf, &len);
        if (r < 0)
                return ocirt_fail_at(err, -r, where, hint, "cannot read '%s'", path);
        /* As spec_parse() reads it (big integers, no duplicate keys): what it parses next is this. */
        j = spec_json_text(buf, len, &line, msg, sizeof msg);
        if (!j || !json_is_object(j)) {
                json_decref(j);
                return ocirt_fail_at(err, EINVAL, where, "check the JSON syntax, e.g. with 'jq . FILE'",
                                     "'%s' is not a JSON object (line %d: %s)", path, line, *msg ? msg : "not an object");
        }
        *ret = j;
        return 0;
}

static int
build_spec(const struct state *st, const ocirt_exec_options *o, struct spec **ret, ocirt_error **err)
{
        _cleanup_free_ char *cfg_path = state_config_path(st);
        json_t *cfg = NULL, *proc = NULL;
        int r;

        r = load_json(cfg_path, cfg_path, "the container's bundle must stay in place while it runs", &cfg, err);
        if (r < 0)
                return r;
        if (o->process_path) {
                r = load_json(o->process_path, "--process", "give a process.json (the \"process\" object of config.json)",
                              &proc, err);
                if (r < 0)
                        goto out;
                json_object_set_new(cfg, "process", proc);
        } else {
                proc = obj_child(cfg, "process");
                r = apply_options(proc, o, err);
                if (r < 0)
                        goto out;
        }
        /* Parsed as it stands: no text again (a dump and a second read were 0.07 ms of an exec). */
        r = spec_parse_json(cfg, o->process_path ? o->process_path : cfg_path, ret, err);
        if (r >= 0 && (!(*ret)->process || (*ret)->process->n_args == 0)) {
                *ret = spec_free(*ret);
                r = ocirt_fail_at(err, EINVAL, o->process_path ? o->process_path : "exec", NULL,
                                  "no process to run: .args is missing or empty");
        }
out:
        json_decref(cfg);
        return r;
}

/* ---- Runs in: the runtime ---- */

/* Each of the init's namespaces, opened once through its ns directory (one lookup a name, where
 * /proc/PID/ns/NAME walked four components, twice: 0.12 ms of an exec for eight namespaces). */
static int
open_namespaces(struct exec_run *x, ocirt_error **err)
{
        _cleanup_close_ int theirs = -1, ours = -1;
        char dir[64];

        snprintf(dir, sizeof dir, "/proc/%d/ns", (int) x->st->pid);
        theirs = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (theirs < 0)
                return ocirt_fail(err, errno, "open '%s'", dir);
        ours = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < EXEC_N_NS; i++) {
                char path[96];
                struct stat a, b;
                int fd;

                x->ns_fd[i] = -1;
                snprintf(path, sizeof path, "%s/%s", dir, exec_ns_order[i].name);
                fd = openat(theirs, exec_ns_order[i].name, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &a) < 0) {
                        int e = errno;
                        if (fd >= 0)
                                close(fd);
                        /* COMPAT(kernel < 5.6, < 4.6): no time or cgroup namespaces. */
                        if (e == ENOENT && (exec_ns_order[i].flag == CLONE_NEWTIME || exec_ns_order[i].flag == CLONE_NEWCGROUP))
                                continue;
                        return ocirt_fail(err, e, "open '%s'", path);
                }
                /* Ours already (a namespace the container shares with the host): joining our own user
                 * namespace is even an error (EINVAL). */
                if (ours >= 0 && fstatat(ours, exec_ns_order[i].name, &b, 0) == 0 && a.st_ino == b.st_ino &&
                    a.st_dev == b.st_dev) {
                        close(fd);
                        /* No mount namespace of its own: the container is a chroot (rootfs.c), and
                         * so must the process be, or it would run in our root. */
                        if (exec_ns_order[i].flag == CLONE_NEWNS && x->root_fd < 0) {
                                snprintf(path, sizeof path, "/proc/%d/root", (int) x->st->pid);
                                x->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (x->root_fd < 0)
                                        return ocirt_fail(err, errno, "open '%s'", path);
                        }
                        continue;
                }
                x->ns_fd[i] = fd;
        }
        return 0;
}

static void
close_namespaces(struct exec_run *x)
{
        if (x->root_fd >= 0) {
                close(x->root_fd);
                x->root_fd = -1;
        }
        for (size_t i = 0; i < EXEC_N_NS; i++)
                if (x->ns_fd[i] >= 0) {
                        close(x->ns_fd[i]);
                        x->ns_fd[i] = -1;
                }
}

static void
child_log(void *userdata, int level, const char *text)
{
        ocirt_log(userdata, level, 0, "%s", text);
}

static int
on_msg(void *userdata, const struct sync_msg *m, int fd, ocirt_error **err)
{
        struct exec_run *x = userdata;
        int r;

        switch (m->type) {
        case SYNC_PID:
                if (fd >= 0)
                        close(fd);
                x->pid = m->pid;
                return 0;
        case SYNC_PTY:
                if (fd < 0)
                        return ocirt_fail(err, EIO, "sync: pty message without an fd");
                if (x->o->console_socket) {
                        r = terminal_send_console(x->o->console_socket, fd, err);
                        close(fd);
                        return r;
                }
                if (x->pty_master >= 0)
                        close(x->pty_master);
                x->pty_master = fd;
                return 0;
        case SYNC_SECCOMP_FD: {
                _cleanup_free_ char *json = state_to_json(x->st, STATUS_RUNNING, /* pretty= */ false);
                if (fd < 0)
                        return ocirt_fail(err, EIO, "sync: seccomp message without an fd");
                return seccomp_forward_listener(x->ctx, json, m->text, fd, err);
        }
        default:
                if (fd >= 0)
                        close(fd);
                return ocirt_fail(err, EIO, "sync: unexpected message %u from the exec'd process", m->type);
        }
}


static int
check_status(ocirt_ctx *ctx, int dirfd, const char *id, const struct state *st, ocirt_error **err)
{
        enum state_status s = state_status(dirfd, st);

        if (s == STATUS_RUNNING && cgroup_is_paused(ctx, st))
                s = STATUS_PAUSED;
        if (s == STATUS_RUNNING || s == STATUS_CREATED)
                return 0;
        return ocirt_fail_at(err, EINVAL, id, s == STATUS_PAUSED ? "resume it first" : NULL,
                             "cannot exec in a container that is %s", state_status_name(s));
}

static int
ns_index(int flag)
{
        for (int i = 0; i < EXEC_N_NS; i++)
                if (exec_ns_order[i].flag == flag)
                        return i;
        return -1;
}

/* Without a user or time namespace to join first, the runtime can join the container's pid
 * namespace for its children itself (setns(CLONE_NEWPID) moves only where the next fork lands),
 * so the process is forked straight into it: no intermediate process, whose fork and exit cost
 * 0.6-0.8 ms here. Returns our own pid namespace to go back to (>= 0), or -1: use the intermediate. */
static int
join_pid_for_children(struct exec_run *x)
{
        int pid_i = ns_index(CLONE_NEWPID), fd;

        if (x->ns_fd[ns_index(CLONE_NEWUSER)] >= 0 || x->ns_fd[ns_index(CLONE_NEWTIME)] >= 0 ||
            x->ns_fd[pid_i] < 0)
                return -1;
        fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        /* Going back needs CAP_SYS_ADMIN over our own pid namespace, so it must be owned by our user
         * namespace (not so for conmon in rootless podman's namespace: EPERM). */
        {
                _cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS);
                struct stat a, b;
                if (owner < 0 || fstat(owner, &a) < 0 || stat("/proc/self/ns/user", &b) < 0 || a.st_ino != b.st_ino ||
                    a.st_dev != b.st_dev) {
                        close(fd);
                        return -1;
                }
        }
        if (setns(x->ns_fd[pid_i], CLONE_NEWPID) < 0) {
                log_debug(x->ctx, "exec: join the pid namespace for the process: %s; forking an intermediate",
                          strerror(errno));
                close(fd);
                return -1;
        }
        return fd;
}

/* Fork the process (or the intermediate that forks it), let it go and wait until it has exec'd. */
static int
spawn(struct exec_run *x, ocirt_error **err)
{
        _cleanup_close_ int own_pidns = -1, cgfd = -1;
        pid_t mid = -1;
        int sp[2], r, ws, fork_errno;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return ocirt_fail(err, errno, "socketpair");
        x->sync_parent = sp[0];
        x->sync_child = sp[1];
        /* The helper is born in the v2 cgroup (no migration, see cgroup.c) unless it must first run
         * outside it with execCPUAffinity.initial; the rest it joins itself. */
        if (!(x->spec->process->has_exec_cpu_affinity && x->spec->process->exec_cpu_affinity_initial)) {
                cgfd = cgroup_exec_v2_fd(x->ctx, x->st, x->o->cgroup, err);
                if (cgfd < -1)
                        return cgfd;
        }
        /* From here to the way back, no return: we are half in the container's pid namespace. */
        own_pidns = join_pid_for_children(x);
        if (cgfd >= 0) {
                mid = clone3_into_cgroup(0, cgfd);
                x->cgroup_v2_done = mid >= 0;
                if (mid < 0 && clone3_refused(errno))
                        mid = (pid_t) syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
        } else
                mid = (pid_t) syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
        fork_errno = errno;
        if (mid == 0) {
                if (own_pidns >= 0)
                        exec_direct(x);
                exec_intermediate(x);
        }
        /* Back in our own pid namespace for any later fork (an embedding program's too). Our own
         * active namespace is always allowed; should it fail, nothing else may be forked here. */
        if (own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0) {
                int e = errno;
                if (mid > 0) {
                        (void) kill(mid, SIGKILL);
                        (void) waitpid(mid, NULL, 0);
                }
                return ocirt_fail(err, e, "return to the runtime's pid namespace");
        }
        if (mid < 0)
                return ocirt_fail(err, fork_errno, x->cgroup_v2_done || cgfd < 0 ? "fork" : "fork into the container's cgroup");
        if (own_pidns >= 0)
                x->pid = mid; /* the process itself */
        close(x->sync_child);
        x->sync_child = -1;
        close_namespaces(x);

        /* execCPUAffinity.initial: while the process is still outside the container's cgroup. */
        r = 0;
        if (x->spec->process->has_exec_cpu_affinity && x->spec->process->exec_cpu_affinity_initial)
                r = exec_set_affinity(mid, x->spec->process->exec_cpu_affinity_initial, ".process.execCPUAffinity.initial", err);
        if (r >= 0)
                r = sync_send(x->sync_parent, SYNC_START, 0, -1, err);
        if (r >= 0)
                r = sync_wait_exec(x->sync_parent, child_log, on_msg, x, err);
        if (own_pidns >= 0) {
                /* No intermediate: the process is our child, waited for by the caller. */
                if (r < 0) {
                        (void) kill(mid, SIGKILL);
                        (void) waitpid(mid, NULL, 0);
                }
                return r;
        }
        if (r < 0) {
                (void) kill(mid, SIGKILL);
                if (x->pid > 0)
                        (void) kill(x->pid, SIGKILL);
        }
        (void) waitpid(mid, &ws, 0);
        if (r < 0) {
                if (x->pid > 0)
                        (void) waitpid(x->pid, NULL, 0);
                return r;
        }
        if (x->pid <= 0)
                return ocirt_fail(err, EIO, "the exec helper died before it started the process (status %d)", ws);
        return 0;
}

/* The container's state, locked, if exec may run in it now. */
static int
load_container(struct exec_run *x, const char *id, ocirt_error **err)
{
        int r;

        r = ocirt_id_validate(id, err);
        if (r < 0)
                return r;
        if (x->o->preserve_fds < 0 || x->o->preserve_fds > 4096)
                return ocirt_fail_at(err, EINVAL, "--preserve-fds", NULL, "out of range: %d", x->o->preserve_fds);
        r = state_dir_open(x->ctx, id, &x->lock_fd, err);
        if (r < 0)
                return r;
        r = state_read(x->lock_fd, id, x->st, err);
        if (r == -ENOENT)
                return ocirt_fail_at(err, EINVAL, id, "wait until it is created", "cannot exec in a container that is creating");
        if (r < 0)
                return r;
        return check_status(x->ctx, x->lock_fd, id, x->st, err);
}

/* The process to run: the container's with the options' changes, or --process. */
static int
plan_process(struct exec_run *x, ocirt_error **err)
{
        int r;

        r = build_spec(x->st, x->o, &x->spec, err);
        if (r < 0)
                return r;
        x->where = x->o->process_path ? x->o->process_path : "config.json";
        if (x->spec->process->terminal && !x->o->console_socket && (x->o->flags & OCIRT_EXEC_DETACH))
                return ocirt_fail_at(err, EINVAL, "--console-socket", "pass --console-socket, or do not ask for a terminal",
                                     "a detached exec with a terminal needs a console socket");
        return 0;
}

/* The pid may have been reused since state_status() looked: the fds are the container's only if
 * the init is still the recorded process now that they are open. */
static int
check_init_alive(struct exec_run *x, const char *id, ocirt_error **err)
{
        unsigned long long start;

        if (proc_pid_start_time(x->st->pid, &start, NULL) < 0 || start != x->st->start_time)
                return ocirt_fail_at(err, ESRCH, id, NULL, "the container process is gone");
        return 0;
}

/* conmon detects a failed exec by the pid file's absence: without one, the process must go too. */
static int
write_pid(struct exec_run *x, ocirt_error **err)
{
        int r;

        if (!x->o->pid_file)
                return 0;
        r = write_pid_file(x->o->pid_file, x->pid, err);
        if (r < 0) {
                (void) kill(x->pid, SIGKILL);
                (void) waitpid(x->pid, NULL, 0);
        }
        return r;
}

static void
exec_run_done(struct exec_run *x)
{
        close_namespaces(x);
        if (x->sync_parent >= 0)
                close(x->sync_parent);
        if (x->pty_master >= 0)
                close(x->pty_master);
        if (x->lock_fd >= 0)
                close(x->lock_fd);
        seccomp_built_free(x->seccomp);
        spec_free(x->spec);
}

_public_ int
ocirt_container_exec(ocirt_ctx *ctx, const char *id, const ocirt_exec_options *o, int *ret_status, ocirt_error **err)
{
        struct exec_run x = { .ctx = ctx, .o = o, .root_fd = -1, .lock_fd = -1, .sync_parent = -1, .sync_child = -1,
                              .pty_master = -1 };
        bool detach = o->flags & OCIRT_EXEC_DETACH;
        struct state st = { 0 };
        int r, status = 0;
        sigset_t old;

        for (size_t i = 0; i < EXEC_N_NS; i++)
                x.ns_fd[i] = -1;
        x.st = &st;
        sigprocmask(SIG_SETMASK, NULL, &old);

        r = load_container(&x, id, err);
        if (r >= 0)
                r = exe_protect_exec(ctx, st.pid, err); /* may re-execute: nothing exists yet */
        if (r >= 0)
                r = plan_process(&x, err);
        if (r >= 0)
                r = open_namespaces(&x, err);
        if (r >= 0)
                r = check_init_alive(&x, id, err);
        if (r >= 0)
                r = seccomp_build_spec(ctx, x.spec, &x.seccomp, err);
        if (r < 0)
                goto out;
        /* Blocked before the fork so that no signal for the process is lost; it restores the mask. */
        if (!detach)
                (void) signals_block_all(&old);
        x.saved_mask = old;

        r = spawn(&x, err);
        exe_drop_clone(); /* the process runs: the runtime's wait for a grace period delays no one */
        if (r >= 0)
                r = write_pid(&x, err);
        if (r < 0)
                goto out;
        /* Other commands must not wait behind a foreground exec. */
        close(x.lock_fd);
        x.lock_fd = -1;
        if (!detach)
                r = signals_wait_child(ctx, x.pid, x.pty_master, &status, err);
out:
        if (!detach)
                sigprocmask(SIG_SETMASK, &old, NULL);
        if (r < 0 && err && *err && !ocirt_error_where(*err))
                ocirt_wrap(err, "exec in '%s'", id);
        exec_run_done(&x);
        state_done(&st);
        if (r >= 0 && ret_status)
                *ret_status = status;
        return r;
}
