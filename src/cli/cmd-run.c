/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-run.c: `ocirt run [OPTIONS] ID`: create and start a container, then (unless --detach)
 * wait for it and exit with its status. Signal forwarding and the terminal relay belong to
 * the library's run; this file only parses. */
#include "config.h"

#include "cli.h"

enum {
        OPT_KEEP = 0x200, /* above cli.h's shared CLI_OPT_* values */
};

const struct cli_help cmd_run_help = {
        .name = "run",
        .usage = "ID",
        .summary = "create and start a container, and wait for it unless detached",
        .options = CLI_CREATE_OPTIONS_HELP
                "  -d, --detach               return once the container process has started\n"
                "      --keep                 keep the container's state after it exits\n",
        .notes = "With LISTEN_FDS=N in the environment (systemd socket activation), fds 3 .. 3+N-1 are\n"
                 "passed too, and the container process gets LISTEN_FDS=N and LISTEN_PID=its own pid.\n",
};

static const struct option options[] = {
        CLI_CREATE_LONG_OPTIONS,
        { "detach", no_argument, NULL, 'd' },
        { "keep", no_argument, NULL, OPT_KEEP },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static ocirt_create_options arg_opts;

int
cmd_run(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id;
        int c, r, status = 0;

        while ((c = cli_getopt(argc, argv, "b:f:dhp:", options, &cmd_run_help, err)) != -1) {
                switch (c) {
                case 'd':
                        arg_opts.flags |= OCIRT_RUN_DETACH;
                        break;
                case OPT_KEEP:
                        arg_opts.flags |= OCIRT_RUN_KEEP;
                        break;
                case 'h':
                        cli_help_print(&cmd_run_help);
                        return 0;
                default:
                        if (c < 0)
                                return c;
                        r = cli_create_option(c, optarg, &arg_opts, err);
                        if (r < 0)
                                return r;
                }
        }
        r = cli_get_id(argc, argv, &cmd_run_help, &id, err);
        if (r < 0)
                return r;
        arg_opts.preserve_fds += cli_listen_fds();
        r = ocirt_container_run(ctx, id, &arg_opts, &status, err);
        if (r < 0)
                return r;
        return arg_opts.flags & OCIRT_RUN_DETACH ? 0 : status;
}
