/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docs/example.c: the smallest program that runs a container through libocirt, in-process and
 * without the ocirt CLI (libocirt(3)). It includes ocirt.h only and links the shared library, so it
 * also proves that the public header and the exported symbols are enough to embed the runtime: the
 * tests build it as tests/example-embed and run it (tests/integration/80-library.sh). Outside the
 * source tree, once libocirt is installed:
 *
 *   cc example.c $(pkg-config --cflags --libs libocirt) -o example
 *   example ROOTDIR BUNDLE ID
 *
 * runs BUNDLE as container ID with its state under ROOTDIR, in the foreground, prints
 * "exit status N" and exits with the container's status. On failure it prints the error with its
 * location and hint, as a library user would, and exits with 125. */
#include <stdio.h>
#include <stdlib.h>

#include "ocirt.h"

/* The library is silent without a sink; show its warnings (e.g. "running without a cgroup"). */
static void
log_to_stderr(void *userdata, int level, int errnum, const char *msg)
{
        static const char *const names[] = { "error", "warning", "info", "debug" };

        (void) userdata;
        (void) errnum;
        fprintf(stderr, "example-embed: %s: %s\n",
                level >= 0 && level <= OCIRT_LOG_DEBUG ? names[level] : "log", msg);
}

static int
report(const char *what, ocirt_error *e)
{
        const char *where = ocirt_error_where(e), *hint = ocirt_error_hint(e);

        if (where)
                fprintf(stderr, "example-embed: %s: %s: %s\n", what, where, ocirt_error_message(e));
        else
                fprintf(stderr, "example-embed: %s: %s\n", what, ocirt_error_message(e));
        if (hint)
                fprintf(stderr, "example-embed: hint: %s\n", hint);
        ocirt_error_free(e);
        return 125;
}

int
main(int argc, char **argv)
{
        ocirt_ctx *ctx = NULL;
        ocirt_error *err = NULL;
        ocirt_create_options opts = { 0 };
        int status = -1, r;

        if (argc != 4) {
                fprintf(stderr, "usage: %s ROOTDIR BUNDLE ID\n", argv[0]);
                return 2;
        }

        r = ocirt_ctx_new(&ctx, &err);
        if (r < 0)
                return report("new context", err);
        ocirt_ctx_set_log(ctx, log_to_stderr, NULL, OCIRT_LOG_WARNING);

        r = ocirt_ctx_set_root(ctx, argv[1], &err);
        if (r < 0) {
                ocirt_ctx_free(ctx);
                return report("state root", err);
        }

        opts.bundle = argv[2];
        r = ocirt_container_run(ctx, argv[3], &opts, &status, &err);
        ocirt_ctx_free(ctx);
        if (r < 0)
                return report("run", err);

        printf("exit status %d\n", status);
        fflush(stdout);
        return status;
}
