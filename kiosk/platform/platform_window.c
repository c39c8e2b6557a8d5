/* platform_window.c — the kiosk's window and input (SDL), and the run loop.
 *
 * How it works. platform_run() opens a full-screen window (or a window of
 * --windowed WxH for development), finds Noto Sans (DejaVu Sans as the
 * fallback) through fontconfig, and loops: SDL events become ui_ctx input
 * (touch and mouse, never both for one touch), app_frame() runs the kiosk
 * and leaves draw commands, and platform_draw() turns them into pixels
 * with a cache of rendered strings so text is not re-rasterised every
 * frame (platform_draw.c).
 *
 * For tests, --script FILE pushes SDL events into the same event queue a
 * person's input goes through, advances a virtual clock, checks the screen
 * and saves PNG screenshots; --demo NAME shows one screen with sample
 * content; --bench NAME measures frame times (platform_script.c).
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "platform_int.h"

/* ---- time ---- */

int64_t platform_now_ms(const platform *p)
{
    return p->base_ms + (int64_t)(SDL_GetTicks64() - p->t0) + p->offset_ms;
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
static int feed(platform *p, ui_ctx *u, const SDL_Event *ev)
{
    int64_t t = platform_now_ms(p);
    switch (ev->type) {
    case SDL_QUIT:
        return EV_QUIT_REQUEST;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        /* A touch also arrives as a synthesised mouse event: count it once. */
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            break;
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            ui_input_down(u, PLATFORM_MOUSE_ID, ev->button.x, ev->button.y, t);
        else
            ui_input_up(u, PLATFORM_MOUSE_ID, ev->button.x, ev->button.y, t);
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.which != SDL_TOUCH_MOUSEID && (ev->motion.state & SDL_BUTTON_LMASK))
            ui_input_move(u, PLATFORM_MOUSE_ID, ev->motion.x, ev->motion.y, t);
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        int x = (int)(ev->tfinger.x * (float)p->w), y = (int)(ev->tfinger.y * (float)p->h);
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
            SDL_GetRendererOutputSize(p->ren, &p->w, &p->h);
            ui_resize(u, p->w, p->h);
        }
        break;
    default:
        break;
    }
    return EV_NONE;
}

/* ---- the window ---- */

static int parse_opts(int argc, char **argv, platform_opts *o)
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

/* Starts SDL and SDL_ttf and opens the window and its renderer (the
 * software one when asked or when no accelerated one works). Returns 0, or
 * 1 after printing the reason. */
static int open_window(platform *p, const platform_opts *o)
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
    p->win = SDL_CreateWindow("cepci-kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->w ? o->w : 1280,
                              o->h ? o->h : 800, o->w ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
    if (p->win && !o->software)
        p->ren = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_ACCELERATED | (o->bench ? 0 : SDL_RENDERER_PRESENTVSYNC));
    if (p->win && !p->ren)
        p->ren = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_SOFTWARE);
    if (!p->ren)
        return cli_error("cannot open the kiosk window: %s", SDL_GetError());
    SDL_GetRendererOutputSize(p->ren, &p->w, &p->h);
    SDL_RendererInfo info;
    p->software = SDL_GetRendererInfo(p->ren, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    SDL_ShowCursor(o->w ? SDL_ENABLE : SDL_DISABLE);
    SDL_StartTextInput();
    return 0;
}

/* ---- the run loop ---- */

static platform P; /* large (text caches): static, not on the stack */

