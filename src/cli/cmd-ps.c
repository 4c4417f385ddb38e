/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-ps.c: `ocirt ps`. Placeholder until issue 6 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_ps_help = {
        .name = "ps",
        .usage = "ID",
        .summary = "list the processes of a container",
};

int
cmd_ps(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_ps_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "ps", NULL, "'ocirt ps' is not implemented yet");
}
