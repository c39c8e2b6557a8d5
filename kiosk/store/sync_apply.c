/* sync_apply.c — other kiosks' entries into this database (see sync.c for
 * how the sync holds together, store.h "sync" for the interface): the
 * master-data version rule, each entry checked against its kiosk's chain
 * held here and applied like a record written here (never re-emitted as
 * this kiosk's), a pull page or a bundle in one transaction, bundles
 * built, and what was kept aside. */
#include "store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_HASH STORE_ZERO_HASH

/* ---- master data versions ----
 * The versions of a person (by employee number) or event (by UUID): the
 * entries of other kiosks applied here (sync_version, indexed as they
 * arrive) and this database's own entries of the record (its audit
 * entries that no sync brought, found through audit_record by the
 * record's UUID here: nothing is indexed when this kiosk writes). The
 * current one is the highest (at, kiosk, seq) of them: the central's rule
 * (db/central/README.md). */

/* The identity of a master-data entry: a person's employee number (content
 * field 2), an event's UUID. NULL for other kinds. */
static const char *master_ident_sql(const char *kind)
{
    if (strcmp(kind, "person") == 0)
        return "json_extract(?2, '$[2]')";
    if (strcmp(kind, "event") == 0)
        return "?3";
    return NULL;
}

/* The versions of kind ?1 with identity IDENT whose own entries are those
 * of the record UUID: rows (seq, at, kiosk_id). */
#define VERSIONS_OF(IDENT, UUID)                                                                            \
    "SELECT x.audit_seq AS seq, x.at AS at, x.kiosk_id AS kiosk_id FROM sync_version x WHERE x.kind = ?1 "  \
    "AND x.ident = " IDENT " UNION ALL SELECT a.seq, a.at, a.kiosk_id FROM audit a WHERE a.kind = ?1 AND "  \
    "a.record_uuid = " UUID " AND NOT EXISTS (SELECT 1 FROM sync_entry e WHERE e.audit_seq = a.seq)"
#define VERSION_ORDER " ORDER BY at DESC, kiosk_id DESC, seq DESC"

int store_sync_version_at(store *s, const char *kind, const char *content, int64_t *at)
{
    static const char sql[] =
        "SELECT max(at) FROM (" VERSIONS_OF("CASE ?1 WHEN 'person' THEN json_extract(?2, '$[2]') "
                                            "ELSE json_extract(?2, '$[1]') END", "json_extract(?2, '$[1]')") ")";
    if (!master_ident_sql(kind))
        return STORE_OK;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, kind);
    store_bind_text(st, 2, content);
    int rc = store_one_row(s, st, "read versions");
    if (rc)
        return rc;
    if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
        int64_t max = sqlite3_column_int64(st, 0);
        if (max >= *at)
            *at = max + 1; /* later than every version seen: it wins everywhere */
    }
    sqlite3_reset(st);
    return STORE_OK;
}

/* Indexes the version in audit row seq (a person or event entry of
 * another kiosk). */
static int version_add(store *s, int64_t seq)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO sync_version(kind, ident, at, kiosk_id, audit_seq) SELECT kind, "
        "CASE kind WHEN 'person' THEN json_extract(content, '$[2]') ELSE record_uuid END, at, kiosk_id, seq "
        "FROM audit WHERE seq = ?1";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, seq);
    return store_exec_stmt(s, st, "index version");
}

const char *store_sync_current_sql(const char *kind)
{
    /* The content of the current version of (kind ?1, key ?2 = the row's
     * UUID). */
    static const char sql[] =
        "SELECT v.content FROM (" VERSIONS_OF("CASE ?1 WHEN 'person' THEN (SELECT employee_no FROM person "
                                              "WHERE uuid = ?2) ELSE ?2 END", "?2") VERSION_ORDER " LIMIT 1) c "
        "JOIN audit v ON v.seq = c.seq";
    return master_ident_sql(kind) ? sql : NULL;
}

int store_sync_master_current(store *s, const char *kind, long long **seqs, size_t *n)
{
    /* Every version of the kind: those applied from other kiosks, and
     * every entry no sync brought (this kiosk's; and one put in by hand,
     * which competes like any version, so what it claims is checked
     * against the row). */
    static const char sql[] =
        "WITH v AS (SELECT ident, at, kiosk_id, audit_seq FROM sync_version WHERE kind = ?1 UNION ALL "
        "SELECT CASE a.kind WHEN 'person' THEN json_extract(a.content, '$[2]') ELSE a.record_uuid END, "
        "a.at, a.kiosk_id, a.seq FROM audit a WHERE a.kind = ?1 AND NOT EXISTS (SELECT 1 FROM sync_entry e "
        "WHERE e.audit_seq = a.seq)) "
        "SELECT audit_seq FROM (SELECT audit_seq, row_number() OVER (PARTITION BY ident "
        "ORDER BY at DESC, kiosk_id DESC, audit_seq DESC) AS r FROM v) WHERE r = 1 ORDER BY audit_seq";
    sqlite3_stmt *st;
    size_t cap = 0;
    *seqs = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read versions");
    store_bind_text(st, 1, kind);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            long long *g = realloc(*seqs, (cap = cap ? cap * 2 : 1024) * sizeof **seqs);
            if (!g) {
                sqlite3_finalize(st);
                return store_fail(s, STORE_ERROR, "out of memory");
            }
            *seqs = g;
        }
        (*seqs)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read versions");
}

/* 1 if the version in audit row seq is the current one of its record
 * (identity ident). */
static int version_current(store *s, const char *kind, const char *ident, int64_t seq, int *yes)
{
    static const char sql[] =
        "SELECT seq FROM (" VERSIONS_OF("?2", "CASE ?1 WHEN 'person' THEN (SELECT uuid FROM person WHERE "
                                        "employee_no = ?2) ELSE ?2 END") ")" VERSION_ORDER " LIMIT 1";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, kind);
    store_bind_text(st, 2, ident);
    int rc = store_one_row(s, st, "read versions");
    *yes = rc == STORE_OK && sqlite3_column_int64(st, 0) == seq;
    if (rc == STORE_OK)
        sqlite3_reset(st);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* ---- applying an entry of another kiosk ---- */

enum { APPLIED, HELD, PENDING, KEPT };

/* An entry as it arrives (pointers valid during one apply). */
typedef struct in_entry {
    const char *kiosk, *epoch, *kind, *uuid, *content, *prev, *hash;
    int64_t pos, at;
    int format;
    int conflict;    /* the central kept it aside as a conflict */
} in_entry;

/* The version rule, the one place a pull and a bundle import check it
 * (take_entry): an event's versions differ only in their state (content
 * element 13), a person's keep the employee number (element 2) — what
 * this program always writes and audit verify checks (audit.c), and what
 * the central refuses a push for (db/central/006_versions.sql). Entry e
 * (another kiosk's, not stored yet) is checked against the latest version
 * of its record held here and not kept aside. STORE_OK when it keeps the
 * rule (or is not a person or event, or is the first version here);
 * STORE_INVALID when it breaks it, with one line naming its kiosk, its
 * position, the record and the kiosk of the version held here in
 * store_errmsg(), and a short Spanish reason for the coordinator's list
 * in why (sync_conflict). Content that is not JSON is left to the checks
 * of apply_record. */
static int version_rule(store *s, const in_entry *e, char *why, size_t whylen)
{
    static const char sql[] =
        "SELECT a.kiosk_id, CASE ?1 WHEN 'event' THEN json_remove(?3, '$[13]') IS NOT json_remove(a.content, '$[13]') "
        "ELSE json_extract(?3, '$[2]') IS NOT json_extract(a.content, '$[2]') END, json_extract(a.content, '$[2]'), "
        "json_extract(?3, '$[2]') FROM audit a WHERE a.kind = ?1 AND a.record_uuid = ?2 AND json_valid(?3) AND "
        "json_valid(a.content) AND a.seq NOT IN (SELECT audit_seq FROM sync_entry WHERE status <> 'applied') "
        "ORDER BY a.seq DESC LIMIT 1";
    int person = strcmp(e->kind, "person") == 0;
    if (!person && strcmp(e->kind, "event") != 0)
        return STORE_OK;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, e->kind);
    store_bind_text(st, 2, e->uuid);
    store_bind_text(st, 3, e->content);
    int rc = store_one_row(s, st, "read versions");
    if (rc == STORE_NOTFOUND)
        return STORE_OK;
    if (rc)
        return rc;
    char held_kiosk[STORE_KIOSK_ID_LEN * 2], held_no[STORE_EMPLOYEE_NO_LEN * 2], new_no[STORE_EMPLOYEE_NO_LEN * 2];
    int breaks = sqlite3_column_int(st, 1);
    store_col_text(st, 0, held_kiosk, sizeof held_kiosk);
    store_col_text(st, 2, held_no, sizeof held_no);
    store_col_text(st, 3, new_no, sizeof new_no);
    sqlite3_reset(st);
    if (!breaks)
        return STORE_OK;
    if (person) {
        snprintf(why, whylen, "versión que cambia el número de empleado (%s aquí, %s en ella); escrita por fuera del "
                 "programa", held_no, new_no);
        return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: its version of person %s changes the employee "
                          "number (%s in the version of kiosk %s held here, %s in it); the program never does, the "
                          "entry was written outside it", e->kiosk, (long long)e->pos, e->uuid, held_no, held_kiosk,
                          new_no);
    }
    snprintf(why, whylen, "versión que cambia algo más que el estado del evento; escrita por fuera del programa");
    return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: its version of event %s changes more than the "
                      "state of the version of kiosk %s held here; the program never does, the entry was written "
                      "outside it", e->kiosk, (long long)e->pos, e->uuid, held_kiosk);
}

/* Keeps an entry aside: status held, and a line for the coordinator. */
static int note_conflict(store *s, int64_t seq, const char *kiosk, const char *kind, const char *uuid,
                         const char *reason, int64_t now)
{
    static const char sql[] = "INSERT INTO sync_conflict(audit_seq, kiosk_id, kind, uuid, reason, found_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, seq);
    store_bind_text(st, 2, kiosk);
    store_bind_text(st, 3, kind);
    store_bind_text(st, 4, uuid);
    store_bind_text(st, 5, reason);
    sqlite3_bind_int64(st, 6, now);
    return store_exec_stmt(s, st, "save sync conflict");
}

