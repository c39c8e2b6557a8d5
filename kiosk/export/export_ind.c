/* export_ind.c — the indicator report PDF: headline figures against the
 * goals, a bar chart per unit for trained % (I.1) and pledged % (IV.3) with
 * the goal line (units behind in red, at or above in green), the units
 * covered (I.2), the monthly cumulative curve of the year, and the table.
 * All figures come from indicators_compute(); nothing is recomputed here. */
#include "export_int.h"

#include <cairo.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "export_labels.h"
#include "indicators.h"
#include "palette.h"
#include "util.h"

/* An event that counted, as the report lists it. */
typedef struct ind_event {
    store_event e;
    int counted;
    char link[EXPORT_FOLDER_LEN + 300];   /* its list in the package, from indicadores/; "" outside one */
} ind_event;

typedef struct ind_doc {
    const config *c;
    indicators ind;
    char tz[64];
    export_facts f;
    /* The report's own fingerprint: the SHA-256 of its CSV, signed (CKI2:). */
    char sha_hex[65], sig_hex[129], key_hex[65], payload[EXPORT_PAYLOAD_MAX];
    char kiosk[STORE_KIOSK_ID_LEN];
    int months;               /* months of the year shown on the curve (the year up to the export) */
    ind_event *events;
    int nevents, cap, oom;
} ind_doc;

static void ind_page_head(export_pdf *p, void *ctx)
{
    ind_doc *d = ctx;
    char sub[160];
    snprintf(sub, sizeof sub, "Programa Anual de Trabajo %d · seguimiento de metas", d->ind.year);
    p->y = export_pdf_letterhead(p, d->c, d->f.inst, "Informe de indicadores", sub);
}

static void ind_page_foot(export_pdf *p, void *ctx)
{
    ind_doc *d = ctx;
    export_pdf_footer_text(p, d->f.exported, d->f.audit_short, "");
}

/* Goal met, to two decimals as shown. */
static int meets(double pct, double goal)
{
    return pct + 1e-9 >= goal;
}

/* People still needed to reach goal % of staff. */
static int missing(int have, int staff, double goal)
{
    int need = (int)ceil(goal * staff / 100.0 - 1e-9);
    return need > have ? need - have : 0;
}

static void card(export_pdf *p, double x, double y, double w, double h, const char *label, double pct,
                 const char *detail, int ok, const char *status)
{
    if (p->draw) {
        export_pdf_rgb(p, PALETTE_CARD);
        cairo_rectangle(p->cr, x, y, w, h);
        cairo_fill(p->cr);
        export_pdf_rgb(p, ok ? PALETTE_GOOD : PALETTE_BAD);
        cairo_rectangle(p->cr, x, y, 4, h);
        cairo_fill(p->cr);
    }
    char big[32];
    snprintf(big, sizeof big, "%.2f %%", pct);
    export_pdf_rgb(p, PALETTE_LABEL);
    export_pdf_font(p, 7, EXPORT_BOLD);
    export_pdf_text(p, x + 12, y + 14, label, 0);
    export_pdf_rgb(p, ok ? PALETTE_GOOD : PALETTE_BAD);
    export_pdf_font(p, 21, EXPORT_BOLD);
    export_pdf_text(p, x + 12, y + 40, big, 0);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 8, 0);
    export_pdf_para(p, x + 12, y + 54, w - 20, 9.5, 1, detail);
    export_pdf_rgb(p, ok ? PALETTE_GOOD : PALETTE_BAD);
    export_pdf_font(p, 8, EXPORT_BOLD);
    export_pdf_para(p, x + 12, y + 66, w - 20, 9.5, 1, status);
}

static void cards(export_pdf *p, ind_doc *d)
{
    const indicators *ind = &d->ind;
    double gap = 12, w = (p->w - 2 * p->margin - 2 * gap) / 3, h = 76, y = p->y;
    char det[160], st[160];
    int ok = meets(ind->trained_pct, ind->goal_trained);
    snprintf(det, sizeof det, "%d de %d personas · meta %.0f %%", ind->trained, ind->staff, ind->goal_trained);
    if (ok)
        snprintf(st, sizeof st, "Cumple la meta");
    else
        snprintf(st, sizeof st, "Por debajo: faltan %d personas", missing(ind->trained, ind->staff, ind->goal_trained));
    card(p, p->margin, y, w, h, "I.1 PERSONAS CAPACITADAS", ind->trained_pct, det, ok, st);
    ok = meets(ind->units_covered_pct, ind->goal_units);
    snprintf(det, sizeof det, "%d de %d unidades · meta %.0f %%", ind->units_covered, ind->units_total,
             ind->goal_units);
    if (ok)
        snprintf(st, sizeof st, "Cumple la meta");
    else
        snprintf(st, sizeof st, "Por debajo: faltan %d unidades", ind->units_total - ind->units_covered);
    card(p, p->margin + w + gap, y, w, h, "I.2 UNIDADES CON CAPACITACIÓN", ind->units_covered_pct, det, ok, st);
    ok = meets(ind->pledged_pct, ind->goal_pledged);
    snprintf(det, sizeof det, "%d de %d personas · meta %.0f %%", ind->pledged, ind->staff, ind->goal_pledged);
    if (ok)
        snprintf(st, sizeof st, "Cumple la meta");
    else
        snprintf(st, sizeof st, "Por debajo: faltan %d firmas", missing(ind->pledged, ind->staff, ind->goal_pledged));
    card(p, p->margin + 2 * (w + gap), y, w, h, "IV.3 CARTA COMPROMISO FIRMADA", ind->pledged_pct, det, ok, st);
    p->y += h + 16;
}

