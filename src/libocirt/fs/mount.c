/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.c: the OCI `mounts` list, applied in order through file descriptors.
 *
 * Every mount is built detached (fsopen/fsconfig/fsmount for a new filesystem, open_tree for a bind),
 * gets its attributes with mount_setattr while detached, and is attached with move_mount onto an fd
 * that pathres.c resolved inside the rootfs. So no path is looked up twice (no symlink race on the
 * destination) and read-only binds need no remount that would trip over the flags a user namespace
 * locks. The rootfs pivot is in rootfs.c; /dev nodes in devices.c. */
#include "config.h"

#include <dirent.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "fs/fs.h"
#include "base/base.h"

enum {
        OPT_BIND = 1 << 0,
        OPT_REC = 1 << 1, /* rbind */
        OPT_REMOUNT = 1 << 2,
        OPT_IDMAP = 1 << 3,
        OPT_RIDMAP = 1 << 4,
        OPT_TMPCOPYUP = 1 << 5,
};

struct mount_opt {
        const char *name;
        uint64_t set, clr; /* MOUNT_ATTR_* */
        bool recursive;    /* the r* form: applies to every mount of the tree */
        uint64_t propagation;
        unsigned other; /* OPT_* */
};

/* The spec's MUST and SHOULD lists. The atime family is one field: setting one clears the others. */
#define ATIME_CLR MOUNT_ATTR__ATIME
static const struct mount_opt mount_opts[] = {
        { "defaults", 0, 0, false, 0, 0 },
        { "rw", 0, MOUNT_ATTR_RDONLY, false, 0, 0 },
        { "ro", MOUNT_ATTR_RDONLY, 0, false, 0, 0 },
        { "suid", 0, MOUNT_ATTR_NOSUID, false, 0, 0 },
        { "nosuid", MOUNT_ATTR_NOSUID, 0, false, 0, 0 },
        { "dev", 0, MOUNT_ATTR_NODEV, false, 0, 0 },
        { "nodev", MOUNT_ATTR_NODEV, 0, false, 0, 0 },
        { "exec", 0, MOUNT_ATTR_NOEXEC, false, 0, 0 },
        { "noexec", MOUNT_ATTR_NOEXEC, 0, false, 0, 0 },
        { "symfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, false, 0, 0 },
        { "nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, false, 0, 0 },
        { "atime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 }, /* kernel default */
        { "noatime", MOUNT_ATTR_NOATIME, ATIME_CLR, false, 0, 0 },
        { "relatime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 },
        { "norelatime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 },
        { "strictatime", MOUNT_ATTR_STRICTATIME, ATIME_CLR, false, 0, 0 },
        { "nostrictatime", MOUNT_ATTR_RELATIME, ATIME_CLR, false, 0, 0 },
        { "diratime", 0, MOUNT_ATTR_NODIRATIME, false, 0, 0 },
        { "nodiratime", MOUNT_ATTR_NODIRATIME, 0, false, 0, 0 },
        { "rro", MOUNT_ATTR_RDONLY, 0, true, 0, 0 },
        { "rrw", 0, MOUNT_ATTR_RDONLY, true, 0, 0 },
        { "rsuid", 0, MOUNT_ATTR_NOSUID, true, 0, 0 },
        { "rnosuid", MOUNT_ATTR_NOSUID, 0, true, 0, 0 },
        { "rdev", 0, MOUNT_ATTR_NODEV, true, 0, 0 },
        { "rnodev", MOUNT_ATTR_NODEV, 0, true, 0, 0 },
        { "rexec", 0, MOUNT_ATTR_NOEXEC, true, 0, 0 },
        { "rnoexec", MOUNT_ATTR_NOEXEC, 0, true, 0, 0 },
        { "rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, true, 0, 0 },
        { "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, true, 0, 0 },
        { "ratime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rnoatime", MOUNT_ATTR_NOATIME, ATIME_CLR, true, 0, 0 },
        { "rrelatime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rnorelatime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rstrictatime", MOUNT_ATTR_STRICTATIME, ATIME_CLR, true, 0, 0 },
        { "rnostrictatime", MOUNT_ATTR_RELATIME, ATIME_CLR, true, 0, 0 },
        { "rdiratime", 0, MOUNT_ATTR_NODIRATIME, true, 0, 0 },
        { "rnodiratime", MOUNT_ATTR_NODIRATIME, 0, true, 0, 0 },
        { "bind", 0, 0, false, 0, OPT_BIND },
        { "rbind", 0, 0, false, 0, OPT_BIND | OPT_REC },
        { "remount", 0, 0, false, 0, OPT_REMOUNT },
        { "idmap", 0, 0, false, 0, OPT_IDMAP },
        { "ridmap", 0, 0, false, 0, OPT_RIDMAP },
        { "tmpcopyup", 0, 0, false, 0, OPT_TMPCOPYUP },
        { "private", 0, 0, false, MS_PRIVATE, 0 },
        { "rprivate", 0, 0, true, MS_PRIVATE, 0 },
        { "shared", 0, 0, false, MS_SHARED, 0 },
        { "rshared", 0, 0, true, MS_SHARED, 0 },
        { "slave", 0, 0, false, MS_SLAVE, 0 },
        { "rslave", 0, 0, true, MS_SLAVE, 0 },
        { "unbindable", 0, 0, false, MS_UNBINDABLE, 0 },
        { "runbindable", 0, 0, true, MS_UNBINDABLE, 0 },
        /* Superblock flags: passed to the filesystem (fsconfig flags of the same name). */
        { "sync", 0, 0, false, 0, 0 },
        { "async", 0, 0, false, 0, 0 },
        { "dirsync", 0, 0, false, 0, 0 },
        { "lazytime", 0, 0, false, 0, 0 },
        { "nolazytime", 0, 0, false, 0, 0 },
        { "iversion", 0, 0, false, 0, 0 },
        { "noiversion", 0, 0, false, 0, 0 },
        { "mand", 0, 0, false, 0, 0 },
        { "nomand", 0, 0, false, 0, 0 },
        { "silent", 0, 0, false, 0, 0 },
        { "loud", 0, 0, false, 0, 0 },
};

/* Superblock flags that the kernel's generic fsconfig() parser knows; the rest of the family
 * (iversion, silent, loud, ...) has no effect on a new mount and is dropped. Unknown options go to
 * the filesystem as data. */
static const char *const sb_flags[] = { "sync", "async", "dirsync", "lazytime", "nolazytime", "mand", "nomand", NULL };

struct mount_plan {
        unsigned other;
        uint64_t set, clr, rset, rclr;
        uint64_t propagation, rpropagation;
        char **data; /* key[=value] strings for the filesystem */
};

static const struct mount_opt *
find_opt(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(mount_opts); i++)
                if (streq(mount_opts[i].name, name))
                        return &mount_opts[i];
        return NULL;
}

static void
plan_options(const struct spec_mount *m, struct mount_plan *p)
{
        *p = (struct mount_plan){ 0 };
        for (size_t i = 0; i < m->n_options; i++) {
                const char *o = m->options[i];
                const struct mount_opt *d = find_opt(o);

                if (!d) {
                        strv_push(&p->data, o);
                        continue;
                }
                p->other |= d->other;
                if (d->propagation) {
                        if (d->recursive)
                                p->rpropagation = d->propagation;
                        else
                                p->propagation = d->propagation;
                }
                if (d->recursive) {
                        p->rset = (p->rset & ~d->clr) | d->set;
                        p->rclr = (p->rclr & ~d->set) | d->clr;
                } else {
                        p->set = (p->set & ~d->clr) | d->set;
                        p->clr = (p->clr & ~d->set) | d->clr;
                }
                if (strv_contains((char **) sb_flags, o))
                        strv_push(&p->data, o);
        }
}

/* Created or joined: ns.c closes a join fd once it is joined, so the spec is what tells. */
static bool
in_userns(struct container *c)
{
        return c->new_ns[SPEC_NS_USER] || spec_find_ns(c->spec, SPEC_NS_USER);
}

static char *
mount_where(struct container *c, size_t index)
{
        return xasprintf("%s: .mounts[%zu]", c->config_path, index);
}

/* Collect the kernel's own explanation of an fsconfig failure (it is often precise). */
static void
fs_context_log(int fsfd, char *buf, size_t size)
{
        char line[512];
        ssize_t n;
        size_t len = 0;

        buf[0] = '\0';
        while (len + 3 < size && (n = read(fsfd, line, sizeof line - 1)) > 0) {
                line[n] = '\0';
                len += snprintf(buf + len, size - len, "%s%s", len ? "; " : "", line + (n > 2 && line[1] == ' ' ? 2 : 0));
        }
}

static int
new_fs(const char *type, const char *source, char **data, uint64_t attr, bool drop_gid, int *ret_mfd, char *why,
       size_t whysize)
{
        _cleanup_close_ int fsfd = -1;
        int mfd;

        why[0] = '\0';
        fsfd = sys_fsopen(type, FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return -errno;
        if (source && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0 && errno != EINVAL)
                return -errno;
        for (size_t i = 0; data && data[i]; i++) {
                _cleanup_free_ char *key = xstrdup(data[i]);
                char *eq = strchr(key, '=');
                int r;

                if (drop_gid && startswith(key, "gid="))
                        continue;
                if (eq) {
                        *eq = '\0';
                        r = sys_fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
                } else {
                        r = sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
                }
                if (r < 0) {
                        int e = errno;
                        fs_context_log(fsfd, why, whysize);
                        return -e;
                }
        }
        if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                int e = errno;
                fs_context_log(fsfd, why, whysize);
                return -e;
        }
        mfd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned) attr);
        if (mfd < 0)
                return -errno;
        *ret_mfd = mfd;
        return 0;
}

/* COMPAT(kernel < 5.2, or a seccomp filter of an outer container that refuses the new mount API with
 * ENOSYS or EPERM): mount(2) onto "/proc/self/fd/N", the fd pathres.c resolved. 0: not known yet,
 * 1: the new API works, -1: mount(2) from now on. */
static int new_api_state;

static bool
api_refused(int r)
{
        return r == -ENOSYS || r == -EPERM;
}

/* The debug line of a fallback goes to the runtime over the sync socket (the init has no sink of its
 * own); nothing is sent unless --debug asked for it. */
#define mnt_debug(c, ...)                                                                                              \
        do {                                                                                                           \
                if (ocirt_log_level((c)->ctx) >= OCIRT_LOG_DEBUG)                                                       \
                        init_log((c), OCIRT_LOG_DEBUG, __VA_ARGS__);                                                   \
        } while (0)

static int
bind_tree(const char *source, bool recursive, int *ret_mfd)
{
        int fd = sys_open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

        if (fd < 0)
                return -errno;
        *ret_mfd = fd;
        return 0;
}

static int
apply_attrs(int mfd, const struct mount_plan *p)
{
        if ((p->set || p->clr) && sys_mount_setattr(mfd, "", AT_EMPTY_PATH, p->set, p->clr, 0) < 0)
                return -errno;
        if ((p->rset || p->rclr) && sys_mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, p->rset, p->rclr, 0) < 0)
                return -errno;
        return 0;
}

/* Propagation is set once the mount is attached: a detached tree lives in an anonymous namespace,
 * where the kernel gives it no peer group. mfd still names the mount after move_mount. */
static int
apply_propagation(int mfd, const struct mount_plan *p)
{
        if (p->propagation && sys_mount_setattr(mfd, "", AT_EMPTY_PATH, 0, 0, p->propagation) < 0)
                return -errno;
        if (p->rpropagation && sys_mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, 0, 0, p->rpropagation) < 0)
                return -errno;
        return 0;
}

static int
attach(int mfd, int dstfd)
{
        if (sys_move_mount(mfd, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

/* ---- COMPAT: mount(2) through /proc/self/fd ------------------------------------------------------ */

/* "/proc/self/fd/N" for fd, after checking that /proc is a real procfs: a bind over /proc would make
 * the magic link a plain symlink the image controls (the CVE-2019-19921 class). */
static int
fd_path(int fd, char *buf, size_t size)
{
        struct statfs sf;

        if (statfs("/proc/self/fd", &sf) < 0)
                return -errno;
        if (sf.f_type != PROC_SUPER_MAGIC)
                return -EXDEV;
        (void) snprintf(buf, size, "/proc/self/fd/%d", fd);
        return 0;
}

static unsigned long
attr_to_ms(uint64_t a)
{
        unsigned long f = 0;

        if (a & MOUNT_ATTR_RDONLY)
                f |= MS_RDONLY;
        if (a & MOUNT_ATTR_NOSUID)
                f |= MS_NOSUID;
        if (a & MOUNT_ATTR_NODEV)
                f |= MS_NODEV;
        if (a & MOUNT_ATTR_NOEXEC)
                f |= MS_NOEXEC;
        if (a & MOUNT_ATTR_NODIRATIME)
                f |= MS_NODIRATIME;
        if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR_NOATIME)
                f |= MS_NOATIME;
        else if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME)
                f |= MS_STRICTATIME;
        if (a & MOUNT_ATTR_NOSYMFOLLOW)
                f |= 256; /* MS_NOSYMFOLLOW, kernel >= 5.10 */
        return f;
}

/* The flags a remount must keep: in a user namespace the kernel locks those the outer mount had
 * (nosuid, nodev, noexec, ro, atime), and a remount that drops one fails with EPERM. */
static unsigned long
current_ms(const char *path)
{
        struct statvfs sv;
        unsigned long f = 0;

        if (statvfs(path, &sv) < 0)
                return 0;
        if (sv.f_flag & ST_RDONLY)
                f |= MS_RDONLY;
        if (sv.f_flag & ST_NOSUID)
                f |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV)
                f |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC)
                f |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME)
                f |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME)
                f |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME)
                f |= MS_RELATIME;
        return f;
}

