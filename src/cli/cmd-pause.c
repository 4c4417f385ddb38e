/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-pause.c: `ocirt pause`. Placeholder until issue 6 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_pause_help = {
        .name = "pause",
        .usage = "ID",
        .summary = "freeze every process of a container",
};

int
cmd_pause(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_pause_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "pause", NULL, "'ocirt pause' is not implemented yet");
}
