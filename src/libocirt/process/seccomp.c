/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.c: linux.seccomp (issue 3).
 *
 * libseccomp compiles the rules, but ocirt loads the result itself with seccomp(2):
 *  - the filter is compiled to BPF in seccomp_prepare(), while the init still has every
 *    capability and may allocate freely; seccomp_install() then makes one syscall, so the only calls
 *    the container's filter sees from the runtime are sendmsg() (the notify fd), close() and
 *    execve() (and capset(), see below): a strict filter needs no rule for the runtime;
 *  - every SECCOMP_FILTER_FLAG_* is passed as the kernel knows it, including
 *    WAIT_KILLABLE_RECV, which libseccomp before 2.6 cannot set; a flag this kernel lacks is a
 *    warning, as runc and crun do;
 *  - NEW_LISTENER gives the notify fd as seccomp(2)'s result, for any libseccomp version.
 *
 * Loading a filter needs no_new_privs or CAP_SYS_ADMIN. With noNewPrivileges false and a
 * capability set without CAP_SYS_ADMIN (podman's and docker's default), caps.c keeps
 * CAP_SYS_ADMIN in the permitted and effective sets until the filter is loaded, and
 * seccomp_install() drops it with one capset() right after (runc instead loads the filter before
 * dropping capabilities, so that its filter has to allow all the runtime's later syscalls).
 *
 * seccomp-listener.c is the runtime's side of a NOTIFY rule: it passes the fd on to listenerPath. */
#include "config.h"

#include <assert.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "process/process.h"
#include "process/seccomp.h"
#include "process/seccomp-cache.h"
#include "base/base.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif


struct seccomp_filter {
        struct sock_filter *prog;
        size_t n_prog;
        unsigned long flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
        bool notify;         /* some rule uses SCMP_ACT_NOTIFY: ask for a listener */
        char *listener_path;
        char *listener_metadata;
        int notify_fd;       /* after the load */
};

static struct seccomp_filter *
filter_free(struct seccomp_filter *f)
{
        if (!f)
                return NULL;
        free(f->prog);
        free(f->listener_path);
        free(f->listener_metadata);
        if (f->notify_fd >= 0)
                close(f->notify_fd);
        free(f);
        return NULL;
}

static void
filter_freep(struct seccomp_filter **f)
{
        filter_free(*f);
}

static void
scmp_releasep(scmp_filter_ctx *c)
{
        if (*c)
                seccomp_release(*c);
}

/* How a warning reaches the user: from the init through the sync socket, from an exec'd process
 * through the caller's callback. */
typedef void (*warn_fn)(void *userdata, const char *fmt, ...) _printf_(2, 3);

static const struct {
        const char *name;
        unsigned long flag;
} filter_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* The kernel answers EFAULT for a known flag with a NULL program and EINVAL for an unknown one
 * (the probe libseccomp uses too). WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. */
static bool
kernel_has_flag(unsigned long flag)
{
        unsigned long f = flag;

        if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
                f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token. 0: unknown to this libseccomp. */
static uint32_t
resolve_arch(const char *name)
{
        char buf[32];
        size_t i = 0;

        if (startswith(name, "SCMP_ARCH_"))
                name += strlen("SCMP_ARCH_");
        for (; name[i] && i < sizeof buf - 1; i++)
                buf[i] = (char) (name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
        buf[i] = '\0';
        return seccomp_arch_resolve_name(buf);
}

static uint32_t
action_value(uint32_t base, bool has_errno, uint32_t errno_ret)
{
        /* runc's choice when errnoRet is absent: EPERM, for ERRNO and TRACE alike. */
        if (base == SCMP_ACT_ERRNO(0))
                return SCMP_ACT_ERRNO(has_errno ? errno_ret : EPERM);
        if (base == SCMP_ACT_TRACE(0))
                return SCMP_ACT_TRACE(has_errno ? errno_ret : EPERM);
        return base;
}

/* The init makes these calls after the filter is loaded and before the listener fd has reached
 * anyone: a NOTIFY on them would block the init forever. */
static const char *const init_syscalls_after_load[] = { "sendmsg", "close", "capset", NULL };

static int
add_rule(scmp_filter_ctx ctx, const struct spec_seccomp_syscall *sc, uint32_t action, int nr, const char *where,
         ocirt_error **err)
{
        struct scmp_arg_cmp cmp[6];
        bool same_index = false;
        int r;

        if (sc->n_args > ELEMENTSOF(cmp))
                return ocirt_fail_at(err, EINVAL, where, "use at most 6 argument comparisons", "too many 'args'");
        for (size_t i = 0; i < sc->n_args; i++) {
                cmp[i] = (struct scmp_arg_cmp){ .arg = sc->args[i].index,
                                                .op = (enum scmp_compare) sc->args[i].op,
                                                .datum_a = sc->args[i].value,
                                                .datum_b = sc->args[i].value_two };
                for (size_t j = 0; j < i; j++)
                        if (sc->args[j].index == sc->args[i].index)
                                same_index = true;
        }
        if (same_index) {
                /* libseccomp cannot AND two comparisons of one argument; like runc, such a rule
                 * matches when any of them does (one rule per comparison). */
                for (size_t i = 0; i < sc->n_args; i++) {
                        r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
                        if (r < 0)
                                return ocirt_fail_at(err, -r, where, NULL, "add the rule for syscall %d", nr);
                }
                return 0;
        }
        r = seccomp_rule_add_array(ctx, action, nr, (unsigned) sc->n_args, cmp);
        if (r < 0)
                return ocirt_fail_at(err, -r, where,
                                     r == -EINVAL ? "check the argument indexes (0-5) and operators" : NULL,
                                     "add the rule for syscall %d", nr);
        return 0;
}

/* ---- ENOSYS for syscalls newer than the profile ----
 *
 * A profile is an allow list written at some date; a syscall added to the kernel later is unknown
 * to it and gets the default action, typically EPERM. glibc and Go try the new call first and
 * fall back to the old one only on ENOSYS (clone3 -> clone, faccessat2 -> faccessat, ...), so an
 * EPERM breaks programs that would have run. Like runc and crun, we put a few instructions in
 * front of libseccomp's program: for each architecture of the filter, a syscall number above the
 * highest one the profile names returns ENOSYS, and every other call goes on to libseccomp's
 * rules unchanged. */

#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#endif
/* x32 syscall numbers on x86_64 carry this bit; they stay with libseccomp's rules. */
#define X32_SYSCALL_BIT 0x40000000U

struct arch_max {
        uint32_t arch; /* the AUDIT_ARCH_* value the kernel puts in seccomp_data.arch */
        uint32_t max;  /* the highest syscall number the profile names on it */
};

/* The highest number each of the filter's architectures gives to a name of the profile.
 * Architectures none of the names resolve on are left out (nothing to compare with). */
static size_t
profile_maxima(const struct spec_seccomp *sp, const uint32_t *archs, size_t n_archs, struct arch_max *ret)
{
        size_t n = 0;

        for (size_t a = 0; a < n_archs; a++) {
                bool any = false;
                uint32_t max = 0;

                /* libseccomp's x32 token is not a value the kernel reports (x32 calls arrive as
                 * x86_64 ones with X32_SYSCALL_BIT). */
                if (archs[a] == SCMP_ARCH_X32)
                        continue;
                for (size_t i = 0; i < sp->n_syscalls; i++)
                        for (size_t k = 0; sp->syscalls[i].names[k]; k++) {
                                int nr = seccomp_syscall_resolve_name_arch(archs[a], sp->syscalls[i].names[k]);

                                /* Negative: a pseudo number for a call this arch multiplexes or lacks. */
                                if (nr < 0 || (archs[a] == AUDIT_ARCH_X86_64 && (uint32_t) nr >= X32_SYSCALL_BIT))
                                        continue;
                                if (!any || (uint32_t) nr > max)
                                        max = (uint32_t) nr;
                                any = true;
                        }
                if (any)
                        ret[n++] = (struct arch_max){ archs[a], max };
        }
        return n;
}

/* The prefix for `n` architectures, placed in front of `f->prog`. Block per architecture:
 *   jeq ARCH ? next insn : next block;  ld nr;  [x86_64: jge X32_BIT ? main : next insn]
 *   jgt MAX ? next insn : main;  ret ERRNO(ENOSYS)
 * The accumulator holds the arch across blocks (the first insn loads it once). -E2BIG when the
 * whole would be longer than the kernel accepts. */
static int
prepend_enosys(struct seccomp_filter *f, const struct arch_max *am, size_t n)
{
        struct sock_filter pre[1 + 16 * 5], *prog;
        size_t len = 1, total = 1;

        assert(n <= 16);
        for (size_t i = 0; i < n; i++)
                total += am[i].arch == AUDIT_ARCH_X86_64 ? 5 : 4;
        pre[0] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
        for (size_t i = 0; i < n; i++) {
                size_t blk = am[i].arch == AUDIT_ARCH_X86_64 ? 5 : 4;
                /* Distance from the instruction at `len + k` to the first one after the prefix. */
#define TO_MAIN(k) ((uint8_t) (total - (len + (k)) - 1))
                pre[len] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, am[i].arch, 0, (uint8_t) (blk - 1));
                pre[len + 1] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
                if (blk == 5)
                        pre[len + 2] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, TO_MAIN(2), 0);
                pre[len + blk - 2] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, am[i].max, 0, TO_MAIN(blk - 2));
                pre[len + blk - 1] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
#undef TO_MAIN
                len += blk;
        }
        assert(len == total && total < 256);
        if (f->n_prog + len > BPF_MAXINSNS)
                return -E2BIG;
        prog = xmalloc((f->n_prog + len) * sizeof *prog);
        memcpy(prog, pre, len * sizeof *prog);
        memcpy(prog + len, f->prog, f->n_prog * sizeof *prog);
        free(f->prog);
        f->prog = prog;
        f->n_prog += len;
        return 0;
}

