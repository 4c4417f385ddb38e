/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-list.c: `ocirt list [--format table|json] [--quiet]`: the containers under the state root,
 * as runc prints them (go-runc parses the JSON form). The library reads the states; this file
 * formats them. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cli.h"

const struct cli_help cmd_list_help = {
        .name = "list",
        .usage = "",
        .summary = "list the containers under the state root",
        .options = "  -f, --format table|json    output format (default: table)\n"
                   "  -q, --quiet                print only the container ids\n",
};

static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static bool arg_json;
static bool arg_quiet;

struct list {
        ocirt_state_info *items;
        size_t n;
};

static void
list_done(struct list *l)
{
        ocirt_state_info_free(l->items, l->n);
}

static int
compare_id(const void *a, const void *b)
{
        return strcmp(((const ocirt_state_info *) a)->id, ((const ocirt_state_info *) b)->id);
}

static void
print_table(const ocirt_state_info *items, size_t n)
{
        enum { NCOLS = 6 };
        static const char *const header[NCOLS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
        _cleanup_free_ const char **cells = calloc((n + 1) * NCOLS, sizeof *cells);
        _cleanup_free_ char *pids = calloc(n ? n : 1, 16);

        if (!cells || !pids)
                abort();
        memcpy(cells, header, sizeof header);
        for (size_t i = 0; i < n; i++) {
                const char **row = cells + (i + 1) * NCOLS;

                (void) snprintf(pids + i * 16, 16, "%d", (int) items[i].pid);
                row[0] = items[i].id;
                row[1] = pids + i * 16;
                row[2] = items[i].status;
                row[3] = items[i].bundle;
                row[4] = items[i].created;
                row[5] = items[i].owner;
        }
        cli_table_print(stdout, cells, n + 1, NCOLS);
}

static void
print_json(const ocirt_state_info *items, size_t n)
{
        /* runc prints "null" for no containers; "[]" is what every consumer handles. */
        fputc('[', stdout);
        for (size_t i = 0; i < n; i++) {
                /* runc's field order; go-runc decodes by name, people and diffs read the order. */
                fputs(i ? ",{\"ociVersion\":" : "{\"ociVersion\":", stdout);
                cli_json_string(stdout, items[i].oci_version);
                fputs(",\"id\":", stdout);
                cli_json_string(stdout, items[i].id);
                printf(",\"pid\":%d,\"status\":", (int) items[i].pid);
                cli_json_string(stdout, items[i].status);
                fputs(",\"bundle\":", stdout);
                cli_json_string(stdout, items[i].bundle);
                fputs(",\"rootfs\":", stdout);
                cli_json_string(stdout, items[i].rootfs);
                fputs(",\"created\":", stdout);
                cli_json_string(stdout, items[i].created);
                fputs(",\"owner\":", stdout);
                cli_json_string(stdout, items[i].owner);
                fputc('}', stdout);
        }
        fputs("]\n", stdout);
}

int
cmd_list(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        _cleanup_(list_done) struct list l = { NULL, 0 };
        int c, r;

        while ((c = cli_getopt(argc, argv, "f:qh", options, &cmd_list_help, err)) != -1) {
                switch (c) {
                case 'f':
                        if (strcmp(optarg, "json") == 0)
                                arg_json = true;
                        else if (strcmp(optarg, "table") == 0)
                                arg_json = false;
                        else
                                return ocirt_error_new(err, EINVAL, "--format", "use 'table' or 'json'",
                                                       "unknown format '%s'", optarg);
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case 'h':
                        cli_help_print(&cmd_list_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_check_args(argc, argv, 0, 0, &cmd_list_help, err);
        if (r < 0)
                return r;

        r = ocirt_container_list(ctx, &l.items, &l.n, err);
        if (r < 0)
                return r;
        /* The library lists in directory order; sorted output is stable for people and tests. */
        if (l.n > 1)
                qsort(l.items, l.n, sizeof *l.items, compare_id);

        if (arg_quiet) /* as in runc, --quiet wins over --format */
                for (size_t i = 0; i < l.n; i++)
                        puts(l.items[i].id);
        else if (arg_json)
                print_json(l.items, l.n);
        else
                print_table(l.items, l.n);
        return cli_flush_stdout(err);
}
