/* platform_sdl.c — the only file that touches SDL: window, fonts, input.
 *
 * How it works. platform_run() opens a full-screen window (or a window of
 * --windowed WxH for development), finds Noto Sans (DejaVu Sans as the
 * fallback) through fontconfig, and loops: SDL events become ui_ctx input
 * (touch and mouse, never both for one touch), app_frame() runs the kiosk
 * and leaves draw commands, and draw() turns them into pixels with a cache
 * of rendered strings so text is not re-rasterised every frame.
 *
 * For tests, --script FILE pushes SDL events (taps on a widget by its label,
 * touches, drags, text, keys) into the same event queue a person's input
 * goes through, advances a virtual clock, checks the screen and saves PNG
 * screenshots (cairo); --demo NAME shows one screen with sample content;
 * --bench NAME measures frame times.
 */
#include "platform.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "util.h"

#define FONT_SLOTS 64
#define CACHE_BUCKETS 512
#define CACHE_WAYS 4
#define MOUSE_ID 1000000
#define CORNER_MAX 96
#define WIDTH_SLOTS 4096

typedef struct font_slot {
    int size, bold;
    TTF_Font *font;
} font_slot;

typedef struct text_entry {
    char *text;
    uint32_t hash;
    int size, bold;
    ui_color color;
    SDL_Texture *tex;
    int w, h;
    unsigned long used;
} text_entry;

/* A cached text width: the hash covers the whole text, head its first
 * bytes (a collision also needs the same length and head). */
typedef struct width_entry {
    uint32_t hash;
    int size, bold, len, w;
    char head[40];
} width_entry;

typedef struct script_cmd {
    char op[16];
    char arg[512];
    int n[5];
} script_cmd;

typedef struct platform {
    SDL_Window *win;
    SDL_Renderer *ren;
    int w, h, windowed;
    char font_path[2][1024];
    font_slot fonts[FONT_SLOTS];
    width_entry widths[WIDTH_SLOTS];
    int nfonts;
    text_entry cache[CACHE_BUCKETS][CACHE_WAYS];
    unsigned long frame;
    char scratch[4096];
    SDL_Vertex *verts;
    int nverts, capverts;
    SDL_Rect *rects;
    int caprects;
    /* Anti-aliased quarter circles (white, alpha = coverage) per radius and
     * corner, tinted with SDL_SetTextureColorMod: a rounded rectangle is
     * three fills and four small blits instead of a fill per pixel row. */
    SDL_Texture *corner[CORNER_MAX + 1][4];
    /* The institution logo (picture APP_IMAGE_LOGO), or NULL. */
    SDL_Texture *logo;
    int logo_w, logo_h;
    /* With the software renderer, solid rectangles are written straight
     * into the window's surface (see direct_fill). */
    int software;
    SDL_Surface *surface;    /* this frame's window surface, or NULL */
    ui_rect clip;            /* current clip (w == 0: none) */
    /* Clock: wall time at start plus ticks plus the virtual offset. */
    int64_t base_ms;
    uint64_t t0;
    int64_t offset_ms;
    /* Script. */
    script_cmd *script;
    int nscript, pc;
    int pending_up;          /* a tap's release is due next frame */
    int hold_ms;             /* virtual time to pass while a finger is held */
    int settle;              /* frames to let pass before the next command */
    int up_x, up_y, up_touch;
    int64_t wait_until;
    int script_rc;
    const char *widgets_file;
    uint32_t widgets_hash;
} platform;

static platform P;

/* ---- fonts and text ---- */

/* Finds a font file through fontconfig: family, then Noto Sans, DejaVu Sans. */
static int find_font(const char *family, int bold, char *out, size_t outlen)
{
    static const char *const fallbacks[] = {"Noto Sans", "DejaVu Sans", NULL};
    int found = 0;
    if (!FcInit())
        return -1;
    for (int i = -1; !found && (i < 0 || fallbacks[i]); i++) {
        const char *name = i < 0 ? family : fallbacks[i];
        FcPattern *pat = FcNameParse((const FcChar8 *)name);
        FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *m = FcFontMatch(NULL, pat, &res);
        FcChar8 *file = NULL, *fam = NULL;
        if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
            FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch &&
            strncasecmp((const char *)fam, name, strlen(name)) == 0) {
            snprintf(out, outlen, "%s", (const char *)file);
            found = 1;
        }
        if (m)
            FcPatternDestroy(m);
        FcPatternDestroy(pat);
    }
    return found ? 0 : -1;
}

static TTF_Font *get_font(int size, int bold)
{
    if (size < 6)
        size = 6;
    for (int i = 0; i < P.nfonts; i++)
        if (P.fonts[i].size == size && P.fonts[i].bold == bold)
            return P.fonts[i].font;
    TTF_Font *f = TTF_OpenFont(P.font_path[bold ? 1 : 0], size);
    if (!f)
        return NULL;
    if (P.nfonts == FONT_SLOTS) {
        /* Rarely reached: sizes change only with the window or the toggle. */
        TTF_CloseFont(P.fonts[0].font);
        memmove(&P.fonts[0], &P.fonts[1], sizeof P.fonts[0] * (FONT_SLOTS - 1));
        P.nfonts--;
    }
    P.fonts[P.nfonts++] = (font_slot){size, bold, f};
    return f;
}

/* The ui layer's text-measure callback. Widths are cached: the layout
 * measures the same labels every frame, and shaping them (HarfBuzz) each
 * time would cost more than drawing them. */
