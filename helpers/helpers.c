/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers.c: the front door of the rootless helpers that live beside a container (slirp4netns,
 * fuse-overlayfs): it reads their options, holds the list of helpers (each a struct helper_ops,
 * ops.h) and runs their ops for the lifecycle: helpers_prepare before the clone, helpers_early at
 * SYNC_EARLY (attach), helpers_teardown at delete. What a helper hands back, the front door writes
 * into the container record; the helpers themselves only read it.
 *
 * A config that uses no helper costs nothing here: helpers_prepare looks at the options and the
 * annotations in memory and returns; it does not fork, read a file or set wait_early. */
#include "config.h"

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "base/base.h"
#include "helpers/helpers.h"
#include "helpers/ops.h"
#include "state/state.h"

/* ---- options ---- */

#define ANN_PREFIX "org.ocirt."

int
helper_parse_publish(const char *s, struct helper_publish *ret, ocirt_error **err)
{
        static const char hint[] = "use [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], e.g. 127.0.0.1:8080:80/tcp";
        _cleanup_free_ char *copy = xstrdup(s);
        char *proto = strchr(copy, '/'), *parts[3];
        int n = 0;
        uint64_t hp, cp;

        *ret = (struct helper_publish){ 0 };
        if (proto) {
                *proto++ = '\0';
                if (streq(proto, "udp"))
                        ret->udp = true;
                else if (!streq(proto, "tcp"))
                        return ocirt_fail_at(err, EINVAL, "--publish", hint, "unknown protocol '%s' in '%s'", proto, s);
        }
        /* Split from the right: an IPv6 host address holds colons, "[::1]:8080:80". */
        for (char *c = copy + strlen(copy); c >= copy && n < 2; c--)
                if (*c == ':') {
                        parts[2 - n] = c + 1;
                        *c = '\0';
                        n++;
                }
        if (n == 2)
                parts[0] = copy;
        else if (n == 1) {
                parts[1] = copy;
                parts[0] = NULL;
        } else
                return ocirt_fail_at(err, EINVAL, "--publish", hint, "'%s' is not HOSTPORT:CONTAINERPORT", s);
        if (parse_uint64(parts[1], 65535, &hp) < 0 || parse_uint64(parts[2], 65535, &cp) < 0 || hp == 0 || cp == 0)
                return ocirt_fail_at(err, EINVAL, "--publish", hint, "bad port in '%s'", s);
        if (parts[0] && *parts[0]) {
                char *a = parts[0];
                size_t l = strlen(a);
                if (a[0] == '[' && a[l - 1] == ']') {
                        a[l - 1] = '\0';
                        a++;
                }
                if (strlen(a) >= sizeof ret->host_addr)
                        return ocirt_fail_at(err, EINVAL, "--publish", hint, "host address too long in '%s'", s);
                strcpy(ret->host_addr, a);
        } else {
                strcpy(ret->host_addr, "0.0.0.0");
        }
        ret->host_port = (uint16_t) hp;
        ret->container_port = (uint16_t) cp;
        return 0;
}

static const char *
annotation(const struct spec *s, const char *key)
{
        for (size_t i = 0; i < s->n_annotations; i++)
                if (streq(s->annotations[i].key, key))
                        return s->annotations[i].value;
        return NULL;
}

static bool
any_annotation(const struct spec *s)
{
        for (size_t i = 0; i < s->n_annotations; i++)
                if (startswith(s->annotations[i].key, ANN_PREFIX))
                        return true;
        return false;
}

static void
helpers_free(struct helpers *h)
{
        if (!h)
                return;
        free(h->publish);
        free(h->lower_rootfs);
        strv_free(h->layers);
        free(h->keep_dir);
        free(h->upper);
        free(h->work);
        free(h->merged);
        free(h->state_dir);
        free(h);
}

static int
parse_bool(const char *v, const char *where, bool *ret, ocirt_error **err)
{
        if (streq(v, "true") || streq(v, "1"))
                *ret = true;
        else if (streq(v, "false") || streq(v, "0"))
                *ret = false;
        else
                return ocirt_fail_at(err, EINVAL, where, "use true or false", "'%s' is not a boolean", v);
        return 0;
}

/* A list of publish specs, from --publish or the annotation "SPEC[,SPEC...]". */
static int
add_publish(struct helpers *h, const char *spec, ocirt_error **err)
{
        int r;

        h->publish = xrealloc(h->publish, (h->n_publish + 1) * sizeof *h->publish);
        r = helper_parse_publish(spec, &h->publish[h->n_publish], err);
        if (r < 0)
                return r;
        h->n_publish++;
        return 0;
}

