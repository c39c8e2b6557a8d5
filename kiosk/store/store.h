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

/* Employee numbers have one canonical form (README, "Employee numbers"): a
 * number made only of digits loses its leading zeros ("007" -> "7", "000"
 * -> "0"); any other number is kept as it is. Writes the canonical form of
 * in into out (cut to outlen - 1 bytes; in is at most STORE_EMPLOYEE_NO_LEN
 * - 1 bytes in practice). Every lookup by number goes through it, so
 * "007", "7" and "0007" name one person. */
void store_employee_canon(const char *in, char *out, size_t outlen);

/* The optional fields of store_person that a partial update may leave
 * alone (store_person_merge). The number, first surname and unit are
 * always given. */
enum {
    STORE_PF_GIVEN = 1 << 0,
    STORE_PF_SURNAME2 = 1 << 1,
    STORE_PF_AREA = 1 << 2,
    STORE_PF_POSITION = 1 << 3,
    STORE_PF_EMAIL = 1 << 4,
    STORE_PF_ACTIVE = 1 << 5,
    STORE_PF_ALL = (1 << 6) - 1,
};

/* Inserts or updates a person by employee number (canonical form, see
 * store_employee_canon; a new person is stored under the canonical form, a
 * known one keeps the number it was stored with), keeping the search index
 * and audit chain in step. *what (may be NULL) tells which happened. Call
 * inside store_begin/commit for bulk imports. Names, area, position and
 * e-mail must be valid UTF-8 without control characters (bidirectional
 * controls included); STORE_INVALID otherwise. */
int store_person_upsert(store *s, const store_person *p, int64_t now, int *what);
/* Like store_person_upsert, but an existing person keeps every optional
 * field not named in fields (STORE_PF_* bits): a roster file without the
 * `area` column leaves everyone's area as it was. A new person gets the
 * defaults ("" and active) for the fields not named. */
int store_person_merge(store *s, const store_person *p, unsigned fields, int64_t now, int *what);
/* The person with employee number employee_no: the row stored under exactly
 * that number, else the one whose canonical number is the same. */
int store_person_get(store *s, const char *employee_no, store_person *out);
/* People whose number is the canonical number of another person's too
 * (possible only in a database made before version 3; they keep their rows
 * and are found by their exact number): the count, or a STORE_* error. */
int store_person_clashes(store *s);
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
/* Changes the state: draft -> open -> closed. A closed event is opened
 * again only by store_event_reopen (STORE_CLOSED here). */
int store_event_set_state(store *s, const char *id, const char *state, int64_t now);
/* Opens a closed event again, recording why (reason: 1..255 bytes of valid
 * UTF-8 text without control characters) as an append-only, audited
 * record that the attendance list prints. STORE_INVALID when the event is
 * not closed or the reason is bad. */
int store_event_reopen(store *s, const char *id, const char *reason, int64_t now);
/* Calls fn(at, reason, ctx) for each reopening of the event (full id), in
 * time order; stops early when fn returns non-zero. */
int store_event_reopen_each(store *s, const char *event_uuid, int (*fn)(int64_t at, const char *reason, void *ctx),
                            void *ctx);
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
 * at event_id, durably, with the optional signature blob and a snapshot of
 * the person's unit, area and position. method: "badge", "number",
 * "search" or "guest" at the kiosk; "keyed" for a paper list typed in;
 * "desk" for someone registered at the coordinator's desk (the command
 * line). On success out holds the new record (employee_no as stored, which
 * may differ from the number given in its leading zeros). Errors:
 * STORE_NOTFOUND (event or person unknown, or inactive: a "keyed" record of
 * someone now inactive is accepted), STORE_EXISTS (out holds the earlier
 * record), STORE_CLOSED (the event is not open; keyed entries are also
 * accepted on closed events), STORE_INVALID, STORE_FULL, STORE_READONLY,
 * STORE_ERROR. */
int store_checkin(store *s, const char *event_id, const char *employee_no,
                  const char *guest_name, const char *method,
                  const void *sig, size_t siglen, int64_t now, store_record *out);

