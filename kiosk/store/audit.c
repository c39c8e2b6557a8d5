/* audit.c — the hash-chained audit log: appending an entry in the
 * transaction that writes a record, and store_audit_verify (see store.h).
 *
 * Each kiosk has its own chain: an entry's hash covers the previous entry's
 * hash, its time, kind, record uuid and the record's canonical text, so an
 * entry removed, altered or slipped in breaks the chain, and a record edited
 * or deleted behind the program's back no longer matches its entry. */
#include "store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Canonical text of each kind of record: a JSON array of its fields (so no
 * field's text can pass for a separator), computed by SQL from the row so
 * that appending and verifying derive it the same way. Each kind is an
 * expression over a FROM clause whose main table is aliased t; appending
 * selects it for one uuid, verifying for every audit entry in one join. */
#define CANON_ATTENDANCE                                                                              \
    "json_array('attendance', t.uuid, t.kiosk_id, e.uuid, t.employee_no, t.guest_name, t.at, t.method, " \
    "ck_sha256(g.strokes), t.folio)"
#define FROM_ATTENDANCE \
    "attendance t JOIN event e ON e.id = t.event_id LEFT JOIN signature g ON g.id = t.signature_id"
#define CANON_PLEDGE                                                                                  \
    "json_array('pledge', t.uuid, t.kiosk_id, t.employee_no, t.at, t.carta_sha256, t.privacy_sha256, "  \
    "t.method, ck_sha256(g.strokes), t.folio)"
#define FROM_PLEDGE "pledge t LEFT JOIN signature g ON g.id = t.signature_id"
#define CANON_PERSON                                                                                  \
    "json_array('person', t.uuid, t.employee_no, t.given_name, t.surname1, t.surname2, t.unit_code, "   \
    "t.area, t.position, t.email, t.active)"
#define FROM_PERSON "person t"
#define CANON_EVENT                                                                                   \
    "json_array('event', t.uuid, t.kiosk_id, t.title, t.kind, (SELECT json_group_array(topic) FROM "    \
    "(SELECT topic FROM event_topic x WHERE x.event_id = t.id ORDER BY topic)), t.unit_code, "          \
    "t.start_local, t.end_local, t.place, t.instructor, t.pat_key, t.signature, t.state)"
#define FROM_EVENT "event t"

static const char SQL_CANON_ATTENDANCE[] = "SELECT " CANON_ATTENDANCE " FROM " FROM_ATTENDANCE " WHERE t.uuid = ?1";
static const char SQL_CANON_PLEDGE[] = "SELECT " CANON_PLEDGE " FROM " FROM_PLEDGE " WHERE t.uuid = ?1";
static const char SQL_CANON_PERSON[] = "SELECT " CANON_PERSON " FROM " FROM_PERSON " WHERE t.uuid = ?1";
static const char SQL_CANON_EVENT[] = "SELECT " CANON_EVENT " FROM " FROM_EVENT " WHERE t.uuid = ?1";

static const char *canon_sql(const char *kind)
{
    if (strcmp(kind, "attendance") == 0) return SQL_CANON_ATTENDANCE;
    if (strcmp(kind, "pledge") == 0) return SQL_CANON_PLEDGE;
    if (strcmp(kind, "person") == 0) return SQL_CANON_PERSON;
    if (strcmp(kind, "event") == 0) return SQL_CANON_EVENT;
    return NULL;
}

/* Canonical text of a record into a malloc'd string (*out), or NULL if the
 * record does not exist. */
