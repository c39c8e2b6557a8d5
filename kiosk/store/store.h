/* store.h — the SQLite database: open and migrate, kiosk identity, units,
 * roster, events, attendance, pledges, signatures and the audit chain.
 *
 * Conventions: every fallible function returns a STORE_* status (0 is
 * success); the human-readable reason (Spanish-free, one line) stays on the
 * handle and is read with store_errmsg(). Time always comes in as a
 * parameter (`now`, Unix seconds). Structs are plain values the caller owns.
 */
#ifndef CK_STORE_H
#define CK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct store store;

enum {
    STORE_OK = 0,
    STORE_ERROR = -1,     /* I/O, SQLite or internal failure */
    STORE_NOTFOUND = -2,  /* no such person / event / folio */
    STORE_EXISTS = -3,    /* already registered / already signed */
    STORE_CLOSED = -4,    /* the event does not accept check-ins */
    STORE_INVALID = -5,   /* bad input (validation) */
    STORE_FULL = -6,      /* disk full or file size limit */
    STORE_READONLY = -7,  /* database or folder not writable */
};

#define STORE_KIOSK_ID_LEN 8     /* 7 chars + NUL, Crockford base32 */
#define STORE_FOLIO_LEN 24

/* Field sizes in bytes, NUL included, for every header that carries these
 * fields (store, config, indicators, receipts, the kiosk). Longer input is
 * refused, never cut. */
#define STORE_UNIT_CODE_LEN 32    /* unit code: letters, digits, - or _ */
#define STORE_UNIT_NAME_LEN 128   /* unit name */
#define STORE_TZ_LEN 64           /* IANA time zone name */
#define STORE_EMPLOYEE_NO_LEN 64  /* employee number */
#define STORE_NAME_LEN 128        /* given name(s); each surname */
#define STORE_TEXT_LEN 256        /* area, position, e-mail; event title, topics, place, instructor */
#define STORE_GUEST_NAME_LEN 256  /* a guest's name as typed */
#define STORE_FULLNAME_LEN 400    /* "Given Surname1 Surname2" (or the guest's name) as shown */
#define STORE_KIND_LEN 24         /* event kind */
#define STORE_PAT_LEN 16          /* PAT activity key, like 1.2.3 */

/* Opens (and migrates) the database at path. With create=1 a missing file is
 * created (mode 0600); otherwise it must exist. Fails without changing the
 * file when it was written by a newer version or is not a valid database.
 * On failure *out is NULL and err holds the reason. Close with store_close. */
int store_open(store **out, const char *path, int create, char *err, size_t errlen);
void store_close(store *s);

/* The last error message on s (never NULL). */
const char *store_errmsg(const store *s);

/* Path of the database file as SQLite resolved it (never NULL). */
const char *store_path(store *s);

/* Schema version this build writes (PRAGMA user_version). */
int store_schema_version(void);

/* Creates the kiosk identity in a new database: kiosk id, institution and
 * unit (created if missing). Fails with STORE_EXISTS if already initialised. */
int store_init_identity(store *s, const char *institution, const char *unit, int64_t now);

/* This kiosk's id ("" before init), institution and unit code. */
const char *store_kiosk_id(const store *s);
int store_meta_get(store *s, const char *key, char *out, size_t outlen);
int store_meta_set(store *s, const char *key, const char *value);

/* Transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK). */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

/* A read snapshot: the queries between store_snapshot_begin and
 * store_snapshot_end see one state of the database, whatever other
 * processes commit meanwhile. Nests; a no-op inside a transaction. */
void store_snapshot_begin(store *s);
void store_snapshot_end(store *s);

/* Copies the whole database, online, into the existing empty file at path
 * (SQLite backup API, in one step, waiting while another process writes),
 * and makes the copy a self-contained rollback-journal file. The caller
 * owns the file (its name, mode and fsync). STORE_OK or an error whose
 * message (SQLite's own) is on s. */
int store_backup_to(store *s, const char *path);