/* Records a pledge of employee_no for the Carta text with hash carta_sha256
 * under the privacy notice privacy_sha256, with a snapshot of the person's
 * unit, area and position. method "kiosk" (sig required, active staff) or
 * "keyed" (a paper letter, also of someone now inactive: at is when it was
 * signed, now when it is typed in; the audit entry carries now, so a
 * back-dated letter shows as such). STORE_EXISTS with out filled if this
 * person already signed this Carta version. */
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
 * its latest audit entry of this kiosk and — with a signer — that entry is
 * vouched for by the key (it hashes to itself and links, entry by entry,
 * to a position a signed head of this kiosk covers: an entry forged in a
 * lineage of its own or edited in place is not) and this kiosk's chain
 * head is covered by a signed head; else STORE_TAMPERED with the reason on
 * s. For decisions that trust a setting (the PIN) without writing
 * anything. */
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

/* store_record_entry, and whether the record's row stands behind it: *state
 * 0 when the row exists, its content is the entry's and the entry hashes to
 * its hash; 1 when the row is gone; 2 when the row or the entry was changed
 * (by hand: the program never changes a record); 3 when the entry is
 * another kiosk's that a sync kept aside (its row is not here, by design:
 * a record waiting for its event, a conflict). */
int store_record_entry_check(store *s, const char *kind, const char *uuid, store_head *out, int *state);

/* STORE_OK when this kiosk's record (kind attendance or pledge, and its
 * UUID) stands on a chain its key vouches for: its entry and every entry
 * after it hash and link up to a position a genuine signed head covers
 * (or this database's signed head). STORE_TAMPERED for a record slipped in
 * by hand, which nothing may sign (a receipt reprinted for it would be
 * genuine). */
int store_record_vouched(store *s, const char *kind, const char *uuid);

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
    int64_t at;   /* when it was signed (a receipt: its record's time); 0 when unknown */
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
/* store_audit_verify_ex without claims. Inside a read snapshot
 * (store_snapshot_begin) the first result is kept until it ends: the
 * documents of one export state the same finding, verified once. */
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
    const char *given_name, *surname1, *surname2; /* "" if not in the roster */
    const char *unit, *area, *position; /* as recorded (snapshot), else the roster's today */
    int snapshot;              /* 1: unit, area, position as at the record; 0: record older than snapshots */
    const void *sig;           /* the signature blob (when asked for), or NULL */
    size_t siglen;
    int repeated;              /* the same person's second record at this event (two offline
                                  kiosks, merged by a sync): listed, marked, counted once */
} store_att_row;
/* The attendance of the event with id event_uuid (the full id) in check-in
 * order (time, then folio, then UUID: the same order on every kiosk that
 * holds the same records, and a bulk import's rows, which share a time, in
 * the order they were written), with the signatures when want_sig. */
int store_att_rows(store *s, const char *event_uuid, int want_sig, int (*fn)(const store_att_row *, void *),
                   void *ctx);

/* One row of the pledge database. */
typedef struct store_pledge_row {
    int64_t at;
    const char *uuid, *folio, *method, *kiosk_id, *employee_no;
    const char *given_name, *surname1, *surname2;
    const char *unit, *area, *position; /* as recorded (snapshot), else the roster's today */
    int snapshot;              /* 1: unit, area, position as at the record */
    const char *unit_name;     /* that unit's name, else its code */
    const char *tz;            /* that unit's time zone, else the default */
    const char *carta, *privacy;  /* SHA-256 hex */
    int has_sig;
} store_pledge_row;
/* The pledges made before the instant before (0 = all), in time order. */
int store_pledge_rows(store *s, int64_t before, int (*fn)(const store_pledge_row *, void *), void *ctx);

/* ---- sync with a central PostgreSQL, and USB bundles (sync.c) ----
 * The store's side of issue 11 (the connection and the bundle files are
 * kiosk/central/'s). A kiosk's chain is its audit entries (see "audit
 * chain" above): each travels as its kiosk wrote it, with its format,
 * epoch and position, and is stored so wherever it goes. A database
 * restored from an older copy continues under a new epoch whose base is
 * the position it continues from. Pushes, bundles and pulls sign and check
 * heads with the kiosk key the store was given (store_set_signer). */

#define STORE_CHAIN_FORMAT 2   /* the newest entry format this build reads and writes */

/* This kiosk's chain in this database's epoch: the epoch, its base and the
 * head (store_audit_head). */
