/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c: the static binary the integration tests run inside a container
 * (/usr/bin/probe in the test rootfs). Each subcommand prints facts about the
 * process it runs as, one per line, "key=value" where a key helps, and exits 0;
 * when a fact cannot be read it prints "probe: WHAT: ENAME: message" on stderr
 * and exits 1. Assertions belong in the test scripts, never here.
 *
 * Dependency-free C on purpose (linked -all-static, nothing else in the rootfs
 * but busybox), so it also keeps clear of getpwnam() and friends. */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))

/* Tests match on the errno *name* (EROFS, EACCES), which unlike strerror()
 * text does not depend on the libc or the locale. */
static const struct {
        int num;
        const char *name;
} errno_names[] = {
        { EPERM, "EPERM" },       { ENOENT, "ENOENT" },     { ESRCH, "ESRCH" },
        { EINTR, "EINTR" },       { EIO, "EIO" },           { ENXIO, "ENXIO" },
        { E2BIG, "E2BIG" },       { ENOEXEC, "ENOEXEC" },   { EBADF, "EBADF" },
        { ECHILD, "ECHILD" },     { EAGAIN, "EAGAIN" },     { ENOMEM, "ENOMEM" },
        { EACCES, "EACCES" },     { EFAULT, "EFAULT" },     { EBUSY, "EBUSY" },
        { EEXIST, "EEXIST" },     { EXDEV, "EXDEV" },       { ENODEV, "ENODEV" },
        { ENOTDIR, "ENOTDIR" },   { EISDIR, "EISDIR" },     { EINVAL, "EINVAL" },
        { ENFILE, "ENFILE" },     { EMFILE, "EMFILE" },     { ENOTTY, "ENOTTY" },
        { ETXTBSY, "ETXTBSY" },   { EFBIG, "EFBIG" },       { ENOSPC, "ENOSPC" },
        { ESPIPE, "ESPIPE" },     { EROFS, "EROFS" },       { EMLINK, "EMLINK" },
        { EPIPE, "EPIPE" },       { ERANGE, "ERANGE" },     { ENAMETOOLONG, "ENAMETOOLONG" },
        { ENOSYS, "ENOSYS" },     { ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
        { ENODATA, "ENODATA" },   { EOVERFLOW, "EOVERFLOW" }, { ENOTSUP, "ENOTSUP" },
        { EADDRINUSE, "EADDRINUSE" }, { ENETUNREACH, "ENETUNREACH" },
        { ECONNREFUSED, "ECONNREFUSED" }, { ETIMEDOUT, "ETIMEDOUT" },
        { EDQUOT, "EDQUOT" },     { ENOKEY, "ENOKEY" },     { EOWNERDEAD, "EOWNERDEAD" },
};

static const char *
errno_name(int e)
{
        static char buf[32];

        for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
                if (errno_names[i].num == e)
                        return errno_names[i].name;
        snprintf(buf, sizeof buf, "E%d", e);
        return buf;
}

/* Print "probe: <what>: ENAME: message" and exit 1. */
__attribute__((noreturn, format(printf, 2, 3))) static void
die_errno(int e, const char *fmt, ...)
{
        va_list ap;

        fputs("probe: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, ": %s: %s\n", errno_name(e), strerror(e));
        exit(1);
}

__attribute__((noreturn, format(printf, 1, 2))) static void
die(const char *fmt, ...)
{
        va_list ap;

        fputs("probe: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(2);
}

/* Copy a file to stdout as is (for /proc files: read until EOF, no stat size). */
static int
cat_file(const char *path)
{
        char buf[8192];
        ssize_t n;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                die_errno(errno, "read %s", path);
        fflush(stdout);
        for (;;) {
                n = read(fd, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        die_errno(errno, "read %s", path);
                }
                if (n == 0)
                        break;
                for (ssize_t off = 0; off < n;) {
                        ssize_t w = write(STDOUT_FILENO, buf + off, n - off);
                        if (w < 0) {
                                if (errno == EINTR)
                                        continue;
                                die_errno(errno, "write stdout");
                        }
                        off += w;
                }
        }
        close(fd);
        return 0;
}

/* Print the /proc/self/status lines whose key is in keys[] as "Key=value". */
static int
status_fields(const char *const *keys, size_t n_keys)
{
        char line[512];
        size_t found = 0;
        FILE *f;

        f = fopen("/proc/self/status", "re");
        if (!f)
                die_errno(errno, "read /proc/self/status");
        while (fgets(line, sizeof line, f)) {
                char *colon = strchr(line, ':'), *v;

                if (!colon)
                        continue;
                *colon = '\0';
                for (size_t i = 0; i < n_keys; i++) {
                        if (strcmp(line, keys[i]) != 0)
                                continue;
                        v = colon + 1;
                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = '\0';
                        printf("%s=%s\n", line, v);
                        found++;
                }
        }
        fclose(f);
        return found > 0 ? 0 : -1;
}

static int
cmd_ids(_unused_ int argc, _unused_ char **argv)
{
        gid_t groups[NGROUPS_MAX];
        int n;

        n = getgroups(ELEMENTSOF(groups), groups);
        if (n < 0)
                die_errno(errno, "getgroups");
        printf("uid=%u\ngid=%u\neuid=%u\negid=%u\ngroups=", (unsigned) getuid(), (unsigned) getgid(),
               (unsigned) geteuid(), (unsigned) getegid());
        for (int i = 0; i < n; i++)
                printf("%s%u", i ? "," : "", (unsigned) groups[i]);
        putchar('\n');
        return 0;
}

static int
cmd_pid(_unused_ int argc, _unused_ char **argv)
{
        printf("pid=%d\nppid=%d\n", (int) getpid(), (int) getppid());
        return 0;
}

static int
cmd_hostname(_unused_ int argc, _unused_ char **argv)
{
        struct utsname u;

        if (uname(&u) < 0)
                die_errno(errno, "uname");
        printf("%s\n", u.nodename);
        return 0;
}

static int
cmd_domainname(_unused_ int argc, _unused_ char **argv)
{
        struct utsname u;

        if (uname(&u) < 0)
                die_errno(errno, "uname");
        printf("%s\n", u.domainname);
        return 0;
}

static int
cmd_cwd(_unused_ int argc, _unused_ char **argv)
{
        char buf[PATH_MAX];

        if (!getcwd(buf, sizeof buf))
                die_errno(errno, "getcwd");
        printf("%s\n", buf);
        return 0;
}

static int
cmd_env(_unused_ int argc, _unused_ char **argv)
{
        for (char **e = environ; e && *e; e++)
                printf("%s\n", *e);
        return 0;
}

/* Every fd open in this process, except the one used to list them. */
static int
cmd_fds(_unused_ int argc, _unused_ char **argv)
{
        struct dirent *de;
        DIR *d;
        int self;

        d = opendir("/proc/self/fd");
        if (!d)
                die_errno(errno, "open /proc/self/fd");
        self = dirfd(d);
        while ((de = readdir(d))) {
                char path[64], target[PATH_MAX];
                ssize_t n;
                int fd;

                if (de->d_name[0] == '.')
                        continue;
                fd = atoi(de->d_name);
                if (fd == self)
                        continue;
                snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
                n = readlink(path, target, sizeof target - 1);
                if (n < 0)
                        die_errno(errno, "readlink %s", path);
                target[n] = '\0';
                printf("%d -> %s\n", fd, target);
        }
        closedir(d);
        return 0;
}

static int
cmd_mounts(_unused_ int argc, _unused_ char **argv)
{
        return cat_file("/proc/self/mountinfo");
}

static int
cmd_cgroup(_unused_ int argc, _unused_ char **argv)
{
        return cat_file("/proc/self/cgroup");
}

static int
cmd_caps(_unused_ int argc, _unused_ char **argv)
{
        static const char *const keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };

        if (status_fields(keys, ELEMENTSOF(keys)) < 0)
                die("caps: no Cap* lines in /proc/self/status");
        return 0;
}

/* The bounding set from the kernel itself (prctl), not from /proc: for a container whose /proc is
 * not a procfs. */
static int
cmd_bnd(_unused_ int argc, _unused_ char **argv)
{
        unsigned long long m = 0;

        for (int i = 0; i < 64; i++)
                if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) > 0)
                        m |= 1ULL << i;
        printf("CapBnd=%016llx\n", m);
        return 0;
}

