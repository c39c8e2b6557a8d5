/* confirm.c — "¿Es usted …?": the person found, with no more than it
 * takes to recognise oneself (the name and the unit; the area only when
 * another person has the same name), and the two answers. An event left
 * open from an earlier day says so here: "Sí, soy yo" is then also the
 * confirmation that the person attends it. "No, volver" sits at the top,
 * away from where the identify screen's "Continuar" was. */
#include <stdio.h>

#include "app.h"
#include "theme.h"

void app_screen_confirm(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Firmar Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FLOW), th = ui_px(u, THEME_TAB_H);
    if (ui_button(u, (ui_rect){body.x, body.y, ui_px(u, 360), th}, "No, volver", UI_SECONDARY, 1)) {
        app_not_me(a, u);
        return;
    }
    body.y += th + gap;
    body.h -= th + gap;
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    char date[32], warn[300] = "";
    if (!pledge && app_event_stale(a, &a->event, date, sizeof date))
        snprintf(warn, sizeof warn,
                 "Este evento se abrió el %s y sigue abierto. Confirme solo si asiste a él hoy.", date);
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
    const char *uname = app_unit_name(a, a->person.unit);
    snprintf(line, sizeof line, "%s%s%s", uname, a->namesake && a->person.area[0] ? " · " : "",
             a->namesake ? a->person.area : "");
    y += ui_text_wrap(u, (ui_rect){card.x + pad, y, w, 0}, line, fl, 0, t->ink, UI_LEFT, 1);
    if (warn[0])
        ui_text_wrap(u, (ui_rect){card.x + pad, y + ui_px(u, THEME_SPACE_M), w, 0}, warn, fl, 1, THEME_ERROR_FG,
                     UI_LEFT, 1);
    /* "Sí, soy yo" on the right two thirds: the done screen's "Terminar"
     * takes the left third, so a double tap cannot reach it. */
    int x1 = buttons.x + (buttons.w - gap) / 3 + gap;
    if (ui_button(u, (ui_rect){x1, buttons.y, buttons.x + buttons.w - x1, buttons.h}, "Sí, soy yo", UI_PRIMARY, 1))
        app_confirmed(a, u);
}
