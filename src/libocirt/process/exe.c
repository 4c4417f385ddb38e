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
 * needed, the program re-executes itself before anything is created, so that the exe every container
 * process can reach cannot be written, from one of:
 *  - a read-only clone of the binary's mount (open_tree + mount_setattr, CAP_SYS_ADMIN: root). No
 *    copy: the page cache is the installed file's. The clone is never attached anywhere, and once
 *    the execveat() has closed its fd it is dissolved: an unmounted mount, which nobody can remount
 *    read-write (mount_setattr and remount need a mount in the caller's namespace), so every write
 *    through /proc/PID/exe fails with EROFS. crun does the same with a bind mount it detaches.
 *  - else a copy in a sealed memfd (rootless, old kernels), as runc 1.1 did.
 * Only a program that allowed it (ocirt_ctx_set_self_reexec, as the CLI does) is re-executed; an
 * embedding program gets a warning. */
#include "config.h"

#include <elf.h>
#include <link.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

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

/* Could the container's root open the runtime's binary for writing? */
static bool
reachable_writable(struct container *c, int exefd, const struct stat *st)
{
        struct statvfs vfs;

        if (fstatvfs(exefd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
                return false;
        if (st->st_mode & S_IWOTH)
                return true;
        if (c->join_fd[SPEC_NS_USER] >= 0)
                return true; /* a joined user namespace: its maps are not ours to know here */
        if (!c->new_ns[SPEC_NS_USER])
                return geteuid() == 0 || st->st_uid == geteuid();
        return mapped(c->uid_map, c->n_uid_map, st->st_uid) ||
               ((st->st_mode & S_IWGRP) && mapped(c->gid_map, c->n_gid_map, st->st_gid));
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

/* Returns only if the kernel or the caller's privileges do not allow it (the memfd copy is next). */
static void
reexec_readonly_mount(ocirt_ctx *ctx, char **argv)
{
        _cleanup_close_ int t = -1;

        t = sys_open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (t < 0) {
                log_debug(ctx, "open_tree of the runtime's binary: %s; copying it", strerror(errno));
                return;
        }
        if (sys_mount_setattr(t, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0) < 0) {
                log_debug(ctx, "a read-only clone of the runtime's binary: %s; copying it", strerror(errno));
                return;
        }
        syscall(SYS_execveat, t, "", argv, environ, AT_EMPTY_PATH);
        log_debug(ctx, "execveat of the read-only clone: %s; copying it", strerror(errno));
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
reexec_protected(ocirt_ctx *ctx, off_t size, bool *ret_exposed, ocirt_error **err)
{
        if (running_sealed())
                return 0;
        if (!ctx->reexec_argv) {
                *ret_exposed = true;
                log_warning(ctx, "the container's root could write this program's binary through /proc/self/exe "
                                 "(CVE-2019-5736); call ocirt_ctx_set_self_reexec() or use a user namespace, ignoring");
                return 0;
        }
        log_debug(ctx, "the container's root could write the runtime's binary: re-executing from a read-only copy");
        reexec_readonly_mount(ctx, ctx->reexec_argv);
        return reexec_sealed(ctx->reexec_argv, size, err);
}

/* Runs in: the runtime, before anything is created. May not return (re-exec). */
int
exe_protect(struct container *c, ocirt_error **err)
{
        _cleanup_close_ int exefd = -1;
        struct stat st;

        exefd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
        if (exefd < 0 || fstat(exefd, &st) < 0)
                return ocirt_fail(err, errno, "stat the runtime's binary");
        if (!reachable_writable(c, exefd, &st)) {
                log_debug(c->ctx, "the container's root cannot write the runtime's binary: no sealed copy needed");
                return 0;
        }
        return reexec_protected(c->ctx, st.st_size, &c->exe_exposed, err);
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
        _cleanup_close_ int exefd = -1;
        _cleanup_free_ char *ns_path = xasprintf("/proc/%d/ns/user", (int) init_pid);
        struct stat st, ours, theirs;
        struct statvfs vfs;
        bool writable, exposed = false;

        exefd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
        if (exefd < 0 || fstat(exefd, &st) < 0)
                return ocirt_fail(err, errno, "stat the runtime's binary");
        if (fstatvfs(exefd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
                return 0;
        if (st.st_mode & S_IWOTH)
                writable = true;
        else if (stat("/proc/self/ns/user", &ours) < 0 || stat(ns_path, &theirs) < 0)
                writable = true; /* unknown: protect */
        else if (ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
                writable = geteuid() == 0 || st.st_uid == geteuid();
        else {
                size_t nu, ng;
                _cleanup_free_ struct spec_idmap *um = read_idmap(init_pid, "uid_map", &nu);
                _cleanup_free_ struct spec_idmap *gm = read_idmap(init_pid, "gid_map", &ng);
                writable = !um || mapped(um, nu, st.st_uid) || ((st.st_mode & S_IWGRP) && mapped(gm, ng, st.st_gid));
        }
        if (!writable) {
                log_debug(ctx, "the container's root cannot write the runtime's binary: no read-only copy needed");
                return 0;
        }
        return reexec_protected(ctx, st.st_size, &exposed, err);
}
