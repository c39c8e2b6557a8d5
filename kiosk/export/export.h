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

/* Attendance list of event_id (id or unique prefix) as format "pdf", "csv"
 * or "xlsx" into path. db_path locates the kiosk signing key for the PDF's
 * signed fingerprint. Paper size from c->paper. Returns 0 or -1. */
int export_attendance(store *s, const config *c, const char *db_path, const char *event_id,
                      const char *format, const char *path, int64_t now, char *err, size_t errlen);

/* Pledge database (signatories up to the end of year; year 0 = all) as
 * "pdf", "csv" or "xlsx". Returns 0 or -1. */
int export_pledges(store *s, const config *c, const char *db_path, int year, const char *format,
                   const char *path, int64_t now, char *err, size_t errlen);

/* Indicator report for year as "pdf" or "csv". Returns 0 or -1. */
int export_indicators(store *s, const config *c, const char *db_path, int year, const char *format,
                      const char *path, int64_t now, char *err, size_t errlen);

/* ---- signed list fingerprints ----
 * The attendance list PDF (and the pledge database PDF) carries the SHA-256
 * of a canonical text of its content, signed with Ed25519 by the kiosk key,
 * printed and as a QR code whose payload is
 *   "CKL1:" (attendance list) or "CKP1:" (pledge database)
 *   + base45(sha256[32] || kiosk id[7] || signature[64])
 * The signature covers the 4-character tag, the hash and the kiosk id. */

#define EXPORT_FP_ATTENDANCE 1
#define EXPORT_FP_PLEDGES 2

typedef struct export_fingerprint {
    int kind;                               /* EXPORT_FP_* */
    char sha256[65];                        /* hex */
    char kiosk_id[STORE_KIOSK_ID_LEN];
} export_fingerprint;

/* Verifies a fingerprint payload (as read from the QR) against the public
 * keys in the store (store_key_get). Returns 0 and fills *out (may be NULL)
 * when genuine; -1 with a one-line reason in err when malformed, signed by
 * an unknown kiosk, or when any character was changed. */
int export_fingerprint_verify(store *s, const char *payload, export_fingerprint *out, char *err,
                              size_t errlen);

/* The fingerprint (SHA-256 hex) the attendance list of event_id would carry
 * if exported now, so a verifier can tell whether a document still matches
 * the database. Returns 0 or -1 with err. */
int export_attendance_fingerprint(store *s, const char *event_id, char sha256_hex[65], char *err,
                                  size_t errlen);

#endif
