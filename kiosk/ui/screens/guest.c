/* guest.c — not in the roster: register as a guest by typing the full
 * name (method "guest"; guests never count for the indicators). The same
 * name twice at one event is refused by the store: the earlier record is
 * shown instead. */
#include <string.h>

#include "app.h"
#include "text.h"
#include "theme.h"
#include "util.h"

/* Characters (not bytes) of UTF-8 text. */
static int utf8_chars(const char *s)
{
    return (int)text_utf8_count(s, strlen(s));
}

static void too_long(app *a, int n)
{
    app_set_message(a, 1,
                    "El nombre tiene %d caracteres y el registro admite hasta %d. Acórtelo con «Borrar» (por ejemplo, "
                    "escriba un solo nombre y sus apellidos); no lo recortaremos por usted.",
                    n, APP_GUEST_MAX_CHARS);
}

/* 1 when the name has at least two words and five letters. */
static int name_ok(const char *s)
{
    int words = 0, letters = 0, in = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            in = 0;
            continue;
        }
        letters++;
        if (!in)
            words++;
        in = 1;
    }
    return words >= 2 && letters >= 5;
}

void app_screen_guest(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    ui_rect body = app_header(a, u, a->event.title);
    body = app_title(u, body, "Registro como persona invitada",
                     "Si no aparece en el padrón, escriba su nombre completo para registrar su asistencia como "
                     "persona invitada.");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP);
    ui_rect buttons = app_take_bottom(&body, ui_px(u, THEME_BUTTON_H_FORM), gap);
    ui_rect field = {body.x, body.y, body.w, ui_px(u, THEME_FIELD_H)};
    app_field(u, field, a->guest, "Nombre y apellidos");
    ui_rect kb = {body.x, field.y + field.h + gap, body.w, body.h - field.h - gap};
    if (kb.h > ui_px(u, 560))
        kb = (ui_rect){kb.x, kb.y + kb.h - ui_px(u, 560), kb.w, ui_px(u, 560)};
    if (!app_portrait(u) && kb.w > ui_px(u, 1500))
        kb = (ui_rect){kb.x + (kb.w - ui_px(u, 1500)) / 2, kb.y, ui_px(u, 1500), kb.h};
    if (ui_keyboard(u, kb, a->guest, sizeof a->guest)) {
        /* Told as soon as the name is too long, and again on "Registrarme". */
        int n = utf8_chars(a->guest);
        if (n > APP_GUEST_MAX_CHARS)
            too_long(a, n);
        else if (a->message_error)
            a->message[0] = 0;
    } else if (u->kb_full) {
        too_long(a, utf8_chars(a->guest));
    }
    int bw = (buttons.w - gap) / 2;
    if (ui_button(u, (ui_rect){buttons.x, buttons.y, bw, buttons.h}, "Volver", UI_SECONDARY, 1)) {
        app_goto(a, u, APP_IDENTIFY);
        return;
    }
    if (ui_button(u, (ui_rect){buttons.x + bw + gap, buttons.y, bw, buttons.h}, "Registrarme como persona invitada",
                  UI_PRIMARY, name_ok(a->guest))) {
        int n = utf8_chars(a->guest);
        if (n > APP_GUEST_MAX_CHARS) {
            too_long(a, n); /* refused whole, never cut */
            return;
        }
        util_trim(a->guest);
        memset(&a->person, 0, sizeof a->person);
        a->have_person = 0;
        strcpy(a->method, "guest");
        if (a->event.signature) {
            sig_clear(a->sig, 1, 1);
            a->sig_t0 = u->now_ms;
            app_goto(a, u, APP_SIGN);
        } else {
            app_record_checkin(a, u, NULL, 0);
        }
    }
    (void)t;
}
