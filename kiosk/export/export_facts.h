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
#include "store.h"

#define EXPORT_PAYLOAD_MAX 256   /* bytes of a list fingerprint's QR payload */

/* ---- atomic output file ---- */

/* A file being written under a temporary name (mode 0600) in the folder of
 * its final path; commit renames it into place, abort removes it. */
typedef struct export_file {
    char path[4096];
    char tmp[4128];
    FILE *f;       /* open stream on tmp (NULL once closed) */
} export_file;

/* Creates the temporary file next to path. Returns 0, or -1 with one line
 * in err (e.g. the folder is not writable). */
int export_file_open(export_file *o, const char *path, char *err, size_t errlen);
/* Flushes, fsyncs, closes and renames into place. On failure the temporary
 * file is removed and err holds one line. Returns 0 or -1. */
int export_file_commit(export_file *o, char *err, size_t errlen);
/* Closes and removes the temporary file (safe to call twice). */
void export_file_abort(export_file *o);
/* Fills err with "PATH: cannot write: <errno text>" (disk full etc.). */
void export_io_error(const char *path, int e, char *err, size_t errlen);

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
/* "12 de marzo de 2020" from 'YYYY-MM-DD...' (copies s if it cannot parse). */
void export_long_date(const char *ymd, char *out, size_t outlen);

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

/* Institution name: meta 'institution', else c->institution. */
void export_institution(store *s, const config *c, char *out, size_t outlen);
/* Time zone for unit code (store, then config, then CK_DEFAULT_TZ). */
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
    int64_t at;
    const char *uuid, *folio, *method, *kiosk;
    const char *employee_no;   /* "" for a guest */
    const char *name;          /* full name as shown */
    const char *unit, *area, *position;
    const void *sig;           /* signature blob or NULL */
    size_t siglen;
} export_att_row;

/* Calls fn for each attendance row of event ev in check-in order; stops when
 * fn returns non-zero (and returns that value). Returns 0 or STORE_ERROR. */
int export_att_each(store *s, const store_event *ev, int want_sig,
                    int (*fn)(const export_att_row *, void *), void *ctx);

typedef struct export_pledge_row {
    int n;
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

/* ---- fingerprints ---- */

/* Streaming canonical text hash: export_canon_* append fields escaped
 * ('\\', '|' and newlines), separated by '|', rows ended by '\n'. */
typedef struct export_canon {
    crypto_hash_sha256_state state;
    int first;
} export_canon;
void export_canon_init(export_canon *h, const char *tag);
void export_canon_field(export_canon *h, const char *s);
void export_canon_int(export_canon *h, long long v);
void export_canon_end_row(export_canon *h);
void export_canon_final(export_canon *h, unsigned char sha[32]);

/* Canonical rows shared by the PDF writer and export_attendance_fingerprint. */
void export_canon_event(export_canon *h, const store_event *ev);
void export_canon_att_row(export_canon *h, const export_att_row *r);

/* Signs sha with the kiosk key of db_path and builds the QR payload
 * ("CKL1:" / "CKP1:" + base45(sha || kiosk id || signature)) into
 * payload[EXPORT_PAYLOAD_MAX]. sig_hex gets the 128 hex digits. */
int export_sign(store *s, const char *db_path, const char *tag, const unsigned char sha[32],
                char *payload, size_t payload_len, char sig_hex[129], char *err, size_t errlen);

#endif
