/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-devices.c: the container's device allow-list (see cgroup-devices.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup-devices.h"
#include "base/base.h"

static void
device_rule(const struct spec_device_cgroup *d, char *buf, size_t n)
{
        char maj[24] = "*", min[24] = "*";

        if (d->has_major && d->major >= 0)
                snprintf(maj, sizeof maj, "%" PRId64, d->major);
        if (d->has_minor && d->minor >= 0)
                snprintf(min, sizeof min, "%" PRId64, d->minor);
        snprintf(buf, n, "%c %s:%s %s", d->type ? d->type : 'a', maj, min, d->access ? d->access : "rwm");
}

/* The devices every container may use on top of its config's rules, the list runc 1.1.5 appends
 * after them (crun's is the same but for /dev/console 5:1 instead of /dev/net/tun): mknod of any
 * node (a container may need to make its own /dev), null, zero, full, tty, random, urandom, ptmx,
 * the pts devices and /dev/net/tun. Without them the usual config (one deny-all rule, as `ocirt
 * spec` and `runc spec` write it) could not even open /dev/null. The nodes in linux.devices are NOT
 * added: as with runc and crun, a config that lists /dev/kmsg but denies everything gets the node
 * and no access to it. */
static const struct spec_device_cgroup default_devices[CGROUP_N_DEFAULT_DEVICES] = {
        { true, 'c', false, false, -1, -1, (char *) "m" },  { true, 'b', false, false, -1, -1, (char *) "m" },
        { true, 'c', true, true, 1, 3, (char *) "rwm" },   { true, 'c', true, true, 1, 5, (char *) "rwm" },
        { true, 'c', true, true, 1, 7, (char *) "rwm" },   { true, 'c', true, true, 5, 0, (char *) "rwm" },
        { true, 'c', true, true, 1, 8, (char *) "rwm" },   { true, 'c', true, true, 1, 9, (char *) "rwm" },
        { true, 'c', true, true, 5, 2, (char *) "rwm" },   { true, 'c', true, true, 136, -1, (char *) "rwm" },
        { true, 'c', true, true, 10, 200, (char *) "rwm" },
};

static bool
dev_field_covers(bool has, int64_t deny, int64_t dflt)
{
        return !has || deny < 0 || (dflt >= 0 && deny == dflt);
}

/* A deny rule that names a device class (type c or b, or a major) is a decision about those
 * devices, and the defaults must not undo it: runc and crun append their defaults after the config's
 * rules, so `deny c 1:3` there still leaves /dev/null open. Only the blanket deny-all (type a or
 * absent, no major), the usual first rule, is what the defaults are meant to open up. A default that
 * such a deny only partly covers keeps the access the deny does not name: `deny c 1:3 w` leaves
 * /dev/null readable. */
void
cgroup_devices_defaults(const struct spec_resources *res, struct cgroup_dev_rules *out)
{
        out->n = 0;
        for (size_t i = 0; i < ELEMENTSOF(default_devices); i++) {
                const struct spec_device_cgroup *def = &default_devices[i];
                char acc[4];
                size_t k = 0;
                for (const char *a = def->access; *a; a++) {
                        bool denied = false;
                        for (size_t j = 0; res && j < res->n_devices && !denied; j++) {
                                const struct spec_device_cgroup *d = &res->devices[j];
                                bool blanket = (!d->type || d->type == 'a') && !(d->has_major && d->major >= 0);
                                if (d->allow || blanket)
                                        continue;
                                if (d->type && d->type != 'a' && d->type != def->type)
                                        continue;
                                if (!dev_field_covers(d->has_major, d->major, def->has_major ? def->major : -1) ||
                                    !dev_field_covers(d->has_minor, d->minor, def->has_minor ? def->minor : -1))
                                        continue;
                                denied = !d->access || strchr(d->access, *a);
                        }
                        if (!denied)
                                acc[k++] = *a;
                }
                acc[k] = '\0';
                if (k == 0)
                        continue;
                memcpy(out->access[out->n], acc, k + 1);
                out->v[out->n] = *def;
                out->v[out->n].access = out->access[out->n];
                out->n++;
        }
}

