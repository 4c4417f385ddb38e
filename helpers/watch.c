/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watch.c: the watcher that ties an outside tool's life to the container's (run.h). slirp4netns and
 * pasta both use it; it knows neither.
 *
 * Why a watcher at all: `ocirt create` exits long before the container does, so the runtime cannot
 * hold the tool's exit fd or wait for the init, and the container's own processes must not (their
 * fds are theirs). The watcher is a fork of the runtime (no exec: nothing to find on $PATH, nothing
 * to race) that keeps only what it needs: a pidfd of the init, a pidfd of the tool and the tool's
 * exit pipe. It is the tool's parent, or for a tool that daemonizes (pasta) its child subreaper, so
 * it can always reap it and a recycled pid is never signalled. */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "helpers/run.h"
#include "base/base.h"
#include "state/state.h"

struct watch_report {
        int err;
        pid_t tool;
        char text[480];
};

static void
report(int fd, int errnum, pid_t tool, const char *text)
{
        struct watch_report rep = { .err = errnum, .tool = tool };

        snprintf(rep.text, sizeof rep.text, "%s", text ? text : "");
        (void) !write(fd, &rep, sizeof rep);
}

/* Runs in: the watcher. The daemon's pid, from the pid file it wrote before its parent exited. */
static pid_t
read_pidfile(int dirfd, const char *name)
{
        char buf[32] = { 0 };
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        long v;

        if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0)
                return -1;
        v = strtol(buf, NULL, 10);
        return v > 1 ? (pid_t) v : -1;
}

