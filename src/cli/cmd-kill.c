/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-kill.c: `ocirt kill [--all] ID [SIGNAL]`: send a signal to the container's init (with
 * --all to every process in it). Parses the signal, then calls the library; nothing else. */
#include "config.h"

#include <errno.h>
#include <signal.h>

#include "cli.h"

const struct cli_help cmd_kill_help = {
        .name = "kill",
        .usage = "ID [SIGNAL]",
        .summary = "send a signal (default SIGTERM) to a container",
        .options = "  -a, --all                  signal every process of the container, not only its init\n",
        .notes = "SIGNAL is a number (9), a name (KILL, SIGKILL, sigkill) or RTMIN+N / RTMAX-N. Signal 0\n"
                 "sends nothing: the exit status says whether the container process still exists.\n",
};

static const struct option options[] = {
        { "all", no_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static bool arg_all;

int
cmd_kill(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        const char *id, *signame;
        int c, r, signo = SIGTERM;

        while ((c = cli_getopt(argc, argv, "ah", options, &cmd_kill_help, err)) != -1) {
                switch (c) {
                case 'a':
                        arg_all = true;
                        break;
                case 'h':
                        cli_help_print(&cmd_kill_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_check_args(argc, argv, 1, 2, &cmd_kill_help, err);
        if (r < 0)
                return r;
        id = argv[optind];
        r = ocirt_id_validate(id, err);
        if (r < 0)
                return r;

        signame = optind + 1 < argc ? argv[optind + 1] : NULL;
        if (signame && cli_parse_signal(signame, &signo) < 0)
                return ocirt_error_new(err, EINVAL, "SIGNAL",
                                       "use a number (9), a name (KILL or SIGKILL) or RTMIN+N / RTMAX-N",
                                       "unknown signal '%s'", signame);

        /* Signal 0 sends nothing: it asks whether the container's init still exists (exit 0) or
         * not (an error, as runc's "container not running"). Probing the init answers that for
         * --all too, without freezing the cgroup to walk it. */
        if (signo == 0)
                arg_all = false;
        return ocirt_container_kill(ctx, id, signo, arg_all ? OCIRT_KILL_ALL : 0, err);
}
