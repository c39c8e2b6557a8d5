/* platform_window.c — the kiosk's window and input (SDL), and the run loop.
 *
 * How it works. platform_run() opens a window over the whole display (or a
 * window of --windowed WxH for development), finds Noto Sans (DejaVu Sans
 * as the fallback) through gfx_font, and loops: SDL events become ui_ctx
 * input (touch and mouse, never both for one touch; the wheel scrolls
 * lists), app_frame() runs the kiosk and leaves draw commands, and
 * platform_draw() turns them into pixels with a cache of rendered strings
 * (platform_draw.c).
 *
 * Idle costs nothing. A frame is drawn and presented only when its draw
 * commands differ from the last one's (ui_frame_hash), and between frames
 * the loop sleeps in SDL_WaitEventTimeout until input arrives or until
 * app_next_wake() says the screen changes by itself (the clock's minute, a
 * countdown, the attract slide...). It wakes at least every
 * PLATFORM_WAIT_MAX_MS to see the stop signal, and as often as systemd's
 * watchdog asks (platform_notify.c): a loop that freezes stops petting it.
 *
 * Full screen means the whole display: the window is created at the
 * display's bounds, borderless and full screen, so an X server with no
 * window manager (a plain xinit kiosk) shows it whole too; size changes
 * are followed, and pointer positions are mapped from window to pixel
 * coordinates. SIGTERM and SIGINT end the loop cleanly (the write in
 * progress is finished, the database closed) within PLATFORM_WAIT_MAX_MS;
 * a display that goes away ends it with status 1. Window-close and Escape
 * close only a --windowed development window or coordinator mode.
 *
 * For tests, --script FILE pushes SDL events into the same event queue a
 * person's input goes through, advances a virtual clock, checks the screen
 * and saves PNG screenshots; --demo NAME shows one screen with sample
 * content; --bench NAME measures frame times, --bench door a queue of
 * badge reads (platform_script.c).
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "platform_int.h"

/* ---- time ---- */

int64_t platform_now_ms(const platform *p)
{
    if (p->script)
        return p->base_ms + p->offset_ms;
    return p->base_ms + (int64_t)(SDL_GetTicks64() - p->t0) + p->offset_ms;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- stop signals ---- */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* SIGTERM (systemctl stop, shutdown) and SIGINT end the loop at its next
 * turn; SDL's own handlers (which turn them into a window close the kiosk
 * refuses) are off (SDL_HINT_NO_SIGNAL_HANDLERS). */
static void catch_stop(struct sigaction old[2])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGTERM, &sa, &old[0]);
    sigaction(SIGINT, &sa, &old[1]);
}

/* ---- the tone of a badge read ---- */

/* Opens the audio device and makes a short tone ([kiosk] sound = on). A
 * kiosk without sound goes on silently, with one line on stderr. */
static void sound_open(platform *p)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        fprintf(stderr, "cepci-kiosk: no sound: %s\n", SDL_GetError());
        return;
    }
    SDL_AudioSpec want, have;
    memset(&want, 0, sizeof want);
    want.freq = 22050;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 512;
    p->audio = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!p->audio) {
        fprintf(stderr, "cepci-kiosk: no sound: %s\n", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return;
    }
    /* 120 ms at 1,000 Hz, faded in and out (no click). */
    int n = want.freq * 120 / 1000;
    p->tone = malloc(sizeof *p->tone * (size_t)n);
    if (!p->tone)
        return;
    for (int i = 0; i < n; i++) {
        double env = i < n / 10 ? (double)i / (n / 10) : i > n * 9 / 10 ? (double)(n - i) / (n / 10) : 1.0;
        p->tone[i] = (int16_t)(9000.0 * env * sin(2 * M_PI * 1000.0 * i / want.freq));
    }
    p->tone_bytes = (uint32_t)(sizeof *p->tone * (size_t)n);
    SDL_PauseAudioDevice(p->audio, 0);
}