static int
cmd_nnp(_unused_ int argc, _unused_ char **argv)
{
        static const char *const keys[] = { "NoNewPrivs" };

        if (status_fields(keys, ELEMENTSOF(keys)) < 0)
                die("nnp: no NoNewPrivs line in /proc/self/status");
        return 0;
}

static int
cmd_seccomp(_unused_ int argc, _unused_ char **argv)
{
        static const char *const keys[] = { "Seccomp", "Seccomp_filters" };

        if (status_fields(keys, ELEMENTSOF(keys)) < 0)
                die("seccomp: no Seccomp line in /proc/self/status (kernel without CONFIG_SECCOMP?)");
        return 0;
}

static const struct {
        const char *name;
        int resource;
} rlimits[] = {
        { "CPU", RLIMIT_CPU },         { "FSIZE", RLIMIT_FSIZE },     { "DATA", RLIMIT_DATA },
        { "STACK", RLIMIT_STACK },     { "CORE", RLIMIT_CORE },       { "RSS", RLIMIT_RSS },
        { "NPROC", RLIMIT_NPROC },     { "NOFILE", RLIMIT_NOFILE },   { "MEMLOCK", RLIMIT_MEMLOCK },
        { "AS", RLIMIT_AS },           { "LOCKS", RLIMIT_LOCKS },     { "SIGPENDING", RLIMIT_SIGPENDING },
        { "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE },     { "RTPRIO", RLIMIT_RTPRIO },
        { "RTTIME", RLIMIT_RTTIME },
};

static void
print_rlim(rlim_t v)
{
        if (v == RLIM_INFINITY)
                fputs("unlimited", stdout);
        else
                printf("%llu", (unsigned long long) v);
}

/* "rlimit NOFILE" (or RLIMIT_NOFILE, any case): prints "SOFT HARD". */
static int
cmd_rlimit(_unused_ int argc, _unused_ char **argv)
{
        const char *name = argv[1];
        struct rlimit rl;

        if (strncasecmp(name, "RLIMIT_", 7) == 0)
                name += 7;
        for (size_t i = 0; i < ELEMENTSOF(rlimits); i++) {
                if (strcasecmp(name, rlimits[i].name) != 0)
                        continue;
                if (getrlimit(rlimits[i].resource, &rl) < 0)
                        die_errno(errno, "getrlimit %s", argv[1]);
                print_rlim(rl.rlim_cur);
                putchar(' ');
                print_rlim(rl.rlim_max);
                putchar('\n');
                return 0;
        }
        die("rlimit: unknown limit '%s' (use a name like NOFILE or RLIMIT_NOFILE)", argv[1]);
}

static int
cmd_umask(_unused_ int argc, _unused_ char **argv)
{
        mode_t m = umask(0);

        umask(m);
        printf("%04o\n", (unsigned) m);
        return 0;
}

static const char *
file_type(mode_t m)
{
        switch (m & S_IFMT) {
        case S_IFCHR:
                return "char";
        case S_IFBLK:
                return "block";
        case S_IFDIR:
                return "dir";
        case S_IFREG:
                return "file";
        case S_IFLNK:
                return "symlink";
        case S_IFIFO:
                return "fifo";
        case S_IFSOCK:
                return "socket";
        default:
                return "unknown";
        }
}

/* lstat semantics: a symlink is reported as a symlink, with its target. */
static int
cmd_stat(_unused_ int argc, _unused_ char **argv)
{
        struct stat st;

        if (lstat(argv[1], &st) < 0)
                die_errno(errno, "stat %s", argv[1]);
        printf("type=%s\nmode=%04o\nuid=%u\ngid=%u\nrdev=%u:%u\nsize=%lld\n", file_type(st.st_mode),
               (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, (unsigned) st.st_gid,
               major(st.st_rdev), minor(st.st_rdev), (long long) st.st_size);
        if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlink(argv[1], target, sizeof target - 1);

                if (n < 0)
                        die_errno(errno, "readlink %s", argv[1]);
                target[n] = '\0';
                printf("target=%s\n", target);
        }
        return 0;
}

static int
cmd_read(_unused_ int argc, _unused_ char **argv)
{
        return cat_file(argv[1]);
}

static int
cmd_write(_unused_ int argc, _unused_ char **argv)
{
        size_t len = strlen(argv[2]);
        ssize_t n;
        int fd;

        fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                die_errno(errno, "write %s", argv[1]);
        n = write(fd, argv[2], len);
        if (n < 0)
                die_errno(errno, "write %s", argv[1]);
        if ((size_t) n != len)
                die("write %s: short write (%zd of %zu bytes)", argv[1], n, len);
        if (close(fd) < 0)
                die_errno(errno, "write %s: close", argv[1]);
        return 0;
}

static int
cmd_mkdir(_unused_ int argc, _unused_ char **argv)
{
        if (mkdir(argv[1], 0755) < 0)
                die_errno(errno, "mkdir %s", argv[1]);
        return 0;
}

static int
parse_int(const char *s, long min, long max, long *ret)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return -1;
        *ret = v;
        return 0;
}

