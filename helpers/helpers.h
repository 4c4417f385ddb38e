/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers.h: the front door of the rootless helpers that live beside a container (slirp4netns,
 * fuse-overlayfs), called by container/ only. Behind it, each helper implements one interface
 * (ops.h) on the toolkit in run.h; the front door runs them in order and records what they report. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "helpers/run.h"
#include "state/state.h"

struct helper_publish {
        char host_addr[64];
        uint16_t host_port, container_port;
        bool udp;
};

/* Parse "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]". */
int helper_parse_publish(const char *s, struct helper_publish *ret, ocirt_error **err);

/* ---- the lifecycle's entry points ---- */

/* Before the clone: read the options, plan the network namespace, prepare each helper asked for. */
int helpers_prepare(struct container *c, const ocirt_create_options *o, struct undo *undo, ocirt_error **err);
/* No helper asked for: helpers_prepare would do nothing. */
bool helpers_none(const struct container *c, const ocirt_create_options *o);
/* At SYNC_EARLY: attach each helper to the waiting init (its namespaces exist). */
int helpers_early(struct container *c, struct undo *undo, ocirt_error **err);
/* Free what helpers_prepare() kept when helpers_early() did not run (a create that failed first). */
void helpers_release(struct container *c);
/* At delete: stop what the helpers left, from state.json's facts. */
int helpers_teardown(ocirt_ctx *ctx, const struct state *st, ocirt_error **err);

/* ---- criu.c: checkpoint and restore through `criu swrk` (issue 17) ---- */

enum criu_action {
        CRIU_ACTION_DUMP,
        CRIU_ACTION_PRE_DUMP,
        CRIU_ACTION_RESTORE,
};

/* rpc.proto's criu_cg_mode; CRIU_CG_UNSET leaves criu's default (soft). */
enum criu_cg_mode {
        CRIU_CG_UNSET = -1,
        CRIU_CG_IGNORE = 0,
        CRIU_CG_NONE = 1,
        CRIU_CG_PROPS = 2,
        CRIU_CG_SOFT = 3,
        CRIU_CG_FULL = 4,
        CRIU_CG_STRICT = 5,
};

struct criu_inherit {
        const char *key; /* "fd[N]", "file[...]", "tty[...]" as the dump named it */
        int fd;
};

/* Called for each notification criu sends (notify_scripts): the script name ("post-restore",
 * "orphan-pts-master" with the pty master in fd, ...), the restored pid where criu gives one.
 * A negative return makes criu undo what it did. */
typedef int (*criu_notify_fn)(void *userdata, const char *script, pid_t pid, int fd, ocirt_error **err);

/* One request, as container/checkpoint.c fills it: the container's knowledge is there. */
struct criu_request {
        enum criu_action action;
        pid_t pid;               /* dump: the container's init */
        int images_fd;           /* the image directory (O_DIRECTORY) */
        int work_fd;             /* the work directory, for the log; -1: the image directory */
        const char *work_path;   /* the work directory's path, for the error naming the log */
        const char *log_name;    /* "dump.log", "restore.log" */
        const char *hint;        /* NULL or the hint a failure carries */
        bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks, auto_dedup, lazy_pages;
        bool track_mem;          /* pre-dump, and a dump after one */
        bool rst_sibling;        /* restore: the restored init becomes the caller's child */
        bool orphan_pts_master;  /* restore: a new pty for the container's terminal, master sent back */
        bool notify_scripts;
        bool drop_stale_netlock; /* restore of the container's own network namespace (criu-netlock.c) */
        const char *ps_address;  /* dump: NULL, or where the page server listens (lazy) or is (not) */
        int ps_port;
        const char *root;        /* restore: the container's rootfs */
        const char *parent_img;  /* relative to the image directory: the pre-dump's images */
        const char *freeze_cgroup;
        const char *cgroup_root; /* restore: put the restored cgroups below this one */
        const char *config_file; /* org.criu.config */
        int manage_cgroups_mode; /* enum criu_cg_mode */
        uint32_t empty_ns;       /* CLONE_NEWNET: restore the namespace empty */
        char **external;         /* "mnt[/dst]:key", "net[INO]:key", "tty[rdev:dev]" ... */
        char **skip_mnt;
        const struct criu_inherit *inherit;
        size_t n_inherit;
        helper_setup_fn setup;   /* in the forked criu, before exec (restore: join the cgroup) */
        void *setup_data;
        criu_notify_fn on_notify;
        void *notify_data;
};

struct criu_result {
        pid_t pid; /* restore: the restored init */
};

/* Run one request. Errors read "criu dump failed: REASON (criu's log: WORK/dump.log)" with the
 * first error line of the log; a missing criu names the package. */
int criu_run(const struct criu_request *q, struct criu_result *res, ocirt_error **err);
/* criu-netlock.c: in the network namespace of pid, delete the nftables lock tables "inet CRIU-N"
 * (N != pid) a CRIU 3.17 restore brings back from the dump (notify_scripts, at "post-restore"). */
int criu_drop_stale_netlock(pid_t pid, ocirt_error **err);
/* The first "Error (...)" line of a criu log in dirfd, without the source position (caller frees). */
char *criu_log_first_error(int dirfd, const char *name);

struct criu_probe {
        char *path;    /* NULL: not installed */
        bool works;    /* `criu check` passed */
        char *problem; /* its first error line when not */
        bool lazy_pages;    /* works, and `criu check --feature uffd-noncoop` passed too */
        char *lazy_problem; /* its first error line when not */
};
/* `ocirt check` only: 0 when criu is not installed, 1 when it is; with probe_kernel, `criu check`
 * (~60 ms) says whether it works on this kernel, and then `criu check --feature uffd-noncoop`
 * whether it can do lazy pages. */
int criu_probe(struct criu_probe *ret, bool probe_kernel);
void criu_probe_done(struct criu_probe *p);
/* --lazy-pages: `criu check --feature uffd-noncoop` (userfaultfd with non-cooperative events, which
 * a lazy restore needs). 1 yes; 0 no, *ret_problem its first error line (caller frees); -errno when
 * criu could not be started. */
int criu_lazy_pages_check(char **ret_problem, ocirt_error **err);