/* Horizontal bars per unit against the goal; which = 0 trained, 1 pledged. */
static void bar_chart(export_pdf *p, ind_doc *d, int which)
{
    const indicators *ind = &d->ind;
    int n = ind->nunits;
    double avail = p->bottom - p->top - 140;
    double rowh = n ? fmin(19, fmax(9, avail / n)) : 19;
    double need = 46 + fmax(1, n) * rowh + 22;
    export_pdf_need(p, need);
    double goal = which ? ind->goal_pledged : ind->goal_trained;
    double x = p->margin, w = p->w - 2 * p->margin, y = p->y;
    double labw = 150, valw = 110, bx = x + labw, bw = w - labw - valw;
    char t[200];
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10.5, EXPORT_BOLD);
    snprintf(t, sizeof t, which ? "IV.3 · Personas que firmaron la Carta Compromiso, por unidad"
                                : "I.1 · Personas capacitadas en %d, por unidad", ind->year);
    export_pdf_text(p, x, y + 11, t, 0);
    y += 22;
    /* Axis: grid and ticks. */
    double top = y + 12, bottom = top + fmax(1, n) * rowh;
    export_pdf_font(p, 7, 0);
    for (int k = 0; k <= 4; k++) {
        double gx = bx + bw * k / 4.0;
        char tk[16];
        snprintf(tk, sizeof tk, "%d %%", k * 25);
        export_pdf_rgb(p, PALETTE_LABEL);
        export_pdf_text(p, gx, bottom + 9, tk, 1);
        if (p->draw) {
            export_pdf_rgb(p, PALETTE_GRID);
            cairo_set_line_width(p->cr, 0.5);
            cairo_move_to(p->cr, gx, top - 2);
            cairo_line_to(p->cr, gx, bottom);
            cairo_stroke(p->cr);
        }
    }
    for (int i = 0; i < n; i++) {
        const ind_unit *u = &ind->units[i];
        double pct = which ? u->pledged_pct : u->trained_pct;
        int num = which ? u->pledged : u->trained;
        int ok = meets(pct, goal);
        double ry = top + i * rowh, bh = rowh * 0.62, by = ry + (rowh - bh) / 2;
        char name[200], lines[1][EXPORT_LINE], val[96];
        snprintf(name, sizeof name, "%s (%s)", u->name, u->code);
        export_pdf_rgb(p, PALETTE_INK);
        export_pdf_font(p, fmin(8.5, rowh * 0.55), 0);
        export_pdf_wrap(p, name, labw - 8, 1, lines);
        export_pdf_text(p, bx - 6, by + bh * 0.78, lines[0], 2);
        if (p->draw) {
            export_pdf_rgb(p, ok ? PALETTE_GOOD : PALETTE_BAD);
            cairo_rectangle(p->cr, bx, by, bw * fmin(pct, 100) / 100, bh);
            cairo_fill(p->cr);
        }
        snprintf(val, sizeof val, "%.2f %% (%d de %d)", pct, num, u->staff);
        export_pdf_rgb(p, ok ? PALETTE_GOOD : PALETTE_BAD);
        export_pdf_font(p, fmin(8, rowh * 0.5), EXPORT_BOLD);
        export_pdf_text(p, bx + bw + 6, by + bh * 0.78, val, 0);
        if (!which && !u->has_training) {
            /* Its staff were trained at other units' events: the unit
             * itself held none (I.2), which a percentage alone hides. In
             * the chart, after the bar, or inside it when it is long. */
            static const char cap[] = "La unidad no ha realizado capacitaciones este año";
            double len = bw * fmin(pct, 100) / 100;
            export_pdf_font(p, fmin(7, rowh * 0.45), EXPORT_ITALIC);
            int after = export_pdf_width(p, cap) + 10 <= bw - len;
            export_pdf_rgb(p, after ? PALETTE_INK : 0xFFFFFF);
            export_pdf_text(p, after ? bx + len + 5 : bx + 5, by + bh * 0.74, cap, 0);
        }
    }
    if (n == 0) {
        export_pdf_rgb(p, PALETTE_LABEL);
        export_pdf_font(p, 8, EXPORT_ITALIC);
        export_pdf_text(p, bx + 6, top + 12, "Sin unidades con personal activo.", 0);
    }
    /* The goal line over the bars. */
    double gx = bx + bw * fmin(goal, 100) / 100;
    if (p->draw) {
        static const double dash[] = {4, 2.5};
        export_pdf_rgb(p, PALETTE_INK);
        cairo_set_line_width(p->cr, 1.3);
        cairo_set_dash(p->cr, dash, 2, 0);
        cairo_move_to(p->cr, gx, top - 6);
        cairo_line_to(p->cr, gx, bottom + 1);
        cairo_stroke(p->cr);
        cairo_set_dash(p->cr, NULL, 0, 0);
    }
    snprintf(t, sizeof t, "Meta %.0f %%", goal);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 7.5, EXPORT_BOLD);
    export_pdf_text(p, gx, top - 8, t, 1);
    p->y = bottom + 22;
}

