/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-resume.c: `ocirt resume ID`: thaw a paused container. */
#include "config.h"

#include <errno.h>

#include "cli.h"

const struct cli_help cmd_resume_help = {
        .name = "resume",
        .usage = "ID",
        .summary = "thaw a paused container",
        .notes = "Undoes 'ocirt pause'.\n",
};

int
cmd_resume(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                               &cmd_resume_help, err)) != -1) {
                if (c == 'h') {
                        cli_help_print(&cmd_resume_help);
                        return 0;
                }
                return c;
        }
        r = cli_get_id(argc, argv, &cmd_resume_help, &id, err);
        if (r < 0)
                return r;
        return ocirt_container_resume(ctx, id, err);
}
