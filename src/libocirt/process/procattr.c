/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* procattr.c: the remaining process and linux fields (issue 3): personality, scheduler,
 * ioPriority, memoryPolicy, sysctl, netDevices, intelRdt, apparmorProfile and selinuxLabel.
 *
 * What can be decided from the config and the host is checked in procattr_prepare(), in the
 * runtime, so that a bad value fails `create` before anything is set up, with its JSON path; the
 * rest is what the kernel decides, and its refusal names the field too. */
#include "config.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "process/process.h"
#include "base/base.h"
#include "state/state.h"

#ifndef RDTGROUP_SUPER_MAGIC
#define RDTGROUP_SUPER_MAGIC 0x7655821
#endif

#define MPOL_BITS 1024 /* MAX_NUMNODES of the largest kernels */
#define NODE_WORDS (MPOL_BITS / (8 * sizeof(unsigned long)))

/* memoryPolicy.nodes as set_mempolicy() takes them. */
struct procattr {
        unsigned long nodes[NODE_WORDS];
        int max_node; /* highest node set, -1: none */
};

/* "config.json: .json.path[\"key\"]" (key may be NULL). */
static char *
where_of(const struct container *c, const char *jpath, const char *key)
{
        return key ? xasprintf("%s: %s[\"%s\"]", c->config_path, jpath, key) : xasprintf("%s: %s", c->config_path, jpath);
}

/* ---- memoryPolicy ---- */

/* Parse a node list ("0-3,7") into mask; -EINVAL on syntax, -ERANGE beyond MPOL_BITS. */
static int
parse_node_list(const char *s, unsigned long *mask, int *ret_max)
{
        *ret_max = -1;
        while (s && *s) {
                char *end;
                unsigned long a, b;

                if (*s < '0' || *s > '9')
                        return -EINVAL;
                a = strtoul(s, &end, 10);
                b = a;
                if (*end == '-') {
                        if (end[1] < '0' || end[1] > '9')
                                return -EINVAL;
                        b = strtoul(end + 1, &end, 10);
                }
                if (b < a)
                        return -EINVAL;
                if (b >= MPOL_BITS)
                        return -ERANGE;
                for (unsigned long n = a; n <= b; n++)
                        mask[n / (8 * sizeof(long))] |= 1UL << (n % (8 * sizeof(long)));
                if ((int) b > *ret_max)
                        *ret_max = (int) b;
                if (*end == ',')
                        end++;
                else if (*end)
                        return -EINVAL;
                s = end;
        }
        return 0;
}

static int
prepare_mempolicy(struct container *c, struct procattr *pa, ocirt_error **err)
{
        const struct spec_memory_policy *mp = c->spec->linux_->memory_policy;
        unsigned long online[NODE_WORDS] = { 0 };
        _cleanup_free_ char *buf = NULL, *where = NULL;
        int max_online, r;

        where = where_of(c, ".linux.memoryPolicy.nodes", NULL);
        r = parse_node_list(mp->nodes, pa->nodes, &pa->max_node);
        if (r < 0)
                return ocirt_fail_at(err, EINVAL, where, "use a node list such as \"0-3,7\"",
                                     r == -ERANGE ? "node number out of range in '%s'" : "invalid node list '%s'",
                                     mp->nodes);
        if (pa->max_node < 0)
                return 0;
        r = read_file_at(AT_FDCWD, "/sys/devices/system/node/online", &buf, NULL);
        if (r < 0) {
                /* A kernel without NUMA has node 0 only. */
                free(buf);
                buf = xstrdup("0");
        }
        buf[strcspn(buf, "\n")] = '\0';
        if (parse_node_list(buf, online, &max_online) < 0)
                return 0; /* cannot tell: the kernel will */
        for (size_t i = 0; i < NODE_WORDS; i++)
                if (pa->nodes[i] & ~online[i])
                        return ocirt_fail_at(err, EINVAL, where, "use nodes that are online on this host",
                                             "'%s' names nodes that are not online (online: %s)", mp->nodes, buf);
        return 0;
}

