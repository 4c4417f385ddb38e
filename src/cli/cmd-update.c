/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-update.c: `ocirt update [--resources FILE|-] [runc's per-resource flags] ID`: change the
 * limits of a running container. The flags are turned into an OCI linux.resources object; the
 * library parses, validates and applies it (fields not given stay as they are). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"

const struct cli_help cmd_update_help = {
        .name = "update",
        .usage = "ID",
        .summary = "change a container's resource limits",
        .options = "  -r, --resources FILE       an OCI linux.resources object as JSON ('-': standard input)\n"
                   "      --memory BYTES         memory limit (k, m, g suffixes; -1: unlimited)\n"
                   "      --memory-reservation BYTES  soft memory limit\n"
                   "      --memory-swap BYTES    memory+swap limit (-1: unlimited)\n"
                   "      --kernel-memory BYTES  kernel memory limit (v1 kernels that have it)\n"
                   "      --kernel-memory-tcp BYTES  kernel TCP buffer limit\n"
                   "      --cpu-share N          cpu shares (v2: converted to cpu.weight)\n"
                   "      --cpu-period US        CFS period\n"
                   "      --cpu-quota US         CFS quota (-1: unlimited)\n"
                   "      --cpu-burst US         CFS burst\n"
                   "      --cpu-rt-period US     realtime period (v1)\n"
                   "      --cpu-rt-runtime US    realtime runtime (v1)\n"
                   "      --cpu-idle N           1: SCHED_IDLE for the cgroup\n"
                   "      --cpuset-cpus LIST     cpus allowed, e.g. 0-2,4\n"
                   "      --cpuset-mems LIST     memory nodes allowed\n"
                   "      --blkio-weight N       block io weight, 10..1000\n"
                   "      --pids-limit N         maximum number of processes (0 or -1: unlimited)\n",
        .notes = "--resources and the per-resource flags cannot be combined.\n",
};

enum {
        O_MEMORY = 0x100,
        O_MEMORY_RESERVATION,
        O_MEMORY_SWAP,
        O_KERNEL_MEMORY,
        O_KERNEL_MEMORY_TCP,
        O_CPU_SHARE,
        O_CPU_PERIOD,
        O_CPU_QUOTA,
        O_CPU_BURST,
        O_CPU_RT_PERIOD,
        O_CPU_RT_RUNTIME,
        O_CPU_IDLE,
        O_CPUSET_CPUS,
        O_CPUSET_MEMS,
        O_BLKIO_WEIGHT,
        O_PIDS_LIMIT,
        O_L3,
        O_MEMBW,
        O__END,
};

static const struct option options[] = {
        { "resources", required_argument, NULL, 'r' },
        { "memory", required_argument, NULL, O_MEMORY },
        { "memory-reservation", required_argument, NULL, O_MEMORY_RESERVATION },
        { "memory-swap", required_argument, NULL, O_MEMORY_SWAP },
        { "kernel-memory", required_argument, NULL, O_KERNEL_MEMORY },
        { "kernel-memory-tcp", required_argument, NULL, O_KERNEL_MEMORY_TCP },
        { "cpu-share", required_argument, NULL, O_CPU_SHARE },
        { "cpu-period", required_argument, NULL, O_CPU_PERIOD },
        { "cpu-quota", required_argument, NULL, O_CPU_QUOTA },
        { "cpu-burst", required_argument, NULL, O_CPU_BURST },
        { "cpu-rt-period", required_argument, NULL, O_CPU_RT_PERIOD },
        { "cpu-rt-runtime", required_argument, NULL, O_CPU_RT_RUNTIME },
        { "cpu-idle", required_argument, NULL, O_CPU_IDLE },
        { "cpuset-cpus", required_argument, NULL, O_CPUSET_CPUS },
        { "cpuset-mems", required_argument, NULL, O_CPUSET_MEMS },
        { "blkio-weight", required_argument, NULL, O_BLKIO_WEIGHT },
        { "pids-limit", required_argument, NULL, O_PIDS_LIMIT },
        { "l3-cache-schema", required_argument, NULL, O_L3 },
        { "mem-bw-schema", required_argument, NULL, O_MEMBW },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static const char *arg_val[O__END - O_MEMORY];

/* A signed integer; with `bytes`, an optional k/m/g/t suffix (binary, as runc's RAMInBytes). */
static int
parse_num(const char *flag, const char *s, bool bytes, int64_t *ret, ocirt_error **err)
{
        char *end;
        long long v;
        int64_t mult = 1;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (end == s || errno)
                goto bad;
        if (bytes && *end) {
                switch (tolower((unsigned char) *end)) {
                case 'k': mult = 1LL << 10; break;
                case 'm': mult = 1LL << 20; break;
                case 'g': mult = 1LL << 30; break;
                case 't': mult = 1LL << 40; break;
                case 'b': mult = 1; end--; break;
                default: goto bad;
                }
                end++;
                if (tolower((unsigned char) *end) == 'b')
                        end++;
                if (v < 0 && v != -1)
                        goto bad;
        }
        if (*end)
                goto bad;
        if (v > 0 && v > INT64_MAX / mult)
                goto bad;
        *ret = v == -1 ? -1 : v * mult;
        return 0;
bad:
        return ocirt_error_new(err, EINVAL, flag, bytes ? "use a number with an optional k, m or g suffix, or -1" : "use a number",
                               "invalid value '%s'", s);
}

/* Append ",\"key\":value" (or the first without the comma) to the object text in *buf. */
static void
add(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
add(char **buf, const char *fmt, ...)
{
        char *piece = NULL, *n = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&piece, fmt, ap) < 0)
                abort();
        va_end(ap);
        if (asprintf(&n, "%s%s%s", *buf ? *buf : "", *buf ? "," : "", piece) < 0)
                abort();
        free(piece);
        free(*buf);
        *buf = n;
}

