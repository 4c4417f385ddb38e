/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-spec.c: config.json parsing and validation (spec.c, spec-validate.c, spec-default.c).
 * The project's own good and bad configs (tests/fixtures/config) must parse and fail, each bad one
 * for its own reason; the spec's own good/ examples must parse and its Linux bad/ ones must fail
 * when the spec's schema directory is given (OCIRT_SCHEMA_DIR, or configure --with-oci-schema:
 * it is not part of this repository; without it those tests are skipped); a table of broken
 * configs checks that each rule fires with the right "FILE: .json.path" and message; typed values
 * of a config that uses every Linux field are checked one by one. Pure: no root, no network. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/tap.h"
#include "config/spec.h"
#include "base/base.h"

#define NO_SCHEMA "no OCI spec schemas: set OCIRT_SCHEMA_DIR or configure --with-oci-schema=DIR (runtime-spec/schema)"
#define BASE "{'ociVersion': '1.3.0', 'root': {'path': 'rootfs'}}"

/* Test JSON is written with single quotes for readability; this swaps them for double quotes. */
static char *
dq(const char *s)
{
        char *c = xstrdup(s);

        for (char *p = c; *p; p++)
                if (*p == '\'')
                        *p = '"';
        return c;
}

/* BASE with `patch` merged in (objects recursively, everything else replaced), as JSON text. */
static char *
patched(const char *patch)
{
        _cleanup_free_ char *b = dq(BASE), *q = dq(patch);
        json_t *base = json_loads(b, 0, NULL), *p = json_loads(q, JSON_ALLOW_NUL, NULL);
        char *out;

        if (!p) {
                diag("test bug: patch is not JSON: %s", patch);
                abort();
        }
        json_object_update_recursive(base, p);
        out = json_dumps(base, JSON_COMPACT);
        json_decref(base);
        json_decref(p);
        return out;
}

static int
parse_text(const char *text, struct spec **ret, ocirt_error **err)
{
        return spec_parse(text, strlen(text), "config.json", ret, err);
}

/* ---- the spec's own examples ---- */

static bool
is_json(const char *name)
{
        size_t n = strlen(name);
        return n > 5 && streq(name + n - 5, ".json");
}

/* The spec's schema directory (runtime-spec/schema), or NULL: the environment first (tests/run sets
 * it), then what configure was given. */
static const char *
schema_dir(void)
{
        const char *d = getenv("OCIRT_SCHEMA_DIR");

        if (!d || !*d)
                d = OCI_SCHEMA_DIR;
        return *d ? d : NULL;
}

static int check_schema(const char *json_file);
static const char *no_schema_check(void);

static void
test_spec_examples(void)
{
        const char *sd = schema_dir();
        _cleanup_free_ char *GOOD_DIR = sd ? xasprintf("%s/test/config/good", sd) : NULL;
        _cleanup_free_ char *BAD_DIR = sd ? xasprintf("%s/test/config/bad", sd) : NULL;
        _cleanup_closedir_ DIR *good = NULL, *bad = NULL;
        struct dirent *de;
        unsigned n_good = 0, n_bad = 0;

        if (!sd) {
                skip("the spec's example configs: %s", NO_SCHEMA);
                return;
        }
        good = opendir(GOOD_DIR);
        bad = opendir(BAD_DIR);
        if (!good || !bad) {
                ok(false, "the spec's examples in %s and %s", GOOD_DIR, BAD_DIR);
                return;
        }
        while ((de = readdir(good))) {
                _cleanup_free_ char *path = NULL;
                struct spec *s = NULL;
                ocirt_error *e = NULL;
                int r;

                if (!is_json(de->d_name))
                        continue;
                path = xasprintf("%s/%s", GOOD_DIR, de->d_name);
                r = spec_load(path, &s, &e);
                if (!ok(r == 0 && s, "good/%s parses", de->d_name))
                        diag("  %s: %s", e ? e->where : "", e ? e->msg : "");
                /* Other platforms' examples parse but are marked as not for Linux. */
                if (s && startswith(de->d_name, "freebsd"))
                        is_str(s->other_platform, "freebsd", "good/%s is marked as a FreeBSD config", de->d_name);
                if (s && startswith(de->d_name, "zos"))
                        is_str(s->other_platform, "zos", "good/%s is marked as a z/OS config", de->d_name);
                spec_free(s);
                ocirt_error_free(e);
                n_good++;
        }
        ok(n_good >= 9, "found %u good examples", n_good);

        while ((de = readdir(bad))) {
                _cleanup_free_ char *path = NULL;
                struct spec *s = NULL;
                ocirt_error *e = NULL;
                int r;

                /* FreeBSD's jail rules are not a Linux runtime's to check. */
                if (!is_json(de->d_name) || startswith(de->d_name, "freebsd-"))
                        continue;
                path = xasprintf("%s/%s", BAD_DIR, de->d_name);
                r = spec_load(path, &s, &e);
                ok(r == -EINVAL && !s && e && e->where && startswith(e->where, path), "bad/%s is rejected",
                   de->d_name);
                if (e)
                        diag("  %s: %s", e->where, e->msg);
                spec_free(s);
                ocirt_error_free(e);
                n_bad++;
        }
        ok(n_bad >= 4, "found %u Linux bad examples", n_bad);
}

/* A bad config file and the error it must give: where (after the file name) and part of the message. */
struct bad_file {
        const char *file, *where, *msg;
};

/* Each file in DIR fails for its own reason, not an earlier one. */
static void
check_bad_files(const char *dir, const char *label, const struct bad_file *t, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = xasprintf("%s/%s", dir, t[i].file);
                _cleanup_free_ char *where = xasprintf("%s%s", path, t[i].where);
                _cleanup_error_ ocirt_error *e = NULL;
                _cleanup_spec_ struct spec *s = NULL;
                int r;

                if (access(path, R_OK) < 0) {
                        ok(false, "%s/%s is there", label, t[i].file);
                        continue;
                }
                r = spec_load(path, &s, &e);
                ok(r == -EINVAL && !s, "%s/%s is rejected", label, t[i].file);
                is_str(e ? e->where : NULL, where, "%s/%s: where", label, t[i].file);
                if (!ok(e && strstr(e->msg, t[i].msg), "%s/%s: message has '%s'", label, t[i].file, t[i].msg))
                        diag("  message: %s", e ? e->msg : "(none)");
        }
}

