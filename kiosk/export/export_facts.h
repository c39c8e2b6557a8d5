/* export_facts.h — what every export shares, below the writers (not a
 * public interface: other modules use export.h). export_facts.c holds it;
 * export_sheets.c, export_tab.c, export_pdf.c and export_ind.c build on it,
 * and export.c dispatches to them, so no two files of export/ call each
 * other in a circle. */
#ifndef CK_EXPORT_FACTS_H
#define CK_EXPORT_FACTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "export.h"
#include "store.h"

/* ---- hashing streams ---- */

/* A stdio stream whose bytes are hashed (SHA-256) as they are written and,
 * with a file descriptor, also written to it (never closing it): the
 * canonical CSV of a list goes through one, so the fingerprint is the hash
 * of exactly the bytes of the CSV file. Lives at a fixed address while
 * open (the stream points to it). */
typedef struct export_sink {
    FILE *f;
    crypto_hash_sha256_state h;
    int fd;        /* -1: hash only */
    int err;       /* first write error (errno) */
} export_sink;

/* Opens the stream (fully buffered). Returns 0, or -1 with errno set. */
int export_sink_open(export_sink *k, int fd);
/* The SHA-256 of everything written so far (the stream is flushed; it may
 * go on). Returns 0, or -1 when a write failed (errno set). */
int export_sink_digest(export_sink *k, unsigned char sha[32]);
/* Flushes and closes the stream (safe to call twice). Returns 0, or -1
 * when a write failed (errno set). */
int export_sink_close(export_sink *k);

/* ---- atomic output file ---- */

/* A file being written under a temporary name "<path>.tmpXXXXXX" (mode
 * 0600) in the folder of its final path, held with an exclusive flock(2)
 * for as long as it exists; commit renames it into place, abort removes
 * it. Opening one first removes the temporary files that earlier exports
 * into that folder left behind when they were killed (export_file_sweep). */
typedef struct export_file {
    char path[4096];
    char tmp[4128];
    int fd;              /* the temporary file, locked; -1 once closed */
    FILE *f;             /* stream on it (NULL once closed, or when hashed: sink.f) */
    int hashed;          /* 1: f is sink.f, which hashes what it writes */
    export_sink sink;
} export_file;

/* Creates the temporary file next to path; with hashed=1 its stream also
 * hashes every byte (export_sink_digest(&o->sink, ...)). Returns 0, or -1
 * with one line in err (e.g. the folder is not writable). */
int export_file_open(export_file *o, const char *path, int hashed, char *err, size_t errlen);
/* Flushes, fsyncs, closes and renames into place. On failure the temporary
 * file is removed and err holds one line. Returns 0 or -1. */
int export_file_commit(export_file *o, char *err, size_t errlen);
/* Closes and removes the temporary file (safe to call twice). */
void export_file_abort(export_file *o);
/* Fills err with "PATH: cannot write: <errno text>" (disk full etc.). */
void export_io_error(const char *path, int e, char *err, size_t errlen);
/* Removes, in the folder of path, what killed exports left: files named
 * "<name>.pdf|csv|xlsx|txt.tmpXXXXXX" (six letters or digits), regular,
 * owned by this user, mode 0600 and not locked by a running export.
 * Nothing else is touched. Returns how many were removed. */
int export_file_sweep(const char *path);

/* ---- time ---- */

/* Converts Unix seconds to local time in zone tz, caching the zone's UTC
 * offset per hour so that 100,000 rows do not switch TZ 100,000 times. */
typedef struct export_clock {
    struct { char tz[STORE_TZ_LEN]; int64_t hour; long off; } slot[8];
    int n, next;
} export_clock;
void export_localtime(export_clock *k, const char *tz, int64_t t, struct tm *out);

/* "dd/mm/aaaa" and friends in Spanish. month is 1..12. */
const char *export_month_name(int month);

/* ---- common document facts ---- */

/* Audit chain status, as stated in every PDF. */
typedef struct export_audit {
    int ok;             /* 1 verified, 0 broken */
    long entries;
    char detail[512];   /* the first broken link (store_errmsg) */
} export_audit;
void export_audit_check(store *s, export_audit *a);
/* One Spanish sentence describing a. */
void export_audit_text(const export_audit *a, char *out, size_t outlen);

