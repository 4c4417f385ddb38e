/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slirp4netns.c: user-mode networking for a container's own network namespace (--network
 * slirp4netns), with port forwards through slirp4netns's API socket (--publish).
 *
 * Who keeps slirp4netns alive, and who ends it. `ocirt create` exits long before the container
 * does, so it cannot hold slirp4netns's --exit-fd, and the container's own processes must not (their
 * fds are theirs). A small watcher, forked from the runtime (no exec), does: it is slirp4netns's
 * parent, holds the write end of the exit pipe and a pidfd of the container init, and when the init
 * exits it closes the pipe (slirp4netns exits by itself), reaps it and exits. So slirp4netns dies
 * with the container even after `run` without --keep, where no delete happens, and `delete` only
 * has to stop what is left (by pid and start time from state.json, never by name).
 *
 * slirp4netns is started at SYNC_EARLY, while the init waits with its namespaces created and is
 * still dumpable, so slirp4netns can join them through /proc/PID/ns.
 *
 * A tool started from outside on a `created` container (podman's own slirp4netns, nsenter) cannot
 * do the same: after SYNC_EARLY the init is not dumpable, and its mm still belongs to the host user
 * namespace (no exec yet), so /proc/PID/ns/ is root's. Decision: keep it so (the init holds runtime
 * fds until exec; CVE-2016-9962), and offer instead (1) this module, which needs no outside join,
 * and (2) a network namespace path in the config that the tool created itself, which is what current
 * podman does. Making a rootless init dumpable again once it holds no host fd is possible in
 * init.c; the issue 5 report describes that seam. */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "helpers/ops.h"
#include "base/base.h"
#include "state/state.h"

#define SLIRP_LOG "slirp4netns.log"
#define SLIRP_SOCK "slirp4netns.sock"
#define READY_TIMEOUT_MS 10000

struct slirp_stop {
        pid_t slirp, watcher;
        unsigned long long slirp_start, watcher_start;
};

static int
undo_stop(void *data, ocirt_error **err)
{
        struct slirp_stop *s = data;

        if (s->slirp > 0 && helper_stop_pid(s->slirp, s->slirp_start, SIGTERM, 2000) < 0)
                (void) helper_stop_pid(s->slirp, s->slirp_start, SIGKILL, 2000);
        if (s->watcher > 0 && helper_stop_pid(s->watcher, s->watcher_start, SIGTERM, 2000) < 0)
                (void) helper_stop_pid(s->watcher, s->watcher_start, SIGKILL, 2000);
        (void) err;
        return 0;
}

static bool
slirp_used(const struct helpers *h)
{
        return h->network == NETWORK_SLIRP4NETNS;
}

static int
slirp_prepare(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
              ocirt_error **err)
{
        _cleanup_free_ char *path = NULL;

        /* Fail before anything exists when the tool is missing. */
        (void) c;
        (void) h;
        (void) out;
        (void) undo;
        return helper_find(HELPER_SLIRP4NETNS, &path, err);
}

/* slirp4netns --version: "libseccomp: 2.5.4" when built with seccomp. --enable-sandbox exists since
 * 0.4.0, as does --enable-seccomp (experimental). */
static void
probe_features(bool *ret_sandbox, bool *ret_seccomp)
{
        char *argv[] = { (char *) "slirp4netns", (char *) "--version", NULL };
        struct helper_cmd cmd = { .tool = HELPER_SLIRP4NETNS, .argv = argv, .stderr_fd = -1, .cwd_fd = -1 };
        struct helper_proc p;
        _cleanup_free_ char *out = NULL;
        _cleanup_error_ ocirt_error *e = NULL;
        int major = 0, minor = 0;

        *ret_sandbox = *ret_seccomp = false;
        if (helper_spawn(&cmd, &p, &e) < 0)
                return;
        (void) fd_set_nonblock(p.stderr_pipe, false);
        out = helper_read_stderr(p.stderr_pipe, false, 2000);
        (void) helper_wait(&p, 5000, -1, NULL, &e);
        helper_proc_done(&p);
        if (sscanf(out, "slirp4netns version %d.%d", &major, &minor) == 2 && (major > 0 || minor >= 4)) {
                *ret_sandbox = true;
                *ret_seccomp = strstr(out, "libseccomp:") != NULL;
        }
}

