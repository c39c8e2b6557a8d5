/* export_tab.c — tables as CSV (csvout.h: BOM, CRLF, RFC 4180, formula
 * neutralisation) or XLSX (libxlsxwriter in constant-memory mode: typed
 * cells, dates as dates, frozen header row, column widths, autofilter),
 * or only hashed. Both files are written under a temporary name and renamed
 * by export_file.
 *
 * Every table also writes its rows as CSV into a hashing stream: for a CSV
 * that stream is the file itself, for an XLSX or a hash-only table it goes
 * nowhere. So the SHA-256 of a list's canonical CSV (export.h) comes from
 * the one piece of code that writes the CSV file, whatever the format.
 *
 * Every write is checked: the CSV stream's errors, every libxlsxwriter
 * call, the worksheets' temporary files (constant-memory mode writes each
 * row into a tmpfile() the library never checks: under a file-size limit
 * or on a full /tmp the rows would silently go missing) and the status of
 * workbook_close. libxlsxwriter prints its own errors on stderr; they are
 * kept off it so a failure is the caller's one line. */
#include "export_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csvout.h"
#include "palette.h"
#include "util.h"

enum { TAB_CSV, TAB_XLSX, TAB_HASH };

struct export_table {
    int mode;                 /* TAB_* */
    export_file out;          /* CSV and XLSX: the file (CSV: hashed) */
    export_sink canon;        /* XLSX and hash-only: the canonical CSV, hashed only */
    FILE *csv;                /* where the CSV rows go: out.f or canon.f */
    const export_col *cols;
    int ncols;
    lxw_workbook *wb;
    lxw_worksheet *ws;        /* the sheet being written */
    lxw_format *head, *date, *text;
    lxw_row_t row;
    int failed;
    int err;                  /* errno of the first failed write, when known */
};

static void write_header_csv(export_table *t)
{
    csvout_bom(t->csv);
    for (int i = 0; i < t->ncols; i++)
        csvout_field(t->csv, t->cols[i].name, i == 0);
    csvout_end(t->csv);
}

/* Records a failure (e: errno, 0 when unknown); returns -1. */
static int tab_fail(export_table *t, int e)
{
    if (!t->failed || !t->err)
        t->err = e;
    t->failed = 1;
    return -1;
}

/* The rows of a constant-memory worksheet go to a temporary file first:
 * a write that failed there must fail the export. Returns 0 or -1. */
static int check_sheet_tmp(export_table *t)
{
    FILE *f = t->ws ? t->ws->optimize_tmpfile : NULL;
    if (f && (fflush(f) != 0 || ferror(f)))
        return tab_fail(t, errno ? errno : EIO);
    return 0;
}

static int write_header_xlsx(export_table *t, const char *const *names, int ncols, const double *widths)
{
    for (int i = 0; i < ncols; i++) {
        if (worksheet_write_string(t->ws, 0, (lxw_col_t)i, names[i], t->head) != LXW_NO_ERROR ||
            worksheet_set_column(t->ws, (lxw_col_t)i, (lxw_col_t)i, widths ? widths[i] : 30, NULL) != LXW_NO_ERROR)
            return -1;
    }
    worksheet_freeze_panes(t->ws, 1, 0);
    t->row = 1;
    return 0;
}

