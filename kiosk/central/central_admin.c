/* central_admin.c — the coordinator's commands on the central: init
 * (the schema, from db/central/ built into the program), enroll (a `keys
 * export` file), status and indicators. See central.h. */
#include "central_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indicators.h"
#include "util.h"

int central_init(const char *url, FILE *out, char *err, size_t errlen)
{
    central_conn c;
    int rc = -1, applied = 0;
    if (central_conn_open(&c, url, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < ck_central_migration_count; i++) {
        char v[16];
        snprintf(v, sizeof v, "%zu", i + 1);
        const char *p[] = {v};
        /* Versions already applied are skipped: running it again changes
         * nothing. Each file records its own version, in its transaction. */
        PGresult *res = central_query(&c, "SELECT to_regclass('ck.schema_version') IS NOT NULL AND EXISTS "
                                      "(SELECT 1 FROM ck.schema_version WHERE version = $1::integer)", 1, p, err,
                                      errlen);
        if (!res) {
            /* No table yet: the first query may fail on a missing schema. */
            res = central_query(&c, "SELECT false", 0, NULL, err, errlen);
            if (!res)
                goto out;
        }
        int have = strcmp(central_val(res, 0, 0), "t") == 0;
        PQclear(res);
        if (have)
            continue;
        if (central_command(&c, "BEGIN", err, errlen) != 0)
            goto out;
        res = PQexec(c.pg, ck_central_migrations[i]);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
            const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
            char msg[512];
            util_strlcpy(msg, m ? m : PQerrorMessage(c.pg), sizeof msg);
            PQclear(res);
            PQexec(c.pg, "ROLLBACK");
            central_fail(err, errlen, "central init: la versión %zu no se aplicó (nada cambió): %s", i + 1, msg);
            goto out;
        }
        PQclear(res);
        if (central_command(&c, "COMMIT", err, errlen) != 0)
            goto out;
        fprintf(out, "versión %zu aplicada\n", i + 1);
        applied++;
    }
    fprintf(out, "esquema de la central al día (versión %zu%s) en %s\n", ck_central_migration_count,
            applied ? "" : ", sin cambios", c.label);
    rc = 0;
out:
    central_conn_close(&c);
    return rc;
}

int central_enroll(const char *url, const char *keyfile, const char *db_role, FILE *out, char *err, size_t errlen)
{
    central_conn c = {0};
    size_t len;
    int rc = -1, n = 0, lineno = 0;
    char *text = util_read_file(keyfile, &len);
    if (!text)
        return central_fail(err, errlen, "%s: no se puede leer: %s", keyfile, strerror(errno));
    if (!util_utf8_valid(text, len)) {
        free(text);
        return central_fail(err, errlen, "%s: no es texto UTF-8", keyfile);
    }
    /* Every line is checked before anything is sent: a bad file enrolls
     * nobody. */
    for (int pass = 0; pass < 2; pass++) {
        char *copy = strdup(text), *save = NULL;
        if (!copy) {
            central_fail(err, errlen, "sin memoria");
            goto out;
        }
        lineno = 0;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            lineno++;
            line[strcspn(line, "\r")] = '\0';
            if (!*line || *line == '#')
                continue;
            char *f[5] = {0};
            int nf = 0;
            for (char *p = line; nf < 5;) {
                f[nf++] = p;
                char *tab = strchr(p, '\t');
                if (!tab)
                    break;
                *tab = '\0';
                p = tab + 1;
            }
            unsigned char pk[32];
            size_t bl = 0;
            if (nf != 5 || strcmp(f[0], "CKKEY1") != 0 || strlen(f[1]) != 7 || !util_is_token(f[1]) ||
                sodium_base642bin(pk, sizeof pk, f[2], strlen(f[2]), NULL, &bl, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0 || bl != 32 || !f[4][0] ||
                !util_is_token(f[3])) {
                free(copy);
                central_fail(err, errlen, "%s:%d: no es una línea de «keys export» (CKKEY1, quiosco, clave, unidad, "
                             "institución); no se inscribió nadie", keyfile, lineno);
                goto out;
            }
            if (pass == 0) {
                n++;
                continue;
            }
            char hex[65];
            sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
            const char *p[] = {f[1], f[4], f[3], hex, db_role};
            PGresult *res = central_query(&c, "SELECT ck.enroll($1, $2, $3, decode($4, 'hex'), $5::name)", 5, p,
                                          err, errlen);
            if (!res) {
                char why[512], ignore[64];
                util_strlcpy(why, err, sizeof why);
                if (strcmp(c.sqlstate, "CK007") == 0)
                    central_fail(err, errlen, "%s:%d: el quiosco %s ya está inscrito con otra clave o en otra "
                                 "institución; no se inscribió nadie", keyfile, lineno, f[1]);
                else
                    central_fail(err, errlen, "%s:%d: %s; no se inscribió nadie", keyfile, lineno, why);
                free(copy);
                if (!central_conn_lost(&c))
                    central_command(&c, "ROLLBACK", ignore, sizeof ignore);
                goto out;
            }
            int again = strcmp(central_val(res, 0, 0), "unchanged") == 0;
            PQclear(res);
            fprintf(out, "%s quiosco %s, unidad %s, %s\n", again ? "sin cambios:" : "inscrito:", f[1], f[3], f[4]);
        }
        free(copy);
        if (pass == 0) {
            if (n == 0) {
                central_fail(err, errlen, "%s: no tiene ninguna clave (CKKEY1); genérelo con: cepci-kiosk keys export "
                             "ARCHIVO", keyfile);
                goto out;
            }
            /* A login pushes one kiosk's chain (db/central/005_logins.sql):
             * a role binds one kiosk, never every kiosk of a file. */
            if (db_role && n > 1) {
                central_fail(err, errlen, "%s: --role vincula un solo quiosco y este archivo tiene %d; exporte la "
                             "clave de cada quiosco con: cepci-kiosk keys export --own ARCHIVO; no se inscribió nadie",
                             keyfile, n);
                goto out;
            }
            /* All of the file or none of it. */
            if (central_conn_open(&c, url, err, errlen) != 0 || central_command(&c, "BEGIN", err, errlen) != 0)
                goto out;
        }
    }
    if (central_command(&c, "COMMIT", err, errlen) != 0)
        goto out;
    if (!db_role)
        fprintf(out, "sin --role: %s solo se conoce%s en la central; no podrá%s enviar su cadena hasta inscribirse con "
                "su propio inicio de sesión (--role), salvo en paquetes que importe la persona coordinadora\n",
                n == 1 ? "este quiosco" : "estos quioscos", n == 1 ? "" : "n", n == 1 ? "" : "n");
    rc = 0;
out:
    free(text);
    central_conn_close(&c);
    return rc;
}

