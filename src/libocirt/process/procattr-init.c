/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* procattr-init.c: the container init's side of the process and linux fields (issue 3): sysctl
 * after the pivot; personality, scheduler, ioPriority and memoryPolicy before the capabilities go;
 * the AppArmor and SELinux exec labels last. procattr.c checked the values in the runtime. */
#include "config.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "process/process.h"
#include "process/procattr.h"
#include "base/base.h"
#include "state/state.h"

/* ---- memoryPolicy ---- */

static int
apply_mempolicy(struct container *c, ocirt_error **err)
{
        const struct spec_memory_policy *mp = c->spec->linux_->memory_policy;
        unsigned long nodes[NODE_WORDS] = { 0 };
        int max_node = -1;
        long r;

        /* Parsed again here rather than carried from procattr_prepare(): it is cheap and pure,
         * and the runtime then has nothing to free. */
        (void) procattr_parse_nodes(mp->nodes, nodes, &max_node);
        r = syscall(SYS_set_mempolicy, mp->mode | (int) mp->flags_mask, max_node >= 0 ? nodes : NULL,
                    max_node >= 0 ? (unsigned long) max_node + 2 : 0);
        if (r < 0) {
                _cleanup_free_ char *where = procattr_where(c, ".linux.memoryPolicy", NULL);
                int e = errno;
                return ocirt_fail_at(err, e, where,
                                     e == EINVAL ? "check that the mode takes nodes (MPOL_DEFAULT and MPOL_LOCAL take none, "
                                                   "the others need some) and that the flags fit the mode"
                                                 : NULL,
                                     "set_mempolicy(%s)", mp->mode_str);
        }
        return 0;
}

/* ---- sysctl ---- */

/* "net/ipv4/ip_forward" or "net.ipv4.ip_forward" -> the former (as sysctl(8): with a '/' the
 * key is a path already, which lets interface names keep their dots). */
static char *
sysctl_path(const char *key)
{
        char *p = xstrdup(key);

        if (!strchr(p, '/'))
                for (char *q = p; *q; q++)
                        if (*q == '.')
                                *q = '/';
        return p;
}

/* /proc/sys of the container, checked to be procfs (a volume over /proc must not redirect the
 * writes: CVE-2025-52881). */
static int
open_proc_sys(struct container *c, ocirt_error **err)
{
        struct statfs sf;
        int fd;

        fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return ocirt_fail_at(err, errno, c->config_path, "mount proc on /proc to use .linux.sysctl",
                                     "open /proc/sys");
        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) {
                close(fd);
                return ocirt_fail_at(err, EXDEV, c->config_path, "mount proc on /proc, nothing over it",
                                     "/proc/sys is not procfs: refusing to write sysctls there");
        }
        return fd;
}

