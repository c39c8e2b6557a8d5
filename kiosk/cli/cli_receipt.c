/* cli_receipt.c — receipt FOLIO (show, PNG, print) and verify PAYLOAD
 * (a receipt's QR, or the fingerprint QR of an exported list) (SPEC
 * "Receipts"). */
#include "cli_common.h"

#include <stdio.h>
#include <string.h>

#include "export.h"
#include "receipt.h"
#include "util.h"

/* ---- receipt FOLIO [--png FILE] [--print] ---- */

static void show_receipt(const receipt *r)
{
    printf("%s\n%s\n", r->institution, r->kind);
    printf("Nombre: %s\n", r->name);
    printf("Número de empleado: %s\n", r->employee_no[0] ? r->employee_no : "(invitado)");
    printf("Unidad: %s\n", r->unit_name);
    if (r->event_title[0])
        printf("Evento: %s\nFecha del evento: %s\n", r->event_title, r->event_date);
    if (r->carta_prefix[0])
        printf("Versión de la Carta: %s\n", r->carta_prefix);
    printf("Registro: %s\nFolio: %s\nQR: %s\n", r->local_time, r->folio, r->payload);
}

int cli_cmd_receipt(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "receipt FOLIO [--png FILE] [--print]";
    const char *folio = NULL, *png = NULL;
    int print = 0, rc = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0 && i + 1 < argc)
            png = argv[++i];
        else if (strcmp(argv[i], "--print") == 0)
            print = 1;
        else if (argv[i][0] != '-' && !folio)
            folio = argv[i];
        else
            return cli_error("usage: %s", usage);
    }
    if (!folio)
        return cli_error("usage: %s", usage);
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    store_record r;
    receipt rec;
    char err[1024];
    if (store_record_by_folio(s, folio, &r) != STORE_OK) {
        cli_error("%s", store_errmsg(s));
        goto out;
    }
    if (receipt_build(s, &ctx->cfg, ctx->db_path, &r, &rec, err, sizeof err) != 0) {
        cli_error("%s", err);
        goto out;
    }
    if (png && receipt_render_png(&rec, &ctx->cfg, png, err, sizeof err) != 0) {
        cli_error("%s", err);
        goto out;
    }
    if (print && receipt_print(&rec, &ctx->cfg, err, sizeof err) != 0) {
        cli_error("printer: %s", err);
        goto out;
    }
    if (!png && !print)
        show_receipt(&rec);
    rc = 0;
out:
    store_close(s);
    return rc;
}

/* ---- verify PAYLOAD [--db FILE] ---- */

static const char *state_text(const export_fingerprint *fp)
{
    if (fp->state == EXPORT_STATE_CLOSED)
        return fp->kind != EXPORT_FP_ATTENDANCE ? "definitiva (el periodo había concluido)" : "definitiva (evento cerrado)";
    if (fp->kind != EXPORT_FP_ATTENDANCE)
        return "PRELIMINAR (el periodo no había concluido)";
    return fp->state == EXPORT_STATE_OPEN ? "PRELIMINAR (evento abierto)" : "PRELIMINAR (evento en borrador)";
}

/* verify for the fingerprint QR of an exported document (attendance list
 * CKL2:, pledge database CKP2:, or the first format CKL1:/CKP1:); with
 * compare, the list is recomputed from the records of s. Closes s;
 * returns the exit status (1 also when the records do not match). */
