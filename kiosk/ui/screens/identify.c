/* identify.c — who are you: employee number on a keypad, or name search
 * with the Spanish keyboard (at most 8 results after 2 letters, each with
 * unit and area). A badge read works here too (app.c). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "theme.h"
#include "util.h"

/* Runs the search when the query changed (not every frame). */
static void update_search(app *a)
{
    if (strcmp(a->search, a->searched) == 0)
        return;
    snprintf(a->searched, sizeof a->searched, "%s", a->search);
    a->results_scroll = 0;
    char folded[96];
    size_t n = util_fold(a->search, folded, sizeof folded);
    a->nresults = 0;
    if (n >= 2) {
        int rc = store_search(a->s, a->search, a->results, APP_MAX_RESULTS);
        a->nresults = rc > 0 ? rc : 0;
    }
    /* The second line of each result, with the unit's name, made here once
     * rather than looked up every frame. */
    for (int i = 0; i < a->nresults; i++) {
        const store_person *p = &a->results[i];
        const char *unit = app_unit_name(a, p->unit);
        snprintf(a->results_sub[i], sizeof a->results_sub[i], "%s%s%s", unit, p->area[0] ? " · " : "", p->area);
    }
}

static void results_list(app *a, ui_ctx *u, ui_rect r)
{
    const ui_theme *t = &u->theme;
    char folded[96];
    int f = ui_font(u, THEME_TEXT_BODY);
    if (util_fold(a->search, folded, sizeof folded) < 2) {
        ui_text_wrap(u, (ui_rect){r.x, r.y + ui_px(u, THEME_SPACE_M), r.w, 0},
                     "Escriba al menos 2 letras de su nombre o de sus apellidos. Los acentos no importan.", f, 0,
                     t->muted, UI_LEFT, 1);
        return;
    }
    if (a->nresults == 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "No encontramos a nadie con «%s». Revise lo que escribió.", a->search);
        int h = ui_text_wrap(u, (ui_rect){r.x, r.y + ui_px(u, THEME_SPACE_M), r.w, 0}, msg, f, 1, t->ink, UI_LEFT, 1);
        if (a->flow == APP_FLOW_CHECKIN &&
            ui_button(u, (ui_rect){r.x, r.y + h + ui_px(u, THEME_SPACE_XL), r.w, ui_px(u, THEME_FIELD_H)},
                      "No aparezco en la lista", UI_SECONDARY, 1)) {
            snprintf(a->guest, sizeof a->guest, "%s", a->search);
            app_goto(a, u, APP_GUEST);
        }
        return;
    }
    /* Rows as tall as the longest result needs: the name, and the unit and
     * area on one line or, when long, two. */
    int pad = ui_px(u, THEME_PAD), f1 = ui_font(u, THEME_TEXT_HEADING), f2 = ui_font(u, THEME_TEXT_CAPTION);
    int sub_lines = 1;
    for (int i = 0; i < a->nresults; i++) {
        int n = ui_text_nlines(u, a->results_sub[i], r.w - 2 * pad, f2, 0);
        if (n > sub_lines)
            sub_lines = n > 2 ? 2 : n;
    }
    int rh = ui_line_h(f1) + sub_lines * ui_line_h(f2) + ui_px(u, THEME_SPACE_XL), gap = ui_px(u, THEME_SPACE_S);
    if (rh < ui_px(u, 124))
        rh = ui_px(u, 124);
    int content = a->nresults * (rh + gap);
    ui_scroll_begin(u, r, "results", &a->results_scroll, content);
    for (int i = 0; i < a->nresults; i++) {
        const store_person *p = &a->results[i];
        ui_rect row = {r.x, r.y + i * (rh + gap) - a->results_scroll, r.w, rh};
        if (row.y + row.h < r.y || row.y > r.y + r.h)
            continue;
        char name[400];
        const char *sub = a->results_sub[i];
        store_person_fullname(p, name, sizeof name);
        /* The label is also the identity: namesakes differ by number. */
        char label[480];
        snprintf(label, sizeof label, "%s (%s)", name, p->employee_no);
        int pressed;
        if (ui_hit(u, row, label, 1, &pressed)) {
            ui_scroll_end(u);
            app_identified(a, u, p, "search");
            return;
        }
        ui_draw_rect(u, row, pressed ? t->accent_soft : t->surface, ui_px(u, THEME_RADIUS));
        ui_draw_frame(u, row, pressed ? t->accent : t->border, ui_px(u, THEME_LINE));
        int ns = ui_text_nlines(u, sub, row.w - 2 * pad, f2, 0);
        ns = ns > 2 ? 2 : ns;
        int ty = row.y + (rh - ui_line_h(f1) - ns * ui_line_h(f2)) / 2;
        ui_text(u, (ui_rect){row.x + pad, ty, row.w - 2 * pad, ui_line_h(f1)}, name, f1, 1, t->ink, UI_LEFT);
        ui_text_lines(u, (ui_rect){row.x + pad, ty + ui_line_h(f1), row.w - 2 * pad, 0}, sub, f2, 0, t->muted,
                      UI_LEFT, 2, 1);
    }
    ui_scroll_end(u);
}

