/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli-util.c: the parsing and printing helpers the command files share: getopt with errors that
 * name the flag, strict numbers, signal names, JSON strings, RFC 3339 times and runc-style tables.
 * Nothing here knows about containers; that is the library's business. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static void
hint_for(const struct cli_help *help, char *buf, size_t n)
{
        if (help && help->name)
                (void) snprintf(buf, n, "see 'ocirt %s --help'", help->name);
        else
                (void) snprintf(buf, n, "see 'ocirt --help'");
}

/* The flag as the user typed it, without a "=value" part: "--pid-file", or "-b" for a short
 * option (also from inside a cluster such as "-db"). getopt does not say which option failed, only
 * optopt (0 for an unknown long option, else the option's value) and how far it got. */
static void
flag_name(char **argv, int optind_now, const struct option *longopts, char *buf, size_t n)
{
        const char *a = optind_now > 0 ? argv[optind_now - 1] : NULL;

        if (a && a[0] == '-' && a[1] == '-' && a[2] != '\0') {
                size_t len = strcspn(a + 2, "=");
                bool is_long = optopt == 0;

                /* "-zd" after "--no-pivot" leaves argv[optind - 1] at "--no-pivot": only blame
                 * that long flag when its value is the one getopt complains about. Prefixes
                 * count, since getopt_long accepts unambiguous abbreviations. */
                for (const struct option *o = longopts; !is_long && o && o->name; o++)
                        if (o->val == optopt && strncmp(o->name, a + 2, len) == 0)
                                is_long = true;
                if (is_long) {
                        (void) snprintf(buf, n, "--%.*s", (int) len, a + 2);
                        return;
                }
        }
        if (optopt > 0 && optopt < 0x100 && isprint(optopt))
                (void) snprintf(buf, n, "-%c", optopt);
        else
                (void) snprintf(buf, n, "%s", a ? a : "?");
}

int
cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
           const struct cli_help *help, ocirt_error **err)
{
        /* main.c parses the global options with getopt too; a new argv means a new parse, and
         * glibc only re-initialises (including its permutation state) when optind is 0. */
        static char **last_argv;
        char opts[64], flag[128], hint[128];
        const char *mode = "";
        int c;

        if (argv != last_argv) {
                last_argv = argv;
                optind = 0;
        }
        /* '+' (stop at the first non-option: the global options end at the command) must come
         * first; ':' after it makes a missing value return ':' instead of '?'. */
        if (shortopts[0] == '+') {
                mode = "+";
                shortopts++;
        }
        (void) snprintf(opts, sizeof opts, "%s:%s", mode, shortopts);
        opterr = 0; /* no getopt messages: errors are printed once, by main.c */

        c = getopt_long(argc, argv, opts, longopts, NULL);
        if (c != '?' && c != ':')
                return c;

        flag_name(argv, optind, longopts, flag, sizeof flag);
        hint_for(help, hint, sizeof hint);
        if (c == ':')
                return ocirt_error_new(err, EINVAL, flag, hint, "needs a value");
        /* glibc reports "--detach=1" for a flag without a value as '?' with optopt set. */
        if (optopt != 0 && flag[0] == '-' && flag[1] == '-')
                return ocirt_error_new(err, EINVAL, flag, hint, "takes no value");
        if (help && help->name)
                return ocirt_error_new(err, EINVAL, flag, hint, "unknown flag for 'ocirt %s'", help->name);
        return ocirt_error_new(err, EINVAL, flag, hint, "unknown flag");
}

void
cli_help_print(const struct cli_help *help)
{
        printf("Usage: ocirt %s [OPTIONS]%s%s\n\n%s\n\nOptions:\n", help->name, help->usage[0] ? " " : "",
               help->usage, help->summary);
        if (help->options)
                fputs(help->options, stdout);
        printf("  -h, --help                 show this help\n");
        if (help->notes)
                printf("\n%s", help->notes);
}

