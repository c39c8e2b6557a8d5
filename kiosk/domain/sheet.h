/* sheet.h — reading a table that a coordinator saved from a spreadsheet,
 * for the roster import and the bulk attendance import: the same file
 * formats, header rules and FILE:LINE messages for both.
 *
 * Formats, told apart by content (never by name):
 *  - CSV (libcsv): UTF-8 with or without BOM, or Windows-1252 (what Excel
 *    saves as "CSV"); a file that mixes the two (valid UTF-8 except for
 *    some lines) is refused at its first line that is not UTF-8, and one
 *    marked UTF-8 by its BOM at its first line that is not;
 *    ',' or ';' (whichever the header line has more of,
 *    outside quotes); quoted fields with separators and line breaks; CRLF.
 *    LINE is the physical line on which a record starts.
 *  - XLSX (libzip + expat): the workbook's first worksheet; shared strings,
 *    inline strings, numbers, booleans, formulas (their cached value).
 *    LINE is the spreadsheet's row number.
 *
 * Headers: the first non-empty row is the header; a header cell names a
 * known column when, folded (case, accents and ñ, punctuation as spaces),
 * without the words "de"/"del", and its words joined, it equals one of the
 * column's keys ("Número de Empleado" -> "numeroempleado"). Unknown columns
 * are ignored; a known column named twice, or a required one missing, is an
 * error naming the headers found.
 *
 * Fields are trimmed; control characters (line breaks inside quoted fields
 * included) and no-break spaces become spaces; runs of spaces collapse. A
 * row whose fields are all empty is skipped; a row longer than the header
 * is accepted only when the extra fields are empty; a required column left
 * empty is an error. Messages are Spanish, one line: "FILE:LINE: reason",
 * or "FILE: reason" when no line is at fault. */
#ifndef CK_SHEET_H
#define CK_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SHEET_MAX_FILE (512u * 1024u * 1024u)   /* bytes of a file (and of an XLSX part, unpacked) */
#define SHEET_MAX_FIELDS 1024                  /* fields per row */
#define SHEET_ECHO 48                          /* bytes of a bad value quoted in a message */

/* A column the caller knows. */
typedef struct sheet_column {
    const char *name;       /* canonical name, as messages say it: "numero_empleado" */
    int required;           /* must be in the header and non-empty in every row */
    const char *keys[8];    /* header keys (folded, joined), NULL-terminated */
} sheet_column;

typedef struct sheet sheet;

/* What sheet_read learnt about the file. */
typedef struct sheet_info {
    char sha256[UTIL_SHA256_HEX];   /* of the file's bytes as read */
    int xlsx;                       /* 1 = XLSX, 0 = CSV */
    int date1904;                   /* XLSX: serial dates count from 1904 */
    int rows;                       /* data rows handed to the callback */
} sheet_info;

/* Reads the table at path: finds the header, then calls row(r, ctx) for
 * every non-empty data row, in order. row returns 0 to go on, or the code
 * of a failure it recorded with sheet_fail (the read stops). Returns 0
 * (STORE_OK), or a STORE_* code with one line in err: STORE_NOTFOUND (no
 * such file), STORE_INVALID (the file or a row is bad), STORE_ERROR (out
 * of memory, read error), or the code row returned. info (may be NULL) is
 * filled as far as the read went. */
int sheet_read(const char *path, const sheet_column *cols, int ncols, int (*row)(sheet *r, void *ctx), void *ctx,
               sheet_info *info, char *err, size_t errlen);

/* The current row's field of known column k ("" when the column is not in
 * the header or the row is shorter). Valid during the callback. */
const char *sheet_field(const sheet *r, int k);
/* 1 when column k is in the header. */
int sheet_has(const sheet *r, int k);
/* 1 when the current row's cell of column k is a number in an XLSX file
 * (a date there is a serial number of days). */
int sheet_numeric(const sheet *r, int k);
/* LINE of the current row. */
long sheet_line(const sheet *r);
/* The file's path, as messages name it. */
const char *sheet_path(const sheet *r);

/* Records the first failure: code and "PATH:LINE: <message>" ("PATH:
 * <message>" when line <= 0) in the caller's err; later failures are
 * ignored. Returns the recorded code. */
int sheet_fail(sheet *r, int code, long line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* At most SHEET_ECHO bytes of v (cut at a character, "..." when cut), for
 * quoting a bad value in a message. Returns out. */
const char *sheet_echo(const char *v, char *out, size_t outlen);

#endif
