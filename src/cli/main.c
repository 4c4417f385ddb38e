/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: the `ocirt` entry point. Parses the global options (which conmon, containerd's shim and
 * CRI-O put before the command), sets up the library context and its log sinks, dispatches to one
 * cmd-*.c file, and is the single place where an error is printed: once to stderr, and once as a
 * log line to --log, where podman and containerd look for it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* configure refuses to build without these, so every ocirt binary has them. */
#ifdef HAVE_SYSTEMD
#define FEATURES "+SECCOMP +CAP +JANSSON +SYSTEMD"
#else
#define FEATURES "+SECCOMP +CAP +JANSSON"
#endif

static const struct command {
        cli_command_fn fn;
        const struct cli_help *help; /* name and one-line summary, shared with the command's --help */
} commands[] = {
        { cmd_spec, &cmd_spec_help },   { cmd_create, &cmd_create_help }, { cmd_start, &cmd_start_help },
        { cmd_run, &cmd_run_help },     { cmd_state, &cmd_state_help },   { cmd_list, &cmd_list_help },
        { cmd_kill, &cmd_kill_help },   { cmd_delete, &cmd_delete_help },
        { cmd_exec, &cmd_exec_help },
        { cmd_features, &cmd_features_help },
        { cmd_update, &cmd_update_help },
        { cmd_pause, &cmd_pause_help },
        { cmd_resume, &cmd_resume_help },
        { cmd_ps, &cmd_ps_help },
        { cmd_events, &cmd_events_help },
        { cmd_check, &cmd_check_help },
        { cmd_mounts, &cmd_mounts_help },
        { cmd_checkpoint, &cmd_checkpoint_help },
        { cmd_restore, &cmd_restore_help },

};

/* Where messages go: stderr always (up to max_level), and the --log file when given. */
struct cli_log {
        int fd; /* the --log file, stderr (is_stderr), or -1 */
        bool json;
        bool is_stderr; /* --log-format json without --log: the JSON lines go to stderr, as runc's */
        int max_level;
        off_t start;   /* the file's size when this command opened it */
        off_t written; /* what this command appended since */
};

enum {
        OPT_ROOT = 0x100,
        OPT_LOG,
        OPT_LOG_FORMAT,
        OPT_LOG_LEVEL,
        OPT_DEBUG,
        OPT_SYSTEMD_CGROUP,
        OPT_CGROUP_MANAGER,
        OPT_ROOTLESS,
};