static int measure(void *user, const char *text, int len, int size, int bold)
{
    (void)user;
    if (len <= 0)
        return 0;
    if (len >= (int)sizeof P.scratch)
        len = (int)sizeof P.scratch - 1;
    uint32_t h = 2166136261u ^ (uint32_t)size * 31u ^ (uint32_t)bold * 7u ^ (uint32_t)len * 131u;
    for (int i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    width_entry *e = &P.widths[h % WIDTH_SLOTS];
    if (e->hash == h && e->size == size && e->bold == bold && e->len == len &&
        (len <= (int)sizeof e->head ? memcmp(e->head, text, (size_t)len) == 0
                                    : memcmp(e->head, text, sizeof e->head) == 0))
        return e->w;
    TTF_Font *f = get_font(size, bold);
    if (!f)
        return 0;
    memcpy(P.scratch, text, (size_t)len);
    P.scratch[len] = 0;
    int w = 0, th = 0;
    TTF_SizeUTF8(f, P.scratch, &w, &th);
    *e = (width_entry){h, size, bold, len, w, {0}};
    memcpy(e->head, text, (size_t)len < sizeof e->head ? (size_t)len : sizeof e->head);
    return w;
}

static uint32_t hash_text(const char *s, int size, int bold, ui_color c)
{
    uint32_t h = 2166136261u ^ (uint32_t)size * 31u ^ (uint32_t)bold * 7u ^ c;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* A texture of the rendered string, from the cache or freshly rendered. */
static text_entry *cached_text(const char *text, int size, int bold, ui_color c)
{
    uint32_t h = hash_text(text, size, bold, c);
    text_entry *bucket = P.cache[h % CACHE_BUCKETS], *victim = &bucket[0];
    for (int i = 0; i < CACHE_WAYS; i++) {
        text_entry *e = &bucket[i];
        if (e->text && e->hash == h && e->size == size && e->bold == bold && e->color == c &&
            strcmp(e->text, text) == 0) {
            e->used = P.frame;
            return e;
        }
        if (!e->text || e->used < victim->used)
            victim = e;
    }
    TTF_Font *f = get_font(size, bold);
    if (!f)
        return NULL;
    SDL_Color col = {(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, 255};
    SDL_Surface *sf = TTF_RenderUTF8_Blended(f, text, col);
    if (!sf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(P.ren, sf);
    int w = sf->w, th = sf->h;
    SDL_FreeSurface(sf);
    if (!tex)
        return NULL;
    if (victim->tex)
        SDL_DestroyTexture(victim->tex);
    free(victim->text);
    *victim = (text_entry){strdup(text), h, size, bold, c, tex, w, th, P.frame};
    if (!victim->text) {
        SDL_DestroyTexture(tex);
        memset(victim, 0, sizeof *victim);
        return NULL;
    }
    return victim;
}

static void cache_free(void)
{
    for (int b = 0; b < CACHE_BUCKETS; b++)
        for (int i = 0; i < CACHE_WAYS; i++) {
            if (P.cache[b][i].tex)
                SDL_DestroyTexture(P.cache[b][i].tex);
            free(P.cache[b][i].text);
        }
    memset(P.cache, 0, sizeof P.cache);
    for (int i = 0; i < P.nfonts; i++)
        TTF_CloseFont(P.fonts[i].font);
    P.nfonts = 0;
    for (int r = 0; r <= CORNER_MAX; r++)
        for (int k = 0; k < 4; k++)
            if (P.corner[r][k])
                SDL_DestroyTexture(P.corner[r][k]);
    memset(P.corner, 0, sizeof P.corner);
}

/* ---- drawing ---- */

static void set_color(ui_color c)
{
    SDL_SetRenderDrawColor(P.ren, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, 255);
}

static SDL_Rect *rects(int n)
{
    if (n > P.caprects) {
        SDL_Rect *r = realloc(P.rects, sizeof *r * (size_t)n);
        if (!r)
            return NULL;
        P.rects = r;
        P.caprects = n;
    }
    return P.rects;
}

/* The texture of corner k (0 top-left, 1 top-right, 2 bottom-left,
 * 3 bottom-right) of radius r, made on first use. */
static SDL_Texture *corner_tex(int r, int k)
{
    if (P.corner[r][k])
        return P.corner[r][k];
    SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, r, r, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!sf)
        return NULL;
    for (int y = 0; y < r; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)sf->pixels + y * sf->pitch);
        for (int x = 0; x < r; x++) {
            /* Coverage of the pixel by the circle centred at the inner
             * corner, 4x4 samples. */
            int cov = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) {
                    double px = (k & 1) ? x + (sx + 0.5) / 4 : r - x - (sx + 0.5) / 4;
                    double py = (k & 2) ? y + (sy + 0.5) / 4 : r - y - (sy + 0.5) / 4;
                    cov += px * px + py * py <= (double)r * r;
                }
            row[x] = (uint32_t)(cov * 255 / 16) << 24 | 0xFFFFFF;
        }
    }
    SDL_Texture *tex = SDL_CreateTextureFromSurface(P.ren, sf);
    SDL_FreeSurface(sf);
    if (tex)
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    P.corner[r][k] = tex;
    return tex;
}

/* Fills r (clipped) with c directly in the software renderer's surface:
 * SDL_FillRect uses non-temporal stores, which made filling the keyboard's
 * keys cost more than everything else in a frame. The renderer's queue is
 * flushed first so the order of drawing is kept. Returns 0, or -1 when the
 * caller must use the renderer. */
static int direct_fill(ui_rect r, ui_color c)
{
    SDL_Surface *sf = P.surface;
    if (!sf)
        return -1;
    int x0 = r.x, y0 = r.y, x1 = r.x + r.w, y1 = r.y + r.h;
    if (P.clip.w) {
        x0 = x0 > P.clip.x ? x0 : P.clip.x;
        y0 = y0 > P.clip.y ? y0 : P.clip.y;
        x1 = x1 < P.clip.x + P.clip.w ? x1 : P.clip.x + P.clip.w;
        y1 = y1 < P.clip.y + P.clip.h ? y1 : P.clip.y + P.clip.h;
    }
    x0 = x0 > 0 ? x0 : 0;
    y0 = y0 > 0 ? y0 : 0;
    x1 = x1 < sf->w ? x1 : sf->w;
    y1 = y1 < sf->h ? y1 : sf->h;
    if (x0 >= x1 || y0 >= y1)
        return 0;
    SDL_RenderFlush(P.ren);
    uint32_t px = SDL_MapRGB(sf->format, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
    for (int y = y0; y < y1; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)sf->pixels + (size_t)y * (size_t)sf->pitch) + x0;
        for (int x = 0; x < x1 - x0; x++)
            row[x] = px;
    }
    return 0;
}

