/* cli_record.c — checkin and pledge from the command line (a paper list
 * or letter typed in): each prints the new folio, then the receipt's QR
 * payload line (SPEC "Coordinator command line", "Receipts"). */
#include "cli_common.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "receipt.h"
#include "util.h"

/* Prints the QR payload line of a record just made. Returns 0 when
 * printed, -1 after an error line. */
static int print_payload(cli_ctx *ctx, store *s, const store_record *r)
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

/* A receipt needs the signing key: check it before recording anything, so
 * a record is never made that cannot be given its QR. Returns 0 or 1. */
static int require_key(cli_ctx *ctx)
{
    unsigned char sk[KEYS_SECRET_BYTES];
    char err[1024];
    int rc = keys_load_secret(ctx->db_path, sk, err, sizeof err);
    sodium_memzero(sk, sizeof sk);
    return rc ? cli_error("%s; nothing was recorded", err) : 0;
}

/* Prints the QR payload after the folio; a failure after the record was
 * saved says so and how to reprint. Returns the exit status. */
static int finish_record(cli_ctx *ctx, store *s, const store_record *r)
{
    printf("%s\n", r->folio);
    fflush(stdout);
    if (print_payload(ctx, s, r) != 0)
        return cli_error("the record was saved (folio %s) but its QR could not be made; "
                         "reprint with: cepci-kiosk receipt %s", r->folio, r->folio);
    return 0;
}

static const char *event_tz(store *s, const char *event_id)
{
    static store_unit u;
    store_event e;
    if (store_event_get(s, event_id, &e) == STORE_OK && store_unit_get(s, e.unit, &u) == STORE_OK)
        return u.timezone;
    return CK_DEFAULT_TZ;
}

int cli_cmd_checkin(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "checkin EVENT_ID EMPLOYEE_NO [--keyed]";
    static const struct option lo[] = {{"keyed", no_argument, 0, 'k'}, {0, 0, 0, 0}};
    int keyed = 0;
    OPTS_BEGIN(lo)
    case 'k': keyed = 1; break;
    OPTS_END(usage)
    if (argc - optind != 2)
        return cli_error("usage: %s", usage);
    const char *event = argv[optind], *emp = argv[optind + 1];
    store *s;
    if (require_key(ctx) || cli_open(ctx, &s))
        return 1;
    store_record r;
    store_person who;
    /* Without --keyed the person is at the coordinator's desk now ("desk");
     * --keyed types in a paper list, also of people who have since left. */
    int rc = store_checkin(s, event, emp, NULL, keyed ? "keyed" : "desk", NULL, 0, cli_now(), &r);
    if (rc == STORE_OK && store_person_get(s, emp, &who) == STORE_OK && !who.active)
        fprintf(stderr, "cepci-kiosk: aviso: %s está marcado como inactivo en el padrón; el registro se guardó "
                        "(los indicadores cuentan solo al personal activo)\n", r.employee_no);
    if (rc == STORE_INVALID && !keyed && strstr(store_errmsg(s), "signature"))
        cli_error("this event asks for a signature at the kiosk; a paper list typed in uses --keyed");
    else if (rc == STORE_EXISTS) {
        char when[64];
        util_format_time(event_tz(s, event), r.at, "%Y-%m-%d %H:%M", when, sizeof when);
        cli_error("employee %s is already registered at this event since %s (folio %s)", emp, when, r.folio);
    } else if (rc)
        cli_error("%s", store_errmsg(s));
    else
        rc = finish_record(ctx, s, &r);
    store_close(s);
    return rc ? 1 : 0;
}

/* SHA-256 of a text file (the Carta or the privacy notice). */
static int file_sha256(const char *path, char out[UTIL_SHA256_HEX])
{
    size_t len;
    char *text = util_read_file(path, &len);
    if (!text)
        return cli_error("%s: cannot read: %s", path, strerror(errno));
    util_sha256_hex(text, len, out);
    free(text);
    return 0;
}

int cli_cmd_pledge(cli_ctx *ctx, int argc, char **argv)
{
    static const char usage[] = "pledge EMPLOYEE_NO --keyed [--date YYYY-MM-DD]";
    static const struct option lo[] = {
        {"keyed", no_argument, 0, 'k'}, {"date", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    int keyed = 0;
    const char *date = NULL;
    OPTS_BEGIN(lo)
    case 'k': keyed = 1; break;
    case 'd': date = optarg; break;
    OPTS_END(usage)
    if (argc - optind != 1 || !keyed)
        return cli_error("usage: %s (pledges with a signature are made at the kiosk)", usage);
    const char *emp = argv[optind];
    char carta[UTIL_SHA256_HEX], privacy[UTIL_SHA256_HEX];
    if (file_sha256(ctx->cfg.carta, carta) || file_sha256(ctx->cfg.privacy, privacy) || require_key(ctx))
        return 1;
    store *s;
    if (cli_open(ctx, &s))
        return 1;
    int64_t at = cli_now();
    store_person p;
    store_unit u;
    if (date) {
        struct tm tm;
        if (strlen(date) != 10 || util_parse_local(date, &tm)) {
            store_close(s);
            return cli_error("bad --date '%s' (use YYYY-MM-DD)", date);
        }
        /* Noon in the person's unit: the day is right in any zone. */
        tm.tm_hour = 12;
        const char *tz = CK_DEFAULT_TZ;
        if (store_person_get(s, emp, &p) == STORE_OK && store_unit_get(s, p.unit, &u) == STORE_OK)
            tz = u.timezone;
        if (util_local_to_utc(tz, &tm, &at)) {
            store_close(s);
            return cli_error("bad --date '%s'", date);
        }
        if (at > cli_now() + 86400) {
            store_close(s);
            return cli_error("--date %s is in the future", date);
        }
    }
    store_record r;
    int rc = store_pledge(s, emp, carta, privacy, "keyed", NULL, 0, at, cli_now(), &r);
    if (rc == STORE_OK && store_person_get(s, emp, &p) == STORE_OK && !p.active)
        fprintf(stderr, "cepci-kiosk: aviso: %s está marcado como inactivo en el padrón; la carta se guardó "
                        "(los indicadores cuentan solo al personal activo)\n", r.employee_no);
    if (rc == STORE_EXISTS) {
        char when[64];
        util_format_time(CK_DEFAULT_TZ, r.at, "%Y-%m-%d", when, sizeof when);
        cli_error("employee %s already signed this Carta Compromiso on %s (folio %s)", emp, when, r.folio);
    } else if (rc) {
        cli_error("%s", store_errmsg(s));
    } else {
        rc = finish_record(ctx, s, &r);
    }
    store_close(s);
    return rc ? 1 : 0;
}