struct watcher_report {
        int err;
        pid_t slirp;
        char text[480];
};

/* The fds between the runtime, the watcher and slirp4netns: -1 once closed or handed on. */
struct slirp_fds {
        int log;              /* slirp4netns's stderr, in the state dir */
        int ready_r, ready_w; /* slirp4netns writes '1' once tap0 is configured */
        int exit_r, exit_w;   /* slirp4netns exits when exit_w (held by the watcher) closes */
        int report_r, report_w; /* the watcher reports slirp4netns's pid, or why it could not start it */
};

static void
close_fd(int *fd)
{
        closep(fd);
        *fd = -1;
}

static void
slirp_fds_done(struct slirp_fds *f)
{
        int *all[] = { &f->log, &f->ready_r, &f->ready_w, &f->exit_r, &f->exit_w, &f->report_r, &f->report_w };

        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                close_fd(all[i]);
}

/* Runs in: the watcher, a fork of the runtime that outlives it. Never returns. */
_noreturn_ static void
watcher_main(struct helper_cmd *cmd, pid_t init_pid, int report_fd, int exit_w)
{
        struct watcher_report rep = { 0 };
        _cleanup_error_ ocirt_error *e = NULL;
        struct helper_proc p;
        sigset_t all;
        int keep[3], pidfd_init, pidfd_slirp;

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
        pidfd_init = sys_pidfd_open(init_pid, 0);

        if (helper_spawn(cmd, &p, &e) < 0) {
                rep.err = e->errnum;
                snprintf(rep.text, sizeof rep.text, "%s", e->msg);
                (void) !write(report_fd, &rep, sizeof rep);
                _exit(1);
        }
        rep.slirp = p.pid;
        (void) !write(report_fd, &rep, sizeof rep);

        /* Keep only the exit pipe and the pidfds: not the state lock, the sync socket, the pty. */
        pidfd_slirp = sys_pidfd_open(p.pid, 0);
        keep[0] = exit_w;
        keep[1] = pidfd_init;
        keep[2] = pidfd_slirp;
        (void) close_fds_from(3, keep, 3);

        for (;;) {
                struct pollfd pf[2] = { { .fd = pidfd_init, .events = POLLIN }, { .fd = pidfd_slirp, .events = POLLIN } };
                int n = poll(pf, 2, pidfd_init < 0 ? 1000 : -1);

                if (n < 0 && errno != EINTR)
                        break;
                if (waitpid(p.pid, NULL, WNOHANG) == p.pid)
                        _exit(0);
                if (pidfd_init < 0 ? kill(init_pid, 0) < 0 && errno == ESRCH : (n > 0 && (pf[0].revents & POLLIN)))
                        break;
        }
        /* The container is gone: slirp4netns sees its exit fd close and exits; reap it. */
        close(exit_w);
        for (int i = 0; i < 500; i++) {
                if (waitpid(p.pid, NULL, WNOHANG) == p.pid)
                        _exit(0);
                (void) poll(NULL, 0, 10);
        }
        (void) kill(p.pid, SIGKILL);
        (void) waitpid(p.pid, NULL, 0);
        _exit(0);
}

static int
api_call(int dirfd, const char *request, char *reply, size_t len, ocirt_error **err)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        size_t got = 0;
        ssize_t n;

        snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dirfd, SLIRP_SOCK);
        if (s < 0 || connect(s, (struct sockaddr *) &sa, sizeof sa) < 0)
                return ocirt_fail(err, errno, "connect to the API socket %s", SLIRP_SOCK);
        if (write_all(s, request, strlen(request)) < 0 || shutdown(s, SHUT_WR) < 0)
                return ocirt_fail(err, errno, "write to the API socket");
        while (got < len - 1 && (n = read(s, reply + got, len - 1 - got)) > 0)
                got += (size_t) n;
        reply[got] = '\0';
        return 0;
}

