/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-features.c: `ocirt features`: print the OCI features document (what this runtime supports),
 * which containerd's shim and CRI-O read at start-up. */
#include "config.h"

#include <errno.h>

#include "cli.h"

const struct cli_help cmd_features_help = {
        .name = "features",
        .usage = "",
        .summary = "print the features document of this runtime",
        .notes = "The document follows the OCI runtime spec's features-schema.json.\n",
};

int
cmd_features(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
        _cleanup_free_ char *json = NULL;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", options, &cmd_features_help, err)) != -1) {
                if (c == 'h') {
                        cli_help_print(&cmd_features_help);
                        return 0;
                }
                return c;
        }
        r = cli_check_args(argc, argv, 0, 0, &cmd_features_help, err);
        if (r < 0)
                return r;
        r = ocirt_features_json(ctx, &json, err);
        if (r < 0)
                return r;
        printf("%s\n", json);
        return 0;
}