int platform_run(cli_ctx *ctx, int argc, char **argv)
{
    platform *p = &P;
    platform_opts o;
    platform_bench bench = {0};
    store *s = NULL;
    app *a = NULL;
    ui_ctx *u = NULL;
    int rc = 1, nframes = 0;
    uint64_t start_counter = SDL_GetPerformanceCounter();
    if (parse_opts(argc, argv, &o))
        return 1;
    memset(p, 0, sizeof *p);
    p->windowed = o.w > 0;
#ifdef CK_TEST_HOOKS
    p->widgets_file = getenv("CK_WIDGETS_FILE"); /* a test build only */
#endif
    if (o.script && platform_script_load(p, o.script)) {
        cli_error("cannot read the script %s", o.script);
        goto cleanup;
    }
    if (cli_open(ctx, &s))
        goto cleanup;
    if (platform_fonts_find(p)) {
        cli_error("no font found (install fonts-noto-core or fonts-dejavu-core)");
        goto cleanup;
    }
    if (open_window(p, &o))
        goto cleanup;
    p->base_ms = cli_now() * 1000;
    p->t0 = SDL_GetTicks64();
    u = malloc(sizeof *u);
    if (!u) {
        cli_error("out of memory");
        goto cleanup;
    }
    ui_init(u, p->w, p->h, ctx->cfg.accent, platform_measure, p);
    char err[256];
    if (app_new(&a, s, &ctx->cfg, ctx->db_path, platform_now_ms(p), err, sizeof err)) {
        cli_error("%s", err);
        goto cleanup;
    }
    platform_load_logo(p, ctx->cfg.logo);
    a->logo_w = p->logo ? p->logo_w : 0;
    a->logo_h = p->logo ? p->logo_h : 0;
    if (o.demo && app_demo(a, u, o.demo)) {
        cli_error("unknown screen '%s'", o.demo);
        goto cleanup;
    }
    if (o.bench && (platform_bench_new(&bench, o.bench_frames) ||
                    app_demo(a, u, strcmp(o.bench, "search") == 0 ? "search" :
                                   strcmp(o.bench, "sign") == 0 ? "sign" : "home"))) {
        cli_error("bad --bench '%s' (home, search or sign)", o.bench);
        goto cleanup;
    }
    int running = 1, script_on = o.script != NULL;
    rc = 0;
    while (running) {
        double c0 = cpu_ms();
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            if (feed(p, u, &ev) == EV_QUIT_REQUEST && (p->windowed || app_in_coordinator(a)))
                running = 0;
            if (ui_input_wants_frame(u))
                break; /* one tap per frame */
        }
        if (o.bench)
            platform_bench_input(p, u, a, o.bench, nframes);
        double c1 = cpu_ms();
        ui_begin(u, platform_now_ms(p));
        app_frame(a, u);
        ui_end(u);
        double c2 = cpu_ms();
        platform_draw(p, u);
        double c3 = cpu_ms();
        if (nframes == 0 && (o.bench || getenv("CK_FIRST_FRAME")))
            printf("first_frame_ms: %.1f\n", (double)(SDL_GetPerformanceCounter() - start_counter) * 1000.0 /
                                                 (double)SDL_GetPerformanceFrequency());
        if (p->widgets_file)
            platform_dump_widgets(p, u, a);
        if (o.shot && nframes == 1) {
            rc = platform_save_png(p, o.shot) ? 1 : 0;
            running = 0;
        }
        if (script_on) {
            int st = platform_script_step(p, u, a);
            if (st <= 0) {
                running = 0;
                rc = st < 0 ? p->script_rc : 0;
            }
        }
        SDL_RenderPresent(p->ren);
        if (o.bench) {
            /* Including the software rasterisation, done at present. */
            platform_bench_record(&bench, nframes, cpu_ms() - c0, c2 - c1, c3 - c2);
            if (nframes + 1 >= o.bench_frames)
                running = 0;
        }
        if (a->quit)
            running = 0;
        nframes++;
        if (!o.bench && !o.shot && !(script_on && !p->wait_until))
            SDL_Delay(p->windowed || script_on ? 10 : 1);
    }
    if (o.bench)
        platform_bench_report(&bench, p, &o, nframes);
cleanup:
    app_free(a);
    free(u);
    platform_bench_free(&bench);
    free(p->script);
    platform_draw_free(p);
    if (p->ren)
        SDL_DestroyRenderer(p->ren);
    if (p->win)
        SDL_DestroyWindow(p->win);
    TTF_Quit();
    SDL_Quit();
    if (s)
        store_close(s);
    return rc;
}
