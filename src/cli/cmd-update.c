/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-update.c: `ocirt update`. Placeholder until issue 6 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_update_help = {
        .name = "update",
        .usage = "ID",
        .summary = "change a container's resource limits",
};

int
cmd_update(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_update_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "update", NULL, "'ocirt update' is not implemented yet");
}
