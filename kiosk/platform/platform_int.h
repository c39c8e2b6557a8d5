/* platform_int.h — private to kiosk/platform/: the state the three files
 * share and the functions they call in each other.
 *
 *   platform_window.c  SDL start-up, the window, SDL events -> ui input,
 *                      the clock and the run loop (platform_run);
 *   platform_draw.c    fonts and the text cache, draw commands -> pixels
 *                      (rectangles, lines, QR, logo), PNG screenshots;
 *   platform_script.c  the test-script and benchmark driver (--script,
 *                      --bench, --screenshot, the CK_WIDGETS_FILE dump);
 *   platform_notify.c  systemd readiness, watchdog and stopping (sd_notify).
 *
 * One `platform` lives for the duration of platform_run; every function
 * here takes it explicitly. Only this folder includes SDL headers.
 */
#ifndef CK_PLATFORM_INT_H
#define CK_PLATFORM_INT_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdint.h>

#include "app.h"
#include "store.h"
#include "ui.h"

#define PLATFORM_FONT_SLOTS 64
#define PLATFORM_CACHE_BUCKETS 512
#define PLATFORM_CACHE_WAYS 4
#define PLATFORM_MOUSE_ID 1000000  /* the ui pointer id of the mouse */
#define PLATFORM_CORNER_MAX 96     /* largest corner radius drawn round */
#define PLATFORM_WIDTH_SLOTS 4096
#define PLATFORM_WAIT_MAX_MS 100   /* the longest sleep between two looks at the stop signal */
#define PLATFORM_DOOR_MAX 1000     /* badge reads a --bench door run can time */
#define PLATFORM_AWAIT_MS 30000   /* a script's await-text gives up after this (real time) */
#define PLATFORM_REFRESH_MS 5000   /* every frame drawn for this long after start or a window change */

typedef struct platform_font {
    int size, bold;
    TTF_Font *font;
} platform_font;

/* A rendered string in the texture cache. */
typedef struct platform_text {
    char *text;
    uint32_t hash;
    int size, bold;
    ui_color color;
    SDL_Texture *tex;
    int w, h;
    unsigned long used;
} platform_text;

/* A cached text width: the hash covers the whole text, head its first
 * bytes (a collision also needs the same length and head). */
typedef struct platform_width {
    uint32_t hash;
    int size, bold, len, w;
    char head[40];
} platform_width;

/* One line of a --script file. */
typedef struct platform_cmd {
    char op[16];
    char arg[512];
    int n[5];
} platform_cmd;

/* The options of the "run" command. */
typedef struct platform_opts {
    int w, h, software;
    const char *shot, *script, *demo, *bench;
    int bench_frames;
    int door_scans, door_every_ms; /* --bench door: how many badge reads, how far apart */
} platform_opts;

/* --bench door: a badge scanner at the door (platform_script.c). */
typedef struct platform_door {
    char numbers[PLATFORM_DOOR_MAX][STORE_EMPLOYEE_NO_LEN];
    int nnumbers;
    int scans, every_ms;    /* reads to make, ms apart */
    int sent;               /* reads typed so far */
    int typing, typed;      /* the read being typed, characters typed */
    uint64_t next_key;      /* when the next key is due (performance counter) */
    uint64_t enter_at[PLATFORM_DOOR_MAX]; /* when each read's Enter was typed */
    double latency_ms[PLATFORM_DOOR_MAX]; /* Enter -> its done screen presented */
    int done;               /* reads whose done screen was presented */
    char last_folio[STORE_FOLIO_LEN];
    uint64_t t0;
} platform_door;

typedef struct platform {
    SDL_Window *win;
    SDL_Renderer *ren;
    int w, h, windowed;
    int win_w, win_h;        /* the window in screen coordinates (input); w x h are pixels */
    int force_draw;          /* draw the next frame even if unchanged (exposed, resized, a shot) */
    int drawn;               /* this frame was drawn (platform_draw ran) */
    uint64_t refresh_until, refreshed; /* redraw now and then until (SDL ticks; see the loop) */
    /* systemd (platform_notify.c). */
    int64_t wd_every_ms, wd_last_ms;
    int ready;
    /* The tone of a badge read ([kiosk] sound = on). */
    SDL_AudioDeviceID audio;
    int16_t *tone;
    uint32_t tone_bytes;
    unsigned scans_heard;
    /* --bench door. */
    platform_door *door;
    /* Drawing (platform_draw.c). */
    char font_path[2][1024];
    platform_font fonts[PLATFORM_FONT_SLOTS];
    platform_width widths[PLATFORM_WIDTH_SLOTS];
    int nfonts;
    platform_text cache[PLATFORM_CACHE_BUCKETS][PLATFORM_CACHE_WAYS];
    unsigned long frame;
    char scratch[4096];
    SDL_Vertex *verts;
    int nverts, capverts;
    SDL_Rect *rects;
    int caprects;
    /* Anti-aliased quarter circles (white, alpha = coverage) per radius and
     * corner, tinted with SDL_SetTextureColorMod: a rounded rectangle is
     * three fills and four small blits instead of a fill per pixel row. */
    SDL_Texture *corner[PLATFORM_CORNER_MAX + 1][4];
    /* The institution logo (picture APP_IMAGE_LOGO), or NULL. */
    SDL_Texture *logo;
    int logo_w, logo_h;
    /* With the software renderer, solid rectangles are written straight
     * into the window's surface (see direct_fill). */
    int software;
    SDL_Surface *surface;    /* this frame's window surface, or NULL */
    ui_rect clip;            /* current clip (w == 0: none) */
    /* Clock: wall time at start plus ticks (not under a script) plus the
     * virtual offset. */
    int64_t base_ms;
    uint64_t t0;
    int64_t offset_ms;
    /* Script (platform_script.c). */
    platform_cmd *script;
    int nscript, pc;
    int pending_up;          /* a tap's release is due next frame */
    int hold_ms;             /* virtual time to pass while a finger is held */
    int settle;              /* frames to let pass before the next command */
    int up_x, up_y, up_touch;
    int64_t wait_until;      /* a "wait" ends at these SDL ticks (real time) */
    int64_t await_until;     /* an "await-text" gives up at these SDL ticks */
    int script_rc;
    const char *widgets_file; /* CK_WIDGETS_FILE (test builds only), or NULL */
    uint32_t widgets_hash;
} platform;

