/* indicators.c — see indicators.h.
 *
 * The counts are one merge in C of three streams sorted by employee number
 * (active people, attendance, pledges), each read from a covering index:
 * no GROUP BY over a million rows, no sort, no hash lookups. */
#include "indicators.h"
#include "csvout.h"

#include <math.h>
#include <sqlite3.h>
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

/* Prepares sql on s's connection; NULL with the reason on s. */
static sqlite3_stmt *prepare(store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        store_sql_fail(s, rc, "compute indicators");
        return NULL;
    }
    return st;
}

/* Finalises st after a loop that ended with step result rc: STORE_OK when
 * the rows were all read, the error (on s) otherwise. */
static int finish(store *s, sqlite3_stmt *st, int rc)
{
    int code = rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : store_sql_fail(s, rc, "compute indicators");
    sqlite3_finalize(st);
    return code;
}

/* Loads units and their time zones (*tz: malloc'd, one per unit). */
static int load_units(store *s, indicators *ind, char (**tz)[64])
{
    sqlite3_stmt *st = prepare(s, "SELECT count(*) FROM unit");
    int n = 0, rc;
    if (!st)
        return STORE_ERROR;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    if ((rc = finish(s, st, rc)))
        return rc;
    ind->units = calloc((size_t)n + 1, sizeof *ind->units);
    *tz = calloc((size_t)n + 1, sizeof **tz);
    if (!ind->units || !*tz || !(st = prepare(s, "SELECT code, name, timezone FROM unit ORDER BY code")))
        return STORE_ERROR;
    while (ind->nunits < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ind_unit *u = &ind->units[ind->nunits];
        util_strlcpy(u->code, (const char *)sqlite3_column_text(st, 0), sizeof u->code);
        util_strlcpy(u->name, (const char *)sqlite3_column_text(st, 1), sizeof u->name);
        util_strlcpy((*tz)[ind->nunits], (const char *)sqlite3_column_text(st, 2), 64);
        ind->nunits++;
    }
    return finish(s, st, ind->nunits < n ? rc : SQLITE_DONE);
}

/* Month (1..12) of each qualifying event of the year, indexed by the
 * event's local row id (0 = not qualifying); marks has_training on the
 * units that held one. *months is malloc'd, *nmonths its length. */
static int load_events(store *s, const config *c, indicators *ind, unsigned char **months, sqlite3_int64 *nmonths)
{
    sqlite3_stmt *st = prepare(s, "SELECT ifnull(max(id), 0) + 1 FROM event");
    char year[8];
    int rc;
    snprintf(year, sizeof year, "%04d", ind->year);
    *nmonths = 1;
    if (!st)
        return STORE_ERROR;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        *nmonths = sqlite3_column_int64(st, 0);
    if ((rc = finish(s, st, rc)))
        return rc;
    if (!(*months = calloc((size_t)*nmonths, 1)))
        return STORE_ERROR;
    st = prepare(s,
        "SELECT e.id, e.unit_code, CAST(substr(e.start_local, 6, 2) AS INTEGER), "
        "(SELECT group_concat(topic, ',') FROM event_topic t WHERE t.event_id = e.id), "
        "e.state <> 'draft' AND EXISTS (SELECT 1 FROM attendance a INDEXED BY attendance_once "
        "WHERE a.event_id = e.id AND a.employee_no IS NOT NULL) "
        "FROM event e WHERE substr(e.start_local, 1, 4) = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, year, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char topics[256];
        int qualifies = 0;
        const unsigned char *tp = sqlite3_column_text(st, 3);
        util_strlcpy(topics, tp ? (const char *)tp : "", sizeof topics);
        for (char *save = NULL, *t = strtok_r(topics, ",", &save); t && !qualifies; t = strtok_r(NULL, ",", &save))
            qualifies = config_topic_counts(c, t);
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        int month = sqlite3_column_int(st, 2);
        if (!qualifies || id <= 0 || id >= *nmonths || month < 1 || month > 12)
            continue;
        (*months)[id] = (unsigned char)month;
        /* I.2: the unit "held" the event when it was not a draft and staff
         * attended it; an announced but empty event proves nothing. */
        int u = unit_index(ind, (const char *)sqlite3_column_text(st, 1));
        if (u >= 0 && sqlite3_column_int(st, 4))
            ind->units[u].has_training = 1;
    }
    return finish(s, st, rc);
}

/* Steps a merge cursor: *live while it is on a row; a step error goes to
 * *bad (an error must never read as "no more rows"). */
static void advance(sqlite3_stmt *st, int *live, int *bad)
{
    int rc = sqlite3_step(st);
    *live = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        *bad = rc;
}

/* Advances a cursor over rows sorted by employee number (column 0) until
 * its key is >= key; returns 1 while positioned on a row equal to key. */
