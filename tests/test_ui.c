/* test_ui.c — the widget layer without SDL: buttons fire on release inside,
 * drags cancel, the keyboard types ñ and accents, lists scroll (finger and
 * wheel), the signature pad refuses a near-empty pad, the countdown,
 * contrast, the settle time after a screen change, the frame hash; the
 * SPEC's minimums (text sizes, touch targets, contrast) on the type scale
 * (theme.h) and on every screen the kiosk draws; and, through the app,
 * where the irreversible buttons sit, double taps, the slow-down of
 * lookups that find no one, and when the app asks to be woken. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "theme.h"
#include "ui.h"
#include "util.h"

/* The SPEC's minimums ("Look and feel"), written here independently of
 * theme.h: at a 1080-pixel short side, body text 28 px and button labels
 * 36 px (scaled for other sizes); touch targets 9 mm; contrast 4.5:1. */
#define SPEC_BODY_PX 28
#define SPEC_LABEL_PX 36
#define SPEC_SHORT_SIDE 1080
#define SPEC_TOUCH_MM 9.0
#define SPEC_CONTRAST 4.5

/* The screen sizes the kiosk supports (SPEC "Layout adapts to"). */
static const int SIZES[3][2] = {{1280, 800}, {1920, 1080}, {1080, 1920}};

/* A simple text measure: half the size per character (UTF-8 aware). */
static int approx_measure(void *user, const char *text, int len, int size, int bold)
{
    (void)user;
    int chars = 0;
    for (int i = 0; i < len; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            chars++;
    return chars * size * (bold ? 11 : 10) / 20;
}

static ui_ctx *new_ui(int w, int h)
{
    ui_ctx *u = malloc(sizeof *u);
    assert_non_null(u);
    ui_init(u, w, h, "#1F5C99", approx_measure, NULL);
    return u;
}

static const ui_rect BTN = {100, 100, 300, 120};
static int64_t T = 1000;

/* One frame with a single button; returns 1 if it fired. */
static int frame_button(ui_ctx *u)
{
    ui_begin(u, T += 16);
    int fired = ui_button(u, BTN, "Aceptar", UI_PRIMARY, 1);
    ui_end(u);
    return fired;
}

static void test_button_release_inside(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_input_down(u, 1, 150, 150, T);
    assert_int_equal(frame_button(u), 0);
    ui_input_up(u, 1, 160, 150, T);
    assert_int_equal(frame_button(u), 1);
    assert_int_equal(frame_button(u), 0); /* once */
    /* Down and up within the same frame also count once. */
    ui_input_down(u, 1, 150, 150, T);
    ui_input_up(u, 1, 150, 150, T);
    assert_int_equal(frame_button(u), 1);
    free(u);
}

static void test_button_release_outside(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_input_down(u, 1, 150, 150, T);
    frame_button(u);
    ui_input_up(u, 1, 390, 600, T);
    assert_int_equal(frame_button(u), 0);
    /* Pressed outside, released inside: nothing either. */
    ui_input_down(u, 1, 900, 900, T);
    frame_button(u);
    ui_input_up(u, 1, 150, 150, T);
    assert_int_equal(frame_button(u), 0);
    free(u);
}

static void test_drag_cancels(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_input_down(u, 1, 120, 110, T);
    frame_button(u);
    ui_input_move(u, 1, 390, 210, T); /* far beyond the slop, still inside */
    frame_button(u);
    ui_input_up(u, 1, 390, 210, T);
    assert_int_equal(frame_button(u), 0);
    free(u);
}

static void test_second_finger_ignored(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_input_down(u, 1, 150, 150, T);
    ui_input_down(u, 2, 150, 150, T); /* e.g. a synthesised event */
    frame_button(u);
    ui_input_up(u, 2, 150, 150, T);
    ui_input_up(u, 1, 150, 150, T);
    assert_int_equal(frame_button(u), 1);
    assert_int_equal(frame_button(u), 0);
    free(u);
}

static void test_pressed_state_same_frame(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_begin(u, T);
    ui_button(u, BTN, "Aceptar", UI_PRIMARY, 1);
    ui_color normal = u->cmds[0].color;
    ui_end(u);
    ui_input_down(u, 1, 150, 150, T);
    ui_begin(u, T);
    ui_button(u, BTN, "Aceptar", UI_PRIMARY, 1);
    assert_int_not_equal(u->cmds[0].color, normal);
    ui_end(u);
    free(u);
}

/* Taps the keyboard key labelled label; returns the buffer. */
static void tap_key(ui_ctx *u, const char *label, char *buf, size_t cap)
{
    ui_rect kb = {0, 500, 1920, 500}, r;
    ui_begin(u, T += 16);
    ui_keyboard(u, kb, buf, cap);
    ui_end(u);
    assert_true(ui_find(u, label, &r));
    ui_input_down(u, 1, r.x + r.w / 2, r.y + r.h / 2, T);
    ui_input_up(u, 1, r.x + r.w / 2, r.y + r.h / 2, T);
    ui_begin(u, T += 16);
    ui_keyboard(u, kb, buf, cap);
    ui_end(u);
}

static void test_keyboard_spanish(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    char buf[64] = "";
    tap_key(u, "P", buf, sizeof buf);
    tap_key(u, "E", buf, sizeof buf);
    tap_key(u, "Ñ", buf, sizeof buf);
    tap_key(u, "A", buf, sizeof buf);
    assert_string_equal(buf, "Peña");
    tap_key(u, "Espacio", buf, sizeof buf);
    tap_key(u, "Á", buf, sizeof buf);
    tap_key(u, "N", buf, sizeof buf);
    tap_key(u, "Ü", buf, sizeof buf);
    assert_string_equal(buf, "Peña Ánü");
    tap_key(u, "Borrar", buf, sizeof buf);
    assert_string_equal(buf, "Peña Án");
    free(u);
}

static void test_keypad(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1280, 800);
    char buf[8] = "";
    ui_rect pad = {0, 200, 600, 500}, r;
    const char *seq[] = {"1", "0", "2", "Borrar", "3"};
    for (int i = 0; i < 5; i++) {
        ui_begin(u, T += 16);
        ui_keypad(u, pad, buf, sizeof buf, 6);
        ui_end(u);
        assert_true(ui_find(u, seq[i], &r));
        ui_input_down(u, 1, r.x + 5, r.y + 5, T);
        ui_input_up(u, 1, r.x + 5, r.y + 5, T);
        ui_begin(u, T += 16);
        ui_keypad(u, pad, buf, sizeof buf, 6);
        ui_end(u);
    }
    assert_string_equal(buf, "103");
    free(u);
}

