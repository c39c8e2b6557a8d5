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
    STORE_TAMPERED = -8,  /* the file was changed outside the program: a row
                           * no longer matches its audit entry, or the chain
                           * head is not signed by this kiosk */
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
/* Sets a setting at time now. The keys kiosk_id, institution, unit, created_at and
 * pin_hash are audited: a change appends a "meta" audit entry (pin_hash
 * as the SHA-256 of its value) in the same transaction, and is refused
 * (STORE_TAMPERED) when the stored value no longer matches its latest
 * entry. The others (folio_seq, pin_failures, pin_locked_until, epoch,
 * epoch_base, and any other helper's state) are not audited. */
int store_meta_set_at(store *s, const char *key, const char *value, int64_t now);
/* store_meta_set_at for the keys that are not audited (STORE_INVALID for
 * an audited one). */
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
 * and makes the copy a self-contained rollback-journal file. The copy is
 * given a fresh epoch whose base is its chain head (meta 'epoch' and
 * 'epoch_base'), so a database restored from it continues its chain under
 * a new epoch. The caller owns the file (its name, mode and fsync), and
 * signs the head before (store_audit_sign_head, source "backup"). STORE_OK
 * or an error whose message (SQLite's own) is on s. */
int store_backup_to(store *s, const char *path);

/* For benchmarks and test fixtures that build throwaway databases: with
 * durable=0 a commit no longer waits for the disk (synchronous=OFF), so a
 * power cut may lose it. The kiosk and the command line never call this. */
int store_set_durable(store *s, int durable);

/* A setting of this connection, PRAGMA name (journal_mode, synchronous,
 * foreign_keys, user_version, ...), as text into out. For diagnostics and
 * tests. STORE_INVALID for a name that is not a plain word. */
int store_pragma(store *s, const char *name, char *out, size_t outlen);

/* ---- upgrades and health (upgrade.c) ----
 * store_open migrates a database of an older schema, after copying it to
 * "<db>.schemaN.bak" beside it (see upgrade.c); it refuses to while another
 * process has the database open. */

/* 1 if another process has the (WAL) database at path open, from
 * /proc/locks; 0 if not, or when that cannot be told. Opens nothing. */
int store_in_use(const char *path);

/* What `doctor` reports about a database, read without changing it. */
typedef struct store_health {
    int version;          /* PRAGMA user_version; -1 when unreadable */
    int ours;             /* 1: cepci-kiosk's (an empty file, or it has the meta table) */
    int in_use;           /* store_in_use() */
    char integrity[256];  /* "ok", or the first problem PRAGMA integrity_check names */
} store_health;

/* Opens the database at path read-only (an immutable snapshot when even
 * that cannot share its WAL) and fills out: schema version, whether it is
 * ours, whether another process has it open, and integrity_check's first
 * line. Never migrates or writes (as root, SQLite may create the -shm file,
 * owned like the database). Returns STORE_OK; STORE_NOTFOUND (no file),
 * STORE_INVALID (not a database, damaged header) or STORE_ERROR with one
 * line in err. */
int store_inspect(const char *path, store_health *out, char *err, size_t errlen);

/* ---- units ---- */
typedef struct store_unit {
    char code[STORE_UNIT_CODE_LEN];
    char name[STORE_UNIT_NAME_LEN];
    char timezone[STORE_TZ_LEN];
} store_unit;

/* Inserts the unit or updates its name/time zone. Units are audited: a
 * change appends a "unit" audit entry, and is refused (STORE_TAMPERED)
 * when the stored unit no longer matches its latest entry. Needs the kiosk
 * identity (store_init_identity). */
int store_unit_put_at(store *s, const char *code, const char *name, const char *tz, int64_t now);
/* Creates the unit with name=code if missing; leaves an existing one alone. */
int store_unit_ensure_at(store *s, const char *code, int64_t now);
/* The same, the audit entry dated by the clock (for callers without now). */
int store_unit_put(store *s, const char *code, const char *name, const char *tz);
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

/* ---- audit chain (audit.c) ----
 *
 * Every record (attendance, pledge), every version of master data (person,
 * event, unit, audited meta key) is an entry of its kiosk's chain, written
 * in the transaction that wrote the row. An entry holds kiosk_id, at, kind,
 * record_uuid (the UUID; a unit's code; a meta key), content (the row's
 * canonical JSON text), prev_hash and hash, and:
 *   format  1 = written before schema 2, hash over prev, at, kind, uuid,
 *             content; 2 = the same with the kiosk id after prev
 *             (store_chain_hash);
 *   epoch   the database lineage it was written in (a backup copy gets a
 *           fresh epoch whose base is the head it was copied at);
 *   pos     its position in its kiosk's chain: 1, 2, 3 ... within an
 *           epoch; a new epoch goes on from its base's position + 1.
 * The head of a kiosk's chain is its last entry (epoch, pos, hash); a
 * signed head is the kiosk key's Ed25519 signature of
 *   "CKH1\n" kiosk "\n" epoch "\n" pos "\n" hash "\n" signed_at "\n"
 * made at every write by the program (with the key: store_set_signer) and
 * on every receipt, export, backup and sync. */

#define STORE_HEAD_TEXT_MAX 300   /* store_head_text, NUL included */

typedef struct store_head {
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char epoch[UTIL_UUID_LEN];
    int64_t pos;                      /* 0 = nothing in the chain yet */
    char hash[UTIL_SHA256_HEX];       /* the zero hash at position 0 */
} store_head;

typedef struct store_signed_head {
    store_head h;
    int64_t signed_at;
    unsigned char sig[64];
    char source[16];   /* write, init, receipt, export, backup, sync, shown */
} store_signed_head;

/* The chain hash of an entry (lower-case hex SHA-256), format 1 or 2 (see
 * above; kiosk is ignored by format 1). The one function audit verify, the
 * sync and `central audit verify` use. STORE_INVALID for another format. */
int store_chain_hash(int format, const char *prev, const char *kiosk, int64_t at, const char *kind,
                     const char *uuid, const char *content, char out[UTIL_SHA256_HEX]);

/* This kiosk's head in this database's current epoch: its last entry, or
 * the epoch's base when it has none yet (epoch is then still the current
 * one), or position 0 with the zero hash. */
int store_audit_head(store *s, store_head *out);

/* The message a signed head signs, into out (NUL-terminated); returns its
 * length (without the NUL), or 0 when it does not fit. */
size_t store_head_message(const store_head *h, int64_t signed_at, char *out, size_t outlen);

/* A signed head as one line of text, "CKH1:" kiosk ":" epoch ":" pos ":"
 * hash ":" signed_at ":" 128 hex digits of the signature, into
 * out[STORE_HEAD_TEXT_MAX]; and back (STORE_INVALID with a one-line
 * reason in err when malformed; the signature is not checked). */
void store_head_text(const store_signed_head *h, char *out, size_t outlen);
int store_head_parse(const char *text, store_signed_head *out, char *err, size_t errlen);

/* Signs with the kiosk key: sig = Ed25519(msg). Returns 0 or -1. */
typedef int (*store_sign_fn)(void *ctx, const unsigned char *msg, size_t len, unsigned char sig[64]);

/* Gives the store this kiosk's key (keys_signer_install in domain/keys.c
 * calls it): from now on every transaction that appends entries of this
 * kiosk ends by signing the new head (source "write"), and an append on top
 * of a head that no signed head of this kiosk covers is refused
 * (STORE_TAMPERED). Without a signer, a database this kiosk has signed
 * refuses appends of its entries (STORE_INVALID). pk is the key's public
 * half: it must be the public key
 * the database holds for this kiosk (else STORE_TAMPERED, the signer not
 * set). release (may be NULL) frees ctx at store_close or when replaced. */
int store_set_signer(store *s, const unsigned char pk[32], store_sign_fn fn, void *ctx, void (*release)(void *));

/* Signs this kiosk's head now (store_audit_head) with the signer, stores
 * it with source (when the database can be written: out->source then
 * names it, else it is "") and fills *out (may be NULL). Refuses
 * (STORE_TAMPERED) a head that no signed head of this kiosk covers, unless
 * this kiosk never signed one and wrote no record or roster/event change
 * since the upgrade to schema 2 (the first signature). STORE_INVALID
 * without a signer. */
int store_audit_sign_head(store *s, const char *source, int64_t now, store_signed_head *out);

/* STORE_OK when setting key (an audited one, e.g. pin_hash) still matches
 * its latest audit entry and — with a signer — this kiosk's chain head is
 * covered by a signed head; else STORE_TAMPERED with the reason on s. For
 * decisions that trust a setting (the PIN) without writing anything. */
int store_meta_trusted(store *s, const char *key);

/* Checks a signed head's signature with the public key the database holds
 * for its kiosk (this kiosk's signer's key when set). STORE_OK, STORE_NOTFOUND
 * (no key for that kiosk) or STORE_INVALID (bad signature), message on s. */
int store_signed_head_check(store *s, const store_signed_head *h);

/* Stores a signed head received from elsewhere (sync, `audit verify
 * --head`) after store_signed_head_check; the same head twice is stored
 * once. source is h->source. */
int store_signed_head_put(store *s, const store_signed_head *h);

/* Calls fn for each stored signed head of kiosk (NULL = every kiosk), by
 * kiosk and position, newest position last: those kept for good, and each
 * kiosk's last write's (source "write": only the last is kept); fn
 * returning non-zero stops. */
int store_signed_head_each(store *s, const char *kiosk, int (*fn)(const store_signed_head *, void *), void *ctx);

/* Calls fn for each signed head kept in another database file at path (a
 * backup, a copy of a kiosk), opened read-only and left unchanged; their
 * signatures are not checked (store_signed_head_check does, with this
 * database's keys). STORE_OK, or an error with a one-line reason in err
 * (not a cepci-kiosk database, or one without signed heads: schema < 2). */
int store_signed_heads_in_file(const char *path, int (*fn)(const store_signed_head *, void *), void *ctx,
                               char *err, size_t errlen);

/* The audit entry of a record (kind attendance or pledge, and its UUID):
 * the kiosk that wrote it, the epoch, position and hash. STORE_NOTFOUND. */
int store_record_entry(store *s, const char *kind, const char *uuid, store_head *out);

/* A head the caller vouches for (a signed head whose signature it checked,
 * a receipt it verified): kiosk, epoch ("" when unknown: any epoch),
 * position and hash (the full 64 hex digits, or a prefix of at least 16).
 * what names it in messages ("receipt QDECM8W-000003", a file name). */
typedef struct store_head_claim {
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char epoch[UTIL_UUID_LEN];
    int64_t pos;
    char hash[UTIL_SHA256_HEX];
    char what[128];
} store_head_claim;

/* Verifies the whole database, reporting the first problem found:
 *   - each kiosk's chain, epoch by epoch: every entry hashes to itself (its
 *     format), links to the one before, positions go on by one, an epoch
 *     starts from a base the database holds, the format never goes back;
 *   - every entry against the row it describes (kind, key and canonical
 *     content): a record's one entry, master data's latest version; every
 *     row has an entry of its own kind; an event's versions differ only in
 *     its state, a person's keep the employee number;
 *   - UUIDs: one record each, across kinds (the record_uuid registry);
 *   - this kiosk's folios: 1..N without a gap, and the counter at N;
 *   - signed heads: the newest genuine signed head of each kiosk and epoch
 *     is in the chain; a stored head with a bad signature; this kiosk's
 *     head covered by a signed head once it has signed any;
 *   - each claim: the chain holds that position with that hash (a chain
 *     that ends before it lost entries; another hash means a rewrite).
 * Returns STORE_OK, or STORE_INVALID with the problem in store_errmsg().
 * *entries (may be NULL) gets the number of entries walked. */
int store_audit_verify_ex(store *s, const store_head_claim *claims, size_t nclaims, long *entries);
/* store_audit_verify_ex without claims. */
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
} store_att_row;
/* The attendance of the event with id event_uuid (the full id) in check-in
 * order, with the signatures when want_sig. */
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

#endif
