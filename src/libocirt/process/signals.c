/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* signals.c: the foreground side of `run`: forward signals to the container, relay its pty, and
 * return its exit status as a shell reports it (128+N for signal N). One poll loop over a signalfd,
 * stdin and the pty master. Signals are blocked before the clone, so none is lost while the
 * container starts; the init restores the mask before exec. */
#include "config.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>

#include "process/process.h"
#include "base/base.h"

static void
forwardable_signals(sigset_t *ret)
{
        sigset_t *all = ret;

        sigfillset(all);
        /* Synchronous faults must stay deliverable to the runtime itself. */
        sigdelset(all, SIGSEGV);
        sigdelset(all, SIGBUS);
        sigdelset(all, SIGILL);
        sigdelset(all, SIGFPE);
        sigdelset(all, SIGABRT);
}

int
signals_block_all(sigset_t *ret_old)
{
        sigset_t all;

        forwardable_signals(&all);
        return sigprocmask(SIG_BLOCK, &all, ret_old) < 0 ? -errno : 0;
}

static int
status_of(int ws)
{
        if (WIFEXITED(ws))
                return WEXITSTATUS(ws);
        if (WIFSIGNALED(ws))
                return 128 + WTERMSIG(ws);
        return 255;
}

static void
copy_winsize(int from, int to)
{
        struct winsize ws;

        if (ioctl(from, TIOCGWINSZ, &ws) == 0)
                (void) ioctl(to, TIOCSWINSZ, &ws);
}

/* Move what is readable from `from` to `to`: 1 moved, 0 nothing now, -1 end of `from`. */
static int
pump(int from, int to)
{
        char buf[16384];
        ssize_t n = read(from, buf, sizeof buf);

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0)
                return -1;
        (void) write_all(to, buf, (size_t) n);
        return 1;
}

/* Runs in: the runtime (foreground run). master < 0: no terminal. */
int
signals_wait_child(ocirt_ctx *ctx, pid_t pid, int master, int *ret_status, ocirt_error **err)
{
        _cleanup_close_ int sfd = -1;
        sigset_t all;
        struct termios saved;
        bool raw = false, stdin_open = master >= 0;
        int status = -1;

        forwardable_signals(&all);
        sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return ocirt_fail(err, errno, "signalfd");

        if (master >= 0) {
                (void) fd_set_nonblock(master, true);
                if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
                        struct termios t = saved;
                        cfmakeraw(&t);
                        if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
                                raw = true;
                        copy_winsize(STDIN_FILENO, master);
                }
        }

        while (status < 0) {
                struct pollfd p[3] = {
                        { .fd = sfd, .events = POLLIN },
                        { .fd = master, .events = POLLIN },
                        { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
                };
                int n = poll(p, master >= 0 ? 3 : 1, -1);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (master >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
                        (void) pump(master, STDOUT_FILENO);
                if (stdin_open && (p[2].revents & (POLLIN | POLLHUP | POLLERR)) && pump(STDIN_FILENO, master) < 0) {
                        /* stdin ended: pass an end-of-file to the container's terminal. */
                        stdin_open = false;
                        if (!raw)
                                (void) write(master, "\x04", 1);
                }
                if (p[0].revents & POLLIN) {
                        struct signalfd_siginfo si;

                        while (read(sfd, &si, sizeof si) == sizeof si) {
                                int ws;

                                if (si.ssi_signo == SIGCHLD) {
                                        pid_t w;
                                        while ((w = waitpid(-1, &ws, WNOHANG)) > 0)
                                                if (w == pid)
                                                        status = status_of(ws);
                                } else if (si.ssi_signo == SIGWINCH && master >= 0) {
                                        copy_winsize(STDIN_FILENO, master);
                                } else if (si.ssi_signo != SIGPIPE && si.ssi_signo != SIGURG) {
                                        log_debug(ctx, "forwarding signal %u to %d", si.ssi_signo, (int) pid);
                                        (void) kill(pid, (int) si.ssi_signo);
                                }
                        }
                }
        }
        if (master >= 0)
                while (pump(master, STDOUT_FILENO) > 0)
                        ; /* what the process wrote just before it exited */
        if (raw)
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        if (status < 0)
                return ocirt_fail(err, errno ? errno : EIO, "wait for the container");
        *ret_status = status;
        return 0;
}
