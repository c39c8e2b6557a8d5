/* bench_foundation.c — the foundation's figures (issue 2): roster import of
 * 100,000 people, name-search latency per keystroke, durable check-in
 * latency against a bare SQLite insert with the same WAL/FULL settings, and
 * indicator computation over 1,000,000 attendance rows. */
#include "bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "gen_roster.h"
#include "indicators.h"
#include "keys.h"
#include "roster.h"
#include "store.h"

#define PEOPLE 100000
#define ATTENDANCES 1000000

static store *fresh_store(const char *dir, const char *name)
{
    char path[4096], key[4200], err[512];
    store *s;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(key, sizeof key, "%s.key", path);
    unlink(path);
    unlink(key);
    /* With its key, as the kiosk: every write signs the chain head. */
    if (store_open(&s, path, 1, err, sizeof err) || store_init_identity(s, "Bench", "SCLC", 1600000000) ||
        keys_create(s, path, 1600000000, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return NULL;
    }
    for (int i = 0; GEN_UNITS[i]; i++)
        store_unit_ensure(s, GEN_UNITS[i]);
    return s;
}

static int bench_import(const char *dir, const char *csv, store **keep)
{
    double t[3];
    for (int run = 0; run < 3; run++) {
        char name[32];
        snprintf(name, sizeof name, "import%d.db", run);
        store *s = fresh_store(dir, name);
        if (!s)
            return 1;
        roster_stats st;
        char err[512];
        double t0 = bench_now_ms();
        if (roster_import(s, csv, 1600000000, &st, err, sizeof err) != STORE_OK) {
            fprintf(stderr, "bench: import: %s\n", err);
            store_close(s);
            return 1;
        }
        t[run] = bench_now_ms() - t0;
        if (run == 2)
            *keep = s;
        else
            store_close(s);
    }
    printf("roster import, %d rows: median %.0f ms (runs %.0f %.0f %.0f; target < 5000 ms)\n", PEOPLE,
           bench_percentile(t, 3, 50), t[0], t[1], t[2]);
    return 0;
}

/* Types 300 real names one keystroke at a time, from the 2nd character. */
static int bench_search(store *s)
{
    enum { NAMES = 300, MAXK = 40 };
    double *lat = malloc(sizeof(double) * NAMES * MAXK);
    int n = 0;
    /* The names come from a connection of our own (the store runs no
     * ad-hoc SQL for callers). */
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READONLY, NULL);
    sqlite3_prepare_v2(db, "SELECT given_name || ' ' || surname1 FROM person ORDER BY random() LIMIT ?1",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, NAMES);
    store_person res[8];
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *full = (const char *)sqlite3_column_text(st, 0);
        size_t len = strlen(full);
        char typed[128];
        for (size_t k = 2; k <= len && k < sizeof typed && n < NAMES * MAXK; k++) {
            if (((unsigned char)full[k - 1] & 0xc0) == 0xc0)
                continue; /* mid-character: the keyboard sends whole characters */
            memcpy(typed, full, k);
            typed[k] = '\0';
            double t0 = bench_now_ms();
            int r = store_search(s, typed, res, 8);
            lat[n++] = bench_now_ms() - t0;
            if (r < 0) {
                fprintf(stderr, "bench: search failed: %s\n", store_errmsg(s));
                break;
            }
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    double p50 = bench_percentile(lat, n, 50), p99 = bench_percentile(lat, n, 99), max = lat[n - 1];
    printf("name search, %d keystrokes over %d people: p50 %.3f ms, p99 %.3f ms, max %.3f ms (target p99 < 5 ms)\n",
           n, PEOPLE, p50, p99, max);
    free(lat);
    return 0;
}

static int bench_checkin(const char *dir, store *s)
{
    enum { N = 300 };
    static const char sig[400] = "SG1";
    double a[N], b[N];
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "Bench");
    snprintf(e.kind, sizeof e.kind, "taller");
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "SCLC");
    snprintf(e.start, sizeof e.start, "2020-06-01 10:00");
    if (store_event_add(s, &e, 1) || store_event_set_state(s, e.id, "open", 1))
        return 1;
    /* Bare insert: same folder, same pragmas, one row per transaction. */
    char path[4096];
    snprintf(path, sizeof path, "%s/bare.db", dir);
    unlink(path);
    sqlite3 *db;
    sqlite3_stmt *ins;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "CREATE TABLE t(id INTEGER PRIMARY KEY, uuid TEXT, employee_no TEXT, at INTEGER, sig BLOB)",
                 NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO t(uuid, employee_no, at, sig) VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL);
    /* Interleave the two so machine noise hits both alike. */
    for (int i = 0; i < N; i++) {
        char no[16], uuid[UTIL_UUID_LEN];
        store_record r;
        snprintf(no, sizeof no, "%d", 100001 + i * 7);
        double t0 = bench_now_ms();
        int rc = store_checkin(s, e.id, no, NULL, "badge", sig, sizeof sig, 1600000000 + i, &r);
        a[i] = bench_now_ms() - t0;
        if (rc != STORE_OK && rc != STORE_NOTFOUND) {
            fprintf(stderr, "bench: check-in: %s\n", store_errmsg(s));
            return 1;
        }
        util_uuid(uuid);
        t0 = bench_now_ms();
        sqlite3_bind_text(ins, 1, uuid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, no, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 3, i);
        sqlite3_bind_blob(ins, 4, sig, sizeof sig, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        b[i] = bench_now_ms() - t0;
    }
    sqlite3_finalize(ins);
    sqlite3_close(db);
    double ca = bench_percentile(a, N, 50), cb = bench_percentile(b, N, 50);
    printf("durable check-in: p50 %.3f ms, p99 %.3f ms; bare SQLite insert (WAL, FULL): p50 %.3f ms; "
           "ratio %.2f (target <= 1.5)\n", ca, bench_percentile(a, N, 99), cb, ca / cb);
    return 0;
}

