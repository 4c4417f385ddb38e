/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctx.c: ocirt_ctx (state root, log sink, options). */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/ctx.h"
#include "base/error.h"
#include "base/util.h"

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

/* The fallback for a user without a login session (su, sudo -u, cron, ssh without pam_systemd, CI
 * containers): /tmp/ocirt-UID, the state root itself, one level below /tmp. Fixed, not $TMPDIR:
 * every later command (and conmon or containerd calling ocirt for the same container) must find
 * the same directory whatever its environment. One level because /tmp is sticky: once the entry is
 * ours, nobody else can rename or replace it, so checking it once is enough (a path two levels
 * down would need each level checked). Rootless podman does the same (/tmp/storage-run-UID). */
#define TMP_FALLBACK_FMT "/tmp/ocirt-%u"
static const char why_tmp[] = "XDG_RUNTIME_DIR is not set and there is no /run/user/UID: the per-user fallback in /tmp";

/* PATH must be a directory, not a symlink, owned by the caller, closed to everyone else. What a
 * directory in a world-writable place must be before state goes there: anyone can create
 * /tmp/ocirt-UID first, as a symlink to their own directory or as their own directory. */
static int
check_private_dir(const char *path, const char *what, ocirt_error **err)
{
        struct stat st;

        if (lstat(path, &st) < 0)
                return ocirt_fail_at(err, errno, what, "remove it, or pass --root DIR", "cannot access '%s'", path);
        if (S_ISLNK(st.st_mode))
                return ocirt_fail_at(err, ELOOP, what,
                                     "someone may be trying to redirect your containers' state: remove the link, "
                                     "or pass --root DIR",
                                     "'%s' is a symbolic link, not a directory", path);
        if (!S_ISDIR(st.st_mode))
                return ocirt_fail_at(err, ENOTDIR, what, "remove it, or pass --root DIR", "'%s' is not a directory",
                                     path);
        if (st.st_uid != geteuid())
                return ocirt_fail_at(err, EPERM, what,
                                     "another user created it, so it cannot hold your state: ask root to remove it, "
                                     "set XDG_RUNTIME_DIR to a directory of yours, or pass --root DIR",
                                     "'%s' is owned by uid %u, not by you (uid %u)", path, (unsigned) st.st_uid,
                                     (unsigned) geteuid());
        if (st.st_mode & 0077)
                return ocirt_fail_at(err, EPERM, what,
                                     "others could have put things in it: check it, then chmod 0700 it, or remove it",
                                     "'%s' has mode %04o, not 0700", path, (unsigned) (st.st_mode & 07777));
        return 0;
}

int
ctx_state_root_choose(ocirt_ctx *ctx, char **ret_path, const char **ret_why, ocirt_error **err)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        uid_t uid = geteuid();
        struct stat st;
        int r;

        if (ctx->root) {
                *ret_path = xstrdup(ctx->root);
                *ret_why = ctx->root_explicit ? "given with --root" : ctx->root_why;
                return 0;
        }
        if (uid == 0 && !(xdg && *xdg && root_in_user_namespace())) {
                *ret_path = xstrdup("/run/ocirt");
                *ret_why = "the default for root";
                return 0;
        }
        if (xdg && *xdg) {
                /* su/sudo sessions keep another user's XDG_RUNTIME_DIR: refuse it rather than put state
                 * where another user controls it (podman#14603). */
                if (stat(xdg, &st) < 0)
                        return ocirt_fail_at(err, errno, "XDG_RUNTIME_DIR",
                                             "create it (mode 0700, owned by you), unset it, or pass --root DIR",
                                             "cannot access '%s'", xdg);
                if (st.st_uid != uid)
                        return ocirt_fail_at(err, EPERM, "XDG_RUNTIME_DIR",
                                             "after su/sudo, export XDG_RUNTIME_DIR=/run/user/$(id -u), unset it, "
                                             "or pass --root DIR",
                                             "'%s' is owned by uid %u, not by you (uid %u)", xdg,
                                             (unsigned) st.st_uid, (unsigned) uid);
                *ret_path = xasprintf("%s/ocirt", xdg);
                *ret_why = "in $XDG_RUNTIME_DIR";
                return 0;
        }
        /* No session variable, but the directory a login session would give is there and ours (a
         * lingering user reached through su): use it, so the same containers are seen either way. */
        {
                _cleanup_free_ char *run_user = xasprintf("/run/user/%u", (unsigned) uid);

                if (lstat(run_user, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid && !(st.st_mode & 0077)) {
                        *ret_path = xasprintf("%s/ocirt", run_user);
                        *ret_why = "XDG_RUNTIME_DIR is not set; /run/user/UID is yours";
                        return 0;
                }
        }
        {
                _cleanup_free_ char *tmp = xasprintf(TMP_FALLBACK_FMT, (unsigned) uid);

                if (lstat(tmp, &st) == 0 || errno != ENOENT) {
                        r = check_private_dir(tmp, "state root", err);
                        if (r < 0)
                                return r;
                }
                *ret_path = TAKE_PTR(tmp);
                *ret_why = why_tmp;
                return 0;
        }
}

int
ctx_state_root(ocirt_ctx *ctx, const char **ret, ocirt_error **err)
{
        _cleanup_free_ char *path = NULL;
        const char *why;
        int r;

        if (!ctx->root) {
                r = ctx_state_root_choose(ctx, &path, &why, err);
                if (r < 0)
                        return r;
                if (why == why_tmp) {
                        /* Created here 0700 and checked again: between the check in choose and this
                         * mkdir another user may have planted one. */
                        if (mkdir(path, 0700) == 0)
                                (void) chmod(path, 0700); /* whatever the umask */
                        else if (errno != EEXIST)
                                return ocirt_fail_at(err, errno, "state root", "pass --root DIR",
                                                     "cannot create state root '%s'", path);
                        r = check_private_dir(path, "state root", err);
                        if (r < 0)
                                return r;
                }
                ctx->root = TAKE_PTR(path);
                ctx->root_why = why;
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
