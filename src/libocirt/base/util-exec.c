/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util-exec.c: find the program to exec the way execvp() would, for the container init and for
 * `exec`. Runs in the process that will exec, inside the container's root. */
#include "config.h"

#include <sys/stat.h>

#include "base/util.h"

const char *
env_get(char **env, const char *name)
{
        size_t n = strlen(name);

        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
                        return env[i] + n + 1;
        return NULL;
}

void
env_add_listen_fds(char ***env, int preserve_fds)
{
        const char *lf = getenv("LISTEN_FDS");
        int n;

        /* Socket activation, as crun does: the runtime was given LISTEN_FDS fds from 3 on and passes
         * them (the CLI adds them to --preserve-fds); the program is their listener now, and
         * sd_listen_fds() checks LISTEN_PID against its own pid, which is this process's: it
         * execs. Only as many as are really passed, and never over what the config says. */
        if (preserve_fds <= 0 || !lf || parse_int(lf, &n) < 0 || n <= 0 || env_get(*env, "LISTEN_FDS"))
                return;
        {
                _cleanup_free_ char *a = xasprintf("LISTEN_FDS=%d", n < preserve_fds ? n : preserve_fds);
                _cleanup_free_ char *b = xasprintf("LISTEN_PID=%d", (int) getpid());
                const char *names = getenv("LISTEN_FDNAMES");

                strv_push(env, a);
                strv_push(env, b);
                if (names && !env_get(*env, "LISTEN_FDNAMES")) {
                        _cleanup_free_ char *f = xasprintf("LISTEN_FDNAMES=%s", names);
                        strv_push(env, f);
                }
        }
}

static bool
is_executable(const char *p)
{
        struct stat st;

        return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

int
find_executable(const char *where, const char *name, char **env, char **ret, ocirt_error **err)
{
        _cleanup_free_ char *path = NULL;

        if (strchr(name, '/')) {
                struct stat st;

                if (stat(name, &st) < 0)
                        return ocirt_fail_at(err, errno, where, NULL, "exec: '%s'", name);
                if (S_ISDIR(st.st_mode))
                        return ocirt_fail_at(err, EACCES, where, NULL, "exec: '%s' is a directory", name);
                *ret = xstrdup(name);
                return 0;
        }
        path = xstrdup(env_get(env, "PATH") ?: DEFAULT_PATH);
        for (char *save = NULL, *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *cand = xasprintf("%s/%s", *d ? d : ".", name);
                if (is_executable(cand)) {
                        *ret = TAKE_PTR(cand);
                        return 0;
                }
        }
        return ocirt_fail_at(err, ENOENT, where, "check process.args and the PATH in process.env",
                             "exec: '%s': executable file not found in $PATH", name);
}
