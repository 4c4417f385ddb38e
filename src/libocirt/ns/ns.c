/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.c: which namespaces a container creates and which it joins, and joining them.
 *
 * The fast path creates every new namespace with the one clone() of the init (the kernel creates the
 * user namespace first and makes it own the others). Joining by path needs an order the clone cannot
 * give (join first, then create; a pid namespace applies to children only), so it takes the slow
 * path in container/spawn.c: an intermediate process joins, unshares, and forks the init. */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "ns/ns.h"
#include "base/base.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif

unsigned long
ns_clone_flag(enum spec_ns_type t)
{
        static const unsigned long f[SPEC_NS__MAX] = {
                [SPEC_NS_PID] = CLONE_NEWPID,       [SPEC_NS_NETWORK] = CLONE_NEWNET,
                [SPEC_NS_MOUNT] = CLONE_NEWNS,      [SPEC_NS_IPC] = CLONE_NEWIPC,
                [SPEC_NS_UTS] = CLONE_NEWUTS,       [SPEC_NS_USER] = CLONE_NEWUSER,
                [SPEC_NS_CGROUP] = CLONE_NEWCGROUP, [SPEC_NS_TIME] = CLONE_NEWTIME,
        };
        return f[t];
}

/* The name of a namespace type under /proc/PID/ns/, for hints. */
static const char *
ns_proc_name(enum spec_ns_type t)
{
        static const char *const n[SPEC_NS__MAX] = {
                [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "net", [SPEC_NS_MOUNT] = "mnt",
                [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",     [SPEC_NS_USER] = "user",
                [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
        };
        return n[t];
}

/* A joined path must be a namespace of the type the config says, checked up front so the error
 * can name the JSON path (setns() would only say EINVAL, late, in the child). 0, -EINVAL (a
 * namespace of another type; NS_GET_NSTYPE answers since 4.11) or -ENOTTY (not nsfs at all). */
static int
check_ns_type(int fd, enum spec_ns_type t)
{
        struct statfs sf;
        int type;

        if (fstatfs(fd, &sf) < 0)
                return -errno;
        if (sf.f_type != NSFS_MAGIC)
                return -ENOTTY;
        type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0)
                return errno == ENOTTY ? 0 : -errno; /* COMPAT(kernel < 4.11): setns() will tell */
        return (unsigned long) type == ns_clone_flag(t) ? 0 : -EINVAL;
}

int
ns_plan(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        bool any_join = false;
        int r;

        for (int t = 0; t < SPEC_NS__MAX; t++)
                c->join_fd[t] = -1;

        for (size_t i = 0; l && i < l->n_namespaces; i++) {
                const struct spec_namespace *n = &l->namespaces[i];

                if (!n->path) {
                        c->new_ns[n->type] = true;
                        continue;
                }
                c->join_fd[n->type] = open(n->path, O_RDONLY | O_CLOEXEC);
                if (c->join_fd[n->type] < 0) {
                        _cleanup_free_ char *where = xasprintf("%s: .linux.namespaces[%zu].path", c->config_path, i);
                        return ocirt_fail_at(err, errno, where, "give the path of an existing namespace, e.g. /proc/PID/ns/net",
                                             "cannot open %s namespace '%s'", spec_ns_name(n->type), n->path);
                }
                r = check_ns_type(c->join_fd[n->type], n->type);
                if (r < 0) {
                        _cleanup_free_ char *where = xasprintf("%s: .linux.namespaces[%zu].path", c->config_path, i);
                        _cleanup_free_ char *hint = xasprintf("give a %s namespace, e.g. /proc/PID/ns/%s",
                                                              spec_ns_name(n->type), ns_proc_name(n->type));
                        return ocirt_fail_at(err, r == -ENOTTY ? EINVAL : -r, where, hint, "'%s' is not a %s namespace%s", n->path,
                                             spec_ns_name(n->type), r == -ENOTTY ? " (not a namespace file at all)" : "");
                }
                any_join = true;
        }

        /* The runtime's mount namespace: a chroot only (rootfs.c); refuse what would need a mount. */
        if (!c->new_ns[SPEC_NS_MOUNT] && c->join_fd[SPEC_NS_MOUNT] < 0) {
                r = spec_validate_no_mount_ns(c->spec, err);
                if (r < 0)
                        return r;
        }

        /* A normal user without a user namespace in the config still gets a container: add one that
         * maps the caller to 0, as crun does (runc refuses; users and tools expect crun's way). */
        /* Not for uid 0 of a user namespace (rootless podman's): the container lives in that one, as
         * with crun. */
        if (c->rootless && c->host_uid != 0 && !c->new_ns[SPEC_NS_USER] && c->join_fd[SPEC_NS_USER] < 0) {
                log_debug(c->ctx, "no user namespace in the config: adding one that maps uid %u to 0",
                          (unsigned) c->host_uid);
                c->new_ns[SPEC_NS_USER] = true;
        }

        /* Time namespaces are entered at execve() after the offsets are written: unshared by the init,
         * never cloned. */
        c->clone_flags = 0;
        for (int t = 0; t < SPEC_NS__MAX; t++)
                if (c->new_ns[t] && t != SPEC_NS_TIME)
                        c->clone_flags |= ns_clone_flag(t);

        c->slow_path = c->join_fd[SPEC_NS_USER] >= 0 || c->join_fd[SPEC_NS_PID] >= 0 ||
                       (c->new_ns[SPEC_NS_USER] && any_join);
        return 0;
}

/* Runs in: the intermediate process (slow path) or the init (fast path, user == false).
 * Join the user namespace first when `user`, then the others. */
int
ns_join(struct container *c, bool user, ocirt_error **err)
{
        if (user && c->join_fd[SPEC_NS_USER] >= 0) {
                if (setns(c->join_fd[SPEC_NS_USER], CLONE_NEWUSER) < 0)
                        return ocirt_fail(err, errno, "join user namespace");
                close(c->join_fd[SPEC_NS_USER]);
                c->join_fd[SPEC_NS_USER] = -1;
                /* Become the namespace's root, as after creating one: our host ids are usually not
                 * mapped there, and files made as the overflow id fail with EOVERFLOW. EINVAL: the
                 * namespace maps no 0; process.user is applied later anyway. */
                if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
                        return ocirt_fail(err, errno, "setresgid(0) in the joined user namespace");
                if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
                        return ocirt_fail(err, errno, "setresuid(0) in the joined user namespace");
        }
        for (int t = 0; t < SPEC_NS__MAX; t++) {
                if (t == SPEC_NS_USER || c->join_fd[t] < 0)
                        continue;
                if (setns(c->join_fd[t], ns_clone_flag(t)) < 0) {
                        int e = errno;
                        if (e == EINVAL)
                                return ocirt_fail(err, e, "join %s namespace: the path is not a %s namespace",
                                                  spec_ns_name(t), spec_ns_name(t));
                        return ocirt_fail(err, e, "join %s namespace", spec_ns_name(t));
                }
                close(c->join_fd[t]);
                c->join_fd[t] = -1;
        }
        return 0;
}

/* Runs in: the container init, in its new network namespace. The kernel creates `lo` down; every
 * runtime brings it up (127.0.0.1 must answer, also with podman's --network none). An ioctl needs
 * no netlink code, and CAP_NET_ADMIN in the namespace's owner is ours at this point. */
int
ns_loopback_up(struct container *c, ocirt_error **err)
{
        struct ifreq ifr = { 0 };
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        (void) c;
        if (fd < 0)
                return ocirt_fail(err, errno, "bring up the loopback interface: socket");
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return ocirt_fail(err, errno, "bring up the loopback interface: get the flags of 'lo'");
        if (ifr.ifr_flags & IFF_UP)
                return 0;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return ocirt_fail(err, errno, "bring up the loopback interface 'lo'");
        return 0;
}
