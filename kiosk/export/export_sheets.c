/* export_sheets.c — the data tables: the attendance list and the pledge
 * database as CSV or XLSX (through export_tab.c's table writer, with the
 * XLSX's summary and information sheets), and the indicators as CSV. */
#include "export_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "indicators.h"
#include "util.h"

/* ---- tables: attendance ---- */

/* Data tables do not walk the audit chain (on a large database that costs
 * seconds, see the report); the PDF documents do and state the result. */
#define EXPORT_AUDIT_NOTE "no verificada en esta exportación; la verifican los PDF y «cepci-kiosk audit verify»"

static const char *method_label(const char *m)
{
    if (strcmp(m, "badge") == 0) return "gafete";
    if (strcmp(m, "number") == 0) return "número de empleado";
    if (strcmp(m, "search") == 0) return "búsqueda por nombre";
    if (strcmp(m, "guest") == 0) return "invitado(a)";
    if (strcmp(m, "keyed") == 0) return "lista en papel";
    if (strcmp(m, "kiosk") == 0) return "quiosco";
    return m;
}

struct att_tab {
    export_table *t;
    export_clock clock;
    char tz[STORE_TZ_LEN];
    const char *event_id;
    int staff, guests, keyed;
};

static int att_tab_row(const export_att_row *r, void *arg)
{
    struct att_tab *a = arg;
    export_cell c[13];
    memset(c, 0, sizeof c);
    c[0].i = r->n;
    c[1].s = r->employee_no;
    c[2].s = r->name;
    c[3].s = r->unit;
    c[4].s = r->area;
    c[5].s = r->position;
    export_localtime(&a->clock, a->tz, r->at, &c[6].tm);
    c[7].s = method_label(r->method);
    c[8].s = r->guest ? "invitado(a)" : r->repeated ? "personal (registro repetido)" : "personal";
    c[9].s = r->sig ? "sí" : "no";
    c[10].s = r->folio;
    c[11].s = r->kiosk;
    c[12].s = r->uuid;
    a->guests += r->guest;
    a->staff += !r->guest && !r->repeated;
    a->keyed += strcmp(r->method, "keyed") == 0;
    return export_table_row(a->t, c) ? 1 : 0;
}

int export_attendance_table(store *s, const config *c, const store_event *ev, const char *format,
                            const char *path, int64_t now, char *err, size_t errlen)
{
    static const export_col cols[] = {
        {"no", EXPORT_INT, 5},          {"numero_empleado", EXPORT_TEXT, 16}, {"nombre", EXPORT_TEXT, 36},
        {"unidad", EXPORT_TEXT, 9},     {"area", EXPORT_TEXT, 28},            {"puesto", EXPORT_TEXT, 28},
        {"fecha_hora", EXPORT_TIME, 17}, {"metodo", EXPORT_TEXT, 18},         {"tipo", EXPORT_TEXT, 11},
        {"firma", EXPORT_TEXT, 6},      {"folio", EXPORT_TEXT, 14},           {"kiosco", EXPORT_TEXT, 9},
        {"registro_uuid", EXPORT_TEXT, 38},
    };
    struct att_tab a;
    memset(&a, 0, sizeof a);
    export_unit_tz(s, c, ev->unit, a.tz, sizeof a.tz);
    a.event_id = ev->id;
    a.t = export_table_begin(format, path, "Asistencia", cols, (int)(sizeof cols / sizeof *cols), err, errlen);
    if (!a.t)
        return -1;
    int rc = export_att_each(s, ev, 1, att_tab_row, &a);
    if (rc) {
        if (rc == STORE_ERROR)
            snprintf(err, errlen, "cannot read the attendance list: %s", store_errmsg(s));
        else
            export_io_error(path, errno ? errno : EIO, err, errlen);
        export_table_end(a.t, 0, NULL, 0);
        return -1;
    }
    if (strcmp(format, "xlsx") == 0) {
        char inst[256], when[64], staff[32], guests[32], total[32], date[64];
        export_institution(s, c, inst, sizeof inst);
        util_format_time(a.tz, now, "%Y-%m-%d %H:%M", when, sizeof when);
        export_long_date(ev->start, date, sizeof date);
        snprintf(staff, sizeof staff, "%d", a.staff);
        snprintf(guests, sizeof guests, "%d", a.guests);
        snprintf(total, sizeof total, "%d", a.staff + a.guests);
        const char *head[] = {"campo", "valor"};
        const char *kv[][2] = {
            {"Institución", inst},       {"Comité", c->committee},
            {"Documento", "Lista de asistencia"},
            {"Evento", ev->title},       {"Tipo", ev->kind},
            {"Temas", ev->topics},       {"Clave PAT", ev->pat},
            {"Fecha", date},             {"Inicio", ev->start},
            {"Fin", ev->end},            {"Lugar", ev->place},
            {"Unidad", ev->unit},        {"Instructor(a)", ev->instructor},
            {"Firma requerida", ev->signature ? "sí" : "no"},
            {"Evento id", ev->id},
            {"Personas servidoras públicas", staff},
            {"Invitados(as) (no cuentan)", guests},
            {"Total de registros", total},
            {"Exportado", when},         {"Zona horaria", a.tz},
            {"Cadena de auditoría", EXPORT_AUDIT_NOTE},
        };
        if (export_table_sheet(a.t, "Evento", head, 2) != 0)
            rc = -1;
        for (size_t i = 0; !rc && i < sizeof kv / sizeof *kv; i++)
            rc = export_table_sheet_row(a.t, kv[i], 2);
        if (rc) {
            export_io_error(path, EIO, err, errlen);
            export_table_end(a.t, 0, NULL, 0);
            return -1;
        }
    }
    return export_table_end(a.t, 1, err, errlen);
}

