/* home.c — the home screen: one large card per open event (as many pages
 * as it takes, with "Anterior" / "Siguiente" and the page count), the
 * Carta Compromiso button and the privacy-notice link. A badge read here
 * is handled by app.c (the zero-tap path). An event left open from an
 * earlier day says so on its card. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "theme.h"

static const char *kind_name(const char *kind)
{
    static const char *const names[][2] = {
        {"curso", "Curso"}, {"taller", "Taller"}, {"conferencia", "Conferencia"},
        {"conversatorio", "Conversatorio"}, {"cine-debate", "Cine debate"}, {"platica", "Plática"},
        {"protesta", "Protesta del Código de Conducta"}, {"otro", "Evento"}, {NULL, NULL}};
    for (int i = 0; names[i][0]; i++)
        if (strcmp(names[i][0], kind) == 0)
            return names[i][1];
    return "Evento";
}

/* The card's layout: stacked (text above a full-width button) when the card
 * is too narrow for the text and the button side by side. */
static int card_stacked(const ui_ctx *u, ui_rect r)
{
    return app_portrait(u) || r.w < ui_px(u, 1200);
}

static void card_sub(const app *a, const store_event *e, char *sub, size_t len)
{
    const char *hm = strlen(e->start) >= 16 ? e->start + 11 : "";
    char date[32], when[64];
    if (app_event_stale(a, e, date, sizeof date))
        snprintf(when, sizeof when, "abierto desde el %s, %s", date, hm);
    else
        snprintf(when, sizeof when, "%s", hm);
    snprintf(sub, len, "%s · %s%s%s", kind_name(e->kind), when, e->place[0] ? " · " : "", e->place);
}

/* Height the card needs for its title (up to two lines), details and
 * button at width w. */
static int card_height(const app *a, ui_ctx *u, int w, const store_event *e)
{
    int pad = ui_px(u, 36), btn_w = ui_px(u, 520), stacked = card_stacked(u, (ui_rect){0, 0, w, 0});
    int tw = w - 2 * pad - (stacked ? 0 : btn_w + pad);
    char sub[600];
    card_sub(a, e, sub, sizeof sub);
    int f1 = ui_font(u, THEME_TEXT_LARGE), f2 = ui_font(u, THEME_TEXT_BODY);
    int n1 = ui_text_nlines(u, e->title, tw, f1, 1), n2 = ui_text_nlines(u, sub, tw, f2, 0);
    int text = (n1 > 2 ? 2 : n1) * ui_line_h(f1) + (n2 > 2 ? 2 : n2) * ui_line_h(f2);
    if (stacked)
        return pad / 2 + text + ui_px(u, THEME_SPACE_M) + ui_px(u, THEME_BUTTON_H_SMALL) + pad / 2;
    int h = text + pad;
    return h > ui_px(u, THEME_FIELD_H) + pad ? h : ui_px(u, THEME_FIELD_H) + pad;
}

/* One event card; returns 1 when tapped. */
static int event_card(const app *a, ui_ctx *u, ui_rect r, const store_event *e, int idx)
{
    const ui_theme *t = &u->theme;
    char id[64];
    snprintf(id, sizeof id, "event-%d", idx);
    int pressed, fired = ui_hit(u, r, id, 1, &pressed);
    ui_draw_rect(u, (ui_rect){r.x, r.y + r.h - ui_px(u, 36) + ui_px(u, 4), r.w, ui_px(u, 36)}, t->border,
                 ui_px(u, THEME_RADIUS_CARD));
    ui_draw_rect(u, r, pressed ? t->accent_soft : t->surface, ui_px(u, THEME_RADIUS_CARD));
    ui_draw_rect(u, (ui_rect){r.x, r.y, ui_px(u, 14), r.h}, t->accent, 0);
    int pad = ui_px(u, 36), btn_w = ui_px(u, 520);
    int stacked = card_stacked(u, r);
    ui_rect text = {r.x + pad, r.y, r.w - 2 * pad - (stacked ? 0 : btn_w + pad), r.h};
    char sub[600];
    card_sub(a, e, sub, sizeof sub);
    int f1 = ui_font(u, THEME_TEXT_LARGE), f2 = ui_font(u, THEME_TEXT_BODY);
    int n1 = ui_text_nlines(u, e->title, text.w, f1, 1), n2 = ui_text_nlines(u, sub, text.w, f2, 0);
    n1 = n1 > 2 ? 2 : n1;
    n2 = n2 > 2 ? 2 : n2;
    int lines = n1 * ui_line_h(f1) + n2 * ui_line_h(f2);
    int bh_stacked = ui_px(u, THEME_BUTTON_H_SMALL), bh_beside = ui_px(u, THEME_FIELD_H);
    ui_rect b = stacked ? (ui_rect){r.x + pad, r.y + r.h - bh_stacked - pad / 2, r.w - 2 * pad, bh_stacked}
                        : (ui_rect){r.x + r.w - pad - btn_w, r.y + (r.h - bh_beside) / 2, btn_w, bh_beside};
    int ty = stacked ? r.y + (b.y - r.y - lines) / 2 : r.y + (r.h - lines) / 2;
    ty += ui_text_lines(u, (ui_rect){text.x, ty, text.w, 0}, e->title, f1, 1, t->ink, UI_LEFT, 2, 1);
    ui_text_lines(u, (ui_rect){text.x, ty, text.w, 0}, sub, f2, 0, t->muted, UI_LEFT, 2, 1);
    ui_draw_rect(u, b, pressed ? t->pressed : t->accent, ui_px(u, THEME_RADIUS_BUTTON));
    ui_label(u, b, "Registrar mi asistencia", t->on_accent);
    return fired;
}

/* Starts the check-in flow of event e: identify, or straight on with a
 * badge read just before while several events were open. */
