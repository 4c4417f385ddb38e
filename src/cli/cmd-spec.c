/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-spec.c: `ocirt spec [--rootless] [--bundle DIR]`: write a default config.json. The
 * library writes the JSON text; this file only puts it in a file without clobbering one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
        OPT_ROOTLESS = 0x100,
        OPT_USERNS,
        OPT_SINGLE_ID,
};

const struct cli_help cmd_spec_help = {
        .name = "spec",
        .usage = "",
        .summary = "write a default config.json into the bundle directory",
        .options = "  -b, --bundle DIR           where to write config.json (default: the current directory)\n"
                   "      --rootless             generate a config for an unprivileged user: you as 0, and\n"
                   "                             your subordinate ids (/etc/subuid) from 1 when you have some\n"
                   "      --single-id            with --rootless: map only you, as 'runc spec --rootless' does\n"
                   "                             (no newuidmap needed; room for tools that add mappings)\n"
                   "      --userns single|auto   single: the same as --single-id; auto: the default above\n",
        .notes = "The default --rootless mapping (you as 0, your subordinate range from 1) lets the container\n"
                 "own files of many ids; a tool that appends its own mapping to a runc-style spec needs\n"
                 "--single-id, or the ranges overlap.\n",
};

static const struct option options[] = {
        { "bundle", required_argument, NULL, 'b' },
        { "rootless", no_argument, NULL, OPT_ROOTLESS },
        { "userns", required_argument, NULL, OPT_USERNS },
        { "single-id", no_argument, NULL, OPT_SINGLE_ID },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static const char *arg_bundle;
static bool arg_rootless, arg_userns_single;

static int
write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

int
cmd_spec(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL, *path = NULL;
        size_t len;
        int c, fd, r;

        while ((c = cli_getopt(argc, argv, "b:h", options, &cmd_spec_help, err)) != -1) {
                switch (c) {
                case 'b':
                        arg_bundle = optarg;
                        break;
                case OPT_ROOTLESS:
                        arg_rootless = true;
                        break;
                case OPT_SINGLE_ID:
                        arg_userns_single = true;
                        break;
                case OPT_USERNS:
                        if (strcmp(optarg, "single") == 0)
                                arg_userns_single = true;
                        else if (strcmp(optarg, "auto") == 0)
                                arg_userns_single = false;
                        else
                                return ocirt_error_new(err, EINVAL, "--userns", "use single or auto",
                                                       "unknown value '%s'", optarg);
                        break;
                case 'h':
                        cli_help_print(&cmd_spec_help);
                        return 0;
                default:
                        return c;
                }
        }
        r = cli_check_args(argc, argv, 0, 0, &cmd_spec_help, err);
        if (r < 0)
                return r;

        /* Like runc, only the flag picks the rootless variant, not the caller's uid: a spec is
         * often written by one user for another (or for root) to run. */
        r = ocirt_spec_generate(ctx, (arg_rootless ? OCIRT_SPEC_ROOTLESS : 0) | (arg_userns_single ? OCIRT_SPEC_USERNS_SINGLE : 0),
                                &json, err);
        if (r < 0)
                return r;

        if (arg_bundle ? asprintf(&path, "%s/config.json", arg_bundle) < 0 : !(path = strdup("config.json")))
                abort();
        /* O_EXCL: never overwrite someone's edited config, and never follow a symlink planted
         * where config.json should be. 0666 lets the umask decide, as for any new file. */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
                int e = errno;

                if (e == EEXIST)
                        return ocirt_error_new(err, e, path, "remove it first", "already exists");
                if (e == ENOENT && arg_bundle)
                        return ocirt_error_new(err, e, "--bundle", "create the directory first",
                                               "directory '%s' does not exist", arg_bundle);
                return ocirt_error_new(err, e, path, NULL, "cannot create: %s", strerror(e));
        }

        len = strlen(json);
        r = write_all(fd, json, len);
        if (r >= 0 && (len == 0 || json[len - 1] != '\n'))
                r = write_all(fd, "\n", 1);
        if (r >= 0 && close(fd) < 0)
                r = -errno;
        else if (r < 0)
                (void) close(fd);
        if (r < 0) {
                /* A half-written config.json would block the next attempt (O_EXCL) and fail to
                 * parse; leave nothing behind. */
                (void) unlink(path);
                return ocirt_error_new(err, -r, path, NULL, "write failed: %s", strerror(-r));
        }
        return 0;
}
