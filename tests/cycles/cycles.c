/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cycles.c: does the runtime give back everything it takes? (issue 13)
 *
 *   cycles ROOTDIR BUNDLE IDPREFIX N          N create/start/wait/delete cycles
 *   cycles ROOTDIR BUNDLE IDPREFIX -p N       N containers held at once, then deleted
 *
 * It embeds libocirt (ocirt.h only, like example-embed), so "the runtime's fd count" means
 * something: the CLI is a new process each time and would hide any fd the library leaks, while a
 * daemon that embeds the library (or a long-running engine) keeps them. Before the first and after
 * the last container it takes a snapshot of what a container could leave behind:
 *   - this process's open fds, threads and unreaped children (zombies),
 *   - the entries of the state root,
 *   - the cgroup directories named after the containers, in every hierarchy of
 *     /proc/self/mountinfo (each v1 controller and the v2 tree),
 *   - the mounts of this process's namespace that mention ROOTDIR, BUNDLE (keep the rootfs in it)
 *     or the id prefix (the host's other mounts come and go with other users of the machine),
 * and fails, naming the difference, when they are not the same.
 *
 * Cycle mode: BUNDLE's process must exit by itself (e.g. `probe exit 0`); each cycle creates,
 * starts, polls the state until "stopped", and deletes without --force, as an engine would.
 * Parallel mode: BUNDLE's process must run until killed (e.g. `probe sleep 600`); all N are created
 * and started, then the list must show N running, then each is killed and deleted.
 * Prints one line of figures ("cycles: N in S s, fds A -> B, ...") and exits 0, or 1 on the first
 * failure with the error, or 2 on usage. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ocirt.h"

struct snapshot {
        int fds, threads, zombies, state_entries, cgroup_dirs, mounts;
        char *cgroup_first; /* the first cgroup directory found, for the message */
};

static const char *prefix, *root, *bundle;

static void
die_err(const char *what, const char *id, ocirt_error *e)
{
        const char *where = ocirt_error_where(e);

        fprintf(stderr, "cycles: %s %s: %s%s%s\n", what, id, where ? where : "", where ? ": " : "",
                ocirt_error_message(e));
        ocirt_error_free(e);
        exit(1);
}

static int
count_dir(const char *path)
{
        DIR *d = opendir(path);
        struct dirent *de;
        int n = 0;

        if (!d)
                return -1;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

/* Our zombies: children that exited and were not reaped (the library must reap what it forks). */
static int
count_zombies(void)
{
        DIR *d = opendir("/proc");
        struct dirent *de;
        int n = 0;
        pid_t self = getpid();

        if (!d)
                return -1;
        while ((de = readdir(d))) {
                char path[300], buf[512], *p, st;
                int ppid;
                FILE *f;

                if (de->d_name[0] < '0' || de->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
                f = fopen(path, "re");
                if (!f)
                        continue;
                if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) && sscanf(p + 1, " %c %d", &st, &ppid) == 2 &&
                    ppid == self && st == 'Z')
                        n++;
                fclose(f);
        }
        closedir(d);
        return n;
}

/* Directories below DIR (depth <= 4, not crossing into other filesystems) whose name starts with
 * the id prefix: where a container's cgroup would be, whatever cgroupsPath the config chose. */
static void
find_cgroups(const char *dir, int depth, struct snapshot *s)
{
        DIR *d;
        struct dirent *de;

        if (depth > 4 || !(d = opendir(dir)))
                return;
        while ((de = readdir(d))) {
                char path[PATH_MAX];

                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
                        s->cgroup_dirs++;
                        if (!s->cgroup_first)
                                s->cgroup_first = strdup(path);
                }
                find_cgroups(path, depth + 1, s);
        }
        closedir(d);
}

