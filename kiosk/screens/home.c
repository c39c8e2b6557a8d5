/* home.c — the home screen: one large card per open event, the Carta
 * Compromiso button and the privacy-notice link. A badge read here is
 * handled by app.c (the zero-tap path). */
#include <stdio.h>
#include <string.h>

#include "app.h"

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

/* One event card; returns 1 when tapped. */
static int event_card(app *a, ui_ctx *u, ui_rect r, const store_event *e, int idx)
{
    const ui_theme *t = &u->theme;
    char id[64];
    snprintf(id, sizeof id, "event-%d", idx);
    int pressed, fired = ui_hit(u, r, id, 1, &pressed);
    ui_draw_rect(u, (ui_rect){r.x, r.y + ui_px(u, 4), r.w, r.h}, t->border, ui_px(u, 18));
    ui_draw_rect(u, r, pressed ? t->accent_soft : t->surface, ui_px(u, 18));
    ui_draw_rect(u, (ui_rect){r.x, r.y, ui_px(u, 14), r.h}, t->accent, 0);
    int pad = ui_px(u, 36), btn_w = ui_px(u, 520);
    int portrait = app_portrait(u) || r.w < ui_px(u, 1200);
    ui_rect text = {r.x + pad, r.y, r.w - 2 * pad - (portrait ? 0 : btn_w + pad), r.h};
    char sub[600];
    const char *hm = strlen(e->start) >= 16 ? e->start + 11 : "";
    snprintf(sub, sizeof sub, "%s · %s%s%s", kind_name(e->kind), hm, e->place[0] ? " · " : "", e->place);
    int f1 = ui_font(u, 44), f2 = ui_font(u, 30);
    int lines = ui_line_h(f1) + ui_line_h(f2);
    int ty = portrait ? r.y + pad / 2 : r.y + (r.h - lines) / 2;
    ui_text(u, (ui_rect){text.x, ty, text.w, ui_line_h(f1)}, e->title, f1, 1, t->ink, UI_LEFT);
    ui_text(u, (ui_rect){text.x, ty + ui_line_h(f1), text.w, ui_line_h(f2)}, sub, f2, 0, t->muted, UI_LEFT);
    ui_rect b = portrait ? (ui_rect){r.x + pad, r.y + r.h - ui_px(u, 96) - pad / 2, r.w - 2 * pad, ui_px(u, 96)}
                         : (ui_rect){r.x + r.w - pad - btn_w, r.y + (r.h - ui_px(u, 110)) / 2, btn_w, ui_px(u, 110)};
    ui_draw_rect(u, b, pressed ? t->pressed : t->accent, ui_px(u, 14));
    int fb = ui_font(u, 40);
    while (fb > ui_font(u, 30) && ui_text_w(u, "Registrar mi asistencia", fb, 1) > b.w - ui_px(u, 24))
        fb--;
    ui_text(u, b, "Registrar mi asistencia", fb, 1, t->on_accent, UI_CENTER);
    (void)a;
    return fired;
}

void app_screen_home(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    app_refresh_open(a, u->now_ms, 0);
    ui_rect body = app_header(a, u, NULL);
    body = app_banner(a, u, body);
    int gap = ui_px(u, 28);
    ui_rect link = app_take_bottom(&body, ui_px(u, 88), ui_px(u, 8));
    ui_rect pledge = app_take_bottom(&body, ui_px(u, 150), gap);
    if (ui_button(u, pledge, "Firmar Carta Compromiso", UI_SECONDARY, 1)) {
        app_reset(a, u);
        a->flow = APP_FLOW_PLEDGE;
        app_goto(a, u, APP_IDENTIFY);
        return;
    }
    if (ui_button(u, (ui_rect){link.x + link.w / 4, link.y, link.w / 2, link.h}, "Aviso de privacidad", UI_QUIET, 1)) {
        a->privacy_scroll = 0;
        app_goto(a, u, APP_NOTICE);
        return;
    }
    int f = ui_font(u, 30);
    ui_rect hint = app_take_bottom(&body, ui_line_h(f), gap / 2);
    if (a->nopen == 0) {
        ui_draw_rect(u, body, t->surface, ui_px(u, 18));
        ui_rect in = {body.x + ui_px(u, 48), body.y + body.h / 2 - ui_px(u, 90), body.w - ui_px(u, 96), ui_px(u, 200)};
        ui_text_wrap(u, in, "No hay eventos abiertos en este momento.", ui_font(u, 44), 1, t->ink, UI_CENTER, 1);
        ui_text_wrap(u, (ui_rect){in.x, in.y + ui_px(u, 90), in.w, 0},
                     "Si desea firmar su Carta Compromiso, toque el botón de abajo.", f, 0, t->muted, UI_CENTER, 1);
        return;
    }
    ui_text(u, hint, a->nopen == 1 ? "¿Tiene gafete? Páselo por el lector y listo." :
                                     "Toque su evento. ¿Tiene gafete? Páselo por el lector después.",
            f, 0, t->muted, UI_CENTER);
    int n = a->nopen, cols = (!app_portrait(u) && n > 3) ? 2 : 1;
    int rows = (n + cols - 1) / cols;
    int ch = (body.h - (rows - 1) * gap) / rows;
    int maxh = ui_px(u, app_portrait(u) ? 300 : 230);
    if (ch > maxh)
        ch = maxh;
    int minh = ui_px(u, 150);
    if (ch < minh) {
        ch = minh;
        rows = (body.h + gap) / (ch + gap);
        if (rows < 1)
            rows = 1;
        if (n > rows * cols)
            n = rows * cols;
    }
    int cw = (body.w - (cols - 1) * gap) / cols;
    int top = body.y + (body.h - (((n + cols - 1) / cols) * (ch + gap) - gap)) / 2;
    for (int i = 0; i < n; i++) {
        ui_rect r = {body.x + (i % cols) * (cw + gap), top + (i / cols) * (ch + gap), cw, ch};
        if (event_card(a, u, r, &a->open[i], i)) {
            store_event e = a->open[i];
            app_reset(a, u);
            a->flow = APP_FLOW_CHECKIN;
            a->event = e;
            a->have_event = 1;
            app_goto(a, u, APP_IDENTIFY);
            return;
        }
    }
}
