/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* init.c: the container init, from clone() up to execve(). Everything here runs in the child; it
 * reports failures to the runtime over the sync socket (SYNC_ERROR) and _exit()s, so the runtime
 * prints each error once, with its context. The order of the steps is the security model: ids
 * mapped -> non-dumpable -> mounts through fds -> pivot -> cwd made -> masked/ro paths, read-only
 * root -> cwd entered (or after the user switch) -> rlimits -> user and capabilities ->
 * no_new_privs -> wait for start -> close every fd -> seccomp -> startContainer hooks -> exec. */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "container/container.h"
#include "base/base.h"
#include "fs/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif


/* Runs in: the container init (or the intermediate process). */
_noreturn_ void
init_fail(struct container *c, ocirt_error *e)
{
        struct sync_msg m = { .type = SYNC_ERROR, .errnum = e ? e->errnum : EIO };

        (void) snprintf(m.text, sizeof m.text, "%s\x1f%s\x1f%s", e ? strempty(e->where) : "",
                        e ? strempty(e->hint) : "", e ? e->msg : "unknown error");
        (void) send(c->sync_child, &m, sizeof m, MSG_NOSIGNAL);
        _exit(127);
}


#define CHECK(expr)                                                                                                    \
        do {                                                                                                           \
                if ((expr) < 0)                                                                                        \
                        init_fail(c, e);                                                                               \
        } while (0)

/* The namespaces spawn.c left to the init (init_unshare), while the runtime works: in a new user
 * namespace this process has every capability from its creation on, maps or not. */
static int
unshare_own(struct container *c, ocirt_error **err)
{
        if (c->init_unshare && unshare((int) c->init_unshare) < 0)
                return ocirt_fail(err, errno, "create the network namespace");
        return 0;
}

static int
map_ids(struct container *c, ocirt_error **err)
{
        int r;

        if (!c->new_ns[SPEC_NS_USER])
                return unshare_own(c, err);
        if (c->maps_self_write) {
                r = userns_write_maps(c, 0, /* self= */ true, err);
                if (r >= 0)
                        r = unshare_own(c, err);
                if (r < 0)
                        return r;
        } else {
                r = sync_send(c->sync_child, SYNC_USERNS, 0, -1, err);
                if (r >= 0)
                        r = unshare_own(c, err); /* while the runtime writes the maps */
                if (r < 0)
                        return r;
                /* MAPS_DONE, after the trees of any idmapped mounts (SYNC_IDMAP_FD, see fs/mount-idmap.c). */
                r = mount_idmap_receive(c, err);
                if (r < 0)
                        return r;
        }
        /* Become the namespace's root: a no-op when our own id is mapped to 0, needed when root maps
         * another host range (our host uid 0 is then unmapped). */
        if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
                return ocirt_fail(err, errno, "setresgid(0) in the user namespace");
        if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
                return ocirt_fail(err, errno, "setresuid(0) in the user namespace");
        return 0;
}

/* Slow path (joins by path): join, unshare, map, and fork the real init into the pid namespace.
 * Returns in the process that goes on as the init. */
static void
slow_path(struct container *c)
{
        ocirt_error *e = NULL;
        bool pid_change = c->new_ns[SPEC_NS_PID] || c->join_fd[SPEC_NS_PID] >= 0;
        pid_t p;

        CHECK(ns_join(c, /* user= */ true, &e));
        if (c->clone_flags && unshare((int) c->clone_flags) < 0) {
                ocirt_fail(&e, errno, "unshare namespaces");
                init_fail(c, e);
        }
        CHECK(map_ids(c, &e));
        if (!pid_change) {
                CHECK(sync_send(c->sync_child, SYNC_PID, getpid(), -1, &e));
                return;
        }
        /* CLONE_PARENT: the init becomes the runtime's child, so `run` can wait for it. */
        p = (pid_t) syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, 0);
        if (p < 0) {
                ocirt_fail(&e, errno, "fork the init into the pid namespace");
                init_fail(c, e);
        }
        if (p > 0) {
                CHECK(sync_send(c->sync_child, SYNC_PID, p, -1, &e));
                _exit(0);
        }
}

