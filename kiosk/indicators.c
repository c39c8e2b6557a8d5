/* indicators.c — see indicators.h.
 *
 * The counts are made in C over three streams (active people, attendance at
 * the year's qualifying events, pledges) with a hash from employee number to
 * person, instead of GROUP BY over a million rows: one pass, no sort. */
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

typedef struct person_slot {
    char *employee_no;     /* NULL = empty slot */
    int unit;              /* index into ind->units */
    int first_month;       /* 1..12 first qualifying attendance in Y, 0 none */
    int64_t first_pledge;  /* earliest pledge time, INT64_MAX none */
} person_slot;

typedef struct person_map {
    person_slot *slots;
    size_t cap;            /* power of two */
    char *pool;            /* employee numbers, one allocation */
} person_map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static person_slot *map_find(person_map *m, const char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->slots[i].employee_no) {
        if (strcmp(m->slots[i].employee_no, key) == 0)
            return &m->slots[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

static person_slot *map_insert(person_map *m, char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->slots[i].employee_no)
        i = (i + 1) & (m->cap - 1);
    m->slots[i].employee_no = key;
    return &m->slots[i];
}

static int unit_index(indicators *ind, const char *code)
{
    for (int i = 0; i < ind->nunits; i++)
        if (strcmp(ind->units[i].code, code) == 0)
            return i;
    return -1;
}

static int sql_err(store *s, int rc)
{
    (void)rc;
    (void)s;
    return STORE_ERROR;
}

/* Loads units and their time zones. */
static int load_units(store *s, indicators *ind, char (**tz)[64])
{
    sqlite3 *db = store_db(s);
    sqlite3_stmt *st;
    int n = 0, rc;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM unit", -1, &st, NULL) != SQLITE_OK)
        return STORE_ERROR;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    ind->units = calloc((size_t)n + 1, sizeof *ind->units);
    *tz = calloc((size_t)n + 1, sizeof **tz);
    if (!ind->units || !*tz)
        return STORE_ERROR;
    rc = sqlite3_prepare_v2(db, "SELECT code, name, timezone FROM unit ORDER BY code", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_err(s, rc);
    while (ind->nunits < n && sqlite3_step(st) == SQLITE_ROW) {
        ind_unit *u = &ind->units[ind->nunits];
        util_strlcpy(u->code, (const char *)sqlite3_column_text(st, 0), sizeof u->code);
        util_strlcpy(u->name, (const char *)sqlite3_column_text(st, 1), sizeof u->name);
        util_strlcpy((*tz)[ind->nunits], (const char *)sqlite3_column_text(st, 2), 64);
        ind->nunits++;
    }
    sqlite3_finalize(st);
    return STORE_OK;
}

static int load_people(store *s, indicators *ind, person_map *m)
{
    sqlite3 *db = store_db(s);
    sqlite3_stmt *st;
    size_t bytes = 0;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*), ifnull(sum(length(employee_no) + 1), 0) FROM person "
                               "WHERE active = 1", -1, &st, NULL) != SQLITE_OK)
        return STORE_ERROR;
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int(st, 0);
        bytes = (size_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    m->cap = 16;
    while (m->cap < (size_t)n * 2)
        m->cap *= 2;
    m->slots = calloc(m->cap, sizeof *m->slots);
    m->pool = malloc(bytes + 1);
    if (!m->slots || !m->pool)
        return STORE_ERROR;
    if (sqlite3_prepare_v2(db, "SELECT employee_no, unit_code FROM person WHERE active = 1", -1, &st, NULL) !=
        SQLITE_OK)
        return STORE_ERROR;
    char *p = m->pool;
    int rc, k = 0;
    while (k < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *no = (const char *)sqlite3_column_text(st, 0);
        int u = unit_index(ind, (const char *)sqlite3_column_text(st, 1));
        size_t len = strlen(no) + 1;
        if (u < 0 || (size_t)(p - m->pool) + len > bytes)
            continue;
        memcpy(p, no, len);
        person_slot *slot = map_insert(m, p);
        p += len;
        slot->unit = u;
        slot->first_month = 0;
        slot->first_pledge = INT64_MAX;
        ind->units[u].staff++;
        k++;
    }
    sqlite3_finalize(st);
    return STORE_OK;
}

/* Marks first_month for everyone who attended a qualifying event in year,
 * and has_training on the units that held one. */
