/* export_pdf.c — PDF primitives on cairo: fonts, logo and QR codes through
 * gfx.h, word wrapping through the text engine with cairo_text_extents,
 * signatures drawn from their strokes, two-pass pagination, the standard
 * letterhead and footer. The documents are export_list.c (attendance list,
 * pledge database) and export_ind.c (indicator report).
 *
 * A document is laid out twice by the same code: the first pass only
 * measures (p->draw = 0) and so learns the page count; the second draws,
 * writing "Página N de M" on every page. */
#include "export_int.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gfx.h"
#include "palette.h"
#include "signature.h"
#include "text.h"
#include "util.h"

/* ---- fonts and colours ---- */

void export_pdf_font(export_pdf *p, double size, int flags)
{
    cairo_select_font_face(p->cr, (flags & EXPORT_MONO) ? p->mono : p->sans,
                           (flags & EXPORT_ITALIC) ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           (flags & EXPORT_BOLD) ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
}

void export_pdf_rgb(export_pdf *p, unsigned rgb)
{
    cairo_set_source_rgb(p->cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0);
}

double export_pdf_width(export_pdf *p, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(p->cr, s, &e);
    return e.x_advance;
}

void export_pdf_text(export_pdf *p, double x, double y, const char *s, int align)
{
    if (!p->draw || !s || !*s)
        return;
    double w = align ? export_pdf_width(p, s) : 0;
    cairo_move_to(p->cr, align == 1 ? x - w / 2 : align == 2 ? x - w : x, y);
    cairo_show_text(p->cr, s);
}

void export_pdf_hline(export_pdf *p, double x0, double x1, double y, double width, unsigned rgb)
{
    if (!p->draw)
        return;
    export_pdf_rgb(p, rgb);
    cairo_set_line_width(p->cr, width);
    cairo_move_to(p->cr, x0, y);
    cairo_line_to(p->cr, x1, y);
    cairo_stroke(p->cr);
}

/* ---- word wrapping ---- */

/* The text engine's measure: width in points with the current font. A
 * line never holds EXPORT_LINE bytes or more, so longer text never fits. */
static double pdf_measure(const char *s, size_t len, void *ctx)
{
    char buf[EXPORT_LINE];
    if (len >= sizeof buf)
        return INFINITY;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return export_pdf_width(ctx, buf);
}

/* Ends line with "…", shortened (whole characters) until both fit width. */
static void add_ellipsis(export_pdf *p, char *line, double width)
{
    static const char ell[] = "\xE2\x80\xA6";
    char buf[EXPORT_LINE];
    size_t n = text_fit(line, strlen(line), width - export_pdf_width(p, ell), pdf_measure, p);
    while (n > 0 && line[n - 1] == ' ')
        n--;
    snprintf(buf, sizeof buf, "%.*s%s", (int)n, line, ell);
    util_strlcpy(line, buf, EXPORT_LINE);
}

int export_pdf_wrap(export_pdf *p, const char *s, double width, int maxlines, char (*lines)[EXPORT_LINE])
{
    size_t len, pos = 0;
    text_line l;
    int n = 0;
    lines[0][0] = '\0';
    if (!s)
        s = "";
    len = strlen(s);
    while (n < maxlines && text_wrap_next(s, len, &pos, width, pdf_measure, p, &l)) {
        memcpy(lines[n], s + l.off, l.len);
        lines[n][l.len] = '\0';
        n++;
    }
    if (n == 0)
        n = 1;
    else if (s[pos + strspn(s + pos, " \n")])
        add_ellipsis(p, lines[n - 1], width);
    return n;
}

int export_pdf_para(export_pdf *p, double x, double y, double width, double lh, int maxlines, const char *s)
{
    char (*lines)[EXPORT_LINE] = malloc((size_t)maxlines * EXPORT_LINE);
    if (!lines)
        return 1;
    int n = export_pdf_wrap(p, s, width, maxlines, lines);
    for (int i = 0; p->draw && i < n; i++)
        export_pdf_text(p, x, y + i * lh, lines[i], 0);
    free(lines);
    return n;
}

/* ---- QR and signatures ---- */

int export_pdf_qr(export_pdf *p, double x, double y, double size, const char *payload)
{
    unsigned char *m;
    int n;
    if (gfx_qr(payload, &m, &n) != 0)
        return -1;
    if (p->draw) {
        const int quiet = 4;
        double mod = size / (n + 2 * quiet);
        cairo_t *cr = p->cr;
        cairo_save(cr);
        export_pdf_rgb(p, PALETTE_PAPER);
        cairo_rectangle(cr, x, y, size, size);
        cairo_fill(cr);
        export_pdf_rgb(p, PALETTE_QR);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
        gfx_qr_paint(cr, m, n, x + quiet * mod, y + quiet * mod, mod);
        cairo_restore(cr);
    }
    free(m);
    return 0;
}

int export_pdf_signature(export_pdf *p, double x, double y, double w, double h, const void *blob, size_t len)
{
    static signature sig; /* 100 KB: not on the stack; exports run on one thread */
    if (sig_decode(blob, len, &sig) != 0 || sig.npoints == 0)
        return -1;
    if (!p->draw)
        return 0;
    int x0 = sig.pts[0].x, x1 = x0, y0 = sig.pts[0].y, y1 = y0;
    for (int i = 1; i < sig.npoints; i++) {
        if (sig.pts[i].x < x0) x0 = sig.pts[i].x;
        if (sig.pts[i].x > x1) x1 = sig.pts[i].x;
        if (sig.pts[i].y < y0) y0 = sig.pts[i].y;
        if (sig.pts[i].y > y1) y1 = sig.pts[i].y;
    }
    double bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    /* Fit the ink's bounding box, never enlarging beyond 3x the pad scale. */
    double pad_scale = fmin(w / sig.width, h / sig.height);
    double sc = fmin(fmin(w / bw, h / bh), pad_scale * 3);
    double ox = x + (w - bw * sc) / 2 - x0 * sc, oy = y + (h - bh * sc) / 2 - y0 * sc;
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    export_pdf_rgb(p, PALETTE_SIGNATURE);
    cairo_set_line_width(cr, fmax(0.5, fmin(1.1, sc * 2.2)));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (int i = 0; i < sig.npoints; i++) {
        double px = ox + sig.pts[i].x * sc, py = oy + sig.pts[i].y * sc;
        if (sig.pts[i].starts_stroke || i == 0) {
            cairo_move_to(cr, px, py);
            if (i + 1 >= sig.npoints || sig.pts[i + 1].starts_stroke)
                cairo_line_to(cr, px, py); /* a dot */
        } else {
            cairo_line_to(cr, px, py);
        }
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    return 0;
}

/* ---- document lifetime ---- */

void export_pdf_paper(const config *c, int landscape, double *w, double *h)
{
    int a4 = c && strcasecmp(c->paper, "a4") == 0;
    double pw = a4 ? 595.28 : 612, ph = a4 ? 841.89 : 792;
    *w = landscape ? ph : pw;
    *h = landscape ? pw : ph;
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    export_pdf *p = closure;
    if (fwrite(data, 1, len, p->out.f) != len) {
        if (!p->write_errno)
            p->write_errno = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int export_pdf_open(export_pdf *p, const char *path, double w, double h, const char *title, const char *author,
                    int64_t now, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (export_file_open(&p->out, path, 0, err, errlen) != 0)
        return -1;
    p->w = w;
    p->h = h;
    p->margin = 36;
    p->top = 30;
    p->bottom = h - 40;
    gfx_font(0, 0, p->sans, sizeof p->sans, NULL, 0);
    gfx_font(1, 0, p->mono, sizeof p->mono, NULL, 0);
    p->surf = cairo_pdf_surface_create_for_stream(pdf_write, p, w, h);
    p->cr = cairo_create(p->surf);
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "%s: cannot start the PDF: %s", path, cairo_status_to_string(cairo_status(p->cr)));
        export_pdf_close(p, 0, NULL, 0);
        return -1;
    }
    char date[40];
    util_format_time("UTC", now, "%Y-%m-%dT%H:%M:%SZ", date, sizeof date);
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_AUTHOR, author);
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATOR, "cepci-kiosk");
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    return 0;
}

