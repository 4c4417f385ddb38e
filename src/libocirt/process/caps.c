/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.c: process.user and process.capabilities, applied as the last steps before exec.
 *
 * Order matters: the bounding set is dropped while CAP_SETPCAP is still effective; the uid/gid switch
 * keeps the permitted set (PR_SET_KEEPCAPS); then capset() sets the five sets exactly, inheritable
 * empty unless asked (CVE-2022-29162), and ambient caps are raised last. A name that is no
 * capability at all was refused by spec_validate(); a real one the process cannot have (too new
 * for this kernel, or outside the runtime's own bounding set, e.g. root without CAP_SYS_RESOURCE)
 * is one warning per set, never a failure. An ambient one without its inheritable one is dropped
 * quietly, as runc and crun do. */
#include "config.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "process/process.h"
#include "process/seccomp.h"
#include "base/base.h"

struct capsets {
        uint64_t bounding, effective, inheritable, permitted, ambient;
};

static int
last_cap(void)
{
        int n = CAP_LAST_CAP;

        /* The kernel may know more or fewer than our headers: probe. */
        while (n < 63 && prctl(PR_CAPBSET_READ, n + 1, 0, 0, 0) >= 0)
                n++;
        while (n > 0 && prctl(PR_CAPBSET_READ, n, 0, 0, 0) < 0)
                n--;
        return n;
}

static uint64_t
parse_set(struct container *c, char **names, const char *set, int last)
{
        uint64_t m = 0;

        for (size_t i = 0; names && names[i]; i++) {
                /* spec_validate() refused names that are no capability at all. */
                int v = spec_cap_from_name(names[i]);

                if (v < 0 || v > last) {
                        init_log(c, OCIRT_LOG_WARNING, "capability '%s' in %s is unknown to this kernel, ignoring",
                                 names[i], set);
                        continue;
                }
                m |= 1ULL << v;
        }
        return m;
}

static int
capget_now(uint64_t *eff, uint64_t *perm)
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        *eff = d[0].effective | ((uint64_t) d[1].effective << 32);
        *perm = d[0].permitted | ((uint64_t) d[1].permitted << 32);
        return 0;
}

/* "CAP_KILL" (libcap's cap_to_name() gives lowercase, the config uses uppercase). A copy owned by
 * the caller: cap_to_name() memory belongs to libcap (cap_free(), never free()). */
static char *
cap_name(int i)
{
        char *n = cap_to_name(i), *r;

        if (!n)
                return xasprintf("capability %d", i);
        for (char *q = n; *q; q++)
                if (*q >= 'a' && *q <= 'z')
                        *q = (char) (*q - 'a' + 'A');
        r = xstrdup(n);
        cap_free(n);
        return r;
}

/* One warning per set, naming every capability of `wanted` that `have` lacks. */
static void
warn_missing(struct container *c, uint64_t wanted, uint64_t have, const char *set)
{
        uint64_t miss = wanted & ~have;
        _cleanup_free_ char *list = NULL;

        for (int i = 0; miss && i < 64; i++) {
                if (!(miss & (1ULL << i)))
                        continue;
                _cleanup_free_ char *n = cap_name(i);
                char *l = xasprintf("%s%s%s", strempty(list), list ? ", " : "", n);
                free(list);
                list = l;
        }
        if (list)
                init_log(c, OCIRT_LOG_WARNING, "cannot grant %s in the %s set (the runtime does not hold %s, or the other sets do not allow %s), ignoring",
                         list, set, __builtin_popcountll(miss) > 1 ? "them" : "it", __builtin_popcountll(miss) > 1 ? "them" : "it");
}

static int
keep_caps_on_user_switch(bool on)
{
        return prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0) < 0 ? -errno : 0;
}

/* Read a small regular file of the container (after the pivot): no fifo or device can block or
 * feed the init. NULL when missing or odd. */
static char *
read_container_file(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        struct stat st;
        char *buf;
        ssize_t n;

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20))
                return NULL;
        buf = xmalloc((size_t) st.st_size + 1);
        n = read(fd, buf, (size_t) st.st_size);
        if (n < 0) {
                free(buf);
                return NULL;
        }
        buf[n] = '\0';
        return buf;
}

/* Field `idx` (0-based) of a ':'-separated line, as a pointer and a length. */
static bool
colon_field(const char *line, int idx, const char **ret, size_t *ret_len)
{
        for (int i = 0; i < idx; i++) {
                line = strchr(line, ':');
                if (!line)
                        return false;
                line++;
        }
        *ret = line;
        *ret_len = strcspn(line, ":\n");
        return true;
}

/* The line of `uid` in a passwd-format text, or NULL. */
static const char *
passwd_line_of(const char *passwd, uid_t uid)
{
        for (const char *l = passwd; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                const char *f;
                size_t len;
                char num[16];

                if (!colon_field(l, 2, &f, &len) || len == 0 || len >= sizeof num)
                        continue;
                memcpy(num, f, len);
                num[len] = '\0';
                if (strtoul(num, NULL, 10) == uid)
                        return l;
        }
        return NULL;
}

