/* store_evidence.h — the coordinator's evidence in the database (issue 14):
 * attachments of events (attachments.c), bulk attendance imports
 * (imports.c) and the read-only walks that the evidence package, the
 * certificates and the event list need (imports.c, attachments.c).
 *
 * Same conventions as store.h: every fallible function returns a STORE_*
 * status with a one-line reason (English) on the handle, time comes in as
 * `now`, structs are plain values the caller owns. The command line turns
 * these codes into Spanish messages. */
#ifndef CK_STORE_EVIDENCE_H
#define CK_STORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* ---- attachments (attachments.c) ----
 * A scan of a signed paper list, a photo or a certificate screenshot kept
 * with an event. The file lives in the folder beside the database,
 * "<database>.anexos/" (mode 0700), named "<sha256>.<pdf|jpg|png>" (mode
 * 0600), so the same file attached twice is stored once and the database
 * stays small; the row (append-only, audited) holds its hash and size. */

#define STORE_ATTACH_MAX_BYTES (64L * 1024 * 1024)   /* largest file accepted */
#define STORE_ATTACH_KIND_LEN 12
#define STORE_MEDIA_LEN 20

typedef struct store_attachment {
    char uuid[UTIL_UUID_LEN];
    char event_id[UTIL_UUID_LEN];          /* the event's full id */
    char kind[STORE_ATTACH_KIND_LEN];      /* foto | lista | constancia | otro */
    char media_type[STORE_MEDIA_LEN];      /* application/pdf | image/jpeg | image/png */
    char sha256[UTIL_SHA256_HEX];
    int64_t size;
    char name[STORE_TEXT_LEN];             /* the file's name when attached */
    char note[STORE_TEXT_LEN];
    int64_t at;
    char kiosk_id[STORE_KIOSK_ID_LEN];
} store_attachment;

/* 1 if kind is foto, lista, constancia or otro. */
int store_attachment_kind_valid(const char *kind);

/* The media type the first n bytes of a file announce: "application/pdf"
 * (%PDF-), "image/jpeg" (FF D8 FF) or "image/png" (the PNG signature); NULL
 * for anything else. */
const char *store_attachment_sniff(const void *head, size_t n);

/* The file name extension of a media type ("pdf", "jpg", "png"; "bin"). */
const char *store_attachment_ext(const char *media_type);

/* The attachments folder of s: its database path + ".anexos". */
void store_attachment_dir(store *s, char *out, size_t outlen);

/* The stored file of a: "<folder>/<sha256>.<ext>". */
void store_attachment_file(store *s, const store_attachment *a, char *out, size_t outlen);

/* Attaches the file at path to event_id (id or unique prefix) as kind
 * (NULL: "foto" for a picture, "lista" for a PDF), with an optional note:
 * copies it into the folder (streamed, hashed on the way, fsync'd,
 * renamed into place), then records and audits it in one transaction. The
 * file must be a PDF, JPEG or PNG of 1 byte to STORE_ATTACH_MAX_BYTES.
 * On success out holds the new row. STORE_EXISTS (out holds the earlier
 * row) when the same file is already attached to this event; STORE_NOTFOUND
 * (event or file), STORE_INVALID (type, size, kind, note), STORE_FULL,
 * STORE_READONLY, STORE_ERROR. A failure leaves no new file behind. */
int store_attach(store *s, const char *event_id, const char *path, const char *kind, const char *note,
                 int64_t now, store_attachment *out);

/* Calls fn for each attachment of the event event_uuid (full id; NULL:
 * every event whose start is in year, 0 = all years), by event start, then
 * kind, then time. fn returning non-zero stops the walk (that value is
 * returned); else STORE_OK or an error. */
int store_attachment_each(store *s, const char *event_uuid, int year,
                          int (*fn)(const store_attachment *, void *), void *ctx);