static void sound_close(platform *p)
{
    if (p->audio) {
        SDL_CloseAudioDevice(p->audio);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    free(p->tone);
    p->audio = 0;
    p->tone = NULL;
}

/* A tone for every badge read since the last frame (one at a time). */
static void sound_scans(platform *p, const app *a)
{
    if (a->scans != p->scans_heard && p->audio && p->tone && SDL_GetQueuedAudioSize(p->audio) == 0)
        SDL_QueueAudio(p->audio, p->tone, p->tone_bytes);
    p->scans_heard = a->scans;
}

/* ---- input ---- */

enum { EV_NONE, EV_CLOSE, EV_DISPLAY_LOST, EV_REDRAW };

/* Reads the window's size in screen and in pixel coordinates and passes
 * the pixels on to the ui (and the logo, which is sized by the screen). */
static void sync_size(platform *p, ui_ctx *u, const char *logo)
{
    int w = p->w, h = p->h;
    SDL_GetWindowSize(p->win, &p->win_w, &p->win_h);
    SDL_GetRendererOutputSize(p->ren, &p->w, &p->h);
    if (u && (w != p->w || h != p->h)) {
        ui_resize(u, p->w, p->h);
        if (p->logo) {
            SDL_DestroyTexture(p->logo);
            p->logo = NULL;
            platform_load_logo(p, logo);
        }
    }
}

/* A pointer position in window coordinates, in pixels. */
static int to_px(int v, int px, int win)
{
    return win > 0 && win != px ? (int)((int64_t)v * px / win) : v;
}

/* Feeds one SDL event to the ui. Returns EV_CLOSE for a window close or
 * Escape (the caller decides whether it is allowed), EV_DISPLAY_LOST when
 * the display connection is gone, EV_REDRAW when the window must be drawn
 * again. */
static int feed(platform *p, ui_ctx *u, const SDL_Event *ev, const char *logo)
{
    int64_t t = platform_now_ms(p);
    switch (ev->type) {
    case SDL_QUIT:
        /* No signal handlers and no quit on the last window's close: SDL
         * sends this when the display connection is gone (Wayland). */
        return EV_DISPLAY_LOST;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
        /* A touch also arrives as a synthesised mouse event: count it once. */
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            break;
        int x = to_px(ev->button.x, p->w, p->win_w), y = to_px(ev->button.y, p->h, p->win_h);
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            ui_input_down(u, PLATFORM_MOUSE_ID, x, y, t);
        else
            ui_input_up(u, PLATFORM_MOUSE_ID, x, y, t);
        break;
    }
    case SDL_MOUSEMOTION:
        if (ev->motion.which != SDL_TOUCH_MOUSEID && (ev->motion.state & SDL_BUTTON_LMASK))
            ui_input_move(u, PLATFORM_MOUSE_ID, to_px(ev->motion.x, p->w, p->win_w),
                          to_px(ev->motion.y, p->h, p->win_h), t);
        break;
    case SDL_MOUSEWHEEL: {
        int n = ev->wheel.y * (ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1 : 1);
        if (n)
            ui_input_wheel(u, n, to_px(ev->wheel.mouseX, p->w, p->win_w), to_px(ev->wheel.mouseY, p->h, p->win_h));
        break;
    }
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
        case SDLK_ESCAPE: return EV_CLOSE;
        default: break;
        }
        break;
    case SDL_WINDOWEVENT:
        switch (ev->window.event) {
        case SDL_WINDOWEVENT_CLOSE:
            return EV_CLOSE;
        case SDL_WINDOWEVENT_SIZE_CHANGED:
        case SDL_WINDOWEVENT_RESIZED:
            sync_size(p, u, logo);
            return EV_REDRAW;
        case SDL_WINDOWEVENT_EXPOSED:
        case SDL_WINDOWEVENT_SHOWN:
        case SDL_WINDOWEVENT_RESTORED:
            return EV_REDRAW;
        default:
            break;
        }
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        return EV_REDRAW;
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
    o->door_scans = 50;
    o->door_every_ms = 2000;
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
        } else if (strcmp(a, "--scans") == 0 && v) {
            o->door_scans = atoi(v);
            if (o->door_scans < 1 || o->door_scans > PLATFORM_DOOR_MAX)
                return cli_error("bad --scans '%s' (1 to %d)", v, PLATFORM_DOOR_MAX);
        } else if (strcmp(a, "--every") == 0 && v) {
            o->door_every_ms = atoi(v);
            if (o->door_every_ms < 100 || o->door_every_ms > 60000)
                return cli_error("bad --every '%s' (milliseconds, 100 to 60000)", v);
        } else if (strcmp(a, "--software") == 0) {
            o->software = 1;
            continue;
        } else {
            return cli_error("usage: run [--windowed WxH] [--software] [--screenshot FILE.png] [--script FILE] "
                             "[--demo SCREEN] [--bench home|search|sign [--frames N] | --bench door [--scans N] "
                             "[--every MS]]");
        }
        i++;
    }
    if (o->bench && strcmp(o->bench, "home") && strcmp(o->bench, "search") && strcmp(o->bench, "sign") &&
        strcmp(o->bench, "door"))
        return cli_error("bad --bench '%s' (home, search, sign or door)", o->bench);
    return 0;
}

/* Starts SDL and SDL_ttf and opens the window and its renderer (the
 * software one when asked or when no accelerated one works). Returns 0, or
 * 1 after printing the reason. */
