/* testutil_core.h — helpers for every cmocka test, on libc and cmocka only
 * (no store, no SQLite), so a test of the core layer links nothing more:
 * temporary folders and files, running the real executable, skipping a test
 * whose tools are missing, and the seed of a random test.
 *
 * A test binary ends main() with
 *     return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
 * so that ctest reports it skipped (exit 77) when every test that ran passed
 * but some were skipped through tu_skip() or tu_need(). */
#ifndef CK_TESTUTIL_CORE_H
#define CK_TESTUTIL_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The exit status ctest reads as "skipped" (SKIP_RETURN_CODE in
 * tests/CMakeLists.txt); the shell tests use it too. */
#define TU_SKIPPED 77

/* A fresh temporary folder (caller frees the string; tu_rmrf removes it,
 * tu_tmpdir_done does both). */
char *tu_tmpdir(void);
/* Removes path and everything under it (no shell); warns on failure. */
void tu_rmrf(const char *path);
/* Removes the folder dir made by tu_tmpdir and frees the string. */
void tu_tmpdir_done(char *dir);

/* Writes text to dir/name and returns the malloc'd path. */
char *tu_write(const char *dir, const char *name, const char *text, size_t len);

/* Runs the real executable (CK_BIN) with argv (NULL-terminated, without the
 * program name), capturing stdout and stderr into malloc'd strings (may be
 * NULL to discard). Returns the exit status. */
int tu_run(char **out, char **err, const char *const *argv);

/* Runs a shell command (printf-style) and returns its standard output,
 * malloc'd and NUL-terminated (the test fails if it cannot run). */
char *tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Pages of the PDF at path (pdfinfo), 0 when it cannot tell. */
int tu_pdf_pages(const char *path);

/* Path of a file in the source tree (a static buffer). */
const char *tu_src(const char *rel);

/* Skips the running test (cmocka skip(), which does not return) with a
 * note naming why; counted for tu_exit. Call it before the test allocates
 * anything, as skip() leaves the test at once. */
void tu_skip(const char *why);
/* Skips the running test unless every program named in progs (separated
 * by spaces, e.g. "pdftoppm zbarimg") is on PATH. */
void tu_need(const char *progs);
/* main()'s exit status from cmocka_run_group_tests' result: failed as is
 * when non-zero, else TU_SKIPPED when a test was skipped, else 0. */
int tu_exit(int failed);

/* The seed of a random test: CK_SEED from the environment when set (a
 * decimal number), else fallback. Prints it with how to replay it, so a
 * failure in CI can be run again as it was. A malformed CK_SEED fails. */
unsigned tu_seed(const char *test, unsigned fallback);

#endif
