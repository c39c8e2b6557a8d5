/* gfx.c — see gfx.h. */
#include "gfx.h"

#include <fontconfig/fontconfig.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- fonts ---- */

/* 1 if fontconfig has family name installed (one of the matched font's
 * family names is name); the matched file goes to file. */
static int font_match(const char *name, int bold, char *file, size_t filelen)
{
    int found = 0;
    FcPattern *pat = FcNameParse((const FcChar8 *)name);
    if (!pat)
        return 0;
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcChar8 *fam = NULL, *path = NULL;
    for (int i = 0; m && !found && FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        found = strcasecmp((const char *)fam, name) == 0;
    if (found && file && filelen) {
        if (FcPatternGetString(m, FC_FILE, 0, &path) == FcResultMatch)
            snprintf(file, filelen, "%s", (const char *)path);
        else
            found = 0;
    }
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(pat);
    return found;
}

int gfx_font(int mono, int bold, char *family, size_t familylen, char *file, size_t filelen)
{
    static const char *const chain[2][2] = {{"Noto Sans", "DejaVu Sans"}, {"Noto Sans Mono", "DejaVu Sans Mono"}};
    const char *const *names = chain[mono ? 1 : 0];
    int found = -1;
    if (file && filelen)
        file[0] = '\0';
    if (FcInit())
        for (int i = 0; i < 2 && found < 0; i++)
            if (font_match(names[i], bold, file, filelen))
                found = i;
    if (family && familylen)
        snprintf(family, familylen, "%s", names[found < 0 ? 1 : found]);
    return found < 0 ? -1 : 0;
}

/* ---- PNG pictures ---- */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

cairo_surface_t *gfx_png_load(const char *path, char *err, size_t errlen)
{
    cairo_surface_t *png = cairo_image_surface_create_from_png(path);
    cairo_status_t st = cairo_surface_status(png);
    if (st == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(png) > 0 &&
        cairo_image_surface_get_height(png) > 0)
        return png;
    /* cairo says "out of memory" for a file that is not a PNG. */
    set_err(err, errlen, st == CAIRO_STATUS_FILE_NOT_FOUND ? "file not found" : "not a readable PNG file");
    cairo_surface_destroy(png);
    return NULL;
}

double gfx_fit_scale(double w, double h, double box_w, double box_h, double max_scale)
{
    double kw = box_w / w, kh = box_h / h, k = kw < kh ? kw : kh;
    return k > max_scale ? max_scale : k;
}

cairo_surface_t *gfx_png_load_fit(const char *path, double box_w, double box_h, double max_scale, char *err,
                                  size_t errlen)
{
    cairo_surface_t *png = gfx_png_load(path, err, errlen), *sf = NULL;
    cairo_t *cr = NULL;
    if (!png)
        return NULL;
    int w0 = cairo_image_surface_get_width(png), h0 = cairo_image_surface_get_height(png);
    double k = gfx_fit_scale(w0, h0, box_w, box_h, max_scale);
    int w = (int)(w0 * k + 0.5), h = (int)(h0 * k + 0.5);
    w = w < 1 ? 1 : w;
    h = h < 1 ? 1 : h;
    /* Drawn (any PNG format) into a plain ARGB32 surface. */
    sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cr = cairo_create(sf);
    cairo_scale(cr, (double)w / w0, (double)h / h0);
    cairo_set_source_surface(cr, png, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_surface_flush(sf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        set_err(err, errlen, "cannot draw it");
        cairo_surface_destroy(sf);
        sf = NULL;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(png);
    return sf;
}

void gfx_paint_scaled(cairo_t *cr, cairo_surface_t *img, double x, double y, double k)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, k, k);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
}

/* ---- QR codes ---- */

int gfx_qr(const char *text, unsigned char **modules, int *size)
{
    *modules = NULL;
    *size = 0;
    /* With case sensitivity on, libqrencode splits the text into the
     * cheapest modes: a Base45 payload becomes one alphanumeric segment
     * (11 bits per 2 characters instead of 16 in byte mode). */
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return -1;
    size_t n = (size_t)q->width * (size_t)q->width;
    unsigned char *m = malloc(n);
    if (!m) {
        QRcode_free(q);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = q->data[i] & 1;
    *modules = m;
    *size = q->width;
    QRcode_free(q);
    return 0;
}

void gfx_qr_paint(cairo_t *cr, const unsigned char *modules, int size, double x, double y, double module)
{
    for (int r = 0; r < size; r++) {
        for (int c = 0; c < size;) {
            if (!modules[r * size + c]) {
                c++;
                continue;
            }
            int c0 = c;
            while (c < size && modules[r * size + c])
                c++;
            cairo_rectangle(cr, x + c0 * module, y + r * module, (c - c0) * module, module);
        }
    }
    cairo_fill(cr);
}
