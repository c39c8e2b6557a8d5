/* export_list.c — the two list documents, in PDF: the attendance list of
 * an event (with the drawn signatures) and the pledge database, each
 * sealed with a fingerprint of its rows signed by the kiosk key (QR code
 * and hex). Built on the primitives of export_pdf.c. */
#include "export_int.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_labels.h"
#include "indicators.h"
#include "palette.h"
#include "store_evidence.h"
#include "util.h"

/* ================= list documents (attendance, pledges) ================= */

/* The signed part of a list document: the export facts, the fingerprint
 * (SHA-256 of the list's canonical CSV, export_canon.c), its signature and
 * the signing key's fingerprint. */
typedef struct list_seal {
    export_facts f;
    char sha_hex[65], sig_hex[129], key_hex[65], payload[EXPORT_PAYLOAD_MAX];
    char kiosk[STORE_KIOSK_ID_LEN];
    int preliminary;        /* the list may still change: PRELIMINAR on every page */
    export_table *canon;    /* the canonical CSV being hashed while the rows are read */
} list_seal;

/* Starts hashing the canonical CSV of a list with columns cols. */
static int list_canon_begin(list_seal *z, const export_col *cols, int ncols, char *err, size_t errlen)
{
    z->canon = export_table_begin("sha256", NULL, "", cols, ncols, err, errlen);
    return z->canon ? 0 : -1;
}

/* Finishes the canonical CSV's hash and signs it with what id says of the
 * list, with the kiosk key of db_path. Returns 0 or -1 with err. */
static int list_sign(list_seal *z, store *s, const char *db_path, const export_list_id *id, char *err,
                     size_t errlen)
{
    unsigned char sha[32];
    int ok = export_table_digest(z->canon, sha) == 0;
    export_table_end(z->canon, 0, NULL, 0);
    z->canon = NULL;
    if (!ok) {
        snprintf(err, errlen, "export: cannot compute the list's fingerprint");
        return -1;
    }
    sodium_bin2hex(z->sha_hex, sizeof z->sha_hex, sha, sizeof sha);
    z->preliminary = id->state != EXPORT_STATE_CLOSED;
    return export_sign_list(s, db_path, id, sha, z->payload, sizeof z->payload, z->sig_hex, z->key_hex, err,
                            errlen);
}

/* Footer of every page: export facts, audit and the short fingerprint. */
static void list_footer(export_pdf *p, const list_seal *z)
{
    char fp[96];
    snprintf(fp, sizeof fp, "%sHuella SHA-256: %.16s…", z->preliminary ? "PRELIMINAR · " : "", z->sha_hex);
    export_pdf_footer_text(p, z->f.exported, z->f.audit_short, fp);
}

/* A list that may still change: a large light "PRELIMINAR" behind the
 * page and the word in red at its top right, on every page. */
static void list_preliminary_mark(export_pdf *p, const list_seal *z, const char *why)
{
    if (!z->preliminary || !p->draw)
        return;
    cairo_t *cr = p->cr;
    cairo_save(cr);
    export_pdf_rgb(p, PALETTE_WATERMARK);
    export_pdf_font(p, p->w > p->h ? 110 : 90, EXPORT_BOLD);
    double tw = export_pdf_width(p, "PRELIMINAR");
    cairo_translate(cr, p->w / 2, p->h / 2);
    cairo_rotate(cr, -atan2(p->h, p->w));
    cairo_move_to(cr, -tw / 2, 30);
    cairo_show_text(cr, "PRELIMINAR");
    cairo_restore(cr);
    export_pdf_rgb(p, PALETTE_PRELIMINARY);
    export_pdf_font(p, 8, EXPORT_BOLD);
    char line[160];
    snprintf(line, sizeof line, "PRELIMINAR — %s", why);
    export_pdf_text(p, p->w - p->margin, p->top - 8, line, 2);
}

/* Running head of the pages after the first: institution and committee on
 * the left; the document and its date or period on the right, each
 * wrapped in full (never cut). Sets p->y below it. */
static void list_running_head(export_pdf *p, const config *c, const char *inst, const char *doc, const char *when)
{
    double right = p->w - p->margin, span = right - p->margin;
    char l[6][EXPORT_LINE], r[6][EXPORT_LINE];
    export_pdf_font(p, 9, EXPORT_BOLD);
    int nl = export_pdf_wrap(p, inst, span * 0.42, 6, l), nr = export_pdf_wrap(p, doc, span * 0.55, 6, r);
    export_pdf_rgb(p, PALETTE_INK);
    for (int i = 0; i < nl; i++)
        export_pdf_text(p, p->margin, p->top + 10 + i * 10, l[i], 0);
    for (int i = 0; i < nr; i++)
        export_pdf_text(p, right, p->top + 10 + i * 10, r[i], 2);
    export_pdf_font(p, 8, 0);
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    int cl = export_pdf_wrap(p, c->committee, span * 0.42, 6, l), wl = export_pdf_wrap(p, when, span * 0.55, 6, r);
    for (int i = 0; i < cl; i++)
        export_pdf_text(p, p->margin, p->top + 11 + nl * 10 + i * 9, l[i], 0);
    for (int i = 0; i < wl; i++)
        export_pdf_text(p, right, p->top + 11 + nr * 10 + i * 9, r[i], 2);
    double below = fmax(nl * 10 + cl * 9, nr * 10 + wl * 9);
    export_pdf_hline(p, p->margin, right, p->top + 8 + below, 1, PALETTE_HEAD_INK);
    p->y = p->top + 17 + below;
}

/* The table's header band, hh high, at p->y: each column name in at most
 * two lines, a one-line name on baseline y + base, two lines 5 pt higher.
 * Advances p->y. */
static void list_table_head(export_pdf *p, const char *const *head, const double *colw, int ncols, double hh,
                            double base)
{
    double x = p->margin, y = p->y;
    if (p->draw) {
        export_pdf_rgb(p, PALETTE_HEAD_BAND);
        cairo_rectangle(p->cr, x, y, p->w - 2 * p->margin, hh);
        cairo_fill(p->cr);
    }
    export_pdf_font(p, 7.5, EXPORT_BOLD);
    export_pdf_rgb(p, PALETTE_HEAD_INK);
    for (int k = 0; k < ncols; k++) {
        char lines[2][EXPORT_LINE];
        int n = export_pdf_wrap(p, head[k], colw[k] - 6, 2, lines);
        double ty = y + (n == 1 ? base : base - 5);
        for (int i = 0; i < n; i++)
            export_pdf_text(p, x + 3, ty + i * 8.5, lines[i], 0);
        x += colw[k];
    }
    export_pdf_hline(p, p->margin, p->w - p->margin, y + hh, 0.8, PALETTE_HEAD_INK);
    p->y += hh;
}