static int canon(store *s, const char *kind, const char *uuid, char **out)
{
    *out = NULL;
    const char *sql = canon_sql(kind);
    if (!sql)
        return store_fail(s, STORE_INVALID, "unknown audit kind '%s'", kind);
    sqlite3_stmt *st = store_stmt(s, sql);
    if (!st)
        return STORE_ERROR;
    store_bind_text(st, 1, uuid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        *out = strdup(t ? t : "");
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sqlerr(s, rc, "read record");
    return STORE_OK;
}

int store_audit_canon(store *s, const char *kind, const char *uuid, char **out)
{
    return canon(s, kind, uuid, out);
}

static void chain_hash(const char *prev, int64_t at, const char *kind, const char *uuid,
                       const char *content, char out[UTIL_SHA256_HEX])
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)at);
    crypto_hash_sha256_init(&h);
    const char *parts[] = {prev, num, kind, uuid, content};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        crypto_hash_sha256_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
        crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    }
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, UTIL_SHA256_HEX, d, sizeof d);
}

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

int store_audit_append(store *s, const char *kind, const char *uuid, int64_t now)
{
    static const char sql_last[] = "SELECT hash FROM audit WHERE kiosk_id = ?1 ORDER BY seq DESC LIMIT 1";
    static const char sql_ins[] = "INSERT INTO audit(kiosk_id, at, kind, record_uuid, content, prev_hash, hash) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    char prev[UTIL_SHA256_HEX], hash[UTIL_SHA256_HEX];
    char *content = NULL;
    int rc = canon(s, kind, uuid, &content);
    if (rc)
        return rc;
    if (!content)
        return store_fail(s, STORE_ERROR, "audit: record %s vanished", uuid);
    if (s->in_tx && s->audit_head[0]) {
        memcpy(prev, s->audit_head, sizeof prev);
    } else {
        sqlite3_stmt *st = store_stmt(s, sql_last);
        if (!st) {
            free(content);
            return STORE_ERROR;
        }
        store_bind_text(st, 1, s->kiosk_id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            store_col_text(st, 0, prev, sizeof prev);
        else
            memcpy(prev, ZERO_HASH, sizeof prev);
        sqlite3_reset(st);
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            free(content);
            return store_sqlerr(s, step, "read the audit log"); /* never restart the chain on a read error */
        }
    }
    /* Master data: the entry's time moves past every version held (sync.c). */
    if ((rc = store_sync_version_at(s, kind, content, &now))) {
        free(content);
        return rc;
    }
    chain_hash(prev, now, kind, uuid, content, hash);
    sqlite3_stmt *st;
    st = store_stmt(s, sql_ins);
    if (!st) {
        free(content);
        return STORE_ERROR;
    }
    store_bind_text(st, 1, s->kiosk_id);
    sqlite3_bind_int64(st, 2, now);
    store_bind_text(st, 3, kind);
    store_bind_text(st, 4, uuid);
    store_bind_text(st, 5, content);
    store_bind_text(st, 6, prev);
    store_bind_text(st, 7, hash);
    rc = store_exec_stmt(s, st, "append to audit log");
    if (rc == STORE_OK)
        rc = store_sync_version_note(s, kind, uuid, content, now, sqlite3_last_insert_rowid(s->db));
    free(content);
    if (rc == STORE_OK && s->in_tx)
        memcpy(s->audit_head, hash, sizeof hash);
    else
        s->audit_head[0] = '\0';
    return rc;
}

/* Every audit entry against the record it describes, one join per kind:
 * rows whose record is gone or no longer matches the entry, by seq. An
 * entry of another kiosk that a sync kept aside (sync_entry) describes no
 * row here. */
#define VERIFY_KIND(kind, canon, table, joins)                                                         \
    "SELECT v.seq, v.record_uuid, t.uuid IS NULL FROM audit v LEFT JOIN " table " t ON t.uuid = "       \
    "v.record_uuid " joins " WHERE v.kind = '" kind "' AND (t.uuid IS NULL OR " canon " <> v.content) " \
    "AND NOT EXISTS (SELECT 1 FROM sync_entry x WHERE x.audit_seq = v.seq AND x.status <> 'applied') "  \
    "ORDER BY v.seq"