static char *
join_data(char **data, bool drop_gid)
{
        char *s = xstrdup("");

        for (size_t i = 0; data && data[i]; i++) {
                char *n;

                if (drop_gid && startswith(data[i], "gid="))
                        continue;
                n = xasprintf("%s%s%s", s, *s ? "," : "", data[i]);
                free(s);
                s = n;
        }
        return s;
}

int
mount_id_of(int fd)
{
        char path[64], *text = NULL, *line;
        int id = -1;

        (void) snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
        if (read_file_at(AT_FDCWD, path, &text, NULL) < 0)
                return -1;
        line = strstr(text, "mnt_id:");
        if (line)
                id = atoi(line + 7);
        free(text);
        return id;
}

/* ---- which mounts are the container's own ------------------------------------------------------ */

/* The mounts this container made itself: its rootfs bind (noted by devices.c through rootfd) and the
 * new filesystems of the mounts list. A directory on any other mount (a bind of a host directory,
 * or a host submount an rbind brought along) belongs to the host: ocirt creates nothing there that
 * the config did not ask for (issue 13.1: a bind-mounted /dev gets no default devices). */
static int own_ids[256];
static size_t n_own_ids;

static void
note_own_mount(int fd)
{
        int id = mount_id_of(fd);

        if (id >= 0 && n_own_ids < ELEMENTSOF(own_ids))
                own_ids[n_own_ids++] = id;
}

/* Runs in: the container init. */
bool
mount_is_own(int rootfd, int fd)
{
        int id = mount_id_of(fd);

        if (id < 0)
                return false;
        if (id == mount_id_of(rootfd))
                return true;
        for (size_t i = 0; i < n_own_ids; i++)
                if (own_ids[i] == id)
                        return true;
        return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_octal(char *s)
{
        char *w = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
                        *w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *w++ = *s;
        }
        *w = '\0';
}

/* COMPAT(kernel < 5.12): the r* options without mount_setattr(AT_RECURSIVE): remount every mount below
 * the mount `top` (a mount id) one by one, parents before children, in mountinfo order. The paths
 * come from mountinfo; the container has not started, so only a shared volume could race them, and
 * each is a bind remount that can only add the asked flags. */
static int
remount_tree(int top, unsigned long set, unsigned long clr)
{
        _cleanup_free_ char *text = NULL;
        int ids[4096], n = 0, r;
        char *save = NULL;

        r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL);
        if (r < 0)
                return r;
        ids[n++] = top;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                int id, parent;
                char mp[PATH_MAX];
                bool below = false;

                if (sscanf(line, "%d %d %*s %*s %4095s", &id, &parent, mp) != 3)
                        continue;
                for (int i = 0; i < n; i++)
                        if (ids[i] == parent && id != top)
                                below = true;
                if (!below || n == (int) ELEMENTSOF(ids))
                        continue;
                ids[n++] = id;
                unescape_octal(mp);
                if (mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | ((current_ms(mp) & ~clr) | set), NULL) < 0)
                        return -errno;
        }
        return 0;
}

/* Mount with mount(2) onto dstfd. src: a bind source path (NULL: a new `type` filesystem). After the
 * mount, the destination is resolved again in the rootfs (the magic link names the directory under
 * the new mount, not the mount) and must be a different mount than before, so the remount of the
 * flags cannot land on anything else. Returns -errno with *err unset only when mount(2) refused a
 * new filesystem, so that the caller can fall back (sysfs, proc); every other failure sets *err. */
