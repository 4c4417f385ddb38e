/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp-listener.c: the runtime's side of an SCMP_ACT_NOTIFY rule (issue 3). The process that
 * loaded the filter sends its listener fd over the sync socket (SYNC_SECCOMP_FD); the runtime
 * connects to linux.seccomp.listenerPath and sends the "container process state" with the fd, as
 * the spec's protocol says (runtime.md, "Seccomp agent"). Compiling and loading are seccomp.c's. */
#include "config.h"

#include <jansson.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "process/process.h"
#include "process/seccomp.h"
#include "base/base.h"

/* The "container process state" of the spec (runtime.md), with "seccompFd" as fd 0 of the message. */
static char *
process_state_json(const char *state_json, const char *metadata, ocirt_error **err)
{
        json_t *st, *o;
        json_error_t je;
        char *s;

        st = json_loads(state_json, 0, &je);
        if (!st) {
                ocirt_fail(err, EIO, "parse the container state: %s", je.text);
                return NULL;
        }
        o = json_pack("{s:O?, s:[s], s:O?, s:s}", "ociVersion", json_object_get(st, "ociVersion"), "fds", "seccompFd",
                      "pid", json_object_get(st, "pid"), "metadata", metadata);
        if (!o) {
                json_decref(st);
                ocirt_fail(err, ENOMEM, "build the container process state");
                return NULL;
        }
        json_object_set_new(o, "state", st);
        s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!s)
                ocirt_fail(err, ENOMEM, "build the container process state");
        return s;
}

/* listenerPath and listenerMetadata from the config.json of the state's bundle. */
static int
listener_from_bundle(const char *state_json, char **ret_path, char **ret_meta, ocirt_error **err)
{
        _cleanup_free_ char *cfg = NULL;
        _cleanup_spec_ struct spec *s = NULL;
        json_t *st;
        int r;

        st = json_loads(state_json, 0, NULL);
        if (!st || !json_is_string(json_object_get(st, "bundle"))) {
                json_decref(st);
                return ocirt_fail(err, EIO, "sync: seccomp listener message without a listenerPath");
        }
        cfg = xasprintf("%s/config.json", json_string_value(json_object_get(st, "bundle")));
        json_decref(st);
        r = spec_load(cfg, &s, err);
        if (r < 0)
                return ocirt_wrap(err, "seccomp listener");
        if (!s->linux_ || !s->linux_->seccomp || !s->linux_->seccomp->listener_path)
                return ocirt_fail_at(err, EINVAL, cfg, "set .linux.seccomp.listenerPath",
                                     "a seccomp notify fd but no listenerPath");
        *ret_path = xstrdup(s->linux_->seccomp->listener_path);
        *ret_meta = xstrdup(strempty(s->linux_->seccomp->listener_metadata));
        return 0;
}

/* Runs in: the runtime. Connect to listenerPath, send the process state with the listener fd,
 * close: the spec's protocol. A failure is an error (the container must not run unsupervised). */
int
seccomp_forward_listener(ocirt_ctx *ctx, const char *state_json, const char *msg_text, int fd, ocirt_error **err)
{
        _cleanup_close_ int owned = fd, s = -1;
        _cleanup_free_ char *path = NULL, *json = NULL;
        const char *sep = strchr(msg_text, SECCOMP_LISTENER_SEP);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } u;
        struct iovec iov;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
        struct cmsghdr *cm;
        ssize_t n;

        (void) ctx;
        if (fd < 0)
                return ocirt_fail(err, EIO, "sync: seccomp listener message without an fd");
        if (sep) {
                path = xstrndup(msg_text, (size_t) (sep - msg_text));
                json = process_state_json(state_json, sep + 1, err);
        } else {
                /* A sender that passed only the fd (seccomp_load_spec()'s caller): the listener is
                 * the one in the container's config. */
                _cleanup_free_ char *meta = NULL;
                int r = listener_from_bundle(state_json, &path, &meta, err);
                if (r < 0)
                        return r;
                json = process_state_json(state_json, meta, err);
        }
        if (!json)
                return -EIO;
        if (strlen(path) >= sizeof sa.sun_path)
                return ocirt_fail_at(err, ENAMETOOLONG, ".linux.seccomp.listenerPath", "use a shorter path",
                                     "socket path '%s' is too long", path);
        strcpy(sa.sun_path, path);
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return ocirt_fail(err, errno, "seccomp listener socket");
        if (connect(s, (struct sockaddr *) &sa, sizeof sa) < 0)
                return ocirt_fail_at(err, errno, ".linux.seccomp.listenerPath",
                                     "start the seccomp agent before the container", "connect to '%s'", path);
        memset(&u, 0, sizeof u);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
        iov = (struct iovec){ .iov_base = json, .iov_len = strlen(json) };
        n = sendmsg(s, &mh, MSG_NOSIGNAL);
        if (n < 0)
                return ocirt_fail_at(err, errno, ".linux.seccomp.listenerPath", NULL, "send the listener fd to '%s'", path);
        /* The rest of a long state, without the fd. */
        if ((size_t) n < iov.iov_len) {
                int r = write_all(s, json + n, iov.iov_len - (size_t) n);
                if (r < 0)
                        return ocirt_fail_at(err, -r, ".linux.seccomp.listenerPath", NULL, "send the state to '%s'", path);
        }
        return 0;
}
