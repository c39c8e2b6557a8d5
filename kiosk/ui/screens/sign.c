/* sign.c — the signature pad: sign with a finger, clear, accept. A
 * near-empty pad is refused (app_signed). */
#include "app.h"
#include "theme.h"

void app_screen_sign(app *a, ui_ctx *u)
{
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Firmar Carta Compromiso" : a->event.title);
    body = app_title(u, body, "Firme con su dedo en el recuadro",
                     pledge ? "Con su firma acepta la Carta Compromiso que acaba de leer."
                            : "Su firma aparecerá en la lista de asistencia del evento.");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FLOW);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    ui_sig_pad(u, body, a->sig, a->sig_t0);
    int bw = (buttons.w - 2 * gap) / 3;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Cancelar", UI_QUIET, 1)) {
        app_reset(a, u);
        return;
    }
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Borrar firma", UI_SECONDARY,
                  a->sig->npoints > 0)) {
        sig_clear(a->sig, a->sig->width, a->sig->height);
        a->sig_t0 = u->now_ms;
        a->message[0] = 0;
    }
    if (ui_button(u, (ui_rect){buttons.x + 2 * (bw + gap), buttons.y, bw, buttons.h}, "Aceptar firma", UI_PRIMARY,
                  a->sig->npoints > 0))
        app_signed(a, u);
}