static int
mount_legacy(struct container *c, int rootfd, const char *dest, int dstfd, const char *src, int srcfd, bool rec,
             const char *type, const char *source, char **data, uint64_t set, uint64_t clr, uint64_t rset,
             uint64_t rclr, uint64_t propagation, ocirt_error **err)
{
        char target[64], from[64];
        _cleanup_close_ int newfd = -1;
        _cleanup_free_ char *d = NULL;
        unsigned long flags;
        int r;

        r = fd_path(dstfd, target, sizeof target);
        if (r < 0)
                return ocirt_fail(err, -r, "mount on '%s': /proc is not a procfs, cannot mount through an fd", dest);
        if (srcfd >= 0) {
                (void) snprintf(from, sizeof from, "/proc/self/fd/%d", srcfd);
                src = from;
        }
        if (src) {
                if (mount(src, target, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
                        return ocirt_fail(err, errno, "bind '%s' on '%s' (mount(2))", srcfd >= 0 ? "fd" : src, dest);
        } else {
                d = join_data(data, false);
                flags = attr_to_ms(set);
                r = mount(source ?: type, target, type, flags, d);
                if (r < 0 && errno == EINVAL && streq(type, "devpts") && strv_contains(data, "gid=5")) {
                        free(d);
                        d = join_data(data, /* drop_gid= */ true);
                        r = mount(source ?: type, target, type, flags, d);
                }
                if (r < 0)
                        return -errno; /* the caller words it: it may fall back (sysfs, proc) */
        }
        r = pathres_open(rootfd, dest, 0, &newfd, err);
        if (r < 0)
                return r;
        if (mount_id_of(newfd) == mount_id_of(dstfd))
                return ocirt_fail(err, EBUSY, "mount on '%s': the destination changed while it was mounted", dest);
        r = fd_path(newfd, target, sizeof target);
        if (r < 0)
                return ocirt_fail(err, -r, "mount on '%s': /proc is not a procfs", dest);
        if (src && (set || clr || rset || rclr)) {
                flags = (current_ms(target) & ~attr_to_ms(clr | rclr)) | attr_to_ms(set | rset);
                if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
                        return ocirt_fail(err, errno, "set the options of the bind on '%s' (mount(2) remount)", dest);
        }
        if (rset || rclr) {
                r = remount_tree(mount_id_of(newfd), attr_to_ms(rset), attr_to_ms(rclr));
                if (r < 0)
                        return ocirt_fail(err, -r, "set the recursive options below '%s' (mount(2) remount)", dest);
        }
        if (propagation && mount(NULL, target, NULL, (unsigned long) propagation | (rec ? MS_REC : 0), NULL) < 0)
                return ocirt_fail(err, errno, "set the propagation of '%s'", dest);
        return 0;
}

bool
mount_use_legacy(void)
{
        return new_api_state < 0;
}

static void
note_legacy(struct container *c, int r, const char *what)
{
        if (new_api_state >= 0)
                mnt_debug(c, "%s: %s, using mount(2) through /proc/self/fd from now on", what, strerror(-r));
        new_api_state = -1;
}

/* ---- the mounts list ------------------------------------------------------------------------- */

enum kind { KIND_BIND, KIND_FS };

struct job {
        enum kind kind;
        const char *src; /* KIND_BIND: absolute path on the host */
        bool rec;
        const char *fstype; /* KIND_FS */
        bool drop_gid;
};

static int
build_new_api(const struct job *j, const struct spec_mount *m, char **data, struct mount_plan *p, bool later_ro,
              int *ret_mfd, char *why, size_t whysize)
{
        uint64_t attr = later_ro ? p->set & ~(uint64_t) MOUNT_ATTR_RDONLY : p->set;
        int r;

        if (j->kind == KIND_BIND)
                return bind_tree(j->src, j->rec, ret_mfd);
        r = new_fs(j->fstype, m->source, data, attr, false, ret_mfd, why, whysize);
        if (r == -EINVAL && streq(j->fstype, "devpts") && strv_contains(data, "gid=5"))
                r = new_fs(j->fstype, m->source, data, attr, /* drop_gid= */ true, ret_mfd, why, whysize);
        if (r >= 0) {
                p->set &= ~attr; /* applied by fsmount; what is left is set after the copy */
                p->clr = 0;
        }
        return r;
}

/* ---- idmap / ridmap --------------------------------------------------------------------------- */

/* MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the user namespace that owns the filesystem (for the
 * host's files: the initial one) and over the namespace that holds the mapping, on a tree that is
 * still detached. Without a user namespace of its own the init has all that and idmaps its trees
 * itself (apply_idmap). With one it has none of it, so the runtime, when it is root, builds the
 * idmapped tree of each such bind while the init waits for its maps (mount_idmap_prepare) and sends
 * it over the sync socket; mount_one() attaches it at its place in the list like any other bind.
 * A rootless runtime cannot idmap the host's files at all: the init tries (a filesystem that the
 * container's user namespace owns would work) and says why it cannot. */

static void
format_map(char *buf, size_t size, const struct spec_idmap *m, size_t n)
{
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n && len < size; i++)
                len += snprintf(buf + len, size - len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", m[i].container_id,
                                m[i].host_id, m[i].size);
}

/* A user namespace that holds the mapping, as an fd for MOUNT_ATTR_IDMAP. A short-lived child
 * unshares it and waits; its pid as the (outer) /proc numbers it comes over a pipe, since the init
 * may be in a new pid namespace that the outer /proc does not show. The ids of the maps are those of
 * the caller's user namespace. dumpable: the caller is not root on the host, and the child of the
 * (non-dumpable) init would have /proc files of the host's root that the caller cannot write. */
static int
idmap_userns(const struct spec_idmap *u, size_t nu, const struct spec_idmap *g, size_t ng, bool dumpable, int *ret_fd)
{
        _cleanup_close_ int up = -1, down = -1, nsfd = -1;
        int p1[2], p2[2], r = 0, status;
        char buf[4096], path[64];
        ssize_t n;
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
        if (pid == 0) {
                /* Runs in: a helper child of the container init or of the runtime; only _exit()s. */
                char self[32] = "";
                ssize_t l = readlink("/proc/self", self, sizeof self - 1);
                char c = 0;
                int keep[2] = { p1[1], p2[0] };

                /* Nothing of the init's is left here for whoever may ptrace a dumpable child: only
                 * the caller's own uid can, whose processes can reach the runtime anyway. */
                (void) close_fds_from(3, keep, 2);
                if (dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                        _exit(1);
                if (l <= 0 || unshare(CLONE_NEWUSER) < 0)
                        _exit(1);
                self[l] = '\0';
                if (write(p1[1], self, strlen(self) + 1) < 0)
                        _exit(1);
                (void) read(p2[0], &c, 1); /* until the parent is done (EOF) */
                _exit(0);
        }
        close(p1[1]);
        close(p2[0]);
        up = p1[0];
        down = p2[1];
        n = read(up, path + 40, 20);
        if (n <= 0) {
                r = -EIO;
                goto out;
        }
        path[59] = '\0';
        {
                char base[32];
                (void) snprintf(base, sizeof base, "%s", path + 40);
                (void) snprintf(path, sizeof path, "/proc/%s/uid_map", base);
                format_map(buf, sizeof buf, u, nu);
                r = write_file_at(AT_FDCWD, path, buf, strlen(buf));
                if (r >= 0) {
                        (void) snprintf(path, sizeof path, "/proc/%s/gid_map", base);
                        format_map(buf, sizeof buf, g, ng);
                        r = write_file_at(AT_FDCWD, path, buf, strlen(buf));
                }
                if (r >= 0) {
                        (void) snprintf(path, sizeof path, "/proc/%s/ns/user", base);
                        nsfd = open(path, O_RDONLY | O_CLOEXEC);
                        if (nsfd < 0)
                                r = -errno;
                }
        }
out:
        close(down);
        down = -1;
        (void) waitpid(pid, &status, 0);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(nsfd);
        return 0;
}

struct mount_attr_idmap {
        uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int
set_idmap(int mfd, int nsfd, bool recursive)
{
        struct mount_attr_idmap a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) nsfd };

        if (syscall(SYS_mount_setattr, mfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
                return -errno;
        return 0;
}

static bool
is_idmapped(const struct spec_mount *m)
{
        return m->n_options && (strv_contains(m->options, "idmap") || strv_contains(m->options, "ridmap"));
}

static bool
is_bind(const struct spec_mount *m)
{
        return (m->type && streq(m->type, "bind")) ||
               (m->n_options && (strv_contains(m->options, "bind") || strv_contains(m->options, "rbind")));
}

/* The error of a refused MOUNT_ATTR_IDMAP, worded for where it happened. in_init: the init tried it
 * from inside the container's user namespace. */
static int
idmap_refused(struct container *c, const struct spec_mount *m, size_t index, int e, bool in_init, ocirt_error **err)
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
static int
apply_idmap(struct container *c, const struct spec_mount *m, size_t index, int mfd, bool recursive, ocirt_error **err)
{
        _cleanup_free_ char *where = mount_where(c, index);
        bool own = m->has_uid_mappings || m->has_gid_mappings;
        bool userns = in_userns(c);
        _cleanup_close_ int nsfd = -1;
        int r;

        if (!own && !userns)
                /* The container's own mapping is the spec's MAY; none at all is an error (MUST). */
                return ocirt_fail_at(err, EINVAL, where, "add uidMappings and gidMappings to the mount, or a user namespace",
                                     "'%s' needs an id mapping: the mount on '%s' has none and the container no user namespace",
                                     recursive ? "ridmap" : "idmap", m->destination);
        if (own) {
                /* In a user namespace, its child's maps are in the container's ids. */
                r = idmap_userns(m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings,
                                 userns && c->rootless, &nsfd);
                if (r == -EPERM && userns && c->rootless)
                        return idmap_refused(c, m, index, EPERM, true, err);
                if (r < 0)
                        return ocirt_fail_at(err, -r, where, "check the mount's uidMappings and gidMappings",
                                             "create the user namespace of the idmapped mount on '%s'", m->destination);
        } else {
                nsfd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
                if (nsfd < 0)
                        return ocirt_fail(err, errno, "open the container's user namespace");
        }
        r = set_idmap(mfd, nsfd, recursive);
        if (r < 0)
                return idmap_refused(c, m, index, -r, userns, err);
        return 0;
}

/* ---- idmap from the runtime ---- */

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

static int
take_prepared_fd(size_t index)
{
        int fd = -1;

        if (index < n_idmap_trees) {
                fd = idmap_trees[index];
                idmap_trees[index] = -1;
        }
        return fd;
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
                int r = t < 0 ? -errno : q[i].plain ? 0 : set_idmap(t, q[i].userns_fd, q[i].attr_rec);

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
                                r = idmap_refused(c, &c->spec->mounts[x->index], x->index, e, false, err);
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

        /* Rootless, the host's files cannot be idmapped by anyone: apply_idmap() in the init says so. */
        if (geteuid() != 0)
                return 0;
        /* The root of a user namespace (a nested runtime) reaches no more than its init does. */
        plain_too = initial_userns();
        for (size_t i = 0; i < s->n_mounts; i++)
                if (is_bind(&s->mounts[i]) && s->mounts[i].source && (plain_too || is_idmapped(&s->mounts[i])))
                        n++;
        if (n == 0)
                return 0;
        q = xcalloc(n, sizeof *q);
        n = 0;
        for (size_t i = 0; i < s->n_mounts && r >= 0; i++) {
                const struct spec_mount *m = &s->mounts[i];
                struct idmap_req *x = &q[n];
                struct mount_plan p;

                if (!is_bind(m) || !m->source || !(plain_too || is_idmapped(m)))
                        continue;
                plan_options(m, &p);
                strv_free(p.data);
                *x = (struct idmap_req){ .index = i, .open_rec = p.other & OPT_REC, .attr_rec = p.other & OPT_RIDMAP,
                                         .userns_fd = -1, .plain = !is_idmapped(m) };
                x->src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
                n++;
                if (x->plain)
                        continue;
                if (m->has_uid_mappings || m->has_gid_mappings) {
                        r = idmap_userns(m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings,
                                         false, &x->userns_fd);
                        if (r < 0) {
                                _cleanup_free_ char *where = mount_where(c, i);
                                r = ocirt_fail_at(err, -r, where, "check the mount's uidMappings and gidMappings",
                                                  "create the user namespace of the idmapped mount on '%s'", m->destination);
                        }
                        continue;
                }
                /* No mapping of its own: the container's (the spec's MAY). */
                if (own_ns < 0) {
                        char path[64];

                        (void) snprintf(path, sizeof path, "/proc/%d/ns/user", (int) init);
                        own_ns = open(path, O_RDONLY | O_CLOEXEC);
                        if (own_ns < 0) {
                                r = ocirt_fail(err, errno, "open the container's user namespace");
                                continue;
                        }
                }
                x->userns_fd = fcntl(own_ns, F_DUPFD_CLOEXEC, 3);
                if (x->userns_fd < 0)
                        r = ocirt_fail(err, errno, "dup");
        }
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

/* ---- tmpcopyup --------------------------------------------------------------------------------- */

/* Copy the directory tree srcfd into dstfd (a fresh tmpfs): files, directories, symlinks, fifos and,
 * where the kernel allows, device nodes, with their modes and owners. Never follows a symlink. */
static int
copy_tree(int srcfd, int dstfd, unsigned depth)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (depth > 64)
                return -ELOOP;
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                struct stat st;
                int r = 0;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int s = -1, t = -1;

                        if (mkdirat(dstfd, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST)
                                return -errno;
                        s = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        t = openat(dstfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (s < 0 || t < 0)
                                return -errno;
                        r = copy_tree(s, t, depth + 1);
                        if (r < 0)
                                return r;
                } else if (S_ISREG(st.st_mode)) {
                        _cleanup_close_ int s = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                        _cleanup_close_ int t = -1;
                        char buf[65536];
                        ssize_t n;

                        if (s < 0)
                                return -errno;
                        t = openat(dstfd, de->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
                        if (t < 0)
                                return -errno;
                        while ((n = read(s, buf, sizeof buf)) > 0)
                                if (write_all(t, buf, (size_t) n) < 0)
                                        return -errno;
                        if (n < 0)
                                return -errno;
                } else if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof target - 1);

                        if (n < 0)
                                return -errno;
                        target[n] = '\0';
                        if (symlinkat(target, dstfd, de->d_name) < 0)
                                return -errno;
                } else if (mknodat(dstfd, de->d_name, st.st_mode, st.st_rdev) < 0) {
                        continue; /* a device node in a user namespace: not copied */
                }
                /* Owners the namespace cannot map (EINVAL) keep the runtime's: nothing better exists. */
                (void) fchownat(dstfd, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
                if (!S_ISLNK(st.st_mode))
                        (void) fchmodat(dstfd, de->d_name, st.st_mode & 07777, 0);
        }
        return 0;
}

/* Runs in: the container init. dstfd: the destination before the mount (it still names the
 * directory under it); tofd: the root of the new tmpfs. */
static int
tmpcopyup(struct container *c, const struct spec_mount *m, size_t index, int dstfd, int tofd, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        _cleanup_close_ int to = openat(tofd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        int r;

        if (to < 0 || fstat(dstfd, &st) < 0)
                return ocirt_fail_at(err, errno, where = mount_where(c, index), NULL, "tmpcopyup on '%s'", m->destination);
        r = copy_tree(dstfd, to, 0);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL,
                                     "tmpcopyup: copy the contents of '%s' into the tmpfs", m->destination);
        (void) fchown(to, st.st_uid, st.st_gid);
        (void) fchmod(to, st.st_mode & 07777);
        return 0;
}

/* Make the tree mounted at `path` in the rootfs (and every mount below it) read-only. */
static int
tree_readonly(struct container *c, int rootfd, const char *path, ocirt_error **err)
{
        const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        _cleanup_close_ int fd = -1;
        char target[64];
        int r;

        r = pathres_open(rootfd, path, 0, &fd, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return ocirt_fail(err, -r, "open '%s'", path);
        if (new_api_state >= 0) {
                if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, ro, 0, 0) == 0)
                        return 0;
                r = -errno;
                if (!api_refused(r))
                        return ocirt_fail(err, -r, "make '%s' read-only", path);
                note_legacy(c, r, "mount_setattr");
        }
        r = fd_path(fd, target, sizeof target);
        if (r >= 0 && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | current_ms(target) | attr_to_ms(ro), NULL) < 0)
                r = -errno;
        if (r >= 0)
                r = remount_tree(mount_id_of(fd), attr_to_ms(ro), 0);
        if (r < 0)
                return ocirt_fail(err, -r, "make '%s' read-only (mount(2) remount)", path);
        return 0;
}

/* Bind the outer `host` tree (its submounts and masks included) where the kernel refuses a new
 * filesystem, with the config's flags made recursive. */
static int
fallback_bind(struct container *c, int rootfd, const struct spec_mount *m, size_t index, int dstfd, const char *host,
              const struct mount_plan *p, uint64_t extra, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        _cleanup_close_ int mfd = -1;
        struct mount_plan b = { .rset = p->set | p->rset | extra | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
        int r;

        if (new_api_state >= 0) {
                r = bind_tree(host, /* recursive= */ true, &mfd);
                if (r >= 0)
                        r = apply_attrs(mfd, &b);
                if (r >= 0)
                        r = attach(mfd, dstfd);
                if (r >= 0)
                        return 0;
                if (!api_refused(r))
                        return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "bind '%s' on '%s'", host,
                                             m->destination);
                note_legacy(c, r, "open_tree");
        }
        r = mount_legacy(c, rootfd, m->destination, dstfd, host, -1, /* rec= */ true, NULL, NULL, NULL, 0, 0, b.rset, 0,
                         0, err);
        if (r < 0 && !*err)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "bind '%s' on '%s'", host,
                                     m->destination);
        return r;
}

