/* export_year.c — the combined attendance list of a year, or of one unit's
 * staff in a year (`export attendance --year Y [--unit U]`): every event
 * that starts in the year, in date order, with its attendees, as PDF, CSV
 * or XLSX. See evidence.h.
 *
 * The rows are the events' own list rows (export_att_each: the unit, area
 * and position recorded with each row); with a unit, only the rows of
 * people of that unit, so a unit files the training of its own staff
 * wherever it took place. The signatures stay in each event's own list
 * (the PDF says so). */
#include "evidence.h"
#include "export_int.h"
#include "export_labels.h"

#include <cairo.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "palette.h"
#include "store_evidence.h"
#include "util.h"

typedef struct yr_row {
    int event;               /* index into the events */
    char *name, *employee_no, *unit, *area, *folio, *method;
    int guest, keyed;
    int64_t at;
} yr_row;

typedef struct yr_event {
    store_event e;
    int rows, staff;
} yr_event;

typedef struct yr_doc {
    store *s;
    const config *c;
    int year;
    const char *unit;
    char unit_name[STORE_UNIT_NAME_LEN];
    yr_event *ev;
    int nev, evcap;
    yr_row *rows;
    int n, cap;
    int people;              /* distinct staff */
    char **imported;         /* attendance UUIDs that came from bulk imports (sorted) */
    int nimp, impcap;
    export_facts f;
    char tz[STORE_TZ_LEN];
    char tzline[160];        /* export_tz_text of the events' zone(s) */
    export_clock clock;
    int oom;
    double colw[7];
} yr_doc;

static int collect_event(const store_event *e, void *arg)
{
    yr_doc *d = arg;
    if (d->nev == d->evcap) {
        int cap = d->evcap ? d->evcap * 2 : 32;
        yr_event *ne = realloc(d->ev, (size_t)cap * sizeof *ne);
        if (!ne) {
            d->oom = 1;
            return 1;
        }
        d->ev = ne;
        d->evcap = cap;
    }
    memset(&d->ev[d->nev], 0, sizeof *d->ev);
    d->ev[d->nev++].e = *e;
    return 0;
}

static int collect_imported(const char *uuid, const char *sha, const char *note, void *arg)
{
    (void)sha;
    (void)note;
    yr_doc *d = arg;
    if (d->nimp == d->impcap) {
        int cap = d->impcap ? d->impcap * 2 : 256;
        char **ni = realloc(d->imported, (size_t)cap * sizeof *ni);
        if (!ni) {
            d->oom = 1;
            return 1;
        }
        d->imported = ni;
        d->impcap = cap;
    }
    if (!(d->imported[d->nimp] = strdup(uuid))) {
        d->oom = 1;
        return 1;
    }
    d->nimp++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_imported(const yr_doc *d, const char *uuid)
{
    const char *key = uuid;
    return d->nimp && bsearch(&key, d->imported, (size_t)d->nimp, sizeof *d->imported, cmp_str) != NULL;
}

struct row_walk {
    yr_doc *d;
    int event;
};

static int collect_row(const export_att_row *r, void *arg)
{
    struct row_walk *w = arg;
    yr_doc *d = w->d;
    if (d->unit && (r->guest || strcmp(r->unit, d->unit) != 0))
        return 0;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 512;
        yr_row *nr = realloc(d->rows, (size_t)cap * sizeof *nr);
        if (!nr) {
            d->oom = 1;
            return 1;
        }
        d->rows = nr;
        d->cap = cap;
    }
    yr_row *x = &d->rows[d->n++];
    memset(x, 0, sizeof *x);
    x->event = w->event;
    x->name = strdup(r->name);
    x->employee_no = strdup(r->employee_no);
    x->unit = strdup(r->unit);
    x->area = strdup(r->area);
    x->folio = strdup(r->folio);
    x->method = strdup(export_row_method_label(r->method, is_imported(d, r->uuid)));
    x->guest = r->guest;
    x->keyed = strcmp(r->method, "keyed") == 0;
    x->at = r->at;
    d->ev[w->event].rows++;
    d->ev[w->event].staff += !r->guest;
    if (!x->name || !x->employee_no || !x->unit || !x->area || !x->folio || !x->method) {
        d->oom = 1;
        return 1;
    }
    return 0;
}

