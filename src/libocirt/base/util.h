/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.h: small helpers for fds, files and exec lookups (util-fd.c, util-fs.c, util-exec.c); the
 * string helpers below them are in str.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/macro.h"
#include "base/str.h"

/* util-fd.c */
/* Write all of buf; -errno. */
int write_all(int fd, const void *buf, size_t len);
/* Read a whole (small) file into a NUL-terminated buffer. */
int read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len);
/* Write a small string to an existing file (for /proc and /sys knobs); -errno. */
int write_file_at(int dirfd, const char *path, const char *s, size_t len);
/* Atomically replace dirfd/name with data (temp file + rename). */
int write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode);
/* The same for a file of a directory that is removed as a whole (the state dir): a file that exists
 * is swapped with the new one (RENAME_EXCHANGE), and its old version stays as .NAME.tmp. */
int write_file_swap_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode);
/* Close every fd >= from except those in keep[] (sorted not required). */
int close_fds_from(int from, const int *keep, size_t n_keep);
/* Mark every fd >= from close-on-exec. */
int cloexec_fds_from(int from);
int fd_set_cloexec(int fd, bool on);
int fd_set_nonblock(int fd, bool on);

/* util-fd.c: write a pid file atomically (errors name --pid-file). */
int write_pid_file(const char *path, pid_t pid, ocirt_error **err);

/* util-exec.c: execvp()'s lookup, with the words runc uses (podman tells "not found", exit 127,
 * from other errors by them). `where` names the config path or flag for errors. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
const char *env_get(char **env, const char *name);
/* Add LISTEN_FDS, LISTEN_PID (this process) and LISTEN_FDNAMES from the runtime's environment
 * when fds are passed (socket activation); runs in the process that is about to exec. */
void env_add_listen_fds(char ***env, int preserve_fds);
int find_executable(const char *where, const char *name, char **env, char **ret, ocirt_error **err);

/* dl.c: dlopen() a system library; NULL with *ret_why (free it) when it cannot be loaded or was
 * built against another glibc than a static ocirt. dl_free() frees what that library allocated. */
void *dl_open(const char *soname, char **ret_why);
void dl_free(void *handle, void *p);

/* util-fs.c */
int mkdir_p(const char *path, mode_t mode);
/* Tasks running or waiting for a CPU right now, on the whole machine (the R of /proc/loadavg's
 * "R/T"), or -1. */
int runnable_tasks(void);
/* Remove a directory tree without crossing mount points or following symlinks. */
int rm_rf_at(int dirfd, const char *name);
