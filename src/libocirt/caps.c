/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.c: process.user and process.capabilities, applied as the last steps before exec.
 *
 * Order matters: the bounding set is dropped while CAP_SETPCAP is still effective; the uid/gid switch
 * keeps the permitted set (PR_SET_KEEPCAPS); then capset() sets the five sets exactly, inheritable
 * empty unless asked (CVE-2022-29162), and ambient caps are raised last. A capability the process
 * cannot have (unknown to this kernel, or outside the runtime's own bounding set, e.g. root without
 * CAP_SYS_RESOURCE) is a warning, as the spec says, never a failure. */
#include "config.h"

#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/capability.h>

#include "container.h"
#include "log.h"
#include "util.h"

/* cap_to_name() memory belongs to libcap: cap_free(), never free(). */
static void
cap_namep(char **p)
{
        if (*p)
                cap_free(*p);
}

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
                cap_value_t v;

                if (cap_from_name(names[i], &v) < 0 || (int) v > last) {
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

static void
warn_missing(struct container *c, uint64_t wanted, uint64_t have, const char *set)
{
        uint64_t miss = wanted & ~have;

        for (int i = 0; miss && i < 64; i++) {
                if (!(miss & (1ULL << i)))
                        continue;
                _cleanup_(cap_namep) char *n = cap_to_name(i);
                init_log(c, OCIRT_LOG_WARNING, "cannot grant %s in the %s set (the runtime does not hold it), ignoring",
                         n ? n : "?", set);
        }
}

int
caps_keep_for_user_switch(bool on)
{
        return prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0) < 0 ? -errno : 0;
}

static int
switch_user(struct container *c, ocirt_error **err)
{
        const struct spec_user *u = &c->spec->process->user;
        _cleanup_free_ char *where = NULL;

        if (u->n_additional_gids > 0) {
                if (setgroups(u->n_additional_gids, (gid_t *) u->additional_gids) < 0) {
                        if (errno == EPERM && c->maps_self_write)
                                init_log(c, OCIRT_LOG_WARNING,
                                         "additionalGids cannot be set with a single-id mapping (setgroups is denied), ignoring");
                        else
                                return ocirt_fail_at(err, errno, where = xasprintf("%s: .process.user.additionalGids", c->config_path),
                                                     "every gid must be mapped in the user namespace", "setgroups");
                }
        } else if (!c->maps_self_write && setgroups(0, NULL) < 0 && errno != EPERM) {
                return ocirt_fail(err, errno, "clear supplementary groups");
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

/* Runs in: the container init (changes credentials). */
int
caps_apply(struct container *c, ocirt_error **err)
{
        const struct spec_capabilities *sc = c->spec->process->capabilities;
        struct capsets want = { 0 };
        uint64_t eff = 0, perm = 0;
        int last, r;

        if (!sc) {
                /* No capabilities object: credentials change, capabilities as the kernel leaves them. */
                return switch_user(c, err);
        }
        last = last_cap();
        want.bounding = parse_set(c, sc->bounding, "bounding", last);
        want.effective = parse_set(c, sc->effective, "effective", last);
        want.inheritable = parse_set(c, sc->inheritable, "inheritable", last);
        want.permitted = parse_set(c, sc->permitted, "permitted", last);
        want.ambient = parse_set(c, sc->ambient, "ambient", last);

        r = capget_now(&eff, &perm);
        if (r < 0)
                return ocirt_fail(err, -r, "capget");

        for (int i = 0; i <= last; i++) {
                if (want.bounding & (1ULL << i))
                        continue;
                if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
                        return ocirt_fail(err, errno, "drop capability %d from the bounding set", i);
        }

        r = caps_keep_for_user_switch(true);
        if (r < 0)
                return ocirt_fail(err, -r, "PR_SET_KEEPCAPS");
        r = switch_user(c, err);
        if (r < 0)
                return r;
        (void) caps_keep_for_user_switch(false);

        warn_missing(c, want.permitted, perm, "permitted");
        warn_missing(c, want.effective, perm, "effective");
        want.permitted &= perm;
        want.effective &= want.permitted;
        want.inheritable &= perm | want.inheritable; /* inheritable may hold what the bounding set allows */
        {
                struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
                struct __user_cap_data_struct d[2] = {
                        { (uint32_t) want.effective, (uint32_t) want.permitted, (uint32_t) want.inheritable },
                        { (uint32_t) (want.effective >> 32), (uint32_t) (want.permitted >> 32),
                          (uint32_t) (want.inheritable >> 32) },
                };
                if (syscall(SYS_capset, &h, d) < 0)
                        return ocirt_fail(err, errno, "capset");
        }
        for (int i = 0; i <= last; i++) {
                if (!(want.ambient & (1ULL << i)))
                        continue;
                if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0) {
                        _cleanup_(cap_namep) char *n = cap_to_name(i);
                        init_log(c, OCIRT_LOG_WARNING,
                                 "cannot raise %s in the ambient set (it must be permitted and inheritable), ignoring",
                                 n ? n : "?");
                }
        }
        return 0;
}