/* For benchmarks and test fixtures that build throwaway databases: with
 * durable=0 a commit no longer waits for the disk (synchronous=OFF), so a
 * power cut may lose it. The kiosk and the command line never call this. */
int store_set_durable(store *s, int durable);

/* A setting of this connection, PRAGMA name (journal_mode, synchronous,
 * foreign_keys, user_version, ...), as text into out. For diagnostics and
 * tests. STORE_INVALID for a name that is not a plain word. */
int store_pragma(store *s, const char *name, char *out, size_t outlen);

/* ---- units ---- */
typedef struct store_unit {
    char code[STORE_UNIT_CODE_LEN];
    char name[STORE_UNIT_NAME_LEN];
    char timezone[STORE_TZ_LEN];
} store_unit;

/* Inserts the unit or updates its name/time zone. */
int store_unit_put(store *s, const char *code, const char *name, const char *tz);
/* Creates the unit with name=code if missing; leaves an existing one alone. */
int store_unit_ensure(store *s, const char *code);
int store_unit_get(store *s, const char *code, store_unit *out);
/* Finds a unit by code or (folded) name; STORE_NOTFOUND if none. */
int store_unit_resolve(store *s, const char *code_or_name, store_unit *out);
/* Calls fn for each unit ordered by code; stops early when fn returns != 0. */
int store_unit_each(store *s, int (*fn)(const store_unit *, void *), void *ctx);

/* ---- roster ---- */
typedef struct store_person {
    char employee_no[STORE_EMPLOYEE_NO_LEN];
    char given_name[STORE_NAME_LEN];
    char surname1[STORE_NAME_LEN];
    char surname2[STORE_NAME_LEN];
    char unit[STORE_UNIT_CODE_LEN];
    char area[STORE_TEXT_LEN];
    char position[STORE_TEXT_LEN];
    char email[STORE_TEXT_LEN];
    int active;
} store_person;

enum { STORE_PERSON_UNCHANGED = 0, STORE_PERSON_ADDED = 1, STORE_PERSON_UPDATED = 2 };

/* Inserts or updates a person by employee number, keeping the search index
 * and audit chain in step. *what (may be NULL) tells which happened. Call
 * inside store_begin/commit for bulk imports. */
int store_person_upsert(store *s, const store_person *p, int64_t now, int *what);
int store_person_get(store *s, const char *employee_no, store_person *out);
/* "Given Surname1 Surname2" into out. */
void store_person_fullname(const store_person *p, char *out, size_t outlen);

/* Name search (at most 64 results): every word of query must be the prefix of a word of the
 * person's name (accents, case and ñ folded). Active staff only. Fills up to
 * max results ordered by surname; returns the count (>= 0) or a STORE_*
 * error. A query with no word of at least one character returns 0. */
int store_search(store *s, const char *query, store_person *out, int max);

/* Calls fn for each person (optionally only unit, optionally matching a
 * search) ordered by surname. */
int store_person_each(store *s, const char *unit, int (*fn)(const store_person *, void *), void *ctx);
int store_person_count(store *s, int active_only);

/* ---- events ---- */
typedef struct store_event {
    char id[UTIL_UUID_LEN];
    char title[STORE_TEXT_LEN];
    char kind[STORE_KIND_LEN];
    char topics[STORE_TEXT_LEN];   /* comma separated */
    char unit[STORE_UNIT_CODE_LEN];
    char start[17];        /* 'YYYY-MM-DD HH:MM', the unit's local time */
    char end[17];
    char place[STORE_TEXT_LEN];
    char instructor[STORE_TEXT_LEN];
    char pat[STORE_PAT_LEN];
    int signature;         /* 1 = signature asked at check-in */
    char state[8];         /* draft | open | closed */
    int attendees;         /* filled by get/each */
} store_event;

