/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* userns.c: the id mappings of a new user namespace, decided in the runtime and written either by
 * the child itself or by the runtime.
 *
 * Rootless with the caller's own uid/gid as the only mapping (the common case) needs no helper and
 * no round trip: a process may write a single-line map of its own euid/egid into its own new user
 * namespace once setgroups is denied. So the child writes its maps itself right after the clone.
 * Root writes arbitrary maps from the runtime. Wider rootless maps go through the setuid newuidmap
 * and newgidmap (ns/idmap.c), called by the runtime with the child's pid. */
#include "config.h"

#include <fcntl.h>

#include "ns/ns.h"
#include "base/base.h"

static bool
is_self_map(const struct spec_idmap *m, size_t n, uint32_t own)
{
        return n == 1 && m[0].size == 1 && m[0].host_id == own;
}

int
userns_plan(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;

        if (!c->new_ns[SPEC_NS_USER])
                return 0;
        if (l && l->n_uid_mappings > 0) {
                c->uid_map = l->uid_mappings;
                c->n_uid_map = l->n_uid_mappings;
        } else {
                c->uid_map = xcalloc(1, sizeof *c->uid_map);
                *c->uid_map = (struct spec_idmap){ .container_id = 0, .host_id = c->host_uid, .size = 1 };
                c->n_uid_map = 1;
        }
        if (l && l->n_gid_mappings > 0) {
                c->gid_map = l->gid_mappings;
                c->n_gid_map = l->n_gid_mappings;
        } else {
                c->gid_map = xcalloc(1, sizeof *c->gid_map);
                *c->gid_map = (struct spec_idmap){ .container_id = 0, .host_id = c->host_gid, .size = 1 };
                c->n_gid_map = 1;
        }

        if (geteuid() == 0) {
                c->maps_self_write = false;
                return 0;
        }
        if (is_self_map(c->uid_map, c->n_uid_map, c->host_uid) && is_self_map(c->gid_map, c->n_gid_map, c->host_gid)) {
                c->maps_self_write = true;
                return 0;
        }
        /* Wider than the caller's own ids: the setuid newuidmap/newgidmap write the maps from the runtime
         * while the child waits on SYNC_USERNS (ns/idmap.c). The ranges are checked against
         * /etc/subuid and /etc/subgid here, before anything exists on the host. */
        c->maps_self_write = false;
        return uidmap_check(c, err);
}

static char *
format_map(const struct spec_idmap *m, size_t n)
{
        size_t len = 0;
        char *s = xmalloc(n * 36 + 1);

        s[0] = '\0';
        for (size_t i = 0; i < n; i++)
                len += sprintf(s + len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
        return s;
}

/* Runs in: the child (self == true, pid ignored) or the runtime (self == false). */
int
userns_write_maps(struct container *c, pid_t pid, bool self, ocirt_error **err)
{
        _cleanup_free_ char *um = format_map(c->uid_map, c->n_uid_map), *gm = format_map(c->gid_map, c->n_gid_map);
        char dir[64];
        _cleanup_close_ int dfd = -1;
        int r;

        if (!self && geteuid() != 0)
                return uidmap_write_helpers(c, pid, err);
        if (self)
                snprintf(dir, sizeof dir, "/proc/self");
        else
                snprintf(dir, sizeof dir, "/proc/%d", (int) pid);
        dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return ocirt_fail(err, errno, "open %s", dir);

        if (self) {
                /* Required before an unprivileged gid_map write (since Linux 3.19). */
                r = write_file_at(dfd, "setgroups", "deny", 4);
                if (r < 0 && r != -ENOENT)
                        return ocirt_fail(err, -r, "write setgroups 'deny'");
        }
        r = write_file_at(dfd, "uid_map", um, strlen(um));
        if (r < 0)
                return ocirt_fail_at(err, -r, "uid_map", "check .linux.uidMappings and /proc/sys/user/max_user_namespaces",
                                     "write uid_map '%.*s'", (int) strcspn(um, "\n"), um);
        r = write_file_at(dfd, "gid_map", gm, strlen(gm));
        if (r < 0)
                return ocirt_fail_at(err, -r, "gid_map", "check .linux.gidMappings",
                                     "write gid_map '%.*s'", (int) strcspn(gm, "\n"), gm);
        return 0;
}
