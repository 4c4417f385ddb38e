/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.c: framing of the parent<->child protocol over SOCK_SEQPACKET (see sync.h). */
#include "config.h"

#include <sys/socket.h>

#include "base/macro.h"
#include "base/sync.h"
#include "base/util.h"

#include <stdarg.h>

static int recv_one(int sock, struct sync_msg *ret, int *ret_fd, int flags, ocirt_error **err);

/* The send failed. If the peer is gone (EPIPE, or ECONNRESET when it left a message of ours unread)
 * it may have reported why just before it exited: a SYNC_ERROR still queued here is the error to
 * report, not the broken pipe (which would hide it). Nothing blocks: the peer cannot send more. */
static int
send_failed(int sock, int e, ocirt_error **err)
{
        struct sync_msg m;

        if (e != EPIPE && e != ECONNRESET)
                return ocirt_fail(err, e, "sync: send");
        for (int i = 0; i < 64; i++) {
                if (recv_one(sock, &m, NULL, MSG_DONTWAIT, NULL) < 0)
                        break;
                if (m.type == SYNC_ERROR)
                        return ocirt_error_from_child(err, m.errnum > 0 ? m.errnum : EIO, m.text);
        }
        return ocirt_fail(err, e, "sync: send");
}

int
sync_send_fds(int sock, const struct sync_msg *m, const int *fds, size_t n_fds, ocirt_error **err)
{
        union {
                char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
                struct cmsghdr align;
        } u;
        struct iovec iov = { .iov_base = (void *) m, .iov_len = sizeof *m };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n;

        if (n_fds > SYNC_MAX_FDS)
                return ocirt_fail(err, EINVAL, "sync: %zu fds in one message (at most %d)", n_fds, SYNC_MAX_FDS);
        if (n_fds > 0) {
                struct cmsghdr *c;

                memset(&u, 0, sizeof u);
                mh.msg_control = u.buf;
                mh.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
                c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
                memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
        }
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return send_failed(sock, errno, err);
        if ((size_t) n != sizeof *m)
                return ocirt_fail(err, EIO, "sync: short send");
        return 0;
}

int
sync_send_msg(int sock, const struct sync_msg *m, int fd_to_pass, ocirt_error **err)
{
        return sync_send_fds(sock, m, &fd_to_pass, fd_to_pass >= 0 ? 1 : 0, err);
}

int
sync_send(int sock, uint32_t type, int32_t pid, int fd_to_pass, ocirt_error **err)
{
        struct sync_msg m = { .type = type, .pid = pid };

        return sync_send_msg(sock, &m, fd_to_pass, err);
}

static void
close_all(const int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
}

/* One message with up to max fds (*ret_n of them in fds); flags: MSG_DONTWAIT or 0. */
static int
recv_many(int sock, struct sync_msg *ret, int *fds, size_t max, size_t *ret_n, int flags, ocirt_error **err)
{
        union {
                char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
                struct cmsghdr align;
        } u;
        struct iovec iov = { .iov_base = ret, .iov_len = sizeof *ret };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct cmsghdr *c;
        bool reset = false;
        size_t got = 0;
        ssize_t n;

        *ret_n = 0;
        for (;;) {
                mh.msg_control = u.buf;
                mh.msg_controllen = CMSG_SPACE(max * sizeof(int));
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
                if (n >= 0)
                        break;
                if (errno == EINTR)
                        continue;
                /* The peer exited with a message of ours unread: the kernel reports that once, ahead
                 * of the messages the peer sent before (its SYNC_ERROR among them). Read on. */
                if (errno == ECONNRESET && !reset) {
                        reset = true;
                        continue;
                }
                break;
        }
        if (n < 0)
                return ocirt_fail(err, errno, "sync: receive");
        /* A control buffer of max fds: the kernel installs no more than fit (MSG_CTRUNC then). */
        for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(0)) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < k; i++) {
                                int fd;
                                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                                if (got < max)
                                        fds[got++] = fd;
                                else
                                        close(fd);
                        }
                }
        if (n == 0) {
                close_all(fds, got);
                return ocirt_fail(err, EPIPE, "the container process exited during setup");
        }
        if ((size_t) n != sizeof *ret || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                close_all(fds, got);
                return ocirt_fail(err, EIO, "sync: malformed message (%zd bytes)", n);
        }
        ret->text[sizeof ret->text - 1] = '\0';
        *ret_n = got;
        return 0;
}

/* One message with at most one fd. */
static int
recv_one(int sock, struct sync_msg *ret, int *ret_fd, int flags, ocirt_error **err)
{
        int fd = -1;
        size_t n;
        int r = recv_many(sock, ret, &fd, 1, &n, flags, err);

        if (r < 0)
                return r;
        if (ret_fd)
                *ret_fd = n ? fd : -1;
        else if (n)
                close(fd);
        return 0;
}

int
sync_recv_fds(int sock, struct sync_msg *ret, int *fds, size_t max, size_t *ret_n, ocirt_error **err)
{
        if (max > SYNC_MAX_FDS)
                max = SYNC_MAX_FDS;
        return recv_many(sock, ret, fds, max, ret_n, 0, err);
}

int
sync_recv(int sock, struct sync_msg *ret, int *ret_fd, ocirt_error **err)
{
        return recv_one(sock, ret, ret_fd, 0, err);
}

int
sync_expect(int sock, uint32_t type, struct sync_msg *ret, int *ret_fd, sync_log_fn log_fn, void *userdata,
            ocirt_error **err)
{
        struct sync_msg m;
        int r;

        for (;;) {
                r = sync_recv(sock, &m, ret_fd, err);
                if (r < 0)
                        return r;
                if (m.type == SYNC_LOG) {
                        if (log_fn)
                                log_fn(userdata, m.level, m.text);
                        continue;
                }
                if (m.type == SYNC_ERROR)
                        return ocirt_error_from_child(err, m.errnum > 0 ? m.errnum : EIO, m.text);
                if (m.type != type)
                        return ocirt_fail(err, EIO, "sync: expected message %u, got %u", type, m.type);
                if (ret)
                        *ret = m;
                return 0;
        }
}

int
sync_wait_exec(int sock, sync_log_fn log_fn, sync_msg_fn on_msg, void *userdata, ocirt_error **err)
{
        struct sync_msg m;
        ocirt_error *e = NULL;
        int r, fd = -1;

        for (;;) {
                r = sync_recv(sock, &m, &fd, &e);
                if (r == -EPIPE) {
                        /* EOF: the close-on-exec end went away in a successful execve(). */
                        ocirt_error_free(e);
                        return 0;
                }
                if (r < 0) {
                        *err = e;
                        return r;
                }
                if (m.type == SYNC_LOG) {
                        if (log_fn)
                                log_fn(userdata, m.level, m.text);
                        continue;
                }
                if (m.type == SYNC_ERROR) {
                        if (fd >= 0)
                                close(fd);
                        return ocirt_error_from_child(err, m.errnum > 0 ? m.errnum : EIO, m.text);
                }
                if (on_msg) {
                        r = on_msg(userdata, &m, fd, err);
                        fd = -1;
                        if (r < 0)
                                return r;
                        continue;
                }
                if (fd >= 0)
                        close(fd);
                return ocirt_fail(err, EIO, "sync: unexpected message %u while waiting for exec", m.type);
        }
}

void
sync_log(int sock, int level, const char *fmt, ...)
{
        struct sync_msg m = { .type = SYNC_LOG, .level = level };
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(m.text, sizeof m.text, fmt, ap);
        va_end(ap);
        (void) send(sock, &m, sizeof m, MSG_NOSIGNAL);
}
