/* layout.c — the layout the screens share: the header (institution, unit,
 * clock, logo, the larger-text toggle and the coordinator's corner), the
 * message banner, a text field, a title, and rectangle helpers. Sizes come
 * from the type scale (theme.h) and are scaled by ui_px / ui_font.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "text.h"
#include "theme.h"
#include "util.h"

int app_portrait(const ui_ctx *u)
{
    return u->h > u->w;
}

int app_margin(const ui_ctx *u)
{
    return ui_px(u, THEME_MARGIN);
}

/* "Gafete leído", right-aligned in r, in place of the clock: every
 * complete badge read shows it for APP_SCAN_ACK_MS, whatever it led to. */
static void scan_mark(ui_ctx *u, ui_rect r)
{
    const char *label = "Gafete leído";
    int f = ui_font(u, THEME_TEXT_CAPTION), pad = ui_px(u, THEME_SPACE_M);
    int w = ui_text_w(u, label, f, 1) + 2 * pad, h = ui_line_h(f) + ui_px(u, THEME_SPACE_S);
    ui_rect p = {r.x + r.w - w, r.y + (r.h - h) / 2, w, h};
    ui_draw_rect(u, p, THEME_SURFACE, h / 2);
    ui_text(u, p, label, f, 1, THEME_OK, UI_CENTER);
}