static int
cmd_exit(_unused_ int argc, _unused_ char **argv)
{
        long code;

        if (parse_int(argv[1], 0, 255, &code) < 0)
                die("exit: '%s' is not a number from 0 to 255", argv[1]);
        fflush(stdout);
        _exit((int) code);
}

static const struct {
        const char *name;
        int sig;
} signals[] = {
        { "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT }, { "ILL", SIGILL },
        { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },     { "BUS", SIGBUS },   { "FPE", SIGFPE },
        { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
        { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
        { "CONT", SIGCONT }, { "STOP", SIGSTOP },     { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
        { "TTOU", SIGTTOU }, { "URG", SIGURG },       { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
        { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
        { "PWR", SIGPWR },   { "SYS", SIGSYS },
};

static const char *
signal_name(int sig)
{
        static char buf[32];

        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                if (signals[i].sig == sig) {
                        snprintf(buf, sizeof buf, "SIG%s", signals[i].name);
                        return buf;
                }
        snprintf(buf, sizeof buf, "SIG%d", sig);
        return buf;
}

/* "9", "KILL" or "SIGKILL". */
static int
parse_signal(const char *s)
{
        long n;

        if (parse_int(s, 1, 64, &n) == 0)
                return (int) n;
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                if (strcasecmp(s, signals[i].name) == 0)
                        return signals[i].sig;
        die("unknown signal '%s' (use a name like TERM or SIGTERM, or a number)", s);
}

/* Spin on the CPU (for the CPU-time limits and timers below). */
_noreturn_ static void
spin(void)
{
        for (volatile unsigned long i = 0;; i++)
                ;
}

/* Die of signal SIG as the pid 1 of a pid namespace. Such a process ignores
 * every default-action signal sent from inside its namespace, itself
 * included, so kill() does nothing there. Two ways through remain: SIGKILL
 * that the kernel generates itself (SEND_SIG_PRIV is forced, for SIGKILL and
 * SIGSTOP only), as at the RLIMIT_CPU hard limit; and real faults (SIGSEGV,
 * SIGFPE, SIGILL, SIGTRAP, SIGBUS), which clear the protection. So the
 * process really dies of SIG, which is what a test of the runtime's
 * "128 + signal" exit status needs. Returns for the other signals. */
static void
die_of_signal_as_init(int sig)
{
        struct rlimit rl = { .rlim_cur = 1, .rlim_max = 1 };

        switch (sig) {
        case SIGKILL:
                /* CPU time limits count whole seconds: about 1 s of spinning. */
                if (setrlimit(RLIMIT_CPU, &rl) < 0)
                        die_errno(errno, "kill-self KILL: setrlimit RLIMIT_CPU");
                spin();
        case SIGSEGV: {
                volatile int *volatile p = NULL;
                *p = 1;
                break;
        }
        case SIGFPE: {
                /* Both volatile: gcc turns 1 / x into comparisons. */
                volatile int one = 1, zero = 0;
                volatile int r = one / zero;
                (void) r;
                break;
        }
        case SIGILL:
#if defined(__x86_64__) || defined(__i386__)
                __asm__ volatile("ud2");
#endif
                break;
        case SIGTRAP:
#if defined(__x86_64__) || defined(__i386__)
                __asm__ volatile("int3");
#endif
                break;
        case SIGBUS: {
                /* Touching a page of a mapping past the end of its (empty) file;
                 * a memfd, as the container's file systems may all be read-only. */
                int fd = memfd_create("probe-sigbus", MFD_CLOEXEC);
                volatile char *m;

                if (fd < 0)
                        die_errno(errno, "kill-self BUS: memfd_create");
                m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
                if (m == MAP_FAILED)
                        die_errno(errno, "kill-self BUS: mmap");
                (void) m[0];
                break;
        }
        }
}

/* Die of signal SIG (its action reset to the default). */
static int
cmd_kill_self(_unused_ int argc, _unused_ char **argv)
{
        int sig = parse_signal(argv[1]);
        sigset_t all;

        fflush(stdout);
        signal(sig, SIG_DFL);
        sigfillset(&all);
        sigprocmask(SIG_UNBLOCK, &all, NULL);
        if (getpid() == 1) {
                die_of_signal_as_init(sig);
                die("kill-self: the pid 1 of a pid namespace cannot die of its own %s; use KILL, SEGV, FPE, "
                    "ILL, TRAP or BUS, or run the probe below 'sh -c'",
                    signal_name(sig));
        }
        if (kill(getpid(), sig) < 0)
                die_errno(errno, "kill-self %s", argv[1]);
        /* Delivery can lag the kill() by a moment for a stopped-then-continued target. */
        for (;;)
                pause();
}

static int
cmd_sleep(_unused_ int argc, _unused_ char **argv)
{
        struct timespec ts;
        char *end;
        double s;

        errno = 0;
        s = strtod(argv[1], &end);
        if (errno || end == argv[1] || *end || s < 0)
                die("sleep: '%s' is not a number of seconds", argv[1]);
        ts.tv_sec = (time_t) s;
        ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) < 0)
                if (errno != EINTR)
                        die_errno(errno, "nanosleep");
        return 0;
}

static int
cmd_uidmap(_unused_ int argc, _unused_ char **argv)
{
        return cat_file("/proc/self/uid_map");
}

static int
cmd_gidmap(_unused_ int argc, _unused_ char **argv)
{
        return cat_file("/proc/self/gid_map");
}

static int
cmd_tty(_unused_ int argc, _unused_ char **argv)
{
        const char *name = ttyname(STDIN_FILENO);
        int fd;

        printf("ttyname=%s\n", name ? name : "none");
        for (int i = 0; i <= 2; i++)
                printf("isatty%d=%d\n", i, isatty(i) ? 1 : 0);
        /* Whether a controlling terminal exists: /dev/tty opens only then. */
        fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        printf("ctty=%d\n", fd >= 0 ? 1 : 0);
        if (fd >= 0)
                close(fd);
        return 0;
}

static int
cmd_ns(_unused_ int argc, _unused_ char **argv)
{
        struct dirent *de;
        DIR *d;

        d = opendir("/proc/self/ns");
        if (!d)
                die_errno(errno, "open /proc/self/ns");
        while ((de = readdir(d))) {
                char path[PATH_MAX], target[256];
                ssize_t n;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "/proc/self/ns/%s", de->d_name);
                n = readlink(path, target, sizeof target - 1);
                if (n < 0)
                        die_errno(errno, "readlink %s", path);
                target[n] = '\0';
                printf("%s=%s\n", de->d_name, target);
        }
        closedir(d);
        return 0;
}

static void
on_signal(_unused_ int sig)
{
}

/* Wait for SIGTERM or SIGINT and print its name. With READY_FILE, create it
 * once the signals are blocked, so a test knows when to send one. */
static int
cmd_signal_wait(_unused_ int argc, _unused_ char **argv)
{
        struct sigaction sa = { .sa_handler = on_signal };
        sigset_t set;
        int sig, r;

        /* A handler, not just a mask: the pid 1 of a pid namespace drops
         * default-action signals from inside the namespace. */
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                die_errno(errno, "sigprocmask");
        if (argc > 1) {
                int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0)
                        die_errno(errno, "signal-wait: create %s", argv[1]);
                close(fd);
        }
        do
                r = sigwait(&set, &sig);
        while (r == EINTR);
        if (r != 0)
                die_errno(r, "sigwait");
        printf("%s\n", signal_name(sig));
        return 0;
}

static int
cmd_echo(_unused_ int argc, _unused_ char **argv)
{
        for (int i = 1; i < argc; i++)
                printf("%s%s", i > 1 ? " " : "", argv[i]);
        putchar('\n');
        return 0;
}

/* udp-recv PORT: bind UDP PORT on every IPv6 and IPv4 address, print the first datagram. (busybox's
 * nc has no UDP mode.) */
static int
cmd_udp_recv(_unused_ int argc, char **argv)
{
        struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t) atoi(argv[1])) };
        char buf[512];
        int s = socket(AF_INET6, SOCK_DGRAM, 0), off = 0;
        ssize_t n;

        if (s < 0)
                die_errno(errno, "socket");
        (void) setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        if (bind(s, (struct sockaddr *) &a, sizeof a) < 0)
                die_errno(errno, "bind udp port %s", argv[1]);
        n = recv(s, buf, sizeof buf - 1, 0);
        if (n < 0)
                die_errno(errno, "recv");
        buf[n] = '\0';
        printf("udp=%s\n", buf);
        return 0;
}

