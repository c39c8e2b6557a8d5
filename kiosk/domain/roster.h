/* roster.h — staff roster (padrón) import from CSV or XLSX, SPEC "Roster
 * CSV". */
#ifndef CK_ROSTER_H
#define CK_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct roster_stats {
    int rows;       /* data rows read */
    int added;
    int updated;
    int unchanged;
} roster_stats;

/* Imports the roster at path in one transaction: every row valid, or
 * nothing changes. The file is read by sheet_read (sheet.h): CSV in UTF-8
 * (with or without BOM) or Windows-1252 (a mix of the two is refused), ','
 * or ';' separators, quoted fields with separators and newlines, CRLF; or
 * an XLSX workbook's first sheet. Units named in the `unidad` column are
 * resolved by code or name, and created (name = code) when unknown. On
 * failure returns a STORE_* code (STORE_NOTFOUND: no such file;
 * STORE_INVALID: a bad file or row; STORE_READONLY, STORE_FULL, STORE_ERROR:
 * the database or the machine refused) and writes one Spanish line into
 * err: "FILE:LINE: reason" (LINE = the physical line where the bad record
 * starts, or the spreadsheet's row number), or "FILE: reason" when no line
 * is at fault. */
int roster_import(store *s, const char *path, int64_t now, roster_stats *stats, char *err, size_t errlen);

#endif
