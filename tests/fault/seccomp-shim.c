/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp-shim.c: run a command with some syscalls refused, so that ocirt's COMPAT paths run on the
 * real kernel (a kernel without openat2 or the new mount API, or an outer container whose seccomp
 * profile predates them).
 *
 *   seccomp-shim ERRNO SYSCALL[,SYSCALL...] -- COMMAND [ARGS...]
 *
 * ERRNO is ENOSYS or EPERM. The filter is inherited by everything COMMAND starts, the container
 * included. Built by the test that uses it: cc -o shim seccomp-shim.c -lseccomp. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
        scmp_filter_ctx ctx;
        char *list, *save = NULL;
        int e, r;

        if (argc < 5 || strcmp(argv[3], "--") != 0) {
                fprintf(stderr, "usage: %s ENOSYS|EPERM SYSCALL[,SYSCALL...] -- COMMAND [ARGS...]\n", argv[0]);
                return 2;
        }
        if (strcmp(argv[1], "ENOSYS") == 0)
                e = ENOSYS;
        else if (strcmp(argv[1], "EPERM") == 0)
                e = EPERM;
        else {
                fprintf(stderr, "%s: unknown errno '%s'\n", argv[0], argv[1]);
                return 2;
        }
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx) {
                fprintf(stderr, "%s: seccomp_init failed\n", argv[0]);
                return 1;
        }
        list = strdup(argv[2]);
        for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
                int nr = seccomp_syscall_resolve_name(name);

                if (nr == __NR_SCMP_ERROR) {
                        fprintf(stderr, "%s: unknown syscall '%s'\n", argv[0], name);
                        return 2;
                }
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(e), nr, 0);
                if (r < 0) {
                        fprintf(stderr, "%s: add a rule for '%s': %s\n", argv[0], name, strerror(-r));
                        return 1;
                }
        }
        /* no_new_privs (libseccomp's default) lets an unprivileged user load the filter. */
        r = seccomp_load(ctx);
        if (r < 0) {
                fprintf(stderr, "%s: seccomp_load: %s\n", argv[0], strerror(-r));
                return 1;
        }
        seccomp_release(ctx);
        free(list);
        execvp(argv[4], argv + 4);
        fprintf(stderr, "%s: exec '%s': %s\n", argv[0], argv[4], strerror(errno));
        return 127;
}