static int
set_time_offsets(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        char buf[256];
        size_t len = 0;
        int r;

        if (unshare(CLONE_NEWTIME) < 0)
                return ocirt_fail(err, errno, "create the time namespace");
        for (size_t i = 0; l && i < l->n_time_offsets; i++)
                len += snprintf(buf + len, sizeof buf - len, "%s %lld %u\n", l->time_offsets[i].clock,
                                (long long) l->time_offsets[i].secs, l->time_offsets[i].nanosecs);
        if (len == 0)
                return 0;
        r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, len);
        if (r < 0)
                return ocirt_fail_at(err, -r, c->config_path, NULL, "write .linux.timeOffsets");
        return 0;
}

/* Let the runtime do its part while this process waits in its namespaces: SYNC_EARLY (cgroup,
 * netDevices, intelRdt, slirp4netns) or SYNC_HOOK (prestart, createRuntime hooks). */
static int
runtime_turn(struct container *c, uint32_t ask, uint32_t done, ocirt_error **err)
{
        int r;

        r = sync_send(c->sync_child, ask, 0, -1, err);
        if (r < 0)
                return r;
        return sync_expect(c->sync_child, done, NULL, NULL, NULL, NULL, err);
}

/* The cgroup barrier of a late v1 create (cgroup.c), in two steps. The runtime makes the cgroup
 * meanwhile and passes one file per hierarchy; writing "0" moves this thread (the whole init) in.
 * Then the cgroup namespace, rooted there: enough for a cgroup mount (c->cgroup_barrier, called by
 * fs/ with limits false). The limits follow the files while the init mounts: anything else (the
 * devices, the runtime's turns, hooks, exec) waits for them (limits true). Each step runs once. */
static int
join_cgroup_step(struct container *c, bool limits, ocirt_error **err)
{
        struct sync_msg m, done;
        int fds[SYNC_MAX_FDS], r;
        size_t n = 0;
        char *names;

        if (!c->cgroup_join_late) {
                if (!limits || !c->cgroup_limits_pending)
                        return 0;
                /* The runtime says when it has written them. */
                c->cgroup_limits_pending = false;
                return sync_expect(c->sync_child, SYNC_CGROUP_DONE, &done, NULL, NULL, NULL, err);
        }
        c->cgroup_join_late = false;
        r = sync_expect(c->sync_child, SYNC_CGROUP_HIERS, &m, NULL, NULL, NULL, err);
        if (r < 0)
                return r;
        if (m.text[0])
                c->cgroup_hiers = xstrdup(m.text);
        r = sync_recv_fds(c->sync_child, &m, fds, SYNC_MAX_FDS, &n, err);
        if (r < 0)
                return r;
        if (m.type != SYNC_CGROUP_FD) {
                for (size_t i = 0; i < n; i++)
                        close(fds[i]);
                return ocirt_fail(err, EIO, "sync: unexpected message %u while waiting for the cgroup", m.type);
        }
        names = strchr(m.text, '\n');
        if (names)
                *names++ = '\0';
        for (size_t i = 0; i < n; i++) {
                if (r == 0 && write(fds[i], "0", 1) != 1) {
                        size_t skip = i, len;
                        const char *w = names ? names : "";
                        while (skip-- > 0 && strchr(w, ','))
                                w = strchr(w, ',') + 1;
                        len = strcspn(w, ",");
                        r = ocirt_fail(err, errno, "join cgroup '%s' (%.*s)", m.text, (int) len, w);
                }
                close(fds[i]);
        }
        if (r < 0)
                return r;
        if (c->cgroupns_after_join && unshare(CLONE_NEWCGROUP) < 0)
                return ocirt_fail(err, errno, "create the cgroup namespace");
        c->cgroup_limits_pending = true;
        return join_cgroup_step(c, limits, err);
}

/* The whole barrier: in the cgroup, with its limits. */
static int
join_cgroup(struct container *c, ocirt_error **err)
{
        return join_cgroup_step(c, /* limits= */ true, err);
}

/* The namespaces: joined, created and mapped (the slow path by path, in a forked init), the cgroup
 * namespace and the loopback; the runtime's SYNC_EARLY work happens in them. */
