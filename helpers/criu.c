/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* criu.c: talking to CRIU (checkpoint/restore, issue 17). ocirt starts `criu swrk FD`, CRIU's
 * "service worker" mode: one request over a SOCK_SEQPACKET socket (criu-rpc.c encodes it), any
 * notifications answered, one response. Nothing links against CRIU, so ocirt builds and runs
 * without it; only checkpoint, restore and `ocirt check` look for the binary.
 *
 * Why in helpers/: CRIU is an outside program started with the toolkit of run.h (found on $PATH,
 * the Debian package named when it is missing), like slirp4netns. It does not implement ops.h,
 * whose steps (prepare, early, teardown) belong to helpers that live beside a running container;
 * CRIU runs for one command and is gone. What the request says about the container (mounts,
 * namespaces, cgroups, the terminal) is the container room's knowledge: container/checkpoint.c
 * fills struct criu_request and this file only carries it.
 *
 * Errors: CRIU's answer carries little (cr_errmsg is often empty), and its log has hundreds of
 * lines. The error is the first "Error (file:line): ..." line of the log, without its source
 * position, plus the path of the log: one line that says why and where to read more. */
#include "config.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "helpers/helpers.h"
#include "helpers/criu-rpc.h"
#include "base/base.h"

#define CRIU_MSG_MAX (64 * 1024)

/* Is `name` an executable in $PATH? */
static bool
on_path(const char *name)
{
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");

        for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *cand = xasprintf("%s/%s", d, name);

                if (*d == '/' && access(cand, X_OK) == 0)
                        return true;
        }
        return false;
}

static bool
uses_nftables(void)
{
        return !on_path("iptables-restore");
}

static void
encode_opts(const struct criu_request *q, struct pb *o)
{
        pb_int32(o, 1, q->images_fd);
        if (q->pid > 0)
                pb_int32(o, 2, q->pid);
        if (q->leave_running)
                pb_bool(o, 3, true);
        if (q->ext_unix_sk)
                pb_bool(o, 4, true);
        if (q->tcp_established)
                pb_bool(o, 5, true);
        if (q->shell_job)
                pb_bool(o, 7, true);
        if (q->file_locks)
                pb_bool(o, 8, true);
        pb_int32(o, 9, 4); /* log level: everything, the log is for the user to read when it fails */
        pb_string(o, 10, q->log_name);
        if (q->ps_address) {
                struct pb ps = { 0 };

                pb_string(&ps, 1, q->ps_address); /* criu_page_server_info.address, .port */
                pb_int32(&ps, 2, q->ps_port);
                pb_message(o, 11, &ps);
        }
        if (q->notify_scripts)
                pb_bool(o, 12, true);
        if (q->root)
                pb_string(o, 13, q->root);
        if (q->parent_img)
                pb_string(o, 14, q->parent_img);
        if (q->track_mem)
                pb_bool(o, 15, true);
        if (q->auto_dedup)
                pb_bool(o, 16, true);
        if (q->work_fd >= 0)
                pb_int32(o, 17, q->work_fd);
        if (q->cgroup_root) {
                struct pb cg = { 0 };

                pb_string(&cg, 2, q->cgroup_root); /* cgroup_root.path, for every controller */
                pb_message(o, 25, &cg);
        }
        if (q->rst_sibling)
                pb_bool(o, 26, true);
        for (size_t i = 0; i < q->n_inherit; i++) {
                struct pb in = { 0 };

                pb_string(&in, 1, q->inherit[i].key);
                pb_int32(&in, 2, q->inherit[i].fd);
                pb_message(o, 27, &in);
        }
        for (size_t i = 0; q->skip_mnt && q->skip_mnt[i]; i++)
                pb_string(o, 31, q->skip_mnt[i]);
        if (q->manage_cgroups_mode != CRIU_CG_UNSET) {
                pb_bool(o, 24, true);
                pb_varint(o, 34, (uint64_t) q->manage_cgroups_mode);
        }
        for (size_t i = 0; q->external && q->external[i]; i++)
                pb_string(o, 37, q->external[i]);
        if (q->empty_ns)
                pb_varint(o, 38, q->empty_ns);
        if (q->freeze_cgroup)
                pb_string(o, 44, q->freeze_cgroup);
        if (q->lazy_pages)
                pb_bool(o, 48, true);
        if (q->orphan_pts_master)
                pb_bool(o, 50, true);
        if (q->config_file)
                pb_string(o, 51, q->config_file);
        /* CRIU locks the container's network while it dumps and restores, by default with
         * iptables-restore, which many hosts (and Debian's minimal images) lack; criu links
         * libnftables, so without iptables ask for nftables (network_lock = NFTABLES). */
        if (uses_nftables())
                pb_varint(o, 64, 2);
}

