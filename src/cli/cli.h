/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h: what the `ocirt` command files share: the command prototypes, the command help
 * records and the small parsing/printing helpers of cli-util.c.
 *
 * The CLI is a user of the public API only, so nothing here may come from a libocirt header
 * other than ocirt.h; the few cleanup helpers the command files need are defined here. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ocirt.h"

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void
cli_freep(void *p)
{
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(cli_freep)

/* ---- commands ---- */

/* The --help text of one command. `options` is preformatted, one option a line. */
struct cli_help {
        const char *name;    /* "kill" */
        const char *usage;   /* the arguments after the options: "ID [SIGNAL]", or "" */
        const char *summary; /* one line, also shown by `ocirt --help` */
        const char *options; /* NULL when the command has only --help */
        const char *notes;   /* NULL, or text printed after the options */
};

/* Every command returns >= 0 on success (`run`: the exit status to use) or -errno with *err set.
 * Commands never print errors: main.c does, once. */
typedef int (*cli_command_fn)(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);

int cmd_spec(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_create(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_start(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_run(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_state(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_list(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_kill(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_delete(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_exec(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_features(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_update(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_pause(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_mounts(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_resume(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_ps(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_events(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_check(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_checkpoint(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);
int cmd_restore(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err);

extern const struct cli_help cmd_spec_help, cmd_create_help, cmd_start_help, cmd_run_help, cmd_state_help,
        cmd_list_help, cmd_kill_help, cmd_delete_help, cmd_exec_help, cmd_features_help, cmd_update_help, cmd_pause_help, cmd_mounts_help, cmd_resume_help, cmd_ps_help, cmd_events_help, cmd_check_help,
        cmd_checkpoint_help, cmd_restore_help;


/* ---- option parsing (cli-util.c) ---- */

/* getopt_long over a command's argv (argv[0] is the command name). Returns the option character,
 * -1 at the end of the options, or -EINVAL with *err naming the unknown flag or the flag that
 * lacks its value. Resets getopt on the first call for a given argv, so each command starts
 * clean after main.c's own parsing. The short option string must not start with ':' or '+';
 * the helper adds what it needs. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const struct cli_help *help, ocirt_error **err);

/* Print a command's --help to stdout. */
void cli_help_print(const struct cli_help *help);

/* Check the number of positional arguments left after the options (argv[optind..]). */
int cli_check_args(int argc, char **argv, int min, int max, const struct cli_help *help, ocirt_error **err);

/* The one positional ID argument, validated with ocirt_id_validate(). */
int cli_get_id(int argc, char **argv, const struct cli_help *help, const char **ret_id, ocirt_error **err);

/* Strict non-negative decimal number: no sign, no spaces, no trailing garbage, <= max. Errors
 * name `flag`. */
int cli_parse_uint(const char *flag, const char *s, int max, int *ret, ocirt_error **err);

/* A signal as a number (0 included: the existence probe), NAME or SIGNAME (case-insensitive),
 * RTMIN+N or RTMAX-N.
 * Returns 0 and sets *ret_signo, or -EINVAL. Does not set an error: the caller knows where. */
int cli_parse_signal(const char *s, int *ret_signo);

/* The exit status main.c uses when a command fails: 1, or what the command set (exec: 255, as
 * runc, so that a caller tells a failed exec from a process that exited 1). */
extern int cli_failure_status;

/* systemd socket activation, as crun does it: the N of LISTEN_FDS=N in the runtime's environment
 * (0 when unset or not a number), the fds 3 .. 3+N-1 to pass to the container on top of
 * --preserve-fds. The library sets the container's LISTEN_FDS and LISTEN_PID. */
int cli_listen_fds(void);

/* ---- printing (cli-util.c) ---- */

/* Write `s` to f as a quoted JSON string; NULL is written as null. Control characters are
 * escaped and invalid UTF-8 bytes become U+FFFD, so the output always parses. */
void cli_json_string(FILE *f, const char *s);

/* The current time as RFC 3339 in UTC with microseconds: 2026-11-28T05:31:37.123456Z. */
#define CLI_TIME_MAX sizeof("YYYY-MM-DDTHH:MM:SS.uuuuuuZ")
void cli_time_now(char buf[static CLI_TIME_MAX]);

/* Print rows of `ncols` cells aligned in columns, the way runc's tabwriter does (minimum width
 * 12, at least 3 spaces between columns, the last column not padded). `cells` is row-major and
 * includes the header row; NULL cells print as empty. */
void cli_table_print(FILE *f, const char *const *cells, size_t nrows, size_t ncols);

/* Flush stdout, turning a failed write (a closed pipe, a full disk) into an error. */
int cli_flush_stdout(ocirt_error **err);

/* The whole of file `path` ("-": stdin); `what` (a flag or argument name) names it in errors. */
int cli_read_file(const char *what, const char *path, char **ret, ocirt_error **err);

/* ---- the options `create` and `run` share, as conmon and containerd's shim pass them ---- */

enum {
        CLI_OPT_PID_FILE = 0x100, /* long-only options: values outside any short option character */
        CLI_OPT_CONSOLE_SOCKET,
        CLI_OPT_PRESERVE_FDS,
        CLI_OPT_NO_PIVOT,
        CLI_OPT_NO_NEW_KEYRING,
        CLI_OPT_NETWORK, /* the rootless helpers (issue 5) */
        CLI_OPT_ALLOW_HOST_LOOPBACK,
        CLI_OPT_OVERLAY,
        CLI_OPT_OVERLAY_LAYER,
        CLI_OPT_OVERLAY_KEEP,
        CLI_OPT_IMAGE_PATH, /* checkpoint and restore (cmd-checkpoint.c) */
        CLI_OPT_WORK_PATH,
        CLI_OPT_TCP_ESTABLISHED,
        CLI_OPT_EXT_UNIX_SK,
        CLI_OPT_SHELL_JOB,
        CLI_OPT_FILE_LOCKS,
        CLI_OPT_AUTO_DEDUP,
        CLI_OPT_LAZY_PAGES,
        CLI_OPT_MANAGE_CGROUPS_MODE,
        CLI_OPT_EMPTY_NS,
        CLI_OPT_REFUSED_LSM_PROFILE, /* runc's, refused with the reason (cli_criu_option) */
        CLI_OPT_REFUSED_LSM_MOUNT_CONTEXT,
};

#define CLI_CREATE_LONG_OPTIONS                                                  \
        { "bundle", required_argument, NULL, 'b' },                              \
        { "pid-file", required_argument, NULL, CLI_OPT_PID_FILE },               \
        { "console-socket", required_argument, NULL, CLI_OPT_CONSOLE_SOCKET },   \
        { "preserve-fds", required_argument, NULL, CLI_OPT_PRESERVE_FDS },       \
        { "no-pivot", no_argument, NULL, CLI_OPT_NO_PIVOT },                     \
        { "no-new-keyring", no_argument, NULL, CLI_OPT_NO_NEW_KEYRING },         \
        { "network", required_argument, NULL, CLI_OPT_NETWORK },                 \
        { "publish", required_argument, NULL, 'p' },                             \
        { "allow-host-loopback", no_argument, NULL, CLI_OPT_ALLOW_HOST_LOOPBACK }, \
        { "overlay", optional_argument, NULL, CLI_OPT_OVERLAY },                 \
        { "overlay-layer", required_argument, NULL, CLI_OPT_OVERLAY_LAYER },     \
        { "overlay-keep", required_argument, NULL, CLI_OPT_OVERLAY_KEEP },            \
        { "config", required_argument, NULL, 'f' }

#define CLI_CREATE_OPTIONS_HELP                                                                   \
        "  -b, --bundle DIR           the bundle directory (default: the current directory)\n"    \
        "  -f, --config FILE          the config to use (default: BUNDLE/config.json)\n"          \
        "      --pid-file FILE        write the container process's pid to FILE\n"                \
        "      --console-socket SOCK  send the terminal's master fd to the AF_UNIX socket SOCK\n" \
        "      --preserve-fds N       pass N more fds (3 .. 3+N-1) to the container\n"           \
        "      --no-pivot             use chroot instead of pivot_root (rootfs on a ramfs)\n"     \
        "      --no-new-keyring       keep the caller's session keyring\n"                       \
        "      --network MODE         slirp4netns (user-mode network), none (only lo) or host\n" \
        "  -p, --publish [IP:]HOST:CTR[/tcp|/udp]  forward a host port (slirp4netns)\n"        \
        "      --allow-host-loopback  slirp4netns: the host's 127.0.0.1 answers at 10.0.2.2\n"   \
        "      --overlay[=fuse|kernel] a copy-on-write rootfs over root.path (default: fuse)\n"  \
        "      --overlay-layer DIR    a further read-only layer above root.path (repeatable)\n" \
        "      --overlay-keep DIR     keep the overlay's upper/work in DIR instead of the state\n"

/* Apply one of the shared options to opts. Returns 1 when c was one of them, 0 when it was not,
 * or -errno with *err set for a bad value. */
int cli_create_option(int c, const char *arg, ocirt_create_options *opts, ocirt_error **err);

/* ---- the options `checkpoint` and `restore` share, as runc names them ---- */

#define CLI_CRIU_LONG_OPTIONS                                                              \
        { "image-path", required_argument, NULL, CLI_OPT_IMAGE_PATH },                     \
        { "work-path", required_argument, NULL, CLI_OPT_WORK_PATH },                       \
        { "tcp-established", no_argument, NULL, CLI_OPT_TCP_ESTABLISHED },                 \
        { "ext-unix-sk", no_argument, NULL, CLI_OPT_EXT_UNIX_SK },                         \
        { "shell-job", no_argument, NULL, CLI_OPT_SHELL_JOB },                             \
        { "file-locks", no_argument, NULL, CLI_OPT_FILE_LOCKS },                           \
        { "auto-dedup", no_argument, NULL, CLI_OPT_AUTO_DEDUP },                           \
        { "lazy-pages", no_argument, NULL, CLI_OPT_LAZY_PAGES },                           \
        { "manage-cgroups-mode", required_argument, NULL, CLI_OPT_MANAGE_CGROUPS_MODE },   \
        { "empty-ns", required_argument, NULL, CLI_OPT_EMPTY_NS }

#define CLI_CRIU_OPTIONS_HELP                                                                            \
        "      --image-path DIR       where the images are (default: ./checkpoint)\n"                     \
        "      --work-path DIR        where CRIU's log goes (default: the image path)\n"                  \
        "      --tcp-established      established TCP connections too\n"                                  \
        "      --ext-unix-sk          external unix sockets too\n"                                        \
        "      --shell-job            the process is a shell job (its session and terminal are outside)\n" \
        "      --file-locks           file locks too\n"                                                   \
        "      --auto-dedup           free the parent images' pages that this dump repeats\n"             \
        "      --lazy-pages           memory on demand: checkpoint serves it (--page-server), restore\n"  \
        "                             gets it from a 'criu lazy-pages' daemon (see the man page)\n"       \
        "      --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n"                      \
        "      --empty-ns TYPE        leave this namespace empty at restore (only 'network')\n"

/* Apply one of the shared options to o (its --empty-ns list is kept in the CLI's own storage).
 * Returns 1 when c was one of them, 0 when it was not, -errno with *err set for a bad value. */
int cli_criu_option(int c, const char *arg, ocirt_criu_options *o, ocirt_error **err);