static void test_list_scrolls_by_drag(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_rect view = {0, 0, 800, 400};
    int scroll = 0, fired = 0;
    for (int step = 0; step < 4; step++) {
        if (step == 0) ui_input_down(u, 1, 100, 300, T);
        if (step == 1) ui_input_move(u, 1, 100, 100, T);
        if (step == 2) ui_input_up(u, 1, 100, 100, T);
        ui_begin(u, T += 16);
        ui_scroll_begin(u, view, "list", &scroll, 2000);
        for (int i = 0; i < 10; i++) {
            char label[16];
            snprintf(label, sizeof label, "row%d", i);
            fired |= ui_hit(u, (ui_rect){0, i * 200 - scroll, 800, 180}, label, 1, NULL);
        }
        ui_scroll_end(u);
        ui_end(u);
    }
    assert_int_equal(scroll, 200);
    assert_int_equal(fired, 0); /* the drag did not tap a row */
    /* Clamped at the end. */
    ui_input_down(u, 1, 100, 390, T);
    ui_input_move(u, 1, 100, -5000, T);
    ui_begin(u, T += 16);
    int end = ui_scroll_begin(u, view, "list", &scroll, 2000);
    ui_scroll_end(u);
    ui_end(u);
    assert_int_equal(scroll, 1600);
    assert_true(end);
    free(u);
}

static void test_long_text_read_to_end(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    char *text = malloc(20000);
    text[0] = 0;
    for (int i = 0; i < 200; i++)
        strcat(text, "Me comprometo a respetar el Código de Conducta. ");
    int scroll = 0, read = 0;
    ui_rect r = {0, 0, 1000, 500};
    ui_begin(u, T += 16);
    ui_long_text(u, r, "carta", text, 32, &scroll, &read);
    ui_end(u);
    assert_int_equal(read, 0);
    for (int i = 0; i < 40 && !read; i++) {
        ui_input_down(u, 1, 500, 450, T);
        ui_input_move(u, 1, 500, 50, T);
        ui_input_up(u, 1, 500, 50, T);
        ui_begin(u, T += 16);
        ui_long_text(u, r, "carta", text, 32, &scroll, &read);
        ui_end(u);
    }
    assert_int_equal(read, 1);
    free(text);
    free(u);
}

static void test_signature_pad(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    signature *sig = calloc(1, sizeof *sig);
    ui_rect pad = {100, 100, 1000, 400};
    /* A tap: near-empty, refused. */
    ui_input_down(u, 1, 500, 300, T);
    ui_input_up(u, 1, 500, 300, T);
    ui_begin(u, T += 16);
    ui_sig_pad(u, pad, sig, 0);
    ui_end(u);
    assert_true(sig->npoints >= 1);
    assert_int_equal(sig_is_enough(sig), 0);
    sig_clear(sig, pad.w, pad.h);
    /* A stroke across half the pad, over several frames. */
    ui_input_down(u, 1, 150, 300, T);
    for (int i = 1; i <= 60; i++) {
        ui_input_move(u, 1, 150 + i * 10, 300 + (i % 2 ? 40 : -40), T + i * 10);
        if (i % 10 == 0) {
            ui_begin(u, T += 16);
            ui_sig_pad(u, pad, sig, 0);
            ui_end(u);
        }
    }
    ui_input_up(u, 1, 750, 300, T);
    ui_begin(u, T += 16);
    ui_sig_pad(u, pad, sig, 0);
    ui_end(u);
    assert_true(sig->npoints > 50);
    assert_int_equal(sig_is_enough(sig), 1);
    /* Lines were drawn for the strokes. */
    int lines = 0;
    for (int i = 0; i < u->ncmds; i++)
        lines += u->cmds[i].type == UI_CMD_LINE;
    assert_true(lines > 50);
    free(sig);
    free(u);
}

static void test_countdown(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_rect r = {0, 0, 1000, 100};
    int widths[2];
    for (int k = 0; k < 2; k++) {
        ui_begin(u, T);
        ui_countdown(u, r, k ? 2500 : 7500, 10000, "Volveremos al inicio");
        widths[k] = u->cmds[2].r.w;
        ui_end(u);
    }
    assert_true(widths[0] > widths[1] * 2);
    free(u);
}

