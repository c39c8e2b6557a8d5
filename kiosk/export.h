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

#endif