static int
parse_network(const struct spec *s, const ocirt_create_options *o, struct helpers *h, ocirt_error **err)
{
        const char *network = o->network, *v;
        int r;

        if (!network && (v = annotation(s, ANN_PREFIX "network")))
                network = v;
        if (network) {
                if (streq(network, "slirp4netns"))
                        h->network = NETWORK_SLIRP4NETNS;
                else if (streq(network, "pasta"))
                        h->network = NETWORK_PASTA;
                else if (streq(network, "none"))
                        h->network = NETWORK_NONE;
                else if (streq(network, "host"))
                        h->network = NETWORK_HOST;
                else
                        return ocirt_fail_at(err, EINVAL, o->network ? "--network" : ANN_PREFIX "network",
                                             "use slirp4netns, pasta, none or host", "unknown network '%s'", network);
        }
        h->allow_host_loopback = o->allow_host_loopback > 0;
        if (!o->allow_host_loopback && (v = annotation(s, ANN_PREFIX "network.allow-host-loopback"))) {
                r = parse_bool(v, ANN_PREFIX "network.allow-host-loopback", &h->allow_host_loopback, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < o->n_publish; i++) {
                r = add_publish(h, o->publish[i], err);
                if (r < 0)
                        return r;
        }
        if (o->n_publish == 0 && (v = annotation(s, ANN_PREFIX "network.publish"))) {
                _cleanup_free_ char *copy = xstrdup(v);
                for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
                        r = add_publish(h, t, err);
                        if (r < 0)
                                return r;
                }
        }
        if (h->n_publish > 0 && h->network != NETWORK_SLIRP4NETNS && h->network != NETWORK_PASTA)
                return ocirt_fail_at(err, EINVAL, "--publish", "add --network slirp4netns or --network pasta",
                                     "publishing a port needs --network slirp4netns or pasta");
        return 0;
}

static int
parse_overlay(const struct spec *s, const ocirt_create_options *o, struct helpers *h, ocirt_error **err)
{
        const char *overlay = o->overlay, *v;

        if (!overlay && (v = annotation(s, ANN_PREFIX "overlay")))
                overlay = v;
        if (overlay) {
                if (streq(overlay, "fuse") || streq(overlay, "") || streq(overlay, "fuse-overlayfs"))
                        h->overlay = OVERLAY_FUSE;
                else if (streq(overlay, "kernel"))
                        h->overlay = OVERLAY_KERNEL;
                else if (!streq(overlay, "none"))
                        return ocirt_fail_at(err, EINVAL, o->overlay ? "--overlay" : ANN_PREFIX "overlay",
                                             "use fuse or kernel", "unknown overlay '%s'", overlay);
        }
        for (size_t i = 0; i < o->n_overlay_layers; i++)
                strv_push(&h->layers, o->overlay_layers[i]);
        if (o->n_overlay_layers == 0 && (v = annotation(s, ANN_PREFIX "overlay.layers"))) {
                _cleanup_free_ char *copy = xstrdup(v);
                for (char *save = NULL, *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
                        strv_push(&h->layers, t);
        }
        v = o->overlay_keep_dir ? o->overlay_keep_dir : annotation(s, ANN_PREFIX "overlay.keep");
        if (v && *v)
                h->keep_dir = xstrdup(v);
        if ((h->layers || h->keep_dir) && h->overlay == OVERLAY_NONE)
                return ocirt_fail_at(err, EINVAL, "--overlay", "add --overlay=fuse or --overlay=kernel",
                                     "overlay layers or a kept directory need --overlay");
        return 0;
}

static int
plan_network(struct container *c, struct helpers *h, ocirt_error **err)
{
        if (h->network == NETWORK_DEFAULT)
                return 0;
        if (c->join_fd[SPEC_NS_NETWORK] >= 0)
                return ocirt_fail_at(err, EINVAL, "--network",
                                     "drop the network namespace path from .linux.namespaces, or drop --network",
                                     "--network conflicts with the network namespace the config joins");
        if (h->network == NETWORK_HOST) {
                c->new_ns[SPEC_NS_NETWORK] = false;
                c->clone_flags &= ~(unsigned long) CLONE_NEWNET;
                return 0;
        }
        /* slirp4netns, pasta or only lo: set up at SYNC_EARLY by the helper of each (its attach). */
        c->new_ns[SPEC_NS_NETWORK] = true;
        c->clone_flags |= CLONE_NEWNET;
        return 0;
}

/* ---- --network none: only lo, brought up at SYNC_EARLY ---- */

/* Runs in: a fork of the runtime that joined the init's user and network namespaces. */
static int
lo_up(void *userdata, int *ret_fd, char *errbuf, size_t errlen)
{
        struct ifreq ifr = { 0 };
        _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        (void) userdata;
        (void) ret_fd;
        strcpy(ifr.ifr_name, "lo");
        if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
                snprintf(errbuf, errlen, "read the flags of lo");
                return -errno;
        }
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
                snprintf(errbuf, errlen, "bring lo up");
                return -errno;
        }
        return 0;
}