static void test_contrast_and_sizes(void **state)
{
    (void)state;
    /* Even a too-light accent is darkened until text on it reads. */
    const char *accents[] = {"#1F5C99", "#FFD700", "#00FF00", "#ffffff", "bad"};
    for (int i = 0; i < 5; i++) {
        ui_ctx *u = new_ui(1920, 1080);
        ui_init(u, 1920, 1080, accents[i], approx_measure, NULL);
        const ui_theme *t = &u->theme;
        assert_true(ui_contrast(t->accent, t->on_accent) >= 4.5);
        assert_true(ui_contrast(t->ink, t->bg) >= 4.5);
        assert_true(ui_contrast(t->muted, t->bg) >= 4.5);
        assert_true(ui_contrast(t->muted, t->surface) >= 4.5);
        assert_true(ui_contrast(t->accent, t->surface) >= 4.5);
        assert_true(ui_contrast(t->danger, t->surface) >= 4.5);
        assert_true(ui_contrast(t->ok, t->surface) >= 4.5);
        assert_true(ui_contrast(t->ink, t->accent_soft) >= 4.5);
        assert_true(ui_contrast(0x4A5059, 0xDADDE2) >= 4.5); /* disabled */
        free(u);
    }
    /* Body 28 px and labels 36 px at 1080 px; scaled elsewhere. */
    ui_ctx *u = new_ui(1920, 1080);
    assert_int_equal(ui_font(u, 28), 28);
    ui_resize(u, 1080, 1920);
    assert_int_equal(ui_font(u, 36), 36);
    ui_resize(u, 1280, 800);
    assert_true(ui_px(u, 96) >= 70); /* >= 9 mm on a 10" 1280x800 panel */
    free(u);
}

/* The smallest size a SPEC minimum allows on u's screen: spec_px at a
 * 1080-pixel short side, scaled. */
static int scaled_min(const ui_ctx *u, int spec_px)
{
    int short_side = u->w < u->h ? u->w : u->h;
    return (int)lround((double)spec_px * short_side / SPEC_SHORT_SIDE);
}

/* Millimetres of px pixels on the densest panel the layout is made for. */
static double px_mm(int px)
{
    return px * 25.4 / THEME_PANEL_PPI;
}

/* The type scale, touch targets and colours of theme.h meet the SPEC's
 * minimums on every supported screen, with normal and larger text. */
