/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers.c: the entry points the lifecycle calls for the rootless helpers that live beside a
 * container (slirp4netns, fuse-overlayfs): helpers_prepare before the clone, helpers_early at
 * SYNC_EARLY, helpers_teardown at delete.
 *
 * A config that uses no helper costs nothing here: helpers_prepare looks at the options and the
 * annotations in memory and returns; it does not fork, read a file or set wait_early. */
#include "config.h"

#include <sched.h>

#include "base/base.h"
#include "helpers/helpers.h"
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

static int
parse_options(struct container *c, const ocirt_create_options *o, struct helpers *h, ocirt_error **err)
{
        const struct spec *s = c->spec;
        const char *network = o->network, *overlay = o->overlay, *v;
        _cleanup_free_ char *where = NULL;
        int r;

        if (!network && (v = annotation(s, ANN_PREFIX "network")))
                network = v;
        if (network) {
                if (streq(network, "slirp4netns"))
                        h->network = NETWORK_SLIRP4NETNS;
                else if (streq(network, "none"))
                        h->network = NETWORK_NONE;
                else if (streq(network, "host"))
                        h->network = NETWORK_HOST;
                else
                        return ocirt_fail_at(err, EINVAL, o->network ? "--network" : ANN_PREFIX "network",
                                             "use slirp4netns, none or host", "unknown network '%s'", network);
        }
        h->allow_host_loopback = o->allow_host_loopback > 0;
        if (!o->allow_host_loopback && (v = annotation(s, ANN_PREFIX "network.allow-host-loopback"))) {
                r = parse_bool(v, ANN_PREFIX "network.allow-host-loopback", &h->allow_host_loopback, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < o->n_publish; i++) {
                h->publish = xrealloc(h->publish, (h->n_publish + 1) * sizeof *h->publish);
                r = helper_parse_publish(o->publish[i], &h->publish[h->n_publish], err);
                if (r < 0)
                        return r;
                h->n_publish++;
        }
        if (o->n_publish == 0 && (v = annotation(s, ANN_PREFIX "network.publish"))) {
                _cleanup_free_ char *copy = xstrdup(v);
                for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
                        h->publish = xrealloc(h->publish, (h->n_publish + 1) * sizeof *h->publish);
                        r = helper_parse_publish(t, &h->publish[h->n_publish], err);
                        if (r < 0)
                                return r;
                        h->n_publish++;
                }
        }
        if (h->n_publish > 0 && h->network != NETWORK_SLIRP4NETNS)
                return ocirt_fail_at(err, EINVAL, "--publish", "add --network slirp4netns",
                                     "publishing a port needs --network slirp4netns");

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
        c->new_ns[SPEC_NS_NETWORK] = true;
        c->clone_flags |= CLONE_NEWNET;
        c->wait_early = true;
        return 0;
}

int
helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err)
{
        struct helpers *h;
        const char *root;
        int r;

        /* The fast path: nothing asked for, nothing done. */
        if (!o->network && o->n_publish == 0 && !o->overlay && o->n_overlay_layers == 0 && !o->overlay_keep_dir &&
            o->allow_host_loopback <= 0 && !any_annotation(c->spec))
                return 0;

        h = xcalloc(1, sizeof *h);
        r = parse_options(c, o, h, err);
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
        if (r >= 0 && h->network == NETWORK_SLIRP4NETNS)
                r = slirp_prepare(c, h, undo, err);
        if (r >= 0 && h->overlay != OVERLAY_NONE)
                r = overlay_prepare(c, h, undo, err);
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
        if (h->overlay != OVERLAY_NONE) {
                r = overlay_early(c, h, undo, err);
                if (r < 0)
                        r = ocirt_wrap(err, "overlay");
        }
        if (r >= 0 && h->network == NETWORK_SLIRP4NETNS) {
                r = slirp_early(c, h, undo, err);
                if (r < 0)
                        r = ocirt_wrap(err, "slirp4netns");
        } else if (r >= 0 && h->network == NETWORK_NONE) {
                r = net_loopback_up(c, err);
                if (r < 0)
                        r = ocirt_wrap(err, "network");
        }
        /* The last use of the options: what later commands need is in state.json. */
        helpers_free(h);
        c->helpers = NULL;
        return r;
}

int
helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err)
{
        int r;

        if (st->n_extra == 0)
                return 0;
        r = slirp_teardown(ctx, st, err);
        if (r < 0)
                return r;
        return overlay_teardown(ctx, st, err);
}
