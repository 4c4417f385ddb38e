/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-mountopt.c: libFuzzer harness for the mount-option parser of fs/mount-options.c:
 * mount_plan_options() (the spec's option names to mount_setattr attributes, propagation and
 * filesystem data), mount_join_data() and mount_attr_to_ms() (the mount(2) fallback's data string and
 * flags), and mountinfo_unescape() of fs/mount-id.c (paths read from mountinfo). The input is the
 * options list, one per line, as config.json's mounts[].options would give them.
 *
 * Those functions are the fs room's internal interface (fs/fs-internal.h), linked from
 * libocirt-internal.a: the harness tests the very code the runtime runs. Built and run by
 * tests/fuzz/run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "fs/fs-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct spec_mount m = { 0 };
        struct mount_plan p;
        char *text, *line, *save = NULL, *joined;

        text = xmalloc(size + 1);
        memcpy(text, data, size);
        text[size] = '\0';

        /* mountinfo unescaping works on any string, in place, and only shortens it. */
        {
                char *copy = xstrdup(text);
                size_t before = strlen(copy);

                mountinfo_unescape(copy);
                if (strlen(copy) > before)
                        abort();
                free(copy);
        }

        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                strv_push(&m.options, line);
        m.n_options = strv_length(m.options);

        mount_plan_options(&m, &p);
        /* An option turns an attribute on or off, never both; the atime family is one field that
         * is cleared as a whole (clr) before its value (set) goes in. */
        if (((p.set & p.clr) | (p.rset & p.rclr)) & ~(uint64_t) MOUNT_ATTR__ATIME)
                abort();
        (void) mount_attr_to_ms(p.set | p.rset);
        (void) mount_attr_to_ms(p.clr | p.rclr);
        joined = mount_join_data(p.data, false);
        free(joined);
        joined = mount_join_data(p.data, true);
        free(joined);

        strv_free(p.data);
        strv_free(m.options);
        free(text);
        return 0;
}
