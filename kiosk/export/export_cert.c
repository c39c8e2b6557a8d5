/* export_cert.c — certificates of participation ("constancias de
 * participación"): one page per staff attendee of an event, or one page
 * with a person's trainings of a year; each with a QR that `verify`
 * accepts. See evidence.h.
 *
 * The QR payload is self-describing, so an auditor with only the kiosk's
 * public key learns whom and what it certifies:
 *   "CKC1:" + base45(record || Ed25519 signature over "CKC1" || record)
 * record (integers big-endian, strings as a length byte and UTF-8):
 *   u8 version (1), u8 type (1 event, 2 a person's year), 7 bytes kiosk id,
 *   str employee number, str name (at most 120 bytes, cut at a character);
 *   type 1: str folio, 16 bytes event UUID, u32 date YYYYMMDD, u16 minutes
 *           (0 = not recorded), str PAT key, str title (at most 120 bytes);
 *   type 2: u16 year, u16 count, u32 total minutes, 32 bytes SHA-256 of the
 *           page's list ("CKC1-LIST\n", then per training "folio|date|
 *           minutes|title\n").
 * Pages are laid out for letterhead paper: the margins come from the
 * config's [certificates] section. */
#include "evidence.h"
#include "export_int.h"
#include "export_labels.h"

#include <cairo.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base45.h"
#include "keys.h"
#include "palette.h"
#include "store_evidence.h"
#include "text.h"
#include "util.h"

#define CERT_TAG "CKC1"
#define CERT_MAX_REC 512
#define CERT_NAME_MAX 120
#define CERT_PAYLOAD_MAX 1100

/* ---- the payload ---- */

typedef struct rec {
    unsigned char b[CERT_MAX_REC];
    size_t n;
    int bad;
} rec;

static void put8(rec *r, unsigned v)
{
    if (r->n + 1 > sizeof r->b)
        r->bad = 1;
    else
        r->b[r->n++] = (unsigned char)v;
}
static void put16(rec *r, unsigned v)
{
    put8(r, (v >> 8) & 255);
    put8(r, v & 255);
}
static void put32(rec *r, unsigned long v)
{
    put16(r, (unsigned)((v >> 16) & 0xFFFF));
    put16(r, (unsigned)(v & 0xFFFF));
}
static void putbytes(rec *r, const void *p, size_t n)
{
    if (r->n + n > sizeof r->b) {
        r->bad = 1;
        return;
    }
    memcpy(r->b + r->n, p, n);
    r->n += n;
}
/* A string of at most max bytes (cut at a character boundary). */
static void putstr(rec *r, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (max > 255)
        max = 255;
    if (n > max)
        n = text_utf8_floor(s, n, max);
    put8(r, (unsigned)n);
    putbytes(r, s, n);
}

static int uuid_bytes(const char *uuid, unsigned char out[16])
{
    char hex[33];
    size_t k = 0;
    for (const char *p = uuid; *p && k < 32; p++)
        if (*p != '-')
            hex[k++] = *p;
    hex[k] = '\0';
    size_t bl = 0;
    return k == 32 && sodium_hex2bin(out, 16, hex, 32, NULL, &bl, NULL) == 0 && bl == 16 ? 0 : -1;
}

static void uuid_text(const unsigned char b[16], char out[37])
{
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, b, 16);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* 0 when the database's audit chain verifies; else -1 and why in err. A
 * certificate is a document signed with the kiosk key and handed to a
 * person: none is signed over records the chain does not vouch for (a
 * record put in by hand would otherwise come out with a genuine
 * signature: the session-5 red team). */
static int cert_chain_sound(store *s, char *err, size_t errlen)
{
    if (store_audit_verify(s, NULL) == STORE_OK)
        return 0;
    snprintf(err, errlen, "no certificate is signed over an audit chain that does not verify (run: cepci-kiosk "
             "audit verify): %s", store_errmsg(s));
    return -1;
}