/* Validates and creates an event (state draft); fills e->id. */
int store_event_add(store *s, store_event *e, int64_t now);
/* Finds an event by its id or a unique prefix of at least 4 characters. */
int store_event_get(store *s, const char *id, store_event *out);
/* Changes the state: open or closed. */
int store_event_set_state(store *s, const char *id, const char *state, int64_t now);
/* Events whose start is in year (0 = all), or only open ones, by start. */
int store_event_each(store *s, int year, int open_only,
                     int (*fn)(const store_event *, void *), void *ctx);

/* 1 if kind / topic is one of the SPEC's lists. */
int store_kind_valid(const char *kind);
int store_topic_valid(const char *topic);

/* ---- attendance and pledges ---- */
typedef struct store_record {
    char uuid[UTIL_UUID_LEN];
    char type[12];          /* attendance | pledge */
    char folio[STORE_FOLIO_LEN];
    int64_t at;
    char method[8];
    char employee_no[STORE_EMPLOYEE_NO_LEN];
    char guest_name[STORE_GUEST_NAME_LEN];
    char event_id[UTIL_UUID_LEN];   /* attendance */
    char carta_sha256[UTIL_SHA256_HEX]; /* pledge */
    char privacy_sha256[UTIL_SHA256_HEX];
    char kiosk_id[STORE_KIOSK_ID_LEN];
    int has_signature;
} store_record;

/* Records attendance of employee_no (or, for method "guest", of guest_name)
 * at event_id, durably, with the optional signature blob. On success out
 * holds the new record. Errors: STORE_NOTFOUND (event or person unknown or
 * inactive), STORE_EXISTS (out holds the earlier record), STORE_CLOSED (the
 * event is not open; keyed entries are also accepted on closed events),
 * STORE_INVALID, STORE_FULL, STORE_READONLY, STORE_ERROR. */
int store_checkin(store *s, const char *event_id, const char *employee_no,
                  const char *guest_name, const char *method,
                  const void *sig, size_t siglen, int64_t now, store_record *out);

/* Records a pledge of employee_no for the Carta text with hash carta_sha256
 * under the privacy notice privacy_sha256. method "kiosk" (sig required) or
 * "keyed" (a paper letter: at is when it was signed, now when it is typed
 * in; the audit entry carries now, so a back-dated letter shows as such).
 * STORE_EXISTS with out filled if this person already signed this Carta
 * version. */
int store_pledge(store *s, const char *employee_no, const char *carta_sha256,
                 const char *privacy_sha256, const char *method,
                 const void *sig, size_t siglen, int64_t at, int64_t now, store_record *out);

/* The attendance of employee_no at event_id (id or unique prefix), or
 * STORE_NOTFOUND. */
int store_attendance_find(store *s, const char *event_id, const char *employee_no, store_record *out);

/* The pledge of employee_no for the Carta with hash carta_sha256, or
 * STORE_NOTFOUND. */
int store_pledge_find(store *s, const char *employee_no, const char *carta_sha256, store_record *out);

/* One attendee of an event, as lists show it. */
typedef struct store_attendee {
    store_record r;
    char name[STORE_FULLNAME_LEN];   /* full name, or the guest's typed name */
    char unit[STORE_UNIT_CODE_LEN];  /* "" for a guest */
    char area[STORE_TEXT_LEN];
    char position[STORE_TEXT_LEN];
    int guest;
} store_attendee;

/* Calls fn for each attendee of event_id, newest first (newest=1) or in
 * check-in order (newest=0); stops early when fn returns != 0. */
int store_attendance_each(store *s, const char *event_id, int newest,
                          int (*fn)(const store_attendee *, void *), void *ctx);

/* Looks a record up by folio. */
int store_record_by_folio(store *s, const char *folio, store_record *out);
/* Loads the signature blob of a record (malloc'd into *blob, caller frees). */
int store_record_signature(store *s, const store_record *r, void **blob, size_t *len);

/* ---- audit ---- */
/* Walks every kiosk's hash chain and re-derives each entry from the record it
 * describes. Returns STORE_OK, or STORE_INVALID with the first broken link
 * described in store_errmsg(). *entries (may be NULL) gets the count. */
int store_audit_verify(store *s, long *entries);