static void yr_free(yr_doc *d)
{
    for (int i = 0; i < d->n; i++) {
        yr_row *x = &d->rows[i];
        free(x->name);
        free(x->employee_no);
        free(x->unit);
        free(x->area);
        free(x->folio);
        free(x->method);
    }
    for (int i = 0; i < d->nimp; i++)
        free(d->imported[i]);
    free(d->imported);
    free(d->rows);
    free(d->ev);
}

/* Distinct staff in the rows (guests never count). */
static int count_people(yr_doc *d)
{
    char **v = malloc(((size_t)d->n + 1) * sizeof *v);
    int m = 0, people = 0;
    if (!v)
        return 0;
    for (int i = 0; i < d->n; i++)
        if (!d->rows[i].guest)
            v[m++] = d->rows[i].employee_no;
    qsort(v, (size_t)m, sizeof *v, cmp_str);
    for (int i = 0; i < m; i++)
        people += i == 0 || strcmp(v[i - 1], v[i]) != 0;
    free(v);
    return people;
}

/* Reads the year (events, then their rows) from one snapshot. */
static int load(yr_doc *d, char *err, size_t errlen)
{
    int rc = store_event_each(d->s, d->year, 0, collect_event, d);
    for (int i = 0; rc == STORE_OK && !d->oom && i < d->nev; i++) {
        if ((rc = store_imported_rows_each(d->s, d->ev[i].e.id, collect_imported, d)) != STORE_OK)
            break;
    }
    if (rc == STORE_OK && !d->oom)
        qsort(d->imported, (size_t)d->nimp, sizeof *d->imported, cmp_str);
    for (int i = 0; rc == STORE_OK && !d->oom && i < d->nev; i++) {
        struct row_walk w = {d, i};
        rc = export_att_each(d->s, &d->ev[i].e, 0, collect_row, &w);
    }
    if (d->oom) {
        snprintf(err, errlen, "memoria insuficiente");
        return -1;
    }
    if (rc != STORE_OK) {
        snprintf(err, errlen, "no se pudo leer la asistencia del año: %s", store_errmsg(d->s));
        return -1;
    }
    d->people = count_people(d);
    return 0;
}

/* "10/03/2026" for a list typed in (the day it happened: export_keyed_day);
 * with the time for a record made at the moment. */
static void when_text(yr_doc *d, const yr_row *x, char *out, size_t outlen)
{
    struct tm tm;
    char tz[STORE_TZ_LEN];
    export_unit_tz(d->s, d->c, d->ev[x->event].e.unit, tz, sizeof tz);
    export_localtime(&d->clock, tz, x->at, &tm);
    if (x->keyed)
        export_keyed_day(&tm, d->ev[x->event].e.start, d->ev[x->event].e.end, out, outlen);
    else
        snprintf(out, outlen, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
                 tm.tm_min);
}

/* ---- CSV / XLSX ---- */

