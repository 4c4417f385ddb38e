/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-events.c: `ocirt events`. Placeholder until issue 6 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_events_help = {
        .name = "events",
        .usage = "ID",
        .summary = "print events and statistics of a container",
};

int
cmd_events(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_events_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "events", NULL, "'ocirt events' is not implemented yet");
}