static int
send_req(int sk, int type, const struct criu_request *q, bool notify_ok, ocirt_error **err)
{
        struct pb b = { 0 };
        ssize_t n;

        pb_varint(&b, 1, (uint64_t) type);
        if (q) {
                struct pb o = { 0 };

                encode_opts(q, &o);
                pb_message(&b, 2, &o);
        }
        if (type == CRIU_RPC_NOTIFY)
                pb_bool(&b, 3, notify_ok);
        do
                n = send(sk, b.buf, b.len, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        pb_free(&b);
        if (n < 0)
                return ocirt_fail(err, errno, "send the request to criu");
        return 0;
}

/* One message from criu, with the fd it may carry (orphan-pts-master sends the pty master). */
static int
recv_resp(int sk, struct criu_rpc_resp *ret, int *ret_fd, ocirt_error **err)
{
        _cleanup_free_ uint8_t *buf = xmalloc(CRIU_MSG_MAX);
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(int))];
        } ctl;
        struct iovec iov = { .iov_base = buf, .iov_len = CRIU_MSG_MAX };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl };
        struct cmsghdr *cm;
        ssize_t n;

        *ret_fd = -1;
        do
                n = recvmsg(sk, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return ocirt_fail(err, errno, "read criu's answer");
        for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
                        memcpy(ret_fd, CMSG_DATA(cm), sizeof(int));
        if (n == 0)
                return ocirt_fail(err, EPIPE, "criu closed the connection without an answer");
        if (mh.msg_flags & MSG_TRUNC || criu_rpc_resp_parse(buf, (size_t) n, ret) < 0) {
                if (*ret_fd >= 0)
                        close(*ret_fd);
                return ocirt_fail(err, EBADMSG, "criu's answer is not a criu_resp message");
        }
        return 0;
}

/* "vdso: Unexpected rt vDSO area bounds": the first error line of a criu log, without the
 * "Error (criu/vdso.c:381): " position. NULL when the log has none. */
char *
criu_log_first_error(int dirfd, const char *name)
{
        _cleanup_free_ char *text = NULL;
        size_t len;

        if (read_file_at(dirfd, name, &text, &len) < 0)
                return NULL;
        for (char *line = text, *next; line && *line; line = next) {
                char *e;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                e = strstr(line, "Error (");
                if (!e)
                        continue;
                e = strstr(e, "): ");
                return xstrdup(e ? e + 3 : line);
        }
        return NULL;
}

static const char *
action_name(int type)
{
        return type == CRIU_RPC_DUMP ? "dump" : type == CRIU_RPC_PRE_DUMP ? "pre-dump" : "restore";
}

/* CRIU's errors that a flag answers, in CRIU's words (sk-inet.c), said as what to pass. */
static char *
flag_reason(char *why)
{
        static const struct {
                const char *criu, *ours;
        } known[] = {
                { "consider using --tcp-established", "the container has an established TCP connection: "
                                                      "pass --tcp-established (to checkpoint, then to restore)" },
                { "Connected TCP socket in image", "the images hold an established TCP connection: "
                                                   "pass --tcp-established to restore" },
        };

        for (size_t i = 0; why && i < ELEMENTSOF(known); i++)
                if (strstr(why, known[i].criu)) {
                        free(why);
                        return xstrdup(known[i].ours);
                }
        return why;
}

