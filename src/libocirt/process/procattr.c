/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* procattr.c: the remaining process and linux fields (issue 3): personality, scheduler,
 * ioPriority, memoryPolicy, sysctl, netDevices, intelRdt, apparmorProfile and selinuxLabel; this
 * file is the runtime's side of them, procattr-init.c the init's.
 *
 * What can be decided from the config and the host is checked in procattr_prepare(), in the
 * runtime, so that a bad value fails `create` before anything is set up, with its JSON path; the
 * rest is what the kernel decides, and its refusal names the field too. At SYNC_EARLY the runtime
 * moves the netDevices (netdev.c speaks netlink) and makes the intelRdt group; delete removes it. */
#include "config.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "process/process.h"
#include "process/procattr.h"
#include "process/netdev.h"
#include "base/base.h"
#include "state/state.h"

#ifndef RDTGROUP_SUPER_MAGIC
#define RDTGROUP_SUPER_MAGIC 0x7655821
#endif

char *
procattr_where(const struct container *c, const char *jpath, const char *key)
{
        return key ? xasprintf("%s: %s[\"%s\"]", c->config_path, jpath, key) : xasprintf("%s: %s", c->config_path, jpath);
}

/* ---- memoryPolicy ---- */

int
procattr_parse_nodes(const char *s, unsigned long *mask, int *ret_max)
{
        return parse_bit_list(s, mask, MPOL_BITS, ret_max);
}

static int
prepare_mempolicy(struct container *c, ocirt_error **err)
{
        const struct spec_memory_policy *mp = c->spec->linux_->memory_policy;
        unsigned long nodes[NODE_WORDS] = { 0 }, online[NODE_WORDS] = { 0 };
        _cleanup_free_ char *buf = NULL, *where = NULL;
        int max_node, max_online, r;

        where = procattr_where(c, ".linux.memoryPolicy.nodes", NULL);
        r = procattr_parse_nodes(mp->nodes, nodes, &max_node);
        if (r < 0)
                return ocirt_fail_at(err, EINVAL, where, "use a node list such as \"0-3,7\"",
                                     r == -ERANGE ? "node number out of range in '%s'" : "invalid node list '%s'",
                                     mp->nodes);
        if (max_node < 0)
                return 0;
        r = read_file_at(AT_FDCWD, "/sys/devices/system/node/online", &buf, NULL);
        if (r < 0) {
                /* A kernel without NUMA has node 0 only. */
                free(buf);
                buf = xstrdup("0");
        }
        buf[strcspn(buf, "\n")] = '\0';
        if (procattr_parse_nodes(buf, online, &max_online) < 0)
                return 0; /* cannot tell: the kernel will */
        for (size_t i = 0; i < NODE_WORDS; i++)
                if (nodes[i] & ~online[i])
                        return ocirt_fail_at(err, EINVAL, where, "use nodes that are online on this host",
                                             "'%s' names nodes that are not online (online: %s)", mp->nodes, buf);
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
                where = procattr_where(c, ".linux.sysctl", l->sysctl[i].key);
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


/* ---- intelRdt ---- */

static int
prepare_intel_rdt(struct container *c, ocirt_error **err)
{
        _cleanup_free_ char *where = procattr_where(c, ".linux.intelRdt", NULL);
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
        _cleanup_free_ char *where = procattr_where(c, ".linux.intelRdt", NULL), *dir = NULL, *schemata = NULL,
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

static int
prepare_net_devices(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_free_ char *where = procattr_where(c, ".linux.netDevices", NULL);

        if (c->rootless)
                return ocirt_fail_at(err, EPERM, where,
                                     "run as root, or remove .linux.netDevices (rootless containers can use slirp4netns or pasta)",
                                     "moving a host network device into the container needs root");
        if (!owns_ns(c, SPEC_NS_NETWORK))
                return ocirt_fail_at(err, EINVAL, where, "add a \"network\" namespace to .linux.namespaces",
                                     "network devices can only be moved into the container's own network namespace");
        for (size_t i = 0; i < l->n_net_devices; i++)
                if (if_nametoindex(l->net_devices[i].host_name) == 0) {
                        _cleanup_free_ char *w = procattr_where(c, ".linux.netDevices", l->net_devices[i].host_name);
                        return ocirt_fail_at(err, ENODEV, w, "check `ip link` on the host",
                                             "no network device '%s' on the host", l->net_devices[i].host_name);
                }
        c->wait_early = true;
        return 0;
}

/* One device: its addresses noted, moved and renamed, set up, its addresses given back. */
static int
move_net_device(struct container *c, struct netdev_link *link, const struct spec_net_device *nd, ocirt_error **err)
{
        const char *name = nd->name ? nd->name : nd->host_name;
        _cleanup_free_ char *where = procattr_where(c, ".linux.netDevices", nd->host_name);
        int ifindex = (int) if_nametoindex(nd->host_name);
        struct netdev_addr addrs[16];
        size_t n_addrs;
        int r;

        if (ifindex == 0)
                return ocirt_fail_at(err, ENODEV, where, NULL, "no network device '%s' on the host", nd->host_name);
        n_addrs = netdev_dump_addrs(link, ifindex, addrs, ELEMENTSOF(addrs));
        r = netdev_move(link, ifindex, c->init_pid, name);
        if (r == -EEXIST)
                return ocirt_fail_at(err, EEXIST, where, "choose another \"name\" (or one with %d)",
                                     "a device named '%s' already exists in the container", name);
        if (r < 0)
                return ocirt_fail_at(err, -r, where, NULL, "move '%s' into the container as '%s'", nd->host_name, name);
        r = netdev_set_up(link, ifindex, name);
        if (r < 0)
                return ocirt_fail_at(err, -r, where, NULL, "set '%s' up in the container", name);
        for (size_t k = 0; k < n_addrs; k++) {
                r = netdev_add_addr(link, ifindex, &addrs[k]);
                if (r < 0 && r != -EEXIST)
                        return ocirt_fail_at(err, -r, where, NULL, "restore an address of '%s' in the container", name);
        }
        return 0;
}

/* Runs in: the runtime, at SYNC_EARLY (the init waits in its new network namespace). */
static int
early_net_devices(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        struct netdev_link link;
        int r;

        r = netdev_open(&link, c->init_pid, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l->n_net_devices && r >= 0; i++)
                r = move_net_device(c, &link, &l->net_devices[i], err);
        netdev_close(&link);
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
                _cleanup_free_ char *where = procattr_where(c, ".process.apparmorProfile", NULL);
                return ocirt_fail_at(err, ENOTSUP, where, "remove .process.apparmorProfile, or enable AppArmor in the kernel",
                                     "AppArmor is not enabled on this host (profile '%s')", p->apparmor_profile);
        }
        if (p && p->selinux_label && !selinux_enabled()) {
                _cleanup_free_ char *where = procattr_where(c, ".process.selinuxLabel", NULL);
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
                r = prepare_mempolicy(c, err);
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

/* Runs in: the runtime, at delete. */
int
procattr_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        const char *dir = state_get_extra(st, "intelrdt.dir");

        if (dir && rmdir(dir) < 0 && errno != ENOENT)
                return ocirt_fail(err, errno, "remove the resctrl group %s", dir);
        return 0;
}