static int
enter_namespaces(struct container *c, ocirt_error **err)
{
        int r;

        if (c->slow_path)
                slow_path(c);
        else {
                r = map_ids(c, err);
                if (r < 0)
                        return r;
                r = ns_join(c, /* user= */ false, err);
                if (r < 0)
                        return r;
        }
        if (c->cgroupns_unshare && unshare(CLONE_NEWCGROUP) < 0)
                return ocirt_fail(err, errno, "create the cgroup namespace");
        if (c->new_ns[SPEC_NS_NETWORK]) {
                r = ns_loopback_up(c, err);
                if (r < 0)
                        return r;
        }
        if (c->wait_early) {
                r = join_cgroup(c, err);
                if (r >= 0)
                        r = runtime_turn(c, SYNC_EARLY, SYNC_EARLY_DONE, err);
                if (r < 0)
                        return r;
        }
        if (c->cgroupns_after_early && unshare(CLONE_NEWCGROUP) < 0)
                return ocirt_fail(err, errno, "create the cgroup namespace");
        return 0;
}

/* Before the process becomes non-dumpable: its /proc files then belong to the initial namespace's
 * root, and a rootless init could no longer open oom_score_adj. */
static int
set_oom_score_adj(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        char buf[16];
        int n, r;

        if (!p || !p->has_oom_score_adj)
                return 0;
        n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
        r = write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", buf, (size_t) n);
        if (r < 0) {
                _cleanup_free_ char *where = xasprintf("%s: .process.oomScoreAdj", c->config_path);
                return ocirt_fail_at(err, -r, where,
                                     r == -EACCES || r == -EPERM ? "lowering the OOM score needs CAP_SYS_RESOURCE" : NULL,
                                     "set oom_score_adj to %d", p->oom_score_adj);
        }
        return 0;
}

/* Nothing in the container may ptrace this process or open its /proc files until exec
 * (CVE-2016-9962). */
static int
make_undumpable(ocirt_error **err)
{
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return ocirt_fail(err, errno, "PR_SET_DUMPABLE");
        return 0;
}

static int
set_uts_names(struct container *c, ocirt_error **err)
{
        const struct spec *s = c->spec;

        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "set .hostname '%s'", s->hostname);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "set .domainname '%s'", s->domainname);
        return 0;
}

/* Everything before the pivot: the mounts under the new root (*ret_rootfd), the terminal and
 * stdio, the UTS names, then the runtime's hooks (SYNC_HOOK) and the createContainer ones. */
static int
prepare_root(struct container *c, int *ret_rootfd, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        int r;

        r = rootfs_setup(c, ret_rootfd, err);
        if (r >= 0)
                r = join_cgroup(c, err); /* without a mount namespace, rootfs_setup had no reason to */
        if (r >= 0 && p && p->terminal)
                r = terminal_setup_child(c, *ret_rootfd, err);
        /* Without a terminal the init leads a session of its own too, as runc's does: a session
         * led from outside the container (the caller's shell) is a process CRIU cannot checkpoint
         * ("a session leader ... is outside of its pid namespace"). */
        else if (r >= 0 && p && setsid() < 0)
                r = ocirt_fail(err, errno, "setsid");
        if (r >= 0 && p)
                r = terminal_fix_stdio(c, err);
        if (r >= 0)
                r = set_uts_names(c, err);
        if (r >= 0 && c->wait_hooks)
                r = runtime_turn(c, SYNC_HOOK, SYNC_HOOK_DONE, err);
        if (r >= 0)
                r = hooks_create_container(c, err);
        return r;
}

/* Create a missing .process.cwd while the root may still be written to: rootfs_finalize() may make it
 * read-only, and runc creates it before that too. Created as root, 0755, as runc does; any error is
 * left to enter_cwd(), which names it. */
static void
make_cwd(struct container *c)
{
        const char *cwd = c->spec->process->cwd;
        struct stat st;

        /* We are inside the pivoted root: a plain mkdir -p cannot reach the host. */
        if (stat(cwd, &st) < 0 && errno == ENOENT)
                (void) mkdir_p(cwd, 0755);
}

/* stdio that is a null device (conmon gives the host's /dev/null as a detached container's stdin)
 * is reopened as the container's own /dev/null, as runc does: the host's node lies on a mount
 * outside the container, a file CRIU cannot find at checkpoint ("Can't lookup mount"). The fds are
 * looked at first, so a container whose stdio is pipes or a terminal opens nothing. Best effort: a
 * container without a null device at /dev/null keeps the host's. */