/* The kind (attendance, pledge, person, event: the UUID registry of
 * db/002_chain.sql; signature) that holds uuid here, or "". */
static int uuid_kind(store *s, const char *uuid, char kind[16])
{
    static const char sql[] = "SELECT kind FROM record_uuid WHERE uuid = ?1 UNION ALL "
                              "SELECT 'signature' FROM signature WHERE uuid = ?1 LIMIT 1";
    kind[0] = '\0';
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, uuid);
    int rc = store_one_row(s, st, "read record");
    if (rc == STORE_OK) {
        store_col_text(st, 0, kind, 16);
        sqlite3_reset(st);
    }
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* Inserts a record of another kiosk (attendance, pledge with their
 * snapshots when the content has them, or a reopening) from its content:
 * *status PENDING when its event, person or signature is not here yet.
 * A second record of one person (event or Carta) or a reused folio is
 * stored with dup_key = its uuid. */
static int insert_record(store *s, const char *kind, const char *content, int *status)
{
    static const char sql_att[] =
        "INSERT INTO attendance(uuid, kiosk_id, event_id, employee_no, guest_name, at, method, signature_id, "
        "folio, snap_unit, snap_area, snap_position, dup_key) SELECT json_extract(?1, '$[1]'), "
        "json_extract(?1, '$[2]'), e.id, json_extract(?1, '$[4]'), json_extract(?1, '$[5]'), "
        "json_extract(?1, '$[6]'), json_extract(?1, '$[7]'), g.signature_id, json_extract(?1, '$[9]'), "
        "json_extract(?1, '$[10]'), json_extract(?1, '$[11]'), json_extract(?1, '$[12]'), "
        "CASE ?2 WHEN 0 THEN '' ELSE json_extract(?1, '$[1]') END FROM event e "
        "LEFT JOIN sync_signature g ON g.sha256 = json_extract(?1, '$[8]') WHERE e.uuid = json_extract(?1, '$[3]') "
        "AND (json_extract(?1, '$[8]') IS NULL OR g.signature_id IS NOT NULL) "
        "AND (json_extract(?1, '$[4]') IS NULL OR EXISTS (SELECT 1 FROM person p "
        "WHERE p.employee_no = json_extract(?1, '$[4]')))";
    static const char sql_pledge[] =
        "INSERT INTO pledge(uuid, kiosk_id, employee_no, at, carta_sha256, privacy_sha256, method, signature_id, "
        "folio, snap_unit, snap_area, snap_position, dup_key) SELECT json_extract(?1, '$[1]'), "
        "json_extract(?1, '$[2]'), json_extract(?1, '$[3]'), json_extract(?1, '$[4]'), json_extract(?1, '$[5]'), "
        "json_extract(?1, '$[6]'), json_extract(?1, '$[7]'), g.signature_id, json_extract(?1, '$[9]'), "
        "json_extract(?1, '$[10]'), json_extract(?1, '$[11]'), json_extract(?1, '$[12]'), "
        "CASE ?2 WHEN 0 THEN '' ELSE json_extract(?1, '$[1]') END "
        "FROM (SELECT 1) LEFT JOIN sync_signature g ON g.sha256 = json_extract(?1, '$[8]') "
        "WHERE (json_extract(?1, '$[8]') IS NULL OR g.signature_id IS NOT NULL) "
        "AND EXISTS (SELECT 1 FROM person p WHERE p.employee_no = json_extract(?1, '$[3]'))";
    /* Why a closed event was opened again (schema 3): waits for its event. */
    static const char sql_reopen[] =
        "INSERT INTO event_reopen(uuid, kiosk_id, event_id, at, reason) SELECT json_extract(?1, '$[1]'), "
        "json_extract(?1, '$[2]'), e.id, json_extract(?1, '$[4]'), json_extract(?1, '$[5]') FROM event e "
        "WHERE e.uuid = json_extract(?1, '$[3]') AND ?2 = 0";
    int pledge = strcmp(kind, "pledge") == 0, reopen = strcmp(kind, "reopen") == 0;
    for (int dup = 0; dup < (reopen ? 1 : 2); dup++) {
        sqlite3_stmt *st = store_stmt(s, reopen ? sql_reopen : pledge ? sql_pledge : sql_att);
        if (!st)
            return STORE_ERROR;
        store_bind_text(st, 1, content);
        sqlite3_bind_int(st, 2, dup);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
            *status = sqlite3_changes(s->db) == 1 ? APPLIED : PENDING;
            return STORE_OK;
        }
        if (rc != SQLITE_CONSTRAINT_UNIQUE || dup)
            return store_sqlerr(s, rc, pledge ? "save pledge" : "save attendance");
    }
    return STORE_ERROR; /* not reached */
}

/* Replaces the search words of person row id (old_norm -> norm); as
 * people.c keeps them. */
static int retoken(store *s, sqlite3_int64 id, const char *old_norm, const char *norm)
{
    static const char sql_del[] = "DELETE FROM name_token WHERE person_id = ?1";
    static const char sql_ins[] = "INSERT OR IGNORE INTO name_token(token, person_id) VALUES (?1, ?2)";
    if (old_norm && strcmp(old_norm, norm) == 0)
        return STORE_OK;
    sqlite3_stmt *st = store_stmt(s, sql_del);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = store_exec_stmt(s, st, "index name");
    for (const char *w = norm; !rc && *w;) {
        size_t len = strcspn(w, " ");
        if (!(st = store_stmt(s, sql_ins)))
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, w, (int)len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
        rc = store_exec_stmt(s, st, "index name");
        w += len;
        while (*w == ' ')
            w++;
    }
    return rc;
}

/* Makes the person row of this version's employee number hold it. A
 * person is its employee number across kiosks, but a record keeps its
 * UUID (db/002_chain.sql: person_uuid_fixed, the UUID registry): when the
 * winning version carries another UUID (each kiosk's roster import gave
 * the person one of its own), the row is replaced by one with that UUID,
 * registered like every record's; the old UUID stays registered. The
 * records that name the person do so by employee number (the foreign
 * keys are deferred to the commit for the swap). A new row gets its
 * canonical number as employee_key (what badge reads and lookups go
 * through), NULL when another person already holds it (as the upgrade of
 * db/003_lists.sql does). */
static int write_person(store *s, const char *content, int64_t at, const char *kiosk)
{
    static const char sql_get[] = "SELECT id, name_norm, json_extract(?1, '$[3]') || ' ' || json_extract(?1, '$[4]') "
                                  "|| ' ' || json_extract(?1, '$[5]'), json_extract(?1, '$[6]'), "
                                  "uuid IS json_extract(?1, '$[1]') "
                                  "FROM (SELECT 1) LEFT JOIN person ON employee_no = json_extract(?1, '$[2]')";
    static const char sql_unit[] = "SELECT 1 FROM unit WHERE code = ?1";
    static const char sql_upd[] =
        "UPDATE person SET given_name = json_extract(?1, '$[3]'), "
        "surname1 = json_extract(?1, '$[4]'), surname2 = json_extract(?1, '$[5]'), "
        "unit_code = json_extract(?1, '$[6]'), area = json_extract(?1, '$[7]'), "
        "position = json_extract(?1, '$[8]'), email = json_extract(?1, '$[9]'), "
        "active = json_extract(?1, '$[10]'), name_norm = ?2, updated_at = ?3 WHERE id = ?4";
    static const char sql_ins[] =
        "INSERT INTO person(uuid, kiosk_id, employee_no, given_name, surname1, surname2, unit_code, area, position, "
        "email, active, name_norm, updated_at, employee_key) VALUES (json_extract(?1, '$[1]'), ?5, "
        "json_extract(?1, '$[2]'), json_extract(?1, '$[3]'), json_extract(?1, '$[4]'), json_extract(?1, '$[5]'), "
        "json_extract(?1, '$[6]'), json_extract(?1, '$[7]'), json_extract(?1, '$[8]'), json_extract(?1, '$[9]'), "
        "json_extract(?1, '$[10]'), ?2, ?3, (SELECT k FROM (SELECT " STORE_EMPLOYEE_CANON_SQL("json_extract(?1, '$[2]')")
        " AS k) WHERE NOT EXISTS (SELECT 1 FROM person WHERE employee_key = k)))";
    static const char sql_defer[] = "PRAGMA defer_foreign_keys = ON";
    static const char sql_untoken[] = "DELETE FROM name_token WHERE person_id = ?1";
    static const char sql_del[] = "DELETE FROM person WHERE id = ?1";
    static const char sql_uuid[] = "INSERT INTO record_uuid(uuid, kind) VALUES (json_extract(?1, '$[1]'), 'person') "
                                   "ON CONFLICT(uuid) DO NOTHING";
    char full[1024], norm[512], old[512] = "", unit[STORE_UNIT_CODE_LEN * 2];
    sqlite3_int64 id = 0;
    sqlite3_stmt *st = store_stmt(s, sql_get);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, content);
    int rc = store_one_row(s, st, "read person");
    if (rc)
        return rc;
    int isnew = sqlite3_column_type(st, 0) == SQLITE_NULL;
    int same_uuid = sqlite3_column_int(st, 4);
    id = sqlite3_column_int64(st, 0);
    store_col_text(st, 1, old, sizeof old);
    store_col_text(st, 2, full, sizeof full);
    store_col_text(st, 3, unit, sizeof unit);
    sqlite3_reset(st);
    util_fold(full, norm, sizeof norm);
    /* The unit must be held here (apply_record made it). */
    if (!(st = store_stmt(s, sql_unit)))
        return STORE_ERROR;
    store_bind_text(st, 1, unit);
    if ((rc = store_one_row(s, st, "read unit")) == STORE_NOTFOUND)
        return store_fail(s, STORE_INVALID, "unknown unit '%s'", unit);
    if (rc)
        return rc;
    sqlite3_reset(st);
    if (!isnew && !same_uuid) {
        /* Another UUID wins: the row is replaced (see above). */
        const char *const swap[] = {sql_defer, sql_untoken, sql_del};
        for (size_t i = 0; i < sizeof swap / sizeof *swap; i++) {
            if (!(st = store_stmt(s, swap[i])))
                return STORE_ERROR;
            if (i > 0)
                sqlite3_bind_int64(st, 1, id);
            if ((rc = store_exec_stmt(s, st, "replace person")))
                return rc;
        }
        isnew = 1;
    }
    if (!(st = store_stmt(s, isnew ? sql_ins : sql_upd)))
        return STORE_ERROR;
    store_bind_text(st, 1, content);
    store_bind_text(st, 2, norm);
    sqlite3_bind_int64(st, 3, at);
    if (isnew)
        store_bind_text(st, 5, kiosk);
    else
        sqlite3_bind_int64(st, 4, id);
    if ((rc = store_exec_stmt(s, st, "save person")))
        return rc;
    if (isnew) {
        int64_t nid = sqlite3_last_insert_rowid(s->db);
        if (!(st = store_stmt(s, sql_uuid)))
            return STORE_ERROR;
        store_bind_text(st, 1, content);
        if ((rc = store_exec_stmt(s, st, "register the person's UUID")))
            return rc;
        return retoken(s, nid, NULL, norm);
    }
    return retoken(s, id, old, norm);
}