static int
apply_mempolicy(struct container *c, ocirt_error **err)
{
        const struct spec_memory_policy *mp = c->spec->linux_->memory_policy;
        struct procattr pa = { 0 };
        long r;

        /* Parsed again here rather than carried from procattr_prepare(): it is cheap and pure,
         * and the runtime then has nothing to free. */
        (void) parse_node_list(mp->nodes, pa.nodes, &pa.max_node);
        r = syscall(SYS_set_mempolicy, mp->mode | (int) mp->flags_mask, pa.max_node >= 0 ? pa.nodes : NULL,
                    pa.max_node >= 0 ? (unsigned long) pa.max_node + 2 : 0);
        if (r < 0) {
                _cleanup_free_ char *where = where_of(c, ".linux.memoryPolicy", NULL);
                int e = errno;
                return ocirt_fail_at(err, e, where,
                                     e == EINVAL ? "check that the mode takes nodes (MPOL_DEFAULT and MPOL_LOCAL take none, "
                                                   "the others need some) and that the flags fit the mode"
                                                 : NULL,
                                     "set_mempolicy(%s)", mp->mode_str);
        }
        return 0;
}

/* ---- sysctl ---- */

/* The namespace that owns key, or -1 when the key is not namespaced (it would change the host). */
static int
sysctl_namespace(const char *key)
{
        static const char *const ipc[] = { "kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue.", NULL };

        if (startswith(key, "net."))
                return SPEC_NS_NETWORK;
        for (size_t i = 0; ipc[i]; i++)
                if (startswith(key, ipc[i]))
                        return SPEC_NS_IPC;
        if (streq(key, "kernel.hostname") || streq(key, "kernel.domainname"))
                return SPEC_NS_UTS;
        return -1;
}

/* "net/ipv4/ip_forward" or "net.ipv4.ip_forward" -> the former (as sysctl(8): with a '/' the
 * key is a path already, which lets interface names keep their dots). */
static char *
sysctl_path(const char *key)
{
        char *p = xstrdup(key);

        if (!strchr(p, '/'))
                for (char *q = p; *q; q++)
                        if (*q == '.')
                                *q = '/';
        return p;
}

/* Whether the container has namespace t of its own: a new one, or a joined one that is not the
 * runtime's (comparing inodes, as runc does). */