/* One compilation of linux.seccomp, step by step. */
struct build {
        const struct spec_seccomp *sp;
        const char *config_path;
        warn_fn warn;
        void *ud;
        char *warnings;     /* every warning, a line each, for the cache */
        scmp_filter_ctx ctx;
        uint32_t def;       /* the default action */
        uint32_t archs[16]; /* the filter's architectures, the native one first */
        size_t n_archs;
        struct seccomp_filter *f;
};

/* Warn, and keep the text for the cache (a hit repeats it). */
_printf_(2, 3) static void
build_warn(struct build *b, const char *fmt, ...)
{
        _cleanup_free_ char *text = NULL;
        char *all;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&text, fmt, ap) < 0)
                text = NULL;
        va_end(ap);
        if (!text)
                return;
        b->warn(b->ud, "%s", text);
        all = xasprintf("%s%s\n", strempty(b->warnings), text);
        free(b->warnings);
        b->warnings = all;
}

static int
new_context(struct build *b, ocirt_error **err)
{
        const struct spec_seccomp *sp = b->sp;

        if (sp->default_action == SCMP_ACT_NOTIFY) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp.defaultAction", b->config_path);
                return ocirt_fail_at(err, EINVAL, where, "use SCMP_ACT_NOTIFY in syscalls[] rules only",
                                     "SCMP_ACT_NOTIFY as the default action would notify the runtime's own syscalls");
        }
        b->def = action_value(sp->default_action, sp->has_default_errno_ret, sp->default_errno_ret);
        b->ctx = seccomp_init(b->def);
        if (!b->ctx)
                return ocirt_fail(err, ENOMEM, "seccomp_init");
        /* The kernel checks no_new_privs itself; we load with seccomp(2), not libseccomp's seccomp_load(). */
        (void) seccomp_attr_set(b->ctx, SCMP_FLTATR_CTL_NNP, 0);
        return 0;
}

