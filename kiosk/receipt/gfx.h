/* gfx.h — graphics helpers shared by the receipt renderings, the PDF
 * writers and the kiosk's platform layer: font lookup through fontconfig
 * (Noto Sans, then DejaVu Sans), PNG pictures read and scaled with cairo,
 * and QR matrices with libqrencode. Each exists once, here. */
#ifndef CK_GFX_H
#define CK_GFX_H

#include <stddef.h>

#include <cairo.h>

/* ---- fonts ---- */

/* Looks the kiosk's font up through fontconfig: Noto Sans (mono: Noto Sans
 * Mono) when installed, else DejaVu Sans (DejaVu Sans Mono), regular or
 * bold. family (may be NULL) gets the family to select with cairo, file
 * (may be NULL) the font file, for SDL_ttf. Returns 0, or -1 when neither
 * is installed: family then holds the last fallback's name (fontconfig
 * substitutes something for it) and file "". */
int gfx_font(int mono, int bold, char *family, size_t familylen, char *file, size_t filelen);

/* ---- PNG pictures ---- */

/* Reads the PNG file at path with cairo. Returns the image (the caller
 * destroys it with cairo_surface_destroy), or NULL with a one-line reason
 * in err (may be NULL): "file not found" or "not a readable PNG file". */
cairo_surface_t *gfx_png_load(const char *path, char *err, size_t errlen);

/* The scale that fits a w x h picture into box_w x box_h keeping its
 * aspect ratio, at most max_scale (1: never enlarged). */
double gfx_fit_scale(double w, double h, double box_w, double box_h, double max_scale);

/* Reads the PNG file at path and draws it, scaled to fit box_w x box_h (at
 * most max_scale) with cairo's GOOD filter, into a new ARGB32 image of
 * whole pixels (at least 1 x 1), for pixel outputs (a printer raster, a
 * screen texture). Returns the image (caller destroys it), or NULL with a
 * one-line reason in err (may be NULL): as gfx_png_load, or "cannot draw
 * it". */
cairo_surface_t *gfx_png_load_fit(const char *path, double box_w, double box_h, double max_scale, char *err,
                                  size_t errlen);

/* Paints img into cr scaled by k with its top-left corner at x, y. Vector
 * outputs (PDF) keep the picture's own pixels this way. */
void gfx_paint_scaled(cairo_t *cr, cairo_surface_t *img, double x, double y, double k);

/* ---- QR codes ---- */

/* The QR code of text at error correction level M, in the cheapest modes
 * (case-sensitive, so a Base45 payload is one alphanumeric segment).
 * *modules gets a malloc'd size*size array of 0/1 bytes, row-major, that
 * the caller frees. Returns 0, or -1 (with *modules NULL, *size 0) when the
 * text is too long or memory runs out. */
int gfx_qr(const char *text, unsigned char **modules, int *size);

/* Adds the dark modules of a size x size QR matrix to cr's path, each
 * module points square, the top-left module at x, y, as horizontal runs,
 * and fills them at once with the current source (no seams between
 * modules). The quiet zone, the colours and the antialiasing are the
 * caller's. */
void gfx_qr_paint(cairo_t *cr, const unsigned char *modules, int size, double x, double y, double module);

#endif