/* ---- keys ---- */
/* Stores the public key of a kiosk (this one or another). */
int store_key_put(store *s, const char *kiosk_id, const unsigned char pk[32],
                  const char *institution, const char *unit, int64_t now);
int store_key_get(store *s, const char *kiosk_id, unsigned char pk[32]);

/* ---- reports (report.c) ----
 * Read-only walks for the indicators, the exports and the command line.
 * Each calls fn once per row with pointers valid during that call only, in
 * the order given; fn returning non-zero (make it positive) stops the walk,
 * and that value is returned. Otherwise the walk returns STORE_OK or a
 * STORE_* error (< 0) with the message on s. */

/* One public key, as `keys export` lists them (by kiosk id). */
typedef struct store_key_row {
    const char *kiosk_id;
    const unsigned char *pk;   /* pklen bytes; 32 unless the row was tampered with */
    size_t pklen;
    const char *institution;
    const char *unit;
} store_key_row;
int store_key_each(store *s, int (*fn)(const store_key_row *, void *), void *ctx);

/* An event as the indicators see it. */
typedef struct store_event_brief {
    int64_t row;              /* local row number: 1 <= row < store_event_rows() */
    const char *unit;
    int month;                /* 1..12, month of the start (0 if unreadable) */
    const char *topics;       /* comma separated ("" for none) */
    int held;                 /* not a draft, and staff attended it */
} store_event_brief;

/* *n = one more than the largest local event row number (1 with no events):
 * a table indexed by row fits in n entries. */
int store_event_rows(store *s, int64_t *n);
/* Each event whose start is in year (any order). */
int store_event_brief_each(store *s, int year, int (*fn)(const store_event_brief *, void *), void *ctx);

/* An active person with what the indicators count: the events attended and
 * the first pledge. */
typedef struct store_activity {
    const char *employee_no;
    const char *unit;
    const int64_t *events;    /* local rows of the events attended */
    size_t nevents;
    int64_t first_pledge;     /* time of the first pledge (any Carta version); INT64_MAX if none */
} store_activity;
/* Each active person, by employee number: one merge of three streams read
 * in that order from covering indexes (no per-person lookups). */
int store_activity_each(store *s, int (*fn)(const store_activity *, void *), void *ctx);

/* One row of an attendance list. */
typedef struct store_att_row {
    int64_t at;
    const char *uuid, *folio, *method, *kiosk_id;
    const char *employee_no;   /* "" for a guest */
    const char *guest_name;    /* "" for staff */
    const char *given_name, *surname1, *surname2, *unit, *area, *position; /* "" if not in the roster */
    const void *sig;           /* the signature blob (when asked for), or NULL */
    size_t siglen;
    int repeated;              /* the same person's second record at this event (two offline
                                  kiosks, merged by a sync): listed, marked, counted once */
} store_att_row;
/* The attendance of the event with id event_uuid (the full id) in check-in
 * order (time, then UUID: the same order on every kiosk that holds the same
 * records), with the signatures when want_sig. */
int store_att_rows(store *s, const char *event_uuid, int want_sig, int (*fn)(const store_att_row *, void *),
                   void *ctx);

/* One row of the pledge database. */
typedef struct store_pledge_row {
    int64_t at;
    const char *uuid, *folio, *method, *kiosk_id, *employee_no;
    const char *given_name, *surname1, *surname2, *unit, *area, *position;
    const char *unit_name;     /* the unit's name, else its code */
    const char *tz;            /* the unit's time zone, else the default */
    const char *carta, *privacy;  /* SHA-256 hex */
    int has_sig;
} store_pledge_row;
/* The pledges made before the instant before (0 = all), in time order. */
int store_pledge_rows(store *s, int64_t before, int (*fn)(const store_pledge_row *, void *), void *ctx);

/* ---- sync with a central PostgreSQL, and USB bundles (sync.c) ----
 * The store's side of issue 11 (the connection and the bundle files are
 * kiosk/central/'s). A kiosk's chain: its audit entries in order; an
 * entry's position is its place in its kiosk's chain (1, 2, 3, ...)
 * within an epoch; a database restored from an older copy continues under
 * a new epoch whose base is the position it continues from. */