/* The proof lines of a list's summary, in width tw from y: the audit
 * sentence, the SHA-256 fingerprint under heading, how to recompute it,
 * signed_by, the signature in hex (in colour sig_rgb), the signing key's
 * fingerprint and, when there is one, the chain head signed at this export
 * (export_facts.head_line). Returns the y below them. */
static double list_proof(export_pdf *p, const list_seal *z, double x, double y, double tw, const char *heading,
                         const char *how, const char *signed_by, unsigned sig_rgb)
{
    char line[200];
    export_pdf_rgb(p, z->f.audit.ok ? PALETTE_AUDIT_OK : PALETTE_AUDIT_BROKEN);
    export_pdf_font(p, 8.5, EXPORT_BOLD);
    y += export_pdf_para(p, x, y + 9, tw, 11, 4, z->f.audit_line) * 11 + 5;
    export_pdf_rgb(p, PALETTE_INK);
    /* The fingerprint after its heading when both fit on one line (a
     * landscape list), else below it. */
    snprintf(line, sizeof line, "%s: ", heading);
    double hw = export_pdf_width(p, line);
    export_pdf_text(p, x, y + 9, line, 0);
    export_pdf_font(p, 8, EXPORT_MONO);
    snprintf(line, sizeof line, "%.32s %.32s", z->sha_hex, z->sha_hex + 32);
    if (hw + export_pdf_width(p, line) > tw) {
        hw = 0;
        y += 12;
    }
    export_pdf_text(p, x + hw, y + 9, line, 0);
    y += 13;
    export_pdf_font(p, 8, EXPORT_ITALIC);
    y += export_pdf_para(p, x, y + 9, tw, 10.5, 3, how) * 10.5 + 2;
    export_pdf_font(p, 8.5, 0);
    y += export_pdf_para(p, x, y + 9, tw, 11, 3, signed_by) * 11;
    export_pdf_font(p, 6.5, EXPORT_MONO);
    export_pdf_rgb(p, sig_rgb);
    if (!z->f.head_line[0]) {
        snprintf(line, sizeof line, "%.64s", z->sig_hex);
        export_pdf_text(p, x, y + 8, line, 0);
        snprintf(line, sizeof line, "%.64s", z->sig_hex + 64);
        export_pdf_text(p, x, y + 16, line, 0);
        y += 20;
    } else {
        y += export_pdf_para(p, x, y + 8, tw, 8, 2, z->sig_hex) * 8 + 3;
    }
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 7.5, 0);
    snprintf(line, sizeof line, "Llave pública del quiosco %s (SHA-256): ", z->kiosk);
    export_pdf_text(p, x, y + 9, line, 0);
    double kx = x + export_pdf_width(p, line);
    export_pdf_font(p, 7.5, EXPORT_MONO);
    snprintf(line, sizeof line, "%.8s %.8s %.8s %.8s %.8s %.8s %.8s %.8s", z->key_hex, z->key_hex + 8,
             z->key_hex + 16, z->key_hex + 24, z->key_hex + 32, z->key_hex + 40, z->key_hex + 48, z->key_hex + 56);
    if (kx + export_pdf_width(p, line) > x + tw) { /* on a line of its own */
        kx = x;
        y += 10;
    }
    export_pdf_text(p, kx, y + 9, line, 0);
    y += 12;
    if (!z->f.head_line[0])
        return y;
    /* The chain head signed at this export (audit verify --head). */
    export_pdf_rgb(p, sig_rgb);
    export_pdf_font(p, 5.5, EXPORT_MONO);
    y += export_pdf_para(p, x, y + 7, tw, 6.5, 4, z->f.head_line) * 6.5;
    return y + 2;
}

/* A list document laid out by list_layout: rows are never split across
 * pages; the summary after them is kept whole, on a page of its own
 * (which page_head draws without the table header) when it does not fit. */
typedef struct list_spec {
    void *doc;
    int n;                 /* rows */
    const char *empty;     /* said instead of rows when there are none */
    /* Height of row i (or of the summary) at p->y; drawn when p->draw. */
    double (*row)(export_pdf *p, void *doc, int i);
    double (*summary)(export_pdf *p, void *doc);
    int *summary_page;     /* 1 while the summary's own page is started */
} list_spec;

static void list_layout(export_pdf *p, void *ctx)
{
    const list_spec *l = ctx;
    p->page = 0;
    export_pdf_new_page(p);
    if (l->n == 0) {
        export_pdf_font(p, 9, EXPORT_ITALIC);
        export_pdf_rgb(p, PALETTE_NOTE);
        export_pdf_text(p, p->margin + 6, p->y + 16, l->empty, 0);
        p->y += 26;
    }
    for (int i = 0; i < l->n; i++) {
        int saved = p->draw;
        p->draw = 0;
        double h = l->row(p, l->doc, i);
        p->draw = saved;
        export_pdf_need(p, h);
        l->row(p, l->doc, i);
        p->y += h;
    }
    /* The summary must not be split: measure it, then place it. */
    int saved = p->draw;
    double y0 = p->y;
    p->draw = 0;
    double need = l->summary(p, l->doc);
    p->draw = saved;
    p->y = y0;
    if (p->y + need > p->bottom) {
        *l->summary_page = 1;
        export_pdf_new_page(p);
        *l->summary_page = 0;
    }
    l->summary(p, l->doc);
    export_pdf_finish_pages(p);
}

/* ================= the attendance list ================= */

enum { ATT_COLS = 8 };

typedef struct att_item {
    char *name, *employee_no, *unit, *area, *position, *folio, *method, *uuid;
    int guest, snapshot;
    int repeated;   /* a second record of the same person (synced): marked, counted once */
    int64_t at;
    unsigned char *sig;
    size_t siglen;
} att_item;

