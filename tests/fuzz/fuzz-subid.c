/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-subid.c: libFuzzer harness for the /etc/subuid and /etc/subgid parser of src/libocirt/config/subid.c:
 * subid_parse() (the ranges of one user, by name or uid), subid_covers() on what it found, and
 * subid_free_start() (tests/setup-host's choice of a free range). The files are the host's, but
 * written by hand or by tools that do not check them. Built and run by tests/fuzz/run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct subid_range *r = NULL;
        size_t n = 0;
        uint64_t bad;
        char *text;

        /* The file as read: NUL-terminated, and cut at the first NUL like any C reader would. */
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';

        /* The names and uids of the seed corpus, so matching lines are common. */
        if (subid_parse(text, "ocirt-test", 1001, &r, &n) == 0) {
                for (size_t i = 0; i < n; i++) {
                        if (r[i].count == 0 || r[i].start + r[i].count > (uint64_t) UINT32_MAX + 1)
                                abort(); /* subid_parse() promises non-empty 32-bit ranges */
                        (void) subid_covers(r, n, r[i].start, r[i].count, &bad);
                        if (!subid_covers(r, n, r[i].start, r[i].count, NULL))
                                abort(); /* a range it returned must be covered by the list */
                }
                (void) subid_covers(r, n, 0, (uint64_t) UINT32_MAX + 1, &bad);
                free(r);
        }
        r = NULL;
        if (subid_parse(text, NULL, 0, &r, &n) == 0)
                free(r);
        (void) subid_free_start(text);
        free(text);
        return 0;
}
