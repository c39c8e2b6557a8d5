/* records.c — attendance and pledges: lookups, signatures, folios, and
 * writing a new record (see store.h). */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_SELECT \
    "SELECT 'attendance', a.uuid, a.folio, a.at, a.method, ifnull(a.employee_no, ''), " \
    "ifnull(a.guest_name, ''), e.uuid, '', '', a.kiosk_id, a.signature_id IS NOT NULL " \
    "FROM attendance a JOIN event e ON e.id = a.event_id "
#define PLEDGE_SELECT \
    "SELECT 'pledge', p.uuid, p.folio, p.at, p.method, p.employee_no, '', '', p.carta_sha256, " \
    "p.privacy_sha256, p.kiosk_id, p.signature_id IS NOT NULL FROM pledge p "

static void read_record(sqlite3_stmt *st, store_record *r)
{
    memset(r, 0, sizeof *r);
    store_col_text(st, 0, r->type, sizeof r->type);
    store_col_text(st, 1, r->uuid, sizeof r->uuid);
    store_col_text(st, 2, r->folio, sizeof r->folio);
    r->at = sqlite3_column_int64(st, 3);
    store_col_text(st, 4, r->method, sizeof r->method);
    store_col_text(st, 5, r->employee_no, sizeof r->employee_no);
    store_col_text(st, 6, r->guest_name, sizeof r->guest_name);
    store_col_text(st, 7, r->event_id, sizeof r->event_id);
    store_col_text(st, 8, r->carta_sha256, sizeof r->carta_sha256);
    store_col_text(st, 9, r->privacy_sha256, sizeof r->privacy_sha256);
    store_col_text(st, 10, r->kiosk_id, sizeof r->kiosk_id);
    r->has_signature = sqlite3_column_int(st, 11);
}

/* Runs a one-row record query with one text parameter. */
static int one_record(store *s, const char *sql, const char *a, const char *b, store_record *out)
{
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, a);
    if (b)
        store_bind_text(st, 2, b);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_record(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return rc == SQLITE_DONE ? STORE_NOTFOUND : store_sqlerr(s, rc, "read record");
}

int store_record_by_folio(store *s, const char *folio, store_record *out)
{
    static const char sql_a[] = RECORD_SELECT "WHERE a.folio = ?1";
    static const char sql_p[] = PLEDGE_SELECT "WHERE p.folio = ?1";
    int rc = one_record(s, sql_a, folio, NULL, out);
    if (rc == STORE_NOTFOUND)
        rc = one_record(s, sql_p, folio, NULL, out);
    if (rc == STORE_NOTFOUND)
        return store_fail(s, STORE_NOTFOUND, "no receipt with folio %s", folio);
    return rc;
}

/* The number employee_no is stored under (store_person_get: leading zeros
 * aside), into out; employee_no itself when nobody has it. */
static void stored_number(store *s, const char *employee_no, char out[STORE_EMPLOYEE_NO_LEN])
{
    store_person p;
    if (store_person_get(s, employee_no, &p) == STORE_OK)
        memcpy(out, p.employee_no, STORE_EMPLOYEE_NO_LEN);
    else
        util_strlcpy(out, employee_no, STORE_EMPLOYEE_NO_LEN);
}

int store_attendance_find(store *s, const char *event_id, const char *employee_no, store_record *out)
{
    static const char sql[] = RECORD_SELECT "WHERE e.uuid = ?1 AND a.employee_no = ?2";
    store_event e;
    char no[STORE_EMPLOYEE_NO_LEN];
    int rc = store_event_find(s, event_id, 1, &e, NULL);
    if (rc)
        return rc;
    stored_number(s, employee_no, no);
    rc = one_record(s, sql, e.id, no, out);
    return rc == STORE_NOTFOUND ? store_fail(s, rc, "employee %s is not registered at this event", employee_no) : rc;
}

int store_pledge_find(store *s, const char *employee_no, const char *carta_sha256, store_record *out)
{
    static const char sql[] = PLEDGE_SELECT "WHERE p.employee_no = ?1 AND p.carta_sha256 = ?2";
    char no[STORE_EMPLOYEE_NO_LEN];
    stored_number(s, employee_no, no);
    int rc = one_record(s, sql, no, carta_sha256, out);
    return rc == STORE_NOTFOUND ? store_fail(s, rc, "employee %s has not signed this Carta", employee_no) : rc;
}

