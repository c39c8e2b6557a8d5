/* ui.h — an immediate-mode widget layer for a touchscreen, in the style of
 * rxi/microui, with no SDL and no allocation per frame.
 *
 * Each frame the platform feeds input (pointer down/move/up with an id, text,
 * keys, the time), then calls ui_begin(), the screens call widgets, and
 * ui_end() leaves a list of draw commands (ui_cmd) that a tiny renderer turns
 * into pixels. Differences from a desktop toolkit:
 *   - a button fires on release inside; a drag beyond a small slop cancels
 *     the press (and scrolls the list under the finger instead);
 *   - only one pointer is followed at a time (the first finger down), so a
 *     second finger or a touch-synthesised mouse event never counts twice;
 *   - the pressed state is drawn in the very frame of the touch.
 * Text is measured through a callback the platform provides (SDL_ttf), so
 * the layout is the same in tests, which pass a simple approximation.
 */
#ifndef CK_UI_H
#define CK_UI_H

#include <stddef.h>
#include <stdint.h>

#include "signature.h"

#define UI_MAX_CMDS 20000
#define UI_TEXT_ARENA (256 * 1024)
#define UI_MAX_EVENTS 512
#define UI_MAX_WIDGETS 256

typedef uint32_t ui_color; /* 0xRRGGBB */

typedef struct ui_rect {
    int x, y, w, h;
} ui_rect;

enum ui_cmd_type {
    UI_CMD_RECT = 1, /* filled rectangle, optional corner radius */
    UI_CMD_FRAME,    /* rectangle outline of thickness `size` */
    UI_CMD_TEXT,     /* one line of text at r.x, r.y (top-left of the line) */
    UI_CMD_LINE,     /* segment (r.x, r.y) -> (r.x + r.w, r.y + r.h), thickness `size` */
    UI_CMD_QR,       /* QR modules (qr, qr_size) scaled into r, white quiet zone */
    UI_CMD_CLIP,     /* clip later commands to r; r.w == 0 means no clipping */
    UI_CMD_IMAGE,    /* picture number `image` (loaded by the platform) scaled into r */
};

typedef struct ui_cmd {
    int type;
    ui_rect r;
    ui_color color;
    int size;   /* text pixel size, line thickness or corner radius */
    int bold;   /* text weight */
    int text;   /* offset of the NUL-terminated text in the arena */
    const unsigned char *qr; /* QR modules, owned by the caller, alive until the frame is drawn */
    int qr_size;
    int image;  /* UI_CMD_IMAGE: which picture (an id the platform knows, > 0) */
} ui_cmd;

/* Measures the width in pixels of len bytes of UTF-8 text at pixel size
 * `size`, regular or bold. */
typedef int (*ui_measure_fn)(void *user, const char *text, int len, int size, int bold);

enum ui_event_type { UI_EV_DOWN = 1, UI_EV_MOVE, UI_EV_UP, UI_EV_TEXT, UI_EV_KEY, UI_EV_WHEEL };
enum ui_key { UI_KEY_ENTER = 1, UI_KEY_BACKSPACE, UI_KEY_ESCAPE };

typedef struct ui_event {
    int type;
    int id;          /* pointer id (finger or mouse) */
    int x, y;
    int key;         /* UI_EV_KEY: the key; UI_EV_WHEEL: notches, > 0 away from the person */
    int64_t t_ms;
    char text[32];   /* valid UTF-8, no control characters */
} ui_event;

/* Align flags for text. */
enum { UI_LEFT = 0, UI_CENTER = 1, UI_RIGHT = 2 };

/* Colours of the theme: every text colour on its background has contrast of
 * at least 4.5:1 (checked by the tests). */
typedef struct ui_theme {
    ui_color bg, surface, ink, muted, accent, on_accent, accent_soft, border, danger, ok, pressed;
} ui_theme;

/* A widget drawn this frame, for scripted tests (find a button by label). */
typedef struct ui_widget {
    unsigned id;
    ui_rect r;
    int enabled;
    char label[64];
} ui_widget;

