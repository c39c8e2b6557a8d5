/* central_int.h — private to kiosk/central/: the connection and the query
 * helpers every file of the layer shares (conn.c). */
#ifndef CK_CENTRAL_INT_H
#define CK_CENTRAL_INT_H

#include <libpq-fe.h>
#include <stdarg.h>

#include "central.h"

typedef struct central_conn {
    PGconn *pg;
    char label[128];        /* host:port/database, never a password */
    char sqlstate[8];       /* of the last failed statement ("" if none) */
} central_conn;

/* Connects to url (libpq connection string or URI; "" = environment), with
 * a 10 s connect timeout and TCP keepalives. 0, or -1 with one line. */
int central_conn_open(central_conn *c, const char *url, char *err, size_t errlen);
/* The same with a connect timeout of `timeout` seconds. */
int central_conn_open_timeout(central_conn *c, const char *url, int timeout, char *err, size_t errlen);
void central_conn_close(central_conn *c);

/* Runs sql with text parameters (NULL = SQL NULL). Returns the result
 * (PGRES_TUPLES_OK or PGRES_COMMAND_OK; PQclear it), or NULL with one
 * line in err: the central's message (our functions RAISE in Spanish) and
 * c->sqlstate. */
PGresult *central_query(central_conn *c, const char *sql, int n, const char *const *params, char *err,
                        size_t errlen);
/* The same for a statement without rows: 0 or -1. */
int central_command(central_conn *c, const char *sql, char *err, size_t errlen);

/* 1 if the last failure lost the connection (the server went away). */
int central_conn_lost(const central_conn *c);

/* Formats one line into err (control characters replaced); returns -1. */
int central_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Value of row r, column i ("" for NULL). */
const char *central_val(const PGresult *res, int r, int i);

/* The central migrations built into the program (central_migrations.c). */
extern const char *const ck_central_migrations[];
extern const size_t ck_central_migration_count;

/* Checks every signed head the central holds against the enrolled keys,
 * and every unit's time zone against the kiosks' signed unit entries
 * (central_audit.c): each problem is one "AVISO: " line on warn, counted
 * in *bad. The central itself cannot check Ed25519, so a login used
 * without its kiosk's key can push entries; *unsigned_json (malloc'd, the
 * caller frees) is the p_unsigned argument of ck.indicators
 * (db/central/008_signed.sql): every epoch's entries that no valid head
 * covers, "[]" when there are none, each also named on warn. 0, or -1
 * with err (and *unsigned_json NULL). */
int central_heads_check(central_conn *c, FILE *warn, long *bad, char **unsigned_json, char *err, size_t errlen);

#endif
