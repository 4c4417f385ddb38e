/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-idmap-runtime.c: the runtime's side of the binds of a container with a user namespace of
 * its own (mount-idmap.c has the init's). Runs in: the runtime, once it has written the namespace's
 * maps, while the init waits for them. A root runtime clones and idmaps the tree of each idmap or
 * ridmap bind, opens the source of every other bind, and sends each fd to the init, which attaches
 * it at its place in the mounts list. */
#include "config.h"

#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "fs/fs-internal.h"
#include "base/base.h"

struct idmap_req {
        size_t index;
        char *src;      /* absolute */
        bool plain;     /* not idmapped: an O_PATH fd of the source only */
        bool open_rec;  /* rbind: the tree with its submounts */
        bool attr_rec;  /* ridmap: the mapping on every mount of it */
        int userns_fd;  /* the mapping */
};

enum { IDMAP_SETNS = 1, IDMAP_OPEN, IDMAP_SET };

/* Runs in: a child of the runtime. In the init's mount namespace, so that the trees it clones are
 * what the init itself would bind, with the kernel's locks on the submounts copied into that
 * namespace (the container cannot unmount one to see what it covers). Sends one SYNC_IDMAP_FD per
 * request (pid = its number), or a SYNC_ERROR (level = the step, pid = the request) and stops. */
_noreturn_ static void
idmap_helper(pid_t init, const struct idmap_req *q, size_t n, int sock)
{
        struct sync_msg m = { .type = SYNC_ERROR };
        char path[64];
        int fd;

        (void) snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int) init);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNS) < 0) {
                m.errnum = errno;
                m.level = IDMAP_SETNS;
                (void) sync_send_msg(sock, &m, -1, NULL);
                _exit(1);
        }
        for (size_t i = 0; i < n; i++) {
                int t = q[i].plain ? open(q[i].src, O_PATH | O_CLOEXEC)
                                   : sys_open_tree(AT_FDCWD, q[i].src,
                                                   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (q[i].open_rec ? AT_RECURSIVE : 0));
                int r = t < 0 ? -errno : q[i].plain ? 0 : mount_set_idmap(t, q[i].userns_fd, q[i].attr_rec);

                if (r < 0 && q[i].plain) {
                        /* No fd: the init opens the source itself and says what is wrong with it. */
                        if (sync_send(sock, SYNC_IDMAP_FD, (int32_t) i, -1, NULL) < 0)
                                _exit(1);
                        continue;
                }
                if (r < 0) {
                        m.errnum = -r;
                        m.level = t < 0 ? IDMAP_OPEN : IDMAP_SET;
                        m.pid = (int32_t) i;
                        (void) sync_send_msg(sock, &m, -1, NULL);
                        _exit(1);
                }
                if (sync_send(sock, SYNC_IDMAP_FD, (int32_t) i, t, NULL) < 0)
                        _exit(1);
                close(t);
        }
        _exit(0);
}

/* Runs in: the runtime. Fork the helper and pass on what it sends, each tree to the init. */
static int
idmap_run_helper(struct container *c, pid_t init, const struct idmap_req *q, size_t n, ocirt_error **err)
{
        _cleanup_close_ int sock = -1;
        int sp[2], r = 0;
        pid_t helper;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return ocirt_fail(err, errno, "socketpair");
        helper = fork();
        if (helper < 0) {
                r = -errno;
                close(sp[0]);
                close(sp[1]);
                return ocirt_fail(err, -r, "fork the helper of the idmapped mounts");
        }
        if (helper == 0) {
                close(sp[0]);
                idmap_helper(init, q, n, sp[1]);
        }
        close(sp[1]);
        sock = sp[0];
        for (size_t k = 0; k < n && r >= 0; k++) {
                struct sync_msg m;
                int fd = -1;

                r = sync_recv(sock, &m, &fd, NULL);
                if (r < 0) {
                        r = ocirt_fail(err, EIO, "the helper of the idmapped mounts died");
                } else if (m.type == SYNC_ERROR && m.pid >= 0 && (size_t) m.pid < n) {
                        const struct idmap_req *x = &q[m.pid];
                        int e = m.errnum > 0 ? m.errnum : EIO;

                        if (m.level == IDMAP_SET)
                                r = mount_idmap_refused(c, &c->spec->mounts[x->index], x->index, e, false, err);
                        else {
                                _cleanup_free_ char *where = mount_where(c, x->index);
                                r = ocirt_fail_at(err, e, where, NULL, "bind source '%s'", x->src);
                        }
                } else if (m.type == SYNC_ERROR) {
                        r = ocirt_fail(err, m.errnum > 0 ? m.errnum : EIO,
                                       "enter the container's mount namespace to build its idmapped mounts");
                } else if (m.type != SYNC_IDMAP_FD || (fd < 0 && !q[k].plain) || m.pid != (int32_t) k) {
                        r = ocirt_fail(err, EIO, "sync: unexpected message %u from the helper of the idmapped mounts", m.type);
                } else if (fd >= 0) {
                        m.pid = (int32_t) q[k].index; /* the init knows a mount by its index */
                        r = sync_send_msg(c->sync_parent, &m, fd, err);
                }
                if (fd >= 0)
                        close(fd);
        }
        /* On an error the helper has exited, or meets EPIPE on its next send. */
        close(TAKE_FD(sock));
        (void) waitpid(helper, NULL, 0);
        return r;
}

