/* export_int.h — internals shared by the export_*.c files (not a public
 * interface: other modules use export.h).
 *
 * export.c         dispatch by format, fingerprint checks (calls the
 *                  writers; nothing calls it)
 * export_sheets.c  the attendance and pledge tables (CSV, XLSX), the
 *                  indicators as CSV
 * export_canon.c   the lists' canonical columns and rows (what the CSV
 *                  holds and the PDF prints) and their SHA-256
 * export_tab.c     CSV, XLSX and hash-only table writer
 * export_pdf.c     PDF primitives (fonts, wrapping, QR, signatures, footers)
 * export_list.c    the attendance list / pledge database documents
 * export_ind.c     the indicator report (charts)
 * export_facts.c   below them all (export_facts.h): atomic output files,
 *                  local time, document facts, list rows, fingerprints */
#ifndef CK_EXPORT_INT_H
#define CK_EXPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "export_facts.h"
#include "store.h"

/* ---- tables (export_tab.c) ---- */

typedef enum { EXPORT_TEXT, EXPORT_INT, EXPORT_TIME } export_coltype;

typedef struct export_col {
    const char *name;     /* header (csv: snake_case; xlsx: same) */
    export_coltype type;
    double width;         /* xlsx column width in characters */
} export_col;

typedef struct export_cell {
    const char *s;        /* EXPORT_TEXT */
    long long i;          /* EXPORT_INT */
    struct tm tm;         /* EXPORT_TIME (local time) */
} export_cell;

typedef struct export_table export_table;

/* Starts a table in format "csv" or "xlsx" at path (atomic), or "sha256"
 * (path NULL): only the hash of the CSV it would be. sheet names the first
 * worksheet. Returns NULL with err filled on failure. */
export_table *export_table_begin(const char *format, const char *path, const char *sheet,
                                 const export_col *cols, int ncols, char *err, size_t errlen);
/* Writes one row of ncols cells. Returns 0 or -1. */
int export_table_row(export_table *t, const export_cell *cells);
/* The SHA-256 of the table as CSV so far (header and rows written; for a
 * "csv" table, of the file's bytes). Returns 0 or -1 (a write failed). */
int export_table_digest(export_table *t, unsigned char sha[32]);
/* XLSX only (ignored for CSV): a further worksheet of label/value pairs
 * or a small grid; rows of ncols text cells. Returns 0 or -1. */
int export_table_sheet(export_table *t, const char *name, const char *const *header, int ncols);
int export_table_sheet_row(export_table *t, const char *const *cells, int ncols);
/* Finishes and renames into place (commit=1) or discards (commit=0).
 * Frees t. Returns 0 or -1 with err (may be NULL). */
int export_table_end(export_table *t, int commit, char *err, size_t errlen);

/* ---- the lists' canonical form (export_canon.c) ----
 * The columns of the attendance list and of the pledge database, in the
 * order the CSV has them and the PDF prints them, and one row's cells. */

#define EXPORT_ATT_NCOLS 11
#define EXPORT_PL_NCOLS 11
extern const export_col EXPORT_ATT_COLS[EXPORT_ATT_NCOLS];
extern const export_col EXPORT_PL_COLS[EXPORT_PL_NCOLS];

/* How an attendance was recorded, as the list says it ("quiosco: gafete",
 * "lista en papel capturada", "mesa de registro", ...). */
const char *export_method_label(const char *method);
/* The same, for a person's second record at one event (merged by a sync). */
const char *export_method_label_repeated(const char *method);
/* "al registro" (unit, area and position as at the record) or "padrón
 * actual" (a record older than snapshots: today's roster); "" for a guest. */
const char *export_origin_label(int snapshot, int guest);

/* The cells of attendance row r (times in zone tz). Pointers into r and
 * static strings: valid while r is. */
void export_att_cells(const export_att_row *r, export_clock *k, const char *tz, export_cell c[EXPORT_ATT_NCOLS]);
/* The cells of pledge row r; ver[16] gets the Carta version (12 hex). */
void export_pl_cells(const export_pledge_row *r, export_clock *k, export_cell c[EXPORT_PL_NCOLS], char ver[16]);

/* The canonical CSV of a list, hashed: sha of the whole list, rows, and
 * (when prefix >= 0 and the list has that many rows) prefix_sha of the
 * header and its first prefix rows. */
typedef struct export_digest {
    unsigned char sha[32], prefix_sha[32];
    long rows;
    int have_prefix;
} export_digest;
/* Of the attendance list of ev / the pledge database of year (0 = all).
 * Return 0 or -1 with err. */
int export_attendance_digest(store *s, const config *c, const store_event *ev, long prefix, export_digest *d,
                             char *err, size_t errlen);
int export_pledges_digest(store *s, int year, long prefix, export_digest *d, char *err, size_t errlen);
/* Of the indicator report of year: the SHA-256 of its CSV, rows = units +
 * the total (export_ind.c; c is needed: topics and goals). */
int export_indicators_digest(store *s, const config *c, int year, export_digest *d, char *err, size_t errlen);

/* The state a list is signed with (export.h EXPORT_STATE_*): the event's,
 * or for the pledges of year (0 = all) OPEN until the year has ended at now
 * in zone tz, then CLOSED. */
