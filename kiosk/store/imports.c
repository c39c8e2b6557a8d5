/* imports.c — bulk attendance imports and the read-only walks of the
 * evidence (see store_evidence.h).
 *
 * An import is one transaction: the batch row (event, file name and hash,
 * rows added), then each row through records.c's one record-writing path
 * (store_record_keyed_at: the checks, folio, snapshot and audit entry of a
 * keyed check-in) with its link to the batch, then the batch's own audit
 * entry, whose canonical content names the UUIDs and notes of its rows
 * (audit.c). Anything wrong rolls all of it back. */
#include "store_evidence.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* When the file sha256 was imported for the event (row ev), or 0. */
static int earlier_import(store *s, sqlite3_int64 ev, const char *sha, int64_t *at)
{
    static const char sql[] = "SELECT min(at) FROM import_batch WHERE event_id = ?1 AND sha256 = ?2";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ev);
    store_bind_text(st, 2, sha);
    int rc = sqlite3_step(st);
    *at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_OK : store_sqlerr(s, rc, "read imports");
}

/* 1 when employee_no (as stored) is registered at event row ev, 0 if not,
 * or a STORE_* error. */
static int registered(store *s, sqlite3_int64 ev, const char *employee_no)
{
    static const char sql[] = "SELECT 1 FROM attendance WHERE event_id = ?1 AND employee_no = ?2";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ev);
    store_bind_text(st, 2, employee_no);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_sqlerr(s, rc, "read attendance");
}

