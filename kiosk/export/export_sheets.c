/* export_sheets.c — the data tables: the attendance list and the pledge
 * database as CSV or XLSX (through export_tab.c's table writer, with the
 * XLSX's summary and information sheets), and the indicators as CSV. */
#include "export_int.h"
#include "export_labels.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "indicators.h"
#include "util.h"

/* ---- tables: attendance ---- */

/* Data tables do not walk the audit chain (on a large database that costs
 * seconds, see the report); the PDF documents do and state the result. */
#define EXPORT_AUDIT_NOTE "no verificada en esta exportación; la verifican los PDF y «cepci-kiosk audit verify»"
#define EXPORT_FP_NOTE                                                                                      \
    "SHA-256 del archivo CSV de esta lista (cepci-kiosk export … --format csv): compruébela con "          \
    "«sha256sum» y con el código QR del PDF («cepci-kiosk verify»)"

static const char *state_label(int state, int pledges)
{
    if (state == EXPORT_STATE_CLOSED)
        return pledges ? "definitiva (periodo concluido)" : "definitiva (evento cerrado)";
    if (pledges)
        return "PRELIMINAR (el periodo no ha concluido)";
    return state == EXPORT_STATE_OPEN ? "PRELIMINAR (evento abierto)" : "PRELIMINAR (evento en borrador)";
}

struct att_tab {
    export_table *t;
    export_clock clock;
    char tz[STORE_TZ_LEN];
    int staff, guests, keyed;
};

static int att_tab_row(const export_att_row *r, void *arg)
{
    struct att_tab *a = arg;
    export_cell c[EXPORT_ATT_NCOLS];
    export_att_cells(r, &a->clock, a->tz, c);
    a->guests += r->guest;
    a->staff += !r->guest && !r->repeated;
    a->keyed += strcmp(r->method, "keyed") == 0;
    return export_table_row(a->t, c) ? 1 : 0;
}

struct reopen_text {
    char buf[1024];
    const char *tz;
};

/* Appends one reopening ("12/03/2025 10:00: reason") to the text. */
static int reopen_line(int64_t at, const char *reason, void *arg)
{
    struct reopen_text *r = arg;
    char when[32];
    size_t n = strlen(r->buf);
    util_format_time(r->tz, at, "%d/%m/%Y %H:%M", when, sizeof when);
    snprintf(r->buf + n, sizeof r->buf - n, "%s%s: %s", n ? "; " : "", when, reason);
    return 0;
}