int export_event_state(const store_event *ev);
int export_pledges_state(int year, int64_t now, const char *tz);

/* ---- PDF primitives (export_pdf.c) ---- */

#define EXPORT_LINE 512     /* bytes of one wrapped line */
#define EXPORT_BOLD 1
#define EXPORT_ITALIC 2
#define EXPORT_MONO 4

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;

/* A PDF being written (atomically) plus the layout state of a two-pass
 * document: the first pass (draw = 0) only measures and counts pages, the
 * second draws with the page count known ("Página N de M"). */
typedef struct export_pdf {
    export_file out;
    cairo_surface_t *surf;
    cairo_t *cr;
    double w, h;               /* page size in points */
    double margin;             /* left/right margin */
    double top, bottom;        /* content limits of the page */
    char sans[64], mono[64];   /* font families found by fontconfig */
    int write_errno;           /* first write error of the stream */
    /* pagination */
    int draw, page, pages;
    double y;
    void (*page_head)(struct export_pdf *p, void *ctx);   /* draws the page's top, sets y */
    void (*page_foot)(struct export_pdf *p, void *ctx);
    void *ctx;
} export_pdf;

/* Creates the PDF (w x h points) at path's temporary name with metadata.
 * Returns 0 or -1 with err. */
int export_pdf_open(export_pdf *p, const char *path, double w, double h, const char *title,
                    const char *author, int64_t now, char *err, size_t errlen);
/* Finishes (commit=1: renames into place) or discards. Returns 0 or -1. */
int export_pdf_close(export_pdf *p, int commit, char *err, size_t errlen);

/* Paper size from c->paper (letter or a4), landscape when asked. */
void export_pdf_paper(const config *c, int landscape, double *w, double *h);

void export_pdf_font(export_pdf *p, double size, int flags);
void export_pdf_rgb(export_pdf *p, unsigned rgb);
double export_pdf_width(export_pdf *p, const char *s);
/* Draws s with its baseline at y; align 0 left of x, 1 centred on x, 2 right of x. */
void export_pdf_text(export_pdf *p, double x, double y, const char *s, int align);
/* Greedy word wrap into at most maxlines lines of width (a word wider than
 * the line is cut between characters; the last line gets an ellipsis when
 * text remains). Returns the line count (>= 1). */
int export_pdf_wrap(export_pdf *p, const char *s, double width, int maxlines, char (*lines)[EXPORT_LINE]);
/* Wraps and (when p->draw) draws a paragraph whose first baseline is y.
 * Returns the number of lines. */
int export_pdf_para(export_pdf *p, double x, double y, double width, double lh, int maxlines, const char *s);
/* Draws a QR code of payload in a size x size square (quiet zone included). */
int export_pdf_qr(export_pdf *p, double x, double y, double size, const char *payload);
/* Draws a signature blob scaled into the box; returns 0, -1 when malformed. */
int export_pdf_signature(export_pdf *p, double x, double y, double w, double h, const void *blob, size_t len);
void export_pdf_hline(export_pdf *p, double x0, double x1, double y, double width, unsigned rgb);

/* Pagination: starts the next page (closing the current one with its
 * footer) and calls page_head. */
void export_pdf_new_page(export_pdf *p);
/* Makes room for need points, starting a new page when they do not fit. */
void export_pdf_need(export_pdf *p, double need);
/* Ends the last page (footer). */
void export_pdf_finish_pages(export_pdf *p);
/* Lays out a two-pass document: layout(p, ctx) runs once only measuring,
 * which counts the pages, then again drawing. layout starts and finishes
 * the pages itself. */
void export_pdf_render(export_pdf *p, void (*layout)(export_pdf *p, void *ctx), void *ctx);

/* Standard letterhead: institution, committee and the document's title at
 * the top of the page; returns the y below it. */
double export_pdf_letterhead(export_pdf *p, const config *c, const char *institution, const char *title,
                             const char *subtitle);
/* Standard footer: two lines of left text and "Página N de M". */
void export_pdf_footer_text(export_pdf *p, const char *left1, const char *left2, const char *right2);

/* ---- data tables (export_sheets.c) ---- */

/* The attendance list of ev / the pledge database (up to the end of year;
 * 0 = all) as format "csv" or "xlsx" at path; the indicators of year as
 * CSV. Return 0 or -1 with err. */
int export_attendance_table(store *s, const config *c, const store_event *ev, const char *format,
                            const char *path, int64_t now, char *err, size_t errlen);
int export_pledges_table(store *s, const config *c, int year, const char *format, const char *path, int64_t now,
                         char *err, size_t errlen);
int export_indicators_csv(store *s, const config *c, int year, const char *path, char *err, size_t errlen);

/* ---- PDF documents ---- */

int export_attendance_pdf(store *s, const config *c, const char *db_path, const store_event *ev,
                          const char *path, int64_t now, char *err, size_t errlen);
int export_pledges_pdf(store *s, const config *c, const char *db_path, int year, const char *path,
                       int64_t now, char *err, size_t errlen);
int export_indicators_pdf(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                          char *err, size_t errlen);

#endif