static int write_table(yr_doc *d, const char *format, const char *path, char *err, size_t errlen)
{
    static const export_col cols[] = {
        {"No.", EXPORT_INT, 6},
        {"Fecha del evento", EXPORT_TEXT, 12},
        {"Evento", EXPORT_TEXT, 40},
        {"Tipo", EXPORT_TEXT, 14},
        {"Clave de actividad PAT", EXPORT_TEXT, 10},
        {"Unidad del evento", EXPORT_TEXT, 10},
        {"Número de empleado", EXPORT_TEXT, 16},
        {"Nombre completo", EXPORT_TEXT, 36},
        {"Unidad", EXPORT_TEXT, 9},
        {"Área de adscripción", EXPORT_TEXT, 28},
        {"Fecha y hora de registro", EXPORT_TEXT, 18},
        {"Medio de registro", EXPORT_TEXT, 26},
        {"Folio", EXPORT_TEXT, 16},
    };
    export_table *t = export_table_begin(format, path, "Asistencia", cols, (int)(sizeof cols / sizeof *cols), err,
                                         errlen);
    if (!t)
        return -1;
    for (int i = 0; i < d->n; i++) {
        const yr_row *x = &d->rows[i];
        const store_event *e = &d->ev[x->event].e;
        char date[16], when[32];
        export_cell c[13];
        memset(c, 0, sizeof c);
        snprintf(date, sizeof date, "%.10s", e->start);
        when_text(d, x, when, sizeof when);
        c[0].i = i + 1;
        c[1].s = date;
        c[2].s = e->title;
        c[3].s = export_kind_label(e->kind);
        c[4].s = e->pat;
        c[5].s = e->unit;
        c[6].s = x->guest ? "Persona invitada" : x->employee_no;
        c[7].s = x->name;
        c[8].s = x->unit;
        c[9].s = x->area;
        c[10].s = when;
        c[11].s = x->method;
        c[12].s = x->folio;
        if (export_table_row(t, c) != 0) {
            export_io_error(path, errno ? errno : EIO, err, errlen);
            export_table_end(t, 0, NULL, 0);
            return -1;
        }
    }
    return export_table_end(t, 1, err, errlen);
}

/* ---- PDF ---- */

static const char *const HEAD[7] = {"No.", "Nombre completo", "Número de empleado", "Unidad", "Área de adscripción",
                                    "Fecha de registro", "Medio de registro"};

static void page_head(export_pdf *p, void *ctx)
{
    yr_doc *d = ctx;
    char title[64], sub[300];
    snprintf(title, sizeof title, "Asistencia %d", d->year);
    if (d->unit)
        snprintf(sub, sizeof sub, "Personal de %s (%s) · todos los eventos del año", d->unit_name, d->unit);
    else
        snprintf(sub, sizeof sub, "Todos los eventos del año, por fecha");
    p->y = export_pdf_letterhead(p, d->c, d->f.inst, title, sub);
}

static void page_foot(export_pdf *p, void *ctx)
{
    yr_doc *d = ctx;
    export_pdf_footer_text(p, d->f.exported, d->f.audit_short, d->tzline);
}

/* The event's band: date, title, kind, PAT key, unit, rows. */
static double event_band(export_pdf *p, yr_doc *d, int k, int continued)
{
    const yr_event *v = &d->ev[k];
    char date[96], line[900], lines[3][EXPORT_LINE];
    double w = p->w - 2 * p->margin;
    export_long_date(v->e.start, date, sizeof date);
    snprintf(line, sizeof line, "%s · %s · %s%s%s · unidad %s · %d %s%s", date, v->e.title, export_kind_label(v->e.kind),
             v->e.pat[0] ? " · PAT " : "", v->e.pat, v->e.unit, v->rows, v->rows == 1 ? "registro" : "registros",
             continued ? " (continuación)" : "");
    export_pdf_font(p, 9, EXPORT_BOLD);
    int n = export_pdf_wrap(p, line, w - 12, 3, lines);
    double h = 8 + n * 11;
    if (p->draw) {
        export_pdf_rgb(p, PALETTE_HEAD_BAND);
        cairo_rectangle(p->cr, p->margin, p->y, w, h);
        cairo_fill(p->cr);
        export_pdf_rgb(p, PALETTE_HEAD_INK);
        for (int i = 0; i < n; i++)
            export_pdf_text(p, p->margin + 6, p->y + 12 + i * 11, lines[i], 0);
    }
    return h;
}

/* The column names, each wrapped in its column (at most two lines). */
static void table_head(export_pdf *p, yr_doc *d)
{
    double x = p->margin;
    int maxl = 1;
    export_pdf_font(p, 7, EXPORT_BOLD);
    export_pdf_rgb(p, PALETTE_LABEL);
    for (int k = 0; k < 7; k++) {
        char lines[2][EXPORT_LINE];
        int n = export_pdf_wrap(p, HEAD[k], d->colw[k] - 6, 2, lines);
        for (int i = 0; i < n; i++)
            export_pdf_text(p, x + 3, p->y + 9 + i * 8, lines[i], 0);
        maxl = n > maxl ? n : maxl;
        x += d->colw[k];
    }
    export_pdf_hline(p, p->margin, p->w - p->margin, p->y + 4 + maxl * 8, 0.6, PALETTE_HEAD_INK);
    p->y += 6 + maxl * 8;
}