int export_pdf_close(export_pdf *p, int commit, char *err, size_t errlen)
{
    int rc = 0;
    if (p->cr) {
        cairo_destroy(p->cr);
        p->cr = NULL;
    }
    if (p->surf) {
        cairo_surface_finish(p->surf);
        cairo_status_t st = cairo_surface_status(p->surf);
        cairo_surface_destroy(p->surf);
        p->surf = NULL;
        if (commit && (st != CAIRO_STATUS_SUCCESS || p->write_errno)) {
            if (p->write_errno)
                export_io_error(p->out.path, p->write_errno, err, errlen);
            else
                snprintf(err, errlen, "%s: cannot write the PDF: %s", p->out.path, cairo_status_to_string(st));
            commit = 0;
            rc = -1;
        }
    }
    if (commit)
        return export_file_commit(&p->out, err, errlen);
    export_file_abort(&p->out);
    return rc ? rc : (commit ? 0 : -1);
}

/* ---- pagination ---- */

void export_pdf_new_page(export_pdf *p)
{
    if (p->page > 0) {
        if (p->page_foot)
            p->page_foot(p, p->ctx);
        if (p->draw)
            cairo_show_page(p->cr);
    }
    p->page++;
    p->y = p->top;
    if (p->page_head)
        p->page_head(p, p->ctx);
}

