/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-checkpoint.c: `ocirt checkpoint [OPTIONS] ID` with runc's flags, and the flags `restore`
 * shares with it (cli_criu_option). The work is the library's (CRIU through `criu swrk`). */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include "cli.h"

enum {
        OPT_PARENT_PATH = 0x300, /* above cli.h's shared values */
        OPT_LEAVE_RUNNING,
        OPT_PRE_DUMP,
        OPT_PAGE_SERVER,
        OPT_STATUS_FD,
};

const struct cli_help cmd_checkpoint_help = {
        .name = "checkpoint",
        .usage = "ID",
        .summary = "checkpoint a running container with CRIU",
        .options = CLI_CRIU_OPTIONS_HELP
                "      --parent-path DIR      the previous pre-dump's images, relative to --image-path\n"
                "      --leave-running        leave the container running after the checkpoint\n"
                "      --pre-dump             dump memory only; the container keeps running\n"
                "      --page-server ADDR:PORT  with --lazy-pages: where CRIU serves the memory; without:\n"
                "                             a 'criu page-server' to send the memory to\n"
                "      --status-fd FD         with --lazy-pages: write one \\0 byte to FD when the memory is\n"
                "                             served (then start 'criu lazy-pages' and 'ocirt restore --lazy-pages')\n",
        .notes = "Needs criu (Debian: apt-get install criu). Without --leave-running or --pre-dump the\n"
                 "container stops and its state is removed; 'ocirt restore' brings it back. On failure the\n"
                 "error gives CRIU's first error and the path of its log (WORK-PATH/dump.log).\n"
                 "With --lazy-pages it returns once 'criu lazy-pages' has fetched all the memory.\n",
};

static const struct option options[] = {
        CLI_CRIU_LONG_OPTIONS,
        { "parent-path", required_argument, NULL, OPT_PARENT_PATH },
        { "leave-running", no_argument, NULL, OPT_LEAVE_RUNNING },
        { "pre-dump", no_argument, NULL, OPT_PRE_DUMP },
        { "status-fd", required_argument, NULL, OPT_STATUS_FD },
        { "page-server", required_argument, NULL, OPT_PAGE_SERVER },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

/* The flags both commands take. Returns 1 when c was one of them, 0 if not, -errno on a bad value. */
int
cli_criu_option(int c, const char *arg, ocirt_criu_options *o, ocirt_error **err)
{
        static const char *empty_ns[8];

        switch (c) {
        case CLI_OPT_IMAGE_PATH:
                o->image_path = arg;
                return 1;
        case CLI_OPT_WORK_PATH:
                o->work_path = arg;
                return 1;
        case CLI_OPT_TCP_ESTABLISHED:
                o->flags |= OCIRT_CHECKPOINT_TCP_ESTABLISHED;
                return 1;
        case CLI_OPT_EXT_UNIX_SK:
                o->flags |= OCIRT_CHECKPOINT_EXT_UNIX_SK;
                return 1;
        case CLI_OPT_SHELL_JOB:
                o->flags |= OCIRT_CHECKPOINT_SHELL_JOB;
                return 1;
        case CLI_OPT_FILE_LOCKS:
                o->flags |= OCIRT_CHECKPOINT_FILE_LOCKS;
                return 1;
        case CLI_OPT_AUTO_DEDUP:
                o->flags |= OCIRT_CHECKPOINT_AUTO_DEDUP;
                return 1;
        case CLI_OPT_LAZY_PAGES:
                o->flags |= OCIRT_CHECKPOINT_LAZY_PAGES;
                return 1;
        case CLI_OPT_MANAGE_CGROUPS_MODE:
                o->manage_cgroups_mode = arg;
                return 1;
        case CLI_OPT_REFUSED_LSM_PROFILE:
        case CLI_OPT_REFUSED_LSM_MOUNT_CONTEXT:
                return ocirt_error_new(err, EOPNOTSUPP,
                                       c == CLI_OPT_REFUSED_LSM_PROFILE ? "--lsm-profile" : "--lsm-mount-context",
                                       "leave it out: the restored process keeps the checkpointed labels", "not supported");
        case CLI_OPT_EMPTY_NS:
                if (o->n_empty_ns == ELEMENTSOF(empty_ns))
                        return ocirt_error_new(err, EINVAL, "--empty-ns", NULL, "given too often");
                empty_ns[o->n_empty_ns++] = arg;
                o->empty_ns = empty_ns;
                return 1;
        default:
                return 0;
        }
}

int
cmd_checkpoint(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        ocirt_checkpoint_options o = { 0 };
        const char *id;
        int c, r;

        while ((c = cli_getopt(argc, argv, "h", options, &cmd_checkpoint_help, err)) != -1) {
                switch (c) {
                case 'h':
                        cli_help_print(&cmd_checkpoint_help);
                        return 0;
                case OPT_PARENT_PATH:
                        o.parent_path = optarg;
                        break;
                case OPT_LEAVE_RUNNING:
                        o.criu.flags |= OCIRT_CHECKPOINT_LEAVE_RUNNING;
                        break;
                case OPT_PRE_DUMP:
                        o.criu.flags |= OCIRT_CHECKPOINT_PRE_DUMP;
                        break;
                case OPT_PAGE_SERVER:
                        o.page_server = optarg;
                        break;
                case OPT_STATUS_FD:
                        r = cli_parse_uint("--status-fd", optarg, INT_MAX, &o.status_fd, err);
                        if (r < 0)
                                return r;
                        /* The library takes 0 as "no status fd"; stdin is no place for a byte
                         * written anyway: say so rather than ignore it. */
                        if (o.status_fd == 0)
                                return ocirt_error_new(err, EINVAL, "--status-fd",
                                                       "give a descriptor open for writing, 3 or above (9>FILE)",
                                                       "fd 0 is stdin");
                        break;
                default:
                        if (c < 0)
                                return c;
                        r = cli_criu_option(c, optarg, &o.criu, err);
                        if (r < 0)
                                return r;
                }
        }
        r = cli_get_id(argc, argv, &cmd_checkpoint_help, &id, err);
        if (r < 0)
                return r;
        return ocirt_container_checkpoint(ctx, id, &o, err);
}