static void legend(export_pdf *p)
{
    double x = p->margin, y = p->y;
    if (p->draw) {
        export_pdf_rgb(p, PALETTE_GOOD);
        cairo_rectangle(p->cr, x, y, 10, 8);
        cairo_fill(p->cr);
        export_pdf_rgb(p, PALETTE_BAD);
        cairo_rectangle(p->cr, x + 110, y, 10, 8);
        cairo_fill(p->cr);
    }
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 7.5, 0);
    export_pdf_text(p, x + 14, y + 7, "Cumple la meta", 0);
    export_pdf_text(p, x + 124, y + 7, "Por debajo de la meta", 0);
    export_pdf_text(p, x + 230, y + 7, "- - -  línea de meta", 0);
    p->y += 18;
}

/* Monthly cumulative percentages of the year with the goal lines. */
static void monthly_chart(export_pdf *p, ind_doc *d)
{
    static const char *const mon[] = {"Ene", "Feb", "Mar", "Abr", "May", "Jun",
                                      "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"};
    const indicators *ind = &d->ind;
    double ch = 200;
    export_pdf_need(p, ch + 70);
    double x = p->margin, w = p->w - 2 * p->margin, y = p->y;
    char t[160];
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10.5, EXPORT_BOLD);
    snprintf(t, sizeof t, "Avance mensual acumulado en %d (porcentaje del personal activo)", ind->year);
    export_pdf_text(p, x, y + 11, t, 0);
    y += 26;
    double tr[12], pl[12], vmax = fmax(ind->goal_trained, ind->goal_pledged);
    for (int k = 0; k < 12; k++) {
        tr[k] = indicators_pct(ind->monthly_trained[k], ind->staff);
        pl[k] = indicators_pct(ind->monthly_pledged[k], ind->staff);
        vmax = fmax(vmax, fmax(tr[k], pl[k]));
    }
    double ymax = fmin(100, ceil((vmax + 5) / 10) * 10);
    double ax = x + 34, aw = w - 34 - 10, top = y, bottom = y + ch;
    export_pdf_font(p, 7, 0);
    for (int g = 0; g <= 5; g++) {
        double v = ymax * g / 5, gy = bottom - ch * g / 5;
        char tk[16];
        snprintf(tk, sizeof tk, "%.0f %%", v);
        export_pdf_rgb(p, PALETTE_LABEL);
        export_pdf_text(p, ax - 4, gy + 2.5, tk, 2);
        if (p->draw) {
            export_pdf_rgb(p, PALETTE_GRID);
            cairo_set_line_width(p->cr, 0.5);
            cairo_move_to(p->cr, ax, gy);
            cairo_line_to(p->cr, ax + aw, gy);
            cairo_stroke(p->cr);
        }
    }
    double step = aw / 12;
    for (int k = 0; k < 12; k++) {
        export_pdf_rgb(p, PALETTE_LABEL);
        export_pdf_text(p, ax + step * (k + 0.5), bottom + 10, mon[k], 1);
    }
    const double *series[2] = {tr, pl};
    const unsigned colour[2] = {PALETTE_TRAINED, PALETTE_PLEDGED};
    const double goals[2] = {ind->goal_trained, ind->goal_pledged};
    int last = d->months; /* no point after the export date */
    for (int s = 0; s < 2 && p->draw; s++) {
        static const double dash[] = {5, 3};
        double gy = bottom - ch * fmin(goals[s], ymax) / ymax;
        export_pdf_rgb(p, colour[s]);
        cairo_set_line_width(p->cr, 1);
        cairo_set_dash(p->cr, dash, 2, 0);
        cairo_move_to(p->cr, ax, gy);
        cairo_line_to(p->cr, ax + aw, gy);
        cairo_stroke(p->cr);
        cairo_set_dash(p->cr, NULL, 0, 0);
        cairo_set_line_width(p->cr, 2);
        for (int k = 0; k < last; k++) {
            double px = ax + step * (k + 0.5), py = bottom - ch * series[s][k] / ymax;
            if (k == 0)
                cairo_move_to(p->cr, px, py);
            else
                cairo_line_to(p->cr, px, py);
        }
        cairo_stroke(p->cr);
        for (int k = 0; k < last; k++) {
            cairo_arc(p->cr, ax + step * (k + 0.5), bottom - ch * series[s][k] / ymax, 2.4, 0, 2 * M_PI);
            cairo_fill(p->cr);
        }
    }
    for (int s = 0; s < 2; s++) {
        double gy = bottom - ch * fmin(goals[s], ymax) / ymax;
        snprintf(t, sizeof t, "Meta %.0f %%", goals[s]);
        export_pdf_rgb(p, colour[s]);
        export_pdf_font(p, 7, EXPORT_BOLD);
        export_pdf_text(p, ax + aw - 2, gy - 3, t, 2);
        /* The last value, at the end of the curve. */
        if (last > 0) {
            snprintf(t, sizeof t, "%.2f %%", series[s][last - 1]);
            double py = bottom - ch * series[s][last - 1] / ymax;
            export_pdf_text(p, ax + step * (last - 0.5) - 4, py - 5, t, 2);
        }
    }
    if (last < 12) {
        snprintf(t, sizeof t, last ? "La curva llega hasta %s, el mes de esta exportación." :
                                     "El año aún no empieza: no hay avance que mostrar.",
                 last ? export_month_name(last) : "");
        export_pdf_rgb(p, PALETTE_NOTE);
        export_pdf_font(p, 7, EXPORT_ITALIC);
        export_pdf_text(p, ax + aw - 2, top + 10, t, 2);
    }
    (void)top;
    p->y = bottom + 18;
    /* Legend. */
    double lx = ax;
    const char *names[2] = {"Personas capacitadas (I.1)", "Firmantes de la Carta (IV.3)"};
    for (int s = 0; s < 2; s++) {
        if (p->draw) {
            export_pdf_rgb(p, colour[s]);
            cairo_set_line_width(p->cr, 2);
            cairo_move_to(p->cr, lx, p->y + 4);
            cairo_line_to(p->cr, lx + 16, p->y + 4);
            cairo_stroke(p->cr);
        }
        export_pdf_rgb(p, PALETTE_INK);
        export_pdf_font(p, 7.5, 0);
        export_pdf_text(p, lx + 20, p->y + 7, names[s], 0);
        lx += 170;
    }
    export_pdf_text(p, lx, p->y + 7, "- - -  metas", 0);
    p->y += 22;
}

