/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-layout.c: the host's cgroup mounts, the caller's own cgroup, and what a new directory needs
 * from its ancestors (see cgroup-layout.h). */
#include "config.h"

#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup/cgroup-layout.h"
#include "base/base.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

enum cgroup_layout
cgroup_layout_probe(void)
{
        struct statfs fs;

        if (statfs(CGROUP_ROOT, &fs) < 0)
                return CGROUP_LAYOUT_NONE;
        if ((unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC)
                return CGROUP_LAYOUT_V2;
        if (access(CGROUP_ROOT "/memory", F_OK) == 0 || access(CGROUP_ROOT "/pids", F_OK) == 0 ||
            access(CGROUP_ROOT "/cpu", F_OK) == 0 || access(CGROUP_ROOT "/freezer", F_OK) == 0)
                return CGROUP_LAYOUT_V1;
        return CGROUP_LAYOUT_NONE;
}

bool
cgroup_layout_is_v2(const char *path)
{
        struct statfs fs;
        return statfs(path, &fs) == 0 && (unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC;
}

bool
cgroup_layout_is_v1(const char *path)
{
        struct statfs fs;
        return statfs(path, &fs) == 0 && (unsigned long) fs.f_type == 0x27e0eb /* CGROUP_SUPER_MAGIC */;
}

/* /proc/self/cgroup, read once while cgroup_prepare runs (cgroup_own_cache): the start path
 * asks for the own cgroup of every hierarchy, and the kernel formats all of them on each read.
 * Outside it every call reads afresh (a long-lived library user may be moved between calls). */
static char *own_cache;
static bool own_cache_on;

void
cgroup_own_cache(bool on)
{
        free(own_cache);
        own_cache = NULL;
        own_cache_on = on;
}

int
cgroup_own_path(const char *controller, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t len;
        bool v2 = streq(controller, "unified");
        char *line, *save = NULL;
        int r;

        if (!own_cache) {
                r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &buf, &len);
                if (r < 0)
                        return r;
                if (own_cache_on)
                        own_cache = xstrdup(buf);
        } else
                buf = xstrdup(own_cache);
        for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *list = strchr(line, ':'), *path;
                if (!list)
                        continue;
                list++;
                path = strchr(list, ':');
                if (!path)
                        continue;
                *path++ = '\0';
                if (v2) {
                        if (*list == '\0') {
                                *ret = xstrdup(path);
                                return 0;
                        }
                        continue;
                }
                for (char *tok = list, *end; tok && *tok; tok = end) {
                        end = strchr(tok, ',');
                        if (end)
                                *end++ = '\0';
                        if (streq(tok, controller) || (streq(controller, "systemd") && streq(tok, "name=systemd"))) {
                                *ret = xstrdup(path);
                                return 0;
                        }
                }
        }
        return -ENOENT;
}

void
cgroup_own_moved(void)
{
        if (own_cache)
                cgroup_own_cache(own_cache_on);
}

/* v2 needs a controller enabled in every ancestor before the leaf shows the controller's files. */
int
cgroup_v2_enable(struct cgroup *cg, const char *controllers)
{
        const char *leaf = cgroup_dir_of(cg, CGROUP_V2);
        _cleanup_free_ char *p = NULL;
        size_t rootlen;
        const char *root;
        int r = 0;

        if (!leaf)
                return -ENOENT;
        root = cg->v2 ? CGROUP_ROOT : CGROUP_ROOT "/unified";
        rootlen = strlen(root);
        p = xstrdup(leaf);
        /* Walk each ancestor: root, root/a, root/a/b ... (not the leaf itself). */
        for (char *s = p + rootlen;;) {
                char saved = *s;
                _cleanup_free_ char *all = NULL;
                *s = '\0';
                /* One write with every controller; on a failure, one at a time, keeping what works. */
                all = xstrdup(controllers);
                if (cgroup_write(p, "cgroup.subtree_control", all) < 0) {
                        char *save = NULL;
                        for (char *t = strtok_r(all, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                                int q = cgroup_write(p, "cgroup.subtree_control", t);
                                if (q < 0 && r == 0)
                                        r = q;
                        }
                }
                *s = saved;
                if (saved == '\0')
                        break;
                s = strchr(s + 1, '/');
                if (!s)
                        break;
        }
        return r;
}

/* A new v1 cpuset cgroup starts with no cpus and no mems (nothing could run in it): copy the
 * parent's, from the top down, for every level that is still empty. */
void
cgroup_cpuset_fill(const char *root, const char *leaf)
{
        _cleanup_free_ char *p = xstrdup(leaf);
        size_t rootlen = strlen(root);

        for (char *s = strchr(p + rootlen + 1, '/');; s = strchr(s + 1, '/')) {
                char saved = s ? *s : '\0';
                if (s)
                        *s = '\0';
                for (int i = 0; i < 2; i++) {
                        const char *f = i ? "cpuset.mems" : "cpuset.cpus";
                        _cleanup_free_ char *cur = NULL, *parent = xstrdup(p), *pv = NULL;
                        char *slash = strrchr(parent, '/');
                        if (cgroup_read(p, f, &cur) < 0 || *cur)
                                continue;
                        *slash = '\0';
                        if (cgroup_read(parent, f, &pv) >= 0)
                                (void) cgroup_write(p, f, pv);
                }
                if (!s)
                        break;
                *s = saved;
        }
}