ui_rect app_header(app *a, ui_ctx *u, const char *title)
{
    const ui_theme *t = &u->theme;
    int scanned = a->scans && u->now_ms - a->scan_ms < APP_SCAN_ACK_MS && u->now_ms >= a->scan_ms;
    int portrait = app_portrait(u);
    int m = app_margin(u), gap = ui_px(u, THEME_GAP), vpad = ui_px(u, 18);
    char clock[32], date[64], when[100];
    static const char *const months[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                         "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
    struct tm tm;
    util_utc_to_local(a->tz, u->now_ms / 1000, &tm);
    snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
    snprintf(date, sizeof date, "%d de %s", tm.tm_mday, months[tm.tm_mon % 12]);
    snprintf(when, sizeof when, "%s · %s", clock, date);
    int toggle_w = ui_px(u, 290), toggle_h = ui_px(u, THEME_TOGGLE_H);
    int f2 = ui_font(u, THEME_TEXT_CAPTION), fc = ui_font(u, THEME_TEXT_LARGE);
    const char *head = title && *title ? title : a->institution;
    char sub[300];
    snprintf(sub, sizeof sub, "%s%s%s", title && *title ? a->institution : "", title && *title ? " · " : "",
             a->unit_name);
    /* The institution logo, on home only, at the left of the title: on a
     * light plate (logos are drawn for paper) as tall as the header's
     * smallest height (in portrait: its first row, so the place line keeps
     * the full width), keeping its aspect ratio, at most a quarter of the
     * screen wide. Without one the header is laid out as if it were not
     * there at all. */
    int logo = a->screen == APP_HOME && a->logo_w > 0 && a->logo_h > 0;
    int iw = 0, ih = 0, lpad = ui_px(u, THEME_SPACE_XS);
    if (logo) {
        ih = (portrait ? toggle_h : ui_px(u, THEME_HEADER_H) - 2 * vpad) - 2 * lpad;
        iw = (int)((int64_t)ih * a->logo_w / a->logo_h);
        if (iw + 2 * lpad > u->w / 4) {
            iw = u->w / 4 - 2 * lpad;
            ih = (int)((int64_t)iw * a->logo_h / a->logo_w);
        }
        logo = iw > 0 && ih > 0;
    }
    int lx = logo ? iw + 2 * lpad + gap : 0; /* the texts start this much further right */
    /* The title shrinks down to the body size, then takes two lines; the
     * place line takes two lines when it must. The header grows to fit. */
    int hh, logo_cy = 0; /* logo_cy: the logo's vertical centre */
    ui_rect title_r, sub_r, when_r = {0, 0, 0, 0}, tg;
    int f1;
    if (portrait) {
        /* Row 1: title and the toggle; row 2: the place, and the time. */
        int ww = ui_text_w(u, when, f2, 1);
        title_r = (ui_rect){m + lx, vpad, u->w - 2 * m - toggle_w - gap - lx, 0};
        f1 = ui_fit_size(u, head, title_r.w, ui_font(u, THEME_TEXT_HEADING), ui_font(u, THEME_TEXT_BODY), 1);
        int n1 = ui_text_nlines(u, head, title_r.w, f1, 1);
        title_r.h = (n1 > 2 ? 2 : n1) * ui_line_h(f1);
        if (title_r.h < toggle_h)
            title_r.y += (toggle_h - title_r.h) / 2;
        int row1 = title_r.h > toggle_h ? title_r.h : toggle_h;
        sub_r = (ui_rect){m, vpad + row1 + ui_px(u, THEME_SPACE_XS), u->w - 2 * m - ww - gap, 0};
        logo_cy = vpad + row1 / 2;
        int n2 = ui_text_nlines(u, sub, sub_r.w, f2, 0);
        sub_r.h = (n2 > 2 ? 2 : n2) * ui_line_h(f2);
        when_r = (ui_rect){u->w - m - ww, sub_r.y, ww, ui_line_h(f2)};
        tg = (ui_rect){u->w - m - toggle_w, vpad + (row1 - toggle_h) / 2, toggle_w, toggle_h};
        hh = sub_r.y + sub_r.h + vpad;
    } else {
        int clock_w = ui_text_w(u, date, f2, 0);
        if (ui_text_w(u, clock, fc, 1) > clock_w)
            clock_w = ui_text_w(u, clock, fc, 1);
        int text_w = u->w - 2 * m - toggle_w - clock_w - 2 * gap - lx;
        f1 = ui_fit_size(u, head, text_w, ui_font(u, THEME_TEXT_HEADING), ui_font(u, THEME_TEXT_BODY), 1);
        int n1 = ui_text_nlines(u, head, text_w, f1, 1), n2 = ui_text_nlines(u, sub, text_w, f2, 0);
        n1 = n1 > 2 ? 2 : n1;
        n2 = n2 > 2 ? 2 : n2;
        int th = n1 * ui_line_h(f1) + n2 * ui_line_h(f2);
        hh = ui_px(u, THEME_HEADER_H);
        if (th + 2 * vpad > hh)
            hh = th + 2 * vpad;
        logo_cy = hh / 2;
        title_r = (ui_rect){m + lx, (hh - th) / 2, text_w, n1 * ui_line_h(f1)};
        sub_r = (ui_rect){m + lx, title_r.y + title_r.h, text_w, n2 * ui_line_h(f2)};
        int cx = u->w - m - toggle_w - gap - clock_w, ct = (hh - ui_line_h(fc) - ui_line_h(f2)) / 2;
        ui_draw_rect(u, (ui_rect){0, 0, u->w, u->h}, t->bg, 0);
        ui_draw_rect(u, (ui_rect){0, 0, u->w, hh}, t->accent, 0);
        if (scanned)
            scan_mark(u, (ui_rect){cx, ct, clock_w, ui_line_h(fc) + ui_line_h(f2)});
        else {
            ui_text(u, (ui_rect){cx, ct, clock_w, ui_line_h(fc)}, clock, fc, 1, t->on_accent, UI_RIGHT);
            ui_text(u, (ui_rect){cx, ct + ui_line_h(fc), clock_w, ui_line_h(f2)}, date, f2, 0, t->on_accent,
                    UI_RIGHT);
        }
        tg = (ui_rect){u->w - m - toggle_w, (hh - toggle_h) / 2, toggle_w, toggle_h};
    }
    if (portrait) {
        ui_draw_rect(u, (ui_rect){0, 0, u->w, u->h}, t->bg, 0);
        ui_draw_rect(u, (ui_rect){0, 0, u->w, hh}, t->accent, 0);
        if (scanned)
            scan_mark(u, when_r);
        else
            ui_text(u, when_r, when, f2, 1, t->on_accent, UI_RIGHT);
    }
    if (logo) {
        ui_rect plate = {m, logo_cy - ih / 2 - lpad, iw + 2 * lpad, ih + 2 * lpad};
        ui_draw_rect(u, plate, THEME_SURFACE, ui_px(u, THEME_RADIUS));
        ui_draw_image(u, (ui_rect){plate.x + lpad, plate.y + lpad, iw, ih}, APP_IMAGE_LOGO);
    }
    ui_text_lines(u, title_r, head, f1, 1, t->on_accent, UI_LEFT, 2, 1);
    ui_text_lines(u, sub_r, sub, f2, 0, t->on_accent, UI_LEFT, 2, 1);
    /* Larger-text toggle, on every screen. */
    int pressed;
    if (ui_hit(u, tg, a->large_text ? "Letra normal" : "Letra grande", 1, &pressed)) {
        a->large_text = !a->large_text;
        u->text_scale = a->large_text ? THEME_LARGE_TEXT : 1.0f;
    }
    ui_draw_rect(u, tg, pressed ? t->pressed : t->on_accent, ui_px(u, 42));
    int ring = ui_px(u, THEME_LINE_BOLD), ring2 = ui_px(u, 2 * THEME_LINE_BOLD);
    ui_rect tgi = {tg.x + ring, tg.y + ring, tg.w - ring2, tg.h - ring2};
    ui_draw_rect(u, tgi, pressed ? t->pressed : t->accent, ui_px(u, 40));
    ui_text(u, tgi, a->large_text ? "A  Letra normal" : "A+ Letra grande", ui_px(u, THEME_TEXT_TOGGLE), 1, t->on_accent,
            UI_CENTER);
    /* The coordinator's corner: a 3-second press on the top-left corner. */
    if (!app_in_coordinator(a) && a->screen != APP_PIN &&
        ui_long_press(u, (ui_rect){0, 0, ui_px(u, 140), hh}, "coordinator-corner", APP_CORNER_MS)) {
        app_reset(a, u);
        app_goto(a, u, APP_PIN);
        char until[32];
        a->pin_until = store_meta_get(a->s, "pin_locked_until", until, sizeof until) == STORE_OK
                           ? strtoll(until, NULL, 10)
                           : 0;
    }
    return (ui_rect){m, hh + m / 2, u->w - 2 * m, u->h - hh - m};
}

ui_rect app_banner(app *a, ui_ctx *u, ui_rect body)
{
    if (!a->message[0])
        return body;
    int f = ui_font(u, THEME_TEXT_BODY_LARGE), pad = ui_px(u, THEME_PAD);
    int th = ui_text_wrap(u, (ui_rect){0, 0, body.w - 2 * pad, 0}, a->message, f, 1, 0, UI_LEFT, 0);
    ui_rect b = {body.x, body.y, body.w, th + 2 * pad};
    ui_color bg = a->message_error ? THEME_ERROR_BG : THEME_NOTICE_BG;
    ui_color fg = a->message_error ? THEME_ERROR_FG : THEME_NOTICE_FG;
    ui_draw_rect(u, b, bg, ui_px(u, THEME_RADIUS));
    ui_draw_rect(u, (ui_rect){b.x, b.y, ui_px(u, 10), b.h}, fg, 0);
    ui_text_wrap(u, (ui_rect){b.x + pad, b.y + pad, b.w - 2 * pad, th}, a->message, f, 1, fg, UI_LEFT, 1);
    int used = b.h + ui_px(u, THEME_GAP);
    return (ui_rect){body.x, body.y + used, body.w, body.h - used};
}

void app_field(ui_ctx *u, ui_rect r, const char *text, const char *placeholder)
{
    const ui_theme *t = &u->theme;
    int f = ui_font(u, THEME_TEXT_LARGE), pad = ui_px(u, THEME_PAD);
    int ring = ui_px(u, THEME_LINE_BOLD), ring2 = ui_px(u, 2 * THEME_LINE_BOLD);
    ui_draw_rect(u, r, t->accent, ui_px(u, THEME_RADIUS));
    ui_draw_rect(u, (ui_rect){r.x + ring, r.y + ring, r.w - ring2, r.h - ring2}, t->surface,
                 ui_px(u, THEME_RADIUS_KEY));
    ui_rect in = {r.x + pad, r.y, r.w - 2 * pad - ui_px(u, 10), r.h};
    if (!text[0]) {
        ui_text(u, in, placeholder, ui_font(u, THEME_TEXT_BODY_LARGE), 0, t->muted, UI_LEFT);
        return;
    }
    int w = ui_text_w(u, text, f, 1);
    if (w > in.w) {
        /* Show the end of a long text. */
        const char *p = text;
        while (*p && ui_text_w(u, p, f, 1) > in.w) {
            uint32_t cp;
            size_t k = text_utf8_decode(p, strlen(p), &cp);
            p += k ? k : 1; /* one character (or one stray byte) at a time */
        }
        text = p;
        w = ui_text_w(u, text, f, 1);
    }
    ui_text(u, in, text, f, 1, t->ink, UI_LEFT);
    if ((u->now_ms / 500) % 2 == 0)
        ui_draw_rect(u, (ui_rect){in.x + w + ui_px(u, 4), r.y + r.h / 5, ui_px(u, 4), r.h * 3 / 5}, t->accent, 0);
}

ui_rect app_title(ui_ctx *u, ui_rect r, const char *title, const char *subtitle)
{
    int f1 = ui_font(u, THEME_TEXT_TITLE), f2 = ui_font(u, THEME_TEXT_BODY);
    int h = ui_text_wrap(u, (ui_rect){r.x, r.y, r.w, 0}, title, f1, 1, u->theme.ink, UI_LEFT, 1);
    if (subtitle && *subtitle)
        h += ui_text_wrap(u, (ui_rect){r.x, r.y + h, r.w, 0}, subtitle, f2, 0, u->theme.muted, UI_LEFT, 1);
    h += ui_px(u, THEME_GAP);
    return (ui_rect){r.x, r.y + h, r.w, r.h - h};
}

void app_split_h(ui_rect r, int w, int gap, ui_rect *left, ui_rect *right)
{
    *left = (ui_rect){r.x, r.y, w, r.h};
    *right = (ui_rect){r.x + w + gap, r.y, r.w - w - gap, r.h};
}

ui_rect app_take_bottom(ui_rect *r, int h, int gap)
{
    ui_rect b = {r->x, r->y + r->h - h, r->w, h};
    r->h -= h + gap;
    return b;
}
