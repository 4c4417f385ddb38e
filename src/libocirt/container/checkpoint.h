/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* checkpoint.h: inside container/, what checkpoint.c and restore.c share: what CRIU is told about
 * a container (its mounts, namespaces, stdio), the image and work directories, the preflight. */
#pragma once

#include "base/base.h"
#include "config/spec.h"
#include "helpers/helpers.h"

/* The options alone, before anything is looked at: a known cgroup mode, only "network" for
 * --empty-ns. */
int criu_options_check(const ocirt_criu_options *o, ocirt_error **err);
/* --lazy-pages: criu can do it on this kernel (userfaultfd), else an error that says what is
 * missing. After criu_preflight. `what`: "checkpoint", "restore". */
int criu_lazy_preflight(const char *what, ocirt_error **err);
/* Before anything is made: criu is installed (else the error names the package 'criu'), a rootless
 * caller's criu has the capabilities it needs. `what`: "checkpoint", "restore". */
int criu_preflight(ocirt_ctx *ctx, const char *what, ocirt_error **err);

int criu_cg_mode_parse(const char *s, int *ret, ocirt_error **err);
int criu_empty_ns_parse(const char *const *names, size_t n, uint32_t *ret, ocirt_error **err);

/* External mounts: at dump "mnt[DEST]:DEST" (pid: the init, to see which masked paths are files),
 * at restore "mnt[DEST]:WHAT-TO-BIND". */
int criu_describe_mounts(const struct spec *s, const char *bundle, pid_t pid, bool restore, char ***ext,
                         ocirt_error **err);
/* Restore: the mount points of bind mounts that the rootfs lacks (a container moved with its
 * rootfs's changes, where the runtime had made them: podman's /run/.containerenv), made inside
 * the rootfs, as files for file sources. CRIU stats every mount point before it mounts. */
void criu_make_mountpoints(const struct spec *s, const char *bundle, const char *rootfs);
/* A joined network namespace: external at dump, an inherited fd at restore (*ret_net, fd -1 when
 * none; the caller closes it). Other joined namespaces: EOPNOTSUPP. */
int criu_describe_namespaces(const struct spec *s, bool restore, char ***ext, struct criu_inherit *ret_net,
                             ocirt_error **err);
/* Restore: the dumped init's stdio pipes (descriptors.json) as inherited fds 0-2 of the caller. The
 * keys are kept in *keys (caller frees). */
int criu_read_descriptors(int images_fd, struct criu_inherit *inherit, size_t *n, char ***keys);
/* org.criu.config, else /etc/criu/ocirt.conf when it exists, else NULL. */
const char *criu_config_file(const struct spec *s);

struct criu_dirs {
        char *images, *work; /* absolute */
        int images_fd, work_fd; /* work_fd -1: the log goes to the images */
        bool images_made;
};
/* make: checkpoint makes a missing image directory, restore needs it to be there. */
int criu_dirs_open(const char *image_path, const char *work_path, bool make, struct criu_dirs *d,
                   ocirt_error **err);
/* failed: a directory this command made is emptied but for CRIU's log, or removed. */
void criu_dirs_done(struct criu_dirs *d, bool failed, const char *log_name);