typedef struct att_doc {
    const config *c;
    store_event ev;
    store_unit unit;
    char tz[64];
    list_seal z;
    att_item *items;
    int n, cap, staff, guests, keyed, desk, roster_rows, summary_page;
    double colw[ATT_COLS];
    export_clock clock, canon_clock;
    char reopens[2048];     /* "dd/mm/aaaa hh:mm: reason; ..." */
    int annex[4];           /* attachments by kind (export_attachment_kind_index) */
    char tzline[160];       /* export_tz_text */
} att_doc;

/* Counts the event's attachments by kind, for the "Anexos: ..." line. */
static int att_annex(const store_attachment *a, void *arg)
{
    att_doc *d = arg;
    d->annex[export_attachment_kind_index(a->kind)]++;
    return 0;
}

static char *dupstr(const char *s)
{
    return strdup(s ? s : "");
}

static int att_collect(const export_att_row *r, void *arg)
{
    att_doc *d = arg;
    export_cell cells[EXPORT_ATT_NCOLS];
    export_att_cells(r, &d->canon_clock, d->tz, cells);
    if (export_table_row(d->z.canon, cells) != 0)
        return 1;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 64;
        att_item *ni = realloc(d->items, (size_t)cap * sizeof *ni);
        if (!ni)
            return 1;
        d->items = ni;
        d->cap = cap;
    }
    att_item *it = &d->items[d->n];
    memset(it, 0, sizeof *it);
    it->name = dupstr(r->name);
    it->employee_no = dupstr(r->employee_no);
    it->unit = dupstr(r->unit);
    it->area = dupstr(r->area);
    it->position = dupstr(r->position);
    it->folio = dupstr(r->folio);
    it->method = dupstr(r->method);
    it->uuid = dupstr(r->uuid);
    it->guest = r->guest;
    it->snapshot = r->snapshot;
    it->repeated = r->repeated;
    it->at = r->at;
    if (r->sig && r->siglen) {
        it->sig = malloc(r->siglen);
        if (it->sig) {
            memcpy(it->sig, r->sig, r->siglen);
            it->siglen = r->siglen;
        }
    }
    d->n++;
    if (!it->name || !it->employee_no || !it->unit || !it->area || !it->position || !it->folio || !it->method ||
        !it->uuid || (r->sig && !it->sig))
        return 1;
    d->guests += r->guest;
    d->staff += !r->guest && !r->repeated;
    d->keyed += strcmp(r->method, "keyed") == 0;
    d->desk += strcmp(r->method, "desk") == 0;
    d->roster_rows += !r->guest && !r->snapshot;
    return 0;
}

/* Appends one reopening to d->reopens. */
static int att_reopen(int64_t at, const char *reason, void *arg)
{
    att_doc *d = arg;
    char when[32];
    size_t n = strlen(d->reopens);
    util_format_time(d->tz, at, "%d/%m/%Y %H:%M", when, sizeof when);
    snprintf(d->reopens + n, sizeof d->reopens - n, "%s%s h: «%s»", n ? "; " : "", when, reason);
    return 0;
}

static const char *event_state_text(const store_event *e)
{
    return strcmp(e->state, "closed") == 0 ? "Cerrado"
           : strcmp(e->state, "open") == 0 ? "Abierto: lista PRELIMINAR"
                                           : "En borrador: lista PRELIMINAR";
}

static void att_free(att_doc *d)
{
    for (int i = 0; i < d->n; i++) {
        att_item *it = &d->items[i];
        free(it->name);
        free(it->employee_no);
        free(it->unit);
        free(it->area);
        free(it->position);
        free(it->folio);
        free(it->method);
        free(it->uuid);
        free(it->sig);
    }
    free(d->items);
}

/* A label over a value inside a grid cell; returns the height used. */
static double field(export_pdf *p, double x, double y, double w, const char *label, const char *value,
                    int maxlines)
{
    export_pdf_rgb(p, PALETTE_LABEL);
    export_pdf_font(p, 6.5, EXPORT_BOLD);
    export_pdf_text(p, x, y + 7, label, 0);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 9, 0);
    int n = export_pdf_para(p, x, y + 18, w, 11, maxlines, value && *value ? value : "\xE2\x80\x94");
    return 10 + n * 11;
}

/* The event block of page 1; returns its height. */
static double att_event_block(export_pdf *p, att_doc *d, double y)
{
    double x = p->margin, w = p->w - 2 * p->margin, pad = 8;
    double cw = (w - 2 * pad) / 4;
    char date[160], hours[64], topics[400], unit[200], sigtxt[96];
    store_event *e = &d->ev;
    export_long_date(e->start, date, sizeof date);
    if (e->end[0] && strncmp(e->start, e->end, 10) != 0) {
        char end[64];
        export_long_date(e->end, end, sizeof end);
        size_t l = strlen(date);
        snprintf(date + l, sizeof date - l, " al %s", end);
    }
    snprintf(hours, sizeof hours, "%s%s%s h", strlen(e->start) > 11 ? e->start + 11 : "", e->end[0] ? " a " : "",
             strlen(e->end) > 11 ? e->end + 11 : "");
    size_t dl = strlen(date);
    snprintf(date + dl, sizeof date - dl, ", %s", hours);
    export_topics_text(e->topics, topics, sizeof topics);
    snprintf(unit, sizeof unit, "%s (%s)", d->unit.name[0] ? d->unit.name : e->unit, e->unit);
    snprintf(sigtxt, sizeof sigtxt, "%s", e->signature ? "Sí, capturada en pantalla" : "No");
    double yy = y + pad;
    /* Title row, full width. */
    export_pdf_rgb(p, PALETTE_LABEL);
    export_pdf_font(p, 6.5, EXPORT_BOLD);
    export_pdf_text(p, x + pad, yy + 7, "EVENTO", 0);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 12, EXPORT_BOLD);
    int n = export_pdf_para(p, x + pad, yy + 20, w - 2 * pad, 14, 8, e->title);
    yy += 10 + n * 14 + 3;
    const char *labels[2][4] = {{"TIPO", "TEMAS", "CLAVE DE ACTIVIDAD PAT", "FECHA Y HORARIO"},
                                {"ESTADO DEL EVENTO", "LUGAR", "UNIDAD", "INSTRUCTOR(A)"}};
    const char *values[2][4] = {{export_kind_label(e->kind), topics, e->pat, date},
                                {event_state_text(e), e->place, unit, e->instructor}};
    for (int r = 0; r < 2; r++) {
        double hmax = 0;
        for (int k = 0; k < 4; k++) {
            double hh = field(p, x + pad + k * cw, yy, cw - 10, labels[r][k], values[r][k], 16);
            if (hh > hmax)
                hmax = hh;
        }
        yy += hmax + 1;
    }
    double hmax = field(p, x + pad, yy, cw - 10, "FIRMA MANUSCRITA AL REGISTRARSE", sigtxt, 3);
    char ident[128];
    snprintf(ident, sizeof ident, "%s", e->id);
    field(p, x + pad + cw, yy, 2 * cw - 10, "IDENTIFICADOR DEL EVENTO", ident, 1);
    double tzh = field(p, x + pad + 3 * cw, yy, cw - 10, "HORAS DE ESTA LISTA", d->tzline, 4);
    if (tzh > hmax)
        hmax = tzh;
    yy += hmax + pad - 4;
    double hgt = yy - y;
    if (p->draw) {
        cairo_set_line_width(p->cr, 0.8);
        export_pdf_rgb(p, PALETTE_BOX);
        cairo_rectangle(p->cr, x, y, w, hgt);
        cairo_stroke(p->cr);
    }
    return hgt;
}