static void fill_rect(ui_rect r, ui_color c, int radius)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    if (radius > CORNER_MAX)
        radius = CORNER_MAX;
    set_color(c);
    if (radius <= 1) {
        if (direct_fill(r, c) != 0)
            SDL_RenderFillRect(P.ren, &(SDL_Rect){r.x, r.y, r.w, r.h});
        return;
    }
    ui_rect v[3] = {{r.x + radius, r.y, r.w - 2 * radius, radius},
                    {r.x, r.y + radius, r.w, r.h - 2 * radius},
                    {r.x + radius, r.y + r.h - radius, r.w - 2 * radius, radius}};
    for (int i = 0; i < 3; i++)
        if (direct_fill(v[i], c) != 0)
            SDL_RenderFillRect(P.ren, &(SDL_Rect){v[i].x, v[i].y, v[i].w, v[i].h});
    for (int k = 0; k < 4; k++) {
        SDL_Texture *t = corner_tex(radius, k);
        if (!t)
            continue;
        SDL_SetTextureColorMod(t, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
        SDL_Rect d = {(k & 1) ? r.x + r.w - radius : r.x, (k & 2) ? r.y + r.h - radius : r.y, radius, radius};
        SDL_RenderCopy(P.ren, t, NULL, &d);
    }
}

static void flush_lines(void)
{
    if (P.nverts)
        SDL_RenderGeometry(P.ren, NULL, P.verts, P.nverts, NULL, 0);
    P.nverts = 0;
}

static void add_line(const ui_cmd *c)
{
    if (P.nverts + 6 > P.capverts) {
        int cap = P.capverts ? P.capverts * 2 : 6 * 1024;
        SDL_Vertex *v = realloc(P.verts, sizeof *v * (size_t)cap);
        if (!v)
            return;
        P.verts = v;
        P.capverts = cap;
    }
    float x0 = (float)c->r.x, y0 = (float)c->r.y, x1 = x0 + (float)c->r.w, y1 = y0 + (float)c->r.h;
    float dx = x1 - x0, dy = y1 - y0, len = SDL_sqrtf(dx * dx + dy * dy), ht = (float)c->size / 2.0f;
    if (len < 0.01f) {
        dx = 1;
        dy = 0;
        len = 1;
    }
    /* Extend along the direction by half the thickness: joints look round enough. */
    float ux = dx / len * ht, uy = dy / len * ht, nx = -uy, ny = ux;
    SDL_Color col = {(c->color >> 16) & 0xff, (c->color >> 8) & 0xff, c->color & 0xff, 255};
    SDL_FPoint p[4] = {{x0 - ux + nx, y0 - uy + ny}, {x1 + ux + nx, y1 + uy + ny},
                       {x1 + ux - nx, y1 + uy - ny}, {x0 - ux - nx, y0 - uy - ny}};
    static const int idx[6] = {0, 1, 2, 0, 2, 3};
    for (int i = 0; i < 6; i++)
        P.verts[P.nverts++] = (SDL_Vertex){p[idx[i]], col, {0, 0}};
}

static void draw_qr(const ui_cmd *c)
{
    int n = c->qr_size, side = c->r.w < c->r.h ? c->r.w : c->r.h;
    if (n <= 0)
        return;
    int mod = side / n, ox = c->r.x + (c->r.w - mod * n) / 2, oy = c->r.y + (c->r.h - mod * n) / 2;
    set_color(0xFFFFFF);
    SDL_RenderFillRect(P.ren, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
    SDL_Rect *v = rects(n * n);
    if (!v || mod < 1)
        return;
    int k = 0;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (c->qr[y * n + x] & 1)
                v[k++] = (SDL_Rect){ox + x * mod, oy + y * mod, mod, mod};
    set_color(0x000000);
    SDL_RenderFillRects(P.ren, v, k);
}

/* Loads the institution logo (a PNG, through cairo) once, as a texture no
 * larger than it will be shown (a quarter of the width, a fifth of the
 * short side: the header scales it only a little more, with linear
 * filtering). cairo's ARGB32 is premultiplied; SDL's blend mode is not, so
 * the pixels are un-premultiplied. A missing or unreadable file leaves no
 * logo (the header is then drawn without one), with a line on stderr. */
static void load_logo(const char *path)
{
    if (!path || !path[0])
        return;
    cairo_surface_t *png = cairo_image_surface_create_from_png(path), *sf = NULL;
    cairo_t *cr = NULL;
    SDL_Texture *tex = NULL;
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
        /* cairo says "out of memory" for a file that is not a PNG. */
        fprintf(stderr, "cepci-kiosk: logo %s: %s; shown without it\n", path,
                cairo_surface_status(png) == CAIRO_STATUS_FILE_NOT_FOUND ? "file not found"
                                                                        : "not a readable PNG file");
        goto out;
    }
    int w0 = cairo_image_surface_get_width(png), h0 = cairo_image_surface_get_height(png);
    if (w0 <= 0 || h0 <= 0)
        goto out;
    int short_side = P.w < P.h ? P.w : P.h;
    double k = 1.0, kw = (P.w / 4.0) / w0, kh = (short_side / 5.0) / h0;
    if (kw < k)
        k = kw;
    if (kh < k)
        k = kh;
    int w = (int)(w0 * k + 0.5), h = (int)(h0 * k + 0.5);
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    /* Drawn (scaled, any PNG format) into a plain ARGB32 surface. */
    sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cr = cairo_create(sf);
    cairo_scale(cr, (double)w / w0, (double)h / h0);
    cairo_set_source_surface(cr, png, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_surface_flush(sf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "cepci-kiosk: logo %s: cannot draw it; shown without it\n", path);
        goto out;
    }
    unsigned char *data = cairo_image_surface_get_data(sf);
    int stride = cairo_image_surface_get_stride(sf);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t p = row[x], al = p >> 24;
            if (al == 0 || al == 255)
                continue;
            uint32_t r = ((p >> 16 & 255) * 255 + al / 2) / al, g = ((p >> 8 & 255) * 255 + al / 2) / al,
                     b = ((p & 255) * 255 + al / 2) / al;
            row[x] = al << 24 | (r > 255 ? 255 : r) << 16 | (g > 255 ? 255 : g) << 8 | (b > 255 ? 255 : b);
        }
    }
    /* cairo's pixels are native-endian 32-bit 0xAARRGGBB: SDL's ARGB8888. */
    tex = SDL_CreateTexture(P.ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, h);
    if (!tex || SDL_UpdateTexture(tex, NULL, data, stride) != 0) {
        fprintf(stderr, "cepci-kiosk: logo %s: %s; shown without it\n", path, SDL_GetError());
        if (tex)
            SDL_DestroyTexture(tex);
        goto out;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    SDL_SetTextureScaleMode(tex, SDL_ScaleModeLinear);
    P.logo = tex;
    P.logo_w = w;
    P.logo_h = h;
out:
    if (cr)
        cairo_destroy(cr);
    if (sf)
        cairo_surface_destroy(sf);
    cairo_surface_destroy(png);
}

