/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-sdprop.c: the org.systemd.property.NAME annotations of the systemd cgroup driver
 * (cgroup-systemd.c), parsed from runc's GVariant text form into the unit's properties, without
 * D-Bus: what each accepted form becomes ("NAME SIGNATURE VALUE"), and that each refused one fails
 * with an error that points at its annotation and says what would be right. The end-to-end run with
 * systemd is tests/integration/610-cgroups-systemd.sh, in the VM.
 *
 * The cases follow runc (godbus ParseVariant, libcontainer/specconv TestInitSystemdProps) and GLib's
 * GVariant text format page, for the types systemd's properties have. */
#include "config.h"

#include "../lib/tap.h"

#ifndef HAVE_SYSTEMD

int
main(void)
{
        printf("1..0 # SKIP built without sd-bus.h (HAVE_SYSTEMD unset): no systemd cgroup driver\n");
        return 0;
}

#else

#include "cgroup/cgroup-systemd-props.h"
#include "base/base.h"
#include "config/spec.h"

#define PREFIX "org.systemd.property."
#define KV(k, v) { (char *) (k), (char *) (v) }

/* What each kind of refusal says: fragments of the error's hint and message. */
enum why { PARSE, NAME, SECONDS, OWN, DELEGATE, CONFLICT };
static const struct {
        const char *label, *hint, *msg;
} whys[] = {
        [PARSE] = { "not a value", "give a GVariant text value: 'string' or \"string\", true or false, a typed number (uint64 N",
                    "cannot parse '" },
        [NAME] = { "bad name", "name a systemd unit property", "is not a systemd property name" },
        [SECONDS] = { "not seconds", "give a number of seconds", "is not a number of seconds for" },
        [OWN] = { "ocirt's own", ".linux.cgroupsPath", "ocirt sets" },
        [DELEGATE] = { "must be delegated", "make it true", "Delegate=true" },
        [CONFLICT] = { "set by the config too", "set the limit in one place only", "is set from .linux.resources" },
};

/* s with control characters shown as escapes, for a one-line test description. Four buffers in turn,
 * so one description can show a few. */
static const char *
vis(const char *s)
{
        static char bufs[4][512];
        static unsigned k;
        char *b = bufs[k++ % 4], *o = b;

        for (; *s && o < b + sizeof bufs[0] - 8; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '\n')
                        o += sprintf(o, "\\n");
                else if (c == '\t')
                        o += sprintf(o, "\\t");
                else if (c < 0x20 || c == 0x7f)
                        o += sprintf(o, "\\x%02x", c);
                else
                        *o++ = (char) c;
        }
        *o = '\0';
        return b;
}

/* The properties for these annotations and resources (either may be none). */
static int
props(const struct spec_kv *ann, size_t n, struct spec_resources *res, char **ret, ocirt_error **err)
{
        struct spec_linux linux_ = { .resources = res };
        struct spec spec = { .annotations = (struct spec_kv *) ann, .n_annotations = n, .linux_ = res ? &linux_ : NULL };

        return cgroup_systemd_props_text(&spec, ret, err);
}

/* NAME=VALUE, alone in the config, gives `want` (one line, or several with resources). */
static void
accept_with(struct spec_resources *res, const char *name, const char *value, const char *want)
{
        _cleanup_free_ char *key = xasprintf(PREFIX "%s", name), *got = NULL;
        struct spec_kv ann[] = { KV(key, value) };
        _cleanup_error_ ocirt_error *err = NULL;
        int r = props(ann, 1, res, &got, &err);

        if (!ok(r == 0 && got && streq(got, want), "%s=%s gives \"%s\"", vis(name), vis(value), vis(want))) {
                if (r < 0)
                        diag("  refused (%d): %s (hint: %s)", r, err ? vis(err->msg) : "?", err && err->hint ? err->hint : "-");
                else
                        diag("  got \"%s\"", vis(got ? got : "(null)"));
        }
}

static void
accept(const char *name, const char *value, const char *want)
{
        accept_with(NULL, name, value, want);
}

