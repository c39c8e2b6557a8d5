/* done.c — the record is saved: folio, QR on screen and the printing
 * status. A printer failure still says clearly that the record is saved;
 * with no printer configured the screen offers what exists (the QR and
 * the folio), never a printed receipt. The already screen shows no receipt
 * and no reprint: a copy of someone's receipt is the coordinator's to give
 * (reprinted by folio), and is offered only when there is a printer. "Terminar" takes the left third of the bottom row, where no
 * screen before it has its primary button. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "theme.h"
#include "util.h"


/* The text of the record panel at (x, y), width w: headline, name, detail,
 * folio and printing status. Returns its height; draws when draw != 0. */
static int panel_info(app *a, ui_ctx *u, int x, int y, int w, const char *headline, const char *detail, int draw)
{
    const ui_theme *t = &u->theme;
    int y0 = y;
    y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, headline, ui_font(u, THEME_TEXT_HEADLINE), 1, t->ok, UI_LEFT, draw) +
         ui_px(u, THEME_SPACE_XS);
    char name[400];
    if (strcmp(a->method, "guest") == 0 && !a->have_person)
        snprintf(name, sizeof name, "%s", a->guest);
    else
        store_person_fullname(&a->person, name, sizeof name);
    if (a->rcpt.name[0])
        snprintf(name, sizeof name, "%s", a->rcpt.name);
    y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, name, ui_font(u, THEME_TEXT_SUBTITLE), 1, t->ink, UI_LEFT, draw);
    y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, detail, ui_font(u, THEME_TEXT_BODY), 0, t->ink, UI_LEFT, draw) +
         ui_px(u, THEME_SPACE_M);
    const char *status = "";
    ui_color sc = t->muted;
    if (!a->already) {
        char folio[120];
        snprintf(folio, sizeof folio, "Folio: %s", a->record.folio);
        y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, folio, ui_font(u, THEME_TEXT_SUBTITLE), 1, t->ink, UI_LEFT,
                          draw) +
             ui_px(u, THEME_SPACE_M);
        switch (a->print_state) {
        case APP_PRINT_BUSY: status = "Imprimiendo su comprobante…"; break;
        case APP_PRINT_OK: status = "Tome su comprobante impreso."; sc = t->ok; break;
        case APP_PRINT_FAILED:
            status = "Su registro quedó guardado, pero no se pudo imprimir el comprobante. "
                     "Pida una reimpresión con su folio a la persona coordinadora.";
            sc = t->danger;
            break;
        default:
            if (!app_has_printer(a))
                status = a->qr ? "Su comprobante es este código: puede fotografiarlo o anotar su folio."
                               : "Anote su folio: es su comprobante.";
            break;
        }
    } else if (app_has_printer(a)) {
        /* Reprinted by folio in coordinator mode; with no printer there is
         * no copy to ask for (coordinator mode says so too). */
        status = "Si necesita otro comprobante, pídalo a la persona coordinadora.";
    }
    if (*status)
        y += ui_text_wrap(u, (ui_rect){x, y, w, 0}, status, ui_font(u, THEME_TEXT_BODY_LARGE), 1, sc, UI_LEFT, draw);
    return y - y0;
}

/* The QR with its caption below, in r (square part on top). */
static void panel_qr(app *a, ui_ctx *u, ui_rect r)
{
    int q = ui_px(u, 16);
    ui_draw_qr(u, (ui_rect){r.x + q, r.y + q, r.w - 2 * q, r.w - 2 * q}, a->qr, a->qr_size);
    int f = ui_font(u, THEME_TEXT_CAPTION);
    ui_text(u, (ui_rect){r.x - ui_px(u, 40), r.y + r.w, r.w + ui_px(u, 80), ui_line_h(f)}, "Código de verificación", f, 0,
            u->theme.muted, UI_CENTER);
}

/* One white card with the record and, when there is one, its QR: beside
 * the text in landscape, below it in portrait, the card sized to fit. */
static void app_record_panel(app *a, ui_ctx *u, ui_rect body, const char *headline, const char *detail)
{
    const ui_theme *t = &u->theme;
    int pad = ui_px(u, THEME_SPACE_XL), gap = ui_px(u, 36), cap = ui_line_h(ui_font(u, THEME_TEXT_CAPTION));
    int has_qr = a->qr && a->qr_size > 0 && !a->already;
    ui_rect card = body;
    if (app_portrait(u)) {
        int w = card.w - 2 * pad;
        int ih = panel_info(a, u, 0, 0, w, headline, detail, 0);
        int qs = has_qr ? w / 2 : 0;
        int room = body.h - 2 * pad - ih - gap - cap;
        if (qs > room)
            qs = room > ui_px(u, 240) ? room : ui_px(u, 240);
        card.h = pad + ih + (has_qr ? gap + qs + cap : 0) + pad;
        if (card.h < body.h)
            card.y += (body.h - card.h) / 3;
        ui_draw_rect(u, card, t->surface, ui_px(u, THEME_RADIUS_CARD));
        panel_info(a, u, card.x + pad, card.y + pad, w, headline, detail, 1);
        if (has_qr)
            panel_qr(a, u, (ui_rect){card.x + (card.w - qs) / 2, card.y + pad + ih + gap, qs, qs});
        return;
    }
    ui_draw_rect(u, card, t->surface, ui_px(u, THEME_RADIUS_CARD));
    int qs = has_qr ? card.h - 2 * pad - cap : 0;
    if (qs > card.w * 2 / 5)
        qs = card.w * 2 / 5;
    /* Give the text more room (a smaller QR) when it needs it. */
    int w = card.w - 2 * pad - (has_qr ? qs + gap : 0);
    while (has_qr && qs > ui_px(u, 260) && panel_info(a, u, 0, 0, w, headline, detail, 0) > card.h - 2 * pad) {
        qs -= ui_px(u, 16);
        w = card.w - 2 * pad - qs - gap;
    }
    int ih = panel_info(a, u, 0, 0, w, headline, detail, 0);
    int iy = card.y + (ih < card.h - 2 * pad ? (card.h - ih) / 2 : pad);
    panel_info(a, u, card.x + pad, iy, w, headline, detail, 1);
    if (has_qr)
        panel_qr(a, u, (ui_rect){card.x + card.w - pad - qs, card.y + (card.h - qs - cap) / 2, qs, qs});
}

/* The left third of the bottom row. */
static ui_rect terminar_rect(ui_rect buttons, int gap)
{
    return (ui_rect){buttons.x, buttons.y, (buttons.w - gap) / 3, buttons.h};
}

void app_screen_done(app *a, ui_ctx *u)
{
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FLOW);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
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
    if (ui_button(u, terminar_rect(buttons, gap), "Terminar", UI_PRIMARY, 1))
        app_reset(a, u);
}

void app_screen_already(app *a, ui_ctx *u)
{
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP_FLOW);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H), gap);
    char detail[400], when[64];
    if (pledge) {
        /* Not when: only that nothing more is needed. */
        snprintf(detail, sizeof detail, "Su Carta Compromiso ya estaba firmada. No necesita firmarla otra vez.");
    } else {
        util_format_time(a->tz, a->record.at, "%d/%m/%Y a las %H:%M", when, sizeof when);
        snprintf(detail, sizeof detail, "Su asistencia a «%s» quedó registrada el %s. No necesita registrarse otra vez.",
                 a->event.title, when);
    }
    app_record_panel(a, u, body, pledge ? "Ya había firmado" : "Su registro ya existía", detail);
    if (ui_button(u, terminar_rect(buttons, gap), "Terminar", UI_PRIMARY, 1))
        app_reset(a, u);
}
