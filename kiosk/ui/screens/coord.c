/* coord.c — coordinator mode: today's events (open/close, live count),
 * the attendees of one, the indicator bars per unit against the goals,
 * and the tools: printer test, reprint by folio, export of today's
 * evidence, leave, and close the kiosk (asked twice). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app.h"
#include "theme.h"
#include "evidence.h"
#include "export.h"
#include "indicators.h"
#include "util.h"

static const char *state_name(const char *st)
{
    return strcmp(st, "open") == 0 ? "Abierto" : strcmp(st, "closed") == 0 ? "Cerrado" : "Borrador";
}

/* One row of the events tab: its height at width w (and whether the text
 * goes above the buttons because it does not fit beside them). */
typedef struct event_row {
    char sub[200];
    int h, stacked, n1, n2;
} event_row;

static void event_row_layout(const app *a, ui_ctx *u, const store_event *e, int w, event_row *out)
{
    int pad = ui_px(u, THEME_PAD), gap = ui_px(u, THEME_SPACE_M), bw = ui_px(u, 260), bh = ui_px(u, THEME_TAB_H);
    int f1 = ui_font(u, THEME_TEXT_LEAD), f2 = ui_font(u, THEME_TEXT_CAPTION);
    char start[32];
    app_format_start(e->start, 1, start, sizeof start);
    snprintf(out->sub, sizeof out->sub, "%s · %s · %d asistente%s", start, state_name(e->state), e->attendees,
             e->attendees == 1 ? "" : "s");
    int side = w - 2 * pad - 2 * (bw + gap);
    out->stacked = ui_text_w(u, e->title, f1, 1) > side || ui_text_w(u, out->sub, f2, 0) > side;
    int tw = out->stacked ? w - 2 * pad : side;
    out->n1 = ui_text_nlines(u, e->title, tw, f1, 1);
    out->n2 = ui_text_nlines(u, out->sub, tw, f2, 0);
    out->n1 = out->n1 > 2 ? 2 : out->n1;
    out->n2 = out->n2 > 2 ? 2 : out->n2;
    int text = out->n1 * ui_line_h(f1) + out->n2 * ui_line_h(f2);
    out->h = out->stacked ? pad + text + gap + bh + pad : ui_px(u, 140);
    if (!out->stacked && text + pad > out->h)
        out->h = text + pad;
}