/* NAME=VALUE is refused: -EINVAL, nothing returned, and an error at the annotation (in the config
 * file, "config.json" when it has no path) that names the property (or the value) and says why. */
static void
refuse_with(struct spec_resources *res, const char *name, const char *value, enum why why, const char *also)
{
        _cleanup_free_ char *key = xasprintf(PREFIX "%s", name), *got = NULL;
        _cleanup_free_ char *where = xasprintf("config.json: .annotations[\"%s\"]", key);
        struct spec_kv ann[] = { KV(key, value) };
        _cleanup_error_ ocirt_error *err = NULL;
        int r = props(ann, 1, res, &got, &err);
        /* The message names the property (a conflict: as converted, e.g. NAMEUSec; see `also`), and
         * the value when that is what is wrong. */
        bool good = r == -EINVAL && !got && err && err->errnum == EINVAL && err->where && streq(err->where, where) &&
                    err->hint && strstr(err->hint, whys[why].hint) && strstr(err->msg, whys[why].msg) &&
                    (why == CONFLICT || strstr(err->msg, name)) &&
                    (why != PARSE && why != SECONDS ? true : strstr(err->msg, value) != NULL) &&
                    (!also || strstr(err->msg, also));

        if (!ok(good, "%s=%s is refused: %s", vis(name), vis(value), whys[why].label)) {
                if (r == 0)
                        diag("  accepted: \"%s\"", vis(got ? got : "(null)"));
                else if (err)
                        diag("  r=%d where=%s msg=%s hint=%s", r, err->where ? err->where : "-", vis(err->msg),
                             err->hint ? err->hint : "-");
                else
                        diag("  r=%d and no error", r);
        }
}

static void
refuse(const char *name, const char *value, enum why why)
{
        refuse_with(NULL, name, value, why, NULL);
}

static void
test_strings(void)
{
        accept("CollectMode", "'inactive-or-failed'", "CollectMode s 'inactive-or-failed'");
        accept("CollectMode", "\"inactive-or-failed\"", "CollectMode s 'inactive-or-failed'");
        accept("Description", "''", "Description s ''");
        accept("Description", "\"\"", "Description s ''");
        accept("Description", "  'padded'\t\n", "Description s 'padded'");
        accept("Description", "'a b  c'", "Description s 'a b  c'");
        accept("Description", "\"it's\"", "Description s 'it's'");
        accept("Description", "'say \"hi\"'", "Description s 'say \"hi\"'");
        accept("Description", "'it\\'s'", "Description s 'it's'");
        accept("Description", "\"say \\\"hi\\\"\"", "Description s 'say \"hi\"'");
        accept("Description", "'back\\\\slash'", "Description s 'back\\slash'");
        accept("Description", "'a\\nb\\tc\\rd'", "Description s 'a\nb\tc\rd'");
        accept("Description", "'\\a\\b\\f\\v'", "Description s '\a\b\f\v'");
        accept("Description", "'one\\\ntwo'", "Description s 'onetwo'"); /* backslash-newline is dropped */
        accept("Description", "'\\q\\[\\''", "Description s 'q[''");     /* other escapes: the character */
        accept("Description", "'caf\\u00e9'", "Description s 'caf\xc3\xa9'");
        accept("Description", "'\\u20AC'", "Description s '\xe2\x82\xac'");
        accept("Description", "'\\U0001F600'", "Description s '\xf0\x9f\x98\x80'");
        accept("Description", "'\\u0041\\U00000042'", "Description s 'AB'");
        accept("Description", "'caf\xc3\xa9'", "Description s 'caf\xc3\xa9'");
        accept("Description", "'[1, 2]'", "Description s '[1, 2]'");
        accept("Description", "string 'typed'", "Description s 'typed'");
        accept("Description", "@s \"coded\"", "Description s 'coded'");

        refuse("Description", "'unterminated", PARSE);
        refuse("Description", "\"unterminated", PARSE);
        refuse("Description", "'mixed\"", PARSE);
        refuse("Description", "'escaped end\\'", PARSE);
        refuse("Description", "'backslash at the end\\", PARSE);
        refuse("Description", "'", PARSE);
        refuse("Description", "'a' x", PARSE);
        refuse("Description", "'a''b'", PARSE);
        refuse("Description", "'a' 'b'", PARSE);
        refuse("Description", "'a',", PARSE);
        refuse("Description", "x'a'", PARSE);
        refuse("Description", "inactive-or-failed", PARSE); /* a bare word (runc: "invalid-value") */
        refuse("Description", "'\\u00e'", PARSE);           /* short \u */
        refuse("Description", "'\\u00zz'", PARSE);
        refuse("Description", "'\\U0001F60'", PARSE);
        refuse("Description", "'\\u0000'", PARSE);          /* NUL cannot be in a D-Bus string */
        refuse("Description", "'\\ud800'", PARSE);          /* a surrogate is not a character */
        refuse("Description", "'\\U00110000'", PARSE);      /* beyond Unicode */
        refuse("Description", "b'bytes'", PARSE);           /* a bytestring (ay): not taken */
        refuse("Description", "objectpath '/a'", PARSE);
        refuse("Description", "string 5", PARSE);
        refuse("Description", "string true", PARSE);
        refuse("Description", "string ['a']", PARSE);
        refuse("Description", "@s 5", PARSE);
}

