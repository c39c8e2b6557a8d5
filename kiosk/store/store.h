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
    const char *given_name, *surname1, *surname2; /* "" if not in the roster */
    const char *unit, *area, *position; /* as recorded (snapshot), else the roster's today */
    int snapshot;              /* 1: unit, area, position as at the record; 0: record older than snapshots */
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

#endif
