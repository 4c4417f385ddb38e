/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-util.c: the leaf helpers (str.c, util-fd.c, util-fs.c) and the error object
 * (error.c). Files are only created inside a mkdtemp() directory; fd tests run in a child so the
 * test's own descriptors (and valgrind's) are never touched. */
#include "config.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/tap.h"
#include "base/base.h"

static void
test_parse_uint64(void)
{
        uint64_t v = 42;

        ok(parse_uint64("0", UINT64_MAX, &v) == 0 && v == 0, "parse_uint64 0");
        ok(parse_uint64("18446744073709551615", UINT64_MAX, &v) == 0 && v == UINT64_MAX, "parse_uint64 max");
        is_int(parse_uint64("18446744073709551616", UINT64_MAX, &v), -ERANGE, "parse_uint64 2^64 is ERANGE");
        is_int(parse_uint64("99999999999999999999999", UINT64_MAX, &v), -ERANGE, "parse_uint64 huge is ERANGE");
        is_int(parse_uint64("5", 4, &v), -ERANGE, "parse_uint64 above max is ERANGE");
        ok(parse_uint64("4", 4, &v) == 0 && v == 4, "parse_uint64 equal to max");
        v = 7;
        is_int(parse_uint64("-1", UINT64_MAX, &v), -EINVAL, "parse_uint64 -1 is EINVAL");
        is_int(v, 7, "parse_uint64 leaves *ret alone on failure");
        is_int(parse_uint64("", UINT64_MAX, &v), -EINVAL, "parse_uint64 empty");
        is_int(parse_uint64(NULL, UINT64_MAX, &v), -EINVAL, "parse_uint64 NULL");
        is_int(parse_uint64(" 1", UINT64_MAX, &v), -EINVAL, "parse_uint64 leading space");
        is_int(parse_uint64("+1", UINT64_MAX, &v), -EINVAL, "parse_uint64 plus sign");
        is_int(parse_uint64("1 ", UINT64_MAX, &v), -EINVAL, "parse_uint64 trailing space");
        is_int(parse_uint64("12a", UINT64_MAX, &v), -EINVAL, "parse_uint64 trailing garbage");
        is_int(parse_uint64("0x10", UINT64_MAX, &v), -EINVAL, "parse_uint64 hex");
        ok(parse_uint64("010", UINT64_MAX, &v) == 0 && v == 10, "parse_uint64 leading zero is decimal");
}

static void
test_parse_int(void)
{
        int v = 42;

        ok(parse_int("0", &v) == 0 && v == 0, "parse_int 0");
        ok(parse_int("-1", &v) == 0 && v == -1, "parse_int -1");
        ok(parse_int("2147483647", &v) == 0 && v == INT32_MAX, "parse_int INT32_MAX");
        ok(parse_int("-2147483648", &v) == 0 && v == INT32_MIN, "parse_int INT32_MIN");
        is_int(parse_int("2147483648", &v), -ERANGE, "parse_int INT32_MAX + 1");
        is_int(parse_int("-2147483649", &v), -ERANGE, "parse_int INT32_MIN - 1");
        is_int(parse_int("99999999999999999999", &v), -ERANGE, "parse_int beyond long");
        v = 7;
        is_int(parse_int("", &v), -EINVAL, "parse_int empty");
        is_int(parse_int("1x", &v), -EINVAL, "parse_int trailing garbage");
        is_int(parse_int("-", &v), -EINVAL, "parse_int lone minus");
        is_int(parse_int("0x1", &v), -EINVAL, "parse_int hex");
        is_int(v, 7, "parse_int leaves *ret alone on failure");
        is_int(parse_int(NULL, &v), -EINVAL, "parse_int NULL");
}

