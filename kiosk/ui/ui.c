/* ui.c — see ui.h. Immediate-mode widgets for a touchscreen; the output of a
 * frame is the array of draw commands in the context. */
#include "ui.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "theme.h"

/* ---- colours ---- */

static double lin(double c)
{
    c /= 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(ui_color c)
{
    return 0.2126 * lin((c >> 16) & 0xff) + 0.7152 * lin((c >> 8) & 0xff) + 0.0722 * lin(c & 0xff);
}

double ui_contrast(ui_color a, ui_color b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* Mixes a towards b by t (0..1). */
static ui_color mix(ui_color a, ui_color b, double t)
{
    ui_color out = 0;
    for (int sh = 0; sh <= 16; sh += 8) {
        double ca = (a >> sh) & 0xff, cb = (b >> sh) & 0xff;
        out |= (ui_color)(ca + (cb - ca) * t + 0.5) << sh;
    }
    return out;
}

static ui_color parse_accent(const char *s)
{
    ui_color c = THEME_ACCENT;
    if (s && s[0] == '#' && strlen(s) == 7) {
        char *end;
        unsigned long v = strtoul(s + 1, &end, 16);
        if (!*end)
            c = (ui_color)v;
    }
    /* White text on the accent and accent text on white need 4.5:1. */
    for (int i = 0; i < 40 && ui_contrast(c, THEME_ON_ACCENT) < THEME_ACCENT_CONTRAST; i++)
        c = mix(c, 0x000000, 0.08);
    return c;
}

/* ---- context ---- */

void ui_resize(ui_ctx *u, int w, int h)
{
    u->w = w;
    u->h = h;
    u->scale = (float)(w < h ? w : h) / (float)THEME_DESIGN_PX;
}

void ui_init(ui_ctx *u, int w, int h, const char *accent, ui_measure_fn measure, void *user)
{
    memset(u, 0, sizeof *u);
    ui_resize(u, w, h);
    u->text_scale = 1.0f;
    u->measure = measure;
    u->measure_user = user;
    u->ptr_id = -1;
    ui_color a = parse_accent(accent);
    u->theme = (ui_theme){
        .bg = THEME_BG,
        .surface = THEME_SURFACE,
        .ink = THEME_INK,
        .muted = THEME_MUTED,
        .accent = a,
        .on_accent = THEME_ON_ACCENT,
        .accent_soft = mix(a, 0xFFFFFF, THEME_ACCENT_SOFT),
        .border = THEME_BORDER,
        .danger = THEME_DANGER,
        .ok = THEME_OK,
        .pressed = mix(a, 0x000000, THEME_PRESSED),
    };
}

void ui_set_seed(ui_ctx *u, const char *name)
{
    unsigned h = 2166136261u;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    u->seed = h;
}

static unsigned make_id(const ui_ctx *u, const char *label)
{
    unsigned h = u->seed ^ 2166136261u;
    for (const char *p = label; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h ? h : 1;
}

int ui_px(const ui_ctx *u, int design_px)
{
    int v = (int)lroundf((float)design_px * u->scale);
    return v < 1 && design_px > 0 ? 1 : v;
}

int ui_font(const ui_ctx *u, int design_px)
{
    return (int)lroundf((float)design_px * u->scale * u->text_scale);
}

int ui_line_h(int size)
{
    return size * 138 / 100;
}

int ui_inside(ui_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* ---- input ---- */

static ui_event *push_event(ui_ctx *u, int type)
{
    if (u->nevents >= UI_MAX_EVENTS) {
        /* Keep the newest input: drop the oldest pointer move. */
        int i;
        for (i = 0; i < u->nevents && u->events[i].type != UI_EV_MOVE; i++)
            ;
        if (i == u->nevents)
            return NULL;
        memmove(&u->events[i], &u->events[i + 1], (size_t)(u->nevents - i - 1) * sizeof u->events[0]);
        u->nevents--;
    }
    ui_event *e = &u->events[u->nevents++];
    memset(e, 0, sizeof *e);
    e->type = type;
    return e;
}

static void push_pointer(ui_ctx *u, int type, int id, int x, int y, int64_t t)
{
    ui_event *e = push_event(u, type);
    if (e) {
        e->id = id;
        e->x = x;
        e->y = y;
        e->t_ms = t;
    }
}

void ui_input_down(ui_ctx *u, int id, int x, int y, int64_t t_ms) { push_pointer(u, UI_EV_DOWN, id, x, y, t_ms); }
void ui_input_move(ui_ctx *u, int id, int x, int y, int64_t t_ms) { push_pointer(u, UI_EV_MOVE, id, x, y, t_ms); }
void ui_input_up(ui_ctx *u, int id, int x, int y, int64_t t_ms) { push_pointer(u, UI_EV_UP, id, x, y, t_ms); }

void ui_input_text(ui_ctx *u, const char *utf8)
{
    char clean[sizeof u->events[0].text];
    size_t n = 0, i = 0, len = strlen(utf8);
    int bad = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = text_utf8_decode(utf8 + i, len - i, &cp);
        /* C0 controls, DEL and the C1 controls (U+0080..U+009F). */
        int control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
        if (!k || control) {
            bad = 1;
            i += k ? k : 1;
            continue;
        }
        if (n + k >= sizeof clean)
            break;
        memcpy(clean + n, utf8 + i, k);
        n += k;
        i += k;
    }
    clean[n] = 0;
    ui_event *e = push_event(u, UI_EV_TEXT);
    if (e) {
        memcpy(e->text, clean, n + 1);
        e->key = bad; /* the frame's text_bad */
    } else {
        u->text_lost = 1;
    }
}

void ui_input_key(ui_ctx *u, int key)
{
    ui_event *e = push_event(u, UI_EV_KEY);
    if (e)
        e->key = key;
}

void ui_input_wheel(ui_ctx *u, int notches, int x, int y)
{
    ui_event *e = push_event(u, UI_EV_WHEEL);
    if (e) {
        e->key = notches;
        e->x = x;
        e->y = y;
    }
}

int ui_input_wants_frame(const ui_ctx *u)
{
    size_t text = 0;
    for (int i = 0; i < u->nevents; i++)
        if (u->events[i].type == UI_EV_TEXT)
            text += strlen(u->events[i].text);
    if (text + sizeof u->events[0].text >= sizeof u->text)
        return 1;
    for (int i = 0; i < u->nevents; i++)
        if (u->events[i].type == UI_EV_UP || (u->events[i].type == UI_EV_KEY && u->events[i].key == UI_KEY_ENTER))
            return 1;
    return u->nevents >= UI_MAX_EVENTS - 8;
}

void ui_settle(ui_ctx *u, int64_t until_ms)
{
    u->settle_until = until_ms;
}

int ui_settling(const ui_ctx *u)
{
    return u->now_ms < u->settle_until;
}

/* FNV-1a over n bytes, continuing from h. */
static uint32_t fnv(uint32_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

uint32_t ui_frame_hash(const ui_ctx *u)
{
    /* Commands are zeroed before they are filled (push_cmd), so their
     * padding hashes the same every frame. */
    uint32_t h = fnv(2166136261u, &u->w, sizeof u->w);
    h = fnv(h, &u->h, sizeof u->h);
    h = fnv(h, u->cmds, sizeof u->cmds[0] * (size_t)u->ncmds);
    h = fnv(h, u->arena, (size_t)u->arena_len);
    for (int i = 0; i < u->ncmds; i++)
        if (u->cmds[i].type == UI_CMD_QR && u->cmds[i].qr && u->cmds[i].qr_size > 0)
            h = fnv(h, u->cmds[i].qr, (size_t)u->cmds[i].qr_size * (size_t)u->cmds[i].qr_size);
    return h;
}

void ui_cancel_press(ui_ctx *u)
{
    u->active = 0;
    u->scroll_active = 0;
    u->prev_active = 0;
    u->long_done = 1;
    u->went_down = 0;
    u->went_up = 0;
}

void ui_begin(ui_ctx *u, int64_t now_ms)
{
    u->now_ms = now_ms;
    u->ncmds = 0;
    u->arena_len = 0;
    u->nwidgets = 0;
    u->went_down = u->went_up = 0;
    u->fired = 0;
    u->disabled = 0;
    u->ncut = 0;
    u->clip = (ui_rect){0, 0, 0, 0};
    u->text[0] = 0;
    u->text_bad = 0;
    u->kb_full = 0;
    u->key_enter = u->key_backspace = u->key_escape = 0;
    u->wheel = 0;
    u->had_input = u->nevents > 0;
    u->prev_active = u->active;
    int slop = ui_px(u, 28);
    for (int i = 0; i < u->nevents; i++) {
        ui_event *e = &u->events[i];
        switch (e->type) {
        case UI_EV_DOWN:
            if (u->ptr_id != -1 && u->ptr_id != e->id) {
                e->type = 0; /* a second finger: ignored */
                break;
            }
            if (e->t_ms < u->settle_until) {
                e->type = 0; /* the screen has just appeared (ui_settle) */
                break;
            }
            u->ptr_id = e->id;
            u->ptr_down = 1;
            u->ptr_x = u->press_x = e->x;
            u->ptr_y = u->press_y = e->y;
            u->press_ms = e->t_ms;
            u->went_down = 1;
            u->dragging = 0;
            u->active = 0;
            u->scroll_active = 0;
            u->long_done = 0;
            break;
        case UI_EV_MOVE:
            if (e->id != u->ptr_id || !u->ptr_down) {
                e->type = 0;
                break;
            }
            u->ptr_x = e->x;
            u->ptr_y = e->y;
            if (abs(e->x - u->press_x) > slop || abs(e->y - u->press_y) > slop)
                u->dragging = 1;
            break;
        case UI_EV_UP:
            if (e->id != u->ptr_id || !u->ptr_down) {
                e->type = 0;
                break;
            }
            u->ptr_x = u->up_x = e->x;
            u->ptr_y = u->up_y = e->y;
            u->ptr_down = 0;
            u->ptr_id = -1;
            u->went_up = 1;
            break;
        case UI_EV_TEXT:
            if (strlen(u->text) + strlen(e->text) < sizeof u->text)
                strcat(u->text, e->text);
            else
                u->text_lost = 1;
            u->text_bad |= e->key;
            break;
        case UI_EV_WHEEL:
            u->wheel += e->key;
            u->wheel_x = e->x;
            u->wheel_y = e->y;
            break;
        case UI_EV_KEY:
            if (e->key == UI_KEY_ENTER) u->key_enter = 1;
            if (e->key == UI_KEY_BACKSPACE) u->key_backspace = 1;
            if (e->key == UI_KEY_ESCAPE) u->key_escape = 1;
            break;
        default:
            break;
        }
    }
}

void ui_end(ui_ctx *u)
{
    u->nevents = 0;
    if (!u->ptr_down) {
        u->active = 0;
        u->scroll_active = 0;
    }
    if (u->clip.w)
        ui_unclip(u);
}

/* ---- drawing ---- */

static ui_cmd *push_cmd(ui_ctx *u, int type, ui_rect r, ui_color c)
{
    if (u->ncmds >= UI_MAX_CMDS)
        return NULL;
    ui_cmd *cmd = &u->cmds[u->ncmds++];
    memset(cmd, 0, sizeof *cmd);
    cmd->type = type;
    cmd->r = r;
    cmd->color = c;
    return cmd;
}

void ui_draw_rect(ui_ctx *u, ui_rect r, ui_color c, int radius)
{
    ui_cmd *cmd = push_cmd(u, UI_CMD_RECT, r, c);
    if (cmd)
        cmd->size = radius;
}

void ui_draw_frame(ui_ctx *u, ui_rect r, ui_color c, int thickness)
{
    ui_cmd *cmd = push_cmd(u, UI_CMD_FRAME, r, c);
    if (cmd)
        cmd->size = thickness;
}

void ui_draw_line(ui_ctx *u, int x0, int y0, int x1, int y1, ui_color c, int thickness)
{
    ui_cmd *cmd = push_cmd(u, UI_CMD_LINE, (ui_rect){x0, y0, x1 - x0, y1 - y0}, c);
    if (cmd)
        cmd->size = thickness;
}

void ui_draw_qr(ui_ctx *u, ui_rect r, const unsigned char *modules, int size)
{
    ui_cmd *cmd = push_cmd(u, UI_CMD_QR, r, 0);
    if (cmd) {
        cmd->qr = modules;
        cmd->qr_size = size;
    }
}

void ui_draw_image(ui_ctx *u, ui_rect r, int image)
{
    if (image <= 0 || r.w <= 0 || r.h <= 0)
        return;
    ui_cmd *cmd = push_cmd(u, UI_CMD_IMAGE, r, 0);
    if (cmd)
        cmd->image = image;
}

void ui_clip(ui_ctx *u, ui_rect r)
{
    u->clip = r;
    push_cmd(u, UI_CMD_CLIP, r, 0);
}

void ui_unclip(ui_ctx *u)
{
    u->clip = (ui_rect){0, 0, 0, 0};
    push_cmd(u, UI_CMD_CLIP, u->clip, 0);
}

int ui_text_w(ui_ctx *u, const char *text, int size, int bold)
{
    return u->measure(u->measure_user, text, (int)strlen(text), size, bold);
}

static int text_n_w(ui_ctx *u, const char *text, int len, int size, int bold)
{
    return len > 0 ? u->measure(u->measure_user, text, len, size, bold) : 0;
}

/* Copies len bytes of text into the arena; returns its offset or -1. */
static int arena_put(ui_ctx *u, const char *text, int len, const char *suffix)
{
    int slen = suffix ? (int)strlen(suffix) : 0;
    if (u->arena_len + len + slen + 1 > UI_TEXT_ARENA)
        return -1;
    int off = u->arena_len;
    memcpy(u->arena + off, text, (size_t)len);
    if (slen)
        memcpy(u->arena + off + len, suffix, (size_t)slen);
    u->arena[off + len + slen] = 0;
    u->arena_len += len + slen + 1;
    return off;
}

/* Remembers a text that did not fit (for the layout checks). */
static void note_cut(ui_ctx *u, const char *text, int len)
{
    if (u->ncut < (int)(sizeof u->cut / sizeof u->cut[0])) {
        size_t n = text_utf8_floor(text, (size_t)len, sizeof u->cut[0] - 1);
        memcpy(u->cut[u->ncut], text, n);
        u->cut[u->ncut][n] = 0;
    }
    u->ncut++;
}

static void text_cmd(ui_ctx *u, int x, int y, int w, const char *text, int len, const char *suffix, int size,
                     int bold, ui_color c)
{
    if (!u->clip.w && (x < 0 || x + w > u->w + 1 || y < 0 || y + ui_line_h(size) > u->h + 1))
        note_cut(u, text, len);
    int off = arena_put(u, text, len, suffix);
    if (off < 0)
        return;
    ui_cmd *cmd = push_cmd(u, UI_CMD_TEXT, (ui_rect){x, y, w, ui_line_h(size)}, c);
    if (cmd) {
        cmd->size = size;
        cmd->bold = bold;
        cmd->text = off;
    }
}

/* The text engine's measure with the kiosk's font (ui_ctx.measure). */
typedef struct ui_font_ctx {
    ui_ctx *u;
    int size, bold;
} ui_font_ctx;

static double font_measure(const char *s, size_t len, void *ctx)
{
    const ui_font_ctx *f = ctx;
    return (double)text_n_w(f->u, s, (int)len, f->size, f->bold);
}

void ui_text(ui_ctx *u, ui_rect r, const char *text, int size, int bold, ui_color c, int align)
{
    if (!text || !*text)
        return;
    int len = (int)strlen(text), w = text_n_w(u, text, len, size, bold);
    const char *suffix = NULL;
    if (w > r.w) {
        /* Shorten with an ellipsis until it fits. */
        suffix = "…";
        int ew = ui_text_w(u, suffix, size, bold);
        ui_font_ctx f = {u, size, bold};
        note_cut(u, text, len);
        len = (int)text_fit(text, (size_t)len, (double)(r.w - ew), font_measure, &f);
        while (len > 0 && text[len - 1] == ' ')
            len--;
        w = text_n_w(u, text, len, size, bold) + ew;
    }
    int x = r.x;
    if (align == UI_CENTER)
        x = r.x + (r.w - w) / 2;
    else if (align == UI_RIGHT)
        x = r.x + r.w - w;
    int y = r.y + (r.h - ui_line_h(size)) / 2;
    text_cmd(u, x, y, w, text, len, suffix, size, bold, c);
}

/* The next line of text[0..total) from *pos wrapped to width by the text
 * engine; *start gets its offset. A word cut because it is wider than the
 * line is noted (once) when note. Returns the line's length, or -1 when
 * no line is left. */
static int next_line(ui_ctx *u, const char *text, int total, int *pos, int width, int size, int bold, int note,
                     int *start)
{
    ui_font_ctx f = {u, size, bold};
    size_t p = (size_t)*pos;
    text_line l;
    if (!text_wrap_next(text, (size_t)total, &p, (double)width, font_measure, &f, &l))
        return -1;
    if (note && l.cut && (l.off == 0 || text[l.off - 1] == ' ' || text[l.off - 1] == '\n'))
        note_cut(u, text + l.off, (int)strcspn(text + l.off, " \n"));
    *pos = (int)p;
    *start = (int)l.off;
    return (int)l.len;
}

int ui_text_wrap(ui_ctx *u, ui_rect r, const char *text, int size, int bold, ui_color c, int align, int draw)
{
    return ui_text_lines(u, r, text, size, bold, c, align, INT_MAX, draw);
}

int ui_text_lines(ui_ctx *u, ui_rect r, const char *text, int size, int bold, ui_color c, int align, int max_lines,
                  int draw)
{
    int pos = 0, y = r.y, lh = ui_line_h(size), total = (int)strlen(text), n = 0, start, len;
    while (n < max_lines && (len = next_line(u, text, total, &pos, r.w, size, bold, draw, &start)) >= 0) {
        n++;
        if (n == max_lines && pos < total) {
            /* The last line allowed: the rest of the text, shortened. */
            char rest[1024];
            size_t cut = text_utf8_floor(text + start, strlen(text + start), sizeof rest - 1);
            memcpy(rest, text + start, cut); /* whole characters only */
            rest[cut] = 0;
            for (char *p = rest; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            if (draw)
                ui_text(u, (ui_rect){r.x, y, r.w, lh}, rest, size, bold, c, align);
            y += lh;
            break;
        }
        if (draw && len > 0) {
            int w = text_n_w(u, text + start, len, size, bold), x = r.x;
            if (align == UI_CENTER)
                x += (r.w - w) / 2;
            else if (align == UI_RIGHT)
                x += r.w - w;
            text_cmd(u, x, y, w, text + start, len, NULL, size, bold, c);
        }
        y += lh;
    }
    return y - r.y;
}

int ui_text_nlines(ui_ctx *u, const char *text, int width, int size, int bold)
{
    int pos = 0, n = 0, total = (int)strlen(text), start;
    while (next_line(u, text, total, &pos, width, size, bold, 0, &start) >= 0)
        n++;
    return n;
}

int ui_fit_size(ui_ctx *u, const char *text, int width, int size, int min, int bold)
{
    while (size > min && ui_text_w(u, text, size, bold) > width)
        size--;
    return size;
}

/* ---- widgets ---- */

static void register_widget(ui_ctx *u, unsigned id, ui_rect r, const char *label, int enabled)
{
    if (u->nwidgets >= UI_MAX_WIDGETS)
        return;
    ui_widget *w = &u->widgets[u->nwidgets++];
    w->id = id;
    w->r = r;
    w->enabled = enabled && !u->disabled;
    snprintf(w->label, sizeof w->label, "%s", label);
}

static int in_clip(const ui_ctx *u, int x, int y)
{
    return !u->clip.w || ui_inside(u->clip, x, y);
}

/* The interaction of a button-like widget: claims the press, reports the
 * visual pressed state and fires on release inside. */
static int interact(ui_ctx *u, unsigned id, ui_rect r, int enabled, int *pressed)
{
    *pressed = 0;
    if (!enabled || u->disabled)
        return 0;
    if (u->went_down && !u->active && ui_inside(r, u->press_x, u->press_y) && in_clip(u, u->press_x, u->press_y))
        u->active = id;
    if (u->active != id || u->dragging)
        return 0;
    if (u->ptr_down) {
        *pressed = ui_inside(r, u->ptr_x, u->ptr_y);
        return 0;
    }
    if (u->went_up && !u->fired && ui_inside(r, u->up_x, u->up_y)) {
        *pressed = 1;
        u->fired = 1;
        return 1;
    }
    return 0;
}

int ui_hit(ui_ctx *u, ui_rect r, const char *id, int enabled, int *pressed)
{
    unsigned wid = make_id(u, id);
    register_widget(u, wid, r, id, enabled);
    int p;
    int fired = interact(u, wid, r, enabled, &p);
    if (pressed)
        *pressed = p;
    return fired;
}

void ui_label(ui_ctx *u, ui_rect r, const char *label, ui_color fg)
{
    /* A long label shrinks, never below 36 design pixels (larger text
     * included), then takes two lines when the button is tall enough. */
    int pad = ui_px(u, 20), w = r.w - 2 * pad;
    int min = ui_px(u, THEME_TEXT_BUTTON_MIN), size = ui_fit_size(u, label, w, ui_font(u, THEME_TEXT_BUTTON), min, 1);
    ui_rect in = {r.x + pad, r.y, w, r.h};
    if (ui_text_w(u, label, size, 1) > w && strchr(label, ' ')) {
        int two = ui_font(u, THEME_TEXT_BUTTON);
        while (two > min && (ui_text_nlines(u, label, w, two, 1) > 2 || 2 * ui_line_h(two) > r.h))
            two--;
        if (ui_text_nlines(u, label, w, two, 1) <= 2 && 2 * ui_line_h(two) <= r.h) {
            int th = 2 * ui_line_h(two);
            ui_text_lines(u, (ui_rect){in.x, r.y + (r.h - th) / 2, w, th}, label, two, 1, fg, UI_CENTER, 2, 1);
            return;
        }
    }
    if (r.h < ui_line_h(size))
        size = r.h * 100 / 138;
    ui_text(u, in, label, size, 1, fg, UI_CENTER);
}

int ui_button(ui_ctx *u, ui_rect r, const char *label, int style, int enabled)
{
    int pressed;
    int fired = ui_hit(u, r, label, enabled, &pressed);
    const ui_theme *t = &u->theme;
    int radius = ui_px(u, THEME_RADIUS_BUTTON);
    ui_color bg, fg;
    int live = enabled && !u->disabled;
    switch (style) {
    case UI_PRIMARY:
    case UI_DANGER: {
        ui_color base = style == UI_DANGER ? t->danger : t->accent;
        bg = !live ? THEME_DISABLED : pressed ? mix(base, 0x000000, THEME_PRESSED) : base;
        fg = !live ? THEME_MUTED : t->on_accent;
        ui_draw_rect(u, r, bg, radius);
        break;
    }
    case UI_SECONDARY:
        bg = pressed ? t->accent_soft : t->surface;
        fg = live ? t->accent : THEME_MUTED;
        ui_draw_rect(u, r, live ? t->accent : t->border, radius);
        ui_draw_rect(u, (ui_rect){r.x + ui_px(u, 3), r.y + ui_px(u, 3), r.w - 2 * ui_px(u, 3), r.h - 2 * ui_px(u, 3)},
                     bg, radius - ui_px(u, 3));
        break;
    default:
        fg = live ? t->accent : THEME_MUTED;
        if (pressed)
            ui_draw_rect(u, r, t->accent_soft, radius);
        break;
    }
    ui_label(u, r, label, fg);
    return fired;
}

int ui_long_press(ui_ctx *u, ui_rect r, const char *id, int ms)
{
    unsigned wid = make_id(u, id);
    if (u->disabled)
        return 0;
    if (u->went_down && !u->active && ui_inside(r, u->press_x, u->press_y))
        u->active = wid;
    if (u->active == wid && u->ptr_down && !u->dragging && !u->long_done && u->now_ms - u->press_ms >= ms) {
        u->long_done = 1;
        return 1;
    }
    return 0;
}

/* ---- keyboards ---- */

static void buf_backspace(char *buf)
{
    int len = (int)strlen(buf);
    if (len == 0)
        return;
    len = (int)text_utf8_floor(buf, (size_t)len, (size_t)len - 1);
    buf[len] = 0;
}

static int buf_append(char *buf, size_t cap, const char *s)
{
    size_t len = strlen(buf), n = strlen(s);
    if (len + n + 1 > cap)
        return 0;
    memcpy(buf + len, s, n + 1);
    return 1;
}

static int key_button(ui_ctx *u, ui_rect r, const char *label, int style)
{
    /* Keys are quieter than buttons: a white key with dark text. */
    int pressed;
    int fired = ui_hit(u, r, label, 1, &pressed);
    const ui_theme *t = &u->theme;
    int radius = ui_px(u, THEME_RADIUS_KEY);
    ui_color bg = pressed ? t->accent : style == UI_SECONDARY ? THEME_KEY_ALT : t->surface;
    ui_color fg = pressed ? t->on_accent : t->ink;
    /* The shadow is only the strip that shows below the key: a full-size
     * rectangle under it would double the pixels filled per frame. */
    ui_draw_rect(u, (ui_rect){r.x, r.y + r.h - 2 * radius + ui_px(u, 3), r.w, 2 * radius}, t->border, radius);
    ui_draw_rect(u, r, bg, radius);
    int size = ui_font(u, THEME_TEXT_BUTTON);
    while (size > 12 && ui_text_w(u, label, size, 1) > r.w - ui_px(u, 12))
        size--;
    ui_text(u, r, label, size, 1, fg, UI_CENTER);
    return fired;
}

int ui_keyboard(ui_ctx *u, ui_rect r, char *buf, size_t cap)
{
    static const char *const rows[4][11][2] = {
        {{"q", "Q"}, {"w", "W"}, {"e", "E"}, {"r", "R"}, {"t", "T"}, {"y", "Y"}, {"u", "U"}, {"i", "I"},
         {"o", "O"}, {"p", "P"}, {NULL, NULL}},
        {{"a", "A"}, {"s", "S"}, {"d", "D"}, {"f", "F"}, {"g", "G"}, {"h", "H"}, {"j", "J"}, {"k", "K"},
         {"l", "L"}, {"ñ", "Ñ"}, {NULL, NULL}},
        {{"z", "Z"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}, {"m", "M"}, {"-", "-"},
         {NULL, NULL}},
        {{"á", "Á"}, {"é", "É"}, {"í", "Í"}, {"ó", "Ó"}, {"ú", "Ú"}, {"ü", "Ü"}, {NULL, NULL}},
    };
    int changed = 0, gap = ui_px(u, 10);
    int kh = (r.h - 3 * gap) / 4;
    int kw = (r.w - 9 * gap) / 10;
    /* Capitalise the first letter of each word (names). */
    size_t len = strlen(buf);
    int upper = len == 0 || buf[len - 1] == ' ' || buf[len - 1] == '-';
    for (int row = 0; row < 4; row++) {
        int y = r.y + row * (kh + gap);
        int n = 0;
        while (rows[row][n][0])
            n++;
        int x = r.x;
        if (row == 2)
            x = r.x + kw / 2;
        for (int i = 0; i < n; i++) {
            ui_rect k = {x, y, kw, kh};
            const char *label = rows[row][i][1];
            if (key_button(u, k, label, UI_PRIMARY)) {
                int ok = buf_append(buf, cap, upper ? rows[row][i][1] : rows[row][i][0]);
                changed |= ok;
                u->kb_full |= !ok;
            }
            x += kw + gap;
        }
        if (row == 2) {
            ui_rect k = {x, y, r.x + r.w - x, kh};
            if (key_button(u, k, "Borrar", UI_SECONDARY) && buf[0]) {
                buf_backspace(buf);
                changed = 1;
            }
        }
        if (row == 3) {
            ui_rect k = {x, y, r.x + r.w - x, kh};
            if (key_button(u, k, "Espacio", UI_SECONDARY) && len > 0 && buf[len - 1] != ' ') {
                int ok = buf_append(buf, cap, " ");
                changed |= ok;
                u->kb_full |= !ok;
            }
        }
    }
    return changed;
}

/* A key that changes the keyboard's state: drawn like "Borrar", in the
 * accent while on. */
static int toggle_key(ui_ctx *u, ui_rect r, const char *label, int on)
{
    int pressed;
    int fired = ui_hit(u, r, label, 1, &pressed);
    const ui_theme *t = &u->theme;
    int radius = ui_px(u, THEME_RADIUS_KEY);
    ui_draw_rect(u, (ui_rect){r.x, r.y + r.h - 2 * radius + ui_px(u, 3), r.w, 2 * radius}, t->border, radius);
    ui_draw_rect(u, r, pressed || on ? t->accent : THEME_KEY_ALT, radius);
    int size = ui_font(u, THEME_TEXT_BUTTON);
    while (size > 12 && ui_text_w(u, label, size, 1) > r.w - ui_px(u, 12))
        size--;
    ui_text(u, r, label, size, 1, pressed || on ? t->on_accent : t->ink, UI_CENTER);
    return fired;
}

int ui_keyboard_text(ui_ctx *u, ui_rect r, char *buf, size_t cap, int *layer)
{
    /* Rows of up to ten keys; NULL ends a row. Layer 0 is lower case (the
     * capitals are made from it), layer 2 digits and punctuation. */
    static const char *const letters[4][11] = {
        {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", NULL},
        {"a", "s", "d", "f", "g", "h", "j", "k", "l", "ñ", NULL},
        {"z", "x", "c", "v", "b", "n", "m", NULL},
        {"á", "é", "í", "ó", "ú", "ü", NULL},
    };
    static const char *const upper[4][11] = {
        {"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", NULL},
        {"A", "S", "D", "F", "G", "H", "J", "K", "L", "Ñ", NULL},
        {"Z", "X", "C", "V", "B", "N", "M", NULL},
        {"Á", "É", "Í", "Ó", "Ú", "Ü", NULL},
    };
    static const char *const symbols[4][11] = {
        {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", NULL},
        {"-", "/", ":", ";", "(", ")", "\"", "&", "@", "#", NULL},
        {".", ",", "?", "!", "'", "%", "+", NULL},
        {"¿", "¡", "«", "»", "=", "_", NULL},
    };
    int changed = 0, gap = ui_px(u, 10);
    int kh = (r.h - 3 * gap) / 4, kw = (r.w - 9 * gap) / 10;
    int lay = *layer < 0 || *layer > 2 ? 0 : *layer;
    const char *const(*rows)[11] = lay == 2 ? symbols : lay == 1 ? upper : letters;
    for (int row = 0; row < 4; row++) {
        int y = r.y + row * (kh + gap), x = r.x;
        if (row == 2) {
            /* Mayús (letters) at the left of the third row. */
            ui_rect k = {x, y, kw * 3 / 2, kh};
            if (lay != 2 && toggle_key(u, k, "Mayús", lay == 1))
                *layer = lay == 1 ? 0 : 1;
            x += k.w + gap;
        }
        if (row == 3) {
            ui_rect k = {x, y, kw * 3 / 2, kh};
            if (toggle_key(u, k, lay == 2 ? "ABC" : "123", 0))
                *layer = lay == 2 ? 0 : 2;
            x += k.w + gap;
        }
        for (int i = 0; rows[row][i]; i++) {
            ui_rect k = {x, y, kw, kh};
            if (key_button(u, k, rows[row][i], UI_PRIMARY)) {
                int ok = buf_append(buf, cap, rows[row][i]);
                changed |= ok;
                u->kb_full |= !ok;
                if (ok && lay == 1)
                    *layer = 0; /* a capital, then lower case again */
            }
            x += kw + gap;
        }
        if (row == 2) {
            ui_rect k = {x, y, r.x + r.w - x, kh};
            if (key_button(u, k, "Borrar", UI_SECONDARY) && buf[0]) {
                buf_backspace(buf);
                changed = 1;
            }
        }
        if (row == 3) {
            size_t len = strlen(buf);
            ui_rect k = {x, y, r.x + r.w - x, kh};
            if (key_button(u, k, "Espacio", UI_SECONDARY) && len > 0 && buf[len - 1] != ' ') {
                int ok = buf_append(buf, cap, " ");
                changed |= ok;
                u->kb_full |= !ok;
            }
        }
    }
    return changed;
}

int ui_keypad(ui_ctx *u, ui_rect r, char *buf, size_t cap, int max_len)
{
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Borrar", "0", ""};
    int changed = 0, gap = ui_px(u, 12);
    int kw = (r.w - 2 * gap) / 3, kh = (r.h - 3 * gap) / 4;
    for (int i = 0; i < 12; i++) {
        if (!keys[i][0])
            continue;
        ui_rect k = {r.x + (i % 3) * (kw + gap), r.y + (i / 3) * (kh + gap), kw, kh};
        if (!key_button(u, k, keys[i], i == 9 ? UI_SECONDARY : UI_PRIMARY))
            continue;
        if (i == 9) {
            if (buf[0]) {
                buf_backspace(buf);
                changed = 1;
            }
        } else if ((int)strlen(buf) < max_len) {
            changed |= buf_append(buf, cap, keys[i]);
        }
    }
    return changed;
}

/* ---- scrolling ---- */

int ui_scroll_begin(ui_ctx *u, ui_rect r, const char *id, int *scroll, int content_h)
{
    unsigned wid = make_id(u, id) ^ 0x5c5c5c5cu;
    int max = content_h - r.h;
    if (max < 0)
        max = 0;
    if (!u->disabled && u->went_down && ui_inside(r, u->press_x, u->press_y)) {
        u->scroll_active = wid;
        u->scroll_start = *scroll;
    }
    if (u->scroll_active == wid && u->dragging)
        *scroll = u->scroll_start - (u->ptr_y - u->press_y);
    if (u->wheel && !u->disabled && ui_inside(r, u->wheel_x, u->wheel_y)) {
        /* A notch moves about two lines of body text. */
        *scroll -= u->wheel * ui_px(u, 90);
        u->wheel = 0;
    }
    if (*scroll > max)
        *scroll = max;
    if (*scroll < 0)
        *scroll = 0;
    ui_clip(u, r);
    return *scroll >= max;
}

void ui_scroll_end(ui_ctx *u)
{
    ui_unclip(u);
}

void ui_long_text(ui_ctx *u, ui_rect r, const char *id, const char *text, int size, int *scroll,
                  int *read_to_end)
{
    int pad = ui_px(u, 32), width = r.w - 2 * pad - ui_px(u, 16);
    if (u->wrap_text != text || u->wrap_w != width || u->wrap_size != size) {
        /* Re-wrap only when the text, width or size changed. */
        u->wrap_text = text;
        u->wrap_w = width;
        u->wrap_size = size;
        u->wrap_n = 0;
        int pos = 0, total = (int)strlen(text), start, len;
        while (u->wrap_n < (int)(sizeof u->wrap_off / sizeof u->wrap_off[0]) &&
               (len = next_line(u, text, total, &pos, width, size, 0, 1, &start)) >= 0) {
            u->wrap_off[u->wrap_n] = start;
            u->wrap_len[u->wrap_n++] = len;
        }
    }
    int lh = ui_line_h(size), content = u->wrap_n * lh + 2 * pad;
    ui_draw_rect(u, r, u->theme.surface, ui_px(u, 12));
    ui_draw_frame(u, r, u->theme.border, ui_px(u, 2));
    int at_end = ui_scroll_begin(u, r, id, scroll, content);
    int first = (*scroll - pad) / lh - 1, last = (*scroll + r.h) / lh + 1;
    if (first < 0)
        first = 0;
    for (int i = first; i < u->wrap_n && i <= last; i++) {
        int y = r.y + pad + i * lh - *scroll;
        if (u->wrap_len[i] > 0)
            text_cmd(u, r.x + pad, y, width, text + u->wrap_off[i], u->wrap_len[i], NULL, size, 0, u->theme.ink);
    }
    ui_scroll_end(u);
    /* Scroll bar. */
    if (content > r.h) {
        int track = r.h - 2 * ui_px(u, 12), th = track * r.h / content;
        if (th < ui_px(u, 40))
            th = ui_px(u, 40);
        int ty = r.y + ui_px(u, 12) + (track - th) * *scroll / (content - r.h);
        ui_draw_rect(u, (ui_rect){r.x + r.w - ui_px(u, 16), ty, ui_px(u, 8), th}, u->theme.muted, ui_px(u, 4));
    }
    if (at_end && read_to_end)
        *read_to_end = 1;
}

/* ---- signature ---- */

void ui_sig_pad(ui_ctx *u, ui_rect r, signature *sig, int64_t t0_ms)
{
    const ui_theme *t = &u->theme;
    unsigned wid = make_id(u, "signature-pad");
    if (sig->width != r.w || sig->height != r.h)
        sig_clear(sig, r.w, r.h);
    register_widget(u, wid, r, "signature-pad", 1);
    int on = u->prev_active == wid;
    for (int i = 0; i < u->nevents && !u->disabled; i++) {
        const ui_event *e = &u->events[i];
        uint32_t ms = e->t_ms > t0_ms ? (uint32_t)(e->t_ms - t0_ms) : 0;
        if (e->type == UI_EV_DOWN) {
            on = ui_inside(r, e->x, e->y);
            if (on) {
                u->active = wid;
                sig_add(sig, e->x - r.x, e->y - r.y, ms, 1);
            }
        } else if ((e->type == UI_EV_MOVE || e->type == UI_EV_UP) && on) {
            sig_add(sig, e->x - r.x, e->y - r.y, ms, 0);
            if (e->type == UI_EV_UP)
                on = 0;
        }
    }
    ui_draw_rect(u, r, t->surface, ui_px(u, 12));
    ui_draw_frame(u, r, t->border, ui_px(u, 2));
    int base = r.y + r.h * 3 / 4;
    ui_draw_line(u, r.x + ui_px(u, 48), base, r.x + r.w - ui_px(u, 48), base, t->border, ui_px(u, 2));
    if (sig->npoints == 0)
        ui_text(u, (ui_rect){r.x, base - ui_line_h(ui_font(u, THEME_TEXT_BODY)) - ui_px(u, 8), r.w,
                             ui_line_h(ui_font(u, THEME_TEXT_BODY))},
                "Firme aquí con el dedo", ui_font(u, THEME_TEXT_BODY), 0, t->muted, UI_CENTER);
    int thick = ui_px(u, 5);
    if (thick < 2)
        thick = 2;
    for (int i = 1; i < sig->npoints; i++) {
        const sig_point *a = &sig->pts[i - 1], *b = &sig->pts[i];
        if (b->starts_stroke)
            continue;
        ui_draw_line(u, r.x + a->x, r.y + a->y, r.x + b->x, r.y + b->y, THEME_SIGNATURE, thick);
    }
}

int ui_countdown_h(ui_ctx *u, int w, const char *label)
{
    int n = ui_text_nlines(u, label, w - ui_px(u, 32), ui_font(u, THEME_TEXT_BODY), 1);
    n = n > 2 ? 2 : n < 1 ? 1 : n;
    int h = n * ui_line_h(ui_font(u, THEME_TEXT_BODY)) + ui_px(u, 10) + ui_px(u, 24);
    return h > ui_px(u, 96) ? h : ui_px(u, 96);
}

void ui_countdown(ui_ctx *u, ui_rect r, int64_t left, int64_t total, const char *label)
{
    if (total <= 0)
        total = 1;
    if (left < 0)
        left = 0;
    if (left > total)
        left = total;
    ui_draw_rect(u, r, THEME_WARN_BG, ui_px(u, 10));
    ui_draw_frame(u, r, THEME_WARN_LINE, ui_px(u, 2));
    int barh = ui_px(u, 10);
    int fill = (int)((r.w - 2 * ui_px(u, 4)) * left / total);
    ui_draw_rect(u, (ui_rect){r.x + ui_px(u, 4), r.y + r.h - barh - ui_px(u, 4), fill, barh}, THEME_WARN_LINE,
                 barh / 2);
    /* The label, on one line or two, centred above the bar. */
    int f = ui_font(u, THEME_TEXT_BODY), w = r.w - ui_px(u, 32);
    int n = ui_text_nlines(u, label, w, f, 1);
    n = n > 2 ? 2 : n < 1 ? 1 : n;
    int th = n * ui_line_h(f), avail = r.h - barh - ui_px(u, 4);
    ui_text_lines(u, (ui_rect){r.x + ui_px(u, 16), r.y + (avail - th) / 2, w, th}, label, f, 1, THEME_WARN_FG,
                  UI_CENTER, 2, 1);
}

int ui_find(const ui_ctx *u, const char *label, ui_rect *out)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < u->nwidgets; i++) {
            const ui_widget *w = &u->widgets[i];
            if (strcmp(w->label, label) == 0 && (pass == 1 || w->enabled)) {
                if (out)
                    *out = w->r;
                return 1;
            }
        }
    return 0;
}