/* `remount`: change the flags of what an earlier entry mounted at the destination, without a new
 * mount (mount_setattr on the mount the destination resolves to). */
static int
remount(struct container *c, int rootfd, const struct spec_mount *m, size_t index, const struct mount_plan *p,
        ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        _cleanup_close_ int fd = -1;
        char target[64];
        int r;

        r = pathres_open(rootfd, m->destination, 0, &fd, err);
        if (r < 0)
                return ocirt_wrap(err, "remount %s", m->destination);
        if (new_api_state >= 0) {
                r = sys_mount_setattr(fd, "", AT_EMPTY_PATH, p->set, p->clr, p->propagation) < 0 ? -errno : 0;
                if (r >= 0 && (p->rset || p->rclr || p->rpropagation))
                        r = sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, p->rset, p->rclr, p->rpropagation) < 0
                                    ? -errno
                                    : 0;
                if (r >= 0)
                        return 0;
                if (!api_refused(r))
                        return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "remount '%s'", m->destination);
                note_legacy(c, r, "mount_setattr");
        }
        r = fd_path(fd, target, sizeof target);
        if (r >= 0 && mount(NULL, target, NULL,
                            MS_REMOUNT | MS_BIND | ((current_ms(target) & ~attr_to_ms(p->clr | p->rclr)) | attr_to_ms(p->set | p->rset)),
                            NULL) < 0)
                r = -errno;
        if (r >= 0 && (p->rset || p->rclr))
                r = remount_tree(mount_id_of(fd), attr_to_ms(p->rset), attr_to_ms(p->rclr));
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, index), NULL, "remount '%s' (mount(2))", m->destination);
        return 0;
}

