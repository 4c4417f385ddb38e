/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-exec.c: `ocirt exec [OPTIONS] ID [COMMAND [ARG...]]`: run a new process in a running
 * container. The flags are runc's (conmon, containerd's shim and CRI-O pass --process, --detach,
 * --pid-file, --console-socket, --preserve-fds, --tty); parsing of --user is strict and is the
 * library's. The options end at the ID: what follows is the command, flags included. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cli.h"

enum {
        OPT_CONSOLE_SOCKET = 0x200,
        OPT_PID_FILE,
        OPT_PRESERVE_FDS,
        OPT_NO_NEW_PRIVS,
        OPT_PROCESS_LABEL,
        OPT_APPARMOR,
        OPT_CGROUP,
        OPT_IGNORE_PAUSED,
};

const struct cli_help cmd_exec_help = {
        .name = "exec",
        .usage = "ID [COMMAND [ARG...]]",
        .summary = "run a new process in a running container",
        .options = "  -p, --process FILE         the process to run, as a process.json (replaces the flags below)\n"
                   "  -t, --tty                  give the process a terminal\n"
                   "      --console-socket SOCK  send the terminal's master fd to the AF_UNIX socket SOCK\n"
                   "  -d, --detach               return once the process runs\n"
                   "      --pid-file FILE        write the process's pid to FILE once it runs\n"
                   "      --cwd DIR              the working directory in the container\n"
                   "  -e, --env KEY=VALUE        set an environment variable (repeatable)\n"
                   "  -u, --user UID[:GID]       run as this uid (and gid), decimal numbers only\n"
                   "  -g, --additional-gids GID  add a supplementary group (repeatable)\n"
                   "  -c, --cap CAP              add a capability (repeatable)\n"
                   "      --no-new-privs         set no_new_privs for the process\n"
                   "      --preserve-fds N       pass N more fds (3 .. 3+N-1) to the process\n"
                   "      --process-label LABEL  the SELinux label of the process\n"
                   "      --apparmor PROFILE     the AppArmor profile of the process\n"
                   "      --cgroup PATH          the sub-cgroup of the container to run in\n",
        .notes = "Without --process the container's own process (config.json) is the base: its user, env,\n"
                 "capabilities and rlimits apply unless a flag changes them; its terminal does not: the\n"
                 "process has a terminal only with -t (with --process, as the file says). In the\n"
                 "foreground exec forwards signals and exits with the process's status (128+N when\n"
                 "killed by signal N); when exec itself fails, the status is 255.\n",
};

static const struct option options[] = {
        { "process", required_argument, NULL, 'p' },
        { "tty", no_argument, NULL, 't' },
        { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
        { "detach", no_argument, NULL, 'd' },
        { "pid-file", required_argument, NULL, OPT_PID_FILE },
        { "cwd", required_argument, NULL, 'w' },
        { "env", required_argument, NULL, 'e' },
        { "user", required_argument, NULL, 'u' },
        { "additional-gids", required_argument, NULL, 'g' },
        { "cap", required_argument, NULL, 'c' },
        { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
        { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
        { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
        { "apparmor", required_argument, NULL, OPT_APPARMOR },
        { "cgroup", required_argument, NULL, OPT_CGROUP },
        { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

/* NULL-terminated lists that grow per repeated flag; the arrays live until exit. */
static void
push(char ***v, size_t *n, char *s)
{
        char **nv = realloc(*v, (*n + 2) * sizeof **v);

        if (!nv)
                abort();
        nv[(*n)++] = s;
        nv[*n] = NULL;
        *v = nv;
}

int
cmd_exec(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        ocirt_exec_options o = { .tty = -1, .no_new_privs = -1 };
        char **env = NULL, **gids = NULL, **caps = NULL;
        size_t n_env = 0, n_gids = 0, n_caps = 0;
        const char *id;
        int c, r, status = 0;

        /* '+': the first non-option is the ID; everything after it belongs to the command. */
        while ((c = cli_getopt(argc, argv, "+p:tdw:e:u:g:c:h", options, &cmd_exec_help, err)) != -1) {
                switch (c) {
                case 'p':
                        o.process_path = optarg;
                        break;
                case 't':
                        o.tty = 1;
                        break;
                case OPT_CONSOLE_SOCKET:
                        o.console_socket = optarg;
                        break;
                case 'd':
                        o.flags |= OCIRT_EXEC_DETACH;
                        break;
                case OPT_PID_FILE:
                        o.pid_file = optarg;
                        break;
                case 'w':
                        o.cwd = optarg;
                        break;
                case 'e':
                        push(&env, &n_env, optarg);
                        break;
                case 'u':
                        o.user = optarg;
                        break;
                case 'g':
                        /* runc takes one gid per flag; a comma list is accepted too. */
                        for (char *save = NULL, *t = strtok_r(optarg, ",", &save); t; t = strtok_r(NULL, ",", &save))
                                push(&gids, &n_gids, t);
                        break;
                case 'c':
                        push(&caps, &n_caps, optarg);
                        break;
                case OPT_NO_NEW_PRIVS:
                        o.no_new_privs = 1;
                        break;
                case OPT_PRESERVE_FDS:
                        r = cli_parse_uint("--preserve-fds", optarg, 4096, &o.preserve_fds, err);
                        if (r < 0)
                                goto out;
                        break;
                case OPT_PROCESS_LABEL:
                        o.process_label = optarg;
                        break;
                case OPT_APPARMOR:
                        o.apparmor = optarg;
                        break;
                case OPT_CGROUP:
                        o.cgroup = optarg;
                        break;
                case OPT_IGNORE_PAUSED:
                        break; /* accepted for runc compatibility: exec in a paused container still fails */
                case 'h':
                        cli_help_print(&cmd_exec_help);
                        r = 0;
                        goto out;
                default:
                        r = c;
                        goto out;
                }
        }
        if (optind >= argc) {
                r = cli_check_args(argc, argv, 1, 1, &cmd_exec_help, err);
                goto out;
        }
        id = argv[optind];
        r = ocirt_id_validate(id, err);
        if (r < 0)
                goto out;
        if (o.process_path && optind + 1 < argc) {
                r = ocirt_error_new(err, EINVAL, "--process", "give either --process FILE or a command",
                                    "unexpected command '%s' with --process", argv[optind + 1]);
                goto out;
        }
        /* runc: a terminal only with -t, whatever process.terminal in config.json says (conmon and
         * the shims pass -t when they want one); with --process the file's own terminal applies. */
        if (!o.process_path && o.tty < 0)
                o.tty = 0;
        o.preserve_fds += cli_listen_fds();
        o.args = optind + 1 < argc ? argv + optind + 1 : NULL;
        o.env = env;
        o.additional_gids = gids;
        o.caps = caps;
        /* From here on a failure is the runtime's, not the process's: 255, as runc, so that a
         * caller tells it from a process that exited 1 (usage errors above stay 1, as in runc). */
        cli_failure_status = 255;
        r = ocirt_container_exec(ctx, id, &o, &status, err);
        if (r >= 0)
                r = (o.flags & OCIRT_EXEC_DETACH) ? 0 : status;
out:
        free(env);
        free(gids);
        free(caps);
        return r;
}