/* Makes the event row of this version's UUID hold it, topics included. */
static int write_event(store *s, const char *content, int64_t at)
{
    static const char sql_upsert[] =
        "INSERT INTO event(uuid, kiosk_id, title, kind, unit_code, start_local, end_local, place, instructor, "
        "pat_key, signature, state, created_at) VALUES (json_extract(?1, '$[1]'), json_extract(?1, '$[2]'), "
        "json_extract(?1, '$[3]'), json_extract(?1, '$[4]'), json_extract(?1, '$[6]'), json_extract(?1, '$[7]'), "
        "json_extract(?1, '$[8]'), json_extract(?1, '$[9]'), json_extract(?1, '$[10]'), json_extract(?1, '$[11]'), "
        "json_extract(?1, '$[12]'), json_extract(?1, '$[13]'), ?2) ON CONFLICT(uuid) DO UPDATE SET "
        "kiosk_id = excluded.kiosk_id, title = excluded.title, kind = excluded.kind, unit_code = excluded.unit_code, "
        "start_local = excluded.start_local, end_local = excluded.end_local, place = excluded.place, "
        "instructor = excluded.instructor, pat_key = excluded.pat_key, signature = excluded.signature, "
        "state = excluded.state";
    static const char sql_del[] = "DELETE FROM event_topic WHERE event_id = (SELECT id FROM event WHERE uuid = "
                                  "json_extract(?1, '$[1]'))";
    static const char sql_topics[] = "INSERT OR IGNORE INTO event_topic(event_id, topic) SELECT e.id, t.value "
                                     "FROM event e, json_each(?1, '$[5]') t WHERE e.uuid = json_extract(?1, '$[1]')";
    const char *const sqls[] = {sql_upsert, sql_del, sql_topics};
    for (size_t i = 0; i < sizeof sqls / sizeof *sqls; i++) {
        sqlite3_stmt *st = store_stmt(s, sqls[i]);
        if (!st)
            return STORE_ERROR;
        store_bind_text(st, 1, content);
        if (i == 0)
            sqlite3_bind_int64(st, 2, at);
        int rc = store_exec_stmt(s, st, "save event");
        if (rc)
            return rc;
    }
    return STORE_OK;
}

/* The unit a person or event version names (content element 6): made
 * here when missing, with an entry of this kiosk's chain (units are each
 * kiosk's own, see take_units). Outside the entry's savepoint: an own
 * entry is never rolled back alone. A malformed code is left to the
 * version's checks. */
static int ensure_unit(store *s, const char *content, int64_t now)
{
    static const char sql[] = "SELECT json_extract(?1, '$[6]'), EXISTS (SELECT 1 FROM unit WHERE code = "
                              "json_extract(?1, '$[6]'))";
    char unit[STORE_UNIT_CODE_LEN * 2] = "";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, content);
    int rc = store_one_row(s, st, "read unit");
    if (rc)
        return rc;
    int have = sqlite3_column_int(st, 1);
    store_col_text(st, 0, unit, sizeof unit);
    sqlite3_reset(st);
    if (have || !util_is_token(unit) || strlen(unit) >= STORE_UNIT_CODE_LEN)
        return STORE_OK;
    return store_unit_ensure_at(s, unit, now);
}

/* Applies the entry in audit row seq (kind, uuid, content) to the tables:
 * *status APPLIED, HELD (with a conflict line) or PENDING. Runs in a
 * savepoint: whatever it wrote is undone unless APPLIED. */
static int apply_record(store *s, int64_t seq, const char *kiosk, const char *kind, const char *uuid,
                        const char *content, int64_t at, int conflict, int64_t now, int *status)
{
    const char *why = NULL;
    char held[16], *canon = NULL;
    int rc, is_master = strcmp(kind, "person") == 0 || strcmp(kind, "event") == 0;
    int is_record = strcmp(kind, "attendance") == 0 || strcmp(kind, "pledge") == 0 || strcmp(kind, "reopen") == 0;
    *status = HELD;
    if (conflict)
        return note_conflict(s, seq, kiosk, kind, uuid, "la central lo guardó aparte como conflicto", now);
    if (!is_master && !is_record) {
        /* Another kiosk's unit, setting, key, attachment or import batch:
         * kept in its chain, applied by that kiosk (README, "The rules"). */
        *status = KEPT;
        return STORE_OK;
    }
    if (is_master && (rc = ensure_unit(s, content, now)))
        return rc;
    if ((rc = store_exec(s, "SAVEPOINT sync_rec", "apply entry")))
        return rc;
    if ((rc = uuid_kind(s, uuid, held)))
        goto out;
    if (is_record) {
        if (held[0]) {
            /* Held already: a clash, or the same record written again
             * under another chain position (a copy): a record has one
             * entry, the first one held. */
            if (strcmp(held, kind) == 0 && (rc = store_audit_canon(s, kind, uuid, &canon)) == STORE_OK && canon &&
                strcmp(canon, content) == 0)
                why = "el mismo registro ya está aquí con otra entrada (una copia)";
            else if (rc == STORE_OK)
                why = "el mismo UUID ya está aquí con otro contenido";
            else
                goto out;
            goto done;
        }
        int st = HELD;
        if ((rc = insert_record(s, kind, content, &st))) {
            if (rc == STORE_ERROR || rc == STORE_FULL || rc == STORE_READONLY)
                goto out;
            why = "registro que no cumple las reglas de este programa";
            rc = STORE_OK;
            goto done;
        }
        if (st == PENDING) {
            *status = PENDING;
            goto done;
        }
    } else {
        int cur = 0;
        if (held[0] && strcmp(held, kind) != 0) {
            why = "el mismo UUID ya está aquí como otro tipo de registro";
            goto done;
        }
        if ((rc = version_add(s, seq)))
            goto out;
        const char *ident = NULL;
        char emp[STORE_EMPLOYEE_NO_LEN * 2] = "";
        if (strcmp(kind, "person") == 0) {
            sqlite3_stmt *q = store_stmt(s, "SELECT json_extract(?1, '$[2]')");
            if (!q) {
                rc = STORE_ERROR;
                goto out;
            }
            store_bind_text(q, 1, content);
            if (store_one_row(s, q, "read entry") == STORE_OK) {
                store_col_text(q, 0, emp, sizeof emp);
                sqlite3_reset(q);
            }
            ident = emp;
        } else {
            ident = uuid;
        }
        if ((rc = version_current(s, kind, ident, seq, &cur)))
            goto out;
        if (!cur) {
            *status = APPLIED; /* an older version: indexed, the row stays */
            goto done;
        }
        rc = strcmp(kind, "person") == 0 ? write_person(s, content, at, kiosk) : write_event(s, content, at);
        if (rc) {
            if (rc == STORE_ERROR || rc == STORE_FULL || rc == STORE_READONLY)
                goto out;
            why = "versión que no cumple las reglas de este programa";
            rc = STORE_OK;
            goto done;
        }
    }
    /* The row rebuilt from the content must give the content back, byte
     * for byte, or audit verify would not hold for it. */
    if ((rc = store_audit_canon(s, kind, uuid, &canon)))
        goto out;
    if (!canon || strcmp(canon, content) != 0)
        why = "el registro no se reproduce igual en este programa (¿otra versión?)";
    else
        *status = APPLIED;
done:
    if (*status != APPLIED) {
        /* Undo what this entry wrote; keep the version index only for an
         * applied or an older version. */
        if ((rc = store_exec(s, "ROLLBACK TO sync_rec", "apply entry")))
            goto out;
        if (why && (rc = note_conflict(s, seq, kiosk, kind, uuid, why, now)))
            goto out;
    }
    rc = store_exec(s, "RELEASE sync_rec", "apply entry");
    free(canon);
    return rc;
out:
    free(canon);
    store_exec(s, "ROLLBACK TO sync_rec", "apply entry");
    store_exec(s, "RELEASE sync_rec", "apply entry");
    return rc;
}

/* One chain of another kiosk as held here. */
typedef struct chain_row {
    int known;
    int64_t base_pos, head_pos;
    char base_hash[UTIL_SHA256_HEX], head_hash[UTIL_SHA256_HEX], parent[UTIL_UUID_LEN];
} chain_row;