static void
test_booleans(void)
{
        accept("Delegate", "true", "Delegate b true");
        accept("DefaultDependencies", "false", "DefaultDependencies b false");
        accept("DefaultDependencies", " true\n", "DefaultDependencies b true");
        accept("DefaultDependencies", "boolean false", "DefaultDependencies b false");
        accept("DefaultDependencies", "@b true", "DefaultDependencies b true");

        refuse("DefaultDependencies", "True", PARSE);
        refuse("DefaultDependencies", "TRUE", PARSE);
        refuse("DefaultDependencies", "yes", PARSE);
        refuse("DefaultDependencies", "truex", PARSE);
        refuse("DefaultDependencies", "true x", PARSE);
        refuse("DefaultDependencies", "true false", PARSE);
        refuse("DefaultDependencies", "boolean 1", PARSE);
        refuse("DefaultDependencies", "boolean 'true'", PARSE);
        refuse("DefaultDependencies", "@b 'true'", PARSE);
        refuse("DefaultDependencies", "int32 true", PARSE);
        refuse("DefaultDependencies", "uint64 false", PARSE);
}

static void
test_typed_numbers(void)
{
        accept("TimeoutStopUSec", "uint64 123456789", "TimeoutStopUSec t 123456789"); /* runc's docs */
        accept("Value", "uint64 0", "Value t 0");
        accept("Value", "uint64 18446744073709551615", "Value t 18446744073709551615");
        accept("Value", "int64 9223372036854775807", "Value x 9223372036854775807");
        accept("Value", "int64 -9223372036854775808", "Value x -9223372036854775808");
        accept("Value", "uint32 4294967295", "Value u 4294967295");
        accept("Value", "int32 -5", "Value i -5");
        accept("Value", "int32 2147483647", "Value i 2147483647");
        accept("Value", "int32 -2147483648", "Value i -2147483648");
        accept("Value", "uint16 65535", "Value q 65535");
        accept("Value", "int16 -32768", "Value n -32768");
        accept("Value", "int16 32767", "Value n 32767");
        accept("Value", "byte 255", "Value y 255");
        accept("Value", "byte 0", "Value y 0");
        accept("Value", "double 1.5", "Value d 1.5");
        accept("Value", "double 5", "Value d 5");
        accept("Value", "double -0.25", "Value d -0.25");
        accept("Value", "double 2.5e3", "Value d 2500");
        accept("Value", "double 1e308", "Value d 1e+308");
        accept("Value", "uint64\t7", "Value t 7");
        accept("Value", "uint64    7  ", "Value t 7");
        /* type codes, as GVariant takes them */
        accept("Value", "@t 5", "Value t 5");
        accept("Value", "@x -5", "Value x -5");
        accept("Value", "@u 5", "Value u 5");
        accept("Value", "@i -5", "Value i -5");
        accept("Value", "@q 5", "Value q 5");
        accept("Value", "@n -5", "Value n -5");
        accept("Value", "@y 5", "Value y 5");
        accept("Value", "@d 2.5", "Value d 2.5");
        /* hex and octal, as GVariant (and runc) read them */
        accept("Value", "uint64 0x10", "Value t 16");
        accept("Value", "uint64 0xffffffffffffffff", "Value t 18446744073709551615");
        accept("Value", "byte 0xff", "Value y 255");
        accept("Value", "uint32 010", "Value u 8");
        accept("Value", "int32 -0x10", "Value i -16");

        /* out of range for the type */
        refuse("Value", "byte 256", PARSE);
        refuse("Value", "byte 0x100", PARSE);
        refuse("Value", "byte -1", PARSE);
        refuse("Value", "int16 32768", PARSE);
        refuse("Value", "int16 -32769", PARSE);
        refuse("Value", "uint16 65536", PARSE);
        refuse("Value", "uint16 -1", PARSE);
        refuse("Value", "int32 2147483648", PARSE);
        refuse("Value", "int32 -2147483649", PARSE);
        refuse("Value", "uint32 4294967296", PARSE);
        refuse("Value", "uint32 -1", PARSE);
        refuse("Value", "int64 9223372036854775808", PARSE);
        refuse("Value", "int64 -9223372036854775809", PARSE);
        refuse("Value", "uint64 18446744073709551616", PARSE);
        refuse("Value", "uint64 99999999999999999999999", PARSE);
        refuse("Value", "uint64 -1", PARSE);
        refuse("Value", "double 1e999", PARSE);
        /* not a number of that type */
        refuse("Value", "uint64 1.5", PARSE);
        refuse("Value", "int32 1e3", PARSE);
        refuse("Value", "uint64 5 6", PARSE);
        refuse("Value", "uint64 5x", PARSE);
        refuse("Value", "uint64 5,", PARSE);
        refuse("Value", "uint64 +5", PARSE);
        refuse("Value", "uint64 --5", PARSE);
        refuse("Value", "uint64 0x", PARSE);
        refuse("Value", "uint64 0x1g", PARSE);
        refuse("Value", "uint64 08", PARSE); /* 0 starts octal */
        refuse("Value", "uint64 'x'", PARSE);
        refuse("Value", "uint64 ['5']", PARSE);
        refuse("Value", "double 'x'", PARSE);
        refuse("Value", "double nan", PARSE);
        refuse("Value", "double inf", PARSE);
        refuse("Value", "double -inf", PARSE);
        refuse("Value", "uint64", PARSE);
        refuse("Value", "uint64   ", PARSE);
        refuse("Value", "@t", PARSE);
        /* type words and codes that are not taken */
        refuse("Value", "uint8 5", PARSE);
        refuse("Value", "int 5", PARSE);
        refuse("Value", "float 1.5", PARSE);
        refuse("Value", "UINT64 5", PARSE);
        refuse("Value", "handle 1", PARSE);
        refuse("Value", "@z 5", PARSE);
        refuse("Value", "@tt 5", PARSE);
        refuse("Value", "@ 5", PARSE);
        refuse("Value", "@t5", PARSE);
        refuse("Value", "@au [5]", PARSE);
        refuse("Value", "@ai [1, 2]", PARSE);
}

