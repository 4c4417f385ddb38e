/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctx.c: ocirt_ctx (state root, log sink, options). */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "ctx.h"
#include "error.h"
#include "util.h"

_public_ int
ocirt_ctx_new(ocirt_ctx **ret, ocirt_error **err)
{
        ocirt_ctx *c = xcalloc(1, sizeof *c);

        c->log_max = OCIRT_LOG_WARNING;
        c->rootless = -1;
        *ret = c;
        return 0;
}

_public_ ocirt_ctx *
ocirt_ctx_free(ocirt_ctx *ctx)
{
        if (!ctx)
                return NULL;
        free(ctx->root);
        free(ctx);
        return NULL;
}

_public_ int
ocirt_ctx_set_root(ocirt_ctx *ctx, const char *root, ocirt_error **err)
{
        if (!root || !*root)
                return ocirt_fail_at(err, EINVAL, "--root", "give a directory such as /run/user/1000/ocirt",
                                     "empty state root");
        free(ctx->root);
        ctx->root = xstrdup(root);
        ctx->root_explicit = true;
        return 0;
}

_public_ const char *
ocirt_ctx_get_root(ocirt_ctx *ctx)
{
        const char *r = NULL;
        _cleanup_error_ ocirt_error *e = NULL;

        (void) ctx_state_root(ctx, &r, &e);
        return r;
}

_public_ void
ocirt_ctx_set_log(ocirt_ctx *ctx, ocirt_log_fn fn, void *userdata, int max_level)
{
        ctx->log_fn = fn;
        ctx->log_userdata = userdata;
        ctx->log_max = max_level;
}

_public_ void
ocirt_ctx_set_cgroup_manager(ocirt_ctx *ctx, enum ocirt_cgroup_manager m)
{
        ctx->cgroup_manager = m;
}

_public_ void
ocirt_ctx_set_self_reexec(ocirt_ctx *ctx, char **argv)
{
        ctx->reexec_argv = argv;
}

_public_ void
ocirt_ctx_set_rootless(ocirt_ctx *ctx, int rootless)
{
        ctx->rootless = rootless < 0 ? -1 : !!rootless;
}

/* uid 0 of a user namespace that is not the host's (rootless podman runs its runtime in one): the
 * host's /run is not ours there, XDG_RUNTIME_DIR is (runc's rule). */
static bool
root_in_user_namespace(void)
{
        _cleanup_free_ char *m = NULL;
        size_t len;
        unsigned a, b, n;

        if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &m, &len) < 0)
                return false;
        return !(sscanf(m, "%u %u %u", &a, &b, &n) == 3 && a == 0 && b == 0 && n == 4294967295U);
}

bool
ctx_is_rootless(ocirt_ctx *ctx)
{
        if (ctx->rootless >= 0)
                return ctx->rootless;
        return geteuid() != 0 || root_in_user_namespace();
}

int
ctx_state_root(ocirt_ctx *ctx, const char **ret, ocirt_error **err)
{
        struct stat st;
        int r;

        if (!ctx->root) {
                const char *xdg = getenv("XDG_RUNTIME_DIR");

                if (geteuid() == 0 && !(xdg && *xdg && root_in_user_namespace())) {
                        ctx->root = xstrdup("/run/ocirt");
                } else {
                        const char *x = getenv("XDG_RUNTIME_DIR");

                        if (!x || !*x)
                                return ocirt_fail_at(err, ENOENT, "XDG_RUNTIME_DIR",
                                                     "log in through a session that sets it (systemd-logind), "
                                                     "or create /run/user/$(id -u) owned by you and export "
                                                     "XDG_RUNTIME_DIR, or pass --root DIR",
                                                     "XDG_RUNTIME_DIR is not set");
                        /* su/sudo sessions keep another user's XDG_RUNTIME_DIR: refuse it rather than
                         * put state where another user controls it (podman#14603). */
                        if (stat(x, &st) < 0)
                                return ocirt_fail_at(err, errno, "XDG_RUNTIME_DIR",
                                                     "create it (mode 0700, owned by you) or pass --root DIR",
                                                     "cannot access '%s'", x);
                        if (st.st_uid != geteuid())
                                return ocirt_fail_at(err, EPERM, "XDG_RUNTIME_DIR",
                                                     "after su/sudo, export XDG_RUNTIME_DIR=/run/user/$(id -u) "
                                                     "or pass --root DIR",
                                                     "'%s' is not owned by the current user (uid %u)", x,
                                                     (unsigned) geteuid());
                        ctx->root = xasprintf("%s/ocirt", x);
                }
        }
        if (mkdir(ctx->root, 0700) < 0 && errno != EEXIST) {
                r = mkdir_p(ctx->root, 0700);
                if (r < 0)
                        return ocirt_fail_at(err, -r, ctx->root_explicit ? "--root" : NULL,
                                             "choose a directory you can write to with --root",
                                             "cannot create state root '%s'", ctx->root);
        }
        *ret = ctx->root;
        return 0;
}
