/* coord_event.c — quick-create an event for today: title, kind, whether a
 * signature is asked; it starts now, in this kiosk's unit, and opens. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "theme.h"
#include "util.h"

void app_screen_coord_event(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    static const char *const kinds[][2] = {
        {"taller", "Taller"}, {"curso", "Curso"}, {"conferencia", "Conferencia"}, {"platica", "Plática"}};
    ui_rect body = app_header(a, u, "Nuevo evento rápido");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FORM), bh = ui_px(u, THEME_BUTTON_H_SMALL);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H_FORM), gap);
    ui_rect field = {body.x, body.y, body.w, ui_px(u, THEME_FIELD_H)};
    app_field(u, field, a->form_title, "Título del evento");
    int y = field.y + field.h + gap;
    /* The four kinds and the signature toggle: one row of five, or in
     * portrait two rows of three, so every label fits whole. */
    int cols = app_portrait(u) ? 3 : 5, cw = (body.w - (cols - 1) * gap) / cols;
    for (int i = 0; i < 5; i++) {
        ui_rect br = {body.x + (i % cols) * (cw + gap), y + (i / cols) * (bh + gap), cw, bh};
        if (i == 4 && cols == 3)
            br.w = body.x + body.w - br.x; /* the signature toggle: the rest of the row */
        if (i < 4) {
            if (ui_button(u, br, kinds[i][1], a->form_kind == i ? UI_PRIMARY : UI_SECONDARY, 1))
                a->form_kind = i;
        } else if (ui_button(u, br, a->form_sig ? "Con firma" : "Sin firma", a->form_sig ? UI_PRIMARY : UI_SECONDARY,
                             1)) {
            a->form_sig = !a->form_sig;
        }
    }
    y += ((5 + cols - 1) / cols) * (bh + gap);
    ui_rect kb = {body.x, y, body.w, body.y + body.h - y};
    if (kb.h > ui_px(u, 520))
        kb = (ui_rect){kb.x, kb.y + kb.h - ui_px(u, 520), kb.w, ui_px(u, 520)};
    ui_keyboard(u, kb, a->form_title, sizeof a->form_title);
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Cancelar", UI_SECONDARY, 1)) {
        app_goto(a, u, APP_COORD);
        return;
    }
    if (!ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Crear y abrir", UI_PRIMARY,
                   strlen(a->form_title) >= 3))
        return;
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "%s", a->form_title);
    util_trim(e.title);
    snprintf(e.kind, sizeof e.kind, "%s", kinds[a->form_kind][0]);
    snprintf(e.topics, sizeof e.topics, "etica");
    snprintf(e.unit, sizeof e.unit, "%s", a->unit_code);
    util_format_time(a->tz, u->now_ms / 1000, "%Y-%m-%d %H:%M", e.start, sizeof e.start);
    e.signature = a->form_sig;
    if (store_event_add(a->s, &e, u->now_ms / 1000) != STORE_OK ||
        store_event_set_state(a->s, e.id, "open", u->now_ms / 1000) != STORE_OK) {
        app_set_message(a, 1, "No se pudo crear el evento. Revise el título e inténtelo de nuevo.");
        return;
    }
    app_refresh_open(a, u->now_ms, 1);
    a->coord_tab = 0;
    app_coord_load(a, u->now_ms);
    app_goto(a, u, APP_COORD);
    (void)t;
}
