/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-process.c: the two processes of `exec` that are not the runtime (exec.c is the runtime's
 * side). The intermediate joins the container's cgroup and namespaces (user first) and forks the
 * process with CLONE_PARENT into its pid namespace; the process takes the container's rlimits,
 * user, capabilities, LSM labels, no_new_privs and seccomp filter in init.c's order, and execs.
 * Both report a failure with init_fail() (SYNC_ERROR). */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "container/container.h"
#include "container/exec-process.h"
#include "base/base.h"
#include "state/state.h"

const struct exec_ns exec_ns_order[EXEC_N_NS] = {
        { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },      { "uts", CLONE_NEWUTS },
        { "net", CLONE_NEWNET },   { "pid", CLONE_NEWPID },      { "cgroup", CLONE_NEWCGROUP },
        { "time", CLONE_NEWTIME }, { "mnt", CLONE_NEWNS },
};

/* ---- execCPUAffinity ---- */

/* "0-3,7" -> set; -EINVAL on syntax (spec.c checked it already), -ERANGE beyond CPU_SETSIZE. */
static int
parse_cpu_list(const char *s, cpu_set_t *ret)
{
        unsigned long mask[CPU_SETSIZE / (8 * sizeof(unsigned long))] = { 0 };
        int max, r;

        r = parse_bit_list(s, mask, CPU_SETSIZE, &max);
        if (r < 0)
                return r;
        CPU_ZERO(ret);
        for (int i = 0; i <= max; i++)
                if (mask[i / (8 * sizeof(unsigned long))] & (1UL << (i % (8 * sizeof(unsigned long)))))
                        CPU_SET(i, ret);
        return 0;
}

int
exec_set_affinity(pid_t pid, const char *list, const char *where, ocirt_error **err)
{
        cpu_set_t set;

        if (!list) {
                CPU_ZERO(&set);
                for (int i = 0; i < CPU_SETSIZE; i++)
                        CPU_SET(i, &set);
        } else if (parse_cpu_list(list, &set) < 0) {
                return ocirt_fail_at(err, EINVAL, where, "use a CPU list such as \"0-3,7\"", "invalid CPU list '%s'", list);
        }
        if (sched_setaffinity(pid, sizeof set, &set) < 0)
                return ocirt_fail_at(err, errno, where, "use CPUs that exist and are in the container's cpuset",
                                     "set the CPU affinity to '%s'", list ? list : "all");
        return 0;
}

/* ---- Runs in: the exec'd process, after it joined every namespace ---- */


/* The pty in the container's own devpts: the slave becomes the controlling terminal and stdio, the
 * master goes to the runtime. */
static int
setup_tty(struct exec_run *x, const struct spec_process *p, ocirt_error **err)
{
        _cleanup_close_ int master = -1, slave = -1;
        int r;

        master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
        if (master < 0)
                return ocirt_fail(err, errno, "terminal: open /dev/pts/ptmx in the container");
        r = terminal_open_slave(master, p, &slave, err);
        if (r < 0)
                return r;
        return terminal_take(x->sync_child, master, slave, err);
}