static int
add_forwards(const struct container *c, const struct helpers *h, ocirt_error **err)
{
        for (size_t i = 0; i < h->n_publish; i++) {
                const struct helper_publish *p = &h->publish[i];
                _cleanup_free_ char *req = xasprintf(
                        "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", \"host_addr\": \"%s\", "
                        "\"host_port\": %u, \"guest_port\": %u}}",
                        p->udp ? "udp" : "tcp", p->host_addr, p->host_port, p->container_port);
                char reply[1024];
                int r;

                r = api_call(c->lock_fd, req, reply, sizeof reply, err);
                if (r < 0)
                        return r;
                if (!strstr(reply, "\"return\"")) {
                        const char *d = strstr(reply, "\"desc\"");
                        return ocirt_fail_at(err, EADDRINUSE, "--publish",
                                             "pick a free host port, or check that the address is one of this host's",
                                             "publish %s:%u:%u/%s: slirp4netns refused: %s", p->host_addr, p->host_port,
                                             p->container_port, p->udp ? "udp" : "tcp", d ? d : reply);
                }
        }
        return 0;
}

static int
open_fds(const struct container *c, struct slirp_fds *f, ocirt_error **err)
{
        int *pairs[][2] = { { &f->ready_r, &f->ready_w }, { &f->exit_r, &f->exit_w }, { &f->report_r, &f->report_w } };
        int p[2];

        f->log = openat(c->lock_fd, SLIRP_LOG, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
        if (f->log < 0)
                return ocirt_fail(err, errno, "create %s in the state directory", SLIRP_LOG);
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                if (pipe2(p, O_CLOEXEC) < 0)
                        return ocirt_fail(err, errno, "pipe");
                *pairs[i][0] = p[0];
                *pairs[i][1] = p[1];
        }
        return 0;
}

static char **
slirp_argv(const struct container *c, const struct helpers *h, const struct slirp_fds *f)
{
        char **argv = NULL, buf[64];
        bool sandbox, seccomp;

        probe_features(&sandbox, &seccomp);
        strv_push(&argv, "slirp4netns");
        strv_push(&argv, "--configure");
        strv_push(&argv, "--mtu=65520");
        if (!h->allow_host_loopback)
                strv_push(&argv, "--disable-host-loopback");
        if (sandbox)
                strv_push(&argv, "--enable-sandbox");
        if (seccomp)
                strv_push(&argv, "--enable-seccomp");
        snprintf(buf, sizeof buf, "--ready-fd=%d", f->ready_w);
        strv_push(&argv, buf);
        snprintf(buf, sizeof buf, "--exit-fd=%d", f->exit_r);
        strv_push(&argv, buf);
        /* Relative to the state dir (the tool's cwd): ROOT/ID may be longer than sun_path allows. */
        strv_push(&argv, "--api-socket=" SLIRP_SOCK);
        snprintf(buf, sizeof buf, "%d", (int) c->init_pid);
        strv_push(&argv, buf);
        strv_push(&argv, "tap0");
        return argv;
}

/* Fork the watcher, which starts slirp4netns; on return *ret (owned by the undo list) names both.
 * The runtime keeps only the read ends of the ready and report pipes. */
static int
start_watcher(const struct container *c, char **argv, struct slirp_fds *f, struct undo *undo, struct slirp_stop **ret,
              ocirt_error **err)
{
        struct watcher_report rep = { .err = EIO };
        int keep[3] = { f->ready_w, f->exit_r, -1 };
        struct helper_cmd cmd = { .tool = HELPER_SLIRP4NETNS, .argv = argv, .keep_fds = keep, .stderr_fd = f->log,
                                  .cwd_fd = c->lock_fd };
        struct slirp_stop *stop;
        pid_t watcher;
        ssize_t n;

        watcher = fork();
        if (watcher < 0)
                return ocirt_fail(err, errno, "fork");
        if (watcher == 0) {
                close(f->report_r);
                close(f->ready_r);
                watcher_main(&cmd, c->init_pid, f->report_w, f->exit_w);
        }
        stop = xcalloc(1, sizeof *stop);
        stop->watcher = watcher;
        (void) proc_pid_start_time(watcher, &stop->watcher_start, NULL);
        undo_push(undo, "stop slirp4netns", undo_stop, stop);
        *ret = stop;

        close_fd(&f->report_w);
        close_fd(&f->ready_w);
        close_fd(&f->exit_r);
        close_fd(&f->exit_w);
        do
                n = read(f->report_r, &rep, sizeof rep);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t) sizeof rep)
                return ocirt_fail(err, EIO, "the slirp4netns watcher died");
        if (rep.slirp <= 0)
                return ocirt_fail_at(err, rep.err, NULL, helper_install_hint(HELPER_SLIRP4NETNS), "%s", rep.text);
        stop->slirp = rep.slirp;
        (void) proc_pid_start_time(rep.slirp, &stop->slirp_start, NULL);
        return 0;
}

