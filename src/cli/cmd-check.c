/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-check.c: `ocirt check`. Placeholder until issue 5 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_check_help = {
        .name = "check",
        .usage = "",
        .summary = "check this host for running rootless containers",
};

int
cmd_check(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_check_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "check", NULL, "'ocirt check' is not implemented yet");
}
