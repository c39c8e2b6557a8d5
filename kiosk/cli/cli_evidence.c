/* cli_evidence.c — the coordinator's year of evidence (issue 14):
 *   export evidence [--year Y] [-o FILE.zip] [--force]
 *   export certificates EVENT [-o FILE.pdf] [--force]
 *   export certificates --person NUM [--year Y] [-o FILE.pdf] [--force]
 *   export attendance --year Y [--unit U] --format pdf|csv|xlsx [-o FILE] [--force]
 *   verify --package FILE.zip [--keys FILE] [--verbose]
 *   verify CKC1:...   (a certificate's QR)
 * Without -o a file goes to the export folder under a name that says what
 * is inside; -o onto an existing file needs --force. Messages are Spanish,
 * one line; the path of the file written is printed on stdout. */
#include "cli_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "util.h"

/* "<export dir>/<name>". */
static void in_export_dir(cli_ctx *ctx, const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/%s", ctx->cfg.export_dir[0] ? ctx->cfg.export_dir : ".", name);
}

/* The kiosk's unit code for file names ("" when none is configured). */
static const char *unit_code(cli_ctx *ctx, store *s)
{
    static char code[STORE_UNIT_CODE_LEN];
    if (ctx->cfg.unit[0])
        return ctx->cfg.unit;
    if (store_meta_get(s, "unit", code, sizeof code) == STORE_OK)
        return code;
    return "";
}

/* A default output path that must not exist yet; with force, any. */
static int default_output(cli_ctx *ctx, const char *name, int force, char *out, size_t outlen)
{
    in_export_dir(ctx, name, out, outlen);
    return cli_check_output(out, force);
}

/* ---- export evidence ---- */

int cli_export_evidence(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "export evidence [--year AAAA] [-o ARCHIVO.zip] [--force]";
    static const struct option lo[] = {{"year", required_argument, 0, 'y'}, {"output", required_argument, 0, 'o'},
                                       {"force", no_argument, 0, 'F'}, {0, 0, 0, 0}};
    int year = 0, force = 0;
    const char *path = NULL;
    optind = 1;
    opterr = 0;
    for (int opt; (opt = getopt_long(argc, argv, "o:", lo, NULL)) != -1;) {
        switch (opt) {
        case 'y':
            if (cli_parse_year(optarg, &year))
                return cli_error("año no válido '%s'", optarg);
            break;
        case 'o': path = optarg; break;
        case 'F': force = 1; break;
        default: return cli_error("export evidence: opción desconocida o incompleta '%s'; uso: %s", argv[optind - 1],
                                  usage);
        }
    }
    if (optind != argc)
        return cli_error("uso: %s", usage);
    if (!year)
        year = cli_current_year(ctx);
    if (path && cli_check_output(path, force))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char def[4096], name[200], err[2048];
    if (!path) {
        const char *u = unit_code(ctx, s);
        snprintf(name, sizeof name, "evidencias_%d%s%s.zip", year, *u ? "_" : "", u);
        if (default_output(ctx, name, force, def, sizeof def)) {
            store_close(s);
            return 1;
        }
        path = def;
    }
    export_evidence_stats st;
    int rc = export_evidence(s, &ctx->cfg, ctx->db_path, year, path, cli_now(), &st, err, sizeof err);
    store_close(s);
    if (rc)
        return cli_error("%s", err);
    printf("%s\n", path);
    fprintf(stderr, "Paquete de evidencias %d: %d archivos (%d eventos, %d anexos), %.1f MB sin comprimir.\n", year,
            st.files, st.events, st.attachments, st.bytes / (1024.0 * 1024.0));
    return 0;
}

/* ---- export certificates ---- */