/* Institution name: meta 'institution', else c->institution (c may be NULL). */
void export_institution(store *s, const config *c, char *out, size_t outlen);
/* Time zone for unit code (store, then config when c is not NULL, then
 * CK_DEFAULT_TZ). */
void export_unit_tz(store *s, const config *c, const char *unit, char *out, size_t outlen);

/* What every PDF states about itself: who exports it, when, the audit
 * chain status (long sentence and the footer's short line) and the chain
 * head signed at the export (store_audit_sign_head, source "export"). */
typedef struct export_facts {
    char inst[256];
    char exported[160];     /* "Exportado el ... · quiosco ... · cepci-kiosk" */
    char audit_line[700];   /* export_audit_text */
    char audit_short[96];
    /* "Cabeza firmada de la cadena: CKH1:..." ("" without the key, or when
     * the chain did not verify): printed small, copied whole by pdftotext
     * for `audit verify --head` */
    char head_line[STORE_HEAD_TEXT_MAX + 64];
    export_audit audit;
} export_facts;
/* Fills f for an export at now, dated in zone tz. */
void export_facts_fill(store *s, const config *c, const char *tz, int64_t now, export_facts *f);

/* ---- rows ---- */

/* One attendance row, pointers valid during the callback only. */
typedef struct export_att_row {
    int n;                  /* 1-based position in the list */
    int guest;              /* 1 = a guest (not staff, not counted) */
    int snapshot;           /* 1: unit, area, position as at the check-in; 0: today's roster */
    int64_t at;
    const char *uuid, *folio, *method, *kiosk;
    const char *employee_no;   /* "" for a guest */
    const char *name;          /* full name as shown */
    const char *unit, *area, *position;
    const void *sig;           /* signature blob or NULL */
    size_t siglen;
    int repeated;              /* the person's second record at this event: marked, counted once */
} export_att_row;

/* Calls fn for each attendance row of event ev in check-in order; stops when
 * fn returns non-zero (and returns that value). Returns 0 or STORE_ERROR. */
int export_att_each(store *s, const store_event *ev, int want_sig,
                    int (*fn)(const export_att_row *, void *), void *ctx);

typedef struct export_pledge_row {
    int n;
    int snapshot;           /* as in export_att_row */
    int64_t at;
    const char *uuid, *folio, *method, *kiosk;
    const char *employee_no, *name, *unit, *unit_name, *tz, *area, *position;
    const char *carta, *privacy;  /* SHA-256 hex */
    int has_sig;
} export_pledge_row;

/* Calls fn for each pledge made up to the end of year (0 = all) in the
 * signer's unit zone, in time order. */
int export_pledge_each(store *s, int year, export_clock *k,
                       int (*fn)(const export_pledge_row *, void *), void *ctx);

/* ---- signed list fingerprints (export.h) ---- */

/* What a version 2 list payload (CKL2 / CKP2) signs, besides the hash. */
typedef struct export_list_id {
    int kind;               /* EXPORT_FP_ATTENDANCE, EXPORT_FP_PLEDGES or EXPORT_FP_INDICATORS */
    long rows;
    int state;              /* EXPORT_STATE_* */
    const store_event *ev;  /* attendance */
    int year;               /* pledges (0 = all) */
    const char *institution;
} export_list_id;

/* Signs the list: sha (the canonical CSV's SHA-256) and id, with the kiosk
 * key of db_path, into the QR payload ("CKL2:"/"CKP2:" + base45(record ||
 * signature), payload[EXPORT_PAYLOAD_MAX]); sig_hex gets the signature's
 * 128 hex digits and key_hex the SHA-256 of the kiosk's public key (65
 * bytes each at least). Deterministic: the same list signs the same.
 * Returns 0 or -1 with err. */
int export_sign_list(store *s, const char *db_path, const export_list_id *id, const unsigned char sha[32],
                     char *payload, size_t payload_len, char sig_hex[129], char key_hex[65], char *err,
                     size_t errlen);

/* export_fingerprint_verify (export.h) against the public key pk instead
 * of the database's keys (the caller knows whose key it is: the evidence
 * package's manifest names it). */
int export_fingerprint_verify_key(const unsigned char pk[32], const char *payload, export_fingerprint *out, char *err,
                                  size_t errlen);

/* SHA-256 (hex) of a public key, as the PDFs and `keys export` print it. */
void export_key_fingerprint(const unsigned char pk[32], char hex[65]);

#endif