typedef struct store_chain_head {
    char epoch[UTIL_UUID_LEN];
    char base_epoch[UTIL_UUID_LEN];     /* "" for a first epoch */
    int64_t base_pos;                   /* 0 for a first epoch */
    char base_hash[UTIL_SHA256_HEX];
    int64_t pos;                        /* last position (0: empty chain) */
    char hash[UTIL_SHA256_HEX];         /* its hash (64 zeros when empty) */
} store_chain_head;
int store_sync_head(store *s, store_chain_head *out);

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
 * clock skew measured (NULL: not measured). */
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

/* The next push: this kiosk's entries of its epoch after the acknowledged
 * position (at most max, each with its format), the signature strokes
 * they name, the units, and their last position's head signed at now with
 * the signer (refused, STORE_TAMPERED, when this kiosk's chain head is not
 * covered by a signed head of its own), as the JSON batch of
 * db/central/README.md (*json malloc'd, caller frees). STORE_NOTFOUND
 * when nothing is left to send (unless force_head: then a batch with the
 * head alone). STORE_INVALID without a signer. */
typedef struct store_sync_batch_info {
    int64_t entries, first_pos, last_pos, last_seq;
    char last_hash[UTIL_SHA256_HEX];
    char epoch[UTIL_UUID_LEN];
} store_sync_batch_info;
int store_sync_batch(store *s, const char *central, int max, int64_t now, int force_head, char **json,
                     store_sync_batch_info *info);
/* The epochs of this kiosk's chain that this database's epoch continues
 * from (a database restored from a backup: its epoch's base is in its
 * parent), oldest first, at most max, each with the position and hash the
 * next one's base takes from it (end) and its own base (base_epoch "" and
 * base_pos 0 for a first epoch). Only epochs this database holds entries
 * of. The central must hold each up to its end before it takes the next
 * (CK003): central_sync pushes them first with store_sync_batch_ancestor. */
typedef struct store_sync_epoch {
    char epoch[UTIL_UUID_LEN];
    char base_epoch[UTIL_UUID_LEN];
    int64_t base_pos;
    char base_hash[UTIL_SHA256_HEX];
    int64_t end_pos;
    char end_hash[UTIL_SHA256_HEX];
} store_sync_epoch;
int store_sync_ancestors(store *s, store_sync_epoch *out, int max, int *n);
/* A push batch of ancestor epoch e's entries after position from (the
 * central holds up to there; at least its base), up to its end, at most
 * max, as store_sync_batch; STORE_NOTFOUND when from is at the end. No
 * mark moves (the central's answer says where it stands). */
int store_sync_batch_ancestor(store *s, const store_sync_epoch *e, int64_t from, int max, int64_t now, char **json,
                              store_sync_batch_info *info);
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
    int64_t unverified;   /* heads of kiosks whose key is unknown here (not stored) */
    int64_t own_skipped;  /* this kiosk's own entries (never taken back: see sync_apply.c) */
    int64_t refused;      /* versions breaking the version rule, kept aside (a pull; counted in conflicts too) */
    char refused_first[512]; /* the first of them: one line naming kiosk, position and record ("" if none) */
    int64_t bad_heads;    /* chains a pull stopped taking: a head with a bad signature (sync_refused) */
    char bad_head_first[512]; /* the first of them: kiosk, epoch, positions ("" if none) */
    int64_t not_taken;    /* entries of such chains not taken */
} store_sync_counts;
/* Applies one page of ck.pull (JSON text) in one transaction, with the new
 * cursor: every entry must extend the chain of its kiosk held here (else
 * STORE_INVALID naming the kiosk and position, and nothing changes). A
 * version that breaks the version rule (an event's versions differ only
 * in their state, a person's keep the employee number) is kept in its
 * chain but aside, not applied, and the rest goes on: n->refused,
 * n->refused_first. Adds to *n; *more = the central has more. */
int store_sync_apply(store *s, const char *central, const char *page, int64_t now, store_sync_counts *n,
                     int64_t *cursor, int *more);

/* A bundle: every chain held here (this kiosk's epoch with its head signed
 * at now with the signer, the others' with their signed heads), the
 * signature strokes, the units and the public keys, as JSON (*json
 * malloc'd). */
int store_bundle_build(store *s, int64_t now, char **json);
/* Imports a bundle's JSON (its file signature already checked: made by
 * kiosk exporter) in one transaction: all of it or, on any error, nothing.
 * Every chain's kiosk must have its key here (STORE_NOTFOUND). A version
 * that breaks the version rule refuses the whole bundle (STORE_INVALID),
 * as the central refuses such a push. */
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