/* ---- issue 17: what checkpoint/restore must carry over ---- */

/* Write TEXT to PATH through a new file renamed over it, so a reader never sees it half written. */
static void
put_count(const char *path, const char *text)
{
        char tmp[PATH_MAX];
        int fd;

        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, text, strlen(text)) < 0 || close(fd) < 0 || rename(tmp, path) < 0)
                die_errno(errno, "write %s", path);
}

static bool
read_full(int fd, void *buf, size_t n)
{
        for (size_t got = 0; got < n;) {
                ssize_t k = read(fd, (char *) buf + got, n - got);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return false;
                got += (size_t) k;
        }
        return true;
}

/* tcp-count PORT FILE: one established TCP connection over 127.0.0.1 between this process and a
 * child it forks. The child sends 1, 2, 3, ... every 50 ms; this process checks each is the one
 * after the last and writes it to FILE. A broken connection or a gap ends both with "broken: ..."
 * in FILE: a count that continues after a restore went over the same connection (nothing
 * reconnects). */
static int
cmd_tcp_count(_unused_ int argc, char **argv)
{
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(argv[1])) };
        int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, s;
        uint64_t last = 0, v;
        char text[64];
        pid_t child;

        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (ls < 0)
                die_errno(errno, "socket");
        (void) setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(ls, (struct sockaddr *) &a, sizeof a) < 0 || listen(ls, 1) < 0)
                die_errno(errno, "listen on 127.0.0.1:%s", argv[1]);
        child = fork();
        if (child < 0)
                die_errno(errno, "fork");
        if (child == 0) {
                int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(ls);
                if (c < 0 || connect(c, (struct sockaddr *) &a, sizeof a) < 0)
                        die_errno(errno, "connect to 127.0.0.1:%s", argv[1]);
                for (v = 1;; v++) {
                        if (write(c, &v, sizeof v) != (ssize_t) sizeof v)
                                die_errno(errno, "send %llu", (unsigned long long) v);
                        nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
                }
        }
        s = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (s < 0)
                die_errno(errno, "accept");
        close(ls); /* only the established pair is left */
        for (;;) {
                if (!read_full(s, &v, sizeof v)) {
                        snprintf(text, sizeof text, "broken: %s after %llu\n", errno ? strerror(errno) : "EOF",
                                 (unsigned long long) last);
                        break;
                }
                if (v != last + 1) {
                        snprintf(text, sizeof text, "broken: %llu after %llu\n", (unsigned long long) v,
                                 (unsigned long long) last);
                        break;
                }
                last = v;
                snprintf(text, sizeof text, "%llu\n", (unsigned long long) v);
                put_count(argv[2], text);
        }
        put_count(argv[2], text);
        kill(child, SIGKILL);
        return 1;
}

