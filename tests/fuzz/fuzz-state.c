/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-state.c: libFuzzer harness for the state reader: state_read() of a state.json with the
 * input as its content (the file is the runtime's own, but a crash, a full disk or another tool can
 * leave it truncated or corrupt, and `delete --force` must still cope), then what list and state
 * do with what it read: state_to_json() and state_get_extra(). Built and run by tests/fuzz/run. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One private directory for the whole run: state_read() takes a directory fd, as in ROOT/ID. */
static char dir[] = "/tmp/ocirt-fuzz-state.XXXXXX";
static int dirfd_ = -1;

static void
cleanup(void)
{
        (void) unlinkat(dirfd_, "state.json", 0);
        (void) rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct state st;
        ocirt_error *err = NULL;
        int fd, r;

        if (dirfd_ < 0) {
                if (!mkdtemp(dir))
                        abort();
                dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dirfd_ < 0)
                        abort();
                atexit(cleanup); /* libFuzzer ends a bounded run with exit() */
        }
        fd = openat(dirfd_, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                abort();
        if (size > 0 && write(fd, data, size) != (ssize_t) size)
                abort();
        close(fd);

        r = state_read(dirfd_, "fuzz", &st, &err);
        if (r < 0) {
                if (r != -ENOENT && (!err || !ocirt_error_message(err)))
                        abort();
                ocirt_error_free(err);
                return 0;
        }
        for (int s = STATUS_CREATING; s <= STATUS_PAUSED; s++)
                free(state_to_json(&st, (enum state_status) s, s & 1));
        (void) state_get_extra(&st, "cgroup");
        state_done(&st);
        return 0;
}
