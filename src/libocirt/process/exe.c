/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exe.c: keep the runtime's binary out of the container's reach (CVE-2019-5736).
 *
 * A container sees the runtime's binary only as /proc/PID/exe of a process that runs inside it: the
 * init before its execve() (non-dumpable, so nothing in the container may open its /proc files), or
 * the runtime itself when the entrypoint, or a command given to `exec`, is a `#!/proc/self/exe`
 * script, which makes the last execve() run the runtime again inside the container, now dumpable.
 * Through that link the container's root could write the file once the runtime has exited.
 *
 * runc and crun re-execute their binary from a copy that cannot be written on every start. ocirt pays
 * that only when the container's root could actually write the file: without a user namespace (root
 * is root), or when the file's owner (or its group with g+w) is mapped into the container's user
 * namespace, or the file is world-writable. The common rootless case (a root-owned installed binary,
 * the caller mapped to 0) and root with a user namespace of subordinate ids need nothing. When it is
 * needed, before anything is created, the program makes the exe every container process will reach
 * one that cannot be written, in the first way that works:
 *  - a read-only clone of the binary's mount (open_tree + mount_setattr, CAP_SYS_ADMIN: root). No
 *    copy: the page cache is the installed file's. The clone is never attached anywhere; once the
 *    last reference is gone it is dissolved, and nobody can remount it read-write (mount_setattr and
 *    remount need a mount in the caller's namespace), so every write through /proc/PID/exe fails with
 *    EROFS. crun does the same with a bind mount it detaches. The clone becomes this process's
 *    executable in place (below: no second exec), or, where the kernel refuses that, the program
 *    re-executes itself from it (execveat);
 *  - else a copy in a sealed memfd (rootless, old kernels), re-executed, as runc 1.1 did.
 * Only a program that allowed it (ocirt_ctx_set_self_reexec, as the CLI does: single-threaded at
 * this point) is changed so; an embedding program gets a warning. */
#include "config.h"

#include <elf.h>
#include <link.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "process/process.h"
#include "base/base.h"

extern char **environ;

static bool
mapped(const struct spec_idmap *m, size_t n, uint32_t host_id)
{
        for (size_t i = 0; i < n; i++)
                if (host_id >= m[i].host_id && host_id - m[i].host_id < m[i].size)
                        return true;
        return false;
}

/* The container's user namespace as far as the binary is concerned. */
struct userns_view {
        bool ours;  /* the container shares our user namespace: its root is ours */
        bool known; /* else: the maps below are its maps */
        const struct spec_idmap *uid_map, *gid_map;
        size_t n_uid_map, n_gid_map;
};

/* Could the container's root open the runtime's binary for writing? */
static bool
writable_from(int exefd, const struct stat *st, const struct userns_view *v)
{
        struct statvfs vfs;

        if (fstatvfs(exefd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
                return false;
        if (st->st_mode & S_IWOTH)
                return true;
        if (v->ours)
                return geteuid() == 0 || st->st_uid == geteuid();
        if (!v->known)
                return true; /* protect */
        return mapped(v->uid_map, v->n_uid_map, st->st_uid) ||
               ((st->st_mode & S_IWGRP) && mapped(v->gid_map, v->n_gid_map, st->st_gid));
}

static bool
running_sealed(void)
{
        char buf[64];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

        return n > 7 && strncmp(buf, "/memfd:", 7) == 0;
}

/* execve() needs only what the program headers map: debug info and section headers after the last
 * PT_LOAD segment need not be copied (they are most of an unstripped binary). */
static off_t
loadable_size(int fd, off_t size)
{
        ElfW(Ehdr) eh;
        off_t end = 0;

        if (pread(fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
            eh.e_phentsize != sizeof(ElfW(Phdr)) || eh.e_phnum == 0 || eh.e_phnum > 64)
                return size;
        for (int i = 0; i < eh.e_phnum; i++) {
                ElfW(Phdr) ph;
                if (pread(fd, &ph, sizeof ph, (off_t) (eh.e_phoff + (ElfW(Off)) i * sizeof ph)) != (ssize_t) sizeof ph)
                        return size;
                if ((off_t) (ph.p_offset + ph.p_filesz) > end)
                        end = (off_t) (ph.p_offset + ph.p_filesz);
        }
        return end > 0 && end <= size ? end : size;
}

/* ---- the in-place swap: no second exec ----
 *
 * Re-executing costs a whole exec and start of ocirt again: 1.6 ms of a root `run` and 1.8 ms of an
 * `exec` on this 2-vCPU VM, where page tables are expensive. What the container can reach is not
 * the process but its executable: mm->exe_file, the file behind /proc/PID/exe (and what a
 * `#!/proc/self/exe` script runs), which children inherit. The kernel lets a checkpoint/restore
 * capable process point it at another file (prctl PR_SET_MM_MAP with exe_fd) once no mapping of
 * the old one is left. So the runtime maps its own segments again: those that still hold the file's
 * bytes (headers, code, read-only data) from the read-only clone (the same inode, the same page
 * cache, byte for byte what runs), the two it changed (the relocated RELRO, the data) as anonymous
 * memory holding their current bytes, moved over the old mapping in one mremap(). Then it names the
 * clone its executable, and checks that /proc/self/exe is read-only. A step that fails leaves a
 * consistent process (only where its bytes come from changed), and the caller re-executes as
 * before; OCIRT_EXE_REEXEC=1 asks for that directly (tests/cve/CVE-2019-5736.sh runs both).
 * Measured here (100 interleaved rounds, medians, against the same binary on a read-only mount,
 * which needs neither): the protection costs a root `run` 1.1 ms with the swap and 1.5 ms
 * re-executing, an `exec` 1.35 and 2.1 ms. The swap itself takes 0.7 to 1.2 ms, nearly all of it
 * the six mapping changes (page-table work, slow on this VM), not the copies. */

struct seg {
        uintptr_t start, end;
        unsigned long long offset;
        int prot;
};

/* The mappings of the file (dev, ino) in /proc/self/maps. */
static int
own_segments(dev_t dev, ino_t ino, struct seg *segs, size_t max, size_t *ret_n)
{
        _cleanup_free_ char *text = NULL;
        char *line, *save = NULL;
        size_t n = 0;

        if (read_file_at(AT_FDCWD, "/proc/self/maps", &text, NULL) < 0)
                return -1;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                unsigned long long start, end, offset, inode;
                unsigned int major, minor;
                char perms[5];

                if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu", &start, &end, perms, &offset, &major, &minor, &inode) != 7)
                        continue;
                if (inode != (unsigned long long) ino || makedev(major, minor) != dev)
                        continue;
                if (n == max)
                        return -1;
                segs[n++] = (struct seg){ .start = (uintptr_t) start, .end = (uintptr_t) end, .offset = offset,
                                          .prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                                                  (perms[2] == 'x' ? PROT_EXEC : 0) };
        }
        *ret_n = n;
        return n > 0 ? 0 : -1;
}

/* The same from the program headers, without /proc/self/maps (its read is 30 us of the swap here):
 * the kernel maps each PT_LOAD's file bytes page by page ([vaddr, vaddr + filesz) rounded out to
 * pages, at offset rounded down), the rest of memsz as anonymous memory (not the file's), and the
 * loader's mprotect of PT_GNU_RELRO splits the writable one in two. What this misses, PR_SET_MM_MAP
 * refuses (the old file still mapped: EBUSY), and the caller re-executes: never a wrong exe. */
struct phdr_segs {
        struct seg *segs;
        size_t max, n;
        bool bad;
        uintptr_t relro_start, relro_end; /* what the loader made read-only (relro_range) */
};

static int
collect_loads(struct dl_phdr_info *info, size_t size, void *data)
{
        struct phdr_segs *p = data;
        uintptr_t page = (uintptr_t) sysconf(_SC_PAGESIZE), relro_start = p->relro_start, relro_end = p->relro_end;

        (void) size;
        for (int i = 0; i < info->dlpi_phnum && !p->bad; i++) {
                const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
                uintptr_t start, end;
                int prot;

                if (ph->p_type != PT_LOAD || ph->p_filesz == 0)
                        continue;
                start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
                end = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
                prot = (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
                       (ph->p_flags & PF_X ? PROT_EXEC : 0);
                /* The read-only head of a writable segment (RELRO), then the rest. */
                if ((prot & PROT_WRITE) && relro_end > start && relro_start <= start && relro_end < end) {
                        if (p->n + 2 > p->max) {
                                p->bad = true;
                                break;
                        }
                        p->segs[p->n++] = (struct seg){ .start = start, .end = relro_end, .prot = PROT_READ,
                                                        .offset = ph->p_offset & ~(page - 1) };
                        p->segs[p->n++] = (struct seg){ .start = relro_end, .end = end, .prot = prot,
                                                        .offset = (ph->p_offset & ~(page - 1)) + (relro_end - start) };
                        continue;
                }
                if (p->n == p->max) {
                        p->bad = true;
                        break;
                }
                p->segs[p->n++] = (struct seg){ .start = start, .end = end, .prot = prot,
                                                .offset = ph->p_offset & ~(page - 1) };
        }
        return 1; /* the program comes first: only it */
}

static int
phdr_segments(struct seg *segs, size_t max, uintptr_t relro_start, uintptr_t relro_end, size_t *ret_n)
{
        struct phdr_segs p = { .segs = segs, .max = max, .relro_start = relro_start, .relro_end = relro_end };

        dl_iterate_phdr(collect_loads, &p);
        if (p.bad || p.n == 0)
                return -1;
        *ret_n = p.n;
        return 0;
}

static int
find_relro(struct dl_phdr_info *info, size_t size, void *data)
{
        uintptr_t *r = data;

        (void) size;
        for (int i = 0; i < info->dlpi_phnum; i++)
                if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
                        uintptr_t start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
                        uintptr_t page = (uintptr_t) sysconf(_SC_PAGESIZE);
                        r[0] = start & ~(page - 1);
                        r[1] = start + info->dlpi_phdr[i].p_memsz;
                }
        return 1; /* the program comes first: only it */
}

/* The program's RELRO range (relocated, then made read-only: no longer the file's bytes): its first
 * page and its exact end (the loader's mprotect stops at the page below it). */
static void
relro_range(uintptr_t *ret_start, uintptr_t *ret_end)
{
        uintptr_t r[2] = { 0, 0 };

        dl_iterate_phdr(find_relro, r);
        *ret_start = r[0];
        *ret_end = r[1];
}

/* Word by word and not instrumented: the source is this program's own data, which AddressSanitizer
 * surrounds with poisoned red zones (the copy must not be a memcpy() that it intercepts). */
__attribute__((no_sanitize("address"))) static void
copy_words(volatile uint64_t *dst, const volatile uint64_t *src, size_t bytes)
{
        for (size_t i = 0; i < bytes / sizeof(uint64_t); i++)
                dst[i] = src[i];
}

/* One segment whose bytes changed becomes anonymous memory with the same bytes and protection. */
static int
make_anonymous(const struct seg *s)
{
        size_t len = s->end - s->start;
        /* Populated at once: the copy below would otherwise fault every page in, one by one. */
        void *tmp = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

        if (tmp == MAP_FAILED)
                return -1;
        if (!(s->prot & PROT_READ) && mprotect((void *) s->start, len, PROT_READ) < 0) {
                munmap(tmp, len);
                return -1;
        }
        /* From the copy to the move nothing may write to the segment (its writes would be lost):
         * raw syscalls, so that no interceptor (the sanitizers') keeps its counters there. */
        copy_words(tmp, (const void *) s->start, len);
        if (syscall(SYS_mprotect, tmp, len, s->prot) < 0 ||
            syscall(SYS_mremap, tmp, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, s->start) == -1) {
                munmap(tmp, len);
                return -1;
        }
        return 0;
}

/* mm->exe_file := fd. PR_SET_MM_EXE_FILE wants CAP_SYS_RESOURCE, which a root in a container or
 * sandbox often lacks (this VM's root does); PR_SET_MM_MAP takes CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE instead, and sets every field of the map, so it gets the current ones. */
static int
set_exe_file(int fd)
{
        _cleanup_free_ char *text = NULL;
        unsigned long long f[64] = { 0 };
        struct prctl_mm_map m;
        char *p, *tok, *save = NULL;
        int i = 3; /* the first field after "pid (comm) " is the third */

        if (read_file_at(AT_FDCWD, "/proc/self/stat", &text, NULL) < 0 || !(p = strrchr(text, ')')))
                return -1;
        for (tok = strtok_r(p + 1, " ", &save); tok && i < (int) ELEMENTSOF(f); tok = strtok_r(NULL, " ", &save))
                f[i++] = strtoull(tok, NULL, 10);
        if (i <= 51) {
                errno = ENODATA;
                return -1;
        }
        /* proc(5): 26 startcode, 27 endcode, 28 startstack, 45-47 start_data end_data start_brk,
         * 48-51 arg_start arg_end env_start env_end. */
        m = (struct prctl_mm_map){
                .start_code = f[26], .end_code = f[27], .start_stack = f[28], .start_data = f[45], .end_data = f[46],
                .start_brk = f[47], .brk = (uint64_t) syscall(SYS_brk, 0), .arg_start = f[48], .arg_end = f[49],
                .env_start = f[50], .env_end = f[51], .auxv = NULL, .auxv_size = 0, .exe_fd = (uint32_t) fd,
        };
        return prctl(PR_SET_MM, PR_SET_MM_MAP, &m, sizeof m, 0);
}

/* Returns 0 when the read-only clone t (an O_PATH fd from open_tree) is now our executable. */
static int
swap_exe_in_place(ocirt_ctx *ctx, int t, const struct stat *st)
{
        _cleanup_close_ int fd = -1;
        struct seg segs[16];
        struct stat cst;
        struct statvfs vfs;
        uintptr_t relro_start = 0, relro_end = 0, page = (uintptr_t) sysconf(_SC_PAGESIZE);
        size_t n = 0;

        {
                _cleanup_free_ char *path = xasprintf("/proc/self/fd/%d", t);
                fd = open(path, O_RDONLY | O_CLOEXEC); /* O_PATH cannot be mapped: open it for real */
        }
        if (fd < 0 || fstat(fd, &cst) < 0 || cst.st_ino != st->st_ino || cst.st_dev != st->st_dev)
                return -1;
        relro_range(&relro_start, &relro_end);
        if (phdr_segments(segs, ELEMENTSOF(segs), relro_start, relro_end & ~(page - 1), &n) < 0 &&
            own_segments(st->st_dev, st->st_ino, segs, ELEMENTSOF(segs), &n) < 0)
                return -1;
        relro_end = (relro_end + page - 1) & ~(page - 1); /* whole pages: any touched one changed */
        for (size_t i = 0; i < n; i++) {
                const struct seg *s = &segs[i];
                bool changed = (s->prot & PROT_WRITE) || (s->start < relro_end && s->end > relro_start);
                if (!changed) {
                        /* Still the file's bytes (including the code that runs this very call): the
                         * same pages, from the clone. */
                        if (mmap((void *) s->start, s->end - s->start, s->prot, MAP_PRIVATE | MAP_FIXED, fd,
                                 (off_t) s->offset) == MAP_FAILED)
                                return -1;
                } else if (make_anonymous(s) < 0)
                        return -1;
        }
        if (set_exe_file(fd) < 0) {
                log_debug(ctx, "PR_SET_MM_MAP to the read-only clone: %s; re-executing", strerror(errno));
                return -1;
        }
        /* What the container will reach, checked rather than assumed. */
        {
                _cleanup_close_ int exe = open("/proc/self/exe", O_PATH | O_CLOEXEC);
                if (exe < 0 || fstatvfs(exe, &vfs) < 0 || !(vfs.f_flag & ST_RDONLY))
                        return -1;
        }
        log_debug(ctx, "the runtime's executable is now a read-only clone of its mount (%zu mappings moved)", n);
        return 0;
}

/* The read-only clone after an in-place swap. The last close of a detached mount dissolves it and
 * waits for an RCU grace period (namespace_unlock): 20 us to over a millisecond here, depending on
 * what the other CPUs do. So it is closed when nothing waits for it (exe_drop_clone): children drop
 * their copy first thing, the runtime its own once the container's process runs. Process-wide, as
 * the executable it stands for. */
static int exe_clone_fd = -1;

void
exe_drop_clone(void)
{
        if (exe_clone_fd >= 0)
                (void) close(exe_clone_fd);
        exe_clone_fd = -1;
}

/* Returns 0 when the executable was swapped in place; else re-executes, and returns -1 only if the
 * kernel or the caller's privileges do not allow a read-only clone (the memfd copy is next). */
static int
reexec_readonly_mount(ocirt_ctx *ctx, char **argv, const struct stat *st)
{
        _cleanup_close_ int t = -1;

        t = sys_open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (t < 0) {
                log_debug(ctx, "open_tree of the runtime's binary: %s; copying it", strerror(errno));
                return -1;
        }
        if (sys_mount_setattr(t, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0) < 0) {
                log_debug(ctx, "a read-only clone of the runtime's binary: %s; copying it", strerror(errno));
                return -1;
        }
        if (!getenv("OCIRT_EXE_REEXEC") && swap_exe_in_place(ctx, t, st) == 0) {
                exe_drop_clone(); /* a second protect (exec's, in an embedding program) */
                exe_clone_fd = TAKE_FD(t);
                return 0;
        }
        syscall(SYS_execveat, t, "", argv, environ, AT_EMPTY_PATH);
        log_debug(ctx, "execveat of the read-only clone: %s; copying it", strerror(errno));
        return -1;
}

static int
reexec_sealed(char **argv, off_t size, ocirt_error **err)
{
        _cleanup_close_ int mfd = -1, src = -1;
        off_t off = 0;

        mfd = memfd_create("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return ocirt_fail(err, errno, "memfd_create for a sealed copy of the runtime");
        src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (src < 0)
                return ocirt_fail(err, errno, "open the runtime's binary");
        size = loadable_size(src, size);
        while (off < size) {
                ssize_t n = sendfile(mfd, src, &off, (size_t) (size - off));
                if (n < 0)
                        return ocirt_fail(err, errno, "copy the runtime's binary");
                if (n == 0)
                        break;
        }
        if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
                return ocirt_fail(err, errno, "seal the copy of the runtime");
        fexecve(mfd, argv, environ);
        return ocirt_fail(err, errno, "re-execute the runtime from its sealed copy");
}

/* The re-execution itself, once the binary is known to be writable from the container. Returns 0
 * without re-executing for an embedding program that did not allow it (*ret_exposed is then set). */
static int
reexec_protected(ocirt_ctx *ctx, const struct stat *st, bool *ret_exposed, ocirt_error **err)
{
        if (running_sealed())
                return 0;
        if (!ctx->reexec_argv) {
                *ret_exposed = true;
                log_warning(ctx, "the container's root could write this program's binary through /proc/self/exe "
                                 "(CVE-2019-5736); call ocirt_ctx_set_self_reexec() or use a user namespace, ignoring");
                return 0;
        }
        log_debug(ctx, "the container's root could write the runtime's binary: running from a read-only copy");
        if (reexec_readonly_mount(ctx, ctx->reexec_argv, st) == 0)
                return 0;
        return reexec_sealed(ctx->reexec_argv, st->st_size, err);
}

/* What both callers do once they know the container's user namespace: decide, and protect. */
static int
protect_from(ocirt_ctx *ctx, const struct userns_view *v, bool *ret_exposed, ocirt_error **err)
{
        _cleanup_close_ int exefd = -1;
        struct stat st;

        exefd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
        if (exefd < 0 || fstat(exefd, &st) < 0)
                return ocirt_fail(err, errno, "stat the runtime's binary");
        if (!writable_from(exefd, &st, v)) {
                log_debug(ctx, "the container's root cannot write the runtime's binary: no read-only copy needed");
                return 0;
        }
        return reexec_protected(ctx, &st, ret_exposed, err);
}

/* Runs in: the runtime, before anything is created. May not return (re-exec). */
int
exe_protect(struct container *c, ocirt_error **err)
{
        /* A joined user namespace: its maps are not ours to know here (known stays false). */
        struct userns_view v = { .ours = !c->new_ns[SPEC_NS_USER] && c->join_fd[SPEC_NS_USER] < 0,
                                 .known = c->join_fd[SPEC_NS_USER] < 0,
                                 .uid_map = c->uid_map, .n_uid_map = c->n_uid_map,
                                 .gid_map = c->gid_map, .n_gid_map = c->n_gid_map };

        return protect_from(c->ctx, &v, &c->exe_exposed, err);
}

/* pid's uid_map or gid_map as seen from here; NULL with *ret_n 0 when it cannot be read. */
static struct spec_idmap *
read_idmap(pid_t pid, const char *file, size_t *ret_n)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/%s", (int) pid, file), *text = NULL;
        struct spec_idmap *m = NULL;
        size_t n = 0;
        char *line, *save = NULL;

        *ret_n = 0;
        if (read_file_at(AT_FDCWD, path, &text, NULL) < 0)
                return NULL;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                unsigned long inside, outside, count;
                if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) != 3)
                        continue;
                m = xrealloc(m, (n + 1) * sizeof *m);
                m[n++] = (struct spec_idmap){ .container_id = (uint32_t) inside, .host_id = (uint32_t) outside,
                                              .size = (uint32_t) count };
        }
        *ret_n = n;
        return m;
}

/* The same for exec: the process joins the namespaces of the running init pid and, when its
 * final execve() meets a `#!/proc/self/exe` script, runs this binary inside the container (the
 * original CVE-2019-5736 exploit went through `runc exec`). Whether the container's root could write
 * the binary is decided from the init's user namespace as the kernel has it now. */
int
exe_protect_exec(ocirt_ctx *ctx, pid_t init_pid, ocirt_error **err)
{
        _cleanup_free_ char *ns_path = xasprintf("/proc/%d/ns/user", (int) init_pid);
        _cleanup_free_ struct spec_idmap *um = NULL, *gm = NULL;
        struct userns_view v = { 0 };
        struct stat ours, theirs;
        bool exposed = false;

        if (stat("/proc/self/ns/user", &ours) == 0 && stat(ns_path, &theirs) == 0) {
                v.ours = ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev;
                if (!v.ours) {
                        um = read_idmap(init_pid, "uid_map", &v.n_uid_map);
                        gm = read_idmap(init_pid, "gid_map", &v.n_gid_map);
                        v.uid_map = um;
                        v.gid_map = gm;
                        v.known = um != NULL;
                }
        }
        return protect_from(ctx, &v, &exposed, err);
}
