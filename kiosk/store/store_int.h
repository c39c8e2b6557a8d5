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
    /* Hash of this kiosk's last audit entry, valid only inside a write
     * transaction (BEGIN IMMEDIATE holds the lock: nobody else appends). */
    char audit_head[UTIL_SHA256_HEX];
    int in_tx;
    int sync_ready;   /* sync.c's SQL functions are registered on db */
    /* Read snapshots (store_snapshot_begin/end): nesting depth, and whether
     * the outermost one opened its own read transaction. */
    int snapshot_depth;
    int snapshot_own;
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

/* Appends the audit entry for record (kind, uuid) as it is now. Must run
 * inside the transaction that wrote the record. */
int store_audit_append(store *s, const char *kind, const char *uuid, int64_t now);

/* Canonical text of record (kind, uuid) as the audit chain hashes it, into
 * a malloc'd *out (NULL when there is no such record). */
int store_audit_canon(store *s, const char *kind, const char *uuid, char **out);

/* ---- sync (sync.c, sync_apply.c) ---- */

extern const char STORE_ZERO_HASH[];   /* 64 '0': the hash before a chain's first entry */
/* Registers the sync's SQL functions (ck_b64, ck_unb64) on s, once. */
int store_sync_ready(store *s);
/* Steps a one-row query: STORE_OK with the row ready (the caller resets
 * st), STORE_NOTFOUND (reset here) or an error. */
int store_one_row(store *s, sqlite3_stmt *st, const char *what);
/* A malloc'd copy of column i ("" for NULL), or NULL when out of memory. */
char *store_col_dup(sqlite3_stmt *st, int i);
/* Signs this kiosk's head (epoch, pos, hash) at now with sk: the
 * signature, base64, into b64. */
void store_sync_sign_head(store *s, const char *epoch, int64_t pos, const char *hash, int64_t now,
                          const unsigned char sk[64], char b64[128]);

/* Master data (person, event) written by this kiosk: before its audit entry
 * is hashed, *at moves past every version of the same record held here
 * (so a change made after seeing a version always wins the version rule,
 * whatever this kiosk's clock says); after the entry is stored (audit row
 * seq), the version is indexed. No-ops for other kinds. */
int store_sync_version_at(store *s, const char *kind, const char *content, int64_t *at);
int store_sync_version_note(store *s, const char *kind, const char *uuid, const char *content, int64_t at,
                            int64_t seq);

/* For audit verify: the audit rows (sorted seq) of the current version of
 * every person and event (the version rule), into malloc'd *seqs. */
int store_sync_master_current(store *s, long long **seqs, size_t *n);

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
