/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.c: state directories, state.json, locking, status derivation, list (see state.h). */
#include "config.h"

#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "base/base.h"
#include "config/spec.h"
#include "state/state.h"

const char *
state_status_name(enum state_status s)
{
        static const char *const n[] = { "creating", "created", "running", "stopped", "paused" };
        return n[s];
}

char *
rfc3339_now(void)
{
        struct timespec ts;
        struct tm tm;
        char buf[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

static int
open_root(ocirt_ctx *ctx, int *ret, ocirt_error **err)
{
        const char *root;
        int r, fd;

        r = ctx_state_root(ctx, &root, err);
        if (r < 0)
                return r;
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return ocirt_fail(err, errno, "open state root '%s'", root);
        *ret = fd;
        return 0;
}

static int
lock_dir(int fd, const char *id, ocirt_error **err)
{
        /* Blocking: operations on one container are short and must not interleave. */
        while (flock(fd, LOCK_EX) < 0) {
                if (errno != EINTR)
                        return ocirt_fail(err, errno, "lock state of '%s'", id);
        }
        return 0;
}

struct rm_data {
        ocirt_ctx *ctx;
        char id[];
};

static int
undo_rm_state(void *data, ocirt_error **err)
{
        struct rm_data *d = data;
        return state_dir_remove(d->ctx, d->id, err);
}

int
state_dir_create(ocirt_ctx *ctx, const char *id, int *ret_dirfd, struct undo *undo, ocirt_error **err)
{
        _cleanup_close_ int rootfd = -1, fd = -1;
        struct rm_data *d;
        int r;

        r = open_root(ctx, &rootfd, err);
        if (r < 0)
                return r;
        if (mkdirat(rootfd, id, 0700) < 0) {
                if (errno == EEXIST)
                        return ocirt_fail_at(err, EEXIST, id, "choose another id, or 'ocirt delete' the old one",
                                             "container '%s' already exists", id);
                return ocirt_fail(err, errno, "create state directory for '%s'", id);
        }
        d = xmalloc(sizeof *d + strlen(id) + 1);
        d->ctx = ctx;
        strcpy(d->id, id);
        undo_push(undo, "remove state directory", undo_rm_state, d);

        fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return ocirt_fail(err, errno, "open state directory of '%s'", id);
        r = lock_dir(fd, id, err);
        if (r < 0)
                return r;
        *ret_dirfd = TAKE_FD(fd);
        return 0;
}

int
state_dir_open(ocirt_ctx *ctx, const char *id, int *ret_dirfd, ocirt_error **err)
{
        _cleanup_close_ int rootfd = -1, fd = -1;
        int r;

        r = open_root(ctx, &rootfd, err);
        if (r < 0)
                return r;
        fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return ocirt_fail_at(err, ENOENT, id, "see 'ocirt list'", "container '%s' does not exist",
                                             id);
                return ocirt_fail(err, errno, "open state of '%s'", id);
        }
        r = lock_dir(fd, id, err);
        if (r < 0)
                return r;
        *ret_dirfd = TAKE_FD(fd);
        return 0;
}

int
state_dir_remove(ocirt_ctx *ctx, const char *id, ocirt_error **err)
{
        _cleanup_close_ int rootfd = -1;
        int r;

        r = open_root(ctx, &rootfd, err);
        if (r < 0)
                return r;
        r = rm_rf_at(rootfd, id);
        if (r < 0)
                return ocirt_fail(err, -r, "remove state directory of '%s'", id);
        return 0;
}

static json_t *
kv_json(const struct spec_kv *kv, size_t n)
{
        json_t *a = json_object();

        for (size_t i = 0; i < n; i++)
                json_object_set_new(a, kv[i].key, json_string(kv[i].value));
        return a;
}

static size_t
kv_read(json_t *a, struct spec_kv **ret)
{
        const char *k;
        json_t *v;
        size_t i = 0;

        *ret = NULL;
        if (!json_is_object(a) || json_object_size(a) == 0)
                return 0;
        *ret = xcalloc(json_object_size(a), sizeof **ret);
        json_object_foreach(a, k, v)
        {
                (*ret)[i].key = xstrdup(k);
                (*ret)[i].value = xstrdup(strempty(json_string_value(v)));
                i++;
        }
        return i;
}

static void
kv_free(struct spec_kv *kv, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

const char *
state_get_extra(const struct state *st, const char *key)
{
        for (size_t i = 0; i < st->n_extra; i++)
                if (streq(st->extra[i].key, key))
                        return st->extra[i].value;
        return NULL;
}

char *
state_config_path(const struct state *st)
{
        const char *given = state_get_extra(st, "config");

        return given ? xstrdup(given) : xasprintf("%s/config.json", st->bundle);
}

int
state_write(int dirfd, const struct state *st, ocirt_error **err)
{
        return state_write_file(dirfd, "state.json", st, err);
}

int
state_write_file(int dirfd, const char *name, const struct state *st, ocirt_error **err)
{
        json_t *o = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:i, s:b}", "ociVersion", st->oci_version, "id",
                              st->id, "pid", (int) st->pid, "starttime", (json_int_t) st->start_time, "bundle",
                              st->bundle, "rootfs", st->rootfs, "created", st->created, "owner", (int) st->owner,
                              "ownPidns", st->own_pidns);
        _cleanup_free_ char *s = NULL;
        int r;

        if (!o)
                return ocirt_fail(err, EINVAL, "state: cannot encode");
        json_object_set_new(o, "annotations", kv_json(st->annotations, st->n_annotations));
        json_object_set_new(o, "ocirt", kv_json(st->extra, st->n_extra));
        s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        r = write_file_swap_at(dirfd, name, s, strlen(s), 0600);
        if (r < 0)
                return ocirt_fail(err, -r, "write %s of '%s'", name, st->id);
        return 0;
}

