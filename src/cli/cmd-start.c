/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-start.c: `ocirt start ID`: run the user process of a created container. The library does
 * the work; this file only parses. */
#include "config.h"

#include "cli.h"

const struct cli_help cmd_start_help = {
        .name = "start",
        .usage = "ID",
        .summary = "start the user process of a created container",
};

static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

int
cmd_start(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", options, &cmd_start_help, err)) != -1) {
                switch (c) {
                case 'h':
                        cli_help_print(&cmd_start_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_get_id(argc, argv, &cmd_start_help, &id, err);
        if (r < 0)
                return r;
        return ocirt_container_start(ctx, id, err);
}