static void
test_parse_bit_list(void)
{
        unsigned long m[2] = { 0 };
        int max = 0;

        ok(parse_bit_list("0-3,7", m, 128, &max) == 0 && m[0] == 0x8f && m[1] == 0 && max == 7, "parse_bit_list 0-3,7");
        m[0] = 0;
        ok(parse_bit_list("65", m, 128, &max) == 0 && m[0] == 0 && m[1] == 2 && max == 65, "parse_bit_list 65 in the second word");
        ok(parse_bit_list("", m, 128, &max) == 0 && max == -1, "parse_bit_list empty: nothing, max -1");
        is_int(parse_bit_list("128", m, 128, &max), -ERANGE, "parse_bit_list nbits is ERANGE");
        is_int(parse_bit_list("3-1", m, 128, &max), -EINVAL, "parse_bit_list reversed range");
        is_int(parse_bit_list(" 1", m, 128, &max), -EINVAL, "parse_bit_list leading space");
        is_int(parse_bit_list("+1", m, 128, &max), -EINVAL, "parse_bit_list sign");
        is_int(parse_bit_list("1-", m, 128, &max), -EINVAL, "parse_bit_list open range");
        is_int(parse_bit_list("1;2", m, 128, &max), -EINVAL, "parse_bit_list bad separator");
}

static void
test_strv(void)
{
        _cleanup_strv_ char **v = NULL, **c = NULL;

        is_int(strv_length(NULL), 0, "strv_length(NULL)");
        ok(!strv_contains(NULL, "a"), "strv_contains(NULL)");
        strv_push(&v, "a");
        strv_push(&v, "b");
        strv_push(&v, "");
        is_int(strv_length(v), 3, "strv_push x3");
        ok(v[3] == NULL, "NULL-terminated");
        is_str(v[1], "b", "order kept");
        ok(strv_contains(v, "b") && strv_contains(v, "") && !strv_contains(v, "c"), "strv_contains");
        c = strv_copy(v);
        ok(c != v && c[0] != v[0] && strv_length(c) == 3 && streq(c[2], ""), "strv_copy is deep");
        {
                char **e = strv_copy(NULL);
                ok(e && e[0] == NULL, "strv_copy(NULL) is an empty vector");
                strv_free(e);
        }
        strv_free(NULL);
        ok(true, "strv_free(NULL)");
        ok(startswith("net.ipv4", "net.") && !startswith("ne", "net.") && startswith("x", ""), "startswith");
}