static void coverage(export_pdf *p, ind_doc *d)
{
    const indicators *ind = &d->ind;
    char line[1200], missing_units[900] = "";
    size_t n = 0;
    for (int i = 0; i < ind->nunits; i++) {
        if (ind->units[i].has_training)
            continue;
        int w = snprintf(missing_units + n, sizeof missing_units - n, "%s%s (%s)", n ? ", " : "",
                         ind->units[i].name, ind->units[i].code);
        if (w < 0 || (size_t)w >= sizeof missing_units - n)
            break;
        n += (size_t)w;
    }
    export_pdf_need(p, 50);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10.5, EXPORT_BOLD);
    export_pdf_text(p, p->margin, p->y + 11, "I.2 · Unidades que realizaron al menos una acción de capacitación", 0);
    p->y += 18;
    snprintf(line, sizeof line, "%d de %d unidades (%.2f %%); meta %.0f %%.%s%s", ind->units_covered,
             ind->units_total, ind->units_covered_pct, ind->goal_units, n ? " Sin capacitación en el año: " : "",
             missing_units);
    export_pdf_rgb(p, meets(ind->units_covered_pct, ind->goal_units) ? PALETTE_GOOD : PALETTE_BAD);
    export_pdf_font(p, 9, EXPORT_BOLD);
    p->y += export_pdf_para(p, p->margin, p->y + 9, p->w - 2 * p->margin, 11.5, 4, line) * 11.5 + 10;
}