/* console-recv SOCKET OUT [TIMEOUT]: a --console-socket receiver where python3 (and
 * tests/lib/recv-console.py) is missing, as in the VM lane: accept one connection on SOCKET, take
 * the one fd it carries (a pty master, checked), then copy what the container writes to OUT until
 * its side closes or TIMEOUT seconds (default 60) pass without output. Prints "nfds=N payload=P". */
static int
cmd_console_recv(int argc, char **argv)
{
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(8 * sizeof(int))];
        } ctl;
        char payload[256], buf[4096];
        struct iovec iov = { .iov_base = payload, .iov_len = sizeof payload - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl };
        int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c, out, master = -1, nfds = 0;
        int timeout = argc > 3 ? atoi(argv[3]) : 60;
        struct pollfd pfd;
        ssize_t n;

        snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
        if (ls < 0 || bind(ls, (struct sockaddr *) &a, sizeof a) < 0 || listen(ls, 1) < 0)
                die_errno(errno, "listen on %s", argv[1]);
        pfd = (struct pollfd){ .fd = ls, .events = POLLIN };
        if (poll(&pfd, 1, 30000) != 1)
                die("no connection on %s within 30 s", argv[1]);
        c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
                die_errno(errno, "accept");
        n = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0)
                die_errno(errno, "recvmsg");
        payload[n] = '\0';
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                        nfds += (int) ((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                        memcpy(&master, CMSG_DATA(cm), sizeof(int));
                }
        close(c);
        close(ls);
        printf("nfds=%d payload=%s\n", nfds, payload);
        fflush(stdout);
        if (nfds != 1 || !isatty(master))
                die("expected one pty master, got %d fds", nfds);
        out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0)
                die_errno(errno, "open %s", argv[2]);
        pfd = (struct pollfd){ .fd = master, .events = POLLIN };
        while (poll(&pfd, 1, timeout * 1000) == 1 && (n = read(master, buf, sizeof buf)) > 0)
                if (write(out, buf, (size_t) n) != n)
                        die_errno(errno, "write %s", argv[2]);
        return 0;
}