int store_import_attendance(store *s, const char *event_id, const char *sha256, const char *name,
                            const store_import_row *rows, int n, int64_t now, store_import_result *res)
{
    static const char sql_batch[] = "INSERT INTO import_batch(uuid, kiosk_id, event_id, sha256, name, rows, at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    static const char sql_link[] = "INSERT INTO attendance_import(attendance_id, batch_id, note) "
                                   "SELECT id, ?2, ?3 FROM attendance WHERE uuid = ?1";
    struct store_event_light ev;
    unsigned char *skip = NULL;
    int rc;
    memset(res, 0, sizeof *res);
    res->bad_row = -1;
    if (!sha256 || strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
        return store_fail(s, STORE_INVALID, "import: the file hash must be SHA-256 in hex");
    if (!name || !*name || strlen(name) >= STORE_TEXT_LEN || !util_utf8_valid(name, strlen(name)) ||
        util_has_control(name))
        return store_fail(s, STORE_INVALID, "import: the file name is empty, too long or not valid text");
    if (n < 0 || (n > 0 && !rows))
        return store_fail(s, STORE_INVALID, "import: no rows");
    for (int i = 0; i < n; i++) {
        const char *note = rows[i].note ? rows[i].note : "";
        if (strlen(note) >= STORE_TEXT_LEN || !util_utf8_valid(note, strlen(note)) || util_has_control(note)) {
            res->bad_row = i;
            return store_fail(s, STORE_INVALID, "import: a note is too long or not valid text");
        }
    }
    if (!(skip = calloc((size_t)n + 1, 1)))
        return store_fail(s, STORE_ERROR, "import: out of memory");
    if ((rc = store_begin(s)))
        goto done;
    if ((rc = store_event_find(s, event_id, 0, NULL, &ev)))
        goto rollback;
    if (strcmp(ev.state, "draft") == 0) {
        rc = store_fail(s, STORE_CLOSED, "the event '%s' is not open yet; open it before typing in its list",
                        ev.title);
        goto rollback;
    }
    if ((rc = earlier_import(s, ev.row, sha256, &res->earlier_at)))
        goto rollback;
    if (res->earlier_at) {
        rc = store_fail(s, STORE_EXISTS, "this file was already imported for this event");
        goto rollback;
    }
    /* Who is new: the rows of people not yet registered at the event. */
    for (int i = 0; i < n; i++) {
        store_person p;
        if (store_person_get(s, rows[i].employee_no ? rows[i].employee_no : "", &p) != STORE_OK) {
            res->bad_row = i;
            rc = store_fail(s, STORE_NOTFOUND, "employee number %s is not in the roster",
                            rows[i].employee_no ? rows[i].employee_no : "");
            goto rollback;
        }
        int r = registered(s, ev.row, p.employee_no);
        if (r < 0) {
            rc = r;
            goto rollback;
        }
        skip[i] = (unsigned char)r;
        res->already += r;
    }
    res->added = n - res->already;
    if (res->added == 0) {
        rc = store_commit(s); /* nothing new: nothing recorded */
        goto done;
    }
    util_uuid(res->batch_uuid);
    sqlite3_stmt *st = store_stmt(s, sql_batch);
    if (!st) {
        rc = STORE_ERROR;
        goto rollback;
    }
    store_bind_text(st, 1, res->batch_uuid);
    store_bind_text(st, 2, s->kiosk_id);
    sqlite3_bind_int64(st, 3, ev.row);
    store_bind_text(st, 4, sha256);
    store_bind_text(st, 5, name);
    sqlite3_bind_int(st, 6, res->added);
    sqlite3_bind_int64(st, 7, now);
    if ((rc = store_exec_stmt(s, st, "save import")))
        goto rollback;
    sqlite3_int64 batch = sqlite3_last_insert_rowid(s->db);
    for (int i = 0; i < n; i++) {
        store_record r;
        if (skip[i])
            continue;
        if ((rc = store_record_keyed_at(s, ev.id, rows[i].employee_no, rows[i].at, now, &r))) {
            res->bad_row = i;
            goto rollback;
        }
        if (!(st = store_stmt(s, sql_link))) {
            rc = STORE_ERROR;
            goto rollback;
        }
        store_bind_text(st, 1, r.uuid);
        sqlite3_bind_int64(st, 2, batch);
        store_bind_text(st, 3, rows[i].note ? rows[i].note : "");
        if ((rc = store_exec_stmt(s, st, "link imported row")))
            goto rollback;
    }
    if ((rc = store_audit_append(s, "import", res->batch_uuid, now)) || (rc = store_commit(s)))
        goto rollback;
    goto done;
rollback:
    store_rollback(s);
    res->batch_uuid[0] = '\0';
    res->added = res->already = 0;
done:
    free(skip);
    return rc;
}

int store_import_each(store *s, const char *event_uuid, int (*fn)(const store_import_batch *, void *), void *ctx)
{
    static const char sql[] = "SELECT b.uuid, b.sha256, b.name, b.kiosk_id, b.rows, b.at FROM import_batch b "
                              "JOIN event e ON e.id = b.event_id WHERE e.uuid = ?1 ORDER BY b.at, b.id";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), stop = 0;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "list imports");
    store_bind_text(st, 1, event_uuid);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
#define TXT(i) (sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "")
        store_import_batch b = {TXT(0), TXT(1), TXT(2), TXT(3), sqlite3_column_int(st, 4),
                                sqlite3_column_int64(st, 5)};
        stop = fn(&b, ctx);
    }
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list imports");
}

int store_imported_rows_each(store *s, const char *event_uuid,
                             int (*fn)(const char *att_uuid, const char *sha256, const char *note, void *), void *ctx)
{
    static const char sql[] = "SELECT a.uuid, b.sha256, x.note FROM attendance_import x "
                              "JOIN attendance a ON a.id = x.attendance_id JOIN import_batch b ON b.id = x.batch_id "
                              "JOIN event e ON e.id = a.event_id WHERE e.uuid = ?1 ORDER BY a.id";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), stop = 0;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "list imported rows");
    store_bind_text(st, 1, event_uuid);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(TXT(0), TXT(1), TXT(2), ctx);
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list imported rows");
}

