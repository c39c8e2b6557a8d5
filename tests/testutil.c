/* testutil.c — see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util.h"

store *tu_store(const char *dir, const char *name)
{
    char path[4096], err[512];
    store *s = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(util_init(), 0);
    if (store_open(&s, path, 1, err, sizeof err) != STORE_OK)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_init_identity(s, "Institución de Prueba", "SCLC", 1600000000), STORE_OK);
    assert_int_equal(store_unit_put(s, "SCLC", "San Cristóbal de Las Casas", "America/Mexico_City"), STORE_OK);
    assert_int_equal(store_unit_put(s, "CHE", "Chetumal", "America/Cancun"), STORE_OK);
    return s;
}

void tu_store_done(store *s, char *dir)
{
    store_close(s);
    tu_rmrf(dir);
    free(dir);
}

sqlite3 *tu_db(store *s)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail_msg("open %s: %s", store_path(s), db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_busy_timeout(db, 5000);
    return db;
}

long tu_count(store *s, const char *sql)
{
    sqlite3 *db = tu_db(s);
    sqlite3_stmt *st;
    long n = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

void tu_people(store *s)
{
    tu_person(s, "1001", "José", "Peña", "Íñiguez", "SCLC", 1);
    tu_person(s, "1002", "María José", "López", "Ruiz", "SCLC", 1);
    tu_person(s, "1003", "Juan", "Pérez", "", "CHE", 1);
}

void tu_person(store *s, const char *no, const char *given, const char *s1, const char *s2, const char *unit,
               int active)
{
    store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.employee_no, sizeof p.employee_no, "%s", no);
    snprintf(p.given_name, sizeof p.given_name, "%s", given);
    snprintf(p.surname1, sizeof p.surname1, "%s", s1);
    snprintf(p.surname2, sizeof p.surname2, "%s", s2);
    snprintf(p.unit, sizeof p.unit, "%s", unit);
    snprintf(p.area, sizeof p.area, "Área de pruebas");
    p.active = active;
    if (store_person_upsert(s, &p, 1600000000, NULL) != STORE_OK)
        fail_msg("person %s: %s", no, store_errmsg(s));
}

const char *tu_event(store *s, const char *title, const char *kind, const char *topics, const char *unit,
                     const char *start, int signature)
{
    static store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "%s", title);
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    snprintf(e.topics, sizeof e.topics, "%s", topics);
    snprintf(e.unit, sizeof e.unit, "%s", unit);
    snprintf(e.start, sizeof e.start, "%s", start);
    e.signature = signature;
    if (store_event_add(s, &e, 1600000000) != STORE_OK)
        fail_msg("event: %s", store_errmsg(s));
    assert_int_equal(store_event_set_state(s, e.id, "open", 1600000000), STORE_OK);
    return e.id;
}

int tu_teardown(void **state)
{
    tu_fixture *f = *state;
    tu_store_done(f->s, f->dir);
    free(f);
    return 0;
}