static int
add_architectures(struct build *b, ocirt_error **err)
{
        const struct spec_seccomp *sp = b->sp;
        int r;

        b->archs[b->n_archs++] = seccomp_arch_native();
        for (size_t i = 0; i < sp->n_architectures; i++) {
                uint32_t a = resolve_arch(sp->architectures[i]);

                if (a == 0) {
                        build_warn(b, "seccomp architecture %s is unknown to libseccomp %u.%u, ignoring",
                                sp->architectures[i], seccomp_version()->major, seccomp_version()->minor);
                        continue;
                }
                r = seccomp_arch_add(b->ctx, a);
                if (r == 0 && b->n_archs < ELEMENTSOF(b->archs))
                        b->archs[b->n_archs++] = a;
                if (r < 0 && r != -EEXIST) {
                        _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp.architectures[%zu]", b->config_path, i);
                        return ocirt_fail_at(err, -r, where, NULL, "add seccomp architecture %s", sp->architectures[i]);
                }
        }
        return 0;
}

static void
add_flags(struct build *b)
{
        const struct spec_seccomp *sp = b->sp;

        for (size_t i = 0; i < sp->n_flags; i++) {
                unsigned long fl = 0;

                for (size_t j = 0; j < ELEMENTSOF(filter_flags); j++)
                        if (streq(sp->flags[i], filter_flags[j].name))
                                fl = filter_flags[j].flag;
                if (fl == 0 || !kernel_has_flag(fl)) {
                        build_warn(b, "seccomp flag %s is not supported by this kernel, ignoring", sp->flags[i]);
                        continue;
                }
                b->f->flags |= fl;
        }
}

