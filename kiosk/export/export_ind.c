/* export_ind.c — the indicator report PDF: headline figures against the
 * goals, a bar chart per unit for trained % (I.1) and pledged % (IV.3) with
 * the goal line (units behind in red, at or above in green), the units
 * covered (I.2), the monthly cumulative curve of the year, and the table.
 * All figures come from indicators_compute(); nothing is recomputed here. */
#include "export_int.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "palette.h"
#include "util.h"

typedef struct ind_doc {
    const config *c;
    indicators ind;
    char tz[64];
    export_facts f;
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
        if (!which && !u->has_training)
            snprintf(val, sizeof val, "%.2f %% · sin capacitación", pct);
        else
            snprintf(val, sizeof val, "%.2f %% (%d de %d)", pct, num, u->staff);
        export_pdf_rgb(p, ok ? PALETTE_GOOD : PALETTE_BAD);
        export_pdf_font(p, fmin(8, rowh * 0.5), EXPORT_BOLD);
        export_pdf_text(p, bx + bw + 6, by + bh * 0.78, val, 0);
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
        for (int k = 0; k < 12; k++) {
            double px = ax + step * (k + 0.5), py = bottom - ch * series[s][k] / ymax;
            if (k == 0)
                cairo_move_to(p->cr, px, py);
            else
                cairo_line_to(p->cr, px, py);
        }
        cairo_stroke(p->cr);
        for (int k = 0; k < 12; k++) {
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
        /* Year-end value at the right of the curve. */
        snprintf(t, sizeof t, "%.2f %%", series[s][11]);
        double py = bottom - ch * series[s][11] / ymax;
        export_pdf_text(p, ax + step * 11.5 - 4, py - 5, t, 2);
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

static void notes(export_pdf *p, ind_doc *d)
{
    char topics[400] = "";
    size_t n = 0;
    for (int i = 0; i < d->c->ntopics; i++) {
        int w = snprintf(topics + n, sizeof topics - n, "%s%s", i ? ", " : "", d->c->topics[i]);
        if (w < 0 || (size_t)w >= sizeof topics - n)
            break;
        n += (size_t)w;
    }
    char line[1600];
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

static void ind_layout(export_pdf *p, void *ctx)
{
    ind_doc *d = ctx;
    p->page = 0;
    export_pdf_new_page(p);
    cards(p, d);
    bar_chart(p, d, 0);
    bar_chart(p, d, 1);
    legend(p);
    export_pdf_new_page(p);
    monthly_chart(p, d);
    coverage(p, d);
    table(p, d);
    notes(p, d);
    export_pdf_finish_pages(p);
}

int export_indicators_pdf(store *s, const config *c, int year, const char *path, int64_t now, char *err,
                          size_t errlen)
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
    export_facts_fill(s, c, d->tz, now, &d->f);
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
    free(d);
    return rc;
}