export_table *export_table_begin(const char *format, const char *path, const char *sheet,
                                 const export_col *cols, int ncols, char *err, size_t errlen)
{
    export_table *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "export: out of memory");
        return NULL;
    }
    t->mode = strcmp(format, "xlsx") == 0 ? TAB_XLSX : strcmp(format, "csv") == 0 ? TAB_CSV : TAB_HASH;
    t->cols = cols;
    t->ncols = ncols;
    t->out.fd = -1;
    if (t->mode != TAB_HASH && export_file_open(&t->out, path, t->mode == TAB_CSV, err, errlen) != 0) {
        free(t);
        return NULL;
    }
    if (t->mode != TAB_CSV && export_sink_open(&t->canon, -1) != 0) {
        snprintf(err, errlen, "export: out of memory");
        goto fail;
    }
    t->csv = t->mode == TAB_CSV ? t->out.f : t->canon.f;
    write_header_csv(t);
    if (t->mode != TAB_XLSX)
        return t;
    /* libxlsxwriter writes the file itself at close: keep our 0600 file
     * (locked, export_file) and let it truncate and fill it. */
    fclose(t->out.f);
    t->out.f = NULL;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    t->wb = workbook_new_opt(t->out.tmp, &opt);
    if (!t->wb || !(t->ws = workbook_add_worksheet(t->wb, sheet))) {
        snprintf(err, errlen, "%s: cannot start the XLSX workbook", path);
        goto fail;
    }
    t->head = workbook_add_format(t->wb);
    format_set_bold(t->head);
    format_set_bg_color(t->head, PALETTE_XLSX_HEAD);
    format_set_bottom(t->head, LXW_BORDER_THIN);
    t->date = workbook_add_format(t->wb);
    format_set_num_format(t->date, "yyyy-mm-dd hh:mm");
    format_set_align(t->date, LXW_ALIGN_LEFT);
    t->text = workbook_add_format(t->wb);
    format_set_text_wrap(t->text);
    format_set_align(t->text, LXW_ALIGN_VERTICAL_TOP);
    const char *names[64];
    double widths[64];
    for (int i = 0; i < ncols && i < 64; i++) {
        names[i] = cols[i].name;
        widths[i] = cols[i].width;
    }
    if (write_header_xlsx(t, names, ncols < 64 ? ncols : 64, widths) != 0 ||
        worksheet_autofilter(t->ws, 0, 0, 0, (lxw_col_t)(ncols - 1)) != LXW_NO_ERROR) {
        snprintf(err, errlen, "%s: cannot write the XLSX header", path);
        goto fail;
    }
    return t;
fail:
    export_table_end(t, 0, NULL, 0);
    return NULL;
}

/* "YYYY-MM-DD HH:MM": the minute, as the lists print it. */
static void format_time(const struct tm *tm, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
             tm->tm_min);
}

int export_table_row(export_table *t, const export_cell *cells)
{
    if (t->failed)
        return -1;
    FILE *f = t->csv;
    /* One lock for the row: a hashing stream (fopencookie) takes the stdio
     * lock on every character otherwise, 4 to 5 times slower. */
    flockfile(f);
    for (int i = 0; i < t->ncols; i++) {
        const export_cell *c = &cells[i];
        if (t->cols[i].type == EXPORT_INT) {
            csvout_int(f, c->i, i == 0);
        } else if (t->cols[i].type == EXPORT_TIME) {
            char buf[32];
            format_time(&c->tm, buf, sizeof buf);
            csvout_field(f, buf, i == 0);
        } else {
            csvout_field(f, c->s ? c->s : "", i == 0);
        }
    }
    csvout_end(f);
    funlockfile(f);
    if (ferror(f))
        return tab_fail(t, errno ? errno : EIO);
    if (t->mode != TAB_XLSX)
        return 0;
    for (int i = 0; i < t->ncols; i++) {
        const export_cell *c = &cells[i];
        lxw_error e = LXW_NO_ERROR;
        lxw_col_t col = (lxw_col_t)i;
        if (t->cols[i].type == EXPORT_INT) {
            e = worksheet_write_number(t->ws, t->row, col, (double)c->i, NULL);
        } else if (t->cols[i].type == EXPORT_TIME) {
            lxw_datetime dt = {c->tm.tm_year + 1900, c->tm.tm_mon + 1, c->tm.tm_mday, c->tm.tm_hour, c->tm.tm_min, 0};
            e = worksheet_write_datetime(t->ws, t->row, col, &dt, t->date);
        } else if (c->s && *c->s) {
            e = worksheet_write_string(t->ws, t->row, col, c->s, NULL);
        }
        if (e != LXW_NO_ERROR)
            return tab_fail(t, 0);
    }
    t->row++;
    /* A failed write into the sheet's temporary file shows up here (or at
     * the latest when the sheet is finished: check_sheet_tmp). */
    if (t->ws->optimize_tmpfile && ferror(t->ws->optimize_tmpfile))
        return tab_fail(t, errno ? errno : EIO);
    return 0;
}