static const char *const ATT_HEAD[ATT_COLS] = {
    "No.", "Nombre completo", "Número de empleado", "Unidad", "Área de adscripción", "Puesto",
    "Hora (o fecha) de registro", "Firma · folio · registro",
};

static void att_page_head(export_pdf *p, void *ctx)
{
    att_doc *d = ctx;
    char sub[200];
    list_preliminary_mark(p, &d->z, strcmp(d->ev.state, "open") == 0 ? "evento abierto: la lista puede cambiar"
                                                                      : "evento en borrador: la lista puede cambiar");
    if (p->page == 1) {
        snprintf(sub, sizeof sub, "Evidencia del Programa Anual de Trabajo%s%s", d->ev.pat[0] ? " · actividad " : "",
                 d->ev.pat);
        p->y = export_pdf_letterhead(p, d->c, d->z.f.inst, "Lista de asistencia", sub);
        p->y += att_event_block(p, d, p->y) + 10;
    } else {
        char date[96], title[EXPORT_LINE];
        export_long_date(d->ev.start, date, sizeof date);
        snprintf(title, sizeof title, "Lista de asistencia · %s", d->ev.title);
        list_running_head(p, d->c, d->z.f.inst, title, date);
    }
    if (!d->summary_page)
        list_table_head(p, ATT_HEAD, d->colw, ATT_COLS, 24, 15);
}

static void att_page_foot(export_pdf *p, void *ctx)
{
    att_doc *d = ctx;
    list_footer(p, &d->z);
}

