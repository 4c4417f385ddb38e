/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn.c: the runtime's side of starting the container init: one clone() with every new
 * namespace (or the slow path for joins, see ns.c), then the parent side of the sync protocol until
 * the init reports that it is set up. */
#include "config.h"

#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

#include "container/container.h"
#include "base/base.h"
#include "fs/fs.h"

struct kill_data {
        pid_t pid;
        bool maps_done; /* SYNC_USERNS was answered */
};

static int
undo_kill(void *data, ocirt_error **err)
{
        struct kill_data *k = data;

        if (k->pid > 0) {
                (void) kill(k->pid, SIGKILL);
                (void) waitpid(k->pid, NULL, 0);
        }
        return 0;
}

static void
child_log(void *userdata, int level, const char *text)
{
        ocirt_log(userdata, level, 0, "%s", text);
}

static int
clone_error(struct container *c, int e, ocirt_error **err)
{
        if (c->new_ns[SPEC_NS_USER] && (e == EPERM || e == ENOSPC || e == EUSERS))
                return ocirt_fail_at(err, e, NULL,
                                     "this host does not let you create user namespaces: check that `unshare -Ur id` works; "
                                     "on Ubuntu set kernel.apparmor_restrict_unprivileged_userns=0, elsewhere "
                                     "user.max_user_namespaces > 0 and kernel.unprivileged_userns_clone=1",
                                     "create the container's namespaces (clone)");
        return ocirt_fail(err, e, "create the container's namespaces (clone)");
}

/* clone3 into the cgroup when cgroup.c opened one (v2): the init is born there without the runtime
 * migrating in and out. Else, or when the kernel refuses it (before 5.7, or a seccomp filter), a
 * raw clone. Returns 0 with *ret_pid (0 in the child), or -errno with err set. */