static void tab_events(app *a, ui_ctx *u, ui_rect r)
{
    const ui_theme *t = &u->theme;
    int gap = ui_px(u, THEME_SPACE_M);
    ui_rect add = app_take_bottom(&r, ui_px(u, THEME_FIELD_H), gap);
    if (!app_portrait(u))
        add.w /= 2;
    if (ui_button(u, add, "Nuevo evento rápido", UI_SECONDARY, 1)) {
        struct tm tm;
        util_utc_to_local(a->tz, u->now_ms / 1000, &tm);
        a->form_title[0] = a->form_place[0] = 0;
        a->form_kind = 0;
        a->form_sig = 1;
        a->form_topics = 1; /* ética */
        a->form_step = a->form_field = 0;
        a->form_layer = 1;  /* a capital first */
        a->form_start = (tm.tm_hour * 60 + tm.tm_min) / 5 * 5;
        app_goto(a, u, APP_COORD_EVENT);
        return;
    }
    if (a->ncoord_events == 0) {
        ui_text_wrap(u, r, "No hay eventos para hoy. Cree uno rápido o con la línea de comandos.",
                     ui_font(u, THEME_TEXT_BODY), 0, t->muted, UI_LEFT, 1);
        return;
    }
    event_row rows[APP_MAX_COORD_EVENTS];
    int content = 0;
    for (int i = 0; i < a->ncoord_events; i++) {
        event_row_layout(a, u, &a->coord_events[i], r.w, &rows[i]);
        content += rows[i].h + gap;
    }
    ui_scroll_begin(u, r, "events", &a->events_scroll, content);
    int y = r.y - a->events_scroll;
    for (int i = 0; i < a->ncoord_events; i++) {
        store_event *e = &a->coord_events[i];
        const event_row *lr = &rows[i];
        ui_rect row = {r.x, y, r.w, lr->h};
        y += lr->h + gap;
        ui_draw_rect(u, row, i == a->coord_sel ? t->accent_soft : t->surface, ui_px(u, THEME_RADIUS));
        int pad = ui_px(u, THEME_PAD), bw = ui_px(u, 260), bh = ui_px(u, THEME_TAB_H);
        int f1 = ui_font(u, THEME_TEXT_LEAD), f2 = ui_font(u, THEME_TEXT_CAPTION);
        int text = lr->n1 * ui_line_h(f1) + lr->n2 * ui_line_h(f2);
        ui_rect b1, tx;
        if (lr->stacked) {
            tx = (ui_rect){row.x + pad, row.y + pad, row.w - 2 * pad, text};
            b1 = (ui_rect){row.x + row.w - pad - bw, row.y + row.h - pad - bh, bw, bh};
        } else {
            tx = (ui_rect){row.x + pad, row.y + (row.h - text) / 2, row.w - 2 * pad - 2 * (bw + gap), text};
            b1 = (ui_rect){row.x + row.w - pad - bw, row.y + (row.h - bh) / 2, bw, bh};
        }
        int ty = tx.y + ui_text_lines(u, (ui_rect){tx.x, tx.y, tx.w, 0}, e->title, f1, 1, t->ink, UI_LEFT, 2, 1);
        ui_text_lines(u, (ui_rect){tx.x, ty, tx.w, 0}, lr->sub, f2, 0, t->ink, UI_LEFT, 2, 1);
        ui_rect b2 = {b1.x - gap - bw, b1.y, bw, bh};
        int open = strcmp(e->state, "open") == 0;
        const char *lab = open ? "Cerrar" : "Abrir";
        char id[64];
        snprintf(id, sizeof id, "%s-%d", lab, i);
        int pressed;
        if (ui_hit(u, b1, id, 1, &pressed)) {
            if (store_event_set_state(a->s, e->id, open ? "closed" : "open", u->now_ms / 1000) == STORE_CLOSED)
                app_set_message(a, 1, "Este evento ya se cerró. Para reabrirlo hay que dar el motivo, con la línea "
                                       "de comandos: event open ID --reopen --reason \"...\".");
            app_refresh_open(a, u->now_ms, 1);
            app_coord_load(a, u->now_ms);
            break;
        }
        ui_draw_rect(u, b1, pressed ? t->pressed : open ? t->danger : t->accent, ui_px(u, THEME_RADIUS));
        ui_label(u, b1, lab, t->on_accent);
        snprintf(id, sizeof id, "Asistentes-%d", i);
        if (ui_hit(u, b2, id, 1, &pressed)) {
            a->coord_sel = i;
            a->coord_tab = 1;
            a->attendees_scroll = 0;
            app_coord_load(a, u->now_ms);
        }
        ui_draw_rect(u, b2, pressed ? t->accent_soft : t->surface, ui_px(u, THEME_RADIUS));
        ui_draw_frame(u, b2, t->accent, ui_px(u, THEME_LINE_BOLD));
        ui_label(u, b2, "Asistentes", t->accent);
    }
    ui_scroll_end(u);
}

