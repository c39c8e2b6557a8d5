/* store_int.h — internals shared by the files of kiosk/store/ (not an
 * interface: every other module uses store.h).
 *
 * store.c    open / migrate / transactions / statement cache / meta /
 *            identity / units / keys, and the helpers below
 * audit.c    the hash-chained audit log and store_audit_verify
 * people.c   the roster and the name search
 * events.c   events
 * records.c  check-in, pledge, signatures, folios: one record-writing path
 * report.c   read-only walks for indicators, exports and the command line
 * upgrade.c  the copy made before migrating an older database; store_inspect
 * sync.c     the sync with a central: this kiosk's chain, push, state
 * sync_apply.c  other kiosks' entries applied; master-data versions; bundles
 *
 * Error convention: a helper that fails leaves the reason on s->err (through
 * store_fail / store_sqlerr) and returns a STORE_* code; callers pass it up. */
#ifndef CK_STORE_INT_H
#define CK_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_STMT_CACHE 128     /* cached statements; sized for every static SQL text of the store */

struct store {
    sqlite3 *db;
    int readonly;
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char err[512];
    int in_tx;
    int sync_ready;   /* sync.c's SQL functions are registered on db */
    /* This database's lineage: meta 'epoch' and its base (meta
     * 'epoch_base' = "parent-epoch pos hash", base_pos -1 when none), read
     * at open (only a backup copy is given a new one, in the copy). */
    char epoch[UTIL_UUID_LEN];
    char base_epoch[UTIL_UUID_LEN];
    int64_t base_pos;
    char base_hash[UTIL_SHA256_HEX];
    /* This kiosk's chain head as this write transaction sees it: valid
     * only inside one (BEGIN IMMEDIATE holds the lock: nobody else
     * appends). tx_appended: entries of this kiosk were appended, so the
     * commit signs the new head, dated tx_at. */
    int head_valid;
    int64_t head_pos;
    char head_hash[UTIL_SHA256_HEX];
    int tx_appended;
    int64_t tx_at;
    /* The kiosk key (store_set_signer): signs heads; sign_pk checks them.
     * covered_*: the last head this handle signed (a write on top of it
     * needs no look-up). */
    store_sign_fn sign;
    void *sign_ctx;
    void (*sign_release)(void *ctx);
    unsigned char sign_pk[32];
    int64_t covered_pos;
    char covered_hash[UTIL_SHA256_HEX];
    /* Read snapshots (store_snapshot_begin/end): nesting depth, and whether
     * the outermost one opened its own read transaction. */
    int snapshot_depth;
    int snapshot_own;
    /* store_audit_verify's result, kept while a snapshot of this handle's
     * own is open (nothing can change the chain under it): the evidence
     * package's documents each state it. verify_memo: 0 none, 1 kept. */
    int verify_memo;
    int verify_rc;
    long verify_entries;
    char verify_err[512];
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[STORE_STMT_CACHE];
};

/* ---- errors (store.c) ---- */