int cli_export_certificates(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "export certificates EVENTO [-o ARCHIVO.pdf] [--force] | export certificates "
                                "--person NUMERO [--year AAAA] [-o ARCHIVO.pdf] [--force]";
    static const struct option lo[] = {{"person", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
                                       {"output", required_argument, 0, 'o'}, {"force", no_argument, 0, 'F'},
                                       {0, 0, 0, 0}};
    const char *person = NULL, *path = NULL, *event_id = NULL;
    int year = 0, force = 0;
    optind = 1;
    opterr = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, "+o:", lo, NULL);
        if (opt == -1) {
            if (optind < argc && !event_id && argv[optind][0] != '-') {
                event_id = argv[optind++];
                continue;
            }
            break;
        }
        switch (opt) {
        case 'p': person = optarg; break;
        case 'y':
            if (cli_parse_year(optarg, &year))
                return cli_error("año no válido '%s'", optarg);
            break;
        case 'o': path = optarg; break;
        case 'F': force = 1; break;
        default: return cli_error("export certificates: opción desconocida o incompleta '%s'; uso: %s",
                                  argv[optind - 1], usage);
        }
    }
    if (optind != argc || (!event_id == !person) || (event_id && year))
        return cli_error("uso: %s", usage);
    if (person && !year)
        year = cli_current_year(ctx);
    if (path && cli_check_output(path, force))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char def[4096], name[600], err[2048];
    int64_t now = cli_now();
    int rc = 1, pages = 0;
    if (event_id) {
        store_event ev;
        if (store_event_get(s, event_id, &ev) != STORE_OK) {
            cli_error("no hay un evento '%s' (use el identificador que muestra «cepci-kiosk event list»)", event_id);
            goto out;
        }
        if (!path) {
            export_event_filename(&ev, "constancias", "pdf", name, sizeof name);
            if (default_output(ctx, name, force, def, sizeof def))
                goto out;
            path = def;
        }
        if (export_certificates_event(s, &ctx->cfg, ctx->db_path, ev.id, path, now, &pages, err, sizeof err) != 0) {
            cli_error("%s", err);
            goto out;
        }
        fprintf(stderr, "%d constancias de «%s».\n", pages, ev.title);
    } else {
        if (!path) {
            store_person p;
            snprintf(name, sizeof name, "constancia-anual_%d_%s.pdf", year,
                     store_person_get(s, person, &p) == STORE_OK ? p.employee_no : person);
            if (default_output(ctx, name, force, def, sizeof def))
                goto out;
            path = def;
        }
        if (export_certificate_person(s, &ctx->cfg, ctx->db_path, person, year, path, now, err, sizeof err) != 0) {
            cli_error("%s", err);
            goto out;
        }
    }
    printf("%s\n", path);
    rc = 0;
out:
    store_close(s);
    return rc;
}

/* ---- export attendance --year Y [--unit U] ---- */

int cli_export_attendance_year(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] =
        "export attendance --year AAAA [--unit UNIDAD] --format pdf|csv|xlsx [-o ARCHIVO] [--force]";
    static const struct option lo[] = {{"year", required_argument, 0, 'y'},  {"unit", required_argument, 0, 'u'},
                                       {"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
                                       {"force", no_argument, 0, 'F'},        {0, 0, 0, 0}};
    const char *unit = NULL, *format = NULL, *path = NULL;
    int year = 0, force = 0;
    optind = 1;
    opterr = 0;
    for (int opt; (opt = getopt_long(argc, argv, "o:f:", lo, NULL)) != -1;) {
        switch (opt) {
        case 'y':
            if (cli_parse_year(optarg, &year))
                return cli_error("año no válido '%s'", optarg);
            break;
        case 'u': unit = optarg; break;
        case 'f': format = optarg; break;
        case 'o': path = optarg; break;
        case 'F': force = 1; break;
        default: return cli_error("export attendance: opción desconocida o incompleta '%s'; uso: %s",
                                  argv[optind - 1], usage);
        }
    }
    if (optind != argc || !year)
        return cli_error("uso: %s", usage);
    if (!format)
        return cli_error("export attendance: indique --format (pdf, csv o xlsx)");
    if (strcmp(format, "pdf") && strcmp(format, "csv") && strcmp(format, "xlsx"))
        return cli_error("formato desconocido '%s' (use pdf, csv o xlsx)", format);
    if (path && cli_check_output(path, force))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    char def[4096], name[200], err[2048];
    int rc = 1;
    if (!path) {
        snprintf(name, sizeof name, "lista-asistencia-anual_%d%s%s.%s", year, unit ? "_" : "", unit ? unit : "",
                 format);
        if (default_output(ctx, name, force, def, sizeof def))
            goto out;
        path = def;
    }
    if (export_attendance_year(s, &ctx->cfg, year, unit, format, path, cli_now(), err, sizeof err) != 0) {
        cli_error("%s", err);
        goto out;
    }
    printf("%s\n", path);
    rc = 0;
out:
    store_close(s);
    return rc;
}

/* ---- verify --package ---- */

static void report(int what, const char *file, const char *detail, void *ctx)
{
    (void)ctx;
    static const char *const label[] = {
        [EVIDENCE_OK] = "CORRECTO", [EVIDENCE_CHANGED] = "MODIFICADO", [EVIDENCE_MISSING] = "FALTA",
        [EVIDENCE_ADDED] = "AGREGADO", [EVIDENCE_UNREADABLE] = "DAÑADO", [EVIDENCE_BAD_MANIFEST] = "MANIFIESTO",
        [EVIDENCE_BAD_SIGNATURE] = "FIRMA", [EVIDENCE_BAD_HEAD] = "CADENA", [EVIDENCE_BAD_PRINT] = "HUELLA",
    };
    char f[1024], d[1024];
    snprintf(f, sizeof f, "%s", file);
    cli_es(detail, d, sizeof d); /* (a reason from the store, nested, is English) */
    printf("%s: %s: %s\n", label[what], util_one_line(f), util_one_line(d));
}