/* Signs record r with the kiosk key of db_path into payload. */
static int cert_sign(store *s, const char *db_path, const rec *r, char *payload, size_t len, char *err,
                     size_t errlen)
{
    unsigned char sk[KEYS_SECRET_BYTES], msg[4 + CERT_MAX_REC], bin[CERT_MAX_REC + crypto_sign_BYTES];
    char b45[CERT_PAYLOAD_MAX];
    (void)s;
    if (r->bad) {
        snprintf(err, errlen, "la constancia no cabe en el código QR");
        return -1;
    }
    if (keys_load_secret(db_path, sk, err, errlen) != 0)
        return -1;
    memcpy(msg, CERT_TAG, 4);
    memcpy(msg + 4, r->b, r->n);
    memcpy(bin, r->b, r->n);
    crypto_sign_detached(bin + r->n, NULL, msg, 4 + r->n, sk);
    sodium_memzero(sk, sizeof sk);
    if (base45_encode(bin, r->n + crypto_sign_BYTES, b45, sizeof b45) == 0) {
        snprintf(err, errlen, "la constancia no cabe en el código QR");
        return -1;
    }
    snprintf(payload, len, "%s:%s", CERT_TAG, b45);
    return 0;
}

/* Reading a record. */
typedef struct reader {
    const unsigned char *p;
    size_t n, i;
    int bad;
} reader;

static unsigned get8(reader *r)
{
    if (r->i + 1 > r->n) {
        r->bad = 1;
        return 0;
    }
    return r->p[r->i++];
}
static unsigned get16(reader *r)
{
    unsigned a = get8(r);
    return a << 8 | get8(r);
}
static unsigned long get32(reader *r)
{
    unsigned long a = get16(r);
    return a << 16 | get16(r);
}
static void getbytes(reader *r, void *out, size_t n)
{
    if (r->i + n > r->n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->i, n);
    r->i += n;
}
/* A string into out[outlen]; it must be valid UTF-8 without control characters. */
static void getstr(reader *r, char *out, size_t outlen)
{
    unsigned n = get8(r);
    if (n >= outlen || r->i + n > r->n) {
        r->bad = 1;
        out[0] = '\0';
        return;
    }
    memcpy(out, r->p + r->i, n);
    out[n] = '\0';
    r->i += n;
    if (!util_utf8_valid(out, n) || util_has_control(out))
        r->bad = 1;
}

int export_cert_verify(store *s, const char *payload, export_cert_fields *out, char *err, size_t errlen)
{
    unsigned char bin[CERT_MAX_REC + crypto_sign_BYTES + 8], msg[4 + CERT_MAX_REC], pk[32];
    size_t n = 0;
    export_cert_fields f;
    memset(&f, 0, sizeof f);
    if (!payload || strncmp(payload, CERT_TAG ":", 5) != 0) {
        snprintf(err, errlen, "no es el código QR de una constancia (debe empezar por CKC1:)");
        return -1;
    }
    if (base45_decode(payload + 5, bin, sizeof bin, &n) != 0 || n <= crypto_sign_BYTES + 9) {
        snprintf(err, errlen, "el código de la constancia está mal formado o incompleto");
        return -1;
    }
    size_t rn = n - crypto_sign_BYTES;
    reader r = {bin, rn, 0, 0};
    unsigned version = get8(&r);
    f.type = (int)get8(&r);
    getbytes(&r, f.kiosk_id, 7);
    f.kiosk_id[7] = '\0';
    getstr(&r, f.employee_no, sizeof f.employee_no);
    getstr(&r, f.name, sizeof f.name);
    if (f.type == 1) {
        unsigned char id[16];
        getstr(&r, f.folio, sizeof f.folio);
        getbytes(&r, id, 16);
        uuid_text(id, f.event_id);
        unsigned long ymd = get32(&r);
        snprintf(f.event_date, sizeof f.event_date, "%04lu-%02lu-%02lu", ymd / 10000 % 10000, ymd / 100 % 100,
                 ymd % 100);
        f.minutes = (int)get16(&r);
        getstr(&r, f.pat, sizeof f.pat);
        getstr(&r, f.event_title, sizeof f.event_title);
    } else if (f.type == 2) {
        unsigned char sha[32];
        f.year = (int)get16(&r);
        f.count = (int)get16(&r);
        f.total_minutes = (int)get32(&r);
        getbytes(&r, sha, 32);
        sodium_bin2hex(f.list_sha256, sizeof f.list_sha256, sha, 32);
    } else {
        r.bad = 1;
    }
    for (int i = 0; i < 7 && !r.bad; i++)
        if (!((f.kiosk_id[i] >= '0' && f.kiosk_id[i] <= '9') || (f.kiosk_id[i] >= 'A' && f.kiosk_id[i] <= 'Z')))
            r.bad = 1;
    if (version != 1 || r.bad || r.i != rn) {
        snprintf(err, errlen, "el código de la constancia está mal formado");
        return -1;
    }
    if (store_key_get(s, f.kiosk_id, pk) != STORE_OK) {
        snprintf(err, errlen, "constancia firmada por el quiosco %s, cuya llave pública no está registrada aquí "
                 "(impórtela con «cepci-kiosk keys import»)", f.kiosk_id);
        return -1;
    }
    memcpy(msg, CERT_TAG, 4);
    memcpy(msg + 4, bin, rn);
    if (crypto_sign_verify_detached(bin + rn, msg, 4 + rn, pk) != 0) {
        snprintf(err, errlen, "la firma de la constancia NO es válida: el código fue alterado o falsificado");
        return -1;
    }
    if (out)
        *out = f;
    return 0;
}