static int
make_tmpdir(char *tmpl)
{
        if (!mkdtemp(tmpl))
                return -1;
        return open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* write_file_atomic_at() takes a plain name (its temp file sits next to it), so nested test
 * files are made directly. */
static int
touch_at(int dfd, const char *path, mode_t mode)
{
        _cleanup_close_ int fd = openat(dfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

        return fd < 0 ? -errno : 0;
}

static void
test_files(void)
{
        char tmpl[] = "/tmp/test-util-XXXXXX";
        _cleanup_close_ int dfd = make_tmpdir(tmpl), root = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL, *big = NULL, *big_read = NULL;
        struct stat st;
        size_t len = 99;

        if (!ok(dfd >= 0, "mkdtemp %s", tmpl))
                return;

        is_int(write_file_atomic_at(dfd, "state.json", "{\"a\":1}", 7, 0600), 0, "write_file_atomic_at");
        ok(read_file_at(dfd, "state.json", &buf, &len) == 0 && len == 7 && streq(buf, "{\"a\":1}"),
           "read_file_at reads it back");
        ok(fstatat(dfd, "state.json", &st, 0) == 0 && (st.st_mode & 07777) == 0600, "mode 0600");
        ok(faccessat(dfd, ".state.json.tmp", F_OK, 0) < 0 && errno == ENOENT, "no temp file left");
        free(buf);
        buf = NULL;
        is_int(write_file_atomic_at(dfd, "state.json", "x", 1, 0600), 0, "atomic replace");
        ok(read_file_at(dfd, "state.json", &buf, NULL) == 0 && streq(buf, "x"), "replaced content, shorter");
        free(buf);
        buf = NULL;
        ok(write_file_atomic_at(dfd, "empty", "", 0, 0644) == 0 && read_file_at(dfd, "empty", &buf, &len) == 0 &&
                   len == 0 && buf[0] == '\0',
           "empty file round trip");

        /* Bigger than read_file_at's first buffer. */
        big = xmalloc(100001);
        for (size_t i = 0; i < 100000; i++)
                big[i] = (char) ('a' + i % 26);
        big[100000] = '\0';
        ok(write_file_atomic_at(dfd, "big", big, 100000, 0644) == 0 &&
                   read_file_at(dfd, "big", &big_read, &len) == 0 && len == 100000 && streq(big, big_read),
           "100000-byte round trip");

        {
                char *never = NULL;
                is_int(read_file_at(dfd, "missing", &never, NULL), -ENOENT, "read_file_at missing: -ENOENT");
                ok(never == NULL, "read_file_at leaves *ret alone on failure");
        }
        is_int(write_file_at(dfd, "missing", "x", 1), -ENOENT, "write_file_at does not create files");
        is_int(write_file_at(dfd, "empty", "abc", 3), 0, "write_file_at on an existing file");

        /* rm_rf_at: a tree with a symlink pointing outside, which must not be followed. */
        ok(mkdirat(dfd, "tree", 0755) == 0 && mkdirat(dfd, "tree/a", 0755) == 0 &&
                   mkdirat(dfd, "tree/a/b", 0700) == 0 && mkdirat(dfd, "outside", 0755) == 0,
           "make a tree");
        ok(touch_at(dfd, "tree/a/b/f", 0400) == 0 && touch_at(dfd, "outside/keep", 0644) == 0, "files in it");
        {
                _cleanup_free_ char *target = xasprintf("%s/outside", tmpl);
                ok(symlinkat(target, dfd, "tree/a/link") == 0, "symlink out of the tree");
        }
        is_int(rm_rf_at(dfd, "tree"), 0, "rm_rf_at");
        ok(faccessat(dfd, "tree", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT, "tree is gone");
        ok(faccessat(dfd, "outside/keep", F_OK, 0) == 0, "symlink target survives");
        is_int(rm_rf_at(dfd, "tree"), 0, "rm_rf_at on a missing name is fine");
        /* A bind mount of the same file system inside (a rootfs a killed restore left bound into
         * its state dir): not entered, its files survive. Root only (mount). */
        if (geteuid() == 0 && mkdirat(dfd, "tree", 0755) == 0 && mkdirat(dfd, "tree/m", 0755) == 0) {
                _cleanup_free_ char *src = xasprintf("%s/outside", tmpl), *dst = xasprintf("%s/tree/m", tmpl);
                bool bound = mount(src, dst, NULL, MS_BIND, NULL) == 0;

                ok(bound, "bind a directory of the same file system into the tree");
                is_int(rm_rf_at(dfd, "tree"), -EBUSY, "rm_rf_at stops at a bind mount of the same file system");
                ok(faccessat(dfd, "outside/keep", F_OK, 0) == 0, "the bind mount's files survive");
                if (bound)
                        (void) umount2(dst, MNT_DETACH);
                is_int(rm_rf_at(dfd, "tree"), 0, "rm_rf_at once it is unmounted");
        }
        is_int(rm_rf_at(dfd, "big"), 0, "rm_rf_at on a plain file");

        is_int(rm_rf_at(root, strrchr(tmpl, '/') + 1), 0, "remove the temp dir");
}

/* Runs in: a forked child, so closing fds cannot disturb the test or valgrind. */
static int
close_fds_child(void)
{
        int base = 200, low, fds[5], keep[2], bits = 0;

        low = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 150);
        for (int i = 0; i < 5; i++)
                fds[i] = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, base + i);
        keep[0] = fds[1];
        keep[1] = fds[3];
        if (close_fds_from(base, keep, 2) < 0)
                return 0x80;
        for (int i = 0; i < 5; i++) {
                bool open_ = fcntl(fds[i], F_GETFD) >= 0;
                bool want = i == 1 || i == 3;
                if (open_ != want)
                        bits |= 1 << i;
        }
        if (fcntl(low, F_GETFD) < 0)
                bits |= 0x20; /* below `from`: must stay */
        if (fcntl(STDOUT_FILENO, F_GETFD) < 0)
                bits |= 0x40;
        return bits;
}

static void
test_close_fds(void)
{
        pid_t pid = fork();
        int st;

        if (pid == 0)
                _exit(close_fds_child());
        ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st), "close_fds_from child ran");
        if (!ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "close_fds_from keeps the listed fds and closes the others"))
                diag("  failure bits 0x%x", WEXITSTATUS(st));
}