int export_table_digest(export_table *t, unsigned char sha[32])
{
    if (t->failed)
        return -1;
    if (export_sink_digest(t->mode == TAB_CSV ? &t->out.sink : &t->canon, sha) != 0)
        return tab_fail(t, errno);
    return 0;
}

int export_table_sheet(export_table *t, const char *name, const char *const *header, int ncols)
{
    if (t->mode != TAB_XLSX)
        return 0;
    if (t->failed || check_sheet_tmp(t) != 0 || !(t->ws = workbook_add_worksheet(t->wb, name)))
        return tab_fail(t, 0);
    double widths[16];
    for (int i = 0; i < ncols && i < 16; i++)
        widths[i] = i == ncols - 1 ? 70 : 28;
    if (ncols > 2)
        for (int i = 0; i < ncols && i < 16; i++)
            widths[i] = i == 1 ? 30 : 16;
    return write_header_xlsx(t, header, ncols, widths) ? tab_fail(t, 0) : 0;
}

int export_table_sheet_row(export_table *t, const char *const *cells, int ncols)
{
    if (t->mode != TAB_XLSX)
        return 0;
    if (t->failed)
        return -1;
    for (int i = 0; i < ncols; i++) {
        if (!cells[i] || !*cells[i])
            continue;
        /* Figures go in as numbers so the summary can be charted. */
        char *end;
        double v = strtod(cells[i], &end);
        lxw_error e;
        if (i > 0 && end != cells[i] && *end == '\0' && strspn(cells[i], "0123456789.-") == strlen(cells[i]))
            e = worksheet_write_number(t->ws, t->row, (lxw_col_t)i, v, NULL);
        else
            e = worksheet_write_string(t->ws, t->row, (lxw_col_t)i, cells[i], t->text);
        if (e != LXW_NO_ERROR)
            return tab_fail(t, 0);
    }
    t->row++;
    return 0;
}

/* workbook_close with libxlsxwriter's own messages kept off stderr (the
 * caller reports the failure in one line). */
static lxw_error close_workbook_quietly(lxw_workbook *wb)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    lxw_error e = workbook_close(wb);
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    if (null >= 0)
        close(null);
    return e;
}

int export_table_end(export_table *t, int commit, char *err, size_t errlen)
{
    int rc = 0;
    if (!t)
        return -1;
    if (t->mode == TAB_XLSX && t->wb) {
        check_sheet_tmp(t);
        errno = 0;
        lxw_error e = close_workbook_quietly(t->wb);
        int werr = errno;
        t->wb = NULL;
        if (commit && (t->failed || e != LXW_NO_ERROR)) {
            if (err && t->err)
                export_io_error(t->out.path, t->err, err, errlen);
            else if (err && werr && e != LXW_NO_ERROR)
                export_io_error(t->out.path, werr, err, errlen);
            else if (err)
                snprintf(err, errlen, "%s: cannot write the XLSX file (%s); nothing was written", t->out.path,
                         lxw_strerror(e != LXW_NO_ERROR ? e : LXW_ERROR_CREATING_XLSX_FILE));
            commit = 0;
            rc = -1;
        }
    } else if (commit && t->failed) {
        export_io_error(t->out.path, t->err ? t->err : EIO, err, errlen);
        commit = 0;
        rc = -1;
    }
    export_sink_close(&t->canon);
    if (t->mode == TAB_HASH) {
        rc = commit && !t->failed ? 0 : -1;
    } else if (commit) {
        char dummy[8];
        rc = export_file_commit(&t->out, err ? err : dummy, err ? errlen : sizeof dummy);
    } else {
        export_file_abort(&t->out);
        rc = -1;
    }
    if (err && errlen)
        util_one_line(err);
    free(t);
    return rc;
}
