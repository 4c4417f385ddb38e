/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run.c: the toolkit every outside tool is started with (newuidmap/newgidmap, slirp4netns,
 * fuse-overlayfs): locate it on $PATH (naming the package when it is missing), spawn it with
 * exactly the fds it should see, wait with a timeout keeping its stderr, stop it by pid and start
 * time, run a function inside a container's namespaces. It knows no tool in particular and calls
 * none of the helpers built on it. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>

#include "helpers/run.h"
#include "base/base.h"
#include "state/state.h"

extern char **environ;

static const struct {
        const char *name, *debian, *fedora;
} tools[HELPER__MAX] = {
        [HELPER_NEWUIDMAP] = { "newuidmap", "uidmap", "shadow-utils" },
        [HELPER_NEWGIDMAP] = { "newgidmap", "uidmap", "shadow-utils" },
        [HELPER_SLIRP4NETNS] = { "slirp4netns", "slirp4netns", "slirp4netns" },
        [HELPER_FUSE_OVERLAYFS] = { "fuse-overlayfs", "fuse-overlayfs", "fuse-overlayfs" },
        [HELPER_PASTA] = { "pasta", "passt", "passt" },
        [HELPER_CRIU] = { "criu", "criu", "criu" },
};

const char *
helper_name(enum helper_tool t)
{
        return tools[t].name;
}

const char *
helper_install_hint(enum helper_tool t)
{
        static char buf[HELPER__MAX][160];

        if (!buf[t][0])
                snprintf(buf[t], sizeof buf[t], "install the package '%s' (Debian/Ubuntu: sudo apt-get install %s; Fedora: sudo dnf install %s)",
                         tools[t].debian, tools[t].debian, tools[t].fedora);
        return buf[t];
}

int
helper_find(enum helper_tool t, char **ret_path, ocirt_error **err)
{
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

        for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *cand = NULL;
                struct stat st;

                if (*d != '/')
                        continue; /* a relative PATH entry would depend on the cwd */
                cand = xasprintf("%s/%s", d, tools[t].name);
                if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
                        *ret_path = TAKE_PTR(cand);
                        return 0;
                }
        }
        return ocirt_fail_at(err, ENOENT, NULL, helper_install_hint(t), "'%s' not found in $PATH", tools[t].name);
}

char *
helper_cmdline(char **argv)
{
        size_t len = 1;
        char *s;

        for (size_t i = 0; argv[i]; i++)
                len += strlen(argv[i]) + 1;
        s = xmalloc(len);
        s[0] = '\0';
        for (size_t i = 0; argv[i]; i++) {
                if (i)
                        strcat(s, " ");
                strcat(s, argv[i]);
        }
        return s;
}

void
helper_proc_done(struct helper_proc *p)
{
        if (p->stderr_pipe >= 0)
                close(p->stderr_pipe);
        p->stderr_pipe = -1;
        free(p->cmdline);
        free(p->path);
        p->cmdline = p->path = NULL;
}

/* Runs in: the forked child, before execve. Only async-signal-safe work plus the setup callback. */
_noreturn_ static void
child_exec(struct helper_cmd *cmd, const char *path, int errpipe, int stderr_w, int status_fd)
{
        int keep[64], n = 0, devnull, r;
        sigset_t none;
        struct sigaction dfl = { .sa_handler = SIG_DFL };

        /* The runtime blocks signals while a container starts; the tool must get them. */
        sigemptyset(&none);
        for (int s = 1; s < NSIG; s++)
                (void) sigaction(s, &dfl, NULL);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        if (cmd->new_session)
                (void) setsid();

        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0 || dup2(devnull, 0) < 0)
                goto fail;
        if (dup2(stderr_w, 2) < 0 || dup2(stderr_w, 1) < 0)
                goto fail;
        keep[n++] = status_fd;
        for (size_t i = 0; cmd->keep_fds && cmd->keep_fds[i] >= 0 && n < 60; i++)
                keep[n++] = cmd->keep_fds[i];
        if (cmd->cwd_fd >= 0) {
                if (fchdir(cmd->cwd_fd) < 0)
                        goto fail;
        }
        (void) close_fds_from(3, keep, (size_t) n);
        for (int i = 1; i < n; i++)
                if (fd_set_cloexec(keep[i], false) < 0)
                        goto fail;
        if (cmd->setup) {
                r = cmd->setup(cmd->setup_data);
                if (r < 0) {
                        errno = -r;
                        goto fail;
                }
        }
        execve(path, cmd->argv, environ);
