/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fs-internal.h: what the files of fs/ call of each other. Other rooms use the front door fs.h, which
 * this includes. Runs in: the container init, except where noted. The files, lowest first:
 *   mount-options.c  what a mount's options mean (pure)
 *   mount-id.c       mount ids, mountinfo paths, the mounts the container made itself
 *   mount-legacy.c   COMPAT: mount(2) through /proc/self/fd
 *   mount-api.c      the new mount API, with mount-legacy.c once it is refused
 *   mount-idmap.c, mount-idmap-runtime.c, mount-tmpcopyup.c, mount-cgroup.c   what some entries need
 *   devices.c        /dev
 *   mount.c          the mounts list, one entry at a time
 *   rootfs-masks.c   maskedPaths and readonlyPaths (partly in a thread, beside the last mounts)
 *   rootfs.c         the container's root, in order */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"

/* ---- mount-options.c ---------------------------------------------------------------------------- */

/* The options that are no mount attribute. */
enum {
        OPT_BIND = 1 << 0,
        OPT_REC = 1 << 1, /* rbind */
        OPT_REMOUNT = 1 << 2,
        OPT_IDMAP = 1 << 3,
        OPT_RIDMAP = 1 << 4,
        OPT_TMPCOPYUP = 1 << 5,
};

/* A mount's options, planned: set/clr for the mount, rset/rclr for its whole tree (MOUNT_ATTR_*). */
struct mount_plan {
        unsigned other; /* OPT_* */
        uint64_t set, clr, rset, rclr;
        uint64_t propagation, rpropagation;
        char **data; /* key[=value] strings for the filesystem */
};

void mount_plan_options(const struct spec_mount *m, struct mount_plan *p);
unsigned long mount_attr_to_ms(uint64_t a);
char *mount_join_data(char **data, bool drop_gid);
bool mount_is_bind(const struct spec_mount *m);
bool mount_is_idmapped(const struct spec_mount *m);

/* ---- mount-id.c --------------------------------------------------------------------------------- */

void mountinfo_unescape(char *s);
void mount_note_own(int fd);

/* True when fd lies on a mount the container made itself (its rootfs bind, rootfd, or a new
 * filesystem of the mounts list); false on a bind of a host directory or a host submount, where
 * ocirt must create nothing the config did not ask for. */
bool mount_is_own(int rootfd, int fd);

/* ---- mount-legacy.c ----------------------------------------------------------------------------- */

int mount_fd_path(int fd, char *buf, size_t size);
unsigned long mount_current_ms(const char *path);
int mount_legacy(struct container *c, int rootfd, const char *dest, int dstfd, const char *src, int srcfd, bool rec,
                 const char *type, const char *source, char **data, uint64_t set, uint64_t clr, uint64_t rset,
                 uint64_t rclr, uint64_t propagation, ocirt_error **err);
int mount_legacy_remount(int fd, uint64_t set, uint64_t clr, uint64_t rset, uint64_t rclr);

/* ---- mount-api.c -------------------------------------------------------------------------------- */

/* The debug line of a fallback goes to the runtime over the sync socket (the init has no sink of its
 * own); nothing is sent unless --debug asked for it. */
#define mnt_debug(c, ...)                                                                                              \
        do {                                                                                                           \
                if (ocirt_log_level((c)->ctx) >= OCIRT_LOG_DEBUG)                                                       \
                        init_log((c), OCIRT_LOG_DEBUG, __VA_ARGS__);                                                   \
        } while (0)

/* True once the new mount API was refused and mount(2) through /proc/self/fd is used. */
bool mount_use_legacy(void);
void mount_note_legacy(struct container *c, int r, const char *what);
bool mount_api_refused(int r);

int mount_new_fs(const char *type, const char *source, char **data, uint64_t attr, bool drop_gid, int *ret_mfd,
                 char *why, size_t whysize);
int mount_bind_tree(const char *source, bool recursive, int *ret_mfd);
int mount_apply_attrs(int mfd, const struct mount_plan *p);
int mount_apply_propagation(int mfd, const struct mount_plan *p);
int mount_attach(int mfd, int dstfd);

/* Bind srcfd (any fd, O_PATH is fine; rec: with its submounts) onto dstfd, which is `dest` resolved in
 * rootfd, with the MOUNT_ATTR_* flags in set (recursively when rec). */
int mount_bind_fd(struct container *c, int rootfd, const char *dest, int dstfd, int srcfd, bool rec, uint64_t set,
                  ocirt_error **err);
int mount_bind_host_at(struct container *c, int rootfd, const char *dest, int dirfd, const char *name, const char *src,
                       uint64_t set, ocirt_error **err);

/* Attach treefd (a detached tree from open_tree(OPEN_TREE_CLONE)) onto dstfd; if move_mount is
 * refused, bind srcpath with mount(2) instead. */