static void test_type_scale(void **state)
{
    (void)state;
    static const int text[] = {THEME_TEXT_DISPLAY,  THEME_TEXT_HERO,       THEME_TEXT_HEADLINE, THEME_TEXT_TITLE,
                               THEME_TEXT_LARGE,    THEME_TEXT_SUBTITLE,   THEME_TEXT_BUTTON,   THEME_TEXT_BUTTON_MIN,
                               THEME_TEXT_HEADING,  THEME_TEXT_LEAD,       THEME_TEXT_BODY_LARGE, THEME_TEXT_BODY,
                               THEME_TEXT_TOGGLE,   THEME_TEXT_CAPTION,    THEME_TEXT_MIN};
    static const int touch[] = {THEME_BUTTON_H_HOME, THEME_HEADER_H, THEME_BUTTON_H, THEME_BUTTON_H_FORM, THEME_FIELD_H,
                                THEME_TAB_H,         THEME_BUTTON_H_SMALL, THEME_LINK_H, THEME_TOGGLE_H};
    assert_int_equal(THEME_DESIGN_PX, SPEC_SHORT_SIDE);
    assert_true(THEME_TEXT_MIN >= SPEC_BODY_PX);
    assert_true(THEME_TEXT_BUTTON_MIN >= SPEC_LABEL_PX);
    assert_true(THEME_TEXT_BUTTON >= THEME_TEXT_BUTTON_MIN);
    assert_true(THEME_LARGE_TEXT > 1.0f);
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        assert_true(text[i] >= THEME_TEXT_MIN);
    for (int si = 0; si < 3; si++)
        for (int large = 0; large < 2; large++) {
            ui_ctx *u = new_ui(SIZES[si][0], SIZES[si][1]);
            u->text_scale = large ? THEME_LARGE_TEXT : 1.0f;
            assert_true(ui_font(u, THEME_TEXT_MIN) >= scaled_min(u, SPEC_BODY_PX));
            /* Labels keep their minimum with larger text too (ui_px). */
            assert_true(ui_px(u, THEME_TEXT_BUTTON_MIN) >= scaled_min(u, SPEC_LABEL_PX));
            for (size_t i = 0; i < sizeof touch / sizeof touch[0]; i++)
                if (px_mm(ui_px(u, touch[i])) < SPEC_TOUCH_MM)
                    fail_msg("%dx%d: a touch target of %d design px is %.1f mm", u->w, u->h, touch[i],
                             px_mm(ui_px(u, touch[i])));
            /* A label shrinks to fit, never below the minimum, then wraps. */
            static const char *const labels[] = {"Terminar", "Acepto el aviso de privacidad",
                                                 "Registrarme como invitado en este evento"};
            ui_begin(u, T += 16);
            for (int k = 0; k < 3; k++)
                ui_button(u, (ui_rect){0, k * ui_px(u, 200), ui_px(u, 440), ui_px(u, THEME_BUTTON_H)}, labels[k],
                          UI_PRIMARY, 1);
            ui_end(u);
            for (int i = 0; i < u->ncmds; i++)
                if (u->cmds[i].type == UI_CMD_TEXT)
                    assert_true(u->cmds[i].size >= scaled_min(u, SPEC_LABEL_PX));
            free(u);
        }
    static const ui_color pairs[][2] = {
        {THEME_INK, THEME_BG},           {THEME_INK, THEME_SURFACE},        {THEME_INK, THEME_KEY_ALT},
        {THEME_MUTED, THEME_BG},         {THEME_MUTED, THEME_SURFACE},      {THEME_MUTED, THEME_DISABLED},
        {THEME_ON_ACCENT, THEME_ACCENT}, {THEME_ACCENT, THEME_SURFACE},     {THEME_ON_ACCENT, THEME_DANGER},
        {THEME_DANGER, THEME_SURFACE},   {THEME_OK, THEME_SURFACE},         {THEME_ERROR_FG, THEME_ERROR_BG},
        {THEME_NOTICE_FG, THEME_NOTICE_BG}, {THEME_WARN_FG, THEME_WARN_BG},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (ui_contrast(pairs[i][0], pairs[i][1]) < SPEC_CONTRAST)
            fail_msg("#%06X on #%06X: contrast %.2f", pairs[i][0], pairs[i][1], ui_contrast(pairs[i][0], pairs[i][1]));
}

/* The colour under point (x, y) before command `before`: the last filled
 * rectangle drawn there, or the screen's background. */
static ui_color color_under(const ui_ctx *u, int before, int x, int y)
{
    for (int j = before - 1; j >= 0; j--)
        if (u->cmds[j].type == UI_CMD_RECT && ui_inside(u->cmds[j].r, x, y))
            return u->cmds[j].color;
    return THEME_BG;
}

/* Checks one frame against the SPEC: no text smaller than the body
 * minimum, every text readable on what lies under it, every widget at
 * least a touch target in both directions. */
static void check_frame(const ui_ctx *u, const char *what)
{
    int min_px = scaled_min(u, SPEC_BODY_PX);
    double touch_px = SPEC_TOUCH_MM / 25.4 * THEME_PANEL_PPI;
    for (int i = 0; i < u->ncmds; i++) {
        const ui_cmd *c = &u->cmds[i];
        if (c->type != UI_CMD_TEXT)
            continue;
        const char *text = u->arena + c->text;
        if (c->size < min_px)
            fail_msg("%s %dx%d: '%s' at %d px (minimum %d)", what, u->w, u->h, text, c->size, min_px);
        ui_color bg = color_under(u, i, c->r.x + c->r.w / 2, c->r.y + c->r.h / 2);
        if (ui_contrast(c->color, bg) < SPEC_CONTRAST)
            fail_msg("%s %dx%d: '%s' #%06X on #%06X, contrast %.2f", what, u->w, u->h, text, c->color, bg,
                     ui_contrast(c->color, bg));
    }
    for (int i = 0; i < u->nwidgets; i++) {
        const ui_widget *w = &u->widgets[i];
        if (w->r.w < touch_px || w->r.h < touch_px)
            fail_msg("%s %dx%d: widget '%s' is %dx%d px (%.1f x %.1f mm)", what, u->w, u->h, w->label, w->r.w,
                     w->r.h, px_mm(w->r.w), px_mm(w->r.h));
    }
}

/* Every screen of the kiosk (the demo states of tools/screenshots.sh, the
 * coordinator's tabs and the idle countdown) at every supported size, with
 * normal and larger text, meets the SPEC's minimums. */
static void test_screens_meet_spec(void **state)
{
    (void)state;
    static const char *const screens[] = {"home",   "attract", "identify", "search", "confirm", "done",
                                          "done-printfail", "already", "guest", "carta", "privacy", "notice",
                                          "pin",    "coord",   "coord-event", "sign", "pledge-confirm",
                                          "pledge-done", "pledge-already", "coord-folio"};
    char *dir = tu_tmpdir();
    store *s = tu_store(dir, "k.db");
    tu_people(s);
    char ev[64];
    snprintf(ev, sizeof ev, "%s",
             tu_event(s, "Taller: conflicto de intereses en la investigación", "taller", "etica", "SCLC",
                      "2026-11-24 10:00", 0));
    tu_event(s, "Conferencia: la Nueva Ética Pública", "conferencia", "etica", "SCLC", "2026-11-24 12:30", 1);
    int64_t now = 1795000000000LL;
    store_record rec;
    assert_int_equal(store_checkin(s, ev, "1001", NULL, "number", NULL, 0, now / 1000, &rec), STORE_OK);
    config c;
    config_defaults(&c, CK_SOURCE_DIR);
    snprintf(c.unit, sizeof c.unit, "SCLC");
    char dbp[1024], err[256], what[64];
    snprintf(dbp, sizeof dbp, "%s/k.db", dir);
    int frames = 0;
    for (int si = 0; si < 3; si++)
        for (int large = 0; large < 2; large++) {
            ui_ctx *u = new_ui(SIZES[si][0], SIZES[si][1]);
            app *a;
            assert_int_equal(app_new(&a, s, &c, dbp, now, err, sizeof err), 0);
            a->logo_w = 300;
            a->logo_h = 120;
            int n = (int)(sizeof screens / sizeof screens[0]);
            for (int k = 0; k < n + 4; k++) {
                assert_int_equal(app_demo(a, u, k < n ? screens[k] : k < n + 3 ? "coord" : "identify"), 0);
                a->large_text = large;
                if (k >= n && k < n + 3) {
                    a->coord_tab = k - n + 1; /* attendees, indicators, tools */
                    app_coord_load(a, now);
                }
                int64_t t = now;
                if (k == n + 3)
                    t += 37000; /* the idle countdown */
                snprintf(what, sizeof what, "%s%s%s", k < n ? screens[k] : k < n + 3 ? "coord-tab" : "countdown",
                         large ? " (larger text)" : "", "");
                for (int f = 0; f < 2; f++) {
                    ui_begin(u, t + f * 16);
                    app_frame(a, u);
                    ui_end(u);
                }
                check_frame(u, what);
                frames++;
            }
            app_free(a);
            free(u);
        }
    assert_int_equal(frames, 3 * 2 * 24);
    tu_store_done(s, dir);
}

/* Typed text reaches the frame as valid UTF-8 without control characters;
 * anything else is dropped and flagged, never passed on. */
static void test_text_input_sanitised(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_input_text(u, "10");
    ui_input_text(u, "\x01\xff\xc0\xaf");
    ui_input_text(u, "ñ\x1b");
    ui_begin(u, T += 16);
    assert_string_equal(u->text, "10ñ");
    assert_int_equal(u->text_bad, 1);
    ui_end(u);
    ui_input_text(u, "42");
    ui_begin(u, T += 16);
    assert_string_equal(u->text, "42");
    assert_int_equal(u->text_bad, 0);
    ui_end(u);
    /* A flood of text asks for a frame before the frame's buffer is full. */
    int asked = 0;
    for (int i = 0; i < 400 && !asked; i++) {
        ui_input_text(u, "7");
        asked = ui_input_wants_frame(u);
    }
    assert_true(asked);
    ui_begin(u, T += 16);
    assert_int_equal(u->text_lost, 0);
    ui_end(u);
    free(u);
}

/* Long labels shrink, then wrap; ellipsised text is counted as cut. */
static void test_labels_and_cuts(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_begin(u, T += 16);
    ui_button(u, (ui_rect){0, 0, 400, 130}, "Acepto el aviso de privacidad", UI_PRIMARY, 1);
    assert_int_equal(u->ncut, 0);
    int lines = 0;
    for (int i = 0; i < u->ncmds; i++)
        lines += u->cmds[i].type == UI_CMD_TEXT;
    assert_int_equal(lines, 2);
    ui_text(u, (ui_rect){0, 200, 100, 40}, "Un texto demasiado largo", 28, 0, 0, UI_LEFT);
    assert_int_equal(u->ncut, 1);
    assert_string_equal(u->cut[0], "Un texto demasiado largo");
    int h = ui_text_lines(u, (ui_rect){0, 300, 300, 0}, "uno dos tres cuatro cinco seis siete ocho nueve diez", 28,
                          0, 0, UI_LEFT, 2, 1);
    assert_int_equal(h, 2 * ui_line_h(28));
    assert_int_equal(u->ncut, 2);
    ui_end(u);
    ui_begin(u, T += 16);
    assert_int_equal(u->ncut, 0);
    ui_end(u);
    free(u);
}

/* ui_draw_image: one command with the picture id and the rect; nothing for
 * an empty rect or no picture. */
static void test_draw_image(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1280, 800);
    ui_begin(u, T += 16);
    ui_draw_image(u, (ui_rect){10, 20, 30, 40}, 7);
    ui_draw_image(u, (ui_rect){10, 20, 0, 40}, 7);
    ui_draw_image(u, (ui_rect){10, 20, 30, 40}, 0);
    ui_end(u);
    int n = 0;
    for (int i = 0; i < u->ncmds; i++)
        if (u->cmds[i].type == UI_CMD_IMAGE) {
            n++;
            assert_int_equal(u->cmds[i].image, 7);
            assert_int_equal(u->cmds[i].r.x, 10);
            assert_int_equal(u->cmds[i].r.y, 20);
            assert_int_equal(u->cmds[i].r.w, 30);
            assert_int_equal(u->cmds[i].r.h, 40);
        }
    assert_int_equal(n, 1);
    free(u);
}