int store_attendance_each(store *s, const char *event_id, int newest,
                          int (*fn)(const store_attendee *, void *), void *ctx)
{
    store_event e;
    int rc = store_event_find(s, event_id, 1, &e, NULL);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT 'attendance', a.uuid, a.folio, a.at, a.method, ifnull(a.employee_no, ''), "
             "ifnull(a.guest_name, ''), e.uuid, '', '', a.kiosk_id, a.signature_id IS NOT NULL, "
             "ifnull(p.given_name, ''), ifnull(p.surname1, ''), ifnull(p.surname2, ''), "
             "ifnull(a.snap_unit, ifnull(p.unit_code, '')), ifnull(a.snap_area, ifnull(p.area, '')), "
             "ifnull(a.snap_position, ifnull(p.position, '')) "
             "FROM attendance a JOIN event e ON e.id = a.event_id "
             "LEFT JOIN person p ON p.employee_no = a.employee_no WHERE e.uuid = ?1 ORDER BY a.at %s, a.id %s",
             newest ? "DESC" : "ASC", newest ? "DESC" : "ASC");
    if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
        return store_sqlerr(s, rc, "list attendees");
    store_bind_text(st, 1, e.id);
    store_attendee at;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&at, 0, sizeof at);
        read_record(st, &at.r);
        at.guest = at.r.employee_no[0] == '\0';
        if (at.guest) {
            util_strlcpy(at.name, at.r.guest_name, sizeof at.name);
        } else {
            store_person p;
            memset(&p, 0, sizeof p);
            store_col_text(st, 12, p.given_name, sizeof p.given_name);
            store_col_text(st, 13, p.surname1, sizeof p.surname1);
            store_col_text(st, 14, p.surname2, sizeof p.surname2);
            store_person_fullname(&p, at.name, sizeof at.name);
            store_col_text(st, 15, at.unit, sizeof at.unit);
            store_col_text(st, 16, at.area, sizeof at.area);
            store_col_text(st, 17, at.position, sizeof at.position);
        }
        if (fn(&at, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "list attendees");
}

int store_record_signature(store *s, const store_record *r, void **blob, size_t *len)
{
    static const char sql_a[] = "SELECT g.strokes FROM attendance a JOIN signature g ON g.id = a.signature_id "
                                "WHERE a.uuid = ?1";
    static const char sql_p[] = "SELECT g.strokes FROM pledge p JOIN signature g ON g.id = p.signature_id "
                                "WHERE p.uuid = ?1";
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st = store_stmt(s, strcmp(r->type, "pledge") == 0 ? sql_p : sql_a);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, r->uuid);
    int rc = sqlite3_step(st), code = STORE_NOTFOUND;
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        *blob = malloc(n > 0 ? (size_t)n : 1);
        if (*blob) {
            memcpy(*blob, sqlite3_column_blob(st, 0), (size_t)n);
            *len = (size_t)n;
            code = STORE_OK;
        } else {
            code = store_fail(s, STORE_ERROR, "out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        code = store_sqlerr(s, rc, "read signature");
    }
    sqlite3_reset(st);
    return code;
}

/* Next folio of this kiosk: KIOSKID-NNNNNN (Crockford letters and digits,
 * no I/L/O/U, so it reads aloud without ambiguity). Inside a transaction. */
static int next_folio(store *s, char out[STORE_FOLIO_LEN])
{
    static const char sql[] = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                              "WHERE key = 'folio_seq' RETURNING value";
    if (!s->kiosk_id[0])
        return store_fail(s, STORE_INVALID, "the database has no kiosk identity (run: cepci-kiosk init)");
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    long long n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, rc, "allocate folio");
    if (n <= 0)
        return store_fail(s, STORE_ERROR, "allocate folio: counter missing");
    snprintf(out, STORE_FOLIO_LEN, "%s-%06lld", s->kiosk_id, n);
    return STORE_OK;
}

/* Inserts a signature blob; *id gets its rowid (0 when there is none). */
static int put_signature(store *s, const void *sig, size_t siglen, sqlite3_int64 *id)
{
    static const char sql[] = "INSERT INTO signature(uuid, kiosk_id, strokes) VALUES (?1, ?2, ?3)";
    *id = 0;
    if (!sig || siglen == 0)
        return STORE_OK;
    char uuid[UTIL_UUID_LEN];
    util_uuid(uuid);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, uuid);
    store_bind_text(st, 2, s->kiosk_id);
    sqlite3_bind_blob(st, 3, sig, (int)siglen, SQLITE_TRANSIENT);
    int rc = store_exec_stmt(s, st, "save signature");
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int valid_method(const char *m)
{
    static const char *const methods[] = {"badge", "number", "search", "guest", "keyed", "desk", NULL};
    return m && store_in_list(methods, m);
}