static int
apply_rlimits(const char *where, const struct spec_process *p, ocirt_error **err)
{
        for (size_t i = 0; i < p->n_rlimits; i++) {
                struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };

                if (setrlimit(p->rlimits[i].resource, &rl) < 0)
                        return ocirt_fail_at(err, errno, where, NULL, "set %s to %llu/%llu", p->rlimits[i].type,
                                             (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
        }
        return 0;
}

static bool
setgroups_denied(void)
{
        _cleanup_free_ char *s = NULL;
        size_t len;

        return read_file_at(AT_FDCWD, "/proc/self/setgroups", &s, &len) == 0 && startswith(s, "deny");
}

/* Runs in: the exec'd process. The notify fd, if any, goes to the runtime, which passes it on to
 * the listener. */
static int
load_seccomp(struct exec_run *x, ocirt_error **err)
{
        int nfd = -1, r;

        r = seccomp_load_built(x->seccomp, &nfd, err);
        if (r < 0 || nfd < 0)
                return r;
        r = sync_send(x->sync_child, SYNC_SECCOMP_FD, 0, nfd, err);
        close(nfd);
        return r;
}

/* In the cgroup now: the final affinity (or the cgroup's whole cpuset after an initial one). */
static int
set_final_affinity(const struct spec_process *p, ocirt_error **err)
{
        if (p->has_exec_cpu_affinity && (p->exec_cpu_affinity_final || p->exec_cpu_affinity_initial))
                return exec_set_affinity(0, p->exec_cpu_affinity_final, ".process.execCPUAffinity.final", err);
        return 0;
}

/* stdio: the pty's slave with a terminal, else what the runtime gave; then the process's user's. */
static int
setup_stdio(struct exec_run *x, struct container *c, ocirt_error **err)
{
        int r;

        if (x->spec->process->terminal) {
                r = setup_tty(x, x->spec->process, err);
                if (r < 0)
                        return r;
        }
        return terminal_fix_stdio(c, err);
}

static int
enter_cwd(struct exec_run *x, ocirt_error **err)
{
        const char *cwd = x->spec->process->cwd;

        if (chdir(cwd) < 0)
                return ocirt_fail_at(err, errno, x->where, "the cwd must exist in the container",
                                     "chdir to .process.cwd '%s'", cwd);
        return 0;
}

static int
lookup_exe(struct exec_run *x, char **env, char **ret, ocirt_error **err)
{
        _cleanup_free_ char *where = xasprintf("%s: .process.args[0]", x->where);

        return find_executable(where, x->spec->process->args[0], env, ret, err);
}

static int
set_oom_score_adj(struct exec_run *x, ocirt_error **err)
{
        const struct spec_process *p = x->spec->process;
        char buf[16];
        int n, r;

        if (!p->has_oom_score_adj)
                return 0;
        n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
        r = write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", buf, (size_t) n);
        if (r < 0)
                return ocirt_fail_at(err, -r, x->where, NULL, "set .process.oomScoreAdj to %d", p->oom_score_adj);
        return 0;
}

/* The container's process attributes, rlimits, user, capabilities and labels, in init.c's order.
 * Changes credentials. */
static int
become_container_process(struct exec_run *x, struct container *c, ocirt_error **err)
{
        const struct spec_process *p = x->spec->process;
        int r;

        /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while the process
         * still has it (runc's order); with no_new_privs, as late as possible (exec_process()). */
        if (!p->no_new_privileges) {
                r = load_seccomp(x, err);
                if (r < 0)
                        return r;
        }
        r = procattr_before_caps(c, err);
        if (r < 0)
                return r;
        r = apply_rlimits(x->where, p, err);
        if (r < 0)
                return r;
        r = caps_apply(c, err);
        if (r < 0)
                return r;
        return init_seal_process(c, err);
}

/* Only stdio and the preserved fds reach the program (CVE-2024-21626). */
static void
pass_fds(struct exec_run *x)
{
        int keep[1] = { x->sync_child };

        close_fds_from(3 + x->o->preserve_fds, keep, 1);
        for (int fd = 3; fd < 3 + x->o->preserve_fds; fd++)
                if (fd != x->sync_child)
                        (void) fd_set_cloexec(fd, false);
}

/* Runs in: the exec'd process (in every namespace of the container; changes credentials).
 * Never returns: exec, or SYNC_ERROR and _exit. */
_noreturn_ static void
exec_process(struct exec_run *x)
{
        const struct spec_process *p = x->spec->process;
        struct container c = {
                .ctx = x->ctx, .id = x->st->id, .spec = x->spec, .config_path = (char *) x->where,
                .sync_child = x->sync_child, .sync_parent = -1, .lock_fd = -1, .state_dirfd = -1,
                .start_listen_fd = -1, .pty_master = -1, .init_pid = x->st->pid, .cgroup_fd = -1,
                .preserve_fds = x->o->preserve_fds,
        };
        _cleanup_free_ char *exe = NULL;
        _cleanup_strv_ char **env = NULL;
        ocirt_error *e = NULL;

        for (int t = 0; t < SPEC_NS__MAX; t++)
                c.join_fd[t] = -1;
        c.maps_self_write = setgroups_denied();

#define CHECK(expr)                                                                                                    \
        do {                                                                                                           \
                if ((expr) < 0)                                                                                        \
                        init_fail(&c, e);                                                                              \
        } while (0)

        /* Nothing in the container may ptrace this process or open its /proc files until exec
         * (CVE-2016-9962): it still holds the runtime's fds. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                ocirt_fail(&e, errno, "PR_SET_DUMPABLE");
                init_fail(&c, e);
        }
        CHECK(set_final_affinity(p, &e));
        CHECK(setup_stdio(x, &c, &e));
        CHECK(enter_cwd(x, &e));
        env = init_build_env(&c);
        CHECK(lookup_exe(x, env, &exe, &e));
        CHECK(set_oom_score_adj(x, &e));
        CHECK(become_container_process(x, &c, &e));
        pass_fds(x);
        init_reset_signals(&x->saved_mask);
        if (p->no_new_privileges)
                CHECK(load_seccomp(x, &e));
        execve(exe, p->args, env);
        {
                _cleanup_free_ char *where = xasprintf("%s: .process.args[0]", x->where);
                ocirt_fail_at(&e, errno, where, NULL, "exec '%s'", exe);
        }
        init_fail(&c, e);
#undef CHECK
}

/* Runs in: the intermediate process, or the process itself (direct). Waits until the runtime lets
 * it go, joins the cgroup, the namespaces (user first; the pid namespace only when not direct: then
 * the runtime joined it for its children) and the root. */
static void
join_container(struct exec_run *x, struct container *c, bool direct)
{
        ocirt_error *e = NULL;

        /* A copy of the flock'ed state fd would keep the container locked. */
        if (x->lock_fd >= 0)
                close(x->lock_fd);
        close(x->sync_parent);
        x->sync_parent = -1;
        exe_drop_clone(); /* not the last copy: the runtime's (process/exe.c) */

        if (sync_expect(x->sync_child, SYNC_START, NULL, NULL, NULL, NULL, &e) < 0)
                _exit(1);
        /* Into the container's cgroup before any namespace, so its cgroup namespace shows '/'. */
        if (cgroup_join_self(x->ctx, x->st, x->o->cgroup, x->cgroup_v2_done, &e) < 0)
                init_fail(c, e);
        for (size_t i = 0; i < EXEC_N_NS; i++) {
                if (x->ns_fd[i] < 0)
                        continue;
                if (!(direct && exec_ns_order[i].flag == CLONE_NEWPID) && setns(x->ns_fd[i], exec_ns_order[i].flag) < 0) {
                        ocirt_fail(&e, errno, "join the container's %s namespace", exec_ns_order[i].name);
                        init_fail(c, e);
                }
                close(x->ns_fd[i]);
                x->ns_fd[i] = -1;
        }
        if (x->root_fd >= 0 && (fchdir(x->root_fd) < 0 || chroot(".") < 0)) {
                ocirt_fail(&e, errno, "enter the container's root");
                init_fail(c, e);
        }
}

/* Runs in: the process, forked by the runtime after it joined the pid namespace for its children
 * (exec.c: no user or time namespace to join first). Never returns. */
_noreturn_ void
exec_direct(struct exec_run *x)
{
        struct container c = { .sync_child = x->sync_child };

        /* Born inside the container's pid namespace with the runtime's fds: nothing in there may
         * ptrace it or open its /proc files (CVE-2016-9962), from the first instruction on. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                _exit(1);
        join_container(x, &c, true);
        exec_process(x);
}

/* Runs in: the intermediate process. Joins everything, and forks the process into the pid
 * namespace. Never returns. */
_noreturn_ void
exec_intermediate(struct exec_run *x)
{
        struct container c = { .sync_child = x->sync_child };
        ocirt_error *e = NULL;
        pid_t pid;

        join_container(x, &c, false);
        /* setns() of a pid (or time) namespace applies to children only: fork. CLONE_PARENT makes the
         * process the runtime's child. Its exit signal is ours (SIGCHLD). */
        pid = (pid_t) syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, 0);
        if (pid < 0) {
                ocirt_fail(&e, errno, "fork into the container's pid namespace");
                init_fail(&c, e);
        }
        if (pid == 0)
                exec_process(x);
        if (sync_send(x->sync_child, SYNC_PID, pid, -1, &e) < 0)
                _exit(1);
        _exit(0);
}
