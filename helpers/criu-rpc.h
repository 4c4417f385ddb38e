/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* criu-rpc.h: inside helpers/, the few messages of CRIU's RPC protocol (criu's rpc.proto, proto2)
 * that `criu swrk` needs, encoded and decoded by hand (criu-rpc.c).
 *
 * Why by hand: the wire format of these messages is varints and length-prefixed bytes, about 150
 * lines of C, while libprotobuf-c plus generated code (or a dlopen of libcriu, which Debian ships
 * only inside the criu package) would make ocirt's build or start depend on CRIU's packages. The
 * field numbers below are rpc.proto's (criu 3.17, /usr/include/criu/rpc.proto in Debian's criu);
 * they are part of CRIU's stable RPC interface. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* criu_req_type */
enum {
        CRIU_RPC_DUMP = 1,
        CRIU_RPC_RESTORE = 2,
        CRIU_RPC_CHECK = 3,
        CRIU_RPC_PRE_DUMP = 4,
        CRIU_RPC_NOTIFY = 6,
        CRIU_RPC_VERSION = 10,
};

/* A growing buffer of encoded fields. */
struct pb {
        uint8_t *buf;
        size_t len, cap;
};

void pb_varint(struct pb *b, int field, uint64_t v);
void pb_int32(struct pb *b, int field, int32_t v); /* negative values take 10 bytes, as proto2 says */
void pb_bool(struct pb *b, int field, bool v);
void pb_string(struct pb *b, int field, const char *s);
/* A nested message: `sub` (encoded already) as a length-prefixed field; sub is freed. */
void pb_message(struct pb *b, int field, struct pb *sub);
void pb_free(struct pb *b);

/* What ocirt reads of a criu_resp. */
struct criu_rpc_resp {
        int type;
        bool success;
        bool dump_restored;     /* dump.restored: the tree was restored after a dump (not used by us) */
        int32_t restore_pid;    /* restore.pid */
        char *notify_script;    /* notify.script */
        int32_t notify_pid;
        int32_t cr_errno;
        char *cr_errmsg;
        int32_t version_major, version_minor, version_sublevel; /* version */
};

/* -EBADMSG when the bytes are not a criu_resp. */
int criu_rpc_resp_parse(const uint8_t *buf, size_t len, struct criu_rpc_resp *ret);
void criu_rpc_resp_done(struct criu_rpc_resp *r);
