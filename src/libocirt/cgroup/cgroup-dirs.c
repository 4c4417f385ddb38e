/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-dirs.c: a cgroup's list of directories, its record in the state dir and the files of one
 * directory (see cgroup-dirs.h). */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "cgroup/cgroup-dirs.h"
#include "base/base.h"
#include "state/state.h"

struct cgroup *
cgroup_new(ocirt_ctx *ctx, const struct cgroup_driver *driver)
{
        struct cgroup *cg = xcalloc(1, sizeof *cg);

        cg->ctx = ctx;
        cg->driver = driver;
        return cg;
}

void
cgroup_free(struct cgroup *cg)
{
        if (!cg)
                return;
        for (size_t i = 0; i < cg->n_dirs; i++) {
                free(cg->dirs[i].controller);
                free(cg->dirs[i].path);
        }
        free(cg->dirs);
        free(cg->path);
        free(cg->unit);
        free(cg);
}

void
cgroup_add_dir(struct cgroup *cg, const char *controller, const char *path)
{
        cg->dirs = xrealloc(cg->dirs, (cg->n_dirs + 1) * sizeof *cg->dirs);
        cg->dirs[cg->n_dirs].controller = xstrdup(controller);
        cg->dirs[cg->n_dirs].path = xstrdup(path);
        cg->n_dirs++;
}

const char *
cgroup_dir_of(const struct cgroup *cg, const char *controller)
{
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (streq(cg->dirs[i].controller, controller))
                        return cg->dirs[i].path;
        return NULL;
}

char *
cgroup_dirs_text(const struct cgroup *cg)
{
        char *s = xstrdup("");
        for (size_t i = 0; i < cg->n_dirs; i++) {
                char *t = xasprintf("%s%s=%s\n", s, cg->dirs[i].controller, cg->dirs[i].path);
                free(s);
                s = t;
        }
        return s;
}

struct cgroup *
cgroup_from_text(ocirt_ctx *ctx, const struct cgroup_driver *driver, const char *text)
{
        _cleanup_free_ char *buf = xstrdup(text);
        struct cgroup *cg = cgroup_new(ctx, driver);
        char *save = NULL;
        bool v1 = false;

        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(l, '=');
                if (!eq)
                        continue;
                *eq = '\0';
                cgroup_add_dir(cg, l, eq + 1);
                if (!streq(l, CGROUP_V2))
                        v1 = true;
        }
        cg->v2 = cg->n_dirs > 0 && !v1;
        return cg;
}

struct cgroup *
cgroup_subset(const struct cgroup *cg, bool skip_v2)
{
        struct cgroup *in = cgroup_new(cg->ctx, cg->driver);

        in->v2 = cg->v2;
        in->user = cg->user;
        in->unit = cg->unit ? xstrdup(cg->unit) : NULL;
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (!(skip_v2 && streq(cg->dirs[i].controller, CGROUP_V2)))
                        cgroup_add_dir(in, cg->dirs[i].controller, cg->dirs[i].path);
        return in;
}

void
cgroup_record_planned(struct container *c, const struct cgroup *cg, const char *driver)
{
        _cleanup_free_ char *dirs = cgroup_dirs_text(cg);

        container_set_extras(c,
                             (struct extra_kv[]){ { "cgroup.path", cg->path ? cg->path : "" },
                                                  { "cgroup.dirs", dirs },
                                                  { "cgroup.pending", "1" },
                                                  { "cgroup.driver", driver } },
                             4);
}

int
cgroup_write(const char *dir, const char *file, const char *value)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, value, strlen(value));
        if (n < 0)
                return -errno;
        return 0;
}

int
cgroup_read(const char *dir, const char *file, char **ret)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
        size_t len;
        int r = read_file_at(AT_FDCWD, p, ret, &len);
        if (r >= 0)
                while (len > 0 && ((*ret)[len - 1] == '\n' || (*ret)[len - 1] == ' '))
                        (*ret)[--len] = '\0';
        return r;
}

bool
cgroup_has_file(const char *dir, const char *file)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
        return access(p, F_OK) == 0;
}
