/* testutil.h — shared store fixtures for the cmocka tests of the store and
 * the layers above it (tests/testutil.c, linked with ck_store); the helpers
 * that need no store are in testutil_core.h. */
#ifndef CK_TESTUTIL_H
#define CK_TESTUTIL_H

#include "testutil_core.h"

#include "store.h"

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

/* The first members of every fixture that holds a database in a temporary
 * folder, in this order: struct fx { TU_FIXTURE; ...the test's own... }.
 * Structures that begin with the same members lay them out alike (C11
 * 6.5.2.3), so the one teardown below serves them all. */
#define TU_FIXTURE \
    char *dir; /* from tu_tmpdir */ \
    store *s   /* from tu_store; NULL when the test closed it */
typedef struct tu_fixture {
    TU_FIXTURE;
} tu_fixture;

/* cmocka teardown of a fixture that starts with TU_FIXTURE and was
 * calloc'd: closes the store, removes the folder, frees the fixture. */
int tu_teardown(void **state);

#endif
