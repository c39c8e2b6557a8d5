/* done.c — the record is saved: folio, QR on screen and the printing
 * status. A printer failure still says clearly that the record is saved. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "util.h"




static void app_record_panel(app *a, ui_ctx *u, ui_rect body, const char *headline, const char *detail)
{
    const ui_theme *t = &u->theme;
    int gap = ui_px(u, 36), portrait = app_portrait(u);
    int qs = portrait ? body.w / 2 : body.h * 3 / 4;
    if (!portrait && qs > body.w * 2 / 5)
        qs = body.w * 2 / 5;
    ui_rect info = body, qr;
    if (portrait) {
        qr = (ui_rect){body.x + (body.w - qs) / 2, body.y + body.h - qs - ui_px(u, 60), qs, qs};
        info.h = qr.y - body.y - gap;
    } else {
        qr = (ui_rect){body.x + body.w - qs, body.y + ui_px(u, 8), qs, qs};
        info.w = body.w - qs - gap;
    }
    ui_draw_rect(u, info, t->surface, ui_px(u, 18));
    int pad = ui_px(u, 40), y = info.y + pad, w = info.w - 2 * pad, x = info.x + pad;
    y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, headline, ui_font(u, 52), 1, t->ok, UI_LEFT, 1) + ui_px(u, 8);
    char name[400];
    if (strcmp(a->method, "guest") == 0 && !a->have_person)
        snprintf(name, sizeof name, "%s", a->guest);
    else
        store_person_fullname(&a->person, name, sizeof name);
    if (a->rcpt.name[0])
        snprintf(name, sizeof name, "%s", a->rcpt.name);
    y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, name, ui_font(u, 40), 1, t->ink, UI_LEFT, 1);
    y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, detail, ui_font(u, 30), 0, t->ink, UI_LEFT, 1) + ui_px(u, 16);
    char folio[120];
    snprintf(folio, sizeof folio, "Folio: %s", a->record.folio);
    ui_text(u, (ui_rect){x, y, w, ui_line_h(ui_font(u, 40))}, folio, ui_font(u, 40), 1, t->ink, UI_LEFT);
    y += ui_line_h(ui_font(u, 40)) + ui_px(u, 16);
    const char *status = "";
    ui_color sc = t->muted;
    switch (a->print_state) {
    case APP_PRINT_BUSY: status = "Imprimiendo su comprobante…"; break;
    case APP_PRINT_OK: status = "Tome su comprobante impreso."; sc = t->ok; break;
    case APP_PRINT_FAILED:
        status = "Su registro quedó guardado, pero no se pudo imprimir el comprobante. "
                 "Puede pedir una reimpresión con su folio a la persona coordinadora.";
        sc = t->danger;
        break;
    default: status = a->already ? "Puede reimprimir su comprobante." : ""; break;
    }
    ui_text_wrap(u, (ui_rect){x, y, w, 0}, status, ui_font(u, 32), 1, sc, UI_LEFT, 1);
    if (a->qr && a->qr_size > 0) {
        ui_draw_rect(u, qr, 0xFFFFFF, ui_px(u, 12));
        int q = ui_px(u, 24);
        ui_draw_qr(u, (ui_rect){qr.x + q, qr.y + q, qr.w - 2 * q, qr.h - 2 * q}, a->qr, a->qr_size);
        ui_text(u, (ui_rect){qr.x, qr.y + qr.h + ui_px(u, 8), qr.w, ui_line_h(ui_font(u, 28))},
                "Código de verificación", ui_font(u, 28), 0, t->muted, UI_CENTER);
    }
}

void app_screen_done(app *a, ui_ctx *u)
{
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, 28);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, 130), gap);
    char detail[400], when[64];
    util_format_time(a->tz, a->record.at ? a->record.at : u->now_ms / 1000, "%d/%m/%Y a las %H:%M", when,
                     sizeof when);
    if (pledge)
        snprintf(detail, sizeof detail, "Firmó la Carta Compromiso el %s.", when);
    else
        snprintf(detail, sizeof detail, "Registró su asistencia a «%s» el %s.", a->event.title, when);
    app_record_panel(a, u, body, pledge ? "¡Gracias! Su Carta Compromiso quedó firmada."
                                        : "¡Listo! Su asistencia quedó registrada.",
                     detail);
    if (ui_button(u, (ui_rect){buttons.x + buttons.w / 4, buttons.y, buttons.w / 2, buttons.h}, "Terminar",
                  UI_PRIMARY, 1))
        app_reset(a, u);
}

void app_screen_already(app *a, ui_ctx *u)
{
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, 28);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, 130), gap);
    char detail[400], when[64];
    util_format_time(a->tz, a->record.at, "%d/%m/%Y a las %H:%M", when, sizeof when);
    if (pledge)
        snprintf(detail, sizeof detail, "Usted firmó esta Carta Compromiso el %s. No necesita firmarla otra vez.",
                 when);
    else
        snprintf(detail, sizeof detail, "Su asistencia a «%s» quedó registrada el %s. No necesita registrarse otra vez.",
                 a->event.title, when);
    app_record_panel(a, u, body, pledge ? "Ya había firmado" : "Ya estaba registrado", detail);
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Reimprimir comprobante", UI_SECONDARY,
                  a->have_receipt && a->print_state != APP_PRINT_BUSY))
        app_print(a);
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Terminar", UI_PRIMARY, 1))
        app_reset(a, u);
}
