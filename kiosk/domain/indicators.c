/* indicators.c — see indicators.h.
 *
 * The counts are one pass over the active people (store_activity_each: a
 * merge of three streams sorted by employee number, each read from a
 * covering index — no GROUP BY over a million rows, no sort, no hash
 * lookups), with the qualifying events' months in a table indexed by the
 * event's local row number. */
#include "indicators.h"
#include "csvout.h"
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

double indicators_pct(int num, int den)
{
    if (den <= 0)
        return 0.0;
    return round((double)num * 10000.0 / (double)den) / 100.0;
}

static int unit_index(indicators *ind, const char *code)
{
    for (int i = 0; i < ind->nunits; i++)
        if (strcmp(ind->units[i].code, code) == 0)
            return i;
    return -1;
}

/* Units and their time zones, as store_unit_each lists them. */
struct units_ctx {
    indicators *ind;
    char (*tz)[STORE_TZ_LEN];   /* malloc'd, one per unit */
    int cap;
    int oom;
};

static int add_unit(const store_unit *su, void *arg)
{
    struct units_ctx *uc = arg;
    indicators *ind = uc->ind;
    if (ind->nunits == uc->cap) {
        int cap = uc->cap ? uc->cap * 2 : 16;
        ind_unit *units = realloc(ind->units, (size_t)cap * sizeof *units);
        if (units)
            ind->units = units;
        char (*tz)[STORE_TZ_LEN] = realloc(uc->tz, (size_t)cap * sizeof *tz);
        if (tz)
            uc->tz = tz;
        if (!units || !tz)
            return uc->oom = 1;
        uc->cap = cap;
    }
    ind_unit *u = &ind->units[ind->nunits];
    memset(u, 0, sizeof *u);
    util_strlcpy(u->code, su->code, sizeof u->code);
    util_strlcpy(u->name, su->name, sizeof u->name);
    util_strlcpy(uc->tz[ind->nunits], su->timezone, sizeof uc->tz[ind->nunits]);
    ind->nunits++;
    return 0;
}

/* Month (1..12) of each qualifying event of the year, indexed by the
 * event's local row number (0 = not qualifying); marks has_training on the
 * units that held one. */
struct events_ctx {
    const config *c;
    indicators *ind;
    unsigned char *months;
    int64_t nmonths;
};

static int add_event(const store_event_brief *e, void *arg)
{
    struct events_ctx *ec = arg;
    char topics[256];
    int qualifies = 0;
    util_strlcpy(topics, e->topics, sizeof topics);
    for (char *save = NULL, *t = strtok_r(topics, ",", &save); t && !qualifies; t = strtok_r(NULL, ",", &save))
        qualifies = config_topic_counts(ec->c, t);
    if (!qualifies || e->row <= 0 || e->row >= ec->nmonths || e->month < 1 || e->month > 12)
        return 0;
    ec->months[e->row] = (unsigned char)e->month;
    /* I.2: the unit "held" the event when it was not a draft and staff
     * attended it; an announced but empty event proves nothing. */
    int u = unit_index(ec->ind, e->unit);
    if (u >= 0 && e->held)
        ec->ind->units[u].has_training = 1;
    return 0;
}

/* The counting pass over active people (store_activity_each merges their
 * attendance and pledges). month_end[u][k] is the first instant after
 * month k in unit u's zone. */
struct count_ctx {
    indicators *ind;
    const unsigned char *months;
    int64_t nmonths;
    int64_t (*month_end)[12];
};

static int count_person(const store_activity *a, void *arg)
{
    struct count_ctx *cc = arg;
    int u = unit_index(cc->ind, a->unit);
    if (u < 0)
        return 0;
    ind_unit *unit = &cc->ind->units[u];
    unit->staff++;
    int first = 13;
    for (size_t i = 0; i < a->nevents; i++) {
        int64_t ev = a->events[i];
        if (ev > 0 && ev < cc->nmonths && cc->months[ev] && cc->months[ev] < first)
            first = cc->months[ev];
    }
    for (int k = 0; k < 12; k++) {
        unit->monthly_trained[k] += first <= k + 1;
        unit->monthly_pledged[k] += a->first_pledge < cc->month_end[u][k];
    }
    return 0;
}

