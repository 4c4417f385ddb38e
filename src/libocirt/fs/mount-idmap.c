/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-idmap.c: idmapped mounts (the options idmap and ridmap), what the container init does and
 * what it shares with the runtime's side (mount-idmap-runtime.c).
 *
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the user namespace that owns the filesystem (for the
 * host's files: the initial one) and over the namespace that holds the mapping, on a tree that is
 * still detached. Without a user namespace of its own the init has all that and idmaps its trees
 * itself (mount_apply_idmap). With one it has none of it, so the runtime, when it is root, builds the
 * idmapped tree of each such bind while the init waits for its maps (mount_idmap_prepare) and sends
 * it over the sync socket; mount_one() attaches it at its place in the list like any other bind.
 * A rootless runtime cannot idmap the host's files at all: the init tries (a filesystem that the
 * container's user namespace owns would work) and says why it cannot. */
#include "config.h"

#include <inttypes.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "fs/fs-internal.h"
#include "base/base.h"

static void
format_map(char *buf, size_t size, const struct spec_idmap *m, size_t n)
{
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n && len < size; i++)
                len += snprintf(buf + len, size - len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", m[i].container_id,
                                m[i].host_id, m[i].size);
}

/* Runs in: a helper child of the container init or of the runtime; only _exit()s. Unshares a user
 * namespace, sends its pid as /proc numbers it up the pipe `up`, and waits for EOF on `down`, while
 * its parent writes the maps and opens the namespace. */
