/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check.c: `ocirt check`, a rootless preflight of this host for the calling user. Each finding
 * says what is wrong and the exact command that fixes it (reference/anchors.md §4 lists what
 * rootless users trip over most). It only reads and probes; it changes nothing. */
#include "config.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/base.h"
#include "config/spec.h"
#include "helpers/helpers.h"
#include "helpers/run.h"

struct findings {
        ocirt_check_finding *list;
        size_t n;
        int fails;
};

static void _printf_(5, 6)
add(struct findings *f, const char *id, int level, const char *fix, const char *fmt, ...)
{
        va_list ap;
        char *summary;

        va_start(ap, fmt);
        if (vasprintf(&summary, fmt, ap) < 0)
                abort();
        va_end(ap);
        f->list = xrealloc(f->list, (f->n + 1) * sizeof *f->list);
        f->list[f->n++] = (ocirt_check_finding){ .id = xstrdup(id), .level = level, .summary = summary,
                                                 .fix = fix ? xstrdup(fix) : NULL };
        if (level == OCIRT_CHECK_FAIL)
                f->fails++;
}

static int
read_int(const char *path, long *ret)
{
        _cleanup_free_ char *s = NULL;
        size_t len;

        if (read_file_at(AT_FDCWD, path, &s, &len) < 0)
                return -1;
        *ret = strtol(s, NULL, 10);
        return 0;
}

/* Fork a child that creates a user namespace and maps itself: the real test of what the kernel,
 * sysctls and LSMs allow. */
static int
probe_userns(void)
{
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                char buf[64];
                uid_t uid = geteuid();
                gid_t gid = getegid();
                int n;

                if (unshare(CLONE_NEWUSER) < 0)
                        _exit(1);
                (void) write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny", 4);
                n = snprintf(buf, sizeof buf, "0 %u 1", (unsigned) uid);
                if (write_file_at(AT_FDCWD, "/proc/self/uid_map", buf, (size_t) n) < 0)
                        _exit(2);
                n = snprintf(buf, sizeof buf, "0 %u 1", (unsigned) gid);
                if (write_file_at(AT_FDCWD, "/proc/self/gid_map", buf, (size_t) n) < 0)
                        _exit(2);
                _exit(0);
        }
        if (waitpid(pid, &status, 0) < 0)
                return -errno;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

