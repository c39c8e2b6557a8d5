/* conn.c — the connection to the central and the query helpers of
 * kiosk/central/ (see central_int.h). */
#include "central_int.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

int central_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    util_one_line(err);
    return -1;
}

/* The first line of a libpq message, without its trailing newline. */
static void first_line(const char *msg, char *out, size_t outlen)
{
    util_strlcpy(out, msg ? msg : "", outlen);
    out[strcspn(out, "\n")] = '\0';
}

/* Notices and warnings of the server (e.g. "terminating connection")
 * are not printed: a failure is reported once, as the error of the
 * statement it broke. */
static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message;
}

int central_conn_open(central_conn *c, const char *url, char *err, size_t errlen)
{
    return central_conn_open_timeout(c, url, 10, err, errlen);
}

int central_conn_open_timeout(central_conn *c, const char *url, int timeout, char *err, size_t errlen)
{
    /* Defaults first: what the connection string says overrides them. */
    char secs[16];
    snprintf(secs, sizeof secs, "%d", timeout > 0 ? timeout : 10);
    const char *const keys[] = {"connect_timeout", "application_name", "keepalives", "keepalives_idle",
                                "keepalives_interval", "keepalives_count", "dbname", NULL};
    const char *const vals[] = {secs, "cepci-kiosk", "1", "30", "10", "3", url ? url : "", NULL};
    char msg[512];
    memset(c, 0, sizeof *c);
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg)
        return central_fail(err, errlen, "no hay memoria para conectar con la central");
    if (PQstatus(c->pg) != CONNECTION_OK) {
        first_line(PQerrorMessage(c->pg), msg, sizeof msg);
        PQfinish(c->pg);
        c->pg = NULL;
        return central_fail(err, errlen, "no se pudo conectar con la central: %s; lo pendiente sigue en la cola de "
                            "este quiosco", msg);
    }
    PQsetNoticeProcessor(c->pg, quiet, NULL);
    const char *host = PQhost(c->pg), *db = PQdb(c->pg), *port = PQport(c->pg);
    snprintf(c->label, sizeof c->label, "%s%s%s/%s", host ? host : "", port && *port ? ":" : "", port ? port : "",
             db ? db : "");
    /* Everything the kiosk sends and reads is UTF-8. */
    if (PQsetClientEncoding(c->pg, "UTF8") != 0) {
        PQfinish(c->pg);
        c->pg = NULL;
        return central_fail(err, errlen, "la central no acepta UTF-8");
    }
    return 0;
}

void central_conn_close(central_conn *c)
{
    if (c && c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
}

int central_conn_lost(const central_conn *c)
{
    return !c->pg || PQstatus(c->pg) != CONNECTION_OK || strncmp(c->sqlstate, "08", 2) == 0 ||
           strcmp(c->sqlstate, "57P01") == 0 || strcmp(c->sqlstate, "57P02") == 0 ||
           strcmp(c->sqlstate, "57P03") == 0;
}

PGresult *central_query(central_conn *c, const char *sql, int n, const char *const *params, char *err,
                        size_t errlen)
{
    char msg[768];
    c->sqlstate[0] = '\0';
    PGresult *res = PQexecParams(c->pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return res;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    util_strlcpy(c->sqlstate, state ? state : "", sizeof c->sqlstate);
    first_line(primary ? primary : PQerrorMessage(c->pg), msg, sizeof msg);
    PQclear(res);
    if (central_conn_lost(c))
        central_fail(err, errlen, "se perdió la conexión con la central (%s): %s; lo pendiente sigue en la cola de "
                     "este quiosco", c->label, msg[0] ? msg : "sin respuesta");
    else if (strcmp(c->sqlstate, "3F000") == 0 || strcmp(c->sqlstate, "42883") == 0 ||
             strcmp(c->sqlstate, "42P01") == 0)
        central_fail(err, errlen, "la central (%s) no tiene el esquema de cepci-kiosk al día (%s); ejecute: "
                     "cepci-kiosk central init", c->label, msg);
    else if (strcmp(c->sqlstate, "42501") == 0)
        central_fail(err, errlen, "la central (%s) negó el permiso: %s", c->label, msg);
    else
        central_fail(err, errlen, "%s", msg);
    return NULL;
}

int central_command(central_conn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *res = central_query(c, sql, 0, NULL, err, errlen);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

const char *central_val(const PGresult *res, int r, int i)
{
    return PQgetisnull(res, r, i) ? "" : PQgetvalue(res, r, i);
}
