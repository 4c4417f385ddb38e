/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-check.c: `ocirt check [--format text|json]`: print the library's rootless preflight
 * (ocirt_check) as text or JSON. Exit status 1 when a finding is a failure. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cli.h"

enum {
        OPT_FORMAT = 0x100,
};

const struct cli_help cmd_check_help = {
        .name = "check",
        .usage = "",
        .summary = "check this host for running rootless containers, with the commands that fix it",
        .options = "      --format text|json     output format (default: text)\n"
                   "  -q, --quiet                print only what is not ok\n",
        .notes = "Exit status: 0 when nothing failed (warnings allowed), 1 when something must be fixed.\n",
};

static const struct option options[] = {
        { "format", required_argument, NULL, OPT_FORMAT },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static bool arg_json, arg_quiet;

int
cmd_check(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        ocirt_check_finding *list = NULL;
        size_t n = 0;
        int c, r, fails;

        while ((c = cli_getopt(argc, argv, "qh", options, &cmd_check_help, err)) != -1) {
                switch (c) {
                case OPT_FORMAT:
                        if (strcmp(optarg, "json") == 0)
                                arg_json = true;
                        else if (strcmp(optarg, "text") == 0)
                                arg_json = false;
                        else
                                return ocirt_error_new(err, EINVAL, "--format", "use text or json", "unknown format '%s'",
                                                       optarg);
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case 'h':
                        cli_help_print(&cmd_check_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_check_args(argc, argv, 0, 0, &cmd_check_help, err);
        if (r < 0)
                return r;
        fails = ocirt_check(ctx, &list, &n, err);
        if (fails < 0)
                return fails;

        if (arg_json) {
                printf("{\"ok\": %s, \"failures\": %d, \"findings\": [", fails == 0 ? "true" : "false", fails);
                for (size_t i = 0; i < n; i++) {
                        printf("%s\n  {\"id\": ", i ? "," : "");
                        cli_json_string(stdout, list[i].id);
                        printf(", \"level\": \"%s\", \"summary\": ", ocirt_check_level_name(list[i].level));
                        cli_json_string(stdout, list[i].summary);
                        printf(", \"fix\": ");
                        cli_json_string(stdout, list[i].fix);
                        printf("}");
                }
                printf("\n]}\n");
        } else {
                for (size_t i = 0; i < n; i++) {
                        if (arg_quiet && list[i].level == OCIRT_CHECK_OK)
                                continue;
                        printf("%-7s %-16s %s\n", ocirt_check_level_name(list[i].level), list[i].id, list[i].summary);
                        if (list[i].fix)
                                printf("        %-16s fix: %s\n", "", list[i].fix);
                }
                printf("%s\n", fails == 0 ? "rootless containers can run here"
                                          : "rootless containers need the fixes above");
        }
        ocirt_check_free(list, n);
        return fails > 0 ? 1 : 0;
}
