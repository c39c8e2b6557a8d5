/* receipt_render.c — the renderings of a receipt (see receipt.h): its QR
 * matrix, a PNG image through cairo, an ESC/POS job for 58 or 80 mm paper,
 * and receipt_print, which picks the rendering for the configured printer
 * and hands it to the transports of printer.c. */
#include "receipt.h"

#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx.h"
#include "printer.h"
#include "text.h"
#include "util.h"

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

/* ---- QR ---- */

int receipt_qr(const char *payload, unsigned char **modules, int *size)
{
    return gfx_qr(payload, modules, size);
}

/* ---- PNG ---- */

#define PNG_WIDTH 640
#define PNG_MARGIN 40
#define PNG_QR_SCALE 6
#define QUIET 4

typedef struct layout {
    cairo_t *cr;
    int draw;      /* 0: measure only */
    double y;
    char sans[64], mono[64];  /* font families (gfx_font) */
} layout;

static void set_font(layout *l, double size, int bold, int mono)
{
    cairo_select_font_face(l->cr, mono ? l->mono : l->sans, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(l->cr, size);
}

/* The text engine's measure: width in pixels with cr's current font. A
 * line never holds 1024 bytes or more. */
static double text_width(const char *s, size_t n, void *cr)
{
    char buf[1024];
    cairo_text_extents_t ext;
    if (n >= sizeof buf)
        return INFINITY;
    memcpy(buf, s, n);
    buf[n] = '\0';
    cairo_text_extents(cr, buf, &ext);
    return ext.x_advance;
}

/* Draws text word-wrapped within the margins (align 0 left, 1 centre) with
 * the current font and colour, advancing l->y. */
static void wrap_text(layout *l, const char *text, double size, int align)
{
    cairo_font_extents_t fe;
    double maxw = PNG_WIDTH - 2 * PNG_MARGIN, lineh = size * 1.3;
    size_t len = strlen(text), pos = 0;
    text_line line;
    cairo_font_extents(l->cr, &fe);
    while (text_wrap_next(text, len, &pos, maxw, text_width, l->cr, &line)) {
        if (l->draw) {
            double w = text_width(text + line.off, line.len, l->cr);
            double x = align ? PNG_MARGIN + (maxw - w) / 2 : PNG_MARGIN;
            char buf[1024];
            snprintf(buf, sizeof buf, "%.*s", (int)line.len, text + line.off);
            cairo_move_to(l->cr, x, l->y + fe.ascent);
            cairo_show_text(l->cr, buf);
        }
        l->y += lineh;
    }
}

static void text_block(layout *l, const char *text, double size, int bold, int mono, double grey, int align)
{
    set_font(l, size, bold, mono);
    cairo_set_source_rgb(l->cr, grey, grey, grey);
    wrap_text(l, text, size, align);
}

static void field(layout *l, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    text_block(l, label, 15, 1, 0, 0.33, 0);
    l->y += 2;
    text_block(l, value, 21, 0, 0, 0.0, 0);
    l->y += 10;
}

static void parse_accent(const char *hex, double rgb[3])
{
    unsigned v;
    rgb[0] = 0.10, rgb[1] = 0.32, rgb[2] = 0.46; /* default: dark teal */
    if (hex && hex[0] == '#' && strlen(hex) == 7 && sscanf(hex + 1, "%6x", &v) == 1) {
        rgb[0] = (v >> 16 & 255) / 255.0;
        rgb[1] = (v >> 8 & 255) / 255.0;
        rgb[2] = (v & 255) / 255.0;
    }
}

/* Lays the whole receipt out; with l->draw = 0 only measures l->y. */
static void layout_receipt(layout *l, const receipt *r, const config *c, cairo_surface_t *logo,
                           const unsigned char *qr, int qrsize)
{
    cairo_t *cr = l->cr;
    double accent[3];
    parse_accent(c ? c->accent : NULL, accent);
    l->y = PNG_MARGIN;
    if (logo) {
        double lw = cairo_image_surface_get_width(logo), lh = cairo_image_surface_get_height(logo);
        double k = gfx_fit_scale(lw, lh, 240, 96, 1);
        if (l->draw)
            gfx_paint_scaled(cr, logo, (PNG_WIDTH - lw * k) / 2, l->y, k);
        l->y += lh * k + 16;
    }
    text_block(l, r->institution, 22, 1, 0, 0.0, 1);
    if (r->committee[0])
        text_block(l, r->committee, 17, 0, 0, 0.25, 1);
    l->y += 10;
    if (l->draw) {
        cairo_set_source_rgb(cr, accent[0], accent[1], accent[2]);
        cairo_rectangle(cr, PNG_MARGIN, l->y, PNG_WIDTH - 2 * PNG_MARGIN, 4);
        cairo_fill(cr);
    }
    l->y += 18;
    text_block(l, r->kind, 30, 1, 0, 0.0, 1);
    l->y += 14;
    field(l, "NOMBRE", r->name);
    field(l, "NÚMERO DE EMPLEADO", r->employee_no[0] ? r->employee_no : "Persona invitada");
    field(l, "UNIDAD", r->unit_name);
    field(l, "EVENTO", r->event_title);
    field(l, "FECHA DEL EVENTO", r->event_date);
    if (r->carta_prefix[0]) {
        char v[64];
        snprintf(v, sizeof v, "%s", r->carta_prefix);
        field(l, "VERSIÓN DE LA CARTA (SHA-256)", v);
    }
    field(l, "FECHA Y HORA DE REGISTRO", r->local_time);
    l->y += 6;
    if (qr) {
        int total = (qrsize + 2 * QUIET) * PNG_QR_SCALE;
        double x0 = (PNG_WIDTH - total) / 2.0, y0 = l->y;
        if (l->draw) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            gfx_qr_paint(cr, qr, qrsize, x0 + QUIET * PNG_QR_SCALE, y0 + QUIET * PNG_QR_SCALE, PNG_QR_SCALE);
        }
        l->y += total + 4;
    }
    text_block(l, "FOLIO", 15, 1, 0, 0.33, 1);
    text_block(l, r->folio, 30, 1, 1, 0.0, 1);
    l->y += 12;
    /* A receipt with no payload (the printer test) claims no signature. */
    text_block(l, qr ? "Comprobante firmado electrónicamente por el quiosco. Escanee el código QR para verificar "
                       "su autenticidad."
                     : "Impresión de prueba: no es un registro y no lleva código de verificación.",
               14, 0, 0, 0.30, 1);
    l->y += PNG_MARGIN - 10;
}

