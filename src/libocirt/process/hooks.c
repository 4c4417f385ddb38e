/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks.c: the six OCI hooks, each at its moment and in its namespace (config.md "POSIX-platform
 * Hooks", runtime.md "Lifecycle"):
 *
 *   prestart, createRuntime  the runtime, at SYNC_HOOK (mounts done, before the pivot)    hooks_create
 *   createContainer          the container init, right after them, before the pivot      hooks_create_container
 *   startContainer           the container init, after `start`, before the exec          hooks_start_container
 *   poststart                the runtime, after the exec, before start/run returns       hooks_poststart
 *   poststop                 the runtime, in delete                                       hooks_poststop
 *
 * createContainer runs from the init rather than by joining its namespaces from outside: the init
 * is not dumpable until it execs, so a rootless runtime could not open its /proc/PID/ns files.
 *
 * Each hook gets the state JSON on stdin (the pid as seen from the namespace the hook runs in), its
 * args (argv[0] = path when none) and its env (the runtime's environment when none is given, as runc
 * does), and is SIGKILLed when it outlives its timeout. Its stdout and stderr are kept and end up in
 * the error when it fails. Failure rules (runtime spec v1.3): any failing hook but poststop fails
 * the operation and the container is stopped (the undo list does it at create; hooks_poststart
 * kills the init itself); a failing poststop hook is a warning and the other poststop hooks still
 * run. */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "process/process.h"
#include "base/base.h"
#include "state/state.h"

extern char **environ;

#define OUTPUT_MAX 2048

static const char *const kind_names[] = { "prestart",       "createRuntime", "createContainer",
                                          "startContainer", "poststart",     "poststop" };
enum hook_kind { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER, HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP };

static void
hooks_of(const struct spec_hooks *h, enum hook_kind k, const struct spec_hook **ret, size_t *ret_n)
{
        *ret = NULL;
        *ret_n = 0;
        if (!h)
                return;
        switch (k) {
        case HOOK_PRESTART: *ret = h->prestart; *ret_n = h->n_prestart; break;
        case HOOK_CREATE_RUNTIME: *ret = h->create_runtime; *ret_n = h->n_create_runtime; break;
        case HOOK_CREATE_CONTAINER: *ret = h->create_container; *ret_n = h->n_create_container; break;
        case HOOK_START_CONTAINER: *ret = h->start_container; *ret_n = h->n_start_container; break;
        case HOOK_POSTSTART: *ret = h->poststart; *ret_n = h->n_poststart; break;
        case HOOK_POSTSTOP: *ret = h->poststop; *ret_n = h->n_poststop; break;
        }
}

static long long
now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep the last OUTPUT_MAX bytes the hook wrote. */
static void
keep_output(char *buf, size_t *len, const char *data, size_t n)
{
        if (n >= OUTPUT_MAX) {
                memcpy(buf, data + n - OUTPUT_MAX, OUTPUT_MAX);
                *len = OUTPUT_MAX;
                return;
        }
        if (*len + n > OUTPUT_MAX) {
                size_t drop = *len + n - OUTPUT_MAX;
                memmove(buf, buf + drop, *len - drop);
                *len -= drop;
        }
        memcpy(buf + *len, data, n);
        *len += n;
}

/* Runs in: the hook's child, between fork and exec. */
_noreturn_ static void
hook_child(const struct spec_hook *h, int state_fd, int out_fd)
{
        struct sigaction sa = { .sa_handler = SIG_DFL };
        char *fallback[2] = { h->path, NULL };
        sigset_t none;

        if (dup2(state_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
                _exit(126);
        (void) close_fds_from(3, NULL, 0);
        for (int s = 1; s < NSIG; s++)
                (void) sigaction(s, &sa, NULL);
        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        execve(h->path, h->args && h->args[0] ? h->args : fallback, h->env ? h->env : environ);
        dprintf(2, "cannot execute '%s': %s", h->path, strerror(errno));
        _exit(127);
}

/* The state comes from a memfd, not a pipe: a hook that never reads stdin cannot block us or make a
 * write fail with SIGPIPE. Returns the fd. */
static int
state_memfd(const char *state_json, const char *what, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        int r;

        fd = memfd_create("ocirt-hook-state", MFD_CLOEXEC);
        if (fd < 0)
                return ocirt_fail(err, errno, "hook %s: memfd_create", what);
        r = write_all(fd, state_json, strlen(state_json));
        if (r < 0 || lseek(fd, 0, SEEK_SET) < 0)
                return ocirt_fail(err, r < 0 ? -r : errno, "hook %s: write the state", what);
        return TAKE_FD(fd);
}

/* Fork the hook, the state on its stdin, its stdout and stderr into a pipe (*ret_out). */
static int
start_hook(const struct spec_hook *h, const char *what, int state_fd, pid_t *ret_pid, int *ret_out, ocirt_error **err)
{
        int out_p[2];
        pid_t pid;

        if (pipe2(out_p, O_CLOEXEC) < 0)
                return ocirt_fail(err, errno, "hook %s: pipe", what);
        pid = fork();
        if (pid < 0) {
                close(out_p[0]);
                close(out_p[1]);
                return ocirt_fail(err, errno, "hook %s: fork", what);
        }
        if (pid == 0)
                hook_child(h, state_fd, out_p[1]);
        close(out_p[1]);
        (void) fd_set_nonblock(out_p[0], true);
        *ret_pid = pid;
        *ret_out = out_p[0];
        return 0;
}

/* What the hook wrote: its last OUTPUT_MAX bytes, without the final newlines. */
struct hook_output {
        char text[OUTPUT_MAX + 1];
        size_t len;
};

/* Keep the output until the hook exits, or kill it at the deadline (-1: none; *ret_timed_out).
 * Returns waitpid()'s answer, its status in *ret_status. */
static pid_t
wait_hook(pid_t pid, int out_r, long long deadline, struct hook_output *out, int *ret_status, bool *ret_timed_out)
{
        bool out_open = true;
        pid_t w = 0;

        *ret_timed_out = false;
        /* Poll the output and the child; a hook that leaves a background child holding the pipe
         * open is done when the hook itself exits. */
        for (;;) {
                struct pollfd p = { .fd = out_open ? out_r : -1, .events = POLLIN };
                int wait_ms = 20;

                if (deadline >= 0) {
                        long long left = deadline - now_ms();
                        if (left <= 0) {
                                *ret_timed_out = true;
                                (void) kill(pid, SIGKILL);
                                (void) waitpid(pid, ret_status, 0);
                                break;
                        }
                        if (left < wait_ms)
                                wait_ms = (int) left;
                }
                (void) poll(&p, 1, wait_ms);
                if (out_open && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
                        char buf[4096];
                        ssize_t n = read(out_r, buf, sizeof buf);
                        if (n > 0)
                                keep_output(out->text, &out->len, buf, (size_t) n);
                        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                                out_open = false;
                }
                w = waitpid(pid, ret_status, WNOHANG);
                if (w == pid || (w < 0 && errno != EINTR))
                        break;
        }
        for (;;) {
                char buf[4096];
                ssize_t n = out_open ? read(out_r, buf, sizeof buf) : 0;
                if (n <= 0)
                        break;
                keep_output(out->text, &out->len, buf, (size_t) n);
        }
        while (out->len > 0 && (out->text[out->len - 1] == '\n' || out->text[out->len - 1] == '\r'))
                out->len--;
        out->text[out->len] = '\0';
        return w;
}

/* The error for a hook that did not succeed, with what it wrote; 0 when it did. */
static int
hook_verdict(const struct spec_hook *h, const char *what, pid_t w, int ws, bool timed_out,
             const struct hook_output *out, ocirt_error **err)
{
        const char *sep = out->len ? ": " : "";

        if (timed_out)
                return ocirt_fail_at(err, ETIMEDOUT, NULL, "raise .hooks timeout or make the hook faster",
                                     "hook %s '%s' did not finish within its timeout of %d s and was killed%s%s", what,
                                     h->path, h->timeout, sep, out->text);
        if (w < 0)
                return ocirt_fail(err, errno, "hook %s: wait", what);
        if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
                return 0;
        if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127 && strstr(out->text, "cannot execute"))
                return ocirt_fail(err, ENOENT, "hook %s: %s", what, out->text);
        if (WIFSIGNALED(ws))
                return ocirt_fail(err, EIO, "hook %s '%s' was killed by signal %d%s%s", what, h->path, WTERMSIG(ws),
                                  sep, out->text);
        return ocirt_fail(err, EIO, "hook %s '%s' exited with status %d%s%s", what, h->path, WEXITSTATUS(ws), sep,
                          out->text);
}

/* Run one hook to its end (or its timeout). `what` names it in errors: "poststart[1]". */
static int
run_hook(const struct spec_hook *h, const char *what, const char *state_json, ocirt_error **err)
{
        _cleanup_close_ int state_fd = -1, out_r = -1;
        long long deadline = h->has_timeout ? now_ms() + (long long) h->timeout * 1000 : -1;
        struct hook_output out = { .len = 0 };
        bool timed_out;
        int ws = 0, r;
        pid_t pid = -1, w;

        state_fd = state_memfd(state_json, what, err);
        if (state_fd < 0)
                return state_fd;
        r = start_hook(h, what, state_fd, &pid, &out_r, err);
        if (r < 0)
                return r;
        w = wait_hook(pid, out_r, deadline, &out, &ws, &timed_out);
        return hook_verdict(h, what, w, ws, timed_out, &out, err);
}

/* Run every hook of a kind; stop at the first failure unless `keep_going` (poststop), in which case
 * the first error is returned after all have run. */
static int
run_kind(const struct spec_hooks *hooks, enum hook_kind k, const char *state_json, bool keep_going,
         ocirt_error **err)
{
        const struct spec_hook *h;
        size_t n;
        int ret = 0;

        hooks_of(hooks, k, &h, &n);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *what = xasprintf("%s[%zu]", kind_names[k], i);
                ocirt_error *e = NULL;
                int r = run_hook(&h[i], what, state_json, &e);

                if (r >= 0)
                        continue;
                if (!keep_going) {
                        *err = e;
                        return r;
                }
                if (ret == 0) {
                        *err = e;
                        ret = r;
                } else {
                        ocirt_error_free(e);
                }
        }
        return ret;
}

/* The state as the hooks of a container being created see it. */
static char *
container_state_json(struct container *c, pid_t pid, enum state_status status)
{
        _cleanup_free_ char *created = rfc3339_now();
        struct state st = {
                .oci_version = c->spec->oci_version ? c->spec->oci_version : (char *) ocirt_spec_version(),
                .id = (char *) c->id,
                .pid = pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = created,
                .owner = c->host_uid,
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
        };
        return state_to_json(&st, status, /* pretty= */ false);
}

static bool
has(const struct spec_hooks *h, enum hook_kind k)
{
        const struct spec_hook *x;
        size_t n;

        hooks_of(h, k, &x, &n);
        return n > 0;
}

/* Runs in: the runtime, before the clone. Marks what later commands need to know in the state, so
 * that start and delete read the config only when there is a hook to run. */
int
hooks_prepare(struct container *c, ocirt_error **err)
{
        const struct spec_hooks *h = c->spec->hooks;

        if (!h)
                return 0;
        if (has(h, HOOK_PRESTART) || has(h, HOOK_CREATE_RUNTIME))
                c->wait_hooks = true;
        if (has(h, HOOK_POSTSTART))
                container_set_extra(c, "hooks.poststart", "1");
        if (has(h, HOOK_POSTSTOP))
                container_set_extra(c, "hooks.poststop", "1");
        return 0;
}

/* Runs in: the runtime, at SYNC_HOOK: the init has its namespaces and mounts, and waits. */
int
hooks_create(struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL;
        int r;

        if (!c->spec->hooks)
                return 0;
        json = container_state_json(c, c->init_pid, STATUS_CREATING);
        r = run_kind(c->spec->hooks, HOOK_PRESTART, json, /* keep_going= */ false, err);
        if (r < 0)
                return r;
        return run_kind(c->spec->hooks, HOOK_CREATE_RUNTIME, json, /* keep_going= */ false, err);
}

/* Runs in: the container init, after the mounts and createRuntime, before the pivot: the hook's
 * path resolves in the runtime's view of the filesystem, and it runs in the container's
 * namespaces. The pid is as the container sees it. */
int
hooks_create_container(struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL;

        if (!has(c->spec->hooks, HOOK_CREATE_CONTAINER))
                return 0;
        json = container_state_json(c, getpid(), STATUS_CREATING);
        return run_kind(c->spec->hooks, HOOK_CREATE_CONTAINER, json, /* keep_going= */ false, err);
}

/* Runs in: the container init, after `start`, before the exec: in the container's root. */
int
hooks_start_container(struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL;

        if (!has(c->spec->hooks, HOOK_START_CONTAINER))
                return 0;
        json = container_state_json(c, getpid(), STATUS_CREATED);
        return run_kind(c->spec->hooks, HOOK_START_CONTAINER, json, /* keep_going= */ false, err);
}

/* The config of a created container, for the hooks that run in later commands. */
static int
load_hooks(const struct state *st, struct spec **ret, ocirt_error **err)
{
        _cleanup_free_ char *path = state_config_path(st);

        return spec_load(path, ret, err);
}

/* Runs in: the runtime (start, run), after the exec. A failure stops the container (v1.3). */
int
hooks_poststart(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err)
{
        _cleanup_spec_ struct spec *s = NULL;
        _cleanup_free_ char *json = NULL;
        unsigned long long start;
        int r;

        if (!state_get_extra(st, "hooks.poststart"))
                return 0;
        r = load_hooks(st, &s, err);
        if (r < 0)
                return ocirt_wrap(err, "poststart hooks");
        json = state_to_json(st, STATUS_RUNNING, /* pretty= */ false);
        r = run_kind(s->hooks, HOOK_POSTSTART, json, /* keep_going= */ false, err);
        if (r < 0 && proc_pid_start_time(st->pid, &start, NULL) == 0 && start == st->start_time) {
                log_debug(ctx, "a poststart hook failed: stopping the container");
                (void) kill(st->pid, SIGKILL);
        }
        return r;
}

/* Runs in: the runtime (delete). Every hook runs; the caller turns a failure into a warning. */
int
hooks_poststop(ocirt_ctx *ctx, int state_dirfd, const struct state *st, ocirt_error **err)
{
        _cleanup_spec_ struct spec *s = NULL;
        _cleanup_free_ char *json = NULL;
        int r;

        if (!state_get_extra(st, "hooks.poststop"))
                return 0;
        r = load_hooks(st, &s, err);
        if (r < 0)
                return ocirt_wrap(err, "poststop hooks");
        json = state_to_json(st, STATUS_STOPPED, /* pretty= */ false);
        return run_kind(s->hooks, HOOK_POSTSTOP, json, /* keep_going= */ true, err);
}