void export_pdf_need(export_pdf *p, double need)
{
    if (p->page == 0 || p->y + need > p->bottom)
        export_pdf_new_page(p);
}

void export_pdf_finish_pages(export_pdf *p)
{
    if (p->page == 0)
        export_pdf_new_page(p);
    if (p->page_foot)
        p->page_foot(p, p->ctx);
    if (p->draw)
        cairo_show_page(p->cr);
}

void export_pdf_render(export_pdf *p, void (*layout)(export_pdf *p, void *ctx), void *ctx)
{
    p->draw = 0;
    layout(p, ctx);
    p->pages = p->page;
    p->draw = 1;
    layout(p, ctx);
}

static unsigned accent_rgb(const config *c)
{
    unsigned v;
    if (c && c->accent[0] == '#' && strlen(c->accent) == 7 && sscanf(c->accent + 1, "%6x", &v) == 1)
        return v;
    return PALETTE_ACCENT;
}

double export_pdf_letterhead(export_pdf *p, const config *c, const char *institution, const char *title,
                             const char *subtitle)
{
    double x = p->margin, y = p->top, right = p->w - p->margin, textx = x;
    cairo_surface_t *img = c && c->logo[0] ? gfx_png_load(c->logo, NULL, 0) : NULL;
    if (img) {
        double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
        double sc = gfx_fit_scale(iw, ih, 110, 44, HUGE_VAL);
        if (p->draw)
            gfx_paint_scaled(p->cr, img, x, y, sc);
        textx = x + iw * sc + 10;
        cairo_surface_destroy(img);
    }
    double half = (right - textx) * 0.55;
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 12, EXPORT_BOLD);
    int n = export_pdf_para(p, textx, y + 12, half, 14, 2, institution);
    export_pdf_font(p, 9.5, 0);
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    export_pdf_para(p, textx, y + 12 + n * 14, half, 12, 2, c ? c->committee : "");
    export_pdf_rgb(p, accent_rgb(c));
    export_pdf_font(p, 15, EXPORT_BOLD);
    export_pdf_text(p, right, y + 14, title, 2);
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    export_pdf_font(p, 9, 0);
    export_pdf_text(p, right, y + 28, subtitle, 2);
    y += 12 + n * 14 + 16;
    if (y < p->top + 46)
        y = p->top + 46;
    export_pdf_hline(p, p->margin, right, y, 1.4, accent_rgb(c));
    return y + 10;
}

void export_pdf_footer_text(export_pdf *p, const char *left1, const char *left2, const char *right2)
{
    if (!p->draw)
        return;
    double y = p->h - 30, right = p->w - p->margin;
    char pg[64];
    export_pdf_hline(p, p->margin, right, y, 0.5, PALETTE_FOOTER_RULE);
    export_pdf_rgb(p, PALETTE_NOTE);
    export_pdf_font(p, 7, 0);
    export_pdf_text(p, p->margin, y + 10, left1, 0);
    export_pdf_text(p, p->margin, y + 19, left2, 0);
    export_pdf_text(p, right, y + 19, right2, 2);
    export_pdf_font(p, 8, EXPORT_BOLD);
    snprintf(pg, sizeof pg, "Página %d de %d", p->page, p->pages);
    export_pdf_text(p, right, y + 10, pg, 2);
}