static void
test_spec_bad_reasons(void)
{
        static const struct bad_file t[] = {
                { "invalid-json.json", "", "invalid JSON at line 1" },
                { "linux-hugepage.json", ": .linux.resources.hugepageLimits[0].pageSize", "invalid hugepage size '64kB'" },
                { "linux-netdevice.json", ": .linux.netDevices.eth0.name", "expected a string, got a number" },
                { "linux-rdma.json", ": .linux.resources.rdma.mlx5_1.hcaHandles", "expected an integer, got a string" },
        };
        const char *sd = schema_dir();
        _cleanup_free_ char *dir = NULL;

        if (!sd) {
                skip("the spec's bad examples: %s", NO_SCHEMA);
                return;
        }
        dir = xasprintf("%s/test/config/bad", sd);
        check_bad_files(dir, "bad", t, ELEMENTSOF(t));
}

/* ---- the project's own fixtures: the validator is tested with or without the spec ---- */

static void
test_own_fixtures(void)
{
        static const struct bad_file t[] = {
                { "truncated.json", "", "invalid JSON at line 2" },
                { "no-root.json", ": .root", "required field is missing" },
                { "relative-cwd.json", ": .process.cwd", "cwd 'tmp' is not absolute" },
                { "duplicate-namespace.json", ": .linux.namespaces[2]", "duplicate namespace type 'pid'" },
                { "hugepage-size.json", ": .linux.resources.hugepageLimits[0].pageSize", "invalid hugepage size '2 MB'" },
                { "mapping-size-string.json", ": .linux.uidMappings[0].size", "expected an integer, got a string" },
                { "rlimit-type.json", ": .process.rlimits[0].type", "unknown rlimit type 'RLIMIT_FOO'" },
        };
        const char *no_schema = no_schema_check();
        _cleanup_closedir_ DIR *good = opendir(FIXTURES_DIR "/config/good"), *bad = opendir(FIXTURES_DIR "/config/bad");
        struct dirent *de;
        unsigned n_good = 0, n_bad = 0;

        if (!ok(good && bad, "tests/fixtures/config/good and bad are there"))
                return;
        while ((de = readdir(good))) {
                _cleanup_free_ char *path = NULL;
                _cleanup_error_ ocirt_error *e = NULL;
                _cleanup_spec_ struct spec *s = NULL;

                if (!is_json(de->d_name))
                        continue;
                path = xasprintf("%s/%s", FIXTURES_DIR "/config/good", de->d_name);
                if (!ok(spec_load(path, &s, &e) == 0 && s, "fixtures good/%s parses", de->d_name))
                        diag("  %s: %s", e ? strempty(e->where) : "", e ? e->msg : "");
                if (!no_schema)
                        is_int(check_schema(path), 0, "fixtures good/%s validates against config-schema.json", de->d_name);
                else
                        skip("fixtures good/%s validates against config-schema.json: %s", de->d_name, no_schema);
                n_good++;
        }
        ok(n_good >= 4, "found %u good fixtures", n_good);

        /* Every bad fixture is in the table, so a new one cannot pass for the wrong reason. */
        while ((de = readdir(bad))) {
                if (!is_json(de->d_name))
                        continue;
                n_bad++;
                bool known = false;
                for (size_t i = 0; i < ELEMENTSOF(t); i++)
                        known = known || streq(t[i].file, de->d_name);
                ok(known, "fixtures bad/%s has an expected error in test-spec.c", de->d_name);
        }
        is_int(n_bad, (int) ELEMENTSOF(t), "every bad fixture is there");
        check_bad_files(FIXTURES_DIR "/config/bad", "fixtures bad", t, ELEMENTSOF(t));
}

/* ---- the table of broken configs ---- */

enum { PATCH = 0, RAW = 1 };

