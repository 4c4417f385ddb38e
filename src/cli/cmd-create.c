/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-create.c: `ocirt create [OPTIONS] ID`: set the container up and leave its init waiting for
 * `ocirt start`. This is the call conmon and containerd's shim make, with --bundle, --pid-file and
 * usually --console-socket; the flags shared with `run` are parsed in cli-util.c. */
#include "config.h"

#include "cli.h"

const struct cli_help cmd_create_help = {
        .name = "create",
        .usage = "ID",
        .summary = "create a container from a bundle, ready for 'ocirt start'",
        .options = CLI_CREATE_OPTIONS_HELP,
        .notes = "With LISTEN_FDS=N in the environment (systemd socket activation), fds 3 .. 3+N-1 are\n"
                 "passed too, and the container process gets LISTEN_FDS=N and LISTEN_PID=its own pid.\n",
};

static const struct option options[] = {
        CLI_CREATE_LONG_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static ocirt_create_options arg_opts;

int
cmd_create(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "b:f:hp:", options, &cmd_create_help, err)) != -1) {
                switch (c) {
                case 'h':
                        cli_help_print(&cmd_create_help);
                        return 0;
                default:
                        if (c < 0)
                                return c;
                        /* Every other option getopt lets through is one of the shared ones. */
                        r = cli_create_option(c, optarg, &arg_opts, err);
                        if (r < 0)
                                return r;
                }
        }
        r = cli_get_id(argc, argv, &cmd_create_help, &id, err);
        if (r < 0)
                return r;
        arg_opts.preserve_fds += cli_listen_fds();
        return ocirt_container_create(ctx, id, &arg_opts, err);
}
