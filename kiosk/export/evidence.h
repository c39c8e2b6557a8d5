/* evidence.h — the coordinator's year of evidence (issue 14): the event
 * list, the combined attendance list of a year or a unit, certificates of
 * participation, and the evidence package (a ZIP organised by PAT activity
 * with a signed manifest) with its verification.
 *
 * Every file is written under a temporary name, mode 0600, and renamed
 * into place only when complete; errors come back as one Spanish line in
 * err. */
#ifndef CK_EVIDENCE_H
#define CK_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "store.h"

/* ---- file names (export_labels.c) ---- */

/* A short ASCII name from a title for a file name: folded (lower case,
 * accents and ñ folded), small words (de, la, y, ...) dropped, the first
 * three words joined by '-', at most 40 bytes: "Taller de prevención de
 * conflictos de intereses" -> "taller-prevencion-conflictos". "evento" when
 * nothing is left. */
void export_slug(const char *title, char *out, size_t outlen);

/* A file name that says what is inside, for a document of event ev:
 * "<prefix>_<YYYY-MM-DD>_<slug>_<UNIT>.<ext>", e.g.
 * "lista-asistencia_2026-03-10_taller-conflictos_SCLC.pdf". */
void export_event_filename(const store_event *ev, const char *prefix, const char *ext, char *out, size_t outlen);

/* ---- the package's folders (evidence.c) ---- */

#define EXPORT_FOLDER_LEN 600

/* Calls fn(event, folder, ctx) for each event of year that is not a draft,
 * by start, with the folder of its evidence in the package: "<activity>/
 * <YYYY-MM-DD>_<title words>_<UNIT>" (and "-2", "-3"... for a later event
 * that would share the name); the activity is the event's PAT key, else
 * 4.3.1 for an oath, 1.1.2 for a training that counts, else
 * "sin-clave-pat". Its list is "<folder>/" + export_event_filename(e,
 * "lista-asistencia", "pdf"). fn returning non-zero stops the walk (that
 * value is returned); else STORE_OK or STORE_ERROR. */
int export_package_folders(store *s, const config *c, int year,
                           int (*fn)(const store_event *e, const char *folder, void *ctx), void *ctx);

/* ---- the event list (export_events.c) ---- */

/* The events whose start is in year (0 = all), by start, as format
 * "text" (a header line, then tab-separated columns: id, inicio, unidad,
 * estado, tipo, temas, título, lugar, instructor, clave_pat,
 * personal_que_cuenta, asistentes — codes as the command line takes them),
 * "csv" (the document: Spanish headers and labels) or "json" (an array of
 * objects). "Personal que cuenta" is the event's attendees who are active
 * staff, when the event counts for the indicators (a counting topic, not a
 * draft), else 0. Returns 0, or -1 with err. */
int export_event_list(store *s, const config *c, int year, const char *format, FILE *out, char *err, size_t errlen);

/* The events of year that count for the indicators and were held (a
 * counting topic, not a draft, staff attended), by start:
 * fn(event, staff counted, ctx); fn returning non-zero stops the walk.
 * Returns 0, or -1 with err. */
int export_counted_events(store *s, const config *c, int year,
                          int (*fn)(const store_event *e, int counted, void *ctx), void *ctx, char *err,
                          size_t errlen);

/* The indicator report PDF as the evidence package holds it: its list of
 * the events that counted links each one to its attendance list in the
 * package (export_package_folders), from the report's own folder. */
int export_indicators_pdf_linked(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                                 char *err, size_t errlen);

/* The same CSV into path (atomic, 0600). */
int export_event_list_csv(store *s, const config *c, int year, const char *path, char *err, size_t errlen);

/* ---- the combined attendance list (export_year.c) ---- */

/* Everyone registered at the events that start in year, event by event in
 * date order, as "pdf", "csv" or "xlsx"; with unit (code, may be NULL),
 * only the rows of people of that unit (as recorded on each row). Guests
 * are listed (marked) but never counted. Returns 0 or -1 with err. */
int export_attendance_year(store *s, const config *c, int year, const char *unit, const char *format,
                           const char *path, int64_t now, char *err, size_t errlen);

/* ---- certificates of participation (export_cert.c) ---- */

/* One page per staff attendee of event_id (id or unique prefix): the
 * institution and committee; the person's name, unit and area as
 * recorded; the event, its date, duration and PAT key; the folio; and a
 * signed QR (CKC1:) that `verify` accepts and that names the person and
 * the event. Guests get none. Page margins from [certificates] in the
 * config (letterhead paper). *pages (may be NULL) gets the page count.
 * Returns 0, or -1 with err (also when the event has no staff attendee). */
int export_certificates_event(store *s, const config *c, const char *db_path, const char *event_id,
                              const char *path, int64_t now, int *pages, char *err, size_t errlen);

/* One page listing every training of employee_no whose start is in year,
 * with the hours and a signed QR naming the person, the year, the count
 * and a hash of the list. Returns 0, or -1 with err (also when the person
 * attended nothing that year). */
int export_certificate_person(store *s, const config *c, const char *db_path, const char *employee_no, int year,
                              const char *path, int64_t now, char *err, size_t errlen);