static void
take(struct snapshot *s)
{
        FILE *f;
        char line[4096];

        *s = (struct snapshot){ 0 };
        s->fds = count_dir("/proc/self/fd") - 1; /* minus the one opendir() holds */
        s->threads = count_dir("/proc/self/task");
        s->zombies = count_zombies();
        s->state_entries = count_dir(root);
        f = fopen("/proc/self/mountinfo", "re");
        if (!f) {
                perror("cycles: /proc/self/mountinfo");
                exit(1);
        }
        while (fgets(line, sizeof line, f)) {
                char mnt[PATH_MAX], fstype[64], *sep;

                if (strstr(line, root) || strstr(line, bundle) || strstr(line, prefix))
                        s->mounts++;
                /* 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw: field 5, and the
                 * type after " - ". */
                sep = strstr(line, " - ");
                if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 || sscanf(sep + 3, "%63s", fstype) != 1)
                        continue;
                if (strcmp(fstype, "cgroup") == 0 || strcmp(fstype, "cgroup2") == 0)
                        find_cgroups(mnt, 0, s);
        }
        fclose(f);
}

static int
compare(const struct snapshot *a, const struct snapshot *b)
{
        int bad = 0;

#define CMP(field, what)                                                                                               \
        if (a->field != b->field) {                                                                                    \
                fprintf(stderr, "cycles: %s: %d before, %d after\n", what, a->field, b->field);                       \
                bad = 1;                                                                                               \
        }
        CMP(fds, "open fds of the runtime");
        CMP(threads, "threads of the runtime");
        CMP(zombies, "unreaped children of the runtime");
        CMP(state_entries, "entries of the state root");
        CMP(cgroup_dirs, "cgroup directories named after the containers");
        CMP(mounts, "mounts of the state root, the bundle or a container");
#undef CMP
        if (b->cgroup_first)
                fprintf(stderr, "cycles: e.g. %s\n", b->cgroup_first);
        return bad;
}

static double
now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const char *
status_of(ocirt_ctx *ctx, const char *id)
{
        static char buf[32];
        ocirt_error *e = NULL;
        char *json = NULL, *p;

        if (ocirt_container_state(ctx, id, &json, &e) < 0)
                die_err("state", id, e);
        /* The state is pretty-printed JSON from the library itself: "status": "running". */
        p = strstr(json, "\"status\"");
        buf[0] = '\0';
        if (p && sscanf(p, "\"status\" : \"%31[a-z]\"", buf) != 1)
                (void) sscanf(p, "\"status\": \"%31[a-z]\"", buf);
        free(json);
        return buf;
}

static void
wait_stopped(ocirt_ctx *ctx, const char *id)
{
        for (int i = 0; i < 10000; i++) { /* 10 s */
                if (strcmp(status_of(ctx, id), "stopped") == 0)
                        return;
                usleep(1000);
        }
        fprintf(stderr, "cycles: %s did not stop within 10 s (status %s)\n", id, status_of(ctx, id));
        exit(1);
}

/* Container number i: its id into id[], created and started. */
static void
create_start(ocirt_ctx *ctx, const ocirt_create_options *opts, char *id, size_t size, long i)
{
        ocirt_error *e = NULL;

        snprintf(id, size, "%s-%ld", prefix, i);
        if (ocirt_container_create(ctx, id, opts, &e) < 0)
                die_err("create", id, e);
        if (ocirt_container_start(ctx, id, &e) < 0)
                die_err("start", id, e);
}

