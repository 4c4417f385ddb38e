/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idmap.c: mappings wider than the caller's own id, for a rootless user: checked against the
 * caller's subordinate ranges (config/subid.c) before the clone, written by newuidmap/newgidmap
 * (started through the helper toolkit, helpers/run.h) while the init waits. The single own-id
 * mapping never comes here: the child writes that itself (userns.c). */
#include "config.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/base.h"
#include "config/spec.h"
#include "helpers/run.h"
#include "ns/ns.h"

static bool
maps_covered(const struct spec_idmap *m, size_t n, uint32_t own, const struct subid_range *ranges, size_t nr)
{
        for (size_t i = 0; i < n; i++)
                if (!(m[i].size == 1 && m[i].host_id == own) && !subid_covers(ranges, nr, m[i].host_id, m[i].size, NULL))
                        return false;
        return true;
}

static int
check_maps(struct container *c, bool gid, const char *name, ocirt_error **err)
{
        const struct spec_idmap *m = gid ? c->gid_map : c->uid_map;
        size_t n = gid ? c->n_gid_map : c->n_uid_map;
        uint32_t own = gid ? (uint32_t) c->host_gid : (uint32_t) c->host_uid;
        const char *kind = gid ? "gid" : "uid";
        _cleanup_free_ struct subid_range *ranges = NULL;
        size_t nr = 0;
        const char *source = NULL;
        int r;

        /* The file first: it is what newuidmap reads on most hosts, and loading libsubid (with the
         * audit and SELinux libraries it pulls in) would be the largest allocation of a rootless
         * start, about 1 MB of peak RSS. libsubid is asked only when the file does not cover the
         * mapping, for ranges that NSS serves from elsewhere, and then for the error. */
        r = subid_from_file(gid, name, own, &ranges, &nr);
        if (r == 0 && maps_covered(m, n, own, ranges, nr))
                return 0;
        free(ranges);
        ranges = NULL;
        r = subid_lookup(gid, name, own, &ranges, &nr, &source);
        if (r < 0)
                return ocirt_fail(err, -r, "read %s", gid ? "/etc/subgid" : "/etc/subuid");
        for (size_t i = 0; i < n; i++) {
                uint64_t bad = 0;
                _cleanup_free_ char *where = NULL, *hint = NULL, *have = NULL;

                if (m[i].size == 1 && m[i].host_id == own)
                        continue; /* newuidmap lets everyone map their own id */
                if (subid_covers(ranges, nr, m[i].host_id, m[i].size, &bad))
                        continue;
                where = xasprintf("%s: .linux.%sMappings[%zu]", c->config_path, kind, i);
                hint = xasprintf("map only ids you own, or add a range: sudo usermod --add-sub%ss %llu-%llu %s",
                                 kind, (unsigned long long) m[i].host_id,
                                 (unsigned long long) m[i].host_id + m[i].size - 1, name ? name : "USER");
                if (nr == 0)
                        return ocirt_fail_at(err, EPERM, where, hint,
                                             "host %s %llu is not yours: '%s' has no subordinate %ss in %s", kind,
                                             (unsigned long long) bad, name ? name : "?", kind, source);
                have = xasprintf("%llu-%llu", (unsigned long long) ranges[0].start,
                                 (unsigned long long) (ranges[0].start + ranges[0].count - 1));
                return ocirt_fail_at(err, EPERM, where, hint,
                                     "host %s %llu (hostID %u, size %u) is outside the subordinate %ss of '%s' in %s (%s%s)",
                                     kind, (unsigned long long) bad, m[i].host_id, m[i].size, kind, name ? name : "?",
                                     source, have, nr > 1 ? ", ..." : "");
        }
        return 0;
}

static char *
user_name(uid_t uid)
{
        struct passwd pw, *res = NULL;
        char buf[4096];

        if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) != 0 || !res)
                return NULL;
        return xstrdup(res->pw_name);
}