int
cli_check_args(int argc, char **argv, int min, int max, const struct cli_help *help, ocirt_error **err)
{
        char hint[256];
        int n = argc - optind;

        (void) snprintf(hint, sizeof hint, "usage: ocirt %s [OPTIONS]%s%s", help->name, help->usage[0] ? " " : "",
                        help->usage);
        if (n < min)
                return ocirt_error_new(err, EINVAL, help->name, hint, "missing argument (expected %s%d, got %d)",
                                       min == max ? "" : "at least ", min, n);
        if (n > max)
                return ocirt_error_new(err, EINVAL, help->name, hint,
                                       "unexpected argument '%s' (expected %s%d, got %d)", argv[optind + max],
                                       min == max ? "" : "at most ", max, n);
        return 0;
}

int
cli_get_id(int argc, char **argv, const struct cli_help *help, const char **ret_id, ocirt_error **err)
{
        int r;

        r = cli_check_args(argc, argv, 1, 1, help, err);
        if (r < 0)
                return r;
        r = ocirt_id_validate(argv[optind], err);
        if (r < 0)
                return r;
        *ret_id = argv[optind];
        return 0;
}

/* 0, -EINVAL for anything but plain digits, -ERANGE past max. strtoul alone would accept " 3",
 * "+3", "-3" (wrapped to a huge value) and "3x". */