static int rect_overlap(ui_rect a, ui_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* One home frame; returns the number of image commands and the last one's
 * rect and the header's (the accent band at the top). */
static int home_frame(app *a, ui_ctx *u, int64_t now, ui_rect *img, ui_rect *header)
{
    ui_begin(u, now);
    app_frame(a, u);
    ui_end(u);
    int n = 0;
    *header = (ui_rect){0, 0, 0, 0};
    for (int i = 0; i < u->ncmds; i++) {
        const ui_cmd *c = &u->cmds[i];
        if (c->type == UI_CMD_IMAGE) {
            n++;
            *img = c->r;
            assert_int_equal(c->image, APP_IMAGE_LOGO);
        }
        if (c->type == UI_CMD_RECT && c->color == u->theme.accent && c->r.x == 0 && c->r.y == 0 && c->r.w == u->w &&
            header->w == 0)
            *header = c->r;
    }
    return n;
}

/* The home header shows the logo (picture APP_IMAGE_LOGO) at the left of
 * the institution name when the platform loaded one, at every layout and
 * with larger text: inside the header, aspect ratio kept, at most a quarter
 * of the screen wide, no text over it or cut; none when there is no logo,
 * and never on the other screens. */
static void test_home_logo(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    store *s = tu_store(dir, "k.db");
    tu_event(s, "Taller de ética", "taller", "etica", "SCLC", "2026-11-24 10:00", 0);
    config c;
    config_defaults(&c, CK_SOURCE_DIR);
    snprintf(c.unit, sizeof c.unit, "SCLC");
    char dbp[1024], err[256];
    snprintf(dbp, sizeof dbp, "%s/k.db", dir);
    int64_t now = 1795000000000LL;
    static const int sizes[3][2] = {{1280, 800}, {1920, 1080}, {1080, 1920}};
    /* A wide logo, a tall one and a very wide one (held to 25% of the width). */
    static const int logos[3][2] = {{300, 120}, {100, 400}, {4000, 100}};
    for (int si = 0; si < 3; si++)
        for (int large = 0; large < 2; large++) {
            int w = sizes[si][0], h = sizes[si][1];
            ui_ctx *u = new_ui(w, h);
            app *a;
            assert_int_equal(app_new(&a, s, &c, dbp, now, err, sizeof err), 0);
            a->large_text = large;
            u->text_scale = large ? 1.25f : 1.0f;
            ui_rect img, hdr, hdr0;
            /* Without a logo: no picture, the title at the margin. */
            assert_int_equal(home_frame(a, u, now, &img, &hdr0), 0);
            assert_true(hdr0.h > 0);
            int title_x = w;
            for (int i = 0; i < u->ncmds; i++)
                if (u->cmds[i].type == UI_CMD_TEXT && u->cmds[i].r.y < hdr0.h && u->cmds[i].r.x < title_x)
                    title_x = u->cmds[i].r.x;
            assert_int_equal(title_x, app_margin(u));
            for (int li = 0; li < 3; li++) {
                a->logo_w = logos[li][0];
                a->logo_h = logos[li][1];
                assert_int_equal(home_frame(a, u, now, &img, &hdr), 1);
                if (u->ncut)
                    fail_msg("%dx%d large %d logo %d: cut \"%s\"", w, h, large, li, u->cut[0]);
                assert_true(img.w > 0 && img.h > 0);
                assert_true(img.x >= 0 && img.y >= 0 && img.y + img.h <= hdr.h);
                assert_true(img.w <= w / 4);
                /* Aspect ratio kept (within rounding). */
                double want = (double)logos[li][0] / logos[li][1], off = img.w - img.h * want;
                assert_true(off <= want + 1 && off >= -(want + 1));
                /* At the left: no text over it, and the texts beside it (the
                 * institution name) lie to its right. */
                int beside = 0;
                for (int i = 0; i < u->ncmds; i++) {
                    const ui_cmd *cm = &u->cmds[i];
                    if (cm->type == UI_CMD_TEXT && cm->r.y < hdr.h) {
                        assert_false(rect_overlap(cm->r, img));
                        if (cm->r.y < img.y + img.h && cm->r.y + cm->r.h > img.y) {
                            assert_true(cm->r.x > img.x + img.w);
                            beside++;
                        }
                    }
                }
                assert_true(beside > 0);
                assert_true(img.x == app_margin(u) + ui_px(u, 8));
                /* A logo this size is tall enough to see. */
                if (li < 2)
                    assert_true(img.h >= ui_px(u, 60));
            }
            /* Another screen: the same header without the logo. */
            app_goto(a, u, APP_NOTICE);
            assert_int_equal(home_frame(a, u, now, &img, &hdr), 0);
            /* No logo again: exactly the header of before. */
            app_goto(a, u, APP_HOME);
            a->logo_w = a->logo_h = 0;
            assert_int_equal(home_frame(a, u, now, &img, &hdr), 0);
            assert_int_equal(hdr.h, hdr0.h);
            app_free(a);
            free(u);
        }
    store_close(s);
    tu_rmrf(dir);
    free(dir);
}

/* A screen just shown ignores presses that start within its settle time:
 * the second tap of a double tap does nothing; a tap after it works. */
static void test_settle_ignores_double_tap(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1280, 800);
    ui_begin(u, T += 16);
    ui_settle(u, T + 400);
    assert_int_equal(ui_settling(u), 1);
    ui_button(u, BTN, "Aceptar", UI_PRIMARY, 1);
    ui_end(u);
    ui_input_down(u, 1, 150, 150, T + 100);
    ui_input_up(u, 1, 150, 150, T + 120);
    assert_int_equal(frame_button(u), 0);
    assert_int_equal(frame_button(u), 0);
    T += 500;
    ui_input_down(u, 1, 150, 150, T);
    ui_input_up(u, 1, 150, 150, T);
    assert_int_equal(frame_button(u), 1);
    free(u);
}