fail:
        r = errno;
        (void) !write(status_fd, &r, sizeof r);
        _exit(127);
        (void) errpipe;
}

int
helper_spawn(struct helper_cmd *cmd, struct helper_proc *ret, ocirt_error **err)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int out_r = -1, out_w = -1, st_r = -1, st_w = -1;
        int p[2], e = 0, r;
        ssize_t n;
        pid_t pid;

        *ret = (struct helper_proc){ .pid = -1, .stderr_pipe = -1 };
        r = helper_find(cmd->tool, &path, err);
        if (r < 0)
                return r;
        if (cmd->stderr_fd < 0) {
                if (pipe2(p, O_CLOEXEC) < 0)
                        return ocirt_fail(err, errno, "pipe");
                out_r = p[0];
                out_w = p[1];
        }
        if (pipe2(p, O_CLOEXEC) < 0)
                return ocirt_fail(err, errno, "pipe");
        st_r = p[0];
        st_w = p[1];

        pid = fork();
        if (pid < 0)
                return ocirt_fail(err, errno, "fork for %s", tools[cmd->tool].name);
        if (pid == 0)
                child_exec(cmd, path, -1, cmd->stderr_fd >= 0 ? cmd->stderr_fd : out_w, st_w);

        close(st_w);
        st_w = -1;
        do
                n = read(st_r, &e, sizeof e);
        while (n < 0 && errno == EINTR);
        ret->pid = pid;
        ret->cmdline = helper_cmdline(cmd->argv);
        ret->path = TAKE_PTR(path);
        if (n == sizeof e) {
                (void) waitpid(pid, NULL, 0);
                r = ocirt_fail_at(err, e, tools[cmd->tool].name, NULL, "%s: cannot start: %s", ret->cmdline, strerror(e));
                helper_proc_done(ret);
                return r;
        }
        ret->stderr_pipe = TAKE_FD(out_r);
        return 0;
}

char *
helper_read_stderr(int fd, bool from_start, size_t max)
{
        char *buf = xmalloc(max + 1);
        size_t len = 0;
        ssize_t n;

        if (from_start)
                (void) lseek(fd, 0, SEEK_SET);
        while (len < max && (n = read(fd, buf + len, max - len)) > 0)
                len += (size_t) n;
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
                len--;
        buf[len] = '\0';
        /* One line in an error message: join the tool's lines with "; ". */
        for (size_t i = 0; i < len; i++)
                if (buf[i] == '\n')
                        buf[i] = ';';
        return buf;
}

static long long
now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
helper_wait(struct helper_proc *p, int timeout_ms, int errfile_fd, const char *hint, ocirt_error **err)
{
        char buf[4096];
        size_t len = 0;
        long long deadline = now_ms() + timeout_ms;
        bool timed_out = false;
        int status = 0;
        pid_t w;

        if (p->stderr_pipe >= 0)
                (void) fd_set_nonblock(p->stderr_pipe, true);
        for (;;) {
                w = waitpid(p->pid, &status, WNOHANG);
                if (w == p->pid || (w < 0 && errno != EINTR))
                        break;
                if (now_ms() >= deadline) {
                        timed_out = true;
                        (void) kill(p->pid, SIGKILL);
                        (void) waitpid(p->pid, &status, 0);
                        break;
                }
                if (p->stderr_pipe >= 0) {
                        struct pollfd pf = { .fd = p->stderr_pipe, .events = POLLIN };
                        ssize_t n;

                        if (poll(&pf, 1, 5) > 0 && len < sizeof buf - 1) {
                                n = read(p->stderr_pipe, buf + len, sizeof buf - 1 - len);
                                if (n > 0)
                                        len += (size_t) n;
                        }
                } else {
                        (void) poll(NULL, 0, 2);
                }
        }
        p->pid = -1;
        if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;

        {
                _cleanup_free_ char *text = NULL, *what = NULL;
                if (p->stderr_pipe >= 0) {
                        ssize_t n;
                        /* The tool is gone; a daemon it left may still hold the pipe: no blocking read. */
                        while (len < sizeof buf - 1 && (n = read(p->stderr_pipe, buf + len, sizeof buf - 1 - len)) > 0)
                                len += (size_t) n;
                        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
                                len--;
                        for (size_t i = 0; i < len; i++)
                                if (buf[i] == '\n')
                                        buf[i] = ';';
                        buf[len] = '\0';
                        text = xstrdup(buf);
                } else if (errfile_fd >= 0) {
                        text = helper_read_stderr(errfile_fd, true, 4000);
                } else {
                        text = xstrdup("");
                }
                if (timed_out)
                        what = xasprintf("timed out after %d ms", timeout_ms);
                else if (WIFEXITED(status))
                        what = xasprintf("exited with status %d", WEXITSTATUS(status));
                else
                        what = xasprintf("killed by signal %d", WTERMSIG(status));
                return ocirt_fail_at(err, timed_out ? ETIMEDOUT : EIO, NULL, hint, "%s: %s%s%s", p->cmdline, what,
                                     *text ? ": " : " (no output on stderr)", text);
        }
}