/* Turns the frame's draw commands into pixels. */
static void draw(const ui_ctx *u)
{
    P.frame++;
    /* A first rectangle that covers the screen is the clear colour: the
     * software renderer then fills the screen once, not twice. */
    int first = 0;
    ui_color bg = 0xF3F4F6;
    if (u->ncmds > 0 && u->cmds[0].type == UI_CMD_RECT && u->cmds[0].r.x <= 0 && u->cmds[0].r.y <= 0 &&
        u->cmds[0].r.x + u->cmds[0].r.w >= P.w && u->cmds[0].r.y + u->cmds[0].r.h >= P.h) {
        bg = u->cmds[0].color;
        first = 1;
    }
    /* The software renderer draws into the window's surface; a 32-bit one
     * is filled directly (direct_fill). */
    P.surface = NULL;
    P.clip = (ui_rect){0, 0, 0, 0};
    if (P.software) {
        SDL_Surface *sf = SDL_GetWindowSurface(P.win);
        if (sf && sf->format->BytesPerPixel == 4 && sf->w == P.w && sf->h == P.h && !SDL_MUSTLOCK(sf))
            P.surface = sf;
    }
    set_color(bg);
    if (direct_fill((ui_rect){0, 0, P.w, P.h}, bg) != 0)
        SDL_RenderClear(P.ren);
    for (int i = first; i < u->ncmds; i++) {
        const ui_cmd *c = &u->cmds[i];
        if (c->type != UI_CMD_LINE)
            flush_lines();
        switch (c->type) {
        case UI_CMD_RECT:
            fill_rect(c->r, c->color, c->size);
            break;
        case UI_CMD_FRAME: {
            set_color(c->color);
            int t = c->size > 0 ? c->size : 1;
            SDL_Rect s[4] = {{c->r.x, c->r.y, c->r.w, t},
                             {c->r.x, c->r.y + c->r.h - t, c->r.w, t},
                             {c->r.x, c->r.y, t, c->r.h},
                             {c->r.x + c->r.w - t, c->r.y, t, c->r.h}};
            SDL_RenderFillRects(P.ren, s, 4);
            break;
        }
        case UI_CMD_TEXT: {
            text_entry *e = cached_text(u->arena + c->text, c->size, c->bold, c->color);
            if (e) {
                /* Centre the font's line box in the ui's line box. */
                int y = c->r.y + (c->r.h - e->h) / 2;
                SDL_RenderCopy(P.ren, e->tex, NULL, &(SDL_Rect){c->r.x, y, e->w, e->h});
            }
            break;
        }
        case UI_CMD_LINE:
            add_line(c);
            break;
        case UI_CMD_QR:
            draw_qr(c);
            break;
        case UI_CMD_IMAGE:
            if (c->image == APP_IMAGE_LOGO && P.logo)
                SDL_RenderCopy(P.ren, P.logo, NULL, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
            break;
        case UI_CMD_CLIP:
            P.clip = c->r.w > 0 ? c->r : (ui_rect){0, 0, 0, 0};
            if (c->r.w > 0)
                SDL_RenderSetClipRect(P.ren, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
            else
                SDL_RenderSetClipRect(P.ren, NULL);
            break;
        default:
            break;
        }
    }
    flush_lines();
    SDL_RenderSetClipRect(P.ren, NULL);
}

/* Saves the current frame as a PNG (cairo). Returns 0 or -1. */
static int save_png(const char *path)
{
    int rc = -1;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, P.w);
    unsigned char *px = malloc((size_t)stride * (size_t)P.h);
    cairo_surface_t *sf = NULL;
    if (!px)
        goto cleanup;
    if (SDL_RenderReadPixels(P.ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, stride) != 0)
        goto cleanup;
    sf = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_RGB24, P.w, P.h, stride);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
        goto cleanup;
    rc = cairo_surface_write_to_png(sf, path) == CAIRO_STATUS_SUCCESS ? 0 : -1;
cleanup:
    if (sf)
        cairo_surface_destroy(sf);
    free(px);
    if (rc)
        fprintf(stderr, "cepci-kiosk: could not save %s\n", path);
    return rc;
}

/* ---- time ---- */

