/* attendance_import.h — a whole attendance list typed in at once
 * (`cepci-kiosk attendance import EVENT FILE.csv|FILE.xlsx`): a paper list
 * transcribed in a spreadsheet, or the completion list of an online course.
 *
 * The file follows the roster's rules (sheet.h: CSV or XLSX, encodings,
 * separators, header matching, FILE:LINE messages). Columns:
 * `numero_empleado` (required), `fecha` (optional: the day the person
 * attended or finished the course, YYYY-MM-DD or DD/MM/AAAA, optionally
 * with HH:MM, or a spreadsheet date), `nota` (optional, kept with the row).
 * Other columns (a name, a unit...) are ignored. */
#ifndef CK_ATTENDANCE_IMPORT_H
#define CK_ATTENDANCE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct attendance_import_stats {
    int rows;                          /* data rows read */
    int added;                         /* attendance records written */
    int already;                       /* people already registered at the event (left as they were) */
    int inactive;                      /* of the rows, people marked inactive in the roster now */
    char sha256[UTIL_SHA256_HEX];      /* of the file */
    char batch[UTIL_UUID_LEN];         /* the import's id ("" when nothing was written) */
    int64_t earlier_at;                /* the same file was imported for this event then (nothing changed) */
} attendance_import_stats;

/* Imports the list at path into event_id (id or unique prefix) in one
 * transaction. Every row becomes a record typed in from a list (method
 * "keyed"), dated on the row's `fecha` (else the event's start) in the
 * event unit's time zone, linked to the import, which records the file's
 * name and SHA-256. Rules:
 *  - all or nothing: any bad row changes nothing and is reported as
 *    "FILE:LINE: reason" (Spanish);
 *  - every employee number missing from the roster is reported at once, in
 *    one line, and nothing is imported;
 *  - a number twice in the file is an error naming both lines;
 *  - `fecha` must fall within the event's days and not after now;
 *  - idempotent: people already registered at the event are left alone
 *    (counted in `already`), and the same file imported again for the same
 *    event changes nothing (earlier_at tells when it was).
 * Returns STORE_OK or a STORE_* code with one line in err. */
int attendance_import(store *s, const char *event_id, const char *path, int64_t now, attendance_import_stats *st,
                      char *err, size_t errlen);

#endif