int
helper_run(struct helper_cmd *cmd, int timeout_ms, const char *hint, ocirt_error **err)
{
        struct helper_proc p;
        int r;

        r = helper_spawn(cmd, &p, err);
        if (r < 0)
                return r;
        r = helper_wait(&p, timeout_ms, -1, hint, err);
        helper_proc_done(&p);
        return r;
}

char *
helper_pid_format(pid_t pid)
{
        unsigned long long start = 0;

        (void) proc_pid_start_time(pid, &start, NULL);
        return xasprintf("%d:%llu", (int) pid, start);
}

int
helper_pid_parse(const char *s, pid_t *ret_pid, unsigned long long *ret_start)
{
        int pid;
        unsigned long long start;

        if (!s || sscanf(s, "%d:%llu", &pid, &start) != 2 || pid <= 1)
                return -EINVAL;
        *ret_pid = pid;
        *ret_start = start;
        return 0;
}

static bool
same_process(pid_t pid, unsigned long long start)
{
        unsigned long long now;
        char st;

        return proc_pid_start_time(pid, &now, &st) == 0 && now == start && st != 'Z';
}

int
helper_stop_pid(pid_t pid, unsigned long long start_time, int sig, int timeout_ms)
{
        _cleanup_close_ int pidfd = -1;
        long long deadline = now_ms() + timeout_ms;

        if (!same_process(pid, start_time))
                return 0;
        pidfd = sys_pidfd_open(pid, 0);
        if (pidfd >= 0 ? sys_pidfd_send_signal(pidfd, sig) < 0 : kill(pid, sig) < 0)
                return errno == ESRCH ? 0 : -errno;
        while (same_process(pid, start_time)) {
                if (now_ms() >= deadline)
                        return -ETIMEDOUT;
                if (pidfd >= 0) {
                        struct pollfd pf = { .fd = pidfd, .events = POLLIN };
                        (void) poll(&pf, 1, 20);
                } else {
                        (void) poll(NULL, 0, 10);
                }
        }
        return 0;
}

/* ---- run a function inside the container's namespaces ---- */

static bool
same_ns(pid_t pid, const char *type)
{
        char a[64];
        struct stat sa, sb;

        snprintf(a, sizeof a, "/proc/%d/ns/%s", (int) pid, type);
        if (stat(a, &sa) < 0)
                return false;
        snprintf(a, sizeof a, "/proc/self/ns/%s", type);
        return stat(a, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static int
join(pid_t pid, const char *type, int nstype)
{
        char path[64];
        _cleanup_close_ int fd = -1;

        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, type);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, nstype) < 0)
                return -errno;
        return 0;
}

struct ns_reply {
        int r;
        char text[512];
};

/* Runs in: the short-lived fork of helper_in_ns(): join the init's namespaces, run fn, send its
 * result (and the fd it made, if any) back on sock. Never returns. */