int indicators_compute(store *s, const config *c, int year, indicators *ind)
{
    struct units_ctx uc = {.ind = ind};
    struct events_ctx ec = {.c = c, .ind = ind};
    int64_t (*month_end)[12] = NULL;
    memset(ind, 0, sizeof *ind);
    ind->year = year;
    ind->goal_trained = c->goal_trained;
    ind->goal_units = c->goal_units;
    ind->goal_pledged = c->goal_pledged;
    /* One read snapshot for units, events, people, attendance and pledges. */
    store_snapshot_begin(s);
    int rc = store_unit_each(s, add_unit, &uc);
    if (!rc && uc.oom)
        rc = STORE_ERROR;
    if (!rc)
        rc = store_event_rows(s, &ec.nmonths);
    if (!rc && !(ec.months = calloc((size_t)ec.nmonths, 1)))
        rc = STORE_ERROR;
    if (!rc)
        rc = store_event_brief_each(s, year, add_event, &ec);
    if (!rc && !(month_end = calloc((size_t)ind->nunits + 1, sizeof *month_end)))
        rc = STORE_ERROR;
    /* Month ends of the year in each unit's zone: a pledge counts for month
     * k when it was made before the first instant of month k+1. */
    for (int u = 0; !rc && u < ind->nunits; u++) {
        for (int k = 0; k < 12; k++) {
            struct tm tm = {.tm_year = (k == 11 ? year + 1 : year) - 1900, .tm_mon = (k + 1) % 12, .tm_mday = 1,
                            .tm_isdst = -1};
            if (util_local_to_utc(uc.tz[u], &tm, &month_end[u][k]) != 0)
                util_local_to_utc(CK_DEFAULT_TZ, &tm, &month_end[u][k]);
        }
    }
    if (!rc) {
        struct count_ctx cc = {ind, ec.months, ec.nmonths, month_end};
        rc = store_activity_each(s, count_person, &cc);
    }
    store_snapshot_end(s);
    free(month_end);
    free(ec.months);
    free(uc.tz);
    if (rc) {
        indicators_free(ind);
        return rc;
    }
    /* Roll up; units with no staff and no training stay out of the figures. */
    int keep = 0;
    for (int i = 0; i < ind->nunits; i++) {
        ind_unit *u = &ind->units[i];
        u->trained = u->monthly_trained[11];
        u->pledged = u->monthly_pledged[11];
        u->trained_pct = indicators_pct(u->trained, u->staff);
        u->pledged_pct = indicators_pct(u->pledged, u->staff);
        if (u->staff == 0 && !u->has_training)
            continue;
        ind->staff += u->staff;
        ind->trained += u->trained;
        ind->pledged += u->pledged;
        for (int k = 0; k < 12; k++) {
            ind->monthly_trained[k] += u->monthly_trained[k];
            ind->monthly_pledged[k] += u->monthly_pledged[k];
        }
        ind->units_total++;
        ind->units_covered += u->has_training;
        ind->units[keep++] = *u;
    }
    ind->nunits = keep;
    ind->trained_pct = indicators_pct(ind->trained, ind->staff);
    ind->pledged_pct = indicators_pct(ind->pledged, ind->staff);
    ind->units_covered_pct = indicators_pct(ind->units_covered, ind->units_total);
    return STORE_OK;
}

