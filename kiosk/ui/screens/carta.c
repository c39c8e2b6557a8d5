/* carta.c — the Carta Compromiso, read to the end before "Firmar". */
#include "app.h"
#include "theme.h"

void app_screen_carta(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    ui_rect body = app_header(a, u, "Firmar Carta Compromiso");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    int f = ui_font(u, THEME_TEXT_BODY);
    const char *hint_text = a->carta_read ? "Gracias por leerla. Toque «Firmar» para continuar."
                                          : "Deslice el texto hacia arriba hasta el final para poder firmar.";
    int hn = ui_text_nlines(u, hint_text, body.w, f, a->carta_read);
    ui_rect hint = app_take_bottom(&body, (hn > 2 ? 2 : hn) * ui_line_h(f), gap / 2);
    ui_long_text(u, body, "carta", a->carta ? a->carta : "", ui_font(u, THEME_TEXT_BODY_LARGE), &a->carta_scroll,
                 &a->carta_read);
    ui_text_lines(u, hint, hint_text, f, a->carta_read, a->carta_read ? t->ok : t->muted, UI_CENTER, 2, 1);
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Cancelar", UI_SECONDARY, 1)) {
        app_reset(a, u);
        return;
    }
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Firmar", UI_PRIMARY,
                  a->carta_read)) {
        a->privacy_scroll = a->privacy_read = 0;
        app_goto(a, u, APP_PRIVACY);
    }
}

void app_screen_privacy(app *a, ui_ctx *u)
{
    ui_rect body = app_header(a, u, "Firmar Carta Compromiso");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    ui_long_text(u, body, "privacy", a->privacy ? a->privacy : "", ui_font(u, THEME_TEXT_BODY), &a->privacy_scroll,
                 &a->privacy_read);
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "No acepto", UI_SECONDARY, 1)) {
        app_reset(a, u);
        app_set_message(a, 0, "No se registró nada. Si lo prefiere, la persona coordinadora puede recibir su Carta "
                              "Compromiso en papel.");
        return;
    }
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Acepto el aviso de privacidad",
                  UI_PRIMARY, 1)) {
        sig_clear(a->sig, 1, 1);
        a->sig_t0 = u->now_ms;
        app_goto(a, u, APP_SIGN);
    }
}

void app_screen_notice(app *a, ui_ctx *u)
{
    ui_rect body = app_header(a, u, "Aviso de privacidad");
    int gap = ui_px(u, THEME_GAP);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    ui_long_text(u, body, "notice", a->privacy ? a->privacy : "El aviso de privacidad no está disponible.",
                 ui_font(u, THEME_TEXT_BODY), &a->privacy_scroll, NULL);
    if (ui_button(u, (ui_rect){buttons.x + buttons.w / 4, buttons.y, buttons.w / 2, buttons.h}, "Volver al inicio",
                  UI_PRIMARY, 1))
        app_reset(a, u);
}