static const struct {
    const char *kind;
    const char *sql;
    int master; /* people and events change: only their latest entry must match */
} VERIFY_KINDS[] = {
    {"attendance", VERIFY_KIND("attendance", CANON_ATTENDANCE, "attendance",
                               "LEFT JOIN event e ON e.id = t.event_id "
                               "LEFT JOIN signature g ON g.id = t.signature_id"), 0},
    {"pledge", VERIFY_KIND("pledge", CANON_PLEDGE, "pledge", "LEFT JOIN signature g ON g.id = t.signature_id"), 0},
    {"person", VERIFY_KIND("person", CANON_PERSON, "person", ""), 1},
    {"event", VERIFY_KIND("event", CANON_EVENT, "event", ""), 1},
};

/* One audit entry as pass 1 remembers it. */
typedef struct audit_ref {
    char uuid[UTIL_UUID_LEN];
    long long seq;
} audit_ref;

static int ref_by_uuid(const void *a, const void *b)
{
    const audit_ref *x = a, *y = b;
    int c = strcmp(x->uuid, y->uuid);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_seq(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* First entry of kind k (lowest seq) whose record is gone or differs; for
 * master data only entries in latest[] (sorted) count. *seq = 0 if none. */
static int first_mismatch(store *s, int k, const long long *latest, size_t nlatest, long long *seq, char *uuid,
                          size_t uuidlen, int *gone)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, VERIFY_KINDS[k].sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "audit verify");
    *seq = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long q = sqlite3_column_int64(st, 0);
        if (VERIFY_KINDS[k].master && (nlatest == 0 || !bsearch(&q, latest, nlatest, sizeof *latest, cmp_seq)))
            continue; /* an older version of a record changed since: expected */
        *seq = q;
        store_col_text(st, 1, uuid, uuidlen);
        *gone = sqlite3_column_int(st, 2);
        break;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_sqlerr(s, rc, "audit verify");
}

