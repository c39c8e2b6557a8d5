/* cli_receipt.c — the receipt, verify and keys commands, and the payload
 * line printed after a command-line check-in or pledge (SPEC "Receipts").
 *
 * Key file format (keys export / keys import): UTF-8 text, one kiosk per
 * line, tab-separated:
 *
 *   CKKEY1 <TAB> KIOSK_ID <TAB> PUBLIC_KEY_BASE64 <TAB> UNIT <TAB> INSTITUTION
 *
 * Blank lines and lines starting with '#' are ignored. Only public keys are
 * ever written; the signing key stays in "<db>.key". */
#include "cli.h"
#include "export.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receipt.h"
#include "util.h"

#define KEYFILE_TAG "CKKEY1"

int cli_print_payload(cli_ctx *ctx, store *s, const store_record *r)
{
    receipt rc;
    char err[1024];
    if (receipt_build(s, &ctx->cfg, ctx->db_path, r, &rc, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    printf("%s\n", rc.payload);
    return 0;
}

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
    char line[RECEIPT_PAYLOAD_MAX + 2], err[1024], tz[64] = "America/Mexico_City", when[64];
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
    store_close(s);
    return 0;
}

/* ---- keys export [FILE] | keys import FILE ---- */

/* The key file being written by `keys export`, and its count of keys. */
struct key_out {
    FILE *f;
    int n;
};

/* Writes one key line of `keys export` (a struct key_out in ctx). */
static int key_line_out(const store_key_row *k, void *ctx)
{
    struct key_out *out = ctx;
    char b64[64], inst[256], unit[64];
    if (k->pklen != 32)
        return 0;
    sodium_bin2base64(b64, sizeof b64, k->pk, 32, sodium_base64_VARIANT_ORIGINAL);
    snprintf(inst, sizeof inst, "%s", k->institution);
    snprintf(unit, sizeof unit, "%s", k->unit);
    for (char *c = inst; *c; c++)
        if (*c == '\t' || *c == '\r' || *c == '\n')
            *c = ' ';
    fprintf(out->f, "%s\t%s\t%s\t%s\t%s\n", KEYFILE_TAG, k->kiosk_id, b64, unit, inst);
    out->n++;
    return 0;
}

static int keys_export(cli_ctx *ctx, const char *path)
{
    store *s;
    char *text = NULL;
    size_t len = 0;
    struct key_out out = {NULL, 0};
    int rc = 1;
    if (cli_open(ctx, &s))
        return 1;
    out.f = open_memstream(&text, &len);
    if (!out.f) {
        cli_error("keys export: out of memory");
        goto cleanup;
    }
    fprintf(out.f, "# cepci-kiosk public keys; on another kiosk: cepci-kiosk keys import FILE\n");
    if (store_key_each(s, key_line_out, &out) != STORE_OK) {
        cli_error("keys export: %s", store_errmsg(s));
        goto cleanup;
    }
    if (fclose(out.f) != 0) {
        out.f = NULL;
        cli_error("keys export: out of memory");
        goto cleanup;
    }
    out.f = NULL;
    if (!path || strcmp(path, "-") == 0) {
        fwrite(text, 1, len, stdout);
    } else {
        if (util_write_file_atomic(path, text, len) != 0) {
            cli_error("%s: cannot write: %s", path, strerror(errno));
            goto cleanup;
        }
        fprintf(stderr, "%d public keys written to %s\n", out.n, path);
    }
    rc = 0;
cleanup:
    if (out.f)
        fclose(out.f);
    free(text);
    store_close(s);
    return rc;
}

typedef struct key_line {
    int lineno;
    char kiosk[STORE_KIOSK_ID_LEN];
    unsigned char pk[32];
    char unit[32];
    char institution[160];
} key_line;

/* Parses one key line (already without its end of line) into k. Returns
 * NULL or the reason it is bad. */
static const char *parse_key_line(char *line, key_line *k)
{
    char *field[5] = {0};
    int n = 0;
    for (char *p = line; n < 5;) {
        field[n++] = p;
        char *tab = n < 5 ? strchr(p, '\t') : NULL;
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    if (n < 3)
        return "expected: CKKEY1<TAB>KIOSK_ID<TAB>PUBLIC_KEY[<TAB>UNIT<TAB>INSTITUTION]";
    if (strcmp(field[0], KEYFILE_TAG) != 0)
        return "not a cepci-kiosk key line (it must start with " KEYFILE_TAG ")";
    if (strlen(field[1]) != STORE_KIOSK_ID_LEN - 1 ||
        strspn(field[1], "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != STORE_KIOSK_ID_LEN - 1)
        return "bad kiosk id (7 characters, Crockford base32)";
    snprintf(k->kiosk, sizeof k->kiosk, "%s", field[1]);
    size_t bl = 0;
    if (sodium_base642bin(k->pk, sizeof k->pk, field[2], strlen(field[2]), NULL, &bl, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        bl != 32)
        return "bad public key (base64 of 32 bytes expected)";
    if (!crypto_core_ed25519_is_valid_point(k->pk))
        return "bad public key (not an Ed25519 key)";
    k->unit[0] = k->institution[0] = '\0';
    if (n > 3 && field[3][0]) {
        if (!util_is_token(field[3]) || strlen(field[3]) >= sizeof k->unit)
            return "bad unit code";
        snprintf(k->unit, sizeof k->unit, "%s", field[3]);
    }
    if (n > 4) {
        if (!util_utf8_valid(field[4], strlen(field[4])))
            return "the institution is not valid UTF-8";
        util_strlcpy(k->institution, field[4], sizeof k->institution);
    }
    return NULL;
}

static int keys_import(cli_ctx *ctx, const char *path)
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return cli_error("%s: cannot read: %s", path, strerror(errno));
    key_line *keys = NULL;
    int nkeys = 0, rc = 1, lineno = 0, added = 0;
    store *s = NULL;
    /* Parse everything first: a bad file changes nothing. */
    for (char *p = text, *next; p && *p; p = next) {
        lineno++;
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        p[strcspn(p, "\r")] = '\0';
        if (lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            p += 3;
        char *t = util_trim(p);
        if (!*t || *t == '#')
            continue;
        key_line *grown = realloc(keys, (size_t)(nkeys + 1) * sizeof *keys);
        if (!grown) {
            cli_error("keys import: out of memory");
            goto out;
        }
        keys = grown;
        keys[nkeys].lineno = lineno;
        const char *why = parse_key_line(t, &keys[nkeys]);
        if (why) {
            cli_error("%s:%d: %s", path, lineno, why);
            goto out;
        }
        nkeys++;
    }
    if (nkeys == 0) {
        cli_error("%s: no public keys in this file", path);
        goto out;
    }
    if (cli_open(ctx, &s))
        goto out;
    if (store_begin(s) != STORE_OK) {
        cli_error("%s", store_errmsg(s));
        goto out;
    }
    for (int i = 0; i < nkeys; i++) {
        unsigned char old[32];
        int known = store_key_get(s, keys[i].kiosk, old) == STORE_OK;
        if (store_key_put(s, keys[i].kiosk, keys[i].pk, keys[i].institution, keys[i].unit, cli_now()) !=
            STORE_OK) {
            cli_error("%s:%d: %s", path, keys[i].lineno, store_errmsg(s));
            store_rollback(s);
            goto out;
        }
        added += !known;
    }
    if (store_commit(s) != STORE_OK) {
        cli_error("%s", store_errmsg(s));
        store_rollback(s);
        goto out;
    }
    printf("%d claves: %d nuevas, %d ya conocidas\n", nkeys, added, nkeys - added);
    rc = 0;
out:
    if (s)
        store_close(s);
    free(keys);
    free(text);
    return rc;
}

int cli_cmd_keys(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "keys export [FILE] | keys import FILE";
    if (argc >= 2 && strcmp(argv[1], "export") == 0 && argc <= 3)
        return keys_export(ctx, argc == 3 ? argv[2] : NULL);
    if (argc == 3 && strcmp(argv[1], "import") == 0)
        return keys_import(ctx, argv[2]);
    return cli_error("usage: %s", usage);
}