static int
failed(const struct criu_request *q, int type, const struct criu_rpc_resp *resp, const char *stderr_text,
       ocirt_error **err)
{
        _cleanup_free_ char *why = flag_reason(criu_log_first_error(q->work_fd >= 0 ? q->work_fd : q->images_fd,
                                                                    q->log_name));
        const char *reason = why                                     ? why
                             : resp && resp->cr_errmsg && *resp->cr_errmsg ? resp->cr_errmsg
                             : stderr_text && *stderr_text          ? stderr_text
                                                                    : "no reason given";
        int e = resp && resp->cr_errno > 0 ? resp->cr_errno : EIO;
        _cleanup_free_ char *msg = xasprintf("\x1f%s\x1f" "criu %s failed: %s (criu's log: %s/%s)", q->hint ? q->hint : "",
                                             action_name(type), reason, q->work_path, q->log_name);

        /* CRIU's words are the reason; no errno text after them (cr_errno, when CRIU gives one,
         * stays the error's code). */
        return ocirt_error_from_child(err, e, msg);
}

/* The conversation: the request, notifications until the final answer. */
static int
converse(int sk, int type, const struct criu_request *q, struct criu_result *res, ocirt_error **err)
{
        int r = send_req(sk, type, q, false, err);
        pid_t root_pid = 0;

        while (r >= 0) {
                struct criu_rpc_resp resp;
                int fd = -1;

                r = recv_resp(sk, &resp, &fd, err);
                if (r < 0)
                        return r;
                if (resp.type == CRIU_RPC_NOTIFY) {
                        const char *script = resp.notify_script ? resp.notify_script : "";

                        if (resp.notify_pid > 0)
                                root_pid = resp.notify_pid; /* setup-namespaces and post-restore carry it */
                        r = 0;
                        /* criu-netlock.c: the namespace's nftables lock from the dump, restored with it. */
                        if (q->drop_stale_netlock && streq(script, "post-restore") && root_pid > 0 && uses_nftables())
                                r = criu_drop_stale_netlock(root_pid, err);
                        if (r >= 0 && q->on_notify)
                                r = q->on_notify(q->notify_data, script, resp.notify_pid, fd, err);
                        if (fd >= 0)
                                close(fd);
                        criu_rpc_resp_done(&resp);
                        /* A refused notification makes criu roll back (kill what it restored). */
                        if (send_req(sk, CRIU_RPC_NOTIFY, NULL, r >= 0, r < 0 ? NULL : err) < 0 && r >= 0)
                                r = -EPIPE;
                        if (r < 0)
                                return r;
                        continue;
                }
                if (fd >= 0)
                        close(fd);
                if (resp.type != type || !resp.success) {
                        r = failed(q, type, &resp, NULL, err);
                        criu_rpc_resp_done(&resp);
                        return r;
                }
                res->pid = resp.restore_pid;
                criu_rpc_resp_done(&resp);
                return 0;
        }
        return r;
}

int
criu_run(const struct criu_request *q, struct criu_result *res, ocirt_error **err)
{
        int type = q->action == CRIU_ACTION_DUMP ? CRIU_RPC_DUMP
                 : q->action == CRIU_ACTION_PRE_DUMP ? CRIU_RPC_PRE_DUMP
                                                      : CRIU_RPC_RESTORE;
        _cleanup_close_ int sk_mine = -1, sk_criu = -1;
        _cleanup_free_ char *fdarg = NULL, *stderr_text = NULL;
        struct helper_proc p = { .pid = -1, .stderr_pipe = -1 };
        struct criu_inherit moved[14];
        struct criu_request lq = *q;
        int sp[2], keep[16], nk = 0, r, status;

        *res = (struct criu_result){ 0 };
        if (q->n_inherit > ELEMENTSOF(moved))
                return ocirt_fail(err, E2BIG, "%zu fds for criu to inherit", q->n_inherit);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return ocirt_fail(err, errno, "socketpair for criu");
        sk_mine = sp[0];
        sk_criu = sp[1];
        keep[nk++] = sk_criu;
        /* criu inherits them by number, and the runner gives criu /dev/null and a pipe as 0-2: stdio
         * to hand on (restore's own pipes) moves up first. */
        for (size_t i = 0; i < q->n_inherit; i++) {
                moved[i] = (struct criu_inherit){ .key = q->inherit[i].key,
                                                  .fd = fcntl(q->inherit[i].fd, F_DUPFD_CLOEXEC, 3) };
                if (moved[i].fd < 0) {
                        r = ocirt_fail(err, errno, "dup fd %d for criu", q->inherit[i].fd);
                        while (i-- > 0)
                                close(moved[i].fd);
                        return r;
                }
                keep[nk++] = moved[i].fd;
        }
        keep[nk] = -1;
        lq.inherit = moved;
        fdarg = xasprintf("%d", sk_criu);
        r = helper_spawn(&(struct helper_cmd){ .tool = HELPER_CRIU,
                                               .argv = (char *[]){ "criu", "swrk", fdarg, NULL },
                                               .keep_fds = keep,
                                               .stderr_fd = -1,
                                               .cwd_fd = -1,
                                               .setup = q->setup,
                                               .setup_data = q->setup_data },
                         &p, err);
        for (size_t i = 0; i < q->n_inherit; i++)
                close(moved[i].fd);
        if (r < 0)
                return r;
        close(TAKE_FD(sk_criu));

        r = converse(sk_mine, type, &lq, res, err);
        close(TAKE_FD(sk_mine)); /* swrk exits once its socket is closed */
        while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR)
                ;
        /* A successful answer is the result: after a pre-dump criu waits for the next request
         * and exits non-zero when the socket closes instead. Without an answer, criu's end says why. */
        if (r == -EPIPE && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                if (err)
                        *err = ocirt_error_free(*err);
                if (p.stderr_pipe >= 0)
                        stderr_text = helper_read_stderr(p.stderr_pipe, false, 2000);
                r = failed(q, type, NULL, stderr_text, err);
        }
        helper_proc_done(&p);
        return r;
}