/* ---- mount_one: one entry of the mounts list, step by step ------------------------------------- */

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
        bool attached; /* by the new API: mfd names the mount */
        bool dev_ro;   /* /dev, read-only once devices.c is done with it */
        int keep_mode;  /* a tmpfs: the mode of the directory it covers, set after the mount; or -1 */
        int dstfd, mfd; /* owned */
        int srcfd;      /* owned: a bind's source, opened by the runtime (mount_idmap_prepare), or -1 */
        int fs_r;       /* -errno: the kernel refused the new filesystem (see refused_fs) */
        char why[512];  /* the kernel's own words about it */
};

/* Which kind of mount: a bind (its source relative to the bundle), the host's cgroup tree read-only,
 * or a new filesystem. */
static int
plan_job(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        struct container *c = s->c;
        const struct spec_mount *m = s->m;
        const char *type = m->type;

        if (s->p.other & OPT_BIND || (type && streq(type, "bind"))) {
                struct stat st;

                if (!m->source)
                        return ocirt_fail_at(err, EINVAL, where = mount_where(c, s->index), "add a 'source'",
                                             "a bind mount needs a source");
                s->src_abs = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
                if (!is_idmapped(m))
                        s->srcfd = take_prepared_fd(s->index);
                if (s->srcfd >= 0 ? fstat(s->srcfd, &st) < 0 : stat(s->src_abs, &st) < 0)
                        return ocirt_fail_at(err, errno, where = mount_where(c, s->index), NULL, "bind source '%s'",
                                             s->src_abs);
                s->is_dir = S_ISDIR(st.st_mode);
                s->j = (struct job){ KIND_BIND, s->src_abs, s->p.other & OPT_REC, NULL, false };
        } else if (type && (streq(type, "cgroup") || streq(type, "cgroup2")) && !c->new_ns[SPEC_NS_CGROUP]) {
                /* Without a cgroup namespace a fresh cgroup mount would show the host's whole tree:
                 * bind the host's view read-only instead (CVE-2023-25809: never a writable host
                 * cgroup tree in a container without its own cgroup namespace). */
                s->j = (struct job){ KIND_BIND, "/sys/fs/cgroup", true, NULL, false };
                s->p.rset |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        } else {
                const char *fstype = type && *type && !streq(type, "none") ? type : NULL;

                if (!fstype)
                        return ocirt_fail_at(err, EINVAL, where = mount_where(c, s->index),
                                             "give a 'type' such as tmpfs, or the option 'bind'",
                                             "mount on '%s' has neither a type nor a bind option", m->destination);
                if (streq(fstype, "cgroup"))
                        fstype = "cgroup2"; /* with a cgroup namespace: its own root, v2 view */
                s->j = (struct job){ KIND_FS, NULL, false, fstype, false };
        }
        return 0;
}

/* In a user namespace, a bind of /sys (the usual rootless /sys) carries the host's own cgroup
 * mounts, not a cgroup namespace's view, writable where the host delegated a subtree to this user.
 * They are made read-only, like the cgroup mount without a cgroup namespace (CVE-2023-25809); a
 * config that wants a writable cgroup mounts one of its own over them. */
static void
protect_host_cgroups(struct mount_step *s)
{
        struct container *c = s->c;
        const char *src = s->j.src;

        if (s->j.kind != KIND_BIND || !s->j.rec || !in_userns(c) ||
            !(streq(src, "/sys") || streq(src, "/sys/fs") || startswith(src, "/sys/fs/cgroup")) ||
            (s->p.rset & MOUNT_ATTR_RDONLY))
                return;
        mnt_debug(c, "bind '%s' on '%s': making the host's cgroup mounts in it read-only", src, s->m->destination);
        if (streq(src, "/sys") || streq(src, "/sys/fs"))
                s->cgroup_ro = true;
        else
                s->p.rset |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
}

/* The destination, resolved in the rootfs and created if missing (never through a symlink). */
static int
open_destination(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        const struct spec_mount *m = s->m;
        int r;

        /* proc and sysfs on a symlink would let the image move them, so that maskedPaths and the
         * LSM/sysctl writes meet a fake file (CVE-2019-19921, CVE-2019-16884): their destination must
         * be a directory, the last component not followed (O_DIRECTORY|O_NOFOLLOW: no extra syscall). */
        if (s->j.kind == KIND_FS && (streq(s->j.fstype, "proc") || streq(s->j.fstype, "sysfs"))) {
                r = pathres_open(s->rootfd, m->destination, PATHRES_MKDIR | PATHRES_NOFOLLOW | PATHRES_DIRECTORY,
                                 &s->dstfd, err);
                if (r == -ENOTDIR || r == -ELOOP) {
                        *err = ocirt_error_free(*err);
                        return ocirt_fail_at(err, ENOTDIR, where = mount_where(s->c, s->index),
                                             "remove the symlink or file from the image",
                                             "the destination '%s' of a %s mount is not a directory", m->destination,
                                             s->j.fstype);
                }
        } else {
                r = pathres_open(s->rootfd, m->destination, s->is_dir ? PATHRES_MKDIR : PATHRES_MKFILE, &s->dstfd, err);
        }
        if (r < 0)
                return ocirt_wrap(err, "mount %s", m->destination);
        return 0;
}

/* The new mount API: build the mount detached, fill it (tmpcopyup), idmap it, set its flags, attach
 * it, then its propagation. 1: attached. 0: not, and either the API was refused (new_api_state,
 * legacy_once: mount(2) goes on) or the kernel refused the new filesystem (fs_r). */