static void
test_errors(void)
{
        ocirt_error *e = NULL;
        int r;

        r = ocirt_fail_at(&e, EINVAL, "config.json: .process.args", "use an array", "inner %d", 1);
        is_int(r, -EINVAL, "ocirt_fail_at returns -errnum");
        is_str(e->msg, "inner 1", "message formatted");
        r = ocirt_wrap(&e, "outer %s", "x");
        is_int(r, -EINVAL, "ocirt_wrap returns -errnum");
        is_str(e->msg, "outer x: inner 1", "wrap prefixes 'outer: inner'");
        ocirt_wrap(&e, "top");
        is_str(e->msg, "top: outer x: inner 1", "wrap twice reads outermost first");
        is_str(e->where, "config.json: .process.args", "where kept");
        is_str(e->hint, "use an array", "hint kept");

        /* A second failure keeps the first: it is the root cause. */
        r = ocirt_fail(&e, ENOENT, "second");
        is_int(r, -EINVAL, "second ocirt_fail returns the first errnum");
        is_str(e->msg, "top: outer x: inner 1", "second ocirt_fail keeps the first message");
        r = ocirt_fail_at(&e, EPERM, "elsewhere", NULL, "third");
        is_str(e->where, "config.json: .process.args", "and the first where");

        is_int(ocirt_error_errno(e), EINVAL, "ocirt_error_errno");
        is_str(ocirt_error_message(e), e->msg, "ocirt_error_message");
        is_str(ocirt_error_where(e), e->where, "ocirt_error_where");
        is_str(ocirt_error_hint(e), e->hint, "ocirt_error_hint");
        e = ocirt_error_free(e);
        ok(e == NULL, "ocirt_error_free returns NULL");
        ok(ocirt_error_free(NULL) == NULL && ocirt_error_errno(NULL) == 0 && !ocirt_error_message(NULL) &&
                   !ocirt_error_where(NULL) && !ocirt_error_hint(NULL),
           "accessors are NULL-safe");

        is_int(ocirt_fail(NULL, ENOENT, "nobody listens"), -ENOENT, "NULL err pointer still returns -errnum");
        r = ocirt_fail(&e, 0, "no errno");
        is_int(r, -EIO, "errnum 0 becomes EIO");
        e = ocirt_error_free(e);
        r = ocirt_fail(&e, -5, "negative errno");
        is_int(r, -EIO, "negative errnum becomes EIO");
        e = ocirt_error_free(e);

        /* System errors carry strerror's wording, lowercased (podman matches on it). */
        ocirt_fail(&e, ENOENT, "open '%s'", "/x");
        ok(e && strstr(e->msg, "open '/x'") && strstr(e->msg, "no such file or directory"),
           "ENOENT message carries 'no such file or directory': %s", e ? e->msg : "");
        ok(e && e->where == NULL && e->hint == NULL, "ocirt_fail has no where or hint");
        e = ocirt_error_free(e);

        /* From the child: "where\x1fhint\x1fmessage". */
        r = ocirt_error_from_child(&e, EPERM, "config.json: .linux.sysctl\x1fremove it\x1fwrite failed");
        is_int(r, -EPERM, "from_child returns -errnum");
        is_int(e->errnum, EPERM, "from_child errnum");
        is_str(e->where, "config.json: .linux.sysctl", "from_child where");
        is_str(e->hint, "remove it", "from_child hint");
        is_str(e->msg, "write failed", "from_child message (not extended again)");
        ocirt_wrap(&e, "create 'c1'");
        is_str(e->msg, "create 'c1': write failed", "child errors can be wrapped");
        e = ocirt_error_free(e);

        ocirt_error_from_child(&e, EIO, "\x1f\x1fonly a message");
        ok(e && e->where == NULL && e->hint == NULL && streq(e->msg, "only a message"), "from_child empty fields");
        e = ocirt_error_free(e);

        ocirt_error_from_child(&e, EIO, "plain text without separators");
        ok(e && e->where == NULL && streq(e->msg, "plain text without separators"), "from_child plain message");
        e = ocirt_error_free(e);

        ocirt_error_from_child(&e, EIO, "w\x1fmessage\x1fwith\x1fmore");
        ok(e && streq(e->where, "w") && streq(e->hint, "message") && streq(e->msg, "with\x1fmore"),
           "from_child splits on the first two separators only");
        e = ocirt_error_free(e);
}

int
main(void)
{
        test_parse_uint64();
        test_parse_int();
        test_parse_bit_list();
        test_strv();
        test_files();
        test_close_fds();
        test_errors();
        return tap_done();
}