static int open_window(platform *p, const platform_opts *o)
{
    /* The kiosk handles SIGTERM and SIGINT itself (catch_stop), and a
     * window close is a request it may refuse: SDL must not turn either
     * into SDL_QUIT, which then means only "the display is gone". */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
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
    /* Full screen: created over the display's whole bounds, so that with no
     * window manager to honour "full screen" (xinit) the window still
     * covers the display; a window manager or cage makes it full screen. */
    SDL_Rect b = {0, 0, 1280, 800};
    int full = !o->w;
    if (full && SDL_GetDisplayBounds(0, &b) != 0)
        b = (SDL_Rect){0, 0, 1280, 800};
    if (full)
        p->win = SDL_CreateWindow("cepci-kiosk", b.x, b.y, b.w, b.h,
                                  SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS);
    else
        p->win = SDL_CreateWindow("cepci-kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->w, o->h, 0);
    if (p->win && !o->software)
        p->ren = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_ACCELERATED | (o->bench ? 0 : SDL_RENDERER_PRESENTVSYNC));
    if (p->win && !p->ren)
        p->ren = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_SOFTWARE);
    if (!p->ren)
        return cli_error("cannot open the kiosk window: %s", SDL_GetError());
    sync_size(p, NULL, NULL);
    SDL_RendererInfo info;
    p->software = SDL_GetRendererInfo(p->ren, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    SDL_ShowCursor(o->w ? SDL_ENABLE : SDL_DISABLE);
    SDL_StartTextInput();
    return 0;
}

/* ---- the run loop ---- */

static platform P; /* large (text caches): static, not on the stack */

/* How long the loop may sleep before the next frame (ms, >= 0). */
static int sleep_ms(platform *p, const app *a, const ui_ctx *u, int script_on)
{
    if (script_on)
        return p->wait_until || p->await_until ? 10 : 0; /* a script needs frames to advance */
    int64_t now = platform_now_ms(p), ms = app_next_wake(a, u) - now;
    if (ms > PLATFORM_WAIT_MAX_MS)
        ms = PLATFORM_WAIT_MAX_MS;
    int64_t wd = platform_notify_due(p) - (int64_t)SDL_GetTicks64();
    if (wd < ms)
        ms = wd;
    if (SDL_GetTicks64() < p->refresh_until && ms > 16)
        ms = 16;
    if (p->door) {
        int k = platform_door_type(p);
        if (k >= 0 && k < ms)
            ms = k;
    }
    return ms < 0 ? 0 : (int)ms;
}