/* ---- writing a record ----
 *
 * Check-in and pledge share one path, record_write: inside one BEGIN
 * IMMEDIATE transaction it runs the kind's checks (so an event closed or a
 * person made inactive by another process a moment ago is seen as such),
 * stores the signature, takes the next folio and a new UUID, inserts the
 * row (with a snapshot of the person's unit, area and position, read in
 * the same transaction) and appends its audit entry. A second record of the same person is
 * caught by the table's unique index at insert time, however it raced in
 * (another kiosk process, the command line): the transaction rolls back,
 * folio counter included, and the record already saved comes back with
 * STORE_EXISTS. */

enum { RECORD_ATTENDANCE, RECORD_PLEDGE };

/* A record about to be written, as store_checkin / store_pledge describe it. */
typedef struct record_new {
    int kind;                     /* RECORD_* */
    const char *event_id;         /* attendance: id or unique prefix, as given */
    struct store_event_light ev;  /* attendance: filled by the checks */
    const char *employee_no;      /* NULL for a guest; as given */
    store_person person;          /* staff: filled by the checks (employee_no as stored) */
    const char *guest_name;       /* attendance by a guest */
    const char *method;
    const char *carta, *privacy;  /* pledge: SHA-256 hex of the texts */
    const void *sig;              /* signature blob, or NULL */
    size_t siglen;
    int64_t at;                   /* when the record was made */
    int64_t now;                  /* when it is written (the audit entry's time) */
} record_new;

/* The checks of a check-in, inside the transaction: the event exists and
 * accepts it, the person is staff (active, unless a paper list is typed
 * in), a signature is there if asked. */
static int checkin_allowed(store *s, record_new *n)
{
    store_person *p = &n->person;
    int keyed = strcmp(n->method, "keyed") == 0;
    int rc = store_event_find(s, n->event_id, 0, NULL, &n->ev);
    if (rc)
        return rc;
    if (!(strcmp(n->ev.state, "open") == 0 || (keyed && strcmp(n->ev.state, "closed") == 0)))
        return store_fail(s, STORE_CLOSED, "the event '%s' is %s; it does not accept check-ins", n->ev.title,
                          strcmp(n->ev.state, "draft") == 0 ? "not open yet" : "closed");
    if (n->employee_no) {
        if (store_person_get(s, n->employee_no, p) != STORE_OK)
            return store_fail(s, STORE_NOTFOUND, "employee number %s is not in the roster", n->employee_no);
        if (!p->active && !keyed)
            return store_fail(s, STORE_NOTFOUND, "employee number %s is marked inactive in the roster",
                              n->employee_no);
    }
    if (n->ev.signature && !keyed && (!n->sig || n->siglen == 0))
        return store_fail(s, STORE_INVALID, "this event asks for a signature");
    return STORE_OK;
}

/* The checks of a pledge, inside the transaction: the person is in the
 * roster, and active unless a paper letter is typed in. */
static int pledge_allowed(store *s, record_new *n)
{
    int rc = store_person_get(s, n->employee_no, &n->person);
    if (rc)
        return rc;
    if (!n->person.active && strcmp(n->method, "keyed") != 0)
        return store_fail(s, STORE_NOTFOUND, "employee number %s is marked inactive in the roster", n->employee_no);
    return STORE_OK;
}

/* After a unique-index clash (the transaction rolled back): the record of
 * the same person saved before, into out, with STORE_EXISTS; or
 * STORE_ERROR when the clash was on an identifier (a new UUID or folio). */
static int record_existing(store *s, const record_new *n, store_record *out)
{
    static const char sql_att[] = RECORD_SELECT "WHERE e.uuid = ?1 AND a.employee_no = ?2";
    static const char sql_pledge[] = PLEDGE_SELECT "WHERE p.employee_no = ?1 AND p.carta_sha256 = ?2";
    const char *no = n->person.employee_no;
    if (n->kind == RECORD_ATTENDANCE) {
        if (n->employee_no && one_record(s, sql_att, n->ev.id, no, out) == STORE_OK)
            return store_fail(s, STORE_EXISTS, "employee %s is already registered at this event", n->employee_no);
        return store_fail(s, STORE_ERROR, "save attendance: identifier clash; try again");
    }
    if (one_record(s, sql_pledge, no, n->carta, out) == STORE_OK)
        return store_fail(s, STORE_EXISTS, "employee %s already signed this version of the Carta Compromiso",
                          n->employee_no);
    return store_fail(s, STORE_ERROR, "save pledge: identifier clash; try again");
}