/* ---- what a certificate says ---- */

/* Minutes between start and end of an event held within one day; 0 when
 * there is no end or it spans several days. */
static int event_minutes(const store_event *e)
{
    struct tm a, b;
    if (!e->end[0] || strncmp(e->start, e->end, 10) != 0 || util_parse_local(e->start, &a) != 0 ||
        util_parse_local(e->end, &b) != 0)
        return 0;
    int m = (b.tm_hour * 60 + b.tm_min) - (a.tm_hour * 60 + a.tm_min);
    return m > 0 ? m : 0;
}

static void duration_text(int minutes, char *out, size_t outlen)
{
    if (minutes <= 0)
        snprintf(out, outlen, "no registrada");
    else if (minutes % 60 == 0)
        snprintf(out, outlen, "%d %s", minutes / 60, minutes == 60 ? "hora" : "horas");
    else if (minutes < 60)
        snprintf(out, outlen, "%d minutos", minutes);
    else
        snprintf(out, outlen, "%d h %02d min", minutes / 60, minutes % 60);
}

/* "10 de marzo de 2026", or "del 2 de marzo al 15 de diciembre de 2026". */
static void period_text(const store_event *e, char *out, size_t outlen)
{
    char a[64], b[64];
    export_long_date(e->start, a, sizeof a);
    if (e->end[0] && strncmp(e->start, e->end, 10) != 0) {
        export_long_date(e->end, b, sizeof b);
        snprintf(out, outlen, "del %s al %s", a, b);
    } else {
        snprintf(out, outlen, "%s", a);
    }
}

static unsigned accent(const config *c)
{
    unsigned v;
    if (c && c->accent[0] == '#' && strlen(c->accent) == 7 && sscanf(c->accent + 1, "%6x", &v) == 1)
        return v;
    return PALETTE_ACCENT;
}

/* A person on a certificate. */
typedef struct cert_person {
    char employee_no[STORE_EMPLOYEE_NO_LEN];
    char name[STORE_FULLNAME_LEN];
    char unit[STORE_UNIT_CODE_LEN];
    char area[STORE_TEXT_LEN];
    char folio[STORE_FOLIO_LEN];
    char method[STORE_KIND_LEN];
    char payload[CERT_PAYLOAD_MAX];
} cert_person;

/* One training on a person's yearly page. */
typedef struct cert_item {
    store_event e;
    char folio[STORE_FOLIO_LEN];
    int minutes;
} cert_item;

typedef struct cert_doc {
    store *s;
    const config *c;
    export_facts f;
    char tz[STORE_TZ_LEN];
    int64_t now;
    /* an event's certificates */
    store_event ev;
    store_unit ev_unit;
    cert_person *people;
    int n, cap;
    /* a person's year */
    int year;
    cert_person person;
    store_unit person_unit;
    cert_item *items;
    int nitems, icap, total_minutes;
    char list_sha[65];
    int oom;
} cert_doc;

/* The page's frame: margins for letterhead, then institution and committee. */
static double cert_top(export_pdf *p, cert_doc *d)
{
    const double mm = 72.0 / 25.4;
    p->margin = d->c->cert_margin_side * mm;
    p->top = d->c->cert_margin_top * mm;
    p->bottom = p->h - d->c->cert_margin_bottom * mm;
    double w = p->w - 2 * p->margin, y = p->top;
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 12, EXPORT_BOLD);
    y += export_pdf_para(p, p->margin, y + 12, w, 15, 2, d->f.inst) * 15;
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    export_pdf_font(p, 10, 0);
    y += export_pdf_para(p, p->margin, y + 12, w, 13, 2, d->c->committee) * 13;
    export_pdf_hline(p, p->margin, p->w - p->margin, y + 8, 1.2, accent(d->c));
    return y + 26;
}