static char *
jstr(json_t *o, const char *k)
{
        const char *s = json_string_value(json_object_get(o, k));
        return xstrdup(s ? s : "");
}

int
state_read(int dirfd, const char *id, struct state *ret, ocirt_error **err)
{
        return state_read_file(dirfd, "state.json", id, ret, err);
}

int
state_read_file(int dirfd, const char *name, const char *id, struct state *ret, ocirt_error **err)
{
        _cleanup_free_ char *buf = NULL;
        json_error_t je;
        json_t *o, *a;
        int r;

        r = read_file_at(dirfd, name, &buf, NULL);
        if (r < 0) {
                if (r == -ENOENT)
                        return -ENOENT; /* still being created: not an error for list/state */
                return ocirt_fail(err, -r, "read state of '%s'", id);
        }
        o = json_loads(buf, 0, &je);
        if (!o || !json_is_object(o)) {
                json_decref(o);
                return ocirt_fail_at(err, EIO, name, "delete the container with 'ocirt delete --force'",
                                     "state of '%s' is corrupt: %s", id, je.text);
        }
        if (!json_is_string(json_object_get(o, "id"))) {
                /* Cut short to something that still parses ("{}"): no pid, no cgroup to act on. */
                json_decref(o);
                return ocirt_fail_at(err, EIO, name, "delete the container with 'ocirt delete --force'",
                                     "state of '%s' is corrupt: no \"id\"", id);
        }
        *ret = (struct state){ 0 };
        ret->oci_version = jstr(o, "ociVersion");
        ret->id = jstr(o, "id");
        ret->pid = (pid_t) json_integer_value(json_object_get(o, "pid"));
        ret->start_time = (unsigned long long) json_integer_value(json_object_get(o, "starttime"));
        ret->bundle = jstr(o, "bundle");
        ret->rootfs = jstr(o, "rootfs");
        ret->created = jstr(o, "created");
        ret->owner = (uid_t) json_integer_value(json_object_get(o, "owner"));
        ret->own_pidns = json_is_true(json_object_get(o, "ownPidns"));
        a = json_object_get(o, "annotations");
        ret->n_annotations = kv_read(a, &ret->annotations);
        ret->n_extra = kv_read(json_object_get(o, "ocirt"), &ret->extra);
        json_decref(o);
        return 0;
}

void
state_done(struct state *st)
{
        free(st->oci_version);
        free(st->id);
        free(st->bundle);
        free(st->rootfs);
        free(st->created);
        kv_free(st->annotations, st->n_annotations);
        kv_free(st->extra, st->n_extra);
        *st = (struct state){ 0 };
}

int
proc_pid_start_time(pid_t pid, unsigned long long *ret_start, char *ret_state)
{
        char path[64], buf[1024], *p;
        _cleanup_close_ int fd = -1;
        ssize_t n;
        unsigned long long start = 0;
        char st;
        int field;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        n = read(fd, buf, sizeof buf - 1);
        if (n <= 0)
                return -ESRCH;
        buf[n] = '\0';
        /* comm may contain spaces and parentheses: fields restart after the last ')'. */
        p = strrchr(buf, ')');
        if (!p || p[1] != ' ')
                return -EIO;
        p += 2;
        st = *p;
        for (field = 3; field < 22 && p; field++) {
                p = strchr(p, ' ');
                if (p)
                        p++;
        }
        if (!p)
                return -EIO;
        start = strtoull(p, NULL, 10);
        if (ret_start)
                *ret_start = start;
        if (ret_state)
                *ret_state = st;
        return 0;
}

enum state_status
state_status(int dirfd, const struct state *st)
{
        unsigned long long start;
        char s;

        if (st->pid <= 0)
                return STATUS_STOPPED;
        if (proc_pid_start_time(st->pid, &start, &s) < 0 || start != st->start_time || s == 'Z' || s == 'X')
                return STATUS_STOPPED;
        if (faccessat(dirfd, STATE_START_SOCK, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return STATUS_CREATED;
        return STATUS_RUNNING;
}

char *
state_owner_name(uid_t uid)
{
        struct passwd *pw = getpwuid(uid);

        return pw ? xstrdup(pw->pw_name) : xasprintf("#%u", (unsigned) uid);
}

char *
state_to_json(const struct state *st, enum state_status status, bool pretty)
{
        _cleanup_free_ char *owner = state_owner_name(st->owner);
        json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "ociVersion", st->oci_version, "id", st->id,
                              "status", state_status_name(status), "pid",
                              status == STATUS_STOPPED ? 0 : (int) st->pid, "bundle", st->bundle, "rootfs",
                              st->rootfs, "created", st->created, "owner", owner);
        char *s;

        if (st->n_annotations > 0)
                json_object_set_new(o, "annotations", kv_json(st->annotations, st->n_annotations));
        s = json_dumps(o, pretty ? JSON_INDENT(2) | JSON_PRESERVE_ORDER : JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        return s;
}