int
cgroup_devices_v1(struct cgroup_writer *w, const struct spec_resources *res, const struct cgroup_dev_rules *defaults)
{
        char rule[96];
        int r;

        for (size_t i = 0; i < res->n_devices; i++) {
                const struct spec_device_cgroup *d = &res->devices[i];
                _cleanup_free_ char *jp = xasprintf("devices[%zu]", i);
                device_rule(d, rule, sizeof rule);
                r = cgroup_wr(w, "devices", d->allow ? "devices.allow" : "devices.deny", jp, rule);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < defaults->n; i++) {
                device_rule(&defaults->v[i], rule, sizeof rule);
                r = cgroup_wr(w, "devices", "devices.allow", "devices", rule);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* cgroup v2 has no devices.allow: the allow-list is an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE attached to the container's cgroup. The program sees
 * {access_type = access << 16 | type, major, minor} and returns 1 (allow) or 0 (deny).
 *
 * OCI rules apply in order, a later rule overriding an earlier one, so the program tests them last
 * to first and the first match decides; the default devices (see default_devices) come after the
 * config's, so they win. No match: allow, which is what a v1 child cgroup inherits; the usual
 * config starts with a deny-all rule, which then matches. An allow rule matches when the request's
 * access is a subset of the rule's; a deny rule when they share a bit. */
static void
emit(struct bpf_insn **p, size_t *n, struct bpf_insn i)
{
        *p = xrealloc(*p, (*n + 1) * sizeof **p);
        (*p)[(*n)++] = i;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static unsigned
access_bits(const char *a)
{
        unsigned m = 0;
        for (; a && *a; a++)
                m |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
        return a ? m : 7;
}

/* One rule: the checks jump to the next rule on a mismatch; offsets are patched at the end.
 * Returns false for a rule that matches everything: what follows it is unreachable, and the
 * verifier refuses unreachable instructions. */
static bool
emit_rule(struct bpf_insn **p, size_t *n, const struct spec_device_cgroup *d)
{
        size_t start = *n;
        unsigned acc = d->access ? access_bits(d->access) : 7;

        if (d->type && d->type != 'a')
                emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
        if (acc != 7) {
                emit(p, n, INSN(BPF_ALU | BPF_MOV | BPF_X, 6, 3, 0, 0));
                if (d->allow) { /* request & ~rule != 0: not a subset */
                        emit(p, n, INSN(BPF_ALU | BPF_AND | BPF_K, 6, 0, 0, (int) (~acc & 7)));
                        emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 6, 0, 0, 0));
                } else { /* request & rule == 0: nothing shared */
                        emit(p, n, INSN(BPF_ALU | BPF_AND | BPF_K, 6, 0, 0, (int) acc));
                        emit(p, n, INSN(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 0, 0));
                }
        }
        if (d->has_major && d->major >= 0)
                emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int) d->major));
        if (d->has_minor && d->minor >= 0)
                emit(p, n, INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int) d->minor));
        emit(p, n, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, d->allow ? 1 : 0));
        emit(p, n, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        /* Every conditional jump of this rule goes to the first instruction after it. */
        for (size_t i = start; i < *n; i++)
                if (BPF_CLASS((*p)[i].code) == BPF_JMP && BPF_OP((*p)[i].code) != BPF_EXIT)
                        (*p)[i].off = (int16_t) (*n - i - 1);
        return *n - start > 2;
}

int
cgroup_devices_v2(struct cgroup *cg, const struct spec_resources *res, const struct cgroup_dev_rules *defaults,
                  const char *where, ocirt_error **err)
{
        _cleanup_free_ struct bpf_insn *prog = NULL;
        _cleanup_close_ int dirfd = -1, progfd = -1;
        const char *dir = cgroup_dir_of(cg, CGROUP_V2);
        char log[4096] = "";
        union bpf_attr attr;
        size_t n = 0;

        if (!dir)
                return 0;
        /* r2 = type, r3 = access, r4 = major, r5 = minor */
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0));
        emit(&prog, &n, INSN(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 0, 0));
        emit(&prog, &n, INSN(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16));
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0));
        emit(&prog, &n, INSN(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0));
        bool reachable = true;
        for (size_t i = defaults->n; i-- > 0;)
                emit_rule(&prog, &n, &defaults->v[i]);
        for (size_t i = res->n_devices; reachable && i-- > 0;)
                reachable = emit_rule(&prog, &n, &res->devices[i]);
        if (reachable) {
                emit(&prog, &n, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1));
                emit(&prog, &n, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        }

        memset(&attr, 0, sizeof attr);
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uint64_t) (uintptr_t) prog;
        attr.insn_cnt = (uint32_t) n;
        attr.license = (uint64_t) (uintptr_t) "GPL";
        attr.log_buf = (uint64_t) (uintptr_t) log;
        attr.log_size = sizeof log;
        attr.log_level = 1;
        progfd = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
        if (progfd < 0 && errno == ENOSPC) { /* the log was too small; load without it */
                attr.log_buf = 0;
                attr.log_size = 0;
                attr.log_level = 0;
                progfd = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
        }
        if (progfd < 0) {
                _cleanup_free_ char *w = xasprintf("%s: .linux.resources.devices", where);
                return ocirt_fail_at(err, errno, w, NULL, "load the device eBPF program (%zu instructions)%s%s", n,
                                     *log ? ": " : "", log);
        }
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return ocirt_fail(err, errno, "open cgroup '%s'", dir);
        memset(&attr, 0, sizeof attr);
        attr.target_fd = (uint32_t) dirfd;
        attr.attach_bpf_fd = (uint32_t) progfd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) < 0) {
                _cleanup_free_ char *w = xasprintf("%s: .linux.resources.devices", where);
                return ocirt_fail_at(err, errno, w, NULL, "attach the device eBPF program to '%s'", dir);
        }
        log_debug(cg->ctx, "cgroup: device program of %zu instructions attached to %s", n, dir);
        return 0;
}