int store_audit_verify(store *s, long *entries)
{
    sqlite3_stmt *st = NULL;
    long n = 0;
    int code = STORE_OK;
    /* 1. Each kiosk's hash chain, entry by entry in order; remember every
     * entry's record for passes 2 and 3. */
    struct chain { char kiosk[STORE_KIOSK_ID_LEN]; char last[UTIL_SHA256_HEX]; } chains[64];
    int nchains = 0;
    long long broken_seq = 0;
    char broken[512] = "";
    audit_ref *refs = NULL;
    long long *latest = NULL;
    size_t nrefs = 0, nlatest = 0, cap = 0;
    int rc = sqlite3_prepare_v2(s->db, "SELECT seq, kiosk_id, at, kind, record_uuid, content, prev_hash, hash "
                                       "FROM audit ORDER BY seq", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_sqlerr(s, rc, "audit verify");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(st, 0);
#define TEXT_OR_EMPTY(i) (sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "")
        const char *kiosk = TEXT_OR_EMPTY(1); /* a tampered row may hold NULLs */
        int64_t at = sqlite3_column_int64(st, 2);
        const char *kind = TEXT_OR_EMPTY(3);
        const char *uuid = TEXT_OR_EMPTY(4);
        const char *stored = TEXT_OR_EMPTY(5);
        const char *prev = TEXT_OR_EMPTY(6);
        const char *hash = TEXT_OR_EMPTY(7);
#undef TEXT_OR_EMPTY
        char want[UTIL_SHA256_HEX];
        int c;
        n++;
        for (c = 0; c < nchains && strcmp(chains[c].kiosk, kiosk); c++)
            ;
        if (c == nchains) {
            if (nchains == 64) {
                broken_seq = seq;
                snprintf(broken, sizeof broken, "audit entry %lld: more than 64 kiosks", seq);
                break;
            }
            util_strlcpy(chains[c].kiosk, kiosk, sizeof chains[c].kiosk);
            memcpy(chains[c].last, ZERO_HASH, sizeof ZERO_HASH);
            nchains++;
        }
        if (strcmp(prev, chains[c].last) != 0) {
            broken_seq = seq;
            snprintf(broken, sizeof broken, "audit entry %lld (%s %s): previous-hash link broken; "
                     "an entry before it was removed or altered", seq, kind, uuid);
            break;
        }
        chain_hash(prev, at, kind, uuid, stored, want);
        if (strcmp(want, hash) != 0) {
            broken_seq = seq;
            snprintf(broken, sizeof broken, "audit entry %lld (%s %s): hash mismatch; the entry was altered",
                     seq, kind, uuid);
            break;
        }
        memcpy(chains[c].last, hash, sizeof chains[c].last);
        if (nrefs == cap) {
            cap = cap ? cap * 2 : 4096;
            audit_ref *nr = realloc(refs, cap * sizeof *refs);
            if (!nr) {
                code = store_fail(s, STORE_ERROR, "audit verify: out of memory");
                break;
            }
            refs = nr;
        }
        util_strlcpy(refs[nrefs].uuid, uuid, sizeof refs[nrefs].uuid);
        refs[nrefs++].seq = seq;
    }
    if (code == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        code = store_sqlerr(s, rc, "audit verify");
    sqlite3_finalize(st);
    if (code)
        goto out;
    /* The current version of each person and event: the version rule
     * every copy applies (sync.c), which on a kiosk that never synced is
     * the latest entry of each record. Older versions are not checked:
     * the record changed since. */
    if ((code = store_sync_master_current(s, &latest, &nlatest)))
        goto out;
    /* 2. Every entry against the record it describes, one join per kind;
     * the earliest problem of the two passes is the one reported. */
    for (size_t k = 0; k < sizeof VERIFY_KINDS / sizeof *VERIFY_KINDS; k++) {
        long long seq;
        char uuid[UTIL_UUID_LEN] = "";
        int gone = 0;
        if ((code = first_mismatch(s, (int)k, latest, nlatest, &seq, uuid, sizeof uuid, &gone)))
            goto out;
        if (seq && (!broken_seq || seq < broken_seq)) {
            broken_seq = seq;
            snprintf(broken, sizeof broken, "audit entry %lld: %s %s was %s", seq, VERIFY_KINDS[k].kind, uuid,
                     gone ? "deleted" : "edited after it was recorded");
        }
    }
    if (broken_seq) {
        code = store_fail(s, STORE_INVALID, "%s", broken);
        goto out;
    }
    /* 3. Every record must be in the chain: a row slipped in by hand is not. */
    if (nrefs > 0) /* refs is NULL for an empty log */
        qsort(refs, nrefs, sizeof *refs, ref_by_uuid);
    rc = sqlite3_prepare_v2(s->db, "SELECT 'attendance', uuid FROM attendance UNION ALL SELECT 'pledge', uuid "
                                   "FROM pledge UNION ALL SELECT 'person', uuid FROM person UNION ALL "
                                   "SELECT 'event', uuid FROM event", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        code = store_sqlerr(s, rc, "audit verify");
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        audit_ref key;
        const unsigned char *u = sqlite3_column_text(st, 1);
        util_strlcpy(key.uuid, u ? (const char *)u : "", sizeof key.uuid);
        /* Any entry of that record will do: find the first with seq >= 0. */
        key.seq = -1;
        size_t lo = 0, hi = nrefs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ref_by_uuid(&refs[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nrefs || strcmp(refs[lo].uuid, key.uuid) != 0) {
            code = store_fail(s, STORE_INVALID, "%s %s is not in the audit log; it was added outside the program",
                              sqlite3_column_text(st, 0), key.uuid);
            break;
        }
    }
    if (code == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        code = store_sqlerr(s, rc, "audit verify");
    sqlite3_finalize(st);
out:
    free(refs);
    free(latest);
    if (entries)
        *entries = n;
    return code;
}