static int seek(sqlite3_stmt *st, int *live, int *bad, const char *key)
{
    while (*live) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        int c = k ? strcmp(k, key) : -1;
        if (c == 0)
            return 1;
        if (c > 0)
            return 0;
        advance(st, live, bad);
    }
    return 0;
}

/* The counting pass: active people, their attendance and pledges, all read
 * in employee-number order (covering indexes) and merged, with no lookups.
 * month_end[u][k] is the first instant after month k in unit u's zone. */
static int count_people(store *s, indicators *ind, const unsigned char *months, sqlite3_int64 nmonths,
                        int64_t (*month_end)[12])
{
    sqlite3_stmt *pe, *at = NULL, *pl = NULL;
    int rc = STORE_ERROR, step = SQLITE_DONE;
    if (!(pe = prepare(s, "SELECT employee_no, unit_code FROM person WHERE active = 1 ORDER BY employee_no")) ||
        !(at = prepare(s, "SELECT employee_no, event_id FROM attendance INDEXED BY attendance_person "
                          "WHERE employee_no IS NOT NULL ORDER BY employee_no")) ||
        !(pl = prepare(s, "SELECT employee_no, min(at) FROM pledge GROUP BY employee_no ORDER BY employee_no")))
        goto out;
    int at_live, pl_live, bad = SQLITE_OK;
    advance(at, &at_live, &bad);
    advance(pl, &pl_live, &bad);
    while ((step = sqlite3_step(pe)) == SQLITE_ROW) {
        const char *no = (const char *)sqlite3_column_text(pe, 0);
        int u = unit_index(ind, (const char *)sqlite3_column_text(pe, 1));
        if (u < 0)
            continue;
        ind_unit *unit = &ind->units[u];
        unit->staff++;
        int first = 13;
        while (seek(at, &at_live, &bad, no)) {
            sqlite3_int64 ev = sqlite3_column_int64(at, 1);
            if (ev > 0 && ev < nmonths && months[ev] && months[ev] < first)
                first = months[ev];
            advance(at, &at_live, &bad);
        }
        int64_t pledged = INT64_MAX;
        if (seek(pl, &pl_live, &bad, no))
            pledged = sqlite3_column_int64(pl, 1);
        for (int k = 0; k < 12; k++) {
            unit->monthly_trained[k] += first <= k + 1;
            unit->monthly_pledged[k] += pledged < month_end[u][k];
        }
    }
    /* A cursor that stopped on an error (not at its end) must not pass for
     * "nobody else trained". */
    if (step != SQLITE_DONE)
        rc = store_sql_fail(s, step, "compute indicators");
    else if (bad != SQLITE_OK)
        rc = store_sql_fail(s, bad, "compute indicators");
    else
        rc = STORE_OK;
out:
    sqlite3_finalize(pe);
    sqlite3_finalize(at);
    sqlite3_finalize(pl);
    return rc;
}

int indicators_compute(store *s, const config *c, int year, indicators *ind)
{
    char (*tz)[64] = NULL;
    unsigned char *months = NULL;
    sqlite3_int64 nmonths = 0;
    int64_t (*month_end)[12] = NULL;
    memset(ind, 0, sizeof *ind);
    ind->year = year;
    ind->goal_trained = c->goal_trained;
    ind->goal_units = c->goal_units;
    ind->goal_pledged = c->goal_pledged;
    /* One read snapshot for units, events, people, attendance and pledges. */
    int own_tx = sqlite3_get_autocommit(store_db(s)) &&
                 sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc = load_units(s, ind, &tz);
    if (!rc)
        rc = load_events(s, c, ind, &months, &nmonths);
    if (!rc && !(month_end = calloc((size_t)ind->nunits + 1, sizeof *month_end)))
        rc = STORE_ERROR;
    /* Month ends of the year in each unit's zone: a pledge counts for month
     * k when it was made before the first instant of month k+1. */
    for (int u = 0; !rc && u < ind->nunits; u++) {
        for (int k = 0; k < 12; k++) {
            struct tm tm = {.tm_year = (k == 11 ? year + 1 : year) - 1900, .tm_mon = (k + 1) % 12, .tm_mday = 1,
                            .tm_isdst = -1};
            if (util_local_to_utc(tz[u], &tm, &month_end[u][k]) != 0)
                util_local_to_utc("America/Mexico_City", &tm, &month_end[u][k]);
        }
    }
    if (!rc)
        rc = count_people(s, ind, months, nmonths, month_end);
    if (own_tx)
        sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL);
    free(month_end);
    free(months);
    free(tz);
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
        "año", "unidad", "nombre", "personal", "capacitadas", "porcentaje_capacitadas", "meta_capacitadas",
        "firmantes_carta", "porcentaje_firmantes", "meta_firmantes", "con_capacitacion", NULL,
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
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
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