static int64_t now_ms(void)
{
    return P.base_ms + (int64_t)(SDL_GetTicks64() - P.t0) + P.offset_ms;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- input ---- */

enum { EV_NONE, EV_QUIT_REQUEST };

/* Feeds one SDL event to the ui. Returns EV_QUIT_REQUEST for a window close
 * or Escape (the caller decides whether it is allowed). */
static int feed(ui_ctx *u, const SDL_Event *ev)
{
    int64_t t = now_ms();
    switch (ev->type) {
    case SDL_QUIT:
        return EV_QUIT_REQUEST;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        /* A touch also arrives as a synthesised mouse event: count it once. */
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            break;
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            ui_input_down(u, MOUSE_ID, ev->button.x, ev->button.y, t);
        else
            ui_input_up(u, MOUSE_ID, ev->button.x, ev->button.y, t);
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.which != SDL_TOUCH_MOUSEID && (ev->motion.state & SDL_BUTTON_LMASK))
            ui_input_move(u, MOUSE_ID, ev->motion.x, ev->motion.y, t);
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        int x = (int)(ev->tfinger.x * (float)P.w), y = (int)(ev->tfinger.y * (float)P.h);
        int id = (int)(ev->tfinger.fingerId & 0xffff);
        if (ev->type == SDL_FINGERDOWN)
            ui_input_down(u, id, x, y, t);
        else if (ev->type == SDL_FINGERUP)
            ui_input_up(u, id, x, y, t);
        else
            ui_input_move(u, id, x, y, t);
        break;
    }
    case SDL_TEXTINPUT:
        ui_input_text(u, ev->text.text);
        break;
    case SDL_KEYDOWN:
        switch (ev->key.keysym.sym) {
        case SDLK_RETURN:
        case SDLK_KP_ENTER: ui_input_key(u, UI_KEY_ENTER); break;
        case SDLK_BACKSPACE: ui_input_key(u, UI_KEY_BACKSPACE); break;
        case SDLK_ESCAPE: return EV_QUIT_REQUEST;
        default: break;
        }
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            SDL_GetRendererOutputSize(P.ren, &P.w, &P.h);
            ui_resize(u, P.w, P.h);
        }
        break;
    default:
        break;
    }
    return EV_NONE;
}

/* ---- scripts ---- */

/* Parses a script: one command per line, '#' comments. Commands:
 *   tap LABEL | touch LABEL | tapxy X Y | drag X1 Y1 X2 Y2 | sign
 *   scroll-end (drags the long text to its end) | text STRING
 *   text-times N STRING | text-hex HEXBYTES
 *   key enter|backspace|escape | wait MS | advance MS | shot FILE
 *   expect SCREEN | expect-text TEXT | expect-uncut (no text shortened
 *   with "…" or past the screen's edge) | demo SCREEN | large 0|1 | quit */
static int load_script(const char *path)
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return -1;
    int cap = 64;
    P.script = calloc((size_t)cap, sizeof *P.script);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && P.script; line = strtok_r(NULL, "\n", &save)) {
        util_trim(line);
        if (!*line || *line == '#')
            continue;
        if (P.nscript == cap) {
            script_cmd *s = realloc(P.script, sizeof *s * (size_t)cap * 2);
            if (!s)
                break;
            P.script = s;
            cap *= 2;
        }
        script_cmd *c = &P.script[P.nscript++];
        memset(c, 0, sizeof *c);
        char *sp = strchr(line, ' ');
        snprintf(c->op, sizeof c->op, "%.*s", sp ? (int)(sp - line) : (int)strlen(line), line);
        if (sp) {
            snprintf(c->arg, sizeof c->arg, "%s", sp + 1);
            util_trim(c->arg);
            sscanf(c->arg, "%d %d %d %d %d", &c->n[0], &c->n[1], &c->n[2], &c->n[3], &c->n[4]);
        }
    }
    free(text);
    return P.script ? 0 : -1;
}

static void push_mouse(int type, int x, int y, int touch)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = (Uint32)type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
        e.motion.state = SDL_BUTTON_LMASK;
        e.motion.which = touch ? SDL_TOUCH_MOUSEID : 0;
    } else {
        e.button.x = x;
        e.button.y = y;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.which = touch ? SDL_TOUCH_MOUSEID : 0;
    }
    SDL_PushEvent(&e);
}

static void push_finger(int type, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = (Uint32)type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 7;
    e.tfinger.x = (float)x / (float)P.w;
    e.tfinger.y = (float)y / (float)P.h;
    e.tfinger.pressure = 1;
    SDL_PushEvent(&e);
    /* What a real touchscreen also sends: a synthesised mouse event. */
    int mt = type == SDL_FINGERDOWN ? SDL_MOUSEBUTTONDOWN : type == SDL_FINGERUP ? SDL_MOUSEBUTTONUP : SDL_MOUSEMOTION;
    push_mouse(mt, x, y, 1);
}

static void push_drag(int x0, int y0, int x1, int y1, int steps)
{
    push_mouse(SDL_MOUSEBUTTONDOWN, x0, y0, 0);
    for (int i = 1; i <= steps; i++)
        push_mouse(SDL_MOUSEMOTION, x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, 0);
    push_mouse(SDL_MOUSEBUTTONUP, x1, y1, 0);
}

static int script_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int script_fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cepci-kiosk: script line %d: ", P.pc);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    P.script_rc = 2;
    return -1;
}

static int frame_has_text(const ui_ctx *u, const char *needle)
{
    for (int i = 0; i < u->ncmds; i++)
        if (u->cmds[i].type == UI_CMD_TEXT && strstr(u->arena + u->cmds[i].text, needle))
            return 1;
    return 0;
}

/* Runs script commands until one needs a new frame. Returns 1 while the
 * script goes on, 0 when it ended, -1 on failure. */