/* Whether the caller is in the initial user namespace (its uid_map maps every id). */
static bool
initial_userns(void)
{
        _cleanup_free_ char *map = NULL;
        unsigned long a, b, n;

        return read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, NULL) >= 0 &&
               sscanf(map, "%lu %lu %lu", &a, &b, &n) == 3 && a == 0 && b == 0 && n == 4294967295UL;
}

/* Whether the runtime passes the bind m on: any bind with a source when plain_too, else an idmapped one. */
static bool
passed_on(const struct spec_mount *m, bool plain_too)
{
        return mount_is_bind(m) && m->source && (plain_too || mount_is_idmapped(m));
}

/* The request for the bind m (mount index i): its source, and for an idmapped one the user namespace
 * of its mapping, its own or else the container's (the spec's MAY; *own_ns: opened once). */
static int
make_request(struct container *c, pid_t init, const struct spec_mount *m, size_t i, int *own_ns, struct idmap_req *x,
             ocirt_error **err)
{
        struct mount_plan p;
        int r;

        mount_plan_options(m, &p);
        strv_free(p.data);
        *x = (struct idmap_req){ .index = i, .open_rec = p.other & OPT_REC, .attr_rec = p.other & OPT_RIDMAP,
                                 .userns_fd = -1, .plain = !mount_is_idmapped(m) };
        x->src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
        if (x->plain)
                return 0;
        if (m->has_uid_mappings || m->has_gid_mappings) {
                r = mount_idmap_userns(m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings, false,
                                       &x->userns_fd);
                if (r < 0) {
                        _cleanup_free_ char *where = mount_where(c, i);
                        return ocirt_fail_at(err, -r, where, "check the mount's uidMappings and gidMappings",
                                             "create the user namespace of the idmapped mount on '%s'", m->destination);
                }
                return 0;
        }
        if (*own_ns < 0) {
                char path[64];

                (void) snprintf(path, sizeof path, "/proc/%d/ns/user", (int) init);
                *own_ns = open(path, O_RDONLY | O_CLOEXEC);
                if (*own_ns < 0)
                        return ocirt_fail(err, errno, "open the container's user namespace");
        }
        x->userns_fd = fcntl(*own_ns, F_DUPFD_CLOEXEC, 3);
        if (x->userns_fd < 0)
                return ocirt_fail(err, errno, "dup");
        return 0;
}

/* Runs in: the runtime. Besides the idmapped trees: a root runtime opens the source of every other
 * bind too (O_PATH, in the init's mount namespace) and passes it on, as runc does: the init, as the
 * root of its user namespace, is a mapped uid on the host and cannot reach a source below a
 * directory only the host's root may enter (issue 12.17). Destinations are still resolved in the
 * init, inside the rootfs. */
int
mount_idmap_prepare(struct container *c, pid_t init, ocirt_error **err)
{
        const struct spec *s = c->spec;
        _cleanup_close_ int own_ns = -1;
        struct idmap_req *q;
        size_t n = 0;
        bool plain_too;
        int r = 0;

        /* Rootless, the host's files cannot be idmapped by anyone: mount_apply_idmap() in the init
         * says so. */
        if (geteuid() != 0)
                return 0;
        /* The root of a user namespace (a nested runtime) reaches no more than its init does. */
        plain_too = initial_userns();
        for (size_t i = 0; i < s->n_mounts; i++)
                n += passed_on(&s->mounts[i], plain_too);
        if (n == 0)
                return 0;
        q = xcalloc(n, sizeof *q);
        n = 0;
        for (size_t i = 0; i < s->n_mounts && r >= 0; i++)
                if (passed_on(&s->mounts[i], plain_too))
                        r = make_request(c, init, &s->mounts[i], i, &own_ns, &q[n++], err);
        if (r >= 0)
                r = idmap_run_helper(c, init, q, n, err);
        for (size_t k = 0; k < n; k++) {
                free(q[k].src);
                if (q[k].userns_fd >= 0)
                        close(q[k].userns_fd);
        }
        free(q);
        return r;
}
