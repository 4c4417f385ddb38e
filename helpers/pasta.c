/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pasta.c: networking for a container's own network namespace through pasta (package passt):
 * `--network pasta`. Unlike slirp4netns, pasta does not run a TCP/IP stack of its own for the
 * traffic: it translates between the container's tap device and ordinary host sockets (splicing
 * loopback connections), and copies the host's addresses and routes into the container.
 *
 * Its life: pasta is started at SYNC_EARLY against the waiting init's pid (it joins the init's user
 * and network namespaces itself; the init is still dumpable then), under the watcher of watch.c.
 * This pasta has no exit fd and does not notice when a namespace it joined by pid goes away, so
 * the watcher, its child subreaper, ends it with SIGTERM when the init exits. pasta forks into the
 * background once the interface is configured and the published ports are bound: that exit is the
 * ready signal, and its failure carries pasta's own error (a port in use, no route on the host).
 *
 * What pasta forwards, decided here and not left to its defaults:
 * - into the container: exactly the --publish ports ("-t none -u none" without any). pasta's own
 *   default, "auto", would publish every port the container listens on, on all host addresses;
 * - out of the container to the host's ports ("-T", "-U"): none. A container reaches the host
 *   through the gateway address only with --allow-host-loopback (pasta's gateway mapping, off by
 *   default here with --no-map-gw, as slirp4netns's --disable-host-loopback);
 * - DNS: queries to 169.254.1.1 go to the host's resolver (--dns-forward), the address recorded as
 *   the fact pasta.dns for a client that writes the container's resolv.conf (the runtime does not
 *   write into the rootfs). */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include "helpers/ops.h"
#include "base/base.h"
#include "state/state.h"

#define PASTA_LOG "pasta.log"
#define PASTA_PIDFILE "pasta.pid"
#define PASTA_DNS "169.254.1.1"
#define READY_TIMEOUT_MS 10000

static bool
pasta_used(const struct helpers *h)
{
        return h->network == NETWORK_PASTA;
}

static int
pasta_prepare(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
              ocirt_error **err)
{
        _cleanup_free_ char *path = NULL;

        /* Fail before anything exists when the tool is missing. */
        (void) c;
        (void) h;
        (void) out;
        (void) undo;
        return helper_find(HELPER_PASTA, &path, err);
}

/* "-t" or "-u" and its spec: "[ADDR/]HOSTPORT:CONTAINERPORT"; 0.0.0.0 (the default) binds every
 * address, IPv4 and IPv6, as podman's -p without an address does. */
static void
push_publish(char ***argv, const struct helper_publish *p)
{
        _cleanup_free_ char *spec = NULL;

        if (streq(p->host_addr, "0.0.0.0") || streq(p->host_addr, "::") || !p->host_addr[0])
                spec = xasprintf("%u:%u", p->host_port, p->container_port);
        else
                spec = xasprintf("%s/%u:%u", p->host_addr, p->host_port, p->container_port);
        strv_push(argv, p->udp ? "-u" : "-t");
        strv_push(argv, spec);
}

static char **
pasta_argv(const struct container *c, const struct helpers *h)
{
        char **argv = NULL, buf[32];
        bool tcp = false, udp = false;

        strv_push(&argv, "pasta");
        strv_push(&argv, "--config-net");
        strv_push(&argv, "--quiet");
        /* Relative to the state dir (the tool's cwd), read by the watcher. */
        strv_push(&argv, "--pid");
        strv_push(&argv, PASTA_PIDFILE);
        for (size_t i = 0; i < h->n_publish; i++) {
                push_publish(&argv, &h->publish[i]);
                if (h->publish[i].udp)
                        udp = true;
                else
                        tcp = true;
        }
        if (!tcp)
                strv_push(&argv, "-t"), strv_push(&argv, "none");
        if (!udp)
                strv_push(&argv, "-u"), strv_push(&argv, "none");
        strv_push(&argv, "-T");
        strv_push(&argv, "none");
        strv_push(&argv, "-U");
        strv_push(&argv, "none");
        if (!h->allow_host_loopback)
                strv_push(&argv, "--no-map-gw");
        strv_push(&argv, "--dns-forward");
        strv_push(&argv, PASTA_DNS);
        snprintf(buf, sizeof buf, "%d", (int) c->init_pid);
        strv_push(&argv, buf);
        return argv;
}