static int script_step(ui_ctx *u, app *a)
{
    if (P.settle > 0) {
        /* Let the input be handled and the next screen be drawn once. */
        P.settle--;
        return 1;
    }
    /* Wait until what was pushed has been handled, frame by frame. */
    if (SDL_PeepEvents(NULL, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0)
        return 1;
    if (P.hold_ms) {
        /* The finger is down: let the (virtual) time pass. */
        P.offset_ms += P.hold_ms;
        P.hold_ms = 0;
        P.settle = 2;
        return 1;
    }
    if (P.pending_up) {
        if (P.up_touch)
            push_finger(SDL_FINGERUP, P.up_x, P.up_y);
        else
            push_mouse(SDL_MOUSEBUTTONUP, P.up_x, P.up_y, 0);
        P.pending_up = 0;
        P.settle = 2;
        return 1;
    }
    if (P.wait_until) {
        if (now_ms() < P.wait_until)
            return 1;
        P.wait_until = 0;
    }
    while (P.pc < P.nscript) {
        script_cmd *c = &P.script[P.pc++];
        P.settle = 2;
        ui_rect r;
        if (strcmp(c->op, "tap") == 0 || strcmp(c->op, "touch") == 0) {
            if (!ui_find(u, c->arg, &r))
                return script_fail("no widget '%s' on screen %s", c->arg, app_screen_name(a->screen));
            P.up_x = r.x + r.w / 2;
            P.up_y = r.y + r.h / 2;
            P.up_touch = c->op[1] == 'o';
            if (P.up_touch)
                push_finger(SDL_FINGERDOWN, P.up_x, P.up_y);
            else
                push_mouse(SDL_MOUSEBUTTONDOWN, P.up_x, P.up_y, 0);
            P.pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "tapxy") == 0) {
            push_mouse(SDL_MOUSEBUTTONDOWN, c->n[0], c->n[1], 0);
            P.up_x = c->n[0];
            P.up_y = c->n[1];
            P.up_touch = 0;
            P.pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "hold") == 0) {
            /* hold X Y MS: press, keep the finger down for MS, release. */
            push_mouse(SDL_MOUSEBUTTONDOWN, c->n[0], c->n[1], 0);
            P.hold_ms = c->n[2];
            P.up_x = c->n[0];
            P.up_y = c->n[1];
            P.up_touch = 0;
            P.pending_up = 1;
            return 1;
        } else if (strcmp(c->op, "drag") == 0) {
            push_drag(c->n[0], c->n[1], c->n[2], c->n[3], 12);
            return 1;
        } else if (strcmp(c->op, "scroll-end") == 0) {
            for (int i = 0; i < 12; i++)
                push_drag(P.w / 2, P.h * 3 / 5, P.w / 2, P.h / 5, 6);
            return 1;
        } else if (strcmp(c->op, "sign") == 0) {
            if (!ui_find(u, "signature-pad", &r))
                return script_fail("no signature pad on screen %s", app_screen_name(a->screen));
            SDL_Event e;
            int x0 = r.x + r.w / 8, y0 = r.y + r.h / 2;
            push_mouse(SDL_MOUSEBUTTONDOWN, x0, y0, 0);
            for (int i = 1; i <= 60; i++) {
                int x = x0 + (r.w * 3 / 4) * i / 60;
                int y = y0 + (int)((double)(r.h / 4) * SDL_sin(i * 0.5));
                push_mouse(SDL_MOUSEMOTION, x, y, 0);
            }
            push_mouse(SDL_MOUSEBUTTONUP, x0 + r.w * 3 / 4, y0, 0);
            (void)e;
            return 1;
        } else if (strcmp(c->op, "text") == 0) {
            /* One SDL_TEXTINPUT per character, like a badge scanner. */
            for (const char *p = c->arg; *p;) {
                SDL_Event e;
                memset(&e, 0, sizeof e);
                e.type = SDL_TEXTINPUT;
                int n = 1;
                while (((unsigned char)p[n] & 0xC0) == 0x80)
                    n++;
                memcpy(e.text.text, p, (size_t)n);
                SDL_PushEvent(&e);
                p += n;
            }
            return 1;
        } else if (strcmp(c->op, "text-times") == 0) {
            /* text-times N STRING: STRING typed N times, one character per
             * event (a runaway badge scanner). */
            const char *str = strchr(c->arg, ' ');
            if (!str || c->n[0] <= 0)
                return script_fail("usage: text-times N STRING");
            str++;
            for (int k = 0; k < c->n[0] && k < 100000; k++)
                for (const char *p = str; *p; p++) {
                    SDL_Event e;
                    memset(&e, 0, sizeof e);
                    e.type = SDL_TEXTINPUT;
                    e.text.text[0] = *p;
                    SDL_PushEvent(&e);
                }
            return 1;
        } else if (strcmp(c->op, "text-hex") == 0) {
            /* text-hex HEX: one text event with exactly these bytes (control
             * characters, invalid UTF-8). */
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_TEXTINPUT;
            size_t n = 0;
            for (const char *p = c->arg; p[0] && p[1] && n < sizeof e.text.text - 1; p += 2) {
                unsigned v;
                if (sscanf(p, "%2x", &v) != 1)
                    return script_fail("bad hex in text-hex");
                e.text.text[n++] = (char)v;
            }
            SDL_PushEvent(&e);
            return 1;
        } else if (strcmp(c->op, "key") == 0) {
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_KEYDOWN;
            e.key.keysym.sym = strcmp(c->arg, "enter") == 0 ? SDLK_RETURN :
                               strcmp(c->arg, "backspace") == 0 ? SDLK_BACKSPACE : SDLK_ESCAPE;
            SDL_PushEvent(&e);
            return 1;
        } else if (strcmp(c->op, "wait") == 0) {
            P.wait_until = now_ms() + c->n[0];
            return 1;
        } else if (strcmp(c->op, "advance") == 0) {
            P.offset_ms += c->n[0];
            return 1;
        } else if (strcmp(c->op, "shot") == 0) {
            if (save_png(c->arg))
                return script_fail("cannot write %s", c->arg);
        } else if (strcmp(c->op, "expect") == 0) {
            if (strcmp(app_screen_name(a->screen), c->arg) != 0)
                return script_fail("expected screen %s, got %s", c->arg, app_screen_name(a->screen));
        } else if (strcmp(c->op, "expect-uncut") == 0) {
            /* Nothing shortened with "…" or drawn past the screen's edge. */
            if (u->ncut > 0) {
                char list[400] = "";
                for (int i = 0; i < u->ncut && i < 4; i++) {
                    size_t l = strlen(list);
                    snprintf(list + l, sizeof list - l, "%s'%s'", i ? ", " : "", u->cut[i]);
                }
                return script_fail("%d text%s cut on screen %s: %s", u->ncut, u->ncut == 1 ? "" : "s",
                                   app_screen_name(a->screen), list);
            }
        } else if (strcmp(c->op, "expect-text") == 0) {
            if (!frame_has_text(u, c->arg))
                return script_fail("text '%s' not on screen %s", c->arg, app_screen_name(a->screen));
        } else if (strcmp(c->op, "demo") == 0) {
            if (app_demo(a, u, c->arg))
                return script_fail("unknown demo screen %s", c->arg);
            return 1;
        } else if (strcmp(c->op, "large") == 0) {
            a->large_text = c->n[0];
            return 1;
        } else if (strcmp(c->op, "quit") == 0) {
            return 0;
        } else {
            return script_fail("unknown command '%s'", c->op);
        }
    }
    return 0;
}