/* Centred paragraph; returns its height. */
static double centred(export_pdf *p, double y, double size, int flags, double lh, int maxlines, const char *s)
{
    char (*lines)[EXPORT_LINE] = malloc((size_t)maxlines * EXPORT_LINE);
    if (!lines)
        return lh;
    export_pdf_font(p, size, flags);
    int n = export_pdf_wrap(p, s, p->w - 2 * p->margin, maxlines, lines);
    for (int i = 0; i < n; i++)
        export_pdf_text(p, p->w / 2, y + size + i * lh, lines[i], 1);
    free(lines);
    return n * lh + (size - lh > 0 ? size - lh : 0);
}

/* "Etiqueta: valor" lines of the details; returns the y below. */
static double detail(export_pdf *p, double y, const char *label, const char *value)
{
    double lw = 150, w = p->w - 2 * p->margin;
    export_pdf_rgb(p, PALETTE_LABEL);
    export_pdf_font(p, 9.5, EXPORT_BOLD);
    export_pdf_text(p, p->margin, y + 10, label, 0);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10, 0);
    int n = export_pdf_para(p, p->margin + lw, y + 10, w - lw, 13, 6, value && *value ? value : "—");
    return y + n * 13 + 4;
}

/* The closing: date, signature line, QR. */
static void cert_close(export_pdf *p, cert_doc *d, double y, const char *payload, const char *caption)
{
    const double qr = 110;
    char when[96], ymd[16], line[300];
    util_format_time(d->tz, d->now, "%Y-%m-%d", ymd, sizeof ymd);
    export_long_date(ymd, when, sizeof when);
    snprintf(line, sizeof line, "Se expide el %s.", when);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10, 0);
    export_pdf_text(p, p->margin, y + 22, line, 0);
    /* Signature line on the left, QR on the right, above the bottom margin. */
    double by = p->bottom - qr - 14;
    if (by < y + 40)
        by = y + 40;
    double lw = (p->w - 2 * p->margin - qr - 30) * 0.8;
    export_pdf_hline(p, p->margin, p->margin + lw, by + qr - 40, 0.8, PALETTE_INK);
    export_pdf_font(p, 9.5, EXPORT_BOLD);
    if (d->c->cert_signer[0])
        export_pdf_text(p, p->margin + lw / 2, by + qr - 28, d->c->cert_signer, 1);
    export_pdf_font(p, 9, 0);
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    export_pdf_text(p, p->margin + lw / 2, by + qr - (d->c->cert_signer[0] ? 16 : 28), d->c->cert_signer_role, 1);
    export_pdf_qr(p, p->w - p->margin - qr, by, qr, payload);
    export_pdf_font(p, 6.5, 0);
    export_pdf_rgb(p, PALETTE_NOTE);
    export_pdf_text(p, p->w - p->margin - qr / 2, by + qr + 8, caption, 1);
    export_pdf_text(p, p->w - p->margin - qr / 2, by + qr + 16, "Compruébelo con «cepci-kiosk verify»", 1);
}

static void cert_foot(export_pdf *p, void *ctx)
{
    cert_doc *d = ctx;
    if (!p->draw)
        return;
    double y = p->h - 14;
    export_pdf_rgb(p, PALETTE_FAINT);
    export_pdf_font(p, 6, 0);
    export_pdf_text(p, p->margin, y, d->f.exported, 0);
    char pg[48];
    snprintf(pg, sizeof pg, "Página %d de %d", p->page, p->pages);
    export_pdf_text(p, p->w - p->margin, y, pg, 2);
}