static void
test_bare_numbers(void)
{
        /* GVariant: an integer is int32; a point or an exponent makes it a double */
        accept("Value", "5", "Value i 5");
        accept("Value", "-5", "Value i -5");
        accept("Value", "0", "Value i 0");
        accept("Value", " 42 ", "Value i 42");
        accept("Value", "2147483647", "Value i 2147483647");
        accept("Value", "-2147483648", "Value i -2147483648");
        accept("Value", "0x10", "Value i 16");
        accept("Value", "0X1f", "Value i 31");
        accept("Value", "0xE", "Value i 14"); /* an e among hex digits is not an exponent */
        accept("Value", "-0x10", "Value i -16");
        accept("Value", "010", "Value i 8");
        accept("Value", "1.5", "Value d 1.5");
        accept("Value", "-2.25", "Value d -2.25");
        accept("Value", "0.1", "Value d 0.1");
        accept("Value", "2.5e3", "Value d 2500");
        accept("Value", "1e3", "Value d 1000");
        accept("Value", "1E3", "Value d 1000");
        accept("Value", "1e-3", "Value d 0.001");
        accept("Value", "234.789", "Value d 234.789");

        refuse("Value", "2147483648", PARSE);
        refuse("Value", "-2147483649", PARSE);
        refuse("Value", "4294967295", PARSE);
        refuse("Value", "1e999", PARSE);
        refuse("Value", "", PARSE);
        refuse("Value", "   ", PARSE);
        refuse("Value", "-", PARSE);
        refuse("Value", "5x", PARSE);
        refuse("Value", "5 6", PARSE);
        refuse("Value", "1.5.2", PARSE);
        refuse("Value", "1.5x", PARSE);
        refuse("Value", "08", PARSE);
        refuse("Value", "0x", PARSE);
        refuse("Value", "nan", PARSE);
        refuse("Value", "inf", PARSE);
        refuse("Value", "--5", PARSE);
        refuse("Value", "<5>", PARSE);       /* a variant */
        refuse("Value", "(1, 2)", PARSE);    /* a tuple */
        refuse("Value", "{'a': 1}", PARSE);  /* a dict */
        refuse("Value", "nothing", PARSE);   /* a maybe */
        refuse("Value", "just 5", PARSE);
}