/* The same guest cannot be registered twice at one event: a guest whose
 * name folds (case, accents, spacing) to the same text is already there.
 * Inside the transaction; STORE_EXISTS with that record in out. */
static int guest_unique(store *s, const record_new *n, store_record *out)
{
    static const char sql[] = RECORD_SELECT "WHERE a.event_id = ?1 AND a.guest_name IS NOT NULL";
    char want[STORE_GUEST_NAME_LEN], have[STORE_GUEST_NAME_LEN];
    util_fold(n->guest_name, want, sizeof want);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, n->ev.row);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, 6);
        util_fold(g ? g : "", have, sizeof have);
        /* A name of no letters or digits at all is compared as typed. */
        if (want[0] ? strcmp(have, want) == 0 : strcmp(g ? g : "", n->guest_name) == 0) {
            read_record(st, out);
            sqlite3_reset(st);
            return store_fail(s, STORE_EXISTS, "a guest named '%s' is already registered at this event",
                              n->guest_name);
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read the guests of the event");
}

/* Writes the record n describes, durably, with its signature, folio and
 * audit entry, in one transaction; on success out holds it. */
static int record_write(store *s, record_new *n, store_record *out)
{
    /* Both inserts take ?1 uuid, ?2 kiosk, ?3 employee, ?4 at, ?5 method,
     * ?6 signature, ?7 folio, the kind's own ?8 and ?9, then the snapshot
     * ?10 unit, ?11 area, ?12 position. */
    static const char sql_att[] =
        "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, folio, "
        "snap_unit, snap_area, snap_position) VALUES (?1, ?2, ?8, ?3, ?9, ?4, ?5, ?6, ?7, ?10, ?11, ?12)";
    static const char sql_pledge[] =
        "INSERT INTO pledge(uuid, kiosk_id, employee_no, at, carta_sha256, privacy_sha256, method, signature_id, "
        "folio, snap_unit, snap_area, snap_position) VALUES (?1, ?2, ?3, ?4, ?8, ?9, ?5, ?6, ?7, ?10, ?11, ?12)";
    int pledge = n->kind == RECORD_PLEDGE;
    int own = !s->in_tx; /* else part of the caller's transaction (a bulk import) */
    sqlite3_int64 sigid = 0;
    char uuid[UTIL_UUID_LEN], folio[STORE_FOLIO_LEN];
    sqlite3_stmt *st;
    int rc = own ? store_begin(s) : STORE_OK;
    if (rc)
        return rc;
    if ((rc = pledge ? pledge_allowed(s, n) : checkin_allowed(s, n)) ||
        (!pledge && n->guest_name && (rc = guest_unique(s, n, out))) ||
        (rc = put_signature(s, n->sig, n->siglen, &sigid)) || (rc = next_folio(s, folio)))
        goto out;
    util_uuid(uuid);
    if (!(st = store_stmt(s, pledge ? sql_pledge : sql_att))) {
        rc = STORE_ERROR;
        goto out;
    }
    const store_person *p = &n->person; /* all "" for a guest */
    store_bind_text(st, 1, uuid);
    store_bind_text(st, 2, s->kiosk_id);
    store_bind_text(st, 3, n->employee_no ? p->employee_no : NULL);
    sqlite3_bind_int64(st, 4, n->at);
    store_bind_text(st, 5, n->method);
    if (sigid)
        sqlite3_bind_int64(st, 6, sigid);
    store_bind_text(st, 7, folio);
    if (pledge) {
        store_bind_text(st, 8, n->carta);
        store_bind_text(st, 9, n->privacy);
    } else {
        sqlite3_bind_int64(st, 8, n->ev.row);
        store_bind_text(st, 9, n->guest_name);
    }
    store_bind_text(st, 10, p->unit);
    store_bind_text(st, 11, p->area);
    store_bind_text(st, 12, p->position);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE && !own)
        return store_fail(s, STORE_EXISTS, "a record of employee %s clashes with one saved before", n->employee_no);
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        store_rollback(s);
        return record_existing(s, n, out);
    }
    if (rc != SQLITE_DONE) {
        rc = store_sqlerr(s, rc, pledge ? "save pledge" : "save attendance");
        goto out;
    }
    if ((rc = store_audit_append(s, pledge ? "pledge" : "attendance", uuid, n->now)) || (own && (rc = store_commit(s))))
        goto out;
    memset(out, 0, sizeof *out);
    snprintf(out->type, sizeof out->type, "%s", pledge ? "pledge" : "attendance");
    memcpy(out->uuid, uuid, sizeof uuid);
    memcpy(out->folio, folio, sizeof folio);
    out->at = n->at;
    util_strlcpy(out->method, n->method, sizeof out->method);
    util_strlcpy(out->employee_no, n->employee_no ? p->employee_no : "", sizeof out->employee_no);
    util_strlcpy(out->guest_name, n->guest_name ? n->guest_name : "", sizeof out->guest_name);
    if (!pledge)
        memcpy(out->event_id, n->ev.id, sizeof n->ev.id);
    util_strlcpy(out->carta_sha256, n->carta ? n->carta : "", sizeof out->carta_sha256);
    util_strlcpy(out->privacy_sha256, n->privacy ? n->privacy : "", sizeof out->privacy_sha256);
    memcpy(out->kiosk_id, s->kiosk_id, sizeof s->kiosk_id);
    out->has_signature = sigid != 0;
    return STORE_OK;