/* Height (and, when drawing, the drawing) of attendance row i at p->y. */
static double att_row(export_pdf *p, void *ctx, int i)
{
    att_doc *d = ctx;
    const double lh = 9.6, pad = 4;
    att_item *it = &d->items[i];
    char no[16], hour[32], name[420], empno[80], unit[80];
    struct tm tm;
    snprintf(no, sizeof no, "%d", i + 1);
    /* A record older than snapshots shows today's roster: marked † (the
     * "adscripcion" column of the CSV says "padrón actual"). */
    snprintf(unit, sizeof unit, "%s%s", it->unit, it->guest || it->snapshot ? "" : " †");
    export_localtime(&d->clock, d->tz, it->at, &tm);
    if (strcmp(it->method, "keyed") == 0) /* a paper list typed in: the day it happened, not the typing */
        export_keyed_day(&tm, d->ev.start, d->ev.end, hour, sizeof hour);
    else if (strncmp(d->ev.start, "0000", 4) != 0 && tm.tm_mday == atoi(d->ev.start + 8) &&
             tm.tm_mon + 1 == atoi(d->ev.start + 5))
        snprintf(hour, sizeof hour, "%02d:%02d", tm.tm_hour, tm.tm_min);
    else
        snprintf(hour, sizeof hour, "%02d/%02d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_hour, tm.tm_min);
    snprintf(name, sizeof name, "%s", it->name);
    snprintf(empno, sizeof empno, "%s%s", it->guest ? "Persona invitada" : it->employee_no,
             it->repeated ? " (repetido)" : "");
    const char *cells[ATT_COLS - 1] = {no, name, empno, it->guest ? "\xE2\x80\x94" : unit,
                                       it->guest ? "\xE2\x80\x94" : it->area,
                                       it->guest ? "\xE2\x80\x94" : it->position, hour};
    /* Measure. */
    int maxl = 1;
    int nl[ATT_COLS - 1];
    export_pdf_font(p, 8, 0);
    for (int k = 0; k < ATT_COLS - 1; k++) {
        char lines[5][EXPORT_LINE];
        nl[k] = export_pdf_wrap(p, cells[k], d->colw[k] - 2 * pad, 5, lines);
        if (nl[k] > maxl)
            maxl = nl[k];
    }
    double h = fmax(34, 2 * pad + 2 + maxl * lh);
    if (!p->draw)
        return h;
    double x = p->margin, y = p->y;
    if (i % 2) {
        export_pdf_rgb(p, PALETTE_ROW_ALT);
        cairo_rectangle(p->cr, x, y, p->w - 2 * p->margin, h);
        cairo_fill(p->cr);
    }
    export_pdf_rgb(p, PALETTE_INK);
    for (int k = 0; k < ATT_COLS - 1; k++) {
        export_pdf_font(p, 8, k == 1 ? EXPORT_BOLD : 0);
        if (k == 2 && it->guest) {
            export_pdf_font(p, 8, EXPORT_ITALIC);
            export_pdf_rgb(p, PALETTE_GUEST);
        }
        export_pdf_para(p, x + pad, y + pad + 7.5, d->colw[k] - 2 * pad, lh, 5, cells[k]);
        export_pdf_rgb(p, PALETTE_INK);
        x += d->colw[k];
    }
    /* The signature cell. */
    double sw = d->colw[ATT_COLS - 1];
    char fol[160];
    const char *how = export_method_label(it->method);
    snprintf(fol, sizeof fol, "Folio %s · %s", it->folio, how);
    if (it->sig && export_pdf_signature(p, x + pad, y + 2, sw - 2 * pad, h - 11, it->sig, it->siglen) == 0) {
        export_pdf_font(p, 5.5, 0);
        export_pdf_rgb(p, PALETTE_FAINT);
        export_pdf_text(p, x + sw - pad, y + h - 3, fol, 2);
    } else {
        const char *why = it->sig                               ? "Firma ilegible en el registro"
                          : strcmp(it->method, "keyed") == 0 ? "Firmó la lista en papel"
                                                              : "Sin firma";
        export_pdf_font(p, 7.5, EXPORT_ITALIC);
        export_pdf_rgb(p, PALETTE_NOTE);
        export_pdf_text(p, x + pad, y + pad + 7.5, why, 0);
        export_pdf_font(p, 7, 0);
        export_pdf_para(p, x + pad, y + pad + 7.5 + lh, sw - 2 * pad, lh, 2, fol);
    }
    /* Row rule. */
    export_pdf_hline(p, p->margin, p->w - p->margin, y + h, 0.3, PALETTE_ROW_RULE);
    return h;
}

/* Summary, fingerprint and signature lines after the table. */
static double att_summary(export_pdf *p, void *ctx)
{
    att_doc *d = ctx;
    const double qr = 120;
    double x = p->margin, w = p->w - 2 * p->margin, y = p->y + 12;
    double tw = w - qr - 24;
    char line[2400];
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10, EXPORT_BOLD);
    export_pdf_text(p, x, y + 10, "Resumen", 0);
    y += 16;
    const int kiosk_rows = d->n - d->keyed - d->desk;
    snprintf(line, sizeof line, "Personas servidoras públicas registradas: %d", d->staff);
    export_pdf_font(p, 9, EXPORT_BOLD);
    export_pdf_text(p, x, y + 9, line, 0);
    y += 12;
    export_pdf_font(p, 8.5, 0);
    snprintf(line, sizeof line,
             "Personas invitadas: %d (no cuentan en los indicadores). Registros: %d (%d en el quiosco, %d en la mesa "
             "de registro, %d de lista en papel).",
             d->guests, d->n, kiosk_rows, d->desk, d->keyed);
    y += export_pdf_para(p, x, y + 9, tw, 11, 3, line) * 11;
    char annex[400];
    export_attachments_text(d->annex, annex, sizeof annex);
    if (annex[0]) {
        size_t al = strlen(annex);
        snprintf(annex + al, sizeof annex - al, " (en el paquete de evidencias, junto a esta lista).");
        export_pdf_font(p, 8.5, EXPORT_BOLD);
        y += export_pdf_para(p, x, y + 9, tw, 11, 3, annex) * 11;
        export_pdf_font(p, 8.5, 0);
    }
    if (d->roster_rows) {
        snprintf(line, sizeof line,
                 "† %d registro(s) anteriores a que el programa guardara la adscripción: su unidad, área y "
                 "puesto son los del padrón actual, no necesariamente los de ese día.", d->roster_rows);
        export_pdf_font(p, 8, EXPORT_ITALIC);
        y += export_pdf_para(p, x, y + 9, tw, 10.5, 3, line) * 10.5;
        export_pdf_font(p, 8.5, 0);
    }
    if (d->reopens[0]) {
        snprintf(line, sizeof line, "Evento reabierto después de cerrarse: %s.", d->reopens);
        export_pdf_font(p, 8.5, EXPORT_BOLD);
        y += export_pdf_para(p, x, y + 9, tw, 11, 6, line) * 11;
        export_pdf_font(p, 8.5, 0);
    }
    y += 4;
    snprintf(line, sizeof line,
             "Es el SHA-256 del CSV de esta lista (cepci-kiosk export attendance %.8s --format csv): compruébelo "
             "con «sha256sum».", d->ev.id);
    char signed_by[400];
    snprintf(signed_by, sizeof signed_by,
             "Firmada con Ed25519 por el quiosco %s; el QR nombra el evento, %d filas y el estado («cepci-kiosk "
             "verify»). Firma:", d->z.kiosk, d->n);
    y = list_proof(p, &d->z, x, y, tw, "Huella digital SHA-256 de la lista", line, signed_by, PALETTE_INK_SOFT);
    double qy = p->y + 12;
    export_pdf_qr(p, x + w - qr, qy, qr, d->z.payload);
    export_pdf_font(p, 6.5, 0);
    export_pdf_rgb(p, PALETTE_NOTE);
    export_pdf_text(p, x + w - qr / 2, qy + qr + 8, "Huella firmada de la lista", 1);
    if (y < qy + qr + 12)
        y = qy + qr + 12;
    /* Signature lines for the people who vouch for the list. */
    y += 26;
    const char *who[] = {"Nombre y firma de la persona instructora", "Nombre y firma de la Secretaría Técnica del Comité"};
    double lw = (w - 60) / 2;
    for (int k = 0; k < 2; k++) {
        double lx = x + k * (lw + 60);
        export_pdf_hline(p, lx, lx + lw, y, 0.7, PALETTE_INK);
        export_pdf_rgb(p, PALETTE_INK_SOFT);
        export_pdf_font(p, 8, 0);
        export_pdf_text(p, lx + lw / 2, y + 11, who[k], 1);
    }
    y += 16;
    return y - p->y;
}