static int
try_new_api(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        struct container *c = s->c;
        const struct spec_mount *m = s->m;
        bool idmap = s->p.other & (OPT_IDMAP | OPT_RIDMAP);
        int tree = idmap && s->j.kind == KIND_BIND ? take_prepared_fd(s->index) : -1;
        int r;

        if (tree >= 0) {
                s->mfd = tree; /* cloned and idmapped by the runtime (mount_idmap_prepare) */
                r = 0;
        } else if (s->srcfd >= 0 && prepared_are_trees) {
                s->mfd = TAKE_FD(s->srcfd); /* cloned by the caller (mount-live.c) */
                r = 0;
        } else if (s->srcfd >= 0) {
                s->mfd = sys_open_tree(s->srcfd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                             (s->j.rec ? AT_RECURSIVE : 0));
                r = s->mfd < 0 ? -errno : 0;
        } else {
                r = build_new_api(&s->j, m, s->p.data, &s->p, s->copyup_ro, &s->mfd, s->why, sizeof s->why);
        }
        if (r == -EPERM && s->j.kind == KIND_FS) {
                /* fsopen's EPERM is usually the kernel's real answer (sysfs in a user namespace
                 * without a network namespace, proc under a masked outer /proc): try mount(2) for this
                 * mount only; if that works, it was a seccomp filter, and mount(2) is used from then on. */
                s->legacy_once = true;
                s->fs_r = r;
                return 0;
        }
        if (r == -ENOSYS || (r == -EPERM && s->j.kind == KIND_BIND)) {
                note_legacy(c, r, s->j.kind == KIND_BIND ? "open_tree" : "fsopen");
                return 0;
        }
        if (r < 0) {
                s->fs_r = r; /* a real failure, handled like mount(2)'s */
                return 0;
        }
        if (s->copyup) {
                r = tmpcopyup(c, m, s->index, s->dstfd, s->mfd, err);
                if (r < 0)
                        return r;
        }
        if (idmap && tree < 0) {
                r = apply_idmap(c, m, s->index, s->mfd, s->p.other & OPT_RIDMAP, err);
                if (r < 0)
                        return r;
        }
        if (s->cgroup_ro) {
                /* On the detached tree, before anyone can see it: one syscall. */
                const char *sub = streq(s->j.src, "/sys") ? "fs/cgroup" : "cgroup";
                if (sys_mount_setattr(s->mfd, sub, AT_RECURSIVE | AT_SYMLINK_NOFOLLOW,
                                      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, 0) == 0 ||
                    errno == ENOENT)
                        s->cgroup_ro = false;
        }
        r = apply_attrs(s->mfd, &s->p);
        if (api_refused(r)) {
                /* EPERM may also be the kernel's answer (a flag the user namespace locked); mount(2)
                 * then answers the same, and that is reported. */
                note_legacy(c, r, "mount_setattr");
                return 0;
        }
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, s->index), NULL, "set the options of the mount on '%s'",
                                     m->destination);
        r = attach(s->mfd, s->dstfd);
        if (api_refused(r)) {
                note_legacy(c, r, "move_mount");
                return 0;
        }
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, s->index), NULL, "attach the mount on '%s'",
                                     m->destination);
        new_api_state = 1;
        s->attached = true;
        r = apply_propagation(s->mfd, &s->p);
        if (r < 0)
                return ocirt_fail_at(err, -r, where = mount_where(c, s->index), NULL, "set the propagation of '%s'",
                                     m->destination);
        return 1;
}

/* COMPAT: the same with mount(2) through /proc/self/fd. 1: mounted; 0: mount(2) refused the new
 * filesystem (fs_r); < 0: an error. */
static int
try_legacy(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = NULL;
        struct container *c = s->c;
        const struct spec_mount *m = s->m;
        struct mount_plan *p = &s->p;
        int r;

        if (p->other & (OPT_IDMAP | OPT_RIDMAP))
                return ocirt_fail_at(err, ENOTSUP, where = mount_where(c, s->index),
                                     "idmapped mounts need mount_setattr (kernel 5.12), which is refused here",
                                     "cannot idmap the mount on '%s'", m->destination);
        if (s->j.kind == KIND_FS) {
                p->set |= p->rset; /* a new filesystem has no submounts */
                p->clr |= p->rclr;
                p->rset = p->rclr = 0;
        }
        if (p->rpropagation)
                s->j.rec = true;
        r = mount_legacy(c, s->rootfd, m->destination, s->dstfd, s->j.kind == KIND_BIND ? s->j.src : NULL, s->srcfd, s->j.rec,
                         s->j.fstype, m->source, p->data, s->copyup_ro ? p->set & ~(uint64_t) MOUNT_ATTR_RDONLY : p->set,
                         p->clr, p->rset, p->rclr, p->propagation ?: p->rpropagation, err);
        if (r < 0 && *err)
                return ocirt_wrap(err, "%s", where = mount_where(c, s->index));
        if (r < 0) {
                s->fs_r = r;
                return 0;
        }
        if (s->copyup) {
                _cleanup_close_ int tofd = -1;
                char target[64];

                r = pathres_open(s->rootfd, m->destination, 0, &tofd, err);
                if (r < 0)
                        return r;
                r = tmpcopyup(c, m, s->index, s->dstfd, tofd, err);
                if (r < 0)
                        return r;
                if (s->copyup_ro && (fd_path(tofd, target, sizeof target) < 0 ||
                                     mount(NULL, target, NULL, MS_REMOUNT | MS_RDONLY | attr_to_ms(p->set), NULL) < 0))
                        return ocirt_fail_at(err, errno ?: EIO, where = mount_where(c, s->index), NULL,
                                             "make '%s' read-only after tmpcopyup", m->destination);
        }
        if (s->legacy_once) {
                _cleanup_free_ char *what = xasprintf("fsopen('%s') for '%s'", s->j.fstype, m->destination);
                note_legacy(c, -EPERM, what);
        }
        return 1;
}

/* A new filesystem the kernel refused: the fallbacks it allows, else the error. */
static int
refused_fs(struct mount_step *s, ocirt_error **err)
{
        _cleanup_free_ char *where = mount_where(s->c, s->index);
        const struct spec_mount *m = s->m;
        int r = s->fs_r;

        if (r == -EPERM && s->j.kind == KIND_FS && streq(s->j.fstype, "sysfs")) {
                /* A user namespace without its own network namespace may not mount sysfs. */
                mnt_debug(s->c, "mount sysfs on '%s': permission denied, binding the host's /sys read-only instead",
                          m->destination);
                return fallback_bind(s->c, s->rootfd, m, s->index, s->dstfd, "/sys", &s->p, MOUNT_ATTR_RDONLY, err);
        }
        if (r == -EPERM && s->j.kind == KIND_FS && streq(s->j.fstype, "proc")) {
                /* Nested in a container whose /proc has masked or read-only parts, the kernel refuses a
                 * fresh proc (mount_too_revealing): the outer /proc, masks and all, is what it allows. */
                mnt_debug(s->c, "mount proc on '%s': permission denied (an outer /proc has masked parts?), binding the outer /proc instead",
                          m->destination);
                return fallback_bind(s->c, s->rootfd, m, s->index, s->dstfd, "/proc", &s->p, 0, err);
        }
        if (s->j.kind == KIND_BIND)
                return ocirt_fail_at(err, -r, where, NULL, "bind '%s' on '%s'", s->j.src, m->destination);
        return ocirt_fail_at(err, -r, where, NULL, "mount '%s' on '%s'%s%s", s->j.fstype, m->destination,
                             s->why[0] ? ": " : "", s->why);
}

/* A tmpfs without mode= over a directory the image has gets that directory's mode, as runc gives it
 * (not tmpfs's 1777): an image's 0700 /root stays 0700. A new directory: tmpfs's own. As runc does,
 * the mode is set on the new root after the mount (so mountinfo shows the options the config gave);
 * a read-only tmpfs cannot be chmod'ed afterwards, so it gets it as mode= instead. */
static void
keep_mode(struct mount_step *s)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        for (size_t i = 0; s->p.data && s->p.data[i]; i++)
                if (startswith(s->p.data[i], "mode="))
                        return;
        if (pathres_open(s->rootfd, s->m->destination, 0, &fd, NULL) < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
                return;
        if (!((s->p.set | s->p.rset) & MOUNT_ATTR_RDONLY)) {
                s->keep_mode = (int) (st.st_mode & 07777);
                return;
        }
        {
                char mode[16];

                (void) snprintf(mode, sizeof mode, "mode=%04o", (unsigned) (st.st_mode & 07777));
                strv_push(&s->p.data, mode);
        }
}

/* Whether a destination names /dev ("/dev", "//dev/", "/./dev"). */
static bool
is_dev_dir(const char *dest)
{
        const char *p = dest;
        bool seen = false;

        while (*p) {
                size_t n;

                while (*p == '/')
                        p++;
                n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        p += n;
                        continue;
                }
                if (seen || n != 3 || strncmp(p, "dev", 3) != 0)
                        return false;
                seen = true;
                p += n;
        }
        return seen;
}