out:
    if (own)
        store_rollback(s);
    return rc;
}

int store_checkin(store *s, const char *event_id, const char *employee_no, const char *guest_name,
                  const char *method, const void *sig, size_t siglen, int64_t now, store_record *out)
{
    int guest = method && strcmp(method, "guest") == 0;
    if (!valid_method(method))
        return store_fail(s, STORE_INVALID, "bad check-in method '%s'", method ? method : "");
    if (guest) {
        if (!guest_name || !*guest_name)
            return store_fail(s, STORE_INVALID, "a guest must give a full name");
        if (strlen(guest_name) >= sizeof out->guest_name || !util_utf8_valid(guest_name, strlen(guest_name)) ||
            util_has_control(guest_name))
            return store_fail(s, STORE_INVALID, "the guest name is too long or not valid text");
    } else if (!employee_no) {
        employee_no = ""; /* not in the roster, said inside the transaction */
    }
    record_new n = {
        .kind = RECORD_ATTENDANCE,
        .event_id = event_id,
        .employee_no = guest ? NULL : employee_no,
        .guest_name = guest ? guest_name : NULL,
        .method = method,
        .sig = sig,
        .siglen = siglen,
        .at = now,
        .now = now,
    };
    return record_write(s, &n, out);
}

int store_record_keyed_at(store *s, const char *event_id, const char *employee_no, int64_t at, int64_t now,
                          store_record *out)
{
    if (!s->in_tx)
        return store_fail(s, STORE_ERROR, "store_record_keyed_at outside a transaction");
    record_new n = {
        .kind = RECORD_ATTENDANCE,
        .event_id = event_id,
        .employee_no = employee_no ? employee_no : "",
        .method = "keyed",
        .at = at,
        .now = now,
    };
    return record_write(s, &n, out);
}

int store_pledge(store *s, const char *employee_no, const char *carta_sha256, const char *privacy_sha256,
                 const char *method, const void *sig, size_t siglen, int64_t at, int64_t now, store_record *out)
{
    int keyed = method && strcmp(method, "keyed") == 0;
    if (!method || (!keyed && strcmp(method, "kiosk") != 0))
        return store_fail(s, STORE_INVALID, "bad pledge method '%s'", method ? method : "");
    if (!carta_sha256 || strlen(carta_sha256) != 64 || !privacy_sha256 || strlen(privacy_sha256) != 64)
        return store_fail(s, STORE_INVALID, "the Carta and privacy-notice versions must be SHA-256 hashes");
    if (!keyed && (!sig || siglen == 0))
        return store_fail(s, STORE_INVALID, "a pledge at the kiosk needs a signature");
    record_new n = {
        .kind = RECORD_PLEDGE,
        .employee_no = employee_no ? employee_no : "",
        .method = method,
        .carta = carta_sha256,
        .privacy = privacy_sha256,
        .sig = sig,
        .siglen = siglen,
        .at = at,
        .now = now,
    };
    return record_write(s, &n, out);
}
