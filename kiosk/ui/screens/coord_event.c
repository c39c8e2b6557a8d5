/* coord_event.c — quick-create an event for today, in three steps: the
 * title and the place (typed with the free-text keyboard: digits and
 * punctuation, the case kept as typed); the kind, the start time and
 * whether a signature is asked; the topics. It is created in this kiosk's
 * unit and opened at once. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "text.h"
#include "theme.h"
#include "util.h"

static const char *const KINDS[][2] = {
    {"taller", "Taller"},         {"curso", "Curso"},           {"conferencia", "Conferencia"},
    {"platica", "Plática"},       {"conversatorio", "Conversatorio"}, {"cine-debate", "Cine debate"},
    {"protesta", "Protesta"},     {"otro", "Otro"},
};
#define NKINDS 8

/* A text field that becomes the keyboard's target when tapped. */
static void form_field(app *a, ui_ctx *u, ui_rect r, int idx, const char *label, const char *text)
{
    const ui_theme *t = &u->theme;
    int f = ui_font(u, THEME_TEXT_CAPTION), lh = ui_line_h(f);
    ui_text(u, (ui_rect){r.x, r.y, r.w, lh}, label, f, 1, t->ink, UI_LEFT);
    ui_rect fr = {r.x, r.y + lh, r.w, r.h - lh};
    int pressed;
    if (ui_hit(u, fr, label, 1, &pressed))
        a->form_field = idx;
    if (a->form_field == idx) {
        app_field(u, fr, text, "");
        return;
    }
    ui_draw_rect(u, fr, t->border, ui_px(u, THEME_RADIUS));
    ui_draw_rect(u, (ui_rect){fr.x + 2, fr.y + 2, fr.w - 4, fr.h - 4}, t->surface, ui_px(u, THEME_RADIUS_KEY));
    ui_text(u, (ui_rect){fr.x + ui_px(u, THEME_PAD), fr.y, fr.w - 2 * ui_px(u, THEME_PAD), fr.h},
            text[0] ? text : "Toque aquí para escribir", ui_font(u, THEME_TEXT_BODY_LARGE), text[0] != 0,
            text[0] ? t->ink : t->muted, UI_LEFT);
}

/* A caption above a block; returns its height. */
static int caption(ui_ctx *u, int x, int y, int w, const char *text)
{
    int f = ui_font(u, THEME_TEXT_CAPTION);
    ui_text(u, (ui_rect){x, y, w, ui_line_h(f)}, text, f, 1, u->theme.ink, UI_LEFT);
    return ui_line_h(f) + ui_px(u, THEME_SPACE_XS);
}

static int create_event(app *a, ui_ctx *u)
{
    store_event e;
    memset(&e, 0, sizeof e);
    snprintf(e.title, sizeof e.title, "%s", a->form_title);
    util_trim(e.title);
    snprintf(e.place, sizeof e.place, "%s", a->form_place);
    util_trim(e.place);
    snprintf(e.kind, sizeof e.kind, "%s", KINDS[a->form_kind % NKINDS][0]);
    for (int i = 0; APP_TOPICS[i][0]; i++)
        if (a->form_topics & 1 << i) {
            size_t len = strlen(e.topics);
            snprintf(e.topics + len, sizeof e.topics - len, "%s%s", len ? "," : "", APP_TOPICS[i][0]);
        }
    char day[16];
    util_format_time(a->tz, u->now_ms / 1000, "%Y-%m-%d", day, sizeof day);
    snprintf(e.start, sizeof e.start, "%s %02d:%02d", day, a->form_start / 60, a->form_start % 60);
    snprintf(e.unit, sizeof e.unit, "%s", a->unit_code);
    e.signature = a->form_sig;
    if (store_event_add(a->s, &e, u->now_ms / 1000) != STORE_OK ||
        store_event_set_state(a->s, e.id, "open", u->now_ms / 1000) != STORE_OK)
        return -1;
    return 0;
}