/* ---- issue 3: personality, scheduler, I/O priority, memory policy, seccomp syscalls ---- */

static int
cmd_personality(_unused_ int argc, _unused_ char **argv)
{
        long p = syscall(SYS_personality, 0xffffffffUL);

        if (p < 0)
                die_errno(errno, "personality");
        printf("personality=0x%lx\n", (unsigned long) p);
        return 0;
}

static int
cmd_sched(_unused_ int argc, _unused_ char **argv)
{
        struct {
                uint32_t size, policy;
                uint64_t flags;
                int32_t nice;
                uint32_t priority;
                uint64_t runtime, deadline, period;
                uint32_t util_min, util_max;
        } a = { 0 };

        if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) < 0)
                die_errno(errno, "sched_getattr");
        printf("policy=%u flags=0x%llx nice=%d priority=%u runtime=%llu deadline=%llu period=%llu\n", a.policy,
               (unsigned long long) a.flags, a.nice, a.priority, (unsigned long long) a.runtime,
               (unsigned long long) a.deadline, (unsigned long long) a.period);
        return 0;
}

static int
cmd_ioprio(_unused_ int argc, _unused_ char **argv)
{
        long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);

        if (v < 0)
                die_errno(errno, "ioprio_get");
        printf("class=%ld priority=%ld\n", (v >> 13) & 7, v & 0xff);
        return 0;
}

