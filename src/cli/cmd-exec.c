/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-exec.c: `ocirt exec`. Placeholder until issue 7 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_exec_help = {
        .name = "exec",
        .usage = "ID [COMMAND [ARG...]]",
        .summary = "run a new process in a running container",
};

int
cmd_exec(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_exec_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "exec", NULL, "'ocirt exec' is not implemented yet");
}