#define STORE_CHAIN_FORMAT 1   /* the audit entry hash this build writes (chain-v2: 2) */

/* The entry hash of chain format 1 or 2: SHA-256 of prev, [kiosk (format
 * 2),] at, kind, uuid and content, each followed by "\n", as lower-case
 * hex. STORE_OK, or STORE_INVALID (out = "") for another format. (The
 * signature of chain-v2's store_chain_hash: the switch drops this one.) */
int store_chain_hash(int format, const char *prev, const char *kiosk, int64_t at, const char *kind,
                     const char *uuid, const char *content, char out[UTIL_SHA256_HEX]);

/* A chain head: a kiosk's entry at position pos of epoch, with its hash. */
typedef struct store_head {
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char epoch[UTIL_UUID_LEN];
    int64_t pos;                      /* 0 = nothing in the chain yet */
    char hash[UTIL_SHA256_HEX];       /* the zero hash at position 0 */
} store_head;

/* The message a kiosk signs (Ed25519) for a chain head:
 * "CKH1\n" kiosk "\n" epoch "\n" pos "\n" hash "\n" signed_at "\n".
 * Writes it into out (NUL-terminated); returns its length (0 when it does
 * not fit). (chain-v2's signature.) */
size_t store_head_message(const store_head *h, int64_t signed_at, char *out, size_t outlen);

/* Checks a signed head of kiosk with the public key stored here:
 * STORE_OK, STORE_NOTFOUND (no key) or STORE_INVALID (does not verify). */
int store_head_verify(store *s, const char *kiosk, const char *epoch, int64_t pos, const char *hash,
                      int64_t signed_at, const unsigned char sig[64]);

/* This kiosk's chain: epoch (meta "epoch", created on first use: call it
 * in a write transaction the first time), base and head. */
typedef struct store_chain_head {
    char epoch[UTIL_UUID_LEN];
    char base_epoch[UTIL_UUID_LEN];     /* "" for a first epoch */
    int64_t base_pos;                   /* 0 for a first epoch */
    char base_hash[UTIL_SHA256_HEX];
    int64_t pos;                        /* last position (0: empty chain) */
    char hash[UTIL_SHA256_HEX];         /* its hash (64 zeros when empty) */
} store_chain_head;
int store_sync_head(store *s, store_chain_head *out);
/* The hash of this kiosk's entry at position pos (zeros at 0);
 * STORE_NOTFOUND past the head. */
int store_sync_hash_at(store *s, int64_t pos, char out[UTIL_SHA256_HEX]);

/* Where this database stands with one central. */
typedef struct store_sync_state {
    char central[64];          /* the central's id (ck.central) */
    char label[128];           /* its host and database, for people */
    char epoch[UTIL_UUID_LEN]; /* the epoch acked_pos is of */
    int64_t acked_pos;         /* positions <= this are committed at the central */
    int64_t cursor;            /* pull cursor */
    int64_t last_try, last_ok; /* Unix seconds, 0 = never */
    char last_error[256];      /* "" after a good sync */
    int has_skew;
    int64_t clock_skew;        /* this clock minus the central's, seconds */
    int64_t pushed, pulled;    /* entries, all time */
    int64_t pending;           /* own entries the central has not acknowledged */
    int64_t conflicts;         /* entries kept aside here (sync_conflict) */
} store_sync_state;
/* The state with central (NULL: the central synced with most recently).
 * STORE_NOTFOUND when never synced; out->pending is filled anyway. */
int store_sync_state_get(store *s, const char *central, store_sync_state *out);

/* Starts a sync with central: its row, the time of the attempt and the
 * clock skew measured (NULL: not measured). Creates the epoch if needed. */
int store_sync_begin(store *s, const char *central, const char *label, int64_t now, const int64_t *skew);
/* The central's last receive position is rx: a pull cursor past it (the
 * central was restored from an older copy) starts again from 0 (what is
 * pulled again is recognised and skipped). */
