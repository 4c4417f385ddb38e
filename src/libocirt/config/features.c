/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features.c: the OCI features document (features.md, features-schema.json), what `ocirt features`
 * prints. containerd, its runc shim and CRI-O decide from it (rro mounts, user namespaces with
 * idmapped mounts, seccomp flags), so each entry says what this build really does, and an entry
 * ocirt cannot vouch for is false or left out ("absent" means "unknown" to the reader, "false" means
 * "not supported"). Where the kernel decides (seccomp flags), the kernel is asked. */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/syscall.h>

#include "base/base.h"

/* fs/mount-options.c's table, in its order: every option its parser accepts (the recursive r* forms, idmap and
 * ridmap included). Keep in step with fs/mount-options.c: tests/integration/720-features.sh mounts each. */
static const char *const mount_options[] = {
        "defaults", "rw", "ro", "suid", "nosuid", "dev", "nodev", "exec", "noexec", "symfollow",
        "nosymfollow", "atime", "noatime", "relatime", "norelatime", "strictatime", "nostrictatime",
        "diratime", "nodiratime", "rro", "rrw", "rsuid", "rnosuid", "rdev", "rnodev", "rexec", "rnoexec",
        "rsymfollow", "rnosymfollow", "ratime", "rnoatime", "rrelatime", "rnorelatime", "rstrictatime",
        "rnostrictatime", "rdiratime", "rnodiratime", "bind", "rbind", "remount", "idmap", "ridmap",
        "tmpcopyup", "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable",
        "runbindable", "sync", "async", "dirsync", "lazytime", "nolazytime", "iversion", "noiversion", "mand",
        "nomand", "silent", "loud",
};

/* spec-linux.c's memoryPolicy tables (procattr.c applies them with set_mempolicy). */
static const char *const mpol_modes[] = { "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE",
                                          "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY",
                                          "MPOL_LOCAL" };
