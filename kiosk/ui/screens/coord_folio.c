/* coord_folio.c — coordinator mode: reprint any receipt by its folio (a
 * person whose receipt did not print, or who lost it). The field starts
 * with this kiosk's id; the keypad types the number (leading zeros may be
 * left out), a physical keyboard types any folio, of any kiosk. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "text.h"
#include "theme.h"
#include "util.h"

/* "KIOSKID-123" as the store writes it, "KIOSKID-000123", into out. */
static void folio_canonical(const char *in, char *out, size_t len)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", in);
    util_trim(buf);
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    char *dash = strrchr(buf, '-');
    if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1) && strlen(dash + 1) < 6) {
        *dash = 0;
        snprintf(out, len, "%s-%06d", buf, atoi(dash + 1));
        return;
    }
    snprintf(out, len, "%s", buf);
}

static void reprint(app *a)
{
    char folio[64];
    store_record r;
    folio_canonical(a->folio, folio, sizeof folio);
    a->folio_error = 1;
    if (!folio[0] || store_record_by_folio(a->s, folio, &r) != STORE_OK) {
        snprintf(a->folio_msg, sizeof a->folio_msg, "No hay ningún registro con el folio %s. Revíselo.", folio);
        return;
    }
    if (app_reprint(a, &r) != 0) {
        snprintf(a->folio_msg, sizeof a->folio_msg, "No se pudo preparar el comprobante del folio %s: %.200s", folio,
                 a->print_err);
        return;
    }
    a->folio_error = 0;
    snprintf(a->folio_msg, sizeof a->folio_msg, "Folio %s: %s%s%s.", folio, a->rcpt.name,
             a->rcpt.event_title[0] ? " · " : "", a->rcpt.event_title[0] ? a->rcpt.event_title : "Carta Compromiso");
}

void app_screen_coord_folio(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    ui_rect body = app_header(a, u, "Reimprimir por folio");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H_FORM), gap);
    int portrait = app_portrait(u);
    ui_rect left, right;
    app_split_h(body, portrait ? body.w : body.w / 2, gap * 2, &left, &right);
    if (portrait) {
        right = (ui_rect){body.x, body.y, body.w, ui_px(u, 300)};
        left = (ui_rect){body.x + body.w / 8, body.y + right.h + gap, body.w * 3 / 4, body.h - right.h - gap};
    }
    ui_rect field = {left.x, left.y, left.w, ui_px(u, THEME_FIELD_H)};
    app_field(u, field, a->folio, "Folio del comprobante");
    ui_rect pad = {left.x, field.y + field.h + gap, left.w, left.y + left.h - (field.y + field.h + gap)};
    if (pad.h > ui_px(u, 520))
        pad.h = ui_px(u, 520);
    if (ui_keypad(u, pad, a->folio, sizeof a->folio, (int)sizeof a->folio - 1))
        a->folio_msg[0] = 0;
    /* A physical keyboard (or a scanner reading a printed folio). */
    if (u->text[0] && strlen(a->folio) + strlen(u->text) < sizeof a->folio) {
        strcat(a->folio, u->text);
        a->folio_msg[0] = 0;
    }
    if (u->key_backspace && a->folio[0])
        a->folio[text_utf8_floor(a->folio, strlen(a->folio), strlen(a->folio) - 1)] = 0;
    int f = ui_font(u, THEME_TEXT_BODY_LARGE);
    int y = right.y + ui_text_wrap(u, (ui_rect){right.x, right.y, right.w, 0},
                                   "Escriba el folio que aparece en la pantalla o en el comprobante de la persona "
                                   "(por ejemplo, el número final: 123).",
                                   f, 0, t->ink, UI_LEFT, 1);
    if (a->folio_msg[0]) {
        y += ui_px(u, THEME_SPACE_M);
        y += ui_text_wrap(u, (ui_rect){right.x, y, right.w, 0}, a->folio_msg, f, 1, a->folio_error ? t->danger : t->ink,
                          UI_LEFT, 1);
        const char *st = "";
        ui_color sc = t->muted;
        if (!a->folio_error) {
            switch (a->print_state) {
            case APP_PRINT_BUSY: st = "Imprimiendo…"; break;
            case APP_PRINT_OK: st = "Impreso. Entréguelo a la persona."; sc = t->ok; break;
            case APP_PRINT_FAILED: st = "La impresora no respondió. Revise papel y conexión, y pruebe de nuevo."; sc = t->danger; break;
            default: break;
            }
        }
        if (*st)
            ui_text_wrap(u, (ui_rect){right.x, y + ui_px(u, THEME_SPACE_S), right.w, 0}, st, f, 1, sc, UI_LEFT, 1);
    }
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Volver", UI_SECONDARY, 1)) {
        a->coord_tab = 3;
        app_goto(a, u, APP_COORD);
        return;
    }
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Reimprimir", UI_PRIMARY,
                  strlen(a->folio) >= 3 && a->print_state != APP_PRINT_BUSY && app_has_printer(a)) ||
        (u->key_enter && a->folio[0]))
        reprint(a);
}