static double row_height(export_pdf *p, yr_doc *d, const yr_row *x, int draw, int no)
{
    const double lh = 9.2, pad = 3;
    char num[16], when[32];
    snprintf(num, sizeof num, "%d", no);
    when_text(d, x, when, sizeof when);
    const char *cells[7] = {num, x->name, x->guest ? "Persona invitada" : x->employee_no, x->guest ? "—" : x->unit,
                            x->guest ? "—" : x->area, when, x->method};
    int maxl = 1;
    export_pdf_font(p, 7.5, 0);
    for (int k = 0; k < 7; k++) {
        char lines[4][EXPORT_LINE];
        int n = export_pdf_wrap(p, cells[k], d->colw[k] - 2 * pad, 4, lines);
        if (n > maxl)
            maxl = n;
    }
    double h = 2 * pad + maxl * lh;
    if (!draw || !p->draw)
        return h;
    double xx = p->margin;
    export_pdf_rgb(p, PALETTE_INK);
    for (int k = 0; k < 7; k++) {
        export_pdf_font(p, 7.5, k == 1 ? EXPORT_BOLD : 0);
        export_pdf_para(p, xx + pad, p->y + pad + 7, d->colw[k] - 2 * pad, lh, 4, cells[k]);
        xx += d->colw[k];
    }
    export_pdf_hline(p, p->margin, p->w - p->margin, p->y + h, 0.3, PALETTE_ROW_RULE);
    return h;
}

static void layout(export_pdf *p, void *ctx)
{
    yr_doc *d = ctx;
    int r = 0;
    p->page = 0;
    export_pdf_new_page(p);
    for (int k = 0; k < d->nev; k++) {
        if (d->unit && d->ev[k].rows == 0)
            continue;
        int saved = p->draw;
        p->draw = 0;
        double bh = event_band(p, d, k, 0);
        double first = r < d->n && d->rows[r].event == k ? row_height(p, d, &d->rows[r], 0, 1) : 14;
        p->draw = saved;
        export_pdf_need(p, bh + 22 + first + 4);
        p->y += 4;
        p->y += event_band(p, d, k, 0) + 2;
        if (d->ev[k].rows == 0) {
            export_pdf_font(p, 8, EXPORT_ITALIC);
            export_pdf_rgb(p, PALETTE_NOTE);
            export_pdf_text(p, p->margin + 6, p->y + 10, strcmp(d->ev[k].e.state, "draft") == 0
                                                             ? "Evento en borrador: sin lista."
                                                             : "Sin registros de asistencia.", 0);
            p->y += 16;
            continue;
        }
        table_head(p, d);
        for (int no = 1; r < d->n && d->rows[r].event == k; r++, no++) {
            saved = p->draw;
            p->draw = 0;
            double h = row_height(p, d, &d->rows[r], 0, no);
            p->draw = saved;
            if (p->y + h > p->bottom) {
                export_pdf_new_page(p);
                p->y += event_band(p, d, k, 1) + 2;
                table_head(p, d);
            }
            row_height(p, d, &d->rows[r], 1, no);
            p->y += h;
        }
    }
    /* Summary. */
    char line[600];
    export_pdf_need(p, 70);
    p->y += 12;
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10, EXPORT_BOLD);
    export_pdf_text(p, p->margin, p->y + 10, "Resumen", 0);
    p->y += 16;
    int guests = 0, events = 0;
    for (int i = 0; i < d->n; i++)
        guests += d->rows[i].guest;
    for (int k = 0; k < d->nev; k++)
        events += d->ev[k].rows > 0;
    snprintf(line, sizeof line,
             "%d registros en %d eventos; %d personas servidoras públicas distintas%s%s. Las personas invitadas "
             "(%d registros) no cuentan en los indicadores. Las firmas están en la lista de asistencia de cada "
             "evento.",
             d->n, events, d->people, d->unit ? " de la unidad " : "", d->unit ? d->unit : "", guests);
    export_pdf_font(p, 8.5, 0);
    p->y += export_pdf_para(p, p->margin, p->y + 9, p->w - 2 * p->margin, 11, 4, line) * 11;
    export_pdf_rgb(p, d->f.audit.ok ? PALETTE_AUDIT_OK : PALETTE_AUDIT_BROKEN);
    export_pdf_font(p, 8, EXPORT_BOLD);
    p->y += export_pdf_para(p, p->margin, p->y + 12, p->w - 2 * p->margin, 10, 4, d->f.audit_line) * 10 + 6;
    export_pdf_finish_pages(p);
}