/* Checks every attachment's file against its recorded hash and size.
 * Calls bad(a, problem) for each one whose file is missing (problem
 * STORE_ATTACH_MISSING) or differs (STORE_ATTACH_ALTERED); *checked (may be
 * NULL) gets the number of attachments. Returns STORE_OK when all match,
 * STORE_INVALID when any does not (the first one described on s), or an
 * error. */
enum { STORE_ATTACH_MISSING = 1, STORE_ATTACH_ALTERED = 2 };
int store_attachments_verify(store *s, long *checked, void (*bad)(const store_attachment *a, int problem, void *ctx),
                             void *ctx);

/* ---- bulk attendance imports (imports.c) ----
 * A paper list transcribed in a spreadsheet, or an online course's
 * completion list, typed in at once: every row becomes a "keyed"
 * attendance record (same checks, folio, snapshot and audit entry as
 * `checkin --keyed`) linked to the import batch, which keeps the file's
 * name and SHA-256. */

typedef struct store_import_row {
    const char *employee_no;
    int64_t at;              /* when the person attended (the list's date) */
    const char *note;        /* "" for none; at most STORE_TEXT_LEN - 1 bytes */
} store_import_row;

typedef struct store_import_result {
    char batch_uuid[UTIL_UUID_LEN];   /* "" when nothing was written */
    int added;                /* attendance rows written */
    int already;              /* people already registered at the event: left as they were */
    int64_t earlier_at;       /* STORE_EXISTS: when the same file was imported */
    int bad_row;              /* STORE_NOTFOUND / STORE_INVALID: index of the row at fault, else -1 */
} store_import_result;

/* Writes rows[0..n) as attendance typed in from the file sha256 (hex) named
 * name, at event_id (id or unique prefix), in one transaction: all of it
 * or nothing. People already registered at the event are counted in
 * res->already and left alone. STORE_EXISTS (nothing written,
 * res->earlier_at set) when this file was already imported for this event.
 * STORE_CLOSED for a draft event; STORE_NOTFOUND for an unknown event or
 * employee number (res->bad_row); STORE_INVALID; STORE_FULL;
 * STORE_READONLY; STORE_ERROR. */
int store_import_attendance(store *s, const char *event_id, const char *sha256, const char *name,
                            const store_import_row *rows, int n, int64_t now, store_import_result *res);

/* One import batch, as the lists name it. */
typedef struct store_import_batch {
    const char *uuid, *sha256, *name, *kiosk_id;
    int rows;
    int64_t at;
} store_import_batch;
/* Calls fn for each import batch of the event event_uuid (full id), by time. */
int store_import_each(store *s, const char *event_uuid, int (*fn)(const store_import_batch *, void *), void *ctx);

/* Calls fn for each attendance row of the event event_uuid that came from
 * an import (the row's UUID, its batch's file hash and the row's note). */
int store_imported_rows_each(store *s, const char *event_uuid,
                             int (*fn)(const char *att_uuid, const char *sha256, const char *note, void *),
                             void *ctx);

/* ---- walks for the evidence (imports.c) ---- */

/* What an event's list holds, counted. */
typedef struct store_event_tally {
    int staff;          /* attendees from the roster */
    int staff_active;   /* ... who are active staff now (those the indicators count) */
    int guests;
    int keyed;          /* rows typed in from paper lists (imports included) */
    int imported;       /* rows from bulk imports */
    int attachments;
} store_event_tally;
int store_event_tally_get(store *s, const char *event_uuid, store_event_tally *out);

/* The attendance of employee_no at events whose start is in year (0 =
 * all), by event start: fn(event, record). */
int store_person_events_each(store *s, const char *employee_no, int year,
                             int (*fn)(const store_event *, const store_record *, void *), void *ctx);

/* The drawn signature of the pledge pledge_uuid, into *blob (malloc'd,
 * the caller frees) and *len. STORE_NOTFOUND when it has none (a paper
 * Carta typed in). For the pledge PDF, which draws each one as it goes
 * rather than holding a year's signatures in memory. */
int store_pledge_signature(store *s, const char *pledge_uuid, void **blob, size_t *len);

#endif