static bool
owns_ns(struct container *c, enum spec_ns_type t)
{
        const struct spec_namespace *ns = spec_find_ns(c->spec, t);
        _cleanup_free_ char *self = NULL;
        struct stat a, b;

        if (!ns)
                return false;
        if (!ns->path)
                return true;
        self = xasprintf("/proc/self/ns/%s", t == SPEC_NS_NETWORK ? "net" : spec_ns_name(t));
        return !(stat(ns->path, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

static int
prepare_sysctl(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;

        for (size_t i = 0; i < l->n_sysctl; i++) {
                _cleanup_free_ char *norm = xstrdup(l->sysctl[i].key), *where = NULL;
                int t;

                for (char *q = norm; *q; q++)
                        if (*q == '/')
                                *q = '.';
                where = xasprintf("%s: .linux.sysctl[\"%s\"]", c->config_path, l->sysctl[i].key);
                if (strstr(norm, "..") || norm[0] == '.' || strchr(l->sysctl[i].key, '\n'))
                        return ocirt_fail_at(err, EINVAL, where, NULL, "invalid sysctl name");
                t = sysctl_namespace(norm);
                if (t < 0)
                        return ocirt_fail_at(err, EPERM, where,
                                             "only net.*, kernel.shm*/msg*/sem*, fs.mqueue.*, kernel.hostname and "
                                             "kernel.domainname belong to a container's namespaces",
                                             "sysctl '%s' is not namespaced: setting it would change the host", norm);
                if (!owns_ns(c, t)) {
                        _cleanup_free_ char *hint = xasprintf("add a new \"%s\" namespace to .linux.namespaces",
                                                              spec_ns_name(t));
                        return ocirt_fail_at(err, EPERM, where, hint,
                                             "sysctl '%s' needs the container's own %s namespace", norm,
                                             spec_ns_name(t));
                }
        }
        return 0;
}

/* /proc/sys of the container, checked to be procfs (a volume over /proc must not redirect the
 * writes: CVE-2025-52881). */
static int
open_proc_sys(struct container *c, ocirt_error **err)
{
        struct statfs sf;
        int fd;

        fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return ocirt_fail_at(err, errno, c->config_path, "mount proc on /proc to use .linux.sysctl",
                                     "open /proc/sys");
        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) {
                close(fd);
                return ocirt_fail_at(err, EXDEV, c->config_path, "mount proc on /proc, nothing over it",
                                     "/proc/sys is not procfs: refusing to write sysctls there");
        }
        return fd;
}

static int
apply_sysctl(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int dfd = -1;

        dfd = open_proc_sys(c, err);
        if (dfd < 0)
                return dfd;
        for (size_t i = 0; i < l->n_sysctl; i++) {
                _cleanup_free_ char *path = sysctl_path(l->sysctl[i].key), *where = NULL;
                _cleanup_close_ int fd = -1;
                struct statfs sf;
                int r;

                where = xasprintf("%s: .linux.sysctl[\"%s\"]", c->config_path, l->sysctl[i].key);
                /* The UTS names through their syscalls: /proc/sys/kernel/{host,domain}name belong to
                 * the initial namespace's root, which a rootless container's root is not. */
                if (streq(path, "kernel/hostname") || streq(path, "kernel/domainname")) {
                        const char *v = l->sysctl[i].value;
                        if ((path[7] == 'h' ? sethostname(v, strlen(v)) : setdomainname(v, strlen(v))) < 0)
                                return ocirt_fail_at(err, errno, where, NULL, "set %s to '%s'", path + 7, v);
                        continue;
                }
                fd = sys_openat2(dfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY,
                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
                if (fd < 0)
                        return ocirt_fail_at(err, errno, where,
                                             errno == ENOENT ? "check the name: this kernel has no such sysctl" : NULL,
                                             "open /proc/sys/%s", path);
                if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                        return ocirt_fail_at(err, EXDEV, where, NULL, "/proc/sys/%s is not on procfs", path);
                r = write_all(fd, l->sysctl[i].value, strlen(l->sysctl[i].value));
                if (r < 0)
                        return ocirt_fail_at(err, -r, where,
                                             r == -EPERM || r == -EACCES
                                                     ? "the container's user namespace may not change this one"
                                                     : NULL,
                                             "write '%s' to /proc/sys/%s", l->sysctl[i].value, path);
        }
        return 0;
}

/* ---- LSMs ---- */

static bool
apparmor_enabled(void)
{
        _cleanup_free_ char *v = NULL;

        return read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &v, NULL) >= 0 && v[0] == 'Y';
}

static bool
selinux_enabled(void)
{
        struct statfs sf;

        return statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC;
}

/* Runs in: the container init. Write an exec label through the container's procfs, checked to be
 * procfs (CVE-2019-16884). */
static int
write_attr(struct container *c, const char *attr, const char *value, const char *jpath, ocirt_error **err)
{
        _cleanup_free_ char *where = xasprintf("%s: %s", c->config_path, jpath);
        _cleanup_close_ int fd = -1;
        struct statfs sf;
        int r;

        fd = open(attr, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return ocirt_fail_at(err, errno, where, NULL, "open %s", attr);
        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                return ocirt_fail_at(err, EXDEV, where, "mount proc on /proc, nothing over it", "%s is not on procfs",
                                     attr);
        r = write_all(fd, value, strlen(value));
        if (r < 0)
                return ocirt_fail_at(err, -r, where, NULL, "write '%s' to %s", value, attr);
        return 0;
}

/* ---- intelRdt ---- */

static int
prepare_intel_rdt(struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *where = where_of(c, ".linux.intelRdt", NULL);
        struct statfs sf;

        if (statfs("/sys/fs/resctrl", &sf) < 0 || sf.f_type != RDTGROUP_SUPER_MAGIC)
                return ocirt_fail_at(err, ENOTSUP, where,
                                     "remove .linux.intelRdt, or run on a CPU with Intel RDT / AMD PQoS and "
                                     "`mount -t resctrl resctrl /sys/fs/resctrl`",
                                     "resctrl is not mounted at /sys/fs/resctrl (no Intel RDT on this host)");
        if (c->rootless)
                return ocirt_fail_at(err, EPERM, where, "run as root, or remove .linux.intelRdt",
                                     "resctrl groups can only be managed by root");
        c->wait_early = true;
        return 0;
}

/* Runs in: the runtime, at SYNC_EARLY. The group is named after closID (shared between containers,
 * like runc) or the container id; the init joins it through "tasks". */
/* A resctrl group ocirt made goes at delete (procattr_teardown) or when create fails; one that
 * existed before (a shared closID) stays, as with runc. rmdir moves its tasks back to the default
 * group. */
static int
undo_rmdir(void *data, ocirt_error **err)
{
        if (rmdir(data) < 0 && errno != ENOENT)
                return ocirt_fail(err, errno, "remove the resctrl group %s", (char *) data);
        return 0;
}

static int
early_intel_rdt(struct container *c, struct undo *undo, ocirt_error **err)
{
        const struct spec_intel_rdt *rdt = c->spec->linux_->intel_rdt;
        _cleanup_free_ char *where = where_of(c, ".linux.intelRdt", NULL), *dir = NULL, *schemata = NULL,
                                 *pid = xasprintf("%d", (int) c->init_pid);
        _cleanup_close_ int dfd = -1;
        int r;

        if (rdt->clos_id && streq(rdt->clos_id, "/"))
                dir = xstrdup("/sys/fs/resctrl");
        else
                dir = xasprintf("/sys/fs/resctrl/%s", rdt->clos_id ? rdt->clos_id : c->id);
        if (mkdir(dir, 0755) == 0) {
                undo_push(undo, "remove the resctrl group", undo_rmdir, xstrdup(dir));
                container_set_extra(c, "intelrdt.dir", dir);
        } else if (errno != EEXIST)
                return ocirt_fail_at(err, errno, where, NULL, "create %s", dir);
        dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return ocirt_fail_at(err, errno, where, NULL, "open %s", dir);
        schemata = xasprintf("%s%s%s%s", strempty(rdt->l3_cache_schema), rdt->l3_cache_schema ? "\n" : "",
                             strempty(rdt->mem_bw_schema), rdt->mem_bw_schema ? "\n" : "");
        for (size_t i = 0; rdt->schemata && rdt->schemata[i]; i++) {
                char *s = xasprintf("%s%s\n", schemata, rdt->schemata[i]);
                free(schemata);
                schemata = s;
        }
        if (*schemata) {
                r = write_file_at(dfd, "schemata", schemata, strlen(schemata));
                if (r < 0)
                        return ocirt_fail_at(err, -r, where, "check the schemata against /sys/fs/resctrl/info",
                                             "write %s/schemata", dir);
        }
        r = write_file_at(dfd, "tasks", pid, strlen(pid));
        if (r < 0)
                return ocirt_fail_at(err, -r, where, NULL, "add the init to %s/tasks", dir);
        return 0;
}

/* ---- netDevices ---- */

struct nl {
        int fd;
        uint32_t seq;
};

struct nlreq {
        struct nlmsghdr h;
        union {
                struct ifinfomsg ifi;
                struct ifaddrmsg ifa;
        };
        char attrs[512];
};

static void
nl_attr(struct nlreq *q, unsigned short type, const void *data, size_t len)
{
        struct rtattr *a = (struct rtattr *) ((char *) q + NLMSG_ALIGN(q->h.nlmsg_len));

        assert(NLMSG_ALIGN(q->h.nlmsg_len) + RTA_SPACE(len) <= sizeof *q);
        a->rta_type = type;
        a->rta_len = (unsigned short) RTA_LENGTH(len);
        memcpy(RTA_DATA(a), data, len);
        q->h.nlmsg_len = NLMSG_ALIGN(q->h.nlmsg_len) + RTA_SPACE(len);
}

/* Send one request and wait for its ack; -errno from the kernel's answer. */
static int
nl_talk(struct nl *n, struct nlreq *q)
{
        char buf[4096];

        q->h.nlmsg_seq = ++n->seq;
        q->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        if (send(n->fd, q, q->h.nlmsg_len, 0) < 0)
                return -errno;
        for (;;) {
                ssize_t len = recv(n->fd, buf, sizeof buf, 0);

                if (len < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) len); h = NLMSG_NEXT(h, len)) {
                        if (h->nlmsg_seq != n->seq)
                                continue;
                        if (h->nlmsg_type == NLMSG_ERROR)
                                return ((struct nlmsgerr *) NLMSG_DATA(h))->error;
                }
        }
}

static int
nl_open(struct nl *n)
{
        n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        n->seq = 0;
        return n->fd < 0 ? -errno : 0;
}

/* The permanent global addresses of ifindex (the spec asks to keep them across the move; the
 * kernel flushes them when the device leaves a namespace). Returns the number kept in out[]. */
struct addr {
        struct ifaddrmsg ifa;
        unsigned char local[16], address[16];
        size_t len;
        bool has_local;
};

static size_t
nl_dump_addrs(struct nl *n, int ifindex, struct addr *out, size_t max)
{
        struct nlreq q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)), .nlmsg_type = RTM_GETADDR,
                                  .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = ++n->seq } };
        char buf[16384];
        size_t k = 0;

        q.ifa.ifa_family = AF_UNSPEC;
        if (send(n->fd, &q, q.h.nlmsg_len, 0) < 0)
                return 0;
        for (;;) {
                ssize_t len = recv(n->fd, buf, sizeof buf, 0);

                if (len <= 0)
                        return k;
                for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) len); h = NLMSG_NEXT(h, len)) {
                        struct ifaddrmsg *ifa = NLMSG_DATA(h);
                        struct addr a = { 0 };
                        int alen;

                        if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
                                return k;
                        if (h->nlmsg_type != RTM_NEWADDR || (int) ifa->ifa_index != ifindex ||
                            ifa->ifa_scope != RT_SCOPE_UNIVERSE || k >= max)
                                continue;
                        if (ifa->ifa_family == AF_INET6 && !(ifa->ifa_flags & IFA_F_PERMANENT))
                                continue;
                        a.ifa = *ifa;
                        alen = (int) IFA_PAYLOAD(h);
                        for (struct rtattr *ra = IFA_RTA(ifa); RTA_OK(ra, alen); ra = RTA_NEXT(ra, alen)) {
                                size_t l = RTA_PAYLOAD(ra);
                                if (l > 16)
                                        continue;
                                if (ra->rta_type == IFA_ADDRESS) {
                                        memcpy(a.address, RTA_DATA(ra), l);
                                        a.len = l;
                                } else if (ra->rta_type == IFA_LOCAL) {
                                        memcpy(a.local, RTA_DATA(ra), l);
                                        a.has_local = true;
                                }
                        }
                        if (a.len > 0)
                                out[k++] = a;
                }
        }
}