typedef struct ui_ctx {
    /* Screen and scale. */
    int w, h;
    float scale;       /* min(w, h) / 1080 */
    float text_scale;  /* 1.0, or 1.25 with the larger-text toggle */
    ui_theme theme;
    ui_measure_fn measure;
    void *measure_user;
    int64_t now_ms;

    /* Input queued since the last frame. */
    ui_event events[UI_MAX_EVENTS];
    int nevents;

    /* Pointer state (the one followed pointer). */
    int ptr_id;        /* -1 when no pointer is down */
    int ptr_down, ptr_x, ptr_y;
    int press_x, press_y;
    int64_t press_ms;
    int went_down, went_up; /* this frame */
    int up_x, up_y;
    int dragging;      /* moved beyond the slop since the press */
    unsigned active;   /* widget that got the press (0 = none) */
    unsigned scroll_active;
    int scroll_start;  /* scroll offset when the drag began */
    int fired;         /* a widget fired this frame (one action per release) */
    unsigned prev_active; /* active before this frame's input (signature pad) */
    int long_done;     /* the long press of the current press already fired */
    int had_input;     /* any input arrived for this frame (idle timer) */
    int64_t settle_until; /* presses that start before this are ignored (ui_settle) */
    int wheel, wheel_x, wheel_y; /* this frame's wheel notches and where the pointer was */
    ui_rect clip;      /* current clip (w == 0: none) */

    /* Wrap cache of the long text (the Carta is wrapped once, not per frame). */
    const char *wrap_text;
    int wrap_w, wrap_size, wrap_n;
    int wrap_off[2048], wrap_len[2048];

    /* Keys and text this frame. Typed text is valid UTF-8 without control
     * characters: ui_input_text drops anything else and sets text_bad;
     * text_lost is set when more arrived than text holds. */
    char text[256];
    int text_bad, text_lost;
    int kb_full;       /* a key of ui_keyboard was refused: the buffer is full */
    int key_enter, key_backspace, key_escape;

    /* Output. */
    ui_cmd cmds[UI_MAX_CMDS];
    int ncmds;
    char arena[UI_TEXT_ARENA];
    int arena_len;
    ui_widget widgets[UI_MAX_WIDGETS];
    int nwidgets;
    int disabled;      /* widgets drawn while > 0 do not react */
    /* Texts shortened with "…" or drawn past the screen edge this frame
     * (layout checks: the screenshots must show none). */
    int ncut;
    char cut[4][80];
    unsigned seed;     /* mixed into widget ids (the screen) */
} ui_ctx;

/* Initialises the context for a w x h screen with accent colour "#RRGGBB"
 * (a bad or too-light value falls back to a dark blue). */
void ui_init(ui_ctx *u, int w, int h, const char *accent, ui_measure_fn measure, void *user);

/* Changes the screen size (the scale follows). */
void ui_resize(ui_ctx *u, int w, int h);

/* Input, fed by the platform between frames. Pointer ids distinguish fingers
 * (and the mouse); only the first pointer down is followed until it is up. */
void ui_input_down(ui_ctx *u, int id, int x, int y, int64_t t_ms);
void ui_input_move(ui_ctx *u, int id, int x, int y, int64_t t_ms);
void ui_input_up(ui_ctx *u, int id, int x, int y, int64_t t_ms);
/* Queues typed text (a badge scanner types here). Control characters and
 * bytes that are not valid UTF-8 are dropped (the frame's text_bad says
 * so), never passed on. */
void ui_input_text(ui_ctx *u, const char *utf8);
void ui_input_key(ui_ctx *u, int key);
/* A mouse wheel turned by notches (> 0: away from the person, which
 * scrolls a list back up) with the pointer at (x, y). */
void ui_input_wheel(ui_ctx *u, int notches, int x, int y);
/* 1 when the queued input should be handled before more is read (a pointer
 * went up, Enter, or as much text as a frame takes): keeps one tap per
 * frame in scripted runs and never drops typed text. */
int ui_input_wants_frame(const ui_ctx *u);

/* Starts a frame at time now_ms: digests the queued input. */
void ui_begin(ui_ctx *u, int64_t now_ms);
/* Ends the frame: the commands are in u->cmds until the next ui_begin. */
void ui_end(ui_ctx *u);
/* Forgets the press in progress (called when the screen changes, so a finger
 * lifted on the new screen does not fire what lies under it). */
void ui_cancel_press(ui_ctx *u);
/* Sets the id seed (e.g. a hash of the screen name). */
void ui_set_seed(ui_ctx *u, const char *name);
/* Ignores every press that starts before until_ms (a screen just appeared:
 * the second tap of a double tap must not act on it). A press already
 * under way is not affected; ui_cancel_press forgets it. */
void ui_settle(ui_ctx *u, int64_t until_ms);
/* 1 while presses are being ignored (now_ms < settle_until). */
int ui_settling(const ui_ctx *u);
/* A hash of the frame's draw commands, their texts and QR modules: equal
 * hashes mean the same pixels, so the platform need not draw again. */
uint32_t ui_frame_hash(const ui_ctx *u);

/* Scaled sizes: a length designed for a 1080-pixel short side. */
int ui_px(const ui_ctx *u, int design_px);
/* Text size: like ui_px and times the larger-text factor. */
int ui_font(const ui_ctx *u, int design_px);
/* Height of a line of text at pixel size `size`. */
int ui_line_h(int size);
/* Width of text at size, bold or not. */
int ui_text_w(ui_ctx *u, const char *text, int size, int bold);

/* Drawing. Text is copied into the frame's arena. */
void ui_draw_rect(ui_ctx *u, ui_rect r, ui_color c, int radius);
void ui_draw_frame(ui_ctx *u, ui_rect r, ui_color c, int thickness);
void ui_draw_line(ui_ctx *u, int x0, int y0, int x1, int y1, ui_color c, int thickness);
void ui_draw_qr(ui_ctx *u, ui_rect r, const unsigned char *modules, int size);
/* Picture `image` (an id > 0 the platform has loaded, e.g. the logo) drawn
 * scaled into r; the caller keeps its aspect ratio. Nothing for an empty r. */