static void
test_lists(void)
{
        accept("Wants", "['a', 'b']", "Wants as ['a', 'b']");
        accept("Wants", "['a.service']", "Wants as ['a.service']");
        accept("Wants", "[\"a\",'b']", "Wants as ['a', 'b']");
        accept("Wants", "[ 'a' ]", "Wants as ['a']");
        accept("Wants", "  ['a',\t'b',\n'c']  ", "Wants as ['a', 'b', 'c']");
        accept("Wants", "['a,b', 'c]d', 'e\\'f', '']", "Wants as ['a,b', 'c]d', 'e'f', '']");
        accept("Wants", "['tab\\there']", "Wants as ['tab\there']");
        accept("Wants", "@as ['x', 'y']", "Wants as ['x', 'y']");
        accept("Wants", "@as []", "Wants as []");
        accept("Wants", "@as [ ]", "Wants as []");

        refuse("Wants", "[]", PARSE); /* GVariant needs the type of an empty array: @as [] */
        refuse("Wants", "[ ]", PARSE);
        refuse("Wants", "['a',]", PARSE);
        refuse("Wants", "[,'a']", PARSE);
        refuse("Wants", "['a',,'b']", PARSE);
        refuse("Wants", "['a' 'b']", PARSE);
        refuse("Wants", "['a'", PARSE);
        refuse("Wants", "['a', 'b'", PARSE);
        refuse("Wants", "['a]", PARSE);
        refuse("Wants", "[", PARSE);
        refuse("Wants", "['a'] x", PARSE);
        refuse("Wants", "['a']]", PARSE);
        refuse("Wants", "[a]", PARSE);
        refuse("Wants", "[1, 2]", PARSE);
        refuse("Wants", "['a', 5]", PARSE);
        refuse("Wants", "['a', true]", PARSE);
        refuse("Wants", "[['a']]", PARSE);
        refuse("Wants", "@as 'a'", PARSE);
        refuse("Wants", "@as [1]", PARSE);
        refuse("Wants", "@as[]", PARSE);
        refuse("Wants", "@as", PARSE);
        refuse("Wants", "uint64 ['a']", PARSE);
}