static int
apply_sysctl(struct container *c, ocirt_error **err)
{
        const struct spec_linux *l = c->spec->linux_;
        _cleanup_close_ int dfd = -1;

        dfd = open_proc_sys(c, err);
        if (dfd < 0)
                return dfd;
        for (size_t i = 0; i < l->n_sysctl; i++) {
                _cleanup_free_ char *path = sysctl_path(l->sysctl[i].key), *where = NULL;
                _cleanup_close_ int fd = -1;
                struct statfs sf;
                int r;

                where = procattr_where(c, ".linux.sysctl", l->sysctl[i].key);
                /* The UTS names through their syscalls: /proc/sys/kernel/{host,domain}name belong to
                 * the initial namespace's root, which a rootless container's root is not. */
                if (streq(path, "kernel/hostname") || streq(path, "kernel/domainname")) {
                        const char *v = l->sysctl[i].value;
                        if ((path[7] == 'h' ? sethostname(v, strlen(v)) : setdomainname(v, strlen(v))) < 0)
                                return ocirt_fail_at(err, errno, where, NULL, "set %s to '%s'", path + 7, v);
                        continue;
                }
                fd = sys_openat2(dfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY,
                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
                if (fd < 0)
                        return ocirt_fail_at(err, errno, where,
                                             errno == ENOENT ? "check the name: this kernel has no such sysctl" : NULL,
                                             "open /proc/sys/%s", path);
                if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                        return ocirt_fail_at(err, EXDEV, where, NULL, "/proc/sys/%s is not on procfs", path);
                r = write_all(fd, l->sysctl[i].value, strlen(l->sysctl[i].value));
                if (r < 0)
                        return ocirt_fail_at(err, -r, where,
                                             r == -EPERM || r == -EACCES
                                                     ? "the container's user namespace may not change this one"
                                                     : NULL,
                                             "write '%s' to /proc/sys/%s", l->sysctl[i].value, path);
        }
        return 0;
}

/* ---- LSMs ---- */

/* Runs in: the container init. Write an exec label through the container's procfs, checked to be
 * procfs (CVE-2019-16884). */
static int
write_attr(struct container *c, const char *attr, const char *value, const char *jpath, ocirt_error **err)
{
        _cleanup_free_ char *where = xasprintf("%s: %s", c->config_path, jpath);
        _cleanup_close_ int fd = -1;
        struct statfs sf;
        int r;

        fd = open(attr, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return ocirt_fail_at(err, errno, where, NULL, "open %s", attr);
        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                return ocirt_fail_at(err, EXDEV, where, "mount proc on /proc, nothing over it", "%s is not on procfs",
                                     attr);
        r = write_all(fd, value, strlen(value));
        if (r < 0)
                return ocirt_fail_at(err, -r, where, NULL, "write '%s' to %s", value, attr);
        return 0;
}

/* ---- scheduler ---- */

static int
apply_scheduler(struct container *c, ocirt_error **err)
{
        const struct spec_scheduler *s = c->spec->process->scheduler;
        /* struct sched_attr of sched_setattr(2), SCHED_ATTR_SIZE_VER1; glibc 2.36 has no wrapper. */
        struct {
                uint32_t size, sched_policy;
                uint64_t sched_flags;
                int32_t sched_nice;
                uint32_t sched_priority;
                uint64_t sched_runtime, sched_deadline, sched_period;
                uint32_t sched_util_min, sched_util_max;
        } attr = { .size = sizeof attr,
                   .sched_policy = (uint32_t) s->policy,
                   .sched_flags = s->flags_mask,
                   .sched_nice = s->nice,
                   .sched_priority = (uint32_t) s->priority,
                   .sched_runtime = s->runtime,
                   .sched_deadline = s->deadline,
                   .sched_period = s->period };

        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
                _cleanup_free_ char *where = procattr_where(c, ".process.scheduler", NULL);
                int e = errno;
                return ocirt_fail_at(err, e, where,
                                     e == EPERM ? "real-time and deadline policies, and a negative nice, need CAP_SYS_NICE "
                                                  "in the initial user namespace (root); real-time ones also need real-time "
                                                  "runtime in the container's cpu cgroup (linux.resources.cpu.realtimeRuntime)"
                                     : e == EBUSY ? "SCHED_DEADLINE: the CPUs' deadline bandwidth is exhausted"
                                     : e == EINVAL ? "check the policy's fields (SCHED_ISO is not implemented by Linux)"
                                                   : NULL,
                                     "sched_setattr(%s)", s->policy_str);
        }
        return 0;
}

/* ---- the seams ---- */

/* Runs in: the container init, after the pivot, before /proc/sys becomes read-only. */
int
procattr_after_pivot(struct container *c, ocirt_error **err)
{
        if (c->spec->linux_ && c->spec->linux_->n_sysctl > 0)
                return apply_sysctl(c, err);
        return 0;
}

/* Runs in: the container init, before rlimits, user and capabilities. */
int
procattr_before_caps(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        const struct spec_linux *l = c->spec->linux_;
        int r;

        if (l && l->personality && personality(l->personality->persona) < 0) {
                _cleanup_free_ char *where = procattr_where(c, ".linux.personality", NULL);
                return ocirt_fail_at(err, errno, where, NULL, "personality(%s)", l->personality->domain);
        }
        if (p->scheduler) {
                r = apply_scheduler(c, err);
                if (r < 0)
                        return r;
        }
        if (p->has_io_priority) {
                /* IOPRIO_PRIO_VALUE(class, data); ioprio_set(IOPRIO_WHO_PROCESS = 1, self). */
                int v = (p->io_priority_class << 13) | p->io_priority;
                if (syscall(SYS_ioprio_set, 1, 0, v) < 0) {
                        _cleanup_free_ char *where = procattr_where(c, ".process.ioPriority", NULL);
                        return ocirt_fail_at(err, errno, where,
                                             errno == EPERM ? "IOPRIO_CLASS_RT needs CAP_SYS_ADMIN or CAP_SYS_NICE on the host (root)"
                                                            : NULL,
                                             "ioprio_set");
                }
        }
        if (l && l->memory_policy) {
                r = apply_mempolicy(c, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Runs in: the container init, after capabilities, before no_new_privs: the LSM labels take
 * effect at execve. */
int
procattr_before_exec(struct container *c, ocirt_error **err)
{
        const struct spec_process *p = c->spec->process;
        int r;

        if (p->apparmor_profile) {
                _cleanup_free_ char *v = xasprintf("exec %s", p->apparmor_profile);
                const char *attr = access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
                                                                                      : "/proc/self/attr/exec";
                r = write_attr(c, attr, v, ".process.apparmorProfile", err);
                if (r < 0)
                        return r;
        }
        if (p->selinux_label) {
                r = write_attr(c, "/proc/self/attr/exec", p->selinux_label, ".process.selinuxLabel", err);
                if (r < 0)
                        return r;
        }
        return 0;
}
