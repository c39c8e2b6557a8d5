/* export.h — evidence exports (SPEC "Evidence exports"): attendance lists,
 * the pledge database and the indicator report, as PDF (cairo), CSV
 * (csvout.h) and XLSX (libxlsxwriter).
 *
 * Every file is written under a temporary name in the target folder, mode
 * 0600, and renamed into place only when complete: a failure never leaves a
 * half file under the final name. Errors come back as one line in err. */
#ifndef CK_EXPORT_H
#define CK_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"
#include "util.h"

/* Attendance list of event_id (id or unique prefix) as format "pdf", "csv"
 * or "xlsx" into path. db_path locates the kiosk signing key for the PDF's
 * signed fingerprint. Paper size from c->paper. Returns 0 or -1. */
int export_attendance(store *s, const config *c, const char *db_path, const char *event_id,
                      const char *format, const char *path, int64_t now, char *err, size_t errlen);

/* Pledge database (signatories up to the end of year; year 0 = all) as
 * "pdf", "csv" or "xlsx". Returns 0 or -1. */
int export_pledges(store *s, const config *c, const char *db_path, int year, const char *format,
                   const char *path, int64_t now, char *err, size_t errlen);

/* "12 de marzo de 2020" from 'YYYY-MM-DD...' (copies ymd if it cannot parse). */
void export_long_date(const char *ymd, char *out, size_t outlen);

/* Indicator report for year as "pdf" or "csv". Returns 0 or -1. */
int export_indicators(store *s, const config *c, const char *db_path, int year, const char *format,
                      const char *path, int64_t now, char *err, size_t errlen);

/* ---- signed list fingerprints ----
 * A list (the attendance list of an event, the pledge database of a
 * period) has one canonical form: its CSV export, byte for byte (UTF-8 with
 * BOM, CRLF, one row per printed row, exactly the columns the PDF prints).
 * Its fingerprint is the SHA-256 of that file, so anyone recomputes it with
 * `sha256sum lista.csv`. The PDF prints the fingerprint, the signing
 * kiosk's public-key fingerprint and a QR code whose payload is
 *   "CKL2:" (attendance list) or "CKP2:" (pledge database)
 *   + base45(record || Ed25519 signature by the kiosk key)
 * where the record holds the fingerprint, the kiosk, the row count, the
 * state and what the list is of: the event (id, start, unit, title) or the
 * period, and the institution (long texts cut to 100 bytes with "…").
 * The signature covers the tag and the record. Payloads of the first
 * format ("CKL1:"/"CKP1:", a hash of fields not all printed) still verify,
 * and name only the kiosk. */

#define EXPORT_PAYLOAD_MAX 1024  /* bytes of a list fingerprint's QR payload, NUL included */

#define EXPORT_FP_ATTENDANCE 1
#define EXPORT_FP_PLEDGES 2
/* The indicator report (issue 14): "CKI2:", recorded like the pledge
 * database (the year, the institution); its fingerprint is the SHA-256 of
 * the report's CSV (`export indicators --format csv`), its rows the units
 * and the total. */
#define EXPORT_FP_INDICATORS 3
#define EXPORT_FP_TEXT 104   /* bytes of a text field of a payload, NUL included */

/* State of a list when it was signed. Attendance: the event's state (a list
 * of a draft or open event is PRELIMINAR). Pledges: OPEN while the period
 * had not ended (PRELIMINAR), CLOSED after. */
enum { EXPORT_STATE_DRAFT = 0, EXPORT_STATE_OPEN = 1, EXPORT_STATE_CLOSED = 2 };

typedef struct export_fingerprint {
    int kind;                               /* EXPORT_FP_* */
    int version;                            /* 1: CKL1/CKP1 (hash and kiosk only); 2 */
    char sha256[65];                        /* hex */
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char key_sha256[65];                    /* SHA-256 of the public key that verified it */
    /* version 2 */
    long rows;
    int state;                              /* EXPORT_STATE_* */
    char event_id[UTIL_UUID_LEN];           /* attendance */
    char event_start[17];                   /* 'YYYY-MM-DD HH:MM' */
    char event_unit[STORE_UNIT_CODE_LEN];
    char event_title[EXPORT_FP_TEXT];
    int year;                               /* pledges: the period's year, 0 = all */
    char institution[EXPORT_FP_TEXT];
} export_fingerprint;

/* Verifies a fingerprint payload (as read from the QR) against the public
 * keys in the store (store_key_get). Returns 0 and fills *out (may be NULL)
 * when genuine; -1 with a one-line reason in err when malformed, signed by
 * an unknown kiosk, or when any character was changed. The texts in *out
 * are valid UTF-8 without control characters. */
int export_fingerprint_verify(store *s, const char *payload, export_fingerprint *out, char *err,
                              size_t errlen);

/* Recomputes the list a verified version 2 fingerprint names from the
 * records in s (c may be NULL): *rows gets its row count now and *differ
 * the rows that differ from the signed list (0 when it matches). When the
 * signed rows are the first rows of today's list, *differ counts the rows
 * added since and *exact is 1; otherwise *differ is a lower bound (at
 * least one) and *exact 0. Returns 0, or -1 with err (the event is not in
 * this database, a version 1 payload, a read error). */
int export_fingerprint_compare(store *s, const config *c, const export_fingerprint *fp, long *rows, long *differ,
                               int *exact, char *err, size_t errlen);

/* The fingerprint (SHA-256 hex) the attendance list of event_id would carry
 * if exported now: the SHA-256 of its CSV export. Returns 0 or -1 with
 * err. */
int export_attendance_fingerprint(store *s, const char *event_id, char sha256_hex[65], char *err,
                                  size_t errlen);

#endif