/* A read-only /dev is made writable first and read-only once its nodes, symlinks and submounts
 * (pts, shm, mqueue) are in place (mount_dev_finish), as runc does: else /dev/pts cannot be created. */
static bool dev_ro_pending;

/* Make the mount that `path` (resolved in the rootfs) is the root of read-only, not its submounts. */
static int
mount_readonly_one(struct container *c, int rootfd, const char *path, ocirt_error **err)
{
        _cleanup_close_ int fd = -1;
        char target[64];
        int r;

        r = pathres_open(rootfd, path, 0, &fd, err);
        if (r < 0)
                return ocirt_wrap(err, "make '%s' read-only", path);
        if (new_api_state >= 0) {
                if (sys_mount_setattr(fd, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0, 0) == 0)
                        return 0;
                r = -errno;
                if (!api_refused(r))
                        return ocirt_fail(err, -r, "make '%s' read-only", path);
                note_legacy(c, r, "mount_setattr");
        }
        r = fd_path(fd, target, sizeof target);
        if (r >= 0 && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | current_ms(target) | MS_RDONLY, NULL) < 0)
                r = -errno;
        if (r < 0)
                return ocirt_fail(err, -r, "make '%s' read-only (mount(2) remount)", path);
        return 0;
}

/* Runs in: the container init, at the end of devices_setup(). */
int
mount_dev_finish(struct container *c, int rootfd, ocirt_error **err)
{
        if (!dev_ro_pending)
                return 0;
        dev_ro_pending = false;
        return mount_readonly_one(c, rootfd, "/dev", err);
}

/* ---- cgroup v1 ---------------------------------------------------------------------------------- */

/* One cgroup hierarchy the host mounted at /sys/fs/cgroup/NAME. */
struct cg_hier {
        char *name; /* "memory", "cpu,cpuacct", "systemd", "unified" */
        char *opts; /* v1: the options a new mount of it needs ("cpu,cpuacct", "name=systemd"); v2: NULL */
        char *src;  /* the init's own cgroup directory in it, as a host path */
};

static void
cg_hiers_free(struct cg_hier *h, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(h[i].name);
                free(h[i].opts);
                free(h[i].src);
        }
        free(h);
}

/* The init has a cgroup namespace of its own (made at clone or unshared by itself, see init.c). */
static bool
cgroupns(const struct container *c)
{
        return c->new_ns[SPEC_NS_CGROUP] || c->cgroupns_unshare || c->cgroupns_after_early;
}

/* Whether the comma-separated list `list` holds the word w[0..len). */
static bool
list_has(const char *list, const char *w, size_t len)
{
        for (const char *o = list; *o;) {
                size_t l = strcspn(o, ",");

                if (l == len && strncmp(o, w, len) == 0)
                        return true;
                o += l + (o[l] == ',');
        }
        return false;
}

/* The init's cgroup in the hierarchy whose superblock options are `super` (v2: NULL): the line of
 * /proc/self/cgroup ("ID:CTRLS:PATH") whose first controller is among them. CTRLS goes to
 * *ret_ctrls (v1 only). */
static const char *
own_cgroup_in(char *const *lines, const char *super, const char **ret_ctrls, size_t *ret_ctrls_len)
{
        for (size_t i = 0; lines[i]; i++) {
                const char *a = strchr(lines[i], ':'), *b = a ? strchr(a + 1, ':') : NULL;

                if (!b)
                        continue;
                a++;
                if (!super ? a == b : a != b && list_has(super, a, strcspn(a, ",:"))) {
                        *ret_ctrls = super ? a : NULL;
                        *ret_ctrls_len = (size_t) (b - a);
                        return b + 1;
                }
        }
        return NULL;
}

/* The v1 hierarchies (and, on a hybrid host, the v2 one) mounted at /sys/fs/cgroup/NAME, with the
 * init's own directory in each, from /proc/self/mountinfo and /proc/self/cgroup. None: a pure v2
 * host or no cgroups at all. need_src: the directories are wanted (no cgroup namespace: in one,
 * mountinfo shows the host's roots as "/.." paths outside it). */
