/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-resume.c: `ocirt resume`. Placeholder until issue 6 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_resume_help = {
        .name = "resume",
        .usage = "ID",
        .summary = "thaw a paused container",
};

int
cmd_resume(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_resume_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "resume", NULL, "'ocirt resume' is not implemented yet");
}