int export_attendance_pdf(store *s, const config *c, const char *db_path, const store_event *ev,
                          const char *path, int64_t now, char *err, size_t errlen)
{
    att_doc *d = calloc(1, sizeof *d);
    export_pdf p;
    int rc = -1, opened = 0, snap = 0;
    if (!d) {
        snprintf(err, errlen, "export: out of memory");
        return -1;
    }
    d->c = c;
    d->ev = *ev;
    if (store_unit_get(s, ev->unit, &d->unit) != STORE_OK)
        memset(&d->unit, 0, sizeof d->unit);
    export_unit_tz(s, c, ev->unit, d->tz, sizeof d->tz);
    export_tz_text(d->tz, d->tzline, sizeof d->tzline);
    util_strlcpy(d->z.kiosk, store_kiosk_id(s), sizeof d->z.kiosk);
    if (list_canon_begin(&d->z, EXPORT_ATT_COLS, EXPORT_ATT_NCOLS, err, errlen) != 0)
        goto cleanup;
    /* One state of the records for the rows, their fingerprint and the
     * reopenings, whatever the kiosk writes meanwhile. */
    store_snapshot_begin(s);
    snap = 1;
    int r = export_att_each(s, ev, 1, att_collect, d);
    if (r) {
        snprintf(err, errlen, r == STORE_ERROR ? "cannot read the attendance list" : "export: out of memory");
        goto cleanup;
    }
    if (store_event_reopen_each(s, ev->id, att_reopen, d) != STORE_OK) {
        snprintf(err, errlen, "cannot read the attendance list: %s", store_errmsg(s));
        goto cleanup;
    }
    if (store_attachment_each(s, ev->id, 0, att_annex, d) != STORE_OK) {
        snprintf(err, errlen, "cannot read the attachments: %s", store_errmsg(s));
        goto cleanup;
    }
    export_facts_fill(s, c, d->tz, now, &d->z.f);
    store_snapshot_end(s);
    snap = 0;
    export_list_id id = {EXPORT_FP_ATTENDANCE, d->n, export_event_state(ev), ev, 0, d->z.f.inst};
    if (list_sign(&d->z, s, db_path, &id, err, errlen) != 0)
        goto cleanup;
    double w, hgt;
    export_pdf_paper(c, 1, &w, &hgt);
    char title[400];
    snprintf(title, sizeof title, "Lista de asistencia — %s", ev->title);
    if (export_pdf_open(&p, path, w, hgt, title, d->z.f.inst, now, err, errlen) != 0)
        goto cleanup;
    opened = 1;
    /* Column widths for a 720 pt table (Letter landscape), scaled. */
    static const double base[ATT_COLS] = {24, 146, 62, 44, 100, 100, 60, 184};
    double scale = (w - 2 * p.margin) / 720.0;
    for (int k = 0; k < ATT_COLS; k++)
        d->colw[k] = base[k] * scale;
    p.page_head = att_page_head;
    p.page_foot = att_page_foot;
    p.ctx = d;
    list_spec list = {d, d->n, "Sin registros de asistencia en este evento.", att_row, att_summary,
                      &d->summary_page};
    export_pdf_render(&p, list_layout, &list);
    rc = export_pdf_close(&p, 1, err, errlen);
    opened = 0;
cleanup:
    if (snap)
        store_snapshot_end(s);
    if (opened)
        export_pdf_close(&p, 0, NULL, 0);
    if (d->z.canon)
        export_table_end(d->z.canon, 0, NULL, 0);
    att_free(d);
    free(d);
    return rc;
}

/* ================= the pledge database ================= */

enum { PL_COLS = 8 };

typedef struct pl_item {
    char *name, *employee_no, *unit, *folio, *detail; /* detail: "area · position" */
    char when[20];
    char version[16];
    char uuid[UTIL_UUID_LEN];
    int keyed, snapshot, has_sig;
} pl_item;

typedef struct pl_doc {
    const config *c;
    int year, ind_year;
    indicators ind;
    char tz[64], period[160];
    list_seal z;
    pl_item *items;
    int n, cap, keyed, roster_rows, summary_page;
    double colw[PL_COLS];
    export_clock *clock, *canon_clock;
    store *s;               /* each drawn signature is read as its row is drawn */
} pl_doc;

static int pl_collect(const export_pledge_row *r, void *arg)
{
    pl_doc *d = arg;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 256;
        pl_item *ni = realloc(d->items, (size_t)cap * sizeof *ni);
        if (!ni)
            return 1;
        d->items = ni;
        d->cap = cap;
    }
    pl_item *it = &d->items[d->n++];
    struct tm tm;
    export_cell cells[EXPORT_PL_NCOLS];
    char ver[16], detail[2 * STORE_TEXT_LEN + 8];
    export_pl_cells(r, d->canon_clock, cells, ver);
    memset(it, 0, sizeof *it);
    it->name = dupstr(r->name);
    it->employee_no = dupstr(r->employee_no);
    it->unit = dupstr(r->unit);
    it->folio = dupstr(r->folio);
    snprintf(detail, sizeof detail, "%s%s%s", r->area, r->area[0] && r->position[0] ? " · " : "", r->position);
    it->detail = dupstr(detail);
    export_localtime(d->clock, r->tz, r->at, &tm);
    if (strcmp(r->method, "keyed") == 0) /* a paper Carta typed in: the day it was signed */
        snprintf(it->when, sizeof it->when, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    else
        snprintf(it->when, sizeof it->when, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    snprintf(it->version, sizeof it->version, "%s", ver);
    it->keyed = strcmp(r->method, "keyed") == 0;
    it->snapshot = r->snapshot;
    it->has_sig = r->has_sig;
    util_strlcpy(it->uuid, r->uuid, sizeof it->uuid);
    d->keyed += it->keyed;
    d->roster_rows += !r->snapshot;
    return !it->name || !it->employee_no || !it->unit || !it->folio || !it->detail ||
           export_table_row(d->z.canon, cells) != 0;
}

static void pl_free(pl_doc *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->items[i].name);
        free(d->items[i].employee_no);
        free(d->items[i].unit);
        free(d->items[i].folio);
        free(d->items[i].detail);
    }
    free(d->items);
    indicators_free(&d->ind);
}

static const char *const PL_HEAD[PL_COLS] = {
    "No.", "Nombre completo · área y puesto", "Número de empleado", "Unidad", "Fecha y hora de firma",
    "Versión de la Carta", "Folio", "Firma",
};