static const struct bad {
        int mode;         /* PATCH: merged into BASE; RAW: the whole document */
        const char *json; /* single quotes stand for double quotes */
        const char *path; /* expected JSON path after "config.json: ", "" for the file itself */
        const char *msg;  /* substring of the message */
} bad[] = {
        /* syntax and top level */
        { RAW, "{]", "", "invalid JSON at line 1, column 2" },
        { RAW, "[]", "", "expected a JSON object at the top level, got an array" },
        { RAW, "{'ociVersion': '1.3.0', 'ociVersion': '1.3.0', 'root': {'path': 'r'}}", "", "duplicate object key" },
        /* ociVersion */
        { RAW, "{'root': {'path': 'rootfs'}}", ".ociVersion", "required field is missing" },
        { RAW, "{'ociVersion': '2.0.0', 'root': {'path': 'rootfs'}}", ".ociVersion", "unsupported ociVersion '2.0.0'" },
        { RAW, "{'ociVersion': '1.0', 'root': {'path': 'rootfs'}}", ".ociVersion", "'1.0' is not a valid version" },
        { RAW, "{'ociVersion': '01.0.0', 'root': {'path': 'rootfs'}}", ".ociVersion", "not a valid version" },
        { RAW, "{'ociVersion': '1.0.0-', 'root': {'path': 'rootfs'}}", ".ociVersion", "not a valid version" },
        { RAW, "{'ociVersion': 1, 'root': {'path': 'rootfs'}}", ".ociVersion", "expected a string, got a number" },
        /* root */
        { RAW, "{'ociVersion': '1.3.0'}", ".root", "required field is missing" },
        { RAW, "{'ociVersion': '1.3.0', 'linux': {}, 'windows': {}}", ".root", "required field is missing" },
        { PATCH, "{'root': {'path': null}}", ".root.path", "required field is missing" },
        { PATCH, "{'root': {'path': ''}}", ".root.path", "empty path" },
        { PATCH, "{'root': 'rootfs'}", ".root", "expected an object, got a string" },
        { PATCH, "{'root': {'readonly': 'yes'}}", ".root.readonly", "expected a boolean, got a string" },
        /* process */
        { PATCH, "{'process': {'args': ['sh']}}", ".process.cwd", "required field is missing" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': 'home'}}", ".process.cwd", "cwd 'home' is not absolute" },
        { PATCH, "{'process': {'args': 3, 'cwd': '/'}}", ".process.args", "expected an array of strings, got a number" },
        { PATCH, "{'process': {'args': ['sh', 1], 'cwd': '/'}}", ".process.args[1]", "expected a string, got a number" },
        { PATCH, "{'process': {'args': [], 'cwd': '/'}}", ".process.args", "empty array" },
        { PATCH, "{'process': {'cwd': '/'}}", ".process.args", "required field is missing" },
        { PATCH, "{'process': {'args': [''], 'cwd': '/'}}", ".process.args", "args[0] is an empty string" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/\\u0000x'}}", ".process.cwd", "NUL byte" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'env': ['A=1', 'FOO']}}", ".process.env[1]",
          "invalid environment entry 'FOO'" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'env': ['=x']}}", ".process.env[0]", "invalid environment" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'terminal': 'yes'}}", ".process.terminal",
          "expected a boolean, got a string" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'consoleSize': {'height': 1}}}", ".process.consoleSize.width",
          "required field is missing" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 0}}}", ".process.user.gid",
          "required field is missing" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': -1, 'gid': 0}}}", ".process.user.uid",
          "-1 is out of range (0..4294967295)" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 4294967296, 'gid': 0}}}",
          ".process.user.uid", "4294967296 is out of range" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 1.5, 'gid': 0}}}", ".process.user.uid",
          "expected an integer, got 1.5" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 0, 'gid': 0, 'additionalGids': [1, 'x']}}}",
          ".process.user.additionalGids[1]", "expected an integer, got a string" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 0, 'gid': 0, 'umask': 4096}}}",
          ".process.user.umask", "too large" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'capabilities': {'bounding': 'CAP_KILL'}}}",
          ".process.capabilities.bounding", "expected an array of strings, got a string" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'capabilities': {'ambient': ['CAP_KILL', 'CAP_TEST']}}}",
          ".process.capabilities.ambient[1]", "'CAP_TEST' is not a Linux capability" },
        /* rlimits */
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]}}",
          ".process.rlimits[0].type", "unknown rlimit type 'RLIMIT_FOO'" },
        { PATCH,
          "{'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 1}, "
          "{'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]}}",
          ".process.rlimits[1]", "duplicate rlimit type 'RLIMIT_NOFILE'" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}]}}",
          ".process.rlimits[0]", "soft limit 2048 is greater than hard limit 1024" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1024}]}}",
          ".process.rlimits[0].soft", "required field is missing" },
        /* RAW: the test's own jansson cannot merge a number beyond int64. */
        { RAW,
          "{'ociVersion': '1.3.0', 'root': {'path': 'rootfs'}, 'process': {'args': ['sh'], 'cwd': '/', "
          "'rlimits': [{'type': 'RLIMIT_CPU', 'soft': 1, 'hard': 18446744073709551616}]}}",
          ".process.rlimits[0].hard", "18446744073709551616 is out of range" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'rlimits': {'type': 'RLIMIT_CPU'}}}", ".process.rlimits",
          "expected an array of rlimits, got an object" },
        /* other process fields */
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': 1001}}", ".process.oomScoreAdj",
          "oomScoreAdj 1001 is out of range" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_FOO'}}}",
          ".process.scheduler.policy", "unknown scheduler policy 'SCHED_FOO'" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {}}}", ".process.scheduler.policy",
          "required field is missing" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_OTHER', 'flags': ['SCHED_FLAG_X']}}}",
          ".process.scheduler.flags[0]", "unknown scheduler flag 'SCHED_FLAG_X'" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_FIFO', 'priority': 0}}}",
          ".process.scheduler.priority", "out of range for SCHED_FIFO" },
        { PATCH,
          "{'process': {'args': ['sh'], 'cwd': '/', 'scheduler': {'policy': 'SCHED_DEADLINE', 'runtime': 5, 'deadline': 4}}}",
          ".process.scheduler", "runtime 5 is greater than deadline 4" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_NONE'}}}",
          ".process.ioPriority.class", "unknown I/O priority class 'IOPRIO_CLASS_NONE'" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 8}}}",
          ".process.ioPriority.priority", "I/O priority 8 is out of range" },
        { PATCH, "{'process': {'args': ['sh'], 'cwd': '/', 'execCPUAffinity': {'initial': '3-1'}}}",
          ".process.execCPUAffinity.initial", "invalid CPU list '3-1'" },
        /* mounts */
        { PATCH, "{'mounts': {}}", ".mounts", "expected an array of mounts, got an object" },
        { PATCH, "{'mounts': [{'type': 'tmpfs'}]}", ".mounts[0].destination", "required field is missing" },
        { PATCH, "{'mounts': [{'destination': '/a', 'options': 'ro'}]}", ".mounts[0].options",
          "expected an array of strings, got a string" },
        { PATCH, "{'mounts': [{'destination': '/a', 'uidMappings': []}]}", ".mounts[0]",
          "'uidMappings' given without 'gidMappings'" },
        { PATCH, "{'mounts': [{'destination': '/a', 'options': ['rbind', 'idmap']}]}", ".mounts[0].options[1]",
          "'idmap' needs uidMappings/gidMappings on the mount or a user namespace" },
        { PATCH,
          "{'mounts': [{'destination': '/a', 'options': ['ridmap'], 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}], "
          "'gidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]}]}",
          ".mounts[0].uidMappings[0]", "'size' is 0" },
        { PATCH, "{'mounts': [{'destination': '/a', 'uidMappings': [{'containerID': 0, 'size': 1}], 'gidMappings': []}]}",
          ".mounts[0].uidMappings[0].hostID", "required field is missing" },
        /* hooks */
        { PATCH, "{'hooks': {'prestart': [{'path': 'bin/hook'}]}}", ".hooks.prestart[0].path",
          "hook path 'bin/hook' is not absolute" },
        { PATCH, "{'hooks': {'poststart': [{'path': '/h', 'timeout': 0}]}}", ".hooks.poststart[0].timeout",
          "timeout 0 is not positive" },
        { PATCH, "{'hooks': {'createRuntime': [{'args': ['x']}]}}", ".hooks.createRuntime[0].path",
          "required field is missing" },
        { PATCH, "{'hooks': {'poststop': [{'path': '/h', 'env': ['NOEQUALS']}]}}", ".hooks.poststop[0].env[0]",
          "invalid environment entry" },
        /* namespaces */
        { PATCH, "{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'mount'}, {'type': 'ipc'}, {'type': 'pid'}]}}",
          ".linux.namespaces[3]", "duplicate namespace type 'pid'" },
        { PATCH, "{'linux': {'namespaces': [{'type': 'foo'}]}}", ".linux.namespaces[0].type",
          "unknown namespace type 'foo'" },
        { PATCH, "{'linux': {'namespaces': [{'type': 'net'}]}}", ".linux.namespaces[0].type",
          "unknown namespace type 'net'" },
        { PATCH, "{'linux': {'namespaces': [{'type': 'network', 'path': 'proc/1/ns/net'}]}}",
          ".linux.namespaces[0].path", "namespace path 'proc/1/ns/net' is not absolute" },
        { PATCH, "{'linux': {'namespaces': [{'path': '/proc/1/ns/net'}]}}", ".linux.namespaces[0].type",
          "required field is missing" },
        /* user namespace and id mappings */
        { PATCH, "{'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}", ".linux.uidMappings",
          "id mappings need a user namespace" },
        { PATCH,
          "{'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
          ".linux.gidMappings", "uidMappings given without gidMappings" },
        { PATCH,
          "{'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 0}], "
          "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
          ".linux.uidMappings[0]", "'size' is 0" },
        { PATCH,
          "{'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 4294967295, 'hostID': 1000, 'size': 2}], "
          "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
          ".linux.uidMappings[0]", "'containerID' + 'size' overflows 32 bits" },
        { PATCH,
          "{'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}], "
          "'gidMappings': [{'containerID': 0, 'hostID': 4294967295, 'size': 2}]}}",
          ".linux.gidMappings[0]", "'hostID' + 'size' overflows 32 bits" },
        { PATCH, "{'linux': {'uidMappings': [{'containerID': 0, 'hostID': 4294967296, 'size': 1}]}}",
          ".linux.uidMappings[0].hostID", "out of range" },
        { PATCH,
          "{'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}, "
          "{'containerID': 5, 'hostID': 5000, 'size': 1}], 'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}}",
          ".linux.uidMappings[1]", "container range overlaps mapping 0" },
        { PATCH, "{'linux': {'uidMappings': {}}}", ".linux.uidMappings", "expected an array of id mappings" },
        /* devices */
        { PATCH, "{'linux': {'devices': [{'path': '/dev/x', 'type': 'x', 'major': 1, 'minor': 1}]}}",
          ".linux.devices[0].type", "unknown device type 'x'" },
        { PATCH, "{'linux': {'devices': [{'path': 'dev/x', 'type': 'c', 'major': 1, 'minor': 1}]}}",
          ".linux.devices[0].path", "device path 'dev/x' is not absolute" },
        { PATCH, "{'linux': {'devices': [{'path': '/dev/x', 'type': 'c', 'minor': 1}]}}", ".linux.devices[0].major",
          "required field is missing" },
        { PATCH, "{'linux': {'devices': [{'path': '/dev/x', 'type': 'b', 'major': 1, 'minor': 1, 'fileMode': 8630}]}}",
          ".linux.devices[0].fileMode", "file type bits" },
        /* resources */
        { PATCH, "{'linux': {'resources': {'devices': [{'allow': true, 'type': 'x'}]}}}",
          ".linux.resources.devices[0].type", "unknown device cgroup type 'x'" },
        { PATCH, "{'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwx'}]}}}",
          ".linux.resources.devices[0].access", "invalid device access 'rwx'" },
        { PATCH, "{'linux': {'resources': {'devices': [{'allow': true, 'access': 'rr'}]}}}",
          ".linux.resources.devices[0].access", "invalid device access 'rr'" },
        { PATCH, "{'linux': {'resources': {'devices': [{'access': 'rwm'}]}}}", ".linux.resources.devices[0].allow",
          "required field is missing" },
        { PATCH, "{'linux': {'resources': {'hugepageLimits': [{'pageSize': '2mb', 'limit': 1}]}}}",
          ".linux.resources.hugepageLimits[0].pageSize", "invalid hugepage size '2mb'" },
        { PATCH, "{'linux': {'resources': {'hugepageLimits': [{'pageSize': '02MB', 'limit': 1}]}}}",
          ".linux.resources.hugepageLimits[0].pageSize", "invalid hugepage size" },
        { PATCH, "{'linux': {'resources': {'memory': {'swappiness': 101}}}}", ".linux.resources.memory.swappiness",
          "swappiness 101 is out of range" },
        { PATCH, "{'linux': {'resources': {'memory': {'limit': '1G'}}}}", ".linux.resources.memory.limit",
          "expected an integer, got a string" },
        { PATCH, "{'linux': {'resources': {'pids': {}}}}", ".linux.resources.pids.limit", "required field is missing" },
        { PATCH, "{'linux': {'resources': {'unified': {'../memory.max': '1'}}}}",
          ".linux.resources.unified[\"../memory.max\"]", "invalid cgroup file name '../memory.max'" },
        { PATCH, "{'linux': {'resources': {'unified': {'..': '1'}}}}", ".linux.resources.unified[\"..\"]",
          "invalid cgroup file name" },
        { PATCH, "{'linux': {'resources': {'rdma': {'mlx4_0': {}}}}}", ".linux.resources.rdma.mlx4_0",
          "neither 'hcaHandles' nor 'hcaObjects' is set" },
        { PATCH, "{'linux': {'resources': {'blockIO': {'weightDevice': [{'major': 8, 'minor': 0}]}}}}",
          ".linux.resources.blockIO.weightDevice[0]", "neither 'weight' nor 'leafWeight' is set" },
        { PATCH, "{'linux': {'resources': {'blockIO': {'weight': 65536}}}}", ".linux.resources.blockIO.weight",
          "65536 is out of range (0..65535)" },
        { PATCH, "{'linux': {'resources': {'network': {'priorities': [{'name': 'eth0'}]}}}}",
          ".linux.resources.network.priorities[0].priority", "required field is missing" },
        /* seccomp */
        { PATCH, "{'linux': {'seccomp': {}}}", ".linux.seccomp.defaultAction", "required field is missing" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_FOO'}}}", ".linux.seccomp.defaultAction",
          "unknown seccomp action 'SCMP_ACT_FOO'" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_KILL', 'defaultErrnoRet': 1}}}",
          ".linux.seccomp.defaultErrnoRet", "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL" },
        { PATCH,
          "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['mount'], 'action': 'SCMP_ACT_ALLOW', 'errnoRet': 1}]}}}",
          ".linux.seccomp.syscalls[0].errnoRet", "'errnoRet' is only valid with SCMP_ACT_ERRNO" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 70000}}}",
          ".linux.seccomp.defaultErrnoRet", "70000 is too large" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_Z80']}}}",
          ".linux.seccomp.architectures[1]", "unknown seccomp architecture 'SCMP_ARCH_Z80'" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_NEW_LISTENER']}}}",
          ".linux.seccomp.flags[0]", "unknown seccomp flag" },
        { PATCH,
          "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'], 'action': 'SCMP_ACT_ERRNO', "
          "'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_XX'}]}]}}}",
          ".linux.seccomp.syscalls[0].args[0].op", "unknown seccomp operator 'SCMP_CMP_XX'" },
        { PATCH,
          "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'], 'action': 'SCMP_ACT_ERRNO', "
          "'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}}}",
          ".linux.seccomp.syscalls[0].args[0].index", "syscall argument index 6 is out of range" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], 'action': 'SCMP_ACT_ERRNO'}]}}}",
          ".linux.seccomp.syscalls[0].names", "empty array" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x']}]}}}",
          ".linux.seccomp.syscalls[0].action", "required field is missing" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['x'], 'action': 'SCMP_ACT_NOTIFY'}]}}}",
          ".linux.seccomp.syscalls[0].action", "SCMP_ACT_NOTIFY needs a listenerPath" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_NOTIFY', 'listenerPath': '/s'}}}",
          ".linux.seccomp.defaultAction", "cannot be the default action" },
        { PATCH, "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerMetadata': 'x'}}}",
          ".linux.seccomp.listenerMetadata", "'listenerMetadata' requires 'listenerPath'" },
        /* other linux fields */
        { PATCH, "{'linux': {'rootfsPropagation': 'rbogus'}}", ".linux.rootfsPropagation",
          "unknown rootfs propagation 'rbogus'" },
        { PATCH, "{'linux': {'personality': {'domain': 'LINUX64'}}}", ".linux.personality.domain",
          "unknown personality domain 'LINUX64'" },
        { PATCH, "{'linux': {'personality': {'domain': 'LINUX', 'flags': ['ADDR_NO_RANDOMIZE']}}}",
          ".linux.personality.flags[0]", "unsupported personality flag 'ADDR_NO_RANDOMIZE'" },
        { PATCH, "{'linux': {'memoryPolicy': {'mode': 'MPOL_FOO'}}}", ".linux.memoryPolicy.mode",
          "unknown memory policy mode 'MPOL_FOO'" },
        { PATCH, "{'linux': {'memoryPolicy': {'mode': 'MPOL_PREFERRED', 'flags': ['MPOL_F_NODE']}}}",
          ".linux.memoryPolicy.flags[0]", "unknown memory policy flag 'MPOL_F_NODE'" },
        { PATCH, "{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND'}}}", ".linux.memoryPolicy.nodes",
          "MPOL_BIND needs at least one node" },
        { PATCH, "{'linux': {'memoryPolicy': {'mode': 'MPOL_DEFAULT', 'nodes': '0'}}}", ".linux.memoryPolicy.nodes",
          "MPOL_DEFAULT takes no nodes" },
        { PATCH,
          "{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0', 'flags': ['MPOL_F_STATIC_NODES', 'MPOL_F_RELATIVE_NODES']}}}",
          ".linux.memoryPolicy.flags", "exclude each other" },
        { PATCH, "{'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0-'}}}", ".linux.memoryPolicy.nodes",
          "invalid node list '0-'" },
        { PATCH, "{'linux': {'timeOffsets': {'monotonic': {'secs': 1}}}}", ".linux.timeOffsets",
          "timeOffsets need a time namespace" },
        { PATCH, "{'linux': {'namespaces': [{'type': 'time', 'path': '/proc/1/ns/time'}], 'timeOffsets': {'boottime': {'secs': 1}}}}",
          ".linux.timeOffsets", "cannot be applied to a joined time namespace" },
        { PATCH, "{'linux': {'namespaces': [{'type': 'time'}], 'timeOffsets': {'realtime': {'secs': 1}}}}",
          ".linux.timeOffsets.realtime", "unknown clock 'realtime'" },
        { PATCH, "{'linux': {'namespaces': [{'type': 'time'}], 'timeOffsets': {'monotonic': {'nanosecs': 1000000000}}}}",
          ".linux.timeOffsets.monotonic.nanosecs", "one second or more" },
        { PATCH, "{'linux': {'netDevices': {'eth0': {'name': ''}}}}", ".linux.netDevices.eth0.name",
          "invalid network device name ''" },
        { PATCH, "{'linux': {'netDevices': {'a/b': {}}}}", ".linux.netDevices[\"a/b\"]",
          "invalid network device name 'a/b'" },
        { PATCH, "{'linux': {'netDevices': {'eth0': {'name': 'abcdefghijklmnop'}}}}", ".linux.netDevices.eth0.name",
          "invalid network device name 'abcdefghijklmnop'" },
        { PATCH, "{'linux': {'netDevices': {'eth0': {'name': '..'}}}}", ".linux.netDevices.eth0.name",
          "invalid network device name '..'" },
        { PATCH, "{'linux': {'netDevices': {'eth0': {'name': 'my eth'}}}}", ".linux.netDevices.eth0.name",
          "invalid network device name 'my eth'" },
        { PATCH, "{'linux': {'netDevices': ['eth0']}}", ".linux.netDevices", "expected an object" },
        { PATCH, "{'linux': {'maskedPaths': ['/proc/kcore', 'proc/keys']}}", ".linux.maskedPaths[1]",
          "path 'proc/keys' is not absolute" },
        { PATCH, "{'linux': {'readonlyPaths': ['sys']}}", ".linux.readonlyPaths[0]", "not absolute" },
        { PATCH, "{'linux': {'intelRdt': {'memBwSchema': 'L3:0=1'}}}", ".linux.intelRdt.memBwSchema",
          "invalid memBwSchema" },
        { PATCH, "{'linux': {'intelRdt': {'closID': '../x'}}}", ".linux.intelRdt.closID", "invalid closID '../x'" },
        /* cross-field */
        { PATCH, "{'hostname': 'box'}", ".hostname", "setting the hostname needs a UTS namespace" },
        { PATCH, "{'domainname': 'example.test', 'linux': {'namespaces': [{'type': 'pid'}]}}", ".domainname",
          "setting the domainname needs a UTS namespace" },
        { PATCH,
          "{'hostname': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'linux': {'namespaces': [{'type': 'uts'}]}}",
          ".hostname", "the kernel allows 64" },
        { PATCH, "{'linux': {'sysctl': {'net.ipv4.ip_forward': '1'}}}", ".linux.sysctl[\"net.ipv4.ip_forward\"]",
          "sysctl 'net.ipv4.ip_forward' needs a network namespace" },
        { PATCH, "{'linux': {'sysctl': {'kernel.shmmax': '1'}}}", ".linux.sysctl[\"kernel.shmmax\"]",
          "needs a ipc namespace" },
        { PATCH, "{'linux': {'sysctl': {'vm.swappiness': 1}}}", ".linux.sysctl[\"vm.swappiness\"]",
          "expected a string, got a number" },
        { PATCH, "{'annotations': {'org.example': 1}}", ".annotations[\"org.example\"]",
          "expected a string, got a number" },
        { PATCH, "{'annotations': []}", ".annotations", "expected an object of strings, got an array" },
};