static int write_pdf(yr_doc *d, const char *path, int64_t now, char *err, size_t errlen)
{
    export_pdf p;
    double w, h;
    char title[200];
    export_pdf_paper(d->c, 1, &w, &h);
    snprintf(title, sizeof title, "Asistencia %d%s%s", d->year, d->unit ? " — " : "", d->unit ? d->unit : "");
    if (export_pdf_open(&p, path, w, h, title, d->f.inst, now, err, errlen) != 0)
        return -1;
    static const double base[7] = {26, 190, 74, 48, 170, 80, 132};
    double scale = (w - 2 * p.margin) / 720.0;
    for (int k = 0; k < 7; k++)
        d->colw[k] = base[k] * scale;
    p.page_head = page_head;
    p.page_foot = page_foot;
    p.ctx = d;
    export_pdf_render(&p, layout, d);
    return export_pdf_close(&p, 1, err, errlen);
}

int export_attendance_year(store *s, const config *c, int year, const char *unit, const char *format,
                           const char *path, int64_t now, char *err, size_t errlen)
{
    yr_doc *d = calloc(1, sizeof *d);
    int rc = -1;
    if (!d) {
        snprintf(err, errlen, "memoria insuficiente");
        return -1;
    }
    if (!format || (strcmp(format, "pdf") && strcmp(format, "csv") && strcmp(format, "xlsx"))) {
        snprintf(err, errlen, "formato desconocido '%s' (use pdf, csv o xlsx)", format ? format : "");
        free(d);
        return -1;
    }
    d->s = s;
    d->c = c;
    d->year = year;
    d->unit = unit && *unit ? unit : NULL;
    if (d->unit) {
        store_unit u;
        if (store_unit_get(s, d->unit, &u) != STORE_OK) {
            snprintf(err, errlen, "no hay una unidad '%s'", d->unit);
            free(d);
            return -1;
        }
        util_strlcpy(d->unit_name, u.name, sizeof d->unit_name);
    }
    store_snapshot_begin(s);
    if (load(d, err, errlen) == 0) {
        if (strcmp(format, "pdf") == 0) {
            export_unit_tz(s, c, c->unit, d->tz, sizeof d->tz);
            /* Each event's hours are on its unit's clock: one line for one
             * zone, else a line that says so. */
            char first[STORE_TZ_LEN] = "", tz[STORE_TZ_LEN];
            int mixed = 0;
            for (int k = 0; k < d->nev; k++) {
                export_unit_tz(s, c, d->ev[k].e.unit, tz, sizeof tz);
                if (!first[0])
                    util_strlcpy(first, tz, sizeof first);
                mixed |= strcmp(first, tz) != 0;
            }
            if (mixed)
                snprintf(d->tzline, sizeof d->tzline, "Horas en tiempo de la unidad de cada evento");
            else
                export_tz_text(first[0] ? first : d->tz, d->tzline, sizeof d->tzline);
            export_facts_fill(s, c, d->tz, now, &d->f);
            rc = write_pdf(d, path, now, err, errlen);
        } else {
            rc = write_table(d, format, path, err, errlen);
        }
    }
    store_snapshot_end(s);
    yr_free(d);
    free(d);
    return rc;
}
