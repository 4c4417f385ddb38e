/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-idmap.c: the pure parts of helpers/: /etc/subuid parsing (by name and by uid, comments,
 * junk), range coverage for the mapping check, the free-range proposal for the fix command, and the
 * --publish syntax. No files, no helpers run. */
#include "config.h"

#include "../lib/tap.h"
#include "base/base.h"
#include "config/spec.h"
#include "helpers/helpers.h"

static const char subuid[] = "# comment\n"
                             "alice:100000:65536\n"
                             "  bob:165536:65536\n"
                             "1001:231072:1000\n"
                             "1001:232072:64536\n"
                             "broken line\n"
                             "carol:notanumber:5\n"
                             "dave:300000:0\n"
                             "erin:4294967295:2\n"
                             "alice:500000:10";

static void
test_parse(void)
{
        struct subid_range *r = NULL;
        size_t n = 0;

        subid_parse(subuid, "alice", 5000, &r, &n);
        is_int(n, 2, "alice has two ranges");
        ok(n == 2 && r[0].start == 100000 && r[0].count == 65536, "alice's first range");
        ok(n == 2 && r[1].start == 500000 && r[1].count == 10, "alice's last line has no newline");
        free(r);
        subid_parse(subuid, "bob", 5000, &r, &n);
        ok(n == 1 && r[0].start == 165536, "leading blanks before the name");
        free(r);
        subid_parse(subuid, "nobody-here", 1001, &r, &n);
        is_int(n, 2, "a numeric owner matches the uid");
        free(r);
        subid_parse(subuid, "carol", 7, &r, &n);
        is_int(n, 0, "a non-numeric start is ignored");
        free(r);
        subid_parse(subuid, "dave", 7, &r, &n);
        is_int(n, 0, "a zero count is ignored");
        free(r);
        subid_parse(subuid, "erin", 7, &r, &n);
        is_int(n, 0, "a range past 2^32 is ignored");
        free(r);
        subid_parse("", "alice", 1, &r, &n);
        is_int(n, 0, "an empty file");
        free(r);
}

static void
test_covers(void)
{
        struct subid_range r[] = { { 100000, 65536 }, { 165536, 100 }, { 300000, 10 } };
        uint64_t bad = 0;

        ok(subid_covers(r, 3, 100000, 65536, NULL), "exactly one range");
        ok(subid_covers(r, 3, 100000, 65636, NULL), "two adjacent ranges");
        ok(!subid_covers(r, 3, 100000, 65637, &bad) && bad == 165636, "one past the adjacent ranges names the first bad id");
        ok(!subid_covers(r, 3, 99999, 2, &bad) && bad == 99999, "starting below a range");
        ok(subid_covers(r, 3, 300005, 5, NULL), "the end of a range");
        ok(!subid_covers(r, 0, 1, 1, &bad) && bad == 1, "no ranges at all");
}

static void
test_free_start(void)
{
        is_int((long long) subid_free_start(""), 131072, "empty file: the first multiple of 65536 above 100000");
        is_int((long long) subid_free_start("a:100000:65536\n"), 196608, "above 165536, rounded to 65536");
        is_int((long long) subid_free_start("a:100000:65536\nb:165536:65536\n"), 262144, "above two ranges");
}

static void
test_publish(void)
{
        struct helper_publish p;
        ocirt_error *e = NULL;

        ok(helper_parse_publish("8080:80", &p, &e) == 0 && p.host_port == 8080 && p.container_port == 80 && !p.udp &&
                   strcmp(p.host_addr, "0.0.0.0") == 0,
           "HOST:CONTAINER defaults to tcp on 0.0.0.0");
        ok(helper_parse_publish("127.0.0.1:53:5353/udp", &p, &e) == 0 && p.udp && p.host_port == 53 &&
                   strcmp(p.host_addr, "127.0.0.1") == 0,
           "IP:HOST:CONTAINER/udp");
        ok(helper_parse_publish("[::1]:8080:80/tcp", &p, &e) == 0 && strcmp(p.host_addr, "::1") == 0, "an IPv6 host address");
        ok(helper_parse_publish("8080", &p, &e) < 0 && e, "one port is refused");
        e = ocirt_error_free(e);
        ok(helper_parse_publish("8080:70000", &p, &e) < 0, "a port above 65535 is refused");
        e = ocirt_error_free(e);
        ok(helper_parse_publish("8080:80/sctp", &p, &e) < 0, "an unknown protocol is refused");
        e = ocirt_error_free(e);
}

int
main(void)
{
        test_parse();
        test_covers();
        test_free_start();
        test_publish();
        return tap_done();
}
