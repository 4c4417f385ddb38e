/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* checkpoint.c: `ocirt checkpoint` (issue 17) as a list of steps, and what CRIU must be told about
 * a container, which restore.c shares (checkpoint.h). CRIU itself is reached through
 * helpers/criu.c.
 *
 * What CRIU cannot see for itself, from the config:
 *   - bind mounts come from outside the container's mount namespace: each is an external mount
 *     keyed by its destination ("mnt[/data]:/data" at dump, "mnt[/data]:SOURCE" at restore), so a
 *     restore may bind another source (a new bundle);
 *   - a masked file is /dev/null bound over it, and in a user namespace every device node is a
 *     bind of the host's node: external too;
 *   - a joined network namespace is external ("net[INODE]:extRootNetNS"), handed back at restore
 *     as an inherited fd; other joined namespaces CRIU cannot restore, which is said before it runs;
 *   - the init's stdio: pipes (conmon, containerd's shim) are written to descriptors.json in the
 *     images, as runc does, and restore passes its own stdio in their place; a terminal's slave is
 *     dumped without its master (orphan_pts_master), and CRIU makes a new pty at restore, in the
 *     container's devpts with the same number, whose master restore.c sends to --console-socket.
 * Everything that can fail without CRIU (no criu, rootless without the capabilities CRIU needs,
 * a container that is not running) fails before anything is made. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>

#include "container/container.h"
#include "container/checkpoint.h"
#include "base/base.h"
#include "fs/fs.h"
#include "state/state.h"

#define DESCRIPTORS "descriptors.json"

static bool
is_bind(const struct spec_mount *m)
{
        if (m->type && streq(m->type, "bind"))
                return true;
        for (size_t i = 0; i < m->n_options; i++)
                if (streq(m->options[i], "bind") || streq(m->options[i], "rbind"))
                        return true;
        return false;
}

static void
push_ext(char ***ext, const char *key, const char *val)
{
        _cleanup_free_ char *s = xasprintf("mnt[%s]:%s", key, val);

        strv_push(ext, s);
}

int
criu_describe_mounts(const struct spec *s, const char *bundle, pid_t pid, bool restore, char ***ext, ocirt_error **err)
{
        const struct spec_linux *l = s->linux_;
        const struct spec_namespace *user = spec_find_ns(s, SPEC_NS_USER);

        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                _cleanup_free_ char *src = NULL;

                if (!is_bind(m) || !m->source)
                        continue;
                src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
                push_ext(ext, m->destination, restore ? src : m->destination);
        }
        for (size_t i = 0; l && i < l->n_masked_paths; i++) {
                const char *p = l->masked_paths[i];
                struct stat st;

                if (!restore) {
                        /* Only files are /dev/null binds; a masked directory is a tmpfs CRIU restores
                         * itself, and a path the container lacks was not masked at all. */
                        _cleanup_free_ char *in = xasprintf("/proc/%d/root%s", (int) pid, p);

                        if (stat(in, &st) < 0 || S_ISDIR(st.st_mode))
                                continue;
                }
                push_ext(ext, p, restore ? "/dev/null" : p);
        }
        if (user && !user->path) {
                /* devices.c binds the host's nodes in a user namespace (mknod is refused there). */
                static const char *const defaults[] = { "/dev/null", "/dev/zero", "/dev/full",
                                                        "/dev/random", "/dev/urandom", "/dev/tty" };

                for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
                        push_ext(ext, defaults[i], defaults[i]);
                for (size_t i = 0; l && i < l->n_devices; i++)
                        push_ext(ext, l->devices[i].path, l->devices[i].path);
        }
        (void) err;
        return 0;
}

/* Below a tmpfs of the config: CRIU restores the tmpfs's contents, mount points included. */
static bool
below_tmpfs(const struct spec *s, const char *dest)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                size_t n = strlen(m->destination);

                if (m->type && streq(m->type, "tmpfs") && strncmp(dest, m->destination, n) == 0 &&
                    (dest[n] == '/' || (n == 1 && dest[0] == '/' && dest[1])))
                        return true;
        }
        return false;
}