void app_screen_coord_event(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    static const char *const titles[3] = {"Nuevo evento rápido (1 de 3): título y lugar",
                                          "Nuevo evento rápido (2 de 3): tipo, hora y firma",
                                          "Nuevo evento rápido (3 de 3): temas"};
    int step = a->form_step < 0 || a->form_step > 2 ? 0 : a->form_step;
    ui_rect body = app_header(a, u, titles[step]);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FORM), bh = ui_px(u, THEME_BUTTON_H_SMALL);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H_FORM), gap);
    int bw = (buttons.w - gap) / 2;
    ui_rect back = {buttons.x, buttons.y, bw, buttons.h}, next = {buttons.x + bw + gap, buttons.y, bw, buttons.h};
    if (step == 0) {
        int fh = ui_line_h(ui_font(u, THEME_TEXT_CAPTION)) + ui_px(u, THEME_FIELD_H);
        int portrait = app_portrait(u), y = body.y;
        if (portrait) {
            form_field(a, u, (ui_rect){body.x, y, body.w, fh}, 0, "Título del evento", a->form_title);
            y += fh + gap;
            form_field(a, u, (ui_rect){body.x, y, body.w, fh}, 1, "Lugar (opcional)", a->form_place);
        } else {
            int tw = (body.w - gap) * 3 / 5;
            form_field(a, u, (ui_rect){body.x, y, tw, fh}, 0, "Título del evento", a->form_title);
            form_field(a, u, (ui_rect){body.x + tw + gap, y, body.w - tw - gap, fh}, 1, "Lugar (opcional)",
                       a->form_place);
        }
        y += fh + gap;
        ui_rect kb = {body.x, y, body.w, body.y + body.h - y};
        if (kb.h > ui_px(u, 520))
            kb = (ui_rect){kb.x, kb.y + kb.h - ui_px(u, 520), kb.w, ui_px(u, 520)};
        char *buf = a->form_field == 1 ? a->form_place : a->form_title;
        size_t cap = a->form_field == 1 ? sizeof a->form_place : sizeof a->form_title;
        ui_keyboard_text(u, kb, buf, cap, &a->form_layer);
        /* A physical keyboard types into the field too. */
        if (u->text[0] && strlen(buf) + strlen(u->text) < cap)
            strcat(buf, u->text);
        if (u->key_backspace && buf[0])
            buf[text_utf8_floor(buf, strlen(buf), strlen(buf) - 1)] = 0;
        if (ui_button(u, back, "Cancelar", UI_SECONDARY, 1)) {
            app_goto(a, u, APP_COORD);
            return;
        }
        char title[160];
        snprintf(title, sizeof title, "%s", a->form_title);
        util_trim(title);
        if (ui_button(u, next, "Siguiente", UI_PRIMARY, strlen(title) >= 3)) {
            a->form_step = 1;
            ui_settle(u, u->now_ms + APP_SETTLE_MS);
        }
        return;
    }
    if (step == 1) {
        int y = body.y, cols = app_portrait(u) ? 2 : 4, cw = (body.w - (cols - 1) * gap) / cols;
        y += caption(u, body.x, y, body.w, "Tipo de evento");
        for (int i = 0; i < NKINDS; i++) {
            ui_rect br = {body.x + (i % cols) * (cw + gap), y + (i / cols) * (bh + gap), cw, bh};
            if (ui_button(u, br, KINDS[i][1], a->form_kind == i ? UI_PRIMARY : UI_SECONDARY, 1))
                a->form_kind = i;
        }
        y += (NKINDS / cols) * (bh + gap) + ui_px(u, THEME_SPACE_M);
        /* The start time, in steps of 5 minutes, and the signature: side
         * by side, or in portrait one above the other. */
        int portrait = app_portrait(u), half = portrait ? body.w : (body.w - gap) / 2;
        int hy = y + caption(u, body.x, y, half, "Hora de inicio");
        int sx = portrait ? body.x : body.x + half + gap, sy = portrait ? hy + bh + gap : y;
        int shy = sy + caption(u, sx, sy, half, "Firma en la lista");
        int sw = (half - ui_px(u, 200)) / 2; /* the time between the two buttons */
        if (ui_button(u, (ui_rect){body.x, hy, sw, bh}, "-5 min", UI_SECONDARY, 1))
            a->form_start = (a->form_start + 1440 - 5) % 1440;
        if (ui_button(u, (ui_rect){body.x + half - sw, hy, sw, bh}, "+5 min", UI_SECONDARY, 1))
            a->form_start = (a->form_start + 5) % 1440;
        char hm[16];
        snprintf(hm, sizeof hm, "%02d:%02d", a->form_start / 60, a->form_start % 60);
        ui_text(u, (ui_rect){body.x + sw, hy, half - 2 * sw, bh}, hm, ui_font(u, THEME_TEXT_LARGE), 1, t->ink,
                UI_CENTER);
        if (ui_button(u, (ui_rect){sx, shy, half, bh},
                      a->form_sig ? "Con firma" : "Sin firma", a->form_sig ? UI_PRIMARY : UI_SECONDARY, 1))
            a->form_sig = !a->form_sig;
        if (ui_button(u, back, "Atrás", UI_SECONDARY, 1)) {
            a->form_step = 0;
            ui_settle(u, u->now_ms + APP_SETTLE_MS);
            return;
        }
        if (ui_button(u, next, "Siguiente", UI_PRIMARY, 1)) {
            a->form_step = 2;
            ui_settle(u, u->now_ms + APP_SETTLE_MS);
        }
        return;
    }
    /* Topic chips tall enough for a label on two lines. */
    int y = body.y, cols = app_portrait(u) ? 2 : 3, cw = (body.w - (cols - 1) * gap) / cols;
    int th = ui_px(u, THEME_FIELD_H);
    y += caption(u, body.x, y, body.w, "Temas (uno o varios)");
    for (int i = 0; APP_TOPICS[i][0]; i++) {
        ui_rect br = {body.x + (i % cols) * (cw + gap), y + (i / cols) * (th + gap), cw, th};
        int on = a->form_topics & 1 << i;
        if (ui_button(u, br, APP_TOPICS[i][1], on ? UI_PRIMARY : UI_SECONDARY, 1))
            a->form_topics ^= 1 << i;
    }
    if (ui_button(u, back, "Atrás", UI_SECONDARY, 1)) {
        a->form_step = 1;
        ui_settle(u, u->now_ms + APP_SETTLE_MS);
        return;
    }
    if (!ui_button(u, next, "Crear y abrir", UI_PRIMARY, a->form_topics != 0))
        return;
    if (create_event(a, u) != 0) {
        app_set_message(a, 1, "No se pudo crear el evento. Revise el título y el lugar e inténtelo de nuevo.");
        return;
    }
    app_refresh_open(a, u->now_ms, 1);
    a->coord_tab = 0;
    app_coord_load(a, u->now_ms);
    app_goto(a, u, APP_COORD);
}