int
main(int argc, char **argv)
{
        ocirt_ctx *ctx = NULL;
        ocirt_error *e = NULL;
        ocirt_create_options opts = { 0 };
        struct snapshot before, after;
        bool parallel = false;
        long n;
        double t0;
        char id[256];

        if (argc == 6 && strcmp(argv[4], "-p") == 0) {
                parallel = true;
                n = atol(argv[5]);
        } else if (argc == 5) {
                n = atol(argv[4]);
        } else {
                fprintf(stderr, "usage: %s ROOTDIR BUNDLE IDPREFIX N | ROOTDIR BUNDLE IDPREFIX -p N\n", argv[0]);
                return 2;
        }
        root = argv[1];
        bundle = argv[2];
        prefix = argv[3];
        if (n <= 0 || !*prefix) {
                fprintf(stderr, "cycles: N must be positive and IDPREFIX not empty\n");
                return 2;
        }

        if (ocirt_ctx_new(&ctx, &e) < 0)
                die_err("new context", "", e);
        if (ocirt_ctx_set_root(ctx, root, &e) < 0)
                die_err("state root", root, e);
        opts.bundle = bundle;

        /* One container first: whatever the library sets up once per process (caches, the probe of
         * the mount API, a netlink socket) is then in `before`; a leak grows with the count. */
        snprintf(id, sizeof id, "%s-warm", prefix);
        if (ocirt_container_create(ctx, id, &opts, &e) < 0 || ocirt_container_kill(ctx, id, SIGKILL, 0, &e) < 0)
                die_err("warm-up", id, e);
        wait_stopped(ctx, id);
        if (ocirt_container_delete(ctx, id, 0, &e) < 0)
                die_err("warm-up delete", id, e);
        take(&before);
        if (before.cgroup_dirs) {
                fprintf(stderr, "cycles: cgroups named %s* exist before the first container (%s): pick another prefix\n",
                        prefix, before.cgroup_first);
                return 1;
        }

        t0 = now();
        if (!parallel) {
                for (long i = 0; i < n; i++) {
                        create_start(ctx, &opts, id, sizeof id, i);
                        wait_stopped(ctx, id);
                        if (ocirt_container_delete(ctx, id, 0, &e) < 0)
                                die_err("delete", id, e);
                }
        } else {
                ocirt_state_info *list = NULL;
                size_t nl = 0, running = 0;
                struct snapshot held;
                double t1;

                for (long i = 0; i < n; i++)
                        create_start(ctx, &opts, id, sizeof id, i);
                t1 = now();
                if (ocirt_container_list(ctx, &list, &nl, &e) < 0)
                        die_err("list", "", e);
                for (size_t i = 0; i < nl; i++)
                        if (strcmp(list[i].status, "running") == 0)
                                running++;
                ocirt_state_info_free(list, nl);
                /* The cgroup count while they run shows the check sees cgroups where this runtime
                 * makes them (0 for a rootless run without a delegated cgroup). */
                take(&held);
                printf("parallel: %ld started in %.1f s, %zu listed, %zu running, %d cgroup directories, %d fds\n", n,
                       t1 - t0, nl, running, held.cgroup_dirs, held.fds);
                free(held.cgroup_first);
                if (running != (size_t) n || nl != (size_t) n) {
                        fprintf(stderr, "cycles: %zu of %ld containers running (%zu listed)\n", running, n, nl);
                        return 1;
                }
                for (long i = 0; i < n; i++) {
                        snprintf(id, sizeof id, "%s-%ld", prefix, i);
                        if (ocirt_container_kill(ctx, id, SIGKILL, 0, &e) < 0)
                                die_err("kill", id, e);
                }
                for (long i = 0; i < n; i++) {
                        snprintf(id, sizeof id, "%s-%ld", prefix, i);
                        wait_stopped(ctx, id);
                        if (ocirt_container_delete(ctx, id, 0, &e) < 0)
                                die_err("delete", id, e);
                }
        }
        take(&after);
        printf("%s: %ld in %.1f s (%.1f ms each); fds %d -> %d, threads %d -> %d, zombies %d -> %d, state entries "
               "%d -> %d, cgroups %d -> %d, mounts %d -> %d\n",
               parallel ? "parallel" : "cycles", n, now() - t0, (now() - t0) * 1000 / (double) n, before.fds, after.fds,
               before.threads, after.threads, before.zombies, after.zombies, before.state_entries, after.state_entries,
               before.cgroup_dirs, after.cgroup_dirs, before.mounts, after.mounts);
        ocirt_ctx_free(ctx);
        free(before.cgroup_first);
        if (compare(&before, &after)) {
                free(after.cgroup_first);
                return 1;
        }
        free(after.cgroup_first);
        return 0;
}