static const struct option options[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "log", required_argument, NULL, OPT_LOG },
        { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
        { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
        { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
        { "rootless", optional_argument, NULL, OPT_ROOTLESS },
        { "version", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static const char *arg_root;
static const char *arg_log;
static bool arg_log_json;
static int arg_log_level = OCIRT_LOG_WARNING;
static bool arg_debug;
static int arg_cgroup_manager = -1; /* -1: not given, the library decides */
static int arg_rootless = -2;       /* -2: not given; else as ocirt_ctx_set_rootless() takes it */

static const char *
level_name(int level)
{
        static const char *const names[] = {
                [OCIRT_LOG_ERROR] = "error",
                [OCIRT_LOG_WARNING] = "warning",
                [OCIRT_LOG_INFO] = "info",
                [OCIRT_LOG_DEBUG] = "debug",
        };

        if (level < 0)
                level = OCIRT_LOG_ERROR;
        if ((size_t) level >= ELEMENTSOF(names))
                level = OCIRT_LOG_DEBUG;
        return names[level];
}

static void
logfmt_quote(FILE *f, const char *s)
{
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '\t')
                        fputs("\\t", f);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\x%02x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

static void
log_to_file(struct cli_log *log, int level, const char *msg)
{
        _cleanup_free_ char *line = NULL;
        char now[CLI_TIME_MAX];
        size_t len = 0;
        FILE *f;

        if (log->fd < 0)
                return;
        cli_time_now(now);
        f = open_memstream(&line, &len);
        if (!f)
                abort();
        if (log->json) {
                /* The shape crun writes and podman and containerd decode: {level, msg, time}. */
                fprintf(f, "{\"level\":\"%s\",\"msg\":", level_name(level));
                cli_json_string(f, msg);
                fprintf(f, ",\"time\":\"%s\"}\n", now);
        } else {
                /* runc's (logrus's) text form, which people grep and containerd's tooling reads:
                 * time="..." level=error msg="...", the message quoted as Go quotes strings. */
                fprintf(f, "time=\"%s\" level=%s msg=", now, level_name(level));
                logfmt_quote(f, msg);
                fputc('\n', f);
        }
        if (fclose(f) != 0)
                abort();
        /* One write() per line, so O_APPEND keeps lines of runtimes writing the same file at once
         * (a kill racing a delete) whole. A log that cannot be written must not turn a working
         * command into a failed one, so the result is ignored. */
        if (write(log->fd, line, len) == (ssize_t) len)
                log->written += (off_t) len;
}

/* The library's sink. */
static void
log_sink(void *userdata, int level, int errnum, const char *msg)
{
        struct cli_log *log = userdata;

        (void) errnum; /* already in msg: the library appends its strerror */
        if (level > log->max_level)
                return;
        if (!log->is_stderr)
                fprintf(stderr, "ocirt: %s: %s\n", level_name(level), msg);
        log_to_file(log, level, msg);
}

static void
print_error(struct cli_log *log, const ocirt_error *e)
{
        const char *where = ocirt_error_where(e), *msg = ocirt_error_message(e), *hint = ocirt_error_hint(e);
        _cleanup_free_ char *line = NULL;

        if (!msg)
                msg = "unknown error";
        if (log->is_stderr)
                ; /* the JSON line below is the whole report */
        else if (where)
                fprintf(stderr, "ocirt: %s: %s\n", where, msg);
        else
                fprintf(stderr, "ocirt: %s\n", msg);
        if (hint && !log->is_stderr)
                fprintf(stderr, "ocirt: hint: %s\n", hint);

        /* podman reads the --log file with a single json.Unmarshal and containerd keeps the last
         * "error" line, so the error is exactly one line, without the hint. On failure it is the
         * only line this command leaves: the warnings it wrote before are taken back, as long as
         * nobody else appended to the file meanwhile (they went to stderr too). */
        if (asprintf(&line, "%s%s%s", where ? where : "", where ? ": " : "", msg) < 0)
                abort();
        if (log->fd >= 0 && !log->is_stderr && log->json && log->written > 0) {
                struct stat st;
                if (fstat(log->fd, &st) == 0 && st.st_size == log->start + log->written &&
                    ftruncate(log->fd, log->start) == 0)
                        log->written = 0;
        }
        log_to_file(log, OCIRT_LOG_ERROR, line);
}

static void
print_help(void)
{
        printf("Usage: ocirt [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
               "A rootless-first OCI container runtime.\n\nCommands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                printf("  %-10s %s\n", commands[i].help->name, commands[i].help->summary);
        printf("\nGlobal options:\n"
               "      --root DIR                 state directory (default: /run/ocirt as root, else\n"
               "                                 $XDG_RUNTIME_DIR/ocirt, /run/user/UID/ocirt or /tmp/ocirt-UID)\n"
               "      --log FILE                 also append log messages to FILE (also 'file:FILE')\n"
               "      --log-format text|json     format of the --log lines (default: text)\n"
               "      --log-level LEVEL          error, warning, info or debug (default: warning)\n"
               "      --debug                    the same as --log-level debug\n"
               "      --systemd-cgroup           the same as --cgroup-manager systemd\n"
               "      --cgroup-manager MANAGER   cgroupfs, systemd or disabled (default: chosen automatically)\n"
               "      --rootless[=true|false|auto]  run as an unprivileged user (default: auto, by uid)\n"
               "  -v, --version                  print the version and exit\n"
               "  -h, --help                     show this help\n\n"
               "Run 'ocirt COMMAND --help' for the options of a command.\n");
}

static void
print_version(void)
{
        printf("ocirt version %s\nspec: %s\n%s\n", ocirt_version(), ocirt_spec_version(), FEATURES);
}

/* "commands: spec, create, ...", for the hint when the command is missing or unknown. */
static char *
command_list(void)
{
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);

        if (!f)
                abort();
        fputs("commands: ", f);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "%s%s", i ? ", " : "", commands[i].help->name);
        fputs("; see 'ocirt --help'", f);
        if (fclose(f) != 0)
                abort();
        return s;
}

static int
parse_log_path(const char *s, ocirt_error **err)
{
        /* crun's syntax: "file:PATH", "journald:ID" and "syslog:ID". Only a file is supported;
         * a plain path may contain ':' itself, so only these prefixes are special. */
        if (strncmp(s, "file:", 5) == 0)
                s += 5;
        else if (strncmp(s, "journald:", 9) == 0 || strncmp(s, "syslog:", 7) == 0)
                return ocirt_error_new(err, ENOTSUP, "--log", "give a file path", "'%.*s' logging is not supported",
                                       (int) strcspn(s, ":"), s);
        if (!*s)
                return ocirt_error_new(err, EINVAL, "--log", "give a file path", "empty log file name");
        arg_log = s;
        return 0;
}

static int
parse_rootless(const char *s, ocirt_error **err)
{
        if (!s || strcmp(s, "true") == 0)
                arg_rootless = 1;
        else if (strcmp(s, "false") == 0)
                arg_rootless = 0;
        else if (strcmp(s, "auto") == 0)
                arg_rootless = -1;
        else
                return ocirt_error_new(err, EINVAL, "--rootless", "use true, false or auto", "unknown value '%s'",
                                       s);
        return 0;
}

/* Returns 0 to go on with the command, 1 when --help or --version was handled, or -errno. */
static int
parse_globals(int argc, char **argv, ocirt_error **err)
{
        int c, r;

        /* '+': the global options end at the command name; what follows is the command's. */
        while ((c = cli_getopt(argc, argv, "+vh", options, NULL, err)) != -1) {
                switch (c) {
                case OPT_ROOT:
                        arg_root = optarg;
                        break;
                case OPT_LOG:
                        r = parse_log_path(optarg, err);
                        if (r < 0)
                                return r;
                        break;
                case OPT_LOG_FORMAT:
                        if (strcmp(optarg, "json") == 0)
                                arg_log_json = true;
                        else if (strcmp(optarg, "text") == 0)
                                arg_log_json = false;
                        else
                                return ocirt_error_new(err, EINVAL, "--log-format", "use 'text' or 'json'",
                                                       "unknown format '%s'", optarg);
                        break;
                case OPT_LOG_LEVEL:
                        /* "warn" is how logrus, and so runc's users, spell it. */
                        if (strcmp(optarg, "error") == 0)
                                arg_log_level = OCIRT_LOG_ERROR;
                        else if (strcmp(optarg, "warning") == 0 || strcmp(optarg, "warn") == 0)
                                arg_log_level = OCIRT_LOG_WARNING;
                        else if (strcmp(optarg, "info") == 0)
                                arg_log_level = OCIRT_LOG_INFO;
                        else if (strcmp(optarg, "debug") == 0)
                                arg_log_level = OCIRT_LOG_DEBUG;
                        else
                                return ocirt_error_new(err, EINVAL, "--log-level",
                                                       "use error, warning, info or debug", "unknown level '%s'",
                                                       optarg);
                        break;
                case OPT_DEBUG:
                        arg_debug = true;
                        break;
                case OPT_SYSTEMD_CGROUP:
                        arg_cgroup_manager = OCIRT_CGROUP_SYSTEMD;
                        break;
                case OPT_CGROUP_MANAGER:
                        if (strcmp(optarg, "cgroupfs") == 0)
                                arg_cgroup_manager = OCIRT_CGROUP_CGROUPFS;
                        else if (strcmp(optarg, "systemd") == 0)
                                arg_cgroup_manager = OCIRT_CGROUP_SYSTEMD;
                        else if (strcmp(optarg, "disabled") == 0)
                                arg_cgroup_manager = OCIRT_CGROUP_DISABLED;
                        else
                                return ocirt_error_new(err, EINVAL, "--cgroup-manager",
                                                       "use cgroupfs, systemd or disabled", "unknown manager '%s'",
                                                       optarg);
                        break;
                case OPT_ROOTLESS:
                        /* The value is optional, so getopt only sees "--rootless=VALUE"; also take
                         * "--rootless VALUE", which a command name can never be confused with. */
                        if (!optarg && optind < argc &&
                            (strcmp(argv[optind], "true") == 0 || strcmp(argv[optind], "false") == 0 ||
                             strcmp(argv[optind], "auto") == 0))
                                optarg = argv[optind++];
                        r = parse_rootless(optarg, err);
                        if (r < 0)
                                return r;
                        break;
                case 'v':
                        print_version();
                        return 1;
                case 'h':
                        print_help();
                        return 1;
                default:
                        return c;
                }
        }
        return 0;
}

static int
open_log(struct cli_log *log)
{
        log->json = arg_log_json;
        log->max_level = arg_debug ? OCIRT_LOG_DEBUG : arg_log_level;
        if (!arg_log) {
                /* runc's logger writes to stderr without --log, in the format asked for: a program
                 * that asks for JSON gets only JSON lines there. */
                if (log->json) {
                        log->fd = STDERR_FILENO;
                        log->is_stderr = true;
                }
                return 0;
        }
        /* 0644 and append, as runc leaves its log: the shim and podman read it as another user
         * may, and several runtime calls add to the same file. */
        log->fd = open(arg_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (log->fd < 0)
                return -errno;
        {
                struct stat st;
                log->start = fstat(log->fd, &st) == 0 ? st.st_size : 0;
        }
        return 0;
}

static int
run_command(struct cli_log *log, int argc, char **argv, ocirt_error **err)
{
        _cleanup_free_ char *hint = NULL;
        const struct command *cmd = NULL;
        ocirt_ctx *ctx = NULL;
        int r;

        if (optind >= argc) {
                hint = command_list();
                return ocirt_error_new(err, EINVAL, NULL, hint, "no command given");
        }
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (strcmp(argv[optind], commands[i].help->name) == 0)
                        cmd = &commands[i];
        if (!cmd) {
                hint = command_list();
                return ocirt_error_new(err, EINVAL, NULL, hint, "unknown command '%s'", argv[optind]);
        }

        r = ocirt_ctx_new(&ctx, err);
        if (r < 0)
                return r;
        ocirt_ctx_set_log(ctx, log_sink, log, log->max_level);
        /* The library may re-execute ocirt from a sealed copy when a container could reach its binary
         * (CVE-2019-5736, see exe.c). */
        ocirt_ctx_set_self_reexec(ctx, argv);
        if (arg_root)
                r = ocirt_ctx_set_root(ctx, arg_root, err);
        if (r >= 0) {
                if (arg_cgroup_manager >= 0)
                        ocirt_ctx_set_cgroup_manager(ctx, arg_cgroup_manager);
                if (arg_rootless != -2)
                        ocirt_ctx_set_rootless(ctx, arg_rootless);
                r = cmd->fn(ctx, argc - optind, argv + optind, err);
        }
        ctx = ocirt_ctx_free(ctx);
        return r;
}

int
main(int argc, char **argv)
{
        struct cli_log log = { .fd = -1, .max_level = OCIRT_LOG_WARNING };
        ocirt_error *err = NULL;
        int r;

        r = parse_globals(argc, argv, &err);
        if (r < 0) {
                /* Open the log even after a bad global flag: the caller looks for the error there. */
                (void) open_log(&log);
        } else if (r == 0) {
                r = open_log(&log);
                if (r < 0)
                        r = ocirt_error_new(&err, -r, "--log", NULL, "cannot open '%s': %s", arg_log,
                                            strerror(-r));
                else
                        r = run_command(&log, argc, argv, &err);
        } else {
                r = 0; /* --help or --version was printed */
        }
        if (r >= 0 && cli_flush_stdout(&err) < 0)
                r = -EIO;

        if (r < 0) {
                print_error(&log, err);
                r = cli_failure_status;
        }
        err = ocirt_error_free(err);
        if (log.fd >= 0 && !log.is_stderr)
                (void) close(log.fd);
        return r;
}