/* ---- tables: pledges ---- */

struct pledge_tab {
    export_table *t;
    export_clock *clock;
    int n;
};

static int pledge_tab_row(const export_pledge_row *r, void *arg)
{
    struct pledge_tab *p = arg;
    export_cell c[14];
    char ver[16];
    memset(c, 0, sizeof c);
    snprintf(ver, sizeof ver, "%.12s", r->carta);
    c[0].i = r->n;
    c[1].s = r->employee_no;
    c[2].s = r->name;
    c[3].s = r->unit;
    c[4].s = r->unit_name;
    c[5].s = r->area;
    c[6].s = r->position;
    export_localtime(p->clock, r->tz, r->at, &c[7].tm);
    c[8].s = ver;
    c[9].s = strcmp(r->method, "keyed") == 0 ? "carta en papel" : "quiosco";
    c[10].s = r->has_sig ? "sí" : "no";
    c[11].s = r->folio;
    c[12].s = r->kiosk;
    c[13].s = r->carta;
    p->n++;
    return export_table_row(p->t, c) ? 1 : 0;
}

int export_pledges_table(store *s, const config *c, int year, const char *format, const char *path, int64_t now,
                         char *err, size_t errlen)
{
    static const export_col cols[] = {
        {"no", EXPORT_INT, 7},               {"numero_empleado", EXPORT_TEXT, 16},
        {"nombre", EXPORT_TEXT, 36},         {"unidad", EXPORT_TEXT, 9},
        {"nombre_unidad", EXPORT_TEXT, 26},  {"area", EXPORT_TEXT, 26},
        {"puesto", EXPORT_TEXT, 26},         {"fecha_hora", EXPORT_TIME, 17},
        {"version_carta", EXPORT_TEXT, 15},  {"medio", EXPORT_TEXT, 15},
        {"firma", EXPORT_TEXT, 6},           {"folio", EXPORT_TEXT, 14},
        {"kiosco", EXPORT_TEXT, 9},          {"carta_sha256", EXPORT_TEXT, 66},
    };
    export_clock clock;
    memset(&clock, 0, sizeof clock);
    struct pledge_tab p = {NULL, &clock, 0};
    p.t = export_table_begin(format, path, "Firmantes", cols, (int)(sizeof cols / sizeof *cols), err, errlen);
    if (!p.t)
        return -1;
    int rc = export_pledge_each(s, year, &clock, pledge_tab_row, &p);
    if (rc) {
        if (rc == STORE_ERROR)
            snprintf(err, errlen, "cannot read the pledges: %s", store_errmsg(s));
        else
            export_io_error(path, errno ? errno : EIO, err, errlen);
        export_table_end(p.t, 0, NULL, 0);
        return -1;
    }
    if (strcmp(format, "xlsx") == 0) {
        /* Summary per unit (IV.3) and the document's facts. */
        indicators ind;
        char tz[STORE_TZ_LEN];
        export_unit_tz(s, c, c->unit, tz, sizeof tz);
        int iy = year;
        if (!iy) {
            struct tm tm;
            util_utc_to_local(tz, now, &tm);
            iy = tm.tm_year + 1900;
        }
        if (indicators_compute(s, c, iy, &ind) != STORE_OK) {
            snprintf(err, errlen, "cannot compute the indicators: %s", store_errmsg(s));
            export_table_end(p.t, 0, NULL, 0);
            return -1;
        }
        const char *head[] = {"unidad", "nombre", "personal", "firmantes", "porcentaje_firmantes", "meta"};
        char staff[32], pl[32], pct[32], goal[32];
        rc = export_table_sheet(p.t, "Resumen por unidad", head, 6);
        snprintf(goal, sizeof goal, "%.2f", ind.goal_pledged);
        for (int i = 0; !rc && i <= ind.nunits; i++) {
            int tot = i == ind.nunits;
            const ind_unit *u = tot ? NULL : &ind.units[i];
            snprintf(staff, sizeof staff, "%d", tot ? ind.staff : u->staff);
            snprintf(pl, sizeof pl, "%d", tot ? ind.pledged : u->pledged);
            snprintf(pct, sizeof pct, "%.2f", tot ? ind.pledged_pct : u->pledged_pct);
            const char *row[] = {tot ? "TOTAL" : u->code, tot ? "Todas las unidades" : u->name, staff, pl, pct, goal};
            rc = export_table_sheet_row(p.t, row, 6);
        }
        indicators_free(&ind);
        char inst[256], when[64], yr[64], n[32];
        export_institution(s, c, inst, sizeof inst);
        util_format_time(tz, now, "%Y-%m-%d %H:%M", when, sizeof when);
        if (year)
            snprintf(yr, sizeof yr, "firmas hasta el 31 de diciembre de %d", year);
        else
            snprintf(yr, sizeof yr, "todas las firmas");
        snprintf(n, sizeof n, "%d", p.n);
        const char *ihead[] = {"campo", "valor"};
        const char *kv[][2] = {
            {"Institución", inst}, {"Comité", c->committee}, {"Documento", "Base de datos de firmantes de la Carta Compromiso"},
            {"Periodo", yr}, {"Firmantes", n}, {"Indicadores del año", NULL}, {"Exportado", when},
            {"Cadena de auditoría", EXPORT_AUDIT_NOTE},
        };
        char iys[16];
        snprintf(iys, sizeof iys, "%d", iy);
        kv[5][1] = iys;
        if (!rc)
            rc = export_table_sheet(p.t, "Información", ihead, 2);
        for (size_t i = 0; !rc && i < sizeof kv / sizeof *kv; i++)
            rc = export_table_sheet_row(p.t, kv[i], 2);
        if (rc) {
            export_io_error(path, EIO, err, errlen);
            export_table_end(p.t, 0, NULL, 0);
            return -1;
        }
    }
    return export_table_end(p.t, 1, err, errlen);
}

/* ---- the indicator table ---- */

int export_indicators_csv(store *s, const config *c, int year, const char *path, char *err, size_t errlen)
{
    indicators ind;
    export_file o;
    if (indicators_compute(s, c, year, &ind) != STORE_OK) {
        snprintf(err, errlen, "cannot compute the indicators: %s", store_errmsg(s));
        return -1;
    }
    int rc = export_file_open(&o, path, err, errlen);
    if (rc == 0) {
        if (indicators_write(&ind, "csv", o.f) != 0) {
            export_io_error(path, errno ? errno : EIO, err, errlen);
            export_file_abort(&o);
            rc = -1;
        } else {
            rc = export_file_commit(&o, err, errlen);
        }
    }
    indicators_free(&ind);
    return rc;
}