/* Writes the widgets of the frame (label and rect) to CK_WIDGETS_FILE when
 * they changed, so an X test can click them with xdotool. */
static void dump_widgets(const ui_ctx *u, const app *a)
{
    uint32_t h = 2166136261u ^ (uint32_t)a->screen;
    for (int i = 0; i < u->nwidgets; i++) {
        const ui_widget *w = &u->widgets[i];
        h = (h ^ w->id ^ (uint32_t)w->r.x ^ (uint32_t)w->r.y << 8 ^ (uint32_t)w->enabled << 20) * 16777619u;
    }
    if (h == P.widgets_hash)
        return;
    P.widgets_hash = h;
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", P.widgets_file);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "screen\t%s\n", app_screen_name(a->screen));
    for (int i = 0; i < u->nwidgets; i++) {
        const ui_widget *w = &u->widgets[i];
        fprintf(f, "%s\t%d\t%d\t%d\t%d\t%d\n", w->label, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2, w->r.w, w->r.h,
                w->enabled);
    }
    fclose(f);
    rename(tmp, P.widgets_file);
}

/* ---- benchmark ---- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Synthetic input for --bench: typing in the search, or signing. */
static void bench_input(ui_ctx *u, app *a, const char *mode, int i)
{
    if (strcmp(mode, "search") == 0) {
        static const char *const seq[] = {"p", "e", "ñ", "a", " ", "g", "a", "r"};
        if (i % 9 == 8) {
            a->search[0] = 0;
        } else {
            size_t len = strlen(a->search);
            snprintf(a->search + len, sizeof a->search - len, "%s", seq[i % 9]);
        }
    } else if (strcmp(mode, "sign") == 0) {
        ui_rect r;
        if (!ui_find(u, "signature-pad", &r))
            return;
        int64_t t = now_ms();
        if (i % 120 == 0) {
            if (i)
                ui_input_up(u, MOUSE_ID, r.x + r.w / 2, r.y + r.h / 2, t);
            sig_clear(a->sig, r.w, r.h);
            ui_input_down(u, MOUSE_ID, r.x + 20, r.y + r.h / 2, t);
        }
        for (int k = 0; k < 4; k++)
            ui_input_move(u, MOUSE_ID, r.x + 20 + ((i % 120) * 4 + k) * (r.w - 40) / 480,
                          r.y + r.h / 2 + (int)(SDL_sin(i * 0.3 + k) * r.h / 4), t);
    }
}

/* ---- main loop ---- */

typedef struct run_opts {
    int w, h, software;
    const char *shot, *script, *demo, *bench;
    int bench_frames;
} run_opts;

static int parse_opts(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bench_frames = 600;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--windowed") == 0 && v) {
            if (sscanf(v, "%dx%d", &o->w, &o->h) != 2 || o->w < 320 || o->h < 240)
                return cli_error("bad --windowed '%s' (like 1280x800)", v);
        } else if (strcmp(a, "--screenshot") == 0 && v) {
            o->shot = v;
        } else if (strcmp(a, "--script") == 0 && v) {
            o->script = v;
        } else if (strcmp(a, "--demo") == 0 && v) {
            o->demo = v;
        } else if (strcmp(a, "--bench") == 0 && v) {
            o->bench = v;
        } else if (strcmp(a, "--frames") == 0 && v) {
            o->bench_frames = atoi(v) > 0 ? atoi(v) : 600;
        } else if (strcmp(a, "--software") == 0) {
            o->software = 1;
            continue;
        } else {
            return cli_error("usage: run [--windowed WxH] [--software] [--screenshot FILE.png] [--script FILE] "
                             "[--demo SCREEN] [--bench home|search|sign [--frames N]]");
        }
        i++;
    }
    return 0;
}