/* Per-unit IV.3 summary table with small bars; returns its height. */
static double pl_unit_summary(export_pdf *p, pl_doc *d)
{
    double x = p->margin, w = p->w - 2 * p->margin, y = p->y;
    const indicators *ind = &d->ind;
    char t[200];
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10, EXPORT_BOLD);
    snprintf(t, sizeof t, "Firmantes por unidad al cierre de %d (indicador IV.3, meta %.0f %%)", d->ind_year,
             ind->goal_pledged);
    export_pdf_text(p, x, y + 10, t, 0);
    y += 18;
    const double cx[] = {0, 0.42, 0.52, 0.62, 0.72};
    const char *hd[] = {"Unidad", "Personal", "Firmantes", "Porcentaje", "Avance contra la meta"};
    export_pdf_font(p, 7.5, EXPORT_BOLD);
    export_pdf_rgb(p, PALETTE_LABEL);
    for (int k = 0; k < 5; k++)
        export_pdf_text(p, x + cx[k] * w, y + 8, hd[k], 0);
    y += 11;
    export_pdf_hline(p, x, x + w, y, 0.6, PALETTE_HEAD_INK);
    for (int i = 0; i <= ind->nunits; i++) {
        int tot = i == ind->nunits;
        const ind_unit *u = tot ? NULL : &ind->units[i];
        double pct = tot ? ind->pledged_pct : u->pledged_pct;
        char name[200], a[32], b[32], c3[32];
        snprintf(name, sizeof name, "%s%s%s", tot ? "Total" : u->name, tot ? "" : " · ", tot ? "" : u->code);
        snprintf(a, sizeof a, "%d", tot ? ind->staff : u->staff);
        snprintf(b, sizeof b, "%d", tot ? ind->pledged : u->pledged);
        snprintf(c3, sizeof c3, "%.2f %%", pct);
        export_pdf_rgb(p, PALETTE_INK);
        export_pdf_font(p, 8.5, tot ? EXPORT_BOLD : 0);
        char lines[1][EXPORT_LINE];
        export_pdf_wrap(p, name, cx[1] * w - 8, 1, lines);
        export_pdf_text(p, x, y + 11, lines[0], 0);
        export_pdf_text(p, x + cx[2] * w - 10, y + 11, a, 2);
        export_pdf_text(p, x + cx[3] * w - 10, y + 11, b, 2);
        export_pdf_text(p, x + cx[4] * w - 10, y + 11, c3, 2);
        if (p->draw) {
            double bx = x + cx[4] * w, bw = w * (1 - cx[4]), fill = bw * fmin(pct, 100) / 100;
            export_pdf_rgb(p, PALETTE_BAR_TRACK);
            cairo_rectangle(p->cr, bx, y + 4, bw, 8);
            cairo_fill(p->cr);
            export_pdf_rgb(p, pct >= ind->goal_pledged ? PALETTE_GOOD : PALETTE_BAD);
            cairo_rectangle(p->cr, bx, y + 4, fill, 8);
            cairo_fill(p->cr);
            double gx = bx + bw * fmin(ind->goal_pledged, 100) / 100;
            export_pdf_rgb(p, PALETTE_INK);
            cairo_set_line_width(p->cr, 1);
            cairo_move_to(p->cr, gx, y + 2);
            cairo_line_to(p->cr, gx, y + 14);
            cairo_stroke(p->cr);
        }
        y += 15;
        if (tot || i == ind->nunits - 1)
            export_pdf_hline(p, x, x + w, y, 0.4, PALETTE_ROW_RULE);
    }
    export_pdf_font(p, 7, EXPORT_ITALIC);
    export_pdf_rgb(p, PALETTE_NOTE);
    export_pdf_text(p, x, y + 10, "Verde: cumple la meta; rojo: por debajo de la meta. La línea vertical marca la meta.", 0);
    return y + 16 - p->y;
}

static void pl_page_head(export_pdf *p, void *ctx)
{
    pl_doc *d = ctx;
    list_preliminary_mark(p, &d->z, "el periodo no ha concluido: la base puede cambiar");
    if (p->page == 1) {
        p->y = export_pdf_letterhead(p, d->c, d->z.f.inst, "Carta Compromiso", "Base de datos de firmantes");
        export_pdf_rgb(p, PALETTE_INK);
        export_pdf_font(p, 9, 0);
        export_pdf_text(p, p->margin, p->y + 8, d->period, 0);
        p->y += 18;
        p->y += pl_unit_summary(p, d) + 8;
        export_pdf_rgb(p, PALETTE_INK);
        export_pdf_font(p, 10, EXPORT_BOLD);
        export_pdf_text(p, p->margin, p->y + 10, "Personas firmantes", 0);
        p->y += 16;
    } else {
        list_running_head(p, d->c, d->z.f.inst, "Carta Compromiso · base de datos de firmantes", d->period);
    }
    if (!d->summary_page)
        list_table_head(p, PL_HEAD, d->colw, PL_COLS, 22, 14);
}

static void pl_page_foot(export_pdf *p, void *ctx)
{
    pl_doc *d = ctx;
    list_footer(p, &d->z);
}

static double pl_row(export_pdf *p, void *ctx, int i)
{
    pl_doc *d = ctx;
    const double pad = 3, lh = 9.4;
    pl_item *it = &d->items[i];
    char no[16], unit[80];
    snprintf(no, sizeof no, "%d", i + 1);
    snprintf(unit, sizeof unit, "%s%s", it->unit, it->snapshot ? "" : " †");
    const char *cells[PL_COLS] = {no, it->name, it->employee_no, unit, it->when, it->version, it->folio, ""};
    export_pdf_font(p, 8, 0);
    char lines[6][EXPORT_LINE], dl[6][EXPORT_LINE]; /* wrapped in full, never cut */
    int n = export_pdf_wrap(p, it->name, d->colw[1] - 2 * pad, 6, lines);
    export_pdf_font(p, 6.5, 0);
    int nd = it->detail[0] ? export_pdf_wrap(p, it->detail, d->colw[1] - 2 * pad, 6, dl) : 0;
    double h = 2 * pad + 2 + n * lh + nd * 7.5;
    if (it->has_sig && h < 30)
        h = 30; /* room for the drawn signature */
    if (!p->draw)
        return h;
    double x = p->margin;
    if (i % 2) {
        export_pdf_rgb(p, PALETTE_ROW_ALT);
        cairo_rectangle(p->cr, x, p->y, p->w - 2 * p->margin, h);
        cairo_fill(p->cr);
    }
    export_pdf_rgb(p, PALETTE_INK);
    for (int k = 0; k < PL_COLS; k++) {
        export_pdf_font(p, 8, k == 5 ? EXPORT_MONO : 0);
        if (k == 1) {
            for (int l = 0; l < n; l++)
                export_pdf_text(p, x + pad, p->y + pad + 8 + l * lh, lines[l], 0);
            export_pdf_font(p, 6.5, 0);
            export_pdf_rgb(p, PALETTE_NOTE);
            for (int l = 0; l < nd; l++)
                export_pdf_text(p, x + pad, p->y + pad + 8 + n * lh + l * 7.5, dl[l], 0);
            export_pdf_rgb(p, PALETTE_INK);
        } else if (k == PL_COLS - 1) {
            /* The signature drawn at the kiosk, as on the attendance list;
             * a paper Carta says so. */
            void *blob = NULL;
            size_t bl = 0;
            int drawn = it->has_sig && store_pledge_signature(d->s, it->uuid, &blob, &bl) == STORE_OK &&
                        export_pdf_signature(p, x + 2, p->y + 2, d->colw[k] - 4, h - 4, blob, bl) == 0;
            free(blob);
            if (!drawn) {
                export_pdf_font(p, 7, EXPORT_ITALIC);
                export_pdf_rgb(p, PALETTE_NOTE);
                export_pdf_para(p, x + pad, p->y + pad + 8, d->colw[k] - 2 * pad, 8, 2,
                                it->keyed ? "Carta en papel" : it->has_sig ? "Firma ilegible" : "Sin firma");
                export_pdf_rgb(p, PALETTE_INK);
            }
        } else {
            export_pdf_para(p, x + pad, p->y + pad + 8, d->colw[k] - 2 * pad, lh, 1, cells[k]);
        }
        x += d->colw[k];
    }
    export_pdf_hline(p, p->margin, p->w - p->margin, p->y + h, 0.3, PALETTE_ROW_RULE);
    return h;
}

