/* testutil.h — shared fixtures for the cmocka tests. */
#ifndef CK_TESTUTIL_H
#define CK_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"

/* A fresh temporary folder (caller frees the string; tu_rmrf removes it). */
char *tu_tmpdir(void);
void tu_rmrf(const char *path);

/* Writes text to dir/name and returns the malloc'd path. */
char *tu_write(const char *dir, const char *name, const char *text, size_t len);

/* Creates an initialised database dir/name with units SCLC and CHE. */
store *tu_store(const char *dir, const char *name);

/* Teardown of a tu_store fixture: closes s (NULL when the test closed it
 * already), removes dir and frees the string. */
void tu_store_done(store *s, char *dir);

/* A connection of the test's own to s's database file (the store runs no
 * SQL for others): for counts and for attacks on the file. Close it with
 * sqlite3_close. */
struct sqlite3 *tu_db(store *s);

/* Runs sql, a query of one integer (e.g. SELECT count(*) ...) on a
 * connection of its own; returns it, or -1 when there is no row. */
long tu_count(store *s, const char *sql);

/* Adds the three active people most tests start from: 1001 José Peña
 * Íñiguez and 1002 María José López Ruiz (SCLC), 1003 Juan Pérez (CHE). */
void tu_people(store *s);

/* Adds a person directly (bypassing CSV) and fails the test on error. */
void tu_person(store *s, const char *no, const char *given, const char *s1, const char *s2, const char *unit,
               int active);

/* Adds and opens an event; returns its id in a static buffer. */
const char *tu_event(store *s, const char *title, const char *kind, const char *topics, const char *unit,
                     const char *start, int signature);

/* Runs the real executable (CK_BIN) with argv (NULL-terminated, without the
 * program name), capturing stdout and stderr into malloc'd strings (may be
 * NULL to discard). Returns the exit status. */
int tu_run(char **out, char **err, const char *const *argv);

/* Path of a file in the source tree. */
const char *tu_src(const char *rel);

#endif
