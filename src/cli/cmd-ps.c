/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-ps.c: `ocirt ps [--format table|json] ID [PS_ARGS...]`, as runc has it: json prints the
 * array of the container's pids; table runs ps(1) (default arguments -ef) and keeps its header and
 * the lines whose PID column is one of the container's. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

const struct cli_help cmd_ps_help = {
        .name = "ps",
        .usage = "ID [PS_ARGS...]",
        .summary = "list the processes of a container",
        .options = "  -f, --format FORMAT        table (default: ps(1) output) or json (an array of pids)\n",
        .notes = "PS_ARGS, everything after the ID, are passed to ps(1) in table format (default: -ef),\n"
                 "e.g. ocirt ps ID -o pid,comm; a -- right after the ID is dropped.\n",
};

static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static bool
contains(const pid_t *pids, size_t n, long pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

static int
print_table(char **ps_args, int n_args, const pid_t *pids, size_t n, ocirt_error **err)
{
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        int pipefd[2], pid_col = -1, status;
        bool header = true;
        FILE *f;
        pid_t child;

        if (pipe(pipefd) < 0)
                return ocirt_error_new(err, errno, "ps", NULL, "pipe");
        child = fork();
        if (child < 0)
                return ocirt_error_new(err, errno, "ps", NULL, "fork");
        if (child == 0) {
                char *argv[n_args + 3];
                int i = 0;
                argv[i++] = (char *) "ps";
                if (n_args == 0)
                        argv[i++] = (char *) "-ef";
                for (int j = 0; j < n_args; j++)
                        argv[i++] = ps_args[j];
                argv[i] = NULL;
                dup2(pipefd[1], 1);
                close(pipefd[0]);
                close(pipefd[1]);
                execvp("ps", argv);
                _exit(127);
        }
        close(pipefd[1]);
        f = fdopen(pipefd[0], "r");
        while (f && getline(&line, &cap, f) > 0) {
                if (header) {
                        /* Which whitespace-separated column is PID. */
                        _cleanup_free_ char *copy = strdup(line);
                        char *save = NULL;
                        int col = 0;
                        for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
                                if (strcmp(t, "PID") == 0)
                                        pid_col = col;
                        fputs(line, stdout);
                        header = false;
                        continue;
                }
                if (pid_col >= 0) {
                        _cleanup_free_ char *copy = strdup(line);
                        char *save = NULL, *t = strtok_r(copy, " \t\n", &save);
                        for (int col = 0; t && col < pid_col; col++)
                                t = strtok_r(NULL, " \t\n", &save);
                        if (t && contains(pids, n, strtol(t, NULL, 10)))
                                fputs(line, stdout);
                }
        }
        if (f)
                fclose(f);
        if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return ocirt_error_new(err, EIO, "ps", "install procps, or use --format json",
                                       "ps(1) failed (status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        if (pid_col < 0)
                return ocirt_error_new(err, EINVAL, "PS_ARGS", "keep a PID column in the ps output",
                                       "the ps output has no PID column");
        return 0;
}

int
cmd_ps(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        _cleanup_free_ pid_t *pids = NULL;
        const char *format = "table", *id;
        size_t n = 0;
        int c, r;

        /* '+': the options end at the ID, as in runc: what follows it is ps(1)'s (-o pid,comm). */
        while ((c = cli_getopt(argc, argv, "+f:h", options, &cmd_ps_help, err)) != -1) {
                switch (c) {
                case 'f':
                        format = optarg;
                        break;
                case 'h':
                        cli_help_print(&cmd_ps_help);
                        return 0;
                default:
                        return c;
                }
        }
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
                return ocirt_error_new(err, EINVAL, "--format", "use table or json", "unknown format '%s'", format);
        r = cli_check_args(argc, argv, 1, INT_MAX, &cmd_ps_help, err);
        if (r < 0)
                return r;
        id = argv[optind];
        r = ocirt_id_validate(id, err);
        if (r < 0)
                return r;
        /* A "--" right after the ID only separates; runc would hand it to ps(1), which refuses it. */
        if (optind + 1 < argc && strcmp(argv[optind + 1], "--") == 0) {
                argv[optind + 1] = argv[optind];
                optind++;
        }
        r = ocirt_container_pids(ctx, id, &pids, &n, err);
        if (r < 0)
                return r;
        if (strcmp(format, "json") == 0) {
                if (argc - optind > 1)
                        return ocirt_error_new(err, EINVAL, "PS_ARGS", "drop them, or use --format table",
                                               "ps arguments only go with --format table");
                putchar('[');
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int) pids[i]);
                puts("]");
        } else {
                fflush(stdout);
                r = print_table(argv + optind + 1, argc - optind - 1, pids, n, err);
                if (r < 0)
                        return r;
        }
        return cli_flush_stdout(err);
}
