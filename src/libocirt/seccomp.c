/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.c: linux.seccomp with libseccomp (issue 3). Placeholder: no filter yet. */
#include "config.h"

#include "container.h"
#include "log.h"

int
seccomp_prepare(struct container *c, ocirt_error **err)
{
        if (c->spec->linux_ && c->spec->linux_->seccomp)
                init_log(c, OCIRT_LOG_WARNING, "linux.seccomp is not applied by this version, ignoring");
        return 0;
}

int
seccomp_load(struct container *c, int *ret_notify_fd, ocirt_error **err)
{
        *ret_notify_fd = -1;
        return 0;
}

int
seccomp_forward_listener(ocirt_ctx *ctx, const char *state_json, const char *msg_text, int fd, ocirt_error **err)
{
        close(fd);
        return 0;
}

int
seccomp_load_spec(const struct spec *s, int *ret_notify_fd, ocirt_error **err)
{
        *ret_notify_fd = -1;
        return 0;
}