static int
prepare_net_devices(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_free_ char *where = where_of(c, ".linux.netDevices", NULL);

        if (c->rootless)
                return ocirt_fail_at(err, EPERM, where,
                                     "run as root, or remove .linux.netDevices (rootless containers can use slirp4netns or pasta)",
                                     "moving a host network device into the container needs root");
        if (!owns_ns(c, SPEC_NS_NETWORK))
                return ocirt_fail_at(err, EINVAL, where, "add a \"network\" namespace to .linux.namespaces",
                                     "network devices can only be moved into the container's own network namespace");
        for (size_t i = 0; i < l->n_net_devices; i++)
                if (if_nametoindex(l->net_devices[i].host_name) == 0) {
                        _cleanup_free_ char *w = where_of(c, ".linux.netDevices", l->net_devices[i].host_name);
                        return ocirt_fail_at(err, ENODEV, w, "check `ip link` on the host",
                                             "no network device '%s' on the host", l->net_devices[i].host_name);
                }
        c->wait_early = true;
        return 0;
}

/* Runs in: the runtime, at SYNC_EARLY (the init waits in its new network namespace). */
static int
early_net_devices(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_free_ char *nspath = xasprintf("/proc/%d/ns/net", (int) c->init_pid);
        _cleanup_close_ int host_ns = -1, ctr_ns = -1;
        struct nl host = { .fd = -1 }, ctr = { .fd = -1 };
        int r = 0;

        host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        ctr_ns = open(nspath, O_RDONLY | O_CLOEXEC);
        if (host_ns < 0 || ctr_ns < 0)
                return ocirt_fail(err, errno, "open the network namespaces");
        if (nl_open(&host) < 0)
                return ocirt_fail(err, errno, "netlink socket");
        /* A netlink socket talks to the namespace it was created in: make one in the container's. */
        if (setns(ctr_ns, CLONE_NEWNET) < 0) {
                r = ocirt_fail(err, errno, "enter the container's network namespace");
                goto out;
        }
        r = nl_open(&ctr);
        if (setns(host_ns, CLONE_NEWNET) < 0) {
                /* Cannot happen short of a kernel bug; going on would run the rest in the wrong namespace. */
                r = ocirt_fail(err, errno, "return to the runtime's network namespace");
                goto out;
        }
        if (r < 0) {
                r = ocirt_fail(err, -r, "netlink socket in the container's network namespace");
                goto out;
        }
        for (size_t i = 0; i < l->n_net_devices; i++) {
                const struct spec_net_device *nd = &l->net_devices[i];
                const char *name = nd->name ? nd->name : nd->host_name;
                _cleanup_free_ char *where = where_of(c, ".linux.netDevices", nd->host_name);
                int ifindex = (int) if_nametoindex(nd->host_name);
                int32_t pid = c->init_pid;
                struct addr addrs[16];
                size_t n_addrs;
                struct nlreq q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
                                          .nlmsg_type = RTM_NEWLINK } };

                if (ifindex == 0) {
                        r = ocirt_fail_at(err, ENODEV, where, NULL, "no network device '%s' on the host", nd->host_name);
                        goto out;
                }
                n_addrs = nl_dump_addrs(&host, ifindex, addrs, ELEMENTSOF(addrs));
                /* Move and rename in one request; a clash is the kernel's EEXIST (a "%d" name is
                 * filled in by the kernel). */
                q.ifi.ifi_family = AF_UNSPEC;
                q.ifi.ifi_index = ifindex;
                nl_attr(&q, IFLA_NET_NS_PID, &pid, sizeof pid);
                nl_attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
                r = nl_talk(&host, &q);
                if (r < 0) {
                        if (r == -EEXIST)
                                r = ocirt_fail_at(err, EEXIST, where, "choose another \"name\" (or one with %d)",
                                                  "a device named '%s' already exists in the container", name);
                        else
                                r = ocirt_fail_at(err, -r, where, NULL, "move '%s' into the container as '%s'",
                                                  nd->host_name, name);
                        goto out;
                }
                /* Up, in the container's namespace; the index is kept when free there, else look
                 * the device up by its name. */
                q = (struct nlreq){ .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK } };
                q.ifi.ifi_family = AF_UNSPEC;
                q.ifi.ifi_index = ifindex;
                q.ifi.ifi_flags = IFF_UP;
                q.ifi.ifi_change = IFF_UP;
                r = nl_talk(&ctr, &q);
                if (r == -ENODEV && !strchr(name, '%')) {
                        q.ifi.ifi_index = 0;
                        nl_attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
                        r = nl_talk(&ctr, &q);
                }
                if (r < 0) {
                        r = ocirt_fail_at(err, -r, where, NULL, "set '%s' up in the container", name);
                        goto out;
                }
                for (size_t k = 0; k < n_addrs; k++) {
                        struct nlreq a = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
                                                  .nlmsg_type = RTM_NEWADDR,
                                                  .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL } };
                        a.ifa = addrs[k].ifa;
                        a.ifa.ifa_index = (unsigned) ifindex;
                        nl_attr(&a, IFA_ADDRESS, addrs[k].address, addrs[k].len);
                        if (addrs[k].has_local)
                                nl_attr(&a, IFA_LOCAL, addrs[k].local, addrs[k].len);
                        r = nl_talk(&ctr, &a);
                        if (r < 0 && r != -EEXIST) {
                                r = ocirt_fail_at(err, -r, where, NULL, "restore an address of '%s' in the container", name);
                                goto out;
                        }
                        r = 0;
                }
        }