static void event_layout(export_pdf *p, void *ctx)
{
    cert_doc *d = ctx;
    const store_event *e = &d->ev;
    p->page = 0;
    for (int i = 0; i < d->n; i++) {
        const cert_person *x = &d->people[i];
        char line[900], when[200], dur[64], topics[400], unit[300];
        export_pdf_new_page(p);
        double y = cert_top(p, d);
        export_pdf_rgb(p, accent(d->c));
        y += centred(p, y, 20, EXPORT_BOLD, 24, 2, "CONSTANCIA DE PARTICIPACIÓN") + 16;
        export_pdf_rgb(p, PALETTE_INK);
        snprintf(line, sizeof line, "%s hace constar que", d->c->committee);
        y += centred(p, y, 11, 0, 14, 3, line) + 12;
        y += centred(p, y, 20, EXPORT_BOLD, 24, 3, x->name) + 8;
        store_unit pu;
        int named = x->unit[0] && store_unit_get(d->s, x->unit, &pu) == STORE_OK && pu.name[0] &&
                    strcmp(pu.name, x->unit) != 0;
        snprintf(line, sizeof line, "Número de empleado %s · Unidad %s%s%s%s · Área %s", x->employee_no,
                 named ? pu.name : x->unit, named ? " (" : "", named ? x->unit : "", named ? ")" : "",
                 x->area[0] ? x->area : "no registrada");
        export_pdf_rgb(p, PALETTE_INK_SOFT);
        y += centred(p, y, 10, 0, 13, 3, line) + 16;
        export_pdf_rgb(p, PALETTE_INK);
        snprintf(line, sizeof line, "participó en la actividad de capacitación y sensibilización");
        y += centred(p, y, 11, 0, 14, 2, line) + 8;
        snprintf(line, sizeof line, "«%s»", e->title);
        y += centred(p, y, 15, EXPORT_BOLD, 19, 4, line) + 22;
        period_text(e, when, sizeof when);
        duration_text(event_minutes(e), dur, sizeof dur);
        export_topics_text(e->topics, topics, sizeof topics);
        snprintf(unit, sizeof unit, "%s (%s)", d->ev_unit.name[0] ? d->ev_unit.name : e->unit, e->unit);
        y = detail(p, y, "Tipo de actividad", export_kind_label(e->kind));
        y = detail(p, y, "Fecha", when);
        y = detail(p, y, "Duración", dur);
        y = detail(p, y, "Temas", topics);
        y = detail(p, y, "Lugar", e->place);
        y = detail(p, y, "Unidad", unit);
        y = detail(p, y, "Instructor(a)", e->instructor);
        y = detail(p, y, "Clave de actividad PAT", e->pat[0] ? e->pat : "sin clave");
        snprintf(line, sizeof line, "%s · %s", x->folio, export_row_method_label(x->method, 0));
        y = detail(p, y, "Folio del registro", line);
        snprintf(line, sizeof line, "Folio %s", x->folio);
        cert_close(p, d, y, x->payload, line);
    }
    export_pdf_finish_pages(p);
}

