/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* criu-rpc.c: the protobuf wire format for CRIU's criu_req and criu_resp (see criu-rpc.h for why
 * it is written out here). Wire types used: 0 (varint) and 2 (length-delimited); a reader skips
 * what it does not know, as protobuf requires, including the fixed-size types 1 and 5. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "helpers/criu-rpc.h"
#include "base/base.h"

enum { WIRE_VARINT = 0, WIRE_I64 = 1, WIRE_LEN = 2, WIRE_I32 = 5 };

static void
pb_reserve(struct pb *b, size_t more)
{
        if (b->len + more <= b->cap)
                return;
        b->cap = (b->len + more) * 2 + 64;
        b->buf = xrealloc(b->buf, b->cap);
}

static void
put_varint(struct pb *b, uint64_t v)
{
        pb_reserve(b, 10);
        do {
                uint8_t byte = v & 0x7f;

                v >>= 7;
                b->buf[b->len++] = byte | (v ? 0x80 : 0);
        } while (v);
}

static void
put_tag(struct pb *b, int field, int wire)
{
        put_varint(b, ((uint64_t) field << 3) | (uint64_t) wire);
}

void
pb_varint(struct pb *b, int field, uint64_t v)
{
        put_tag(b, field, WIRE_VARINT);
        put_varint(b, v);
}

void
pb_int32(struct pb *b, int field, int32_t v)
{
        /* int32 is sign-extended to 64 bits on the wire (not zigzag: that is sint32). */
        pb_varint(b, field, (uint64_t) (int64_t) v);
}

void
pb_bool(struct pb *b, int field, bool v)
{
        pb_varint(b, field, v ? 1 : 0);
}

static void
put_bytes(struct pb *b, int field, const void *p, size_t n)
{
        put_tag(b, field, WIRE_LEN);
        put_varint(b, n);
        pb_reserve(b, n);
        memcpy(b->buf + b->len, p, n);
        b->len += n;
}

void
pb_string(struct pb *b, int field, const char *s)
{
        put_bytes(b, field, s, strlen(s));
}

void
pb_message(struct pb *b, int field, struct pb *sub)
{
        put_bytes(b, field, sub->buf ? sub->buf : (const uint8_t *) "", sub->len);
        pb_free(sub);
}

void
pb_free(struct pb *b)
{
        free(b->buf);
        *b = (struct pb){ 0 };
}

/* ---- reading ---- */

struct rd {
        const uint8_t *p, *end;
};

static int
get_varint(struct rd *r, uint64_t *ret)
{
        uint64_t v = 0;

        for (int shift = 0; shift < 64; shift += 7) {
                if (r->p >= r->end)
                        return -EBADMSG;
                v |= (uint64_t) (*r->p & 0x7f) << shift;
                if (!(*r->p++ & 0x80)) {
                        *ret = v;
                        return 0;
                }
        }
        return -EBADMSG;
}

/* One field: its number, wire type, and either its varint or its bytes. */
struct field {
        int num, wire;
        uint64_t v;
        const uint8_t *data;
        size_t len;
};

static int
next_field(struct rd *r, struct field *f)
{
        uint64_t tag;

        if (get_varint(r, &tag) < 0)
                return -EBADMSG;
        *f = (struct field){ .num = (int) (tag >> 3), .wire = (int) (tag & 7) };
        switch (f->wire) {
        case WIRE_VARINT:
                return get_varint(r, &f->v);
        case WIRE_LEN:
                if (get_varint(r, &f->v) < 0 || f->v > (uint64_t) (r->end - r->p))
                        return -EBADMSG;
                f->data = r->p;
                f->len = (size_t) f->v;
                r->p += f->len;
                return 0;
        case WIRE_I64:
        case WIRE_I32: {
                size_t n = f->wire == WIRE_I64 ? 8 : 4;

                if ((size_t) (r->end - r->p) < n)
                        return -EBADMSG;
                r->p += n;
                return 0;
        }
        default:
                return -EBADMSG;
        }
}

/* Walk the fields of a nested message, handing each varint field to `set`. */
static int
each_varint(const struct field *outer, void (*set)(struct criu_rpc_resp *, int, uint64_t), struct criu_rpc_resp *resp)
{
        struct rd r = { outer->data, outer->data + outer->len };
        struct field f;

        if (outer->wire != WIRE_LEN)
                return -EBADMSG;
        while (r.p < r.end) {
                if (next_field(&r, &f) < 0)
                        return -EBADMSG;
                if (f.wire == WIRE_VARINT)
                        set(resp, f.num, f.v);
        }
        return 0;
}

static void
set_dump(struct criu_rpc_resp *resp, int num, uint64_t v)
{
        if (num == 1)
                resp->dump_restored = v != 0;
}

static void
set_restore(struct criu_rpc_resp *resp, int num, uint64_t v)
{
        if (num == 1)
                resp->restore_pid = (int32_t) v;
}

static void
set_notify(struct criu_rpc_resp *resp, int num, uint64_t v)
{
        if (num == 2)
                resp->notify_pid = (int32_t) v;
}

static void
set_version(struct criu_rpc_resp *resp, int num, uint64_t v)
{
        if (num == 1)
                resp->version_major = (int32_t) v;
        else if (num == 2)
                resp->version_minor = (int32_t) v;
        else if (num == 4)
                resp->version_sublevel = (int32_t) v;
}

/* The one string field `num` of a nested message, or NULL. */
static char *
nested_string(const struct field *outer, int num)
{
        struct rd r = { outer->data, outer->data + outer->len };
        struct field f;

        while (r.p < r.end && next_field(&r, &f) == 0)
                if (f.num == num && f.wire == WIRE_LEN)
                        return xstrndup((const char *) f.data, f.len);
        return NULL;
}

int
criu_rpc_resp_parse(const uint8_t *buf, size_t len, struct criu_rpc_resp *ret)
{
        struct rd r = { buf, buf + len };
        struct field f;
        int k = 0;

        *ret = (struct criu_rpc_resp){ 0 };
        while (r.p < r.end && k >= 0) {
                if (next_field(&r, &f) < 0)
                        return -EBADMSG;
                switch (f.num) {
                case 1:
                        ret->type = (int) f.v;
                        break;
                case 2:
                        ret->success = f.v != 0;
                        break;
                case 3:
                        k = each_varint(&f, set_dump, ret);
                        break;
                case 4:
                        k = each_varint(&f, set_restore, ret);
                        break;
                case 5:
                        k = each_varint(&f, set_notify, ret);
                        if (k >= 0) {
                                free(ret->notify_script);
                                ret->notify_script = nested_string(&f, 1);
                        }
                        break;
                case 7:
                        ret->cr_errno = (int32_t) f.v;
                        break;
                case 9:
                        if (f.wire == WIRE_LEN) {
                                free(ret->cr_errmsg);
                                ret->cr_errmsg = xstrndup((const char *) f.data, f.len);
                        }
                        break;
                case 10:
                        k = each_varint(&f, set_version, ret);
                        break;
                default:
                        break; /* a field this reader does not need */
                }
        }
        if (k < 0) {
                criu_rpc_resp_done(ret);
                return -EBADMSG;
        }
        return 0;
}

void
criu_rpc_resp_done(struct criu_rpc_resp *r)
{
        free(r->notify_script);
        free(r->cr_errmsg);
        *r = (struct criu_rpc_resp){ 0 };
}