/* ---- `ocirt check`, and what --lazy-pages needs ---- */

/* `criu check [ARGS]`: exit 0, or the first error line of its output (without the source position
 * and up to a ';'). 0 when it ran, -errno when it could not be started. */
static int
run_check(char **argv, bool *ret_works, char **ret_problem)
{
        _cleanup_free_ char *out = NULL;
        struct helper_proc p;
        char *e, *end;
        int status, r;

        r = helper_spawn(&(struct helper_cmd){ .tool = HELPER_CRIU, .argv = argv, .stderr_fd = -1, .cwd_fd = -1 },
                         &p, NULL);
        if (r < 0)
                return r;
        while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR)
                ;
        out = p.stderr_pipe >= 0 ? helper_read_stderr(p.stderr_pipe, false, 8000) : xstrdup("");
        helper_proc_done(&p);
        *ret_works = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        *ret_problem = NULL;
        if (*ret_works)
                return 0;
        e = strstr(out, "Error (");
        if (e && (e = strstr(e, "): ")))
                e += 3;
        else
                e = out;
        end = strpbrk(e, ";\n");
        *ret_problem = end ? xstrndup(e, (size_t) (end - e)) : xstrdup(*e ? e : "criu check failed");
        return 0;
}

int
criu_probe(struct criu_probe *ret, bool probe_kernel)
{
        *ret = (struct criu_probe){ 0 };
        if (helper_find(HELPER_CRIU, &ret->path, NULL) < 0)
                return 0;
        if (!probe_kernel)
                return 1;
        /* `criu check`: the kernel features CRIU needs, in about 60 ms. Its errors go to stderr. */
        if (run_check((char *[]){ "criu", "check", NULL }, &ret->works, &ret->problem) < 0)
                return 0;
        /* Lazy pages (--lazy-pages) need userfaultfd with its non-cooperative events, which
         * `criu check` alone does not ask for. */
        if (ret->works &&
            run_check((char *[]){ "criu", "check", "--feature", "uffd-noncoop", NULL }, &ret->lazy_pages,
                      &ret->lazy_problem) < 0)
                ret->lazy_problem = xstrdup("criu check --feature uffd-noncoop did not run");
        return 1;
}

int
criu_lazy_pages_check(char **ret_problem, ocirt_error **err)
{
        bool works;
        int r = run_check((char *[]){ "criu", "check", "--feature", "uffd-noncoop", NULL }, &works, ret_problem);

        if (r < 0)
                return ocirt_fail(err, -r, "run criu check --feature uffd-noncoop");
        return works ? 1 : 0;
}

void
criu_probe_done(struct criu_probe *p)
{
        free(p->path);
        free(p->problem);
        free(p->lazy_problem);
        *p = (struct criu_probe){ 0 };
}