/* What a certificate QR states (its signature checked). */
typedef struct export_cert_fields {
    int type;                 /* 1 = one event, 2 = a person's year */
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char employee_no[STORE_EMPLOYEE_NO_LEN];
    char name[160];
    /* type 1 */
    char folio[STORE_FOLIO_LEN];
    char event_id[40];        /* UUID */
    char event_title[160];
    char event_date[11];      /* YYYY-MM-DD */
    int minutes;              /* duration; 0 = not recorded */
    char pat[STORE_PAT_LEN];
    /* type 2 */
    int year;
    int count;
    int total_minutes;
    char list_sha256[65];
} export_cert_fields;

/* Verifies a "CKC1:" payload against the public keys in s. Returns 0 and
 * fills *out (may be NULL); -1 with a Spanish reason in err when it is
 * malformed, signed by an unknown kiosk, or altered. */
int export_cert_verify(store *s, const char *payload, export_cert_fields *out, char *err, size_t errlen);

/* Checks a verified certificate's fields f against the records of s (for
 * `verify CKC1:… --db FILE`): s's audit chain must verify; an event's
 * certificate needs the attendance of its folio, person and event; a
 * year's certificate needs the person's trainings of that year to hash to
 * the signed list. 0 when they match, 1 when not (a Spanish reason in
 * why), -1 on error (why). */
int export_cert_compare(store *s, const export_cert_fields *f, char *why, size_t whylen);

/* ---- the evidence package (evidence.c) ---- */

typedef struct export_evidence_stats {
    int files;          /* in the package, the manifest and its signature included */
    int events;         /* events of the year with their lists */
    int attachments;
    long long bytes;    /* of the files, uncompressed */
} export_evidence_stats;

/* Writes the evidence package of year into path (a ZIP, atomic, 0600):
 * the indicator report (PDF, CSV), every event's attendance list (PDF,
 * CSV) with its attachments, the pledge database (PDF, CSV, XLSX), the
 * year's event list, LEEME.txt, MANIFEST.csv (file, SHA-256, size, PAT
 * activity, what it evidences), MANIFEST.sig (Ed25519 signature of
 * MANIFEST.csv by the kiosk key of db_path) and CADENA.txt (the audit
 * chain's head signed by that key when the chain verifies: store_audit_
 * sign_head, source "export"), organised in folders by PAT activity.
 * Everything is read from one snapshot of the database. Returns
 * 0, or -1 with err. */
int export_evidence(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                    export_evidence_stats *st, char *err, size_t errlen);

/* Findings of export_evidence_verify, one call each. */
enum {
    EVIDENCE_OK = 0,        /* file matches the manifest (only with verbose) */
    EVIDENCE_CHANGED,       /* file differs from its manifest entry */
    EVIDENCE_MISSING,       /* in the manifest, not in the package */
    EVIDENCE_ADDED,         /* in the package, not in the manifest */
    EVIDENCE_UNREADABLE,    /* damaged inside the ZIP */
    EVIDENCE_BAD_MANIFEST,  /* MANIFEST.csv does not match its signature, or cannot be read */
    EVIDENCE_BAD_SIGNATURE, /* MANIFEST.sig missing, malformed or by an unknown/other key */
    EVIDENCE_BAD_HEAD,      /* CADENA.txt: no signed chain head, a bad signature, or (on the
                             * kiosk's own database) a head its chain does not hold */
    EVIDENCE_BAD_PRINT,     /* HUELLAS.csv: a list's signed fingerprint (CKL2/CKP2) is not valid,
                             * not the manifest's key, not its CSV's SHA-256, or missing */
};

typedef struct export_evidence_check {
    char kiosk_id[STORE_KIOSK_ID_LEN];
    char key_fingerprint[65];   /* SHA-256 (hex) of the signing public key */
    int key_known;              /* the key is one of s's (or key_file's) public keys */
    int year;
    int files;                  /* entries of the manifest */
    int problems;
    int manifest_signed;        /* MANIFEST.csv matches the signature in MANIFEST.sig */
    int content_ok;             /* ... and every file matches it (the key may still be unknown) */
    int head_signed;            /* CADENA.txt holds a chain head signed by the manifest's key */
    long long head_pos;         /* ... at this position of the kiosk's chain */
    char head_hash[65];
    int head_in_db;             /* 1 the database (the kiosk's own) holds it, -1 it does not, 0 not checked */
    int lists, lists_ok;        /* rows of HUELLAS.csv, and those whose fingerprint is its CSV's */
} export_evidence_check;

/* Checks the package at zip_path: MANIFEST.sig against the public keys of
 * s (may be NULL) and of key_file (may be NULL; a `keys export` file),
 * every file against MANIFEST.csv (SHA-256 and size), that the package
 * holds exactly the manifest's files, the signed chain head of
 * CADENA.txt (its signature by the manifest's key; when s is the kiosk's
 * own database, store_audit_verify_ex with it as a claim), and each list's
 * signed fingerprint in HUELLAS.csv (by the manifest's key, the SHA-256 of
 * the list's CSV in the manifest, every list CSV covered). report(what, file, detail,
 * ctx) is called for each problem (and, with verbose, each good file).
 * Returns 0 when the package is intact and signed by a known key; 1 when
 * anything is wrong (every problem reported); -1 with err when it cannot be
 * read at all. */
int export_evidence_verify(store *s, const char *zip_path, const char *key_file, int verbose,
                           void (*report)(int what, const char *file, const char *detail, void *ctx), void *ctx,
                           export_evidence_check *out, char *err, size_t errlen);

#endif