/* A NOTIFY rule on a call the init makes after the load would block the start. */
static int
check_notify_rule(const struct spec_seccomp_syscall *sc, const char *where, ocirt_error **err)
{
        for (size_t k = 0; sc->names[k]; k++)
                for (size_t j = 0; init_syscalls_after_load[j]; j++)
                        if (streq(sc->names[k], init_syscalls_after_load[j]))
                                return ocirt_fail_at(err, EINVAL, where,
                                                     "the runtime makes this call after loading the filter and before the listener has the fd; drop it from the NOTIFY rule",
                                                     "SCMP_ACT_NOTIFY on '%s' would block the container's start",
                                                     sc->names[k]);
        return 0;
}

static int
add_syscall_rules(struct build *b, ocirt_error **err)
{
        const struct spec_seccomp *sp = b->sp;
        _cleanup_free_ char *unknown = NULL;
        size_t n_unknown = 0;
        int r;

        for (size_t i = 0; i < sp->n_syscalls; i++) {
                const struct spec_seccomp_syscall *sc = &sp->syscalls[i];
                uint32_t act = action_value(sc->action, sc->has_errno_ret, sc->errno_ret);
                _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp.syscalls[%zu]", b->config_path, i);

                if (sc->action == SCMP_ACT_NOTIFY) {
                        r = check_notify_rule(sc, where, err);
                        if (r < 0)
                                return r;
                        b->f->notify = true;
                }
                /* libseccomp refuses a rule whose action is the default one; it would change nothing. */
                if (act == b->def)
                        continue;
                for (size_t k = 0; sc->names[k]; k++) {
                        int nr = seccomp_syscall_resolve_name(sc->names[k]);

                        if (nr == __NR_SCMP_ERROR) {
                                /* Profiles list syscalls of newer kernels and other architectures;
                                 * runc and crun skip them too. Collected into one warning. */
                                if (n_unknown++ < 8) {
                                        char *u = xasprintf("%s%s%s", strempty(unknown), unknown ? ", " : "",
                                                            sc->names[k]);
                                        free(unknown);
                                        unknown = u;
                                }
                                continue;
                        }
                        r = add_rule(b->ctx, sc, act, nr, where, err);
                        if (r < 0)
                                return ocirt_wrap(err, "seccomp syscall '%s'", sc->names[k]);
                }
        }
        if (n_unknown > 0)
                build_warn(b, "seccomp: %zu syscall name(s) unknown to libseccomp %u.%u (%s%s), ignoring", n_unknown,
                        seccomp_version()->major, seccomp_version()->minor, unknown, n_unknown > 8 ? ", ..." : "");
        return 0;
}

/* With a NOTIFY rule, the load asks for a listener fd for listenerPath. */
static int
ask_listener(struct build *b, ocirt_error **err)
{
        struct seccomp_filter *f = b->f;

        if (!f->notify) {
                f->flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* invalid without a listener */
                return 0;
        }
        if (!b->sp->listener_path) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp", b->config_path);
                return ocirt_fail_at(err, EINVAL, where, "set .linux.seccomp.listenerPath to the agent's socket",
                                     "SCMP_ACT_NOTIFY needs a listenerPath");
        }
        f->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* TSYNC and NEW_LISTENER together need TSYNC_ESRCH (both report through the return value). */
        if (f->flags & SECCOMP_FILTER_FLAG_TSYNC)
                f->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        f->listener_path = xstrdup(b->sp->listener_path);
        f->listener_metadata = xstrdup(strempty(b->sp->listener_metadata));
        return 0;
}

/* libseccomp's BPF into f->prog. libseccomp 2.5 exports to an fd only. */
static int
export_program(struct build *b, ocirt_error **err)
{
        struct seccomp_filter *f = b->f;
        _cleanup_close_ int mfd = -1;
        struct stat st;
        int r;

        mfd = memfd_create("ocirt-seccomp", MFD_CLOEXEC);
        if (mfd < 0)
                return ocirt_fail(err, errno, "memfd_create for the seccomp program");
        r = seccomp_export_bpf(b->ctx, mfd);
        if (r < 0)
                return ocirt_fail(err, -r, "compile the seccomp filter");
        if (fstat(mfd, &st) < 0)
                return ocirt_fail(err, errno, "fstat the seccomp program");
        if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
            st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp", b->config_path);
                return ocirt_fail_at(err, E2BIG, where, "use fewer rules", "the seccomp program has %lld bytes",
                                     (long long) st.st_size);
        }
        f->n_prog = (size_t) st.st_size / sizeof(struct sock_filter);
        f->prog = xmalloc((size_t) st.st_size);
        if (pread(mfd, f->prog, (size_t) st.st_size, 0) != st.st_size)
                return ocirt_fail(err, EIO, "read the seccomp program back");
        return 0;
}