void
criu_make_mountpoints(const struct spec *s, const char *bundle, const char *rootfs)
{
        _cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

        for (size_t i = 0; rootfd >= 0 && i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                _cleanup_free_ char *src = NULL;
                struct stat st;
                int fd = -1;

                if (!is_bind(m) || !m->source || below_tmpfs(s, m->destination))
                        continue;
                src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
                /* Best effort: what cannot be made here, CRIU's error names. */
                if (pathres_open(rootfd, m->destination,
                                 stat(src, &st) == 0 && !S_ISDIR(st.st_mode) ? PATHRES_MKFILE : PATHRES_MKDIR, &fd,
                                 NULL) >= 0)
                        close(fd);
        }
}

int
criu_describe_namespaces(const struct spec *s, bool restore, char ***ext, struct criu_inherit *ret_net, ocirt_error **err)
{
        const struct spec_linux *l = s->linux_;

        ret_net->fd = -1;
        for (size_t i = 0; l && i < l->n_namespaces; i++) {
                const struct spec_namespace *ns = &l->namespaces[i];
                _cleanup_free_ char *e = NULL;
                struct stat st;

                if (!ns->path)
                        continue;
                if (ns->type != SPEC_NS_NETWORK)
                        return ocirt_fail_at(err, EOPNOTSUPP, NULL, "let the container create its own namespace of that type",
                                             "the container joins the %s namespace '%s': CRIU cannot checkpoint or "
                                             "restore a joined %s namespace",
                                             spec_ns_name(ns->type), ns->path, spec_ns_name(ns->type));
                if (restore) {
                        int fd = open(ns->path, O_RDONLY | O_CLOEXEC);

                        if (fd < 0)
                                return ocirt_fail(err, errno, "open the network namespace '%s'", ns->path);
                        *ret_net = (struct criu_inherit){ .key = "extRootNetNS", .fd = fd };
                        continue;
                }
                if (stat(ns->path, &st) < 0)
                        return ocirt_fail(err, errno, "stat the network namespace '%s'", ns->path);
                e = xasprintf("net[%llu]:extRootNetNS", (unsigned long long) st.st_ino);
                strv_push(ext, e);
        }
        return 0;
}

int
criu_cg_mode_parse(const char *s, int *ret, ocirt_error **err)
{
        static const struct {
                const char *name;
                int mode;
        } modes[] = { { "soft", CRIU_CG_SOFT },     { "full", CRIU_CG_FULL },   { "strict", CRIU_CG_STRICT },
                      { "ignore", CRIU_CG_IGNORE }, { "props", CRIU_CG_PROPS }, { "none", CRIU_CG_NONE } };

        *ret = CRIU_CG_UNSET;
        if (!s)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (streq(s, modes[i].name)) {
                        *ret = modes[i].mode;
                        return 0;
                }
        return ocirt_fail_at(err, EINVAL, "--manage-cgroups-mode", "use soft, full, strict or ignore",
                             "unknown mode '%s'", s);
}

int
criu_empty_ns_parse(const char *const *names, size_t n, uint32_t *ret, ocirt_error **err)
{
        *ret = 0;
        for (size_t i = 0; i < n; i++) {
                /* CRIU can leave only the network namespace empty (rpc.proto: empty_ns). */
                if (!streq(names[i], "network") && !streq(names[i], "net"))
                        return ocirt_fail_at(err, EINVAL, "--empty-ns", "only 'network' can be left empty",
                                             "unsupported namespace '%s'", names[i]);
                *ret |= CLONE_NEWNET;
        }
        return 0;
}

int
criu_options_check(const ocirt_criu_options *o, ocirt_error **err)
{
        uint32_t ns;
        int mode, r;

        r = criu_cg_mode_parse(o->manage_cgroups_mode, &mode, err);
        if (r >= 0)
                r = criu_empty_ns_parse(o->empty_ns, o->n_empty_ns, &ns, err);
        return r;
}

