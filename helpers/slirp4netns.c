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

/* The fds between the runtime, the watcher and slirp4netns: -1 once closed or handed on. */
struct slirp_fds {
        int log;              /* slirp4netns's stderr, in the state dir */
        int ready_r, ready_w; /* slirp4netns writes '1' once tap0 is configured */
        int exit_r, exit_w;   /* slirp4netns exits when exit_w (held by the watcher) closes */
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
        int *all[] = { &f->log, &f->ready_r, &f->ready_w, &f->exit_r, &f->exit_w };

        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                close_fd(all[i]);
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
        int *pairs[][2] = { { &f->ready_r, &f->ready_w }, { &f->exit_r, &f->exit_w } };
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

/* Start slirp4netns under a watcher (watch.c); on return *ret (owned by the undo list) names both.
 * The runtime keeps only the read end of the ready pipe. */
static int
start_watcher(const struct container *c, char **argv, struct slirp_fds *f, struct undo *undo,
              struct helper_watched **ret, ocirt_error **err)
{
        int keep[3] = { f->ready_w, f->exit_r, -1 };
        struct helper_watch w = {
                .cmd = { .tool = HELPER_SLIRP4NETNS, .argv = argv, .keep_fds = keep, .stderr_fd = f->log,
                         .cwd_fd = c->lock_fd },
                .init_pid = c->init_pid,
                .end_fd = TAKE_FD(f->exit_w),
        };
        int r;

        r = helper_watch_start(&w, undo, ret, err);
        close_fd(&f->ready_w);
        close_fd(&f->exit_r);
        return r;
}

/* Ready: slirp4netns writes '1' to the ready fd once tap0 is configured. EOF: it died. */
static int
wait_ready(const struct slirp_fds *f, const struct helper_watched *stop, char **argv, ocirt_error **err)
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
        (void) helper_stop_pid(stop->tool, stop->tool_start, 0, r == 0 ? 0 : 1000);
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
        _cleanup_(slirp_fds_done) struct slirp_fds f = { -1, -1, -1, -1, -1 };
        _cleanup_strv_ char **argv = NULL;
        struct helper_watched *stop;
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
        helper_out_watched(out, "slirp4netns", stop);
        return 0;
}

static int
slirp_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        helper_watch_teardown(ctx, st, "slirp4netns");
        (void) err;
        return 0;
}

const struct helper_ops slirp4netns_helper = {
        .name = "slirp4netns",
        .used = slirp_used,
        .prepare = slirp_prepare,
        .attach = slirp_attach,
        .teardown = slirp_teardown,
};