static const char *const mpol_flags[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES" };

static const char *const hooks[] = { "prestart",       "createRuntime", "createContainer",
                                     "startContainer", "poststart",     "poststop" };

static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time" };

static const char *const seccomp_actions[] = { "SCMP_ACT_ALLOW",        "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL",
                                               "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                               "SCMP_ACT_NOTIFY",       "SCMP_ACT_TRACE",       "SCMP_ACT_TRAP" };

static const char *const seccomp_operators[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",       "SCMP_CMP_LE",
                                                 "SCMP_CMP_LT", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ" };

static const char *const seccomp_archs[] = {
        "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64",  "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",      "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",    "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",
        "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",     "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",
        "SCMP_ARCH_RISCV64",  "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",
};

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

static const struct {
        const char *name;
        unsigned long flag;
} seccomp_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static json_t *
strings(const char *const *v, size_t n)
{
        json_t *a = json_array();

        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, json_string(v[i]));
        return a;
}

static json_t *
enabled(bool on)
{
        return json_pack("{s:b}", "enabled", on);
}

/* The kernel's answer: seccomp(SET_MODE_FILTER, flag, NULL) fails with EFAULT (the NULL filter)
 * when it knows the flag and EINVAL when it does not, without installing anything. WAIT_KILLABLE_RECV
 * is only valid with NEW_LISTENER. */
static bool
kernel_has_seccomp_flag(unsigned long flag)
{
        unsigned long f = flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ? flag | SECCOMP_FILTER_FLAG_NEW_LISTENER : flag;

        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT;
}

static json_t *
seccomp_json(void)
{
        json_t *archs = json_array(), *known = json_array(), *supported = json_array();

        for (size_t i = 0; i < ELEMENTSOF(seccomp_archs); i++) {
                char name[32];
                size_t j;

                /* libseccomp's names are the lower-case tails: "SCMP_ARCH_X86_64" -> "x86_64". */
                for (j = 0; seccomp_archs[i][10 + j] && j < sizeof name - 1; j++)
                        name[j] = (char) tolower((unsigned char) seccomp_archs[i][10 + j]);
                name[j] = '\0';
                if (seccomp_arch_resolve_name(name) != 0)
                        json_array_append_new(archs, json_string(seccomp_archs[i]));
        }
        for (size_t i = 0; i < ELEMENTSOF(seccomp_flags); i++) {
                json_array_append_new(known, json_string(seccomp_flags[i].name));
                if (kernel_has_seccomp_flag(seccomp_flags[i].flag))
                        json_array_append_new(supported, json_string(seccomp_flags[i].name));
        }
        return json_pack("{s:b,s:o,s:o,s:o,s:o,s:o}", "enabled", true, "actions",
                         strings(seccomp_actions, ELEMENTSOF(seccomp_actions)), "operators",
                         strings(seccomp_operators, ELEMENTSOF(seccomp_operators)), "archs", archs, "knownFlags",
                         known, "supportedFlags", supported);
}

/* Every capability libcap knows by name, up to what this build was compiled for. */
static json_t *
capabilities_json(void)
{
        json_t *a = json_array();

        for (int i = 0; i <= CAP_LAST_CAP; i++) {
                char *n = cap_to_name(i);

                if (n && strncmp(n, "cap_", 4) == 0) {
                        for (char *p = n; *p; p++)
                                *p = (char) toupper((unsigned char) *p);
                        json_array_append_new(a, json_string(n));
                }
                cap_free(n);
        }
        return a;
}

_public_ int
ocirt_features_json(ocirt_ctx *ctx, char **ret_json, ocirt_error **err)
{
        const struct scmp_version *v = seccomp_version();
        _cleanup_free_ char *scmp = v ? xasprintf("%u.%u.%u", v->major, v->minor, v->micro) : NULL;
#ifdef HAVE_SYSTEMD
        const bool systemd = true;
#else
        const bool systemd = false;
#endif
        json_t *linux_, *doc, *ann;
        char *s;

        (void) ctx;
        ann = json_pack("{s:s}", "org.opencontainers.ocirt.version", ocirt_version());
        if (scmp)
                json_object_set_new(ann, "io.github.seccomp.libseccomp.version", json_string(scmp));
        /* As runc's org.opencontainers.runc.checkpoint.enabled: the commands exist; they need criu
         * on $PATH when they run (`ocirt check` says whether it works here). */
        json_object_set_new(ann, "org.opencontainers.ocirt.checkpoint.enabled", json_string("true"));

        linux_ = json_pack("{s:o,s:o,s:{s:b,s:b,s:b,s:b,s:b},s:o,s:o,s:o,s:o,s:{s:o},s:o}",
                           "namespaces", strings(namespaces, ELEMENTSOF(namespaces)),
                           "capabilities", capabilities_json(),
                           "cgroup", "v1", true, "v2", true, "systemd", systemd, "systemdUser", systemd, "rdma", false,
                           "seccomp", seccomp_json(),
                           /* procattr.c writes the exec labels when the host has the LSM. */
                           "apparmor", enabled(true), "selinux", enabled(true),
                           /* resctrl groups and schemata; no monitoring groups. */
                           "intelRdt", json_pack("{s:b,s:b,s:b}", "enabled", true, "schemata", true, "monitoring", false),
                           "mountExtensions", "idmap", enabled(true),
                           "netDevices", enabled(true));
        json_object_set_new(linux_, "memoryPolicy",
                            json_pack("{s:o,s:o}", "modes", strings(mpol_modes, ELEMENTSOF(mpol_modes)), "flags",
                                      strings(mpol_flags, ELEMENTSOF(mpol_flags))));
        /* Annotations that change what the runtime does beyond the config (a trailing '.' is a
         * prefix): any systemd unit property, as runc lists it. */
        json_t *unsafe = json_array();
#ifdef HAVE_SYSTEMD
        json_array_append_new(unsafe, json_string("org.systemd.property."));
#endif
        doc = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "ociVersionMin", "1.0.0", "ociVersionMax",
                        ocirt_spec_version(), "hooks", strings(hooks, ELEMENTSOF(hooks)), "mountOptions",
                        strings(mount_options, ELEMENTSOF(mount_options)), "annotations", ann,
                        "potentiallyUnsafeConfigAnnotations", unsafe, "linux", linux_);
        if (!doc)
                return ocirt_fail(err, EIO, "build the features document");
        s = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        json_decref(doc);
        if (!s)
                abort();
        *ret_json = s;
        return 0;
}
