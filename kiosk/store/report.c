/* report.c — read-only walks over the database for the indicators, the
 * exports and the command line (see store.h, "reports").
 *
 * These run once per report, so their statements are prepared for the walk
 * and finalised after it (they stay out of the statement cache). Rows are
 * handed to the caller's callback straight from SQLite: a 100,000-row table
 * never sits in memory. */
#include "store_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column i as text, "" for NULL (valid until the next step). */
static const char *col(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

/* Prepares sql for one walk; NULL with the reason on s. */
static sqlite3_stmt *prepare(store *s, const char *sql, const char *what)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        store_sqlerr(s, rc, what);
        return NULL;
    }
    return st;
}

/* Finalises st after a walk that ended with step result rc or was stopped
 * by the callback (stop != 0): stop, STORE_OK, or the error on s. */
static int finish(store *s, sqlite3_stmt *st, int rc, int stop, const char *what)
{
    int code = stop ? stop : rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : store_sqlerr(s, rc, what);
    sqlite3_finalize(st);
    return code;
}

/* ---- keys ---- */

int store_key_each(store *s, int (*fn)(const store_key_row *, void *), void *ctx)
{
    static const char sql[] =
        "SELECT kiosk_id, public_key, institution, unit_code FROM kiosk_key ORDER BY kiosk_id";
    sqlite3_stmt *st = prepare(s, sql, "list public keys");
    int rc, stop = 0;
    if (!st)
        return STORE_ERROR;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_key_row k = {
            .kiosk_id = col(st, 0),
            .pk = sqlite3_column_blob(st, 1),
            .pklen = (size_t)sqlite3_column_bytes(st, 1),
            .institution = col(st, 2),
            .unit = col(st, 3),
        };
        stop = fn(&k, ctx);
    }
    return finish(s, st, rc, stop, "list public keys");
}

/* ---- indicators ---- */

int store_event_rows(store *s, int64_t *n)
{
    sqlite3_stmt *st = prepare(s, "SELECT ifnull(max(id), 0) + 1 FROM event", "compute indicators");
    int rc;
    *n = 1;
    if (!st)
        return STORE_ERROR;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    return finish(s, st, rc, 0, "compute indicators");
}

int store_event_brief_each(store *s, int year, int (*fn)(const store_event_brief *, void *), void *ctx)
{
    static const char sql[] =
        "SELECT e.id, e.unit_code, CAST(substr(e.start_local, 6, 2) AS INTEGER), "
        "(SELECT group_concat(topic, ',') FROM event_topic t WHERE t.event_id = e.id), "
        "e.state <> 'draft' AND EXISTS (SELECT 1 FROM attendance a INDEXED BY attendance_once "
        "WHERE a.event_id = e.id AND a.employee_no IS NOT NULL) "
        "FROM event e WHERE substr(e.start_local, 1, 4) = ?1";
    char y[8];
    int rc, stop = 0;
    sqlite3_stmt *st = prepare(s, sql, "compute indicators");
    if (!st)
        return STORE_ERROR;
    snprintf(y, sizeof y, "%04d", year);
    sqlite3_bind_text(st, 1, y, -1, SQLITE_STATIC);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_event_brief e = {
            .row = sqlite3_column_int64(st, 0),
            .unit = col(st, 1),
            .month = sqlite3_column_int(st, 2),
            .topics = col(st, 3),
            .held = sqlite3_column_int(st, 4),
        };
        stop = fn(&e, ctx);
    }
    return finish(s, st, rc, stop, "compute indicators");
}

/* Steps a merge cursor: *live while it is on a row; a step error goes to
 * *bad (an error must never read as "no more rows"). */
static void advance(sqlite3_stmt *st, int *live, int *bad)
{
    int rc = sqlite3_step(st);
    *live = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        *bad = rc;
}

/* Advances a cursor over rows sorted by employee number (column 0) until
 * its key is >= key; returns 1 while positioned on a row equal to key. */
static int seek(sqlite3_stmt *st, int *live, int *bad, const char *key)
{
    while (*live) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        int c = k ? strcmp(k, key) : -1;
        if (c == 0)
            return 1;
        if (c > 0)
            return 0;
        advance(st, live, bad);
    }
    return 0;
}

int store_activity_each(store *s, int (*fn)(const store_activity *, void *), void *ctx)
{
    sqlite3_stmt *pe, *at = NULL, *pl = NULL;
    int64_t *events = NULL;
    size_t cap = 0;
    int rc = STORE_ERROR, step = SQLITE_DONE, stop = 0;
    if (!(pe = prepare(s, "SELECT employee_no, unit_code FROM person WHERE active = 1 ORDER BY employee_no",
                       "compute indicators")) ||
        !(at = prepare(s, "SELECT employee_no, event_id FROM attendance INDEXED BY attendance_person "
                          "WHERE employee_no IS NOT NULL ORDER BY employee_no", "compute indicators")) ||
        !(pl = prepare(s, "SELECT employee_no, min(at) FROM pledge GROUP BY employee_no ORDER BY employee_no",
                       "compute indicators")))
        goto out;
    int at_live, pl_live, bad = SQLITE_OK;
    advance(at, &at_live, &bad);
    advance(pl, &pl_live, &bad);
    while (!stop && (step = sqlite3_step(pe)) == SQLITE_ROW) {
        store_activity a = {.employee_no = col(pe, 0), .unit = col(pe, 1), .first_pledge = INT64_MAX};
        while (seek(at, &at_live, &bad, a.employee_no)) {
            if (a.nevents == cap) {
                int64_t *grown = realloc(events, (cap = cap ? cap * 2 : 64) * sizeof *events);
                if (!grown) {
                    rc = store_fail(s, STORE_ERROR, "compute indicators: out of memory");
                    goto out;
                }
                events = grown;
            }
            events[a.nevents++] = sqlite3_column_int64(at, 1);
            advance(at, &at_live, &bad);
        }
        a.events = events;
        if (seek(pl, &pl_live, &bad, a.employee_no))
            a.first_pledge = sqlite3_column_int64(pl, 1);
        stop = fn(&a, ctx);
    }
    /* A cursor that stopped on an error (not at its end) must not pass for
     * "nobody else trained". */
    if (stop)
        rc = stop;
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(s, step, "compute indicators");
    else if (bad != SQLITE_OK)
        rc = store_sqlerr(s, bad, "compute indicators");
    else
        rc = STORE_OK;
out:
    free(events);
    sqlite3_finalize(pe);
    sqlite3_finalize(at);
    sqlite3_finalize(pl);
    return rc;
}

