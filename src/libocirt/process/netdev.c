/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netdev.c: the rtnetlink side of .linux.netDevices: a socket in each network namespace, and the
 * requests that move a device into the container's, set it up there and give back its addresses.
 * What to move, and the errors with their JSON path, are procattr.c's. */
#include "config.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>

#include "process/netdev.h"
#include "base/base.h"

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

/* Runs in: the runtime, at SYNC_EARLY. */
int
netdev_open(struct netdev_link *l, pid_t pid, ocirt_error **err)
{
        _cleanup_free_ char *nspath = xasprintf("/proc/%d/ns/net", (int) pid);
        _cleanup_close_ int host_ns = -1, ctr_ns = -1;
        int r;

        l->host.fd = l->ctr.fd = -1;
        host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        ctr_ns = open(nspath, O_RDONLY | O_CLOEXEC);
        if (host_ns < 0 || ctr_ns < 0)
                return ocirt_fail(err, errno, "open the network namespaces");
        if (nl_open(&l->host) < 0)
                return ocirt_fail(err, errno, "netlink socket");
        if (setns(ctr_ns, CLONE_NEWNET) < 0) {
                r = ocirt_fail(err, errno, "enter the container's network namespace");
                goto fail;
        }
        r = nl_open(&l->ctr);
        if (setns(host_ns, CLONE_NEWNET) < 0) {
                /* Cannot happen short of a kernel bug; going on would run the rest in the wrong namespace. */
                r = ocirt_fail(err, errno, "return to the runtime's network namespace");
                goto fail;
        }
        if (r < 0) {
                r = ocirt_fail(err, -r, "netlink socket in the container's network namespace");
                goto fail;
        }
        return 0;
fail:
        netdev_close(l);
        return r;
}

void
netdev_close(struct netdev_link *l)
{
        if (l->host.fd >= 0)
                close(l->host.fd);
        if (l->ctr.fd >= 0)
                close(l->ctr.fd);
        l->host.fd = l->ctr.fd = -1;
}

/* The spec asks to keep the addresses across the move; the kernel flushes them when the device
 * leaves a namespace. */
size_t
netdev_dump_addrs(struct netdev_link *l, int ifindex, struct netdev_addr *out, size_t max)
{
        struct nl *n = &l->host;
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
                        struct netdev_addr a = { 0 };
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
                                size_t plen = RTA_PAYLOAD(ra);
                                if (plen > 16)
                                        continue;
                                if (ra->rta_type == IFA_ADDRESS) {
                                        memcpy(a.address, RTA_DATA(ra), plen);
                                        a.len = plen;
                                } else if (ra->rta_type == IFA_LOCAL) {
                                        memcpy(a.local, RTA_DATA(ra), plen);
                                        a.has_local = true;
                                }
                        }
                        if (a.len > 0)
                                out[k++] = a;
                }
        }
}

/* Move and rename in one request; a clash is the kernel's EEXIST (a "%d" name is filled in by the
 * kernel). */
int
netdev_move(struct netdev_link *l, int ifindex, pid_t pid, const char *name)
{
        struct nlreq q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK } };
        int32_t nspid = pid;

        q.ifi.ifi_family = AF_UNSPEC;
        q.ifi.ifi_index = ifindex;
        nl_attr(&q, IFLA_NET_NS_PID, &nspid, sizeof nspid);
        nl_attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
        return nl_talk(&l->host, &q);
}

/* Up, in the container's namespace; the index is kept when free there, else look the device up by
 * its name. */
int
netdev_set_up(struct netdev_link *l, int ifindex, const char *name)
{
        struct nlreq q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK } };
        int r;

        q.ifi.ifi_family = AF_UNSPEC;
        q.ifi.ifi_index = ifindex;
        q.ifi.ifi_flags = IFF_UP;
        q.ifi.ifi_change = IFF_UP;
        r = nl_talk(&l->ctr, &q);
        if (r == -ENODEV && !strchr(name, '%')) {
                q.ifi.ifi_index = 0;
                nl_attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
                r = nl_talk(&l->ctr, &q);
        }
        return r;
}

/* An address of the host, in the container's namespace. */
int
netdev_add_addr(struct netdev_link *l, int ifindex, const struct netdev_addr *a)
{
        struct nlreq q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
                                  .nlmsg_type = RTM_NEWADDR,
                                  .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL } };

        q.ifa = a->ifa;
        q.ifa.ifa_index = (unsigned) ifindex;
        nl_attr(&q, IFA_ADDRESS, a->address, a->len);
        if (a->has_local)
                nl_attr(&q, IFA_LOCAL, a->local, a->len);
        return nl_talk(&l->ctr, &q);
}