static void
test_seconds(void)
{
        /* runc and crun: NAMESec in seconds is NAMEUSec in microseconds (runc's TestInitSystemdProps) */
        accept("TimeoutStopSec", "456", "TimeoutStopUSec t 456000000");
        accept("TimeoutStopSec", "byte 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "int16 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "uint16 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "int32 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "uint32 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "int64 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "uint64 234", "TimeoutStopUSec t 234000000");
        accept("TimeoutStopSec", "234.789", "TimeoutStopUSec t 234789000");
        accept("TimeoutStopSec", "0.5", "TimeoutStopUSec t 500000");
        accept("TimeoutStopSec", "double 0.0000016", "TimeoutStopUSec t 2"); /* rounded to the microsecond */
        accept("TimeoutStopSec", "0", "TimeoutStopUSec t 0");
        accept("TimeoutStopSec", "uint64 18446744073709", "TimeoutStopUSec t 18446744073709000000");
        accept("RuntimeMaxSec", "2", "RuntimeMaxUSec t 2000000");
        accept("CPUQuotaPeriodSec", "uint64 1", "CPUQuotaPeriodUSec t 1000000");
        /* not a NAMESec: an upper-case letter before Sec (runc's FOOSec), or USec already */
        accept("FOOSec", "123", "FOOSec i 123");
        accept("TimeoutStopUSec", "uint64 5", "TimeoutStopUSec t 5");
        accept("TimeoutStopUSec", "5", "TimeoutStopUSec i 5");
        accept("TimeoutStopSecs", "5", "TimeoutStopSecs i 5");

        refuse("TimeoutStopSec", "false", SECONDS);      /* runc: bool is invalid */
        refuse("TimeoutStopSec", "'covfefe'", SECONDS);  /* runc: string is invalid */
        refuse("TimeoutStopSec", "'5'", SECONDS);
        refuse("TimeoutStopSec", "['5']", SECONDS);
        refuse("TimeoutStopSec", "-1", SECONDS);
        refuse("TimeoutStopSec", "int64 -1", SECONDS);
        refuse("TimeoutStopSec", "int16 -1", SECONDS);
        refuse("TimeoutStopSec", "-0.5", SECONDS);
        refuse("TimeoutStopSec", "uint64 18446744073710", SECONDS); /* * 10^6 > 2^64 - 1 */
        refuse("TimeoutStopSec", "double 1.8e13", SECONDS);
        refuse("TimeoutStopSec", "5s", PARSE);                      /* systemd's time span: not GVariant */
        refuse("TimeoutStopSec", "'5min'", SECONDS);
}

static void
test_names(void)
{
        /* runc: at least 3 letters; here also an upper-case first one, as systemd's properties have */
        refuse("Xo", "1", NAME);
        refuse("", "1", NAME);
        refuse("xxx", "1", NAME);
        refuse("timeoutStopUSec", "uint64 5", NAME);
        refuse("A name", "1", NAME);
        refuse("Timeout-Stop", "1", NAME);
        refuse("Timeout_Stop", "1", NAME);
        refuse("Timeout.Stop", "1", NAME);
        refuse("TimeoutStopUSec ", "uint64 5", NAME);
        refuse("\xd0\x9a\xd0\xb8\xd1\x80", "1", NAME); /* Кир: not ASCII */
        refuse("Caf\xc3\xa9", "1", NAME);
        accept("CPUWeight", "uint64 100", "CPUWeight t 100");

        /* the driver's own properties */
        refuse("PIDs", "5", OWN);
        refuse("Slice", "'other.slice'", OWN);
        refuse("Delegate", "false", DELEGATE);
        refuse("Delegate", "'yes'", DELEGATE);
        refuse("Delegate", "1", DELEGATE);
        refuse("Delegate", "['cpu']", DELEGATE);
        accept("Delegate", "boolean true", "Delegate b true");
}

