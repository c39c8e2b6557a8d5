/* cli_central.c — the coordinator's commands on the central PostgreSQL
 * (kiosk/central/; README "One institution, many kiosks"):
 *
 *   central init                      create or upgrade the schema
 *   central enroll KEYFILE [--role R] register the kiosks of a keys export
 *   central import FILE               a USB bundle into the central
 *   central indicators [--year Y] [--format text|csv|json] [--institution I]
 *   central status                    per kiosk: last push, lag, skew, ...
 *   central audit verify              every chain and signed head
 *
 * Each takes --url URL (a libpq connection string) or [central] url. */
#include "cli_common.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "central.h"
#include "util.h"

static const char USAGE[] =
    "central init | central enroll KEYFILE [--role ROLE] | central import FILE | "
    "central indicators [--year Y] [--format text|csv|json] [--institution NAME] | central status | "
    "central audit verify   (each with [--url URL])";

/* The institution whose indicators are wanted: this database's, else the
 * config's name. */
static void default_institution(cli_ctx *ctx, char *out, size_t outlen)
{
    struct stat st;
    store *s = NULL;
    char err[512];
    out[0] = '\0';
    if (stat(ctx->db_path, &st) == 0 && store_open(&s, ctx->db_path, 0, err, sizeof err) == STORE_OK) {
        store_meta_get(s, "institution", out, outlen);
        store_close(s);
    }
    if (!out[0])
        util_strlcpy(out, ctx->cfg.institution, outlen);
}

int cli_cmd_central(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option lo[] = {{"url", required_argument, 0, 'u'},     {"role", required_argument, 0, 'r'},
                                       {"year", required_argument, 0, 'y'},    {"format", required_argument, 0, 'f'},
                                       {"institution", required_argument, 0, 'i'}, {0, 0, 0, 0}};
    const char *url = NULL, *role = NULL, *format = "text", *inst = NULL;
    int year = 0;
    if (argc < 2)
        return cli_error("usage: %s", USAGE);
    const char *sub = argv[1];
    argc--, argv++;
    OPTS_BEGIN(lo)
    case 'u': url = optarg; break;
    case 'r': role = optarg; break;
    case 'y':
        if (cli_parse_year(optarg, &year))
            return cli_error("central: año inválido '%s'", optarg);
        break;
    case 'f': format = optarg; break;
    case 'i': inst = optarg; break;
    OPTS_END(USAGE)
    int npos = argc - optind;
    char **pos = argv + optind;
    char err[1024];
    int rc = -1;
    if (strcmp(sub, "init") == 0 && npos == 0) {
        if (!(url = cli_central_url(ctx, url)))
            return 1;
        rc = central_init(url, stdout, err, sizeof err);
    } else if (strcmp(sub, "enroll") == 0 && npos == 1) {
        if (!(url = cli_central_url(ctx, url)))
            return 1;
        rc = central_enroll(url, pos[0], role, stdout, err, sizeof err);
    } else if (strcmp(sub, "import") == 0 && npos == 1) {
        int64_t stored, chains;
        if (!(url = cli_central_url(ctx, url)))
            return 1;
        rc = central_import(url, pos[0], &stored, &chains, err, sizeof err);
        if (!rc)
            printf("paquete %s importado en la central: %lld entradas nuevas de %lld cadena%s\n", pos[0],
                   (long long)stored, (long long)chains, chains == 1 ? "" : "s");
    } else if (strcmp(sub, "indicators") == 0 && npos == 0) {
        char name[256];
        if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json"))
            return cli_error("central indicators: formato '%s' inválido (text, csv o json)", format);
        if (!(url = cli_central_url(ctx, url)))
            return 1;
        if (inst)
            util_strlcpy(name, inst, sizeof name);
        else
            default_institution(ctx, name, sizeof name);
        if (!name[0])
            return cli_error("central indicators: ¿de qué institución? use --institution NOMBRE");
        rc = central_indicators(url, name, year ? year : cli_current_year(ctx), &ctx->cfg, format, stdout, err,
                                sizeof err);
    } else if (strcmp(sub, "status") == 0 && npos == 0) {
        if (!(url = cli_central_url(ctx, url)))
            return 1;
        rc = central_status(url, stdout, err, sizeof err);
    } else if (strcmp(sub, "audit") == 0 && npos == 1 && strcmp(pos[0], "verify") == 0) {
        long findings = 0;
        if (!(url = cli_central_url(ctx, url)))
            return 1;
        rc = central_audit_verify(url, stdout, &findings, err, sizeof err);
        if (!rc && findings)
            return cli_error("central audit verify: %ld hallazgo%s (arriba)", findings, findings == 1 ? "" : "s");
    } else {
        return cli_error("usage: %s", USAGE);
    }
    if (rc)
        return cli_error("central %s: %s", sub, err);
    return 0;
}