int store_event_tally_get(store *s, const char *event_uuid, store_event_tally *out)
{
    static const char sql[] =
        "SELECT count(a.employee_no), ifnull(sum(p.active = 1), 0), ifnull(sum(a.employee_no IS NULL), 0), "
        "ifnull(sum(a.method = 'keyed'), 0), "
        "(SELECT count(*) FROM attendance_import x JOIN attendance y ON y.id = x.attendance_id "
        " WHERE y.event_id = e.id), "
        "(SELECT count(*) FROM attachment t WHERE t.event_id = e.id) "
        "FROM event e LEFT JOIN attendance a ON a.event_id = e.id "
        "LEFT JOIN person p ON p.employee_no = a.employee_no WHERE e.uuid = ?1 GROUP BY e.id";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, event_uuid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->staff = sqlite3_column_int(st, 0);
        out->staff_active = sqlite3_column_int(st, 1);
        out->guests = sqlite3_column_int(st, 2);
        out->keyed = sqlite3_column_int(st, 3);
        out->imported = sqlite3_column_int(st, 4);
        out->attachments = sqlite3_column_int(st, 5);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? store_fail(s, STORE_NOTFOUND, "no event '%s'", event_uuid)
                             : store_sqlerr(s, rc, "count attendance");
}

int store_person_events_each(store *s, const char *employee_no, int year,
                             int (*fn)(const store_event *, const store_record *, void *), void *ctx)
{
    static const char sql[] = "SELECT e.uuid FROM attendance a JOIN event e ON e.id = a.event_id "
                              "WHERE a.employee_no = ?1 AND (?2 = 0 OR substr(e.start_local, 1, 4) = "
                              "printf('%04d', ?2)) ORDER BY e.start_local, e.uuid";
    store_person p;
    char (*ids)[UTIL_UUID_LEN] = NULL;
    int n = 0, cap = 0, rc, stop = 0;
    if ((rc = store_person_get(s, employee_no, &p)))
        return rc == STORE_NOTFOUND ? store_fail(s, rc, "employee number %s is not in the roster", employee_no)
                                    : rc;
    sqlite3_stmt *st;
    if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
        return store_sqlerr(s, rc, "list a person's events");
    store_bind_text(st, 1, p.employee_no);
    sqlite3_bind_int(st, 2, year);
    /* Collect first: the callbacks below run their own queries. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            void *grown = realloc(ids, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *ids);
            if (!grown) {
                sqlite3_finalize(st);
                free(ids);
                return store_fail(s, STORE_ERROR, "out of memory");
            }
            ids = grown;
        }
        store_col_text(st, 0, ids[n++], UTIL_UUID_LEN);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(ids);
        return store_sqlerr(s, rc, "list a person's events");
    }
    rc = STORE_OK;
    for (int i = 0; i < n && !stop && rc == STORE_OK; i++) {
        store_event e;
        store_record r;
        if ((rc = store_event_get(s, ids[i], &e)) || (rc = store_attendance_find(s, e.id, p.employee_no, &r)))
            break;
        stop = fn(&e, &r, ctx);
    }
    free(ids);
    return stop ? stop : rc;
}

int store_pledge_signature(store *s, const char *pledge_uuid, void **blob, size_t *len)
{
    static const char sql[] = "SELECT g.strokes FROM pledge p JOIN signature g ON g.id = p.signature_id "
                              "WHERE p.uuid = ?1";
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, pledge_uuid);
    int rc = sqlite3_step(st), code = STORE_OK;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (!(*blob = malloc(n)))
            code = store_fail(s, STORE_ERROR, "out of memory");
        else {
            memcpy(*blob, sqlite3_column_blob(st, 0), n);
            *len = n;
        }
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        code = store_fail(s, STORE_NOTFOUND, "pledge %s has no drawn signature", pledge_uuid);
    } else {
        code = store_sqlerr(s, rc, "read a pledge's signature");
    }
    sqlite3_reset(st);
    return code;
}