static void
test_with_resources(void)
{
        struct spec_memory mem = { .has_limit = true, .limit = 1048576 };
        struct spec_cpu cpu = { .has_period = true, .period = 50000, .cpus = (char *) "0-3,8" };
        struct spec_kv unified[] = { KV("memory.high", "4194304") };
        struct spec_resources res = { .memory = &mem };
        struct spec_resources res_cpu = { .cpu = &cpu };
        struct spec_resources res_pids = { .has_pids = true, .pids_limit = 10 };
        struct spec_resources res_unified = { .unified = unified, .n_unified = 1 };

        accept_with(&res, "MemoryHigh", "uint64 524288", "MemoryMax t 1048576\nMemoryHigh t 524288");
        accept_with(&res_cpu, "TimeoutStopSec", "5",
                    "CPUQuotaPerSecUSec t 18446744073709551615\nCPUQuotaPeriodUSec t 50000\n"
                    "AllowedCPUs ay [0x0f, 0x01]\nTimeoutStopUSec t 5000000");

        /* a property that the config's resources set too */
        refuse_with(&res, "MemoryMax", "uint64 5", CONFLICT, "MemoryMax is set from .linux.resources.memory.limit too");
        refuse_with(&res_cpu, "CPUQuotaPeriodUSec", "uint64 100000", CONFLICT, ".linux.resources.cpu.quota");
        refuse_with(&res_cpu, "CPUQuotaPeriodSec", "1", CONFLICT, "CPUQuotaPeriodUSec is set from"); /* after Sec -> USec */
        refuse_with(&res_cpu, "AllowedCPUs", "'0-3'", CONFLICT, ".linux.resources.cpu.cpus");
        refuse_with(&res_pids, "TasksMax", "uint64 5", CONFLICT, ".linux.resources.pids.limit");
        refuse_with(&res_unified, "MemoryHigh", "uint64 5", CONFLICT, ".linux.resources.unified");
        /* a bad value is reported as such even when the name conflicts */
        refuse_with(&res, "MemoryMax", "uint64 -5", PARSE, NULL);
}

static void
test_several(void)
{
        struct spec_kv ann[] = {
                KV("com.example.other", "not looked at"),
                KV(PREFIX "CollectMode", "'inactive-or-failed'"),
                KV("org.systemd.propertyX", "not ours either"),
                KV("org.systemd.property", "nor this"),
                KV(PREFIX "TimeoutStopSec", "5"),
                KV(PREFIX "Wants", "@as []"),
        };
        struct spec_kv bad_second[] = { KV(PREFIX "CollectMode", "'inactive'"), KV(PREFIX "RuntimeMaxUSec", "uint64 x") };
        struct spec spec = { .annotations = bad_second, .n_annotations = 2, .path = (char *) "/b/config.json" };
        _cleanup_free_ char *got = NULL, *got2 = NULL, *got3 = NULL;
        _cleanup_error_ ocirt_error *err = NULL, *err2 = NULL, *err3 = NULL;
        int r;

        r = props(ann, ELEMENTSOF(ann), NULL, &got, &err);
        is_str(r == 0 ? got : "(refused)",
               "CollectMode s 'inactive-or-failed'\nTimeoutStopUSec t 5000000\nWants as []",
               "only org.systemd.property.* annotations count, in their order");

        r = props(NULL, 0, NULL, &got2, &err2);
        ok(r == 0 && got2 && streq(got2, ""), "no annotations and no resources: no properties");

        r = cgroup_systemd_props_text(&spec, &got3, &err3);
        if (!ok(r == -EINVAL && !got3 && err3 && err3->where &&
                        streq(err3->where, "/b/config.json: .annotations[\"" PREFIX "RuntimeMaxUSec\"]") &&
                        strstr(err3->msg, "'uint64 x'") && strstr(err3->msg, "RuntimeMaxUSec"),
                "the error names the config file and the bad one of several annotations") && err3)
                diag("  %s: %s", err3->where ? err3->where : "-", err3->msg);
}

int
main(void)
{
        test_strings();
        test_booleans();
        test_typed_numbers();
        test_bare_numbers();
        test_lists();
        test_seconds();
        test_names();
        test_with_resources();
        test_several();
        return tap_done();
}

#endif