/* Runs in: the container init or an exec'd process, after the pivot. HOME for `uid`: its directory
 * in the container's /etc/passwd, "/" when it has none (runc's rule). */
char *
user_home(uid_t uid)
{
        _cleanup_free_ char *passwd = read_container_file("/etc/passwd");
        const char *l = passwd_line_of(passwd, uid), *f;
        size_t len;

        if (l && colon_field(l, 5, &f, &len) && len > 0 && f[0] == '/')
                return xstrndup(f, len);
        return xstrdup("/");
}

/* The supplementary groups of `uid` in the container's /etc/passwd and /etc/group, as runc and
 * docker give them when the config lists none. Missing files or entries: no groups. */
static size_t
groups_of_user(uid_t uid, gid_t *gids, size_t max)
{
        _cleanup_free_ char *passwd = read_container_file("/etc/passwd"), *group = NULL;
        _cleanup_free_ char *name = NULL;
        const char *pl = passwd_line_of(passwd, uid), *pf;
        size_t n = 0, plen;

        if (pl && colon_field(pl, 0, &pf, &plen) && plen > 0)
                name = xstrndup(pf, plen);
        if (!name)
                return 0;
        group = read_container_file("/etc/group");
        for (char *l = group; l && *l && n < max; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                const char *f, *members;
                size_t len, mlen, nl = strlen(name);
                char num[16];

                if (!colon_field(l, 2, &f, &len) || len == 0 || len >= sizeof num ||
                    !colon_field(l, 3, &members, &mlen))
                        continue;
                memcpy(num, f, len);
                num[len] = '\0';
                for (const char *m = members; m < members + mlen;) {
                        size_t k = strcspn(m, ",:\n");
                        if (k == nl && strncmp(m, name, nl) == 0) {
                                gids[n++] = (gid_t) strtoul(num, NULL, 10);
                                break;
                        }
                        m += k + 1;
                }
        }
        return n;
}

static int
switch_user(struct container *c, ocirt_error **err)
{
        const struct spec_user *u = &c->spec->process->user;
        _cleanup_free_ char *where = NULL;

        if (u->n_additional_gids == 0 && !c->maps_self_write) {
                gid_t gids[256];
                size_t n = groups_of_user(u->uid, gids, ELEMENTSOF(gids));

                /* Silently skipped when the user namespace denies setgroups: the config asked for none. */
                if (setgroups(n, gids) < 0 && errno != EPERM)
                        return ocirt_fail(err, errno, "set the groups of uid %u from /etc/group", u->uid);
        } else if (u->n_additional_gids > 0) {
                if (setgroups(u->n_additional_gids, (gid_t *) u->additional_gids) < 0) {
                        if (errno == EPERM && c->maps_self_write)
                                init_log(c, OCIRT_LOG_WARNING,
                                         "additionalGids cannot be set with a single-id mapping (setgroups is denied), ignoring");
                        else
                                return ocirt_fail_at(err, errno, where = xasprintf("%s: .process.user.additionalGids", c->config_path),
                                                     "every gid must be mapped in the user namespace", "setgroups");
                }
        }
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return ocirt_fail_at(err, errno == EINVAL ? EINVAL : errno,
                                     where = xasprintf("%s: .process.user.gid", c->config_path),
                                     "use a gid that is mapped in the container's user namespace",
                                     "cannot switch to gid %u", u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return ocirt_fail_at(err, errno, where = xasprintf("%s: .process.user.uid", c->config_path),
                                     "use a uid that is mapped in the container's user namespace",
                                     "cannot switch to uid %u", u->uid);
        return 0;
}

static int
capset_now(uint64_t eff, uint64_t perm, uint64_t inh)
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2] = {
                { (uint32_t) eff, (uint32_t) perm, (uint32_t) inh },
                { (uint32_t) (eff >> 32), (uint32_t) (perm >> 32), (uint32_t) (inh >> 32) },
        };

        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

#define SYS_ADMIN_BIT (1ULL << CAP_SYS_ADMIN)

/* CAP_SYS_ADMIN to keep until seccomp_install(), which then sets the final sets recorded here. */
static uint64_t
keep_for_seccomp(struct container *c, uint64_t eff, uint64_t perm, uint64_t inh, uint64_t have_perm)
{
        if (!seccomp_needs_sys_admin(c) || (eff & SYS_ADMIN_BIT) || !(have_perm & SYS_ADMIN_BIT))
                return 0;
        c->caps_after_seccomp = true;
        c->caps_final[0] = eff;
        c->caps_final[1] = perm;
        c->caps_final[2] = inh;
        return SYS_ADMIN_BIT;
}