_noreturn_ static void
ns_child(int sock, pid_t init_pid, bool userns, int nstypes, helper_nsfn fn, void *userdata)
{
        struct ns_reply rep = { 0 };
        char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
        struct iovec iov = { .iov_base = &rep, .iov_len = sizeof rep };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        int fd = -1;

        if (userns && !same_ns(init_pid, "user") && (rep.r = join(init_pid, "user", CLONE_NEWUSER)) < 0)
                snprintf(rep.text, sizeof rep.text, "join the user namespace of %d", (int) init_pid);
        if (rep.r >= 0 && (nstypes & CLONE_NEWNS) && (rep.r = join(init_pid, "mnt", CLONE_NEWNS)) < 0)
                snprintf(rep.text, sizeof rep.text, "join the mount namespace of %d", (int) init_pid);
        if (rep.r >= 0 && (nstypes & CLONE_NEWNET) && (rep.r = join(init_pid, "net", CLONE_NEWNET)) < 0)
                snprintf(rep.text, sizeof rep.text, "join the network namespace of %d", (int) init_pid);
        if (rep.r >= 0)
                rep.r = fn(userdata, &fd, rep.text, sizeof rep.text);
        if (fd >= 0) {
                struct cmsghdr *cm;
                mh.msg_control = cbuf;
                mh.msg_controllen = sizeof cbuf;
                cm = CMSG_FIRSTHDR(&mh);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cm), &fd, sizeof fd);
        }
        (void) sendmsg(sock, &mh, MSG_NOSIGNAL);
        _exit(rep.r < 0 ? 1 : 0);
}

/* Runs in: the runtime. Read the child's reply (and fd), reap the child, turn the reply into the
 * return value and error. */
static int
ns_reply_receive(int sock, pid_t pid, int *ret_fd, ocirt_error **err)
{
        struct ns_reply rep = { .r = -EIO };
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = { .iov_base = &rep, .iov_len = sizeof rep };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
        int status;
        ssize_t n;

        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        close(sock);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (n > 0 && mh.msg_controllen > 0) {
                struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
                int fd;
                memcpy(&fd, CMSG_DATA(cm), sizeof fd);
                if (ret_fd)
                        *ret_fd = fd;
                else
                        close(fd);
        }
        if (n != (ssize_t) sizeof rep) {
                if (WIFSIGNALED(status))
                        return ocirt_fail(err, ETIMEDOUT, "helper process in the container's namespaces killed by signal %d",
                                          WTERMSIG(status));
                return ocirt_fail(err, EIO, "helper process in the container's namespaces died");
        }
        if (rep.r < 0)
                return ocirt_fail(err, -rep.r, "%s", rep.text[0] ? rep.text : "helper in the container's namespaces");
        return rep.r;
}

/* Runs in: the runtime, and (ns_child) a short-lived fork of it that joined the init's namespaces.
 * The init is still dumpable at SYNC_EARLY, so its /proc/PID/ns links are ours. */
int
helper_in_ns(pid_t init_pid, bool userns, int nstypes, helper_nsfn fn, void *userdata, int *ret_fd, ocirt_error **err)
{
        int sp[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return ocirt_fail(err, errno, "socketpair");
        pid = fork();
        if (pid < 0) {
                int e = errno;
                close(sp[0]);
                close(sp[1]);
                return ocirt_fail(err, e, "fork");
        }
        if (pid == 0) {
                close(sp[0]);
                ns_child(sp[1], init_pid, userns, nstypes, fn, userdata);
        }
        close(sp[1]);
        return ns_reply_receive(sp[0], pid, ret_fd, err);
}

/* Does the file carry the setuid bit owned by root, or file capabilities? (`check` asks about
 * newuidmap and newgidmap.) */
bool
uidmap_tool_privileged(const char *path, bool *ret_setuid, bool *ret_caps)
{
        struct stat st;
        bool su = false, caps = false;

        if (stat(path, &st) == 0)
                su = (st.st_mode & S_ISUID) && st.st_uid == 0;
        caps = getxattr(path, "security.capability", NULL, 0) > 0;
        if (ret_setuid)
                *ret_setuid = su;
        if (ret_caps)
                *ret_caps = caps;
        return su || caps;
}