/* Formats the message onto s (kept to one line) and returns code. */
int store_fail(store *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps a SQLite failure rc of `what` to a STORE_* code with a clear message
 * on s (disk full, read-only, damaged file, locked, ...). */
int store_sqlerr(store *s, int rc, const char *what);

/* ---- upgrades (upgrade.c) ---- */

/* Called by store_open before it migrates the existing database at path
 * from schema `from` (> 0) to store_schema_version(): refuses while another
 * process has it open, else copies it (SQLite backup API) to
 * "<path>.schemaFROM.bak", mode 0600, and logs one line on stderr. Returns
 * STORE_OK, or a STORE_* code with one line in err and the database
 * unchanged. */
int store_upgrade_backup(store *s, const char *path, int from, char *err, size_t errlen);

/* ---- statements (store.c) ---- */

/* The cached prepared statement for sql, reset and unbound, or NULL (message
 * on s). sql must be a static string: its address is the cache key. */
sqlite3_stmt *store_stmt(store *s, const char *sql);
/* Binds text v (NULL binds SQL NULL), copied. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Copies column i as text into out ("" for NULL), truncating to outlen. */
void store_col_text(sqlite3_stmt *st, int i, char *out, size_t outlen);
/* Steps a statement that returns no rows and resets it. */
int store_exec_stmt(store *s, sqlite3_stmt *st, const char *what);
/* Runs SQL text without rows (sqlite3_exec). */
int store_exec(store *s, const char *sql, const char *what);
/* 1 if s is one of the NULL-terminated list. */
int store_in_list(const char *const *list, const char *s);

/* ---- audit (audit.c) ---- */

/* Appends the audit entry for record (kind, key) as it is now: kind is
 * attendance, pledge, person, event (key = the UUID), unit (key = the
 * code), meta (key = an audited key, store_meta_audited) or key (a public
 * key this kiosk trusts: key = that kiosk's id). Format 2, this
 * database's epoch, the next position. Must run inside the transaction
 * that wrote the record. With a signer, refuses (STORE_TAMPERED) when this
 * kiosk's chain head is not covered by one of its signed heads. */
int store_audit_append(store *s, const char *kind, const char *key, int64_t now);

/* Before a new version of master data (person, event, unit, meta) is
 * written: STORE_OK when the stored row matches its latest audit entry
 * (or does not exist yet), else STORE_TAMPERED with the reason on s. */
int store_audit_check_current(store *s, const char *kind, const char *key);

/* Canonical text of the row (kind, key) as the chain hashes it, into a
 * malloc'd *out (NULL when there is no such row). */
int store_audit_canon(store *s, const char *kind, const char *key, char **out);

/* Called by store_commit inside the transaction, before COMMIT: when this
 * transaction appended entries of this kiosk and a signer is set, signs
 * the new head and stores it (source "write"). */
int store_audit_seal(store *s);

/* After migration 2 (db/002_chain.sql), in its transaction: one audit
 * entry for each unit, audited meta key and public key that has none yet. */
int store_audit_baseline(store *s);

/* 1 if meta key is audited (kiosk_id, institution, unit, created_at,
 * pin_hash); the others are operational state (store.h). */
int store_meta_audited(const char *key);

/* This kiosk's head on connection db (a store's or a backup copy's) in
 * epoch, or from the base when the epoch has no entries yet. */
int store_head_of(sqlite3 *db, const char *kiosk, const char *epoch, const char *base_epoch, int64_t base_pos,
                  const char *base_hash, store_head *out);

/* A backup copy's new epoch, signed by the kiosk key: the message
 * "CKE1\n" kiosk "\n" epoch "\n" base_pos "\n" base_hash "\n" into out
 * (its length; 0 when it does not fit). The signature is kept in the copy
 * as meta "epoch_sig:EPOCH" (hex); a database that claims to continue a
 * copy (a restore) must hold it (audit.c), so an epoch relabelled by hand,
 * without the key, is not passed off as one. */
size_t store_epoch_message(const char *kiosk, const char *epoch, int64_t base_pos, const char *base_hash, char *out,
                           size_t outlen);
#define STORE_EPOCH_SIG_PREFIX "epoch_sig:"

/* ---- people (people.c) ---- */

/* The canonical form of the employee number in column col, as SQL (the
 * same as store_employee_canon: digits only lose their leading zeros).
 * person.employee_key holds it, or NULL when another person already has
 * that key (db/003_lists.sql); it is derived, so lookups and audit verify
 * recompute it rather than trust the column. */
#define STORE_EMPLOYEE_CANON_SQL(col)                                                                         \
    "(CASE WHEN " col " <> '' AND " col " NOT GLOB '*[^0-9]*' THEN coalesce(nullif(ltrim(" col ", '0'), ''), " \
    "'0') ELSE " col " END)"

/* ---- records (records.c) ---- */

/* Writes attendance of employee_no at event_id as a paper list typed in
 * (method "keyed") that took place at `at`, inside the caller's open
 * transaction (a bulk import, imports.c): the checks, signature-less
 * record, folio, snapshot and audit entry of store_checkin. On failure the
 * caller rolls back (STORE_EXISTS when the person is already registered). */
int store_record_keyed_at(store *s, const char *event_id, const char *employee_no, int64_t at, int64_t now,
                          store_record *out);

/* ---- sync (sync.c, sync_apply.c) ---- */

extern const char STORE_ZERO_HASH[];   /* 64 '0': the hash before a chain's first entry */
/* Registers the sync's SQL functions (ck_b64, ck_unb64) on s, once. */
int store_sync_ready(store *s);
/* Steps a one-row query: STORE_OK with the row ready (the caller resets
 * st), STORE_NOTFOUND (reset here) or an error. */
int store_one_row(store *s, sqlite3_stmt *st, const char *what);
/* A malloc'd copy of column i ("" for NULL), or NULL when out of memory. */
char *store_col_dup(sqlite3_stmt *st, int i);

/* The statuses of other kiosks' entries kept aside here (held, pending)
 * against this kiosk's latest audit entry of kind sync (audit.c):
 * STORE_TAMPERED with one line when they no longer match it (changed
 * outside the program), STORE_OK otherwise or when there is no such
 * entry yet. A sync or bundle import calls it before it writes. */
int store_sync_cover_check(store *s);

/* Appends this kiosk's entry of kind sync when the statuses kept aside
 * differ from its latest (or there is none and something is kept aside);
 * in the caller's transaction, before its commit signs the head. */
int store_sync_cover(store *s, int64_t now);

/* Master data with versions (person, event): before this kiosk's audit
 * entry of content is hashed, *at moves past every version of the same
 * record held here (so a change made after seeing a version always wins
 * the version rule, whatever this kiosk's clock says). No-op for other
 * kinds. */
int store_sync_version_at(store *s, const char *kind, const char *content, int64_t *at);

/* For audit.c: the audit rows (sorted seq) of the current version of every
 * person or event (kind) by the version rule, into malloc'd *seqs (verify); and
 * the SQL that reads the content of the current version of (kind ?1, key
 * ?2), or NULL for a kind without versions (store_audit_check_current). */
int store_sync_master_current(store *s, const char *kind, long long **seqs, size_t *n);
const char *store_sync_current_sql(const char *kind);

/* ---- events (events.c) ---- */

/* The few event fields a check-in needs, found by id or unique prefix
 * (without the attendee count that store_event_get computes). */
struct store_event_light {
    sqlite3_int64 row;
    char id[UTIL_UUID_LEN];
    char title[STORE_TEXT_LEN];
    char state[8];
    int signature;
};

/* Finds an event by id or unique prefix (>= 4 characters): all of it into
 * *out (full=1) or its light fields into *light (full=0). STORE_NOTFOUND
 * when unknown or ambiguous. */
int store_event_find(store *s, const char *id, int full, store_event *out, struct store_event_light *light);

#endif