int
criu_lazy_preflight(const char *what, ocirt_error **err)
{
        _cleanup_free_ char *why = NULL;
        int r = criu_lazy_pages_check(&why, err);

        if (r < 0)
                return ocirt_wrap(err, "%s --lazy-pages", what);
        if (r == 0) {
                /* criu's words are the reason: no errno text after them. */
                _cleanup_free_ char *msg = xasprintf(
                        "--lazy-pages\x1fleave out --lazy-pages, or use a kernel that criu works on (ocirt "
                        "check) with userfaultfd (CONFIG_USERFAULTFD, Linux 4.11+)\x1f"
                        "criu cannot do lazy pages here: %s (criu check --feature uffd-noncoop)",
                        why ? why : "no reason given");

                return ocirt_error_from_child(err, EOPNOTSUPP, msg);
        }
        return 0;
}

int
criu_preflight(ocirt_ctx *ctx, const char *what, ocirt_error **err)
{
        _cleanup_free_ char *path = NULL;
        bool setuid_bit = false, caps = false;
        int r;

        r = helper_find(HELPER_CRIU, &path, err);
        if (r < 0)
                return ocirt_wrap(err, "%s needs CRIU", what);
        /* CRIU reads and writes other processes' memory, registers and /proc/PID/map_files: it needs
         * CAP_SYS_ADMIN, or CAP_CHECKPOINT_RESTORE (+ CAP_SYS_PTRACE) in a criu with an unprivileged
         * mode. A rootless caller has neither unless the binary carries them. */
        if (geteuid() != 0 && ctx_is_rootless(ctx) && !uidmap_tool_privileged(path, &setuid_bit, &caps))
                return ocirt_fail_at(err, EPERM, NULL,
                                     "run it as root, or, with a criu that supports unprivileged use, give it the "
                                     "capabilities: sudo setcap cap_checkpoint_restore,cap_sys_ptrace+eip PATH",
                                     "%s of a rootless container: CRIU (%s) needs CAP_SYS_ADMIN or "
                                     "CAP_CHECKPOINT_RESTORE (Linux 5.9+), and as your user it has neither",
                                     what, path);
        return 0;
}

int
criu_dirs_open(const char *image_path, const char *work_path, bool make, struct criu_dirs *d, ocirt_error **err)
{
        struct stat st;

        *d = (struct criu_dirs){ .images_fd = -1, .work_fd = -1 };
        d->images = realpath(image_path, NULL);
        if (!d->images) {
                int r = errno == ENOENT && make ? mkdir_p(image_path, 0700) : -errno;

                if (r < 0)
                        return ocirt_fail_at(err, -r, "--image-path", NULL, "'%s'", image_path);
                d->images_made = true;
                d->images = realpath(image_path, NULL);
        }
        if (!d->images || (d->images_fd = open(d->images, O_DIRECTORY | O_RDONLY | O_CLOEXEC)) < 0)
                return ocirt_fail_at(err, errno, "--image-path", NULL, "'%s'", image_path);
        if (!work_path) {
                d->work = xstrdup(d->images);
                return 0;
        }
        if (stat(work_path, &st) < 0) {
                int r = errno == ENOENT ? mkdir_p(work_path, 0700) : -errno;

                if (r < 0)
                        return ocirt_fail_at(err, -r, "--work-path", NULL, "'%s'", work_path);
        }
        d->work = realpath(work_path, NULL);
        if (!d->work || (d->work_fd = open(d->work, O_DIRECTORY | O_RDONLY | O_CLOEXEC)) < 0)
                return ocirt_fail_at(err, errno, "--work-path", NULL, "'%s'", work_path);
        return 0;
}

void
criu_dirs_done(struct criu_dirs *d, bool failed, const char *log_name)
{
        if (failed && d->images_made && d->images_fd >= 0) {
                int fd = dup(d->images_fd);
                DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
                struct dirent *de;
                bool kept = false;

                while (dir && (de = readdir(dir)))
                        if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                                if (d->work_fd < 0 && streq(de->d_name, log_name))
                                        kept = true;
                                else
                                        (void) rm_rf_at(d->images_fd, de->d_name);
                        }
                if (dir)
                        closedir(dir);
                else if (fd >= 0)
                        close(fd);
                if (!kept)
                        (void) rmdir(d->images);
        }
        if (d->images_fd >= 0)
                close(d->images_fd);
        if (d->work_fd >= 0)
                close(d->work_fd);
        free(d->images);
        free(d->work);
        *d = (struct criu_dirs){ .images_fd = -1, .work_fd = -1 };
}