static int open_window(const run_opts *o)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0)
        return cli_error("cannot start the display: %s", SDL_GetError());
    /* With no display reachable SDL may fall back to an invisible driver
     * and the kiosk would run where nobody can see it: only accept one when
     * it was asked for by name (SDL_VIDEODRIVER, as the tests do). */
    const char *driver = SDL_GetCurrentVideoDriver(), *asked = SDL_getenv("SDL_VIDEODRIVER");
    if (driver && (strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0) &&
        !(asked && strcmp(asked, driver) == 0)) {
        TTF_Quit();
        SDL_Quit();
        return cli_error("no display found (SDL chose the '%s' driver); is DISPLAY or WAYLAND_DISPLAY set?",
                         driver);
    }
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
    P.win = SDL_CreateWindow("cepci-kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->w ? o->w : 1280,
                             o->h ? o->h : 800, o->w ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
    if (P.win && !o->software)
        P.ren = SDL_CreateRenderer(P.win, -1, SDL_RENDERER_ACCELERATED | (o->bench ? 0 : SDL_RENDERER_PRESENTVSYNC));
    if (P.win && !P.ren)
        P.ren = SDL_CreateRenderer(P.win, -1, SDL_RENDERER_SOFTWARE);
    if (!P.ren)
        return cli_error("cannot open the kiosk window: %s", SDL_GetError());
    SDL_GetRendererOutputSize(P.ren, &P.w, &P.h);
    SDL_RendererInfo info;
    P.software = SDL_GetRendererInfo(P.ren, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    SDL_ShowCursor(o->w ? SDL_ENABLE : SDL_DISABLE);
    SDL_StartTextInput();
    return 0;
}

int platform_run(cli_ctx *ctx, int argc, char **argv)
{
    run_opts o;
    store *s = NULL;
    app *a = NULL;
    ui_ctx *u = NULL;
    double *frame_ms = NULL, *part_ms[2] = {NULL, NULL};
    int rc = 1, nframes = 0;
    uint64_t start_counter = SDL_GetPerformanceCounter();
    if (parse_opts(argc, argv, &o))
        return 1;
    memset(&P, 0, sizeof P);
    P.windowed = o.w > 0;
    P.widgets_file = getenv("CK_WIDGETS_FILE");
    if (o.script && load_script(o.script)) {
        cli_error("cannot read the script %s", o.script);
        goto cleanup;
    }
    if (cli_open(ctx, &s))
        goto cleanup;
    if (find_font("Noto Sans", 0, P.font_path[0], sizeof P.font_path[0]) ||
        find_font("Noto Sans", 1, P.font_path[1], sizeof P.font_path[1])) {
        cli_error("no font found (install fonts-noto-core or fonts-dejavu-core)");
        goto cleanup;
    }
    if (open_window(&o))
        goto cleanup;
    P.base_ms = cli_now() * 1000;
    P.t0 = SDL_GetTicks64();
    u = malloc(sizeof *u);
    if (!u) {
        cli_error("out of memory");
        goto cleanup;
    }
    ui_init(u, P.w, P.h, ctx->cfg.accent, measure, NULL);
    char err[256];
    if (app_new(&a, s, &ctx->cfg, ctx->db_path, now_ms(), err, sizeof err)) {
        cli_error("%s", err);
        goto cleanup;
    }
    load_logo(ctx->cfg.logo);
    a->logo_w = P.logo ? P.logo_w : 0;
    a->logo_h = P.logo ? P.logo_h : 0;
    if (o.demo && app_demo(a, u, o.demo)) {
        cli_error("unknown screen '%s'", o.demo);
        goto cleanup;
    }
    if (o.bench) {
        frame_ms = calloc((size_t)o.bench_frames, sizeof *frame_ms);
        part_ms[0] = calloc((size_t)o.bench_frames, sizeof *frame_ms);
        part_ms[1] = calloc((size_t)o.bench_frames, sizeof *frame_ms);
        if (!frame_ms || !part_ms[0] || !part_ms[1] || app_demo(a, u, strcmp(o.bench, "search") == 0 ? "search" :
                                        strcmp(o.bench, "sign") == 0 ? "sign" : "home")) {
            cli_error("bad --bench '%s' (home, search or sign)", o.bench);
            goto cleanup;
        }
    }
    int running = 1, script_on = o.script != NULL;
    rc = 0;
    while (running) {
        double c0 = cpu_ms();
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            if (feed(u, &ev) == EV_QUIT_REQUEST && (P.windowed || app_in_coordinator(a)))
                running = 0;
            if (ui_input_wants_frame(u))
                break; /* one tap per frame */
        }
        if (o.bench)
            bench_input(u, a, o.bench, nframes);
        double c1 = cpu_ms();
        ui_begin(u, now_ms());
        app_frame(a, u);
        ui_end(u);
        double c2 = cpu_ms();
        draw(u);
        double c3 = cpu_ms();
        if (nframes == 0 && (o.bench || getenv("CK_FIRST_FRAME")))
            printf("first_frame_ms: %.1f\n", (double)(SDL_GetPerformanceCounter() - start_counter) * 1000.0 /
                                                 (double)SDL_GetPerformanceFrequency());
        if (P.widgets_file)
            dump_widgets(u, a);
        if (o.shot && nframes == 1) {
            rc = save_png(o.shot) ? 1 : 0;
            running = 0;
        }
        if (script_on) {
            int st = script_step(u, a);
            if (st <= 0) {
                running = 0;
                rc = st < 0 ? P.script_rc : 0;
            }
        }
        SDL_RenderPresent(P.ren);
        if (o.bench) {
            /* Including the software rasterisation, done at present. */
            int k = nframes < o.bench_frames ? nframes : 0;
            frame_ms[k] = cpu_ms() - c0;
            part_ms[0][k] = c2 - c1;
            part_ms[1][k] = c3 - c2;
            if (nframes + 1 >= o.bench_frames)
                running = 0;
        }
        if (a->quit)
            running = 0;
        nframes++;
        if (!o.bench && !o.shot && !(script_on && !P.wait_until))
            SDL_Delay(P.windowed || script_on ? 10 : 1);
    }
    if (o.bench && nframes > 10) {
        int n = nframes - 5; /* the first frames fill the caches */
        qsort(frame_ms + 5, (size_t)n, sizeof *frame_ms, cmp_double);
        printf("screen: %s %dx%d renderer: %s\n", o.bench, P.w, P.h,
               o.software ? "software" : "default");
        printf("frame_cpu_p50_ms: %.3f\nframe_cpu_p99_ms: %.3f\nframe_cpu_max_ms: %.3f\n", frame_ms[5 + n / 2],
               frame_ms[5 + n * 99 / 100], frame_ms[5 + n - 1]);
        /* Where the time goes: the app and widgets, then drawing. */
        static const char *const parts[2] = {"app", "draw"};
        for (int p = 0; p < 2; p++) {
            qsort(part_ms[p] + 5, (size_t)n, sizeof *part_ms[p], cmp_double);
            printf("%s_cpu_p50_ms: %.3f\n%s_cpu_p99_ms: %.3f\n", parts[p], part_ms[p][5 + n / 2], parts[p],
                   part_ms[p][5 + n * 99 / 100]);
        }
    }
cleanup:
    app_free(a);
    free(u);
    free(frame_ms);
    free(part_ms[0]);
    free(part_ms[1]);
    free(P.script);
    free(P.verts);
    free(P.rects);
    if (P.ren) {
        if (P.logo)
            SDL_DestroyTexture(P.logo);
        cache_free();
        SDL_DestroyRenderer(P.ren);
    }
    if (P.win)
        SDL_DestroyWindow(P.win);
    TTF_Quit();
    SDL_Quit();
    if (s)
        store_close(s);
    return rc;
}