static int chain_get(store *s, const char *kiosk, const char *epoch, chain_row *c)
{
    static const char sql[] = "SELECT base_pos, base_hash, head_pos, head_hash, parent_epoch FROM sync_chain "
                              "WHERE kiosk_id = ?1 AND epoch = ?2";
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, kiosk);
    store_bind_text(st, 2, epoch);
    int rc = store_one_row(s, st, "read chains");
    if (rc == STORE_NOTFOUND)
        return STORE_OK;
    if (rc)
        return rc;
    c->known = 1;
    c->base_pos = sqlite3_column_int64(st, 0);
    store_col_text(st, 1, c->base_hash, sizeof c->base_hash);
    c->head_pos = sqlite3_column_int64(st, 2);
    store_col_text(st, 3, c->head_hash, sizeof c->head_hash);
    store_col_text(st, 4, c->parent, sizeof c->parent);
    sqlite3_reset(st);
    return STORE_OK;
}

/* The hash held at position pos of (kiosk, epoch), walking into the
 * parent epochs below a base; "" when not held. */
static int held_hash(store *s, const char *kiosk, const char *epoch, int64_t pos, char out[UTIL_SHA256_HEX])
{
    static const char sql[] = "SELECT v.hash FROM sync_entry x JOIN audit v ON v.seq = x.audit_seq "
                              "WHERE x.kiosk_id = ?1 AND x.epoch = ?2 AND x.pos = ?3";
    char ep[UTIL_UUID_LEN];
    out[0] = '\0';
    util_strlcpy(ep, epoch, sizeof ep);
    for (int depth = 0; depth < 64; depth++) {
        chain_row c;
        int rc = chain_get(s, kiosk, ep, &c);
        if (rc || !c.known)
            return rc;
        if (pos == 0) {
            memcpy(out, ZERO_HASH, UTIL_SHA256_HEX);
            return STORE_OK;
        }
        if (pos == c.base_pos) {
            memcpy(out, c.base_hash, UTIL_SHA256_HEX);
            return STORE_OK;
        }
        if (pos > c.base_pos) {
            sqlite3_stmt *st = store_stmt(s, sql);
            if (!st)
                return STORE_ERROR;
            store_bind_text(st, 1, kiosk);
            store_bind_text(st, 2, ep);
            sqlite3_bind_int64(st, 3, pos);
            rc = store_one_row(s, st, "read chains");
            if (rc == STORE_OK) {
                store_col_text(st, 0, out, UTIL_SHA256_HEX);
                sqlite3_reset(st);
            }
            return rc == STORE_NOTFOUND ? STORE_OK : rc;
        }
        util_strlcpy(ep, c.parent, sizeof ep);
    }
    return STORE_OK;
}

/* Starts the chain (kiosk, epoch) here, from its base. */
static int chain_start(store *s, const char *kiosk, const char *epoch, const char *parent, int64_t base_pos,
                       const char *base_hash)
{
    static const char sql[] = "INSERT INTO sync_chain(kiosk_id, epoch, parent_epoch, base_pos, base_hash, head_pos, "
                              "head_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)";
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, kiosk);
    store_bind_text(st, 2, epoch);
    store_bind_text(st, 3, parent ? parent : "");
    sqlite3_bind_int64(st, 4, base_pos);
    store_bind_text(st, 5, base_hash);
    return store_exec_stmt(s, st, "save chains");
}

/* The context of one pull page or bundle being applied. */
typedef struct apply_ctx {
    int64_t now;
    store_sync_counts *n;
    const char *bases;    /* JSON array of {kiosk, epoch, parent, base_seq, base_hash}, or NULL */
    int bundle;           /* a bundle (1) or a pull page (0) */
} apply_ctx;

/* Base of a new epoch (kiosk, epoch) from ctx->bases: parent and position. */
static int epoch_base(store *s, const apply_ctx *x, const char *kiosk, const char *epoch, char parent[UTIL_UUID_LEN],
                      int64_t *pos, char hash[UTIL_SHA256_HEX])
{
    static const char sql[] = "SELECT value->>'parent', value->>'base_seq', value->>'base_hash' FROM json_each(?1) "
                              "WHERE value->>'kiosk' = ?2 AND value->>'epoch' = ?3 LIMIT 1";
    parent[0] = hash[0] = '\0';
    *pos = 0;
    if (!x->bases)
        return STORE_NOTFOUND;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, x->bases);
    store_bind_text(st, 2, kiosk);
    store_bind_text(st, 3, epoch);
    int rc = store_one_row(s, st, "read epochs");
    if (rc)
        return rc;
    store_col_text(st, 0, parent, UTIL_UUID_LEN);
    *pos = sqlite3_column_int64(st, 1);
    store_col_text(st, 2, hash, UTIL_SHA256_HEX);
    sqlite3_reset(st);
    return STORE_OK;
}

/* Takes one entry of another kiosk: checks it extends the chain held here
 * (refusing the whole page or bundle, with the kiosk and position, when it
 * does not), stores it verbatim and applies it. */
/* 1 when a pull stopped taking chain (kiosk, epoch) before position pos
 * (sync_refused: a head of it with a bad signature), in *yes. */
static int refused_at(store *s, const char *kiosk, const char *epoch, int64_t pos, int *yes)
{
    static const char sql[] = "SELECT 1 FROM sync_refused WHERE kiosk_id = ?1 AND epoch = ?2 AND ?3 > after_pos";
    *yes = 0;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, kiosk);
    store_bind_text(st, 2, epoch);
    sqlite3_bind_int64(st, 3, pos);
    int rc = store_one_row(s, st, "read sync state");
    if (rc == STORE_OK) {
        *yes = 1;
        sqlite3_reset(st);
    }
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static int take_entry(store *s, apply_ctx *x, const in_entry *e)
{
    /* Stored as its kiosk wrote it: kiosk, format, epoch and position. */
    static const char sql_audit[] = "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash, "
                                    "format, epoch, pos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    static const char sql_entry[] = "INSERT INTO sync_entry(kiosk_id, epoch, pos, audit_seq, status) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char sql_head[] = "UPDATE sync_chain SET head_pos = ?3, head_hash = ?4, head_format = ?5 "
                                   "WHERE kiosk_id = ?1 AND epoch = ?2";
    /* A kiosk's entries never go back to an older format (audit verify
     * walks them so, in the order they are stored). */
    static const char sql_format[] = "SELECT ifnull(max(head_format), 1) FROM sync_chain WHERE kiosk_id = ?1";
    static const char *const STATUS[] = {"applied", "held", "pending", "kept"};
    chain_row c;
    char want[UTIL_SHA256_HEX];
    int rc;
    if (strcmp(e->kiosk, s->kiosk_id) == 0) {
        /* This kiosk's own chain. Its current epoch is never pulled; an
         * older epoch (this database was restored) holds entries this
         * database lost: they are not taken back (their folios would come
         * back behind this kiosk's folio counter, which goes on from the
         * copy's). They are safe at the central and at every other kiosk. */
        x->n->own_skipped++;
        return STORE_OK;
    }
    int stopped;
    if ((rc = refused_at(s, e->kiosk, e->epoch, e->pos, &stopped)))
        return rc;
    if (stopped) {
        x->n->not_taken++;
        return STORE_OK;
    }
    if (!util_is_token(e->kiosk) || strlen(e->kiosk) >= STORE_KIOSK_ID_LEN || strlen(e->epoch) != 36 ||
        e->pos < 1 || strlen(e->hash) != 64 || strlen(e->prev) != 64)
        return store_fail(s, STORE_INVALID, "entry %lld of kiosk %s is malformed", (long long)e->pos, e->kiosk);
    if ((rc = chain_get(s, e->kiosk, e->epoch, &c)))
        return rc;
    if (!c.known) {
        char parent[UTIL_UUID_LEN], bhash[UTIL_SHA256_HEX], held[UTIL_SHA256_HEX];
        int64_t bpos = 0;
        rc = epoch_base(s, x, e->kiosk, e->epoch, parent, &bpos, bhash);
        if (rc && rc != STORE_NOTFOUND)
            return rc;
        if (rc == STORE_NOTFOUND || bpos == 0) {
            rc = chain_start(s, e->kiosk, e->epoch, NULL, 0, ZERO_HASH);
        } else {
            /* A restored kiosk's epoch: its base must be what we hold. */
            if ((rc = held_hash(s, e->kiosk, parent, bpos, held)))
                return rc;
            if (!held[0] || strcmp(held, bhash) != 0)
                return store_fail(s, STORE_INVALID, "kiosk %s: the epoch %s continues from position %lld, which is "
                                  "not held here as it says", e->kiosk, e->epoch, (long long)bpos);
            rc = chain_start(s, e->kiosk, e->epoch, parent, bpos, bhash);
        }
        if (rc || (rc = chain_get(s, e->kiosk, e->epoch, &c)))
            return rc;
    }
    if (e->pos <= c.head_pos) {
        /* Held already (a page seen twice, an old bundle): must be equal. */
        if ((rc = held_hash(s, e->kiosk, e->epoch, e->pos, want)))
            return rc;
        if (strcmp(want, e->hash) != 0)
            return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: the entry differs from the one held here; "
                              "its database was rewritten", e->kiosk, (long long)e->pos);
        x->n->known++;
        return STORE_OK;
    }
    if (e->pos != c.head_pos + 1)
        return store_fail(s, STORE_INVALID, "kiosk %s: position %lld arrives before %lld", e->kiosk,
                          (long long)e->pos, (long long)c.head_pos + 1);
    if (strcmp(e->prev, c.head_hash) != 0)
        return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: the entry does not link to the one before it",
                          e->kiosk, (long long)e->pos);
    if (store_chain_hash(e->format, e->prev, e->kiosk, e->at, e->kind, e->uuid, e->content, want) != STORE_OK)
        return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: chain format %d unknown to this program "
                          "(update it)", e->kiosk, (long long)e->pos, e->format);
    if (strcmp(want, e->hash) != 0)
        return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: the entry does not hash to itself; it was "
                          "altered", e->kiosk, (long long)e->pos);
    sqlite3_stmt *st = store_stmt(s, sql_format);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, e->kiosk);
    if ((rc = store_one_row(s, st, "read chains")))
        return rc;
    int last_format = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (e->format < last_format)
        return store_fail(s, STORE_INVALID, "kiosk %s, position %lld: format %d after format %d entries; the entry "
                          "was altered or slipped in", e->kiosk, (long long)e->pos, e->format, last_format);
    /* A version that breaks the version rule. A bundle is refused whole,
     * as the central refuses such a push: nothing of it is taken. A pull
     * page goes on: the central holds the entry already (a central from
     * before db/central/006), so refusing the page would stop every later
     * pull for good; the entry is kept in its kiosk's chain (the next ones
     * link to it) but aside, never applied, listed with the reason, and
     * the first one is told to the caller (n->refused_first). */
    char why[256] = "";
    int refused = 0;
    if (!e->conflict && (rc = version_rule(s, e, why, sizeof why))) {
        if (rc != STORE_INVALID || x->bundle)
            return rc;
        refused = 1;
        if (x->n->refused++ == 0)
            util_strlcpy(x->n->refused_first, store_errmsg(s), sizeof x->n->refused_first);
    }
    if (!(st = store_stmt(s, sql_audit)))
        return STORE_ERROR;
    store_bind_text(st, 1, e->kiosk);
    sqlite3_bind_int64(st, 2, e->at);
    store_bind_text(st, 3, e->kind);
    store_bind_text(st, 4, e->uuid);
    store_bind_text(st, 5, e->content);
    store_bind_text(st, 6, e->prev);
    store_bind_text(st, 7, e->hash);
    sqlite3_bind_int(st, 8, e->format);
    store_bind_text(st, 9, e->epoch);
    sqlite3_bind_int64(st, 10, e->pos);
    if ((rc = store_exec_stmt(s, st, "save audit entry")))
        return rc;
    int64_t seq = sqlite3_last_insert_rowid(s->db);
    int status = HELD;
    if (refused)
        rc = note_conflict(s, seq, e->kiosk, e->kind, e->uuid, why, x->now);
    else
        rc = apply_record(s, seq, e->kiosk, e->kind, e->uuid, e->content, e->at, e->conflict, x->now, &status);
    if (rc)
        return rc;
    if (!(st = store_stmt(s, sql_entry)))
        return STORE_ERROR;
    store_bind_text(st, 1, e->kiosk);
    store_bind_text(st, 2, e->epoch);
    sqlite3_bind_int64(st, 3, e->pos);
    sqlite3_bind_int64(st, 4, seq);
    store_bind_text(st, 5, STATUS[status]);
    if ((rc = store_exec_stmt(s, st, "save sync entry")))
        return rc;
    if (!(st = store_stmt(s, sql_head)))
        return STORE_ERROR;
    store_bind_text(st, 1, e->kiosk);
    store_bind_text(st, 2, e->epoch);
    sqlite3_bind_int64(st, 3, e->pos);
    store_bind_text(st, 4, e->hash);
    sqlite3_bind_int(st, 5, e->format);
    if ((rc = store_exec_stmt(s, st, "save chains")))
        return rc;
    x->n->entries++;
    if (status == APPLIED && (strcmp(e->kind, "attendance") == 0 || strcmp(e->kind, "pledge") == 0))
        x->n->records++;
    else if (status == APPLIED && strcmp(e->kind, "person") == 0)
        x->n->people++;
    else if (status == APPLIED && strcmp(e->kind, "event") == 0)
        x->n->events++;
    if (status == HELD)
        x->n->conflicts++; /* (kept entries, another kiosk's units, settings and keys, are not) */
    if (status == PENDING)
        x->n->pending++;
    return STORE_OK;
}