const char *
criu_config_file(const struct spec *s)
{
        const char *a = spec_annotation(s, "org.criu.config");

        if (a)
                return *a ? a : NULL; /* "" turns the default off, as in runc */
        return access("/etc/criu/ocirt.conf", R_OK) == 0 ? "/etc/criu/ocirt.conf" : NULL;
}

/* descriptors.json: where the init's fds 0-2 pointed ("pipe:[1234]", "/dev/pts/0"), for restore. */
static int
write_descriptors(int images_fd, pid_t pid, ocirt_error **err)
{
        json_t *a = json_array();
        char *text;
        int r;

        for (int fd = 0; fd < 3; fd++) {
                char p[64], target[PATH_MAX];
                ssize_t n;

                snprintf(p, sizeof p, "/proc/%d/fd/%d", (int) pid, fd);
                n = readlink(p, target, sizeof target - 1);
                target[n > 0 ? n : 0] = '\0';
                json_array_append_new(a, json_string(target));
        }
        text = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        if (!text)
                abort();
        r = write_file_atomic_at(images_fd, DESCRIPTORS, text, strlen(text), 0600);
        free(text);
        return r < 0 ? ocirt_fail(err, -r, "write %s", DESCRIPTORS) : 0;
}

int
criu_read_descriptors(int images_fd, struct criu_inherit *inherit, size_t *n, char ***keys)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        json_t *a;

        if (read_file_at(images_fd, DESCRIPTORS, &text, &len) < 0)
                return 0; /* images from another tool: CRIU restores the pipes as they were */
        a = json_loadb(text, len, 0, NULL);
        for (size_t i = 0; a && json_is_array(a) && i < json_array_size(a) && i < 3; i++) {
                const char *t = json_string_value(json_array_get(a, i));

                if (t && startswith(t, "pipe:"))
                        strv_push(keys, t);
                else
                        continue;
                inherit[(*n)++] = (struct criu_inherit){ .key = (*keys)[strv_length(*keys) - 1], .fd = (int) i };
        }
        json_decref(a);
        return 0;
}

struct loaded {
        int dirfd;
        struct state st;
        struct spec *spec;
};

static int
load_running(ocirt_ctx *ctx, const char *id, struct loaded *l, ocirt_error **err)
{
        _cleanup_free_ char *cfg = NULL, *buf = NULL;
        enum state_status status;
        size_t len;
        int r;

        r = state_dir_open(ctx, id, &l->dirfd, err);
        if (r < 0)
                return r;
        r = state_read(l->dirfd, id, &l->st, err);
        if (r < 0)
                return r;
        status = state_status(l->dirfd, &l->st);
        if (status != STATUS_RUNNING && status != STATUS_PAUSED)
                return ocirt_fail_at(err, EINVAL, NULL, status == STATUS_CREATED ? "start it first: ocirt start ID" : NULL,
                                     "container is %s, not running", state_status_name(status));
        cfg = state_config_path(&l->st);
        r = read_file_at(AT_FDCWD, cfg, &buf, &len);
        if (r < 0)
                return ocirt_fail_at(err, -r, cfg, NULL, "cannot read the container's config");
        return spec_parse(buf, len, cfg, &l->spec, err);
}

/* --page-server ADDRESS:PORT (an IPv6 address in brackets or not: the port is after the last ':'). */
static int
page_server_parse(const char *s, char **ret_addr, int *ret_port, ocirt_error **err)
{
        const char *colon = strrchr(s, ':');
        char *end;
        long port;
        size_t n;

        if (!colon || colon == s)
                return ocirt_fail_at(err, EINVAL, "--page-server", "give ADDRESS:PORT, as 127.0.0.1:27277",
                                     "'%s' has no %s", s, colon ? "address" : "port");
        errno = 0;
        port = strtol(colon + 1, &end, 10);
        if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
                return ocirt_fail_at(err, EINVAL, "--page-server", "give ADDRESS:PORT with a port 1-65535",
                                     "'%s': bad port '%s'", s, colon + 1);
        n = (size_t) (colon - s);
        if (s[0] == '[' && n > 2 && s[n - 1] == ']')
                *ret_addr = xstrndup(s + 1, n - 2);
        else
                *ret_addr = xstrndup(s, n);
        *ret_port = (int) port;
        return 0;
}

