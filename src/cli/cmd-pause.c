/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-pause.c: `ocirt pause ID`: freeze every process of a container. */
#include "config.h"

#include <errno.h>

#include "cli.h"

const struct cli_help cmd_pause_help = {
        .name = "pause",
        .usage = "ID",
        .summary = "freeze every process of a container",
        .notes = "The container's status reads 'paused' until 'ocirt resume'. Uses the cgroup freezer (v1) or cgroup.freeze (v2).\n",
};

int
cmd_pause(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                               &cmd_pause_help, err)) != -1) {
                if (c == 'h') {
                        cli_help_print(&cmd_pause_help);
                        return 0;
                }
                return c;
        }
        r = cli_get_id(argc, argv, &cmd_pause_help, &id, err);
        if (r < 0)
                return r;
        return ocirt_container_pause(ctx, id, err);
}