static void person_layout(export_pdf *p, void *ctx)
{
    cert_doc *d = ctx;
    const cert_person *x = &d->person;
    char line[900], dur[64];
    p->page = 0;
    export_pdf_new_page(p);
    double y = cert_top(p, d);
    export_pdf_rgb(p, accent(d->c));
    snprintf(line, sizeof line, "CONSTANCIA DE CAPACITACIÓN %d", d->year);
    y += centred(p, y, 18, EXPORT_BOLD, 22, 2, line) + 14;
    export_pdf_rgb(p, PALETTE_INK);
    snprintf(line, sizeof line, "%s hace constar que", d->c->committee);
    y += centred(p, y, 11, 0, 14, 3, line) + 10;
    y += centred(p, y, 18, EXPORT_BOLD, 22, 3, x->name) + 6;
    snprintf(line, sizeof line, "Número de empleado %s · Unidad %s (%s) · Área %s", x->employee_no,
             d->person_unit.name[0] ? d->person_unit.name : x->unit, x->unit, x->area[0] ? x->area : "no registrada");
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    y += centred(p, y, 9.5, 0, 12, 3, line) + 12;
    export_pdf_rgb(p, PALETTE_INK);
    duration_text(d->total_minutes, dur, sizeof dur);
    snprintf(line, sizeof line, "participó en %d %s de capacitación y sensibilización en %d (duración registrada: %s):",
             d->nitems, d->nitems == 1 ? "actividad" : "actividades", d->year, dur);
    y += centred(p, y, 10.5, 0, 14, 3, line) + 12;
    /* The table. */
    const double cw[5] = {0.13, 0.45, 0.12, 0.10, 0.20};
    const char *head[5] = {"Fecha", "Actividad", "Duración", "Clave PAT", "Folio"};
    double w = p->w - 2 * p->margin, xx = p->margin;
    if (p->draw) {
        export_pdf_rgb(p, PALETTE_HEAD_BAND);
        cairo_rectangle(p->cr, p->margin, y, w, 16);
        cairo_fill(p->cr);
    }
    export_pdf_rgb(p, PALETTE_HEAD_INK);
    export_pdf_font(p, 8, EXPORT_BOLD);
    for (int k = 0; k < 5; k++) {
        export_pdf_text(p, xx + 3, y + 11, head[k], 0);
        xx += cw[k] * w;
    }
    y += 18;
    for (int i = 0; i < d->nitems; i++) {
        const cert_item *it = &d->items[i];
        char date[32], act[600];
        snprintf(date, sizeof date, "%.2s/%.2s/%.4s", it->e.start + 8, it->e.start + 5, it->e.start);
        snprintf(act, sizeof act, "%s (%s, %s)", it->e.title, export_kind_label(it->e.kind), it->e.unit);
        duration_text(it->minutes, dur, sizeof dur);
        const char *cells[5] = {date, act, it->minutes ? dur : "—", it->e.pat[0] ? it->e.pat : "—", it->folio};
        int maxl = 1;
        char lines[4][EXPORT_LINE];
        export_pdf_font(p, 8.5, 0);
        for (int k = 0; k < 5; k++) {
            int nl = export_pdf_wrap(p, cells[k], cw[k] * w - 6, 4, lines);
            if (nl > maxl)
                maxl = nl;
        }
        double h = 6 + maxl * 10.5;
        if (y + h > p->bottom - 150) {
            export_pdf_new_page(p);
            y = cert_top(p, d);
        }
        xx = p->margin;
        export_pdf_rgb(p, PALETTE_INK);
        for (int k = 0; k < 5; k++) {
            export_pdf_font(p, 8.5, 0);
            export_pdf_para(p, xx + 3, y + 10, cw[k] * w - 6, 10.5, 4, cells[k]);
            xx += cw[k] * w;
        }
        export_pdf_hline(p, p->margin, p->w - p->margin, y + h, 0.3, PALETTE_ROW_RULE);
        y += h;
    }
    if (y > p->bottom - 150) {
        export_pdf_new_page(p);
        y = cert_top(p, d);
    }
    snprintf(line, sizeof line, "%d actividades, %s", d->nitems, dur);
    cert_close(p, d, y + 6, x->payload, line);
    export_pdf_finish_pages(p);
}

/* ---- collecting ---- */

static int collect_person(const export_att_row *r, void *arg)
{
    cert_doc *d = arg;
    if (r->guest)
        return 0;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 64;
        cert_person *np = realloc(d->people, (size_t)cap * sizeof *np);
        if (!np) {
            d->oom = 1;
            return 1;
        }
        d->people = np;
        d->cap = cap;
    }
    cert_person *x = &d->people[d->n++];
    memset(x, 0, sizeof *x);
    util_strlcpy(x->employee_no, r->employee_no, sizeof x->employee_no);
    util_strlcpy(x->name, r->name, sizeof x->name);
    util_strlcpy(x->unit, r->unit, sizeof x->unit);
    util_strlcpy(x->area, r->area, sizeof x->area);
    util_strlcpy(x->folio, r->folio, sizeof x->folio);
    util_strlcpy(x->method, r->method, sizeof x->method);
    return 0;
}

static unsigned long ymd_number(const char *start)
{
    return strtoul(start, NULL, 10) * 10000 + strtoul(start + 5, NULL, 10) * 100 + strtoul(start + 8, NULL, 10);
}

static void cert_header(rec *r, int type, const char *kiosk, const cert_person *x)
{
    put8(r, 1);
    put8(r, (unsigned)type);
    putbytes(r, kiosk, 7);
    putstr(r, x->employee_no, STORE_EMPLOYEE_NO_LEN - 1);
    putstr(r, x->name, CERT_NAME_MAX);
}

static int open_doc(cert_doc *d, export_pdf *p, const char *path, const char *title, char *err, size_t errlen)
{
    double w, h;
    export_pdf_paper(d->c, 0, &w, &h);
    if (export_pdf_open(p, path, w, h, title, d->f.inst, d->now, err, errlen) != 0)
        return -1;
    p->page_foot = cert_foot;
    p->ctx = d;
    return 0;
}