out:
        if (host.fd >= 0)
                close(host.fd);
        if (ctr.fd >= 0)
                close(ctr.fd);
        return r < 0 ? r : 0;
}

/* ---- the seams ---- */

/* Runs in: the runtime, before the clone. */
int
procattr_prepare(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        const struct spec_linux *l = c->spec->linux_;
        int r;

        if (p && p->apparmor_profile && !apparmor_enabled()) {
                _cleanup_free_ char *where = where_of(c, ".process.apparmorProfile", NULL);
                return ocirt_fail_at(err, ENOTSUP, where, "remove .process.apparmorProfile, or enable AppArmor in the kernel",
                                     "AppArmor is not enabled on this host (profile '%s')", p->apparmor_profile);
        }
        if (p && p->selinux_label && !selinux_enabled()) {
                _cleanup_free_ char *where = where_of(c, ".process.selinuxLabel", NULL);
                return ocirt_fail_at(err, ENOTSUP, where, "remove .process.selinuxLabel, or enable SELinux",
                                     "SELinux is not enabled on this host (label '%s')", p->selinux_label);
        }
        if (!l)
                return 0;
        if (l->n_sysctl > 0) {
                r = prepare_sysctl(c, err);
                if (r < 0)
                        return r;
        }
        if (l->memory_policy) {
                struct procattr pa = { 0 };

                r = prepare_mempolicy(c, &pa, err);
                if (r < 0)
                        return r;
        }
        if (l->intel_rdt) {
                r = prepare_intel_rdt(c, err);
                if (r < 0)
                        return r;
        }
        if (l->n_net_devices > 0) {
                r = prepare_net_devices(c, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Runs in: the runtime, at SYNC_EARLY (the init waits in its namespaces). */
int
procattr_early(struct container *c, struct undo *undo, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        int r;

        if (!l)
                return 0;
        if (l->n_net_devices > 0) {
                r = early_net_devices(c, err);
                if (r < 0)
                        return ocirt_wrap(err, "netDevices");
        }
        if (l->intel_rdt) {
                r = early_intel_rdt(c, undo, err);
                if (r < 0)
                        return ocirt_wrap(err, "intelRdt");
        }
        return 0;
}

/* Runs in: the container init, after the pivot, before /proc/sys becomes read-only. */
int
procattr_after_pivot(struct container *c, ocirt_error **err)
{
        if (c->spec->linux_ && c->spec->linux_->n_sysctl > 0)
                return apply_sysctl(c, err);
        return 0;
}

static int
apply_scheduler(struct container *c, ocirt_error **err)
{
        const struct spec_scheduler *s = c->spec->process->scheduler;
        /* struct sched_attr of sched_setattr(2), SCHED_ATTR_SIZE_VER1; glibc 2.36 has no wrapper. */
        struct {
                uint32_t size, sched_policy;
                uint64_t sched_flags;
                int32_t sched_nice;
                uint32_t sched_priority;
                uint64_t sched_runtime, sched_deadline, sched_period;
                uint32_t sched_util_min, sched_util_max;
        } attr = { .size = sizeof attr,
                   .sched_policy = (uint32_t) s->policy,
                   .sched_flags = s->flags_mask,
                   .sched_nice = s->nice,
                   .sched_priority = (uint32_t) s->priority,
                   .sched_runtime = s->runtime,
                   .sched_deadline = s->deadline,
                   .sched_period = s->period };

        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
                _cleanup_free_ char *where = where_of(c, ".process.scheduler", NULL);
                int e = errno;
                return ocirt_fail_at(err, e, where,
                                     e == EPERM ? "real-time and deadline policies, and a negative nice, need CAP_SYS_NICE "
                                                  "in the initial user namespace (root); real-time ones also need real-time "
                                                  "runtime in the container's cpu cgroup (linux.resources.cpu.realtimeRuntime)"
                                     : e == EBUSY ? "SCHED_DEADLINE: the CPUs' deadline bandwidth is exhausted"
                                     : e == EINVAL ? "check the policy's fields (SCHED_ISO is not implemented by Linux)"
                                                   : NULL,
                                     "sched_setattr(%s)", s->policy_str);
        }
        return 0;
}

/* Runs in: the container init, before rlimits, user and capabilities. */
int
procattr_before_caps(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        const struct spec_linux *l = c->spec->linux_;
        int r;

        if (l && l->personality && personality(l->personality->persona) < 0) {
                _cleanup_free_ char *where = where_of(c, ".linux.personality", NULL);
                return ocirt_fail_at(err, errno, where, NULL, "personality(%s)", l->personality->domain);
        }
        if (p->scheduler) {
                r = apply_scheduler(c, err);
                if (r < 0)
                        return r;
        }
        if (p->has_io_priority) {
                /* IOPRIO_PRIO_VALUE(class, data); ioprio_set(IOPRIO_WHO_PROCESS = 1, self). */
                int v = (p->io_priority_class << 13) | p->io_priority;
                if (syscall(SYS_ioprio_set, 1, 0, v) < 0) {
                        _cleanup_free_ char *where = where_of(c, ".process.ioPriority", NULL);
                        return ocirt_fail_at(err, errno, where,
                                             errno == EPERM ? "IOPRIO_CLASS_RT needs CAP_SYS_ADMIN or CAP_SYS_NICE on the host (root)"
                                                            : NULL,
                                             "ioprio_set");
                }
        }
        if (l && l->memory_policy) {
                r = apply_mempolicy(c, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Runs in: the container init, after capabilities, before no_new_privs: the LSM labels take
 * effect at execve. */
int
procattr_before_exec(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        int r;

        if (p->apparmor_profile) {
                _cleanup_free_ char *v = xasprintf("exec %s", p->apparmor_profile);
                const char *attr = access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
                                                                                      : "/proc/self/attr/exec";
                r = write_attr(c, attr, v, ".process.apparmorProfile", err);
                if (r < 0)
                        return r;
        }
        if (p->selinux_label) {
                r = write_attr(c, "/proc/self/attr/exec", p->selinux_label, ".process.selinuxLabel", err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int
procattr_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        const char *dir = state_get_extra(st, "intelrdt.dir");

        if (dir && rmdir(dir) < 0 && errno != ENOENT)
                return ocirt_fail(err, errno, "remove the resctrl group %s", dir);
        return 0;
}