static int
cgroup_v1_hierarchies(bool need_src, struct cg_hier **ret, size_t *ret_n)
{
        _cleanup_free_ char *info = NULL, *own = NULL;
        char **lines = NULL, *save = NULL;
        struct cg_hier *h = NULL;
        size_t n = 0;
        bool v1 = false;
        int r;

        *ret = NULL;
        *ret_n = 0;
        r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &own, NULL);
        if (r < 0)
                return r;
        r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL);
        if (r < 0)
                return r;
        for (char *l = strtok_r(own, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                strv_push(&lines, l);
        if (!lines)
                return 0;
        save = NULL;
        for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char root[PATH_MAX], mp[PATH_MAX], fstype[64], super[1024];
                const char *dash = strstr(l, " - "), *path, *ctrls = NULL, *name;
                size_t ctrls_len = 0, rl;
                bool dup = false;

                if (!dash || sscanf(l, "%*d %*d %*s %4095s %4095s", root, mp) != 2 ||
                    sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
                        continue;
                if (!streq(fstype, "cgroup") && !streq(fstype, "cgroup2"))
                        continue;
                unescape_octal(root);
                unescape_octal(mp);
                if (!startswith(mp, "/sys/fs/cgroup/") || strchr(mp + 15, '/') || !mp[15])
                        continue;
                name = mp + 15;
                for (size_t i = 0; i < n; i++)
                        dup |= streq(h[i].name, name);
                path = own_cgroup_in(lines, streq(fstype, "cgroup2") ? NULL : super, &ctrls, &ctrls_len);
                if (dup || !path)
                        continue;
                /* The mount shows the hierarchy from `root` down: our directory must be below it. */
                rl = streq(root, "/") ? 0 : strlen(root);
                if (need_src && rl && (strncmp(path, root, rl) != 0 || (path[rl] && path[rl] != '/')))
                        continue;
                if (!need_src)
                        rl = 0;
                h = xrealloc(h, (n + 1) * sizeof *h);
                h[n] = (struct cg_hier){ .name = xstrdup(name),
                                         .opts = ctrls ? xasprintf("%.*s", (int) ctrls_len, ctrls) : NULL,
                                         .src = xasprintf("%s%s", mp, path + rl) };
                v1 |= ctrls != NULL;
                n++;
        }
        strv_free(lines);
        if (!v1) {
                cg_hiers_free(h, n);
                return 0;
        }
        *ret = h;
        *ret_n = n;
        return 0;
}

/* A `cgroup` mount on a host with v1 hierarchies, as runc and crun make it: a tmpfs with one
 * directory per hierarchy. Without a cgroup namespace each is a read-only bind of the container's
 * own cgroup directory, so it sees its own limits at the root (memory.limit_in_bytes, pids.max)
 * and nothing of the host's other cgroups (never writable: CVE-2023-25809). With one,
 * each is a new mount of the hierarchy, rooted at the namespace's root. Co-mounted controllers
 * ("cpu,cpuacct") get a symlink per name. `ro`, or no cgroup namespace (nothing there may be written
 * then: CVE-2023-25809), makes the tmpfs read-only at the end; runc leaves it writable. */
static int
mount_cgroup_v1(struct mount_step *s, const struct cg_hier *h, size_t n, ocirt_error **err)
{
        const uint64_t safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        _cleanup_free_ char *where = mount_where(s->c, s->index);
        struct container *c = s->c;
        const char *dest = s->m->destination;
        bool ns = cgroupns(c);
        bool ro = s->p.set & MOUNT_ATTR_RDONLY;
        char *tmpfs_data[] = { (char *) "mode=755", NULL };
        _cleanup_close_ int top = -1, dir = -1;
        int r;

        r = mount_new_fd(c, s->rootfd, dest, s->dstfd, "tmpfs", tmpfs_data, safe, err);
        if (r < 0)
                return ocirt_wrap(err, "%s", where);
        r = pathres_open(s->rootfd, dest, 0, &top, err);
        if (r < 0)
                return ocirt_wrap(err, "%s", where);
        note_own_mount(top);
        dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return ocirt_fail_at(err, errno, where, NULL, "open the cgroup tmpfs on '%s'", dest);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *sub = xasprintf("%s/%s", dest, h[i].name);
                _cleanup_close_ int subfd = -1, srcfd = -1;

                if (mkdirat(dir, h[i].name, 0755) < 0 && errno != EEXIST)
                        return ocirt_fail_at(err, errno, where, NULL, "create '%s'", sub);
                subfd = openat(dir, h[i].name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (subfd < 0)
                        return ocirt_fail_at(err, errno, where, NULL, "open '%s'", sub);
                if (ns) {
                        _cleanup_strv_ char **data = NULL;
                        _cleanup_free_ char *opts = h[i].opts ? xstrdup(h[i].opts) : NULL;
                        char *tsave = NULL;

                        for (char *t = opts ? strtok_r(opts, ",", &tsave) : NULL; t; t = strtok_r(NULL, ",", &tsave))
                                strv_push(&data, t);
                        r = mount_new_fd(c, s->rootfd, sub, subfd, h[i].opts ? "cgroup" : "cgroup2", data,
                                         safe | (ro ? MOUNT_ATTR_RDONLY : 0), err);
                } else {
                        srcfd = open(h[i].src, O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (srcfd < 0)
                                return ocirt_fail_at(err, errno, where, NULL, "open the container's cgroup '%s'", h[i].src);
                        r = mount_bind_fd(c, s->rootfd, sub, subfd, srcfd, /* rec= */ false, safe | MOUNT_ATTR_RDONLY, err);
                }
                if (r < 0)
                        return ocirt_wrap(err, "%s", where);
                if (h[i].opts && strchr(h[i].name, ',')) {
                        _cleanup_free_ char *names = xstrdup(h[i].name);
                        char *tsave = NULL;

                        for (char *t = strtok_r(names, ",", &tsave); t; t = strtok_r(NULL, ",", &tsave))
                                if (symlinkat(h[i].name, dir, t) < 0 && errno != EEXIST)
                                        return ocirt_fail_at(err, errno, where, NULL, "symlink '%s/%s'", dest, t);
                }
        }
        if (ro || !ns) {
                r = mount_readonly_one(c, s->rootfd, dest, err);
                if (r < 0)
                        return ocirt_wrap(err, "%s", where);
        }
        return 0;
}

/* Runs in: the container init, before pivot_root. */
int
mount_one(struct container *c, int rootfd, const struct spec_mount *m, size_t index, ocirt_error **err)
{
        struct mount_step s = { .c = c, .rootfd = rootfd, .m = m, .index = index, .is_dir = true, .dstfd = -1, .mfd = -1,
                                .srcfd = -1, .keep_mode = -1 };
        int r;

        plan_options(m, &s.p);
        /* tmpcopyup fills the new tmpfs before it is attached: it is created writable, and made
         * read-only (if asked) only after the copy. */
        s.copyup = (s.p.other & OPT_TMPCOPYUP) && m->type && streq(m->type, "tmpfs");
        s.copyup_ro = s.copyup && (s.p.set & MOUNT_ATTR_RDONLY);

        if (s.p.other & OPT_REMOUNT) {
                r = remount(c, rootfd, m, index, &s.p, err);
                goto out;
        }
        if (m->type && streq(m->type, "cgroup") && !(s.p.other & OPT_BIND)) {
                struct cg_hier *h = NULL;
                size_t n = 0;

                if (cgroup_v1_hierarchies(!cgroupns(c), &h, &n) >= 0 && n > 0) {
                        r = open_destination(&s, err);
                        if (r >= 0)
                                r = mount_cgroup_v1(&s, h, n, err);
                        cg_hiers_free(h, n);
                        goto out;
                }
        }
        if ((s.p.set & MOUNT_ATTR_RDONLY) && is_dev_dir(m->destination)) {
                s.p.set &= ~(uint64_t) MOUNT_ATTR_RDONLY;
                s.dev_ro = true;
        }
        r = plan_job(&s, err);
        if (r >= 0 && s.j.kind == KIND_FS && streq(s.j.fstype, "tmpfs"))
                keep_mode(&s);
        if (r >= 0) {
                protect_host_cgroups(&s);
                r = open_destination(&s, err);
        }
        if (r >= 0 && new_api_state >= 0)
                r = try_new_api(&s, err);
        if (r == 0 && (new_api_state < 0 || s.legacy_once))
                r = try_legacy(&s, err);
        if (r == 0)
                r = refused_fs(&s, err);
        else if (r > 0 && s.j.kind == KIND_FS) {
                _cleanup_close_ int fd = -1;

                if (s.attached)
                        note_own_mount(s.mfd);
                else if (pathres_open(rootfd, m->destination, 0, &fd, NULL) >= 0)
                        note_own_mount(fd);
                if (s.keep_mode >= 0) {
                        int at = s.attached ? s.mfd : fd;
                        _cleanup_close_ int dir = at >= 0 ? openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

                        if (dir < 0 || fchmod(dir, (mode_t) s.keep_mode) < 0) {
                                _cleanup_free_ char *where = mount_where(c, index);
                                r = ocirt_fail_at(err, errno, where, NULL, "keep the mode %04o of '%s'", s.keep_mode,
                                                  m->destination);
                        }
                }
        } else if (r > 0 && s.cgroup_ro) {
                _cleanup_free_ char *sub = xasprintf("%s/%s", m->destination, streq(s.j.src, "/sys") ? "fs/cgroup" : "cgroup");
                r = tree_readonly(c, rootfd, sub, err);
                if (r < 0) {
                        _cleanup_free_ char *where = mount_where(c, index);
                        r = ocirt_wrap(err, "%s", where);
                }
        }
        if (r > 0 && s.dev_ro)
                dev_ro_pending = true;
out:
        strv_free(s.p.data);
        free(s.src_abs);
        if (s.dstfd >= 0)
                close(s.dstfd);
        if (s.mfd >= 0)
                close(s.mfd);
        if (s.srcfd >= 0)
                close(s.srcfd);
        return r < 0 ? r : 0;
}

/* Runs in: the container init. */
int
mount_bind_fd(struct container *c, int rootfd, const char *dest, int dstfd, int srcfd, bool rec, uint64_t set,
              ocirt_error **err)
{
        _cleanup_close_ int mfd = -1;
        int r;

        if (new_api_state >= 0) {
                mfd = sys_open_tree(srcfd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
                r = mfd < 0 ? -errno : 0;
                if (r >= 0 && set &&
                    sys_mount_setattr(mfd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), set, 0, 0) < 0)
                        r = -errno;
                if (r >= 0)
                        r = attach(mfd, dstfd);
                if (r >= 0)
                        return 0;
                if (!api_refused(r))
                        return ocirt_fail(err, -r, "bind on '%s'", dest);
                note_legacy(c, r, "open_tree/mount_setattr/move_mount");
        }
        r = mount_legacy(c, rootfd, dest, dstfd, NULL, srcfd, rec, NULL, NULL, NULL, rec ? 0 : set, 0, rec ? set : 0, 0, 0,
                         err);
        if (r < 0 && !*err)
                return ocirt_fail(err, -r, "bind on '%s'", dest);
        return r;
}

/* Runs in: the container init. */
int
mount_new_fd(struct container *c, int rootfd, const char *dest, int dstfd, const char *type, char **data, uint64_t set,
             ocirt_error **err)
{
        _cleanup_close_ int mfd = -1;
        char why[256];
        int r;

        if (new_api_state >= 0) {
                r = new_fs(type, type, data, set, false, &mfd, why, sizeof why); /* source: as mount(2) below names it */
                if (r >= 0)
                        r = attach(mfd, dstfd);
                if (r >= 0)
                        return 0;
                if (r != -ENOSYS && r != -EPERM)
                        return ocirt_fail(err, -r, "mount '%s' on '%s'", type, dest);
                note_legacy(c, r, "fsopen/move_mount");
        }
        r = mount_legacy(c, rootfd, dest, dstfd, NULL, -1, false, type, NULL, data, set, 0, 0, 0, 0, err);
        if (r < 0 && !*err)
                return ocirt_fail(err, -r, "mount '%s' on '%s'", type, dest);
        return r;
}

/* Runs in: the container init. */
int
mount_attach_tree(struct container *c, int rootfd, const char *dest, int dstfd, int treefd, const char *srcpath,
                  ocirt_error **err)
{
        int r;

        if (new_api_state >= 0) {
                r = attach(treefd, dstfd);
                if (r >= 0)
                        return 0;
                if (!api_refused(r))
                        return ocirt_fail(err, -r, "bind on '%s'", dest);
                note_legacy(c, r, "move_mount");
        }
        r = mount_legacy(c, rootfd, dest, dstfd, srcpath, -1, /* rec= */ false, NULL, NULL, NULL, 0, 0, 0, 0, 0, err);
        if (r < 0 && !*err)
                return ocirt_fail(err, -r, "bind '%s' on '%s'", srcpath, dest);
        return r;
}