/* The mouse wheel over a list scrolls it; elsewhere it does not. */
static void test_wheel_scrolls(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1920, 1080);
    ui_rect view = {100, 100, 400, 300};
    int scroll = 0;
    ui_input_wheel(u, -2, 700, 200); /* outside the list */
    ui_begin(u, T += 16);
    ui_scroll_begin(u, view, "list", &scroll, 2000);
    ui_scroll_end(u);
    ui_end(u);
    assert_int_equal(scroll, 0);
    ui_input_wheel(u, -2, 200, 200); /* towards the person: down the list */
    ui_begin(u, T += 16);
    ui_scroll_begin(u, view, "list", &scroll, 2000);
    ui_scroll_end(u);
    ui_end(u);
    assert_true(scroll > 0);
    int down = scroll;
    ui_input_wheel(u, 100, 200, 200); /* far back up: clamped at the top */
    ui_begin(u, T += 16);
    ui_scroll_begin(u, view, "list", &scroll, 2000);
    ui_scroll_end(u);
    ui_end(u);
    assert_int_equal(scroll, 0);
    assert_true(down <= 2000 - 300);
    free(u);
}

/* Two identical frames hash the same; any change to what is drawn (a
 * colour, a text, a position) changes the hash. */
static void test_frame_hash(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1280, 800);
    uint32_t h[4];
    for (int k = 0; k < 4; k++) {
        ui_begin(u, T += 16);
        ui_draw_rect(u, (ui_rect){10, 10, 100, 100}, k == 2 ? 0x123456 : 0xFFFFFF, 4);
        ui_text(u, (ui_rect){10, 200, 400, 50}, k == 3 ? "Hola" : "Adiós", 30, 0, 0, UI_LEFT);
        ui_end(u);
        h[k] = ui_frame_hash(u);
    }
    ui_begin(u, T += 16);
    ui_draw_rect(u, (ui_rect){10, 10, 100, 100}, 0xFFFFFF, 4);
    ui_text(u, (ui_rect){10, 200, 400, 50}, "Adiós", 30, 0, 0, UI_LEFT);
    ui_end(u);
    assert_int_equal(ui_frame_hash(u), h[0]);
    assert_int_not_equal(h[0], h[2]);
    assert_int_not_equal(h[0], h[3]);
    free(u);
}

/* Taps the centre of the widget labelled label (drawn last frame) and runs
 * a frame of draw_fn. */
static void tap_label(ui_ctx *u, const char *label)
{
    ui_rect r;
    if (!ui_find(u, label, &r))
        fail_msg("no key '%s'", label);
    T += 500;
    ui_input_down(u, 1, r.x + r.w / 2, r.y + r.h / 2, T);
    ui_input_up(u, 1, r.x + r.w / 2, r.y + r.h / 2, T);
}

/* The free-text keyboard: case as typed (a capital first), digits and
 * punctuation on the "123" layer. */
