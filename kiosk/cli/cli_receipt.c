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

/* ---- verify PAYLOAD ---- */

/* verify for the fingerprint QR of an exported document (attendance list
 * CKL1:, pledge database CKP1:). Closes s; returns the exit status. */
static int verify_document(store *s, const char *payload)
{
    export_fingerprint fp;
    char err[1024];
    int rc = export_fingerprint_verify(s, payload, &fp, err, sizeof err);
    store_close(s);
    if (rc != 0)
        return cli_error("%s", err);
    printf("genuine: document signed by kiosk %s\n", fp.kiosk_id);
    printf("type: %s\n", strncmp(payload, "CKL1:", 5) == 0 ? "attendance list" : "pledge database");
    printf("sha256: %s\n", fp.sha256);
    return 0;
}

int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    char line[RECEIPT_PAYLOAD_MAX + 2], err[1024], tz[STORE_TZ_LEN] = CK_DEFAULT_TZ, when[64];
    const char *payload;
    if (argc > 2)
        return cli_error("usage: verify PAYLOAD (the payload contains spaces: quote it, or use - to read it from "
                         "standard input)");
    if (argc != 2)
        return cli_error("usage: verify PAYLOAD | verify -");
    payload = argv[1];
    if (strcmp(payload, "-") == 0) {
        if (!fgets(line, sizeof line, stdin))
            return cli_error("verify: no payload on standard input");
        line[strcspn(line, "\r\n")] = '\0';
        payload = line;
    }
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    if (strncmp(payload, "CKL1:", 5) == 0 || strncmp(payload, "CKP1:", 5) == 0)
        return verify_document(s, payload);
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
    printf("genuine: signed by kiosk %s\n", f.kiosk_id);
    printf("type: %s\n", f.type == RECEIPT_PLEDGE ? "pledge" : "attendance");
    printf("folio: %s\n", f.folio);
    printf("record: %s\n", f.record_uuid);
    if (!f.employee_no[0]) {
        printf("employee: (guest)\n");
    } else if (store_person_get(s, f.employee_no, &p) == STORE_OK) {
        char name[512];
        store_person_fullname(&p, name, sizeof name);
        printf("employee: %s (%s)\n", f.employee_no, name);
    } else {
        printf("employee: %s\n", f.employee_no);
    }
    if (f.type == RECEIPT_ATTENDANCE) {
        if (have_event)
            printf("event: %s (%s, %s)\n", f.event_id, e.title, e.start);
        else
            printf("event: %s\n", f.event_id);
    } else {
        printf("carta: %s\n", f.carta_prefix);
    }
    printf("time: %s %s\n", when, tz);
    int rc = 0;
    if (f.version >= 2) {
        /* The receipt is a signed head of its kiosk's chain at its own
         * entry: the database, if it holds the record, must agree. */
        store_head entry;
        printf("chain: position %lld, hash %s…\n", (long long)f.chain_pos, f.chain_hash);
        if (store_record_entry(s, f.type == RECEIPT_PLEDGE ? "pledge" : "attendance", f.record_uuid, &entry) ==
            STORE_OK) {
            if (entry.pos == f.chain_pos && strncmp(entry.hash, f.chain_hash, strlen(f.chain_hash)) == 0 &&
                strcmp(entry.kiosk_id, f.kiosk_id) == 0)
                printf("chain: matches this database\n");
            else
                rc = cli_error("this database's audit chain does not hold this receipt's record at position %lld "
                               "(it is at %lld, hash %.16s): the chain was rewritten", (long long)f.chain_pos,
                               (long long)entry.pos, entry.hash);
        } else {
            printf("chain: the record is not in this database\n");
        }
    }
    store_close(s);
    return rc;
}