int cli_verify_package(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "verify --package ARCHIVO.zip [--keys ARCHIVO_DE_LLAVES] [--verbose]";
    static const struct option lo[] = {{"package", required_argument, 0, 'p'}, {"keys", required_argument, 0, 'k'},
                                       {"verbose", no_argument, 0, 'v'}, {0, 0, 0, 0}};
    const char *zip = NULL, *keys = NULL;
    int verbose = 0;
    optind = 1;
    opterr = 0;
    for (int opt; (opt = getopt_long(argc, argv, "", lo, NULL)) != -1;) {
        switch (opt) {
        case 'p': zip = optarg; break;
        case 'k': keys = optarg; break;
        case 'v': verbose = 1; break;
        default: return cli_error("verify: opción desconocida o incompleta '%s'; uso: %s", argv[optind - 1], usage);
        }
    }
    if (!zip || optind != argc)
        return cli_error("uso: %s", usage);
    /* The auditor may have no database: then only --keys tells the key. */
    store *s = NULL;
    char err[2048];
    if (access(ctx->db_path, F_OK) == 0 && store_open(&s, ctx->db_path, 0, err, sizeof err) != STORE_OK)
        return cli_error("%s", err);
    export_evidence_check chk;
    int rc = export_evidence_verify(s, zip, keys, verbose, report, NULL, &chk, err, sizeof err);
    if (s)
        store_close(s);
    if (rc < 0)
        return cli_error("%s", err);
    printf("Paquete: %s\n", zip);
    if (chk.kiosk_id[0])
        printf("Firmado por el quiosco %s · huella de la llave %s (%s)\n", chk.kiosk_id, chk.key_fingerprint,
               chk.key_known ? "registrada" : "NO registrada aquí");
    if (chk.year)
        printf("Año: %d\n", chk.year);
    printf("Archivos en el manifiesto: %d\n", chk.files);
    if (chk.lists)
        printf("Huellas de las listas: %d de %d firmadas por el quiosco y iguales al SHA-256 de su CSV\n",
               chk.lists_ok, chk.lists);
    if (chk.head_signed)
        printf("Cadena de auditoría: cabeza firmada en la posición %lld (huella %.16s…)%s\n", chk.head_pos,
               chk.head_hash,
               chk.head_in_db == 1    ? "; la cadena de esta base de datos la conserva"
               : chk.head_in_db == -1 ? "; la cadena de esta base de datos NO la conserva"
                                      : "; sin la base de datos del quiosco no se compara con su cadena");
    if (rc == 0) {
        printf("Resultado: ÍNTEGRO. Todos los archivos coinciden con el manifiesto firmado.\n");
        return 0;
    }
    if (chk.content_ok)
        printf("Resultado: NO VERIFICADO. Los archivos coinciden con el manifiesto firmado, pero la llave que lo "
               "firmó no está registrada aquí.\n");
    else
        printf("Resultado: NO ÍNTEGRO (%d %s).\n", chk.problems, chk.problems == 1 ? "problema" : "problemas");
    return 1;
}

/* ---- verify CKC1:... ---- */

int cli_verify_certificate(cli_ctx *ctx, const char *payload, const char *db)
{
    store *s;
    char err[1024];
    export_cert_fields f;
    if (db) {
        /* The database given after the payload, as for lists and receipts. */
        if (store_open(&s, db, 0, err, sizeof err) != STORE_OK)
            return cli_error("%s", err);
    } else if (cli_open(ctx, &s)) {
        return 1;
    }
    int rc = export_cert_verify(s, payload, &f, err, sizeof err), cmp = 0;
    char why[1024] = "";
    /* With --db FILE: FILE's records must stand behind it, as for lists
     * and receipts (the session-6 red team: a certificate whose attendance
     * was deleted from FILE passed, saying nothing of FILE). */
    if (rc == 0 && db)
        cmp = export_cert_compare(s, &f, why, sizeof why);
    store_close(s);
    if (rc != 0)
        return cli_error("%s", err);
    if (cmp < 0)
        return cli_error("%s: %s", db, why);
    printf("auténtica: constancia firmada por el quiosco %s\n", f.kiosk_id);
    printf("persona: %s (número de empleado %s)\n", f.name, f.employee_no);
    if (f.type == 1) {
        printf("tipo: constancia de participación\n");
        printf("evento: %s\n", f.event_title);
        printf("fecha del evento: %s\n", f.event_date);
        if (f.minutes)
            printf("duración: %d min\n", f.minutes);
        printf("clave PAT: %s\n", f.pat[0] ? f.pat : "sin clave");
        printf("folio: %s\n", f.folio);
        printf("evento id: %s\n", f.event_id);
    } else {
        printf("tipo: constancia anual de capacitación\n");
        printf("año: %d\nactividades: %d\nduración registrada: %d min\n", f.year, f.count, f.total_minutes);
        printf("huella de la lista: %s\n", f.list_sha256);
    }
    if (db && cmp == 0)
        printf("registros de %s: coincide\n", db);
    else if (db) {
        printf("registros de %s: no coincide: %s\n", db, why);
        return 1;
    }
    return 0;
}
