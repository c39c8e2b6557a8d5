/* export_int.h — internals shared by the export_*.c files (not a public
 * interface: other modules use export.h).
 *
 * export.c      dispatch, atomic output files, local time, data queries,
 *               list fingerprints (sign / verify), audit status
 * export_tab.c  CSV and XLSX tables
 * export_pdf.c  PDF primitives (fonts, wrapping, QR, signatures, footers)
 * export_list.c the attendance list / pledge database documents
 * export_ind.c  the indicator report (charts) */
#ifndef CK_EXPORT_INT_H
#define CK_EXPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "store.h"

/* ---- atomic output file (export.c) ---- */

/* A file being written under a temporary name (mode 0600) in the folder of
 * its final path; commit renames it into place, abort removes it. */
typedef struct export_file {
    char path[4096];
    char tmp[4128];
    FILE *f;       /* open stream on tmp (NULL once closed) */
} export_file;

/* Creates the temporary file next to path. Returns 0, or -1 with one line
 * in err (e.g. the folder is not writable). */
int export_file_open(export_file *o, const char *path, char *err, size_t errlen);
/* Flushes, fsyncs, closes and renames into place. On failure the temporary
 * file is removed and err holds one line. Returns 0 or -1. */
int export_file_commit(export_file *o, char *err, size_t errlen);
/* Closes and removes the temporary file (safe to call twice). */
void export_file_abort(export_file *o);
/* Fills err with "PATH: cannot write: <errno text>" (disk full etc.). */
void export_io_error(const char *path, int e, char *err, size_t errlen);

/* ---- time ---- */

/* Converts Unix seconds to local time in zone tz, caching the zone's UTC
 * offset per hour so that 100,000 rows do not switch TZ 100,000 times. */
typedef struct export_clock {
    struct { char tz[64]; int64_t hour; long off; } slot[8];
    int n, next;
} export_clock;
void export_localtime(export_clock *k, const char *tz, int64_t t, struct tm *out);

/* "dd/mm/aaaa" and friends in Spanish. month is 1..12. */
const char *export_month_name(int month);
/* "12 de marzo de 2020" from 'YYYY-MM-DD...' (copies s if it cannot parse). */
void export_long_date(const char *ymd, char *out, size_t outlen);

/* ---- common document facts ---- */

/* Audit chain status, as stated in every PDF. */
typedef struct export_audit {
    int ok;             /* 1 verified, 0 broken */
    long entries;
    char detail[512];   /* the first broken link (store_errmsg) */
} export_audit;
void export_audit_check(store *s, export_audit *a);
/* One Spanish sentence describing a. */
void export_audit_text(const export_audit *a, char *out, size_t outlen);

/* Institution name: meta 'institution', else c->institution. */
void export_institution(store *s, const config *c, char *out, size_t outlen);
/* Time zone for unit code (store, then config, then America/Mexico_City). */
void export_unit_tz(store *s, const config *c, const char *unit, char *out, size_t outlen);

/* What every PDF states about itself: who exports it, when, and the audit
 * chain status (long sentence and the footer's short line). */
typedef struct export_facts {
    char inst[256];
    char exported[160];     /* "Exportado el ... · quiosco ... · cepci-kiosk" */
    char audit_line[700];   /* export_audit_text */
    char audit_short[96];
    export_audit audit;
} export_facts;
/* Fills f for an export at now, dated in zone tz. */
void export_facts_fill(store *s, const config *c, const char *tz, int64_t now, export_facts *f);

/* ---- rows ---- */

/* One attendance row, pointers valid during the callback only. */
typedef struct export_att_row {
    int n;                  /* 1-based position in the list */
    int guest;              /* 1 = a guest (not staff, not counted) */
    int64_t at;
    const char *uuid, *folio, *method, *kiosk;
    const char *employee_no;   /* "" for a guest */
    const char *name;          /* full name as shown */
    const char *unit, *area, *position;
    const void *sig;           /* signature blob or NULL */
    size_t siglen;
} export_att_row;

/* Calls fn for each attendance row of event ev in check-in order; stops when
 * fn returns non-zero (and returns that value). Returns 0 or STORE_ERROR. */
int export_att_each(store *s, const store_event *ev, int want_sig,
                    int (*fn)(const export_att_row *, void *), void *ctx);

typedef struct export_pledge_row {
    int n;
    int64_t at;
    const char *uuid, *folio, *method, *kiosk;
    const char *employee_no, *name, *unit, *unit_name, *tz, *area, *position;
    const char *carta, *privacy;  /* SHA-256 hex */
    int has_sig;
} export_pledge_row;

/* Calls fn for each pledge made up to the end of year (0 = all) in the
 * signer's unit zone, in time order. */
int export_pledge_each(store *s, int year, export_clock *k,
                       int (*fn)(const export_pledge_row *, void *), void *ctx);

/* ---- fingerprints ---- */

/* Streaming canonical text hash: export_canon_* append fields escaped
 * ('\\', '|' and newlines), separated by '|', rows ended by '\n'. */
typedef struct export_canon {
    crypto_hash_sha256_state state;
    int first;
} export_canon;
void export_canon_init(export_canon *h, const char *tag);
void export_canon_field(export_canon *h, const char *s);
void export_canon_int(export_canon *h, long long v);
void export_canon_end_row(export_canon *h);
void export_canon_final(export_canon *h, unsigned char sha[32]);

/* Canonical rows shared by the PDF writer and export_attendance_fingerprint. */
void export_canon_event(export_canon *h, const store_event *ev);
void export_canon_att_row(export_canon *h, const export_att_row *r);

/* Signs sha with the kiosk key of db_path and builds the QR payload
 * ("CKL1:" / "CKP1:" + base45(sha || kiosk id || signature)) into
 * payload[EXPORT_PAYLOAD_MAX]. sig_hex gets the 128 hex digits. */
int export_sign(store *s, const char *db_path, const char *tag, const unsigned char sha[32],
                char *payload, size_t payload_len, char sig_hex[129], char *err, size_t errlen);

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

/* Starts a table in format "csv" or "xlsx" at path (atomic). sheet names the
 * first worksheet. Returns NULL with err filled on failure. */
export_table *export_table_begin(const char *format, const char *path, const char *sheet,
                                 const export_col *cols, int ncols, char *err, size_t errlen);
/* Writes one row of ncols cells. Returns 0 or -1. */
int export_table_row(export_table *t, const export_cell *cells);
/* XLSX only (ignored for CSV): a further worksheet of label/value pairs
 * or a small grid; rows of ncols text cells. Returns 0 or -1. */
int export_table_sheet(export_table *t, const char *name, const char *const *header, int ncols);
int export_table_sheet_row(export_table *t, const char *const *cells, int ncols);
/* Finishes and renames into place (commit=1) or discards (commit=0).
 * Frees t. Returns 0 or -1 with err. */
int export_table_end(export_table *t, int commit, char *err, size_t errlen);

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

/* ---- PDF documents ---- */

int export_attendance_pdf(store *s, const config *c, const char *db_path, const store_event *ev,
                          const char *path, int64_t now, char *err, size_t errlen);
int export_pledges_pdf(store *s, const config *c, const char *db_path, int year, const char *path,
                       int64_t now, char *err, size_t errlen);
int export_indicators_pdf(store *s, const config *c, int year, const char *path, int64_t now, char *err,
                          size_t errlen);

#define EXPORT_PAYLOAD_MAX 256

#endif