/* Retries the entries waiting for an event or person, until none moves. */
static int retry_pending(store *s, apply_ctx *x)
{
    static const char sql[] = "SELECT x.audit_seq, x.kiosk_id, v.kind, v.record_uuid, v.content, v.at "
                              "FROM sync_entry x JOIN audit v ON v.seq = x.audit_seq WHERE x.status = 'pending' "
                              "ORDER BY x.audit_seq";
    static const char sql_set[] = "UPDATE sync_entry SET status = 'applied' WHERE audit_seq = ?1";
    for (int moved = 1; moved;) {
        moved = 0;
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
        if (rc != SQLITE_OK)
            return store_sqlerr(s, rc, "read sync entries");
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int status = PENDING;
            int64_t seq = sqlite3_column_int64(st, 0);
            char kiosk[STORE_KIOSK_ID_LEN], kind[16], uuid[UTIL_UUID_LEN];
            store_col_text(st, 1, kiosk, sizeof kiosk);
            store_col_text(st, 2, kind, sizeof kind);
            store_col_text(st, 3, uuid, sizeof uuid);
            char *content = store_col_dup(st, 4);
            if (!content) {
                sqlite3_finalize(st);
                return store_fail(s, STORE_ERROR, "out of memory");
            }
            int code = apply_record(s, seq, kiosk, kind, uuid, content, sqlite3_column_int64(st, 5), 0, x->now,
                                    &status);
            free(content);
            if (!code && status == APPLIED) {
                sqlite3_stmt *u = store_stmt(s, sql_set);
                if (!u)
                    code = STORE_ERROR;
                else {
                    sqlite3_bind_int64(u, 1, seq);
                    code = store_exec_stmt(s, u, "save sync entry");
                }
                moved = 1;
                x->n->pending--;
                x->n->records++;
            }
            if (code) {
                sqlite3_finalize(st);
                return code;
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return store_sqlerr(s, rc, "read sync entries");
    }
    return STORE_OK;
}

/* Inserts the signature strokes of a page or bundle (JSON array of {uuid,
 * kiosk, sha256?, strokes}) that are not here yet, and maps their hashes. */
static int take_signatures(store *s, const char *arr)
{
    static const char sql_bad[] =
        "SELECT value->>'uuid' FROM json_each(?1) WHERE ck_unb64(value->>'strokes') IS NULL "
        "OR length(value->>'uuid') <> 36 OR (value->>'sha256' IS NOT NULL AND "
        "value->>'sha256' <> ck_sha256(ck_unb64(value->>'strokes'))) LIMIT 1";
    static const char sql_ins[] =
        "INSERT OR IGNORE INTO signature(uuid, kiosk_id, strokes) SELECT value->>'uuid', "
        "ifnull(value->>'kiosk', ''), ck_unb64(value->>'strokes') FROM json_each(?1)";
    static const char sql_map[] =
        "INSERT OR IGNORE INTO sync_signature(sha256, signature_id) SELECT ck_sha256(g.strokes), g.id "
        "FROM json_each(?1) j JOIN signature g ON g.uuid = j.value->>'uuid'";
    if (!arr)
        return STORE_OK;
    sqlite3_stmt *st = store_stmt(s, sql_bad);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, arr);
    int rc = store_one_row(s, st, "read signatures");
    if (rc == STORE_OK) {
        char u[64];
        store_col_text(st, 0, u, sizeof u);
        sqlite3_reset(st);
        return store_fail(s, STORE_INVALID, "signature %s: strokes damaged or not matching their hash", u);
    }
    if (rc != STORE_NOTFOUND)
        return rc;
    const char *const sqls[] = {sql_ins, sql_map};
    for (int i = 0; i < 2; i++) {
        if (!(st = store_stmt(s, sqls[i])))
            return STORE_ERROR;
        store_bind_text(st, 1, arr);
        if ((rc = store_exec_stmt(s, st, "save signatures")))
            return rc;
    }
    return STORE_OK;
}

/* Adds the units of a page or bundle this database lacks, each with an
 * entry of this kiosk's chain (store_unit_put_at). A unit this database
 * holds is never changed: a unit (its name and time zone) is each kiosk's
 * own setting, and another kiosk's unit entries are kept in its chain, not
 * applied (README, "Rules"; the central flags a kiosk whose unit differs
 * from the one it holds). */
static int take_units(store *s, const char *arr, int64_t now)
{
    static const char sql[] = "SELECT value->>'code', ifnull(value->>'name', value->>'code'), "
                              "ifnull(value->>'timezone', '') FROM json_each(?1) j WHERE value->>'code' IS NOT NULL "
                              "AND NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = j.value->>'code') ORDER BY 1";
    struct unit_row {
        char code[STORE_UNIT_CODE_LEN * 2], name[STORE_UNIT_NAME_LEN * 2], tz[STORE_TZ_LEN * 2];
    } *units = NULL;
    size_t n = 0, cap = 0;
    if (!arr)
        return STORE_OK;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), code = STORE_OK;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read units");
    sqlite3_bind_text(st, 1, arr, -1, SQLITE_STATIC);
    /* Read first, then write (an append must not run inside the walk). */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            void *g = realloc(units, (cap = cap ? cap * 2 : 8) * sizeof *units);
            if (!g) {
                rc = SQLITE_NOMEM;
                break;
            }
            units = g;
        }
        store_col_text(st, 0, units[n].code, sizeof units[n].code);
        store_col_text(st, 1, units[n].name, sizeof units[n].name);
        store_col_text(st, 2, units[n].tz, sizeof units[n].tz);
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        code = rc == SQLITE_NOMEM ? store_fail(s, STORE_ERROR, "out of memory") : store_sqlerr(s, rc, "read units");
    for (size_t i = 0; code == STORE_OK && i < n; i++)
        code = store_unit_put_at(s, units[i].code, units[i].name, units[i].tz, now);
    free(units);
    return code;
}

/* Takes a signed head of another kiosk: its signature must verify with
 * the key held here (a head of a kiosk whose key is unknown here is
 * counted, not stored); its hash must be the one held at its position. It
 * is kept for good (signed_head_log, source "sync" or "bundle"): audit
 * verify wants every other kiosk's chain to end at a head its key signed. */