void indicators_free(indicators *ind)
{
    free(ind->units);
    ind->units = NULL;
    ind->nunits = 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Formats a percentage as JSON/CSV wants it: shortest of %.2f. */
static void num(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
}

static void write_json(const indicators *ind, FILE *f)
{
    char a[32], b[32], g1[32], g2[32], g3[32];
    num(g1, sizeof g1, ind->goal_trained);
    num(g2, sizeof g2, ind->goal_units);
    num(g3, sizeof g3, ind->goal_pledged);
    num(a, sizeof a, ind->trained_pct);
    num(b, sizeof b, ind->pledged_pct);
    fprintf(f, "{\"year\": %d,\n \"goals\": {\"trained_pct\": %s, \"units_covered_pct\": %s, \"pledged_pct\": %s},\n",
            ind->year, g1, g2, g3);
    fprintf(f, " \"overall\": {\"staff\": %d, \"trained\": %d, \"trained_pct\": %s,\n"
               "             \"pledged\": %d, \"pledged_pct\": %s},\n",
            ind->staff, ind->trained, a, ind->pledged, b);
    fprintf(f, " \"units_covered\": %d, \"units_total\": %d,\n \"units\": [", ind->units_covered, ind->units_total);
    for (int i = 0; i < ind->nunits; i++) {
        const ind_unit *u = &ind->units[i];
        num(a, sizeof a, u->trained_pct);
        num(b, sizeof b, u->pledged_pct);
        fprintf(f, "%s{\"code\": ", i ? ",\n           " : "");
        json_str(f, u->code);
        fprintf(f, ", \"name\": ");
        json_str(f, u->name);
        fprintf(f, ", \"staff\": %d,\n            \"trained\": %d, \"trained_pct\": %s, \"pledged\": %d,\n"
                   "            \"pledged_pct\": %s, \"has_training\": %s}",
                u->staff, u->trained, a, u->pledged, b, u->has_training ? "true" : "false");
    }
    fprintf(f, "]}\n");
}

static void write_csv(const indicators *ind, FILE *f)
{
    static const char *const head[] = {
        /* Spanish words, as a spreadsheet shows them (issue 14, item 7); json
         * has the codes scripts read. */
        "Año", "Unidad", "Nombre de la unidad", "Personal", "Personas capacitadas (I.1)",
        "Porcentaje de personal capacitado", "Meta de capacitación (%)", "Firmantes de la Carta (IV.3)",
        "Porcentaje de firmantes", "Meta de firmantes (%)", "Con capacitación (I.2)", NULL,
    };
    char a[32], b[32], g1[32], g3[32], cov[32];
    num(g1, sizeof g1, ind->goal_trained);
    num(g3, sizeof g3, ind->goal_pledged);
    csvout_bom(f);
    for (int i = 0; head[i]; i++)
        csvout_field(f, head[i], i == 0);
    csvout_end(f);
    snprintf(cov, sizeof cov, "%d de %d unidades", ind->units_covered, ind->units_total);
    for (int i = 0; i <= ind->nunits; i++) {
        int total = i == ind->nunits;
        const ind_unit *u = total ? NULL : &ind->units[i];
        num(a, sizeof a, total ? ind->trained_pct : u->trained_pct);
        num(b, sizeof b, total ? ind->pledged_pct : u->pledged_pct);
        csvout_int(f, ind->year, 1);
        csvout_field(f, total ? "TOTAL" : u->code, 0);
        csvout_field(f, total ? "Todas las unidades" : u->name, 0);
        csvout_int(f, total ? ind->staff : u->staff, 0);
        csvout_int(f, total ? ind->trained : u->trained, 0);
        csvout_field(f, a, 0);
        csvout_field(f, g1, 0);
        csvout_int(f, total ? ind->pledged : u->pledged, 0);
        csvout_field(f, b, 0);
        csvout_field(f, g3, 0);
        csvout_field(f, total ? cov : u->has_training ? "sí" : "no", 0);
        csvout_end(f);
    }
}

/* Display width of UTF-8 text (code points; the table's text is Latin). */
static int width(const char *s)
{
    return (int)text_utf8_count(s, strlen(s));
}

static void pad(FILE *f, const char *s, int w)
{
    fputs(s, f);
    for (int i = width(s); i < w; i++)
        fputc(' ', f);
}

static void write_text(const indicators *ind, FILE *f)
{
    int nw = width("Unidad");
    for (int i = 0; i < ind->nunits; i++)
        if (width(ind->units[i].name) > nw)
            nw = width(ind->units[i].name);
    if (width("Todas las unidades") > nw)
        nw = width("Todas las unidades");
    fprintf(f, "Indicadores %d\n\n", ind->year);
    pad(f, "Unidad", nw);
    fprintf(f, "  Personal  Capacitadas        %%  Firmaron Carta        %%  Capacitación\n");
    for (int i = 0; i <= ind->nunits; i++) {
        int total = i == ind->nunits;
        const ind_unit *u = total ? NULL : &ind->units[i];
        if (total) {
            for (int k = 0; k < nw + 72; k++)
                fputc('-', f);
            fputc('\n', f);
        }
        pad(f, total ? "Todas las unidades" : u->name, nw);
        fprintf(f, "  %8d  %11d  %6.2f%%  %14d  %6.2f%%  %s\n", total ? ind->staff : u->staff,
                total ? ind->trained : u->trained, total ? ind->trained_pct : u->trained_pct,
                total ? ind->pledged : u->pledged, total ? ind->pledged_pct : u->pledged_pct,
                total ? "" : u->has_training ? "sí" : "no");
    }
    fprintf(f, "\nI.1  Personal capacitado:        %6.2f %%  (meta %.0f %%)  %s\n", ind->trained_pct,
            ind->goal_trained, ind->trained_pct >= ind->goal_trained ? "cumple" : "no cumple");
    fprintf(f, "I.2  Unidades con capacitación:  %d de %d (%.2f %%, meta %.0f %%)  %s\n", ind->units_covered,
            ind->units_total, ind->units_covered_pct, ind->goal_units,
            ind->units_covered_pct >= ind->goal_units ? "cumple" : "no cumple");
    fprintf(f, "IV.3 Firmaron Carta Compromiso: %6.2f %%  (meta %.0f %%)  %s\n", ind->pledged_pct,
            ind->goal_pledged, ind->pledged_pct >= ind->goal_pledged ? "cumple" : "no cumple");
}

int indicators_write(const indicators *ind, const char *format, FILE *out)
{
    if (strcmp(format, "json") == 0)
        write_json(ind, out);
    else if (strcmp(format, "csv") == 0)
        write_csv(ind, out);
    else if (strcmp(format, "text") == 0)
        write_text(ind, out);
    else
        return -1;
    return ferror(out) ? -1 : 0;
}