int platform_run(cli_ctx *ctx, int argc, char **argv)
{
    platform *p = &P;
    platform_opts o;
    platform_bench bench = {0};
    store *s = NULL;
    app *a = NULL;
    ui_ctx *u = NULL;
    struct sigaction old_sig[2];
    int rc = 1, nframes = 0, signals = 0;
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
    catch_stop(old_sig);
    signals = 1;
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
    int door = o.bench && strcmp(o.bench, "door") == 0, frame_bench = o.bench && !door;
    if (frame_bench && (platform_bench_new(&bench, o.bench_frames) ||
                        app_demo(a, u, strcmp(o.bench, "search") == 0 ? "search" :
                                       strcmp(o.bench, "sign") == 0 ? "sign" : "home"))) {
        cli_error("out of memory");
        goto cleanup;
    }
    if (door && platform_door_new(p, a, o.door_scans, o.door_every_ms))
        goto cleanup;
    if (ctx->cfg.sound)
        sound_open(p);
    platform_notify_init(p);
    int running = 1, script_on = o.script != NULL, busy = 1, still = 0;
    uint32_t last_hash = 0;
    uint64_t last_frame = 0;
    p->force_draw = 1;
    p->refresh_until = SDL_GetTicks64() + PLATFORM_REFRESH_MS;
    rc = 0;
    while (running) {
        /* Sleep until input comes or the screen changes by itself. */
        int wait = busy || frame_bench ? 0 : sleep_ms(p, a, u, script_on);
        int64_t due = app_next_wake(a, u);
        SDL_Event ev;
        int got = wait > 0 ? SDL_WaitEventTimeout(&ev, wait) : SDL_PollEvent(&ev);
        while (got) {
            int r = feed(p, u, &ev, ctx->cfg.logo);
            if (r == EV_CLOSE && (p->windowed || app_in_coordinator(a)))
                running = 0;
            if (r == EV_DISPLAY_LOST) {
                fprintf(stderr, "cepci-kiosk: the display connection was lost\n");
                rc = 1;
                running = 0;
            }
            if (r == EV_REDRAW) {
                p->force_draw = 1;
                p->refresh_until = SDL_GetTicks64() + PLATFORM_REFRESH_MS;
            }
            if (ui_input_wants_frame(u))
                break; /* one tap per frame */
            got = SDL_PollEvent(&ev);
        }
        if (stop_signal) {
            platform_notify_stopping(p);
            break; /* between frames: no write is under way */
        }
        platform_notify_pet(p);
        if (door)
            platform_door_type(p);
        if (!running)
            break;
        /* A compositor may show the window only a while after it was
         * drawn, and what was drawn before is lost: cage maps an Xwayland
         * window about a second late (measured: a window drawn once stayed
         * black for good). For PLATFORM_REFRESH_MS after start and after
         * any change to the window, every frame is drawn (at most 60 a
         * second), as a kiosk that redraws all the time would. */
        if (SDL_GetTicks64() < p->refresh_until && SDL_GetTicks64() - p->refreshed >= 16) {
            p->force_draw = 1;
            p->refreshed = SDL_GetTicks64();
        }
        if (!busy && !frame_bench && !script_on && !p->force_draw && u->nevents == 0 &&
            platform_now_ms(p) < due)
            continue; /* woke only to look at the signal or the watchdog */
        if (frame_bench)
            platform_bench_input(p, u, a, o.bench, nframes);
        double c0 = cpu_ms();
        app_screen before = a->screen;
        ui_begin(u, platform_now_ms(p));
        app_frame(a, u);
        ui_end(u);
        /* The screen changed during the frame (a tap, a badge read): what
         * was laid out is the old screen's end. Lay the new one out now
         * and draw that, rather than draw the old one first. */
        for (int k = 0; k < 2 && a->screen != before && !frame_bench; k++) {
            before = a->screen;
            ui_begin(u, platform_now_ms(p));
            app_frame(a, u);
            ui_end(u);
        }
        if (stop_signal) {
            /* What the frame wrote is written; drawing it (a software
             * frame of a large screen on a busy machine: up to 200 ms
             * measured) would only delay the stop. */
            platform_notify_stopping(p);
            break;
        }
        double c1 = cpu_ms();
        /* Drawn only when it differs from what is on screen. */
        uint32_t h = ui_frame_hash(u);
        p->drawn = h != last_hash || p->force_draw || frame_bench || nframes < 2;
        if (p->drawn) {
            platform_draw(p, u);
            last_hash = h;
            p->force_draw = 0;
        }
        double c2 = cpu_ms();
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
        if (p->drawn) {
            SDL_RenderPresent(p->ren);
            platform_notify_ready(p); /* the first frame is on screen */
            if (door)
                platform_door_presented(p, a);
        }
        sound_scans(p, a);
        if (frame_bench) {
            /* Including the software rasterisation, done at present. */
            platform_bench_record(&bench, nframes, cpu_ms() - c0, c1 - c0, c2 - c1);
            if (nframes + 1 >= o.bench_frames)
                running = 0;
        }
        if (door && platform_door_finished(p, a))
            running = 0;
        if (a->quit)
            running = 0;
        nframes++;
        /* After a change, one more frame at once (a screen change shows on
         * the next frame); then sleep. A screen that changes every frame
         * without input (it should not) is held to 60 frames a second. */
        busy = p->drawn || u->had_input;
        still = busy && !u->had_input ? still + 1 : 0;
        uint64_t now = SDL_GetTicks64();
        if (still > 2 && !frame_bench && !script_on && now - last_frame < 16)
            SDL_Delay((uint32_t)(16 - (now - last_frame)));
        last_frame = SDL_GetTicks64();
    }
    if (frame_bench)
        platform_bench_report(&bench, p, &o, nframes);
    if (door)
        platform_door_report(p, s);
cleanup:
    app_free(a);
    /* The database first: leaving full screen and closing the display can
     * take a while (SDL waits up to 100 ms for the window manager, a busy
     * compositor answers late), and a stop must not wait for it to close
     * the database. */
    if (s)
        store_close(s);
    s = NULL;
    free(u);
    platform_bench_free(&bench);
    free(p->script);
    free(p->door);
    sound_close(p);
    platform_draw_free(p);
    /* Stopped by a signal, the display is left to the display server, which
     * frees the window with the connection: SDL_DestroyWindow first takes
     * the window out of full screen and waits up to 100 ms for a window
     * manager to do it (always the whole 100 ms with none, and more on a
     * busy machine), for a window about to go anyway. */
    if (!stop_signal) {
        if (p->ren)
            SDL_DestroyRenderer(p->ren);
        if (p->win)
            SDL_DestroyWindow(p->win);
        TTF_Quit();
        SDL_Quit();
    }
    if (signals) {
        sigaction(SIGTERM, &old_sig[0], NULL);
        sigaction(SIGINT, &old_sig[1], NULL);
    }
    if (stop_signal)
        fprintf(stderr, "cepci-kiosk: stopped by %s\n", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
    return rc;
}