static void test_keyboard_text(void **state)
{
    (void)state;
    ui_ctx *u = new_ui(1280, 800);
    char buf[64] = "";
    int layer = 1;
    ui_rect kb = {20, 300, 1240, 480};
    static const char *const keys[] = {"T", "a", "l", "l", "e", "r", "Espacio", "123", "2", "0", "2", "6", ":",
                                       "Espacio", "¿", "ABC", "Mayús", "Q", "u", "é", "123", "?", "Borrar", "!",
                                       NULL};
    ui_begin(u, T += 16);
    ui_keyboard_text(u, kb, buf, sizeof buf, &layer);
    ui_end(u);
    for (int i = 0; keys[i]; i++) {
        tap_label(u, keys[i]);
        for (int f = 0; f < 2; f++) { /* the tap, then the keys of the new layer */
            ui_begin(u, T += 16);
            ui_keyboard_text(u, kb, buf, sizeof buf, &layer);
            ui_end(u);
        }
    }
    assert_string_equal(buf, "Taller 2026: ¿Qué!");
    free(u);
}

/* An app over a store with people 2001..2099 and one open event of today
 * without signature. */
static app *door_app(store **sp, char **dirp, config *c, ui_ctx *u, int64_t now)
{
    char *dir = tu_tmpdir();
    store *s = tu_store(dir, "k.db");
    char no[16], given[32];
    for (int i = 1; i < 100; i++) {
        snprintf(no, sizeof no, "%d", 2000 + i);
        snprintf(given, sizeof given, "Persona%d", i);
        tu_person(s, no, given, "Ruiz", "Díaz", "SCLC", 1);
    }
    char day[32];
    util_format_time(CK_DEFAULT_TZ, now / 1000, "%Y-%m-%d 08:00", day, sizeof day);
    tu_event(s, "Taller de hoy", "taller", "etica", "SCLC", day, 0);
    config_defaults(c, CK_SOURCE_DIR);
    snprintf(c->unit, sizeof c->unit, "SCLC");
    snprintf(c->printer_uri, sizeof c->printer_uri, "none");
    char dbp[1024], err[256];
    snprintf(dbp, sizeof dbp, "%s/k.db", dir);
    app *a;
    assert_int_equal(app_new(&a, s, c, dbp, now, err, sizeof err), 0);
    (void)u;
    *sp = s;
    *dirp = dir;
    return a;
}

static void app_step(app *a, ui_ctx *u, int64_t now)
{
    ui_begin(u, now);
    app_frame(a, u);
    ui_end(u);
}

/* The rect of widget label in the current frame (disabled ones too). */
static ui_rect widget(const ui_ctx *u, const char *label, const char *what)
{
    ui_rect r;
    if (!ui_find(u, label, &r))
        fail_msg("%s: no widget '%s'", what, label);
    return r;
}

/* The buttons that end something (Terminar, No volver, Cerrar el quiosco)
 * never sit where the screen before had its primary button, at every size
 * and with larger text: a double tap cannot reach them. */
static void test_irreversible_buttons_placed(void **state)
{
    (void)state;
    int64_t now = 1795000000000LL;
    for (int si = 0; si < 3; si++)
        for (int large = 0; large < 2; large++) {
            ui_ctx *u = new_ui(SIZES[si][0], SIZES[si][1]);
            store *s;
            char *dir;
            config c;
            app *a = door_app(&s, &dir, &c, u, now);
            char what[64];
            snprintf(what, sizeof what, "%dx%d%s", u->w, u->h, large ? " large" : "");
            /* (screen before, its primary) -> (screen after, what must not be there) */
            static const char *const pairs[][4] = {
                {"identify", "Continuar", "confirm", "No, volver"},
                {"confirm", "Sí, soy yo", "done", "Terminar"},
                {"confirm", "Sí, soy yo", "already", "Terminar"},
                {"sign", "Aceptar firma", "done", "Terminar"},
                {"guest", "Registrarme como persona invitada", "done", "Terminar"},
            };
            for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
                assert_int_equal(app_demo(a, u, pairs[k][0]), 0);
                a->large_text = large;
                app_step(a, u, now);
                app_step(a, u, now + 16);
                ui_rect before = widget(u, pairs[k][1], what);
                assert_int_equal(app_demo(a, u, pairs[k][2]), 0);
                a->large_text = large;
                app_step(a, u, now);
                app_step(a, u, now + 16);
                ui_rect after = widget(u, pairs[k][3], what);
                if (rect_overlap(before, after))
                    fail_msg("%s: '%s' on %s lies under '%s' of %s", what, pairs[k][3], pairs[k][2], pairs[k][1],
                             pairs[k][0]);
            }
            /* "Cerrar el quiosco", then where it was: "No, seguir". */
            assert_int_equal(app_demo(a, u, "coord"), 0);
            a->coord_tab = 3;
            a->large_text = large;
            app_step(a, u, now);
            app_step(a, u, now + 16);
            ui_rect close = widget(u, "Cerrar el quiosco", what);
            a->quit_confirm = 1;
            app_step(a, u, now + 32);
            ui_rect no = widget(u, "No, seguir", what), yes = widget(u, "Sí, cerrar el quiosco", what);
            int cx = close.x + close.w / 2, cy = close.y + close.h / 2;
            assert_true(ui_inside(no, cx, cy));
            assert_false(rect_overlap(yes, close));
            app_free(a);
            tu_store_done(s, dir);
            free(u);
        }
}

/* Home -> identify by a tap on the event card; the second tap of a double
 * tap (100 ms later, where the card was) does nothing on identify; a tap
 * on a key after the settle time types. */
