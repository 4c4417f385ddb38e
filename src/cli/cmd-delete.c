/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-delete.c: `ocirt delete [--force] ID`: remove a stopped container (with --force also a
 * running one, which the library kills first). Parses, then calls the library. */
#include "config.h"

#include "cli.h"

const struct cli_help cmd_delete_help = {
        .name = "delete",
        .usage = "ID",
        .summary = "delete a container and its state",
        .options = "  -f, --force                kill the container first if it is still running\n",
};

static const struct option options[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static bool arg_force;

int
cmd_delete(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "fh", options, &cmd_delete_help, err)) != -1) {
                switch (c) {
                case 'f':
                        arg_force = true;
                        break;
                case 'h':
                        cli_help_print(&cmd_delete_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_get_id(argc, argv, &cmd_delete_help, &id, err);
        if (r < 0)
                return r;
        return ocirt_container_delete(ctx, id, arg_force ? OCIRT_DELETE_FORCE : 0, err);
}