static int take_head(store *s, apply_ctx *x, const char *kiosk, const char *epoch, int64_t pos, const char *hash,
                     int64_t signed_at, const char *sig_b64)
{
    store_signed_head h;
    unsigned char pk[32];
    size_t len = 0;
    char held[UTIL_SHA256_HEX];
    int refused, rc0;
    if (strcmp(kiosk, s->kiosk_id) == 0)
        return STORE_OK;
    if ((rc0 = refused_at(s, kiosk, epoch, pos, &refused)) || refused)
        return rc0;
    memset(&h, 0, sizeof h);
    if (!sig_b64 || sodium_base642bin(h.sig, sizeof h.sig, sig_b64, strlen(sig_b64), "\r\n ", &len, NULL,
                                      sodium_base64_VARIANT_ORIGINAL) != 0 || len != 64 || strlen(hash) != 64 ||
        strlen(epoch) != 36 || pos < 0 || !util_is_token(kiosk) || strlen(kiosk) >= STORE_KIOSK_ID_LEN)
        return store_fail(s, STORE_INVALID, "kiosk %s: malformed signed head at position %lld", kiosk, (long long)pos);
    util_strlcpy(h.h.kiosk_id, kiosk, sizeof h.h.kiosk_id);
    util_strlcpy(h.h.epoch, epoch, sizeof h.h.epoch);
    h.h.pos = pos;
    util_strlcpy(h.h.hash, hash, sizeof h.h.hash);
    h.signed_at = signed_at;
    util_strlcpy(h.source, x->bundle ? "bundle" : "sync", sizeof h.source);
    int rc = store_key_get(s, kiosk, pk);
    if (rc == STORE_NOTFOUND) {
        x->n->unverified++;
        return STORE_OK;
    }
    if (rc)
        return rc;
    /* A pull: a head with a bad signature is not stored, whatever it
     * claims (refuse_bad_heads stopped its chain where it mattered); a
     * bundle is refused whole. */
    if (!x->bundle && store_signed_head_check(s, &h) == STORE_INVALID)
        return STORE_OK;
    if ((rc = held_hash(s, kiosk, epoch, pos, held)))
        return rc;
    if (held[0] && strcmp(held, hash) != 0)
        return store_fail(s, STORE_INVALID, "kiosk %s signed a head at position %lld that differs from the chain "
                          "held here", kiosk, (long long)pos);
    int64_t before = sqlite3_total_changes(s->db);
    if ((rc = store_signed_head_put(s, &h)))
        return rc;
    x->n->heads += sqlite3_total_changes(s->db) > before;
    return STORE_OK;
}

/* Walks `entries_sql` (rows: kiosk, epoch, seq, at, kind, uuid, content,
 * prev_hash, hash, format, conflict) over json and takes each entry. */
static int take_entries(store *s, apply_ctx *x, const char *entries_sql, const char *json)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, entries_sql, -1, &st, NULL), code = STORE_OK;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read entries");
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    while (!code && (rc = sqlite3_step(st)) == SQLITE_ROW) {
#define T(i) (sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "")
        in_entry e = {
            .kiosk = T(0), .epoch = T(1), .pos = sqlite3_column_int64(st, 2), .at = sqlite3_column_int64(st, 3),
            .kind = T(4), .uuid = T(5), .content = T(6), .prev = T(7), .hash = T(8),
            .format = sqlite3_column_int(st, 9), .conflict = sqlite3_column_int(st, 10),
        };
#undef T
        if (sqlite3_column_type(st, 6) != SQLITE_TEXT || sqlite3_column_type(st, 3) != SQLITE_INTEGER)
            code = store_fail(s, STORE_INVALID, "entry %lld of kiosk %s is malformed", (long long)e.pos, e.kiosk);
        else
            code = take_entry(s, x, &e);
    }
    sqlite3_finalize(st);
    if (code)
        return code;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read entries");
}

/* Walks heads_sql (rows: kiosk, epoch, seq, hash, signed_at, signature)
 * over json and takes each head. */
static int take_heads(store *s, apply_ctx *x, const char *heads_sql, const char *json)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, heads_sql, -1, &st, NULL), code = STORE_OK;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read heads");
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    while (!code && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0), *e = (const char *)sqlite3_column_text(st, 1);
        const char *h = (const char *)sqlite3_column_text(st, 3), *g = (const char *)sqlite3_column_text(st, 5);
        code = take_head(s, x, k ? k : "", e ? e : "", sqlite3_column_int64(st, 2), h ? h : "",
                         sqlite3_column_int64(st, 4), g);
    }
    sqlite3_finalize(st);
    if (code)
        return code;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read heads");
}

/* Reads one text member of a JSON object (NULL when absent), malloc'd. */
static int json_member(store *s, const char *json, const char *path, char **out)
{
    static const char sql[] = "SELECT json_extract(?1, ?2)";
    *out = NULL;
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    store_bind_text(st, 2, path);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL && !(*out = store_col_dup(st, 0)))
        rc = SQLITE_NOMEM;
    sqlite3_reset(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return STORE_OK;
    return rc == SQLITE_ERROR ? store_fail(s, STORE_INVALID, "not valid JSON") : store_sqlerr(s, rc, "read JSON");
}

/* Before a pull page is taken: every head in it (rows of heads_sql, as
 * take_heads reads them) of a kiosk whose key is known here is checked;
 * one with a bad signature (pushed with that kiosk's PostgreSQL login but
 * not its key: the central cannot check Ed25519) stops the taking of its
 * chain (kiosk, epoch) after the last position a good head covers, held
 * here or in this page (sync_refused), and the rest of the page is taken.
 * Before, such a head refused every page from then on: one push stopped
 * every other kiosk's pulls (the session-6 red team). A bad head at or
 * below what good heads cover takes nothing away (take_head skips it).
 * Malformed heads are left to take_head (the page is refused, as before). */
/* A head of a page as take_heads reads it (row st: kiosk, epoch, seq,
 * hash, signed_at, signature) into h: 0, or -1 when malformed. */
static int page_head(sqlite3_stmt *st, store_signed_head *h)
{
    const char *k = (const char *)sqlite3_column_text(st, 0), *e = (const char *)sqlite3_column_text(st, 1);
    const char *hash = (const char *)sqlite3_column_text(st, 3), *g = (const char *)sqlite3_column_text(st, 5);
    size_t len = 0;
    memset(h, 0, sizeof *h);
    if (!k || !e || !hash || !g || !util_is_token(k) || strlen(k) >= STORE_KIOSK_ID_LEN || strlen(e) != 36 ||
        strlen(hash) != 64 ||
        sodium_base642bin(h->sig, sizeof h->sig, g, strlen(g), "\r\n ", &len, NULL, sodium_base64_VARIANT_ORIGINAL) !=
            0 ||
        len != 64)
        return -1;
    util_strlcpy(h->h.kiosk_id, k, sizeof h->h.kiosk_id);
    util_strlcpy(h->h.epoch, e, sizeof h->h.epoch);
    h->h.pos = sqlite3_column_int64(st, 2);
    util_strlcpy(h->h.hash, hash, sizeof h->h.hash);
    h->signed_at = sqlite3_column_int64(st, 4);
    return 0;
}

static int refuse_bad_heads(store *s, apply_ctx *x, const char *heads_sql, const char *json)
{
    static const char sql_held[] = "SELECT ifnull(max(pos), 0) FROM signed_head_log WHERE kiosk_id = ?1 AND epoch = ?2";
    static const char sql_put[] = "INSERT OR IGNORE INTO sync_refused(kiosk_id, epoch, after_pos, pos, found_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, heads_sql, -1, &st, NULL), code = STORE_OK;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read heads");
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    /* Two passes over the page's heads: the good ones' positions first. */
    for (int pass = 0; pass < 2 && !code; pass++) {
        sqlite3_reset(st);
        while (!code && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_signed_head sh;
            unsigned char pk[32];
            if (page_head(st, &sh) != 0 || strcmp(sh.h.kiosk_id, s->kiosk_id) == 0)
                continue;
            const char *k = sh.h.kiosk_id, *e = sh.h.epoch;
            int known = store_key_get(s, k, pk);
            if (known == STORE_NOTFOUND)
                continue;
            if (known) {
                code = known;
                break;
            }
            int good = store_signed_head_check(s, &sh) == STORE_OK;
            if (pass == 0 || good)
                continue;
            /* The last position a good head of the chain covers: held
             * here, or in this page. */
            int64_t after = 0;
            sqlite3_stmt *q = store_stmt(s, sql_held);
            if (!q) {
                code = STORE_ERROR;
                break;
            }
            store_bind_text(q, 1, k);
            store_bind_text(q, 2, e);
            if ((code = store_one_row(s, q, "read signed heads")))
                break;
            after = sqlite3_column_int64(q, 0);
            sqlite3_reset(q);
            sqlite3_stmt *w;
            if (sqlite3_prepare_v2(s->db, heads_sql, -1, &w, NULL) != SQLITE_OK) {
                code = store_sqlerr(s, sqlite3_errcode(s->db), "read heads");
                break;
            }
            sqlite3_bind_text(w, 1, json, -1, SQLITE_STATIC);
            while (sqlite3_step(w) == SQLITE_ROW) {
                store_signed_head o;
                if (page_head(w, &o) == 0 && strcmp(o.h.kiosk_id, k) == 0 && strcmp(o.h.epoch, e) == 0 &&
                    o.h.pos > after && store_signed_head_check(s, &o) == STORE_OK)
                    after = o.h.pos;
            }
            sqlite3_finalize(w);
            /* A bad head at or below what good heads cover (an old
             * position replayed) takes nothing away: take_head skips it. */
            if (sh.h.pos <= after)
                continue;
            if (!(q = store_stmt(s, sql_put))) {
                code = STORE_ERROR;
                break;
            }
            store_bind_text(q, 1, k);
            store_bind_text(q, 2, e);
            sqlite3_bind_int64(q, 3, after);
            sqlite3_bind_int64(q, 4, sh.h.pos);
            sqlite3_bind_int64(q, 5, x->now);
            if ((code = store_exec_stmt(s, q, "save sync state")))
                break;
            if (sqlite3_changes(s->db) == 1 && x->n->bad_heads++ == 0)
                snprintf(x->n->bad_head_first, sizeof x->n->bad_head_first, "kiosk %s, epoch %s: its head at "
                         "position %lld has a bad signature; its entries after position %lld are not taken", k, e,
                         (long long)sh.h.pos, (long long)after);
        }
        if (!code && rc != SQLITE_DONE && rc != SQLITE_ROW)
            code = store_sqlerr(s, rc, "read heads");
    }
    sqlite3_finalize(st);
    return code;
}