static void tab_attendees(app *a, ui_ctx *u, ui_rect r)
{
    const ui_theme *t = &u->theme;
    if (a->ncoord_events == 0) {
        ui_text(u, (ui_rect){r.x, r.y, r.w, ui_px(u, 80)}, "No hay eventos para hoy.", ui_font(u, THEME_TEXT_BODY), 0,
                t->muted, UI_LEFT);
        return;
    }
    const store_event *e = &a->coord_events[a->coord_sel];
    char head[400];
    snprintf(head, sizeof head, "%s — %d asistente%s", e->title, e->attendees, e->attendees == 1 ? "" : "s");
    int f = ui_font(u, THEME_TEXT_HEADING);
    int hh = ui_text_lines(u, (ui_rect){r.x, r.y, r.w, 0}, head, f, 1, t->ink, UI_LEFT, 2, 1) + ui_px(u, THEME_SPACE_M);
    r.y += hh;
    r.h -= hh;
    int rh = ui_line_h(ui_font(u, THEME_TEXT_BODY)) + ui_px(u, THEME_SPACE_M);
    ui_draw_rect(u, r, t->surface, ui_px(u, THEME_RADIUS));
    ui_scroll_begin(u, r, "attendees", &a->attendees_scroll, a->nattendees * rh + ui_px(u, THEME_SPACE_M));
    for (int i = 0; i < a->nattendees; i++) {
        app_attendee *at = &a->attendees[i];
        int y = r.y + ui_px(u, THEME_SPACE_XS) + i * rh - a->attendees_scroll;
        if (y + rh < r.y || y > r.y + r.h)
            continue;
        char when[16], line[300];
        util_format_time(a->tz, at->at, "%H:%M", when, sizeof when);
        snprintf(line, sizeof line, "%s  %s%s", when, at->name, at->guest ? " (persona invitada)" : "");
        int f1 = ui_font(u, THEME_TEXT_BODY);
        ui_text(u, (ui_rect){r.x + ui_px(u, THEME_PAD), y, r.w - ui_px(u, 200), rh}, line, f1, 0, t->ink, UI_LEFT);
        ui_text(u, (ui_rect){r.x + r.w - ui_px(u, 180), y, ui_px(u, 156), rh}, at->unit, f1, 0, t->muted, UI_RIGHT);
    }
    ui_scroll_end(u);
}

static void bar(ui_ctx *u, ui_rect r, double pct, double goal, const char *label)
{
    const ui_theme *t = &u->theme;
    int f = ui_font(u, THEME_TEXT_CAPTION);
    char txt[120];
    snprintf(txt, sizeof txt, "%s %.1f %%", label, pct);
    /* The label column fits the longest label ("Capacitación 100.0 %"). */
    int lw = ui_text_w(u, "Capacitación 100.0 %", f, 0) + ui_px(u, THEME_SPACE_M);
    ui_text(u, (ui_rect){r.x, r.y, lw, r.h}, txt, f, 0, t->ink, UI_LEFT);
    ui_rect track = {r.x + lw, r.y + r.h / 4, r.w - lw, r.h / 2};
    ui_draw_rect(u, track, THEME_KEY_ALT, ui_px(u, 6));
    int fill = (int)(track.w * (pct > 100 ? 100 : pct) / 100.0);
    ui_draw_rect(u, (ui_rect){track.x, track.y, fill, track.h}, pct >= goal ? t->ok : t->accent, ui_px(u, 6));
    int gx = track.x + (int)(track.w * (goal > 100 ? 100 : goal) / 100.0);
    ui_draw_rect(u, (ui_rect){gx - ui_px(u, 2), r.y, ui_px(u, 4), r.h}, t->ink, 0);
}

static void tab_indicators(app *a, ui_ctx *u, ui_rect r)
{
    const ui_theme *t = &u->theme;
    const indicators *ind = a->ind;
    if (!ind) {
        ui_text(u, (ui_rect){r.x, r.y, r.w, ui_px(u, 80)}, "No se pudieron calcular los indicadores.",
                ui_font(u, THEME_TEXT_BODY), 0, t->muted, UI_LEFT);
        return;
    }
    char head[300];
    snprintf(head, sizeof head, "%d · Capacitación %.1f %% (meta %.0f %%) · Carta %.1f %% (meta %.0f %%) · Unidades %d de %d",
             ind->year, ind->trained_pct, ind->goal_trained, ind->pledged_pct, ind->goal_pledged, ind->units_covered,
             ind->units_total);
    int f = ui_font(u, THEME_TEXT_BODY);
    int hh = ui_text_wrap(u, (ui_rect){r.x, r.y, r.w, 0}, head, f, 1, t->ink, UI_LEFT, 1) + ui_px(u, THEME_SPACE_M);
    /* A unit that held no training of its own says so on a line of its
     * own, about the unit (its people may have been trained elsewhere:
     * the bar beside it counts them). */
    int fc = ui_font(u, THEME_TEXT_CAPTION), any_untrained = 0;
    for (int i = 0; i < ind->nunits; i++)
        any_untrained |= !ind->units[i].has_training;
    int caph = any_untrained ? ui_line_h(fc) : 0;
    int bh = ui_px(u, 44), uh = ui_line_h(f) + caph + 2 * bh + ui_px(u, 20);
    int cols = r.w > ui_px(u, 1400) ? 2 : 1, cw = (r.w - (cols - 1) * ui_px(u, THEME_SPACE_XL)) / cols;
    for (int i = 0; i < ind->nunits; i++) {
        const ind_unit *un = &ind->units[i];
        int x = r.x + (i % cols) * (cw + ui_px(u, THEME_SPACE_XL)), y = r.y + hh + (i / cols) * uh;
        if (y + uh > r.y + r.h)
            break;
        char name[200];
        snprintf(name, sizeof name, "%s — %d persona%s", un->name, un->staff, un->staff == 1 ? "" : "s");
        int fn = ui_fit_size(u, name, cw, f, ui_px(u, THEME_TEXT_CAPTION), 1);
        ui_text(u, (ui_rect){x, y, cw, ui_line_h(f)}, name, fn, 1, t->ink, UI_LEFT);
        if (!un->has_training)
            ui_text(u, (ui_rect){x, y + ui_line_h(f), cw, caph}, "La unidad no ha realizado capacitaciones este año.",
                    ui_fit_size(u, "La unidad no ha realizado capacitaciones este año.", cw, fc, ui_px(u, THEME_TEXT_MIN), 0),
                    0, t->muted, UI_LEFT);
        int by = y + ui_line_h(f) + caph;
        bar(u, (ui_rect){x, by, cw, bh}, un->trained_pct, ind->goal_trained, "Capacitación");
        bar(u, (ui_rect){x, by + bh, cw, bh}, un->pledged_pct, ind->goal_pledged, "Carta");
    }
}