/* A duration in seconds as people read it. */
static void duration(int64_t s, char *out, size_t outlen)
{
    int64_t a = s < 0 ? -s : s;
    const char *sign = s < 0 ? "-" : "";
    if (a < 120)
        snprintf(out, outlen, "%s%lld s", sign, (long long)a);
    else if (a < 7200)
        snprintf(out, outlen, "%s%lld min", sign, (long long)(a / 60));
    else if (a < 172800)
        snprintf(out, outlen, "%s%lld h", sign, (long long)(a / 3600));
    else
        snprintf(out, outlen, "%s%lld d", sign, (long long)(a / 86400));
}

int central_status(const char *url, FILE *out, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT kiosk_id, institution, unit_code, to_char(last_push AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD HH24:MI'), lag_seconds, clock_skew, max_skew, head_seq, attendance, pledges, conflicts, "
        "flags, quarantined FROM ck.kiosk_status ORDER BY institution, kiosk_id";
    central_conn c;
    if (central_conn_open(&c, url, err, errlen) != 0)
        return -1;
    PGresult *res = central_query(&c, sql, 0, NULL, err, errlen);
    if (!res) {
        central_conn_close(&c);
        return -1;
    }
    int n = PQntuples(res);
    fprintf(out, "Central %s: %d quiosco%s\n\n", c.label, n, n == 1 ? "" : "s");
    fprintf(out, "%-8s %-10s %-16s %8s %8s %8s %9s %9s %9s %8s %8s\n", "Quiosco", "Unidad", "Último envío (UTC)",
            "Atraso", "Desfase", "Posición", "Asistenc.", "Cartas", "Conflict.", "Alertas", "Aparte");
    for (int i = 0; i < n; i++) {
        char lag[32] = "-", skew[32] = "-";
        if (!PQgetisnull(res, i, 4))
            duration(strtoll(central_val(res, i, 4), NULL, 10), lag, sizeof lag);
        if (!PQgetisnull(res, i, 5))
            duration(strtoll(central_val(res, i, 5), NULL, 10), skew, sizeof skew);
        fprintf(out, "%-8s %-10s %-18s %8s %8s %8s %9s %9s %9s %8s %8s\n", central_val(res, i, 0),
                central_val(res, i, 2), PQgetisnull(res, i, 3) ? "nunca" : central_val(res, i, 3), lag, skew,
                PQgetisnull(res, i, 7) ? "-" : central_val(res, i, 7), central_val(res, i, 8),
                central_val(res, i, 9), central_val(res, i, 10), central_val(res, i, 11), central_val(res, i, 12));
    }
    PQclear(res);
    fprintf(out, "\nAtraso: desde el último envío aceptado. Desfase: reloj del quiosco menos el de la central. "
                 "Aparte: envíos que la central guardó sin aplicar (cepci-kiosk central audit verify).\n");
    central_conn_close(&c);
    return 0;
}

int central_indicators(const char *url, const char *institution, int year, const config *cfg, const char *format,
                       FILE *out, char *err, size_t errlen)
{
    /* PostgreSQL computes; the rows come back flat, and the kiosk's own
     * writer prints them, so the output is the one `indicators` gives. */
    static const char sql[] =
        "WITH x AS (SELECT ck.indicators($1, $2::integer, $3::text[], $4::numeric, $5::numeric, $6::numeric%s) AS j) "
        "SELECT 0, j->>'units_covered', j->>'units_total', j->'overall'->>'staff', j->'overall'->>'trained', "
        "j->'overall'->>'trained_pct', j->'overall'->>'pledged', j->'overall'->>'pledged_pct', '', '', '' FROM x "
        "UNION ALL SELECT 1 + u.n, u.v->>'code', u.v->>'name', u.v->>'staff', u.v->>'trained', u.v->>'trained_pct', "
        "u.v->>'pledged', u.v->>'pledged_pct', u.v->>'has_training', '', '' "
        "FROM x, jsonb_array_elements(x.j->'units') WITH ORDINALITY u(v, n) ORDER BY 1";
    central_conn c;
    char y[16], topics[1024] = "{", g1[32], g2[32], g3[32], q[sizeof sql + 16];
    snprintf(y, sizeof y, "%d", year);
    for (int i = 0; i < cfg->ntopics; i++) {
        size_t l = strlen(topics);
        snprintf(topics + l, sizeof topics - l, "%s\"%s\"", i ? "," : "", cfg->topics[i]);
    }
    size_t l = strlen(topics);
    snprintf(topics + l, sizeof topics - l, "}");
    snprintf(g1, sizeof g1, "%.6g", cfg->goal_trained);
    snprintf(g2, sizeof g2, "%.6g", cfg->goal_units);
    snprintf(g3, sizeof g3, "%.6g", cfg->goal_pledged);
    if (central_conn_open(&c, url, err, errlen) != 0)
        return -1;
    /* The heads' Ed25519 signatures are checked here, by the program
     * (PostgreSQL cannot): what no valid head covers is named on stderr
     * and left out of the figures (ck.indicators' p_unsigned, schema 8;
     * without it the call is version 2's, which any central of ours has). */
    long bad = 0;
    char *unsigned_json = NULL;
    if (central_heads_check(&c, stderr, &bad, &unsigned_json, err, errlen) != 0) {
        central_conn_close(&c);
        return -1;
    }
    int leave_out = strcmp(unsigned_json, "[]") != 0;
    snprintf(q, sizeof q, sql, leave_out ? ", $7::jsonb" : "");
    const char *p[] = {institution, y, topics, g1, g2, g3, unsigned_json};
    PGresult *res = central_query(&c, q, leave_out ? 7 : 6, p, err, errlen);
    if (res && bad > 0)
        fprintf(stderr, "AVISO: %ld hallazgo%s (arriba): estos indicadores pueden contar versiones de personas o "
                "eventos que ningún quiosco firmó o cortar el año a otra hora; revise con: cepci-kiosk central "
                "audit verify\n", bad, bad == 1 ? "" : "s");
    free(unsigned_json);
    central_conn_close(&c);
    if (!res)
        return -1;
    int n = PQntuples(res), rc = -1;
    if (n < 1 || PQgetisnull(res, 0, 1)) {
        PQclear(res);
        return central_fail(err, errlen, "la central no tiene la institución \"%s\" (¿inscribió sus quioscos?)",
                            institution);
    }
    indicators ind;
    memset(&ind, 0, sizeof ind);
    ind.year = year;
    ind.goal_trained = cfg->goal_trained;
    ind.goal_units = cfg->goal_units;
    ind.goal_pledged = cfg->goal_pledged;
    ind.units_covered = atoi(central_val(res, 0, 1));
    ind.units_total = atoi(central_val(res, 0, 2));
    ind.staff = atoi(central_val(res, 0, 3));
    ind.trained = atoi(central_val(res, 0, 4));
    ind.trained_pct = strtod(central_val(res, 0, 5), NULL);
    ind.pledged = atoi(central_val(res, 0, 6));
    ind.pledged_pct = strtod(central_val(res, 0, 7), NULL);
    ind.units_covered_pct = indicators_pct(ind.units_covered, ind.units_total);
    ind.nunits = n - 1;
    ind.units = calloc((size_t)(n > 1 ? n - 1 : 1), sizeof *ind.units);
    if (!ind.units) {
        PQclear(res);
        return central_fail(err, errlen, "sin memoria");
    }
    for (int i = 1; i < n; i++) {
        ind_unit *u = &ind.units[i - 1];
        util_strlcpy(u->code, central_val(res, i, 1), sizeof u->code);
        util_strlcpy(u->name, central_val(res, i, 2), sizeof u->name);
        u->staff = atoi(central_val(res, i, 3));
        u->trained = atoi(central_val(res, i, 4));
        u->trained_pct = strtod(central_val(res, i, 5), NULL);
        u->pledged = atoi(central_val(res, i, 6));
        u->pledged_pct = strtod(central_val(res, i, 7), NULL);
        u->has_training = strcmp(central_val(res, i, 8), "true") == 0;
    }
    PQclear(res);
    if (indicators_write(&ind, format, out) == 0)
        rc = 0;
    else
        central_fail(err, errlen, "no se pudieron escribir los indicadores (formato text, csv o json)");
    indicators_free(&ind);
    return rc;
}
