/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-restore.c: `ocirt restore [OPTIONS] ID`: a container from CRIU images, with runc's flags.
 * Without --detach it waits for the container like `run` and exits with its status. */
#include "config.h"

#include <errno.h>

#include "cli.h"

enum {
        OPT_DETACH = 'd',
        OPT_NO_SUBREAPER = 0x300, /* above cli.h's shared values */
};

const struct cli_help cmd_restore_help = {
        .name = "restore",
        .usage = "ID",
        .summary = "restore a container from a CRIU checkpoint",
        .options = CLI_CRIU_OPTIONS_HELP
                "  -b, --bundle DIR           the bundle directory (default: the current directory)\n"
                "  -d, --detach               return once the container runs\n"
                "      --pid-file FILE        write the restored process's pid to FILE\n"
                "      --console-socket SOCK  send the new terminal's master fd to the AF_UNIX socket SOCK\n"
                "      --no-subreaper         accepted for runc's CLI (ocirt sets no subreaper)\n"
                "      --no-pivot             accepted for runc's CLI (CRIU enters the root itself)\n",
        .notes = "Needs criu (Debian: apt-get install criu). The bundle may be another directory than the\n"
                 "checkpointed one: its bind mount sources are used. On failure nothing is left but CRIU's\n"
                 "log (WORK-PATH/restore.log), which the error names.\n",
};

static const struct option options[] = {
        CLI_CRIU_LONG_OPTIONS,
        { "bundle", required_argument, NULL, 'b' },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "pid-file", required_argument, NULL, CLI_OPT_PID_FILE },
        { "console-socket", required_argument, NULL, CLI_OPT_CONSOLE_SOCKET },
        { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
        { "no-pivot", no_argument, NULL, CLI_OPT_NO_PIVOT },
        { "lsm-profile", required_argument, NULL, CLI_OPT_REFUSED_LSM_PROFILE },
        { "lsm-mount-context", required_argument, NULL, CLI_OPT_REFUSED_LSM_MOUNT_CONTEXT },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

int
cmd_restore(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        ocirt_restore_options o = { 0 };
        const char *id;
        int c, r, status = 0;

        while ((c = cli_getopt(argc, argv, "b:dh", options, &cmd_restore_help, err)) != -1) {
                switch (c) {
                case 'h':
                        cli_help_print(&cmd_restore_help);
                        return 0;
                case 'b':
                        o.bundle = optarg;
                        break;
                case OPT_DETACH:
                        o.criu.flags |= OCIRT_RESTORE_DETACH;
                        break;
                case CLI_OPT_PID_FILE:
                        o.pid_file = optarg;
                        break;
                case CLI_OPT_CONSOLE_SOCKET:
                        o.console_socket = optarg;
                        break;
                case OPT_NO_SUBREAPER:
                        o.criu.flags |= OCIRT_RESTORE_NO_SUBREAPER;
                        break;
                case CLI_OPT_NO_PIVOT:
                        o.criu.flags |= OCIRT_RESTORE_NO_PIVOT;
                        break;
                default:
                        if (c < 0)
                                return c;
                        r = cli_criu_option(c, optarg, &o.criu, err);
                        if (r < 0)
                                return r;
                }
        }
        r = cli_get_id(argc, argv, &cmd_restore_help, &id, err);
        if (r < 0)
                return r;
        r = ocirt_container_restore(ctx, id, &o, &status, err);
        if (r < 0)
                return r;
        return o.criu.flags & OCIRT_RESTORE_DETACH ? 0 : status;
}