int export_certificates_event(store *s, const config *c, const char *db_path, const char *event_id,
                              const char *path, int64_t now, int *pages, char *err, size_t errlen)
{
    cert_doc *d = calloc(1, sizeof *d);
    export_pdf p;
    int rc = -1;
    if (pages)
        *pages = 0;
    if (!d) {
        snprintf(err, errlen, "memoria insuficiente");
        return -1;
    }
    d->s = s;
    d->c = c;
    d->now = now;
    store_snapshot_begin(s);
    if (cert_chain_sound(s, err, errlen) != 0)
        goto out;
    if (store_event_get(s, event_id ? event_id : "", &d->ev) != STORE_OK) {
        snprintf(err, errlen, "no hay un evento '%s' (use el identificador que muestra «cepci-kiosk event list»)",
                 event_id ? event_id : "");
        goto out;
    }
    if (store_unit_get(s, d->ev.unit, &d->ev_unit) != STORE_OK)
        memset(&d->ev_unit, 0, sizeof d->ev_unit);
    int r = export_att_each(s, &d->ev, 0, collect_person, d);
    if (r || d->oom) {
        snprintf(err, errlen, d->oom ? "memoria insuficiente" : "no se pudo leer la lista: %s", store_errmsg(s));
        goto out;
    }
    if (d->n == 0) {
        snprintf(err, errlen, "el evento «%s» no tiene personal registrado: no hay constancias que emitir",
                 d->ev.title);
        goto out;
    }
    unsigned char id[16];
    if (uuid_bytes(d->ev.id, id) != 0) {
        snprintf(err, errlen, "el identificador del evento no es un UUID");
        goto out;
    }
    for (int i = 0; i < d->n; i++) {
        rec rr = {{0}, 0, 0};
        cert_person *x = &d->people[i];
        cert_header(&rr, 1, store_kiosk_id(s), x);
        putstr(&rr, x->folio, STORE_FOLIO_LEN - 1);
        putbytes(&rr, id, 16);
        put32(&rr, ymd_number(d->ev.start));
        put16(&rr, (unsigned)event_minutes(&d->ev));
        putstr(&rr, d->ev.pat, STORE_PAT_LEN - 1);
        putstr(&rr, d->ev.title, CERT_NAME_MAX);
        if (cert_sign(s, db_path, &rr, x->payload, sizeof x->payload, err, errlen) != 0)
            goto out;
    }
    export_unit_tz(s, c, d->ev.unit, d->tz, sizeof d->tz);
    export_facts_fill(s, c, d->tz, now, &d->f);
    char title[400];
    snprintf(title, sizeof title, "Constancias de participación — %s", d->ev.title);
    if (open_doc(d, &p, path, title, err, errlen) != 0)
        goto out;
    export_pdf_render(&p, event_layout, d);
    rc = export_pdf_close(&p, 1, err, errlen);
    if (rc == 0 && pages)
        *pages = p.pages;
out:
    store_snapshot_end(s);
    free(d->people);
    free(d);
    return rc;
}

static int collect_item(const store_event *e, const store_record *r, void *arg)
{
    cert_doc *d = arg;
    if (d->nitems == d->icap) {
        int cap = d->icap ? d->icap * 2 : 16;
        cert_item *ni = realloc(d->items, (size_t)cap * sizeof *ni);
        if (!ni) {
            d->oom = 1;
            return 1;
        }
        d->items = ni;
        d->icap = cap;
    }
    cert_item *it = &d->items[d->nitems++];
    it->e = *e;
    util_strlcpy(it->folio, r->folio, sizeof it->folio);
    it->minutes = event_minutes(e);
    d->total_minutes += it->minutes;
    return 0;
}

/* A person's trainings of year into d (items, total minutes) and the
 * hash of their list as the certificate signs it (d->list_sha, hex):
 * 0, or -1 when they cannot be read (d->oom when out of memory). */
static int person_list(store *s, const char *employee_no, int year, cert_doc *d)
{
    if (store_person_events_each(s, employee_no, year, collect_item, d) != STORE_OK || d->oom)
        return -1;
    crypto_hash_sha256_state h;
    unsigned char sha[32];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)"CKC1-LIST\n", 10);
    for (int i = 0; i < d->nitems; i++) {
        char line[600];
        int n = snprintf(line, sizeof line, "%s|%.10s|%d|%s\n", d->items[i].folio, d->items[i].e.start,
                         d->items[i].minutes, d->items[i].e.title);
        crypto_hash_sha256_update(&h, (const unsigned char *)line, n > 0 && (size_t)n < sizeof line ? (size_t)n : 0);
    }
    crypto_hash_sha256_final(&h, sha);
    sodium_bin2hex(d->list_sha, sizeof d->list_sha, sha, 32);
    return 0;
}