/* Bulk-loads ATTENDANCES rows straight into the table (setup only, not
 * measured) through a connection of our own: 2,000 qualifying events of
 * the year with 500 people each. */
static int load_attendance(store *s)
{
    sqlite3 *db;
    char *msg = NULL;
    int rc = sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
            "PRAGMA foreign_keys=ON;" /* as the store's connection does */
            "PRAGMA synchronous=OFF; BEGIN;"
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999) "
            "INSERT INTO event(uuid, kiosk_id, title, kind, unit_code, start_local, signature, state, created_at) "
            "SELECT printf('bench-%05d', i), 'BENCH00', 'Evento ' || i, 'taller', "
            "CASE i % 5 WHEN 0 THEN 'SCLC' WHEN 1 THEN 'CHE' WHEN 2 THEN 'CAM' WHEN 3 THEN 'TAP' ELSE 'VHSA' END, "
            "printf('2020-%02d-15 10:00', 1 + i % 12), 0, 'closed', 0 FROM n;"
            "INSERT INTO event_topic(event_id, topic) SELECT id, 'etica' FROM event WHERE uuid LIKE 'bench-%';"
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999) "
            "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, at, method, folio) "
            "SELECT printf('att-%07d', i), 'BENCH00', "
            "(SELECT id FROM event WHERE uuid = printf('bench-%05d', i / 500)), "
            "CAST(100001 + (i * 7919) % 100000 AS TEXT), 1600000000 + i, 'keyed', printf('B-%07d', i) FROM n;"
            "COMMIT; PRAGMA synchronous=FULL;",
            NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "bench: load attendance: %s\n", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    sqlite3_close(db);
    return rc != SQLITE_OK;
}

static int bench_indicators(store *s)
{
    config c;
    config_defaults(&c, ".");
    double t0 = bench_now_ms();
    if (load_attendance(s))
        return 1;
    printf("(setup: bulk-loaded %d attendance rows in %.0f ms)\n", ATTENDANCES, bench_now_ms() - t0);
    double t[5];
    indicators ind;
    for (int i = 0; i < 5; i++) {
        t0 = bench_now_ms();
        if (indicators_compute(s, &c, 2020, &ind) != STORE_OK) {
            fprintf(stderr, "bench: indicators: %s\n", store_errmsg(s));
            return 1;
        }
        t[i] = bench_now_ms() - t0;
        if (i < 4)
            indicators_free(&ind);
    }
    printf("indicators, %d people, %d attendances: median %.0f ms (target < 200 ms); trained %d of %d\n",
           PEOPLE, ATTENDANCES, bench_percentile(t, 5, 50), ind.trained, ind.staff);
    indicators_free(&ind);
    return 0;
}

int bench_foundation(const char *dir)
{
    char csv[4096];
    snprintf(csv, sizeof csv, "%s/roster.csv", dir);
    FILE *f = fopen(csv, "w");
    if (!f || gen_roster_write(f, PEOPLE, 42) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", csv);
        if (f)
            fclose(f);
        return 1;
    }
    fclose(f);
    store *s = NULL;
    int rc = bench_import(dir, csv, &s);
    if (!rc)
        rc = bench_search(s);
    if (!rc)
        rc = bench_checkin(dir, s);
    if (!rc)
        rc = bench_indicators(s);
    store_close(s);
    return rc;
}
