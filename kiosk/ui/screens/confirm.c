/* confirm.c — "¿Es usted …?": the person found, with unit and area, and
 * the two answers. */
#include <stdio.h>

#include "app.h"
#include "theme.h"

void app_screen_confirm(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    ui_rect body = app_header(a, u, a->flow == APP_FLOW_PLEDGE ? "Firmar Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FLOW);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    ui_rect card = body;
    if (card.h > ui_px(u, 560)) {
        card.y += (card.h - ui_px(u, 560)) / 2;
        card.h = ui_px(u, 560);
    }
    ui_draw_rect(u, card, t->surface, ui_px(u, THEME_RADIUS_CARD));
    int pad = ui_px(u, THEME_MARGIN), y = card.y + pad, w = card.w - 2 * pad;
    char name[400], line[600];
    store_person_fullname(&a->person, name, sizeof name);
    int fq = ui_font(u, THEME_TEXT_SUBTITLE), fl = ui_font(u, THEME_TEXT_BODY_LARGE);
    ui_text(u, (ui_rect){card.x + pad, y, w, ui_line_h(fq)}, "¿Es usted…?", fq, 0, t->muted, UI_LEFT);
    y += ui_line_h(fq) + ui_px(u, THEME_SPACE_XS);
    y += ui_text_wrap(u, (ui_rect){card.x + pad, y, w, 0}, name, ui_font(u, THEME_TEXT_HERO), 1, t->ink, UI_LEFT, 1);
    y += ui_px(u, THEME_SPACE_M);
    snprintf(line, sizeof line, "Número de empleado: %s", a->person.employee_no);
    ui_text(u, (ui_rect){card.x + pad, y, w, ui_line_h(fl)}, line, fl, 0, t->ink, UI_LEFT);
    y += ui_line_h(fl);
    const char *uname = app_unit_name(a, a->person.unit);
    snprintf(line, sizeof line, "%s%s%s", uname, a->person.area[0] ? " · " : "", a->person.area);
    y += ui_text_wrap(u, (ui_rect){card.x + pad, y, w, 0}, line, fl, 0, t->ink, UI_LEFT, 1);
    if (a->person.position[0])
        ui_text(u, (ui_rect){card.x + pad, y, w, ui_line_h(fl)}, a->person.position, fl, 0, t->muted, UI_LEFT);
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "No, volver", UI_SECONDARY, 1)) {
        a->have_person = 0;
        app_goto(a, u, APP_IDENTIFY);
        return;
    }
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Sí, soy yo", UI_PRIMARY, 1))
        app_confirmed(a, u);
}