static bool
loopback_used(const struct helpers *h)
{
        return h->network == NETWORK_NONE;
}

static int
loopback_attach(const struct container *c, struct helpers *h, struct helper_out *out, struct undo *undo,
                ocirt_error **err)
{
        (void) h;
        (void) out;
        (void) undo;
        return helper_in_ns(c->init_pid, /* userns= */ geteuid() != 0, CLONE_NEWNET, lo_up, NULL, NULL, err);
}

/* No outside program, but the same place in the create as slirp4netns: kept with the network plan. */
static const struct helper_ops loopback_helper = {
        .name = "network",
        .used = loopback_used,
        .attach = loopback_attach,
};

/* ---- the list, and the lifecycle's entry points ---- */

/* prepare, attach and teardown run in this order. The network first: its prepare only checks that
 * slirp4netns or pasta is there, so a missing tool fails before the overlay makes any directory. */
static const struct helper_ops *const all_helpers[] = {
        &slirp4netns_helper,
        &pasta_helper,
        &loopback_helper,
        &fuse_overlayfs_helper,
};

/* What an op handed back goes into the container record as soon as the op returns (also when it
 * failed: a fact names something made, which teardown may have to find), before the next helper
 * starts. Decision: an out parameter, not a record callback passed down: every helper's fact is
 * known only once its process runs (a pid and its start time), and none needs its fact on disk
 * before that, since its process ends by itself with the container (slirp4netns through the
 * watcher's pidfd of the init, fuse-overlayfs when the mount namespace goes), so a create killed in
 * between leaves nothing for teardown. Each fact is recorded at the moment it was before (the op's
 * last step), and container_set_extras writes record.json at once, as for every subsystem. */
static void
apply(struct container *c, struct helper_out *out)
{
        if (out->rootfs) {
                free(c->rootfs);
                c->rootfs = TAKE_PTR(out->rootfs);
        }
        if (out->n_facts > 0) {
                _cleanup_free_ struct extra_kv *kv = xcalloc(out->n_facts, sizeof *kv);

                for (size_t i = 0; i < out->n_facts; i++)
                        kv[i] = (struct extra_kv){ out->facts[i].key, out->facts[i].value };
                container_set_extras(c, kv, out->n_facts); /* one write of record.json per op */
        }
        helper_out_done(out);
}

bool
helpers_none(const struct container *c, const ocirt_create_options *o)
{
        return !o->network && o->n_publish == 0 && !o->overlay && o->n_overlay_layers == 0 && !o->overlay_keep_dir &&
               o->allow_host_loopback <= 0 && !any_annotation(c->spec);
}

int
helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err)
{
        struct helpers *h;
        const char *root;
        int r;

        /* The fast path: nothing asked for, nothing done. */
        if (helpers_none(c, o))
                return 0;

        h = xcalloc(1, sizeof *h);
        r = parse_network(c->spec, o, h, err);
        if (r >= 0)
                r = parse_overlay(c->spec, o, h, err);
        if (r >= 0)
                r = ctx_state_root(c->ctx, &root, err);
        if (r < 0) {
                helpers_free(h);
                return r;
        }
        h->state_dir = xasprintf("%s/%s", root, c->id);
        /* Freed by helpers_early, its last user, or by container_done (helpers_release) when create
         * fails before SYNC_EARLY. */
        c->helpers = h;
        r = plan_network(c, h, err);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(all_helpers); i++) {
                const struct helper_ops *ops = all_helpers[i];
                struct helper_out out = { 0 };

                if (!ops->used(h))
                        continue;
                if (ops->prepare)
                        r = ops->prepare(c, h, &out, undo, err);
                apply(c, &out);
                if (r >= 0 && ops->attach)
                        c->wait_early = true;
        }
        return r;
}

void
helpers_release(struct container *c)
{
        helpers_free(c->helpers);
        c->helpers = NULL;
}

int
helpers_early(struct container *c, struct undo *undo, ocirt_error **err)
{
        struct helpers *h = c->helpers;
        int r = 0;

        if (!h)
                return 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(all_helpers); i++) {
                const struct helper_ops *ops = all_helpers[i];
                struct helper_out out = { 0 };

                if (!ops->used(h) || !ops->attach)
                        continue;
                r = ops->attach(c, h, &out, undo, err);
                apply(c, &out);
                if (r < 0)
                        r = ocirt_wrap(err, "%s", ops->name);
        }
        /* The last use of the options: what later commands need is in state.json. */
        helpers_release(c);
        return r;
}

int
helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        if (st->n_extra == 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(all_helpers); i++) {
                int r = all_helpers[i]->teardown ? all_helpers[i]->teardown(ctx, st, err) : 0;
                if (r < 0)
                        return r;
        }
        return 0;
}
