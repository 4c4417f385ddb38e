/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-features.c: `ocirt features`. Placeholder until issue 7 implements it. */
#include <errno.h>

#include "cli.h"

const struct cli_help cmd_features_help = {
        .name = "features",
        .usage = "",
        .summary = "print the features document of this runtime",
};

int
cmd_features(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        int r = cli_getopt(argc, argv, "", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                           &cmd_features_help, err);
        if (r < 0)
                return r;
        return ocirt_error_new(err, ENOTSUP, "features", NULL, "'ocirt features' is not implemented yet");
}