void app_screen_identify(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Firmar Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP), portrait = app_portrait(u);
    /* Mode tabs and the way back. */
    int th = ui_px(u, THEME_TAB_H);
    ui_rect tabs = {body.x, body.y, body.w, th};
    int back_w = ui_px(u, 240), tw = (tabs.w - back_w - 2 * gap) / 2;
    if (ui_button(u, (ui_rect){tabs.x, tabs.y, back_w, th}, "Volver", UI_SECONDARY, 1)) {
        app_reset(a, u);
        return;
    }
    const char *labels[2] = {"Número de empleado", "Buscar mi nombre"};
    if (portrait) {
        labels[0] = "Mi número";
        labels[1] = "Mi nombre";
    }
    for (int i = 0; i < 2; i++) {
        ui_rect tr = {tabs.x + back_w + gap + i * (tw + gap), tabs.y, tw, th};
        if (ui_button(u, tr, labels[i], a->id_mode == i ? UI_PRIMARY : UI_SECONDARY, 1) && a->id_mode != i) {
            a->id_mode = i;
            a->message[0] = 0;
        }
    }
    body.y += th + gap;
    body.h -= th + gap;
    if (a->id_mode == 0) {
        ui_rect left, right;
        int lw = portrait ? body.w : body.w * 5 / 10;
        app_split_h(body, lw, gap * 2, &left, &right);
        if (portrait) {
            right = (ui_rect){body.x, body.y, body.w, ui_px(u, 200)};
            left = (ui_rect){body.x + body.w / 8, body.y + ui_px(u, 220), body.w * 3 / 4, body.h - ui_px(u, 220)};
        }
        ui_rect field = {left.x, left.y, left.w, ui_px(u, THEME_FIELD_H)};
        app_field(u, field, a->number, "Su número de empleado");
        ui_rect go = {left.x, left.y + left.h - ui_px(u, THEME_BUTTON_H_FORM), left.w, ui_px(u, THEME_BUTTON_H_FORM)};
        ui_rect pad = {left.x, field.y + field.h + gap, left.w, go.y - gap - (field.y + field.h + gap)};
        if (pad.h > ui_px(u, 560))
            pad = (ui_rect){pad.x, pad.y + (pad.h - ui_px(u, 560)) / 2, pad.w, ui_px(u, 560)};
        ui_keypad(u, pad, a->number, sizeof a->number, 12);
        if (ui_button(u, go, "Continuar", UI_PRIMARY, a->number[0] != 0) ||
            (u->key_enter && a->number[0] && !a->wedge[0])) {
            app_lookup_number(a, u, a->number, "number");
            return;
        }
        int f = ui_font(u, THEME_TEXT_BODY_LARGE);
        int h = ui_text_wrap(u, (ui_rect){right.x, right.y + ui_px(u, THEME_SPACE_XS), right.w, 0},
                             "Escriba su número de empleado y toque «Continuar».", f, 1, t->ink, UI_LEFT, 1);
        h += ui_text_wrap(u, (ui_rect){right.x, right.y + h + ui_px(u, THEME_SPACE_M), right.w, 0},
                          "¿Tiene gafete? Páselo por el lector en cualquier momento.", f, 0, t->muted, UI_LEFT, 1);
        if (!portrait && !pledge &&
            ui_button(u, (ui_rect){right.x, right.y + right.h - ui_px(u, THEME_BUTTON_H_FORM), right.w,
                                      ui_px(u, THEME_BUTTON_H_FORM)},
                      "No aparezco en la lista", UI_SECONDARY, 1))
            app_goto(a, u, APP_GUEST);
        return;
    }
    update_search(a);
    if (portrait) {
        ui_rect field = {body.x, body.y, body.w, ui_px(u, THEME_FIELD_H)};
        app_field(u, field, a->search, "Escriba su nombre o apellido");
        ui_rect kb = app_take_bottom(&body, ui_px(u, 520), gap);
        if (ui_keyboard(u, kb, a->search, sizeof a->search))
            update_search(a);
        ui_rect list = {body.x, field.y + field.h + gap, body.w, body.y + body.h - (field.y + field.h + gap)};
        results_list(a, u, list);
        return;
    }
    ui_rect left, right;
    app_split_h(body, body.w * 58 / 100, gap * 2, &left, &right);
    ui_rect field = {left.x, left.y, left.w, ui_px(u, THEME_FIELD_H)};
    app_field(u, field, a->search, "Escriba su nombre o apellido");
    ui_rect kb = {left.x, field.y + field.h + gap, left.w, left.h - field.h - gap};
    if (kb.h > ui_px(u, 520))
        kb.h = ui_px(u, 520);
    if (ui_keyboard(u, kb, a->search, sizeof a->search))
        update_search(a);
    results_list(a, u, right);
}
