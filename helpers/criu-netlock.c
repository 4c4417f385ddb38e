/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* criu-netlock.c: inside helpers/, the network lock a CRIU 3.17 restore leaves behind (issue 17).
 *
 * CRIU locks a container's network namespace while it dumps it. With the nftables method (what
 * criu.c asks for where iptables-restore is missing) the lock is a table "inet CRIU-PID", PID the
 * dumped init's host pid, whose chains drop every packet without CRIU's mark. The dump takes the
 * namespace's ruleset after locking it, so the image holds that table, and the restore brings it
 * back; CRIU then unlocks by deleting "CRIU-PID" of the *restored* init, another pid. The old table
 * stays and the restored container's network drops everything: an established connection stalls
 * once the queued data is read, and a new one never connects. (CRIU 4.0 names the table by a run
 * id kept in the images.) So at CRIU's "post-restore" notification, which carries the restored
 * init's pid, every "CRIU-N" table with N not that pid is deleted in the container's namespace;
 * CRIU's own lock stays for CRIU to remove. Plain nf_tables netlink: ocirt links no libnftables. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "helpers/helpers.h"
#include "base/base.h"

#define NL_BUF 16384

struct nlreq {
        char buf[1024];
        size_t len;
};

/* One netlink message (NFNL_SUBSYS_NFTABLES), with an optional NFTA_TABLE_NAME. */
static void
nl_put(struct nlreq *q, uint16_t type, uint16_t flags, uint8_t family, uint16_t res_id, const char *table)
{
        struct nlmsghdr *h = (struct nlmsghdr *) (q->buf + q->len);
        struct nfgenmsg *g = NLMSG_DATA(h);

        *h = (struct nlmsghdr){ .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = (uint32_t) q->len + 1,
                                .nlmsg_len = NLMSG_LENGTH(sizeof *g) };
        *g = (struct nfgenmsg){ .nfgen_family = family, .version = NFNETLINK_V0, .res_id = htons(res_id) };
        if (table) {
                struct nlattr *a = (struct nlattr *) ((char *) h + NLMSG_ALIGN(h->nlmsg_len));

                a->nla_type = NFTA_TABLE_NAME;
                a->nla_len = (uint16_t) (NLA_HDRLEN + strlen(table) + 1);
                memcpy((char *) a + NLA_HDRLEN, table, strlen(table) + 1);
                h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
        }
        q->len += NLMSG_ALIGN(h->nlmsg_len);
}

/* The names of the inet tables "CRIU-N" with N != keep, as a vector. */
static int
stale_tables(int sk, pid_t keep, char ***ret)
{
        _cleanup_free_ char *buf = xmalloc(NL_BUF);
        struct nlreq q = { .len = 0 };

        nl_put(&q, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, NLM_F_REQUEST | NLM_F_DUMP, NFPROTO_INET, 0, NULL);
        if (send(sk, q.buf, q.len, 0) < 0)
                return -errno;
        for (;;) {
                ssize_t n = recv(sk, buf, NL_BUF, 0);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
                        size_t off = NLMSG_LENGTH(sizeof(struct nfgenmsg));

                        if (h->nlmsg_type == NLMSG_DONE)
                                return 0;
                        if (h->nlmsg_type == NLMSG_ERROR)
                                return -EPROTO;
                        while (off + NLA_HDRLEN <= h->nlmsg_len) {
                                struct nlattr *a = (struct nlattr *) ((char *) h + off);
                                const char *name = (const char *) a + NLA_HDRLEN;
                                char *end;

                                if (a->nla_len < NLA_HDRLEN)
                                        break;
                                if (a->nla_type == NFTA_TABLE_NAME && startswith(name, "CRIU-") &&
                                    strtol(name + 5, &end, 10) != keep && *end == '\0')
                                        strv_push(ret, name);
                                off += NLA_ALIGN(a->nla_len);
                        }
                }
        }
}

/* In a child in the container's network namespace: delete the stale lock tables. */
static int
drop_in_netns(pid_t pid)
{
        _cleanup_strv_ char **names = NULL;
        char p[64];
        int ns, sk, r;

        snprintf(p, sizeof p, "/proc/%d/ns/net", (int) pid);
        ns = open(p, O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
                return 1;
        sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (sk < 0)
                return 1;
        r = stale_tables(sk, pid, &names);
        for (size_t i = 0; r >= 0 && names && names[i]; i++) {
                struct nlreq q = { .len = 0 };
                char ack[512];

                nl_put(&q, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES, NULL);
                nl_put(&q, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELTABLE, NLM_F_REQUEST | NLM_F_ACK, NFPROTO_INET,
                       0, names[i]);
                nl_put(&q, NFNL_MSG_BATCH_END, NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES, NULL);
                if (send(sk, q.buf, q.len, 0) < 0 || recv(sk, ack, sizeof ack, 0) < 0)
                        r = -errno;
                else if (((struct nlmsghdr *) ack)->nlmsg_type == NLMSG_ERROR &&
                         ((struct nlmsgerr *) NLMSG_DATA((struct nlmsghdr *) ack))->error != 0)
                        r = ((struct nlmsgerr *) NLMSG_DATA((struct nlmsghdr *) ack))->error;
        }
        return r < 0 ? 2 : 0;
}

int
criu_drop_stale_netlock(pid_t pid, ocirt_error **err)
{
        int status;
        pid_t child = fork();

        if (child < 0)
                return ocirt_fail(err, errno, "fork");
        if (child == 0)
                _exit(drop_in_netns(pid));
        while (waitpid(child, &status, 0) < 0 && errno == EINTR)
                ;
        /* 1: no such namespace or no nf_tables (no lock can be there); 2: the delete failed. */
        if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
                return ocirt_fail_at(err, EIO, NULL, NULL,
                                     "cannot delete the network lock CRIU 3.17 restored with the namespace "
                                     "(nftables table inet CRIU-*): the container's network stays blocked");
        return 0;
}
