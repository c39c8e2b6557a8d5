/* attendance_import.c — a whole attendance list typed in at once; see
 * attendance_import.h.
 *
 * How it works. The file is read with sheet.h (the roster's reader), and
 * every row is checked and kept in memory: the employee number resolved
 * against the roster (so "007" and "7" are one person, and the file's
 * duplicates are found by person), the date turned into an instant in the
 * event unit's time zone, the note. Numbers missing from the roster are
 * collected rather than reported one by one, so the coordinator fixes the
 * list once. Only when every row is good does one store call write them
 * all, with the file's hash, in one transaction (store_evidence.h). */
#include "attendance_import.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sheet.h"
#include "store_evidence.h"

#define IMPORT_UNKNOWN_SHOWN 12   /* unknown numbers quoted in the message; the rest are counted */

enum { COL_NUMBER, COL_DATE, COL_NOTE, COL_COUNT };

static const sheet_column COLUMNS[COL_COUNT] = {
    [COL_NUMBER] = {"numero_empleado", 1, {"numeroempleado", "numempleado", "noempleado", "nempleado", NULL}},
    [COL_DATE] = {"fecha", 0, {"fecha", "fechaasistencia", "fechaconclusion", "fechatermino", "fechafin", NULL}},
    [COL_NOTE] = {"nota", 0, {"nota", "notas", "observaciones", "observacion", "comentario", "comentarios", NULL}},
};

typedef struct imp_row {
    char employee_no[STORE_EMPLOYEE_NO_LEN];  /* as stored in the roster */
    char *note;
    int64_t at;
    long line;
} imp_row;

typedef struct imp_ctx {
    store *s;
    store_event ev;
    char tz[STORE_TZ_LEN];
    int64_t now;
    int ev_y, ev_m, ev_d, ev_end_y, ev_end_m, ev_end_d;  /* the event's first and last day */
    int ev_h, ev_min;                                    /* its start time */
    int64_t ev_at;                                       /* its start, Unix seconds */
    sheet_info info;
    imp_row *rows;
    int n, cap;
    /* unknown numbers: "1234 (línea 5), ..." */
    char unknown[1024];
    size_t unknown_len;
    int nunknown;
    long first_unknown_line;
    attendance_import_stats *st;
} imp_ctx;

/* Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int valid_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* Parses a `fecha` value: "YYYY-MM-DD", "DD/MM/YYYY" (or with '-' or '.'),
 * either optionally followed by " HH:MM"; or, from an XLSX number cell, a
 * spreadsheet serial date. *has_time tells whether a time was given.
 * Returns 0, or -1 when it is none of these. */
static int parse_date(const char *v, int numeric, int date1904, int *y, int *m, int *d, int *h, int *mi,
                      int *has_time)
{
    *h = *mi = 0;
    *has_time = 0;
    if (numeric) {
        char *end;
        errno = 0;
        double serial = strtod(v, &end);
        if (errno || *end || !(serial >= 1 && serial < 500000))
            return -1;
        double whole = floor(serial);
        /* 1900 system: day 1 is 1900-01-01 with Excel's phantom 29 Feb
         * 1900, so from March 1900 on, day 0 is 1899-12-30. */
        int64_t days = (int64_t)whole + (date1904 ? days_from_civil(1904, 1, 1) : days_from_civil(1899, 12, 30));
        civil_from_days(days, y, m, d);
        long secs = lround((serial - whole) * 86400.0);
        if (secs > 0 && secs < 86400) {
            *h = (int)(secs / 3600);
            *mi = (int)(secs % 3600 / 60);
            *has_time = 1;
        }
        return valid_date(*y, *m, *d) ? 0 : -1;
    }
    int a, b, c, n = 0;
    char s1, s2;
    size_t len = strlen(v);
    if (sscanf(v, "%4d-%2d-%2d%n", &a, &b, &c, &n) == 3 && n == 10 && v[4] == '-') {
        *y = a;
        *m = b;
        *d = c;
    } else if (sscanf(v, "%2d%c%2d%c%4d%n", &a, &s1, &b, &s2, &c, &n) == 5 && s1 == s2 &&
               (s1 == '/' || s1 == '-' || s1 == '.') && n >= 8 && c >= 1000) {
        *d = a;
        *m = b;
        *y = c;
    } else {
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!(v[i] >= '0' && v[i] <= '9') && v[i] != '-' && v[i] != '/' && v[i] != '.')
            return -1;
    if ((size_t)n < len) {
        int k = 0;
        if (sscanf(v + n, " %2d:%2d%n", h, mi, &k) != 2 || (size_t)(n + k) != len || *h > 23 || *mi > 59 ||
            *h < 0 || *mi < 0)
            return -1;
        *has_time = 1;
    }
    return valid_date(*y, *m, *d) ? 0 : -1;
}

