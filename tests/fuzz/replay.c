/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* replay.c: a fuzz harness as a unit test. Linked with one harness of tests/fuzz/ instead of
 * libFuzzer, it feeds every file of that harness's corpus (CORPUS_DIR: tests/fuzz/corpus/NAME) to
 * LLVMFuzzerTestOneInput() once and prints a TAP line per file. So the seeds, and every input a
 * fuzz run found crashing (saved there once fixed), run with each `tests/run` and under the
 * sanitizer lane: a crash that comes back kills the test, and tests/run reports the missing plan.
 * The input ends at a guard page, so a read past its end is caught in any build.
 * Optional arguments: files or directories to replay instead. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static void
replay_file(const char *path)
{
        FILE *f = fopen(path, "rbe");
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0, n;

        if (!ok(f, "%s: readable", path))
                return;
        do {
                if (len == cap)
                        buf = realloc(buf, cap = cap ? cap * 2 : 4096);
                if (!buf)
                        abort();
                n = fread(buf + len, 1, cap - len, f);
                len += n;
        } while (n > 0);
        fclose(f);
        /* libFuzzer hands over exactly the bytes, with no terminating NUL to lean on. Here they end
         * right before an inaccessible page, so reading past them crashes even without ASan. */
        {
                size_t page = (size_t) sysconf(_SC_PAGESIZE), span = (len + page - 1) / page * page + page;
                uint8_t *map = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

                if (map == MAP_FAILED || mprotect(map + span - page, page, PROT_NONE) < 0)
                        abort();
                memcpy(map + span - page - len, buf, len);
                (void) LLVMFuzzerTestOneInput(map + span - page - len, len);
                munmap(map, span);
        }
        free(buf);
        ok(true, "%s: %zu bytes, no crash", path, len);
}

static void
replay(const char *path)
{
        struct dirent **ents;
        struct stat st;
        int n;

        if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
                replay_file(path);
                return;
        }
        n = scandir(path, &ents, NULL, by_name);
        if (!ok(n >= 0, "%s: a corpus directory", path))
                return;
        for (int i = 0; i < n; i++) {
                if (ents[i]->d_name[0] != '.') {
                        char *p = malloc(strlen(path) + strlen(ents[i]->d_name) + 2);

                        sprintf(p, "%s/%s", path, ents[i]->d_name);
                        replay_file(p);
                        free(p);
                }
                free(ents[i]);
        }
        free(ents);
}

int
main(int argc, char **argv)
{
        if (argc > 1)
                for (int i = 1; i < argc; i++)
                        replay(argv[i]);
        else
                replay(CORPUS_DIR);
        return tap_done();
}
