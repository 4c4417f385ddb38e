/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-mounts.c: `ocirt mounts add|remove ID FILE`: change the mounts of an existing container
 * (crun's `mounts` command). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cli.h"

const struct cli_help cmd_mounts_help = {
        .name = "mounts",
        .usage = "add|remove ID FILE",
        .summary = "add mounts to, or remove them from, a created or running container",
        .notes = "FILE ('-': stdin) holds mount objects as in config.json: a JSON array, or an object with a\n"
                 "\"mounts\" array. add makes them in order inside the container's mount namespace, each\n"
                 "destination resolved inside its root; remove detaches the mount at each destination.\n"
                 "Root only. cgroup and idmapped mounts can only be given at create.\n",
};

int
cmd_mounts(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL;
        const char *verb;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", (const struct option[]){ { "help", no_argument, NULL, 'h' }, { 0 } },
                               &cmd_mounts_help, err)) != -1) {
                if (c == 'h') {
                        cli_help_print(&cmd_mounts_help);
                        return 0;
                }
                return c;
        }
        r = cli_check_args(argc, argv, 3, 3, &cmd_mounts_help, err);
        if (r < 0)
                return r;
        verb = argv[optind];
        if (strcmp(verb, "add") != 0 && strcmp(verb, "remove") != 0)
                return ocirt_error_new(err, EINVAL, "mounts", "use 'ocirt mounts add ID FILE' or 'ocirt mounts remove ID FILE'",
                                       "unknown action '%s'", verb);
        r = cli_read_file("FILE", argv[optind + 2], &json, err);
        if (r < 0)
                return r;
        if (strcmp(verb, "add") == 0)
                return ocirt_container_mounts_add(ctx, argv[optind + 1], json, err);
        return ocirt_container_mounts_remove(ctx, argv[optind + 1], json, err);
}