/* Frame timings of --bench (platform_script.c). */
typedef struct platform_bench {
    double *frame_ms, *part_ms[2]; /* whole frame; app and draw */
    int cap;
} platform_bench;

/* ---- platform_window.c ---- */

/* The kiosk's clock in Unix milliseconds: the start time (cli_now) plus
 * the ticks since, plus what a script advanced. Under a script the ticks do
 * not count: its clock moves only by its own commands (advance, wait, hold,
 * a press's settle time), so a busy machine never changes what a script
 * sees (a countdown, a wait in seconds, a double tap's settle time). */
int64_t platform_now_ms(const platform *p);

/* ---- platform_draw.c ---- */

/* Finds the regular and bold font files (Noto Sans, then DejaVu Sans)
 * through fontconfig into p->font_path. Returns 0, or -1 when none. */
int platform_fonts_find(platform *p);
/* The ui layer's text-measure callback (user is the platform). */
int platform_measure(void *user, const char *text, int len, int size, int bold);
/* Loads the institution logo at path (NULL or "": none) as a texture; a
 * missing or unreadable file leaves p->logo NULL, with a line on stderr. */
void platform_load_logo(platform *p, const char *path);
/* Turns the frame's draw commands into pixels (not yet presented). */
void platform_draw(platform *p, const ui_ctx *u);
/* Saves the current frame as a PNG (cairo). Returns 0, or -1 with a line
 * on stderr. */
int platform_save_png(platform *p, const char *path);
/* Frees the textures, fonts and buffers of drawing (before the renderer
 * is destroyed). */
void platform_draw_free(platform *p);

/* ---- platform_notify.c ---- */

/* Reads the watchdog period systemd set (none: no petting). */
void platform_notify_init(platform *p);
/* When the watchdog must next be petted (SDL ticks, ms; INT64_MAX: never). */
int64_t platform_notify_due(const platform *p);
/* WATCHDOG=1 when due. Called from the frame loop only: a loop that
 * stops turning stops petting, and systemd restarts the kiosk. */
void platform_notify_pet(platform *p);
/* READY=1, once, after the first frame is on screen. */
void platform_notify_ready(platform *p);
/* STOPPING=1: a stop signal arrived. */
void platform_notify_stopping(platform *p);

/* ---- platform_script.c ---- */

/* Reads a --script file into p->script. Returns 0 or -1. */
int platform_script_load(platform *p, const char *path);
/* Runs script commands until one needs a new frame. Returns 1 while the
 * script goes on, 0 when it ended, -1 on failure (p->script_rc is then
 * the exit status). */
int platform_script_step(platform *p, ui_ctx *u, app *a);
/* Writes the frame's widgets to p->widgets_file when they changed. */
void platform_dump_widgets(platform *p, const ui_ctx *u, const app *a);
/* Allocates timings for frames frames. Returns 0 or -1 (free it anyway). */
int platform_bench_new(platform_bench *b, int frames);
/* Synthetic input for --bench mode ("home", "search" or "sign") before
 * frame number i. */
void platform_bench_input(platform *p, ui_ctx *u, app *a, const char *mode, int i);
/* Records frame i's times (whole frame, app, draw; CPU milliseconds). */
void platform_bench_record(platform_bench *b, int i, double frame, double app_ms, double draw_ms);
/* Prints the medians and 99th percentiles of nframes frames. */
void platform_bench_report(platform_bench *b, const platform *p, const platform_opts *o, int nframes);
void platform_bench_free(platform_bench *b);
/* --bench door: reads up to scans employee numbers of the roster. Returns
 * 0, or -1 with a line on stderr. */
int platform_door_new(platform *p, app *a, int scans, int every_ms);
/* Types the badge reads that are due (SDL text and key events, 5 ms a
 * key). Returns the ms until the next key, or -1 when all were typed. */
int platform_door_type(platform *p);
/* After a frame was presented: times the reads whose done screen it is. */
void platform_door_presented(platform *p, const app *a);
/* 1 when every read was typed and the last one's done screen presented
 * (or it was given up on). */
int platform_door_finished(const platform *p, const app *a);
/* Prints the door figures. */
void platform_door_report(platform *p, store *s);

#endif