static void table(export_pdf *p, ind_doc *d)
{
    const indicators *ind = &d->ind;
    double x = p->margin, w = p->w - 2 * p->margin;
    const double cx[] = {0, 0.36, 0.46, 0.58, 0.69, 0.80, 0.91};
    char h3[40], h5[40];
    snprintf(h3, sizeof h3, "%% (meta %.0f)", ind->goal_trained);
    snprintf(h5, sizeof h5, "%% (meta %.0f)", ind->goal_pledged);
    const char *hd[] = {"Unidad", "Personal", "Capacitadas", h3, "Firmantes", h5, "Capacitación"};
    export_pdf_need(p, 40 + 15.0 * (ind->nunits + 1));
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10.5, EXPORT_BOLD);
    export_pdf_text(p, x, p->y + 11, "Tabla de indicadores por unidad", 0);
    p->y += 18;
    if (p->draw) {
        export_pdf_rgb(p, PALETTE_HEAD_BAND);
        cairo_rectangle(p->cr, x, p->y, w, 16);
        cairo_fill(p->cr);
    }
    export_pdf_rgb(p, PALETTE_HEAD_INK);
    export_pdf_font(p, 7.5, EXPORT_BOLD);
    export_pdf_text(p, x + 4, p->y + 11, hd[0], 0);
    for (int k = 1; k < 7; k++)
        export_pdf_text(p, k < 6 ? x + cx[k + 1] * w - 8 : x + w - 4, p->y + 11, hd[k], 2);
    p->y += 16;
    for (int i = 0; i <= ind->nunits; i++) {
        int tot = i == ind->nunits;
        const ind_unit *u = tot ? NULL : &ind->units[i];
        char name[200], a[24], b[24], c3[24], e[24], f[24], g[32];
        snprintf(name, sizeof name, "%s%s%s%s", tot ? "Total" : u->name, tot ? "" : " (", tot ? "" : u->code,
                 tot ? "" : ")");
        snprintf(a, sizeof a, "%d", tot ? ind->staff : u->staff);
        snprintf(b, sizeof b, "%d", tot ? ind->trained : u->trained);
        snprintf(c3, sizeof c3, "%.2f %%", tot ? ind->trained_pct : u->trained_pct);
        snprintf(e, sizeof e, "%d", tot ? ind->pledged : u->pledged);
        snprintf(f, sizeof f, "%.2f %%", tot ? ind->pledged_pct : u->pledged_pct);
        if (tot)
            snprintf(g, sizeof g, "%d de %d", ind->units_covered, ind->units_total);
        else
            snprintf(g, sizeof g, "%s", u->has_training ? "sí" : "no");
        export_pdf_need(p, 15);
        if (i % 2 && p->draw) {
            export_pdf_rgb(p, PALETTE_ROW_ALT);
            cairo_rectangle(p->cr, x, p->y, w, 15);
            cairo_fill(p->cr);
        }
        char lines[1][EXPORT_LINE];
        export_pdf_font(p, 8.5, tot ? EXPORT_BOLD : 0);
        export_pdf_rgb(p, PALETTE_INK);
        export_pdf_wrap(p, name, cx[1] * w - 8, 1, lines);
        export_pdf_text(p, x + 4, p->y + 11, lines[0], 0);
        const char *vals[] = {a, b, c3, e, f, g};
        for (int k = 0; k < 6; k++) {
            unsigned col = PALETTE_INK;
            if (k == 2)
                col = meets(tot ? ind->trained_pct : u->trained_pct, ind->goal_trained) ? PALETTE_GOOD : PALETTE_BAD;
            if (k == 4)
                col = meets(tot ? ind->pledged_pct : u->pledged_pct, ind->goal_pledged) ? PALETTE_GOOD : PALETTE_BAD;
            if (k == 5 && !tot && !u->has_training)
                col = PALETTE_BAD;
            export_pdf_rgb(p, col);
            double rx = k < 5 ? x + cx[k + 2] * w - 8 : x + w - 4;
            export_pdf_text(p, rx, p->y + 11, vals[k], 2);
        }
        p->y += 15;
        if (tot || i == ind->nunits - 1)
            export_pdf_hline(p, x, x + w, p->y, tot ? 0.8 : 0.5, PALETTE_HEAD_INK);
    }
    p->y += 10;
}

