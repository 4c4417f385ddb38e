/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-config.c: libFuzzer harness for config.json: spec_parse() (the big-number rewrite of
 * spec-json.c, the typed readers of spec.c, spec-linux.c and spec-resources.c) and spec_validate()
 * (run by spec_parse). Any input must give a spec or an error with a message, never a crash, a
 * leak or undefined behaviour. Built and run by tests/fuzz/run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct spec *s = NULL;
        ocirt_error *err = NULL;

        if (spec_parse((const char *) data, size, "config.json", &s, &err) < 0) {
                /* Every refusal must say what is wrong. */
                if (!err || !ocirt_error_message(err) || !*ocirt_error_message(err))
                        abort();
                ocirt_error_free(err);
                return 0;
        }
        /* The lookups the runtime makes on a parsed spec. */
        for (int t = 0; t < SPEC_NS__MAX; t++)
                (void) spec_find_ns(s, (enum spec_ns_type) t);
        (void) spec_annotation(s, "org.opencontainers.image.os");
        spec_free(s);
        return 0;
}
