/* sign.c — the signature pad: sign with a finger, clear, accept. A
 * near-empty pad is refused (app_signed); the message says so over the
 * pad until the next stroke. */
#include "app.h"
#include "theme.h"

void app_screen_sign(app *a, ui_ctx *u)
{
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Firmar Carta Compromiso" : a->event.title);
    body = app_title(u, body, "Firme con su dedo en el recuadro",
                     pledge ? "Con su firma acepta la Carta Compromiso que acaba de leer."
                            : "Su firma aparecerá en la lista de asistencia del evento.");
    int gap = ui_px(u, THEME_GAP_FLOW);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    ui_sig_pad(u, body, a->sig, a->sig_t0);
    /* A message goes over the top of the pad, which keeps its size (a pad
     * that changes size starts over), and it goes away with the first
     * stroke (app.c, APP_CAUSE_SIGNATURE). */
    int inset = ui_px(u, THEME_SPACE_M);
    app_banner(a, u, (ui_rect){body.x + inset, body.y + inset, body.w - 2 * inset, body.h - 2 * inset});
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