void ui_draw_image(ui_ctx *u, ui_rect r, int image);
void ui_clip(ui_ctx *u, ui_rect r);
void ui_unclip(ui_ctx *u);
/* One line of text in r, aligned horizontally and centred vertically;
 * shortened with "…" when it does not fit. */
void ui_text(ui_ctx *u, ui_rect r, const char *text, int size, int bold, ui_color c, int align);
/* Word-wrapped text in r from its top. Returns the height used. With
 * draw = 0 it only measures. */
int ui_text_wrap(ui_ctx *u, ui_rect r, const char *text, int size, int bold, ui_color c, int align, int draw);
/* Like ui_text_wrap with at most max_lines lines; the last one is shortened
 * with "…" when the text goes on. Returns the height used. */
int ui_text_lines(ui_ctx *u, ui_rect r, const char *text, int size, int bold, ui_color c, int align, int max_lines,
                  int draw);
/* The number of lines text takes wrapped to width. */
int ui_text_nlines(ui_ctx *u, const char *text, int width, int size, int bold);
/* The largest size from `size` down to `min` at which text fits on one line
 * of width (min when none does). */
int ui_fit_size(ui_ctx *u, const char *text, int width, int size, int min, int bold);

/* Widgets. */
enum ui_button_style { UI_PRIMARY = 0, UI_SECONDARY, UI_QUIET, UI_DANGER };
/* A large button: returns 1 in the frame the finger is lifted inside it
 * after pressing it (not after a drag). Disabled buttons are drawn muted and
 * never fire. The label is also its identity on the screen. */
int ui_button(ui_ctx *u, ui_rect r, const char *label, int style, int enabled);
/* Draws a button's label centred in r: from 40 design pixels down to 36,
 * then on two lines if r is tall enough, and only then shortened. */
void ui_label(ui_ctx *u, ui_rect r, const char *label, ui_color fg);
/* Like ui_button with an explicit identity and no drawing of its own: the
 * caller draws the content (e.g. an event card). *pressed gets the visual
 * state. */
int ui_hit(ui_ctx *u, ui_rect r, const char *id, int enabled, int *pressed);
/* 1 while the pointer has been held inside r for at least ms (once, in the
 * frame the time is reached). Used for the coordinator's corner. */
int ui_long_press(ui_ctx *u, ui_rect r, const char *id, int ms);

/* The Spanish on-screen keyboard in r: letters with ñ, accented vowels,
 * space and backspace, editing buf (UTF-8, capacity cap). Returns 1 when
 * buf changed. */
int ui_keyboard(ui_ctx *u, ui_rect r, char *buf, size_t cap);
/* The keyboard for free text (an event's title or place): the case is
 * kept as typed, with a "Mayús" key (on for the first letter) and a layer
 * of digits and punctuation ("123" / "ABC"). *layer (0 letters, 1 letters
 * in capitals, 2 digits and punctuation) is kept by the caller; start it
 * at 1. Returns 1 when buf changed. */
int ui_keyboard_text(ui_ctx *u, ui_rect r, char *buf, size_t cap, int *layer);
/* A numeric keypad (0-9, backspace) editing the digits in buf. Returns 1 when
 * buf changed. max_len limits the digits. */
int ui_keypad(ui_ctx *u, ui_rect r, char *buf, size_t cap, int max_len);

/* A scrolling region: content of height content_h inside view r, dragged
 * with the finger or turned with a mouse wheel over it; *scroll is the
 * offset (clamped). Call ui_scroll_begin,
 * draw at y - *scroll, then ui_scroll_end. Returns 1 when the end has been
 * reached (the view shows the last pixel). */
int ui_scroll_begin(ui_ctx *u, ui_rect r, const char *id, int *scroll, int content_h);
void ui_scroll_end(ui_ctx *u);

/* A scrollable long text (e.g. the Carta) in r. *scroll is kept by the
 * caller; *read_to_end is set to 1 once the end has been shown. */
void ui_long_text(ui_ctx *u, ui_rect r, const char *id, const char *text, int size, int *scroll,
                  int *read_to_end);

/* A signature pad in r feeding sig (its size must match r's; ui_sig_pad
 * clears it when it does not). Strokes get the time since t0_ms. */
void ui_sig_pad(ui_ctx *u, ui_rect r, signature *sig, int64_t t0_ms);

/* A countdown bar in r showing `left` of `total` milliseconds. */
void ui_countdown(ui_ctx *u, ui_rect r, int64_t left, int64_t total, const char *label);
/* The height a countdown of width w needs for its label (one or two lines). */
int ui_countdown_h(ui_ctx *u, int w, const char *label);

/* Finds a widget drawn in the last frame by label (first match, enabled
 * ones first). Returns 1 and its rect, or 0. */
int ui_find(const ui_ctx *u, const char *label, ui_rect *out);

/* WCAG contrast ratio of two colours (1..21). */
double ui_contrast(ui_color a, ui_color b);

/* 1 if (x, y) is inside r. */
int ui_inside(ui_rect r, int x, int y);

#endif