static void test_double_tap_does_not_act(void **state)
{
    (void)state;
    int64_t now = 1795000000000LL;
    ui_ctx *u = new_ui(1080, 1920);
    store *s;
    char *dir;
    config c;
    app *a = door_app(&s, &dir, &c, u, now);
    app_step(a, u, now);
    ui_rect card = widget(u, "event-0", "home");
    int x = card.x + card.w / 2, y = card.y + card.h / 2;
    ui_input_down(u, 1, x, y, now + 20);
    ui_input_up(u, 1, x, y, now + 60);
    app_step(a, u, now + 60);
    app_step(a, u, now + 80);
    assert_int_equal(a->screen, APP_IDENTIFY);
    /* What lies under the card's centre on identify: tapped again at once. */
    ui_input_down(u, 1, x, y, now + 140);
    ui_input_up(u, 1, x, y, now + 180);
    app_step(a, u, now + 180);
    app_step(a, u, now + 200);
    assert_int_equal(a->screen, APP_IDENTIFY);
    assert_string_equal(a->number, "");
    assert_int_equal(a->id_mode, 0);
    ui_rect five = widget(u, "5", "identify");
    ui_input_down(u, 1, five.x + 5, five.y + 5, now + 700);
    ui_input_up(u, 1, five.x + 5, five.y + 5, now + 720);
    app_step(a, u, now + 720);
    assert_string_equal(a->number, "5");
    app_free(a);
    tu_store_done(s, dir);
    free(u);
}

/* Types a badge read (characters, then Enter) for the next frame. */
static void badge(ui_ctx *u, const char *number)
{
    for (const char *p = number; *p; p++) {
        char ch[2] = {*p, 0};
        ui_input_text(u, ch);
    }
    ui_input_key(u, UI_KEY_ENTER);
}

/* Issue 12 item 15: trying sequential employee numbers on identify, one a
 * second for ten minutes (600 tries), shows a name at most 20 times (the
 * first few, then after 2, 4, 8... up to 60 s); a queue of 30 people
 * found and recorded is never slowed. */
static void test_enumeration_slowed(void **state)
{
    (void)state;
    int64_t now = 1795000000000LL;
    ui_ctx *u = new_ui(1280, 800);
    store *s;
    char *dir;
    config c;
    app *a = door_app(&s, &dir, &c, u, now);
    app_step(a, u, now);
    app_start_flow(a, u, APP_FLOW_CHECKIN);
    a->event = a->open[0];
    a->have_event = 1;
    app_goto(a, u, APP_IDENTIFY);
    int shown = 0, tries = 0;
    char no[16];
    for (int64_t t = now + 1000; t < now + 600000; t += 1000) {
        snprintf(no, sizeof no, "%d", 2001 + tries % 99);
        tries++;
        ui_begin(u, t);
        app_lookup_number(a, u, no, "number");
        ui_end(u);
        if (a->screen == APP_CONFIRM) {
            shown++;
            app_not_me(a, u); /* "No, volver": not this one */
        }
    }
    if (shown > 20 || shown < 6)
        fail_msg("600 tries showed %d people", shown);
    /* The wait is at most a minute: after it, 30 badges in a row, 2 s
     * apart, each recorded at once. */
    int64_t t = now + 700000;
    app_reset(a, u);
    app_step(a, u, t);
    for (int i = 0; i < 30; i++) {
        snprintf(no, sizeof no, "%d", 2050 + i);
        badge(u, no);
        app_step(a, u, t += 2000);
        assert_int_equal(a->screen, APP_DONE);
        assert_string_equal(a->record.employee_no, no);
    }
    assert_int_equal(a->nqueue, 0);
    app_free(a);
    tu_store_done(s, dir);
    free(u);
}

/* Idle screens ask to be woken rarely: home at the next minute or list
 * re-read, attract at its next slide; a countdown every 100 ms; a caret
 * every 500 ms; never in the past. */
static void test_next_wake(void **state)
{
    (void)state;
    int64_t now = 1795000000000LL + 12345;
    ui_ctx *u = new_ui(1920, 1080);
    store *s;
    char *dir;
    config c;
    app *a = door_app(&s, &dir, &c, u, now);
    app_step(a, u, now);
    int64_t w = app_next_wake(a, u);
    assert_true(w > now && w <= now + APP_REFRESH_MS);
    app_goto(a, u, APP_ATTRACT); /* (taps count again APP_SETTLE_MS later) */
    app_step(a, u, now + 500);
    w = app_next_wake(a, u);
    assert_true(w > now + 500 && w <= now + APP_ATTRACT_SLIDE_MS);
    assert_true(w - (now + 500) >= 1000); /* nothing changes sooner on attract */
    app_goto(a, u, APP_IDENTIFY);
    app_step(a, u, now + 1000);
    w = app_next_wake(a, u);
    assert_true(w > now + 1000 && w <= now + 1000 + 500);
    /* In the countdown: every 100 ms. */
    app_goto(a, u, APP_CONFIRM);
    a->last_input_ms = now;
    app_step(a, u, now + 40000);
    w = app_next_wake(a, u);
    assert_true(w > now + 40000 && w <= now + 40100);
    app_free(a);
    tu_store_done(s, dir);
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_button_release_inside),  cmocka_unit_test(test_button_release_outside),
        cmocka_unit_test(test_drag_cancels),           cmocka_unit_test(test_second_finger_ignored),
        cmocka_unit_test(test_pressed_state_same_frame), cmocka_unit_test(test_keyboard_spanish),
        cmocka_unit_test(test_keypad),                 cmocka_unit_test(test_list_scrolls_by_drag),
        cmocka_unit_test(test_long_text_read_to_end),  cmocka_unit_test(test_signature_pad),
        cmocka_unit_test(test_countdown),              cmocka_unit_test(test_contrast_and_sizes),
        cmocka_unit_test(test_text_input_sanitised),   cmocka_unit_test(test_labels_and_cuts),
        cmocka_unit_test(test_draw_image),             cmocka_unit_test(test_home_logo),
        cmocka_unit_test(test_type_scale),             cmocka_unit_test(test_screens_meet_spec),
        cmocka_unit_test(test_settle_ignores_double_tap), cmocka_unit_test(test_wheel_scrolls),
        cmocka_unit_test(test_frame_hash),             cmocka_unit_test(test_keyboard_text),
        cmocka_unit_test(test_irreversible_buttons_placed), cmocka_unit_test(test_double_tap_does_not_act),
        cmocka_unit_test(test_enumeration_slowed),     cmocka_unit_test(test_next_wake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
