/* export.c — evidence exports (SPEC "Evidence exports"): checks the
 * request and dispatches to the writer of its format.
 *
 * How an export is made: the rows come from the store's read-only walks
 * (export_att_each / export_pledge_each in export_facts.c stream them, so a
 * 100,000-row table never sits in memory); a writer (export_sheets.c and
 * export_tab.c for CSV/XLSX, export_pdf.c / export_ind.c for PDF) puts them
 * into a temporary file created with mkstemp (mode 0600) beside the target,
 * which is fsync'd and renamed into place only when complete. Any failure
 * removes the temporary file and leaves one line in err.
 *
 * Layering inside export/: export.c -> writers -> export_facts.c; nothing
 * calls back up into this file. */
#include "export.h"
#include "export_int.h"

#include <stdio.h>
#include <string.h>

/* ---- public entry points ---- */

static int bad_format(const char *format, const char *allowed, char *err, size_t errlen)
{
    snprintf(err, errlen, "export: unknown format '%s' (use %s)", format ? format : "", allowed);
    return -1;
}

int export_attendance(store *s, const config *c, const char *db_path, const char *event_id,
                      const char *format, const char *path, int64_t now, char *err, size_t errlen)
{
    store_event ev;
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv") && strcmp(format, "xlsx")))
        return bad_format(format, "pdf, csv or xlsx", err, errlen);
    if (store_event_get(s, event_id ? event_id : "", &ev) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_attendance_pdf(s, c, db_path, &ev, path, now, err, errlen);
    return export_attendance_table(s, c, &ev, format, path, now, err, errlen);
}

int export_pledges(store *s, const config *c, const char *db_path, int year, const char *format,
                   const char *path, int64_t now, char *err, size_t errlen)
{
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv") && strcmp(format, "xlsx")))
        return bad_format(format, "pdf, csv or xlsx", err, errlen);
    if (year < 0 || year > 9999) {
        snprintf(err, errlen, "export: bad year %d", year);
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_pledges_pdf(s, c, db_path, year, path, now, err, errlen);
    return export_pledges_table(s, c, year, format, path, now, err, errlen);
}

int export_indicators(store *s, const config *c, const char *db_path, int year, const char *format,
                      const char *path, int64_t now, char *err, size_t errlen)
{
    (void)db_path;
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv")))
        return bad_format(format, "pdf or csv", err, errlen);
    if (year < 1970 || year > 9999) {
        snprintf(err, errlen, "export: bad year %d", year);
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_indicators_pdf(s, c, year, path, now, err, errlen);
    return export_indicators_csv(s, c, year, path, err, errlen);
}
