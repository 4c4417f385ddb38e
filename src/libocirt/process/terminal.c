/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* terminal.c: process.terminal. The init opens a pty in the container's own devpts instance, makes
 * the slave its controlling terminal and stdio, binds it on /dev/console, and sends the master to the
 * runtime, which passes it on to --console-socket (conmon, containerd) or relays it (foreground run,
 * see signals.c). */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>

#include "process/process.h"
#include "fs/fs.h"
#include "base/base.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Runs in: the container init or an exec'd process. Unlock the pty and open its slave straight
 * from the master: no /dev/pts/N path lookup that the image could redirect (CVE-2025-52565). */
int
terminal_open_slave(int master, const struct spec_process *p, int *ret_slave, ocirt_error **err)
{
        int unlock = 0, slave;

        if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
                return ocirt_fail(err, errno, "unlock the pty");
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return ocirt_fail(err, errno, "open the pty slave");
        if (p->has_console_size) {
                struct winsize ws = { .ws_row = (unsigned short) p->console_height,
                                      .ws_col = (unsigned short) p->console_width };
                (void) ioctl(master, TIOCSWINSZ, &ws);
        }
        *ret_slave = slave;
        return 0;
}

/* Runs in: the container init or an exec'd process. Hand the master to the runtime (SYNC_PTY),
 * then make the slave the controlling terminal and stdio. */
int
terminal_take(int sync_sock, int master, int slave, ocirt_error **err)
{
        int r = sync_send(sync_sock, SYNC_PTY, 0, master, err);

        if (r < 0)
                return r;
        if (setsid() < 0)
                return ocirt_fail(err, errno, "setsid");
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return ocirt_fail(err, errno, "make the pty the controlling terminal");
        for (int fd = 0; fd < 3; fd++)
                if (dup3(slave, fd, 0) < 0)
                        return ocirt_fail(err, errno, "pty on fd %d", fd);
        return 0;
}

/* The container's /dev/pts/ptmx, with no symlink followed on the way: the image must not pick the
 * pty (a host devpts, or a file that is no pty at all). */
static int
open_ptmx(int rootfd)
{
        _cleanup_close_ int dir = -1;
        int fd = -1, r;

        if (!pathres_compat()) {
                fd = sys_openat2(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
                if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG))
                        return fd < 0 ? -errno : fd;
        }
        /* COMPAT: openat2 refused (an old kernel, a seccomp filter). /dev/pts by pathres.c's walk, no
         * symlink allowed, then ptmx in it with O_NOFOLLOW: the same rule. */
        r = pathres_open(rootfd, "/dev/pts", PATHRES_DIRECTORY | PATHRES_NOSYMLINKS, &dir, NULL);
        if (r < 0)
                return r;
        fd = openat(dir, "ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* Runs in: the container init, after /dev/pts is mounted, before the pivot. */
int
terminal_setup_child(struct container *c, int rootfd, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        _cleanup_close_ int master = -1, slave = -1;
        int r;

        master = open_ptmx(rootfd);
        if (master < 0)
                return ocirt_fail_at(err, -master, c->config_path, "mount a devpts on /dev/pts (see 'ocirt spec')",
                                     "process.terminal: open /dev/pts/ptmx");
        r = terminal_open_slave(master, p, &slave, err);
        if (r < 0)
                return r;
        r = devices_bind_console(c, rootfd, slave, err);
        if (r < 0)
                return r;
        return terminal_take(c->sync_child, master, slave, err);
}

/* Runs in: the container init, as the root of its user namespace, before the switch to
 * process.user. The process's stdio becomes its user's, as runc and crun do (issue 12.19), so that a
 * non-root process can reopen /proc/self/fd/N or its tty: the pty (the container's own, in its devpts;
 * its group, tty, is kept) and pipes and sockets, which exist only as these fds. Anything else the
 * caller handed over (its own terminal, a file) belongs to the host and is left alone, unlike runc,
 * which would chown a host file or tty too. An owner the user namespace cannot map (EINVAL, EPERM) or
 * a read-only devpts (EROFS) leaves the fd as it is. */
int
terminal_fix_stdio(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;

        for (int fd = 0; fd < 3; fd++) {
                struct stat st;

                if (fstat(fd, &st) < 0 || st.st_uid == p->user.uid)
                        continue;
                if (!(p->terminal && S_ISCHR(st.st_mode)) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
                        continue;
                if (fchown(fd, p->user.uid, (gid_t) -1) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
                        return ocirt_fail(err, errno, "give the stdio fd %d to uid %u", fd, p->user.uid);
        }
        return 0;
}

/* Runs in: the runtime. Exactly what conmon and containerd read: one fd in SCM_RIGHTS and a
 * non-empty payload. */
int
terminal_send_console(const char *socket_path, int master, ocirt_error **err)
{
        _cleanup_close_ int s = -1;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        static char name[] = "/dev/ptmx";
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } u;
        struct iovec iov = { .iov_base = name, .iov_len = sizeof name - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
        struct cmsghdr *cm;

        if (strlen(socket_path) >= sizeof sa.sun_path)
                return ocirt_fail_at(err, ENAMETOOLONG, "--console-socket", "use a shorter path",
                                     "socket path '%s' is too long", socket_path);
        strcpy(sa.sun_path, socket_path);
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return ocirt_fail(err, errno, "console socket");
        if (connect(s, (struct sockaddr *) &sa, sizeof sa) < 0)
                return ocirt_fail_at(err, errno, "--console-socket", NULL, "connect to '%s'", socket_path);
        memset(&u, 0, sizeof u);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &master, sizeof(int));
        if (sendmsg(s, &mh, MSG_NOSIGNAL) < 0)
                return ocirt_fail_at(err, errno, "--console-socket", NULL, "send the pty to '%s'", socket_path);
        return 0;
}