static void note_unknown(imp_ctx *c, const char *no, long line)
{
    if (!c->nunknown++)
        c->first_unknown_line = line;
    if (c->nunknown > IMPORT_UNKNOWN_SHOWN)
        return;
    char echo[SHEET_ECHO + 4];
    int w = snprintf(c->unknown + c->unknown_len, sizeof c->unknown - c->unknown_len, "%s%s (línea %ld)",
                     c->nunknown > 1 ? ", " : "", sheet_echo(no, echo, sizeof echo), line);
    if (w > 0 && (size_t)w < sizeof c->unknown - c->unknown_len)
        c->unknown_len += (size_t)w;
}

static int on_row(sheet *r, void *arg)
{
    imp_ctx *c = arg;
    char echo[SHEET_ECHO + 4];
    long line = sheet_line(r);
    const char *no = sheet_field(r, COL_NUMBER), *fecha = sheet_field(r, COL_DATE), *note = sheet_field(r, COL_NOTE);
    c->st->rows++;
    if (strlen(no) >= STORE_EMPLOYEE_NO_LEN || !util_is_token(no))
        return sheet_fail(r, STORE_INVALID, line,
                          "número de empleado no válido '%s' (solo letras, dígitos, - y _; dé a la columna formato "
                          "de texto)",
                          sheet_echo(no, echo, sizeof echo));
    if (strlen(note) >= STORE_TEXT_LEN)
        return sheet_fail(r, STORE_INVALID, line, "la nota es demasiado larga (%zu bytes, máximo %d)", strlen(note),
                          STORE_TEXT_LEN - 1);
    store_person p;
    int rc = store_person_get(c->s, no, &p);
    if (rc == STORE_NOTFOUND) {
        note_unknown(c, no, line);
        return 0;
    }
    if (rc != STORE_OK)
        return sheet_fail(r, rc, 0, "no se importó nada: %s", store_errmsg(c->s));
    for (int i = 0; i < c->n; i++) /* lists are small: a scan is enough */
        if (strcmp(c->rows[i].employee_no, p.employee_no) == 0)
            return sheet_fail(r, STORE_INVALID, line, "el número de empleado %s aparece dos veces (también en la línea %ld)",
                              no, c->rows[i].line);
    c->st->inactive += !p.active;
    /* The instant: the row's date (and time) in the event unit's zone;
     * else the event's start. */
    int64_t at = c->ev_at;
    if (*fecha) {
        int y, m, d, h, mi, has_time;
        if (parse_date(fecha, sheet_numeric(r, COL_DATE), c->info.date1904, &y, &m, &d, &h, &mi, &has_time) != 0)
            return sheet_fail(r, STORE_INVALID, line, "fecha no válida '%s' (use AAAA-MM-DD o DD/MM/AAAA)",
                              sheet_echo(fecha, echo, sizeof echo));
        int64_t day = days_from_civil(y, m, d);
        if (day < days_from_civil(c->ev_y, c->ev_m, c->ev_d) ||
            day > days_from_civil(c->ev_end_y, c->ev_end_m, c->ev_end_d)) {
            if (c->ev_y == c->ev_end_y && c->ev_m == c->ev_end_m && c->ev_d == c->ev_end_d)
                return sheet_fail(r, STORE_INVALID, line, "la fecha %04d-%02d-%02d no es la del evento (%04d-%02d-%02d)",
                                  y, m, d, c->ev_y, c->ev_m, c->ev_d);
            return sheet_fail(r, STORE_INVALID, line,
                              "la fecha %04d-%02d-%02d está fuera del evento (del %04d-%02d-%02d al %04d-%02d-%02d)",
                              y, m, d, c->ev_y, c->ev_m, c->ev_d, c->ev_end_y, c->ev_end_m, c->ev_end_d);
        }
        if (!has_time) {
            int first_day = y == c->ev_y && m == c->ev_m && d == c->ev_d;
            h = first_day ? c->ev_h : 12;
            mi = first_day ? c->ev_min : 0;
        }
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi,
                        .tm_isdst = -1};
        if (util_local_to_utc(c->tz, &tm, &at) != 0)
            return sheet_fail(r, STORE_INVALID, line, "fecha no válida '%s'", sheet_echo(fecha, echo, sizeof echo));
    }
    if (at > c->now)
        return sheet_fail(r, STORE_INVALID, line, "la fecha %s es posterior a hoy",
                          *fecha ? sheet_echo(fecha, echo, sizeof echo) : "del evento");
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 256;
        imp_row *nr = realloc(c->rows, (size_t)cap * sizeof *nr);
        if (!nr)
            return sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
        c->rows = nr;
        c->cap = cap;
    }
    imp_row *it = &c->rows[c->n];
    memcpy(it->employee_no, p.employee_no, sizeof it->employee_no);
    if (!(it->note = strdup(note)))
        return sheet_fail(r, STORE_ERROR, 0, "memoria insuficiente");
    it->at = at;
    it->line = line;
    c->n++;
    return 0;
}