static int load_training(store *s, const config *c, indicators *ind, person_map *m)
{
    sqlite3 *db = store_db(s);
    sqlite3_stmt *ev, *at;
    char year[8];
    snprintf(year, sizeof year, "%04d", ind->year);
    int rc = sqlite3_prepare_v2(db,
        "SELECT e.id, e.unit_code, CAST(substr(e.start_local, 6, 2) AS INTEGER), "
        "(SELECT group_concat(topic, ',') FROM event_topic t WHERE t.event_id = e.id) "
        "FROM event e WHERE substr(e.start_local, 1, 4) = ?1", -1, &ev, NULL);
    if (rc != SQLITE_OK)
        return STORE_ERROR;
    rc = sqlite3_prepare_v2(db, "SELECT employee_no FROM attendance INDEXED BY attendance_once "
                                "WHERE event_id = ?1 AND employee_no IS NOT NULL", -1, &at, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(ev);
        return STORE_ERROR;
    }
    sqlite3_bind_text(ev, 1, year, -1, SQLITE_STATIC);
    while (sqlite3_step(ev) == SQLITE_ROW) {
        char topics[256];
        int qualifies = 0;
        util_strlcpy(topics, sqlite3_column_text(ev, 3) ? (const char *)sqlite3_column_text(ev, 3) : "",
                     sizeof topics);
        for (char *save = NULL, *t = strtok_r(topics, ",", &save); t && !qualifies; t = strtok_r(NULL, ",", &save))
            qualifies = config_topic_counts(c, t);
        if (!qualifies)
            continue;
        int month = sqlite3_column_int(ev, 2);
        int u = unit_index(ind, (const char *)sqlite3_column_text(ev, 1));
        if (u >= 0)
            ind->units[u].has_training = 1;
        sqlite3_bind_int64(at, 1, sqlite3_column_int64(ev, 0));
        while (sqlite3_step(at) == SQLITE_ROW) {
            person_slot *p = map_find(m, (const char *)sqlite3_column_text(at, 0));
            if (p && (p->first_month == 0 || month < p->first_month))
                p->first_month = month;
        }
        sqlite3_reset(at);
    }
    sqlite3_finalize(at);
    sqlite3_finalize(ev);
    return STORE_OK;
}

static int load_pledges(store *s, person_map *m)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store_db(s), "SELECT employee_no, min(at) FROM pledge GROUP BY employee_no", -1, &st,
                           NULL) != SQLITE_OK)
        return STORE_ERROR;
    while (sqlite3_step(st) == SQLITE_ROW) {
        person_slot *p = map_find(m, (const char *)sqlite3_column_text(st, 0));
        if (p)
            p->first_pledge = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return STORE_OK;
}

int indicators_compute(store *s, const config *c, int year, indicators *ind)
{
    person_map m = {0};
    char (*tz)[64] = NULL;
    memset(ind, 0, sizeof *ind);
    ind->year = year;
    ind->goal_trained = c->goal_trained;
    ind->goal_units = c->goal_units;
    ind->goal_pledged = c->goal_pledged;
    int rc = load_units(s, ind, &tz);
    if (!rc)
        rc = load_people(s, ind, &m);
    if (!rc)
        rc = load_training(s, c, ind, &m);
    if (!rc)
        rc = load_pledges(s, &m);
    if (rc) {
        free(m.slots);
        free(m.pool);
        free(tz);
        indicators_free(ind);
        return rc;
    }
    /* Month ends of year in each unit's zone: a pledge counts for month k
     * when it was made before the first instant of month k+1. */
    int64_t (*month_end)[12] = calloc((size_t)ind->nunits + 1, sizeof *month_end);
    for (int u = 0; month_end && u < ind->nunits; u++) {
        for (int k = 0; k < 12; k++) {
            struct tm tm = {.tm_year = (k == 11 ? year + 1 : year) - 1900, .tm_mon = (k + 1) % 12, .tm_mday = 1,
                            .tm_isdst = -1};
            if (util_local_to_utc(tz[u], &tm, &month_end[u][k]) != 0)
                util_local_to_utc("America/Mexico_City", &tm, &month_end[u][k]);
        }
    }
    for (size_t i = 0; month_end && i < m.cap; i++) {
        person_slot *p = &m.slots[i];
        if (!p->employee_no)
            continue;
        ind_unit *u = &ind->units[p->unit];
        for (int k = 0; k < 12; k++) {
            if (p->first_month && p->first_month <= k + 1)
                u->monthly_trained[k]++;
            if (p->first_pledge < month_end[p->unit][k])
                u->monthly_pledged[k]++;
        }
    }
    free(month_end);
    free(m.slots);
    free(m.pool);
    free(tz);
    /* Roll up; drop units with no staff and no training from the figures. */
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
