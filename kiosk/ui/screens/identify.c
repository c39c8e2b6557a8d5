/* identify.c — who are you: employee number on a keypad, or name search
 * with the Spanish keyboard (after 2 letters, the best matches first, each
 * with the unit, and the area only where two people share a name). "No
 * aparezco en la lista" is on every tab in every orientation. A badge read
 * works here too (app.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "theme.h"
#include "util.h"

/* How well the folded name matches the folded query: each query word that
 * is a whole word of the name counts 4, a word's start 1; the query's first
 * word as the name's first (given name) or as a surname's start adds 2. */
static int match_score(const char *q, const char *name)
{
    int score = 0, first = 1;
    for (const char *w = q; *w; first = 0) {
        size_t wl = strcspn(w, " ");
        int best = 0, k = 0;
        for (const char *n = name; *n; k++) {
            size_t nl = strcspn(n, " ");
            if (wl <= nl && strncmp(w, n, wl) == 0) {
                int sc = wl == nl ? 4 : 1;
                if (first && k == 0)
                    sc += 2;
                if (sc > best)
                    best = sc;
            }
            n += nl;
            while (*n == ' ')
                n++;
        }
        score += best;
        w += wl;
        while (*w == ' ')
            w++;
    }
    return score;
}

typedef struct ranked {
    store_person p;
    char folded[400];
    int score;
} ranked;

static int ranked_cmp(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->score != b->score)
        return b->score - a->score;
    return strcmp(a->folded, b->folded);
}

/* Runs the search when the query changed (not every frame): the store's
 * matches ranked by how well the name matches, the best APP_MAX_RESULTS
 * listed, and whether there were more. */
static void update_search(app *a)
{
    if (strcmp(a->search, a->searched) == 0)
        return;
    snprintf(a->searched, sizeof a->searched, "%s", a->search);
    a->results_scroll = 0;
    a->nresults = 0;
    a->results_more = 0;
    char q[96];
    if (util_fold(a->search, q, sizeof q) < 2)
        return;
    static store_person found[APP_SEARCH_MAX];
    static ranked r[APP_SEARCH_MAX];
    int n = store_search(a->s, a->search, found, APP_SEARCH_MAX);
    if (n <= 0)
        return;
    for (int i = 0; i < n; i++) {
        char name[400];
        r[i].p = found[i];
        store_person_fullname(&found[i], name, sizeof name);
        util_fold(name, r[i].folded, sizeof r[i].folded);
        r[i].score = match_score(q, r[i].folded);
    }
    qsort(r, (size_t)n, sizeof r[0], ranked_cmp);
    /* The store stops at APP_SEARCH_MAX: there may be more than that. */
    a->results_more = n > APP_MAX_RESULTS || n == APP_SEARCH_MAX;
    a->nresults = n < APP_MAX_RESULTS ? n : APP_MAX_RESULTS;
    for (int i = 0; i < a->nresults; i++) {
        a->results[i] = r[i].p;
        /* The unit tells most people apart; the area only namesakes. */
        int namesake = 0;
        for (int k = 0; k < n && !namesake; k++)
            namesake = k != i && strcmp(r[k].folded, r[i].folded) == 0;
        const char *unit = app_unit_name(a, r[i].p.unit);
        snprintf(a->results_sub[i], sizeof a->results_sub[i], "%s%s%s", unit,
                 namesake && r[i].p.area[0] ? " · " : "", namesake ? r[i].p.area : "");
    }
}

/* "No aparezco en la lista": the guest form when checking in; in the
 * pledge flow (only people in the roster sign the Carta) what to do. */
static int not_listed(app *a, ui_ctx *u, ui_rect r)
{
    if (!ui_button(u, r, "No aparezco en la lista", UI_SECONDARY, 1))
        return 0;
    if (a->flow == APP_FLOW_PLEDGE) {
        app_set_message(a, 0,
                        "Para firmar aquí la Carta Compromiso necesita estar en el padrón. Pida a la persona "
                        "coordinadora que le agregue, o entréguele su Carta Compromiso firmada en papel.");
        return 0;
    }
    if (a->id_mode == 1 && a->search[0] && !a->guest[0])
        snprintf(a->guest, sizeof a->guest, "%s", a->search);
    app_goto(a, u, APP_GUEST);
    return 1;
}