/* The event's days and start instant into c. */
static int event_days(imp_ctx *c)
{
    struct tm a, b;
    if (util_parse_local(c->ev.start, &a) != 0)
        return -1;
    c->ev_y = a.tm_year + 1900;
    c->ev_m = a.tm_mon + 1;
    c->ev_d = a.tm_mday;
    c->ev_h = a.tm_hour;
    c->ev_min = a.tm_min;
    if (c->ev.end[0] && util_parse_local(c->ev.end, &b) == 0) {
        c->ev_end_y = b.tm_year + 1900;
        c->ev_end_m = b.tm_mon + 1;
        c->ev_end_d = b.tm_mday;
    } else {
        c->ev_end_y = c->ev_y;
        c->ev_end_m = c->ev_m;
        c->ev_end_d = c->ev_d;
    }
    return util_local_to_utc(c->tz, &a, &c->ev_at);
}

int attendance_import(store *s, const char *event_id, const char *path, int64_t now, attendance_import_stats *st,
                      char *err, size_t errlen)
{
    attendance_import_stats local;
    imp_ctx *c = calloc(1, sizeof *c);
    store_import_row *rows = NULL;
    store_unit u;
    int rc;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (err && errlen)
        err[0] = '\0';
    if (!c) {
        snprintf(err, errlen, "%s: memoria insuficiente", path);
        return STORE_ERROR;
    }
    c->s = s;
    c->now = now;
    c->st = st;
    if ((rc = store_event_get(s, event_id ? event_id : "", &c->ev)) != STORE_OK) {
        snprintf(err, errlen, "no hay un evento '%s' (use el identificador que muestra «cepci-kiosk event list»)",
                 event_id ? event_id : "");
        goto out;
    }
    if (strcmp(c->ev.state, "draft") == 0) {
        rc = STORE_CLOSED;
        snprintf(err, errlen, "el evento «%s» está en borrador; ábralo (cepci-kiosk event open %.8s) antes de capturar "
                 "su lista", c->ev.title, c->ev.id);
        goto out;
    }
    util_strlcpy(c->tz, store_unit_get(s, c->ev.unit, &u) == STORE_OK && u.timezone[0] ? u.timezone : CK_DEFAULT_TZ,
                 sizeof c->tz);
    if (event_days(c) != 0) {
        rc = STORE_INVALID;
        snprintf(err, errlen, "el evento «%s» tiene una fecha que no se entiende (%s)", c->ev.title, c->ev.start);
        goto out;
    }
    store_snapshot_begin(s);
    rc = sheet_read(path, COLUMNS, COL_COUNT, on_row, c, &c->info, err, errlen);
    store_snapshot_end(s);
    memcpy(st->sha256, c->info.sha256, sizeof st->sha256);
    if (rc != STORE_OK)
        goto out;
    if (c->nunknown) {
        rc = STORE_NOTFOUND;
        snprintf(err, errlen, "%s:%ld: %d %s en el padrón: %s%s. No se importó nada; corrija la lista o el padrón.",
                 path, c->first_unknown_line, c->nunknown,
                 c->nunknown == 1 ? "número de empleado no está" : "números de empleado no están", c->unknown,
                 c->nunknown > IMPORT_UNKNOWN_SHOWN ? " y otros" : "");
        util_one_line(err);
        goto out;
    }
    if (!(rows = calloc((size_t)c->n + 1, sizeof *rows))) {
        rc = STORE_ERROR;
        snprintf(err, errlen, "%s: memoria insuficiente", path);
        goto out;
    }
    for (int i = 0; i < c->n; i++)
        rows[i] = (store_import_row){c->rows[i].employee_no, c->rows[i].at, c->rows[i].note};
    const char *slash = strrchr(path, '/');
    char name[STORE_TEXT_LEN];
    if (util_strlcpy(name, slash ? slash + 1 : path, sizeof name) != 0 || !util_utf8_valid(name, strlen(name)) ||
        util_has_control(name))
        snprintf(name, sizeof name, "lista.%s", c->info.xlsx ? "xlsx" : "csv");
    store_import_result res;
    rc = store_import_attendance(s, c->ev.id, c->info.sha256, name, rows, c->n, now, &res);
    if (rc == STORE_EXISTS) {
        st->earlier_at = res.earlier_at;
        rc = STORE_OK;
    } else if (rc == STORE_OK) {
        st->added = res.added;
        st->already = res.already;
        memcpy(st->batch, res.batch_uuid, sizeof st->batch);
    } else if (res.bad_row >= 0 && res.bad_row < c->n) {
        snprintf(err, errlen, "%s:%ld: no se importó nada: %s", path, c->rows[res.bad_row].line, store_errmsg(s));
    } else if (rc == STORE_CLOSED) {
        snprintf(err, errlen, "el evento «%s» está en borrador; ábralo antes de capturar su lista", c->ev.title);
    } else {
        snprintf(err, errlen, "%s: no se importó nada: %s", path, store_errmsg(s));
    }
out:
    if (rc != STORE_OK) {
        st->added = st->already = 0;
        st->batch[0] = '\0';
    }
    for (int i = 0; i < c->n; i++)
        free(c->rows[i].note);
    free(c->rows);
    free(c);
    free(rows);
    return rc;
}