/* Exports today's evidence to the configured folder: the attendance list
 * of each of today's events that has been opened (PDF and CSV) and the
 * pledge database (PDF and CSV). The folder must exist (a USB stick that is
 * not plugged in must not become a folder on the kiosk's own disk). The
 * result, in plain Spanish, goes to a->export_msg. */
static void export_today(app *a, ui_ctx *u)
{
    char err[512], path[1400], day[16];
    int files = 0, failed = 0;
    int64_t now = u->now_ms / 1000;
    struct stat st;
    a->export_error = 1;
    if (stat(a->c->export_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(a->export_msg, sizeof a->export_msg,
                 "No se encontró la carpeta %s. Conecte la memoria USB (o revise [export] dir en la configuración) "
                 "e inténtelo de nuevo.", a->export_path);
        return;
    }
    util_format_time(a->tz, now, "%Y%m%d", day, sizeof day);
    static const char *const fmts[] = {"pdf", "csv"};
    for (int i = 0; i < a->ncoord_events && !failed; i++) {
        const store_event *e = &a->coord_events[i];
        if (strcmp(e->state, "draft") == 0)
            continue;
        for (int k = 0; k < 2 && !failed; k++) {
            snprintf(path, sizeof path, "%s/asistencia-%s-%.8s.%s", a->c->export_dir, day, e->id, fmts[k]);
            if (export_attendance(a->s, a->c, a->db_path, e->id, fmts[k], path, now, err, sizeof err) == 0)
                files++;
            else
                failed = 1;
        }
    }
    for (int k = 0; k < 2 && !failed; k++) {
        snprintf(path, sizeof path, "%s/cartas-compromiso-%s.%s", a->c->export_dir, day, fmts[k]);
        if (export_pledges(a->s, a->c, a->db_path, 0, fmts[k], path, now, err, sizeof err) == 0)
            files++;
        else
            failed = 1;
    }
    if (failed) {
        snprintf(a->export_msg, sizeof a->export_msg,
                 "No se pudieron guardar todas las evidencias en %s (se guardaron %d archivos). Revise que la "
                 "memoria USB esté conectada, no esté protegida y tenga espacio. Detalle: %.200s",
                 a->export_path, files, err);
        return;
    }
    a->export_error = 0;
    snprintf(a->export_msg, sizeof a->export_msg,
             "Listo: se guardaron %d archivos en %s (listas de asistencia de hoy y Cartas Compromiso, en PDF y CSV).",
             files, a->export_path);
}

/* Writes the year's evidence package (evidence.h) to the configured folder,
 * under a name that says what it is and never over an earlier package. The
 * result, in plain Spanish, goes to a->export_msg. */
static void export_package(app *a, ui_ctx *u)
{
    char err[512], path[1400], day[16], year[8];
    int64_t now = u->now_ms / 1000;
    struct stat st;
    export_evidence_stats es;
    a->export_error = 1;
    if (stat(a->c->export_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(a->export_msg, sizeof a->export_msg,
                 "No se encontró la carpeta %s. Conecte la memoria USB (o revise [export] dir en la configuración) "
                 "e inténtelo de nuevo.", a->export_path);
        return;
    }
    util_format_time(a->tz, now, "%Y", year, sizeof year);
    util_format_time(a->tz, now, "%Y-%m-%d", day, sizeof day);
    for (int k = 1; k < 100; k++) {
        char again[8] = "";
        if (k > 1)
            snprintf(again, sizeof again, "_%d", k);
        snprintf(path, sizeof path, "%s/evidencias_%s_%s_%s%s.zip", a->c->export_dir, year, a->unit_code, day, again);
        if (stat(path, &st) != 0)
            break;
    }
    if (export_evidence(a->s, a->c, a->db_path, atoi(year), path, now, &es, err, sizeof err) != 0) {
        snprintf(a->export_msg, sizeof a->export_msg,
                 "No se pudo guardar el paquete de evidencias en %s. Revise que la memoria USB esté conectada, no "
                 "esté protegida y tenga espacio. Detalle: %.200s", a->export_path, err);
        return;
    }
    a->export_error = 0;
    snprintf(a->export_msg, sizeof a->export_msg,
             "Listo: paquete de evidencias %s guardado en %s (%d archivos, %d eventos, firmado). Se comprueba con "
             "«cepci-kiosk verify --package».", year, a->export_path, es.files, es.events);
}

/* Starts a test print: a sample receipt through the configured printer. */
static void print_test(app *a, ui_ctx *u)
{
    memset(&a->rcpt, 0, sizeof a->rcpt);
    snprintf(a->rcpt.institution, sizeof a->rcpt.institution, "%s", a->institution);
    snprintf(a->rcpt.kind, sizeof a->rcpt.kind, "Prueba de impresora");
    snprintf(a->rcpt.name, sizeof a->rcpt.name, "Prueba de impresión");
    snprintf(a->rcpt.unit_name, sizeof a->rcpt.unit_name, "%s", a->unit_name);
    util_format_time(a->tz, u->now_ms / 1000, "%d/%m/%Y %H:%M", a->rcpt.local_time, sizeof a->rcpt.local_time);
    snprintf(a->rcpt.folio, sizeof a->rcpt.folio, "PRUEBA");
    a->rcpt.payload[0] = 0; /* no QR: nothing signed to verify */
    a->have_receipt = 1;
    a->print_test = 1;
    app_print(a);
}

/* One tool: a button and its explanation or result, beside it when there is
 * room, else below it. Returns 1 when the button fired; advances *y. */
static int tool_row(ui_ctx *u, ui_rect r, int *y, const char *label, int style, int enabled, const char *text,
                    ui_color color, int bold)
{
    int gap = ui_px(u, THEME_GAP), bh = ui_px(u, THEME_BUTTON_H_FORM), f = ui_font(u, THEME_TEXT_BODY);
    int bw = r.w * 45 / 100 < ui_px(u, 900) ? r.w * 45 / 100 : ui_px(u, 900);
    int beside = r.w - bw - gap >= ui_px(u, 560);
    if (!beside)
        bw = r.w;
    int fired = ui_button(u, (ui_rect){r.x, *y, bw, bh}, label, style, enabled);
    int th = 0;
    if (text && *text) {
        ui_rect tr = beside ? (ui_rect){r.x + bw + gap, *y, r.w - bw - gap, 0}
                            : (ui_rect){r.x, *y + bh + ui_px(u, THEME_SPACE_S), r.w, 0};
        th = ui_text_wrap(u, tr, text, f, bold, 0, UI_LEFT, 0);
        if (beside && th < bh)
            tr.y += (bh - th) / 2;
        ui_text_wrap(u, tr, text, f, bold, color, UI_LEFT, 1);
    }
    *y += beside ? (th > bh ? th : bh) + gap : bh + (th ? th + ui_px(u, THEME_SPACE_S) : 0) + gap;
    return fired;
}

static void tab_tools(app *a, ui_ctx *u, ui_rect r)
{
    const ui_theme *t = &u->theme;
    int y = r.y;
    char ps[400];
    ui_color pc = t->muted;
    int none = !a->c->printer_uri[0] || strcmp(a->c->printer_uri, "none") == 0;
    if (none)
        snprintf(ps, sizeof ps, "No hay impresora configurada: los comprobantes solo se muestran en pantalla "
                                "([printer] uri en la configuración).");
    else
        snprintf(ps, sizeof ps, "Imprime un comprobante de prueba en %s.", a->c->printer_uri);
    if (a->print_test) {
        switch (a->print_state) {
        case APP_PRINT_BUSY:
            snprintf(ps, sizeof ps, "Imprimiendo la prueba…");
            pc = t->ink;
            break;
        case APP_PRINT_OK:
            snprintf(ps, sizeof ps, none ? "Prueba terminada. No hay impresora configurada: no se imprimió nada."
                                         : "La impresora respondió bien. Revise que el comprobante de prueba "
                                           "salió completo y legible.");
            pc = none ? t->ink : t->ok;
            break;
        case APP_PRINT_FAILED:
            snprintf(ps, sizeof ps, "La impresora no respondió. Revise que esté encendida, conectada y con papel, "
                                    "y pruebe de nuevo. Detalle: %.200s", a->print_err);
            pc = t->danger;
            break;
        default:
            break;
        }
    }
    if (tool_row(u, r, &y, "Probar impresora", UI_SECONDARY, a->print_state != APP_PRINT_BUSY, ps, pc,
                 a->print_test))
        print_test(a, u);
    if (tool_row(u, r, &y, "Reimprimir por folio", UI_SECONDARY, !none,
                 none ? "Sin impresora no hay reimpresiones: el folio y el código se ven en la pantalla de cada "
                        "registro."
                      : "Imprime otra vez el comprobante de cualquier registro, con su folio.",
                 t->muted, 0)) {
        snprintf(a->folio, sizeof a->folio, "%s-", store_kiosk_id(a->s));
        a->folio_msg[0] = 0;
        a->print_test = 0;
        a->print_state = APP_PRINT_NONE;
        app_goto(a, u, APP_COORD_FOLIO);
        return;
    }
    char ex[600];
    if (a->export_msg[0])
        snprintf(ex, sizeof ex, "%s", a->export_msg);
    else
        snprintf(ex, sizeof ex, "Guarda en %s las listas de asistencia de hoy y las Cartas Compromiso (PDF y CSV).",
                 a->export_path[0] ? a->export_path : a->c->export_dir);
    if (tool_row(u, r, &y, "Exportar evidencias de hoy", UI_SECONDARY, 1, ex,
                 !a->export_msg[0] ? t->muted : a->export_error ? t->danger : t->ok, a->export_msg[0] != 0))
        export_today(a, u);
    if (tool_row(u, r, &y, "Paquete de evidencias del año", UI_SECONDARY, 1,
                 "Un archivo ZIP con todas las evidencias del año por actividad del PAT, firmado.", t->muted, 0))
        export_package(a, u);
    if (a->backup_msg[0])
        y += ui_text_wrap(u, (ui_rect){r.x, y, r.w, 0}, a->backup_msg, ui_font(u, THEME_TEXT_BODY), a->backup_error,
                          a->backup_error ? t->danger : t->muted, UI_LEFT, 1) + ui_px(u, THEME_GAP);
    char sync[900];
    app_sync_status(a, sync, sizeof sync);
    if (sync[0])
        y += ui_text_wrap(u, (ui_rect){r.x, y, r.w, 0}, sync, ui_font(u, THEME_TEXT_BODY), 0,
                          strstr(sync, "detenida") ? t->danger : t->muted, UI_LEFT, 1) + ui_px(u, THEME_GAP);
    /* Closing the kiosk stays at the bottom, away from the other tools. */
    int yq = r.y + r.h - ui_px(u, THEME_BUTTON_H_FORM) - ui_px(u, THEME_GAP);
    int bw = r.w * 45 / 100 < ui_px(u, 900) ? r.w * 45 / 100 : ui_px(u, 900);
    if (r.w - bw - ui_px(u, THEME_GAP) < ui_px(u, 560))
        yq -= 2 * ui_line_h(ui_font(u, THEME_TEXT_BODY)) + ui_px(u, THEME_SPACE_S);
    if (yq < y)
        yq = y;
    if (!a->quit_confirm) {
        if (tool_row(u, r, &yq, "Cerrar el quiosco", UI_DANGER, 1,
                     "Apaga la aplicación. Para volver a usarla hay que iniciarla de nuevo.", t->muted, 0)) {
            a->quit_confirm = 1;
            ui_settle(u, u->now_ms + APP_SETTLE_MS);
        }
        return;
    }
    /* Asked once more: "No, seguir" exactly where "Cerrar el quiosco" was,
     * so a double tap keeps the kiosk running; the closing button beside
     * it, or above it when there is no room beside. */
    int gap = ui_px(u, THEME_GAP), bh = ui_px(u, THEME_BUTTON_H_FORM);
    int f = ui_font(u, THEME_TEXT_BODY);
    int beside = r.w - bw - gap >= ui_px(u, 560);
    if (!beside)
        bw = r.w;
    ui_rect no = {r.x, yq, bw, bh};
    ui_rect yes = beside ? (ui_rect){r.x + bw + gap, yq, r.w - bw - gap, bh} : (ui_rect){r.x, yq - bh - gap, r.w, bh};
    const char *ask = "¿Cerrar el quiosco? Nadie podrá registrarse hasta que se inicie de nuevo.";
    int ah = ui_text_wrap(u, (ui_rect){r.x, 0, r.w, 0}, ask, f, 1, 0, UI_LEFT, 0);
    ui_text_wrap(u, (ui_rect){r.x, yes.y - ah - ui_px(u, THEME_SPACE_S), r.w, 0}, ask, f, 1, t->danger, UI_LEFT, 1);
    if (ui_button(u, no, "No, seguir", UI_SECONDARY, 1))
        a->quit_confirm = 0;
    if (ui_button(u, yes, "Sí, cerrar el quiosco", UI_DANGER, 1))
        a->quit = 1;
}

void app_screen_coord(app *a, ui_ctx *u)
{
    if (u->now_ms - a->coord_loaded_ms > 2000 || u->now_ms < a->coord_loaded_ms)
        app_coord_load(a, u->now_ms);
    ui_rect body = app_header(a, u, "Modo coordinador");
    body = app_banner(a, u, body);
    int gap = ui_px(u, THEME_SPACE_M), th = ui_px(u, THEME_TAB_H);
    static const char *const tabs[] = {"Eventos de hoy", "Asistentes", "Indicadores", "Herramientas"};
    /* Four tabs and "Salir" in a row; in portrait the tabs take two rows of
     * two (the same labels, whole) and "Salir" stands beside both. */
    int portrait = app_portrait(u), exit_w = ui_px(u, 180);
    int cols = portrait ? 2 : 4, rows = portrait ? 2 : 1;
    int tw = (body.w - exit_w - cols * gap) / cols;
    for (int i = 0; i < 4; i++) {
        ui_rect tr = {body.x + (i % cols) * (tw + gap), body.y + (i / cols) * (th + gap), tw, th};
        if (ui_button(u, tr, tabs[i], a->coord_tab == i ? UI_PRIMARY : UI_SECONDARY, 1)) {
            a->coord_tab = i;
            a->quit_confirm = 0;
            app_coord_load(a, u->now_ms);
        }
    }
    int tabs_h = rows * th + (rows - 1) * gap;
    if (ui_button(u, (ui_rect){body.x + body.w - exit_w, body.y, exit_w, tabs_h}, "Salir", UI_SECONDARY, 1)) {
        app_reset(a, u);
        return;
    }
    ui_rect r = {body.x, body.y + tabs_h + ui_px(u, 32), body.w, body.h - tabs_h - ui_px(u, 32)};
    switch (a->coord_tab) {
    case 0: tab_events(a, u, r); break;
    case 1: tab_attendees(a, u, r); break;
    case 2: tab_indicators(a, u, r); break;
    default: tab_tools(a, u, r); break;
    }
}