static void results_list(app *a, ui_ctx *u, ui_rect r)
{
    const ui_theme *t = &u->theme;
    char folded[96];
    int f = ui_font(u, THEME_TEXT_BODY);
    if (util_fold(a->search, folded, sizeof folded) < 2) {
        ui_text_wrap(u, (ui_rect){r.x, r.y + ui_px(u, THEME_SPACE_M), r.w, 0},
                     "Escriba al menos 2 letras de su nombre o de sus apellidos. Los acentos no importan.", f, 0,
                     t->muted, UI_LEFT, 1);
        return;
    }
    if (a->nresults == 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "No encontramos a nadie con «%s». Revise lo que escribió.", a->search);
        ui_text_wrap(u, (ui_rect){r.x, r.y + ui_px(u, THEME_SPACE_M), r.w, 0}, msg, f, 1, t->ink, UI_LEFT, 1);
        return;
    }
    /* Rows as tall as the longest result needs: the name, and the unit (and
     * area) on one line or, when long, two. */
    int pad = ui_px(u, THEME_PAD), f1 = ui_font(u, THEME_TEXT_HEADING), f2 = ui_font(u, THEME_TEXT_CAPTION);
    int sub_lines = 1;
    for (int i = 0; i < a->nresults; i++) {
        int n = ui_text_nlines(u, a->results_sub[i], r.w - 2 * pad, f2, 0);
        if (n > sub_lines)
            sub_lines = n > 2 ? 2 : n;
    }
    int rh = ui_line_h(f1) + sub_lines * ui_line_h(f2) + ui_px(u, THEME_SPACE_XL), gap = ui_px(u, THEME_SPACE_S);
    if (rh < ui_px(u, 124))
        rh = ui_px(u, 124);
    int content = a->nresults * (rh + gap) - gap;
    /* Never a match hidden without a word: more than the list holds, or
     * more than the view shows, is said above the list. */
    if (a->results_more || content > r.h) {
        const char *more = a->results_more ? "Hay más resultados: escriba también el apellido."
                                           : "Deslice la lista para ver a todas las personas encontradas.";
        int h = ui_text_lines(u, (ui_rect){r.x, r.y, r.w, 0}, more, f2, 1, t->ink, UI_LEFT, 2, 1) +
                ui_px(u, THEME_SPACE_XS);
        r.y += h;
        r.h -= h;
    }
    ui_scroll_begin(u, r, "results", &a->results_scroll, content);
    for (int i = 0; i < a->nresults; i++) {
        const store_person *p = &a->results[i];
        ui_rect row = {r.x, r.y + i * (rh + gap) - a->results_scroll, r.w, rh};
        if (row.y + row.h < r.y || row.y > r.y + r.h)
            continue;
        char name[400];
        const char *sub = a->results_sub[i];
        store_person_fullname(p, name, sizeof name);
        /* The label is also the identity; namesakes get their position. */
        char label[480];
        int dup = 0;
        for (int k = 0; k < i; k++) {
            char other[400];
            store_person_fullname(&a->results[k], other, sizeof other);
            dup += strcmp(other, name) == 0;
        }
        if (dup)
            snprintf(label, sizeof label, "%s (%d)", name, dup + 1);
        else
            snprintf(label, sizeof label, "%s", name);
        int pressed;
        if (ui_hit(u, row, label, 1, &pressed)) {
            ui_scroll_end(u);
            app_identified(a, u, p, "search");
            return;
        }
        ui_draw_rect(u, row, pressed ? t->accent_soft : t->surface, ui_px(u, THEME_RADIUS));
        ui_draw_frame(u, row, pressed ? t->accent : t->border, ui_px(u, THEME_LINE));
        int ns = ui_text_nlines(u, sub, row.w - 2 * pad, f2, 0);
        ns = ns > 2 ? 2 : ns;
        int ty = row.y + (rh - ui_line_h(f1) - ns * ui_line_h(f2)) / 2;
        /* A long name shrinks (down to body text) before it is shortened. */
        int fn = ui_fit_size(u, name, row.w - 2 * pad, f1, ui_font(u, THEME_TEXT_BODY), 1);
        ui_text(u, (ui_rect){row.x + pad, ty, row.w - 2 * pad, ui_line_h(f1)}, name, fn, 1, t->ink, UI_LEFT);
        ui_text_lines(u, (ui_rect){row.x + pad, ty + ui_line_h(f1), row.w - 2 * pad, 0}, sub, f2, 0, t->muted,
                      UI_LEFT, 2, 1);
    }
    ui_scroll_end(u);
    if (content > r.h) {
        /* A scroll bar: where the view is in the list. */
        int track = r.h, th = track * r.h / content;
        if (th < ui_px(u, 40))
            th = ui_px(u, 40);
        int ty = r.y + (track - th) * a->results_scroll / (content - r.h);
        ui_draw_rect(u, (ui_rect){r.x + r.w + ui_px(u, 6), ty, ui_px(u, 8), th}, t->muted, ui_px(u, 4));
    }
}