static cairo_status_t png_sink(void *closure, const unsigned char *data, unsigned int len)
{
    printer_buf *b = closure;
    printer_buf_put(b, data, len);
    return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int receipt_render_png(const receipt *r, const config *c, const char *path, char *err, size_t errlen)
{
    unsigned char *qr = NULL;
    int qrsize = 0, rc = -1;
    cairo_surface_t *logo = NULL, *surf = NULL, *probe = NULL;
    cairo_t *cr = NULL;
    printer_buf png;
    printer_buf_init(&png);

    if (r->payload[0] && receipt_qr(r->payload, &qr, &qrsize) != 0) {
        fail(err, errlen, "receipt: cannot encode the QR code");
        goto out;
    }
    if (c && c->logo[0])
        logo = gfx_png_load(c->logo, NULL, 0); /* no logo rather than no receipt */
    /* Measure, then draw on a surface of the right height. */
    probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cr = cairo_create(probe);
    layout l = {.cr = cr, .draw = 0};
    gfx_font(0, 0, l.sans, sizeof l.sans, NULL, 0);
    gfx_font(1, 0, l.mono, sizeof l.mono, NULL, 0);
    layout_receipt(&l, r, c, logo, qr, qrsize);
    cairo_destroy(cr);
    int height = (int)(l.y + 0.5);
    surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PNG_WIDTH, height);
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    l.cr = cr;
    l.draw = 1;
    layout_receipt(&l, r, c, logo, qr, qrsize);
    cairo_surface_flush(surf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_write_to_png_stream(surf, png_sink, &png) != CAIRO_STATUS_SUCCESS || png.failed) {
        fail(err, errlen, "receipt: cannot render the PNG image");
        goto out;
    }
    if (util_write_file_atomic(path, png.data, png.len) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    if (probe)
        cairo_surface_destroy(probe);
    if (logo)
        cairo_surface_destroy(logo);
    printer_buf_free(&png);
    free(qr);
    return rc;
}

/* ---- ESC/POS ---- */

/* The logo at logo_path printed centred as a raster at most 60% of the
 * paper wide and 40% of it tall (scaled keeping its aspect ratio, never up
 * by more than 2x), then a blank line. A missing or unreadable file prints
 * nothing: no logo rather than no receipt. */
static void escpos_logo(printer_buf *b, const char *logo_path, int dots)
{
    if (!logo_path || !logo_path[0])
        return;
    cairo_surface_t *sf = gfx_png_load_fit(logo_path, dots * 0.6, dots * 0.4, 2, NULL, 0);
    if (!sf)
        return;
    if (printer_escpos_picture(b, (const uint32_t *)(const void *)cairo_image_surface_get_data(sf),
                               cairo_image_surface_get_width(sf), cairo_image_surface_get_height(sf),
                               cairo_image_surface_get_stride(sf), dots) == 0)
        printer_buf_put(b, "\n", 1);
    cairo_surface_destroy(sf);
}

/* The ESC/POS job, with the logo at logo_path (may be NULL or "") on top. */
static int escpos_job(const receipt *r, int width_mm, const char *logo_path, uint8_t **out, size_t *len)
{
    int dots = width_mm == 58 ? PRINTER_DOTS_58 : PRINTER_DOTS_80;
    int cols = width_mm == 58 ? PRINTER_COLS_58 : PRINTER_COLS_80;
    unsigned char *qr = NULL, *img = NULL;
    int qrsize = 0, rc = -1;
    char rule[PRINTER_COLS_80 + 2];
    printer_buf b;
    printer_buf_init(&b);
    *out = NULL;
    *len = 0;
    if (r->payload[0] && receipt_qr(r->payload, &qr, &qrsize) != 0)
        goto out;

    memset(rule, '-', (size_t)cols);
    rule[cols] = '\0';
    printer_escpos_init(&b);
    escpos_logo(&b, logo_path, dots);
    printer_escpos_align(&b, 1);
    printer_escpos_bold(&b, 1);
    printer_escpos_text(&b, NULL, r->institution, cols);
    printer_escpos_bold(&b, 0);
    if (r->committee[0])
        printer_escpos_text(&b, NULL, r->committee, cols);
    printer_escpos_text(&b, NULL, rule, cols);
    printer_escpos_mode(&b, 0x18); /* bold, double height: same columns */
    printer_escpos_text(&b, NULL, r->kind, cols);
    printer_escpos_mode(&b, 0);
    printer_buf_put(&b, "\n", 1);
    printer_escpos_align(&b, 0);
    printer_escpos_text(&b, "Nombre:", r->name, cols);
    printer_escpos_text(&b, "No. de empleado:", r->employee_no[0] ? r->employee_no : "Persona invitada", cols);
    if (r->unit_name[0])
        printer_escpos_text(&b, "Unidad:", r->unit_name, cols);
    if (r->event_title[0])
        printer_escpos_text(&b, "Evento:", r->event_title, cols);
    if (r->event_date[0])
        printer_escpos_text(&b, "Fecha del evento:", r->event_date, cols);
    if (r->carta_prefix[0])
        printer_escpos_text(&b, "Versión de la Carta:", r->carta_prefix, cols);
    printer_escpos_text(&b, "Registro:", r->local_time, cols);
    printer_buf_put(&b, "\n", 1);

    /* The QR as a raster the full width of the paper, centred in the image
     * itself (printers disagree on whether ESC a moves images). */
    int total = qrsize + 2 * QUIET, scale = dots / total;
    if (scale > 8)
        scale = 8; /* 1 mm modules: plenty for any reader */
    if (scale < 1)
        goto out;
    int side = total * scale, x0 = (dots - side) / 2;
    if (qr) {
        img = calloc((size_t)dots * (size_t)side, 1);
        if (!img)
            goto out;
        for (int y = 0; y < side; y++) {
            int my = y / scale - QUIET;
            if (my < 0 || my >= qrsize)
                continue;
            for (int x = 0; x < side; x++) {
                int mx = x / scale - QUIET;
                if (mx >= 0 && mx < qrsize && qr[my * qrsize + mx])
                    img[(size_t)y * (size_t)dots + (size_t)(x0 + x)] = 1;
            }
        }
        printer_escpos_raster(&b, img, dots, side);
    }
    printer_escpos_align(&b, 1);
    printer_escpos_text(&b, NULL, "Folio", cols);
    printer_escpos_mode(&b, 0x18);
    printer_escpos_text(&b, NULL, r->folio, cols);
    printer_escpos_mode(&b, 0);
    printer_escpos_text(&b, NULL, qr ? "Escanee el código QR para verificar este comprobante."
                                     : "Impresión de prueba: no es un registro y no lleva código de verificación.",
                        cols);
    printer_escpos_feed_cut(&b, 4);
    rc = printer_buf_take(&b, out, len);
out:
    printer_buf_free(&b);
    free(img);
    free(qr);
    return rc;
}

int receipt_escpos(const receipt *r, int width_mm, uint8_t **out, size_t *len)
{
    return escpos_job(r, width_mm, NULL, out, len);
}

/* ---- printing ---- */

int receipt_print(const receipt *r, const config *c, char *err, size_t errlen)
{
    const char *uri = c->printer_uri;
    uint8_t *job = NULL;
    size_t len = 0;
    int rc;
    if (!uri[0] || strcmp(uri, "none") == 0)
        return 0;
    if (strncmp(uri, "png:", 4) == 0) {
        char path[1024];
        if (!uri[4])
            return fail(err, errlen, "printer uri png: needs a folder (png:DIR)");
        snprintf(path, sizeof path, "%s/%s.png", uri + 4, r->folio);
        return receipt_render_png(r, c, path, err, errlen);
    }
    if (strncmp(uri, "escpos+", 7) != 0 && strncmp(uri, "cups:", 5) != 0)
        return printer_send(uri, NULL, 0, err, errlen); /* names the bad uri */
    if (escpos_job(r, c->printer_width, c->logo, &job, &len) != 0)
        return fail(err, errlen, "receipt: cannot prepare the print job (out of memory)");
    rc = printer_send(uri, job, len, err, errlen);
    free(job);
    return rc;
}