int store_sync_apply(store *s, const char *central, const char *page, int64_t now, store_sync_counts *n,
                     int64_t *cursor, int *more)
{
    static const char sql_entries[] =
        "SELECT value->>'kiosk', value->>'epoch', value->>'seq', value->>'at', value->>'kind', value->>'uuid', "
        "value->>'content', value->>'prev_hash', value->>'hash', ifnull(value->>'chain_format', 1), "
        "ifnull(value->>'conflict', 0) FROM json_each(?1, '$.entries') ORDER BY CAST(value->>'rx' AS INTEGER), key";
    static const char sql_heads[] =
        "SELECT value->>'kiosk', value->>'epoch', value->>'seq', value->>'hash', value->>'signed_at', "
        "value->>'signature' FROM json_each(?1, '$.heads') ORDER BY key";
    static const char sql_cursor[] = "UPDATE sync_central SET cursor = ?2, pulled = pulled + ?3 WHERE central = ?1 "
                                     "AND cursor < ?2";
    char *sigs = NULL, *units = NULL, *bases = NULL, *cur = NULL, *mo = NULL;
    apply_ctx x = {.now = now, .n = n};
    int64_t before = n->entries;
    int rc = store_sync_ready(s);
    if (rc || (rc = store_begin(s)))
        return rc;
    if ((rc = store_sync_cover_check(s)) || (rc = json_member(s, page, "$.signatures", &sigs)) || (rc = json_member(s, page, "$.units", &units)) ||
        (rc = json_member(s, page, "$.epochs", &bases)) || (rc = json_member(s, page, "$.cursor", &cur)) ||
        (rc = json_member(s, page, "$.more", &mo)))
        goto out;
    if (!cur) {
        rc = store_fail(s, STORE_INVALID, "the central's answer has no cursor");
        goto out;
    }
    x.bases = bases;
    if ((rc = refuse_bad_heads(s, &x, sql_heads, page)) || (rc = take_units(s, units, now)) ||
        (rc = take_signatures(s, sigs)) || (rc = take_entries(s, &x, sql_entries, page)) ||
        (rc = retry_pending(s, &x)) || (rc = take_heads(s, &x, sql_heads, page)) ||
        (rc = store_sync_cover(s, now)))
        goto out;
    *cursor = strtoll(cur, NULL, 10);
    *more = mo && strcmp(mo, "1") == 0;
    sqlite3_stmt *st = store_stmt(s, sql_cursor);
    if (!st) {
        rc = STORE_ERROR;
        goto out;
    }
    store_bind_text(st, 1, central);
    sqlite3_bind_int64(st, 2, *cursor);
    sqlite3_bind_int64(st, 3, n->entries - before);
    if ((rc = store_exec_stmt(s, st, "save sync state")) || (rc = store_commit(s)))
        goto out;
    free(sigs), free(units), free(bases), free(cur), free(mo);
    return STORE_OK;
out:
    store_rollback(s);
    free(sigs), free(units), free(bases), free(cur), free(mo);
    return rc;
}

/* ---- bundles ---- */

int store_bundle_build(store *s, int64_t now, char **json)
{
    /* This kiosk's chains: every epoch of it held here, oldest first, each
     * with the base it continues from and the signed heads held of it (the
     * current epoch with its head signed now, up to that head), then every
     * chain of another kiosk held here with its signed heads. Entries with
     * their position and format. */
    static const char sql[] =
        "WITH own AS (SELECT epoch, min(seq) AS first FROM audit WHERE kiosk_id = ?1 GROUP BY epoch "
        "UNION ALL SELECT ?5, 9223372036854775807 WHERE NOT EXISTS (SELECT 1 FROM audit WHERE kiosk_id = ?1 "
        "AND epoch = ?5)), "
        "ownc AS (SELECT o.epoch, o.first, CASE WHEN o.epoch = ?5 THEN json(?6) ELSE (SELECT json_object('epoch', "
        "p.epoch, 'seq', p.pos, 'hash', p.hash) FROM audit f JOIN audit p ON p.kiosk_id = f.kiosk_id AND p.pos = "
        "f.pos - 1 AND p.hash = f.prev_hash WHERE f.seq = o.first AND f.pos > 1 LIMIT 1) END AS base FROM own o) "
        "SELECT json_object('format', 1, 'type', 'cepci-bundle', 'kiosk', ?1, 'institution', ?2, 'created_at', ?3, "
        "'chain_format', ?4, 'chains', (SELECT json_group_array(json(c)) FROM ("
        "SELECT 0 AS o, o.first AS k, 0 AS b, json_object('kiosk', ?1, 'epoch', o.epoch, 'epoch_base', json(o.base), "
        "'entries', (SELECT json_group_array(json_object('seq', pos, 'format', format, 'at', at, 'kind', kind, "
        "'uuid', record_uuid, 'content', content, 'prev_hash', prev_hash, 'hash', hash)) FROM (SELECT * FROM audit "
        "WHERE kiosk_id = ?1 AND epoch = o.epoch AND (o.epoch <> ?5 OR pos <= ?7) ORDER BY seq)), "
        "'heads', (SELECT json_group_array(json_object('seq', h.pos, 'hash', h.hash, 'signed_at', h.signed_at, "
        "'signature', ck_b64(h.signature))) FROM (SELECT pos, hash, signed_at, signature FROM signed_head "
        "WHERE kiosk_id = ?1 AND epoch = o.epoch AND o.epoch <> ?5 UNION ALL SELECT ?7, ?8, ?3, ck_unb64(?10) "
        "WHERE o.epoch = ?5 ORDER BY 1, 3) h)) AS c FROM ownc o "
        "UNION ALL SELECT 1, k.kiosk_id || ' ' || k.epoch, k.base_pos, json_object('kiosk', k.kiosk_id, "
        "'epoch', k.epoch, 'epoch_base', CASE WHEN k.base_pos > 0 THEN json_object('epoch', k.parent_epoch, "
        "'seq', k.base_pos, 'hash', k.base_hash) END, "
        "'entries', (SELECT json_group_array(json_object('seq', x.pos, 'format', v.format, 'at', v.at, "
        "'kind', v.kind, 'uuid', v.record_uuid, 'content', v.content, 'prev_hash', v.prev_hash, 'hash', v.hash)) "
        "FROM (SELECT * FROM sync_entry x WHERE x.kiosk_id = k.kiosk_id AND x.epoch = k.epoch ORDER BY x.pos) x "
        "JOIN audit v ON v.seq = x.audit_seq), "
        "'heads', (SELECT json_group_array(json_object('seq', h.pos, 'hash', h.hash, 'signed_at', h.signed_at, "
        "'signature', ck_b64(h.signature))) FROM (SELECT * FROM signed_head h WHERE h.kiosk_id = k.kiosk_id AND "
        "h.epoch = k.epoch ORDER BY h.pos, h.signed_at) h)) "
        "FROM sync_chain k ORDER BY 1, 3, 2)), "
        "'signatures', (SELECT json_group_array(json_object('uuid', g.uuid, 'kiosk', g.kiosk_id, "
        "'sha256', ck_sha256(g.strokes), 'strokes', ck_b64(g.strokes))) FROM (SELECT g.* FROM signature g "
        "WHERE g.id IN (SELECT signature_id FROM attendance UNION SELECT signature_id FROM pledge) "
        "ORDER BY g.uuid) g), "
        "'units', (SELECT json_group_array(json_object('code', code, 'name', name, 'timezone', timezone)) FROM "
        "(SELECT * FROM unit ORDER BY code)), "
        "'keys', (SELECT json_group_array(json_object('kiosk', kiosk_id, 'public_key', ck_b64(public_key), "
        "'institution', institution, 'unit', unit_code)) FROM (SELECT * FROM kiosk_key ORDER BY kiosk_id)))";
    store_signed_head sh;
    char inst[256] = "", base[512] = "", b64[128];
    *json = NULL;
    int rc = store_sync_ready(s);
    if (rc)
        return rc;
    /* The head handed out, signed and kept like an export's: refused on
     * top of a chain head this kiosk's key does not cover. */
    if ((rc = store_audit_sign_head(s, "sync", now, &sh)))
        return rc;
    sodium_bin2base64(b64, sizeof b64, sh.sig, sizeof sh.sig, sodium_base64_VARIANT_ORIGINAL);
    store_snapshot_begin(s);
    store_meta_get(s, "institution", inst, sizeof inst);
    if (s->base_pos > 0)
        snprintf(base, sizeof base, "{\"epoch\":\"%s\",\"seq\":%lld,\"hash\":\"%s\"}", s->base_epoch,
                 (long long)s->base_pos, s->base_hash);
    sqlite3_stmt *st;
    if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK) {
        rc = store_sqlerr(s, rc, "build the bundle");
        goto out;
    }
    store_bind_text(st, 1, s->kiosk_id);
    store_bind_text(st, 2, inst);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, STORE_CHAIN_FORMAT);
    store_bind_text(st, 5, sh.h.epoch);
    store_bind_text(st, 6, base[0] ? base : NULL);
    sqlite3_bind_int64(st, 7, sh.h.pos);
    store_bind_text(st, 8, sh.h.hash);
    store_bind_text(st, 10, b64);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && !(*json = store_col_dup(st, 0)))
        rc = SQLITE_NOMEM;
    sqlite3_finalize(st);
    rc = rc == SQLITE_ROW ? STORE_OK : store_sqlerr(s, rc, "build the bundle");
out:
    store_snapshot_end(s);
    return rc;
}

/* The public keys of a bundle this database lacks, each trusted with an
 * entry of this kiosk's chain (store_key_put). */