static int verify_document(cli_ctx *ctx, store *s, const char *payload, const char *compare)
{
    export_fingerprint fp;
    char err[1024], date[96];
    int rc = export_fingerprint_verify(s, payload, &fp, err, sizeof err);
    if (rc != 0) {
        store_close(s);
        return cli_error("%s", err);
    }
    printf("auténtica: %s firmada por el quiosco %s\n",
           fp.kind == EXPORT_FP_ATTENDANCE   ? "lista de asistencia"
           : fp.kind == EXPORT_FP_INDICATORS ? "huella del informe de indicadores"
                                             : "base de firmantes de la Carta Compromiso",
           fp.kiosk_id);
    printf("llave del quiosco (SHA-256): %s\n", fp.key_sha256);
    if (fp.version >= 2) {
        printf("institución: %s\n", fp.institution);
        if (fp.kind == EXPORT_FP_ATTENDANCE) {
            export_long_date(fp.event_start, date, sizeof date);
            printf("evento: %s\n", fp.event_title);
            printf("fecha: %s, %s h\n", date, fp.event_start + 11);
            printf("unidad: %s\n", fp.event_unit);
            printf("id del evento: %s\n", fp.event_id);
        } else if (fp.kind == EXPORT_FP_INDICATORS) {
            printf("año: %d (indicadores I.1, I.2 e IV.3)\n", fp.year);
        } else if (fp.year) {
            printf("periodo: firmas hasta el 31 de diciembre de %d\n", fp.year);
        } else {
            printf("periodo: todas las firmas\n");
        }
        printf("filas: %ld\n", fp.rows);
        printf("estado: %s\n", state_text(&fp));
    } else {
        printf("formato anterior (CKL1/CKP1): la huella no nombra la lista\n");
    }
    printf("huella SHA-256: %s\n", fp.sha256);
    if (!compare) {
        store_close(s);
        return 0;
    }
    long rows, differ;
    int exact;
    rc = export_fingerprint_compare(s, &ctx->cfg, &fp, &rows, &differ, &exact, err, sizeof err);
    /* The list is recomputed from the rows as printed, which leave out
     * what identifies a record (its UUID, its entry): the rows must also
     * stand behind the audit chain, or a hand edit that keeps the printed
     * columns (a row's UUID changed, a later record deleted) would match
     * (the session-5 red team). */
    int sound = rc == 0 ? store_audit_verify_ex(s, NULL, 0, NULL) : STORE_OK;
    if (rc == 0 && sound != STORE_OK)
        snprintf(err, sizeof err, "%s", store_errmsg(s));
    store_close(s);
    if (rc != 0)
        return cli_error("%s: %s", compare, err);
    if (sound != STORE_OK) {
        printf("registros de %s: no coincide: la base de datos fue alterada fuera del programa\n", compare);
        return cli_error("%s: audit chain BROKEN: %s", compare, err);
    }
    if (differ == 0) {
        printf("registros de %s: coincide (%ld filas)\n", compare, rows);
        return 0;
    }
    if (exact)
        printf("registros de %s: no coincide (%ld filas difieren: %ld registros posteriores a la firma; hoy %ld "
               "filas)\n", compare, differ, differ, rows);
    else
        printf("registros de %s: no coincide (al menos %ld filas difieren; firmada con %ld filas, hoy %ld)\n",
               compare, differ, fp.rows, rows);
    return 1;
}