static int
spawn_clone(struct container *c, struct undo *undo, pid_t *ret_pid, ocirt_error **err)
{
        uint64_t flags = c->slow_path ? 0 : c->clone_flags;
        pid_t pid;

        /* The network namespace, the dearest part of the clone (the loopback device, its sysctl
         * and sysfs entries: about half a millisecond), is made by the init itself (init.c,
         * unshare_own): the runtime goes on at once with its part (a late cgroup, the maps through
         * newuidmap), side by side with it. Owned by the same user namespace either way. */
        c->init_unshare = flags & CLONE_NEWNET;
        flags &= ~(uint64_t) CLONE_NEWNET;

        if (c->cgroup_fd >= 0) {
                /* clone() makes the new cgroup namespace from the parent's cgroup, not the target's:
                 * the init unshares it once it is in place (init.c). */
                c->cgroupns_unshare = (flags & CLONE_NEWCGROUP) != 0;
                pid = clone3_into_cgroup(flags & ~(uint64_t) CLONE_NEWCGROUP, c->cgroup_fd);
                if (pid >= 0 || !clone3_refused(errno)) {
                        int e = errno;
                        c->born_in_cgroup = pid >= 0;
                        close(c->cgroup_fd);
                        c->cgroup_fd = -1;
                        *ret_pid = pid;
                        return pid < 0 ? clone_error(c, e, err) : 0;
                }
                log_debug(c->ctx, "clone3(CLONE_INTO_CGROUP) refused (%s), moving the runtime into the cgroup instead",
                          strerror(errno));
                c->cgroupns_unshare = false;
                close(c->cgroup_fd);
                c->cgroup_fd = -1;
                if (cgroup_clone_fallback(c, undo, err) < 0)
                        return -1;
        }
        pid = (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
        *ret_pid = pid;
        return pid < 0 ? clone_error(c, errno, err) : 0;
}

/* EOF before SYNC_CREATED: the init reports every failure of its own (SYNC_ERROR, read before the
 * EOF), so it was killed or exited in a way it could not report. Say which, from its status (left
 * for undo_kill to reap: WNOWAIT). The EOF comes from its exit_files(), a moment before it is a
 * zombie, hence the short poll. */
static int
init_vanished(struct container *c, ocirt_error **err)
{
        siginfo_t si = { 0 };

        for (int i = 0; i < 200 && si.si_pid == 0; i++) {
                if (waitid(P_PID, c->init_pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
                        break;
                if (si.si_pid == 0)
                        usleep(5000);
        }
        if (si.si_pid == 0)
                return -(*err)->errnum;
        *err = ocirt_error_free(*err);
        if (si.si_code == CLD_EXITED)
                return ocirt_fail(err, EPIPE, "the container process exited during setup with status %d, without an error "
                                              "report", si.si_status);
        return ocirt_fail_at(err, EPIPE, NULL,
                             si.si_status == SIGKILL ? "something killed it: the OOM killer, or whoever shares its cgroup" : NULL,
                             "the container process was killed by signal %d (%s) during setup", si.si_status,
                             strsignal(si.si_status));
}

/* SYNC_USERNS: the child's user namespace exists; write its maps, prepare idmapped mounts (they
 * need these maps and the host's privileges, fs/), let it go on. */
static int
on_userns(struct container *c, pid_t pid, ocirt_error **err)
{
        int r;

        r = userns_write_maps(c, pid, /* self= */ false, err);
        if (r < 0)
                return ocirt_wrap(err, "user namespace");
        r = mount_idmap_prepare(c, pid, err);
        if (r < 0)
                return r;
        return sync_send(c->sync_parent, SYNC_MAPS_DONE, 0, -1, err);
}

/* SYNC_EARLY: namespaces exist, nothing runs yet: cgroup, network devices, the rootless helpers. */
static int
on_early(struct container *c, struct undo *undo, ocirt_error **err)
{
        int r;

        r = cgroup_early(c, undo, err);
        if (r >= 0)
                r = procattr_early(c, undo, err);
        if (r >= 0)
                r = helpers_early(c, undo, err);
        if (r < 0)
                return r;
        return sync_send(c->sync_parent, SYNC_EARLY_DONE, 0, -1, err);
}

/* SYNC_HOOK: mounts done, before the pivot: prestart, createRuntime, createContainer hooks. */
static int
on_hook(struct container *c, ocirt_error **err)
{
        int r;

        r = hooks_create(c, err);
        if (r < 0)
                return r;
        return sync_send(c->sync_parent, SYNC_HOOK_DONE, 0, -1, err);
}

/* SYNC_PTY: the pty master goes to --console-socket, or stays with the runtime (run -t). */
static int
on_pty(struct container *c, int fd, ocirt_error **err)
{
        int r;

        if (fd < 0)
                return ocirt_fail(err, EIO, "sync: pty message without an fd");
        if (!c->console_socket) {
                c->pty_master = fd;
                return 0;
        }
        r = terminal_send_console(c->console_socket, fd, err);
        close(fd);
        return r;
}

/* The init's cgroup hierarchies, worked out here while it makes its namespaces (SYNC_CGROUP_HIERS;
 * an empty text: it reads them itself). */
static int
send_cgroup_plan(struct container *c, ocirt_error **err)
{
        struct sync_msg m = { .type = SYNC_CGROUP_HIERS };
        _cleanup_free_ char *own = cgroup_late_proc_text(c), *plan = NULL;

        plan = own ? mount_cgroup_plan(c, own, sizeof m.text) : NULL;
        if (plan)
                snprintf(m.text, sizeof m.text, "%s", plan);
        return sync_send_msg(c->sync_parent, &m, -1, err);
}

/* One message from the child. 1: the init is set up (SYNC_CREATED), 0: go on, < 0: failed. */
static int
serve_child(struct container *c, struct undo *undo, struct kill_data *kd, ocirt_error **err)
{
        struct sync_msg m;
        int fd = -1, r;

        r = sync_recv(c->sync_parent, &m, &fd, err);
        if (r == -EPIPE)
                return init_vanished(c, err);
        if (r < 0)
                return r;
        switch (m.type) {
        case SYNC_LOG:
                child_log(c->ctx, m.level, m.text);
                return 0;
        case SYNC_ERROR:
                return ocirt_error_from_child(err, m.errnum > 0 ? m.errnum : EIO, m.text);
        case SYNC_USERNS:
                kd->maps_done = true;
                return on_userns(c, kd->pid, err);
        case SYNC_EARLY:
                return on_early(c, undo, err);
        case SYNC_HOOK:
                return on_hook(c, err);
        case SYNC_PID:
                if (m.pid != kd->pid) {
                        /* Slow path: the intermediate process exits; the init is its sibling. */
                        (void) waitpid(kd->pid, NULL, 0);
                        c->init_pid = kd->pid = m.pid;
                }
                return 0;
        case SYNC_PTY:
                return on_pty(c, fd, err);
        case SYNC_CREATED:
                return 1;
        default:
                if (fd >= 0)
                        close(fd);
                return ocirt_fail(err, EIO, "sync: unexpected message %u", m.type);
        }
}

/* A late v1 cgroup (cgroup.c) gives the runtime about 0.8 ms of work right after the clone (the
 * state dir, nine cgroup directories, the limits) that the init, busy with its namespaces and
 * mounts meanwhile, needs only at its cgroup barrier. Some kernels pack tasks onto as few CPUs as
 * they can (a Firecracker guest booted with sched_vcpu_pack: the new task is queued behind its
 * parent on the parent's CPU): the init then starts only when the runtime blocks, and the two run
 * one after the other. So the init is sent to the other CPUs, and given back its own affinity before
 * the runtime sends it the cgroup plan (send_cgroup_plan), which it waits for at that barrier:
 * nothing runs under the borrowed mask but the init's own set-up, in no other process (not with
 * the slow path's forked init). Only when the init may use every online CPU: the restore leaves the
 * kernel's record of an affinity the user asked for (sched_setaffinity), which a cpuset then
 * narrows by; the whole machine narrows nothing. And only when a CPU is free for it: with more
 * runnable tasks than CPUs (the runtime and the init count), the other CPU is busy with someone
 * else's work, and the init sent there ran up to 1.3x slower than left behind the runtime (a busy
 * loop on either of the two vCPUs, 2026-12-06). Returns whether it moved the init (*orig: to restore). */
static bool
place_init(const struct container *c, pid_t pid, cpu_set_t *orig)
{
        cpu_set_t away;
        int cpu;

        if (!c->cgroup_join_late || c->slow_path)
                return false;
        if (sched_getaffinity(pid, sizeof *orig, orig) < 0 || CPU_COUNT(orig) < 2 || CPU_COUNT(orig) != get_nprocs())
                return false;
        {
                int busy = runnable_tasks();
                if (busy < 0 || busy > CPU_COUNT(orig))
                        return false;
        }
        cpu = sched_getcpu();
        if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, orig))
                return false;
        away = *orig;
        CPU_CLR(cpu, &away);
        return sched_setaffinity(pid, sizeof away, &away) == 0;
}

int
process_spawn_init(struct container *c, struct undo *undo, ocirt_error **err)
{
        struct kill_data *kd;
        cpu_set_t cpus;
        bool placed;
        int sp[2], r;
        pid_t pid = -1;

        /* Compiled here, where the cache is reachable; the init inherits it. */
        r = seccomp_prepare(c, err);
        if (r < 0)
                return r;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                seccomp_forget(c);
                return ocirt_fail(err, errno, "socketpair");
        }
        c->sync_parent = sp[0];
        c->sync_child = sp[1];

        /* A raw clone with no stack behaves like fork() with namespace flags: the child runs on a copy
         * of this stack and needs nothing from the parent afterwards. */
        c->runtime_cpu = sched_getcpu();
        r = spawn_clone(c, undo, &pid, err);
        if (pid != 0 || r < 0)
                seccomp_forget(c);
        if (r < 0) {
                close(sp[0]);
                close(sp[1]);
                return r;
        }
        if (pid == 0)
                init_main(c);
        placed = place_init(c, pid, &cpus);

        /* The runtime keeps only its end of the sync socket, and start.sock is the init's now. */
        close(sp[1]);
        c->sync_child = -1;
        if (c->start_listen_fd >= 0) {
                close(c->start_listen_fd);
                c->start_listen_fd = -1;
        }
        kd = xmalloc(sizeof *kd);
        *kd = (struct kill_data){ .pid = pid };
        undo_push(undo, "kill the container init", undo_kill, kd);
        c->init_pid = pid;

        /* The state dir and its record of what comes next, while the init sets up. */
        r = 0;
        if (c->state_dir_late) {
                r = state_dir_create(c->ctx, c->id, &c->lock_fd, undo, err);
                if (r >= 0)
                        container_record(c);
        }
        /* A late cgroup (cgroup.c) is made now too; after the maps, which the init needs first. */
        if (r == 0 && c->cgroup_join_late) {
                bool maps = c->new_ns[SPEC_NS_USER] && !c->maps_self_write;
                while (r == 0 && maps && !kd->maps_done)
                        r = serve_child(c, undo, kd, err);
                if (r == 0 && placed && sched_setaffinity(pid, sizeof cpus, &cpus) < 0)
                        r = ocirt_fail(err, errno, "give the container init (pid %d) back its CPU affinity", (int) pid);
                if (r == 0)
                        r = send_cgroup_plan(c, err);
                if (r == 0)
                        r = cgroup_after_clone(c, err);
        }
        /* The child's steps, each answered here, until it is set up. */
        while (r == 0)
                r = serve_child(c, undo, kd, err);
        return r < 0 ? r : 0;
}

/* Runs in: the runtime (run). */
int
process_wait_exec(struct container *c, sync_msg_fn on_msg, void *userdata, ocirt_error **err)
{
        return sync_wait_exec(c->sync_parent, child_log, on_msg, userdata, err);
}