static void start_checkin(app *a, ui_ctx *u, const store_event *e)
{
    char held[64];
    int have = app_take_held(a, u, held, sizeof held);
    store_event ev = *e;
    app_start_flow(a, u, APP_FLOW_CHECKIN);
    a->event = ev;
    a->have_event = 1;
    app_goto(a, u, APP_IDENTIFY);
    if (have)
        app_lookup_number(a, u, held, "badge");
}

void app_screen_home(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    app_refresh_open(a, u->now_ms, 0);
    ui_rect body = app_header(a, u, NULL);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FLOW);
    ui_rect link = app_take_bottom(&body, ui_px(u, THEME_LINK_H), ui_px(u, THEME_SPACE_XS));
    ui_rect pledge = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H_HOME), gap);
    if (ui_button(u, pledge, "Firmar Carta Compromiso", UI_SECONDARY, 1)) {
        app_start_flow(a, u, APP_FLOW_PLEDGE);
        app_goto(a, u, APP_IDENTIFY);
        return;
    }
    if (ui_button(u, (ui_rect){link.x + link.w / 4, link.y, link.w / 2, link.h}, "Aviso de privacidad", UI_QUIET, 1)) {
        a->privacy_scroll = 0;
        app_goto(a, u, APP_NOTICE);
        return;
    }
    int f = ui_font(u, THEME_TEXT_BODY);
    const char *hint_text = a->nopen == 1 ? "¿Tiene gafete? Páselo por el lector y listo."
                                          : "Toque su evento. ¿Tiene gafete? Páselo por el lector después.";
    if (a->nopen == 0)
        hint_text = "";
    int hint_n = ui_text_nlines(u, hint_text, body.w, f, 0);
    ui_rect hint = app_take_bottom(&body, (hint_n > 2 ? 2 : hint_n) * ui_line_h(f), gap / 2);
    ui_text_lines(u, hint, hint_text, f, 0, t->muted, UI_CENTER, 2, 1);
    if (a->nopen == 0) {
        ui_draw_rect(u, body, t->surface, ui_px(u, THEME_RADIUS_CARD));
        ui_rect in = {body.x + ui_px(u, THEME_MARGIN), body.y + body.h / 2 - ui_px(u, 90),
                      body.w - ui_px(u, 2 * THEME_MARGIN), ui_px(u, 200)};
        ui_text_wrap(u, in, "No hay eventos abiertos en este momento.", ui_font(u, THEME_TEXT_LARGE), 1, t->ink,
                     UI_CENTER, 1);
        ui_text_wrap(u, (ui_rect){in.x, in.y + ui_px(u, 90), in.w, 0},
                     "Si desea firmar su Carta Compromiso, toque el botón de abajo.", f, 0, t->muted, UI_CENTER, 1);
        return;
    }
    int n = a->nopen, cols = (!app_portrait(u) && n > 3) ? 2 : 1;
    int cw = (body.w - (cols - 1) * gap) / cols;
    /* Cards share the height (up to the design height), but never less
     * than the tallest one needs. */
    int rows = (n + cols - 1) / cols;
    int ch = (body.h - (rows - 1) * gap) / rows;
    if (ch > ui_px(u, app_portrait(u) ? 300 : 230))
        ch = ui_px(u, app_portrait(u) ? 300 : 230);
    for (int i = 0; i < n; i++) {
        int need = card_height(a, u, cw, &a->open[i]);
        if (need > ch)
            ch = need;
    }
    /* More than fit: pages, with a row of "Anterior", "Página i de n" and
     * "Siguiente" below the cards, so every event can be reached. */
    int per = n, pages = 1;
    if (rows * (ch + gap) - gap > body.h) {
        ui_rect nav = app_take_bottom(&body, ui_px(u, THEME_TAB_H), gap / 2);
        rows = (body.h + gap) / (ch + gap);
        if (rows < 1)
            rows = 1;
        per = rows * cols;
        pages = (n + per - 1) / per;
        if (a->home_page >= pages)
            a->home_page = pages - 1;
        if (a->home_page < 0)
            a->home_page = 0;
        int bw = nav.w / 4 < ui_px(u, 360) ? ui_px(u, 360) : nav.w / 4;
        if (bw > nav.w / 3)
            bw = nav.w / 3;
        if (ui_button(u, (ui_rect){nav.x, nav.y, bw, nav.h}, "Anterior", UI_SECONDARY, a->home_page > 0))
            a->home_page--;
        if (ui_button(u, (ui_rect){nav.x + nav.w - bw, nav.y, bw, nav.h}, "Siguiente", UI_SECONDARY,
                      a->home_page < pages - 1))
            a->home_page++;
        char label[96];
        snprintf(label, sizeof label, "Página %d de %d · %d eventos abiertos", a->home_page + 1, pages, n);
        int fl = ui_font(u, THEME_TEXT_BODY);
        ui_text_lines(u, (ui_rect){nav.x + bw + gap, nav.y + (nav.h - 2 * ui_line_h(fl)) / 2, nav.w - 2 * (bw + gap),
                                   2 * ui_line_h(fl)},
                      label, fl, 1, t->ink, UI_CENTER, 2, 1);
    } else {
        a->home_page = 0;
    }
    int first = a->home_page * per, shown = n - first < per ? n - first : per;
    int top = body.y + (body.h - (((shown + cols - 1) / cols) * (ch + gap) - gap)) / 2;
    for (int k = 0; k < shown; k++) {
        int i = first + k;
        ui_rect r = {body.x + (k % cols) * (cw + gap), top + (k / cols) * (ch + gap), cw, ch};
        if (event_card(a, u, r, &a->open[i], i)) {
            start_checkin(a, u, &a->open[i]);
            return;
        }
    }
}