static bool
is_child(pid_t pid)
{
        siginfo_t si = { 0 };

        return waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* Runs in: the watcher. Start the tool; for a daemonizing one, wait until it is ready and adopt the
 * daemon. Returns the pid to watch, or -1 after reporting why not. */
static pid_t
start_tool(struct helper_watch *w, int report_fd)
{
        _cleanup_error_ ocirt_error *e = NULL;
        struct helper_proc p;
        pid_t tool;

        if (helper_spawn(&w->cmd, &p, &e) < 0) {
                report(report_fd, e->errnum, -1, e->msg);
                return -1;
        }
        if (!w->pidfile) {
                helper_proc_done(&p);
                return p.pid;
        }
        if (helper_wait(&p, w->ready_ms, w->cmd.stderr_fd, w->hint, &e) < 0) {
                helper_proc_done(&p);
                report(report_fd, e->errnum, -1, e->msg);
                return -1;
        }
        helper_proc_done(&p);
        tool = read_pidfile(w->cmd.cwd_fd, w->pidfile);
        /* Ours only if it is our child now (the subreaper adopted it when its parent exited): then
         * its pid cannot be recycled before we reap it. */
        if (tool < 0 || !is_child(tool)) {
                report(report_fd, ESRCH, -1, "the pid file of the daemon names no child of its watcher");
                return -1;
        }
        return tool;
}

/* Runs in: the watcher. Wait until the init is gone (or the tool died by itself). */
static void
watch(pid_t init_pid, pid_t tool)
{
        int pidfd_init = sys_pidfd_open(init_pid, 0), pidfd_tool = sys_pidfd_open(tool, 0);

        for (;;) {
                struct pollfd pf[2] = { { .fd = pidfd_init, .events = POLLIN }, { .fd = pidfd_tool, .events = POLLIN } };
                int n = poll(pf, 2, pidfd_init < 0 || pidfd_tool < 0 ? 1000 : -1);

                if (n < 0 && errno != EINTR)
                        return;
                if (waitpid(tool, NULL, WNOHANG) == tool)
                        _exit(0);
                if (pidfd_init < 0 ? kill(init_pid, 0) < 0 && errno == ESRCH : (n > 0 && (pf[0].revents & POLLIN)))
                        return;
        }
}

/* Runs in: the watcher, a fork of the runtime that outlives it. Never returns. */
_noreturn_ static void
watcher_main(struct helper_watch *w, int report_fd)
{
        sigset_t all;
        pid_t tool;
        int keep[2];

        /* Not in the caller's session: a ^C at `ocirt run` must reach the container, not end its
         * network. Signals stay blocked; delete stops the watcher with SIGKILL if need be. */
        (void) setsid();
        /* Nor its stdio: a caller reading `ocirt run --detach`'s output waits for EOF. */
        {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (null >= 0) {
                        (void) dup2(null, 0);
                        (void) dup2(null, 1);
                        (void) dup2(null, 2);
                        close(null);
                }
        }
        sigfillset(&all);
        (void) sigprocmask(SIG_SETMASK, &all, NULL);
        if (w->pidfile)
                (void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

        tool = start_tool(w, report_fd);
        if (tool < 0)
                _exit(1);
        report(report_fd, 0, tool, NULL);

        /* Keep only the exit pipe: not the state lock, the sync socket, the pty, the log. */
        keep[0] = w->end_fd;
        (void) close_fds_from(3, keep, w->end_fd >= 0 ? 1 : 0);
        watch(w->init_pid, tool);

        /* The container is gone: end the tool (it is our child, so its pid cannot be recycled before
         * we reap it), give it 5 s, then kill it. */
        if (w->end_fd >= 0)
                close(w->end_fd);
        else
                (void) kill(tool, SIGTERM);
        for (int i = 0; i < 500; i++) {
                if (waitpid(tool, NULL, WNOHANG) == tool)
                        _exit(0);
                (void) poll(NULL, 0, 10);
        }
        (void) kill(tool, SIGKILL);
        (void) waitpid(tool, NULL, 0);
        _exit(0);
}

static int
undo_stop(void *data, ocirt_error **err)
{
        helper_watch_stop(data);
        (void) err;
        return 0;
}

int
helper_watch_start(struct helper_watch *w, struct undo *undo, struct helper_watched **ret, ocirt_error **err)
{
        struct watch_report rep = { .err = EIO };
        struct helper_watched *out;
        int p[2];
        pid_t watcher;
        ssize_t n;

        if (pipe2(p, O_CLOEXEC) < 0)
                return ocirt_fail(err, errno, "pipe");
        watcher = fork();
        if (watcher < 0) {
                int e = errno;
                close(p[0]);
                close(p[1]);
                return ocirt_fail(err, e, "fork");
        }
        if (watcher == 0) {
                close(p[0]);
                watcher_main(w, p[1]);
        }
        close(p[1]);
        if (w->end_fd >= 0) {
                close(w->end_fd);
                w->end_fd = -1;
        }
        out = xcalloc(1, sizeof *out);
        out->watcher = watcher;
        (void) proc_pid_start_time(watcher, &out->watcher_start, NULL);
        undo_push(undo, helper_name(w->cmd.tool), undo_stop, out);
        *ret = out;
        do
                n = read(p[0], &rep, sizeof rep);
        while (n < 0 && errno == EINTR);
        close(p[0]);
        if (n != (ssize_t) sizeof rep)
                return ocirt_fail(err, EIO, "the %s watcher died", helper_name(w->cmd.tool));
        if (rep.tool <= 0) {
                /* The watcher exits by itself after a failed start; reap it. */
                (void) waitpid(watcher, NULL, 0);
                out->watcher = 0;
                return ocirt_fail_at(err, rep.err, NULL, w->hint ? w->hint : helper_install_hint(w->cmd.tool), "%s",
                                     rep.text);
        }
        out->tool = rep.tool;
        (void) proc_pid_start_time(rep.tool, &out->tool_start, NULL);
        return 0;
}

void
helper_watch_stop(const struct helper_watched *w)
{
        if (w->tool > 0 && helper_stop_pid(w->tool, w->tool_start, SIGTERM, 2000) < 0)
                (void) helper_stop_pid(w->tool, w->tool_start, SIGKILL, 2000);
        if (w->watcher > 0 && helper_stop_pid(w->watcher, w->watcher_start, SIGTERM, 2000) < 0)
                (void) helper_stop_pid(w->watcher, w->watcher_start, SIGKILL, 2000);
}

void
helper_watch_facts(const struct helper_watched *w, char **ret_pid, char **ret_watcher)
{
        *ret_pid = xasprintf("%d:%llu", (int) w->tool, w->tool_start);
        *ret_watcher = xasprintf("%d:%llu", (int) w->watcher, w->watcher_start);
}

void
helper_watch_teardown(ocirt_ctx *ctx, const struct state *st, const char *prefix)
{
        _cleanup_free_ char *k1 = xasprintf("%s.pid", prefix), *k2 = xasprintf("%s.watcher", prefix);
        struct helper_watched w = { 0 };

        if (helper_pid_parse(state_get_extra(st, k1), &w.tool, &w.tool_start) < 0)
                return;
        (void) helper_pid_parse(state_get_extra(st, k2), &w.watcher, &w.watcher_start);
        log_debug(ctx, "stopping %s %d", prefix, (int) w.tool);
        helper_watch_stop(&w);
}