static void
reopen_dev_null(void)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        for (int i = 0; i < 3; i++) {
                if (fstat(i, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
                        continue;
                if (fd < 0) {
                        fd = open("/dev/null", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
                        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
                                return;
                }
                (void) dup2(fd, i);
        }
}

/* The pivot into the new root, the sysctls, then what makes the root final (masked and read-only
 * paths, a read-only root). */
static int
enter_root(struct container *c, int rootfd, ocirt_error **err)
{
        int r;

        r = rootfs_pivot(c, rootfd, err);
        close(rootfd);
        if (r >= 0)
                r = procattr_after_pivot(c, err);
        if (r < 0)
                return r;
        if (c->spec->process) {
                reopen_dev_null();
                make_cwd(c);
        }
        return rootfs_finalize(c, err);
}

/* chdir to .process.cwd. A directory that only process.user may enter (a mode 0700 one whose group
 * is not mapped, where root in the user namespace has no CAP_DAC_OVERRIDE) fails before the
 * switch to that user: *ret_retry then asks for a second try after caps_apply(), as runc does. */
static int
enter_cwd(struct container *c, bool after_user_switch, bool *ret_retry, ocirt_error **err)
{
        const char *cwd = c->spec->process->cwd;

        *ret_retry = false;
        if (chdir(cwd) == 0)
                goto check;
        if (!after_user_switch && (errno == EACCES || errno == EPERM)) {
                *ret_retry = true;
                return 0;
        }
        if (errno != ENOENT || after_user_switch)
                return ocirt_fail_at(err, errno, c->config_path,
                                     after_user_switch ? "make the directory accessible to .process.user" : NULL,
                                     "chdir to .process.cwd '%s'", cwd);
        if (mkdir_p(cwd, 0755) < 0 || chdir(cwd) < 0)
                return ocirt_fail_at(err, errno, c->config_path, NULL, "create .process.cwd '%s'", cwd);
check:
        /* A cwd such as /proc/self/fd/N could name a directory of the host through an fd the init
         * still holds (CVE-2024-21626); the kernel's getcwd() then starts with "(unreachable)". */
        {
                char buf[4096];
                long n = syscall(SYS_getcwd, buf, sizeof buf);
                if (n < 0 && errno != ERANGE && errno != ENAMETOOLONG)
                        return ocirt_fail_at(err, errno, c->config_path, NULL, "check .process.cwd '%s'", cwd);
                if (n > 0 && buf[0] != '/')
                        return ocirt_fail_at(err, EPERM, c->config_path, "use a directory inside the container",
                                             ".process.cwd '%s' is outside the container's root", cwd);
        }
        return 0;
}

/* What to do when a hard limit cannot be raised: the config asks for more than the runtime's own
 * hard limit without CAP_SYS_RESOURCE (root in a container, rootless). Engines write their own
 * defaults into the config (podman: 1048576 for nofile and nproc), so say where those are set and
 * the value that would work. */
static char *
rlimit_hint(const struct spec_rlimit *l)
{
        _cleanup_free_ char *name = xstrdup(startswith(l->type, "RLIMIT_") ? l->type + 7 : l->type);
        struct rlimit cur;

        for (char *q = name; *q; q++)
                *q = (char) tolower((unsigned char) *q);
        if (getrlimit(l->resource, &cur) < 0 || cur.rlim_max == RLIM_INFINITY)
                return xstrdup("raising a hard limit needs CAP_SYS_RESOURCE, which this runtime lacks");
        return xasprintf("raising a hard limit needs CAP_SYS_RESOURCE, which this runtime lacks: ask for at most "
                         "%llu; under podman, set default_ulimits = [\"%s=%llu:%llu\"] in [containers] of "
                         "containers.conf (with nofile and nproc both there) or pass --ulimit %s=%llu:%llu",
                         (unsigned long long) cur.rlim_max, name, (unsigned long long) cur.rlim_max,
                         (unsigned long long) cur.rlim_max, name, (unsigned long long) cur.rlim_max,
                         (unsigned long long) cur.rlim_max);
}

static int
apply_rlimits(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;

        for (size_t i = 0; i < p->n_rlimits; i++) {
                struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };

                if (setrlimit(p->rlimits[i].resource, &rl) < 0) {
                        _cleanup_free_ char *where = xasprintf("%s: .process.rlimits[%zu]", c->config_path, i);
                        int e = errno;
                        _cleanup_free_ char *hint = e == EPERM ? rlimit_hint(&p->rlimits[i]) : NULL;

                        errno = e;
                        return ocirt_fail_at(err, e, where, hint,
                                             "set %s to %llu/%llu", p->rlimits[i].type,
                                             (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
                }
        }
        return 0;
}

char **
init_build_env(struct container *c)
{
        char **env = strv_copy(c->spec->process->env);

        /* The environment as the config gives it, as runc and crun pass it: no PATH is added (the
         * lookup of args[0] falls back to the default PATH by itself, find_executable()). */
        /* As runc and exec do: the user's home from the container's /etc/passwd, else "/". Read
         * before the user switch (the file may not be readable by that user). */
        if (!env_get(env, "HOME")) {
                _cleanup_free_ char *h = user_home(c->spec->process->user.uid), *kv = xasprintf("HOME=%s", h);
                strv_push(&env, kv);
        }
        env_add_listen_fds(&env, c->preserve_fds);
        return env;
}

static int
lookup_exe(struct container *c, char **env, char **ret, ocirt_error **err)
{
        _cleanup_free_ char *where = xasprintf("%s: .process.args[0]", c->config_path);

        return find_executable(where, c->spec->process->args[0], env, ret, err);
}

/* Block until `ocirt start` connects; from then on errors and logs go to it.
 * Until the runtime says that the container is recorded in its state dir (SYNC_COMMITTED), the
 * sync socket is watched too: a runtime killed in between leaves nothing by which `start` or
 * `delete` could ever find this process, so it ends itself rather than wait for ever (an orphan
 * that nothing owns). Seen with `create` SIGKILLed at random points. */
static int
wait_for_start(struct container *c, ocirt_error **err)
{
        struct pollfd pfd[2] = { { .fd = c->start_listen_fd, .events = POLLIN },
                                 { .fd = c->sync_child, .events = POLLIN } };
        nfds_t n = 2;
        struct sync_msg m;
        int conn, r;

        for (;;) {
                r = poll(pfd, n, -1);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return ocirt_fail(err, errno, "wait for start");
                if (n == 2 && pfd[1].revents) {
                        ocirt_error *gone = NULL;

                        r = sync_recv(c->sync_child, &m, NULL, &gone);
                        ocirt_error_free(gone);
                        if (r < 0 || m.type != SYNC_COMMITTED)
                                _exit(EXIT_FAILURE); /* nobody is left to tell */
                        n = 1;
                }
                if (pfd[0].revents)
                        break;
        }
        do
                conn = accept4(c->start_listen_fd, NULL, NULL, SOCK_CLOEXEC);
        while (conn < 0 && errno == EINTR);
        if (conn < 0)
                return ocirt_fail(err, errno, "wait for start");
        close(c->start_listen_fd);
        c->start_listen_fd = -1;
        close(c->sync_child);
        c->sync_child = conn;
        r = sync_recv(conn, &m, NULL, err);
        if (r < 0)
                return r;
        if (m.type != SYNC_START)
                return ocirt_fail(err, EIO, "sync: expected start, got %u", m.type);
        return 0;
}

void
init_reset_signals(const sigset_t *mask)
{
        struct sigaction sa = { .sa_handler = SIG_DFL };

        for (int s = 1; s < NSIG; s++)
                (void) sigaction(s, &sa, NULL);
        (void) sigprocmask(SIG_SETMASK, mask, NULL);
}

/* After the capabilities: the exec labels, no_new_privs and the umask, the process's last
 * attributes before exec. */
int
init_seal_process(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        int r;

        r = procattr_before_exec(c, err);
        if (r < 0)
                return r;
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return ocirt_fail(err, errno, "set no_new_privs");
        umask(p->user.has_umask ? (mode_t) p->user.umask : 022);
        return 0;
}

/* No .process (allowed until `start`, which refuses): the container is its namespaces and mounts,
 * which exec can enter; this init only holds them. Never returns. */
_noreturn_ static void
hold_namespaces(struct container *c)
{
        ocirt_error *e = NULL;

        CHECK(sync_send(c->sync_child, SYNC_CREATED, 0, -1, &e));
        CHECK(wait_for_start(c, &e));
        ocirt_fail_at(&e, EINVAL, c->config_path, "delete the container and create it with a .process",
                      "no .process to start");
        init_fail(c, e);
}

/* From root in the container to its process: cwd, environment and executable, the seccomp filter
 * compiled, the process attributes, rlimits, user and capabilities, the exec labels and
 * no_new_privs. *ret_env and *ret_exe are for execve(). */
static int
become_container_process(struct container *c, char ***ret_env, char **ret_exe, ocirt_error **err)
{
        bool cwd_retry = false;
        int r;

        r = enter_cwd(c, /* after_user_switch= */ false, &cwd_retry, err);
        if (r < 0)
                return r;
        *ret_env = init_build_env(c);
        /* Before waiting for `start`, so that create reports a missing executable; a relative
         * args[0] needs the cwd, entered only after the user switch when cwd_retry. */
        if (!cwd_retry)
                r = lookup_exe(c, *ret_env, ret_exe, err);
        if (r >= 0)
                r = procattr_before_caps(c, err);
        if (r >= 0)
                r = apply_rlimits(c, err);
        if (r >= 0)
                r = caps_apply(c, err);
        if (r >= 0 && cwd_retry) {
                bool again;

                r = enter_cwd(c, /* after_user_switch= */ true, &again, err);
                if (r >= 0)
                        r = lookup_exe(c, *ret_env, ret_exe, err);
        }
        if (r < 0)
                return r;
        return init_seal_process(c, err);
}

/* Tell the runtime the container is created; unless `run`, wait for `start`. */
static int
report_created(struct container *c, ocirt_error **err)
{
        int r;

        /* A created container must be joinable by its rootless owner (`exec`, slirp4netns, a
         * debugger), as runc's is. While this process is not dumpable, its /proc/PID/ns links
         * need CAP_SYS_PTRACE in the user namespace its memory belongs to, and that is the
         * initial one (the init was cloned from the runtime, not exec'd): the owner has it only
         * in the container's. Dumpable now, it is the owner's like any of its processes. What it
         * holds by now is harmless to expose: the container's root, stdio, the start and sync
         * sockets; not when its binary (/proc/self/exe) is the runtime's, writable from here. */
        if (!c->run_mode && c->rootless && !c->exe_exposed && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                return ocirt_fail(err, errno, "PR_SET_DUMPABLE");
        r = sync_send(c->sync_child, SYNC_CREATED, 0, -1, err);
        if (r >= 0 && !c->run_mode)
                r = wait_for_start(c, err);
        return r;
}

/* Only stdio and the preserved fds reach the program (CVE-2024-21626). The sync socket stays open
 * (close-on-exec) so the runtime sees exec succeed as EOF. */
static void
pass_fds(struct container *c)
{
        int keep[1] = { c->sync_child };

        close_fds_from(3 + c->preserve_fds, keep, 1);
        for (int fd = 3; fd < 3 + c->preserve_fds; fd++)
                (void) fd_set_cloexec(fd, false);
}

/* Runs in: the container init. Never returns. */
_noreturn_ void
init_main(struct container *c)
{
        ocirt_error *e = NULL;
        _cleanup_free_ char *exe = NULL;
        _cleanup_strv_ char **env = NULL;
        int rootfd = -1, nfd = -1;

        /* A copy of the flock'ed fd would keep the container locked after `create` exits. */
        close(c->lock_fd);
        close(c->sync_parent);
        exe_drop_clone(); /* not the last copy: the runtime's (process/exe.c) */
        c->cgroup_barrier = join_cgroup_step;

        CHECK(enter_namespaces(c, &e));
        CHECK(set_oom_score_adj(c, &e));
        CHECK(make_undumpable(&e));
        if (c->new_ns[SPEC_NS_TIME])
                CHECK(set_time_offsets(c, &e));
        CHECK(prepare_root(c, &rootfd, &e));
        CHECK(enter_root(c, rootfd, &e));
        if (!c->spec->process)
                hold_namespaces(c);
        CHECK(become_container_process(c, &env, &exe, &e));
        CHECK(report_created(c, &e));
        pass_fds(c);
        init_reset_signals(&c->saved_sigmask);
        /* As late as possible, so the runtime's own last syscalls need no rule. With a NOTIFY rule,
         * seccomp_install() itself sends the listener fd (SYNC_SECCOMP_FD). */
        CHECK(seccomp_install(c, &nfd, &e));
        /* Under the filter, as runc runs them: a startContainer hook runs in the container and may
         * do only what the container's process may (issue 13.5). The hook child restores default
         * signal handling itself. */
        CHECK(hooks_start_container(c, &e));
        execve(exe, c->spec->process->args, env);
        {
                _cleanup_free_ char *where = xasprintf("%s: .process.args[0]", c->config_path);
                ocirt_fail_at(&e, errno, where, NULL, "exec '%s'", exe);
        }
        init_fail(c, e);
}