static int take_keys(store *s, const char *json, int64_t now)
{
    static const char sql[] =
        "SELECT value->>'kiosk', ck_unb64(value->>'public_key'), ifnull(value->>'institution', ''), "
        "ifnull(value->>'unit', '') FROM json_each(?1, '$.keys') j WHERE length(value->>'kiosk') = 7 "
        "AND length(ck_unb64(value->>'public_key')) = 32 AND NOT EXISTS (SELECT 1 FROM kiosk_key k "
        "WHERE k.kiosk_id = j.value->>'kiosk') ORDER BY 1";
    struct key_row {
        char kiosk[STORE_KIOSK_ID_LEN];
        unsigned char pk[32];
        char inst[256], unit[STORE_UNIT_CODE_LEN * 2];
    } *keys = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), code = STORE_OK;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read the bundle");
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    /* Read first, then write (an append must not run inside the walk). */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            void *g = realloc(keys, (cap = cap ? cap * 2 : 8) * sizeof *keys);
            if (!g) {
                rc = SQLITE_NOMEM;
                break;
            }
            keys = g;
        }
        store_col_text(st, 0, keys[n].kiosk, sizeof keys[n].kiosk);
        memcpy(keys[n].pk, sqlite3_column_blob(st, 1), 32);
        store_col_text(st, 2, keys[n].inst, sizeof keys[n].inst);
        store_col_text(st, 3, keys[n].unit, sizeof keys[n].unit);
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        code = rc == SQLITE_NOMEM ? store_fail(s, STORE_ERROR, "out of memory") : store_sqlerr(s, rc, "read the bundle");
    for (size_t i = 0; code == STORE_OK && i < n; i++)
        code = store_key_put(s, keys[i].kiosk, keys[i].pk, keys[i].inst, keys[i].unit, now);
    free(keys);
    return code;
}

/* This kiosk's own chains in a bundle: every entry held here must be the
 * one in the bundle (a bundle made from this database, or from one that
 * imported it); those not held here (this database is an older copy of
 * its chain) are skipped. */
static int check_own(store *s, const char *json, store_sync_counts *n)
{
    static const char sql[] =
        "SELECT e.value->>'seq', e.value->>'hash', v.hash FROM json_each(?1, '$.chains') c, "
        "json_each(c.value, '$.entries') e LEFT JOIN audit v ON v.kiosk_id = ?2 AND v.epoch = c.value->>'epoch' "
        "AND v.pos = CAST(e.value->>'seq' AS INTEGER) WHERE c.value->>'kiosk' = ?2";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), code = STORE_OK;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read the bundle");
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    store_bind_text(st, 2, s->kiosk_id);
    while (!code && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hash = (const char *)sqlite3_column_text(st, 1);
        const char *mine = (const char *)sqlite3_column_text(st, 2);
        if (!mine)
            n->own_skipped++;
        else if (!hash || strcmp(hash, mine) != 0)
            code = store_fail(s, STORE_INVALID, "the bundle holds this kiosk's own chain (%s), different at "
                              "position %lld", s->kiosk_id, (long long)sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    if (code)
        return code;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read the bundle");
}

int store_bundle_apply(store *s, const char *json, const char *exporter, int64_t now, store_sync_counts *n)
{
    static const char sql_shape[] =
        "SELECT json_extract(?1, '$.format'), json_extract(?1, '$.type'), json_type(?1, '$.chains'), "
        "json_extract(?1, '$.kiosk') IS ?2";
    static const char sql_bases[] =
        "SELECT json_group_array(json_object('kiosk', value->>'kiosk', 'epoch', value->>'epoch', 'parent', "
        "value->'epoch_base'->>'epoch', 'base_seq', value->'epoch_base'->>'seq', 'base_hash', "
        "value->'epoch_base'->>'hash')) FROM json_each(?1, '$.chains') WHERE value->'epoch_base' IS NOT NULL "
        "AND json_type(value, '$.epoch_base') = 'object'";
    static const char sql_keydiff[] =
        "SELECT k.kiosk_id FROM json_each(?1, '$.keys') j JOIN kiosk_key k ON k.kiosk_id = j.value->>'kiosk' "
        "WHERE k.public_key IS NOT ck_unb64(j.value->>'public_key') LIMIT 1";
    static const char sql_unknown[] =
        "SELECT DISTINCT value->>'kiosk' FROM json_each(?1, '$.chains') WHERE value->>'kiosk' <> ?2 AND "
        "NOT EXISTS (SELECT 1 FROM kiosk_key k WHERE k.kiosk_id = value->>'kiosk') LIMIT 1";
    static const char sql_entries[] =
        "SELECT c.value->>'kiosk', c.value->>'epoch', e.value->>'seq', e.value->>'at', e.value->>'kind', "
        "e.value->>'uuid', e.value->>'content', e.value->>'prev_hash', e.value->>'hash', "
        "ifnull(e.value->>'format', ifnull(json_extract(?1, '$.chain_format'), 1)), 0 "
        "FROM json_each(?1, '$.chains') c, json_each(c.value, '$.entries') e "
        "ORDER BY c.key, CAST(e.value->>'seq' AS INTEGER)";
    static const char sql_heads[] =
        "SELECT c.value->>'kiosk', c.value->>'epoch', h.value->>'seq', h.value->>'hash', h.value->>'signed_at', "
        "h.value->>'signature' FROM json_each(?1, '$.chains') c, json_each(c.value, '$.heads') h "
        "ORDER BY c.key, h.key";
    char *sigs = NULL, *units = NULL, *bases = NULL;
    apply_ctx x = {.now = now, .n = n, .bundle = 1};
    int rc = store_sync_ready(s);
    if (rc || (rc = store_begin(s)))
        return rc;
    if ((rc = store_sync_cover_check(s)))
        goto out;
    sqlite3_stmt *st = store_stmt(s, sql_shape);
    if (!st) {
        rc = STORE_ERROR;
        goto out;
    }
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    store_bind_text(st, 2, exporter);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int(st, 3) != 1) {
        sqlite3_reset(st);
        rc = store_fail(s, STORE_INVALID, "the bundle's contents are not of kiosk %s, which signed it", exporter);
        goto out;
    }
    if (rc != SQLITE_ROW || sqlite3_column_int(st, 0) != 1 || !sqlite3_column_text(st, 1) ||
        strcmp((const char *)sqlite3_column_text(st, 1), "cepci-bundle") != 0 || !sqlite3_column_text(st, 2) ||
        strcmp((const char *)sqlite3_column_text(st, 2), "array") != 0) {
        sqlite3_reset(st);
        rc = store_fail(s, STORE_INVALID, "not a cepci-kiosk bundle (format 1)");
        goto out;
    }
    sqlite3_reset(st);
    /* The public keys the exporting kiosk holds: new ones are taken (the
     * exporter, known here, vouches for them: they let this database
     * verify those kiosks' heads and receipts); a different key for a
     * kiosk known here refuses the bundle. */
    if (!(st = store_stmt(s, sql_keydiff))) {
        rc = STORE_ERROR;
        goto out;
    }
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    if ((rc = store_one_row(s, st, "read the bundle")) == STORE_OK) {
        char k[64];
        store_col_text(st, 0, k, sizeof k);
        sqlite3_reset(st);
        rc = store_fail(s, STORE_INVALID, "the bundle gives kiosk %s another public key than the one held here", k);
        goto out;
    }
    if (rc != STORE_NOTFOUND)
        goto out;
    if ((rc = take_keys(s, json, now)))
        goto out;
    /* Every chain's kiosk must be known here, or nothing is taken. */
    if (!(st = store_stmt(s, sql_unknown))) {
        rc = STORE_ERROR;
        goto out;
    }
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    store_bind_text(st, 2, s->kiosk_id);
    if ((rc = store_one_row(s, st, "read the bundle")) == STORE_OK) {
        char k[64];
        store_col_text(st, 0, k, sizeof k);
        sqlite3_reset(st);
        rc = store_fail(s, STORE_NOTFOUND, "the bundle holds the chain of kiosk %s, whose public key is unknown "
                        "here (import it with: cepci-kiosk keys import FILE)", k);
        goto out;
    }
    if (rc != STORE_NOTFOUND)
        goto out;
    if (!(st = store_stmt(s, sql_bases))) {
        rc = STORE_ERROR;
        goto out;
    }
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    if ((rc = store_one_row(s, st, "read the bundle")))
        goto out;
    bases = store_col_dup(st, 0);
    sqlite3_reset(st);
    x.bases = bases;
    if ((rc = json_member(s, json, "$.signatures", &sigs)) || (rc = json_member(s, json, "$.units", &units)) ||
        (rc = check_own(s, json, n)) || (rc = take_units(s, units, now)) || (rc = take_signatures(s, sigs)) ||
        (rc = take_entries(s, &x, sql_entries, json)) || (rc = retry_pending(s, &x)) ||
        (rc = take_heads(s, &x, sql_heads, json)) || (rc = store_sync_cover(s, now)) || (rc = store_commit(s)))
        goto out;
    free(sigs), free(units), free(bases);
    return STORE_OK;
out:
    store_rollback(s);
    free(sigs), free(units), free(bases);
    return rc;
}

/* ---- for the coordinator ---- */

int store_sync_conflict_each(store *s, int (*fn)(const store_sync_conflict *, void *), void *ctx)
{
    static const char sql[] =
        "SELECT * FROM (SELECT c.kiosk_id, ifnull(x.pos, 0), c.kind, c.uuid, c.reason, c.found_at "
        "FROM sync_conflict c LEFT JOIN sync_entry x ON x.audit_seq = c.audit_seq ORDER BY c.id) UNION ALL "
        "SELECT kiosk_id, after_pos + 1, 'época', epoch, 'su cabeza firmada en la posición ' || pos || ' tiene una "
        "firma no válida (se envió con la contraseña de ese quiosco sin su llave): desde aquí no se toma nada de esa "
        "época; revise con cepci-kiosk central audit verify', found_at FROM sync_refused";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), stop = 0;
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "read sync conflicts");
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
#define T(i) (sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "")
        store_sync_conflict c = {T(0), sqlite3_column_int64(st, 1), T(2), T(3), T(4), sqlite3_column_int64(st, 5)};
#undef T
        stop = fn(&c, ctx);
    }
    sqlite3_finalize(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "read sync conflicts");
}