int
uidmap_check(struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *name = user_name(c->host_uid), *path = NULL;
        int r;

        /* Missing tools are reported before anything exists. */
        r = helper_find(HELPER_NEWUIDMAP, &path, err);
        if (r < 0)
                return r;
        free(path);
        path = NULL;
        r = helper_find(HELPER_NEWGIDMAP, &path, err);
        if (r < 0)
                return r;
        r = check_maps(c, /* gid= */ false, name, err);
        if (r >= 0)
                r = check_maps(c, /* gid= */ true, name, err);
        return r;
}

/* ---- writing the maps ---- */

static char **
map_argv(const char *tool, pid_t pid, const struct spec_idmap *m, size_t n)
{
        char **argv = NULL;

        strv_push(&argv, tool);
        {
                char b[32];
                snprintf(b, sizeof b, "%d", (int) pid);
                strv_push(&argv, b);
        }
        for (size_t i = 0; i < n; i++) {
                char b[3][16];
                snprintf(b[0], sizeof b[0], "%u", m[i].container_id);
                snprintf(b[1], sizeof b[1], "%u", m[i].host_id);
                snprintf(b[2], sizeof b[2], "%u", m[i].size);
                for (int k = 0; k < 3; k++)
                        strv_push(&argv, b[k]);
        }
        return argv;
}

static char *
failure_hint(enum helper_tool t, const char *path)
{
        bool su, caps;

        /* A runtime started under no_new_privs (a seccomp sandbox, a CI job in a container) cannot
         * gain what a setuid helper needs: the helper then fails with EPERM whatever the ranges. */
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
                return xstrdup("this process runs with no_new_privs, so the setuid newuidmap/newgidmap cannot "
                               "work here: map only your own uid and gid (ocirt spec --rootless --userns single)");
        if (path && !uidmap_tool_privileged(path, &su, &caps))
                return xasprintf("%s has neither the setuid bit nor file capabilities: sudo chmod u+s %s "
                                 "(or: sudo setcap cap_set%sid+ep %s)",
                                 path, path, t == HELPER_NEWUIDMAP ? "u" : "g", path);
        return xasprintf("check your ranges in %s ('ocirt check' tells what is wrong)",
                         t == HELPER_NEWUIDMAP ? "/etc/subuid" : "/etc/subgid");
}

/* Runs in: the runtime, while the child waits on SYNC_USERNS. Both tools run at once: they write
 * different files of the same process. */
int
uidmap_write_helpers(struct container *c, pid_t pid, ocirt_error **err)
{
        _cleanup_strv_ char **uargv = map_argv("newuidmap", pid, c->uid_map, c->n_uid_map);
        _cleanup_strv_ char **gargv = map_argv("newgidmap", pid, c->gid_map, c->n_gid_map);
        struct helper_cmd ucmd = { .tool = HELPER_NEWUIDMAP, .argv = uargv, .stderr_fd = -1, .cwd_fd = -1 };
        struct helper_cmd gcmd = { .tool = HELPER_NEWGIDMAP, .argv = gargv, .stderr_fd = -1, .cwd_fd = -1 };
        struct helper_proc up = { .pid = -1, .stderr_pipe = -1 }, gp = { .pid = -1, .stderr_pipe = -1 };
        _cleanup_free_ char *uhint = NULL, *ghint = NULL;
        int r, r2;

        r = helper_spawn(&ucmd, &up, err);
        if (r < 0)
                goto out;
        r = helper_spawn(&gcmd, &gp, err);
        if (r < 0) {
                (void) kill(up.pid, SIGKILL);
                (void) waitpid(up.pid, NULL, 0);
                goto out;
        }
        uhint = failure_hint(HELPER_NEWUIDMAP, up.path);
        ghint = failure_hint(HELPER_NEWGIDMAP, gp.path);
        r = helper_wait(&up, 10000, -1, uhint, err);
        if (r < 0) {
                _cleanup_error_ ocirt_error *e2 = NULL;
                (void) helper_wait(&gp, 10000, -1, NULL, &e2);
        } else {
                r2 = helper_wait(&gp, 10000, -1, ghint, err);
                if (r2 < 0)
                        r = r2;
        }
out:
        helper_proc_done(&up);
        helper_proc_done(&gp);
        return r;
}