static void
test_bad_table(void)
{
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *text = bad[i].mode == RAW ? dq(bad[i].json) : patched(bad[i].json);
                _cleanup_free_ char *where = *bad[i].path ? xasprintf("config.json: %s", bad[i].path)
                                                          : xstrdup("config.json");
                _cleanup_error_ ocirt_error *e = NULL;
                struct spec *s = NULL;
                int r;

                r = parse_text(text, &s, &e);
                if (!ok(r == -EINVAL && !s && e && streq(e->where, where) && strstr(e->msg, bad[i].msg),
                        "bad[%zu] %s: %s", i, bad[i].path, bad[i].msg)) {
                        diag("  input: %s", text);
                        diag("  got r=%d where='%s' msg='%s'", r, e ? strempty(e->where) : "", e ? e->msg : "");
                }
                spec_free(s);
        }
        diag("%zu bad configs in the table", ELEMENTSOF(bad));
}

/* Every error in the table carries a hint, except pure JSON type errors. */
static void
test_hints(void)
{
        static const char *const cases[] = {
                "{'linux': {'namespaces': [{'type': 'foo'}]}}",
                "{'hostname': 'box'}",
                "{'process': {'args': ['sh'], 'cwd': 'x'}}",
                "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_KILL', 'defaultErrnoRet': 1}}}",
        };
        static const char *const hints[] = {
                "use one of 'pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup' or 'time'",
                "add {\"type\": \"uts\"} to .linux.namespaces",
                "use an absolute path such as \"/\"",
                "remove it, or use SCMP_ACT_ERRNO or SCMP_ACT_TRACE",
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = patched(cases[i]);
                _cleanup_error_ ocirt_error *e = NULL;
                _cleanup_spec_ struct spec *s = NULL;

                (void) parse_text(text, &s, &e);
                is_str(e ? e->hint : NULL, hints[i], "hint for %s", cases[i]);
        }
        {
                _cleanup_error_ ocirt_error *e = NULL;
                _cleanup_spec_ struct spec *s = NULL;
                _cleanup_free_ char *t = dq("{'ociVersion': '3.1.0', 'root': {'path': 'r'}}");

                (void) parse_text(t, &s, &e);
                is_str(e ? e->hint : NULL, "use an ociVersion between 1.0.0 and 1.3.0", "ociVersion hint");
        }
}

