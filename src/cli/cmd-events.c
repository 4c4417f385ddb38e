/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-events.c: `ocirt events [--stats] [--interval DURATION] ID`, as runc prints it: one JSON
 * object a line, {"type":"stats","id":ID,"data":{...}}; --stats prints one and exits, otherwise
 * one every interval (default 5 s) until the container stops, and {"type":"oom","id":ID} each time
 * the OOM killer kills a process of the container (its cgroup's counter, read every 200 ms). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const struct cli_help cmd_events_help = {
        .name = "events",
        .usage = "ID",
        .summary = "print resource usage statistics of a container",
        .options = "      --stats                print the statistics once and exit\n"
                   "      --interval DURATION    time between two statistics (default 5s; 500ms, 2s, 1m)\n",
};

#define OOM_TICK_MS 200L

static const struct option options[] = {
        { "stats", no_argument, NULL, 's' },
        { "interval", required_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

/* "5s", "500ms", "1m", "2" (seconds) as milliseconds. */
static int
parse_duration(const char *s, long *ret_ms)
{
        char *end;
        double v = strtod(s, &end);

        if (end == s || v < 0)
                return -EINVAL;
        if (*end == '\0' || strcmp(end, "s") == 0)
                v *= 1000;
        else if (strcmp(end, "m") == 0)
                v *= 60000;
        else if (strcmp(end, "ms") != 0)
                return -EINVAL;
        if (v < 1)
                return -EINVAL;
        *ret_ms = (long) v;
        return 0;
}

/* The OOM counter, or < 0 when it cannot be read (no memory controller, or the container went away
 * meanwhile: the next statistics then end the stream). Why it failed does not matter here, but the
 * library's error needs a place to go. */
static int
oom_kills(ocirt_ctx *ctx, const char *id, uint64_t *ret)
{
        ocirt_error *e = NULL;
        int r = ocirt_container_oom_kills(ctx, id, ret, &e);

        ocirt_error_free(e);
        return r;
}

int
cmd_events(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        bool stats_once = false;
        long interval = 5000;
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", options, &cmd_events_help, err)) != -1) {
                switch (c) {
                case 's':
                        stats_once = true;
                        break;
                case 'i':
                        if (parse_duration(optarg, &interval) < 0)
                                return ocirt_error_new(err, EINVAL, "--interval", "use e.g. 5s, 500ms or 1m",
                                                       "invalid duration '%s'", optarg);
                        break;
                case 'h':
                        cli_help_print(&cmd_events_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_get_id(argc, argv, &cmd_events_help, &id, err);
        if (r < 0)
                return r;
        uint64_t ooms = 0;
        bool watch_oom = !stats_once && oom_kills(ctx, id, &ooms) >= 0;
        for (bool first = true;; first = false) {
                _cleanup_free_ char *data = NULL;
                r = ocirt_container_stats(ctx, id, &data, err);
                if (r < 0) /* streaming ends quietly when the container is gone */
                        return stats_once || first ? r : (ocirt_error_free(*err), *err = NULL, 0);
                fputs("{\"type\":\"stats\",\"id\":", stdout);
                cli_json_string(stdout, id);
                printf(",\"data\":%s}\n", data);
                r = cli_flush_stdout(err);
                if (r < 0 || stats_once)
                        return r;
                /* Sleep the interval in slices; between them, an OOM kill is reported at once. */
                for (long left = interval; left > 0; left -= OOM_TICK_MS) {
                        long ms = left < OOM_TICK_MS ? left : OOM_TICK_MS;
                        uint64_t now;
                        nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L }, NULL);
                        if (!watch_oom || oom_kills(ctx, id, &now) < 0 || now <= ooms)
                                continue;
                        for (; ooms < now; ooms++) {
                                fputs("{\"type\":\"oom\",\"id\":", stdout);
                                cli_json_string(stdout, id);
                                fputs("}\n", stdout);
                        }
                        r = cli_flush_stdout(err);
                        if (r < 0)
                                return r;
                }
        }
}