int store_sync_cursor_check(store *s, const char *central, int64_t rx);
/* Records the end of a sync: error "" or NULL for success. */
int store_sync_end(store *s, const char *central, int64_t now, const char *error);

/* Sets the acknowledged position from what the central says it holds of
 * this kiosk's current epoch (held_pos, held_hash; central_hash_here = the
 * hash it holds at this database's head position, NULL or "" if none):
 * STORE_SYNC_AS_HELD (the mark is the central's), STORE_SYNC_NEW_EPOCH (this
 * database is an older copy of its chain: a new epoch continues from its
 * head), STORE_SYNC_DIVERGED (the chains differ: everything is resent and
 * the central keeps the batch aside, naming the position). */
enum { STORE_SYNC_AS_HELD = 0, STORE_SYNC_NEW_EPOCH = 1, STORE_SYNC_DIVERGED = 2 };
int store_sync_reconcile(store *s, const char *central, int64_t held_pos, const char *held_hash,
                         const char *central_hash_here, int *outcome);

/* The next push: this kiosk's entries after the acknowledged position (at
 * most max), the signature strokes they name, the units, and a head
 * signed with sk at now, as the JSON batch of db/central/README.md
 * (*json malloc'd, caller frees). STORE_NOTFOUND when nothing is left to
 * send (unless force_head: then a batch with the head alone). */
typedef struct store_sync_batch_info {
    int64_t entries, first_pos, last_pos, last_seq;
    char last_hash[UTIL_SHA256_HEX];
    char epoch[UTIL_UUID_LEN];
} store_sync_batch_info;
int store_sync_batch(store *s, const char *central, int max, const unsigned char sk[64], int64_t now, int force_head,
                     char **json, store_sync_batch_info *info);
/* After the central COMMITted batch b and answered ack: the mark moves. */
int store_sync_acked(store *s, const char *central, const store_sync_batch_info *b, int64_t ack);

/* What a pull page or bundle brought. */
typedef struct store_sync_counts {
    int64_t entries;      /* entries of other kiosks stored */
    int64_t known;        /* entries already held (skipped) */
    int64_t records;      /* attendance and pledges applied */
    int64_t people, events; /* versions that became current */
    int64_t conflicts;    /* kept aside (sync_conflict) */
    int64_t pending;      /* waiting for an event or person */
    int64_t heads;        /* signed heads stored */
    int64_t unverified;   /* heads of kiosks whose key is unknown here */
    int64_t own_skipped;  /* this kiosk's own older entries (not taken back, format 1) */
} store_sync_counts;
/* Applies one page of ck.pull (JSON text) in one transaction, with the new
 * cursor: every entry must extend the chain of its kiosk held here (else
 * STORE_INVALID naming the kiosk and position, and nothing changes).
 * Adds to *n; *more = the central has more. */
int store_sync_apply(store *s, const char *central, const char *page, int64_t now, store_sync_counts *n,
                     int64_t *cursor, int *more);

/* A bundle: every chain held here (this kiosk's with a head signed with sk
 * at now, the others' with their signed heads), the signature strokes and
 * the units, as JSON (*json malloc'd). */
int store_bundle_build(store *s, const unsigned char sk[64], int64_t now, char **json);
/* Imports a bundle's JSON (its file signature already checked: made by
 * kiosk exporter) in one transaction: all of it or, on any error, nothing.
 * Every chain's kiosk must have its key here (STORE_NOTFOUND). */
int store_bundle_apply(store *s, const char *json, const char *exporter, int64_t now, store_sync_counts *n);

/* One entry a sync kept aside. */
typedef struct store_sync_conflict {
    const char *kiosk_id;
    int64_t pos;
    const char *kind, *uuid, *reason;
    int64_t found_at;
} store_sync_conflict;
int store_sync_conflict_each(store *s, int (*fn)(const store_sync_conflict *, void *), void *ctx);

#endif