/* ---- good inputs ---- */

static struct spec *
parse_ok(const char *patch, const char *what)
{
        _cleanup_free_ char *text = patched(patch);
        _cleanup_error_ ocirt_error *e = NULL;
        struct spec *s = NULL;
        int r = parse_text(text, &s, &e);

        if (!ok(r == 0 && s, "%s parses", what))
                diag("  %s: %s", e ? strempty(e->where) : "", e ? e->msg : "");
        return s;
}

static void
test_versions(void)
{
        static const char *const good[] = { "1.0.0", "1.0.2", "1.0.2-dev", "1.1.0-rc.1", "1.2.1", "1.3.0",
                                            "1.3.0+build.5", "1.4.0", "0.5.0-dev" };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_free_ char *patch = xasprintf("{'ociVersion': '%s'}", good[i]);
                _cleanup_spec_ struct spec *s = parse_ok(patch, good[i]);

                if (s)
                        is_str(s->oci_version, good[i], "ociVersion kept as written");
        }
}

static void
test_full(void)
{
        _cleanup_error_ ocirt_error *e = NULL;
        _cleanup_spec_ struct spec *s = NULL;
        const char *path = FIXTURES_DIR "/config/good/full-linux.json";
        const struct spec_process *p;
        const struct spec_linux *l;
        const struct spec_resources *res;
        int r;

        r = spec_load(path, &s, &e);
        if (!ok(r == 0 && s, "full-linux.json parses")) {
                diag("  %s: %s", e ? strempty(e->where) : "", e ? e->msg : "");
                return;
        }
        is_str(s->path, path, "spec->path is the file name");
        ok(s->other_platform == NULL, "a Linux config has no other platform");
        ok(s->root->readonly, "root.readonly");
        is_int(s->n_mounts, 2, "two mounts");
        is_str(s->mounts[1].destination, "/data", "relative mount destination is taken relative to /");
        ok(s->mounts[1].has_uid_mappings && s->mounts[1].n_uid_mappings == 1, "mount uidMappings");
        is_int(s->mounts[1].uid_mappings[0].host_id, 100000, "mount uidMappings hostID");
        is_int(s->mounts[1].n_options, 2, "mount options counted");

        p = s->process;
        ok(p->terminal && p->has_console_size && p->console_width == 80, "terminal and consoleSize");
        is_int(p->user.uid, 1000, "user.uid");
        ok(p->user.has_umask && p->user.umask == 18, "user.umask");
        is_int(p->user.n_additional_gids, 2, "additionalGids");
        is_int(p->n_args, 3, "n_args");
        ok(p->args[3] == NULL, "args NULL-terminated");
        is_str(p->cwd, "/home", "cwd");
        ok(p->capabilities && p->capabilities->has_inheritable && p->capabilities->inheritable &&
                   !p->capabilities->inheritable[0],
           "an empty capability set is given and empty");
        ok(strv_contains(p->capabilities->bounding, "CAP_CHECKPOINT_RESTORE"), "capability names are kept as written");
        is_int(p->n_rlimits, 3, "rlimits");
        is_int(p->rlimits[1].resource, RLIMIT_RTTIME, "RLIMIT_RTTIME mapped");
        ok(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX, "uint64 max (RLIM_INFINITY) parses");
        ok(p->rlimits[2].hard == 9223372036854775808ull, "2^63 parses");
        ok(p->has_oom_score_adj && p->oom_score_adj == -500, "oomScoreAdj");
        is_int(p->scheduler->policy, 6, "SCHED_DEADLINE");
        is_int(p->scheduler->flags_mask, 0x01 | 0x04, "scheduler flags mask");
        ok(p->scheduler->has_nice && p->scheduler->nice == -5, "nice");
        ok(p->has_io_priority && p->io_priority_class == SPEC_IOPRIO_CLASS_BE && p->io_priority == 4, "ioPriority");
        is_str(p->exec_cpu_affinity_initial, "0-3, 7", "execCPUAffinity.initial");

        is_str(s->hostname, "full", "hostname");
        is_int(s->hooks->n_poststop, 2, "poststop hooks");
        ok(s->hooks->create_runtime[0].has_timeout && s->hooks->create_runtime[0].timeout == 3, "hook timeout");
        is_str(s->hooks->create_runtime[0].args[1], "x", "hook args");
        is_str(spec_annotation(s, "org.example.b"), "", "empty annotation value");
        ok(spec_annotation(s, "org.example.c") == NULL, "absent annotation");

        l = s->linux_;
        is_int(l->n_uid_mappings, 2, "uidMappings");
        is_str(l->sysctl[0].key, "net.ipv4.ip_forward", "sysctl keeps file order");
        is_int(l->n_namespaces, 8, "namespaces");
        ok(spec_find_ns(s, SPEC_NS_TIME) && !spec_find_ns(s, SPEC_NS_TIME)->path, "time namespace found");
        is_int(l->devices[1].type, 'p', "fifo device");
        ok(l->devices[0].has_file_mode && l->devices[0].file_mode == 438, "device fileMode");
        is_int(l->n_net_devices, 2, "netDevices");
        is_str(l->net_devices[0].name, "net0", "netDevice rename");
        ok(l->net_devices[1].name == NULL, "netDevice without a new name");
        is_int(l->rootfs_propagation_flag, MS_PRIVATE, "rootfsPropagation private -> MS_PRIVATE");
        ok(l->has_masked_paths && l->n_masked_paths == 1, "maskedPaths");
        is_int(l->personality->persona, PER_LINUX32, "personality LINUX32");
        is_int(l->n_time_offsets, 2, "timeOffsets");
        ok(l->time_offsets[1].secs == -10 && l->time_offsets[1].nanosecs == 999999999, "boottime offset");
        is_int(l->memory_policy->mode, 3, "MPOL_INTERLEAVE");
        is_int(l->memory_policy->flags_mask, 1 << 15, "MPOL_F_STATIC_NODES");
        ok(l->intel_rdt->has_enable_monitoring && l->intel_rdt->enable_monitoring, "intelRdt.enableMonitoring");

        res = l->resources;
        is_int(res->n_devices, 3, "device cgroup rules");
        ok(res->devices[0].type == 0 && res->devices[0].major == -1 && !res->devices[0].allow, "deny-all rule");
        ok(res->devices[1].type == 'c' && res->devices[1].major == 1 && res->devices[1].minor == 3, "char rule");
        ok(res->memory->has_swap && res->memory->swap == -1, "memory.swap -1");
        ok(res->memory->has_disable_oom_killer && res->memory->disable_oom_killer, "disableOOMKiller");
        ok(res->cpu->has_idle && res->cpu->idle == 1, "cpu.idle");
        ok(res->has_pids && res->pids_limit == -1, "pids.limit");
        is_int(res->block_io->n_throttle_write_iops, 1, "blockIO throttle");
        ok(res->block_io->weight_device[0].has_weight && !res->block_io->weight_device[0].has_leaf_weight,
           "weightDevice has_*");
        is_int(res->n_hugepage_limits, 2, "hugepageLimits");
        ok(res->has_network && res->has_class_id && res->class_id == 1048577, "network.classID");
        is_int(res->n_rdma, 1, "rdma");
        is_int(res->n_unified, 2, "unified");

        is_int(l->seccomp->default_action, SCMP_ACT_ERRNO(0), "seccomp default action");
        ok(l->seccomp->has_default_errno_ret && l->seccomp->default_errno_ret == 38, "defaultErrnoRet");
        is_int(l->seccomp->n_architectures, 4, "architectures");
        is_int(l->seccomp->n_syscalls, 6, "syscall rules");
        is_int(l->seccomp->syscalls[1].action, SCMP_ACT_NOTIFY, "SCMP_ACT_NOTIFY");
        is_int(l->seccomp->syscalls[2].action, SCMP_ACT_TRACE(0), "SCMP_ACT_TRACE base value");
        is_int(l->seccomp->syscalls[3].args[1].op, SCMP_CMP_MASKED_EQ, "SCMP_CMP_MASKED_EQ");
        is_int(l->seccomp->syscalls[3].args[1].value_two, 8, "valueTwo");
        is_int(l->seccomp->syscalls[4].action, SCMP_ACT_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS");
}

static void
test_good_details(void)
{
        struct spec *s;

        /* JSON null reads as absent: Go clients write it for nil slices. */
        s = parse_ok("{'process': {'args': ['sh'], 'cwd': '/', 'env': null, 'rlimits': null}, 'mounts': null}",
                     "null fields");
        if (s)
                ok(s->process->env == NULL && s->process->n_rlimits == 0 && s->n_mounts == 0, "null means absent");
        spec_free(s);

        s = parse_ok("{'someFutureField': 1, 'process': {'args': ['sh'], 'cwd': '/', 'futureKnob': 'x'}, "
                     "'linux': {'futureThing': {}}}",
                     "unknown properties");
        spec_free(s);

        /* A mount idmap without mount mappings is fine when the container has a user namespace. */
        s = parse_ok("{'mounts': [{'destination': '/a', 'options': ['idmap']}], 'linux': {'namespaces': [{'type': 'user'}]}}",
                     "idmap with a user namespace");
        spec_free(s);

        /* A user namespace without mappings: the runtime maps the caller. */
        s = parse_ok("{'linux': {'namespaces': [{'type': 'user'}]}}", "user namespace without mappings");
        spec_free(s);

        /* Windows-only configs may leave out root. */
        {
                _cleanup_free_ char *t = dq("{'ociVersion': '1.3.0', 'windows': {'layerFolders': []}}");
                _cleanup_error_ ocirt_error *e = NULL;

                s = NULL;
                ok(parse_text(t, &s, &e) == 0 && s && s->root == NULL, "windows config without root parses");
                if (s)
                        is_str(s->other_platform, "windows", "and is marked as such");
                spec_free(s);
        }

        s = parse_ok("{'linux': {'namespaces': [{'type': 'uts', 'path': '/proc/1/ns/uts'}, {'type': 'network'}], "
                     "'sysctl': {'net.core.somaxconn': '256', 'kernel.domainname': 'x'}}, 'hostname': 'h'}",
                     "hostname in a joined UTS namespace and namespaced sysctls");
        if (s) {
                is_str(spec_find_ns(s, SPEC_NS_UTS)->path, "/proc/1/ns/uts", "namespace path kept");
                ok(spec_find_ns(s, SPEC_NS_PID) == NULL, "absent namespace not found");
        }
        spec_free(s);

        s = parse_ok("{'linux': {'rootfsPropagation': 'shared', 'personality': {'domain': 'LINUX'}}}", "propagation");
        if (s) {
                is_int(s->linux_->rootfs_propagation_flag, MS_SHARED, "shared -> MS_SHARED");
                is_int(s->linux_->personality->persona, PER_LINUX, "LINUX -> PER_LINUX");
        }
        spec_free(s);

        /* The recursive forms that containerd, CRI-O and podman write. */
        s = parse_ok("{'linux': {'rootfsPropagation': 'rslave'}}", "propagation rslave");
        if (s)
                is_int(s->linux_->rootfs_propagation_flag, MS_SLAVE | MS_REC, "rslave -> MS_SLAVE|MS_REC");
        spec_free(s);
        s = parse_ok("{'linux': {'rootfsPropagation': 'runbindable'}}", "propagation runbindable");
        if (s)
                is_int(s->linux_->rootfs_propagation_flag, MS_UNBINDABLE | MS_REC, "runbindable -> MS_UNBINDABLE|MS_REC");
        spec_free(s);
}

static void
test_ns_names(void)
{
        for (int t = 0; t < SPEC_NS__MAX; t++)
                is_int(spec_ns_from_name(spec_ns_name((enum spec_ns_type) t)), t, "namespace name round trip %s",
                       spec_ns_name((enum spec_ns_type) t));
        is_str(spec_ns_name(SPEC_NS_NETWORK), "network", "network");
        is_int(spec_ns_from_name("net"), -1, "unknown name");
        ok(spec_free(NULL) == NULL, "spec_free(NULL)");
        ok(spec_find_ns(NULL, SPEC_NS_PID) == NULL && spec_annotation(NULL, "x") == NULL, "NULL-safe helpers");
}

static void
test_load_errors(void)
{
        _cleanup_error_ ocirt_error *e = NULL, *e2 = NULL;
        struct spec *s = NULL;
        int r;

        r = spec_load("/nonexistent/config.json", &s, &e);
        is_int(r, -ENOENT, "missing file: -ENOENT");
        is_str(e ? e->where : NULL, "/nonexistent/config.json", "missing file: where is the path");
        ok(e && strstr(e->msg, "no such file or directory"), "missing file: strerror wording: %s",
           e ? e->msg : "");
        ok(e && e->hint, "missing file: hint");

        r = ocirt_spec_check_file(NULL, FIXTURES_DIR "/config/good/full-linux.json", &e2);
        is_int(r, 0, "ocirt_spec_check_file on a good file");
}

static int
check_schema(const char *json_file)
{
        _cleanup_free_ char *cmd = xasprintf("python3 '%s' '%s' config-schema.json '%s'",
                                             FIXTURES_DIR "/../lib/validate-schema.py", schema_dir(), json_file);
        int st = system(cmd);

        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* NULL when the schema tests can run, else why not. */
static const char *
no_schema_check(void)
{
        if (!schema_dir())
                return NO_SCHEMA;
        if (system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0)
                return "python3-jsonschema not installed";
        return NULL;
}

static void
test_default(void)
{
        char tmpl[] = "/tmp/test-spec-XXXXXX";
        const char *no_schema = no_schema_check();
        int dfd;

        if (!mkdtemp(tmpl)) {
                ok(false, "mkdtemp");
                return;
        }
        dfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (int rootless = 0; rootless <= 1; rootless++) {
                _cleanup_free_ char *text = spec_default_json(rootless, 1234, 5678);
                _cleanup_free_ char *file = xasprintf("%s/config-%d.json", tmpl, rootless);
                _cleanup_error_ ocirt_error *e = NULL;
                _cleanup_spec_ struct spec *s = NULL;
                const char *name = rootless ? "rootless default" : "root default";
                int r;

                ok(text && text[strlen(text) - 1] == '\n', "%s ends with a newline", name);
                r = parse_text(text, &s, &e);
                if (!ok(r == 0 && s, "%s parses", name)) {
                        diag("  %s: %s", e ? strempty(e->where) : "", e ? e->msg : "");
                        continue;
                }
                is_str(s->oci_version, "1.3.0", "%s: ociVersion", name);
                is_str(s->process->args[0], "sh", "%s: args", name);
                ok(s->process->no_new_privileges && s->process->terminal, "%s: noNewPrivileges, terminal", name);
                is_int(s->process->rlimits[0].resource, RLIMIT_NOFILE, "%s: RLIMIT_NOFILE", name);
                ok(s->root->readonly, "%s: readonly root", name);
                is_int(s->linux_->n_masked_paths, 11, "%s: maskedPaths", name);
                is_int(s->linux_->n_readonly_paths, 5, "%s: readonlyPaths", name);
                is_int(s->linux_->n_namespaces, 6, "%s: namespaces", name);
                ok((spec_find_ns(s, SPEC_NS_NETWORK) == NULL) == (rootless == 1), "%s: network namespace only as root", name);
                ok((spec_find_ns(s, SPEC_NS_USER) != NULL) == (rootless == 1), "%s: user namespace only rootless", name);
                if (rootless) {
                        ok(s->linux_->n_uid_mappings == 1 && s->linux_->uid_mappings[0].host_id == 1234 &&
                                   s->linux_->uid_mappings[0].container_id == 0 && s->linux_->uid_mappings[0].size == 1,
                           "rootless: uid mapping of the caller");
                        ok(s->linux_->n_gid_mappings == 1 && s->linux_->gid_mappings[0].host_id == 5678,
                           "rootless: gid mapping of the caller");
                        is_int(s->n_mounts, 6, "rootless: mounts");
                        is_str(s->mounts[5].source, "/sys", "rootless: /sys is a bind mount");
                        ok(!strv_contains(s->mounts[2].options, "gid=5"), "rootless: devpts without gid=5");
                } else {
                        is_int(s->n_mounts, 7, "root: mounts");
                        is_str(s->mounts[6].destination, "/sys/fs/cgroup", "root: cgroup mount");
                        ok(strv_contains(s->mounts[2].options, "gid=5"), "root: devpts with gid=5");
                }
                if (dfd < 0 || write_file_atomic_at(dfd, strrchr(file, '/') + 1, text, strlen(text), 0644) < 0) {
                        ok(false, "write %s", file);
                        continue;
                }
                if (!no_schema)
                        is_int(check_schema(file), 0, "%s validates against config-schema.json", name);
                else
                        skip("%s validates against config-schema.json: %s", name, no_schema);
        }
        if (dfd >= 0) {
                int parent = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                (void) rm_rf_at(parent, strrchr(tmpl, '/') + 1);
                close(parent);
                close(dfd);
        }
}

int
main(void)
{
        test_own_fixtures();
        test_spec_examples();
        test_spec_bad_reasons();
        test_bad_table();
        test_hints();
        test_versions();
        test_full();
        test_good_details();
        test_ns_names();
        test_load_errors();
        test_default();
        return tap_done();
}
