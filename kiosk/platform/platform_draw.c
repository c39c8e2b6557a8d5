/* platform_draw.c — draw commands to pixels with SDL: fonts found through
 * gfx_font (kiosk/receipt/gfx.h), a cache of measured widths and of rendered strings (text is
 * not re-rasterised every frame), rounded rectangles from cached corner
 * textures, thick lines as triangles, the QR, the institution logo, and
 * PNG screenshots of the frame (cairo). See platform_int.h.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gfx.h"
#include "platform_int.h"
#include "theme.h"

/* ---- fonts and text ---- */

static TTF_Font *get_font(platform *p, int size, int bold)
{
    if (size < 6)
        size = 6;
    for (int i = 0; i < p->nfonts; i++)
        if (p->fonts[i].size == size && p->fonts[i].bold == bold)
            return p->fonts[i].font;
    TTF_Font *f = TTF_OpenFont(p->font_path[bold ? 1 : 0], size);
    if (!f)
        return NULL;
    if (p->nfonts == PLATFORM_FONT_SLOTS) {
        /* Rarely reached: sizes change only with the window or the toggle. */
        TTF_CloseFont(p->fonts[0].font);
        memmove(&p->fonts[0], &p->fonts[1], sizeof p->fonts[0] * (PLATFORM_FONT_SLOTS - 1));
        p->nfonts--;
    }
    p->fonts[p->nfonts++] = (platform_font){size, bold, f};
    return f;
}

/* The ui layer's text-measure callback. Widths are cached: the layout
 * measures the same labels every frame, and shaping them (HarfBuzz) each
 * time would cost more than drawing them. */