/* What only checkpoint takes: --page-server, and --status-fd and --lazy-pages with what they need. */
static int
lazy_options_check(const ocirt_checkpoint_options *co, char **ret_addr, int *ret_port, ocirt_error **err)
{
        bool lazy = co->criu.flags & OCIRT_CHECKPOINT_LAZY_PAGES;
        int fl, r;

        *ret_addr = NULL;
        *ret_port = 0;
        if (co->page_server) {
                r = page_server_parse(co->page_server, ret_addr, ret_port, err);
                if (r < 0)
                        return r;
        }
        if (co->status_fd > 0 && !lazy)
                return ocirt_fail_at(err, EINVAL, "--status-fd", "pass it with --lazy-pages, or leave it out",
                                     "only --lazy-pages writes to it");
        if (!lazy)
                return 0;
        if (co->criu.flags & OCIRT_CHECKPOINT_PRE_DUMP)
                return ocirt_fail_at(err, EINVAL, "--lazy-pages", "pre-dump without it, then dump with it",
                                     "a pre-dump writes the memory, it cannot be lazy");
        if (!co->page_server)
                return ocirt_fail_at(err, EINVAL, "--lazy-pages",
                                     "add --page-server ADDRESS:PORT, where criu lazy-pages will fetch them",
                                     "lazy pages are served by CRIU's page server, and no --page-server was given");
        if (co->status_fd > 0) {
                fl = fcntl(co->status_fd, F_GETFL);
                if (fl < 0)
                        return ocirt_fail_at(err, errno, "--status-fd", "open it for writing first (exec N>PIPE)",
                                             "fd %d", co->status_fd);
                if ((fl & O_ACCMODE) == O_RDONLY)
                        return ocirt_fail_at(err, EBADF, "--status-fd", "open it for writing (exec N>PIPE)",
                                             "fd %d is open for reading only", co->status_fd);
        }
        return 0;
}

/* The page server is up: the one '\0' byte on --status-fd that tells the caller to start
 * `criu lazy-pages` and the restore (criu 3.15+ says it with the "status-ready" notification).
 * As runc, a caller that stopped listening does not undo the dump: with SIGPIPE blocked a closed
 * pipe is EPIPE (its pending SIGPIPE taken away again), not the end of this process. */
static int
on_dump_notify(void *userdata, const char *script, pid_t pid, int fd, ocirt_error **err)
{
        static const struct timespec now = { 0, 0 };
        int *status_fd = userdata;
        sigset_t pipe_set, old;
        ssize_t n;

        (void) pid;
        (void) fd;
        (void) err;
        if (!streq(script, "status-ready") || *status_fd <= 0)
                return 0;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
        do
                n = write(*status_fd, "", 1);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EPIPE && !sigismember(&old, SIGPIPE))
                (void) sigtimedwait(&pipe_set, NULL, &now);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        close(*status_fd);
        *status_fd = -1;
        return 0;
}