static int
parse_uint(const char *s, int max, int *ret)
{
        unsigned long v;
        char *end;

        if (!s || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (*end != '\0')
                return -EINVAL;
        if (errno == ERANGE || v > (unsigned long) max)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

int
cli_parse_uint(const char *flag, const char *s, int max, int *ret, ocirt_error **err)
{
        int r;

        r = parse_uint(s, max, ret);
        if (r == -ERANGE)
                return ocirt_error_new(err, ERANGE, flag, NULL, "'%s' is too large (at most %d)", s, max);
        if (r < 0)
                return ocirt_error_new(err, EINVAL, flag, "give a non-negative whole number, e.g. 3",
                                       "'%s' is not a number", s ? s : "");
        return 0;
}

static const struct {
        const char *name;
        int signo;
} signal_names[] = {
        { "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },     { "ILL", SIGILL },
        { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },     { "IOT", SIGIOT },       { "BUS", SIGBUS },
        { "FPE", SIGFPE },       { "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
        { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },     { "TERM", SIGTERM },
        { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },     { "CLD", SIGCHLD },      { "CONT", SIGCONT },
        { "STOP", SIGSTOP },     { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
        { "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM },
        { "PROF", SIGPROF },     { "WINCH", SIGWINCH },   { "IO", SIGIO },         { "POLL", SIGPOLL },
        { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N". SIGRTMIN is glibc's (34, after its two reserved
 * signals), as the container's own libc sees it and as runc/crun map the name. */
static int
parse_rt_signal(const char *s, int *ret_signo)
{
        bool min = strncasecmp(s, "RTMIN", 5) == 0, max = strncasecmp(s, "RTMAX", 5) == 0;
        int base, off = 0, signo;
        const char *p = s + 5;

        if (!min && !max)
                return -EINVAL;
        base = min ? SIGRTMIN : SIGRTMAX;
        if (*p != '\0') {
                if (*p != (min ? '+' : '-'))
                        return -EINVAL;
                p++;
                if (parse_uint(p, SIGRTMAX, &off) < 0)
                        return -EINVAL;
        }
        signo = min ? base + off : base - off;
        if (signo < SIGRTMIN || signo > SIGRTMAX)
                return -EINVAL;
        *ret_signo = signo;
        return 0;
}

int
cli_parse_signal(const char *s, int *ret_signo)
{
        int signo;

        if (!s || !*s)
                return -EINVAL;
        if (isdigit((unsigned char) s[0])) {
                /* 0 is kill(2)'s existence probe: runc takes it, and health checks use it. */
                if (parse_uint(s, SIGRTMAX, &signo) < 0)
                        return -EINVAL;
                *ret_signo = signo;
                return 0;
        }
        /* CRI-O sends "KILL", podman and containerd numbers, people "SIGKILL" or "sigkill". */
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < ELEMENTSOF(signal_names); i++)
                if (strcasecmp(s, signal_names[i].name) == 0) {
                        *ret_signo = signal_names[i].signo;
                        return 0;
                }
        return parse_rt_signal(s, ret_signo);
}

/* Length of the valid UTF-8 sequence at p, or 0 when the bytes there are not one (overlong
 * forms, surrogates and code points past U+10FFFF count as invalid, as RFC 3629 says). */
static size_t
utf8_valid_len(const unsigned char *p)
{
        unsigned char lo = 0x80, hi = 0xbf;
        size_t n;

        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                n = 2;
        else if (p[0] >= 0xe0 && p[0] <= 0xef) {
                n = 3;
                if (p[0] == 0xe0)
                        lo = 0xa0;
                else if (p[0] == 0xed)
                        hi = 0x9f;
        } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
                n = 4;
                if (p[0] == 0xf0)
                        lo = 0x90;
                else if (p[0] == 0xf4)
                        hi = 0x8f;
        } else
                return 0;

        if (p[1] < lo || p[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if (p[i] < 0x80 || p[i] > 0xbf)
                        return 0;
        return n;
}

void
cli_json_string(FILE *f, const char *s)
{
        const unsigned char *p = (const unsigned char *) s;

        if (!s) {
                fputs("null", f);
                return;
        }
        fputc('"', f);
        while (*p) {
                size_t n;

                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\b':
                        fputs("\\b", f);
                        break;
                case '\f':
                        fputs("\\f", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                default:
                        if (*p < 0x20) {
                                fprintf(f, "\\u%04x", *p);
                        } else if (*p < 0x80) {
                                fputc(*p, f);
                        } else if ((n = utf8_valid_len(p)) > 0) {
                                fwrite(p, 1, n, f);
                                p += n;
                                continue;
                        } else {
                                /* A path or a message from the kernel may hold any bytes; Go's
                                 * decoder (containerd) and Python's reject invalid UTF-8. */
                                fputs("\\ufffd", f);
                        }
                }
                p++;
        }
        fputc('"', f);
}

void
cli_time_now(char buf[static CLI_TIME_MAX])
{
        struct timespec ts;
        struct tm tm;
        char sec[sizeof("YYYY-MM-DDTHH:MM:SS")] = "";

        (void) clock_gettime(CLOCK_REALTIME, &ts);
        (void) gmtime_r(&ts.tv_sec, &tm);
        (void) strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
        (void) snprintf(buf, CLI_TIME_MAX, "%s.%06uZ", sec, (unsigned) (ts.tv_nsec / 1000) % 1000000u);
}

/* Display width as runc's tabwriter counts it: code points, not bytes. */
static size_t
text_width(const char *s)
{
        size_t n = 0;

        for (; s && *s; s++)
                if (((unsigned char) *s & 0xc0) != 0x80)
                        n++;
        return n;
}

void
cli_table_print(FILE *f, const char *const *cells, size_t nrows, size_t ncols)
{
        enum { MIN_WIDTH = 12, PADDING = 3 };
        _cleanup_free_ size_t *width = calloc(ncols ? ncols : 1, sizeof *width);

        if (!width)
                abort();
        for (size_t r = 0; r < nrows; r++)
                for (size_t c = 0; c < ncols; c++) {
                        size_t w = text_width(cells[r * ncols + c]) + PADDING;

                        if (w < MIN_WIDTH)
                                w = MIN_WIDTH;
                        if (w > width[c])
                                width[c] = w;
                }
        for (size_t r = 0; r < nrows; r++) {
                for (size_t c = 0; c < ncols; c++) {
                        const char *s = cells[r * ncols + c] ? cells[r * ncols + c] : "";

                        fputs(s, f);
                        if (c + 1 < ncols)
                                fprintf(f, "%*s", (int) (width[c] - text_width(s)), "");
                }
                fputc('\n', f);
        }
}

int
cli_flush_stdout(ocirt_error **err)
{
        if (fflush(stdout) != 0 || ferror(stdout)) {
                int e = errno > 0 ? errno : EIO;

                return ocirt_error_new(err, e, "stdout", NULL, "write failed: %s", strerror(e));
        }
        return 0;
}

int
cli_create_option(int c, const char *arg, ocirt_create_options *opts, ocirt_error **err)
{
        static const char **publish, **layers;
        static size_t n_publish, n_layers;
        int r;

        switch (c) {
        case 'b':
                opts->bundle = arg;
                return 1;
        case CLI_OPT_PID_FILE:
                opts->pid_file = arg;
                return 1;
        case CLI_OPT_CONSOLE_SOCKET:
                opts->console_socket = arg;
                return 1;
        case CLI_OPT_PRESERVE_FDS:
                /* The fds must exist in this process, so the fd limit bounds any sane value;
                 * the library checks the fds themselves. */
                r = cli_parse_uint("--preserve-fds", arg, 1 << 20, &opts->preserve_fds, err);
                return r < 0 ? r : 1;
        case CLI_OPT_NO_PIVOT:
                opts->flags |= OCIRT_CREATE_NO_PIVOT;
                return 1;
        case CLI_OPT_NO_NEW_KEYRING:
                opts->flags |= OCIRT_CREATE_NO_NEW_KEYRING;
                return 1;
        case CLI_OPT_NETWORK:
                opts->network = arg;
                return 1;
        case 'p':
                /* argv outlives the options: keep pointers to its strings. */
                publish = realloc(publish, (n_publish + 1) * sizeof *publish);
                if (!publish)
                        abort();
                publish[n_publish++] = arg;
                opts->publish = publish;
                opts->n_publish = n_publish;
                return 1;
        case CLI_OPT_ALLOW_HOST_LOOPBACK:
                opts->allow_host_loopback = 1;
                return 1;
        case CLI_OPT_OVERLAY:
                opts->overlay = arg ? arg : "fuse";
                return 1;
        case CLI_OPT_OVERLAY_LAYER:
                layers = realloc(layers, (n_layers + 1) * sizeof *layers);
                if (!layers)
                        abort();
                layers[n_layers++] = arg;
                opts->overlay_layers = layers;
                opts->n_overlay_layers = n_layers;
                return 1;
        case CLI_OPT_OVERLAY_KEEP:
                opts->overlay_keep_dir = arg;
                return 1;
        case 'f':
                opts->config_path = arg;
                return 1;
        }
        return 0;
}

int cli_failure_status = EXIT_FAILURE;

int
cli_listen_fds(void)
{
        const char *s = getenv("LISTEN_FDS");
        int n;

        /* crun ignores LISTEN_PID here, and so must we: systemd sets it to the pid of the process
         * it started (conmon, podman, a shell), never to the runtime's own. A value that is not a
         * small number passes nothing rather than a guess. */
        if (!s || parse_uint(s, 4096, &n) < 0)
                return 0;
        return n;
}

int
cli_read_file(const char *what, const char *path, char **ret, ocirt_error **err)
{
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
        char *buf = NULL;
        size_t len = 0;
        FILE *m;
        int ch;

        if (!f)
                return ocirt_error_new(err, errno, what, NULL, "cannot open '%s'", path);
        m = open_memstream(&buf, &len);
        if (!m)
                abort();
        while ((ch = getc(f)) != EOF)
                putc(ch, m);
        fclose(m);
        if (f != stdin)
                fclose(f);
        *ret = buf;
        return 0;
}