static double pl_summary(export_pdf *p, void *ctx)
{
    pl_doc *d = ctx;
    const double qr = 120;
    double x = p->margin, w = p->w - 2 * p->margin, y = p->y + 14, tw = w - qr - 20;
    char line[800];
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10, EXPORT_BOLD);
    export_pdf_text(p, x, y + 10, "Resumen", 0);
    y += 16;
    export_pdf_font(p, 9, EXPORT_BOLD);
    snprintf(line, sizeof line, "Firmas registradas: %d (%d en el quiosco, con firma manuscrita capturada en pantalla; %d de "
             "cartas en papel capturadas).",
             d->n, d->n - d->keyed, d->keyed);
    y += export_pdf_para(p, x, y + 9, tw, 11, 3, line) * 11 + 2;
    if (d->roster_rows) {
        snprintf(line, sizeof line,
                 "† %d firma(s) anteriores a que el programa guardara la adscripción: su unidad, área y puesto "
                 "son los del padrón actual.", d->roster_rows);
        export_pdf_font(p, 8, EXPORT_ITALIC);
        y += export_pdf_para(p, x, y + 9, tw, 10.5, 3, line) * 10.5 + 2;
    }
    char how[300], signed_by[300];
    snprintf(how, sizeof how,
             "Es el SHA-256 del CSV de esta base (cepci-kiosk export pledges%s%.0d --format csv): compruébelo con "
             "«sha256sum».", d->year ? " --year " : "", d->year);
    snprintf(signed_by, sizeof signed_by, "Firmada con Ed25519 por el quiosco %s; el código QR nombra el periodo, "
             "las %d filas y el estado, y se comprueba con «cepci-kiosk verify». Firma:", d->z.kiosk, d->n);
    y = list_proof(p, &d->z, x, y, tw, "Huella digital SHA-256 de la base de firmantes", how, signed_by, PALETTE_INK);
    export_pdf_qr(p, x + w - qr, p->y + 14, qr, d->z.payload);
    if (y < p->y + 14 + qr + 6)
        y = p->y + 14 + qr + 6;
    return y - p->y;
}

int export_pledges_pdf(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                       char *err, size_t errlen)
{
    pl_doc *d = calloc(1, sizeof *d);
    export_clock *clock = calloc(2, sizeof *clock);
    export_pdf p;
    int rc = -1, opened = 0, snap = 0;
    if (!d || !clock) {
        snprintf(err, errlen, "export: out of memory");
        goto cleanup;
    }
    d->c = c;
    d->year = year;
    d->clock = clock;
    d->canon_clock = clock + 1;
    export_unit_tz(s, c, c->unit, d->tz, sizeof d->tz);
    util_strlcpy(d->z.kiosk, store_kiosk_id(s), sizeof d->z.kiosk);
    struct tm tm;
    util_utc_to_local(d->tz, now, &tm);
    d->ind_year = year ? year : tm.tm_year + 1900;
    if (year)
        snprintf(d->period, sizeof d->period, "Firmas registradas hasta el 31 de diciembre de %d", year);
    else
        snprintf(d->period, sizeof d->period, "Todas las firmas registradas");
    if (list_canon_begin(&d->z, EXPORT_PL_COLS, EXPORT_PL_NCOLS, err, errlen) != 0)
        goto cleanup;
    store_snapshot_begin(s);
    snap = 1;
    if (indicators_compute(s, c, d->ind_year, &d->ind) != STORE_OK) {
        snprintf(err, errlen, "cannot compute the indicators: %s", store_errmsg(s));
        goto cleanup;
    }
    d->s = s;
    int r = export_pledge_each(s, year, clock, pl_collect, d);
    if (r) {
        snprintf(err, errlen, r == STORE_ERROR ? "cannot read the pledges" : "export: out of memory");
        goto cleanup;
    }
    export_facts_fill(s, c, d->tz, now, &d->z.f);
    store_snapshot_end(s);
    snap = 0;
    export_list_id id = {EXPORT_FP_PLEDGES, d->n, export_pledges_state(year, now, d->tz), NULL, year, d->z.f.inst};
    if (list_sign(&d->z, s, db_path, &id, err, errlen) != 0)
        goto cleanup;
    double w, hgt;
    export_pdf_paper(c, 0, &w, &hgt);
    if (export_pdf_open(&p, path, w, hgt, "Carta Compromiso — base de datos de firmantes", d->z.f.inst, now, err,
                        errlen) != 0)
        goto cleanup;
    opened = 1;
    static const double base[PL_COLS] = {24, 126, 56, 40, 72, 68, 80, 74};
    double scale = (w - 2 * p.margin) / 540.0;
    for (int k = 0; k < PL_COLS; k++)
        d->colw[k] = base[k] * scale;
    p.page_head = pl_page_head;
    p.page_foot = pl_page_foot;
    p.ctx = d;
    list_spec list = {d, d->n, "Sin firmas registradas en el periodo.", pl_row, pl_summary, &d->summary_page};
    export_pdf_render(&p, list_layout, &list);
    rc = export_pdf_close(&p, 1, err, errlen);
    opened = 0;
cleanup:
    if (snap)
        store_snapshot_end(s);
    if (opened)
        export_pdf_close(&p, 0, NULL, 0);
    if (d) {
        if (d->z.canon)
            export_table_end(d->z.canon, 0, NULL, 0);
        pl_free(d);
    }
    free(d);
    free(clock);
    return rc;
}
