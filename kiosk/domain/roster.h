/* roster.h — staff roster (padrón) CSV import, SPEC "Roster CSV". */
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

/* Imports the roster CSV at path in one transaction: every row valid, or
 * nothing changes. Accepts UTF-8 (with or without BOM) and Windows-1252,
 * ',' or ';' separators, quoted fields with separators and newlines, CRLF.
 * Units named in the `unidad` column are resolved by code or name, and
 * created (name = code) when unknown. On failure returns a STORE_* code and
 * writes one line "FILE:LINE: reason" (LINE = the physical line where the bad
 * record starts) into err. */
int roster_import(store *s, const char *path, int64_t now, roster_stats *stats, char *err, size_t errlen);

#endif