int platform_measure(void *user, const char *text, int len, int size, int bold)
{
    platform *p = user;
    if (len <= 0)
        return 0;
    if (len >= (int)sizeof p->scratch)
        len = (int)sizeof p->scratch - 1;
    uint32_t h = 2166136261u ^ (uint32_t)size * 31u ^ (uint32_t)bold * 7u ^ (uint32_t)len * 131u;
    for (int i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    platform_width *e = &p->widths[h % PLATFORM_WIDTH_SLOTS];
    if (e->hash == h && e->size == size && e->bold == bold && e->len == len &&
        (len <= (int)sizeof e->head ? memcmp(e->head, text, (size_t)len) == 0
                                    : memcmp(e->head, text, sizeof e->head) == 0))
        return e->w;
    TTF_Font *f = get_font(p, size, bold);
    if (!f)
        return 0;
    memcpy(p->scratch, text, (size_t)len);
    p->scratch[len] = 0;
    int w = 0, th = 0;
    TTF_SizeUTF8(f, p->scratch, &w, &th);
    *e = (platform_width){h, size, bold, len, w, {0}};
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
static platform_text *cached_text(platform *p, const char *text, int size, int bold, ui_color c)
{
    uint32_t h = hash_text(text, size, bold, c);
    platform_text *bucket = p->cache[h % PLATFORM_CACHE_BUCKETS], *victim = &bucket[0];
    for (int i = 0; i < PLATFORM_CACHE_WAYS; i++) {
        platform_text *e = &bucket[i];
        if (e->text && e->hash == h && e->size == size && e->bold == bold && e->color == c &&
            strcmp(e->text, text) == 0) {
            e->used = p->frame;
            return e;
        }
        if (!e->text || e->used < victim->used)
            victim = e;
    }
    TTF_Font *f = get_font(p, size, bold);
    if (!f)
        return NULL;
    SDL_Color col = {(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, 255};
    SDL_Surface *sf = TTF_RenderUTF8_Blended(f, text, col);
    if (!sf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(p->ren, sf);
    int w = sf->w, th = sf->h;
    SDL_FreeSurface(sf);
    if (!tex)
        return NULL;
    if (victim->tex)
        SDL_DestroyTexture(victim->tex);
    free(victim->text);
    *victim = (platform_text){strdup(text), h, size, bold, c, tex, w, th, p->frame};
    if (!victim->text) {
        SDL_DestroyTexture(tex);
        memset(victim, 0, sizeof *victim);
        return NULL;
    }
    return victim;
}

static void cache_free(platform *p)
{
    for (int b = 0; b < PLATFORM_CACHE_BUCKETS; b++)
        for (int i = 0; i < PLATFORM_CACHE_WAYS; i++) {
            if (p->cache[b][i].tex)
                SDL_DestroyTexture(p->cache[b][i].tex);
            free(p->cache[b][i].text);
        }
    memset(p->cache, 0, sizeof p->cache);
    for (int i = 0; i < p->nfonts; i++)
        TTF_CloseFont(p->fonts[i].font);
    p->nfonts = 0;
    for (int r = 0; r <= PLATFORM_CORNER_MAX; r++)
        for (int k = 0; k < 4; k++)
            if (p->corner[r][k])
                SDL_DestroyTexture(p->corner[r][k]);
    memset(p->corner, 0, sizeof p->corner);
}

int platform_fonts_find(platform *p)
{
    if (gfx_font(0, 0, NULL, 0, p->font_path[0], sizeof p->font_path[0]) ||
        gfx_font(0, 1, NULL, 0, p->font_path[1], sizeof p->font_path[1]))
        return -1;
    return 0;
}

void platform_draw_free(platform *p)
{
    free(p->verts);
    free(p->rects);
    p->verts = NULL;
    p->rects = NULL;
    p->nverts = p->capverts = p->caprects = 0;
    if (p->ren) {
        if (p->logo)
            SDL_DestroyTexture(p->logo);
        p->logo = NULL;
        cache_free(p);
    }
}

/* ---- drawing ---- */

static void set_color(platform *p, ui_color c)
{
    SDL_SetRenderDrawColor(p->ren, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, 255);
}

static SDL_Rect *rects(platform *p, int n)
{
    if (n > p->caprects) {
        SDL_Rect *r = realloc(p->rects, sizeof *r * (size_t)n);
        if (!r)
            return NULL;
        p->rects = r;
        p->caprects = n;
    }
    return p->rects;
}

/* The texture of corner k (0 top-left, 1 top-right, 2 bottom-left,
 * 3 bottom-right) of radius r, made on first use. */
static SDL_Texture *corner_tex(platform *p, int r, int k)
{
    if (p->corner[r][k])
        return p->corner[r][k];
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
    SDL_Texture *tex = SDL_CreateTextureFromSurface(p->ren, sf);
    SDL_FreeSurface(sf);
    if (tex)
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    p->corner[r][k] = tex;
    return tex;
}

/* Fills r (clipped) with c directly in the software renderer's surface:
 * SDL_FillRect uses non-temporal stores, which made filling the keyboard's
 * keys cost more than everything else in a frame. The renderer's queue is
 * flushed first so the order of drawing is kept. Returns 0, or -1 when the
 * caller must use the renderer. */
static int direct_fill(platform *p, ui_rect r, ui_color c)
{
    SDL_Surface *sf = p->surface;
    if (!sf)
        return -1;
    int x0 = r.x, y0 = r.y, x1 = r.x + r.w, y1 = r.y + r.h;
    if (p->clip.w) {
        x0 = x0 > p->clip.x ? x0 : p->clip.x;
        y0 = y0 > p->clip.y ? y0 : p->clip.y;
        x1 = x1 < p->clip.x + p->clip.w ? x1 : p->clip.x + p->clip.w;
        y1 = y1 < p->clip.y + p->clip.h ? y1 : p->clip.y + p->clip.h;
    }
    x0 = x0 > 0 ? x0 : 0;
    y0 = y0 > 0 ? y0 : 0;
    x1 = x1 < sf->w ? x1 : sf->w;
    y1 = y1 < sf->h ? y1 : sf->h;
    if (x0 >= x1 || y0 >= y1)
        return 0;
    SDL_RenderFlush(p->ren);
    uint32_t px = SDL_MapRGB(sf->format, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
    for (int y = y0; y < y1; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)sf->pixels + (size_t)y * (size_t)sf->pitch) + x0;
        for (int x = 0; x < x1 - x0; x++)
            row[x] = px;
    }
    return 0;
}

static void fill_rect(platform *p, ui_rect r, ui_color c, int radius)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    if (radius > PLATFORM_CORNER_MAX)
        radius = PLATFORM_CORNER_MAX;
    set_color(p, c);
    if (radius <= 1) {
        if (direct_fill(p, r, c) != 0)
            SDL_RenderFillRect(p->ren, &(SDL_Rect){r.x, r.y, r.w, r.h});
        return;
    }
    ui_rect v[3] = {{r.x + radius, r.y, r.w - 2 * radius, radius},
                    {r.x, r.y + radius, r.w, r.h - 2 * radius},
                    {r.x + radius, r.y + r.h - radius, r.w - 2 * radius, radius}};
    for (int i = 0; i < 3; i++)
        if (direct_fill(p, v[i], c) != 0)
            SDL_RenderFillRect(p->ren, &(SDL_Rect){v[i].x, v[i].y, v[i].w, v[i].h});
    for (int k = 0; k < 4; k++) {
        SDL_Texture *t = corner_tex(p, radius, k);
        if (!t)
            continue;
        SDL_SetTextureColorMod(t, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
        SDL_Rect d = {(k & 1) ? r.x + r.w - radius : r.x, (k & 2) ? r.y + r.h - radius : r.y, radius, radius};
        SDL_RenderCopy(p->ren, t, NULL, &d);
    }
}

static void flush_lines(platform *p)
{
    if (p->nverts)
        SDL_RenderGeometry(p->ren, NULL, p->verts, p->nverts, NULL, 0);
    p->nverts = 0;
}

static void add_line(platform *p, const ui_cmd *c)
{
    if (p->nverts + 6 > p->capverts) {
        int cap = p->capverts ? p->capverts * 2 : 6 * 1024;
        SDL_Vertex *v = realloc(p->verts, sizeof *v * (size_t)cap);
        if (!v)
            return;
        p->verts = v;
        p->capverts = cap;
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
    SDL_FPoint q[4] = {{x0 - ux + nx, y0 - uy + ny}, {x1 + ux + nx, y1 + uy + ny},
                       {x1 + ux - nx, y1 + uy - ny}, {x0 - ux - nx, y0 - uy - ny}};
    static const int idx[6] = {0, 1, 2, 0, 2, 3};
    for (int i = 0; i < 6; i++)
        p->verts[p->nverts++] = (SDL_Vertex){q[idx[i]], col, {0, 0}};
}

static void draw_qr(platform *p, const ui_cmd *c)
{
    int n = c->qr_size, side = c->r.w < c->r.h ? c->r.w : c->r.h;
    if (n <= 0)
        return;
    int mod = side / n, ox = c->r.x + (c->r.w - mod * n) / 2, oy = c->r.y + (c->r.h - mod * n) / 2;
    set_color(p, 0xFFFFFF);
    SDL_RenderFillRect(p->ren, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
    SDL_Rect *v = rects(p, n * n);
    if (!v || mod < 1)
        return;
    int k = 0;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (c->qr[y * n + x] & 1)
                v[k++] = (SDL_Rect){ox + x * mod, oy + y * mod, mod, mod};
    set_color(p, 0x000000);
    SDL_RenderFillRects(p->ren, v, k);
}

/* Loads the institution logo (a PNG, through cairo) once, as a texture no
 * larger than it will be shown (a quarter of the width, a fifth of the
 * short side: the header scales it only a little more, with linear
 * filtering). cairo's ARGB32 is premultiplied; SDL's blend mode is not, so
 * the pixels are un-premultiplied. A missing or unreadable file leaves no
 * logo (the header is then drawn without one), with a line on stderr. */
void platform_load_logo(platform *p, const char *path)
{
    if (!path || !path[0])
        return;
    char err[128];
    SDL_Texture *tex = NULL;
    int short_side = p->w < p->h ? p->w : p->h;
    cairo_surface_t *sf = gfx_png_load_fit(path, p->w / 4.0, short_side / 5.0, 1, err, sizeof err);
    if (!sf) {
        fprintf(stderr, "cepci-kiosk: logo %s: %s; shown without it\n", path, err);
        return;
    }
    int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
    unsigned char *data = cairo_image_surface_get_data(sf);
    int stride = cairo_image_surface_get_stride(sf);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t px = row[x], al = px >> 24;
            if (al == 0 || al == 255)
                continue;
            uint32_t r = ((px >> 16 & 255) * 255 + al / 2) / al, g = ((px >> 8 & 255) * 255 + al / 2) / al,
                     b = ((px & 255) * 255 + al / 2) / al;
            row[x] = al << 24 | (r > 255 ? 255 : r) << 16 | (g > 255 ? 255 : g) << 8 | (b > 255 ? 255 : b);
        }
    }
    /* cairo's pixels are native-endian 32-bit 0xAARRGGBB: SDL's ARGB8888. */
    tex = SDL_CreateTexture(p->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, h);
    if (!tex || SDL_UpdateTexture(tex, NULL, data, stride) != 0) {
        fprintf(stderr, "cepci-kiosk: logo %s: %s; shown without it\n", path, SDL_GetError());
        if (tex)
            SDL_DestroyTexture(tex);
        goto out;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    SDL_SetTextureScaleMode(tex, SDL_ScaleModeLinear);
    p->logo = tex;
    p->logo_w = w;
    p->logo_h = h;
out:
    cairo_surface_destroy(sf);
}

/* Turns the frame's draw commands into pixels. */
void platform_draw(platform *p, const ui_ctx *u)
{
    p->frame++;
    /* A first rectangle that covers the screen is the clear colour: the
     * software renderer then fills the screen once, not twice. */
    int first = 0;
    ui_color bg = THEME_BG;
    if (u->ncmds > 0 && u->cmds[0].type == UI_CMD_RECT && u->cmds[0].r.x <= 0 && u->cmds[0].r.y <= 0 &&
        u->cmds[0].r.x + u->cmds[0].r.w >= p->w && u->cmds[0].r.y + u->cmds[0].r.h >= p->h) {
        bg = u->cmds[0].color;
        first = 1;
    }
    /* The software renderer draws into the window's surface; a 32-bit one
     * is filled directly (direct_fill). */
    p->surface = NULL;
    p->clip = (ui_rect){0, 0, 0, 0};
    if (p->software) {
        SDL_Surface *sf = SDL_GetWindowSurface(p->win);
        if (sf && sf->format->BytesPerPixel == 4 && sf->w == p->w && sf->h == p->h && !SDL_MUSTLOCK(sf))
            p->surface = sf;
    }
    set_color(p, bg);
    if (direct_fill(p, (ui_rect){0, 0, p->w, p->h}, bg) != 0)
        SDL_RenderClear(p->ren);
    for (int i = first; i < u->ncmds; i++) {
        const ui_cmd *c = &u->cmds[i];
        if (c->type != UI_CMD_LINE)
            flush_lines(p);
        switch (c->type) {
        case UI_CMD_RECT:
            fill_rect(p, c->r, c->color, c->size);
            break;
        case UI_CMD_FRAME: {
            set_color(p, c->color);
            int t = c->size > 0 ? c->size : 1;
            SDL_Rect s[4] = {{c->r.x, c->r.y, c->r.w, t},
                             {c->r.x, c->r.y + c->r.h - t, c->r.w, t},
                             {c->r.x, c->r.y, t, c->r.h},
                             {c->r.x + c->r.w - t, c->r.y, t, c->r.h}};
            SDL_RenderFillRects(p->ren, s, 4);
            break;
        }
        case UI_CMD_TEXT: {
            platform_text *e = cached_text(p, u->arena + c->text, c->size, c->bold, c->color);
            if (e) {
                /* Centre the font's line box in the ui's line box. */
                int y = c->r.y + (c->r.h - e->h) / 2;
                SDL_RenderCopy(p->ren, e->tex, NULL, &(SDL_Rect){c->r.x, y, e->w, e->h});
            }
            break;
        }
        case UI_CMD_LINE:
            add_line(p, c);
            break;
        case UI_CMD_QR:
            draw_qr(p, c);
            break;
        case UI_CMD_IMAGE:
            if (c->image == APP_IMAGE_LOGO && p->logo)
                SDL_RenderCopy(p->ren, p->logo, NULL, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
            break;
        case UI_CMD_CLIP:
            p->clip = c->r.w > 0 ? c->r : (ui_rect){0, 0, 0, 0};
            if (c->r.w > 0)
                SDL_RenderSetClipRect(p->ren, &(SDL_Rect){c->r.x, c->r.y, c->r.w, c->r.h});
            else
                SDL_RenderSetClipRect(p->ren, NULL);
            break;
        default:
            break;
        }
    }
    flush_lines(p);
    SDL_RenderSetClipRect(p->ren, NULL);
}

/* Saves the current frame as a PNG (cairo). Returns 0 or -1. */
int platform_save_png(platform *p, const char *path)
{
    int rc = -1;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, p->w);
    unsigned char *px = malloc((size_t)stride * (size_t)p->h);
    cairo_surface_t *sf = NULL;
    if (!px)
        goto cleanup;
    if (SDL_RenderReadPixels(p->ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, stride) != 0)
        goto cleanup;
    sf = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_RGB24, p->w, p->h, stride);
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