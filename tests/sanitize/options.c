/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* options.c: the sanitizer settings an --enable-sanitizers build starts with, linked into the
 * programs only in that build (Makefile.am, SANITIZERS).
 *
 * tests/run starts every test script with `env -i`, so ASAN_OPTIONS set by the sanitizer lane would
 * not reach ocirt; these defaults do (an ASAN_OPTIONS/UBSAN_OPTIONS in the environment still wins,
 * option by option). Every report goes to a file below OCIRT_SANITIZER_LOG (one per pid, written by
 * root and by the test user: tests/sanitize/run makes the directory 1777), which the lane collects,
 * because the runtime's stderr is often the container's or a test's captured output.
 *
 * A process that reports after pivot_root (the container's init) cannot reach that path: the
 * sanitizer then says "Can't open file" on stderr and exits non-zero, so the test that ran it fails
 * and the lane, which also searches the tests' stderr, sees it. */
#ifndef OCIRT_SANITIZER_LOG
#define OCIRT_SANITIZER_LOG "/tmp/ocirt-sanitize/report"
#endif

#define COMMON_OPTIONS                                                                                                 \
        "log_path=" OCIRT_SANITIZER_LOG ":print_stacktrace=1:external_symbolizer_path=/usr/bin/llvm-symbolizer"

/* Called by the sanitizer runtimes before main (weak symbols there). */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__lsan_default_options(void);

const char *
__asan_default_options(void)
{
        /* abort_on_error=0, exitcode 23: a report is an exit status a test sees, never a core dump.
         * detect_leaks: see __lsan_default_options. */
        return COMMON_OPTIONS ":exitcode=23:detect_stack_use_after_return=1:check_initialization_order=1";
}

const char *
__ubsan_default_options(void)
{
        return COMMON_OPTIONS ":halt_on_error=1:exitcode=23";
}

const char *
__lsan_default_options(void)
{
        return "exitcode=23";
}