/* ---- lists for the exports ---- */

int store_att_rows(store *s, const char *event_uuid, int want_sig, int (*fn)(const store_att_row *, void *),
                   void *ctx)
{
    static const char sql[] =
        "SELECT a.uuid, a.folio, a.at, a.method, a.kiosk_id, ifnull(a.employee_no, ''), "
        "ifnull(a.guest_name, ''), ifnull(p.given_name, ''), ifnull(p.surname1, ''), ifnull(p.surname2, ''), "
        "ifnull(a.snap_unit, ifnull(p.unit_code, '')), ifnull(a.snap_area, ifnull(p.area, '')), "
        "ifnull(a.snap_position, ifnull(p.position, '')), "
        "CASE WHEN ?2 THEN g.strokes END, a.snap_unit IS NOT NULL, "
        "a.employee_no IS NOT NULL AND EXISTS (SELECT 1 FROM attendance b WHERE b.event_id = a.event_id "
        "AND b.employee_no = a.employee_no AND (b.at < a.at OR (b.at = a.at AND (b.folio < a.folio OR "
        "(b.folio = a.folio AND b.uuid < a.uuid))))) "
        "FROM attendance a JOIN event e ON e.id = a.event_id "
        "LEFT JOIN person p ON p.employee_no = a.employee_no "
        "LEFT JOIN signature g ON g.id = a.signature_id "
        "WHERE e.uuid = ?1 ORDER BY a.at, a.folio, a.uuid";
    sqlite3_stmt *st = prepare(s, sql, "list attendees");
    int rc, stop = 0;
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, event_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, want_sig);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_att_row r = {
            .uuid = col(st, 0),
            .folio = col(st, 1),
            .at = sqlite3_column_int64(st, 2),
            .method = col(st, 3),
            .kiosk_id = col(st, 4),
            .employee_no = col(st, 5),
            .guest_name = col(st, 6),
            .given_name = col(st, 7),
            .surname1 = col(st, 8),
            .surname2 = col(st, 9),
            .unit = col(st, 10),
            .area = col(st, 11),
            .position = col(st, 12),
            .snapshot = sqlite3_column_int(st, 14),
            .repeated = sqlite3_column_int(st, 15),
        };
        if (sqlite3_column_type(st, 13) == SQLITE_BLOB) {
            r.sig = sqlite3_column_blob(st, 13);
            r.siglen = (size_t)sqlite3_column_bytes(st, 13);
        }
        stop = fn(&r, ctx);
    }
    return finish(s, st, rc, stop, "list attendees");
}

int store_pledge_rows(store *s, int64_t before, int (*fn)(const store_pledge_row *, void *), void *ctx)
{
    static const char sql[] =
        "SELECT pl.uuid, pl.folio, pl.at, pl.method, pl.kiosk_id, pl.employee_no, p.given_name, p.surname1, "
        "p.surname2, ifnull(pl.snap_unit, p.unit_code), ifnull(u.name, ifnull(pl.snap_unit, p.unit_code)), "
        "ifnull(u.timezone, '" CK_DEFAULT_TZ "'), ifnull(pl.snap_area, p.area), ifnull(pl.snap_position, p.position), "
        "pl.carta_sha256, pl.privacy_sha256, pl.signature_id IS NOT NULL, pl.snap_unit IS NOT NULL "
        "FROM pledge pl JOIN person p ON p.employee_no = pl.employee_no "
        "LEFT JOIN unit u ON u.code = ifnull(pl.snap_unit, p.unit_code) "
        "WHERE ?1 = 0 OR pl.at < ?2 ORDER BY pl.at, pl.id";
    sqlite3_stmt *st = prepare(s, sql, "list pledges");
    int rc, stop = 0;
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, before != 0);
    sqlite3_bind_int64(st, 2, before);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_pledge_row r = {
            .uuid = col(st, 0),
            .folio = col(st, 1),
            .at = sqlite3_column_int64(st, 2),
            .method = col(st, 3),
            .kiosk_id = col(st, 4),
            .employee_no = col(st, 5),
            .given_name = col(st, 6),
            .surname1 = col(st, 7),
            .surname2 = col(st, 8),
            .unit = col(st, 9),
            .unit_name = col(st, 10),
            .tz = col(st, 11),
            .area = col(st, 12),
            .position = col(st, 13),
            .carta = col(st, 14),
            .privacy = col(st, 15),
            .has_sig = sqlite3_column_int(st, 16),
            .snapshot = sqlite3_column_int(st, 17),
        };
        stop = fn(&r, ctx);
    }
    return finish(s, st, rc, stop, "list pledges");
}