static void
check_userns(struct findings *f)
{
        long v;
        int r;

        if (read_int("/proc/sys/user/max_user_namespaces", &v) == 0 && v == 0) {
                add(f, "userns", OCIRT_CHECK_FAIL,
                    "echo 'user.max_user_namespaces=28633' | sudo tee /etc/sysctl.d/50-userns.conf && sudo sysctl --system",
                    "user namespaces are disabled: user.max_user_namespaces is 0");
                return;
        }
        if (read_int("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 && v == 0) {
                add(f, "userns", OCIRT_CHECK_FAIL,
                    "echo 'kernel.unprivileged_userns_clone=1' | sudo tee /etc/sysctl.d/50-userns.conf && sudo sysctl --system",
                    "unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone is 0");
                return;
        }
        if (read_int("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) == 0 && v != 0 && geteuid() != 0)
                add(f, "userns-apparmor", OCIRT_CHECK_WARN,
                    "echo 'kernel.apparmor_restrict_unprivileged_userns=0' | sudo tee /etc/sysctl.d/50-userns.conf && sudo sysctl --system "
                    "(or give ocirt an AppArmor profile with 'userns,')",
                    "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)");
        r = probe_userns();
        if (r == 0)
                add(f, "userns", OCIRT_CHECK_OK, NULL, "user namespaces: you can create one and map your own id");
        else
                add(f, "userns", OCIRT_CHECK_FAIL,
                    "check the sysctls user.max_user_namespaces, kernel.unprivileged_userns_clone and "
                    "kernel.apparmor_restrict_unprivileged_userns; inside a container, the outer runtime's seccomp profile",
                    "user namespaces: %s", r == 1 ? "unshare(CLONE_NEWUSER) is refused" : "writing the id map of a new user namespace is refused");
}

static char *
add_sub_cmd(const char *name, bool gid_too, uint64_t start)
{
        if (gid_too)
                return xasprintf("sudo usermod --add-subuids %llu-%llu --add-subgids %llu-%llu %s",
                                 (unsigned long long) start, (unsigned long long) start + 65535,
                                 (unsigned long long) start, (unsigned long long) start + 65535, name);
        return xasprintf("sudo usermod --add-subgids %llu-%llu %s", (unsigned long long) start,
                         (unsigned long long) start + 65535, name);
}

static void
check_subids(struct findings *f, const char *name, uid_t uid)
{
        _cleanup_free_ struct subid_range *ru = NULL, *rg = NULL;
        _cleanup_free_ char *utext = NULL, *gtext = NULL;
        size_t nu = 0, ng = 0, len;
        const char *su = "/etc/subuid", *sg = "/etc/subgid";
        uint64_t tu = 0, tg = 0, start;

        if (uid == 0) {
                add(f, "subuid", OCIRT_CHECK_INFO, NULL, "running as root: /etc/subuid and /etc/subgid are not needed");
                return;
        }
        (void) subid_lookup(false, name, uid, &ru, &nu, &su);
        (void) subid_lookup(true, name, uid, &rg, &ng, &sg);
        (void) read_file_at(AT_FDCWD, "/etc/subuid", &utext, &len);
        (void) read_file_at(AT_FDCWD, "/etc/subgid", &gtext, &len);
        start = subid_free_start(utext ? utext : "");
        if (subid_free_start(gtext ? gtext : "") > start)
                start = subid_free_start(gtext ? gtext : "");
        for (size_t i = 0; i < nu; i++)
                tu += ru[i].count;
        for (size_t i = 0; i < ng; i++)
                tg += rg[i].count;

        if (nu == 0) {
                _cleanup_free_ char *fix = add_sub_cmd(name, true, start);
                add(f, "subuid", OCIRT_CHECK_FAIL, fix,
                    "'%s' has no subordinate uids in %s: only a single-id mapping (ocirt spec --rootless --userns single) works", name, su);
        } else if (tu < 65536) {
                _cleanup_free_ char *fix = add_sub_cmd(name, true, start);
                add(f, "subuid", OCIRT_CHECK_WARN, fix,
                    "'%s' has only %llu subordinate uids in %s: images with files owned by uids up to 65535 need 65536", name,
                    (unsigned long long) tu, su);
        } else {
                add(f, "subuid", OCIRT_CHECK_OK, NULL, "subordinate uids: %llu from %llu (%s)", (unsigned long long) tu,
                    (unsigned long long) ru[0].start, su);
        }
        if (ng == 0) {
                _cleanup_free_ char *fix = add_sub_cmd(name, false, start);
                add(f, "subgid", OCIRT_CHECK_FAIL, fix, "'%s' has no subordinate gids in %s", name, sg);
        } else if (tg < 65536) {
                _cleanup_free_ char *fix = add_sub_cmd(name, false, start);
                add(f, "subgid", OCIRT_CHECK_WARN, fix, "'%s' has only %llu subordinate gids in %s", name,
                    (unsigned long long) tg, sg);
        } else {
                add(f, "subgid", OCIRT_CHECK_OK, NULL, "subordinate gids: %llu from %llu (%s)", (unsigned long long) tg,
                    (unsigned long long) rg[0].start, sg);
        }
}

static void
check_tool(struct findings *f, enum helper_tool t, int missing_level, const char *what)
{
        _cleanup_free_ char *path = NULL, *fix = NULL;
        _cleanup_error_ ocirt_error *e = NULL;
        const char *name = helper_name(t);

        if (helper_find(t, &path, &e) < 0) {
                fix = xasprintf("%s", helper_install_hint(t));
                add(f, name, missing_level, fix, "%s is not installed: %s", name, what);
                return;
        }
        if (t == HELPER_NEWUIDMAP || t == HELPER_NEWGIDMAP) {
                bool su, caps;
                if (!uidmap_tool_privileged(path, &su, &caps)) {
                        fix = xasprintf("sudo chmod u+s %s (or: sudo setcap cap_set%sid+ep %s)", path,
                                        t == HELPER_NEWUIDMAP ? "u" : "g", path);
                        add(f, name, missing_level, fix, "%s has neither the setuid bit nor file capabilities", path);
                        return;
                }
                add(f, name, OCIRT_CHECK_OK, NULL, "%s (%s)", path, su ? "setuid root" : "file capabilities");
                return;
        }
        add(f, name, OCIRT_CHECK_OK, NULL, "%s", path);
}

static void
check_device(struct findings *f, const char *id, const char *dev, const char *what, const char *module)
{
        _cleanup_free_ char *fix = NULL;
        int fd = open(dev, O_RDWR | O_CLOEXEC);

        if (fd >= 0) {
                close(fd);
                add(f, id, OCIRT_CHECK_OK, NULL, "%s is usable", dev);
                return;
        }
        if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
                fix = xasprintf("sudo modprobe %s", module);
        else
                fix = xasprintf("sudo chmod 0666 %s (and a udev rule to keep it: KERNEL==\"%s\", MODE=\"0666\")", dev,
                                strrchr(dev, '/') + 1);
        add(f, id, OCIRT_CHECK_WARN, fix, "%s cannot be opened (%s): %s", dev, strerror(errno), what);
}

static void
check_cgroup(struct findings *f, uid_t uid, const char *name)
{
        struct stat st;
        _cleanup_free_ char *self = NULL, *path = NULL, *controllers = NULL;
        size_t len;

        if (stat("/sys/fs/cgroup/cgroup.controllers", &st) < 0) {
                add(f, "cgroup", OCIRT_CHECK_WARN,
                    "boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line (cgroup v2)",
                    "cgroup v1 (or hybrid): rootless containers run without resource limits");
                return;
        }
        if (uid == 0) {
                add(f, "cgroup", OCIRT_CHECK_OK, NULL, "cgroup v2");
                return;
        }
        if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, &len) < 0 || !strstr(self, "0::")) {
                add(f, "cgroup", OCIRT_CHECK_WARN, NULL, "cgroup v2, but this process's cgroup is unknown");
                return;
        }
        {
                char *p = strstr(self, "0::") + 3, *nl = strchr(p, '\n');
                if (nl)
                        *nl = '\0';
                path = xasprintf("/sys/fs/cgroup%s", p);
        }
        if (access(path, W_OK) < 0) {
                _cleanup_free_ char *fix = xasprintf(
                        "log in through systemd (a user session), or run in a delegated scope: "
                        "systemd-run --user --scope -p Delegate=yes ocirt ... (user %s)", name);
                add(f, "cgroup", OCIRT_CHECK_WARN, fix,
                    "cgroup v2, but your cgroup %s is not delegated to you: containers run without resource limits", path);
                return;
        }
        {
                _cleanup_free_ char *cf = xasprintf("%s/cgroup.controllers", path);
                (void) read_file_at(AT_FDCWD, cf, &controllers, &len);
                if (controllers && len > 0 && controllers[len - 1] == '\n')
                        controllers[len - 1] = '\0';
        }
        if (!controllers || !strstr(controllers, "memory") || !strstr(controllers, "pids") || !strstr(controllers, "cpu"))
                add(f, "cgroup", OCIRT_CHECK_WARN,
                    "sudo mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' | "
                    "sudo tee /etc/systemd/system/user@.service.d/delegate.conf && sudo systemctl daemon-reload",
                    "cgroup v2, delegated controllers: '%s' (cpu, memory and pids limits need them)", strempty(controllers));
        else
                add(f, "cgroup", OCIRT_CHECK_OK, NULL, "cgroup v2, delegated controllers: %s", controllers);
}

static void
check_session(struct findings *f, uid_t uid, const char *name, const char *xdg)
{
        _cleanup_free_ char *bus = NULL, *linger = NULL, *fix = NULL;
        struct stat st;

        if (uid == 0)
                return;
        bus = xdg ? xasprintf("%s/bus", xdg) : NULL;
        if (getenv("DBUS_SESSION_BUS_ADDRESS") || (bus && stat(bus, &st) == 0))
                add(f, "systemd-session", OCIRT_CHECK_OK, NULL, "a user session bus is there (--systemd-cgroup can work)");
        else
        {
                _cleanup_free_ char *sfix = xasprintf("log in through systemd-logind (not su/sudo), or: sudo loginctl enable-linger %s", name);
                add(f, "systemd-session", OCIRT_CHECK_INFO, sfix,
                    "no systemd user session bus: use the cgroupfs manager (the default), not --systemd-cgroup");
        }
        linger = xasprintf("/var/lib/systemd/linger/%s", name);
        if (stat("/run/systemd/system", &st) == 0 && stat(linger, &st) < 0) {
                fix = xasprintf("sudo loginctl enable-linger %s", name);
                add(f, "linger", OCIRT_CHECK_INFO, fix,
                    "lingering is off for '%s': your containers and /run/user/%u go when you log out", name, (unsigned) uid);
        }
}

/* Where state goes (the state root), why there, and whether it can be used: the same choice and
 * checks as every other command (ctx_state_root_choose), without creating anything. */
static void
check_state_root(struct findings *f, ocirt_ctx *ctx, uid_t uid, gid_t gid)
{
        _cleanup_error_ ocirt_error *e = NULL;
        _cleanup_free_ char *path = NULL, *fix = NULL;
        const char *why = NULL, *xdg = getenv("XDG_RUNTIME_DIR");
        struct stat st;

        if (ctx_state_root_choose(ctx, &path, &why, &e) < 0) {
                if (e->where && streq(e->where, "XDG_RUNTIME_DIR"))
                        fix = xasprintf("export XDG_RUNTIME_DIR=/run/user/%u (a su/sudo session kept someone else's; "
                                        "create it with: sudo install -d -m 0700 -o %u -g %u /run/user/%u), "
                                        "or unset XDG_RUNTIME_DIR",
                                        (unsigned) uid, (unsigned) uid, (unsigned) gid, (unsigned) uid);
                add(f, "state-root", OCIRT_CHECK_FAIL, fix ? fix : e->hint, "state root: %s%s%s", strempty(e->where),
                    e->where ? ": " : "", e->msg);
                return;
        }
        /* A session directory others can read: state is visible to them, and it is not ours to fix. */
        if (xdg && *xdg && uid != 0 && !ctx->root_explicit && stat(xdg, &st) == 0 && (st.st_mode & 0077)) {
                fix = xasprintf("chmod 0700 %s", xdg);
                add(f, "state-root", OCIRT_CHECK_WARN, fix, "state root: %s (%s), but XDG_RUNTIME_DIR has mode %04o: others can look into it",
                    path, why, (unsigned) (st.st_mode & 07777));
                return;
        }
        add(f, "state-root", OCIRT_CHECK_OK, NULL, "state root: %s (%s)%s", path, why,
            access(path, F_OK) == 0 ? "" : "; created at first use, mode 0700");
}

/* checkpoint/restore: criu installed, allowed to work for this user, and working on this kernel
 * (`criu check`, about 60 ms, and its uffd-noncoop feature for --lazy-pages; only here, never on a
 * start path). Never a failure: only checkpoint and restore need it. */
static void
check_criu(struct findings *f, uid_t uid)
{
        struct criu_probe p;
        bool setuid_bit = false, caps = false;

        if (!criu_probe(&p, uid == 0)) {
                add(f, "criu", OCIRT_CHECK_WARN, helper_install_hint(HELPER_CRIU),
                    "criu is not installed: ocirt checkpoint and restore do not work");
                return;
        }
        if (uid != 0 && !uidmap_tool_privileged(p.path, &setuid_bit, &caps))
                add(f, "criu", OCIRT_CHECK_WARN, "run ocirt checkpoint and restore as root",
                    "criu (%s) has no privileges as your user: CRIU needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE, "
                    "so rootless checkpoint and restore do not work", p.path);
        else if (uid != 0)
                add(f, "criu", OCIRT_CHECK_INFO, NULL, "criu: %s (not probed as your user)", p.path);
        else if (p.works)
                add(f, "criu", OCIRT_CHECK_OK, NULL, "criu: %s works on this kernel (criu check); lazy pages: %s%s",
                    p.path, p.lazy_pages ? "yes" : "no, ", p.lazy_pages ? "" : p.lazy_problem);
        else
                add(f, "criu", OCIRT_CHECK_WARN, "use a kernel criu supports, or a newer criu",
                    "criu (%s) cannot work on this kernel: %s (criu check); ocirt checkpoint and restore will fail",
                    p.path, p.problem);
        criu_probe_done(&p);
}

_public_ int
ocirt_check(ocirt_ctx *ctx, ocirt_check_finding **ret_list, size_t *ret_n, ocirt_error **err)
{
        struct findings f = { 0 };
        uid_t uid = geteuid();
        gid_t gid = getegid();
        struct passwd *pw = getpwuid(uid);
        _cleanup_free_ char *name = pw ? xstrdup(pw->pw_name) : xasprintf("%u", (unsigned) uid);
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        int ulevel = uid == 0 ? OCIRT_CHECK_INFO : OCIRT_CHECK_FAIL;

        ocirt_ctx *own = NULL;

        (void) err;
        /* A library user may ask without a context of its own: the defaults then. */
        if (!ctx && ocirt_ctx_new(&own, NULL) == 0)
                ctx = own;
        check_state_root(&f, ctx, uid, gid);
        check_userns(&f);
        check_subids(&f, name, uid);
        check_tool(&f, HELPER_NEWUIDMAP, ulevel, "mappings wider than your own uid (ocirt spec --rootless) fail");
        check_tool(&f, HELPER_NEWGIDMAP, ulevel, "mappings wider than your own gid fail");
        check_tool(&f, HELPER_SLIRP4NETNS, OCIRT_CHECK_WARN, "--network slirp4netns does not work");
        check_tool(&f, HELPER_PASTA, OCIRT_CHECK_WARN, "--network pasta does not work");
        check_tool(&f, HELPER_FUSE_OVERLAYFS, OCIRT_CHECK_WARN, "--overlay=fuse does not work");
        check_device(&f, "dev-fuse", "/dev/fuse", "--overlay=fuse does not work", "fuse");
        check_device(&f, "dev-net-tun", "/dev/net/tun", "--network slirp4netns and pasta do not work", "tun");
        check_cgroup(&f, uid, name);
        check_session(&f, uid, name, xdg);
        check_criu(&f, uid);
        ocirt_ctx_free(own);
        *ret_list = f.list;
        *ret_n = f.n;
        return f.fails;
}

_public_ void
ocirt_check_free(ocirt_check_finding *list, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(list[i].id);
                free(list[i].summary);
                free(list[i].fix);
        }
        free(list);
}

_public_ const char *
ocirt_check_level_name(int level)
{
        switch (level) {
        case OCIRT_CHECK_OK:
                return "ok";
        case OCIRT_CHECK_INFO:
                return "info";
        case OCIRT_CHECK_WARN:
                return "warning";
        default:
                return "fail";
        }
}
