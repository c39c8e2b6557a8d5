/* export_tab.c — tables as CSV (csvout.h: BOM, CRLF, RFC 4180, formula
 * neutralisation) or XLSX (libxlsxwriter in constant-memory mode: typed
 * cells, dates as dates, frozen header row, column widths, autofilter).
 * Both are written under a temporary name and renamed by export_file. */
#include "export_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csvout.h"
#include "palette.h"

struct export_table {
    int xlsx;
    export_file out;
    const export_col *cols;
    int ncols;
    lxw_workbook *wb;
    lxw_worksheet *ws;        /* the sheet being written */
    lxw_format *head, *date, *text;
    lxw_row_t row;
    int failed;
};

static void write_header_csv(export_table *t)
{
    csvout_bom(t->out.f);
    for (int i = 0; i < t->ncols; i++)
        csvout_field(t->out.f, t->cols[i].name, i == 0);
    csvout_end(t->out.f);
}

static int write_header_xlsx(export_table *t, const char *const *names, int ncols, const double *widths)
{
    for (int i = 0; i < ncols; i++) {
        if (worksheet_write_string(t->ws, 0, (lxw_col_t)i, names[i], t->head) != LXW_NO_ERROR)
            return -1;
        worksheet_set_column(t->ws, (lxw_col_t)i, (lxw_col_t)i, widths ? widths[i] : 30, NULL);
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
    t->xlsx = strcmp(format, "xlsx") == 0;
    t->cols = cols;
    t->ncols = ncols;
    if (export_file_open(&t->out, path, err, errlen) != 0) {
        free(t);
        return NULL;
    }
    if (!t->xlsx) {
        write_header_csv(t);
        return t;
    }
    /* libxlsxwriter writes the file itself at close: keep our 0600 file and
     * let it truncate and fill it. */
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
    format_set_num_format(t->date, "yyyy-mm-dd hh:mm:ss");
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
    if (write_header_xlsx(t, names, ncols < 64 ? ncols : 64, widths) != 0) {
        snprintf(err, errlen, "%s: cannot write the XLSX header", path);
        goto fail;
    }
    worksheet_autofilter(t->ws, 0, 0, 0, (lxw_col_t)(ncols - 1));
    return t;
fail:
    if (t->wb)
        workbook_close(t->wb);
    export_file_abort(&t->out);
    free(t);
    return NULL;
}

int export_table_row(export_table *t, const export_cell *cells)
{
    if (t->failed)
        return -1;
    if (!t->xlsx) {
        FILE *f = t->out.f;
        for (int i = 0; i < t->ncols; i++) {
            const export_cell *c = &cells[i];
            if (t->cols[i].type == EXPORT_INT) {
                csvout_int(f, c->i, i == 0);
            } else if (t->cols[i].type == EXPORT_TIME) {
                char buf[32];
                snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", c->tm.tm_year + 1900,
                         c->tm.tm_mon + 1, c->tm.tm_mday, c->tm.tm_hour, c->tm.tm_min, c->tm.tm_sec);
                csvout_field(f, buf, i == 0);
            } else {
                csvout_field(f, c->s, i == 0);
            }
        }
        csvout_end(f);
        if (ferror(f))
            t->failed = 1;
        return t->failed ? -1 : 0;
    }
    for (int i = 0; i < t->ncols; i++) {
        const export_cell *c = &cells[i];
        lxw_error e = LXW_NO_ERROR;
        lxw_col_t col = (lxw_col_t)i;
        if (t->cols[i].type == EXPORT_INT) {
            e = worksheet_write_number(t->ws, t->row, col, (double)c->i, NULL);
        } else if (t->cols[i].type == EXPORT_TIME) {
            lxw_datetime dt = {c->tm.tm_year + 1900, c->tm.tm_mon + 1, c->tm.tm_mday,
                               c->tm.tm_hour, c->tm.tm_min, (double)c->tm.tm_sec};
            e = worksheet_write_datetime(t->ws, t->row, col, &dt, t->date);
        } else if (c->s && *c->s) {
            e = worksheet_write_string(t->ws, t->row, col, c->s, NULL);
        }
        if (e != LXW_NO_ERROR) {
            t->failed = 1;
            return -1;
        }
    }
    t->row++;
    return 0;
}

int export_table_sheet(export_table *t, const char *name, const char *const *header, int ncols)
{
    if (!t->xlsx)
        return 0;
    if (t->failed || !(t->ws = workbook_add_worksheet(t->wb, name)))
        return t->failed = 1, -1;
    double widths[16];
    for (int i = 0; i < ncols && i < 16; i++)
        widths[i] = i == ncols - 1 ? 70 : 28;
    if (ncols > 2)
        for (int i = 0; i < ncols && i < 16; i++)
            widths[i] = i == 1 ? 30 : 16;
    return write_header_xlsx(t, header, ncols, widths) ? (t->failed = 1, -1) : 0;
}

int export_table_sheet_row(export_table *t, const char *const *cells, int ncols)
{
    if (!t->xlsx)
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
            return t->failed = 1, -1;
    }
    t->row++;
    return 0;
}

/* fsync of a file written by someone else (libxlsxwriter). */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int export_table_end(export_table *t, int commit, char *err, size_t errlen)
{
    int rc = 0;
    if (!t)
        return -1;
    if (t->xlsx) {
        lxw_error e = workbook_close(t->wb);
        t->wb = NULL;
        if (commit && (t->failed || e != LXW_NO_ERROR)) {
            if (err)
                snprintf(err, errlen, "%s: cannot write the XLSX file (%s); nothing was written", t->out.path,
                         lxw_strerror(e != LXW_NO_ERROR ? e : LXW_ERROR_CREATING_XLSX_FILE));
            commit = 0;
            rc = -1;
        } else if (commit && sync_path(t->out.tmp) != 0) {
            if (err)
                export_io_error(t->out.path, errno, err, errlen);
            commit = 0;
            rc = -1;
        }
    } else if (commit && t->failed) {
        if (err)
            export_io_error(t->out.path, errno ? errno : EIO, err, errlen);
        commit = 0;
        rc = -1;
    }
    if (commit) {
        char dummy[8];
        rc = export_file_commit(&t->out, err ? err : dummy, err ? errlen : sizeof dummy);
    } else {
        export_file_abort(&t->out);
        if (rc == 0)
            rc = -1;
    }
    free(t);
    return rc;
}