_noreturn_ static void
userns_child(int up, int down, bool dumpable)
{
        char self[32] = "";
        ssize_t l = readlink("/proc/self", self, sizeof self - 1);
        char c = 0;
        int keep[2] = { up, down };

        /* Nothing of the init's is left here for whoever may ptrace a dumpable child: only
         * the caller's own uid can, whose processes can reach the runtime anyway. */
        (void) close_fds_from(3, keep, 2);
        if (dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                _exit(1);
        if (l <= 0 || unshare(CLONE_NEWUSER) < 0)
                _exit(1);
        self[l] = '\0';
        if (write(up, self, strlen(self) + 1) < 0)
                _exit(1);
        (void) read(down, &c, 1); /* until the parent is done (EOF) */
        _exit(0);
}

/* Fork userns_child; *ret_up reads its pid, closing *ret_down lets it exit. */
static int
fork_userns_child(bool dumpable, pid_t *ret_pid, int *ret_up, int *ret_down)
{
        int p1[2], p2[2], r;
        pid_t pid;

        if (pipe2(p1, O_CLOEXEC) < 0)
                return -errno;
        if (pipe2(p2, O_CLOEXEC) < 0) {
                r = -errno;
                close(p1[0]);
                close(p1[1]);
                return r;
        }
        pid = fork();
        if (pid < 0) {
                r = -errno;
                close(p1[0]), close(p1[1]), close(p2[0]), close(p2[1]);
                return r;
        }
        if (pid == 0)
                userns_child(p1[1], p2[0], dumpable);
        close(p1[1]);
        close(p2[0]);
        *ret_pid = pid;
        *ret_up = p1[0];
        *ret_down = p2[1];
        return 0;
}

/* Write the maps of the user namespace of process `pid` (as the caller's /proc numbers it) and open
 * that namespace. */
static int
map_userns(const char *pid, const struct spec_idmap *u, size_t nu, const struct spec_idmap *g, size_t ng, int *ret_fd)
{
        char buf[4096], path[64];
        int fd, r;

        (void) snprintf(path, sizeof path, "/proc/%s/uid_map", pid);
        format_map(buf, sizeof buf, u, nu);
        r = write_file_at(AT_FDCWD, path, buf, strlen(buf));
        if (r < 0)
                return r;
        (void) snprintf(path, sizeof path, "/proc/%s/gid_map", pid);
        format_map(buf, sizeof buf, g, ng);
        r = write_file_at(AT_FDCWD, path, buf, strlen(buf));
        if (r < 0)
                return r;
        (void) snprintf(path, sizeof path, "/proc/%s/ns/user", pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* A user namespace that holds the mapping, as an fd for MOUNT_ATTR_IDMAP. A short-lived child
 * unshares it and waits; its pid as the (outer) /proc numbers it comes over a pipe, since the init
 * may be in a new pid namespace that the outer /proc does not show. The ids of the maps are those of
 * the caller's user namespace. dumpable: the caller is not root on the host, and the child of the
 * (non-dumpable) init would have /proc files of the host's root that the caller cannot write. */
int
mount_idmap_userns(const struct spec_idmap *u, size_t nu, const struct spec_idmap *g, size_t ng, bool dumpable,
                   int *ret_fd)
{
        _cleanup_close_ int up = -1, down = -1;
        char child[32];
        ssize_t n;
        pid_t pid = -1;
        int r;

        r = fork_userns_child(dumpable, &pid, &up, &down);
        if (r < 0)
                return r;
        n = read(up, child, 20);
        if (n <= 0) {
                r = -EIO;
        } else {
                child[n] = '\0';
                r = map_userns(child, u, nu, g, ng, ret_fd);
        }
        close(TAKE_FD(down));
        (void) waitpid(pid, NULL, 0);
        return r;
}

struct mount_attr_idmap {
        uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* MOUNT_ATTR_IDMAP with the mapping of the user namespace nsfd on the detached mount mfd. */
int
mount_set_idmap(int mfd, int nsfd, bool recursive)
{
        struct mount_attr_idmap a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) nsfd };

        if (syscall(SYS_mount_setattr, mfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
                return -errno;
        return 0;
}


/* The error of a refused MOUNT_ATTR_IDMAP, worded for where it happened. in_init: the init tried it
 * from inside the container's user namespace. */
int
mount_idmap_refused(struct container *c, const struct spec_mount *m, size_t index, int e, bool in_init, ocirt_error **err)
{
        _cleanup_free_ char *where = xasprintf("%s: .mounts[%zu].options", c->config_path, index);
        const char *hint = NULL;

        if (e == EPERM && c->rootless)
                hint = "a rootless runtime can idmap only a filesystem that the container's own user namespace owns, never "
                       "one of the host's: run ocirt as root, or give the files ids the container maps (chown) and drop 'idmap'";
        else if (e == EPERM && in_init)
                hint = "ocirt idmaps the host's files from the runtime, for binds in a user namespace it creates; not in one "
                       "the container joins";
        else if (e == EPERM)
                hint = "the runtime lacks CAP_SYS_ADMIN in the user namespace that owns the source's filesystem";
        else if (e == EINVAL)
                hint = "the filesystem may not support idmapped mounts, a submount may need 'ridmap', or the mapping is the "
                       "filesystem's own user namespace";
        else if (e == ENOSYS)
                hint = "idmapped mounts need mount_setattr (Linux 5.12)";
        return ocirt_fail_at(err, e, where, hint, "idmap the mount on '%s'%s", m->destination,
                             e == EPERM ? ": MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace that owns the "
                                          "filesystem, and in the one of the mapping"
                                        : "");
}

/* Runs in: the container init, on the detached mount mfd that it built itself. */
int
mount_apply_idmap(struct container *c, const struct spec_mount *m, size_t index, int mfd, bool recursive, ocirt_error **err)
{
        _cleanup_free_ char *where = mount_where(c, index);
        bool own = m->has_uid_mappings || m->has_gid_mappings;
        bool userns = mount_in_userns(c);
        _cleanup_close_ int nsfd = -1;
        int r;

        if (!own && !userns)
                /* The container's own mapping is the spec's MAY; none at all is an error (MUST). */
                return ocirt_fail_at(err, EINVAL, where, "add uidMappings and gidMappings to the mount, or a user namespace",
                                     "'%s' needs an id mapping: the mount on '%s' has none and the container no user namespace",
                                     recursive ? "ridmap" : "idmap", m->destination);
        if (own) {
                /* In a user namespace, its child's maps are in the container's ids. */
                r = mount_idmap_userns(m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings,
                                       userns && c->rootless, &nsfd);
                if (r == -EPERM && userns && c->rootless)
                        return mount_idmap_refused(c, m, index, EPERM, true, err);
                if (r < 0)
                        return ocirt_fail_at(err, -r, where, "check the mount's uidMappings and gidMappings",
                                             "create the user namespace of the idmapped mount on '%s'", m->destination);
        } else {
                nsfd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
                if (nsfd < 0)
                        return ocirt_fail(err, errno, "open the container's user namespace");
        }
        r = mount_set_idmap(mfd, nsfd, recursive);
        if (r < 0)
                return mount_idmap_refused(c, m, index, -r, userns, err);
        return 0;
}

/* Runs in: the container init. The fds the runtime sent, by mount index (-1: none): for an idmap or
 * ridmap bind its idmapped tree, for any other bind an O_PATH fd of its source (see
 * mount_idmap_prepare), or with prepared_are_trees (mount-live.c) a detached tree of it. */
static int *idmap_trees;
static size_t n_idmap_trees;
static bool prepared_are_trees;

/* Runs in: the child of `mounts add`. */
void
mount_set_prepared_trees(int *fds, size_t n)
{
        idmap_trees = fds;
        n_idmap_trees = n;
        prepared_are_trees = true;
}

/* The fd prepared for the mount `index` (the caller's from now on), or -1. */
int
mount_take_prepared(size_t index)
{
        int fd = -1;

        if (index < n_idmap_trees) {
                fd = idmap_trees[index];
                idmap_trees[index] = -1;
        }
        return fd;
}

/* The prepared fds are detached trees (mount-live.c), not the runtime's O_PATH fds of bind sources. */
bool
mount_prepared_are_trees(void)
{
        return prepared_are_trees;
}

/* Runs in: the container init. */
int
mount_idmap_receive(struct container *c, ocirt_error **err)
{
        for (;;) {
                struct sync_msg m;
                int fd = -1, r;

                r = sync_recv(c->sync_child, &m, &fd, err);
                if (r < 0)
                        return r;
                if (m.type == SYNC_MAPS_DONE)
                        return 0;
                if (m.type != SYNC_IDMAP_FD || fd < 0 || m.pid < 0 || (size_t) m.pid >= c->spec->n_mounts) {
                        if (fd >= 0)
                                close(fd);
                        return ocirt_fail(err, EIO, "sync: unexpected message %u while waiting for the maps", m.type);
                }
                if (!idmap_trees) {
                        n_idmap_trees = c->spec->n_mounts;
                        idmap_trees = xmalloc(n_idmap_trees * sizeof *idmap_trees);
                        for (size_t i = 0; i < n_idmap_trees; i++)
                                idmap_trees[i] = -1;
                }
                if (idmap_trees[m.pid] >= 0)
                        close(idmap_trees[m.pid]);
                idmap_trees[m.pid] = fd;
        }
}