static int
cmd_mempolicy(_unused_ int argc, _unused_ char **argv)
{
        unsigned long mask[16] = { 0 };
        int mode = -1;

        if (syscall(SYS_get_mempolicy, &mode, mask, sizeof mask * 8, NULL, 0) < 0)
                die_errno(errno, "get_mempolicy");
        /* The mode with its MPOL_F_* flags, and the first word of the node mask. */
        printf("mode=%d flags=0x%x nodes=0x%lx\n", mode & 0xff, mode & ~0xff, mask[0]);
        return 0;
}

/* Try a few syscalls the seccomp tests filter on; print each result as NAME=ok|ENAME. */
static int
cmd_try(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                const char *w = argv[i];
                long r;

                if (strcmp(w, "getpid") == 0)
                        r = syscall(SYS_getpid);
                else if (strncmp(w, "mkdir:", 6) == 0)
                        r = mkdir(w + 6, 0755);
                else if (strncmp(w, "umask:", 6) == 0)
                        r = syscall(SYS_umask, strtol(w + 6, NULL, 8));
                else if (strncmp(w, "personality:", 12) == 0)
                        r = syscall(SYS_personality, strtoul(w + 12, NULL, 0));
                else if (strcmp(w, "getppid") == 0)
                        r = syscall(SYS_getppid);
                else if (strncmp(w, "nr:", 3) == 0 || strncmp(w, "sys:", 4) == 0)
                        /* A raw number, e.g. one above the kernel's last syscall: what a seccomp
                         * profile does with syscalls it does not know (ENOSYS lets libc fall back). */
                        r = syscall(strtol(strchr(w, ':') + 1, NULL, 0), 0, 0, 0, 0, 0, 0);
                else
                        die("try: unknown '%s' (getpid, getppid, mkdir:PATH, umask:OCTAL, personality:N, nr:N or sys:N)", w);
                printf("%s=%s\n", w, r < 0 ? errno_name(errno) : "ok");
                fflush(stdout);
        }
        return 0;
}

/* "alloc MB": allocate and touch MB mebibytes, one page at a time, then print allocated=MB. Used to
 * show a memory limit: exec it as the container's init so the OOM kill is the container's status. */
static int
cmd_alloc(_unused_ int argc, char **argv)
{
        long mb = atol(argv[1]);
        long page = sysconf(_SC_PAGESIZE);

        for (long i = 0; i < mb; i++) {
                char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        die_errno(errno, "mmap after %ld MB", i);
                for (long off = 0; off < (1 << 20); off += page)
                        p[off] = 1;
        }
        printf("allocated=%ld\n", mb);
        return 0;
}

/* "forks N": start N children that sleep 5 s, print forked=K (and errno=NAME when one failed), then
 * kill them. Shows a pids limit without a shell fork bomb. */
