/* attract.c — the attract loop after a minute idle on home: the awareness
 * messages of assets/attract, one at a time. A touch goes back home. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "theme.h"

void app_screen_attract(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    int pressed;
    ui_draw_rect(u, (ui_rect){0, 0, u->w, u->h}, t->accent, 0);
    if (ui_hit(u, (ui_rect){0, 0, u->w, u->h}, "Comenzar", 1, &pressed) || a->attract_n == 0) {
        app_goto(a, u, APP_HOME);
        return;
    }
    int idx = (int)(((u->now_ms - a->screen_ms) / APP_ATTRACT_SLIDE_MS) % a->attract_n);
    const char *msg = a->attract[idx];
    char title[256];
    const char *nl = strchr(msg, '\n');
    int tl = nl ? (int)(nl - msg) : (int)strlen(msg);
    snprintf(title, sizeof title, "%.*s", tl, msg);
    const char *text = nl ? nl + 1 : "";
    int m = ui_px(u, 120), w = u->w - 2 * m;
    int f1 = ui_font(u, THEME_TEXT_DISPLAY), f2 = ui_font(u, THEME_TEXT_LARGE);
    int h1 = ui_text_wrap(u, (ui_rect){m, 0, w, 0}, title, f1, 1, 0, UI_LEFT, 0);
    int h2 = ui_text_wrap(u, (ui_rect){m, 0, w, 0}, text, f2, 0, 0, UI_LEFT, 0);
    int y = (u->h - h1 - h2 - ui_px(u, THEME_SPACE_XL)) / 2;
    int f0 = ui_font(u, THEME_TEXT_LEAD);
    ui_text(u, (ui_rect){m, ui_px(u, 60), w, ui_line_h(f0)}, a->institution, f0, 1, t->on_accent, UI_LEFT);
    ui_draw_rect(u, (ui_rect){m, y - ui_px(u, THEME_SPACE_XL), ui_px(u, 160), ui_px(u, 10)}, t->on_accent, 0);
    ui_text_wrap(u, (ui_rect){m, y, w, 0}, title, f1, 1, t->on_accent, UI_LEFT, 1);
    ui_text_wrap(u, (ui_rect){m, y + h1 + ui_px(u, THEME_SPACE_XL), w, 0}, text, f2, 0, t->on_accent, UI_LEFT, 1);
    /* Progress dots and the invitation. */
    int d = ui_px(u, 20), dx = (u->w - a->attract_n * d * 2) / 2, dy = u->h - ui_px(u, 200);
    for (int i = 0; i < a->attract_n; i++)
        ui_draw_rect(u, (ui_rect){dx + i * d * 2, dy, d, d}, i == idx ? t->on_accent : t->pressed, d / 2);
    ui_text(u, (ui_rect){0, u->h - ui_px(u, 150), u->w, ui_px(u, 80)}, "Toque la pantalla para comenzar",
            ui_font(u, THEME_TEXT_SUBTITLE), 1, t->on_accent, UI_CENTER);
}
