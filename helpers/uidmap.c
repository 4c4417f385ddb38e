/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uidmap.c: newuidmap/newgidmap for mappings wider than the caller's own id, and the caller's
 * subordinate ranges (/etc/subuid, /etc/subgid) they are checked against.
 *
 * The ranges come from shadow's libsubid when it can be loaded (then ranges served by NSS, e.g.
 * from a directory service, count too), else from a parser of the files. The single own-id mapping
 * never comes here: the child writes that itself (userns.c). */
#include "config.h"


#include <dlfcn.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "helper.h"
#include "log.h"
#include "util.h"

/* ---- parsing ---- */

int
subid_parse(const char *text, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n)
{
        struct subid_range *list = NULL;
        size_t n = 0;
        char uidbuf[32];

        snprintf(uidbuf, sizeof uidbuf, "%u", (unsigned) uid);
        for (const char *line = text; line && *line;) {
                const char *eol = strchr(line, '\n');
                size_t len = eol ? (size_t) (eol - line) : strlen(line);
                _cleanup_free_ char *l = xstrndup(line, len);
                char *f1 = l, *f2, *f3, *end;
                unsigned long long start, count;

                line = eol ? eol + 1 : NULL;
                while (*f1 == ' ' || *f1 == '\t')
                        f1++;
                if (*f1 == '#' || *f1 == '\0')
                        continue;
                f2 = strchr(f1, ':');
                if (!f2)
                        continue;
                *f2++ = '\0';
                f3 = strchr(f2, ':');
                if (!f3)
                        continue;
                *f3++ = '\0';
                if (!(name && streq(f1, name)) && !streq(f1, uidbuf))
                        continue;
                errno = 0;
                start = strtoull(f2, &end, 10);
                if (errno || *f2 == '\0' || *end != '\0')
                        continue;
                count = strtoull(f3, &end, 10);
                if (errno || *f3 == '\0' || (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\r') || count == 0)
                        continue;
                if (start > UINT32_MAX || count > (uint64_t) UINT32_MAX + 1 - start)
                        continue;
                list = xrealloc(list, (n + 1) * sizeof *list);
                list[n++] = (struct subid_range){ .start = start, .count = count };
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

bool
subid_covers(const struct subid_range *r, size_t n, uint64_t start, uint64_t count, uint64_t *ret_first_bad)
{
        uint64_t pos = start, end = start + count;

        /* Walk forward: find a range holding pos, jump to its end; ranges may be adjacent or overlap. */
        while (pos < end) {
                bool moved = false;

                for (size_t i = 0; i < n; i++)
                        if (pos >= r[i].start && pos < r[i].start + r[i].count) {
                                pos = r[i].start + r[i].count;
                                moved = true;
                        }
                if (!moved) {
                        if (ret_first_bad)
                                *ret_first_bad = pos;
                        return false;
                }
        }
        return true;
}

uint64_t
subid_free_start(const char *text)
{
        uint64_t top = 100000;

        for (const char *line = text; line && *line;) {
                const char *eol = strchr(line, '\n');
                unsigned long long start, count;
                char owner[256];

                if (sscanf(line, "%255[^:\n]:%llu:%llu", owner, &start, &count) == 3 && start + count > top)
                        top = start + count;
                line = eol ? eol + 1 : NULL;
        }
        /* Round up to a multiple of 65536, as useradd's SUB_UID_MIN/COUNT defaults lay them out. */
        return (top + 65535) / 65536 * 65536;
}

/* ---- libsubid (optional) ---- */

struct libsubid_range {
        unsigned long start;
        unsigned long count;
};

static int
subid_from_libsubid(bool gid, const char *name, struct subid_range **ret, size_t *ret_n)
{
        /* Loaded once per process and kept: libsubid holds NSS module state. */
        static void *h;
        static bool tried;
        int (*get)(const char *, struct libsubid_range **);
        struct libsubid_range *r = NULL;
        int n;

        if (!name)
                return -ENOENT;
        if (!tried) {
                bool (*init)(const char *, FILE *);

                tried = true;
                h = dlopen("libsubid.so.4", RTLD_NOW | RTLD_LOCAL);
                init = h ? (bool (*)(const char *, FILE *)) dlsym(h, "subid_init") : NULL;
                if (init) {
                        /* Its messages go nowhere: ocirt reports the outcome itself. */
                        FILE *null = fopen("/dev/null", "we");
                        if (null)
                                (void) init("ocirt", null);
                }
        }
        if (!h)
                return -ENOENT;
        get = (int (*)(const char *, struct libsubid_range **)) dlsym(h, gid ? "subid_get_gid_ranges" : "subid_get_uid_ranges");
        if (!get)
                return -ENOENT;
        n = get(name, &r);
        if (n < 0)
                return -EIO;
        *ret = n > 0 ? xcalloc((size_t) n, sizeof **ret) : NULL;
        for (int i = 0; i < n; i++)
                (*ret)[i] = (struct subid_range){ .start = r[i].start, .count = r[i].count };
        *ret_n = (size_t) n;
        free(r);
        return 0;
}

static int
subid_from_file(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        *ret = NULL;
        *ret_n = 0;
        r = read_file_at(AT_FDCWD, gid ? "/etc/subgid" : "/etc/subuid", &text, &len);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return subid_parse(text, name, uid, ret, ret_n);
}

int
subid_lookup(bool gid, const char *name, uid_t uid, struct subid_range **ret, size_t *ret_n, const char **ret_source)
{
        *ret = NULL;
        *ret_n = 0;
        if (subid_from_libsubid(gid, name, ret, ret_n) == 0 && *ret_n > 0) {
                if (ret_source)
                        *ret_source = "libsubid";
                return 0;
        }
        if (ret_source)
                *ret_source = gid ? "/etc/subgid" : "/etc/subuid";
        return subid_from_file(gid, name, uid, ret, ret_n);
}

bool
uidmap_tool_privileged(const char *path, bool *ret_setuid, bool *ret_caps)
{
        struct stat st;
        bool su = false, caps = false;

        if (stat(path, &st) == 0)
                su = (st.st_mode & S_ISUID) && st.st_uid == 0;
        caps = getxattr(path, "security.capability", NULL, 0) > 0;
        if (ret_setuid)
                *ret_setuid = su;
        if (ret_caps)
                *ret_caps = caps;
        return su || caps;
}

/* ---- the check before the clone ---- */

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