static int
dump(struct loaded *l, const ocirt_checkpoint_options *co, struct criu_dirs *d, const char *log, ocirt_error **err)
{
        const ocirt_criu_options *o = &co->criu;
        _cleanup_strv_ char **ext = NULL;
        _cleanup_free_ char *ps_addr = NULL;
        struct criu_inherit net;
        struct criu_result res;
        bool pre = o->flags & OCIRT_CHECKPOINT_PRE_DUMP, lazy = o->flags & OCIRT_CHECKPOINT_LAZY_PAGES;
        uint32_t empty_ns = 0;
        int cg_mode, ps_port, status_fd = co->status_fd, r; /* on_dump_notify writes, closes and clears it */

        r = lazy_options_check(co, &ps_addr, &ps_port, err);
        if (r >= 0)
                r = criu_cg_mode_parse(o->manage_cgroups_mode, &cg_mode, err);
        if (r >= 0)
                r = criu_empty_ns_parse(o->empty_ns, o->n_empty_ns, &empty_ns, err);
        if (r >= 0)
                r = criu_describe_mounts(l->spec, l->st.bundle, l->st.pid, false, &ext, err);
        if (r >= 0)
                r = criu_describe_namespaces(l->spec, false, &ext, &net, err);
        if (r < 0)
                return r;
        if (!pre) {
                r = write_descriptors(d->images_fd, l->st.pid, err);
                if (r < 0)
                        return r;
        }
        return criu_run(&(struct criu_request){
                                .action = pre ? CRIU_ACTION_PRE_DUMP : CRIU_ACTION_DUMP,
                                .pid = l->st.pid,
                                .images_fd = d->images_fd,
                                .work_fd = d->work_fd,
                                .work_path = d->work,
                                .log_name = log,
                                .leave_running = o->flags & OCIRT_CHECKPOINT_LEAVE_RUNNING,
                                .tcp_established = o->flags & OCIRT_CHECKPOINT_TCP_ESTABLISHED,
                                .ext_unix_sk = o->flags & OCIRT_CHECKPOINT_EXT_UNIX_SK,
                                .shell_job = o->flags & OCIRT_CHECKPOINT_SHELL_JOB,
                                .file_locks = o->flags & OCIRT_CHECKPOINT_FILE_LOCKS,
                                .auto_dedup = o->flags & OCIRT_CHECKPOINT_AUTO_DEDUP,
                                .lazy_pages = lazy,
                                .ps_address = ps_addr,
                                .ps_port = ps_port,
                                .notify_scripts = lazy && status_fd > 0,
                                .on_notify = on_dump_notify,
                                .notify_data = &status_fd,
                                /* The pty's master is ours, not the container's: CRIU dumps the
                                 * slave alone (as runc and crun ask) and restore makes a new pair. */
                                .orphan_pts_master = l->spec->process && l->spec->process->terminal,
                                .track_mem = pre || co->parent_path,
                                .parent_img = co->parent_path,
                                .manage_cgroups_mode = cg_mode,
                                .empty_ns = empty_ns,
                                .config_file = criu_config_file(l->spec),
                                .external = ext,
                        },
                        &res, err);
}

_public_ int
ocirt_container_checkpoint(ocirt_ctx *ctx, const char *id, const ocirt_checkpoint_options *co, ocirt_error **err)
{
        static const ocirt_checkpoint_options none = { { 0 } };
        const ocirt_criu_options *o;
        struct loaded l = { .dirfd = -1 };
        struct criu_dirs d = { .images_fd = -1, .work_fd = -1 };
        const char *log;
        bool stays;
        int r;

        if (!co)
                co = &none;
        o = &co->criu;
        log = o->flags & OCIRT_CHECKPOINT_PRE_DUMP ? "pre-dump.log" : "dump.log";
        stays = o->flags & (OCIRT_CHECKPOINT_LEAVE_RUNNING | OCIRT_CHECKPOINT_PRE_DUMP);
        r = ocirt_id_validate(id, err);
        if (r >= 0)
                r = criu_options_check(o, err);
        if (r >= 0) {
                _cleanup_free_ char *addr = NULL;
                int port;

                r = lazy_options_check(co, &addr, &port, err);
        }
        if (r >= 0)
                r = load_running(ctx, id, &l, err);
        if (r >= 0)
                r = criu_preflight(ctx, "checkpoint", err);
        if (r >= 0 && o->flags & OCIRT_CHECKPOINT_LAZY_PAGES)
                r = criu_lazy_preflight("checkpoint", err);
        if (r >= 0)
                r = criu_dirs_open(o->image_path ? o->image_path : "checkpoint", o->work_path, true, &d, err);
        if (r >= 0)
                r = dump(&l, co, &d, log, err);
        criu_dirs_done(&d, r < 0, log);
        if (l.dirfd >= 0)
                close(l.dirfd); /* the lock: delete takes it next */
        /* The dump ended the container's processes (as runc): its state and cgroup go too. */
        if (r >= 0 && !stays) {
                _cleanup_error_ ocirt_error *e = NULL;

                if (ocirt_container_delete(ctx, id, OCIRT_DELETE_FORCE, &e) < 0)
                        ocirt_log(ctx, OCIRT_LOG_WARNING, 0, "checkpoint '%s': the container's state stays: %s", id,
                                  ocirt_error_message(e));
        }
        if (r < 0)
                container_wrap_op(err, "checkpoint", id);
        state_done(&l.st);
        spec_free(l.spec);
        return r;
}