static int
cmd_forks(_unused_ int argc, char **argv)
{
        long n = atol(argv[1]), k = 0;
        pid_t pids[4096];
        int e = 0;

        if (n > 4096)
                n = 4096;
        for (; k < n; k++) {
                pid_t p = fork();
                if (p < 0) {
                        e = errno;
                        break;
                }
                if (p == 0) {
                        sleep(5);
                        _exit(0);
                }
                pids[k] = p;
        }
        printf("forked=%ld%s%s\n", k, e ? " errno=" : "", e == EAGAIN ? "EAGAIN" : e ? strerror(e) : "");
        for (long i = 0; i < k; i++)
                kill(pids[i], SIGKILL);
        while (wait(NULL) > 0)
                ;
        return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command {
        const char *name;
        int min_args, max_args; /* not counting the command itself; -1: any */
        int (*fn)(int argc, char **argv);
        const char *usage;
} commands[] = {
        { "ids", 0, 0, cmd_ids, "uid= gid= euid= egid= groups=A,B" },
        { "pid", 0, 0, cmd_pid, "pid= ppid=" },
        { "hostname", 0, 0, cmd_hostname, "the UTS host name" },
        { "domainname", 0, 0, cmd_domainname, "the UTS NIS domain name" },
        { "cwd", 0, 0, cmd_cwd, "the working directory" },
        { "env", 0, 0, cmd_env, "the environment, one NAME=value a line" },
        { "fds", 0, 0, cmd_fds, "open fds as 'N -> target'" },
        { "mounts", 0, 0, cmd_mounts, "/proc/self/mountinfo" },
        { "cgroup", 0, 0, cmd_cgroup, "/proc/self/cgroup" },
        { "caps", 0, 0, cmd_caps, "CapInh= CapPrm= CapEff= CapBnd= CapAmb= (hex)" },
        { "bnd", 0, 0, cmd_bnd, "CapBnd= (hex, from prctl)" },
        { "nnp", 0, 0, cmd_nnp, "NoNewPrivs=0|1" },
        { "seccomp", 0, 0, cmd_seccomp, "Seccomp=0|1|2 (and Seccomp_filters=N)" },
        { "rlimit", 1, 1, cmd_rlimit, "NAME: 'SOFT HARD' (numbers or 'unlimited')" },
        { "umask", 0, 0, cmd_umask, "the umask, as 0022" },
        { "stat", 1, 1, cmd_stat, "PATH: type= mode= uid= gid= rdev=MAJ:MIN size= [target=] (lstat)" },
        { "read", 1, 1, cmd_read, "PATH: the content" },
        { "write", 2, 2, cmd_write, "PATH TEXT: create/truncate and write" },
        { "mkdir", 1, 1, cmd_mkdir, "PATH: mkdir 0755" },
        { "exit", 1, 1, cmd_exit, "N: exit with status N" },
        { "kill-self", 1, 1, cmd_kill_self, "SIG: die of signal SIG" },
        { "sleep", 1, 1, cmd_sleep, "SECONDS (fractions allowed)" },
        { "uidmap", 0, 0, cmd_uidmap, "/proc/self/uid_map" },
        { "gidmap", 0, 0, cmd_gidmap, "/proc/self/gid_map" },
        { "tty", 0, 0, cmd_tty, "ttyname= isatty0= isatty1= isatty2= ctty=" },
        { "ns", 0, 0, cmd_ns, "NAME=type:[inode] for each /proc/self/ns entry" },
        { "signal-wait", 0, 1, cmd_signal_wait, "[READY_FILE]: wait for SIGTERM/SIGINT, print its name" },
        { "echo", 0, -1, cmd_echo, "ARGS...: print them" },
        { "udp-recv", 1, 1, cmd_udp_recv, "PORT: print the first UDP datagram to PORT (IPv4 and IPv6)" },
        { "tcp-count", 2, 2, cmd_tcp_count, "PORT FILE: count over a TCP connection to a child, to FILE" },
        { "console-recv", 2, 3, cmd_console_recv, "SOCKET OUT [TIMEOUT]: a --console-socket receiver, output to OUT" },
        { "alloc", 1, 1, cmd_alloc, "MB: allocate and touch MB mebibytes, print allocated=MB" },
        { "forks", 1, 1, cmd_forks, "N: fork N sleeping children, print forked=K [errno=E]" },
        { "help", 0, 0, cmd_help, "this list" },
        { "personality", 0, 0, cmd_personality, "personality=0xN (the execution domain and flags)" },
        { "sched", 0, 0, cmd_sched, "policy= flags= nice= priority= runtime= deadline= period=" },
        { "ioprio", 0, 0, cmd_ioprio, "class= priority=" },
        { "mempolicy", 0, 0, cmd_mempolicy, "mode= flags= nodes=0xMASK" },
        { "try", 1, -1, cmd_try, "SYSCALL...: getpid getppid mkdir:PATH umask:OCTAL personality:N nr:N|sys:N -> NAME=ok|ENAME" },
};

static int
cmd_help(_unused_ int argc, _unused_ char **argv)
{
        printf("usage: probe COMMAND [ARGS...]\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                printf("  %-12s %s\n", commands[i].name, commands[i].usage);
        return 0;
}

int
main(int argc, char **argv)
{
        const char *name;
        int n, r;

        if (argc < 2) {
                cmd_help(0, NULL);
                return 2;
        }
        name = argv[1];
        n = argc - 2;
        for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
                const struct command *c = &commands[i];

                if (strcmp(name, c->name) != 0)
                        continue;
                if (n < c->min_args || (c->max_args >= 0 && n > c->max_args))
                        die("%s: wrong number of arguments (%d); usage: probe %s %s", name, n, name,
                            c->usage);
                r = c->fn(argc - 1, argv + 1);
                if (fflush(stdout) != 0 || ferror(stdout))
                        die_errno(errno, "write stdout");
                return r;
        }
        die("unknown command '%s' (try 'probe help')", name);
}
