/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp-cache.c: compiled seccomp programs kept between runs, in STATEROOT/.seccomp-cache/.
 *
 * Why: libseccomp's compile of a real profile is the largest piece of user CPU time in a start
 * (podman's default profile, about 350 syscall names with argument rules: about 15 ms here, more
 * than the rest of `create`), and every container of a pod or a CI job uses the same profile.
 *
 * Trust. A cached program replaces the filter the config asks for, so a wrong one is a sandbox
 * escape. Hence: the key is not a hash but the whole input (the seccomp object as canonical JSON,
 * and everything else the program depends on: this ocirt's version, libseccomp's, the kernel
 * release), stored in the file and compared byte for byte on every load, so two profiles can never
 * share a program however their names collide. The directory is the state root's, which only the
 * runtime's own user can write (anyone who can write there can rewrite state.json too); files are
 * opened without following links and must be regular, ours and of a consistent size; anything
 * unexpected is a miss, never an error. The warnings the compile printed are kept and repeated. */
#include "config.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "process/seccomp-cache.h"
#include "base/base.h"
#include "state/state.h"

#define CACHE_DIR ".seccomp-cache"
#define MAGIC "OCIRTSC1"
#define MAX_FILE (4u << 20)

struct cache_header {
        char magic[8];
        uint32_t key_len, warn_len, n_prog, notify;
        uint64_t flags;
};

char *
seccomp_cache_key(const struct spec_seccomp *sp)
{
        const struct scmp_version *v = seccomp_version();
        struct utsname u;

        if (!sp->canonical || uname(&u) < 0)
                return NULL;
        return xasprintf("ocirt %s\nlibseccomp %u.%u.%u\nkernel %s %s\n%s", PACKAGE_VERSION, v->major, v->minor,
                         v->micro, u.release, u.machine, sp->canonical);
}

static uint64_t
fnv1a(const char *s)
{
        uint64_t h = 0xcbf29ce484222325ULL;

        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
        return h;
}

static int
open_dir(ocirt_ctx *ctx, bool create)
{
        const char *root;
        _cleanup_error_ ocirt_error *e = NULL;
        _cleanup_close_ int rootfd = -1;
        int fd;

        if (!ctx || ctx_state_root(ctx, &root, &e) < 0)
                return -1;
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return -1;
        if (create)
                (void) mkdirat(rootfd, CACHE_DIR, 0700);
        fd = openat(rootfd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd;
}

int
seccomp_cache_load(ocirt_ctx *ctx, const char *key, struct seccomp_cached *ret)
{
        char name[32];
        _cleanup_close_ int dfd = -1, fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct cache_header h;
        struct stat st;
        size_t key_len = strlen(key), need;

        *ret = (struct seccomp_cached){ 0 };
        dfd = open_dir(ctx, false);
        if (dfd < 0)
                return -ENOENT;
        snprintf(name, sizeof name, "%016llx.bpf", (unsigned long long) fnv1a(key));
        fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            st.st_size < (off_t) sizeof h || st.st_size > MAX_FILE)
                return -ENOENT;
        buf = xmalloc((size_t) st.st_size);
        if (pread(fd, buf, (size_t) st.st_size, 0) != st.st_size)
                return -ENOENT;
        memcpy(&h, buf, sizeof h);
        need = sizeof h + (size_t) h.key_len + h.warn_len + (size_t) h.n_prog * sizeof(struct sock_filter);
        if (memcmp(h.magic, MAGIC, 8) != 0 || h.key_len != key_len || h.n_prog == 0 || h.n_prog > BPF_MAXINSNS ||
            h.warn_len > MAX_FILE || need != (size_t) st.st_size || memcmp(buf + sizeof h, key, key_len) != 0)
                return -ENOENT;
        ret->n_prog = h.n_prog;
        ret->prog = xmalloc((size_t) h.n_prog * sizeof(struct sock_filter));
        memcpy(ret->prog, buf + sizeof h + key_len + h.warn_len, (size_t) h.n_prog * sizeof(struct sock_filter));
        ret->warnings = xstrndup(buf + sizeof h + key_len, h.warn_len);
        ret->flags = (unsigned long) h.flags;
        ret->notify = h.notify != 0;
        return 0;
}

void
seccomp_cache_store(ocirt_ctx *ctx, const char *key, const struct seccomp_cached *c)
{
        struct cache_header h = { .key_len = (uint32_t) strlen(key), .warn_len = (uint32_t) strlen(strempty(c->warnings)),
                                  .n_prog = (uint32_t) c->n_prog, .notify = c->notify, .flags = c->flags };
        char name[32], tmp[64];
        _cleanup_close_ int dfd = -1, fd = -1;
        bool ok;

        dfd = open_dir(ctx, true);
        if (dfd < 0)
                return;
        memcpy(h.magic, MAGIC, 8);
        snprintf(name, sizeof name, "%016llx.bpf", (unsigned long long) fnv1a(key));
        snprintf(tmp, sizeof tmp, ".%s.%d", name, (int) getpid());
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return;
        ok = write_all(fd, &h, sizeof h) == 0 && write_all(fd, key, h.key_len) == 0 &&
             write_all(fd, strempty(c->warnings), h.warn_len) == 0 &&
             write_all(fd, c->prog, c->n_prog * sizeof(struct sock_filter)) == 0;
        /* A reader sees the old file or the whole new one, never a part. */
        if (!ok || renameat(dfd, tmp, dfd, name) < 0) {
                (void) unlinkat(dfd, tmp, 0);
                log_debug(ctx, "seccomp cache: could not store %s", name);
        }
}

void
seccomp_cached_done(struct seccomp_cached *c)
{
        free(c->prog);
        free(c->warnings);
        *c = (struct seccomp_cached){ 0 };
}