/* After a failed start: is one of the published host ports taken? pasta says only "Failed to bind
 * any port for '-t 8080:80'", so ask the kernel for each port and name the first one in use. */
static const struct helper_publish *
port_in_use(const struct helpers *h)
{
        for (size_t i = 0; i < h->n_publish; i++) {
                const struct helper_publish *p = &h->publish[i];
                struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(p->host_port) };
                struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(p->host_port) };
                bool v6 = strchr(p->host_addr, ':') != NULL;
                _cleanup_close_ int s = socket(v6 ? AF_INET6 : AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
                int one = 1;

                if (s < 0)
                        continue;
                (void) setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                if (v6 ? inet_pton(AF_INET6, p->host_addr, &a6.sin6_addr) != 1
                       : inet_pton(AF_INET, p->host_addr, &a4.sin_addr) != 1)
                        continue;
                if ((v6 ? bind(s, (struct sockaddr *) &a6, sizeof a6) : bind(s, (struct sockaddr *) &a4, sizeof a4)) < 0 &&
                    errno == EADDRINUSE)
                        return p;
        }
        return NULL;
}

static int
explain_failure(const struct helpers *h, ocirt_error **err)
{
        const struct helper_publish *taken = port_in_use(h);

        if (taken) {
                *err = ocirt_error_free(*err);
                return ocirt_fail_at(err, EADDRINUSE, "--publish",
                                     "pick a free host port (another container or program holds this one)",
                                     "publish: host port %u/%s is already in use", taken->host_port,
                                     taken->udp ? "udp" : "tcp");
        }
        if (geteuid() == 0)
                return ocirt_wrap(err, "as root this pasta may refuse to run (it drops to 'nobody' and cannot "
                                       "join the container's namespaces); use --network slirp4netns as root");
        return -(*err)->errnum;
}

/* Runs in: the runtime, at SYNC_EARLY. Hands back the pids of pasta and its watcher and the DNS
 * address. */
static int
pasta_attach(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
             ocirt_error **err)
{
        _cleanup_close_ int log = -1;
        _cleanup_strv_ char **argv = NULL;
        struct helper_watched *stop;
        int r;

        log = openat(c->lock_fd, PASTA_LOG, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
        if (log < 0)
                return ocirt_fail(err, errno, "create %s in the state directory", PASTA_LOG);
        argv = pasta_argv(c, h);
        {
                struct helper_watch w = {
                        .cmd = { .tool = HELPER_PASTA, .argv = argv, .stderr_fd = log, .cwd_fd = c->lock_fd },
                        .init_pid = c->init_pid,
                        .end_fd = -1,
                        .pidfile = PASTA_PIDFILE,
                        .ready_ms = READY_TIMEOUT_MS,
                        .hint = "see the log pasta.log in the container's state directory; 'ocirt check' tells more",
                };
                r = helper_watch_start(&w, undo, &stop, err);
        }
        if (r < 0)
                return explain_failure(h, err);
        helper_out_watched(out, "pasta", stop);
        helper_out_fact(out, "pasta.dns", PASTA_DNS);
        return 0;
}

static int
pasta_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        helper_watch_teardown(ctx, st, "pasta");
        (void) err;
        return 0;
}

const struct helper_ops pasta_helper = {
        .name = "pasta",
        .used = pasta_used,
        .prepare = pasta_prepare,
        .attach = pasta_attach,
        .teardown = pasta_teardown,
};