/* The events that counted, each with its list in the package (a link). */
static void events_section(export_pdf *p, ind_doc *d)
{
    const double cx[] = {0, 0.11, 0.50, 0.58, 0.70, 0.79, 0.89};
    const char *hd[] = {"Fecha", "Evento", "Unidad", "Tipo", "Clave PAT", "Personal", "Lista"};
    double x = p->margin, w = p->w - 2 * p->margin;
    char line[300];
    export_pdf_need(p, 60);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 10.5, EXPORT_BOLD);
    snprintf(line, sizeof line, "Eventos que cuentan para los indicadores en %d (%d)", d->ind.year, d->nevents);
    export_pdf_text(p, x, p->y + 11, line, 0);
    p->y += 16;
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    export_pdf_font(p, 7.5, 0);
    p->y += export_pdf_para(p, x, p->y + 8, w, 9.5, 3,
                            "Eventos con algún tema que cuenta, no en borrador, con personal registrado. \"Personal\" "
                            "es quienes asistieron y están activos en el padrón; una persona cuenta una sola vez en "
                            "el indicador aunque asista a varios eventos.") * 9.5 + 4;
    if (d->nevents == 0) {
        export_pdf_font(p, 8.5, EXPORT_ITALIC);
        export_pdf_text(p, x, p->y + 10, "Ningún evento cuenta todavía.", 0);
        p->y += 18;
        return;
    }
    int repeat = -1;
    for (int i = -1; i < d->nevents; i++) {
        const ind_event *v = i >= 0 ? &d->events[i] : NULL;
        char date[16], cnt[16], lines[3][EXPORT_LINE];
        const char *cells[7];
        if (v) {
            snprintf(date, sizeof date, "%.2s/%.2s/%.4s", v->e.start + 8, v->e.start + 5, v->e.start);
            snprintf(cnt, sizeof cnt, "%d", v->counted);
            const char *c7[7] = {date, v->e.title, v->e.unit, export_kind_label(v->e.kind), v->e.pat[0] ? v->e.pat : "—",
                                 cnt, v->link[0] ? "Ver lista" : "—"};
            memcpy(cells, c7, sizeof c7);
        } else {
            memcpy(cells, hd, sizeof hd);
        }
        export_pdf_font(p, 7.5, v ? 0 : EXPORT_BOLD);
        int n = export_pdf_wrap(p, cells[1], (cx[2] - cx[1]) * w - 6, 3, lines);
        double h = 5 + n * 9.5;
        if (v && p->y + h > p->bottom) {
            export_pdf_new_page(p);
            repeat = i; /* the header again, then this row */
            i = -2;
            continue;
        }
        if (!v && p->y + 2 * h > p->bottom)
            export_pdf_new_page(p);
        if (!v && p->draw) {
            export_pdf_rgb(p, PALETTE_HEAD_BAND);
            cairo_rectangle(p->cr, x, p->y, w, h);
            cairo_fill(p->cr);
        }
        export_pdf_rgb(p, v ? PALETTE_INK : PALETTE_HEAD_INK);
        for (int k = 0; k < 7; k++) {
            double cw = (k < 6 ? cx[k + 1] : 1.0) * w - cx[k] * w - 6;
            int link = k == 6 && v && v->link[0];
            if (link) {
                export_pdf_rgb(p, PALETTE_TRAINED);
                if (p->draw) {
                    char attr[EXPORT_FOLDER_LEN + 400];
                    /* A relative URI: viewers resolve it from the report's folder (cairo
                     * 1.16 writes a GoToR link without a valid destination). */
                    snprintf(attr, sizeof attr, "uri='%s'", v->link);
                    cairo_tag_begin(p->cr, CAIRO_TAG_LINK, attr);
                }
            }
            export_pdf_para(p, x + cx[k] * w + 3, p->y + 9, cw, 9.5, 3, cells[k]);
            if (link && p->draw)
                cairo_tag_end(p->cr, CAIRO_TAG_LINK);
        }
        p->y += h;
        export_pdf_hline(p, x, x + w, p->y, 0.3, PALETTE_ROW_RULE);
        if (!v && repeat >= 0) {
            i = repeat - 1; /* back to the row that did not fit */
            repeat = -1;
        }
    }
    p->y += 10;
}