static char *
json_quote(const char *s)
{
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f)
                abort();
        cli_json_string(f, s);
        fclose(f);
        return out;
}

static int
number_field(char **obj, int opt, const char *key, bool bytes, ocirt_error **err)
{
        const char *v = arg_val[opt - O_MEMORY];
        char flag[64];
        int64_t n = 0;
        int r;

        if (!v)
                return 0;
        snprintf(flag, sizeof flag, "--%s", options[opt - O_MEMORY + 1].name);
        r = parse_num(flag, v, bytes, &n, err);
        if (r < 0)
                return r;
        add(obj, "\"%s\":%" PRId64, key, n);
        return 0;
}

/* The flags as a linux.resources object. */
static int
flags_json(char **ret, ocirt_error **err)
{
        _cleanup_free_ char *mem = NULL, *cpu = NULL, *pids = NULL, *blkio = NULL;
        char *out = NULL;
        int r;

        if ((r = number_field(&mem, O_MEMORY, "limit", true, err)) < 0 ||
            (r = number_field(&mem, O_MEMORY_RESERVATION, "reservation", true, err)) < 0 ||
            (r = number_field(&mem, O_MEMORY_SWAP, "swap", true, err)) < 0 ||
            (r = number_field(&mem, O_KERNEL_MEMORY, "kernel", true, err)) < 0 ||
            (r = number_field(&mem, O_KERNEL_MEMORY_TCP, "kernelTCP", true, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_SHARE, "shares", false, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_PERIOD, "period", false, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_QUOTA, "quota", false, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_BURST, "burst", false, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_RT_PERIOD, "realtimePeriod", false, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_RT_RUNTIME, "realtimeRuntime", false, err)) < 0 ||
            (r = number_field(&cpu, O_CPU_IDLE, "idle", false, err)) < 0 ||
            (r = number_field(&pids, O_PIDS_LIMIT, "limit", false, err)) < 0 ||
            (r = number_field(&blkio, O_BLKIO_WEIGHT, "weight", false, err)) < 0)
                return r;
        for (int o = O_CPUSET_CPUS; o <= O_CPUSET_MEMS; o++)
                if (arg_val[o - O_MEMORY]) {
                        _cleanup_free_ char *q = json_quote(arg_val[o - O_MEMORY]);
                        add(&cpu, "\"%s\":%s", o == O_CPUSET_CPUS ? "cpus" : "mems", q);
                }
        if (mem)
                add(&out, "\"memory\":{%s}", mem);
        if (cpu)
                add(&out, "\"cpu\":{%s}", cpu);
        if (pids)
                add(&out, "\"pids\":{%s}", pids);
        if (blkio)
                add(&out, "\"blockIO\":{%s}", blkio);
        if (asprintf(ret, "{%s}", out ? out : "") < 0)
                abort();
        free(out);
        return 0;
}

int
cmd_update(ocirt_ctx *ctx, int argc, char **argv, ocirt_error **err)
{
        _cleanup_free_ char *json = NULL;
        const char *resources = NULL, *id;
        bool any_flag = false;
        int c, r;

        memset(arg_val, 0, sizeof arg_val);
        while ((c = cli_getopt(argc, argv, "r:h", options, &cmd_update_help, err)) != -1) {
                if (c == 'h') {
                        cli_help_print(&cmd_update_help);
                        return 0;
                }
                if (c == 'r') {
                        resources = optarg;
                        continue;
                }
                if (c == O_L3 || c == O_MEMBW)
                        return ocirt_error_new(err, ENOTSUP, c == O_L3 ? "--l3-cache-schema" : "--mem-bw-schema", NULL,
                                               "Intel RDT is not supported");
                if (c >= O_MEMORY && c < O__END) {
                        arg_val[c - O_MEMORY] = optarg;
                        any_flag = true;
                        continue;
                }
                return c;
        }
        r = cli_get_id(argc, argv, &cmd_update_help, &id, err);
        if (r < 0)
                return r;
        if (resources && any_flag)
                return ocirt_error_new(err, EINVAL, "--resources", "put every change in the file, or use only flags",
                                       "--resources cannot be combined with the per-resource flags");
        if (!resources && !any_flag)
                return ocirt_error_new(err, EINVAL, "update", "pass --resources FILE or a flag such as --memory 256m",
                                       "nothing to update");
        r = resources ? cli_read_file("--resources", resources, &json, err) : flags_json(&json, err);
        if (r < 0)
                return r;
        return ocirt_container_update(ctx, id, json, err);
}