int mount_attach_tree(struct container *c, int rootfd, const char *dest, int dstfd, int treefd, const char *srcpath,
                      ocirt_error **err);

/* A new filesystem (mount(2) style data string list) onto dstfd, flags in set. */
int mount_new_fd(struct container *c, int rootfd, const char *dest, int dstfd, const char *type, char **data,
                 uint64_t set, ocirt_error **err);

int mount_readonly_one(struct container *c, int rootfd, const char *path, ocirt_error **err);
int mount_tree_readonly(struct container *c, int rootfd, const char *path, ocirt_error **err);

/* ---- mount-idmap.c ------------------------------------------------------------------------------ */

int mount_idmap_userns(const struct spec_idmap *u, size_t nu, const struct spec_idmap *g, size_t ng, bool dumpable,
                       int *ret_fd);
int mount_set_idmap(int mfd, int nsfd, bool recursive);
int mount_idmap_refused(struct container *c, const struct spec_mount *m, size_t index, int e, bool in_init,
                        ocirt_error **err);
int mount_apply_idmap(struct container *c, const struct spec_mount *m, size_t index, int mfd, bool recursive,
                      ocirt_error **err);
int mount_take_prepared(size_t index);
bool mount_prepared_are_trees(void);

/* ---- mount-tmpcopyup.c -------------------------------------------------------------------------- */

int mount_tmpcopyup(struct container *c, const struct spec_mount *m, size_t index, int dstfd, int tofd,
                    ocirt_error **err);

/* ---- mount.c: one entry of the mounts list as it is mounted (mount-cgroup.c takes part) ---------- */

enum kind { KIND_BIND, KIND_FS };

struct job {
        enum kind kind;
        const char *src; /* KIND_BIND: absolute path on the host */
        bool rec;
        const char *fstype; /* KIND_FS */
        bool drop_gid;
};

struct mount_step {
        struct container *c;
        int rootfd;
        const struct spec_mount *m;
        size_t index;
        struct mount_plan p; /* p.data: owned */
        struct job j;
        char *src_abs; /* owned: a bind's source, absolute */
        bool is_dir;   /* the destination to create is a directory (else a file, for a bind of one) */
        bool cgroup_ro, legacy_once, copyup, copyup_ro;
        bool idmapped; /* mfd came idmapped from the runtime (mount_idmap_prepare) */
        bool attached; /* by the new API: mfd names the mount */
        bool dev_ro;   /* /dev, read-only once devices.c is done with it */
        int keep_mode;  /* a tmpfs: the mode of the directory it covers, set after the mount; or -1 */
        int dstfd, mfd; /* owned */
        int srcfd;      /* owned: a bind's source, opened by the runtime (mount_idmap_prepare), or -1 */
        int fs_r;       /* -errno: the kernel refused the new filesystem (see refused_fs) */
        char why[512];  /* the kernel's own words about it */
};

static inline char *
mount_where(struct container *c, size_t index)
{
        return xasprintf("%s: .mounts[%zu]", c->config_path, index);
}

/* Created or joined: ns.c closes a join fd once it is joined, so the spec is what tells. */
static inline bool
mount_in_userns(struct container *c)
{
        return c->new_ns[SPEC_NS_USER] || spec_find_ns(c->spec, SPEC_NS_USER);
}

/* ---- mount-cgroup.c ----------------------------------------------------------------------------- */

struct cg_hier;
int mount_cgroup_v1_hierarchies(const struct container *c, struct cg_hier **ret, size_t *ret_n);
void mount_cgroup_hiers_free(struct cg_hier *h, size_t n);
int mount_cgroup_v1(struct mount_step *s, const struct cg_hier *h, size_t n, ocirt_error **err);
void mount_protect_host_cgroups(struct mount_step *s);
void mount_cgroup_ro_detached(struct mount_step *s);
int mount_cgroup_ro_attached(struct mount_step *s, ocirt_error **err);

/* ---- devices.c ---------------------------------------------------------------------------------- */

/* After the mounts, before the pivot. */
int devices_setup(struct container *c, int rootfd, ocirt_error **err);
bool devices_is_dev_dir(const char *dest);
/* The mounts list mounted /dev writable for a config that wants it read-only: devices_setup() makes
 * it so once /dev is filled. */
void devices_readonly_later(void);

/* ---- rootfs-masks.c ----------------------------------------------------------------------------- */

/* Before mount `next` of the config (next == n_mounts: after the last): start the masks thread if
 * it may. rootfs_masks_join: wait for it (before pivot_root); its error, if any. rootfs_masks_apply:
 * after the pivot, the rest (or all) of maskedPaths and readonlyPaths. */
void rootfs_masks_start(struct container *c, int rootfd, size_t next);
int rootfs_masks_join(struct container *c, ocirt_error **err);
int rootfs_masks_apply(struct container *c, int rootfd, ocirt_error **err);