static void notes(export_pdf *p, ind_doc *d)
{
    char topics[800] = "";
    size_t n = 0;
    for (int i = 0; i < d->c->ntopics; i++) {
        int w = snprintf(topics + n, sizeof topics - n, "%s%s", i ? ", " : "", export_topic_label(d->c->topics[i]));
        if (w < 0 || (size_t)w >= sizeof topics - n)
            break;
        n += (size_t)w;
    }
    char line[2000];
    snprintf(line, sizeof line,
             "Método: capacitadas son las personas del padrón activo que asistieron al menos a un evento iniciado en "
             "%d con alguno de los temas que cuentan (%s). Firmantes son quienes firmaron cualquier versión de la "
             "Carta Compromiso hasta el 31 de diciembre de %d. Cada persona cuenta una sola vez, en su unidad del "
             "padrón; las personas invitadas no cuentan.",
             d->ind.year, topics, d->ind.year);
    export_pdf_need(p, 60);
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    export_pdf_font(p, 7.5, 0);
    p->y += export_pdf_para(p, p->margin, p->y + 8, p->w - 2 * p->margin, 9.5, 6, line) * 9.5 + 6;
    export_pdf_rgb(p, d->f.audit.ok ? PALETTE_GOOD : PALETTE_BAD);
    export_pdf_font(p, 8, EXPORT_BOLD);
    p->y += export_pdf_para(p, p->margin, p->y + 8, p->w - 2 * p->margin, 10, 4, d->f.audit_line) * 10;
    if (d->f.head_line[0]) { /* the chain head signed at this export */
        export_pdf_rgb(p, PALETTE_INK_SOFT);
        export_pdf_font(p, 6.5, EXPORT_MONO);
        p->y += export_pdf_para(p, p->margin, p->y + 8, p->w - 2 * p->margin, 8, 4, d->f.head_line) * 8;
    }
}

/* The report's own fingerprint, as a list's: hex, how to check it, and
 * the signed QR (first page, under the charts). */
static void fingerprint(export_pdf *p, ind_doc *d)
{
    const double qr = 96;
    double x = p->margin, tw = p->w - 2 * p->margin - qr - 16;
    export_pdf_need(p, qr + 20);
    double y = p->y + 10, top = y;
    char how[600], by[400];
    snprintf(how, sizeof how, "Es el SHA-256 del CSV de este informe (cepci-kiosk export indicators --year %d --format "
             "csv; en el paquete de evidencias, indicadores/indicadores_%d.csv): compruébelo con «sha256sum».",
             d->ind.year, d->ind.year);
    snprintf(by, sizeof by, "Firmada con Ed25519 por el quiosco %s; el código QR nombra el año, las %d filas y el estado, "
             "y se comprueba con «cepci-kiosk verify». Llave pública del quiosco (SHA-256): %s",
             d->kiosk, d->ind.nunits + 1, d->key_hex);
    export_pdf_rgb(p, PALETTE_INK);
    export_pdf_font(p, 9, EXPORT_BOLD);
    export_pdf_text(p, x, y + 9, "Huella digital SHA-256 del informe:", 0);
    y += 12;
    export_pdf_font(p, 7.5, EXPORT_MONO);
    y += export_pdf_para(p, x, y + 8, tw, 9.5, 2, d->sha_hex) * 9.5 + 2;
    export_pdf_font(p, 7.5, EXPORT_ITALIC);
    export_pdf_rgb(p, PALETTE_INK_SOFT);
    y += export_pdf_para(p, x, y + 8, tw, 9.5, 4, how) * 9.5 + 2;
    export_pdf_font(p, 7.5, 0);
    y += export_pdf_para(p, x, y + 8, tw, 9.5, 5, by) * 9.5;
    export_pdf_qr(p, p->w - p->margin - qr, top, qr, d->payload);
    export_pdf_font(p, 6.5, 0);
    export_pdf_rgb(p, PALETTE_NOTE);
    export_pdf_text(p, p->w - p->margin - qr / 2, top + qr + 8, "Huella firmada del informe", 1);
    p->y = fmax(y, top + qr + 12);
}

static void ind_layout(export_pdf *p, void *ctx)
{
    ind_doc *d = ctx;
    p->page = 0;
    export_pdf_new_page(p);
    cards(p, d);
    bar_chart(p, d, 0);
    bar_chart(p, d, 1);
    legend(p);
    fingerprint(p, d);
    export_pdf_new_page(p);
    monthly_chart(p, d);
    coverage(p, d);
    table(p, d);
    events_section(p, d);
    notes(p, d);
    export_pdf_finish_pages(p);
}

static int collect_counted(const store_event *e, int counted, void *arg)
{
    ind_doc *d = arg;
    if (d->nevents == d->cap) {
        int cap = d->cap ? d->cap * 2 : 32;
        ind_event *ne = realloc(d->events, (size_t)cap * sizeof *ne);
        if (!ne) {
            d->oom = 1;
            return 1;
        }
        d->events = ne;
        d->cap = cap;
    }
    ind_event *v = &d->events[d->nevents++];
    memset(v, 0, sizeof *v);
    v->e = *e;
    v->counted = counted;
    return 0;
}

