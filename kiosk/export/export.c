/* export.c — evidence exports (SPEC "Evidence exports"): checks the
 * request and dispatches to the writer of its format.
 *
 * How an export is made: the rows come from the store's read-only walks
 * (export_att_each / export_pledge_each in export_facts.c stream them, so a
 * 100,000-row table never sits in memory); a writer (export_sheets.c and
 * export_tab.c for CSV/XLSX, export_list.c / export_ind.c for PDF) puts them
 * into a temporary file created with mkstemp (mode 0600) beside the target,
 * which is fsync'd and renamed into place only when complete. Any failure
 * removes the temporary file and leaves one line in err.
 *
 * Layering inside export/: export.c -> writers -> export_facts.c; nothing
 * calls back up into this file. */
#include "export.h"
#include "export_int.h"

#include <sodium.h>
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
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv")))
        return bad_format(format, "pdf or csv", err, errlen);
    if (year < 1970 || year > 9999) {
        snprintf(err, errlen, "export: bad year %d", year);
        return -1;
    }
    if (strcmp(format, "pdf") == 0)
        return export_indicators_pdf(s, c, db_path, year, path, now, err, errlen);
    return export_indicators_csv(s, c, year, path, err, errlen);
}

/* ---- fingerprints against the records ---- */

int export_attendance_fingerprint(store *s, const char *event_id, char sha256_hex[65], char *err, size_t errlen)
{
    store_event ev;
    export_digest d;
    if (store_event_get(s, event_id ? event_id : "", &ev) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    if (export_attendance_digest(s, NULL, &ev, -1, &d, err, errlen) != 0)
        return -1;
    sodium_bin2hex(sha256_hex, 65, d.sha, sizeof d.sha);
    return 0;
}

int export_fingerprint_compare(store *s, const config *c, const export_fingerprint *fp, long *rows, long *differ,
                               int *exact, char *err, size_t errlen)
{
    export_digest d;
    unsigned char want[32];
    size_t bin = 0;
    *rows = *differ = 0;
    *exact = 0;
    if (fp->version < 2) {
        snprintf(err, errlen, "this fingerprint is of the first format (CKL1/CKP1): it does not say which list it "
                 "is, so it cannot be compared with the records");
        return -1;
    }
    if (sodium_hex2bin(want, sizeof want, fp->sha256, 64, NULL, &bin, NULL) != 0 || bin != 32) {
        snprintf(err, errlen, "bad fingerprint");
        return -1;
    }
    store_snapshot_begin(s);
    int rc;
    if (fp->kind == EXPORT_FP_INDICATORS) {
        rc = export_indicators_digest(s, c, fp->year, &d, err, errlen);
    } else if (fp->kind == EXPORT_FP_ATTENDANCE) {
        store_event ev;
        rc = store_event_get(s, fp->event_id, &ev);
        if (rc != STORE_OK)
            snprintf(err, errlen, "the event %s is not in this database", fp->event_id);
        else
            rc = export_attendance_digest(s, c, &ev, fp->rows, &d, err, errlen);
    } else {
        rc = export_pledges_digest(s, fp->year, fp->rows, &d, err, errlen);
    }
    store_snapshot_end(s);
    if (rc != 0)
        return -1;
    *rows = d.rows;
    if (d.rows == fp->rows && memcmp(d.sha, want, 32) == 0)
        return 0;
    if (d.have_prefix && memcmp(d.prefix_sha, want, 32) == 0) {
        *differ = d.rows - fp->rows; /* the signed rows, then rows added since */
        *exact = 1;
    } else {
        *differ = d.rows > fp->rows ? d.rows - fp->rows : fp->rows - d.rows;
        if (*differ == 0)
            *differ = 1;
    }
    return 0;
}