int export_attendance_table(store *s, const config *c, const store_event *ev, const char *format,
                            const char *path, int64_t now, char *err, size_t errlen)
{
    struct att_tab a;
    memset(&a, 0, sizeof a);
    export_unit_tz(s, c, ev->unit, a.tz, sizeof a.tz);
    a.t = export_table_begin(format, path, "Asistencia", EXPORT_ATT_COLS, EXPORT_ATT_NCOLS, err, errlen);
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
        char inst[256], when[64], staff[32], guests[32], total[32], date[64], sha_hex[65] = "";
        unsigned char sha[32];
        struct reopen_text ro = {"", a.tz};
        if (export_table_digest(a.t, sha) == 0)
            sodium_bin2hex(sha_hex, sizeof sha_hex, sha, sizeof sha);
        store_event_reopen_each(s, ev->id, reopen_line, &ro);
        export_institution(s, c, inst, sizeof inst);
        util_format_time(a.tz, now, "%Y-%m-%d %H:%M", when, sizeof when);
        export_long_date(ev->start, date, sizeof date);
        snprintf(staff, sizeof staff, "%d", a.staff);
        snprintf(guests, sizeof guests, "%d", a.guests);
        snprintf(total, sizeof total, "%d", a.staff + a.guests);
        const char *head[] = {"Campo", "Valor"};
        char topics[400], zone[160];
        export_topics_text(ev->topics, topics, sizeof topics);
        export_tz_text(a.tz, zone, sizeof zone);
        const char *kv[][2] = {
            {"Institución", inst},       {"Comité", c->committee},
            {"Documento", "Lista de asistencia"},
            {"Estado", state_label(export_event_state(ev), 0)},
            {"Evento", ev->title},       {"Tipo", export_kind_label(ev->kind)},
            {"Temas", topics},           {"Clave PAT", ev->pat},
            {"Fecha", date},             {"Inicio", ev->start},
            {"Fin", ev->end},            {"Lugar", ev->place},
            {"Unidad", ev->unit},        {"Instructor(a)", ev->instructor},
            {"Firma requerida", ev->signature ? "sí" : "no"},
            {"Evento id", ev->id},
            {"Reaperturas", ro.buf[0] ? ro.buf : "ninguna"},
            {"Personas servidoras públicas", staff},
            {"Personas invitadas (no cuentan)", guests},
            {"Total de registros", total},
            {"Huella SHA-256", sha_hex},   {"Cómo se comprueba la huella", EXPORT_FP_NOTE},
            {"Exportado", when},         {"Horas", zone},
            {"Cadena de auditoría", EXPORT_AUDIT_NOTE},
        };
        if (!sha_hex[0] || export_table_sheet(a.t, "Evento", head, 2) != 0)
            rc = -1;
        for (size_t i = 0; !rc && i < sizeof kv / sizeof *kv; i++)
            rc = export_table_sheet_row(a.t, kv[i], 2);
        if (rc) {
            export_table_end(a.t, 1, err, errlen); /* reports the failed write */
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
    export_cell c[EXPORT_PL_NCOLS];
    char ver[16];
    export_pl_cells(r, p->clock, c, ver);
    p->n++;
    return export_table_row(p->t, c) ? 1 : 0;
}

int export_pledges_table(store *s, const config *c, int year, const char *format, const char *path, int64_t now,
                         char *err, size_t errlen)
{
    export_clock clock;
    memset(&clock, 0, sizeof clock);
    struct pledge_tab p = {NULL, &clock, 0};
    p.t = export_table_begin(format, path, "Firmantes", EXPORT_PL_COLS, EXPORT_PL_NCOLS, err, errlen);
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
        char tz[STORE_TZ_LEN], sha_hex[65] = "";
        unsigned char sha[32];
        if (export_table_digest(p.t, sha) == 0)
            sodium_bin2hex(sha_hex, sizeof sha_hex, sha, sizeof sha);
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
        const char *head[] = {"Unidad", "Nombre de la unidad", "Personal", "Firmantes", "Porcentaje de firmantes",
                              "Meta (%)"};
        char staff[32], pl[32], pct[32], goal[32];
        rc = !sha_hex[0] || export_table_sheet(p.t, "Resumen por unidad", head, 6);
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
        const char *ihead[] = {"Campo", "Valor"};
        char iys[16];
        snprintf(iys, sizeof iys, "%d", iy);
        const char *kv[][2] = {
            {"Institución", inst}, {"Comité", c->committee}, {"Documento", "Base de datos de firmantes de la Carta Compromiso"},
            {"Periodo", yr}, {"Estado", state_label(export_pledges_state(year, now, tz), 1)},
            {"Firmantes", n}, {"Indicadores del año", iys},
            {"Huella SHA-256", sha_hex}, {"Cómo se comprueba la huella", EXPORT_FP_NOTE},
            {"Exportado", when}, {"Cadena de auditoría", EXPORT_AUDIT_NOTE},
        };
        if (!rc)
            rc = export_table_sheet(p.t, "Información", ihead, 2);
        for (size_t i = 0; !rc && i < sizeof kv / sizeof *kv; i++)
            rc = export_table_sheet_row(p.t, kv[i], 2);
        if (rc) {
            export_table_end(p.t, 1, err, errlen); /* reports the failed write */
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
    int rc = export_file_open(&o, path, 0, err, errlen);
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
