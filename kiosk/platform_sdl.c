/* platform_sdl.c — the only file that touches SDL: window, fonts, input.
 * For now it draws the home page (institution, unit, clock, open events)
 * full screen; the touch flows come with the kiosk UI. */
#include "platform.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Finds a font file through fontconfig: Noto Sans, then DejaVu Sans. */
static int find_font(const char *family, int bold, char *out, size_t outlen)
{
    static const char *const fallbacks[] = {"Noto Sans", "DejaVu Sans", NULL};
    int found = 0;
    if (!FcInit())
        return -1;
    for (int i = -1; !found && (i < 0 || fallbacks[i]); i++) {
        const char *name = i < 0 ? family : fallbacks[i];
        if (!name)
            continue;
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

struct home_events {
    store_event ev[6];
    int n;
};

static int collect_open(const store_event *e, void *arg)
{
    struct home_events *h = arg;
    if (h->n < 6)
        h->ev[h->n++] = *e;
    return 0;
}

static void draw_text(SDL_Renderer *r, TTF_Font *f, const char *text, int x, int y, SDL_Color c, int center_w)
{
    if (!text || !*text)
        return;
    SDL_Surface *sf = TTF_RenderUTF8_Blended(f, text, c);
    if (!sf)
        return;
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, sf);
    SDL_Rect d = {center_w ? x + (center_w - sf->w) / 2 : x, y, sf->w, sf->h};
    SDL_RenderCopy(r, t, NULL, &d);
    SDL_DestroyTexture(t);
    SDL_FreeSurface(sf);
}

int platform_run(cli_ctx *ctx, int argc, char **argv)
{
    int w = 0, h = 0, frames = -1;
    const char *shot = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--windowed") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 320 || h < 240)
                return cli_error("bad --windowed '%s' (like 1280x800)", argv[i]);
        } else if (strcmp(argv[i], "--screenshot") == 0 && i + 1 < argc) {
            shot = argv[++i];
            frames = 2;
        } else {
            return cli_error("usage: run [--windowed WxH] [--screenshot FILE.bmp]");
        }
    }
    int windowed = w > 0;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char regular[1024], bold[1024];
    if (find_font("Noto Sans", 0, regular, sizeof regular) || find_font("Noto Sans", 1, bold, sizeof bold)) {
        store_close(s);
        return cli_error("no font found (install fonts-noto-core or fonts-dejavu-core)");
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        store_close(s);
        return cli_error("cannot start the display: %s", SDL_GetError());
    }
    SDL_Window *win = SDL_CreateWindow("cepci-kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       w ? w : 1280, h ? h : 800,
                                       w ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (!ren && win)
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!ren) {
        cli_error("cannot open the kiosk window: %s", SDL_GetError());
        if (win)
            SDL_DestroyWindow(win);
        TTF_Quit();
        SDL_Quit();
        store_close(s);
        return 1;
    }
    SDL_GetRendererOutputSize(ren, &w, &h);
    int scale = h < w ? h : w;
    TTF_Font *title = TTF_OpenFont(bold, scale / 14);
    TTF_Font *body = TTF_OpenFont(regular, scale / 28 > 28 ? scale / 28 : 28);
    TTF_Font *big = TTF_OpenFont(bold, scale / 22);
    char institution[256] = "", unit_code[64] = "";
    store_meta_get(s, "institution", institution, sizeof institution);
    snprintf(unit_code, sizeof unit_code, "%s", ctx->cfg.unit[0] ? ctx->cfg.unit : "");
    if (!unit_code[0])
        store_meta_get(s, "unit", unit_code, sizeof unit_code);
    store_unit unit;
    if (store_unit_get(s, unit_code, &unit) != STORE_OK)
        snprintf(unit.name, sizeof unit.name, "%s", unit_code);
    int running = 1;
    SDL_Color ink = {0x1a, 0x1a, 0x1a, 255}, white = {255, 255, 255, 255};
    while (running) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            /* Only a development window may be closed from outside. */
            if (windowed && (ev.type == SDL_QUIT ||
                             (ev.type == SDL_KEYDOWN && ev.key.keysym.sym == SDLK_ESCAPE)))
                running = 0;
        }
        struct home_events he = {.n = 0};
        store_event_each(s, 0, 1, collect_open, &he);
        SDL_SetRenderDrawColor(ren, 0xf5, 0xf6, 0xf8, 255);
        SDL_RenderClear(ren);
        SDL_Rect band = {0, 0, w, h / 6};
        SDL_SetRenderDrawColor(ren, 0x1f, 0x5c, 0x99, 255);
        SDL_RenderFillRect(ren, &band);
        draw_text(ren, title, institution, w / 20, h / 40, white, 0);
        draw_text(ren, body, unit.name, w / 20, h / 40 + scale / 12, white, 0);
        char clock[64];
        util_format_time(unit.timezone[0] ? unit.timezone : "America/Mexico_City", cli_now(), "%H:%M", clock,
                         sizeof clock);
        draw_text(ren, title, clock, w - w / 20 - scale / 5, h / 40, white, 0);
        int y = h / 6 + h / 20;
        for (int i = 0; i < he.n; i++) {
            SDL_Rect card = {w / 20, y, w - w / 10, h / 7};
            SDL_SetRenderDrawColor(ren, 255, 255, 255, 255);
            SDL_RenderFillRect(ren, &card);
            SDL_SetRenderDrawColor(ren, 0x1f, 0x5c, 0x99, 255);
            SDL_RenderDrawRect(ren, &card);
            draw_text(ren, big, he.ev[i].title, card.x + w / 40, card.y + h / 60, ink, 0);
            draw_text(ren, body, "Registrar mi asistencia", card.x + w / 40, card.y + h / 60 + scale / 16, ink, 0);
            y += h / 7 + h / 40;
        }
        SDL_Rect pledge = {w / 20, h - h / 5, w - w / 10, h / 8};
        SDL_SetRenderDrawColor(ren, 0x1f, 0x5c, 0x99, 255);
        SDL_RenderFillRect(ren, &pledge);
        draw_text(ren, big, "Firmar Carta Compromiso", pledge.x, pledge.y + h / 32, white, pledge.w);
        SDL_RenderPresent(ren);
        if (frames > 0 && --frames == 0) {
            SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
            if (sf && SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, sf->pixels, sf->pitch) == 0)
                SDL_SaveBMP(sf, shot);
            SDL_FreeSurface(sf);
            running = 0;
        }
        SDL_Delay(50);
    }
    TTF_CloseFont(title);
    TTF_CloseFont(body);
    TTF_CloseFont(big);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    store_close(s);
    return 0;
}
