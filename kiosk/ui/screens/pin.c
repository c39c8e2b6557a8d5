/* pin.c — the coordinator's PIN (pin_check: 5 failures lock it for 5
 * minutes, and the lock is stored, so it survives a restart). While it is
 * locked the screen shows the time left, second by second. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "theme.h"
#include "pin.h"

void app_screen_pin(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    ui_rect body = app_header(a, u, "Modo coordinador");
    int64_t left = a->pin_until - u->now_ms / 1000;
    if (left > 0) {
        app_set_message(a, 1, "Demasiados intentos equivocados. Podrá intentarlo de nuevo en %d:%02d.",
                        (int)(left / 60), (int)(left % 60));
    } else if (a->pin_until) {
        a->pin_until = 0;
        app_set_message(a, 0, "Ya puede escribir el PIN de nuevo.");
    }
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP);
    int w = body.w < ui_px(u, 720) ? body.w : ui_px(u, 720);
    ui_rect col = {body.x + (body.w - w) / 2, body.y, w, body.h};
    ui_rect buttons = app_take_bottom(&col, ui_px(u, THEME_BUTTON_H_FORM), gap);
    int f = ui_font(u, THEME_TEXT_HEADING);
    ui_text(u, (ui_rect){col.x, col.y, col.w, ui_line_h(f)}, "Escriba el PIN de coordinación", f, 1, t->ink,
            UI_CENTER);
    ui_rect dots = {col.x, col.y + ui_line_h(f) + gap / 2, col.w, ui_px(u, 90)};
    ui_draw_rect(u, dots, t->surface, ui_px(u, THEME_RADIUS));
    ui_draw_frame(u, dots, t->border, ui_px(u, THEME_LINE));
    int n = (int)strlen(a->pin), d = ui_px(u, 28);
    int x0 = dots.x + (dots.w - n * d * 2 + d) / 2;
    for (int i = 0; i < n; i++)
        ui_draw_rect(u, (ui_rect){x0 + i * d * 2, dots.y + (dots.h - d) / 2, d, d}, t->ink, d / 2);
    ui_rect pad = {col.x, dots.y + dots.h + gap, col.w, buttons.y - gap - (dots.y + dots.h + gap)};
    if (pad.h > ui_px(u, 520))
        pad = (ui_rect){pad.x + (pad.w - pad.w * 4 / 5) / 2, pad.y, pad.w * 4 / 5, ui_px(u, 520)};
    ui_keypad(u, pad, a->pin, sizeof a->pin, 12);
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Cancelar", UI_SECONDARY, 1)) {
        app_reset(a, u);
        return;
    }
    if (!ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Entrar", UI_PRIMARY,
                   strlen(a->pin) >= 4) &&
        !(u->key_enter && strlen(a->pin) >= 4))
        return;
    int64_t until = 0;
    int rc = pin_check(a->s, a->pin, u->now_ms / 1000, &until);
    a->pin[0] = 0;
    switch (rc) {
    case PIN_OK:
        a->coord_tab = 0;
        a->coord_sel = 0;
        app_coord_load(a, u->now_ms);
        app_goto(a, u, APP_COORD);
        if (a->backup_error)
            app_set_message(a, 1, "La copia de seguridad del día falló. Vea «Herramientas».");
        break;
    case PIN_WRONG:
        app_set_message(a, 1, "PIN incorrecto. Inténtelo de nuevo.");
        break;
    case PIN_LOCKED: {
        a->pin_until = until;
        int64_t wait = until - u->now_ms / 1000;
        app_set_message(a, 1, "Demasiados intentos equivocados. Podrá intentarlo de nuevo en %d:%02d.",
                        (int)(wait / 60), (int)(wait % 60));
        break;
    }
    case PIN_UNSET:
        app_set_message(a, 1, "Aún no hay un PIN de coordinación. Configúrelo con «cepci-kiosk admin set-pin».");
        break;
    default:
        app_set_message(a, 1, "No se pudo comprobar el PIN. Inténtelo de nuevo.");
        break;
    }
}