/* Ready: slirp4netns writes '1' to the ready fd once tap0 is configured. EOF: it died. */
static int
wait_ready(const struct slirp_fds *f, const struct slirp_stop *stop, char **argv, ocirt_error **err)
{
        struct pollfd pf = { .fd = f->ready_r, .events = POLLIN };
        _cleanup_free_ char *text = NULL, *cmdline = NULL;
        ssize_t n = 0;
        char ch = 0;
        int r;

        r = poll(&pf, 1, READY_TIMEOUT_MS);
        if (r > 0)
                n = read(f->ready_r, &ch, 1);
        if (r > 0 && n == 1 && ch == '1')
                return 0;
        /* Give it a moment to finish writing its last words. */
        (void) helper_stop_pid(stop->slirp, stop->slirp_start, 0, r == 0 ? 0 : 1000);
        text = helper_read_stderr(f->log, true, 3000);
        cmdline = helper_cmdline(argv);
        return ocirt_fail_at(err, r == 0 ? ETIMEDOUT : EIO, NULL,
                             "check that /dev/net/tun exists and is usable by you (sudo chmod 0666 "
                             "/dev/net/tun); 'ocirt check' tells more",
                             "%s: %s%s%s", cmdline, r == 0 ? "not ready in time" : "failed", *text ? ": " : "", text);
}

/* Runs in: the runtime, at SYNC_EARLY. Hands back the pids of slirp4netns and its watcher. */
static int
slirp_attach(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
             ocirt_error **err)
{
        _cleanup_(slirp_fds_done) struct slirp_fds f = { -1, -1, -1, -1, -1, -1, -1 };
        _cleanup_strv_ char **argv = NULL;
        struct slirp_stop *stop;
        int r;

        r = open_fds(c, &f, err);
        if (r < 0)
                return r;
        argv = slirp_argv(c, h, &f);
        r = start_watcher(c, argv, &f, undo, &stop, err);
        if (r < 0)
                return r;
        r = wait_ready(&f, stop, argv, err);
        if (r < 0)
                return r;
        r = add_forwards(c, h, err);
        if (r < 0)
                return r;
        {
                _cleanup_free_ char *s1 = xasprintf("%d:%llu", (int) stop->slirp, stop->slirp_start);
                _cleanup_free_ char *s2 = xasprintf("%d:%llu", (int) stop->watcher, stop->watcher_start);
                helper_out_fact(out, "slirp4netns.pid", s1);
                helper_out_fact(out, "slirp4netns.watcher", s2);
        }
        return 0;
}

static int
slirp_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        struct slirp_stop s = { 0 };

        if (helper_pid_parse(state_get_extra(st, "slirp4netns.pid"), &s.slirp, &s.slirp_start) < 0)
                return 0;
        (void) helper_pid_parse(state_get_extra(st, "slirp4netns.watcher"), &s.watcher, &s.watcher_start);
        log_debug(ctx, "stopping slirp4netns %d", (int) s.slirp);
        (void) undo_stop(&s, err);
        return 0;
}

const struct helper_ops slirp4netns_helper = {
        .name = "slirp4netns",
        .used = slirp_used,
        .prepare = slirp_prepare,
        .attach = slirp_attach,
        .teardown = slirp_teardown,
};