/* The uid/gid switch, keeping the permitted set (PR_SET_KEEPCAPS). */
static int
switch_user_keep_caps(struct container *c, ocirt_error **err)
{
        int r;

        r = keep_caps_on_user_switch(true);
        if (r < 0)
                return ocirt_fail(err, -r, "PR_SET_KEEPCAPS");
        r = switch_user(c, err);
        if (r < 0)
                return r;
        (void) keep_caps_on_user_switch(false);
        return 0;
}

/* No capabilities object: credentials change, capabilities as the kernel leaves them (none for a
 * non-root uid), unless a seccomp filter still needs CAP_SYS_ADMIN. */
static int
switch_user_only(struct container *c, ocirt_error **err)
{
        uint64_t eff = 0, perm = 0, keep;
        int r;

        if (c->spec->process->user.uid == 0 || !seccomp_needs_sys_admin(c))
                return switch_user(c, err);
        r = capget_now(&eff, &perm);
        if (r < 0)
                return ocirt_fail(err, -r, "capget");
        r = switch_user_keep_caps(c, err);
        if (r < 0)
                return r;
        keep = keep_for_seccomp(c, 0, 0, 0, perm);
        r = capset_now(keep, keep, 0);
        return r < 0 ? ocirt_fail(err, -r, "capset") : 0;
}

/* Drop from the bounding set what the config does not list; *ret_had: what it held before. */
static int
drop_bounding(uint64_t bounding, int last, uint64_t *ret_had, ocirt_error **err)
{
        *ret_had = 0;
        for (int i = 0; i <= last; i++) {
                if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) > 0)
                        *ret_had |= 1ULL << i;
                if (bounding & (1ULL << i))
                        continue;
                if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
                        return ocirt_fail(err, errno, "drop capability %d from the bounding set", i);
        }
        return 0;
}

/* Narrow the wanted sets to what the process can have (perm: its permitted set, bnd: the bounding
 * set it had), with a warning per set for what is missing. */
static void
fit_sets(struct container *c, struct capsets *want, uint64_t perm, uint64_t bnd)
{
        uint64_t asked_ambient;

        warn_missing(c, want->permitted, perm, "permitted");
        warn_missing(c, want->effective, perm, "effective");
        want->permitted &= perm;
        want->effective &= want->permitted;
        /* Inheritable is empty unless the config lists caps (CVE-2022-29162); capset() accepts only
         * what the bounding set still holds. */
        warn_missing(c, want->inheritable, want->bounding & bnd, "inheritable");
        want->inheritable &= want->bounding & bnd;
        /* An ambient capability needs the same one in the permitted and inheritable sets. buildah
         * lists ambient ones without inheritable ones on every RUN step; runc and crun drop those
         * quietly, and so do we. Only one the runtime cannot grant at all is worth a warning. */
        asked_ambient = want->ambient & want->inheritable;
        want->ambient &= want->permitted & want->inheritable;
        warn_missing(c, asked_ambient, want->ambient, "ambient");
}

static void
raise_ambient(struct container *c, uint64_t ambient, int last)
{
        for (int i = 0; i <= last; i++) {
                if (!(ambient & (1ULL << i)))
                        continue;
                if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0) {
                        _cleanup_free_ char *n = cap_name(i);
                        init_log(c, OCIRT_LOG_WARNING, "cannot raise %s in the ambient set, ignoring", n);
                }
        }
}

/* Runs in: the container init (changes credentials). */
int
caps_apply(struct container *c, ocirt_error **err)
{
        const struct spec_capabilities *sc = c->spec->process->capabilities;
        struct capsets want = { 0 };
        uint64_t eff = 0, perm = 0, bnd = 0, keep;
        int last, r;

        if (!sc)
                return switch_user_only(c, err);
        last = last_cap();
        want.bounding = parse_set(c, sc->bounding, "bounding", last);
        want.effective = parse_set(c, sc->effective, "effective", last);
        want.inheritable = parse_set(c, sc->inheritable, "inheritable", last);
        want.permitted = parse_set(c, sc->permitted, "permitted", last);
        want.ambient = parse_set(c, sc->ambient, "ambient", last);

        r = capget_now(&eff, &perm);
        if (r < 0)
                return ocirt_fail(err, -r, "capget");
        r = drop_bounding(want.bounding, last, &bnd, err);
        if (r < 0)
                return r;
        warn_missing(c, want.bounding, bnd, "bounding");
        r = switch_user_keep_caps(c, err);
        if (r < 0)
                return r;
        fit_sets(c, &want, perm, bnd);
        keep = keep_for_seccomp(c, want.effective, want.permitted, want.inheritable, perm);
        r = capset_now(want.effective | keep, want.permitted | keep, want.inheritable);
        if (r < 0)
                return ocirt_fail(err, -r, "capset");
        raise_ambient(c, want.ambient, last);
        return 0;
}