int export_cert_compare(store *s, const export_cert_fields *f, char *why, size_t whylen)
{
    if (store_audit_verify(s, NULL) != STORE_OK) {
        snprintf(why, whylen, "la base de datos fue alterada fuera del programa (%s)", store_errmsg(s));
        return 1;
    }
    if (f->type == 1) {
        store_record r;
        if (store_record_by_folio(s, f->folio, &r) != STORE_OK || strcmp(r.type, "attendance") != 0 ||
            strcmp(r.event_id, f->event_id) != 0 || strcmp(r.employee_no, f->employee_no) != 0) {
            snprintf(why, whylen, "no tiene la asistencia del folio %s de %s al evento %s (se borró, o es una copia "
                     "anterior a ella)", f->folio, f->employee_no, f->event_id);
            return 1;
        }
        return 0;
    }
    cert_doc *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(why, whylen, "memoria insuficiente");
        return -1;
    }
    int rc = person_list(s, f->employee_no, f->year, d);
    if (rc != 0)
        snprintf(why, whylen, "%s", d->oom ? "memoria insuficiente" : "no se pudo leer la asistencia");
    else if (d->nitems != f->count || d->total_minutes != f->total_minutes || strcmp(d->list_sha, f->list_sha256) != 0) {
        snprintf(why, whylen, "sus actividades de %d no son las de la constancia (hoy %d, firmadas %d)", f->year,
                 d->nitems, f->count);
        rc = 1;
    }
    free(d->items);
    free(d);
    return rc;
}

int export_certificate_person(store *s, const config *c, const char *db_path, const char *employee_no, int year,
                              const char *path, int64_t now, char *err, size_t errlen)
{
    cert_doc *d = calloc(1, sizeof *d);
    export_pdf p;
    store_person per;
    int rc = -1;
    if (!d) {
        snprintf(err, errlen, "memoria insuficiente");
        return -1;
    }
    d->s = s;
    d->c = c;
    d->now = now;
    d->year = year;
    store_snapshot_begin(s);
    if (cert_chain_sound(s, err, errlen) != 0)
        goto out;
    if (store_person_get(s, employee_no ? employee_no : "", &per) != STORE_OK) {
        snprintf(err, errlen, "el número de empleado %s no está en el padrón", employee_no ? employee_no : "");
        goto out;
    }
    cert_person *x = &d->person;
    util_strlcpy(x->employee_no, per.employee_no, sizeof x->employee_no);
    store_person_fullname(&per, x->name, sizeof x->name);
    util_strlcpy(x->unit, per.unit, sizeof x->unit);
    util_strlcpy(x->area, per.area, sizeof x->area);
    if (store_unit_get(s, per.unit, &d->person_unit) != STORE_OK)
        memset(&d->person_unit, 0, sizeof d->person_unit);
    if (person_list(s, per.employee_no, year, d) != 0) {
        snprintf(err, errlen, d->oom ? "memoria insuficiente" : "no se pudo leer la asistencia: %s", store_errmsg(s));
        goto out;
    }
    if (d->nitems == 0) {
        snprintf(err, errlen, "%s no tiene actividades registradas en %d", x->name, year);
        goto out;
    }
    /* The signed record, with the list's hash. */
    unsigned char sha[32];
    sodium_hex2bin(sha, sizeof sha, d->list_sha, 64, NULL, NULL, NULL);
    rec rr = {{0}, 0, 0};
    cert_header(&rr, 2, store_kiosk_id(s), x);
    put16(&rr, (unsigned)year);
    put16(&rr, (unsigned)d->nitems);
    put32(&rr, (unsigned long)d->total_minutes);
    putbytes(&rr, sha, 32);
    if (cert_sign(s, db_path, &rr, x->payload, sizeof x->payload, err, errlen) != 0)
        goto out;
    export_unit_tz(s, c, per.unit, d->tz, sizeof d->tz);
    export_facts_fill(s, c, d->tz, now, &d->f);
    char title[400];
    snprintf(title, sizeof title, "Constancia de capacitación %d — %s", year, x->name);
    if (open_doc(d, &p, path, title, err, errlen) != 0)
        goto out;
    export_pdf_render(&p, person_layout, d);
    rc = export_pdf_close(&p, 1, err, errlen);
out:
    store_snapshot_end(s);
    free(d->items);
    free(d);
    return rc;
}
