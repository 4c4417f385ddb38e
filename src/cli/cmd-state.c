/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-state.c: `ocirt state ID`: print the container's state as JSON (the OCI state plus
 * rootfs, created and owner, which runc prints too and CRI-O reads on every status update). */
#include "config.h"

#include <string.h>

#include "cli.h"

const struct cli_help cmd_state_help = {
        .name = "state",
        .usage = "ID",
        .summary = "print the state of a container as JSON",
};

static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

int
cmd_state(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL;
        const char *id;
        size_t len;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", options, &cmd_state_help, err)) != -1) {
                switch (c) {
                case 'h':
                        cli_help_print(&cmd_state_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_get_id(argc, argv, &cmd_state_help, &id, err);
        if (r < 0)
                return r;
        r = ocirt_container_state(ctx, id, &json, err);
        if (r < 0)
                return r;

        len = strlen(json);
        fputs(json, stdout);
        if (len == 0 || json[len - 1] != '\n')
                fputc('\n', stdout);
        return cli_flush_stdout(err);
}
