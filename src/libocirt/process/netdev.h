/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netdev.h: rtnetlink requests that move a host network device into the container
 * (.linux.netDevices); procattr.c orders them. Only process/ includes this. */
#pragma once

#include <linux/if_addr.h>
#include <sys/types.h>

#include "base/base.h"

struct nl {
        int fd;
        uint32_t seq;
};

/* A netlink socket talks to the namespace it was created in: one in the runtime's network
 * namespace (host) and one in the container's (ctr). */
struct netdev_link {
        struct nl host, ctr;
};

/* An address of a device, as RTM_GETADDR gives it and RTM_NEWADDR takes it. */
struct netdev_addr {
        struct ifaddrmsg ifa;
        unsigned char local[16], address[16];
        size_t len;
        bool has_local;
};

/* Runs in: the runtime, at SYNC_EARLY (the init waits in its new network namespace, pid). */
int netdev_open(struct netdev_link *l, pid_t pid, ocirt_error **err);
void netdev_close(struct netdev_link *l);
/* The permanent global addresses of ifindex on the host; returns the number kept in out[]. */
size_t netdev_dump_addrs(struct netdev_link *l, int ifindex, struct netdev_addr *out, size_t max);
/* The steps of a move; each returns 0 or the kernel's -errno. */
int netdev_move(struct netdev_link *l, int ifindex, pid_t pid, const char *name);
int netdev_set_up(struct netdev_link *l, int ifindex, const char *name);
int netdev_add_addr(struct netdev_link *l, int ifindex, const struct netdev_addr *a);