/* With ALLOW or LOG as the default, a syscall the profile does not know runs (or gets the kernel's
 * own ENOSYS) already; ENOSYS as the default needs no help either. */
static int
add_enosys_prefix(struct build *b, ocirt_error **err)
{
        struct arch_max am[ELEMENTSOF(b->archs)];
        size_t n;

        if (b->def == SCMP_ACT_ALLOW || b->def == SCMP_ACT_LOG || b->def == SCMP_ACT_ERRNO(ENOSYS))
                return 0;
        n = profile_maxima(b->sp, b->archs, b->n_archs, am);
        if (n > 0 && prepend_enosys(b->f, am, n) < 0) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp", b->config_path);
                return ocirt_fail_at(err, E2BIG, where, "use fewer rules", "the seccomp program is too long");
        }
        return 0;
}

/* A hit in the cache (seccomp-cache.c): the program, its flags and its warnings, repeated. */
static bool
from_cache(ocirt_ctx *ctx, const char *key, const struct spec_seccomp *sp, warn_fn warn, void *ud,
           struct seccomp_filter *f)
{
        struct seccomp_cached c;

        if (!key || seccomp_cache_load(ctx, key, &c) < 0)
                return false;
        f->prog = TAKE_PTR(c.prog);
        f->n_prog = c.n_prog;
        f->flags = c.flags;
        f->notify = c.notify;
        if (f->notify) {
                f->listener_path = xstrdup(sp->listener_path);
                f->listener_metadata = xstrdup(strempty(sp->listener_metadata));
        }
        for (char *save = NULL, *l = strtok_r(c.warnings, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                warn(ud, "%s", l);
        seccomp_cached_done(&c);
        log_debug(ctx, "seccomp: compiled program from the cache (%zu instructions)", f->n_prog);
        return true;
}

/* Compile s->linux_->seccomp to BPF, or take it from the cache when ctx is given. *ret stays NULL
 * when the config has no seccomp section. */
static int
filter_build(ocirt_ctx *ctx, const struct spec *s, const char *config_path, warn_fn warn, void *ud,
             struct seccomp_filter **ret, ocirt_error **err)
{
        const struct spec_seccomp *sp = s->linux_ ? s->linux_->seccomp : NULL;
        _cleanup_(filter_freep) struct seccomp_filter *f = NULL;
        _cleanup_free_ char *key = NULL;
        struct build b;
        int r;

        *ret = NULL;
        if (!sp)
                return 0;
        f = xcalloc(1, sizeof *f);
        f->notify_fd = -1;
        key = ctx ? seccomp_cache_key(sp) : NULL;
        if (from_cache(ctx, key, sp, warn, ud, f)) {
                *ret = TAKE_PTR(f);
                return 0;
        }
        b = (struct build){ .sp = sp, .config_path = config_path, .warn = warn, .ud = ud, .f = f };

        r = new_context(&b, err);
        if (r >= 0)
                r = add_architectures(&b, err);
        if (r >= 0) {
                add_flags(&b);
                r = add_syscall_rules(&b, err);
        }
        if (r >= 0)
                r = ask_listener(&b, err);
        if (r >= 0)
                r = export_program(&b, err);
        if (r >= 0)
                r = add_enosys_prefix(&b, err);
        scmp_releasep(&b.ctx);
        if (r >= 0 && key) {
                struct seccomp_cached c = { .prog = f->prog, .n_prog = f->n_prog, .flags = f->flags,
                                            .notify = f->notify, .warnings = b.warnings };
                seccomp_cache_store(ctx, key, &c);
        }
        free(b.warnings);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

static int
filter_load(struct seccomp_filter *f, ocirt_error **err)
{
        struct sock_fprog prog = { .len = (unsigned short) f->n_prog, .filter = f->prog };
        long r;

        r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
        if (r < 0)
                return ocirt_fail(err, errno,
                                  errno == EACCES ? "load the seccomp filter (it needs noNewPrivileges or CAP_SYS_ADMIN)"
                                                  : "load the seccomp filter");
        if (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
                f->notify_fd = (int) r;
        return 0;
}

static void
quiet_warn(void *ud, const char *fmt, ...)
{
        ocirt_ctx *ctx = ud;
        char buf[1024];
        va_list ap;

        if (!ctx)
                return;
        va_start(ap, fmt);
        (void) vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        log_warning(ctx, "%s", buf);
}

/* Runs in: the runtime, before the clone: the init inherits c->seccomp with its memory, and the
 * runtime can reach the cache in its state root (the init, pivoted, could not). */
int
seccomp_prepare(struct container *c, ocirt_error **err)
{
        struct seccomp_filter *f = NULL;
        int r;

        r = filter_build(c->ctx, c->spec, c->config_path, quiet_warn, c->ctx, &f, err);
        if (r < 0)
                return ocirt_wrap(err, "seccomp");
        if (f && f->notify && strlen(f->listener_path) + strlen(f->listener_metadata) + 2 > sizeof(((struct sync_msg *) 0)->text)) {
                _cleanup_free_ char *where = xasprintf("%s: .linux.seccomp.listenerMetadata", c->config_path);
                filter_free(f);
                return ocirt_fail_at(err, E2BIG, where, "keep listenerPath and listenerMetadata below 1500 bytes",
                                     "too long");
        }
        c->seccomp = f;
        return 0;
}

/* Runs in: the runtime, once the init has its copy. */
void
seccomp_forget(struct container *c)
{
        c->seccomp = filter_free(c->seccomp);
}

/* Whether the filter must be loaded with CAP_SYS_ADMIN kept for it (see the top of the file). */
bool
seccomp_needs_sys_admin(struct container *c)
{
        return c->seccomp && !c->spec->process->no_new_privileges;
}

/* Runs in: the container init, as the last step before execve (fds already closed). */
int
seccomp_install(struct container *c, int *ret_notify_fd, ocirt_error **err)
{
        struct seccomp_filter *f = c->seccomp;
        int r;

        *ret_notify_fd = -1;
        if (!f)
                return 0;
        r = filter_load(f, err);
        if (r < 0)
                return r;
        if (c->caps_after_seccomp) {
                /* Drop the CAP_SYS_ADMIN kept for the load: the one syscall the filter must allow. */
                struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
                struct __user_cap_data_struct d[2] = {
                        { (uint32_t) c->caps_final[0], (uint32_t) c->caps_final[1], (uint32_t) c->caps_final[2] },
                        { (uint32_t) (c->caps_final[0] >> 32), (uint32_t) (c->caps_final[1] >> 32),
                          (uint32_t) (c->caps_final[2] >> 32) },
                };
                if (syscall(SYS_capset, &h, d) < 0)
                        return ocirt_fail_at(err, errno, c->config_path,
                                             "allow capset in .linux.seccomp, or set .process.noNewPrivileges to true",
                                             "drop CAP_SYS_ADMIN after loading the seccomp filter");
        }
        if (f->notify_fd >= 0) {
                /* The text the runtime's seccomp_forward_listener() reads: "path\x1fmetadata". */
                struct sync_msg m = { .type = SYNC_SECCOMP_FD };
                int fd = TAKE_FD(f->notify_fd);

                (void) snprintf(m.text, sizeof m.text, "%s%c%s", f->listener_path, SECCOMP_LISTENER_SEP, f->listener_metadata);
                r = sync_send_msg(c->sync_child, &m, fd, err);
                close(fd);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Runs in: the runtime (ocirt exec), before the fork: the exec'd process inherits the filter. */
int
seccomp_build_spec(ocirt_ctx *ctx, const struct spec *s, void **ret, ocirt_error **err)
{
        struct seccomp_filter *f = NULL;
        int r;

        r = filter_build(ctx, s, s->path ? s->path : "config.json", quiet_warn, ctx, &f, err);
        if (r < 0)
                return ocirt_wrap(err, "seccomp");
        *ret = f;
        return 0;
}

void
seccomp_built_free(void *f)
{
        filter_free(f);
}

/* Runs in: the process that will exec (ocirt exec). The caller passes the fd on, if any. */
int
seccomp_load_built(void *built, int *ret_notify_fd, ocirt_error **err)
{
        struct seccomp_filter *f = built;
        int r;

        *ret_notify_fd = -1;
        if (!f)
                return 0;
        r = filter_load(f, err);
        if (r < 0)
                return ocirt_wrap(err, "seccomp");
        *ret_notify_fd = TAKE_FD(f->notify_fd);
        return 0;
}