/* The link of each counted event to its list: "../<folder>/<list>.pdf". */
static int link_folder(const store_event *e, const char *folder, void *arg)
{
    ind_doc *d = arg;
    for (int i = 0; i < d->nevents; i++) {
        if (strcmp(d->events[i].e.id, e->id) == 0) {
            char name[600];
            export_event_filename(e, "lista-asistencia", "pdf", name, sizeof name);
            snprintf(d->events[i].link, sizeof d->events[i].link, "../%s/%s", folder, name);
        }
    }
    return 0;
}

/* The digest of computed indicators: the SHA-256 of their CSV. 0 or -1. */
static int digest_of(const indicators *ind, export_digest *d)
{
    char *csv = NULL;
    size_t len = 0;
    memset(d, 0, sizeof *d);
    FILE *m = open_memstream(&csv, &len);
    int rc = !m || indicators_write(ind, "csv", m) != 0;
    if (m && fclose(m) != 0)
        rc = 1;
    if (!rc) {
        crypto_hash_sha256(d->sha, (const unsigned char *)csv, len);
        d->rows = ind->nunits + 1;
    }
    free(csv);
    return rc ? -1 : 0;
}

int export_indicators_digest(store *s, const config *c, int year, export_digest *d, char *err, size_t errlen)
{
    indicators ind;
    if (!c || indicators_compute(s, c, year, &ind) != STORE_OK) {
        snprintf(err, errlen, "cannot compute the indicators: %s", c ? store_errmsg(s) : "no configuration");
        return -1;
    }
    int rc = digest_of(&ind, d);
    if (rc)
        snprintf(err, errlen, "export: out of memory");
    indicators_free(&ind);
    return rc;
}

static int indicators_pdf(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                          int links, char *err, size_t errlen)
{
    ind_doc *d = calloc(1, sizeof *d);
    export_pdf p;
    int rc = -1;
    if (!d) {
        snprintf(err, errlen, "export: out of memory");
        return -1;
    }
    d->c = c;
    if (indicators_compute(s, c, year, &d->ind) != STORE_OK) {
        snprintf(err, errlen, "cannot compute the indicators: %s", store_errmsg(s));
        free(d);
        return -1;
    }
    export_unit_tz(s, c, c->unit, d->tz, sizeof d->tz);
    struct tm tm;
    util_utc_to_local(d->tz, now, &tm);
    d->months = tm.tm_year + 1900 > year ? 12 : tm.tm_year + 1900 < year ? 0 : tm.tm_mon + 1;
    if (export_counted_events(s, c, year, collect_counted, d, err, errlen) != 0 || d->oom ||
        (links && export_package_folders(s, c, year, link_folder, d) != STORE_OK)) {
        if (d->oom || !err[0])
            snprintf(err, errlen, "cannot list the events that counted: %s", d->oom ? "out of memory" : store_errmsg(s));
        indicators_free(&d->ind);
        free(d->events);
        free(d);
        return -1;
    }
    export_facts_fill(s, c, d->tz, now, &d->f);
    /* Signed as the lists are: the same record, deterministic. */
    export_digest dg;
    util_strlcpy(d->kiosk, store_kiosk_id(s), sizeof d->kiosk);
    export_list_id id = {EXPORT_FP_INDICATORS, d->ind.nunits + 1, export_pledges_state(year, now, d->tz), NULL, year,
                         d->f.inst};
    if ((digest_of(&d->ind, &dg) != 0 && snprintf(err, errlen, "export: out of memory") > 0) ||
        export_sign_list(s, db_path, &id, dg.sha, d->payload, sizeof d->payload, d->sig_hex, d->key_hex, err,
                         errlen) != 0) {
        indicators_free(&d->ind);
        free(d->events);
        free(d);
        return -1;
    }
    sodium_bin2hex(d->sha_hex, sizeof d->sha_hex, dg.sha, sizeof dg.sha);
    double w, h;
    char title[200];
    snprintf(title, sizeof title, "Informe de indicadores %d", year);
    export_pdf_paper(c, 0, &w, &h);
    if (export_pdf_open(&p, path, w, h, title, d->f.inst, now, err, errlen) == 0) {
        p.page_head = ind_page_head;
        p.page_foot = ind_page_foot;
        p.ctx = d;
        export_pdf_render(&p, ind_layout, d);
        rc = export_pdf_close(&p, 1, err, errlen);
    }
    indicators_free(&d->ind);
    free(d->events);
    free(d);
    return rc;
}

int export_indicators_pdf(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                          char *err, size_t errlen)
{
    return indicators_pdf(s, c, db_path, year, path, now, 0, err, errlen);
}

int export_indicators_pdf_linked(store *s, const config *c, const char *db_path, int year, const char *path, int64_t now,
                                 char *err, size_t errlen)
{
    return indicators_pdf(s, c, db_path, year, path, now, 1, err, errlen);
}