int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    char line[EXPORT_PAYLOAD_MAX + 2], err[1024], tz[STORE_TZ_LEN] = CK_DEFAULT_TZ, when[64];
    const char *payload = NULL, *compare = NULL;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--package") == 0 || strncmp(argv[i], "--package=", 10) == 0)
            return cli_verify_package(ctx, argc, argv); /* cli_evidence.c */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc && !compare)
            compare = argv[++i];
        else if (!payload && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
            payload = argv[i];
        else
            return cli_error("usage: verify PAYLOAD [--db FILE] (the payload contains spaces: quote it, or use - "
                             "to read it from standard input)");
    }
    if (!payload)
        return cli_error("usage: verify PAYLOAD [--db FILE] | verify - [--db FILE]");
    if (strcmp(payload, "-") == 0) {
        if (!fgets(line, sizeof line, stdin))
            return cli_error("verify: no payload on standard input");
        line[strcspn(line, "\r\n")] = '\0';
        payload = line;
    }
    if (strncmp(payload, "CKC1:", 5) == 0)
        return cli_verify_certificate(ctx, payload, compare); /* a certificate (cli_evidence.c) */
    store *s;
    int list = strncmp(payload, "CKL", 3) == 0 || strncmp(payload, "CKP", 3) == 0 || strncmp(payload, "CKI", 3) == 0;
    if (compare) {
        /* A list: the records to compare with (and the keys they hold). A
         * receipt: the database to check it against, as with the --db
         * before the command. */
        /* The records to compare with, and the keys they hold. */
        if (store_open(&s, compare, 0, err, sizeof err) != STORE_OK)
            return cli_error("%s", err);
    } else if (cli_open(ctx, &s)) {
        return 1;
    }
    if (list)
        return verify_document(ctx, s, payload, compare);
    receipt_fields f;
    if (receipt_verify(s, payload, &f, err, sizeof err) != 0) {
        store_close(s);
        return cli_error("%s", err);
    }
    store_person p;
    store_event e;
    store_unit u;
    int have_event = f.type == RECEIPT_ATTENDANCE && store_event_get(s, f.event_id, &e) == STORE_OK;
    if (have_event && store_unit_get(s, e.unit, &u) == STORE_OK)
        snprintf(tz, sizeof tz, "%s", u.timezone);
    util_format_time(tz, f.at, "%Y-%m-%d %H:%M:%S", when, sizeof when);
    printf("auténtico: firmado por el quiosco %s\n", f.kiosk_id);
    printf("tipo: %s\n", f.type == RECEIPT_PLEDGE ? "firma de la Carta Compromiso" : "asistencia");
    printf("folio: %s\n", f.folio);
    printf("registro: %s\n", f.record_uuid);
    if (!f.employee_no[0]) {
        printf("persona: (invitada)\n");
    } else if (store_person_get(s, f.employee_no, &p) == STORE_OK) {
        char name[512];
        store_person_fullname(&p, name, sizeof name);
        printf("persona: %s (%s)\n", f.employee_no, name);
    } else {
        printf("persona: %s\n", f.employee_no);
    }
    if (f.type == RECEIPT_ATTENDANCE) {
        if (have_event)
            printf("evento: %s (%s, %s)\n", f.event_id, e.title, e.start);
        else
            printf("evento: %s\n", f.event_id);
    } else {
        printf("versión de la Carta: %s\n", f.carta_prefix);
    }
    printf("hora: %s (%s)\n", when, tz);
    int rc = 0;
    if (f.version >= 2) {
        /* The receipt is a signed head of its kiosk's chain at its own
         * entry: the database, if it holds the record, must agree. */
        store_head entry;
        int row = 0;
        printf("cadena: posición %lld, hash %s…\n", (long long)f.chain_pos, f.chain_hash);
        if (store_record_entry_check(s, f.type == RECEIPT_PLEDGE ? "pledge" : "attendance", f.record_uuid, &entry,
                                     &row) == STORE_OK) {
            int same = entry.pos == f.chain_pos && strncmp(entry.hash, f.chain_hash, strlen(f.chain_hash)) == 0 &&
                       strcmp(entry.kiosk_id, f.kiosk_id) == 0;
            if (same && row == 0)
                printf("cadena: coincide con esta base de datos\n");
            else if (same && row == 3)
                printf("cadena: coincide con esta base de datos (el registro quedó aparte al sincronizar: "
                       "vea cepci-kiosk sync --status)\n");
            else if (same && row == 1)
                rc = cli_error("this database's audit chain holds this receipt's record, but its row is gone: it "
                               "was deleted by hand; run: cepci-kiosk audit verify");
            else if (same)
                rc = cli_error("this database's audit chain holds this receipt's record, but its row (or its "
                               "entry) differs from what was signed: it was changed by hand; run: cepci-kiosk "
                               "audit verify");
            else
                rc = cli_error("this database's audit chain does not hold this receipt's record at position %lld "
                               "(it is at %lld, hash %.16s): the chain was rewritten", (long long)f.chain_pos,
                               (long long)entry.pos, entry.hash);
        } else {
            printf("cadena: el registro no está en esta base de datos\n");
            /* Checked against FILE (--db after the payload): FILE does not
             * stand behind it (the record was deleted with its entry, or
             * FILE is an older copy), exit 1. Without it, the kiosk's own
             * database may simply not have it yet (another kiosk's). */
            if (compare)
                rc = cli_error("%s does not hold this receipt's record: it was deleted with its audit entry, or the "
                               "file is a copy from before it (a restore, a rollback); run: cepci-kiosk --db %s audit "
                               "verify --head 'THE RECEIPT'", compare, compare);
        }
    }
    store_close(s);
    return rc;
}