void app_screen_identify(app *a, ui_ctx *u)
{
    const ui_theme *t = &u->theme;
    int pledge = a->flow == APP_FLOW_PLEDGE;
    ui_rect body = app_header(a, u, pledge ? "Firmar Carta Compromiso" : a->event.title);
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_GAP), portrait = app_portrait(u);
    /* Mode tabs and the way back. */
    int th = ui_px(u, THEME_TAB_H);
    ui_rect tabs = {body.x, body.y, body.w, th};
    int back_w = ui_px(u, 240), tw = (tabs.w - back_w - 2 * gap) / 2;
    if (ui_button(u, (ui_rect){tabs.x, tabs.y, back_w, th}, "Volver", UI_SECONDARY, 1)) {
        app_reset(a, u);
        return;
    }
    const char *labels[2] = {"Número de empleado", "Buscar mi nombre"};
    if (portrait) {
        labels[0] = "Mi número";
        labels[1] = "Mi nombre";
    }
    for (int i = 0; i < 2; i++) {
        ui_rect tr = {tabs.x + back_w + gap + i * (tw + gap), tabs.y, tw, th};
        if (ui_button(u, tr, labels[i], a->id_mode == i ? UI_PRIMARY : UI_SECONDARY, 1) && a->id_mode != i) {
            a->id_mode = i;
            a->message[0] = 0;
        }
    }
    body.y += th + gap;
    body.h -= th + gap;
    int fh = ui_px(u, THEME_FIELD_H);
    if (a->id_mode == 0) {
        ui_rect left, right;
        int lw = portrait ? body.w : body.w * 5 / 10;
        app_split_h(body, lw, gap * 2, &left, &right);
        if (portrait) {
            /* The instructions and "No aparezco" above the keypad. */
            right = (ui_rect){body.x, body.y, body.w, ui_px(u, 200) + fh + gap};
            left = (ui_rect){body.x + body.w / 8, body.y + right.h + ui_px(u, 20), body.w * 3 / 4,
                             body.h - right.h - ui_px(u, 20)};
        }
        ui_rect field = {left.x, left.y, left.w, fh};
        app_field(u, field, a->number, "Su número de empleado");
        ui_rect go = {left.x, left.y + left.h - ui_px(u, THEME_BUTTON_H_FORM), left.w, ui_px(u, THEME_BUTTON_H_FORM)};
        ui_rect pad = {left.x, field.y + field.h + gap, left.w, go.y - gap - (field.y + field.h + gap)};
        if (pad.h > ui_px(u, 560))
            pad = (ui_rect){pad.x, pad.y + (pad.h - ui_px(u, 560)) / 2, pad.w, ui_px(u, 560)};
        ui_keypad(u, pad, a->number, sizeof a->number, 12);
        if (ui_button(u, go, "Continuar", UI_PRIMARY, a->number[0] != 0) ||
            (u->key_enter && a->number[0] && !a->wedge[0])) {
            app_lookup_number(a, u, a->number, "number");
            return;
        }
        int f = ui_font(u, THEME_TEXT_BODY_LARGE);
        ui_rect help = portrait ? (ui_rect){right.x, right.y, right.w, right.h - fh - gap} : right;
        int h = ui_text_wrap(u, (ui_rect){help.x, help.y + ui_px(u, THEME_SPACE_XS), help.w, 0},
                             "Escriba su número de empleado y toque «Continuar».", f, 1, t->ink, UI_LEFT, 1);
        ui_text_wrap(u, (ui_rect){help.x, help.y + h + ui_px(u, THEME_SPACE_M), help.w, 0},
                     "¿Tiene gafete? Páselo por el lector en cualquier momento.", f, 0, t->muted, UI_LEFT, 1);
        ui_rect nl = portrait ? (ui_rect){right.x, right.y + right.h - fh, right.w, fh}
                              : (ui_rect){right.x, right.y + right.h - ui_px(u, THEME_BUTTON_H_FORM), right.w,
                                          ui_px(u, THEME_BUTTON_H_FORM)};
        not_listed(a, u, nl);
        return;
    }
    update_search(a);
    if (portrait) {
        ui_rect field = {body.x, body.y, body.w, fh};
        app_field(u, field, a->search, "Escriba su nombre o apellido");
        ui_rect kb = app_take_bottom(&body, ui_px(u, 520), gap);
        ui_rect nl = app_take_bottom(&body, fh, gap);
        if (not_listed(a, u, nl))
            return;
        if (ui_keyboard(u, kb, a->search, sizeof a->search))
            update_search(a);
        ui_rect list = {body.x, field.y + field.h + gap, body.w - ui_px(u, 16),
                        body.y + body.h - (field.y + field.h + gap)};
        results_list(a, u, list);
        return;
    }
    ui_rect left, right;
    app_split_h(body, body.w * 58 / 100, gap * 2, &left, &right);
    ui_rect field = {left.x, left.y, left.w, fh};
    app_field(u, field, a->search, "Escriba su nombre o apellido");
    ui_rect kb = {left.x, field.y + field.h + gap, left.w, left.h - field.h - gap};
    if (kb.h > ui_px(u, 520))
        kb.h = ui_px(u, 520);
    if (ui_keyboard(u, kb, a->search, sizeof a->search))
        update_search(a);
    ui_rect nl = app_take_bottom(&right, fh, gap);
    if (not_listed(a, u, nl))
        return;
    right.w -= ui_px(u, 16); /* room for the scroll bar */
    results_list(a, u, right);
}
